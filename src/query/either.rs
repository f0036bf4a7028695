//! A word in the title or the body, as one clause of a conjunction (`oil prices`) or as a
//! word excluded (`oil -opec`): the same matches and the same scores as Tantivy's union of
//! the two term queries, but a scorer that moves each field's postings only as far as it is
//! asked to.
//!
//! Tantivy's union buffers a window of 4,096 documents: every seek past the window clears it
//! and scores every posting of both fields inside the next one. That suits a union read from
//! end to end, and costs most when a rarer word leads an intersection (or another word's
//! candidates are checked against an excluded one) and the union is only asked about a few
//! documents per window. [`EitherScorer`] seeks each field's postings with
//! their skip lists and scores only the documents the intersection asks it to.

use std::fmt;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, Term, TERMINATED};

/// A word's title term (weighted by `title_boost`) or its body term.
#[derive(Clone)]
pub struct EitherField {
    title: Term,
    body: Term,
    title_boost: Score,
}

impl EitherField {
    /// The word `title` in the title (its score times `title_boost`) or `body` in the body.
    pub fn new(title: Term, body: Term, title_boost: Score) -> EitherField {
        EitherField { title, body, title_boost }
    }

    /// The title term, the body term and the title's boost.
    pub fn parts(&self) -> (&Term, &Term, Score) {
        (&self.title, &self.body, self.title_boost)
    }
}

impl fmt::Debug for EitherField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EitherField({:?}^{} OR {:?})", self.title, self.title_boost, self.body)
    }
}

impl Query for EitherField {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        // The BM25 weight Tantivy's term query would give each term.
        let part = |term: &Term, boost: Score| -> tantivy::Result<Part> {
            let bm25 = match scoring {
                EnableScoring::Enabled { statistics_provider, .. } => {
                    Some(Bm25Weight::for_terms(statistics_provider, std::slice::from_ref(term))?)
                }
                EnableScoring::Disabled { .. } => None,
            };
            Ok(Part { term: term.clone(), bm25, boost })
        };
        Ok(Box::new(EitherWeight { title: part(&self.title, self.title_boost)?, body: part(&self.body, 1.0)? }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        visitor(&self.title, false);
        visitor(&self.body, false);
    }
}

/// One field's term and what scoring it takes.
struct Part {
    term: Term,
    /// Tantivy's BM25 weight for the term, before the field's boost (`None` when nothing is
    /// scored).
    bm25: Option<Bm25Weight>,
    boost: Score,
}

impl Part {
    /// The term's postings in one segment, scored as Tantivy's term scorer scores them;
    /// `None` when the segment lacks the term.
    fn open(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Option<FieldScorer>> {
        let inverted = reader.inverted_index(self.term.field())?;
        let Some(info) = inverted.get_term_info(&self.term)? else { return Ok(None) };
        let option = if self.bm25.is_some() { IndexRecordOption::WithFreqs } else { IndexRecordOption::Basic };
        let postings = inverted.read_postings_from_terminfo(&info, option)?;
        let norms = match self.bm25 {
            Some(_) => reader.fieldnorms_readers().get_field(self.term.field())?,
            None => None,
        };
        let norms = norms.unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1));
        let bm25 = self.bm25.as_ref().map(|w| w.boost_by(boost * self.boost));
        Ok(Some(FieldScorer { postings, norms, bm25 }))
    }
}

struct EitherWeight {
    title: Part,
    body: Part,
}

impl Weight for EitherWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        // Where one field lacks the word, the other field's postings alone are the union.
        Ok(match (self.title.open(reader, boost)?, self.body.open(reader, boost)?) {
            (Some(title), Some(body)) => Box::new(EitherScorer::new(title, body)),
            (Some(one), None) | (None, Some(one)) => Box::new(one),
            (None, None) => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let (mut matched, mut total, mut details) = (false, 0.0, Vec::new());
        for part in [&self.title, &self.body] {
            let Some(mut field) = part.open(reader, 1.0)? else { continue };
            if field.seek(doc) != doc {
                continue;
            }
            matched = true;
            total += field.score();
            if let Some(bm25) = &field.bm25 {
                let mut detail = bm25.explain(field.norms.fieldnorm_id(doc), field.postings.term_freq());
                detail.add_context(format!("Term={:?}", part.term));
                details.push(detail);
            }
        }
        if !matched {
            return Err(TantivyError::InvalidArgument(format!("Document #({doc}) does not match")));
        }
        let mut sum = Explanation::new("title or body, sum of", total);
        details.into_iter().for_each(|d| sum.add_detail(d));
        Ok(sum)
    }
}

