//! Live blogs saved as text: the layout detector and splitter, through the reading path.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "../common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::read_as("page.txt", data);
    if let Ok(text) = std::str::from_utf8(data) {
        if let Some(entries) = newsdex::corpus::liveblog::parse(text, "page.txt") {
            assert!(!entries.is_empty(), "a live blog is only recognised with entries");
        }
    }
});
