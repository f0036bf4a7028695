//! The best hits of a phrase alone (no filter, no slop), and its count.
//!
//! Tantivy's phrase scorer reads the positions of every entry holding all the words of a
//! phrase to tell whether they stand in a row, and a phrase has no block-max scores to skip
//! by. At a million entries `"interest rates"` has over 100,000 candidates, all read to
//! rank ten. [`top`] goes from match to match and counts every match until the count passes
//! its limit ([`CappedCount::for_page`]); from then on it walks the candidates itself (the
//! words' postings, without positions) and asks Tantivy's phrase scorers only about a
//! candidate whose best possible score could enter the top. A phrase occurs in a field at
//! most as often as its rarest word does there, and BM25 grows with that count, so the
//! phrase's BM25 weight at the rarest word's frequency and the field's length bounds the
//! score; over a block of the rarest word's postings, the block's summary bounds it (the
//! most BM25 gives any of its entries, as block-max WAND uses it), and a stretch whose
//! blocks cannot reach the top is skipped whole. Every hit keeps the score the whole phrase
//! query gives it, and the order is the one `TopDocs` gives: score, then document.
//!
//! Most candidates past the limit hold the phrase in one field only: up to the next candidate
//! of the other field, that field's score alone decides. There, an entry is passed over
//! before the other words are sought when the rarest word occurs in it too seldom, for the
//! entry's length, for the phrase to reach the top (the phrase occurs at most as often as
//! that word), and so is a block of the rarest word's postings whose summary falls short
//! ([`FieldPart::holding_enough`]). At a million entries, in fresh processes:
//! `"interest rates"` 5.8 → 3.5 ms, `"the united states"` 7.2 → 5.2 ms, `"prime minister"`
//! 2.5 → 1.8 ms.
//!
//! Up to the limit, the matches are found by a [`Walker`] rather than by Tantivy's phrase
//! scorer, which sums the frequencies of the earlier entries of a block to find where an
//! entry's positions start, for every word of every candidate (27% of a phrase's time in
//! `perf`). The walker reads the words' postings a block at a time and keeps that sum as it
//! goes.

use tantivy::collector::sort_key::NaturalComparator;
use tantivy::collector::TopNComputer;
use tantivy::directory::CompositeFile;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::index::SegmentComponent;
use tantivy::positions::PositionReader;
use tantivy::postings::{BlockSegmentPostings, Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, EnableScoring, PhraseQuery, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SeekDangerResult, SegmentReader, TERMINATED};

use super::pruning::{below, first_held_by_all, over_segments, SegmentHits, SegmentTop, BOUND_SLACK};
use super::{CappedCount, Total};
use crate::query::PhraseField;

/// The page of best hits of the phrase after `offset`, and its total, exact up to the limit
/// of `counter`.
pub fn top(
    searcher: &Searcher,
    fields: &[PhraseField],
    offset: usize,
    limit: usize,
    counter: CappedCount,
) -> tantivy::Result<(Vec<(Score, DocAddress)>, Total)> {
    let scoring = EnableScoring::enabled_from_searcher(searcher);
    let mut plans = Vec::with_capacity(fields.len());
    for field in fields {
        let terms: Vec<_> = field.terms.iter().map(|(_, t)| t.clone()).collect();
        let bound = Bm25Weight::for_terms(searcher, &terms)?.boost_by(field.boost);
        let weight = PhraseQuery::new_with_offset_and_slop(field.terms.clone(), 0).weight(scoring)?;
        plans.push((field, bound, weight));
    }
    over_segments(searcher, offset, limit, counter, |reader, wanted| {
        // The segment's positions (its reader keeps its own copy private).
        let index = reader.index();
        let positions = index.segment(index.new_segment_meta(reader.segment_id(), reader.max_doc()));
        let positions = CompositeFile::open(&positions.open_read(SegmentComponent::Positions)?)?;
        let mut walkers = Vec::with_capacity(plans.len());
        for (field, bound, _) in &plans {
            if let Some(walker) = Walker::open(reader, &positions, field, bound.clone())? {
                walkers.push(walker);
            }
        }
        segment_top(reader, &plans, &mut walkers, wanted, counter.limit).map(Some)
    })
}

