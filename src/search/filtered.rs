//! The best hits of words under a date or agency filter, or with words excluded, without
//! scoring every match.
//!
//! Tantivy finds the best hits of a word, or words joined by OR, with block-max WAND: it skips
//! blocks of postings whose best possible score cannot enter the top. Intersected with a
//! filter, or with words excluded, the same words lose that: every entry holding them and
//! passing the rest is scored. [`FilteredTop`] runs the words alone, pruned, and checks the
//! filter and the exclusion for each candidate that could enter the top, by moving their own
//! document sets forward to it (candidates come in document order). Neither scores anything
//! (`query::build` wraps a filter in a zero constant score; an excluded clause adds nothing),
//! so every hit keeps exactly the score the whole query gives it, and the order is the one
//! `TopDocs` gives the whole query: score, then document.

use tantivy::collector::sort_key::NaturalComparator;
use tantivy::collector::{Collector, SegmentCollector, TopNComputer};
use tantivy::fastfield::AliveBitSet;
use tantivy::query::{Scorer, Weight};
use tantivy::{DocAddress, DocId, DocSet, Score, SegmentOrdinal, SegmentReader};

use super::pruning::page;

/// The least share of entries a filter keeps for [`FilteredTop`] to be worth it (decided in
/// `search::run`, with the expected number of matches). Measured at 1M entries: `market`
/// credited to Reuters (half the entries) 13.3 → 3.5 ms, `oil` since 2010 (three fifths of
/// the years) 10.6 → 3.6 ms, but `bank` in 2008 (a year of 26) 2.5 → 4.7 ms.
pub const BROAD_SHARE: f64 = 0.25;

/// Collects the top `offset + limit` hits of the query it runs with (the words), keeping
/// only entries `filter` matches and `exclude` does not; the fruit is the page after
/// `offset`.
pub struct FilteredTop {
    /// Hits to skip.
    pub offset: usize,
    /// Hits to return.
    pub limit: usize,
    /// What a hit must match, with scoring disabled.
    pub filter: Option<Box<dyn Weight>>,
    /// What a hit must not match, with scoring disabled.
    pub exclude: Option<Box<dyn Weight>>,
}

impl FilteredTop {
    /// Hits to keep: those skipped and those returned (no more than a segment, or all the
    /// segments, hold: the offset comes from the user and may be huge).
    fn wanted(&self) -> usize {
        self.offset.saturating_add(self.limit)
    }
}

/// [`FilteredTop`] in one segment.
pub struct FilteredTopSegment {
    segment: SegmentOrdinal,
    filter: Option<Box<dyn Scorer>>,
    exclude: Option<Box<dyn Scorer>>,
    alive: Option<AliveBitSet>,
    top: TopNComputer<Score, DocId, NaturalComparator>,
}

impl FilteredTopSegment {
    /// Takes a candidate when it is alive, the filter matches it and the exclusion does not;
    /// returns the score a later candidate must beat.
    fn offer(&mut self, doc: DocId, score: Score) -> Score {
        let alive = self.alive.as_ref().is_none_or(|alive| alive.is_alive(doc));
        if alive
            && self.filter.as_mut().is_none_or(|f| holds(f, doc))
            && !self.exclude.as_mut().is_some_and(|e| holds(e, doc))
        {
            self.top.push(score, doc);
        }
        self.top.threshold.unwrap_or(Score::MIN)
    }
}

/// True when `docs` holds `doc`. Candidates come in document order, so `docs` only ever
/// moves forward.
fn holds(docs: &mut Box<dyn Scorer>, doc: DocId) -> bool {
    if docs.doc() < doc {
        docs.seek(doc);
    }
    docs.doc() == doc
}

impl SegmentCollector for FilteredTopSegment {
    type Fruit = Vec<(Score, DocAddress)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.offer(doc, score);
    }

    fn harvest(self) -> Self::Fruit {
        let segment = self.segment;
        self.top.into_vec().into_iter().map(|hit| (hit.sort_key, DocAddress::new(segment, hit.doc))).collect()
    }
}

impl Collector for FilteredTop {
    type Fruit = Vec<(Score, DocAddress)>;
    type Child = FilteredTopSegment;

    fn for_segment(&self, segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<FilteredTopSegment> {
        Ok(FilteredTopSegment {
            segment,
            filter: self.filter.as_ref().map(|w| w.scorer(reader, 1.0)).transpose()?,
            exclude: self.exclude.as_ref().map(|w| w.scorer(reader, 1.0)).transpose()?,
            alive: reader.alive_bitset().cloned(),
            top: TopNComputer::new_with_comparator(self.wanted().min(reader.max_doc() as usize), NaturalComparator),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(Score, DocAddress)>>) -> tantivy::Result<Self::Fruit> {
        Ok(page(fruits.into_iter().flatten().collect(), self.offset, self.limit))
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Fruit> {
        let mut child = self.for_segment(segment, reader)?;
        weight.for_each_pruning(Score::MIN, reader, &mut |doc, score| child.offer(doc, score))?;
        Ok(child.harvest())
    }
}
