//! The date filter (`--from`, `--to`, `--since`, `date:`), and which of two ways of finding
//! a date range it takes.
//!
//! The `date` field is both indexed (one term per second) and fast. Tantivy's fast-field range
//! scans the date column of every entry, and the words are then sought at each entry in
//! range: for a week or a month out of years of news that costs more than the word alone. A
//! narrow range is read from the inverted index instead: the whole days it covers from the
//! `day` field (one term per day), the part-days at its ends from `date`'s terms. Reading
//! every second of a year from `date` (a term per second holding an entry, 38,000 at a
//! million entries) cost more than the word it filtered. A range covering more than
//! [`NARROW_SHARE`] of the index's dates keeps the column scan.

use std::ops::Bound;

use tantivy::query::{BitSetDocSet, ConstScorer, EnableScoring, Explanation, Query, RangeQuery, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{BitSet, DateTime, DocId, DocSet, Score, Searcher, SegmentReader, TantivyError, Term};

use crate::index::schema::{day_of, DAY_SECONDS};

/// Ranges covering at most this share of the time between the index's first and last date
/// go through the inverted index (unless a rare word leads: [`LEAD_FACTOR`]), wider ones
/// through the date column. Measured at 1M entries spread over 26 years, with whole days read
/// from `day`: three years of a word in half the entries (`bank`) 3× faster than through the
/// column; a year, a month, a week and a day faster for rare words and common. From this
/// share up, a common word under the range is pruned by `search::filtered` (its
/// `BROAD_SHARE`), which looks up the dates of a few candidates only, and a rare word leads
/// the column's lookups.
const NARROW_SHARE: f64 = 0.25;

/// Ranges covering at most this share of the index's time are read from the inverted index
/// whatever the words: the date column's range starts by scanning the column for its first
/// entry, which for a year or less of an index in date order (files walked in date order)
/// costs more than reading the range (at 1M, `kashmir` in 2015 0.79 ms that way, 1.13 ms
/// through the column).
const LEAD_SHARE: f64 = 0.10;

/// Above [`LEAD_SHARE`], a range is left to the date column when the word it is intersected
/// with holds fewer than a quarter as many entries as it does: each of the word's entries is
/// then looked up in the column, which costs less than reading the range. Measured at 1M
/// entries, fresh processes: `kashmir` (450 entries) in 2012–2016 1.5 → 0.6 ms, `espresso`
/// in 2010–2015 1.6 → 0.5 ms, `fraud` (20,000) in 2012–2014 (120,000) 1.2 → 0.9 ms.
const LEAD_FACTOR: f64 = 4.0;

/// Entries dated from `from` (inclusive) to `to` (exclusive); `None` leaves a side open.
#[derive(Debug, Clone)]
pub struct DateRangeQuery {
    field: Field,
    day: Field,
    from: Option<DateTime>,
    to: Option<DateTime>,
    /// Words every entry it is intersected with holds, each as its terms in the fields it is
    /// searched in (see [`DateRangeQuery::led_by`]).
    lead: Vec<Vec<Term>>,
}

impl DateRangeQuery {
    /// The range of the date field `field`, whose days the field `day` holds, from `from`
    /// (inclusive) to `to` (exclusive).
    pub fn new(field: Field, day: Field, from: Option<DateTime>, to: Option<DateTime>) -> DateRangeQuery {
        DateRangeQuery { field, day, from, to, lead: Vec::new() }
    }

    /// The same range, intersected with words every match holds (each word as its terms in
    /// the fields it is searched in): when the rarest of them holds few entries against a
    /// range wider than [`LEAD_SHARE`], their dates are looked up in the column rather than
    /// the range read whole.
    pub fn led_by(mut self, lead: Vec<Vec<Term>>) -> DateRangeQuery {
        self.lead = lead;
        self
    }

    /// The whole range as bounds of `date` terms.
    fn bounds(&self) -> (Bound<Term>, Bound<Term>) {
        self.seconds(self.from.map(DateTime::into_timestamp_secs), self.to.map(DateTime::into_timestamp_secs))
    }

    /// Bounds of `date` terms from the second `from` (inclusive) to `to` (exclusive).
    fn seconds(&self, from: Option<i64>, to: Option<i64>) -> (Bound<Term>, Bound<Term>) {
        let at = |secs| Term::from_field_date(self.field, DateTime::from_timestamp_secs(secs));
        (
            from.map_or(Bound::Unbounded, |s| Bound::Included(at(s))),
            to.map_or(Bound::Unbounded, |s| Bound::Excluded(at(s))),
        )
    }

    /// The range in terms of the inverted index: the whole days it covers as a range of
    /// `day` terms, and what it covers of the days at either end as ranges of `date` terms
    /// (the whole range when it holds no whole day).
    fn pieces(&self) -> Vec<(Bound<Term>, Bound<Term>)> {
        let from = self.from.map(DateTime::into_timestamp_secs);
        let to = self.to.map(DateTime::into_timestamp_secs);
        // The first whole day, and the day after the last.
        let first = from.map(|s| day_of(s + DAY_SECONDS - 1));
        let end = to.map(day_of);
        if let (Some(first), Some(end)) = (first, end) {
            if first >= end {
                return vec![self.seconds(from, to)];
            }
        }
        let day = |d: Option<i64>| d.map(|d| Term::from_field_i64(self.day, d));
        let mut pieces = vec![(
            day(first).map_or(Bound::Unbounded, Bound::Included),
            day(end).map_or(Bound::Unbounded, Bound::Excluded),
        )];
        if let (Some(from), Some(first)) = (from, first) {
            if from < first * DAY_SECONDS {
                pieces.push(self.seconds(Some(from), Some(first * DAY_SECONDS)));
            }
        }
        if let (Some(to), Some(end)) = (to, end) {
            if end * DAY_SECONDS < to {
                pieces.push(self.seconds(Some(end * DAY_SECONDS), Some(to)));
            }
        }
        pieces
    }

    /// True when the range is read from the inverted index: it covers at most
    /// [`NARROW_SHARE`] of the time between the first and the last date of the searcher's
    /// entries, and the words it leads with (if any) hold at least a [`LEAD_FACTOR`]th as many
    /// entries as it is expected to.
    pub fn reads_inverted(&self, searcher: &Searcher) -> bool {
        let share = self.share(searcher);
        if share > NARROW_SHARE {
            return false;
        }
        if share <= LEAD_SHARE {
            return true;
        }
        let holding = |word: &Vec<Term>| {
            word.iter().fold(0u64, |sum, term| sum.saturating_add(searcher.doc_freq(term).unwrap_or(u64::MAX)))
        };
        match self.lead.iter().map(holding).min() {
            Some(rarest) => rarest as f64 * LEAD_FACTOR >= share * searcher.num_docs() as f64,
            None => true,
        }
    }

    /// The share of the time between the first and the last date of the searcher's entries
    /// that the range covers (0 when no entry has a date).
    pub fn share(&self, searcher: &Searcher) -> f64 {
        let Some((first, last)) = dated_span(searcher, self.field) else { return 0.0 };
        let (first, last) = (first.into_timestamp_secs(), last.into_timestamp_secs());
        let from = self.from.map_or(first, |t| t.into_timestamp_secs()).max(first);
        let to = self.to.map_or(last, |t| t.into_timestamp_secs()).min(last);
        let covered = (to - from).max(0) as f64;
        covered / (last - first).max(1) as f64
    }
}

/// The first and the last date of the searcher's entries in the date field `field` (`None`
/// when no entry has a date), from each segment's column summary.
pub fn dated_span(searcher: &Searcher, field: Field) -> Option<(DateTime, DateTime)> {
    let name = searcher.schema().get_field_name(field);
    let mut span: Option<(DateTime, DateTime)> = None;
    for reader in searcher.segment_readers() {
        let Ok(column) = reader.fast_fields().date(name) else { continue };
        if column.values.num_vals() == 0 {
            continue; // a segment of file records only: no dates
        }
        let (first, last) = (column.min_value(), column.max_value());
        span = Some(span.map_or((first, last), |(f, l)| (f.min(first), l.max(last))));
    }
    span
}

impl Query for DateRangeQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        if scoring.searcher().is_some_and(|s| self.reads_inverted(s)) {
            Ok(Box::new(TermRangesWeight { pieces: self.pieces() }))
        } else {
            let (lower, upper) = self.bounds();
            RangeQuery::new(lower, upper).weight(scoring)
        }
    }
}