/// The phrase in one field of one segment, once the count has passed its limit: the
/// candidates walked on the words' postings, and Tantivy's phrase scorer asked about those
/// that could enter the top.
struct FieldPart {
    /// The words' postings (documents and frequencies), rarest first.
    words: Vec<SegmentPostings>,
    /// The rarest word's postings again, a block at a time: the most the phrase can score in
    /// a block comes from the block's summary (as in block-max WAND), without reading it.
    blocks: BlockSegmentPostings,
    /// The last entry of the block of `blocks` that holds `next`, and that most.
    block: Option<(DocId, Score)>,
    /// The candidate looked at: an entry holding every word, or [`TERMINATED`].
    next: DocId,
    norms: FieldNormReader,
    /// The phrase's BM25 weight in this field, boosted as the field is.
    bound: Bm25Weight,
    /// Tantivy's scorer of the phrase in this field.
    phrase: Box<dyn Scorer>,
    /// Where `phrase` stands: on a match (`Ok`), or past a candidate that was not one, below
    /// the first document it may match next (`Err`).
    at: Result<DocId, DocId>,
    /// The shortest length an entry holding the phrase can have (as Tantivy codes lengths).
    shortest: u8,
    /// The last score asked of [`FieldPart::floor`], and its answer.
    floor: Option<(Score, u32)>,
}

impl FieldPart {
    /// `None` when a word is not in the segment's field.
    fn open(
        reader: &SegmentReader,
        field: &PhraseField,
        bound: &Bm25Weight,
        weight: &dyn Weight,
    ) -> tantivy::Result<Option<FieldPart>> {
        let Some((_, first)) = field.terms.first() else { return Ok(None) };
        let inverted = reader.inverted_index(first.field())?;
        let mut words = Vec::with_capacity(field.terms.len());
        for (_, term) in &field.terms {
            match inverted.read_postings(term, IndexRecordOption::WithFreqs)? {
                Some(postings) => words.push((postings, term)),
                None => return Ok(None),
            }
        }
        words.sort_by_key(|(postings, _)| postings.doc_freq());
        let Some(blocks) = inverted.read_block_postings(words[0].1, IndexRecordOption::WithFreqs)? else {
            return Ok(None);
        };
        let words = words.into_iter().map(|(postings, _)| postings).collect();
        let phrase = weight.scorer(reader, field.boost)?;
        let at = Ok(phrase.doc());
        let norms = reader.get_fieldnorms_reader(first.field())?;
        // An entry holding the phrase is at least as long as the phrase: what bounds its
        // score without reading the lengths of every entry (a megabyte at a million, most
        // of a phrase's time in a fresh process).
        let shortest = FieldNormReader::fieldnorm_to_id(field.terms.len() as u32);
        Ok(Some(FieldPart {
            words,
            blocks,
            block: None,
            next: 0,
            norms,
            bound: bound.clone(),
            phrase,
            at,
            shortest,
            floor: None,
        }))
    }

    /// The first entry from `target` on that holds every word.
    fn holding_all(&mut self, target: DocId) -> DocId {
        first_held_by_all(&mut self.words, target, seek)
    }

    /// Like [`FieldPart::holding_all`], but an entry before `open` is passed over without
    /// seeking the other words when the rarest word occurs there too seldom for the phrase
    /// to reach `least` (see [`FieldPart::floor`]). The caller vouches that no other field
    /// holds a candidate before `open`, so that this field's score alone decides.
    fn holding_enough(&mut self, target: DocId, open: DocId, least: Score) -> DocId {
        let floor = self.floor(least);
        let mut target = if floor == u32::MAX { target.max(open) } else { target };
        loop {
            let mut doc = seek(&mut self.words[0], target);
            while doc < open {
                // A block of the rarest word's entries that cannot reach `least` is passed
                // over whole up to `open`, as the stretches of `segment_top` are.
                let (last, best) = self.block_of(doc);
                if below(best, least) {
                    doc = seek(&mut self.words[0], last.saturating_add(1).min(open));
                } else if !self.may_reach(doc, floor, least) {
                    doc = self.words[0].advance();
                } else {
                    break;
                }
            }
            if doc == TERMINATED {
                return TERMINATED;
            }
            let held = first_held_by_all(&mut self.words, doc, seek);
            if held == doc || held >= open || self.may_reach(held, floor, least) {
                return held;
            }
            target = held + 1;
        }
    }

