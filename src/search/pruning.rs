//! What the searches that skip candidates share (`phrase`, `conjunction`, `filtered`): how a
//! bound is compared with the top, a segment's hits with its count, the page of hits of all
//! segments, and the leapfrog that brings several postings to the first entry they all hold.

use tantivy::collector::sort_key::NaturalComparator;
use tantivy::collector::TopNComputer;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentReader, TERMINATED};

use super::{CappedCount, Total};

/// Bounds are computed in floating point like the scores they bound; a candidate (or a
/// stretch of them) is passed over only when its bound falls short of the top by more than
/// this share.
pub(super) const BOUND_SLACK: Score = 1e-4;

/// The best hits of one segment as they are gathered.
pub(super) type SegmentHits = TopNComputer<Score, DocId, NaturalComparator>;

/// What a hit must score to enter `top` (anything while it is not full).
#[inline]
pub(super) fn least(top: &SegmentHits) -> Score {
    top.threshold.unwrap_or(Score::NEG_INFINITY)
}

/// Whether `bound` falls short of `least` by more than [`BOUND_SLACK`].
#[inline]
pub(super) fn below(bound: Score, least: Score) -> bool {
    bound * (1.0 + BOUND_SLACK) < least
}

/// What one segment gave.
pub(super) struct SegmentTop {
    pub(super) hits: Vec<(Score, DocId)>,
    /// Matches counted: all of them, or more than the limit when it stopped counting.
    pub(super) count: usize,
}

impl SegmentTop {
    /// The hits gathered in `top`, and `count`.
    pub(super) fn new(top: SegmentHits, count: usize) -> SegmentTop {
        SegmentTop { hits: top.into_vec().into_iter().map(|hit| (hit.sort_key, hit.doc)).collect(), count }
    }
}

/// The first entry from `target` on that every one of `items` holds, or [`TERMINATED`];
/// `seek` moves one of them to the first entry from a target on that it holds. The first
/// items are asked first: the rarest should lead.
#[inline]
pub(super) fn first_held_by_all<T>(
    items: &mut [T],
    target: DocId,
    mut seek: impl FnMut(&mut T, DocId) -> DocId,
) -> DocId {
    let mut doc = target;
    'again: loop {
        for item in items.iter_mut() {
            let at = seek(item, doc);
            if at == TERMINATED {
                return TERMINATED;
            }
            if at > doc {
                doc = at;
                continue 'again;
            }
        }
        return doc;
    }
}

/// The page after `offset` of the best hits over every segment, and their total, exact up
/// to the limit of `counter`: `in_segment` gives a segment's best `wanted` hits and the
/// matches it counted (`None` when nothing there can match).
pub(super) fn over_segments(
    searcher: &Searcher,
    offset: usize,
    limit: usize,
    counter: CappedCount,
    mut in_segment: impl FnMut(&SegmentReader, usize) -> tantivy::Result<Option<SegmentTop>>,
) -> tantivy::Result<(Vec<(Score, DocAddress)>, Total)> {
    let wanted = offset.saturating_add(limit);
    let mut hits = Vec::new();
    let mut counted = 0;
    for (ordinal, reader) in searcher.segment_readers().iter().enumerate() {
        let Some(found) = in_segment(reader, wanted)? else { continue };
        hits.extend(found.hits.into_iter().map(|(score, doc)| (score, DocAddress::new(ordinal as u32, doc))));
        counted += found.count;
    }
    // A segment that stopped counting counted past the limit, so the sum says so too.
    Ok((page(hits, offset, limit), counter.total(counted)))
}

/// The page after `offset` of the best hits of all segments (each segment's best
/// `offset + limit`), in the order `TopDocs` gives: score, then document.
pub(super) fn page(hits: Vec<(Score, DocAddress)>, offset: usize, limit: usize) -> Vec<(Score, DocAddress)> {
    let mut top = TopNComputer::new_with_comparator(offset.saturating_add(limit).min(hits.len()), NaturalComparator);
    for (score, address) in hits {
        top.push(score, address);
    }
    top.into_sorted_vec().into_iter().skip(offset).map(|hit| (hit.sort_key, hit.doc)).collect()
}
