//! `newsdex export`: entries written for another engine to load. This doc comment is the
//! format specification; `deploy/opensearch/` and `deploy/quickwit/` map exactly these fields.
//!
//! ## `ndjson`
//!
//! One object per line: the entry as `newsdex show --json` prints it (the `extract` object
//! plus `pages`). `newsdex index` reads such a file back: ids, kinds, texts, dates, sources
//! and authors survive; of the pages, the first one is kept as the entry's page.
//!
//! ## `opensearch-bulk`
//!
//! An OpenSearch / Elasticsearch `_bulk` body: for each entry an action line
//! `{"index":{"_id":ID}}` (plus `"_index"` when a target index is named) followed by the
//! engine document below, every line ending in a newline. `index` with the entry id as
//! `_id` replaces what an earlier export sent, so re-sending is idempotent.
//!
//! ## `quickwit`
//!
//! One engine document per line, plus two pre-analysed copies, because Quickwit 0.9 has no
//! English stemmer: `title_terms` and `body_terms` hold newsdex's own terms of title and body
//! (possessives dropped, lower-cased, folded to ASCII, stemmed), joined by single spaces,
//! so that a whitespace tokenizer indexes exactly newsdex's terms at the same positions
//! (except where a term over 64 bytes was dropped: the words around it close up).
//!
//! ## The engine document
//!
//! ```text
//! {
//!   "id":       string    the entry id (also the bulk _id)
//!   "kind":     string    "summary" | "update" | "article"
//!   "title":    string
//!   "body":     string    paragraphs separated by "\n\n"
//!   "date":     string    RFC 3339 UTC, to the second ("2024-10-29T14:05:00Z"); a day is its
//!                         midnight UTC, as newsdex indexes it; absent when undated
//!   "date_precision": "day" | "second"   absent when undated: whether the source gave a time
//!   "url":      string    absent when the entry has none
//!   "sources":  [string]  agencies, canonical short names
//!   "authors":  [string]
//!   "pages":    [{"title", "url", "published", "updated", "path"}]   every page it appeared
//!                         on, oldest first; dates as "date" above; absent values left out
//!   "title_terms", "body_terms": string   quickwit only (see above)
//! }
//! ```

use std::io::{self, Write};

use serde::Serialize;

use crate::date::{format_instant, EntryDate};
use crate::entry::{Appearance, IndexedEntry};
use crate::index::analyzer::JoinedTerms;
use crate::render::json::write_indexed_entry;

/// The formats `newsdex export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// The entry objects of `show --json`, one per line.
    Ndjson,
    /// An OpenSearch / Elasticsearch `_bulk` body.
    OpensearchBulk,
    /// Quickwit's NDJSON ingest format (engine documents with pre-analysed copies).
    Quickwit,
}

impl ExportFormat {
    /// The file extension of a part written in this format.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Ndjson | ExportFormat::Quickwit => "ndjson",
            ExportFormat::OpensearchBulk => "bulk.ndjson",
        }
    }
}

/// Writes entries in one export format.
pub struct Exporter {
    format: ExportFormat,
    target: Option<String>,
    terms: Option<JoinedTerms>,
}

impl Exporter {
    /// An exporter; `target` names the OpenSearch index in each bulk action (without it, the
    /// index is the one in the `_bulk` URL).
    pub fn new(format: ExportFormat, target: Option<String>) -> Exporter {
        let terms = (format == ExportFormat::Quickwit).then(JoinedTerms::default);
        Exporter { format, target, terms }
    }

    /// Writes one entry (two lines for a bulk body, one otherwise).
    pub fn write(&mut self, out: &mut dyn Write, item: &IndexedEntry) -> io::Result<()> {
        match self.format {
            ExportFormat::Ndjson => write_indexed_entry(out, item),
            ExportFormat::OpensearchBulk => {
                let action = BulkAction { index: BulkTarget { index: self.target.as_deref(), id: &item.entry.id } };
                serde_json::to_writer(&mut *out, &action)?;
                out.write_all(b"\n")?;
                serde_json::to_writer(&mut *out, &EngineDocument::new(item, None))?;
                out.write_all(b"\n")
            }
            ExportFormat::Quickwit => {
                serde_json::to_writer(&mut *out, &EngineDocument::new(item, self.terms.as_mut()))?;
                out.write_all(b"\n")
            }
        }
    }
}

