//! The record of indexed files, and what the last commit holds.
//!
//! Every file of the corpus has a file-record document in the index (see `schema`): its path,
//! size, modification time and content hash, the ids of the entries it yielded, and why it
//! was skipped when it could not be read. Records are added, replaced and deleted in the
//! same commits as the entries they describe, so the record and the entries never disagree,
//! whenever a run is interrupted.
//!
//! A run starts by loading the records of the last commit into a [`Manifest`]. The scan reads
//! only fast columns (path, size, mtime, hash), never the document store, so it stays cheap
//! at a million entries; the stored part of a record (its entry ids) is read only for the
//! files that changed or vanished. Which files hold an entry is read from the entry itself
//! (its pages name their files, and the writer keeps those names equal to the records'
//! paths): that is how a run finds the other captures of a story it has to re-merge.

use std::collections::HashMap;

use tantivy::schema::IndexRecordOption;
use tantivy::store::StoreReader;
use tantivy::{DocId, DocSet, Searcher, SegmentReader, TantivyDocument, TantivyError, Term, TERMINATED};
use xxhash_rust::xxh3::xxh3_64;

use crate::error::Result;
use crate::index::schema::{mtime_from_column, Fields, FILE_FIELD, FILE_HASH_FIELD, FILE_MTIME_FIELD, FILE_SIZE_FIELD};
use crate::index::store::Codec;

/// What the index records about one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRecord {
    /// The path, as the walk found it (the corpus folder as the user named it, then the rest).
    pub path: String,
    /// Size in bytes when it was read.
    pub size: u64,
    /// Modification time (nanoseconds since 1970) when it was read; `None` when it cannot be
    /// trusted (the file was modified too shortly before it was read), so the next run
    /// compares contents instead.
    pub mtime: Option<i64>,
    /// Hash of the content.
    pub hash: u64,
    /// Ids of the entries it yielded, in file order, without repeats.
    pub ids: Vec<String>,
    /// Why it could not be read, when it could not.
    pub skipped: Option<String>,
}

/// What a file looked like when it was last read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileState {
    /// Size in bytes.
    pub size: u64,
    /// Modification time, when trusted (see [`FileRecord::mtime`]).
    pub mtime: Option<i64>,
    /// Hash of the content.
    pub hash: u64,
}

/// A hash of file contents, as recorded.
pub fn content_hash(bytes: &[u8]) -> u64 {
    xxh3_64(bytes)
}

/// The state of the last commit, as far as a run needs it: the file records, and lookups of
/// entries by id.
pub struct Manifest {
    fields: Fields,
    /// Reads the commit's stored entries.
    codec: Codec,
    searcher: Option<Searcher>,
    /// Per segment of the searcher: its document store and its `file` column, opened once.
    segments: Vec<SegmentParts>,
    files: HashMap<String, FileState>,
    entries: usize,
}

struct SegmentParts {
    store: StoreReader,
    paths: PathColumn,
}

impl Manifest {
    /// The state of an empty index.
    pub fn empty(fields: Fields) -> Manifest {
        Manifest {
            fields,
            codec: Codec::plain(),
            searcher: None,
            segments: Vec::new(),
            files: HashMap::new(),
            entries: 0,
        }
    }

    /// Loads the file records a searcher sees (`codec` reads its stored entries).
    pub fn load(searcher: Searcher, fields: Fields, codec: Codec) -> Result<Manifest> {
        let mut files = HashMap::new();
        let mut segments = Vec::new();
        for segment in searcher.segment_readers() {
            scan_segment(segment, &fields, &mut files)?;
            let store = segment.get_store_reader(16).map_err(TantivyError::from)?;
            segments.push(SegmentParts { store, paths: PathColumn::open(segment)? });
        }
        let entries = super::count_entries(&searcher, &fields)?;
        Ok(Manifest { fields, codec, searcher: Some(searcher), segments, files, entries })
    }

    /// The codec of the commit's stored entries (with no dictionary when it has none).
    pub fn codec(&self) -> &Codec {
        &self.codec
    }

    /// The recorded state of a file.
    pub fn get(&self, path: &str) -> Option<&FileState> {
        self.files.get(path)
    }

    /// Every recorded path.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Number of entries in the commit.
    pub fn entry_count(&self) -> usize {
        self.entries
    }

