//! Link options of the `newsdex` binary.
//!
//! On Linux the binary is linked as a position-dependent executable (`-no-pie`). A
//! position-independent one starts by applying about 40,000 relocations to its tables of
//! pointers (vtables, the stemmers' and the HTML parser's string tables), which copies every
//! page of them: about 180 page faults, 0.7 ms of a 5 ms search process (see BENCHMARKS.md).
//! The price is that the binary's own code and data are loaded at fixed addresses (the
//! libraries, heap and stack are still placed at random).
//!
//! On x86-64 Linux, where Rust links with LLD, the functions a search runs are placed side by
//! side at the start of the code, in the order of `src/hot_functions.txt` (written by
//! `benches/hot_functions.py`). Spread over 11 MB of code, they cost a search process about
//! 85 page faults, 15 of them inside the search itself; packed into about 1 MB, 12 and none.
//! A name the file holds that the binary lacks (after a change of compiler or dependency) is
//! skipped.

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS");
    if os.as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH");
    let env = std::env::var("CARGO_CFG_TARGET_ENV");
    let root = std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default();
    let order = Path::new(&root).join("src").join("hot_functions.txt");
    if os.as_deref() == Ok("linux") && arch.as_deref() == Ok("x86_64") && env.as_deref() == Ok("gnu") && order.exists()
    {
        println!("cargo:rerun-if-changed={}", order.display());
        println!("cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}", order.display());
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
}