    /// Whether the phrase may reach `least` in `doc`, where the rarest word stands, at that
    /// word's count there (below `floor`, without reading the entry's length).
    fn may_reach(&self, doc: DocId, floor: u32, least: Score) -> bool {
        let count = self.words[0].term_freq();
        count >= floor && self.may_score(self.norms.fieldnorm_id(doc), count, least)
    }

    /// Whether the phrase may score `least` in an entry of this length (as Tantivy codes
    /// lengths) where the rarest word occurs `count` times. It leaves more slack than
    /// [`below`]: the bound a candidate let through is then held to is reckoned from the
    /// counts of every word.
    fn may_score(&self, length: u8, count: u32, least: Score) -> bool {
        !below(self.bound.score(length, count), least * (1.0 - BOUND_SLACK))
    }

    /// The fewest times the rarest word must occur in an entry for the phrase to score
    /// `least` in this field ([`u32::MAX`] when no count can): a phrase occurs at most as
    /// often as each of its words, and scores most in the field's shortest entry.
    fn floor(&mut self, least: Score) -> u32 {
        if let Some((asked, floor)) = self.floor {
            if asked == least {
                return floor;
            }
        }
        const MOST: u32 = 1 << 24;
        let reaches = |count: u32| self.may_score(self.shortest, count, least);
        let floor = if reaches(MOST) {
            // The first count that reaches it: scores grow with the count.
            let (mut low, mut high) = (1, MOST);
            while low < high {
                let middle = low + (high - low) / 2;
                if reaches(middle) {
                    high = middle;
                } else {
                    low = middle + 1;
                }
            }
            low
        } else {
            u32::MAX
        };
        self.floor = Some((least, floor));
        floor
    }

    /// The last entry of the rarest word's block that holds `doc` (the current candidate, or
    /// an entry past the block of the last call), and the most the phrase can score in that
    /// block.
    fn block_of(&mut self, doc: DocId) -> (DocId, Score) {
        match self.block {
            Some((last, best)) if doc <= last => (last, best),
            _ => {
                self.blocks.seek(doc);
                let last = self.blocks.docs().last().copied().unwrap_or(TERMINATED);
                let best = self.blocks.block_max_score(&self.norms, &self.bound);
                self.block = Some((last, best));
                (last, best)
            }
        }
    }

    /// The most the phrase can score at the current candidate.
    fn best_possible(&self) -> Score {
        let rarest = self.words.iter().map(|p| p.term_freq()).min().unwrap_or(0);
        self.bound.score(self.norms.fieldnorm_id(self.next), rarest)
    }

    /// The phrase's score at the current candidate, if the words stand in a row there.
    fn score_here(&mut self) -> Option<Score> {
        let doc = self.next;
        match self.at {
            Ok(at) if at == doc => return Some(self.phrase.score()),
            Ok(at) | Err(at) if at > doc => return None,
            _ => {}
        }
        match self.phrase.seek_danger(doc) {
            SeekDangerResult::Found => {
                self.at = Ok(doc);
                Some(self.phrase.score())
            }
            SeekDangerResult::SeekLowerBound(next) => {
                self.at = Err(next);
                None
            }
        }
    }
}

/// Moves `postings` to its first entry from `target` on.
fn seek(postings: &mut SegmentPostings, target: DocId) -> DocId {
    if postings.doc() < target {
        postings.seek(target)
    } else {
        postings.doc()
    }
}

