//! Running a search: the request → compiled query → top hits, the total count (for a query
//! of words alone, exact up to [`EXACT_COUNT_LIMIT`]: see [`count`]) and a snippet per hit,
//! and on request [`facets`] (counted in the same pass). When nothing matches, [`suggest`]
//! offers corrected queries. No formatting happens here; `render` turns
//! [`SearchResults`] into text or JSON, and the CLI and the HTTP server share this one path.
//! [`show`] fetches one entry, [`stats`] describes a whole index, [`export`] streams every
//! match, [`explain`] writes a request for OpenSearch or Quickwit.

pub mod by_date;
pub mod conjunction;
pub mod count;
pub mod explain;
pub mod export;
pub mod facets;
pub mod filtered;
pub mod phrase;
mod pruning;
pub mod show;
pub mod snippet;
pub mod stats;
pub mod suggest;

use std::time::{Duration, Instant};

use tantivy::collector::{Count, TopDocs};
use tantivy::store::StoreReader;
use tantivy::{DocAddress, Order};

use crate::entry::IndexedEntry;
use crate::error::Result;
use crate::index::{damaged_or, guard, NewsIndex};
use crate::query::{compile, Filters, Tuning};
pub use count::{CappedCount, Total, EXACT_COUNT_LIMIT};
pub use facets::{FacetCollector, Facets};
use filtered::FilteredTop;
pub use snippet::Snippet;
pub use suggest::Suggestion;
use tantivy::query::EnableScoring;

/// Default number of hits per page.
pub const DEFAULT_LIMIT: usize = 10;

/// Result order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best match first (BM25 over body and title, a title match adding to the score).
    #[default]
    Relevance,
    /// Most recent first; undated entries last.
    Newest,
    /// Oldest first; undated entries last.
    Oldest,
}

impl Sort {
    /// The order results come in: as asked when the query is scored; by date when nothing
    /// is (a query of filters only), newest first unless oldest was asked for.
    pub fn effective(self, scored: bool) -> Sort {
        match (scored, self) {
            (true, s) => s,
            (false, Sort::Oldest) => Sort::Oldest,
            (false, _) => Sort::Newest,
        }
    }

    /// The order a name users type stands for.
    pub fn from_name(name: &str) -> Option<Sort> {
        [Sort::Relevance, Sort::Newest, Sort::Oldest].into_iter().find(|s| s.name() == name)
    }

    /// The name users type.
    pub fn name(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Newest => "newest",
            Sort::Oldest => "oldest",
        }
    }
}

/// What to search for.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// The query text (see `query::syntax`).
    pub query: String,
    /// Match any of the words rather than all of them.
    pub any: bool,
    /// Date and source filters.
    pub filters: Filters,
    /// Hits to return.
    pub limit: usize,
    /// Hits to skip.
    pub offset: usize,
    /// Result order.
    pub sort: Sort,
    /// Also count matches per source, per author and over time.
    pub facets: bool,
}

/// One hit.
#[derive(Debug, Clone)]
pub struct Hit {
    /// 1-based position in the whole result list.
    pub rank: usize,
    /// BM25 score (0 when sorted by date or when the query is only filters).
    pub score: f32,
    /// The entry.
    pub entry: IndexedEntry,
    /// The best stretch of its body.
    pub snippet: Snippet,
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone)]
pub struct SearchResults {
    /// The query text as given.
    pub query: String,
    /// Number of matching entries: exact up to [`EXACT_COUNT_LIMIT`]; beyond it a query of
    /// words alone (see [`count`]), of words joined by AND (see [`conjunction`]), of a phrase
    /// alone (see [`phrase`]) or of words under a broad filter (see [`filtered`]), without
    /// facets, and any query in date order whose page lies in its newest (or oldest) stretch
    /// of time (see [`by_date`]), reports the limit, and `total_exact` is false.
    pub total: usize,
    /// False when `total` is a lower bound.
    pub total_exact: bool,
    /// Time spent in the engine (parse, search, fetch, snippets).
    pub took: Duration,
    /// The requested page of hits.
    pub hits: Vec<Hit>,
    /// Counts over all matches, when the request asked for them.
    pub facets: Option<Facets>,
    /// When nothing matched: corrected queries that match something.
    pub suggestions: Vec<Suggestion>,
}

