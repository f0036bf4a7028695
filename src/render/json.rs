//! The JSON documents newsdex prints. This doc comment is their specification.
//!
//! ## `newsdex search --json` (and `GET /api/search`)
//!
//! One JSON object:
//!
//! ```text
//! {
//!   "query":   string    the query text as given
//!   "total":   integer   number of matching entries (all of them, not only this page);
//!                        counted exactly up to 10,000; beyond that, a query of words
//!                        alone (a word, or words joined by OR or by AND), of a phrase
//!                        alone, or of words under a broad filter, and any query sorted
//!                        by date whose page lies in the newest (oldest) eighth of its
//!                        dates, without --facets, reports 10000, "at least 10,000"
//!   "total_exact": bool  false when "total" is such a lower bound
//!   "took_ms": number    time spent in the engine, in milliseconds
//!   "hits":    [hit]     this page of hits, best first (or in the --sort order)
//!   "facets":  facets    only with --facets (see below)
//!   "suggestions": [suggestion]  only when nothing matched and a correction does (see below)
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
//! With `--facets`, counts over every matching entry (not only this page):
//!
//! ```text
//! "facets": {
//!   "sources":  [{"value": string, "count": integer}]   agencies, most matches first (at most 20)
//!   "authors":  [{"value": string, "count": integer}]   authors, likewise
//!   "timeline": {
//!     "interval": "day" | "week" | "month" | "year"     chosen from the span of the matches
//!     "buckets":  [{"start": "YYYY-MM-DD", "count": integer}]
//!                 every bucket from the first match's to the last's, empty ones included;
//!                 weeks start on Monday, months and years are calendar ones
//!     "undated":  integer   only when some matching entries have no date
//!   }
//! }
//! ```
//!
//! The bucket counts (plus `undated`, when present) add up to `total`.
//!
//! When nothing matched, corrected queries that do match (words the index does not hold
//! replaced by indexed words at most two edits away, most frequent first), or the same query
//! with `--any`:
//!
//! ```text
//! "suggestions": [{"query": string, "any": bool, "total": integer, "total_exact": bool}]
//! ```
//!
//! ## `newsdex show ID|URL --json`
//!
//! The entry object (the first ten keys of a hit) plus `"pages"`: every page and file it
//! appeared on.
//!
//! ## `newsdex stats --json`
//!
//! ```text
//! {
//!   "index":   string    the index folder
//!   "entries": integer   distinct entries
//!   "kinds":   {"summary": integer, "update": integer, "article": integer}
//!   "pages":   integer   distinct pages the entries appeared on (by URL, else by file)
//!   "files":   integer   distinct files they were read from
//!   "dates":   {"first": "YYYY-MM-DD" | null, "last": "YYYY-MM-DD" | null, "undated": integer}
//!   "top_sources": [{"value": string, "count": integer}]
//!   "size_bytes": integer   the index's files on disk
//!   "schema_version": integer
//!   "written_by": string    the newsdex version of the last commit
//!   "segments": integer
//! }
//! ```
//!
//! ## `newsdex extract`
//!
//! One entry object (the first ten keys above) per line.

use std::io::{self, Write};

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::date::format_day;
use crate::entry::{Appearance, Entry, IndexedEntry};
use crate::search::facets::{Facets, ValueCount};
use crate::search::stats::IndexStats;
use crate::search::{Hit, SearchResults, Suggestion};

/// The `search --json` document.
#[derive(Serialize)]
pub struct SearchDocument<'a> {
    query: &'a str,
    total: usize,
    total_exact: bool,
    took_ms: f64,
    hits: Vec<HitDocument<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    facets: Option<FacetsDocument<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suggestions: Vec<SuggestionDocument<'a>>,
}

#[derive(Serialize)]
struct FacetsDocument<'a> {
    sources: &'a [ValueCount],
    authors: &'a [ValueCount],
    timeline: TimelineDocument,
}

#[derive(Serialize)]
struct TimelineDocument {
    interval: &'static str,
    buckets: Vec<BucketDocument>,
    #[serde(skip_serializing_if = "is_zero")]
    undated: usize,
}

#[derive(Serialize)]
struct BucketDocument {
    start: String,
    count: usize,
}

#[derive(Serialize)]
struct SuggestionDocument<'a> {
    query: &'a str,
    any: bool,
    total: usize,
    total_exact: bool,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl<'a> FacetsDocument<'a> {
    fn new(f: &'a Facets) -> FacetsDocument<'a> {
        FacetsDocument {
            sources: &f.sources,
            authors: &f.authors,
            timeline: TimelineDocument {
                interval: f.timeline.interval.as_str(),
                buckets: f
                    .timeline
                    .buckets
                    .iter()
                    .map(|b| BucketDocument { start: format_day(b.start), count: b.count })
                    .collect(),
                undated: f.timeline.undated,
            },
        }
    }
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
            total_exact: results.total_exact,
            took_ms: (results.took.as_secs_f64() * 1e6).round() / 1e3,
            hits: results.hits.iter().map(hit).collect(),
            facets: results.facets.as_ref().map(FacetsDocument::new),
            suggestions: results
                .suggestions
                .iter()
                .map(|s: &Suggestion| SuggestionDocument {
                    query: &s.query,
                    any: s.any,
                    total: s.total,
                    total_exact: s.total_exact,
                })
                .collect(),
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

/// The `show --json` document: the entry and every page it appeared on.
#[derive(Serialize)]
struct EntryDocument<'a> {
    #[serde(flatten)]
    entry: &'a Entry,
    pages: &'a [Appearance],
}

/// Writes one indexed entry with its pages, and a newline.
pub fn write_indexed_entry(out: &mut dyn Write, item: &IndexedEntry) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &EntryDocument { entry: &item.entry, pages: &item.pages })?;
    out.write_all(b"\n")
}

#[derive(Serialize)]
struct StatsDocument<'a> {
    index: String,
    entries: usize,
    kinds: BTreeMap<&'static str, usize>,
    pages: usize,
    files: usize,
    dates: DatesDocument,
    top_sources: &'a [ValueCount],
    size_bytes: u64,
    schema_version: u32,
    written_by: &'a str,
    segments: usize,
}

#[derive(Serialize)]
struct DatesDocument {
    first: Option<String>,
    last: Option<String>,
    undated: usize,
}

/// Writes the `stats --json` document and a newline.
pub fn write_stats(out: &mut dyn Write, index: &Path, s: &IndexStats) -> io::Result<()> {
    let doc = StatsDocument {
        index: index.display().to_string(),
        entries: s.entries,
        kinds: s.kinds.iter().map(|(k, n)| (k.as_str(), *n)).collect(),
        pages: s.pages,
        files: s.files,
        dates: DatesDocument {
            first: s.first_date.map(format_day),
            last: s.last_date.map(format_day),
            undated: s.undated,
        },
        top_sources: &s.top_sources,
        size_bytes: s.size_bytes,
        schema_version: s.schema_version,
        written_by: &s.written_by,
        segments: s.segments,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")
}