/// The entries holding any term of some ranges of terms (each range within one field),
/// gathered in one bit set per segment.
struct TermRangesWeight {
    pieces: Vec<(Bound<Term>, Bound<Term>)>,
}

impl TermRangesWeight {
    /// Marks in `docs` the entries holding a term of `(lower, upper)`.
    fn gather(
        reader: &SegmentReader,
        (lower, upper): &(Bound<Term>, Bound<Term>),
        docs: &mut BitSet,
    ) -> tantivy::Result<()> {
        let Some(field) = [lower, upper].into_iter().find_map(|b| match b {
            Bound::Included(t) | Bound::Excluded(t) => Some(t.field()),
            Bound::Unbounded => None,
        }) else {
            return Err(TantivyError::InvalidArgument("a date range open at both ends".to_string()));
        };
        let index = reader.inverted_index(field)?;
        let mut range = index.terms().range();
        range = match lower {
            Bound::Included(t) => range.ge(t.serialized_value_bytes()),
            Bound::Excluded(t) => range.gt(t.serialized_value_bytes()),
            Bound::Unbounded => range,
        };
        range = match upper {
            Bound::Included(t) => range.le(t.serialized_value_bytes()),
            Bound::Excluded(t) => range.lt(t.serialized_value_bytes()),
            Bound::Unbounded => range,
        };
        let mut terms = range.into_stream()?;
        while terms.advance() {
            let mut postings = index.read_block_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)?;
            while !postings.docs().is_empty() {
                for &doc in postings.docs() {
                    docs.insert(doc);
                }
                postings.advance();
            }
        }
        Ok(())
    }
}

