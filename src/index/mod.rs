//! The Tantivy index on disk: creating and opening it, its schema and analyzers, and
//! writing entries into it.
//!
//! All state lives inside Tantivy's atomic commit: the entries, the record of which files
//! they came from (file-record documents, see [`manifest`]) and the commit payload, which
//! records the schema version. A crash at any moment leaves the last commit intact, and
//! Tantivy's writer lock lets one process write at a time while any number search.
//!
//! Reads go through [`guard`]: Tantivy trusts the bytes of its files, so a segment file
//! corrupted on disk (same length, other bytes) can make it panic; the guard turns that into
//! [`Error::Damaged`], which tells the user to rebuild.

pub mod analyzer;
mod directory;
pub mod manifest;
pub mod merge;
pub mod queue;
pub mod schema;
pub mod store;
pub mod watch;
pub mod writer;

use std::cell::Cell;
use std::io::ErrorKind;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::RwLock;

use tantivy::collector::Count;
use tantivy::directory::error::OpenReadError;
use tantivy::directory::{Directory, MmapDirectory, INDEX_WRITER_LOCK};
use tantivy::indexer::IndexWriterOptions;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::store::Compressor;
use tantivy::{Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, Searcher, TantivyError};

use crate::error::{Error, Result};
use directory::IndexDirectory;
use queue::Queued;
pub use schema::{Fields, SCHEMA_VERSION};
use store::Codec;

/// The default index folder, relative to the working directory.
pub const DEFAULT_INDEX_DIR: &str = "index";

/// How a newsdex index is stored: Tantivy's document store keeps bytes as they are, since
/// each stored entry is compressed on its own (see [`store`]): a hit then costs one small
/// decompression instead of a whole block's. Blocks are one page: Tantivy copies the block
/// holding a hit before reading the hit from it (32 KiB blocks spent 40% of a warm fetch on
/// that copy), and the skip index of the smaller blocks adds 0.07% to the index. With nothing
/// to compress, a block is written by the indexing thread that filled it rather than handed
/// to a compressing thread (a message and a wake-up per 4 KiB).
fn settings_for_new() -> IndexSettings {
    IndexSettings {
        docstore_compression: Compressor::None,
        docstore_blocksize: 4 * 1024,
        docstore_compress_dedicated_thread: false,
        ..IndexSettings::default()
    }
}

/// An open index, ready to search.
pub struct NewsIndex {
    path: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    /// The last commit seen, with the codec of its stored entries: always replaced together.
    view: RwLock<(Searcher, Codec)>,
}

impl NewsIndex {
    /// Opens the index in `path` for searching.
    pub fn open(path: &Path) -> Result<NewsIndex> {
        guard(path, || {
            // The last commit is read once here (Tantivy reads it again for the reader): each
            // reading parses the schema, about 160,000 instructions.
            let (index, metas) = open_existing(path)?;
            let fields = check_compatible(path, &index, &metas)?;
            // No cache of store blocks: a block is a 4 KiB copy of the file, cheaper to read
            // again than to keep. Kept, each of a page's hits held on to its block and the
            // next was copied into memory never touched before, a page fault of 3.5–5 µs on
            // this machine; freed, the same memory serves every hit (BENCHMARKS.md, twelfth
            // round).
            let reader: IndexReader = index
                .reader_builder()
                .reload_policy(ReloadPolicy::Manual)
                .doc_store_cache_num_blocks(0)
                .try_into()
                .map_err(|e| damaged_or(path, e))?;
            let view = current_view(path, &index, &reader, Some(metas))?;
            Ok(NewsIndex { path: path.to_path_buf(), index, reader, fields, view: RwLock::new(view) })
        })
    }

    /// A searcher over the last commit seen by [`NewsIndex::reload`] (or by `open`).
    pub fn searcher(&self) -> Searcher {
        self.view().0
    }

