//! The index schema: every field handle in one struct ([`Fields`]), the one mapping between
//! an [`IndexedEntry`] and a Tantivy document, and the schema version recorded with each
//! commit.
//!
//! | field | indexed as | used for |
//! |---|---|---|
//! | `id` | raw term | `show ID`, replacing an entry |
//! | `kind` | raw term | `kind:update` |
//! | `title`, `body` | [`NEWS`] analyzer, positions | full text, phrases |
//! | `title_exact`, `body_exact` | [`EXACT`]: words stemming would conflate, no positions | `=word`, `exact:`, `word*`, `word~`, "did you mean" |
//! | `date` | date, indexed and fast | `--from/--to`, `date:`, sorting, timelines |
//! | `sources`, `authors` | [`KEYWORD`] analyzer; fast with the raw value | filters, facets |
//! | `url` | raw term | `url:`, `show URL` |
//! | `pages`, `files` | raw term per page (its URL, else its file) and per file it appeared in | `stats` |
//! | `stored` | stored bytes (JSON of the entry and its pages) | rendering hits |

use serde::{Deserialize, Serialize};
use tantivy::schema::{
    DateOptions, DateTimePrecision, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, STORED,
    STRING,
};
use tantivy::{DateTime, TantivyDocument};

use crate::date::EntryDate;
use crate::entry::{Appearance, Entry, IndexedEntry, Kind};
use crate::error::Error;
use crate::index::analyzer::{EXACT, KEYWORD, NEWS, NEWS_UNSTEMMED};

/// Version of the schema and analyzers. Bump it whenever either changes: an index written
/// under another version must be rebuilt.
pub const SCHEMA_VERSION: u32 = 2;

/// Typed handles of every field.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Entry id.
    pub id: Field,
    /// `summary`, `update` or `article`.
    pub kind: Field,
    /// Headline, full text.
    pub title: Field,
    /// Body, full text.
    pub body: Field,
    /// Date (a day counts as its midnight UTC).
    pub date: Field,
    /// Agencies.
    pub sources: Field,
    /// Authors.
    pub authors: Field,
    /// The entry's own URL.
    pub url: Field,
    /// The stored entry.
    pub stored: Field,
    /// Headline words, unstemmed: which entries hold each word stemming would conflate.
    pub title_exact: Field,
    /// Body words, unstemmed, likewise.
    pub body_exact: Field,
    /// Every page the entry appeared on (its URL, or its file when it has none).
    pub pages: Field,
    /// Every file the entry was read from.
    pub files: Field,
    /// Whether title and body are stemmed ([`NEWS`]) or not ([`NEWS_UNSTEMMED`]).
    pub stemmed: bool,
}

impl Fields {
    /// The schema newsdex writes, with its field handles.
    pub fn build() -> (Schema, Fields) {
        Fields::build_with(NEWS)
    }