#[derive(Serialize)]
struct BulkAction<'a> {
    index: BulkTarget<'a>,
}

#[derive(Serialize)]
struct BulkTarget<'a> {
    #[serde(rename = "_index", skip_serializing_if = "Option::is_none")]
    index: Option<&'a str>,
    #[serde(rename = "_id")]
    id: &'a str,
}

/// The engine document (see the module doc).
#[derive(Serialize)]
struct EngineDocument<'a> {
    id: &'a str,
    kind: &'static str,
    title: &'a str,
    body: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_precision: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    sources: &'a [String],
    authors: &'a [String],
    pages: Vec<EnginePage<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title_terms: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body_terms: Option<String>,
}

#[derive(Serialize)]
struct EnginePage<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated: Option<String>,
    path: &'a str,
}

/// A date as the engines' `date` fields take it: RFC 3339 UTC, a day at its midnight.
fn engine_date(date: &EntryDate) -> String {
    format_instant(date.timestamp())
}

fn precision(date: &EntryDate) -> &'static str {
    match date {
        EntryDate::Day(_) => "day",
        EntryDate::Instant(_) => "second",
    }
}

impl<'a> EngineDocument<'a> {
    fn new(item: &'a IndexedEntry, terms: Option<&mut JoinedTerms>) -> EngineDocument<'a> {
        let e = &item.entry;
        let (title_terms, body_terms) = match terms {
            Some(t) => (Some(t.join(&e.title)), Some(t.join(&e.body))),
            None => (None, None),
        };
        EngineDocument {
            id: &e.id,
            kind: e.kind.as_str(),
            title: &e.title,
            body: &e.body,
            date: e.date.as_ref().map(engine_date),
            date_precision: e.date.as_ref().map(precision),
            url: e.url.as_deref(),
            sources: &e.sources,
            authors: &e.authors,
            pages: item.pages.iter().map(EnginePage::new).collect(),
            title_terms,
            body_terms,
        }
    }
}

impl<'a> EnginePage<'a> {
    fn new(a: &'a Appearance) -> EnginePage<'a> {
        EnginePage {
            title: a.page.title.as_deref(),
            url: a.page.url.as_deref(),
            published: a.page.published.as_ref().map(engine_date),
            updated: a.page.updated.as_ref().map(engine_date),
            path: &a.path,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::{Entry, Kind, Page};

    fn item() -> IndexedEntry {
        IndexedEntry::single(Entry {
            id: "4mKXR".into(),
            kind: Kind::Update,
            title: "Korea's troops".into(),
            body: "Milanović said troops moved.".into(),
            date: "2024-10-29".parse().ok(),
            url: None,
            sources: vec!["AP".into()],
            authors: vec![],
            page: Page { title: Some("Live".into()), url: None, published: None, updated: None },
            path: "seed.txt".into(),
        })
    }

    fn written(format: ExportFormat, target: Option<&str>) -> String {
        let mut out = Vec::new();
        Exporter::new(format, target.map(String::from)).write(&mut out, &item()).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn bulk_pairs_an_action_naming_the_id_with_the_document() {
        let text = written(ExportFormat::OpensearchBulk, Some("news"));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], r#"{"index":{"_index":"news","_id":"4mKXR"}}"#);
        assert!(lines[1].contains(r#""date":"2024-10-29T00:00:00Z","date_precision":"day""#), "{}", lines[1]);
        assert!(!lines[1].contains("\"url\""), "absent values are left out: {}", lines[1]);
        assert!(text.ends_with('\n'));
    }

    #[test]
    fn quickwit_documents_carry_newsdex_terms() {
        let doc: serde_json::Value = serde_json::from_str(&written(ExportFormat::Quickwit, None)).unwrap();
        assert_eq!(doc["title_terms"], "korea troop");
        assert_eq!(doc["body_terms"], "milanov said troop move");
    }
}
