//! Turning results into output: [`json`] for programs (its module doc is the format
//! specification), [`text`] for people, [`export`] for other search engines (NDJSON,
//! OpenSearch `_bulk`, Quickwit), and [`sanitize`] for any untrusted text bound for a
//! terminal. Renderers write to the writer they are given; they never choose stdout.

pub mod export;
pub mod json;
pub mod sanitize;
pub mod text;
