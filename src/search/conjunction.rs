//! The best hits of words joined by AND alone (`oil prices opec`: no filter, no exclusion),
//! and their count.
//!
//! Tantivy intersects the words (each one its title term or its body term, see
//! `query::either`) and scores every entry holding them all: its block-max pruning of
//! intersections only serves plain terms. At a million entries `oil prices` has 180,000
//! matches, all scored to rank ten. [`top`] goes from match to match and counts every match
//! until the count passes its limit ([`CappedCount::for_page`]); from then on it looks at the
//! stretch every word's postings are read in (the shortest of the current blocks of every
//! field of every word) and skips it whole when the blocks' summaries (the most BM25 gives
//! any of their entries, as block-max WAND uses them) add up to less than the top needs.
//! Every hit keeps the score the whole query gives it, summed in the order Tantivy's
//! intersection sums it, and the order is the one `TopDocs` gives: score, then document.

use tantivy::collector::sort_key::NaturalComparator;
use tantivy::collector::TopNComputer;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::BlockSegmentPostings;
use tantivy::query::Bm25Weight;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentReader, Term, TERMINATED};

use super::pruning::{below, first_held_by_all, least, over_segments, SegmentHits, SegmentTop};
use super::{CappedCount, Total};
use crate::query::either::EitherField;

/// The page of best hits of the words (all required) after `offset`, and their total, exact
/// up to the limit of `counter`.
pub fn top(
    searcher: &Searcher,
    words: &[EitherField],
    offset: usize,
    limit: usize,
    counter: CappedCount,
) -> tantivy::Result<(Vec<(Score, DocAddress)>, Total)> {
    // Each word's terms with the BM25 weight Tantivy's term query would give them.
    let mut weighted = Vec::with_capacity(words.len());
    for word in words {
        let (title, body, title_boost) = word.parts();
        let title_weight = Bm25Weight::for_terms(searcher, std::slice::from_ref(title))?.boost_by(title_boost);
        let body_weight = Bm25Weight::for_terms(searcher, std::slice::from_ref(body))?;
        weighted.push([(title, title_weight), (body, body_weight)]);
    }
    over_segments(searcher, offset, limit, counter, |reader, wanted| {
        let mut cursors = Vec::with_capacity(weighted.len());
        for fields in &weighted {
            // A word the segment lacks in both fields: nothing here matches.
            let Some(word) = Word::open(reader, fields)? else { return Ok(None) };
            cursors.push(word);
        }
        Ok(Some(segment_top(reader, cursors, wanted, counter.limit)))
    })
}

/// A term's postings in one field of one segment, a block at a time, scored as Tantivy's
/// term scorer scores them.
struct FieldCursor {
    postings: BlockSegmentPostings,
    /// The current entry's index in the block, and the entry ([`TERMINATED`] past the last).
    index: usize,
    doc: DocId,
    norms: FieldNormReader,
    bm25: Bm25Weight,
}

impl FieldCursor {
    /// `None` when the segment's field lacks the term.
    fn open(reader: &SegmentReader, term: &Term, bm25: &Bm25Weight) -> tantivy::Result<Option<FieldCursor>> {
        let inverted = reader.inverted_index(term.field())?;
        let Some(info) = inverted.get_term_info(term)? else { return Ok(None) };
        let postings = inverted.read_block_postings_from_terminfo(&info, IndexRecordOption::WithFreqs)?;
        let norms = reader.get_fieldnorms_reader(term.field())?;
        let doc = postings.docs().first().copied().unwrap_or(TERMINATED);
        Ok(Some(FieldCursor { postings, index: 0, doc, norms, bm25: bm25.clone() }))
    }

    /// The first entry from `target` on that holds the term, or [`TERMINATED`].
    #[inline]
    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        let docs = self.postings.docs();
        // The next entry is most often the one asked for; otherwise the skip list finds the
        // block and a search inside it the entry.
        self.index = match docs.get(self.index + 1) {
            Some(&next) if next >= target => self.index + 1,
            _ => self.postings.seek(target),
        };
        self.doc = self.postings.docs().get(self.index).copied().unwrap_or(TERMINATED);
        self.doc
    }

    /// The last entry of the current block, and the most the term scores in that block.
    fn block(&mut self) -> (DocId, Score) {
        let last = self.postings.docs().last().copied().unwrap_or(TERMINATED);
        (last, self.postings.block_max_score(&self.norms, &self.bm25))
    }

    /// The term's score in the current entry.
    #[inline]
    fn score(&self) -> Score {
        self.bm25.score(self.norms.fieldnorm_id(self.doc), self.postings.freqs()[self.index])
    }
}

/// A word's title term or its body term, in one segment (one of them when the segment's
/// other field lacks the word).
struct Word {
    /// Title first, as `EitherScorer` adds them.
    fields: Vec<FieldCursor>,
    /// The first entry holding the word in either field from the last target on.
    doc: DocId,
    /// How many entries hold the word in each field, added (Tantivy orders an
    /// intersection by it).
    cost: u64,
}

