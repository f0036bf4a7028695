//! The `newsdex` binary: parse the command line, run the command, turn the outcome into an
//! exit status. This is the only place that prints fatal errors.
//!
//! Exit status: 0 success (for `search`: something matched), 1 `search` found nothing or
//! `show` found no such entry,
//! 2 error (bad query, bad date, missing index, unreadable input). A closed stdout (`| head`)
//! is not an error.

mod allocator;
mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc, or the C library's allocator for a one-shot search (see [`allocator`]).
#[global_allocator]
static ALLOCATOR: allocator::ByCommand = allocator::ByCommand;

fn main() -> ExitCode {
    quiet_about_damaged_index_panics();
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    match commands::run(cli.command) {
        Ok(status) => status.into(),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("newsdex: {e}");
            ExitCode::from(2)
        }
    }
}

/// Help and version go to stdout with status 0; a usage error is one line on stderr and
/// status 2.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            ExitCode::from(if e.use_stderr() { 2 } else { 0 })
        }
        _ => {
            let text = e.to_string();
            let first = text.lines().next().unwrap_or("bad arguments");
            let first = first.strip_prefix("error: ").unwrap_or(first);
            eprintln!("newsdex: {first} (see `newsdex --help`)");
            ExitCode::from(2)
        }
    }
}

/// A panic inside Tantivy (or the crates it reads with) while it reads a corrupt index file is
/// caught and reported as "index damaged" (see `newsdex::index::guard`): it is not printed as
/// a crash. A panic in newsdex's own code (`src/`) is a bug: printed, and not caught.
fn quiet_about_damaged_index_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !newsdex::index::note_panic(info.location().map_or("", |l| l.file())) {
            default(info);
        }
    }));
}

fn is_broken_pipe(e: &newsdex::Error) -> bool {
    matches!(e, newsdex::Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
}
