//! Bringing an index up to date with a folder, in one atomic commit per run.
//!
//! A run ([`Writer::sync`]):
//!
//! 1. loads the file records of the last commit (see [`manifest`](super::manifest));
//! 2. walks the folder and compares every file's size and modification time with its record:
//!    files that match are not opened at all; the others are read, and a content hash
//!    confirms whether they really changed;
//! 3. reads the new and changed files in parallel on all cores, feeding the Tantivy writer as
//!    it goes (the first capture of each story is indexed straight away, see
//!    [`merge`](super::merge));
//! 4. re-merges every story those files touched, or that vanished files held: the other files
//!    recorded as holding it are read again for their copy, and a story no file holds any
//!    more is deleted;
//! 5. replaces the records of the files it read, deletes those of vanished files, and commits
//!    everything at once;
//! 6. after a run that filled a new (or rebuilt) index, merges its segments into one (see
//!    [`Writer::sync`]).
//!
//! A run killed at any point leaves the last commit as it was: the next run starts from it
//! and finishes the job.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use tantivy::indexer::UserOperation;
use tantivy::merge_policy::{LogMergePolicy, NoMergePolicy};
use tantivy::{IndexReader, IndexWriter, ReloadPolicy};

use crate::corpus::{self, FileEntries, Problem, ReadOptions};
use crate::entry::{Appearance, Entry, IndexedEntry};
use crate::error::{Error, Result};
use crate::index::manifest::{content_hash, Committed, FileRecord, FileState, Manifest};
use crate::index::merge::{merge, needs_first_text, Seen, Stories};
use crate::index::queue::{self, Gate, Queued};
use crate::index::schema::{stored_json, Fields};
use crate::index::store::{self, Codec};
use crate::index::{commit, damaged_or, exists, load_codec, open_for_writing, write_error, WriterSettings};

/// The writer's default memory budget, shared by its threads.
pub const DEFAULT_MEMORY_BUDGET: usize = 512 * 1024 * 1024;

/// A modification time this close to the moment it was read could be followed by another
/// change within the same clock tick, unseen; such a file is confirmed by content next time.
const RACY_WINDOW: Duration = Duration::from_secs(2);

/// How to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Limits applied while reading files.
    pub read: ReadOptions,
    /// Memory the Tantivy writer may use before it flushes a segment, in bytes.
    pub memory_budget: usize,
    /// Threads building the index (0: one per core, or one for a new index whose files fit
    /// half the memory budget; every core reads and analyses files either way).
    pub threads: usize,
    /// Start from an empty index (replacing an index of any version).
    pub rebuild: bool,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions { read: ReadOptions::default(), memory_budget: DEFAULT_MEMORY_BUDGET, threads: 0, rebuild: false }
    }
}

/// Receives news of a run as it happens; the caller decides how to show it.
pub trait Progress: Sync {
    /// The walk found this many files.
    fn files_found(&self, _count: usize) {}
    /// This many files (of this many bytes) are new or changed and will be read.
    fn reading(&self, _files: usize, _bytes: u64) {}
    /// A file was read (`entries` may be 0 when it was skipped).
    fn file_done(&self, _bytes: u64, _entries: usize) {}
    /// A file was skipped or partly read.
    fn problem(&self, _problem: &Problem, _skipped: bool) {}
    /// Everything is read; the commit starts.
    fn committing(&self) {}
    /// The commit landed; this many segments are being merged into one.
    fn merging(&self, _segments: usize) {}
}

/// A [`Progress`] that ignores everything.
pub struct Silent;
impl Progress for Silent {}

/// What a run did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct BuildSummary {
    /// Files found by the walk.
    pub files: usize,
    /// Files read in this run that yielded entries.
    pub files_read: usize,
    /// Files skipped in this run, each with its reason.
    pub skipped: Vec<ProblemRecord>,
    /// Files skipped in an earlier run and unchanged since (still not in the index).
    pub still_skipped: Vec<ProblemRecord>,
    /// Problems inside files that were otherwise read.
    pub warnings: Vec<ProblemRecord>,
    /// Files read in this run, per format.
    pub formats: BTreeMap<String, usize>,
    /// Entries read in this run (an entry in two files counts twice).
    pub entries_read: usize,
    /// Distinct entries in the index after the run.
    pub entries_indexed: usize,
    /// What changed, in files and in entries.
    pub changes: Changes,
    /// New or changed files left for the next run (the run was stopped, or limited).
    pub deferred: usize,
    /// True when nothing needed committing.
    pub up_to_date: bool,
    /// Wall time of the run.
    #[serde(serialize_with = "as_seconds")]
    pub elapsed: Duration,
}