    /// The schema with title and body analysed by [`NEWS`] or [`NEWS_UNSTEMMED`] (the latter
    /// to measure the alternative: `newsdex eval --no-stemming`).
    pub fn build_with(text_analyzer: &str) -> (Schema, Fields) {
        let mut b = Schema::builder();
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(text_analyzer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let keyword = TextOptions::default()
            .set_indexing_options(
                TextFieldIndexing::default().set_tokenizer(KEYWORD).set_index_option(IndexRecordOption::Basic),
            )
            .set_fast("raw");
        let id = b.add_text_field("id", STRING);
        let kind = b.add_text_field("kind", STRING);
        let title = b.add_text_field("title", text.clone());
        let body = b.add_text_field("body", text);
        let date = b.add_date_field(
            "date",
            DateOptions::default().set_indexed().set_fast().set_precision(DateTimePrecision::Seconds),
        );
        let sources = b.add_text_field("sources", keyword.clone());
        let authors = b.add_text_field("authors", keyword);
        let url = b.add_text_field("url", STRING);
        let stored = b.add_bytes_field("stored", STORED);
        // Exact words only say which entries hold them: phrases and scores come from the
        // stemmed fields' positions, which keeps the index small.
        let exact = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(EXACT)
                .set_index_option(IndexRecordOption::Basic)
                .set_fieldnorms(false),
        );
        let title_exact = b.add_text_field("title_exact", exact.clone());
        let body_exact = b.add_text_field("body_exact", exact);
        let membership = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("raw")
                .set_index_option(IndexRecordOption::Basic)
                .set_fieldnorms(false),
        );
        let pages = b.add_text_field("pages", membership.clone());
        let files = b.add_text_field("files", membership);
        let fields = Fields {
            id,
            kind,
            title,
            body,
            date,
            sources,
            authors,
            url,
            stored,
            title_exact,
            body_exact,
            pages,
            files,
            stemmed: text_analyzer != NEWS_UNSTEMMED,
        };
        (b.build(), fields)
    }

    /// The handles of an existing index's schema, or an error when it is not ours.
    pub fn from_schema(schema: &Schema) -> Result<Fields, String> {
        let get = |name: &str| schema.get_field(name).map_err(|_| format!("it has no `{name}` field"));
        let body = get("body")?;
        let stemmed = match schema.get_field_entry(body).field_type() {
            tantivy::schema::FieldType::Str(options) => {
                options.get_indexing_options().is_none_or(|o| o.tokenizer() != NEWS_UNSTEMMED)
            }
            _ => return Err("its `body` field is not text".to_string()),
        };
        Ok(Fields {
            id: get("id")?,
            kind: get("kind")?,
            title: get("title")?,
            body: get("body")?,
            date: get("date")?,
            sources: get("sources")?,
            authors: get("authors")?,
            url: get("url")?,
            stored: get("stored")?,
            title_exact: get("title_exact")?,
            body_exact: get("body_exact")?,
            pages: get("pages")?,
            files: get("files")?,
            stemmed,
        })
    }

    /// The Tantivy document for an entry.
    pub fn document(&self, item: &IndexedEntry) -> TantivyDocument {
        let e = &item.entry;
        let mut doc = TantivyDocument::default();
        doc.add_text(self.id, &e.id);
        doc.add_text(self.kind, e.kind.as_str());
        doc.add_text(self.title, &e.title);
        doc.add_text(self.body, &e.body);
        doc.add_text(self.title_exact, &e.title);
        doc.add_text(self.body_exact, &e.body);
        if let Some(date) = &e.date {
            doc.add_date(self.date, to_tantivy_date(date));
        }
        for s in &e.sources {
            doc.add_text(self.sources, s);
        }
        for a in &e.authors {
            doc.add_text(self.authors, a);
        }
        if let Some(url) = &e.url {
            doc.add_text(self.url, url);
        }
        for a in &item.pages {
            doc.add_text(self.pages, page_key(a));
            doc.add_text(self.files, &a.path);
        }
        let stored = StoredEntry::from(item);
        // Serialising plain strings, dates and lists cannot fail.
        let json = serde_json::to_vec(&stored).unwrap_or_default();
        doc.add_bytes(self.stored, &json);
        doc
    }

    /// The entry a stored document holds.
    pub fn entry(&self, doc: &TantivyDocument) -> Result<IndexedEntry, Error> {
        let bytes = doc
            .get_first(self.stored)
            .and_then(|v| v.as_bytes())
            .ok_or_else(|| Error::Damaged("a document has no stored entry".to_string()))?;
        let stored: StoredEntry =
            serde_json::from_slice(bytes).map_err(|e| Error::Damaged(format!("a stored entry does not parse: {e}")))?;
        Ok(stored.into())
    }
}

/// What identifies a page in the `pages` field: its URL, else the file it was read from.
pub fn page_key(a: &Appearance) -> &str {
    a.page.url.as_deref().unwrap_or(&a.path)
}

/// Converts an entry date to the value indexed in the `date` field.
pub fn to_tantivy_date(date: &EntryDate) -> DateTime {
    DateTime::from_timestamp_secs(date.timestamp().timestamp())
}

/// Converts an instant to the value indexed in the `date` field.
pub fn instant_to_tantivy(t: chrono::DateTime<chrono::Utc>) -> DateTime {
    DateTime::from_timestamp_secs(t.timestamp())
}

/// What the `stored` field holds: the entry without the first page repeated.
#[derive(Serialize, Deserialize)]
struct StoredEntry {
    id: String,
    kind: Kind,
    title: String,
    body: String,
    date: Option<EntryDate>,
    url: Option<String>,
    sources: Vec<String>,
    authors: Vec<String>,
    pages: Vec<Appearance>,
}

impl From<&IndexedEntry> for StoredEntry {
    fn from(item: &IndexedEntry) -> StoredEntry {
        let e = &item.entry;
        StoredEntry {
            id: e.id.clone(),
            kind: e.kind,
            title: e.title.clone(),
            body: e.body.clone(),
            date: e.date,
            url: e.url.clone(),
            sources: e.sources.clone(),
            authors: e.authors.clone(),
            pages: item.pages.clone(),
        }
    }
}

impl From<StoredEntry> for IndexedEntry {
    fn from(s: StoredEntry) -> IndexedEntry {
        let first = s.pages.first().cloned();
        let (page, path) = first.map(|a| (a.page, a.path)).unwrap_or_default();
        IndexedEntry {
            entry: Entry {
                id: s.id,
                kind: s.kind,
                title: s.title,
                body: s.body,
                date: s.date,
                url: s.url,
                sources: s.sources,
                authors: s.authors,
                page,
                path,
            },
            pages: s.pages,
        }
    }
}

/// What every commit records next to the documents (Tantivy's commit payload).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CommitPayload {
    /// [`SCHEMA_VERSION`] of the writer.
    pub schema_version: u32,
    /// The newsdex version that wrote it.
    pub writer: String,
}

impl CommitPayload {
    /// The payload this version writes.
    pub fn current() -> CommitPayload {
        CommitPayload { schema_version: SCHEMA_VERSION, writer: env!("CARGO_PKG_VERSION").to_string() }
    }
}
