//! JSON documents and NDJSON exports, with and without the extension's hint.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "../common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = newsdex::corpus::json::parse_document(text, "export.json");
        let (_, problems) = newsdex::corpus::json::parse_lines(text, "export.ndjson");
        for p in problems {
            assert!(!p.to_string().is_empty());
        }
    }
    common::read_as("export.json", data);
    common::read_as("export.ndjson", data);
});