/// Counts of files and of entries by what happened to them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Changes {
    /// Files.
    pub files: Counts,
    /// Distinct entries (stories).
    pub entries: Counts,
}

/// How many were added, updated, removed or left unchanged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// New since the last run.
    pub added: usize,
    /// Changed since the last run.
    pub updated: usize,
    /// Gone since the last run.
    pub removed: usize,
    /// As they were.
    pub unchanged: usize,
}

impl Counts {
    /// True when something was added, updated or removed.
    pub fn any_change(&self) -> bool {
        self.added + self.updated + self.removed > 0
    }
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

/// Brings the index at `index_dir` up to date with `corpus_dir` in one run (creating the
/// index if needed) and waits for background merges to finish.
pub fn build(
    corpus_dir: &Path,
    index_dir: &Path,
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Result<BuildSummary> {
    let started = Instant::now();
    check_corpus(corpus_dir)?;
    let scanned = scan(corpus_dir);
    let mut writer = Writer::open(index_dir, &with_threads(&scanned.0, index_dir, options))?;
    let mut summary = writer.sync_scanned(corpus_dir, scanned, &SyncOptions::default(), progress)?;
    writer.close()?;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// The options a build runs with, given the files `found` in the corpus. Unless told how many
/// threads build the index, a new index whose files take at most half the writer's memory
/// budget gets one: its single segment needs no merge at the end, and the entries reach it
/// analysed already (see `analyzer::Replay`), so that one thread keeps up with the cores
/// reading them (a 100k build, 201 MB of files: 13.7 → 12.6 s, against 14.5 s with two
/// threads). Larger corpora, which fill several segments anyway, and runs over an existing
/// index get one per core: at 1M entries a single thread stalls the readers every time it
/// writes a segment (136 → 169 s).
fn with_threads(found: &[Found], index_dir: &Path, options: &BuildOptions) -> BuildOptions {
    let mut options = options.clone();
    if options.threads == 0 && (options.rebuild || !exists(index_dir)) {
        let bytes: u64 = found.iter().map(|f| f.size).sum();
        if bytes <= options.memory_budget as u64 / 2 {
            options.threads = 1;
        }
    }
    options
}

/// Fails when the corpus folder does not exist.
pub fn check_corpus(corpus_dir: &Path) -> Result<()> {
    if corpus_dir.exists() {
        Ok(())
    } else {
        Err(Error::io(corpus_dir, std::io::Error::new(std::io::ErrorKind::NotFound, "no such folder")))
    }
}

/// Options of one [`Writer::sync`] run.
#[derive(Debug, Default)]
pub struct SyncOptions {
    /// Read at most this many new or changed files; the rest wait for the next run.
    pub max_files: Option<usize>,
    /// When set, stop reading new files and commit what was read.
    pub stop: Option<Arc<AtomicBool>>,
}

/// An index open for writing: holds the index's lock until it is closed or dropped.
pub struct Writer {
    path: PathBuf,
    fields: Fields,
    writer: IndexWriter<Queued>,
    reader: IndexReader,
    /// The index holds nothing the next run needs to look at (new, or emptied by rebuild).
    fresh: bool,
    read: ReadOptions,
}

impl Writer {
    /// Opens (or creates) the index for writing. Fails at once when another process is
    /// writing it.
    pub fn open(index_dir: &Path, options: &BuildOptions) -> Result<Writer> {
        let threads = match options.threads {
            0 => std::thread::available_parallelism().map_or(2, |n| n.get()).min(8),
            n => n,
        };
        let settings = WriterSettings {
            threads,
            memory_budget: options.memory_budget.max(threads * 16 * 1024 * 1024),
            merge_threads: threads.div_ceil(2),
        };
        let w = open_for_writing(index_dir, options.rebuild, settings)?;
        if w.fresh {
            // The segments of a first run are merged once it has committed (see `sync`).
            w.writer.set_merge_policy(Box::new(NoMergePolicy));
        }
        let reader: IndexReader = w
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| damaged_or(index_dir, e))?;
        Ok(Writer {
            path: index_dir.to_path_buf(),
            fields: w.fields,
            writer: w.writer,
            reader,
            fresh: w.fresh,
            read: options.read,
        })
    }

    /// The folder of the index.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Brings the index up to date with `corpus_dir` and commits, when anything changed.
    pub fn sync(&mut self, corpus_dir: &Path, options: &SyncOptions, progress: &dyn Progress) -> Result<BuildSummary> {
        self.sync_scanned(corpus_dir, scan(corpus_dir), options, progress)
    }

    /// [`Writer::sync`], with the files of `corpus_dir` (and the problems of the walk) found
    /// already.
    fn sync_scanned(
        &mut self,
        corpus_dir: &Path,
        (mut found, walk_problems): (Vec<Found>, Vec<Problem>),
        options: &SyncOptions,
        progress: &dyn Progress,
    ) -> Result<BuildSummary> {
        let started = Instant::now();
        let manifest = if self.fresh {
            Manifest::empty(self.fields)
        } else {
            super::guard(&self.path, || {
                self.reader.reload().map_err(|e| damaged_or(&self.path, e))?;
                let codec = load_codec(&self.path, self.writer.index())?;
                Manifest::load(self.reader.searcher(), self.fields, codec)
            })?
        };
        if let Some(inside) = nested_index(corpus_dir, &self.path) {
            // An index kept inside the folder it indexes is not news.
            found.retain(|f| !f.path.starts_with(&inside));
        }
        progress.files_found(found.len() + walk_problems.len());
        let real_paths: HashMap<Arc<str>, Arc<Path>> =
            found.iter().map(|f| (f.shown.clone(), f.path.clone())).collect();
        let mut plan = Plan::new(found, &manifest);
        let deferred = match options.max_files {
            Some(max) if plan.read.len() > max => plan.read.split_off(max).len(),
            _ => 0,
        };
        progress.reading(plan.read.len(), plan.read.iter().map(|j| j.file.size).sum());

        let mut summary = BuildSummary { files: plan.files, deferred, ..BuildSummary::default() };
        for p in &walk_problems {
            progress.problem(p, true);
            summary.skipped.push(p.into());
        }
        let stop = options.stop.as_deref();
        let mut dictionary = None;
        let attempt = self.codec_for(&manifest, &plan.read).and_then(|codec| {
            dictionary = codec.reference();
            Run::new(self, &manifest, codec, progress, stop, real_paths).execute(plan)
        });
        let outcome = match attempt {
            Ok(outcome) => outcome,
            Err(e) => {
                // Nothing of a failed run may reach a later commit (in `--watch`).
                let e = super::write_failure(&self.path, e);
                self.writer.rollback().map_err(|e| write_error(&self.path, e))?;
                self.fresh = false;
                self.writer.set_merge_policy(Box::new(LogMergePolicy::default()));
                return Err(e);
            }
        };
        summary.deferred += outcome.stopped;
        let touched = outcome.touched;
        outcome.fill(&mut summary, &manifest)?;

        if self.fresh || summary.changes.files.any_change() || touched > 0 {
            progress.committing();
            commit(&mut self.writer, dictionary).map_err(|e| match super::write_failure(&self.path, e) {
                Error::Tantivy(t) => write_error(&self.path, t),
                other => other,
            })?;
            store::remove_unused(&self.path, dictionary);
            if std::mem::take(&mut self.fresh) {
                self.merge_into_one(progress)?;
            }
        } else {
            summary.up_to_date = true;
        }
        summary.elapsed = started.elapsed();
        Ok(summary)
    }

    /// Merges the segments of a newly filled index into one, then lets Tantivy's merge policy
    /// take over for the runs that follow.
    ///
    /// Each indexing thread writes segments of its own (one each time its share of the memory
    /// budget fills), and every query pays a setup per segment (term lookups, postings,
    /// fast-field readers) that a fresh search process pays cold. Measured on generated
    /// corpora (fresh processes over the query mix, one index against the same index
    /// merged): at 100k entries, 2 segments → 1, `took_ms` median
    /// 1.01 → 0.87 ms; at 1M, 8 → 1, 2.95 → 1.98 ms and the whole process 9.0 → 6.6 ms. The
    /// merge costs 2.2 s at 100k and 30 s at 1M (a fifth of a build) once; later runs only
    /// add small segments.
    ///
    /// One segment is rewritten only when more than a tenth of its documents are deleted ones:
    /// the first capture of each story found on several pages, replaced by the story merged
    /// from all of them (1–6% of the documents in builds of a generated 100k corpus). Like
    /// Lucene's merge policies, it keeps fewer rather than pay for a rewrite (2–3 s at 100k
    /// entries, a fifth of the build); searches skip them (about 2% slower at 6%), and they
    /// count in the BM25 statistics until a later merge drops them.
    fn merge_into_one(&mut self, progress: &dyn Progress) -> Result<()> {
        let path = &self.path;
        let metas = self.writer.index().searchable_segment_metas().map_err(|e| damaged_or(path, e))?;
        let segments: Vec<_> = metas.iter().map(|m| m.id()).collect();
        let deleted: u64 = metas.iter().map(|m| u64::from(m.num_deleted_docs())).sum();
        let documents: u64 = metas.iter().map(|m| u64::from(m.max_doc())).sum();
        // Tantivy keeps the files of every segment whose metadata is still held.
        drop(metas);
        if segments.len() > 1 || deleted * 10 > documents {
            progress.merging(segments.len());
            self.writer.merge(&segments).wait().map_err(|e| write_error(path, e))?;
        }
        self.writer.set_merge_policy(Box::new(LogMergePolicy::default()));
        Ok(())
    }

    /// The codec this run compresses entries with: the commit's, when it has a dictionary;
    /// otherwise one with a dictionary trained on a sample of the files to read, which goes
    /// into the index (and the same commit as the entries it compresses), when they are
    /// enough to train on.
    fn codec_for(&self, manifest: &Manifest, read: &[Job]) -> Result<Codec> {
        if manifest.codec().reference().is_some() {
            return Ok(manifest.codec().clone());
        }
        match Codec::train(&training_samples(read, &self.read)) {
            Some(dictionary) => Codec::create(&self.path, dictionary),
            None => Ok(manifest.codec().clone()),
        }
    }

    /// Waits for background merges and releases the lock.
    pub fn close(self) -> Result<()> {
        let path = self.path;
        self.writer.wait_merging_threads().map_err(|e| write_error(&path, e))
    }
}

/// A file the walk found.
#[derive(Debug, Clone)]
struct Found {
    path: Arc<Path>,
    shown: Arc<str>,
    size: u64,
    mtime: Option<i64>,
}

/// Walks the corpus and looks at every file's size and modification time.
fn scan(corpus_dir: &Path) -> (Vec<Found>, Vec<Problem>) {
    let (paths, problems) = corpus::walk(corpus_dir);
    let found = paths
        .into_par_iter()
        .filter_map(|path| {
            // A file that vanished since the walk is simply not there.
            let meta = std::fs::metadata(&path).ok()?;
            let checked = SystemTime::now();
            let mtime = meta.modified().ok().and_then(|m| {
                let racy = checked.duration_since(m).map_or(true, |age| age < RACY_WINDOW);
                (!racy).then(|| nanos_since_epoch(m))
            });
            let shown: Arc<str> = corpus::display_path(&path).into();
            Some(Found { path: path.into(), shown, size: meta.len(), mtime })
        })
        .collect();
    (found, problems)
}

/// The index folder as the walk of `corpus_dir` would name it, when it lies inside it.
fn nested_index(corpus_dir: &Path, index_dir: &Path) -> Option<PathBuf> {
    let corpus = corpus_dir.canonicalize().ok()?;
    let index = index_dir.canonicalize().ok()?;
    let inside = index.strip_prefix(&corpus).ok()?;
    Some(corpus_dir.join(inside))
}

fn nanos_since_epoch(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_nanos()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_nanos()).unwrap_or(i64::MAX),
    }
}

