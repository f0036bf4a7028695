//! Link options of the `newsdex` binary.
//!
//! On Linux the binary is linked as a position-dependent executable (`-no-pie`). A
//! position-independent one starts by applying about 40,000 relocations to its tables of
//! pointers (vtables, the stemmers' and the HTML parser's string tables), which copies every
//! page of them: about 180 page faults, 0.7 ms of a 5 ms search process (see BENCHMARKS.md).
//! The price is that the binary's own code and data are loaded at fixed addresses (the
//! libraries, heap and stack are still placed at random).
//!
//! Where Rust links with LLD (x86-64 Linux from Rust 1.90, unless another linker is chosen),
//! the functions a search runs are placed side by side at the start of the code, in the
//! order of `src/hot_functions.txt` (written by `benches/hot_functions.py`). Spread over
//! 11 MB of code, they cost a search process about 85 page faults, 15 of them inside the
//! search; packed into about 1 MB, 12 and 4. A name the file holds that the binary lacks
//! (after a change of compiler, of a dependency, or of the code around it) is skipped.

use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") == "linux" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    let order = Path::new(&var("CARGO_MANIFEST_DIR")).join("src").join("hot_functions.txt");
    let target = var("TARGET");
    println!("cargo:rerun-if-env-changed=RUSTC_LINKER");
    let own_linker = std::env::var_os("RUSTC_LINKER").is_some() || var("CARGO_ENCODED_RUSTFLAGS").contains("link");
    if target == "x86_64-unknown-linux-gnu" && !own_linker && links_with_lld() && order.exists() {
        println!("cargo:rerun-if-changed={}", order.display());
        println!("cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}", order.display());
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
}

/// Whether the compiler links x86-64 Linux binaries with its own LLD: from Rust 1.90 on.
fn links_with_lld() -> bool {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let Ok(out) = Command::new(rustc).arg("--version").output() else { return false };
    // "rustc 1.95.0 (59807616e 2026-04-14)"
    let version = String::from_utf8_lossy(&out.stdout);
    let mut numbers = version.split_whitespace().nth(1).unwrap_or_default().split(['.', '-']);
    let major: u32 = numbers.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    let minor: u32 = numbers.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    (major, minor) >= (1, 90)
}
