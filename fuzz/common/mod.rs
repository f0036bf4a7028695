//! What every parser target checks of a file's entries, beyond "no panic, no hang".

use std::collections::HashMap;

use newsdex::corpus::{self, FileEntries};
use newsdex::entry::collapse_whitespace;

/// Reads `bytes` as a file named `name` through the whole reading path (decoding, format
/// detection, the parser) and checks what the indexer relies on.
pub fn read_as(name: &str, bytes: &[u8]) {
    if let Ok(read) = corpus::parse_bytes(name, bytes) {
        check(&read);
    }
}

/// Each entry has an id, and entries of one file share an id only when they are the same
/// story repeated (same words in title and body), which the indexer keeps once. (A file read
/// without error always has entries: `parse_bytes` refuses it otherwise.)
pub fn check(read: &FileEntries) {
    let mut ids: HashMap<&str, (String, String)> = HashMap::new();
    for entry in &read.entries {
        assert!(!entry.id.is_empty(), "entry without id: {entry:?}");
        // Ids are fingerprints of the text with its whitespace normalised: a story repeated
        // with a no-break space for a space is the same story.
        let text = (collapse_whitespace(&entry.title), collapse_whitespace(&entry.body));
        if let Some(first) = ids.insert(entry.id.as_str(), text.clone()) {
            assert_eq!(first, text, "two different entries of one file share the id {}", entry.id);
        }
    }
}
