//! Every entry a request matches, streamed one at a time in index order (`newsdex export`).
//!
//! Nothing is ranked or collected: the matches are visited segment by segment as the query's
//! doc sets yield them, so exporting tens of millions of entries takes no more memory than
//! exporting ten. Paging, sorting and facets do not apply; the query text and the filters do.

use tantivy::query::EnableScoring;
use tantivy::{DocSet, TERMINATED};

use crate::entry::IndexedEntry;
use crate::error::Result;
use crate::index::{damaged_or, guard, NewsIndex};
use crate::query::build::all_entries;
use crate::query::{compile, Tuning};
use crate::search::SearchRequest;

/// Calls `visit` with every entry `request` matches (its query text and filters; an empty
/// query with no filter matches every entry), in index order, and returns how many there were.
/// Stops at the first error `visit` returns; a damaged index is an error, as for `search`.
pub fn for_each_match(
    index: &NewsIndex,
    request: &SearchRequest,
    mut visit: impl FnMut(IndexedEntry) -> Result<()>,
) -> Result<usize> {
    guard(index.path(), || visit_matches(index, request, &mut visit))
}

fn visit_matches(
    index: &NewsIndex,
    request: &SearchRequest,
    visit: &mut impl FnMut(IndexedEntry) -> Result<()>,
) -> Result<usize> {
    let fields = index.fields();
    let query = if request.query.trim().is_empty() && request.filters.is_empty() {
        all_entries(fields)
    } else {
        compile(&request.query, request.any, &request.filters, fields, index.text_analyzer(), Tuning::default())?.query
    };
    let (searcher, codec) = index.view();
    let damaged = |e| damaged_or(index.path(), e);
    let weight = query.weight(EnableScoring::disabled_from_searcher(&searcher)).map_err(damaged)?;
    let mut count = 0;
    for reader in searcher.segment_readers() {
        let alive = reader.alive_bitset();
        let mut scorer = weight.scorer(reader, 1.0).map_err(damaged)?;
        // Entries come in index order, several to a block of the store: the last block read
        // is kept. Each entry is read as it lies in the store (see `Fields::entry_in`).
        let store = reader.get_store_reader(1).map_err(|e| damaged(e.into()))?;
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                visit(fields.entry_in(&store, doc, &codec, damaged)?)?;
                count += 1;
            }
            doc = scorer.advance();
        }
    }
    Ok(count)
}