    /// True when the commit holds no documents at all.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && self.entries == 0
    }

    /// Calls `f` with the stored form and path column of every live document holding `term`.
    fn each_stored(
        &self,
        term: &Term,
        mut f: impl FnMut(TantivyDocument, &PathColumn, DocId) -> Result<()>,
    ) -> Result<()> {
        let Some(searcher) = &self.searcher else { return Ok(()) };
        let mut found = Vec::new();
        for_each_alive(searcher, term, |ord, _, doc| {
            found.push((ord, doc));
            Ok(())
        })?;
        for (ord, doc) in found {
            let Some(parts) = self.segments.get(ord) else { continue };
            f(parts.store.get(doc)?, &parts.paths, doc)?;
        }
        Ok(())
    }

    /// The entry ids and skip reason recorded for a file (empty when it has no record).
    pub fn contents(&self, path: &str) -> Result<(Vec<String>, Option<String>)> {
        let mut out = (Vec::new(), None);
        self.each_stored(&self.fields.file_term(path), |doc, _, _| {
            out = self.fields.file_contents(&doc)?;
            Ok(())
        })?;
        Ok(out)
    }

    /// The files recorded as skipped, with the reason.
    pub fn skipped(&self) -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        self.each_stored(&self.fields.skipped_files_term(), |stored, paths, doc| {
            if let (_, Some(reason)) = self.fields.file_contents(&stored)? {
                out.push((paths.path(doc).unwrap_or_default(), reason));
            }
            Ok(())
        })?;
        out.sort();
        Ok(out)
    }

    /// For each of `ids` that names an entry of the commit: a hash of its stored form, and the
    /// files its pages came from.
    pub fn entries<'a>(&self, ids: impl IntoIterator<Item = &'a str>) -> Result<HashMap<String, Committed>> {
        let mut out = HashMap::new();
        if self.entries == 0 {
            return Ok(out);
        }
        for id in ids {
            self.each_stored(&self.fields.id_term(id), |doc, _, _| {
                let (entry, hash) = self.fields.entry_and_hash(&doc, &self.codec)?;
                let files = entry.pages.into_iter().map(|p| p.path).collect();
                out.insert(id.to_string(), Committed { hash, files });
                Ok(())
            })?;
        }
        Ok(out)
    }
}

/// An entry as the last commit holds it.
#[derive(Debug, Clone)]
pub struct Committed {
    /// Hash of its stored form.
    pub hash: u64,
    /// The files of its pages.
    pub files: Vec<String>,
}

/// Calls `f` with every live document holding `term`: the segment's position in the
/// searcher, the segment, and the document.
fn for_each_alive(
    searcher: &Searcher,
    term: &Term,
    mut f: impl FnMut(usize, &SegmentReader, DocId) -> tantivy::Result<()>,
) -> Result<()> {
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let inverted = segment.inverted_index(term.field())?;
        let Some(mut postings) = inverted.read_postings(term, IndexRecordOption::Basic).map_err(TantivyError::from)?
        else {
            continue;
        };
        let alive = segment.alive_bitset();
        let mut doc = postings.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                f(ord, segment, doc)?;
            }
            doc = postings.advance();
        }
    }
    Ok(())
}

/// The `file` column of a segment.
struct PathColumn {
    column: Option<tantivy::columnar::StrColumn>,
}

impl PathColumn {
    fn open(segment: &SegmentReader) -> tantivy::Result<PathColumn> {
        Ok(PathColumn { column: segment.fast_fields().str(FILE_FIELD)? })
    }

    fn path(&self, doc: DocId) -> Option<String> {
        let column = self.column.as_ref()?;
        let ord = column.term_ords(doc).next()?;
        let mut out = String::new();
        column.ord_to_str(ord, &mut out).ok()?.then_some(out)
    }
}

/// Adds the live file records of a segment to `files`.
fn scan_segment(segment: &SegmentReader, fields: &Fields, files: &mut HashMap<String, FileState>) -> Result<()> {
    let inverted = segment.inverted_index(fields.doc_type)?;
    let Some(mut postings) =
        inverted.read_postings(&fields.all_files_term(), IndexRecordOption::Basic).map_err(TantivyError::from)?
    else {
        return Ok(());
    };
    let fast = segment.fast_fields();
    let Some(paths) = fast.str(FILE_FIELD)? else { return Ok(()) };
    let sizes = fast.u64(FILE_SIZE_FIELD)?;
    let mtimes = fast.i64(FILE_MTIME_FIELD)?;
    let hashes = fast.u64(FILE_HASH_FIELD)?;
    // The dictionary in ord order, read once.
    let mut names: Vec<String> = Vec::new();
    let mut stream = paths.dictionary().stream().map_err(TantivyError::from)?;
    while stream.advance() {
        names.push(String::from_utf8_lossy(stream.key()).into_owned());
    }
    let alive = segment.alive_bitset();
    let mut doc = postings.doc();
    while doc != TERMINATED {
        if alive.is_none_or(|a| a.is_alive(doc)) {
            if let Some(ord) = paths.term_ords(doc).next() {
                if let Some(name) = names.get(ord as usize) {
                    let state = FileState {
                        size: sizes.first(doc).unwrap_or(0),
                        mtime: mtimes.first(doc).and_then(mtime_from_column),
                        hash: hashes.first(doc).unwrap_or(0),
                    };
                    files.insert(name.clone(), state);
                }
            }
        }
        doc = postings.advance();
    }
    Ok(())
}