/// Most stored entries a dictionary is trained on, in bytes (training on 4 MiB takes about
/// 0.7 s; on less, the dictionary comes out smaller and the index larger), and most files
/// they are read from, spread over the run's files.
const SAMPLE_BYTES: usize = 4 * 1024 * 1024;
const SAMPLE_FILES: usize = 512;

/// The stored forms of entries from files spread evenly over `jobs`, read as a run reads
/// them, a few dozen files at a time until there are enough; files that cannot be read are
/// left out (the run reports them).
fn training_samples(jobs: &[Job], read: &ReadOptions) -> Vec<Vec<u8>> {
    let step = jobs.len().div_ceil(SAMPLE_FILES).max(1);
    let chosen: Vec<&Job> = jobs.iter().step_by(step).collect();
    let mut samples = Vec::new();
    let mut total = 0;
    for chunk in chosen.chunks(32) {
        let per_file: Vec<Vec<Vec<u8>>> = chunk
            .par_iter()
            .map(|job| {
                entries_of(&job.file.path, read)
                    .into_iter()
                    .map(|mut entry| {
                        entry.path = job.file.shown.to_string();
                        stored_json(&IndexedEntry::single(entry))
                    })
                    .collect()
            })
            .collect();
        for sample in per_file.into_iter().flatten() {
            if total >= SAMPLE_BYTES {
                return samples;
            }
            total += sample.len();
            samples.push(sample);
        }
    }
    samples
}

