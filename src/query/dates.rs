//! The date filter (`--from`, `--to`, `--since`, `date:`), and which of Tantivy's two ways
//! of finding a date range it takes.
//!
//! The `date` field is both indexed and fast. Tantivy's fast-field range scans the date column
//! of every entry, and the words' union is then sought at each entry in range: for a week or a
//! month out of years of news that costs more than the word alone. The inverted index lists
//! the entries of each date (to the second) in the range, so a narrow range costs about as
//! many lookups as it has entries — and a wide one as many, which is why a range covering more
//! than [`NARROW_SHARE`] of the index's dates keeps the column scan.

use std::ops::Bound;

use tantivy::query::{EnableScoring, InvertedIndexRangeQuery, Query, RangeQuery, Weight};
use tantivy::schema::Field;
use tantivy::{DateTime, Searcher, Term};

/// Ranges covering at most this share of the time between the index's first and last date
/// go through the inverted index. Measured at 1M entries spread over 26 years: a day, a week,
/// a month and a year are 1.3–5× faster that way, rare word or common; 15 years out of the 26
/// are 7× slower.
const NARROW_SHARE: f64 = 0.10;

/// Entries dated from `from` (inclusive) to `to` (exclusive); `None` leaves a side open.
#[derive(Debug, Clone)]
pub struct DateRangeQuery {
    field: Field,
    from: Option<DateTime>,
    to: Option<DateTime>,
}

impl DateRangeQuery {
    /// The range of `field` from `from` (inclusive) to `to` (exclusive).
    pub fn new(field: Field, from: Option<DateTime>, to: Option<DateTime>) -> DateRangeQuery {
        DateRangeQuery { field, from, to }
    }

    fn bounds(&self) -> (Bound<Term>, Bound<Term>) {
        let term = |t: DateTime| Term::from_field_date(self.field, t);
        (
            self.from.map_or(Bound::Unbounded, |t| Bound::Included(term(t))),
            self.to.map_or(Bound::Unbounded, |t| Bound::Excluded(term(t))),
        )
    }

    /// True when the range covers at most [`NARROW_SHARE`] of the time between the first and
    /// the last date of the searcher's entries.
    pub fn is_narrow(&self, searcher: &Searcher) -> bool {
        self.share(searcher) <= NARROW_SHARE
    }

    /// The share of the time between the first and the last date of the searcher's entries
    /// that the range covers (0 when no entry has a date).
    pub fn share(&self, searcher: &Searcher) -> f64 {
        let name = searcher.schema().get_field_name(self.field);
        let (mut first, mut last) = (i64::MAX, i64::MIN);
        for reader in searcher.segment_readers() {
            let Ok(column) = reader.fast_fields().date(name) else { continue };
            if column.values.num_vals() == 0 {
                continue; // a segment of file records only: no dates
            }
            first = first.min(column.min_value().into_timestamp_secs());
            last = last.max(column.max_value().into_timestamp_secs());
        }
        if first > last {
            return 0.0;
        }
        let from = self.from.map_or(first, |t| t.into_timestamp_secs()).max(first);
        let to = self.to.map_or(last, |t| t.into_timestamp_secs()).min(last);
        let covered = (to - from).max(0) as f64;
        covered / (last - first).max(1) as f64
    }
}

impl Query for DateRangeQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let (lower, upper) = self.bounds();
        if scoring.searcher().is_some_and(|s| self.is_narrow(s)) {
            InvertedIndexRangeQuery::new(lower, upper).weight(scoring)
        } else {
            RangeQuery::new(lower, upper).weight(scoring)
        }
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::DocSetCollector;
    use tantivy::schema::{DateOptions, DateTimePrecision, Schema, STRING};
    use tantivy::{doc, Index, IndexWriter};

    use super::*;

    const DAY: i64 = 86_400;

    /// Both ways of finding a range give the entries the fast-field range gives, and the
    /// choice between them follows the share of the index's dates the range covers.
    #[test]
    fn narrow_and_wide_ranges_find_what_the_column_scan_finds() {
        let mut schema = Schema::builder();
        let date = schema.add_date_field(
            "date",
            DateOptions::default().set_indexed().set_fast().set_precision(DateTimePrecision::Seconds),
        );
        let kind = schema.add_text_field("kind", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer(15_000_000).unwrap();
        let start = 1_700_000_000;
        for i in 0..1000 {
            let t = DateTime::from_timestamp_secs(start + (i * 7919 % 1000) * DAY / 10);
            writer.add_document(doc!(date => t, kind => "entry")).unwrap();
            if i % 100 == 0 {
                writer.add_document(doc!(kind => "file")).unwrap();
            }
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let at = |days: i64| Some(DateTime::from_timestamp_secs(start + days * DAY));
        let cases = [
            (at(3), at(4), true),
            (at(0), at(9), true),
            (at(20), at(80), false),
            (None, at(5), true),
            (at(5), None, false),
        ];
        for (from, to, narrow) in cases {
            let ours = DateRangeQuery::new(date, from, to);
            assert_eq!(ours.is_narrow(&searcher), narrow, "{from:?}..{to:?}");
            let (lower, upper) = ours.bounds();
            let expected = searcher.search(&RangeQuery::new(lower, upper), &DocSetCollector).unwrap();
            assert!(!expected.is_empty());
            assert_eq!(searcher.search(&ours, &DocSetCollector).unwrap(), expected, "{from:?}..{to:?}");
        }
    }
}