impl Word {
    /// `None` when neither of the segment's fields holds the word.
    fn open(reader: &SegmentReader, terms: &[(&Term, Bm25Weight); 2]) -> tantivy::Result<Option<Word>> {
        let mut fields = Vec::with_capacity(2);
        for (term, bm25) in terms {
            if let Some(cursor) = FieldCursor::open(reader, term, bm25)? {
                fields.push(cursor);
            }
        }
        let doc = fields.iter().map(|f| f.doc).min().unwrap_or(TERMINATED);
        let cost = fields.iter().map(|f| u64::from(f.postings.doc_freq())).sum();
        Ok((!fields.is_empty()).then_some(Word { fields, doc, cost }))
    }

    #[inline]
    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc < target {
            self.doc = self.fields.iter_mut().map(|f| f.seek(target)).min().unwrap_or(TERMINATED);
        }
        self.doc
    }

    /// The word's score in the current entry: title, then body.
    #[inline]
    fn score(&self) -> Score {
        let mut score = 0.0;
        for field in self.fields.iter().filter(|f| f.doc == self.doc) {
            score += field.score();
        }
        score
    }
}

/// The first entry from `target` on that holds every word, or [`TERMINATED`].
fn holding_all(words: &mut [Word], target: DocId) -> DocId {
    first_held_by_all(words, target, Word::seek)
}

/// The score of the entry every word stands on, summed as Tantivy's intersection sums it:
/// the first two words, then the sum of the others.
fn score(words: &[Word]) -> Score {
    match words {
        [first, second, others @ ..] => first.score() + second.score() + others.iter().map(Word::score).sum::<Score>(),
        [one] => one.score(),
        [] => 0.0,
    }
}

/// The entries from the one the rarest word stands on to the end of the shortest current
/// block of every field of every word. Every field's cursor is on the block holding its
/// first entry from there on, so inside the stretch a field scores no more than its block's
/// summary, and nothing at all when that first entry comes after the stretch.
struct Stretch {
    end: DocId,
    /// The most the rarest word scores inside, and the most the other words do together.
    leader: Score,
    others: Score,
}

impl Stretch {
    /// The stretch where the words stand (a word without an entry inside it makes it hold
    /// no match: its bound is then below anything).
    fn of(words: &mut [Word]) -> Stretch {
        let mut end = TERMINATED;
        for field in words.iter_mut().flat_map(|w| w.fields.iter_mut()).filter(|f| f.doc != TERMINATED) {
            end = end.min(field.block().0);
        }
        let (mut leader, mut others) = (0.0, 0.0);
        for (i, word) in words.iter_mut().enumerate() {
            let mut inside = false;
            for field in word.fields.iter_mut().filter(|f| f.doc <= end) {
                let most = field.block().1;
                if i == 0 {
                    leader += most;
                } else {
                    others += most;
                }
                inside = true;
            }
            if !inside {
                return Stretch { end, leader: Score::NEG_INFINITY, others: 0.0 };
            }
        }
        Stretch { end, leader, others }
    }
}

/// The best `wanted` hits of a segment, counting every match until `limit` is passed.
fn segment_top(reader: &SegmentReader, mut words: Vec<Word>, wanted: usize, limit: usize) -> SegmentTop {
    let alive = reader.alive_bitset();
    let is_alive = |doc: DocId| alive.is_none_or(|a| a.is_alive(doc));
    let mut top: SegmentHits =
        TopNComputer::new_with_comparator(wanted.min(reader.max_doc() as usize), NaturalComparator);
    if words.is_empty() {
        return SegmentTop::new(top, 0);
    }
    // Rarest first, ties kept in the query's order, as Tantivy's intersection orders them.
    words.sort_by_key(|w| w.cost);
    let mut count = 0;
    let mut target = 0;
    // Every match counts.
    while count <= limit {
        let doc = holding_all(&mut words, target);
        if doc == TERMINATED {
            return SegmentTop::new(top, count);
        }
        if is_alive(doc) {
            count += 1;
            top.push(score(&words), doc);
        }
        target = doc + 1;
    }
    // Past the limit: only what could enter the top is looked at.
    while let Some((first, others)) = words.split_first_mut() {
        let doc = first.seek(target);
        if doc == TERMINATED || others.iter_mut().any(|w| w.seek(doc) == TERMINATED) {
            break;
        }
        let stretch = Stretch::of(&mut words);
        if below(stretch.leader + stretch.others, least(&top)) {
            target = stretch.end.saturating_add(1);
            continue;
        }
        // Inside the stretch, the rarest word's own score and the most the other words'
        // blocks give tell whether a candidate is worth seeking the other words to.
        let mut doc = doc;
        while doc <= stretch.end {
            if below(words[0].score() + stretch.others, least(&top)) {
                doc = words[0].seek(doc + 1);
                continue;
            }
            let at = holding_all(&mut words, doc);
            if at == doc {
                if is_alive(doc) {
                    top.push(score(&words), doc);
                }
                doc = words[0].seek(doc + 1);
            } else {
                doc = at;
            }
        }
        if doc == TERMINATED {
            break;
        }
        target = doc;
    }
    SegmentTop::new(top, count)
}

