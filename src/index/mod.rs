//! The Tantivy index on disk: creating and opening it, its schema and analyzers, and
//! writing entries into it.
//!
//! All state lives inside Tantivy's atomic commit (documents plus the commit payload, which
//! records the schema version), so a crash at any moment leaves the last commit intact.

pub mod analyzer;
pub mod schema;
pub mod writer;

use std::path::{Path, PathBuf};

use tantivy::directory::error::OpenReadError;
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{Index, IndexReader, IndexSettings, ReloadPolicy, Searcher, TantivyError};

use crate::error::{Error, Result};
pub use schema::{Fields, SCHEMA_VERSION};

/// The default index folder, relative to the working directory.
pub const DEFAULT_INDEX_DIR: &str = "index";

/// How a newsdex index is stored: documents compressed with zstd in blocks large enough
/// to compress well and small enough to fetch ten hits quickly.
fn settings() -> IndexSettings {
    IndexSettings {
        docstore_compression: Compressor::Zstd(ZstdCompressor { compression_level: Some(3) }),
        docstore_blocksize: 32 * 1024,
        ..IndexSettings::default()
    }
}

/// An open index, ready to search.
pub struct NewsIndex {
    path: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
}

impl NewsIndex {
    /// Opens the index in `path` for searching.
    pub fn open(path: &Path) -> Result<NewsIndex> {
        let index = open_existing(path)?;
        let fields = check_compatible(path, &index)?;
        let reader =
            index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().map_err(|e| damaged_or(path, e))?;
        Ok(NewsIndex { path: path.to_path_buf(), index, reader, fields })
    }

    /// A searcher over the last commit seen by [`NewsIndex::reload`] (or by `open`).
    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// Makes the latest commit visible to new searchers.
    pub fn reload(&self) -> Result<()> {
        self.reader.reload().map_err(|e| damaged_or(&self.path, e))
    }

    /// The field handles.
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// The folder the index lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The Tantivy index.
    pub fn tantivy(&self) -> &Index {
        &self.index
    }

    /// The analyzer this index's title and body were written with, so that queries and
    /// snippets analyse text the same way.
    pub fn text_analyzer(&self) -> tantivy::tokenizer::TextAnalyzer {
        if self.fields.stemmed {
            analyzer::news()
        } else {
            analyzer::news_unstemmed()
        }
    }
}

/// True when `path` holds an index (of any version).
pub fn exists(path: &Path) -> bool {
    path.join("meta.json").is_file()
}

fn open_existing(path: &Path) -> Result<Index> {
    if !exists(path) {
        return Err(Error::NoIndex(path.to_path_buf()));
    }
    let mut index = Index::open_in_dir(path).map_err(|e| damaged_or(path, e))?;
    register_analyzers(&mut index);
    Ok(index)
}

fn register_analyzers(index: &mut Index) {
    analyzer::register(index.tokenizers());
    // Fast-field values of keyword fields keep their original case ("Reuters").
    index.fast_field_tokenizer().register("raw", tantivy::tokenizer::RawTokenizer::default());
}

/// Checks the schema version recorded in the last commit and returns the field handles.
fn check_compatible(path: &Path, index: &Index) -> Result<Fields> {
    let incompatible =
        |found: String| Error::Incompatible { path: path.to_path_buf(), found, expected: SCHEMA_VERSION };
    let metas = index.load_metas().map_err(|e| damaged_or(path, e))?;
    let payload = metas.payload.as_deref().ok_or_else(|| incompatible("no schema version recorded".to_string()))?;
    let payload: schema::CommitPayload =
        serde_json::from_str(payload).map_err(|_| incompatible("an unreadable schema record".to_string()))?;
    if payload.schema_version != SCHEMA_VERSION {
        return Err(incompatible(format!("schema {}", payload.schema_version)));
    }
    Fields::from_schema(&index.schema()).map_err(incompatible)
}

