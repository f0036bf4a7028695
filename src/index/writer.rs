//! Building the index from a folder: files are read and parsed in parallel, each distinct
//! entry is added once, and everything is committed in one atomic commit.
//!
//! The same update often appears in several files (captures of one live blog at different
//! times). The first occurrence of an id is indexed straight away; later ones are set aside
//! and, once every file is read, merged with it: the entry keeps every page it appeared on
//! and takes the text of the newest capture.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use tantivy::{IndexWriter, TantivyDocument, Term};
use xxhash_rust::xxh3::xxh3_64;

use crate::corpus::{self, Problem, ReadOptions};
use crate::entry::{Appearance, Entry, IndexedEntry};
use crate::error::{Error, Result};
use crate::index::schema::{CommitPayload, Fields};
use crate::index::{damaged_or, open_for_writing};

/// The writer's default memory budget, shared by its threads.
pub const DEFAULT_MEMORY_BUDGET: usize = 512 * 1024 * 1024;

/// How to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Limits applied while reading files.
    pub read: ReadOptions,
    /// Memory the Tantivy writer may use before it flushes a segment, in bytes.
    pub memory_budget: usize,
    /// Indexing threads (0: one per core).
    pub threads: usize,
    /// Delete any existing index (of any version) first.
    pub rebuild: bool,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions { read: ReadOptions::default(), memory_budget: DEFAULT_MEMORY_BUDGET, threads: 0, rebuild: false }
    }
}

/// Receives news of a build as it happens; the caller decides how to show it.
pub trait Progress: Sync {
    /// The walk found this many files.
    fn files_found(&self, _count: usize) {}
    /// A file was read (`entries` may be 0 when it was skipped).
    fn file_done(&self, _bytes: u64, _entries: usize) {}
    /// A file was skipped or partly read.
    fn problem(&self, _problem: &Problem, _skipped: bool) {}
}

/// A [`Progress`] that ignores everything.
pub struct Silent;
impl Progress for Silent {}

/// What a build did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct BuildSummary {
    /// Files found by the walk.
    pub files: usize,
    /// Files that yielded entries.
    pub files_read: usize,
    /// Files skipped, each with its reason.
    pub skipped: Vec<ProblemRecord>,
    /// Problems inside files that were otherwise read.
    pub warnings: Vec<ProblemRecord>,
    /// Files read, per format.
    pub formats: BTreeMap<String, usize>,
    /// Entries read from all files (an entry in two files counts twice).
    pub entries_read: usize,
    /// Distinct entries in the index.
    pub entries_indexed: usize,
    /// Wall time of the build.
    #[serde(serialize_with = "as_seconds")]
    pub elapsed: Duration,
}

/// A problem as reported in a [`BuildSummary`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProblemRecord {
    /// The file.
    pub path: String,
    /// The line, if any.
    pub line: Option<usize>,
    /// What is wrong.
    pub reason: String,
}

impl From<&Problem> for ProblemRecord {
    fn from(p: &Problem) -> Self {
        ProblemRecord { path: p.path.clone(), line: p.line, reason: p.message.clone() }
    }
}

fn as_seconds<S: serde::Serializer>(d: &Duration, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 1000.0).round() / 1000.0)
}

/// Where each id was first seen.
struct FirstSeen {
    file: usize,
}

/// Shared state of the parallel pass.
struct Pass<'a> {
    writer: &'a IndexWriter,
    fields: &'a Fields,
    seen: Mutex<HashMap<Box<str>, FirstSeen>>,
    repeats: Mutex<Vec<Entry>>,
    summary: Mutex<BuildSummary>,
    failure: Mutex<Option<Error>>,
}