/// A word more than this many times as common as the phrase's rarest is sought through its
/// skip list rather than read a block at a time: between two candidates, walking would step
/// through entries that Tantivy's seek passes over. At 1M, whole process in instructions:
/// `"the kashmir"` 4.8 M with Tantivy's scorer, 10.8 M with every word walked, 5.0 M with
/// `the` sought; `"world trade organisation"` (`trade` ten times as common as
/// `organisation`, `world` six) 19.0, 23.8 and 21.2 M.
const SOUGHT_BEYOND: u32 = 4;

/// One word of a phrase in one field of one segment.
struct WordCursor {
    /// Where the word stands in the phrase.
    place: u32,
    way: Way,
}

/// How a word's entries and positions are read.
enum Way {
    /// Its postings a block at a time, never skipped, so that where each entry's positions
    /// start is known without adding up the block's frequencies again.
    Walked {
        postings: BlockSegmentPostings,
        positions: PositionReader,
        /// The positions of the entries of the blocks before the current one.
        block_start: u64,
        /// The current entry's index in its block, and the positions of the block's entries
        /// before it.
        index: usize,
        before: u64,
    },
    /// Tantivy's postings, sought through the skip list (see [`SOUGHT_BEYOND`]).
    Sought(SegmentPostings),
}

impl WordCursor {
    fn doc_freq(&self) -> u32 {
        match &self.way {
            Way::Walked { postings, .. } => postings.doc_freq(),
            Way::Sought(postings) => postings.doc_freq(),
        }
    }

    /// The first entry from `target` on that holds the word, or [`TERMINATED`].
    fn seek(&mut self, target: DocId) -> DocId {
        match &mut self.way {
            Way::Sought(postings) if postings.doc() < target => postings.seek(target),
            Way::Sought(postings) => postings.doc(),
            Way::Walked { postings, block_start, index, before, .. } => loop {
                let docs = postings.docs();
                match docs.last() {
                    None => return TERMINATED,
                    Some(&last) if last >= target => {
                        let freqs = postings.freqs();
                        while docs[*index] < target {
                            *before += u64::from(freqs[*index]);
                            *index += 1;
                        }
                        return docs[*index];
                    }
                    Some(_) => {
                        *block_start += postings.freqs().iter().map(|&f| u64::from(f)).sum::<u64>();
                        postings.advance();
                        *index = 0;
                        *before = 0;
                    }
                }
            },
        }
    }

    /// The positions of the word in the current entry, less its place in the phrase (those
    /// before its place cannot start the phrase), in order.
    fn starts(&mut self, output: &mut Vec<u32>) {
        output.clear();
        let absolute = match &mut self.way {
            Way::Walked { postings, positions, block_start, index, before } => {
                output.resize(postings.freqs()[*index] as usize, 0);
                positions.read(*block_start + *before, output);
                false
            }
            Way::Sought(postings) => {
                postings.positions(output);
                true
            }
        };
        // Walked positions are gaps from the entry's previous one.
        let mut position = 0u32;
        let mut kept = 0;
        for i in 0..output.len() {
            position = if absolute { output[i] } else { position + output[i] };
            if let Some(start) = position.checked_sub(self.place) {
                output[kept] = start;
                kept += 1;
            }
        }
        output.truncate(kept);
    }
}

/// Finds the matches of a phrase in one field of one segment, in order, with the number of
/// times the phrase occurs in each (what BM25 scores it by).
struct Walker {
    /// Rarest first.
    words: Vec<WordCursor>,
    norms: FieldNormReader,
    /// The phrase's BM25 weight in the field, boosted as the field is.
    weight: Bm25Weight,
    /// The current match, or [`TERMINATED`], and the phrase's occurrences there.
    doc: DocId,
    occurrences: u32,
    starts: Vec<u32>,
    others: Vec<u32>,
}