/// Opens the index in `path` for writing, creating it (and the folder) when there is none.
/// With `rebuild`, an existing index of any version is deleted first.
pub(crate) fn open_for_writing(path: &Path, rebuild: bool) -> Result<(Index, Fields)> {
    if exists(path) && rebuild {
        remove_index_files(path)?;
    }
    if exists(path) {
        let index = open_existing(path)?;
        let fields = check_compatible(path, &index)?;
        return Ok((index, fields));
    }
    if path.is_dir() {
        let mut contents = std::fs::read_dir(path).map_err(|e| Error::io(path, e))?;
        if contents.next().is_some() {
            return Err(Error::NotAnIndex {
                path: path.to_path_buf(),
                reason: "the folder is not empty and has no meta.json".to_string(),
            });
        }
    } else if path.exists() {
        return Err(Error::NotAnIndex { path: path.to_path_buf(), reason: "it is a file".to_string() });
    }
    std::fs::create_dir_all(path).map_err(|e| Error::io(path, e))?;
    let (schema, fields) = Fields::build();
    let mut index = Index::builder().schema(schema).settings(settings()).create_in_dir(path)?;
    register_analyzers(&mut index);
    Ok((index, fields))
}

/// Creates an empty index in the new or empty folder `path` whose title and body are
/// analysed by `text_analyzer` (one of the names in [`analyzer`]) instead of the default,
/// ready for [`writer::build`] to fill. Used to measure alternatives (`newsdex eval`).
pub fn create_with(path: &Path, text_analyzer: &str) -> Result<()> {
    if exists(path) {
        return Err(Error::NotAnIndex { path: path.to_path_buf(), reason: "an index already exists there".into() });
    }
    std::fs::create_dir_all(path).map_err(|e| Error::io(path, e))?;
    let (schema, _) = Fields::build_with(text_analyzer);
    let mut index = Index::builder().schema(schema).settings(settings()).create_in_dir(path)?;
    register_analyzers(&mut index);
    let mut writer: tantivy::IndexWriter<tantivy::TantivyDocument> =
        index.writer_with_num_threads(1, 16 * 1024 * 1024).map_err(|e| damaged_or(path, e))?;
    let mut commit = writer.prepare_commit()?;
    commit.set_payload(&serde_json::to_string(&schema::CommitPayload::current()).unwrap_or_default());
    commit.commit()?;
    Ok(())
}

/// Deletes the files of an index folder (only the files Tantivy and newsdex write there).
fn remove_index_files(path: &Path) -> Result<()> {
    for item in std::fs::read_dir(path).map_err(|e| Error::io(path, e))? {
        let item = item.map_err(|e| Error::io(path, e))?;
        let name = item.file_name();
        let name = name.to_string_lossy();
        let ours = name == "meta.json"
            || name == ".managed.json"
            || name.ends_with(".lock")
            || [".idx", ".pos", ".term", ".store", ".fast", ".fieldnorm", ".del", ".temp"]
                .iter()
                .any(|ext| name.ends_with(ext));
        if ours && item.path().is_file() {
            std::fs::remove_file(item.path()).map_err(|e| Error::io(item.path(), e))?;
        }
    }
    Ok(())
}

/// Maps Tantivy errors that mean missing or corrupt files to [`Error::Damaged`].
pub(crate) fn damaged_or(path: &Path, e: TantivyError) -> Error {
    match e {
        TantivyError::DataCorruption(c) => Error::Damaged(format!("{}: {c:?}", path.display())),
        TantivyError::OpenReadError(OpenReadError::FileDoesNotExist(f)) => {
            Error::Damaged(format!("{} is missing", path.join(f).display()))
        }
        TantivyError::OpenReadError(e) => Error::Damaged(e.to_string()),
        TantivyError::IncompatibleIndex(e) => Error::Incompatible {
            path: path.to_path_buf(),
            found: format!("a Tantivy index this build cannot read ({e:?})"),
            expected: SCHEMA_VERSION,
        },
        TantivyError::IoError(io) => Error::io(path, std::io::Error::new(io.kind(), io.to_string())),
        TantivyError::LockFailure(..) => Error::Locked(path.to_path_buf()),
        other => Error::Tantivy(other),
    }
}
