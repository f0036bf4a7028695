//! What an index holds (`newsdex stats`): entries by kind, pages and files, the dates
//! covered, the most credited agencies, its size on disk and the schema it was written with.
//! Everything is counted from the index's terms and fast-field columns, skipping deleted
//! entries; no stored entry is read.

use std::collections::HashSet;

use chrono::NaiveDate;
use tantivy::collector::Count;
use tantivy::columnar::Column;
use tantivy::query::TermQuery;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DateTime, DocSet, Searcher, Term, TERMINATED};

use crate::date::{date_of_unix_day, unix_day};
use crate::entry::Kind;
use crate::error::{Error, Result};
use crate::index::schema::CommitPayload;
use crate::index::{damaged_or, guard, NewsIndex};
use crate::query::build::all_entries;
use crate::search::facets::{FacetCollector, ValueCount};

/// A description of an index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexStats {
    /// Entries (distinct stories).
    pub entries: usize,
    /// Entries of each kind, in [`Kind::ALL`] order.
    pub kinds: Vec<(Kind, usize)>,
    /// Distinct pages the entries appeared on (by URL, else by file).
    pub pages: usize,
    /// Distinct files the entries were read from.
    pub files: usize,
    /// The earliest entry date (UTC day).
    pub first_date: Option<NaiveDate>,
    /// The latest entry date (UTC day).
    pub last_date: Option<NaiveDate>,
    /// Entries without a date.
    pub undated: usize,
    /// The most credited agencies, with their number of entries.
    pub top_sources: Vec<ValueCount>,
    /// Bytes of the index's files on disk.
    pub size_bytes: u64,
    /// The schema version the index was written with.
    pub schema_version: u32,
    /// The newsdex version that wrote the last commit.
    pub written_by: String,
    /// Tantivy segments.
    pub segments: usize,
}

/// Describes an index.
pub fn stats(index: &NewsIndex) -> Result<IndexStats> {
    guard(index.path(), || describe(index))
}

fn describe(index: &NewsIndex) -> Result<IndexStats> {
    let searcher = index.searcher();
    let fields = index.fields();
    let damaged = |e| damaged_or(index.path(), e);
    let count_term = |field: Field, value: &str| -> Result<usize> {
        let q = TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic);
        searcher.search(&q, &Count).map_err(damaged)
    };
    let mut kinds = Vec::new();
    for kind in Kind::ALL {
        kinds.push((kind, count_term(fields.kind, kind.as_str())?));
    }
    let facets = searcher.search(&all_entries(fields), &FacetCollector).map_err(damaged)?;
    let (first_date, last_date) = date_span(&searcher).map_err(damaged)?;
    let metas = index.tantivy().load_metas().map_err(damaged)?;
    let payload: Option<CommitPayload> = metas.payload.as_deref().and_then(|p| serde_json::from_str(p).ok());
    Ok(IndexStats {
        entries: index.entry_count()?,
        kinds,
        pages: distinct_terms(&searcher, fields.pages).map_err(damaged)?,
        files: distinct_terms(&searcher, fields.files).map_err(damaged)?,
        first_date,
        last_date,
        undated: facets.timeline.undated,
        top_sources: facets.sources,
        size_bytes: size_on_disk(index)?,
        schema_version: payload.as_ref().map_or(0, |p| p.schema_version),
        written_by: payload.map(|p| p.writer).unwrap_or_default(),
        segments: searcher.segment_readers().len(),
    })
}

/// The earliest and latest dates of live entries.
fn date_span(searcher: &Searcher) -> tantivy::Result<(Option<NaiveDate>, Option<NaiveDate>)> {
    let mut span: Option<(i64, i64)> = None;
    for segment in searcher.segment_readers() {
        let Some(column): Option<Column<DateTime>> = segment.fast_fields().column_opt("date")? else { continue };
        for doc in 0..segment.max_doc() {
            if segment.alive_bitset().is_some_and(|alive| !alive.is_alive(doc)) {
                continue;
            }
            if let Some(t) = column.first(doc) {
                let day = unix_day(t.into_timestamp_secs());
                span = Some(span.map_or((day, day), |(a, b)| (a.min(day), b.max(day))));
            }
        }
    }
    Ok(span.map_or((None, None), |(a, b)| (date_of_unix_day(a), date_of_unix_day(b))))
}

/// Distinct terms of a field held by at least one live entry.
fn distinct_terms(searcher: &Searcher, field: Field) -> tantivy::Result<usize> {
    let mut seen: HashSet<Vec<u8>> = HashSet::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut terms = inverted.terms().stream()?;
        while terms.advance() {
            if seen.contains(terms.key()) {
                continue;
            }
            let live = match segment.alive_bitset() {
                None => true,
                Some(alive) => {
                    let mut postings = inverted.read_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)?;
                    let mut found = false;
                    while postings.doc() != TERMINATED {
                        if alive.is_alive(postings.doc()) {
                            found = true;
                            break;
                        }
                        postings.advance();
                    }
                    found
                }
            };
            if live {
                seen.insert(terms.key().to_vec());
            }
        }
    }
    Ok(seen.len())
}

/// Bytes of the files in the index folder.
fn size_on_disk(index: &NewsIndex) -> Result<u64> {
    let mut total = 0;
    let dir = std::fs::read_dir(index.path()).map_err(|e| Error::io(index.path(), e))?;
    for item in dir {
        let item = item.map_err(|e| Error::io(index.path(), e))?;
        if let Ok(meta) = item.metadata() {
            if meta.is_file() {
                total += meta.len();
            }
        }
    }
    Ok(total)
}