#[cfg(test)]
mod tests {
    use tantivy::query::{BooleanQuery, Occur, Query};

    use super::*;
    use crate::testkit::{assert_pruned_like_every_match, generated_index, Generated, Rng};

    /// The words queries are made of, the first ones more often.
    const WORDS: [&str; 6] = ["oil", "price", "the", "opec", "talks", "summit"];

    /// Up to `most` words, one in `every` from [`WORDS`], the rest filler.
    fn text(rng: &mut Rng, most: u64, every: u64) -> String {
        let n = rng.below(most + 1);
        let word = |rng: &mut Rng| match rng.below(every) {
            0 => WORDS[rng.below(WORDS.len() as u64).min(rng.below(WORDS.len() as u64)) as usize].to_string(),
            _ => format!("w{}", rng.below(60)),
        };
        (0..n).map(|_| word(rng)).collect::<Vec<_>>().join(" ")
    }

    /// Whatever the count's limit, page and segments (with deleted entries, and a word one
    /// segment lacks in a field), the pruned conjunction gives exactly the hits, scores and
    /// total of Tantivy scoring every match of the same query. It fails when the bound of a
    /// stretch is taken 0.9 times too low, or the rarest word's own score 0.8 times.
    #[test]
    fn pruned_conjunctions_give_the_hits_of_scoring_every_match() {
        let Generated { searcher, title, body } = generated_index(12_000, 37, 0x51_7cc1_b727_220a, |rng, n| {
            // Long bodies, but short ones made half of the words in stretches of a hundred
            // (where the best hits are): the blocks between them can be skipped whole.
            // `summit` is only in titles of the first segment.
            let (t, b) = match (n / 100) % 7 {
                3 => (text(rng, 5, 2), text(rng, 8, 2)),
                _ => (text(rng, 5, 3), text(rng, 70, 3)),
            };
            let b = b.replace("summit", "w1");
            let t = if n < 3_000 { t } else { t.replace("summit", "w2") };
            (t, b)
        });
        let word = |w: &str| EitherField::new(Term::from_field_text(title, w), Term::from_field_text(body, w), 0.5);

        for words in [
            &["oil", "price"][..],
            &["price", "oil"],
            &["the", "oil", "price"],
            &["oil", "oil"],
            &["opec", "talks", "the"],
            &["summit", "oil"],
            &["oil", "nowhere"],
        ] {
            let words: Vec<EitherField> = words.iter().map(|w| word(w)).collect();
            let every =
                BooleanQuery::new(words.iter().map(|w| (Occur::Must, Box::new(w.clone()) as Box<dyn Query>)).collect());
            let pages = [(0, 10, 20), (0, 10, 300), (5, 20, 40), (0, 3, 10_000), (30, 10, 20)];
            assert_pruned_like_every_match(
                &searcher,
                &every,
                &pages,
                &format!("{words:?}"),
                |offset, limit, counter| top(&searcher, &words, offset, limit, counter).expect("top"),
            );
        }
    }

    /// A stretch ends with the shortest current block. `a` is in every other entry (a block
    /// every 256 entries), `b` in every fourth (a block every 512). Entry 900, the best hit,
    /// is in the second half of one of `b`'s blocks; before it, `a`'s block covers very long
    /// entries, which score little. A stretch reaching from there past the end of `a`'s
    /// block would be bounded by it, skipped, and the hit lost.
    #[test]
    fn a_stretch_ends_with_the_shortest_block() {
        let Generated { searcher, title, body } = generated_index(3_500, 3_500, 1, |_, n| {
            let words = match (n % 2, n % 4) {
                (_, 0) => "a b",
                (0, _) => "a",
                _ => "",
            };
            let text = match n {
                900 => "a a a a b b b b".to_string(),
                0..40 => format!("{words} w1"),
                512..768 => format!("{words}{}", " w2".repeat(600)),
                _ => format!("{words}{}", " w2".repeat(60)),
            };
            (String::new(), text)
        });
        let words: Vec<EitherField> = ["a", "b"]
            .iter()
            .map(|w| EitherField::new(Term::from_field_text(title, w), Term::from_field_text(body, w), 0.5))
            .collect();
        let every =
            BooleanQuery::new(words.iter().map(|w| (Occur::Must, Box::new(w.clone()) as Box<dyn Query>)).collect());
        let (page, _) = top(&searcher, &words, 0, 10, CappedCount { limit: 5 }).expect("top");
        assert_eq!(page.first().map(|(_, address)| address.doc_id), Some(900));
        assert_pruned_like_every_match(&searcher, &every, &[(0, 10, 5), (0, 3, 5)], "a b", |offset, limit, counter| {
            top(&searcher, &words, offset, limit, counter).expect("top")
        });
    }
}
