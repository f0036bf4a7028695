//! The index schema: every field handle in one struct ([`Fields`]), the one mapping between
//! an [`IndexedEntry`] (or a [`FileRecord`]) and a Tantivy document, and the schema version
//! recorded with each commit.
//!
//! An index holds two kinds of documents, told apart by the `type` field:
//!
//! - **entries** (`type:entry`), the only documents searches can see: every query is built
//!   from entry fields, and a query that needs "every entry" uses [`Fields::all_entries_term`],
//!   never "every document";
//! - **file records** (`type:file`, plus `type:skipped` when the file could not be read), one
//!   per file of the corpus, saying what the file looked like when it was read and which
//!   entries it yielded. They live in the same commits as the entries, so the two can never
//!   disagree, whenever a run is interrupted (see `index::manifest`).
//!
//! | field | indexed as | used for |
//! |---|---|---|
//! | `type` | raw term | `entry`, `file` or `skipped` (see above) |
//! | `id` | raw term | `show ID`, replacing an entry |
//! | `kind` | raw term | `kind:update` |
//! | `title`, `body` | [`NEWS`] analyzer, positions | full text, phrases |
//! | `title_exact`, `body_exact` | [`EXACT`]: words stemming would conflate, no positions | `=word`, `exact:`, `word*`, `word~`, "did you mean" |
//! | `date` | date, indexed and fast | `--from/--to`, `date:`, sorting, timelines |
//! | `day` | integer: the date's day (since 1970-01-01 UTC) | the whole days of `--from/--to` and `date:` |
//! | `sources`, `authors` | [`KEYWORD`] analyzer; fast with the raw value | filters, facets |
//! | `url` | raw term | `url:`, `show URL` |
//! | `pages`, `files` | raw term per page (its URL, else its file) and per file it appeared in | `stats` |
//! | `stored` | stored bytes (JSON of the entry and its pages, compressed by `index::store`) | rendering hits |
//! | `file` | raw term, fast | file records: the path, as the walk found it |
//! | `file_size`, `file_mtime`, `file_hash` | fast | file records: deciding what changed |
//! | `file_record` | stored bytes (JSON) | file records: its entry ids and why it was skipped |

use serde::{Deserialize, Serialize};
use tantivy::schema::{
    DateOptions, DateTimePrecision, Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions,
    Value, STORED,
};
use tantivy::store::StoreReader;
use tantivy::{DateTime, DocId, TantivyDocument, TantivyError, Term};
use xxhash_rust::xxh3::xxh3_64;

use crate::date::EntryDate;
use crate::entry::{Appearance, Entry, IndexedEntry, Kind};
use crate::error::Error;
use crate::index::analyzer::{self, EXACT, KEYWORD, NEWS, NEWS_UNSTEMMED};
use crate::index::manifest::FileRecord;
use crate::index::store::{Codec, DictionaryRef};

/// Version of the schema and analyzers. Bump it whenever either changes: an index written
/// under another version must be rebuilt.
pub const SCHEMA_VERSION: u32 = 6;

/// `type` of an entry document.
const TYPE_ENTRY: &str = "entry";
/// `type` of every file record.
const TYPE_FILE: &str = "file";
/// Second `type` of the record of a file that could not be read.
const TYPE_SKIPPED: &str = "skipped";

/// Names of the fast columns of file records (Tantivy reads fast fields by name).
pub(crate) const FILE_FIELD: &str = "file";
pub(crate) const FILE_SIZE_FIELD: &str = "file_size";
pub(crate) const FILE_MTIME_FIELD: &str = "file_mtime";
pub(crate) const FILE_HASH_FIELD: &str = "file_hash";