/// One field's postings of the word, scored like Tantivy's term scorer.
struct FieldScorer {
    postings: SegmentPostings,
    norms: FieldNormReader,
    bm25: Option<Bm25Weight>,
}

impl DocSet for FieldScorer {
    #[inline]
    fn advance(&mut self) -> DocId {
        self.postings.advance()
    }

    #[inline]
    fn seek(&mut self, target: DocId) -> DocId {
        self.postings.seek(target)
    }

    #[inline]
    fn doc(&self) -> DocId {
        self.postings.doc()
    }

    fn size_hint(&self) -> u32 {
        self.postings.size_hint()
    }
}

impl Scorer for FieldScorer {
    #[inline]
    fn score(&mut self) -> Score {
        match &self.bm25 {
            Some(bm25) => bm25.score(self.norms.fieldnorm_id(self.postings.doc()), self.postings.term_freq()),
            None => 1.0,
        }
    }
}

/// The union of a word's title and body postings, seeking each lazily.
struct EitherScorer {
    title: FieldScorer,
    body: FieldScorer,
    doc: DocId,
}

impl EitherScorer {
    fn new(title: FieldScorer, body: FieldScorer) -> EitherScorer {
        let doc = title.doc().min(body.doc());
        EitherScorer { title, body, doc }
    }
}

impl DocSet for EitherScorer {
    #[inline]
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        if self.title.postings.doc() == self.doc {
            self.title.postings.advance();
        }
        if self.body.postings.doc() == self.doc {
            self.body.postings.advance();
        }
        self.doc = self.title.postings.doc().min(self.body.postings.doc());
        self.doc
    }

    #[inline]
    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        if self.title.postings.doc() < target {
            self.title.postings.seek(target);
        }
        if self.body.postings.doc() < target {
            self.body.postings.seek(target);
        }
        self.doc = self.title.postings.doc().min(self.body.postings.doc());
        self.doc
    }

    #[inline]
    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.title.postings.size_hint().saturating_add(self.body.postings.size_hint())
    }
}

impl Scorer for EitherScorer {
    #[inline]
    fn score(&mut self) -> Score {
        let mut score = 0.0;
        if self.title.postings.doc() == self.doc {
            score += self.title.score();
        }
        if self.body.postings.doc() == self.doc {
            score += self.body.score();
        }
        score
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, BoostQuery, Occur, TermQuery};
    use tantivy::{DocAddress, Searcher};

    use super::*;
    use crate::testkit::{generated_index, Generated, Rng};