impl Walker {
    /// A walker standing on the first match; `None` when a word is not in the field.
    /// `positions` is the segment's positions file.
    fn open(
        reader: &SegmentReader,
        positions: &CompositeFile,
        field: &PhraseField,
        weight: Bm25Weight,
    ) -> tantivy::Result<Option<Walker>> {
        let Some((_, first)) = field.terms.first() else { return Ok(None) };
        let inverted = reader.inverted_index(first.field())?;
        let Some(all_positions) = positions.open_read(first.field()) else { return Ok(None) };
        let norms = reader.get_fieldnorms_reader(first.field())?;
        let mut infos = Vec::with_capacity(field.terms.len());
        for (place, term) in &field.terms {
            let Some(info) = inverted.get_term_info(term)? else { return Ok(None) };
            infos.push((*place as u32, info));
        }
        let rarest = infos.iter().map(|(_, info)| info.doc_freq).min().unwrap_or(0);
        let mut words = Vec::with_capacity(infos.len());
        for (place, info) in infos {
            let way = if info.doc_freq / SOUGHT_BEYOND > rarest {
                Way::Sought(inverted.read_postings_from_terminfo(&info, IndexRecordOption::WithFreqsAndPositions)?)
            } else {
                Way::Walked {
                    postings: inverted.read_block_postings_from_terminfo(&info, IndexRecordOption::WithFreqs)?,
                    positions: PositionReader::open(all_positions.read_bytes_slice(info.positions_range.clone())?)?,
                    block_start: 0,
                    index: 0,
                    before: 0,
                }
            };
            words.push(WordCursor { place, way });
        }
        words.sort_by_key(WordCursor::doc_freq);
        let mut walker =
            Walker { words, norms, weight, doc: 0, occurrences: 0, starts: Vec::new(), others: Vec::new() };
        walker.find(0);
        Ok(Some(walker))
    }

    /// Moves to the first match from `target` on.
    fn find(&mut self, target: DocId) {
        let mut doc = target;
        'again: while doc != TERMINATED {
            for word in &mut self.words {
                let at = word.seek(doc);
                if at != doc {
                    doc = at;
                    continue 'again;
                }
            }
            let occurrences = self.occurrences_here();
            if occurrences > 0 {
                self.doc = doc;
                self.occurrences = occurrences;
                return;
            }
            doc += 1;
        }
        self.doc = TERMINATED;
    }

    /// How many times the words stand in a row in the entry every cursor is on.
    fn occurrences_here(&mut self) -> u32 {
        let Some((first, rest)) = self.words.split_first_mut() else { return 0 };
        first.starts(&mut self.starts);
        for word in rest {
            if self.starts.is_empty() {
                return 0;
            }
            word.starts(&mut self.others);
            let others = &self.others;
            let (mut j, mut kept) = (0, 0);
            for i in 0..self.starts.len() {
                let start = self.starts[i];
                while j < others.len() && others[j] < start {
                    j += 1;
                }
                if j < others.len() && others[j] == start {
                    self.starts[kept] = start;
                    kept += 1;
                }
            }
            self.starts.truncate(kept);
        }
        self.starts.len() as u32
    }

    fn score(&self) -> Score {
        self.weight.score(self.norms.fieldnorm_id(self.doc), self.occurrences)
    }
}

