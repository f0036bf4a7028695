//! The process's memory allocator, chosen by command before anything is allocated.
//!
//! Indexing and the server allocate many small buffers from several threads for seconds or
//! hours: mimalloc serves them faster than the C library (−16% user time for a build, see
//! BENCHMARKS.md). A one-shot command (`search`, `show`, `stats`) lives a few milliseconds,
//! and there mimalloc costs more than it saves: its first allocation reserves an arena and
//! touches some 46 pages of it, and every size class gets a fresh page of its own, each
//! first touch a page fault (3.5–5 µs on this virtual machine). With the C library's allocator a search
//! process takes about 80 fewer page faults (293 → 211) and 0.3 ms less wall time (3.2 →
//! 2.9 ms at 100k entries), its `took_ms` unchanged; mimalloc's own start-up still runs
//! (without mimalloc linked at all: 2.8 ms).
//!
//! The choice has to be made before the first allocation and never change, since memory
//! must go back to the allocator it came from. The Rust runtime allocates before `main`, so
//! on Linux with glibc, which hands every `.init_array` function the command line, a
//! function there reads the subcommand first. Anywhere else, or when the command line cannot
//! be read, mimalloc serves every command.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, Ordering};

use mimalloc::MiMalloc;

/// The commands served by the C library's allocator: those `commands::one_shot` picks, by
/// name (a test checks that the two agree).
const SHORT_LIVED: [&[u8]; 3] = [b"search", b"show", b"stats"];

/// Set (once, before the first allocation) when the C library's allocator serves the process.
static USE_SYSTEM: AtomicBool = AtomicBool::new(false);

/// mimalloc or the C library's allocator, as [`USE_SYSTEM`] says.
pub struct ByCommand;

impl ByCommand {
    fn system() -> bool {
        USE_SYSTEM.load(Ordering::Relaxed)
    }
}

// SAFETY: every call goes to the same allocator for the whole life of the process (the flag
// is set before the first allocation, and never again), and each of them upholds
// `GlobalAlloc`'s contract.
unsafe impl GlobalAlloc for ByCommand {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if Self::system() {
            unsafe { System.alloc(layout) }
        } else {
            unsafe { MiMalloc.alloc(layout) }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if Self::system() {
            unsafe { System.alloc_zeroed(layout) }
        } else {
            unsafe { MiMalloc.alloc_zeroed(layout) }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if Self::system() {
            unsafe { System.dealloc(ptr, layout) }
        } else {
            unsafe { MiMalloc.dealloc(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if Self::system() {
            unsafe { System.realloc(ptr, layout, new_size) }
        } else {
            unsafe { MiMalloc.realloc(ptr, layout, new_size) }
        }
    }
}

/// Whether `command`, the first argument, names a short-lived command.
fn short_lived(command: &[u8]) -> bool {
    SHORT_LIVED.contains(&command)
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod choose {
    use std::ffi::{c_char, c_int, CStr};

    /// Runs with the other `.init_array` functions, before `main` and before the Rust
    /// runtime's first allocation; glibc passes it the command line.
    #[used]
    #[unsafe(link_section = ".init_array")]
    static CHOOSE: extern "C" fn(c_int, *const *const c_char, *const *const c_char) = choose;

    extern "C" fn choose(argc: c_int, argv: *const *const c_char, _envp: *const *const c_char) {
        if argc < 2 || argv.is_null() {
            return;
        }
        // SAFETY: glibc passes `argc` pointers to NUL-terminated strings in `argv`.
        let first = unsafe { *argv.add(1) };
        if first.is_null() {
            return;
        }
        // SAFETY: as above; the string outlives the process.
        let command = unsafe { CStr::from_ptr(first) }.to_bytes();
        if super::short_lived(command) {
            super::USE_SYSTEM.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_one_shot_commands_leave_mimalloc() {
        for c in ["search", "show", "stats"] {
            assert!(short_lived(c.as_bytes()), "{c}");
        }
        for c in ["index", "serve", "export", "extract", "eval", "Search", "searchx", "--help", ""] {
            assert!(!short_lived(c.as_bytes()), "{c}");
        }
    }

    #[test]
    fn the_commands_run_once_are_those_the_allocator_recognises() {
        use clap::Parser;
        let lines: [&[&str]; 8] = [
            &["search", "troops"],
            &["show", "abc"],
            &["stats"],
            &["index", "corpus"],
            &["extract", "page.txt"],
            &["export"],
            &["eval", "collection"],
            &["serve"],
        ];
        for line in lines {
            let argv = std::iter::once("newsdex").chain(line.iter().copied());
            let Ok(cli) = crate::cli::Cli::try_parse_from(argv) else {
                // `serve` is left out of builds without the server.
                assert_eq!(line[0], "serve");
                continue;
            };
            assert_eq!(crate::commands::one_shot(&cli.command), short_lived(line[0].as_bytes()), "{line:?}");
        }
    }
}
