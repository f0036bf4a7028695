//! What every parser target checks of a file's entries, beyond "no panic, no hang".

use std::collections::HashSet;

use newsdex::corpus::{self, FileEntries};

/// Reads `bytes` as a file named `name` through the whole reading path (decoding, format
/// detection, the parser) and checks what the indexer relies on.
pub fn read_as(name: &str, bytes: &[u8]) -> Option<FileEntries> {
    let read = corpus::parse_bytes(name, bytes).ok()?;
    check(&read);
    Some(read)
}

/// Entries of one file have distinct, non-empty ids, and a file read successfully has entries.
pub fn check(read: &FileEntries) {
    assert!(!read.entries.is_empty(), "a file read without error has entries");
    let mut ids = HashSet::new();
    for entry in &read.entries {
        assert!(!entry.id.is_empty(), "entry without id: {entry:?}");
        assert!(ids.insert(entry.id.as_str()), "two entries of one file share the id {}", entry.id);
    }
}