/// The entries of a file, or none when it cannot be read (the run that reads it in full
/// reports why).
fn entries_of(path: &Path, read: &ReadOptions) -> Vec<Entry> {
    corpus::read_bytes(path, read)
        .ok()
        .and_then(|bytes| corpus::parse_file(path, &bytes).ok())
        .map(|f| f.entries)
        .unwrap_or_default()
}

/// A file to read, with what its record says.
#[derive(Debug, Clone)]
struct Job {
    file: Found,
    previous: Option<FileState>,
}

/// What a run has to do.
struct Plan {
    /// Files found.
    files: usize,
    /// New files, and files whose size or modification time differ from their record.
    read: Vec<Job>,
    /// Files that match their record.
    unchanged: usize,
    /// Recorded files that are gone.
    removed: Vec<String>,
}

impl Plan {
    fn new(found: Vec<Found>, manifest: &Manifest) -> Plan {
        let mut read = Vec::new();
        let mut unchanged = 0;
        let mut present: HashSet<&str> = HashSet::with_capacity(found.len());
        let files = found.len();
        for file in &found {
            present.insert(&file.shown);
        }
        let mut removed: Vec<String> = manifest.paths().filter(|p| !present.contains(p)).map(str::to_string).collect();
        removed.sort();
        for file in found {
            match manifest.get(&file.shown) {
                Some(state) if state.size == file.size && state.mtime.is_some() && state.mtime == file.mtime => {
                    unchanged += 1;
                }
                previous => {
                    let previous = previous.copied();
                    read.push(Job { file, previous });
                }
            }
        }
        Plan { files, read, unchanged, removed }
    }
}