    /// A searcher over the last commit seen, and the codec that reads its stored entries.
    pub fn view(&self) -> (Searcher, Codec) {
        self.view.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// Makes the latest commit visible to new searchers.
    pub fn reload(&self) -> Result<()> {
        guard(&self.path, || {
            self.reader.reload().map_err(|e| damaged_or(&self.path, e))?;
            let view = current_view(&self.path, &self.index, &self.reader, None)?;
            *self.view.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = view;
            Ok(())
        })
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

    /// The number of entries in the last commit seen (file records are not entries).
    pub fn entry_count(&self) -> Result<usize> {
        guard(&self.path, || count_entries(&self.searcher(), &self.fields).map_err(|e| damaged_or(&self.path, e)))
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

/// The codec of the stored entries of the last commit: with the dictionary its payload
/// names.
pub(crate) fn load_codec(path: &Path, index: &Index) -> Result<Codec> {
    let metas = index.load_metas().map_err(|e| damaged_or(path, e))?;
    codec_of(path, &metas)
}

fn codec_of(path: &Path, metas: &tantivy::IndexMeta) -> Result<Codec> {
    let payload: Option<schema::CommitPayload> = metas.payload.as_deref().and_then(|p| serde_json::from_str(p).ok());
    Codec::open(path, payload.and_then(|p| p.dictionary))
}

/// The reader's searcher and the codec of the commit it sees. The commit is read twice (by
/// the reader, and for its payload: here, unless `read` is given, read just before the
/// reader was made); should another have landed in between (a rebuild changes the
/// dictionary), the reader catches up and both are read again.
fn current_view(
    path: &Path,
    index: &Index,
    reader: &IndexReader,
    mut read: Option<tantivy::IndexMeta>,
) -> Result<(Searcher, Codec)> {
    let mut tries = 0;
    loop {
        let searcher = reader.searcher();
        let metas = match read.take() {
            Some(metas) => metas,
            None => index.load_metas().map_err(|e| damaged_or(path, e))?,
        };
        let mut seen: Vec<_> = searcher.segment_readers().iter().map(|r| r.segment_id()).collect();
        let mut committed: Vec<_> = metas.segments.iter().map(|m| m.id()).collect();
        seen.sort();
        committed.sort();
        tries += 1;
        if seen == committed || tries == 5 {
            return Ok((searcher, codec_of(path, &metas)?));
        }
        reader.reload().map_err(|e| damaged_or(path, e))?;
    }
}

/// The number of entry documents a searcher sees.
pub(crate) fn count_entries(searcher: &Searcher, fields: &Fields) -> tantivy::Result<usize> {
    searcher.search(&TermQuery::new(fields.all_entries_term(), IndexRecordOption::Basic), &Count)
}

/// True when `path` holds an index (of any version).
pub fn exists(path: &Path) -> bool {
    path.join("meta.json").is_file()
}

fn open_existing(path: &Path) -> Result<(Index, tantivy::IndexMeta)> {
    open_existing_in(path, |path| Ok(Box::new(IndexDirectory::to_search(path)?)))
}

/// Opens the index for a writer: what it reads does not stay resident (see [`directory`]).
fn open_existing_to_write(path: &Path) -> Result<Index> {
    open_existing_in(path, |path| Ok(Box::new(IndexDirectory::to_write(path)?))).map(|(index, _)| index)
}

/// Opens the index in `path` through `directory`, and reads its last commit.
fn open_existing_in(
    path: &Path,
    directory: fn(&Path) -> tantivy::Result<Box<dyn Directory>>,
) -> Result<(Index, tantivy::IndexMeta)> {
    if !exists(path) {
        return Err(Error::NoIndex(path.to_path_buf()));
    }
    let mut index = directory(path).and_then(Index::open).map_err(|e| damaged_or(path, e))?;
    let metas = index.load_metas().map_err(|e| damaged_or(path, e))?;
    check_segment_files(path, &metas)?;
    register_analyzers(&mut index);
    Ok((index, metas))
}

/// Every file of every segment of the last commit is there. Tantivy opens some of them only
/// when a query needs them, so a missing one would otherwise break some searches and not
/// others; checked here, it is reported the same way whatever is asked.
fn check_segment_files(path: &Path, metas: &tantivy::IndexMeta) -> Result<()> {
    use tantivy::index::SegmentComponent as C;
    for segment in &metas.segments {
        let deletes = segment.delete_opstamp().map(|_| C::Delete);
        for component in
            [C::Postings, C::Positions, C::Terms, C::Store, C::FastFields, C::FieldNorms].into_iter().chain(deletes)
        {
            let file = path.join(segment.relative_path(component));
            if !file.is_file() {
                return Err(Error::Damaged(format!("{} is missing", file.display())));
            }
        }
    }
    Ok(())
}

fn register_analyzers(index: &mut Index) {
    analyzer::register(index.tokenizers());
    // Fast-field values of keyword fields keep their original case ("Reuters").
    index.fast_field_tokenizer().register("raw", tantivy::tokenizer::RawTokenizer::default());
}

/// Checks the schema version recorded in `metas`, the last commit of `index`, and returns the
/// field handles.
fn check_compatible(path: &Path, index: &Index, metas: &tantivy::IndexMeta) -> Result<Fields> {
    let incompatible =
        |found: String| Error::Incompatible { path: path.to_path_buf(), found, expected: SCHEMA_VERSION };
    let Some(payload) = metas.payload.as_deref() else {
        // Created but never committed (a run killed in its first instant): an empty index,
        // usable when its schema is exactly ours.
        let (schema, fields) = Fields::build();
        if metas.segments.is_empty() && index.schema() == schema {
            return Ok(fields);
        }
        return Err(incompatible("no schema version recorded".to_string()));
    };
    let payload: schema::CommitPayload =
        serde_json::from_str(payload).map_err(|_| incompatible("an unreadable schema record".to_string()))?;
    if payload.schema_version != SCHEMA_VERSION {
        return Err(incompatible(format!("schema {}", payload.schema_version)));
    }
    Fields::from_schema(&index.schema()).map_err(incompatible)
}

/// How a writer is set up.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WriterSettings {
    /// Indexing threads.
    pub threads: usize,
    /// Memory for all of them, in bytes.
    pub memory_budget: usize,
    /// Threads merging segments in the background.
    pub merge_threads: usize,
}

/// An index opened for writing: the writer holds the index's lock until it is dropped.
pub(crate) struct WritableIndex {
    pub index: Index,
    pub fields: Fields,
    pub writer: IndexWriter<Queued>,
    /// True when the index is empty (just created) or emptied by `rebuild` (until the next
    /// commit, searches still see the old contents).
    pub fresh: bool,
}

/// Opens the index in `path` for writing, creating it (and the folder) when there is none.
///
/// The writer lock is taken before anything else happens, so a second writer fails at once
/// with [`Error::Locked`] and changes nothing. With `rebuild`, all documents are deleted in
/// the writer: searches keep seeing the old index until the new one is committed. Only an
/// index this version cannot read at all is deleted right away (under the lock).
pub(crate) fn open_for_writing(path: &Path, rebuild: bool, settings: WriterSettings) -> Result<WritableIndex> {
    if exists(path) {
        let opened = open_existing_to_write(path).and_then(|index| {
            let writer = new_writer(path, &index, settings)?;
            Ok((index, writer))
        });
        let (index, writer) = match opened {
            Ok(opened) => opened,
            Err(Error::Incompatible { .. } | Error::Damaged(_)) if rebuild => {
                replace_unreadable(path)?;
                return open_for_writing(path, false, settings);
            }
            Err(e) => return Err(e),
        };
        // Read again under the lock: another writer may have committed since the index was
        // opened.
        let metas = index.load_metas().map_err(|e| damaged_or(path, e))?;
        return match check_compatible(path, &index, &metas) {
            Ok(fields) if rebuild => {
                // A damaged index (a segment file missing or corrupt) may take a writer and
                // fail only later: `--rebuild`, which the damage error recommends, starts
                // afresh instead.
                let read = guard(path, || {
                    count_entries(&index_searcher(path, &index)?, &fields).map_err(|e| damaged_or(path, e))
                });
                if let Err(Error::Damaged(_)) = read {
                    drop(writer);
                    replace_unreadable(path)?;
                    return open_for_writing(path, false, settings);
                }
                writer.delete_all_documents()?;
                Ok(WritableIndex { index, fields, writer, fresh: true })
            }
            Ok(fields) => {
                let fresh = index_searcher(path, &index)?.num_docs() == 0;
                Ok(WritableIndex { index, fields, writer, fresh })
            }
            Err(Error::Incompatible { .. }) if rebuild => {
                drop(writer);
                replace_unreadable(path)?;
                open_for_writing(path, false, settings)
            }
            Err(e) => Err(e),
        };
    }
    if path.is_dir() {
        let mut contents = std::fs::read_dir(path).map_err(|e| Error::io(path, e))?;
        // Tantivy's lock files may stay behind (an index deleted by `--rebuild`).
        let is_lock =
            |name: &std::ffi::OsStr| name.to_str().is_some_and(|n| n.starts_with(".tantivy-") && n.ends_with(".lock"));
        if contents.any(|item| item.map_or(true, |item| !is_lock(&item.file_name()))) {
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
    let create = || {
        let directory = IndexDirectory::to_write(path)?;
        if Index::exists(&directory)? {
            return Err(TantivyError::IndexAlreadyExists);
        }
        Index::create(directory, schema, settings_for_new())
    };
    let mut index = match create() {
        Ok(index) => index,
        // Another process created it a moment ago: its writer holds the lock.
        Err(TantivyError::IndexAlreadyExists) => return open_for_writing(path, rebuild, settings),
        Err(e) => return Err(damaged_or(path, e)),
    };
    register_analyzers(&mut index);
    let mut writer = new_writer(path, &index, settings)?;
    // Commit the empty index at once, so that from now on the folder always holds a valid,
    // versioned index, even if this run is killed before its first real commit.
    commit(&mut writer, None)?;
    Ok(WritableIndex { index, fields, writer, fresh: true })
}

fn index_searcher(path: &Path, index: &Index) -> Result<Searcher> {
    let reader: IndexReader =
        index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().map_err(|e| damaged_or(path, e))?;
    Ok(reader.searcher())
}

fn new_writer(path: &Path, index: &Index, settings: WriterSettings) -> Result<IndexWriter<Queued>> {
    let threads = settings.threads.max(1);
    // Documents come analysed (`schema::Fields::document`): the writer's analyzers give back
    // their terms.
    analyzer::register_pre_analysed(index.tokenizers());
    let options = IndexWriterOptions::builder()
        .num_worker_threads(threads)
        .memory_budget_per_thread(settings.memory_budget / threads)
        .num_merge_threads(settings.merge_threads.max(1))
        .build();
    index.writer_with_options(options).map_err(|e| damaged_or(path, e))
}

/// Commits everything the writer holds, recording the schema version.
pub(crate) fn commit(writer: &mut IndexWriter<Queued>, dictionary: Option<store::DictionaryRef>) -> Result<()> {
    let mut prepared = writer.prepare_commit()?;
    // The payload is a small JSON object of strings and numbers; serialising it cannot fail.
    prepared.set_payload(&serde_json::to_string(&schema::CommitPayload::current(dictionary)).unwrap_or_default());
    prepared.commit()?;
    Ok(())
}

/// Deletes an index this version cannot use, holding the writer lock so that no other process
/// is writing it meanwhile.
fn replace_unreadable(path: &Path) -> Result<()> {
    let directory = MmapDirectory::open(path).map_err(|e| Error::io(path, std::io::Error::other(e.to_string())))?;
    let _lock = directory.acquire_lock(&INDEX_WRITER_LOCK).map_err(|_| Error::Locked(path.to_path_buf()))?;
    remove_index_files(path)
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
    let mut index = Index::builder().schema(schema).settings(settings_for_new()).create_in_dir(path)?;
    register_analyzers(&mut index);
    let mut writer: IndexWriter<Queued> =
        index.writer_with_num_threads(1, 16 * 1024 * 1024).map_err(|e| damaged_or(path, e))?;
    commit(&mut writer, None)
}

/// Deletes the files of an index folder (only the files Tantivy and newsdex write there; the
/// lock file stays, as it is held while this runs).
fn remove_index_files(path: &Path) -> Result<()> {
    for item in std::fs::read_dir(path).map_err(|e| Error::io(path, e))? {
        let item = item.map_err(|e| Error::io(path, e))?;
        let name = item.file_name();
        let name = name.to_string_lossy();
        let ours = name == "meta.json"
            || name == ".managed.json"
            || store::is_dictionary_file(&name)
            || [".idx", ".pos", ".term", ".store", ".fast", ".fieldnorm", ".del", ".temp"]
                .iter()
                .any(|ext| name.ends_with(ext));
        if ours && item.path().is_file() {
            std::fs::remove_file(item.path()).map_err(|e| Error::io(item.path(), e))?;
        }
    }
    Ok(())
}

thread_local! {
    /// This thread runs a read of an index inside [`guard`].
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    /// The last panic of this thread was raised in newsdex's own code (see [`note_panic`]).
    static OWN_PANIC: Cell<bool> = const { Cell::new(false) };
}

/// For a panic hook: notes where a panic was raised (`file`, as the panic's location gives
/// it). A panic in newsdex's own code (`src/`) is a bug, and [`guard`] lets it through as one;
/// one raised in Tantivy or below during a guarded read becomes [`Error::Damaged`]. Returns
/// true for the latter: the hook may keep quiet about it.
pub fn note_panic(file: &str) -> bool {
    let own = file.starts_with("src/");
    OWN_PANIC.with(|c| c.set(own));
    !own && GUARDED.with(Cell::get)
}

/// Runs `read`, a read of the index at `path`. Tantivy trusts its files' bytes, and some
/// corrupt ones make it panic (a slice out of range) instead of returning an error: such a
/// panic becomes [`Error::Damaged`]. Nothing is written while reading, so the index is no
/// worse for it. A panic a hook has noted as newsdex's own (see [`note_panic`]) goes on.
pub fn guard<T>(path: &Path, read: impl FnOnce() -> Result<T>) -> Result<T> {
    let outer = GUARDED.with(|g| g.replace(true));
    OWN_PANIC.with(|c| c.set(false));
    let outcome = catch_unwind(AssertUnwindSafe(read));
    GUARDED.with(|g| g.set(outer));
    outcome.unwrap_or_else(|payload| {
        if OWN_PANIC.with(Cell::get) {
            std::panic::resume_unwind(payload);
        }
        let why = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a read failed".to_string());
        Err(Error::Damaged(format!("{}: a file of it is corrupt ({why})", path.display())))
    })
}

/// Names the cause of a failed write. Tantivy's indexing threads report only that they died
/// (`ErrorInThread`): most often the disk is full or a file-size limit was reached, so a probe
/// file written beside the index tells which. Other errors pass through.
pub(crate) fn write_failure(path: &Path, e: Error) -> Error {
    let (Error::Tantivy(TantivyError::ErrorInThread(_)) | Error::Tantivy(TantivyError::IoError(_))) = &e else {
        return e;
    };
    let probe = path.join(".newsdex-write-probe");
    let written = std::fs::write(&probe, vec![0u8; 4 << 20]);
    let _ = std::fs::remove_file(&probe);
    match written {
        Err(io) => Error::io(
            path,
            std::io::Error::new(
                io.kind(),
                format!("writing the index failed: {io}; nothing of this run was committed, the index holds the last completed run"),
            ),
        ),
        Ok(()) => e,
    }
}

/// For errors of writing (committing, rolling back, merging): as [`damaged_or`], except that
/// every I/O error stays one. What fails to decode while reading is damage; a write that
/// fails for a reason the OS does not classify is not.
pub(crate) fn write_error(path: &Path, e: TantivyError) -> Error {
    match e {
        TantivyError::IoError(io) => Error::io(path, std::io::Error::new(io.kind(), io.to_string())),
        other => damaged_or(path, other),
    }
}

/// Maps Tantivy errors that mean missing or corrupt files to [`Error::Damaged`].
pub(crate) fn damaged_or(path: &Path, e: TantivyError) -> Error {
    match e {
        // On one line: some of Tantivy's descriptions run over several.
        TantivyError::DataCorruption(c) => {
            Error::Damaged(crate::entry::collapse_whitespace(&format!("{}: {c:?}", path.display())))
        }
        TantivyError::OpenReadError(OpenReadError::FileDoesNotExist(f)) => {
            Error::Damaged(format!("{} is missing", path.join(f).display()))
        }
        TantivyError::OpenReadError(e) => Error::Damaged(e.to_string()),
        TantivyError::IncompatibleIndex(e) => Error::Incompatible {
            path: path.to_path_buf(),
            found: format!("a Tantivy index this build cannot read ({e:?})"),
            expected: SCHEMA_VERSION,
        },
        // Bytes that do not decode (a zstd block of the document store, say: kind Other) are
        // damage too; a full disk, missing rights and the like stay I/O errors.
        TantivyError::IoError(io)
            if matches!(io.kind(), ErrorKind::InvalidData | ErrorKind::UnexpectedEof | ErrorKind::Other) =>
        {
            Error::Damaged(format!("{}: {io}", path.display()))
        }
        TantivyError::IoError(io) => Error::io(path, std::io::Error::new(io.kind(), io.to_string())),
        TantivyError::LockFailure(..) => Error::Locked(path.to_path_buf()),
        other => Error::Tantivy(other),
    }
}
