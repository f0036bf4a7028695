//! Link options of the `newsdex` binary.
//!
//! On Linux the binary is linked as a position-dependent executable (`-no-pie`). A
//! position-independent one starts by applying about 40,000 relocations to its tables of
//! pointers (vtables, the stemmers' and the HTML parser's string tables), which copies every
//! page of them: about 180 page faults, 0.7 ms of a 5 ms search process (see BENCHMARKS.md).
//! The price is that the binary's own code and data are loaded at fixed addresses (the
//! libraries, heap and stack are still placed at random).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