/// What happened to one file read in full.
enum FileResult {
    /// Read; these entries came out.
    Read { format: String, entries: usize, warnings: Vec<Problem> },
    /// Could not be read as news.
    Skipped(Problem),
    /// Same content as recorded: only its record was refreshed.
    Touched,
    /// Same content as recorded, read for the captures of stories being re-merged.
    Holder,
}

/// What reading a file did, with the entry ids its old record listed.
type Processed = (FileResult, Vec<String>);

/// Shared state of a run.
struct Run<'a> {
    writer: &'a IndexWriter<Queued>,
    fields: &'a Fields,
    manifest: &'a Manifest,
    read: &'a ReadOptions,
    progress: &'a dyn Progress,
    stop: Option<&'a AtomicBool>,
    /// The commit holds documents that may have to be replaced.
    replacing: bool,
    stories: Mutex<Stories>,
    failure: Mutex<Option<Error>>,
    /// Bounds the entry documents waiting in the writer's queue.
    gate: Arc<Gate>,
    /// Compresses the stored entries.
    codec: Codec,
    /// The files found, by the name records use (which is lossy for names that are not UTF-8).
    real_paths: HashMap<Arc<str>, Arc<Path>>,
}

/// What a run did, before counting.
#[derive(Default)]
struct Outcome {
    files: Counts,
    touched: usize,
    stopped: usize,
    files_read: usize,
    entries_read: usize,
    skipped: Vec<Problem>,
    warnings: Vec<Problem>,
    formats: BTreeMap<String, usize>,
    entries: Counts,
    processed: HashSet<String>,
}

