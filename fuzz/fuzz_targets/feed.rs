//! Feeds: RSS 2.0, RSS 1.0 (RDF) and Atom.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "../common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = newsdex::corpus::feed::parse(text, "feed.xml");
    }
    common::read_as("feed.xml", data);
});
