//! Stored entries as the index holds them (`index::store`): any bytes read back from a store
//! give an entry or an error, never a panic, with and without a dictionary; and whatever is
//! stored comes back as it was.
#![no_main]
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use newsdex::index::store::Codec;

/// A codec with a dictionary trained once on made-up entries.
static TRAINED: LazyLock<Codec> = LazyLock::new(|| {
    let words = ["troops", "Kyiv", "said", "Reuters", "minister", "border", "talks", "ceasefire", "drone", "AP"];
    let samples: Vec<Vec<u8>> = (0..2000)
        .map(|i| {
            let body: Vec<&str> = (0..100).map(|j| words[(i * 7 + j * j) % words.len()]).collect();
            format!(r#"{{"id":"e{i}","title":"Update {i}","body":"{}"}}"#, body.join(" ")).into_bytes()
        })
        .collect();
    Codec::in_memory(Codec::train(&samples).expect("enough samples")).expect("a dictionary zstd made")
});

fuzz_target!(|data: &[u8]| {
    let plain = Codec::plain();
    let trained = &*TRAINED;
    for codec in [&plain, trained] {
        let _ = codec.decompress(data);
        assert_eq!(codec.decompress(&codec.compress(data)).ok().as_deref(), Some(data));
    }
});