/// The `file_mtime` of a file whose modification time must not be trusted next time.
const MTIME_UNKNOWN: i64 = i64::MIN;

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
    /// The date's day ([`day_of`]): a range of whole days is a few terms here, against one
    /// term per second holding an entry in `date` (see `query::dates`).
    pub day: Field,
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
    /// What the document is: an entry or a file record.
    pub doc_type: Field,
    /// File records: the path.
    pub file: Field,
    /// File records: the size in bytes.
    pub file_size: Field,
    /// File records: the modification time in nanoseconds since 1970.
    pub file_mtime: Field,
    /// File records: a hash of the content.
    pub file_hash: Field,
    /// File records: the stored record.
    pub file_record: Field,
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
        // Fields that only filter need no length norms (a byte per document and field).
        let keyword = TextOptions::default()
            .set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(KEYWORD)
                    .set_index_option(IndexRecordOption::Basic)
                    .set_fieldnorms(false),
            )
            .set_fast("raw");
        let term = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("raw")
                .set_index_option(IndexRecordOption::Basic)
                .set_fieldnorms(false),
        );
        let id = b.add_text_field("id", term.clone());
        let kind = b.add_text_field("kind", term.clone());
        let title = b.add_text_field("title", text.clone());
        let body = b.add_text_field("body", text);
        let date = b.add_date_field(
            "date",
            DateOptions::default().set_indexed().set_fast().set_precision(DateTimePrecision::Seconds),
        );
        let day = b.add_i64_field("day", NumericOptions::default().set_indexed());
        let sources = b.add_text_field("sources", keyword.clone());
        let authors = b.add_text_field("authors", keyword);
        let url = b.add_text_field("url", term.clone());
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
        let pages = b.add_text_field("pages", term.clone());
        let files = b.add_text_field("files", term.clone());
        let doc_type = b.add_text_field("type", term.clone());
        let file = b.add_text_field(FILE_FIELD, term.set_fast("raw"));
        let file_size = b.add_u64_field(FILE_SIZE_FIELD, NumericOptions::default().set_fast());
        let file_mtime = b.add_i64_field(FILE_MTIME_FIELD, NumericOptions::default().set_fast());
        let file_hash = b.add_u64_field(FILE_HASH_FIELD, NumericOptions::default().set_fast());
        let file_record = b.add_bytes_field("file_record", STORED);
        let fields = Fields {
            id,
            kind,
            title,
            body,
            date,
            day,
            sources,
            authors,
            url,
            stored,
            title_exact,
            body_exact,
            pages,
            files,
            stemmed: text_analyzer != NEWS_UNSTEMMED,
            doc_type,
            file,
            file_size,
            file_mtime,
            file_hash,
            file_record,
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
            day: get("day")?,
            sources: get("sources")?,
            authors: get("authors")?,
            url: get("url")?,
            stored: get("stored")?,
            title_exact: get("title_exact")?,
            body_exact: get("body_exact")?,
            pages: get("pages")?,
            files: get("files")?,
            stemmed,
            doc_type: get("type")?,
            file: get(FILE_FIELD)?,
            file_size: get(FILE_SIZE_FIELD)?,
            file_mtime: get(FILE_MTIME_FIELD)?,
            file_hash: get(FILE_HASH_FIELD)?,
            file_record: get("file_record")?,
        })
    }

    /// The term every entry document has, and no other document: what "every entry" means.
    pub fn all_entries_term(&self) -> Term {
        Term::from_field_text(self.doc_type, TYPE_ENTRY)
    }

    /// The term every file record has.
    pub fn all_files_term(&self) -> Term {
        Term::from_field_text(self.doc_type, TYPE_FILE)
    }

    /// The term the records of skipped files have.
    pub fn skipped_files_term(&self) -> Term {
        Term::from_field_text(self.doc_type, TYPE_SKIPPED)
    }

    /// The term of the entry with this id.
    pub fn id_term(&self, id: &str) -> Term {
        Term::from_field_text(self.id, id)
    }

    /// The term of the record of the file at this path.
    pub fn file_term(&self, path: &str) -> Term {
        Term::from_field_text(self.file, path)
    }

    /// The Tantivy document for an entry, its stored form compressed by `codec`, and a hash
    /// of that stored form before compression (what [`Fields::entry_and_hash`] gives back).
    /// Title and body are analysed already: only a writer whose analyzers replay them
    /// ([`analyzer::register_pre_analysed`]) indexes the document as it should.
    pub fn document(&self, item: &IndexedEntry, codec: &Codec) -> (TantivyDocument, u64) {
        let e = &item.entry;
        let mut doc = TantivyDocument::default();
        doc.add_text(self.doc_type, TYPE_ENTRY);
        doc.add_text(self.id, &e.id);
        doc.add_text(self.kind, e.kind.as_str());
        // Analysed here, on the thread that read the entry (see `analyzer::Replay`); the
        // exact words replay the stemmed analysis of the same texts.
        doc.add_text(self.title, analyzer::pre_analysed(&e.title, self.stemmed));
        doc.add_text(self.body, analyzer::pre_analysed(&e.body, self.stemmed));
        doc.add_text(self.title_exact, analyzer::pre_analysed_exact(&e.title));
        doc.add_text(self.body_exact, analyzer::pre_analysed_exact(&e.body));
        if let Some(date) = &e.date {
            let date = to_tantivy_date(date);
            doc.add_date(self.date, date);
            doc.add_i64(self.day, day_of(date.into_timestamp_secs()));
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
        let json = stored_json(item);
        doc.add_bytes(self.stored, &codec.compress(&json));
        (doc, xxh3_64(&json))
    }

    /// The entry a stored document holds.
    pub fn entry(&self, doc: &TantivyDocument, codec: &Codec) -> Result<IndexedEntry, Error> {
        parse_stored(&self.stored_json(doc, codec)?)
    }

    /// The entry stored as document `doc` of `store`: its bytes taken as they lie in the
    /// store ([`Fields::stored_in`]), or read through a Tantivy document when it is laid out
    /// otherwise. `damaged` says what a Tantivy error reading the store means.
    pub fn entry_in(
        &self,
        store: &StoreReader,
        doc: DocId,
        codec: &Codec,
        damaged: impl Fn(TantivyError) -> Error,
    ) -> Result<IndexedEntry, Error> {
        let raw = store.get_document_bytes(doc).map_err(&damaged)?;
        match self.stored_in(&raw) {
            Some(bytes) => parse_stored(&codec.decompress(bytes)?),
            None => self.entry(&store.get::<TantivyDocument>(doc).map_err(damaged)?, codec),
        }
    }

    /// The bytes of the `stored` field in a document as Tantivy 0.27's store writes it, when
    /// that is the document's only stored value (as in every entry): the number of values,
    /// then the field's number (4 bytes, little-endian), the type code of bytes (4) and the
    /// length, the numbers as Tantivy's variable-length integers (7 bits a byte, the last
    /// byte's high bit set). Read through [`TantivyDocument`], those bytes are copied one at
    /// a time and into a document of their own: a tenth of the time of a three-word search
    /// repeated in one process. Anything else gives `None` ([`Fields::entry_in`] then reads
    /// the document the usual way); a test checks both ways agree.
    pub fn stored_in<'a>(&self, doc: &'a [u8]) -> Option<&'a [u8]> {
        const BYTES_CODE: u8 = 4;
        let (values, rest) = read_vint(doc)?;
        let (field, rest) = rest.split_first_chunk::<4>()?;
        let (&code, rest) = rest.split_first()?;
        if values != 1 || u32::from_le_bytes(*field) != self.stored.field_id() || code != BYTES_CODE {
            return None;
        }
        let (len, rest) = read_vint(rest)?;
        (rest.len() as u64 == len).then_some(rest)
    }

    /// The entry a stored document holds, and the hash [`Fields::document`] gave with it.
    pub fn entry_and_hash(&self, doc: &TantivyDocument, codec: &Codec) -> Result<(IndexedEntry, u64), Error> {
        let json = self.stored_json(doc, codec)?;
        Ok((parse_stored(&json)?, xxh3_64(&json)))
    }

    fn stored_json(&self, doc: &TantivyDocument, codec: &Codec) -> Result<Vec<u8>, Error> {
        let bytes = doc
            .get_first(self.stored)
            .and_then(|v| v.as_bytes())
            .ok_or_else(|| Error::Damaged("a document has no stored entry".to_string()))?;
        codec.decompress(bytes)
    }

    /// The Tantivy document for a file record.
    pub fn file_document(&self, record: &FileRecord) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_text(self.doc_type, TYPE_FILE);
        if record.skipped.is_some() {
            doc.add_text(self.doc_type, TYPE_SKIPPED);
        }
        doc.add_text(self.file, &record.path);
        doc.add_u64(self.file_size, record.size);
        doc.add_i64(self.file_mtime, record.mtime.unwrap_or(MTIME_UNKNOWN));
        doc.add_u64(self.file_hash, record.hash);
        let stored = StoredFile { ids: record.ids.clone(), skipped: record.skipped.clone() };
        // Serialising strings cannot fail.
        doc.add_bytes(self.file_record, &serde_json::to_vec(&stored).unwrap_or_default());
        doc
    }

    /// The entry ids and skip reason a stored file record holds.
    pub fn file_contents(&self, doc: &TantivyDocument) -> Result<(Vec<String>, Option<String>), Error> {
        let bytes = doc
            .get_first(self.file_record)
            .and_then(|v| v.as_bytes())
            .ok_or_else(|| Error::Damaged("a file record has no stored contents".to_string()))?;
        let stored: StoredFile =
            serde_json::from_slice(bytes).map_err(|e| Error::Damaged(format!("a file record does not parse: {e}")))?;
        Ok((stored.ids, stored.skipped))
    }
}

