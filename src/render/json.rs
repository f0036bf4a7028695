//! The JSON documents newsdex prints. This doc comment is their specification.
//!
//! ## `newsdex search --json` (and `GET /api/search`)
//!
//! One JSON object:
//!
//! ```text
//! {
//!   "query":   string    the query text as given
//!   "total":   integer   number of matching entries (all of them, not only this page)
//!   "took_ms": number    time spent in the engine, in milliseconds
//!   "hits":    [hit]     this page of hits, best first (or in the --sort order)
//! }
//! ```
//!
//! Each hit is the entry object, exactly as `newsdex extract` prints it, plus five keys:
//!
//! ```text
//! {
//!   "id":      string    stable id: the DW short-URL code, or a 16-hex-digit fingerprint
//!   "kind":    string    "summary" | "update" | "article"
//!   "title":   string
//!   "body":    string    paragraphs separated by "\n\n"
//!   "date":    string | null   "YYYY-MM-DD" when only the day is known,
//!                              RFC 3339 UTC ("2024-10-29T14:05:00Z") when the time is
//!   "url":     string | null
//!   "sources": [string]  agencies, canonical short names ("AP", "Reuters", "AFP", "dpa", ...)
//!   "authors": [string]
//!   "page":    {"title", "url", "published", "updated"}   the first page it appeared on;
//!                                                         values may be null
//!   "path":    string    the file of that page
//!   "pages":   [{"title", "url", "published", "updated", "path"}]  every page and file
//!                        it appeared on, oldest page first
//!   "rank":    integer   1-based position in the whole result list
//!   "score":   number    BM25 score (0 when sorted by date)
//!   "snippet": string    plain text from the body around the best match ("…" marks cuts)
//!   "highlights": [[start, end]]  byte offsets into "snippet" of the matched words
//! }
//! ```
//!
//! ## `newsdex extract`
//!
//! One entry object (the first ten keys above) per line.

use std::io::{self, Write};

use serde::Serialize;

use crate::entry::{Appearance, Entry};
use crate::search::{Hit, SearchResults};

/// The `search --json` document.
#[derive(Serialize)]
pub struct SearchDocument<'a> {
    query: &'a str,
    total: usize,
    took_ms: f64,
    hits: Vec<HitDocument<'a>>,
}

#[derive(Serialize)]
struct HitDocument<'a> {
    #[serde(flatten)]
    entry: &'a Entry,
    pages: &'a [Appearance],
    rank: usize,
    score: f32,
    snippet: &'a str,
    highlights: Vec<[usize; 2]>,
}

impl<'a> SearchDocument<'a> {
    /// The document for a set of results.
    pub fn new(results: &'a SearchResults) -> SearchDocument<'a> {
        SearchDocument {
            query: &results.query,
            total: results.total,
            took_ms: (results.took.as_secs_f64() * 1e6).round() / 1e3,
            hits: results.hits.iter().map(hit).collect(),
        }
    }
}

fn hit(h: &Hit) -> HitDocument<'_> {
    HitDocument {
        entry: &h.entry.entry,
        pages: &h.entry.pages,
        rank: h.rank,
        score: h.score,
        snippet: &h.snippet.text,
        highlights: h.snippet.highlights.iter().map(|r| [r.start, r.end]).collect(),
    }
}

/// Writes the `search --json` document and a newline.
pub fn write_search(out: &mut dyn Write, results: &SearchResults) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &SearchDocument::new(results))?;
    out.write_all(b"\n")
}

/// Writes one entry as one NDJSON line.
pub fn write_entry(out: &mut dyn Write, entry: &Entry) -> io::Result<()> {
    serde_json::to_writer(&mut *out, entry)?;
    out.write_all(b"\n")
}
