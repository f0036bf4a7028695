//! Counting matches without paying for every one of them: [`CappedCount`] counts up to
//! [`EXACT_COUNT_LIMIT`] matching entries and then stops, so that ranking the top hits of a
//! common word (which Tantivy prunes with block-max WAND) is not followed by a walk over
//! half the index. Past the limit the total is reported as a lower bound (`total_exact:
//! false` in the JSON, "10000+ matches" in text), as web search engines do. Only a word or
//! words joined by OR (`Compiled::prunable`), such words under a broad date or agency
//! filter (`super::filtered`), a phrase alone (`super::phrase`), words joined by AND
//! (`super::conjunction`) and a date order whose page lies in the newest or oldest stretch
//! of time (`super::by_date`) are counted this way: phrases among other clauses, narrow
//! filters and facets visit every match anyway and keep counting exactly. When the document
//! frequencies of a query of words alone already pass the limit ([`at_least`]), the matches
//! are not walked at all.

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::Weight;
use tantivy::{DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader, Term, TERMINATED};

/// Matches counted exactly before a count becomes "at least this many".
pub const EXACT_COUNT_LIMIT: usize = 10_000;

/// A count of matches, exact up to a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Total {
    /// Matches counted: every match when `exact`, else the limit.
    pub count: usize,
    /// False when there are more matches than `count`.
    pub exact: bool,
}

impl Total {
    /// An exact count.
    pub fn exact(count: usize) -> Total {
        Total { count, exact: true }
    }
}

/// A lower bound of the matches of a query that every entry holding one of `terms` matches:
/// the most entries holding any one term, from the term dictionary alone. A deleted entry
/// stays in its segment's document frequencies until a merge, so each segment's deletions
/// are taken off.
pub fn at_least(searcher: &Searcher, terms: &[Term]) -> tantivy::Result<usize> {
    let mut most = 0;
    for term in terms {
        let mut holding = 0;
        for reader in searcher.segment_readers() {
            let frequency = reader.inverted_index(term.field())?.doc_freq(term)?;
            holding += frequency.saturating_sub(reader.num_deleted_docs()) as usize;
        }
        most = most.max(holding);
    }
    Ok(most)
}

/// Counts matching documents up to a limit, stopping early in each segment.
#[derive(Debug, Clone, Copy)]
pub struct CappedCount {
    /// Stop after this many.
    pub limit: usize,
}

impl CappedCount {
    /// The count a page of hits needs: exact up to [`EXACT_COUNT_LIMIT`], or up to the last
    /// hit asked for when that is further.
    pub fn for_page(offset: usize, limit: usize) -> CappedCount {
        CappedCount { limit: EXACT_COUNT_LIMIT.max(offset.saturating_add(limit)) }
    }

    /// The total of `counted` matches: exact, or the limit when they pass it.
    pub fn total(&self, counted: usize) -> Total {
        if counted > self.limit {
            Total { count: self.limit, exact: false }
        } else {
            Total::exact(counted)
        }
    }
}

/// Per-segment part of [`CappedCount`] (only used through `collect_segment`).
pub struct SegmentCappedCount {
    count: usize,
}

impl SegmentCollector for SegmentCappedCount {
    type Fruit = usize;

    fn collect(&mut self, _doc: DocId, _score: Score) {
        self.count += 1;
    }

    fn harvest(self) -> usize {
        self.count
    }
}

impl Collector for CappedCount {
    type Fruit = Total;
    type Child = SegmentCappedCount;

    fn for_segment(&self, _: SegmentOrdinal, _: &SegmentReader) -> tantivy::Result<SegmentCappedCount> {
        Ok(SegmentCappedCount { count: 0 })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, counts: Vec<usize>) -> tantivy::Result<Total> {
        Ok(self.total(counts.iter().sum()))
    }

    /// Walks the segment's matches until one more than the limit is seen (so that reaching
    /// exactly the limit still counts as exact).
    fn collect_segment(
        &self,
        weight: &dyn Weight,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<usize> {
        let mut scorer = weight.scorer(reader, 1.0)?;
        let alive = reader.alive_bitset();
        let mut count = 0;
        let mut doc = scorer.doc();
        while doc != TERMINATED && count <= self.limit {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                count += 1;
            }
            doc = scorer.advance();
        }
        Ok(count)
    }
}
