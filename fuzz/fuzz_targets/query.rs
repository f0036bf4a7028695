//! The query language: parsing, then building the Tantivy query against the real schema
//! with the index's analyzers (both the stemmed and the unstemmed one).
#![no_main]
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use newsdex::index::{analyzer, Fields};
use newsdex::query::{self, Filters, Tuning};

/// The schema's field handles, built once for every input.
static FIELDS: LazyLock<Fields> = LazyLock::new(|| Fields::build().1);

fuzz_target!(|text: &str| {
    let fields = &*FIELDS;
    for any in [false, true] {
        match query::parse(text, any) {
            Ok(_) => {}
            Err(e) => {
                assert!(!e.to_string().is_empty());
                assert!(e.span.end <= text.len() && e.span.start <= e.span.end, "{e:?} for {text:?}");
            }
        }
        let _ = query::compile(text, any, &Filters::default(), fields, analyzer::news(), Tuning::default());
    }
    let _ = query::compile(text, false, &Filters::default(), fields, analyzer::news_unstemmed(), Tuning::default());
});
