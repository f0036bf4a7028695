//! Keeping an index up to date with a folder as files appear, change or vanish
//! (`newsdex index DIR --watch`).
//!
//! The folder is watched with the operating system's file notifications (the `notify`
//! crate). Notifications only say *that* something happened: once they have been quiet for
//! a moment (or have kept coming for a while), a [`Writer::sync`] run compares the folder
//! with the index's file records, exactly as a fresh `newsdex index` would, so a missed or
//! merged notification can never leave the index wrong. Runs read at most a batch of files
//! each and commit, so searches see new stories within seconds even when thousands of files
//! arrive at once. When asked to stop, the watcher makes one last run, commits and returns.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode, Watcher};

use crate::error::{Error, Result};
use crate::index::writer::{check_corpus, BuildOptions, BuildSummary, Progress, SyncOptions, Writer};

/// How a watch behaves.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// Quiet time after the last notification before a run starts.
    pub debounce: Duration,
    /// Longest wait for quiet: a run starts after this even while notifications keep coming.
    pub max_delay: Duration,
    /// Files read per run (and commit).
    pub batch_files: usize,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions { debounce: Duration::from_millis(500), max_delay: Duration::from_secs(5), batch_files: 2000 }
    }
}

/// What a watch reports as it goes.
pub enum WatchEvent<'a> {
    /// A run finished (and committed, unless the summary says the index was up to date).
    Synced(&'a BuildSummary),
    /// The index is up to date; waiting for changes.
    Watching,
}

/// Watches `corpus_dir` and keeps the index at `index_dir` up to date until `stop` is set.
/// The index's writer lock is held throughout: other writers are refused, searches work.
pub fn watch(
    corpus_dir: &Path,
    index_dir: &Path,
    options: &BuildOptions,
    watch: &WatchOptions,
    stop: Arc<AtomicBool>,
    progress: &dyn Progress,
    report: &mut dyn FnMut(WatchEvent<'_>),
) -> Result<()> {
    check_corpus(corpus_dir)?;
    let mut writer = Writer::open(index_dir, options)?;

    // Watch before the first run, so that nothing changing during it is missed.
    let (tx, rx) = mpsc::channel();
    let watcher = start_watcher(corpus_dir, tx)?;
    let ignored = index_dir.canonicalize().unwrap_or_else(|_| index_dir.to_path_buf());

    let runs = SyncOptions { max_files: Some(watch.batch_files.max(1)), stop: Some(stop.clone()) };
    catch_up(&mut writer, corpus_dir, &runs, progress, report)?;

    let mut pending: Option<(Instant, Instant)> = None; // (first, last) notification
    loop {
        if stop.load(Ordering::Relaxed) {
            // One last run (bounded, not interruptible) takes in whatever changed lately,
            // notified or not, and commits it.
            let last = SyncOptions { max_files: runs.max_files, stop: None };
            let summary = writer.sync(corpus_dir, &last, progress)?;
            report(WatchEvent::Synced(&summary));
            break;
        }
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(event) => {
                if relevant(&event, &ignored) {
                    let now = Instant::now();
                    pending = Some((pending.map_or(now, |(first, _)| first), now));
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(Error::io(corpus_dir, std::io::Error::other("the file watcher stopped")));
            }
        }
        if let Some((first, last)) = pending {
            if last.elapsed() >= watch.debounce || first.elapsed() >= watch.max_delay {
                pending = None;
                catch_up(&mut writer, corpus_dir, &runs, progress, report)?;
            }
        }
    }
    drop(watcher);
    writer.close()
}

/// Runs until the index is up to date (one commit per batch of files), or until stopped.
fn catch_up(
    writer: &mut Writer,
    corpus_dir: &Path,
    runs: &SyncOptions,
    progress: &dyn Progress,
    report: &mut dyn FnMut(WatchEvent<'_>),
) -> Result<()> {
    loop {
        let summary = writer.sync(corpus_dir, runs, progress)?;
        report(WatchEvent::Synced(&summary));
        let stopped = runs.stop.as_ref().is_some_and(|s| s.load(Ordering::Relaxed));
        if summary.deferred == 0 || stopped {
            break;
        }
    }
    if !runs.stop.as_ref().is_some_and(|s| s.load(Ordering::Relaxed)) {
        report(WatchEvent::Watching);
    }
    Ok(())
}

/// True for a notification that may mean a file appeared, changed or vanished, outside the
/// index's own folder. Reads (our own included) are not changes.
fn relevant(event: &notify::Result<notify::Event>, ignored: &Path) -> bool {
    let Ok(event) = event else { return true };
    match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => {}
        EventKind::Access(_) => return false,
        _ => {}
    }
    event.paths.is_empty() || event.paths.iter().any(|p| !inside(p, ignored))
}

fn inside(path: &Path, dir: &Path) -> bool {
    let path: PathBuf = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    path.starts_with(dir)
}

type Events = mpsc::Sender<notify::Result<notify::Event>>;

/// The operating system's notifications; when they cannot watch the folder (too many
/// folders for inotify, a network file system), polling every two seconds.
fn start_watcher(corpus_dir: &Path, tx: Events) -> Result<Box<dyn Watcher>> {
    let native = tx.clone();
    let native = notify::recommended_watcher(move |event| {
        let _ = native.send(event);
    })
    .and_then(|mut w| w.watch(corpus_dir, RecursiveMode::Recursive).map(|()| w));
    if let Ok(watcher) = native {
        return Ok(Box::new(watcher));
    }
    let config = notify::Config::default().with_poll_interval(Duration::from_secs(2));
    let mut poll = notify::PollWatcher::new(
        move |event| {
            let _ = tx.send(event);
        },
        config,
    )
    .map_err(|e| notify_error(corpus_dir, e))?;
    poll.watch(corpus_dir, RecursiveMode::Recursive).map_err(|e| notify_error(corpus_dir, e))?;
    Ok(Box::new(poll))
}

fn notify_error(corpus_dir: &Path, e: notify::Error) -> Error {
    Error::io(corpus_dir, std::io::Error::other(format!("cannot watch for changes: {e}")))
}