impl Weight for TermRangesWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut docs = BitSet::with_max_value(reader.max_doc());
        for piece in &self.pieces {
            TermRangesWeight::gather(reader, piece, &mut docs)?;
        }
        Ok(Box::new(ConstScorer::new(BitSetDocSet::from(docs), boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        if self.scorer(reader, 1.0)?.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!("entry {doc} is not in the date range")));
        }
        Ok(Explanation::new("date range", 1.0))
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::DocSetCollector;
    use tantivy::schema::{DateOptions, DateTimePrecision, NumericOptions, Schema, STRING};
    use tantivy::{doc, Index, IndexWriter};

    use super::*;

    /// Both ways of finding a range give the entries the fast-field range gives, whether its
    /// ends fall at midnight or within a day, and the choice between them follows the share
    /// of the index's dates the range covers.
    #[test]
    fn narrow_and_wide_ranges_find_what_the_column_scan_finds() {
        let mut schema = Schema::builder();
        let date = schema.add_date_field(
            "date",
            DateOptions::default().set_indexed().set_fast().set_precision(DateTimePrecision::Seconds),
        );
        let day = schema.add_i64_field("day", NumericOptions::default().set_indexed());
        let kind = schema.add_text_field("kind", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer(15_000_000).unwrap();
        // Midnight of a day, so that whole days and part-days are told apart below; entries
        // every 2.4 hours over 100 days, in a shuffled order.
        let start = 19_675 * DAY_SECONDS;
        for i in 0..1000 {
            let secs = start + (i * 7919 % 1000) * DAY_SECONDS / 10;
            let t = DateTime::from_timestamp_secs(secs);
            let tag = if i % 100 == 1 { "rare" } else { "common" };
            writer.add_document(doc!(date => t, day => day_of(secs), kind => "entry", kind => tag)).unwrap();
            if i % 100 == 0 {
                writer.add_document(doc!(kind => "file")).unwrap();
            }
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let at = |days: i64| Some(DateTime::from_timestamp_secs(start + days * DAY_SECONDS));
        let at_hour = |hours: i64| Some(DateTime::from_timestamp_secs(start + hours * 3600));
        let cases = [
            (at(3), at(4), true),
            (at(0), at(9), true),
            (at(10), at(30), true),
            (at(20), at(80), false),
            (None, at(5), true),
            (at(5), None, false),
            // Part-days: within one day, across one midnight, around whole days, open ends.
            (at_hour(26), at_hour(40), true),
            (at_hour(40), at_hour(50), true),
            (at_hour(29), at_hour(100), true),
            (at_hour(48), at_hour(101), true),
            (at_hour(29), at_hour(96), true),
            (None, at_hour(101), true),
            (at_hour(2390), None, true),
        ];
        for (from, to, narrow) in cases {
            let ours = DateRangeQuery::new(date, day, from, to);
            assert_eq!(ours.reads_inverted(&searcher), narrow, "{from:?}..{to:?}");
            let (lower, upper) = ours.bounds();
            let expected = searcher.search(&RangeQuery::new(lower, upper), &DocSetCollector).unwrap();
            assert!(!expected.is_empty());
            assert_eq!(searcher.search(&ours, &DocSetCollector).unwrap(), expected, "{from:?}..{to:?}");
        }

        // Led by a word of ten entries, a fifth of the time is left to the column, a tenth is
        // not; led by a word of every entry, both are read from the inverted index.
        let word = |w: &str| vec![vec![Term::from_field_text(kind, w)]];
        for (from, to, rare, common) in [(at(10), at(30), false, true), (at(0), at(9), true, true)] {
            for (lead, inverted) in [(word("rare"), rare), (word("common"), common)] {
                let ours = DateRangeQuery::new(date, day, from, to).led_by(lead);
                assert_eq!(ours.reads_inverted(&searcher), inverted, "{from:?}..{to:?}");
            }
        }
    }
}
