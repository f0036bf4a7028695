//! One module per subcommand. Each `run` reads like a table of contents: resolve the
//! arguments, call the library, write the output, return a [`Status`].

mod eval;
mod export;
mod extract;
mod index;
mod search;
#[cfg(feature = "serve")]
mod serve;
mod show;
mod stats;

use std::io::{self, Write};
use std::process::ExitCode;

use newsdex::{Error, Result};

use crate::cli::Command;

/// How a command ended (errors are returned as `Err` and end with status 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Done; for `search`, something matched.
    Success,
    /// `search` matched nothing, or `show` found no such entry.
    NoMatch,
    /// Done, but some input was bad (`extract` of an unreadable file, `index --strict`).
    Failure,
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> ExitCode {
        match s {
            Status::Success => ExitCode::SUCCESS,
            Status::NoMatch => ExitCode::from(1),
            Status::Failure => ExitCode::from(2),
        }
    }
}

/// Runs a subcommand.
pub fn run(command: Command) -> Result<Status> {
    if matches!(command, Command::Search(_) | Command::Show(_) | Command::Stats(_)) {
        small_pages_only();
    }
    match command {
        Command::Extract(args) => extract::run(args),
        Command::Index(args) => index::run(args),
        Command::Search(args) => search::run(args),
        Command::Show(args) => show::run(args),
        Command::Stats(args) => stats::run(args),
        Command::Eval(args) => eval::run(args),
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve::run(args),
        Command::Export(args) => export::run(args),
    }
}

/// Turns transparent huge pages off for this process. mimalloc asks the kernel for 2 MiB
/// pages, and the first touch of each costs the zeroing of all of it (about 0.2 ms here); a
/// one-shot search uses a few hundred KiB of heap, so it paid that inside its first
/// snippets. Measured at 100k entries over the query mix (fresh processes, the binaries
/// alternating): `took_ms` median 1.218 → 1.012 ms, the whole process 6.1 → 5.6 ms. Long
/// runs (`index`, `serve`) keep the default.
fn small_pages_only() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes one integer argument and changes nothing but the
    // process's huge-page policy; a failure (an old kernel) leaves the default in place.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Buffered stdout; write errors name stdout so that a closed pipe can be recognised.
pub(crate) fn stdout() -> io::BufWriter<io::StdoutLock<'static>> {
    io::BufWriter::with_capacity(64 * 1024, io::stdout().lock())
}

/// Maps a write error on stdout.
pub(crate) fn stdout_error(e: io::Error) -> Error {
    Error::io("standard output", e)
}

/// Whether to colour: always, never, or when stdout is a terminal and `NO_COLOR` is unset.
pub(crate) fn use_color(choice: crate::cli::ColorArg) -> bool {
    use crate::cli::ColorArg;
    use std::io::IsTerminal;
    match choice {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

/// Flushes stdout.
pub(crate) fn finish(mut out: impl Write) -> Result<()> {
    out.flush().map_err(stdout_error)
}
