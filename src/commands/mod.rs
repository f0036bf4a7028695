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

/// Whether a process runs `command` once, for a few milliseconds: such a process keeps
/// huge pages off (below) and the C library's allocator (`allocator`, which recognises the
/// same commands by name before the command line is parsed).
pub(crate) fn one_shot(command: &Command) -> bool {
    matches!(command, Command::Search(_) | Command::Show(_) | Command::Stats(_))
}

/// Runs a subcommand.
pub fn run(command: Command) -> Result<Status> {
    if !one_shot(&command) {
        huge_pages_allowed(true);
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

/// Transparent huge pages are off from before `main` (and its first allocation): mimalloc
/// asks the kernel for 2 MiB pages, and the first touch of each costs the zeroing of all of it
/// (about 0.2 ms here), while a one-shot search uses a few hundred KiB of heap. Turned off in
/// [`run`] (the eighth round), a search still paid for the huge pages that the Rust runtime's
/// and clap's first allocations had touched; off from the start, a whole `newsdex search`
/// process takes 0.6–0.8 ms less (at 100k entries over the query mix, the binaries
/// alternating: 5.74 → 4.94 and 5.69 → 5.10 ms wall), while `took_ms` rose by 0.08 ms (0.920
/// → 0.996, 1.018 → 1.094): the heap the search itself touches is now in 4 KiB pages rather
/// than the huge page the start-up had already paid for. Long runs (`index`, `serve`, `eval`,
/// `export`, `extract`) turn them back on in [`run`].
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static SMALL_PAGES_FROM_THE_START: extern "C" fn() = small_pages_from_the_start;

#[cfg(target_os = "linux")]
extern "C" fn small_pages_from_the_start() {
    huge_pages_allowed(false);
}

/// Sets whether the kernel may back this process's memory with transparent huge pages.
fn huge_pages_allowed(allowed: bool) {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes one integer argument and changes nothing but the
    // process's huge-page policy; a failure (an old kernel) leaves the default in place.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, libc::c_ulong::from(!allowed), 0, 0, 0);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = allowed;
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