impl Outcome {
    fn fill(self, summary: &mut BuildSummary, manifest: &Manifest) -> Result<()> {
        summary.files_read = self.files_read;
        summary.entries_read = self.entries_read;
        summary.skipped.extend(self.skipped.iter().map(ProblemRecord::from));
        summary.warnings.extend(self.warnings.iter().map(ProblemRecord::from));
        summary.formats = self.formats;
        summary.changes = Changes { files: self.files, entries: self.entries };
        summary.entries_indexed = manifest.entry_count() + self.entries.added - self.entries.removed;
        for (path, reason) in manifest.skipped()? {
            if !self.processed.contains(&path) {
                summary.still_skipped.push(ProblemRecord { path, line: None, reason });
            }
        }
        Ok(())
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl<'a> Run<'a> {
    fn new(
        w: &'a Writer,
        manifest: &'a Manifest,
        codec: Codec,
        progress: &'a dyn Progress,
        stop: Option<&'a AtomicBool>,
        real_paths: HashMap<Arc<str>, Arc<Path>>,
    ) -> Run<'a> {
        Run {
            writer: &w.writer,
            fields: &w.fields,
            manifest,
            read: &w.read,
            progress,
            stop,
            replacing: !manifest.is_empty(),
            stories: Mutex::new(Stories::default()),
            failure: Mutex::new(None),
            gate: Gate::new(queue::IN_FLIGHT),
            codec,
            real_paths,
        }
    }

    fn stopped(&self) -> bool {
        self.stop.is_some_and(|s| s.load(Ordering::Relaxed)) || lock(&self.failure).is_some()
    }

    fn fail(&self, e: impl Into<Error>) {
        lock(&self.failure).get_or_insert(e.into());
    }

    fn execute(self, plan: Plan) -> Result<Outcome> {
        let mut outcome = Outcome::default();
        outcome.files.unchanged = plan.unchanged;

        // Old ids of the files that vanished; their records go.
        let mut affected: HashSet<String> = HashSet::new();
        for path in &plan.removed {
            let (ids, _) = self.manifest.contents(path)?;
            affected.extend(ids);
            self.writer.delete_term(self.fields.file_term(path));
            outcome.processed.insert(path.clone());
        }
        outcome.files.removed = plan.removed.len();

        // The new and changed files, in parallel.
        let results: Vec<(Job, Option<Processed>)> = plan
            .read
            .into_par_iter()
            .map(|job| {
                if self.stopped() {
                    return (job, None);
                }
                let result = self.process(&job.file, job.previous.as_ref(), None);
                (job, result)
            })
            .collect();
        self.check_failure()?;
        for (job, result) in results {
            let Some((result, old_ids)) = result else {
                outcome.stopped += 1;
                continue;
            };
            if !matches!(result, FileResult::Touched) {
                // Read in full: its record is new, so it is no holder of old copies.
                outcome.processed.insert(job.file.shown.to_string());
            }
            affected.extend(old_ids);
            self.count(&mut outcome, job.previous.is_some(), result);
        }

        // Every story those files touched: its other holders are read for their copies. (An
        // empty index has no other holders, and nothing to compare with.)
        if self.replacing {
            let stories = lock(&self.stories);
            affected.extend(stories.ids().map(str::to_string));
        }
        let committed = self.read_holders(&mut affected, &mut outcome)?;

        self.finish_stories(&affected, &committed, &mut outcome)?;
        Ok(outcome)
    }

    fn check_failure(&self) -> Result<()> {
        match lock(&self.failure).take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    fn count(&self, outcome: &mut Outcome, had_record: bool, result: FileResult) {
        match result {
            FileResult::Touched => {
                outcome.files.unchanged += 1;
                outcome.touched += 1;
            }
            FileResult::Holder => {}
            FileResult::Skipped(problem) => {
                if had_record {
                    outcome.files.updated += 1;
                } else {
                    outcome.files.added += 1;
                }
                outcome.skipped.push(problem);
            }
            FileResult::Read { format, entries, warnings } => {
                if had_record {
                    outcome.files.updated += 1;
                } else {
                    outcome.files.added += 1;
                }
                outcome.files_read += 1;
                outcome.entries_read += entries;
                *outcome.formats.entry(format).or_default() += 1;
                outcome.warnings.extend(warnings);
            }
        }
    }

    /// Reads one file in full: indexes its entries (or notes them for merging), replaces its
    /// record, and returns what happened plus the ids its old record listed. With `only`,
    /// the file is known to be unchanged and only the captures of those ids are wanted.
    fn process(&self, file: &Found, previous: Option<&FileState>, only: Option<&HashSet<String>>) -> Option<Processed> {
        let outcome = self.process_inner(file, previous, only);
        match outcome {
            Ok(done) => Some(done),
            Err(e) => {
                self.fail(e);
                None
            }
        }
    }

    fn process_inner(
        &self,
        file: &Found,
        previous: Option<&FileState>,
        only: Option<&HashSet<String>>,
    ) -> Result<(FileResult, Vec<String>)> {
        let bytes = match corpus::read_bytes(&file.path, self.read) {
            Ok(bytes) => bytes,
            Err(problem) => {
                let old = self.replace_record(file, previous, 0, Vec::new(), Some(&problem))?;
                self.progress.problem(&problem, true);
                self.progress.file_done(file.size, 0);
                return Ok((FileResult::Skipped(problem), old));
            }
        };
        let hash = content_hash(&bytes);
        if let Some(prev) = previous.filter(|p| p.hash == hash) {
            if let Some(wanted) = only {
                // An unchanged holder of stories being re-merged: only their captures count.
                if let Ok(parsed) = corpus::parse_file(&file.path, &bytes) {
                    self.feed(file, parsed.entries.into_iter().filter(|e| wanted.contains(&e.id)))?;
                }
                return Ok((FileResult::Holder, Vec::new()));
            }
            // Touched but not changed: the record keeps its entries, with the new mtime.
            let (ids, skipped) = self.manifest.contents(&file.shown)?;
            let record = FileRecord {
                path: file.shown.to_string(),
                size: file.size,
                mtime: file.mtime,
                hash: prev.hash,
                ids,
                skipped,
            };
            self.writer.delete_term(self.fields.file_term(&file.shown));
            self.writer.add_document(self.fields.file_document(&record).into())?;
            self.progress.file_done(file.size, 0);
            return Ok((FileResult::Touched, Vec::new()));
        }
        match corpus::parse_file(&file.path, &bytes) {
            Err(problem) => {
                let old = self.replace_record(file, previous, hash, Vec::new(), Some(&problem))?;
                self.progress.problem(&problem, true);
                self.progress.file_done(file.size, 0);
                Ok((FileResult::Skipped(problem), old))
            }
            Ok(FileEntries { format, entries, warnings }) => {
                for w in &warnings {
                    self.progress.problem(w, false);
                }
                let count = entries.len();
                let mut ids: Vec<String> = Vec::with_capacity(count);
                let mut distinct: HashSet<&str> = HashSet::with_capacity(count);
                for e in &entries {
                    if distinct.insert(&e.id) {
                        ids.push(e.id.clone());
                    }
                }
                drop(distinct);
                self.feed(file, entries.into_iter())?;
                let old = self.replace_record(file, previous, hash, ids, None)?;
                self.progress.file_done(file.size, count);
                Ok((FileResult::Read { format: format.name().to_string(), entries: count, warnings }, old))
            }
        }
    }

    /// Writes a file's new record in place of the old one; returns the ids the old one listed.
    fn replace_record(
        &self,
        file: &Found,
        previous: Option<&FileState>,
        hash: u64,
        ids: Vec<String>,
        skipped: Option<&Problem>,
    ) -> Result<Vec<String>> {
        let old = if previous.is_some() {
            self.writer.delete_term(self.fields.file_term(&file.shown));
            self.manifest.contents(&file.shown)?.0
        } else {
            Vec::new()
        };
        let record = FileRecord {
            path: file.shown.to_string(),
            size: file.size,
            mtime: file.mtime,
            hash,
            ids,
            skipped: skipped.map(|p| match p.line {
                Some(line) => format!("line {line}: {}", p.message),
                None => p.message.clone(),
            }),
        };
        self.writer.add_document(self.fields.file_document(&record).into())?;
        Ok(old)
    }

    /// Indexes the first capture of each story among `entries` and notes the others.
    ///
    /// A file's entries go to the writer as one batch, so they land in one segment in file
    /// order: documents tied in score then come back in the same order whenever the same
    /// file is indexed (an `export --format ndjson` round trip keeps the order of hits). A
    /// batch larger than the queue's limit waits until the queue is empty (see `queue`).
    fn feed(&self, file: &Found, entries: impl Iterator<Item = Entry>) -> Result<()> {
        let mut appearance: Option<Arc<Appearance>> = None;
        // The first captures of stories, by id, to index.
        let mut firsts: Vec<(String, tantivy::TantivyDocument)> = Vec::new();
        for mut entry in entries {
            // Entries name the file they came from exactly as its record does: that is how a
            // later run finds the files that hold a story.
            if entry.path != *file.shown {
                entry.path = file.shown.to_string();
            }
            let same_page = appearance.as_ref().is_some_and(|a| a.page == entry.page && a.path == entry.path);
            if !same_page {
                appearance = Some(Arc::new(Appearance { page: entry.page.clone(), path: entry.path.clone() }));
            }
            let Some(shared) = appearance.as_ref() else { continue };
            let item = IndexedEntry::single(entry);
            let (doc, doc_hash) = self.fields.document(&item, &self.codec);
            let id = item.entry.id.clone();
            if lock(&self.stories).observe(item.entry, &file.path, shared, doc_hash) == Seen::First {
                firsts.push((id, doc));
            }
        }
        if firsts.is_empty() {
            return Ok(());
        }
        // Each replaces its old copy, if the commit may hold one; all go in once the gate lets
        // them into the writer's queue.
        let tickets = self.gate.admit(firsts.len());
        let mut batch = Vec::with_capacity(firsts.len() * 2);
        for ((id, doc), ticket) in firsts.into_iter().zip(tickets) {
            if self.replacing {
                batch.push(UserOperation::Delete(self.fields.id_term(&id)));
            }
            batch.push(UserOperation::Add(Queued::admitted(doc, ticket)));
        }
        self.writer.run(batch)?;
        Ok(())
    }

    /// Reads, for every affected story, the other files the commit says hold it, until no new
    /// story is affected (a holder found changed after all is read in full, like any changed
    /// file, which can affect more stories). Returns what the commit holds of every affected
    /// story.
    fn read_holders(
        &self,
        affected: &mut HashSet<String>,
        outcome: &mut Outcome,
    ) -> Result<HashMap<String, Committed>> {
        let mut committed: HashMap<String, Committed> = HashMap::new();
        if !self.replacing {
            return Ok(committed);
        }
        let mut looked_up: HashSet<String> = HashSet::new();
        loop {
            let fresh: Vec<&str> = affected.iter().filter(|id| !looked_up.contains(*id)).map(String::as_str).collect();
            if fresh.is_empty() {
                return Ok(committed);
            }
            let found = self.manifest.entries(fresh.iter().copied())?;
            looked_up.extend(fresh.into_iter().map(str::to_string));
            let mut holders: HashMap<String, Vec<String>> = HashMap::new();
            for (id, entry) in &found {
                for file in &entry.files {
                    if !outcome.processed.contains(file) && self.manifest.get(file).is_some() {
                        holders.entry(file.clone()).or_default().push(id.clone());
                    }
                }
            }
            committed.extend(found);
            if holders.is_empty() {
                continue;
            }
            let results: Vec<(String, Option<Processed>)> = holders
                .into_par_iter()
                .map(|(path, ids)| {
                    let wanted: HashSet<String> = ids.into_iter().collect();
                    let state = self.manifest.get(&path).copied();
                    let found = restat(Found {
                        path: self
                            .real_paths
                            .get(path.as_str())
                            .cloned()
                            .unwrap_or_else(|| PathBuf::from(&path).into()),
                        shown: path.as_str().into(),
                        size: state.map_or(0, |s| s.size),
                        mtime: None,
                    });
                    let result = self.process(&found, state.as_ref(), Some(&wanted));
                    (path, result)
                })
                .collect();
            self.check_failure()?;
            for (path, result) in results {
                match result {
                    Some((FileResult::Holder, _)) | None => {}
                    Some((result, old_ids)) => {
                        // Changed after all: counted as updated rather than unchanged.
                        outcome.processed.insert(path);
                        affected.extend(old_ids);
                        outcome.files.unchanged = outcome.files.unchanged.saturating_sub(1);
                        self.count(outcome, true, result);
                    }
                }
            }
            let seen: Vec<String> = {
                let stories = lock(&self.stories);
                stories.ids().filter(|id| !affected.contains(*id)).map(str::to_string).collect()
            };
            affected.extend(seen);
        }
    }

    /// Replaces every story seen more than once by its merged form, deletes the stories no
    /// file holds any more, and counts what happened to the entries.
    fn finish_stories(
        &self,
        affected: &HashSet<String>,
        before: &HashMap<String, Committed>,
        outcome: &mut Outcome,
    ) -> Result<()> {
        let mut stories = lock(&self.stories);
        let repeated = stories.take_repeated();

        // The first captures that are the newest of their story must be read again.
        let mut reread: HashMap<Arc<Path>, Vec<usize>> = HashMap::new();
        for (i, (id, repeats)) in repeated.iter().enumerate() {
            if let Some(first) = stories.first(id) {
                if needs_first_text(first, repeats) {
                    reread.entry(first.file.clone()).or_default().push(i);
                }
            }
        }
        let reread: HashMap<usize, Entry> = reread
            .into_par_iter()
            .flat_map_iter(|(file, wanted)| {
                let entries = entries_of(&file, self.read);
                let found: Vec<(usize, Entry)> = wanted
                    .into_iter()
                    .filter_map(|i| entries.iter().find(|e| e.id == repeated[i].0).map(|e| (i, e.clone())))
                    .collect();
                found
            })
            .collect();

        for (i, (id, repeats)) in repeated.into_iter().enumerate() {
            let Some(first) = stories.first(&id).cloned() else { continue };
            let newest = match reread.get(&i) {
                Some(entry) => entry.clone(),
                // The first capture's file changed under us: the newest repeat will do.
                None => repeats.newest,
            };
            let merged = merge(newest, std::iter::once(first.appearance).chain(repeats.appearances));
            let (doc, hash) = self.fields.document(&merged, &self.codec);
            stories.set_document(&id, hash);
            self.writer.delete_term(self.fields.id_term(&id));
            self.writer.add_document(doc.into())?;
        }

        // Stories gone from every file.
        for id in affected {
            if !stories.contains(id) {
                self.writer.delete_term(self.fields.id_term(id));
            }
        }

        // Counting: compare with the commit.
        if !self.replacing {
            outcome.entries.added = stories.len();
            return Ok(());
        }
        for id in affected {
            let after = stories.first(id).map(|f| f.document);
            match (before.get(id).map(|c| c.hash), after) {
                (None, Some(_)) => outcome.entries.added += 1,
                (Some(_), None) => outcome.entries.removed += 1,
                (Some(a), Some(b)) if a != b => outcome.entries.updated += 1,
                _ => {}
            }
        }
        outcome.entries.unchanged =
            self.manifest.entry_count().saturating_sub(outcome.entries.updated + outcome.entries.removed);
        Ok(())
    }
}

/// A file's size and modification time as they are now.
fn restat(found: Found) -> Found {
    let Ok(meta) = std::fs::metadata(&found.path) else { return found };
    let checked = SystemTime::now();
    let mtime = meta.modified().ok().and_then(|m| {
        let racy = checked.duration_since(m).map_or(true, |age| age < RACY_WINDOW);
        (!racy).then(|| nanos_since_epoch(m))
    });
    Found { size: meta.len(), mtime, ..found }
}