/// Runs a search.
pub fn search(index: &NewsIndex, request: &SearchRequest) -> Result<SearchResults> {
    search_tuned(index, request, Tuning::default())
}

/// Runs a search with other weights than the default ones (for `newsdex eval`).
pub fn search_tuned(index: &NewsIndex, request: &SearchRequest, tuning: Tuning) -> Result<SearchResults> {
    guard(index.path(), || run(index, request, tuning))
}

fn run(index: &NewsIndex, request: &SearchRequest, tuning: Tuning) -> Result<SearchResults> {
    let started = Instant::now();
    let fields = index.fields();
    let analyzer = index.text_analyzer();
    let compiled = compile(&request.query, request.any, &request.filters, fields, analyzer, tuning)?;
    let (searcher, codec) = index.view();
    let damaged = |e| damaged_or(index.path(), e);

    let top: Vec<(f32, DocAddress)>;
    let total: Total;
    let facets: Option<Facets>;
    let facet_collector = request.facets.then_some(FacetCollector);
    let by_date = |order| {
        TopDocs::with_limit(request.limit.max(1))
            .and_offset(request.offset)
            .order_by_fast_field::<tantivy::DateTime>("date", order)
    };
    let sort = request.sort.effective(compiled.scored);
    // Words under a broad filter or with words excluded, expected to match more entries than
    // are counted exactly: the best hits are found by pruning the words alone (see
    // `filtered`). When most candidates would fail the filter, or the matches are fewer,
    // Tantivy's way of intersecting them costs less.
    let pruned_under_filter = match (&compiled.filtered, sort, request.facets) {
        (Some(parts), Sort::Relevance, false) => {
            let (words, share) = parts.estimate(&searcher).map_err(damaged)?;
            (share >= filtered::BROAD_SHARE && words as f64 * share > EXACT_COUNT_LIMIT as f64).then_some(parts)
        }
        _ => None,
    };
    // The count a page needs (see `count`).
    let counter = CappedCount::for_page(request.offset, request.limit);
    // The total when not every match is visited: the limit when the words' document
    // frequencies pass it already, else the matches counted up to it.
    let capped_total = || -> Result<Total> {
        if count::at_least(&searcher, &compiled.sure_terms).map_err(damaged)? > counter.limit {
            Ok(Total { count: counter.limit, exact: false })
        } else {
            searcher.search(compiled.query.as_ref(), &counter).map_err(damaged)
        }
    };
    // A phrase alone: its matches are walked without Tantivy's phrase scorer, and past the
    // count's limit only candidates that could enter the top have their positions read (see
    // `phrase`).
    let phrase_alone = match (&compiled.phrase, sort, request.facets) {
        (Some(fields), Sort::Relevance, false) => Some(fields),
        _ => None,
    };
    // Words joined by AND alone: past the count's limit, stretches whose blocks cannot reach
    // the top are skipped (see `conjunction`).
    let conjunction = match (&compiled.conjunction, sort, request.facets) {
        (Some(words), Sort::Relevance, false) => Some(words),
        _ => None,
    };
    match (sort, pruned_under_filter, phrase_alone, conjunction) {
        (_, _, Some(fields), _) => {
            (top, total) =
                phrase::top(&searcher, fields, request.offset, request.limit.max(1), counter).map_err(damaged)?;
            facets = None;
        }
        (_, None, None, Some(words)) => {
            (top, total) =
                conjunction::top(&searcher, words, request.offset, request.limit.max(1), counter).map_err(damaged)?;
            facets = None;
        }
        (_, Some(parts), None, _) => {
            let unscored = |q: &Option<Box<dyn tantivy::query::Query>>| {
                q.as_ref().map(|q| q.weight(EnableScoring::disabled_from_searcher(&searcher))).transpose()
            };
            let collector = FilteredTop {
                offset: request.offset,
                limit: request.limit.max(1),
                filter: unscored(&parts.filter).map_err(damaged)?,
                exclude: unscored(&parts.exclude).map_err(damaged)?,
            };
            top = searcher.search(parts.words.as_ref(), &collector).map_err(damaged)?;
            total = searcher.search(compiled.query.as_ref(), &counter).map_err(damaged)?;
            facets = None;
        }
        (Sort::Relevance, None, None, None) if request.facets || !compiled.prunable => {
            let collector = (
                TopDocs::with_limit(request.limit.max(1)).and_offset(request.offset).order_by_score(),
                Count,
                facet_collector,
            );
            let (docs, count, counted) = searcher.search(compiled.query.as_ref(), &collector).map_err(damaged)?;
            top = docs;
            total = Total::exact(count);
            facets = counted;
        }
        (Sort::Relevance, None, None, None) => {
            // Alone, the top-hits collector skips blocks that cannot make the top (block-max
            // WAND); the count then stops at its limit, or past the last hit asked for.
            let collector = TopDocs::with_limit(request.limit.max(1)).and_offset(request.offset).order_by_score();
            top = searcher.search(compiled.query.as_ref(), &collector).map_err(damaged)?;
            total = capped_total()?;
            facets = None;
        }
        (Sort::Newest | Sort::Oldest, None, None, None) => {
            let order = if sort == Sort::Newest { Order::Desc } else { Order::Asc };
            // Past the count's limit (and without facets), the page is first sought in the
            // newest (or oldest) stretch of time (see `by_date`); fewer matches are all ranked
            // by date, as before, at little cost. Words under a filter are expected to pass
            // the limit or not from their frequencies (see `filtered`) before anything is
            // counted; other queries are counted up to the limit.
            let many = match &compiled.filtered {
                _ if request.facets => false,
                Some(parts) => {
                    let (words, share) = parts.estimate(&searcher).map_err(damaged)?;
                    words as f64 * share > EXACT_COUNT_LIMIT as f64
                }
                None => true,
            };
            let capped = many.then(capped_total).transpose()?;
            let sliced = match capped {
                Some(capped) if !capped.exact => by_date::top(
                    &searcher,
                    compiled.query.as_ref(),
                    fields,
                    &request.filters.range,
                    order,
                    request.offset,
                    request.limit.max(1),
                )
                .map_err(damaged)?
                .map(|docs| (docs, capped)),
                _ => None,
            };
            match sliced {
                Some((docs, capped)) => {
                    top = docs.into_iter().map(|addr| (0.0, addr)).collect();
                    total = capped;
                    facets = None;
                }
                None => {
                    let collector = (by_date(order), Count, facet_collector);
                    let (docs, count, counted) =
                        searcher.search(compiled.query.as_ref(), &collector).map_err(damaged)?;
                    top = docs.into_iter().map(|(_, addr)| (0.0, addr)).collect();
                    total = Total::exact(count);
                    facets = counted;
                }
            }
        }
    }

    let mut maker = snippet::SnippetMaker::new(&compiled.highlight, fields.stemmed);
    let mut hits = Vec::with_capacity(top.len());
    // Each hit's entry is read from its segment's store as it lies there (see
    // `Fields::entry_in`) rather than through a Tantivy document.
    let mut stores: Vec<Option<StoreReader>> = Vec::new();
    stores.resize_with(searcher.segment_readers().len(), || None);
    for (i, (score, address)) in top.into_iter().take(request.limit).enumerate() {
        let store = match &mut stores[address.segment_ord as usize] {
            Some(store) => store,
            slot => slot.insert(
                searcher.segment_reader(address.segment_ord).get_store_reader(0).map_err(|e| damaged(e.into()))?,
            ),
        };
        let entry = fields.entry_in(store, address.doc_id, &codec, damaged)?;
        let snippet = maker.snippet(&entry.entry.body);
        hits.push(Hit { rank: request.offset + i + 1, score, entry, snippet });
    }
    let suggestions = match (&compiled.node, total.count) {
        (Some(node), 0) => suggest::suggest(index, request, node, tuning)?,
        _ => Vec::new(),
    };
    Ok(SearchResults {
        query: request.query.clone(),
        total: total.count,
        total_exact: total.exact,
        took: started.elapsed(),
        hits,
        facets,
        suggestions,
    })
}
