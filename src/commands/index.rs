//! `newsdex index [DIR]`: bring an index up to date with a folder (`--watch`: keep it up to
//! date). Problems, a progress bar (on a terminal) and a summary line go to stderr;
//! `--json` prints the summary as JSON on stdout.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use newsdex::corpus::{Problem, ReadOptions};
use newsdex::index::watch::{watch, WatchEvent, WatchOptions};
use newsdex::index::writer::{build, BuildOptions, BuildSummary, Counts, Progress};
use newsdex::{Error, Result};

use super::{finish, stdout, stdout_error, Status};
use crate::cli::IndexArgs;

pub fn run(args: IndexArgs) -> Result<Status> {
    let options = BuildOptions {
        read: ReadOptions { max_file_size: args.max_file_size },
        memory_budget: args.memory.saturating_mul(1024 * 1024),
        threads: args.threads,
        rebuild: args.rebuild,
    };
    let report = StderrReport::new(!args.quiet && std::io::stderr().is_terminal());
    if args.watch {
        return run_watch(&args, &options, &report);
    }
    let summary = build(&args.dir, &args.index, &options, &report)?;
    report.finish();
    eprintln!("newsdex: {}", summary_line(&summary, &args.index));
    if args.json {
        write_json(&summary)?;
    }
    let skipped = !summary.skipped.is_empty() || !summary.still_skipped.is_empty();
    Ok(if args.strict && skipped { Status::Failure } else { Status::Success })
}

/// `--watch`: runs until Ctrl-C (or SIGTERM), which commits and ends with status 0.
fn run_watch(args: &IndexArgs, options: &BuildOptions, report: &StderrReport) -> Result<Status> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    ctrlc::set_handler(move || {
        // A second Ctrl-C does not wait for the commit.
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    })
    .map_err(|e| Error::Usage(format!("cannot watch for Ctrl-C: {e}")))?;
    let mut announced = false;
    let mut on_event = |event: WatchEvent<'_>| match event {
        WatchEvent::Synced(summary) => {
            report.finish();
            if !summary.up_to_date {
                eprintln!("newsdex: {}", summary_line(summary, &args.index));
                if args.json {
                    let _ = write_json(summary);
                }
            }
        }
        WatchEvent::Watching if !announced => {
            announced = true;
            eprintln!("newsdex: watching {} for changes (Ctrl-C to stop)", args.dir.display());
        }
        WatchEvent::Watching => {}
    };
    watch(&args.dir, &args.index, options, &WatchOptions::default(), stop, report, &mut on_event)?;
    eprintln!("newsdex: stopped watching; the index is committed");
    Ok(Status::Success)
}

fn write_json(summary: &BuildSummary) -> Result<()> {
    let mut out = stdout();
    serde_json::to_writer_pretty(&mut out, summary).map_err(|e| stdout_error(e.into()))?;
    std::io::Write::write_all(&mut out, b"\n").map_err(stdout_error)?;
    finish(out)
}

/// Reports problems as they happen, one line each, and draws the progress bar.
pub(crate) struct StderrReport {
    bar: ProgressBar,
    started: Instant,
    bytes: AtomicU64,
    entries: AtomicUsize,
    /// Milliseconds since `started` of the last message update.
    shown: AtomicU64,
}

impl StderrReport {
    /// A report; `bar` draws a progress bar (only ask for one when stderr is a terminal).
    pub(crate) fn new(bar: bool) -> StderrReport {
        let bar = if bar {
            let style = ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} files · {msg} · ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(8)).with_style(style)
        } else {
            ProgressBar::hidden()
        };
        StderrReport {
            bar,
            started: Instant::now(),
            bytes: AtomicU64::new(0),
            entries: AtomicUsize::new(0),
            shown: AtomicU64::new(0),
        }
    }

    /// Removes the bar (before the summary line is printed).
    pub(crate) fn finish(&self) {
        if !self.bar.is_hidden() {
            self.bar.finish_and_clear();
        }
    }

    fn update_message(&self, force: bool) {
        let elapsed = self.started.elapsed();
        let now = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
        let last = self.shown.load(Ordering::Relaxed);
        if !force && now.saturating_sub(last) < 100 {
            return;
        }
        self.shown.store(now, Ordering::Relaxed);
        let mb = self.bytes.load(Ordering::Relaxed) as f64 / 1e6;
        let rate = mb / elapsed.max(Duration::from_millis(1)).as_secs_f64();
        self.bar.set_message(format!("{} entries · {rate:.1} MB/s", self.entries.load(Ordering::Relaxed)));
    }
}

impl Progress for StderrReport {
    fn reading(&self, files: usize, _bytes: u64) {
        if self.bar.is_hidden() {
            return;
        }
        self.bar.reset();
        self.bytes.store(0, Ordering::Relaxed);
        self.entries.store(0, Ordering::Relaxed);
        self.bar.set_length(files as u64);
        self.update_message(true);
    }

    fn file_done(&self, bytes: u64, entries: usize) {
        if self.bar.is_hidden() {
            return;
        }
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
        self.entries.fetch_add(entries, Ordering::Relaxed);
        self.bar.inc(1);
        self.update_message(false);
    }

    fn problem(&self, problem: &Problem, skipped: bool) {
        self.bar.suspend(|| {
            if skipped {
                eprintln!("newsdex: skipped {problem}");
            } else {
                eprintln!("newsdex: {problem} (the rest of the file was read)");
            }
        });
    }

    fn committing(&self) {
        if !self.bar.is_hidden() {
            self.update_message(true);
            self.bar.set_message("committing…");
        }
    }

    fn merging(&self, segments: usize) {
        if !self.bar.is_hidden() {
            self.bar.set_message(match segments {
                1 => "dropping deleted entries…".to_string(),
                n => format!("merging {n} segments into one…"),
            });
        }
    }
}

/// One line saying what a run did.
pub(crate) fn summary_line(s: &BuildSummary, index: &Path) -> String {
    let counts = |c: &Counts| {
        format!("{} added, {} updated, {} removed, {} unchanged", c.added, c.updated, c.removed, c.unchanged)
    };
    let formats: Vec<String> = s.formats.iter().map(|(f, n)| format!("{n} {f}")).collect();
    let formats = if formats.is_empty() { String::new() } else { format!(" ({})", formats.join(", ")) };
    let head = if s.up_to_date {
        format!("{} is up to date (checked {} files in {:.1} s)", index.display(), s.files, s.elapsed.as_secs_f64())
    } else {
        format!("indexed into {} in {:.1} s", index.display(), s.elapsed.as_secs_f64())
    };
    let mut line = format!(
        "{head}: files: {}; entries: {} ({} in the index); read {} of {} files{formats}, {} skipped, {} with problems",
        counts(&s.changes.files),
        counts(&s.changes.entries),
        s.entries_indexed,
        s.files_read,
        s.files,
        s.skipped.len(),
        s.warnings.len(),
    );
    if !s.still_skipped.is_empty() {
        line.push_str(&format!("; {} skipped in an earlier run and unchanged", s.still_skipped.len()));
    }
    if s.deferred > 0 {
        line.push_str(&format!("; {} new or changed files left for the next run", s.deferred));
    }
    line
}