/// Reads every file under `corpus_dir` and writes the index at `index_dir` from scratch,
/// in one commit.
pub fn build(
    corpus_dir: &Path,
    index_dir: &Path,
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Result<BuildSummary> {
    let started = Instant::now();
    if !corpus_dir.exists() {
        return Err(Error::io(corpus_dir, std::io::Error::new(std::io::ErrorKind::NotFound, "no such folder")));
    }
    let (files, walk_problems) = corpus::walk(corpus_dir);
    progress.files_found(files.len());

    let (index, fields) = open_for_writing(index_dir, options.rebuild)?;
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()).min(8),
        n => n,
    };
    let budget = options.memory_budget.max(threads * 16 * 1024 * 1024);
    let mut writer: IndexWriter<TantivyDocument> =
        index.writer_with_num_threads(threads, budget).map_err(|e| damaged_or(index_dir, e))?;
    writer.delete_all_documents()?;

    let mut summary = BuildSummary { files: files.len(), ..BuildSummary::default() };
    for p in &walk_problems {
        progress.problem(p, true);
        summary.skipped.push(p.into());
    }
    let pass = Pass {
        writer: &writer,
        fields: &fields,
        seen: Mutex::new(HashMap::new()),
        repeats: Mutex::new(Vec::new()),
        summary: Mutex::new(summary),
        failure: Mutex::new(None),
    };
    files.par_iter().enumerate().for_each(|(i, path)| pass.read_one(i, path, &options.read, progress));
    let Pass { seen, repeats, summary, failure, .. } = pass;
    if let Some(e) = lock(&failure).take() {
        return Err(e);
    }
    let mut summary = summary.into_inner().unwrap_or_else(|p| p.into_inner());
    let seen = seen.into_inner().unwrap_or_else(|p| p.into_inner());
    let repeats = repeats.into_inner().unwrap_or_else(|p| p.into_inner());

    merge_repeats(&writer, &fields, &files, &seen, repeats, &options.read)?;
    summary.entries_indexed = seen.len();

    let mut commit = writer.prepare_commit()?;
    // The payload is a small JSON object of strings and numbers; serialising it cannot fail.
    commit.set_payload(&serde_json::to_string(&CommitPayload::current()).unwrap_or_default());
    commit.commit()?;
    writer.wait_merging_threads()?;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Pass<'_> {
    fn read_one(&self, file: usize, path: &Path, read: &ReadOptions, progress: &dyn Progress) {
        if lock(&self.failure).is_some() {
            return;
        }
        let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let parsed = match corpus::read_file(path, read) {
            Ok(parsed) => parsed,
            Err(problem) => {
                progress.problem(&problem, true);
                lock(&self.summary).skipped.push((&problem).into());
                progress.file_done(bytes, 0);
                return;
            }
        };
        for w in &parsed.warnings {
            progress.problem(w, false);
        }
        let count = parsed.entries.len();
        for entry in parsed.entries {
            let first = {
                let mut seen = lock(&self.seen);
                if seen.contains_key(entry.id.as_str()) {
                    false
                } else {
                    seen.insert(entry.id.clone().into_boxed_str(), FirstSeen { file });
                    true
                }
            };
            if first {
                let doc = self.fields.document(&IndexedEntry::single(entry));
                if let Err(e) = self.writer.add_document(doc) {
                    lock(&self.failure).get_or_insert(Error::Tantivy(e));
                    return;
                }
            } else {
                lock(&self.repeats).push(entry);
            }
        }
        let mut summary = lock(&self.summary);
        summary.files_read += 1;
        summary.entries_read += count;
        *summary.formats.entry(parsed.format.name().to_string()).or_default() += 1;
        summary.warnings.extend(parsed.warnings.iter().map(ProblemRecord::from));
        drop(summary);
        progress.file_done(bytes, count);
    }
}

/// Replaces every entry seen in more than one place by one document listing all its pages,
/// with the text of the newest capture.
fn merge_repeats(
    writer: &IndexWriter,
    fields: &Fields,
    files: &[PathBuf],
    seen: &HashMap<Box<str>, FirstSeen>,
    repeats: Vec<Entry>,
    read: &ReadOptions,
) -> Result<()> {
    if repeats.is_empty() {
        return Ok(());
    }
    let mut by_id: BTreeMap<String, Vec<Entry>> = BTreeMap::new();
    for e in repeats {
        by_id.entry(e.id.clone()).or_default().push(e);
    }
    let mut reread: HashMap<usize, Vec<Entry>> = HashMap::new();
    for (id, mut copies) in by_id {
        let Some(first) = seen.get(id.as_str()) else { continue };
        let entries = reread
            .entry(first.file)
            .or_insert_with(|| corpus::read_file(&files[first.file], read).map(|f| f.entries).unwrap_or_default());
        if let Some(original) = entries.iter().find(|e| e.id == id) {
            copies.push(original.clone());
        }
        let merged = merge(copies);
        writer.delete_term(Term::from_field_text(fields.id, &id));
        writer.add_document(fields.document(&merged))?;
    }
    Ok(())
}

/// One story from several captures of it: every page it appeared on (oldest page first),
/// and the text of the newest capture.
pub fn merge(mut copies: Vec<Entry>) -> IndexedEntry {
    let capture_key =
        |e: &Entry| (e.page.updated.or(e.page.published).map(|d| d.timestamp()), content_hash(e), e.path.clone());
    copies.sort_by_key(|e| capture_key(e));
    let mut pages: Vec<Appearance> = Vec::with_capacity(copies.len());
    for e in &copies {
        let a = Appearance { page: e.page.clone(), path: e.path.clone() };
        if !pages.contains(&a) {
            pages.push(a);
        }
    }
    pages.sort_by(|a, b| {
        (a.page.published.map(|d| d.timestamp()), &a.path).cmp(&(b.page.published.map(|d| d.timestamp()), &b.path))
    });
    let mut entry = copies.pop().expect("merge is called with at least one copy");
    entry.page = pages[0].page.clone();
    entry.path = pages[0].path.clone();
    IndexedEntry { entry, pages }
}

fn content_hash(e: &Entry) -> u64 {
    xxh3_64(format!("{}\u{1f}{}", e.title, e.body).as_bytes())
}