/// Reads a `file_mtime` value back.
pub(crate) fn mtime_from_column(value: i64) -> Option<i64> {
    (value != MTIME_UNKNOWN).then_some(value)
}

/// What the `file_record` field holds.
#[derive(Serialize, Deserialize)]
struct StoredFile {
    ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    skipped: Option<String>,
}

/// What identifies a page in the `pages` field: its URL, else the file it was read from.
pub fn page_key(a: &Appearance) -> &str {
    a.page.url.as_deref().unwrap_or(&a.path)
}

/// Converts an entry date to the value indexed in the `date` field.
pub fn to_tantivy_date(date: &EntryDate) -> DateTime {
    DateTime::from_timestamp_secs(date.timestamp().timestamp())
}

/// Seconds in a day of the `day` field.
pub const DAY_SECONDS: i64 = 86_400;

/// The day of the `day` field holding the second `secs` (counted, like it, from 1970-01-01
/// UTC; days before it are negative).
pub fn day_of(secs: i64) -> i64 {
    secs.div_euclid(DAY_SECONDS)
}

/// Converts an instant to the value indexed in the `date` field.
pub fn instant_to_tantivy(t: chrono::DateTime<chrono::Utc>) -> DateTime {
    DateTime::from_timestamp_secs(t.timestamp())
}

