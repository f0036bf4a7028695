//! Single articles saved as text: furniture (byline, dateline, credits) and body.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "../common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = newsdex::corpus::article::parse(text, "article.txt");
        for paragraph in text.split("\n\n").take(8) {
            let _ = newsdex::corpus::article::dateline(paragraph);
            let _ = newsdex::corpus::credits::parse_credit_line(paragraph);
        }
    }
    common::read_as("article.txt", data);
});
