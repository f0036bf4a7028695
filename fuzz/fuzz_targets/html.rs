//! Web pages: articles and live blogs in HTML, with their metadata and JSON-LD.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "../common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = newsdex::corpus::html::parse(text, "page.html");
        let _ = newsdex::corpus::html::fragment_paragraphs(text);
    }
    common::read_as("page.html", data);
});