/// The stored form of an entry, before compression (also the samples a dictionary is trained
/// on).
pub fn stored_json(item: &IndexedEntry) -> Vec<u8> {
    // Serialising plain strings, dates and lists cannot fail.
    serde_json::to_vec(&StoredEntry::from(item)).unwrap_or_default()
}

fn parse_stored(json: &[u8]) -> Result<IndexedEntry, Error> {
    let stored: StoredEntry =
        serde_json::from_slice(json).map_err(|e| Error::Damaged(format!("a stored entry does not parse: {e}")))?;
    Ok(stored.into())
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
    /// The dictionary stored entries are compressed with (see `index::store`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dictionary: Option<DictionaryRef>,
}

impl CommitPayload {
    /// The payload this version writes, with entries compressed with `dictionary`.
    pub fn current(dictionary: Option<DictionaryRef>) -> CommitPayload {
        CommitPayload { schema_version: SCHEMA_VERSION, writer: env!("CARGO_PKG_VERSION").to_string(), dictionary }
    }
}

/// A variable-length integer as Tantivy writes it (7 bits a byte, least significant first,
/// the high bit set on the last byte), and what follows it.
fn read_vint(bytes: &[u8]) -> Option<(u64, &[u8])> {
    let mut value = 0u64;
    for (i, &b) in bytes.iter().enumerate().take(10) {
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 != 0 {
            return Some((value, &bytes[i + 1..]));
        }
    }
    None
}