/// The best `wanted` hits of a segment, counting every match until `limit` is passed.
fn segment_top(
    reader: &SegmentReader,
    plans: &[(&PhraseField, Bm25Weight, Box<dyn Weight>)],
    walkers: &mut [Walker],
    wanted: usize,
    limit: usize,
) -> tantivy::Result<SegmentTop> {
    let alive = reader.alive_bitset();
    let is_alive = |doc: DocId| alive.is_none_or(|a| a.is_alive(doc));
    let mut top: SegmentHits =
        TopNComputer::new_with_comparator(wanted.min(reader.max_doc() as usize), NaturalComparator);
    let mut count = 0;
    // Every match counts: the walkers go from match to match.
    let last = loop {
        let doc = walkers.iter().map(|w| w.doc).min().unwrap_or(TERMINATED);
        if doc == TERMINATED {
            return Ok(SegmentTop::new(top, count));
        }
        let mut score = 0.0;
        for walker in walkers.iter_mut().filter(|w| w.doc == doc) {
            score += walker.score();
            walker.find(doc + 1);
        }
        if is_alive(doc) {
            count += 1;
            top.push(score, doc);
            if count > limit {
                break doc;
            }
        }
    };
    // Past the limit: only candidates whose best possible score reaches the top are asked.
    let mut parts = Vec::with_capacity(plans.len());
    for (field, bound, weight) in plans {
        if let Some(mut part) = FieldPart::open(reader, field, bound, weight.as_ref())? {
            part.next = part.holding_all(last + 1);
            parts.push(part);
        }
    }
    loop {
        let doc = parts.iter().map(|p| p.next).min().unwrap_or(TERMINATED);
        if doc == TERMINATED {
            break;
        }
        if let Some(least) = top.threshold {
            // The stretch up to the end of the first of the current blocks: skipped whole
            // when the blocks' bounds add up to less than the top needs.
            let mut end = TERMINATED;
            for part in parts.iter_mut().filter(|p| p.next != TERMINATED) {
                end = end.min(part.block_of(part.next).0);
            }
            let inside = |p: &FieldPart| p.next <= end;
            let best: Score = parts.iter_mut().filter(|p| inside(p)).map(|p| p.block_of(p.next).1).sum();
            if below(best, least) {
                for part in parts.iter_mut().filter(|p| inside(p)) {
                    part.next = part.holding_all(end + 1);
                }
                continue;
            }
        }
        let here = |p: &FieldPart| p.next == doc;
        let worth_it = top.threshold.is_none_or(|least| {
            let best: Score = parts.iter().filter(|p| here(p)).map(FieldPart::best_possible).sum();
            !below(best, least)
        });
        if worth_it && is_alive(doc) {
            let mut score: Option<Score> = None;
            for part in parts.iter_mut().filter(|p| here(p)) {
                if let Some(s) = part.score_here() {
                    score = Some(score.unwrap_or(0.0) + s);
                }
            }
            if let Some(score) = score {
                count += 1;
                top.push(score, doc);
            }
        }
        // A field alone on the candidate, with the top full: up to the next candidate of the
        // other fields, an entry is its field's alone, and needs its rarest word often enough.
        let alone = parts.iter().filter(|p| here(p)).count() == 1;
        let open = parts.iter().filter(|p| !here(p)).map(|p| p.next).min().unwrap_or(TERMINATED);
        for part in parts.iter_mut().filter(|p| here(p)) {
            part.next = match top.threshold {
                Some(least) if alone => part.holding_enough(doc + 1, open, least),
                _ => part.holding_all(doc + 1),
            };
        }
    }
    Ok(SegmentTop::new(top, count))
}

#[cfg(test)]
mod tests {
    use tantivy::query::{BooleanQuery, BoostQuery, Occur};
    use tantivy::schema::Field;
    use tantivy::Term;

    use super::*;
    use crate::testkit::{assert_pruned_like_every_match, generated_index, Generated, Rng};

    /// A few words, so that phrases of them match often, in fields of many lengths.
    const WORDS: [&str; 5] = ["oil", "price", "rise", "the", "talks"];

    /// Up to `most` words, a third of them from [`WORDS`], one in 3,000 `rare` (so that
    /// `the` is sought through its skip list in a phrase with it), the rest filler.
    fn text(rng: &mut Rng, most: u64) -> String {
        let n = rng.below(most + 1);
        let word = |rng: &mut Rng| match rng.below(3) {
            _ if rng.below(3_000) == 0 => "rare".to_string(),
            0 => WORDS[rng.below(WORDS.len() as u64) as usize].to_string(),
            _ => format!("w{}", rng.below(50)),
        };
        (0..n).map(|_| word(rng)).collect::<Vec<_>>().join(" ")
    }

