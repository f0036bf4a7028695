//! A [`SearchRequest`] as the request body another engine needs to answer it the same way
//! (`newsdex search --explain opensearch|quickwit`), for the indexes `deploy/` defines and
//! the documents `newsdex export` writes. No cluster is contacted.
//!
//! The query text is translated from its parsed tree by `query::explain`; this module adds
//! the filters (`--from/--to/--since` as absolute instants, `--source`), paging, order,
//! highlighting and, with facets, the aggregations: `sources` and `authors` as `terms`
//! (20 values, most frequent first, ties by value, as newsdex), the timeline as a
//! `date_histogram` with empty buckets kept, and `undated` as a `missing` count.

use serde_json::{json, Value};

use crate::date::Interval;
use crate::error::Result;
use crate::query::explain::{opensearch_range, quickwit_range, Translator};
use crate::query::{syntax, QueryError};
use crate::search::facets::FACET_LIMIT;
use crate::search::snippet::{FRAGMENT_BYTES, MAX_FRAGMENTS};
use crate::search::{SearchRequest, Sort};

/// The engines a request can be explained for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// OpenSearch (or Elasticsearch): the `_search` request body.
    Opensearch,
    /// Quickwit 0.9: the body of `POST /api/v1/<index>/search`.
    Quickwit,
}

/// A request body, and what the engine will do differently from newsdex.
#[derive(Debug, Clone)]
pub struct Explained {
    /// The request body.
    pub body: Value,
    /// Differences worth knowing, one sentence each.
    pub notes: Vec<String>,
}

/// Explains `request` for `engine`. `interval` is the timeline's bucket width, which newsdex
/// chooses from the span of the matches (so only a search can tell it); `None` when
/// unknown: then months, with a note.
pub fn explain(request: &SearchRequest, engine: Engine, interval: Option<Interval>) -> Result<Explained> {
    let filters = &request.filters;
    let filtered = !filters.is_empty();
    let node = if request.query.trim().is_empty() && filtered {
        None
    } else {
        Some(syntax::parse(&request.query, request.any)?)
    };
    let mut t = Translator::default();
    let mut notes = Vec::new();
    let interval = interval.unwrap_or_else(|| {
        if request.facets {
            notes.push("the timeline's interval depends on the matches; months were assumed".to_string());
        }
        Interval::Month
    });
    let body = match engine {
        Engine::Opensearch => {
            let main = node.as_ref().and_then(|n| t.opensearch(n));
            if node.is_some() && main.is_none() && !filtered {
                return Err(QueryError::no_words(&request.query).into());
            }
            let sources = t.opensearch_sources(&request.filters.sources);
            opensearch_body(request, main, sources, interval)
        }
        Engine::Quickwit => {
            let main = node.as_ref().and_then(|n| t.quickwit(n));
            if node.is_some() && main.is_none() && !filtered {
                return Err(QueryError::no_words(&request.query).into());
            }
            let sources = t.quickwit_sources(&request.filters.sources);
            quickwit_body(request, main, sources, interval, &mut notes)
        }
    };
    notes.extend(t.notes.into_iter().map(|n| n.0));
    Ok(Explained { body, notes })
}

/// The `_search` body; `sources` is the `--source` filter, already translated.
fn opensearch_body(request: &SearchRequest, main: Option<Value>, sources: Option<Value>, interval: Interval) -> Value {
    let scored = main.is_some();
    let mut filter = Vec::new();
    if !request.filters.range.is_unbounded() {
        filter.push(json!({ "range": { "date": opensearch_range(&request.filters.range) } }));
    }
    filter.extend(sources);
    let query = match (main, filter.is_empty()) {
        (Some(q), true) => q,
        (Some(q), false) => json!({ "bool": { "must": [q], "filter": filter } }),
        (None, false) => json!({ "bool": { "filter": filter } }),
        (None, true) => json!({ "match_all": {} }),
    };
    let sort = match request.sort.effective(scored) {
        Sort::Relevance => json!([{ "_score": { "order": "desc" } }]),
        Sort::Newest => json!([{ "date": { "order": "desc", "missing": "_last" } }]),
        Sort::Oldest => json!([{ "date": { "order": "asc", "missing": "_last" } }]),
    };
    let mut body = json!({
        "query": query,
        "from": request.offset,
        "size": request.limit,
        "track_total_hits": true,
        "sort": sort,
        "highlight": {
            "type": "unified",
            "number_of_fragments": MAX_FRAGMENTS,
            "fragment_size": FRAGMENT_BYTES,
            "fields": { "body": {}, "body.exact": {} },
        },
    });
    if request.facets {
        body["aggs"] = json!({
            "sources": { "terms": { "field": "sources", "size": FACET_LIMIT } },
            "authors": { "terms": { "field": "authors", "size": FACET_LIMIT } },
            "timeline": { "date_histogram": {
                "field": "date",
                "calendar_interval": interval.as_str(),
                "min_doc_count": 0,
                "format": "yyyy-MM-dd",
            } },
            "undated": { "missing": { "field": "date" } },
        });
    }
    body
}

/// The search body; `sources` is the `--source` clause, already translated.
fn quickwit_body(
    request: &SearchRequest,
    main: Option<String>,
    sources: Option<String>,
    interval: Interval,
    notes: &mut Vec<String>,
) -> Value {
    let scored = main.is_some();
    let mut parts: Vec<String> = main.into_iter().collect();
    let range = &request.filters.range;
    if !range.is_unbounded() {
        parts.push(quickwit_range(range));
    }
    parts.extend(sources);
    let query = if parts.is_empty() { "*".to_string() } else { parts.join(" AND ") };
    let sort_by = match request.sort.effective(scored) {
        Sort::Relevance => "_score",
        // Quickwit sorts descending by default; `-` asks for ascending.
        Sort::Newest => "date",
        Sort::Oldest => "-date",
    };
    let mut body = json!({
        "query": query,
        "max_hits": request.limit,
        "start_offset": request.offset,
        "sort_by": sort_by,
        "snippet_fields": ["body"],
    });
    // The same bounds again, as seconds: they let Quickwit skip whole splits.
    if let Some(from) = range.from {
        body["start_timestamp"] = json!(from.timestamp());
    }
    if let Some(to) = range.to {
        body["end_timestamp"] = json!(to.timestamp());
    }
    if request.facets {
        let histogram = match interval {
            Interval::Day => json!({ "field": "date", "fixed_interval": "1d", "min_doc_count": 0 }),
            // 1970-01-01 was a Thursday: shifting by three days starts weeks on Mondays.
            Interval::Week => json!({ "field": "date", "fixed_interval": "7d", "offset": "-3d", "min_doc_count": 0 }),
            Interval::Month | Interval::Year => {
                notes.push(format!(
                    "Quickwit's date_histogram has only fixed intervals: the timeline is asked for by day; \
                     add the days up into {}s",
                    interval.as_str()
                ));
                json!({ "field": "date", "fixed_interval": "1d", "min_doc_count": 0 })
            }
        };
        body["aggs"] = json!({
            "sources": { "terms": { "field": "sources", "size": FACET_LIMIT } },
            "authors": { "terms": { "field": "authors", "size": FACET_LIMIT } },
            "timeline": { "date_histogram": histogram },
        });
        notes.push(
            "Quickwit has no `missing` aggregation: undated entries are the total less the timeline's sum".into(),
        );
    }
    body
}
