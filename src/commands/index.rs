//! `newsdex index [DIR]`: read a folder into an index; problems and a summary on stderr
//! (`--json`: the summary as JSON on stdout).

use std::path::Path;

use newsdex::corpus::{Problem, ReadOptions};
use newsdex::index::writer::{build, BuildOptions, BuildSummary, Progress};
use newsdex::Result;

use super::{finish, stdout, stdout_error, Status};
use crate::cli::IndexArgs;

pub fn run(args: IndexArgs) -> Result<Status> {
    let options = BuildOptions {
        read: ReadOptions { max_file_size: args.max_file_size },
        memory_budget: args.memory.saturating_mul(1024 * 1024),
        threads: args.threads,
        rebuild: args.rebuild,
    };
    let summary = build(&args.dir, &args.index, &options, &StderrReport)?;
    eprintln!("newsdex: {}", summary_line(&summary, &args.index));
    if args.json {
        let mut out = stdout();
        serde_json::to_writer_pretty(&mut out, &summary).map_err(|e| stdout_error(e.into()))?;
        std::io::Write::write_all(&mut out, b"\n").map_err(stdout_error)?;
        finish(out)?;
    }
    Ok(if args.strict && !summary.skipped.is_empty() { Status::Failure } else { Status::Success })
}

/// Reports problems as they happen, one line each.
pub(crate) struct StderrReport;

impl Progress for StderrReport {
    fn problem(&self, problem: &Problem, skipped: bool) {
        if skipped {
            eprintln!("newsdex: skipped {problem}");
        } else {
            eprintln!("newsdex: {problem} (the rest of the file was read)");
        }
    }
}

/// One line saying what a build did.
pub(crate) fn summary_line(s: &BuildSummary, index: &Path) -> String {
    let formats: Vec<String> = s.formats.iter().map(|(f, n)| format!("{n} {f}")).collect();
    let formats = if formats.is_empty() { String::new() } else { format!(" ({})", formats.join(", ")) };
    format!(
        "indexed {} entries ({} read) from {} of {} files{formats} into {} in {:.1} s; {} skipped, {} with problems",
        s.entries_indexed,
        s.entries_read,
        s.files_read,
        s.files,
        index.display(),
        s.elapsed.as_secs_f64(),
        s.skipped.len(),
        s.warnings.len(),
    )
}