    /// The phrase of `words` in the title (boosted by `boost`) and in the body: as our fields
    /// to prune, and as Tantivy's query scoring every match (the scores summed).
    fn title_and_body(words: &[&str], title: Field, body: Field, boost: Score) -> ([PhraseField; 2], BooleanQuery) {
        let terms =
            |field| words.iter().enumerate().map(|(p, w)| (p, Term::from_field_text(field, w))).collect::<Vec<_>>();
        let fields = [PhraseField { terms: terms(title), boost }, PhraseField { terms: terms(body), boost: 1.0 }];
        let every = BooleanQuery::new(vec![
            (
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(PhraseQuery::new_with_offset_and_slop(terms(title), 0)), boost)),
            ),
            (Occur::Should, Box::new(PhraseQuery::new_with_offset_and_slop(terms(body), 0))),
        ]);
        (fields, every)
    }

    /// Whatever the count's limit, page and segments (with deleted entries), the pruned
    /// phrase gives the hits and the total of Tantivy scoring every match of the same query
    /// (title boosted, body, summed). It fails when a candidate's bound is taken 0.7 times
    /// too low, or a block's 0.3 times.
    #[test]
    fn pruned_phrases_give_the_hits_of_scoring_every_match() {
        let Generated { searcher, title, body } = generated_index(12_000, 37, 0x9e37_79b9_7f4a_7c15, |rng, n| {
            // Long bodies, but short ones in stretches of a hundred (the best hits, when they
            // hold a phrase): the blocks of postings between stretches can be skipped whole.
            let length = if (n / 100) % 7 == 3 { 6 } else { 60 };
            (text(rng, 4), text(rng, length))
        });

        for words in [
            &["oil", "price"][..],
            &["price", "oil"],
            &["the", "the"],
            &["oil", "price", "rise"],
            &["talks", "the", "oil"],
            &["the", "rare"],
            &["rare", "the", "oil"],
        ] {
            let (fields, every) = title_and_body(words, title, body, 0.5);
            let pages = [(0, 10, 20), (0, 10, 200), (5, 20, 40), (0, 3, 10_000), (30, 10, 50)];
            assert_pruned_like_every_match(
                &searcher,
                &every,
                &pages,
                &format!("{words:?}"),
                |offset, limit, counter| top(&searcher, &fields, offset, limit, counter).expect("top"),
            );
        }
    }

    /// A field alone on its candidates passes over entries by its rarest word's count and
    /// their length, and by block, but never past the next candidate of the other field:
    /// entries holding the phrase in a short title and a body of any length, one in 25, keep
    /// the score of both fields among thousands holding it in the body only (once in a long
    /// body, or up to three times in a body of any length). It fails when a block of the body
    /// is passed over beyond the title's next candidate, or when an entry's bound is taken
    /// 1.3 times too low.
    #[test]
    fn a_field_alone_never_passes_over_the_other_fields_next_candidate() {
        let filler = |rng: &mut Rng, n: u64| (0..n).map(|_| format!("w{}", rng.below(50))).collect::<Vec<_>>();
        let Generated { searcher, title, body } = generated_index(9_000, 41, 0x2545_f491_4f6c_dd1d, |rng, n| {
            let (before, after) = (filler(rng, 30).join(" "), filler(rng, 30).join(" "));
            let length = 5 + rng.below(50);
            let times = 1 + rng.below(3) as usize;
            let body = match (n % 1_000, n % 25, n % 7) {
                (0, _, _) => "oil price oil price oil price".to_string(),
                // Bodies of every length, so that the best of these entries lie anywhere.
                (_, 12, _) => format!("oil price {}", filler(rng, length).join(" ")),
                // The phrase once to three times, in bodies of every length: some of them
                // about as good as the least of the top.
                (_, _, 3) => format!("{}{}", "oil price ".repeat(times), filler(rng, length).join(" ")),
                _ if rng.below(2) == 0 => format!("{before} oil price {after}"),
                _ => format!("{before} {after}"),
            };
            let title = if n % 25 == 12 { "oil price".to_string() } else { filler(rng, 3).join(" ") };
            (title, body)
        });
        let (fields, every) = title_and_body(&["oil", "price"], title, body, 0.1);
        let pages = [(0, 10, 20), (0, 10, 200), (5, 20, 40), (0, 40, 100), (30, 10, 50), (0, 100, 150), (50, 150, 300)];
        assert_pruned_like_every_match(&searcher, &every, &pages, "oil price", |offset, limit, counter| {
            top(&searcher, &fields, offset, limit, counter).expect("top")
        });
    }
}