    /// Up to `most` words drawn from `words`, the first ones more often.
    fn text(rng: &mut Rng, words: &[&str], most: u64) -> String {
        let n = rng.below(most + 1);
        (0..n)
            .map(|_| {
                let i = rng.below(words.len() as u64).min(rng.below(words.len() as u64));
                words[i as usize]
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    const COMMON: [&str; 8] = ["oil", "price", "the", "talk", "bank", "rate", "war", "fund"];

    /// The top hits (with their scores) and the count of `query`.
    fn run(searcher: &Searcher, query: &dyn Query) -> (Vec<(Score, DocAddress)>, usize) {
        let top = TopDocs::with_limit(25).order_by_score();
        searcher.search(query, &(top, Count)).expect("search")
    }

    /// The same hits in the same order with the same scores, but for the last bits of a
    /// score: an intersection adds its clauses' scores cheapest first, and Tantivy's union
    /// reports no cost once it has buffered all of a small segment's postings, so the sums
    /// may be taken in another order.
    fn assert_same_ranking(ours: &[(Score, DocAddress)], theirs: &[(Score, DocAddress)], what: &str) {
        assert_eq!(ours.len(), theirs.len(), "{what}");
        for ((a, x), (b, y)) in ours.iter().zip(theirs) {
            assert!((a - b).abs() <= 1e-5 * b.abs().max(1.0), "{what}: {ours:?} against {theirs:?}");
            // Hits may swap places only when their scores are as close.
            if x != y {
                let other = theirs.iter().find(|(_, d)| d == x).map(|(s, _)| *s);
                assert!(
                    other.is_some_and(|s| (s - a).abs() <= 1e-5 * a.abs().max(1.0)),
                    "{what}: {ours:?} against {theirs:?}"
                );
            }
        }
    }

    /// In conjunctions, as an exclusion and beside optional words, a word as an
    /// [`EitherField`] gives exactly the hits, scores and counts of Tantivy's union of its
    /// boosted title term and its body term, over segments with deleted entries, where one
    /// field lacks a word in a segment, and where no field has it.
    #[test]
    fn a_word_in_either_field_matches_and_scores_as_tantivys_union() {
        let Generated { searcher, title, body } = generated_index(9_000, 41, 0x2545_f491_4f6c_dd1d, |rng, n| {
            let (mut t, mut b) = (text(rng, &COMMON, 5), text(rng, &COMMON, 80));
            // `opec` is only ever in bodies, `summit` in titles; `kuwait` in both fields but
            // only in the first segment.
            if rng.below(9) == 0 {
                b.push_str(" opec");
            }
            if rng.below(11) == 0 {
                t.push_str(" summit");
            }
            if n < 3_000 && rng.below(5) == 0 {
                if rng.below(2) == 0 {
                    t.push_str(" kuwait")
                } else {
                    b.push_str(" kuwait")
                }
            }
            (t, b)
        });

        let either = |word: &str| -> Box<dyn Query> {
            let (t, b) = (Term::from_field_text(title, word), Term::from_field_text(body, word));
            Box::new(EitherField::new(t, b, 0.5))
        };
        let union = |word: &str| -> Box<dyn Query> {
            let term =
                |field| Box::new(TermQuery::new(Term::from_field_text(field, word), IndexRecordOption::WithFreqs));
            Box::new(BooleanQuery::new(vec![
                (Occur::Should, Box::new(BoostQuery::new(term(title), 0.5))),
                (Occur::Should, term(body)),
            ]))
        };
        let shapes: [&[(Occur, &str)]; 10] = [
            &[(Occur::Must, "oil"), (Occur::Must, "price")],
            &[(Occur::Must, "the"), (Occur::Must, "war"), (Occur::Must, "fund")],
            &[(Occur::Must, "opec"), (Occur::Must, "bank")],
            &[(Occur::Must, "summit"), (Occur::Must, "rate")],
            &[(Occur::Must, "kuwait"), (Occur::Must, "oil")],
            &[(Occur::Must, "oil"), (Occur::Must, "talk"), (Occur::MustNot, "opec")],
            &[(Occur::Must, "rate"), (Occur::Must, "bank"), (Occur::Should, "summit")],
            &[(Occur::Must, "oil"), (Occur::Must, "nowhere")],
            // One word with another excluded: the excluded one sought as each candidate comes.
            &[(Occur::Must, "bank"), (Occur::MustNot, "summit")],
            &[(Occur::Must, "war"), (Occur::MustNot, "kuwait")],
        ];
        for shape in shapes {
            let build = |word: &dyn Fn(&str) -> Box<dyn Query>| {
                BooleanQuery::new(shape.iter().map(|(occur, w)| (*occur, word(w))).collect())
            };
            let (ours, theirs) = (build(&either), build(&union));
            let (ours_top, ours_count) = run(&searcher, &ours);
            let (theirs_top, theirs_count) = run(&searcher, &theirs);
            assert_eq!(ours_count, theirs_count, "{shape:?}");
            assert_same_ranking(&ours_top, &theirs_top, &format!("{shape:?}"));
            assert_eq!(ours.count(&searcher).expect("count"), theirs_count, "{shape:?}");
            if let Some((score, first)) = theirs_top.first() {
                assert_eq!(ours.explain(&searcher, *first).expect("explain").value(), *score);
            }
            let expected_some = !shape.iter().any(|(_, w)| *w == "nowhere");
            assert_eq!(theirs_count > 0, expected_some, "{shape:?}: the test's data should match");
        }
    }
}
