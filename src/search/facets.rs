//! Facets: how the matching entries (all of them, not just the page shown) spread over
//! agencies, authors and time. Counted from fast-field columns while the query runs, in the
//! same pass as the hits; stored documents are never read.
//!
//! The timeline counts entries per day first, then groups the days into calendar buckets
//! whose width suits the span of the matches ([`Interval::for_span`]). Buckets run without
//! gaps from the first match to the last (empty ones count 0), so they can be drawn as is;
//! their counts plus `undated` add up to the total.

use std::collections::HashMap;

use chrono::NaiveDate;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Cardinality, Column, StrColumn};
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::date::{date_of_unix_day, unix_day, Interval};

/// Most values listed per facet (the most frequent first).
pub const FACET_LIMIT: usize = 20;

/// Widest day span counted in a flat array; wider spans (odd dates) fall back to a map.
const MAX_DENSE_DAYS: i64 = 60_000;

/// A value and the number of matching entries that have it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ValueCount {
    /// The agency or author, as written in the entries.
    pub value: String,
    /// Matching entries with it.
    pub count: usize,
}

/// One bucket of a timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    /// First day of the bucket.
    pub start: NaiveDate,
    /// Matching entries dated within it.
    pub count: usize,
}

/// Matches over time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    /// Width of the buckets.
    pub interval: Interval,
    /// From the bucket of the earliest match to that of the latest, without gaps.
    pub buckets: Vec<Bucket>,
    /// Matching entries without a date.
    pub undated: usize,
}

/// Counts of the matching entries per agency, per author and over time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facets {
    /// Agencies, most matches first (at most [`FACET_LIMIT`]).
    pub sources: Vec<ValueCount>,
    /// Authors, most matches first (at most [`FACET_LIMIT`]).
    pub authors: Vec<ValueCount>,
    /// Matches per day, week, month or year.
    pub timeline: Timeline,
}

/// Collects [`Facets`] for every matching entry.
pub struct FacetCollector;

impl Collector for FacetCollector {
    type Fruit = Facets;
    type Child = SegmentFacets;

    fn for_segment(&self, _ord: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<SegmentFacets> {
        let fast = segment.fast_fields();
        let dates: Option<Column<DateTime>> = fast.column_opt("date")?;
        let days = dates.as_ref().map_or(DayCounts::Sparse(HashMap::new()), |column| {
            let first = unix_day(column.min_value().into_timestamp_secs());
            let last = unix_day(column.max_value().into_timestamp_secs());
            if last >= first && last - first < MAX_DENSE_DAYS {
                DayCounts::Dense { first, counts: vec![0; (last - first + 1) as usize] }
            } else {
                DayCounts::Sparse(HashMap::new())
            }
        });
        Ok(SegmentFacets {
            dates,
            days,
            undated: 0,
            sources: ValueCounts::new(fast.str("sources")?),
            authors: ValueCounts::new(fast.str("authors")?),
            block: Vec::with_capacity(BLOCK),
            values: Vec::with_capacity(BLOCK),
            dated: Vec::with_capacity(BLOCK),
            rows: Vec::with_capacity(BLOCK),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<Facets> {
        let undated = fruits.iter().map(|f| f.undated).sum();
        // A day counted in several segments falls in one bucket all the same.
        let days = fruits.iter().flat_map(|f| f.days.iter().copied()).collect();
        let (sources, authors) = match fruits.as_slice() {
            // One segment (most indexes): only the values listed are named.
            [one] => (one.sources.top(), one.authors.top()),
            _ => (merged(fruits.iter().map(|f| &f.sources)), merged(fruits.iter().map(|f| &f.authors))),
        };
        Ok(Facets { sources, authors, timeline: timeline(days, undated) })
    }
}

/// Per-day counts of one segment.
enum DayCounts {
    Dense { first: i64, counts: Vec<u32> },
    Sparse(HashMap<i64, u32>),
}

/// Term ordinals counted in a table; the ordinals of a larger dictionary past it go to a map.
/// A damaged dictionary may claim any number of terms, and a table of that size would take
/// minutes to scan.
const TABLE_TERMS: usize = 1 << 20;

/// Per-value counts of one multi-valued text column of one segment.
struct ValueCounts {
    column: Option<StrColumn>,
    counts: Vec<u32>,
    /// Counts of the ordinals past [`TABLE_TERMS`].
    beyond: HashMap<u64, u32>,
    terms: u64,
    docs: Vec<DocId>,
    rows: Vec<u32>,
    ords: Vec<u64>,
}

impl ValueCounts {
    fn new(column: Option<StrColumn>) -> ValueCounts {
        let terms = column.as_ref().map_or(0, |c| c.dictionary().num_terms());
        let counts = vec![0; terms.min(TABLE_TERMS)];
        let terms = terms as u64;
        ValueCounts {
            column,
            counts,
            beyond: HashMap::new(),
            terms,
            docs: Vec::new(),
            rows: Vec::new(),
            ords: Vec::new(),
        }
    }

    /// Counts the values of a block of documents (in increasing order); a value repeated
    /// within one document counts once.
    fn add_block(&mut self, block: &[DocId]) {
        let Some(column) = &self.column else { return };
        let ords = column.ords();
        self.docs.clear();
        self.rows.clear();
        ords.row_ids_for_docs(block, &mut self.docs, &mut self.rows);
        self.ords.clear();
        self.ords.resize(self.rows.len(), 0);
        ords.values.get_vals(&self.rows, &mut self.ords);
        let mut group_start = 0;
        for i in 0..self.ords.len() {
            if i > 0 && self.docs[i] != self.docs[i - 1] {
                group_start = i;
            }
            let ord = self.ords[i];
            if self.ords[group_start..i].contains(&ord) {
                continue;
            }
            if let Some(c) = self.counts.get_mut(ord as usize) {
                *c += 1;
            } else if ord < self.terms {
                *self.beyond.entry(ord).or_default() += 1;
            }
        }
    }

    fn harvest(self) -> OrdCounts {
        let mut counts: Vec<(u64, u32)> =
            self.counts.iter().enumerate().filter(|(_, &n)| n > 0).map(|(o, &n)| (o as u64, n)).collect();
        let mut beyond: Vec<(u64, u32)> = self.beyond.into_iter().collect();
        beyond.sort_unstable();
        counts.extend(beyond);
        OrdCounts { column: self.column, counts }
    }
}

/// What one segment counted of one column: each value's term ordinal (in increasing order)
/// and count, and the column whose dictionary names them.
struct OrdCounts {
    column: Option<StrColumn>,
    counts: Vec<(u64, u32)>,
}

impl OrdCounts {
    /// The values of `counts` (ordinals in increasing order), named from the dictionary in one
    /// pass over it.
    fn name(&self, counts: &[(u64, u32)]) -> Vec<(String, usize)> {
        let Some(column) = &self.column else { return Vec::new() };
        let ords: Vec<u64> = counts.iter().map(|&(o, _)| o).collect();
        let mut out = Vec::with_capacity(ords.len());
        let mut next = counts.iter();
        let _ = column.dictionary().sorted_ords_to_term_cb(&ords, |bytes| {
            if let Some(&(_, n)) = next.next() {
                out.push((String::from_utf8_lossy(bytes).into_owned(), n as usize));
            }
        });
        out
    }

    /// Every value counted, named.
    fn named(&self) -> Vec<(String, usize)> {
        self.name(&self.counts)
    }

    /// The most frequent values, ties in alphabetical order, as [`top`] gives them: the
    /// dictionary's order is the values' byte order, so ties are broken on the ordinals, and
    /// only the values listed are named.
    fn top(&self) -> Vec<ValueCount> {
        let mut best = self.counts.clone();
        let by_count = |a: &(u64, u32), b: &(u64, u32)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
        if best.len() > FACET_LIMIT {
            best.select_nth_unstable_by(FACET_LIMIT - 1, by_count);
            best.truncate(FACET_LIMIT);
        }
        best.sort_unstable();
        top(self.name(&best))
    }
}

/// Documents buffered before their columns are read in one go.
const BLOCK: usize = 512;

/// Counts of one segment while it is searched.
pub struct SegmentFacets {
    dates: Option<Column<DateTime>>,
    days: DayCounts,
    undated: usize,
    sources: ValueCounts,
    authors: ValueCounts,
    block: Vec<DocId>,
    /// The dates read from the block, the entries that have one and their rows.
    values: Vec<DateTime>,
    dated: Vec<DocId>,
    rows: Vec<u32>,
}

/// What one segment counted.
pub struct SegmentFruit {
    days: Vec<(i64, usize)>,
    undated: usize,
    sources: OrdCounts,
    authors: OrdCounts,
}

impl SegmentFacets {
    /// Counts the buffered documents.
    fn flush(&mut self) {
        if self.block.is_empty() {
            return;
        }
        // The dates of the block's dated entries, read for the whole block at once: the
        // column's index turns the (ordered) entries into rows one index block at a time.
        self.values.clear();
        match &self.dates {
            Some(column) if column.get_cardinality() != Cardinality::Multivalued => {
                self.dated.clear();
                self.rows.clear();
                column.index.docids_to_rowids(&self.block, &mut self.dated, &mut self.rows);
                self.values.resize(self.rows.len(), DateTime::from_timestamp_secs(0));
                column.values.get_vals(&self.rows, &mut self.values);
            }
            Some(column) => {
                self.values.extend(self.block.iter().filter_map(|&doc| column.first(doc)));
            }
            None => {}
        }
        self.undated += self.block.len() - self.values.len();
        for date in &self.values {
            let day = unix_day(date.into_timestamp_secs());
            match &mut self.days {
                DayCounts::Dense { first, counts } => {
                    if let Some(c) = usize::try_from(day - *first).ok().and_then(|i| counts.get_mut(i)) {
                        *c += 1;
                    }
                }
                DayCounts::Sparse(map) => *map.entry(day).or_default() += 1,
            }
        }
        self.sources.add_block(&self.block);
        self.authors.add_block(&self.block);
        self.block.clear();
    }
}

impl SegmentCollector for SegmentFacets {
    type Fruit = SegmentFruit;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.block.push(doc);
        if self.block.len() >= BLOCK {
            self.flush();
        }
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        self.block.extend_from_slice(docs);
        if self.block.len() >= BLOCK {
            self.flush();
        }
    }

    fn harvest(mut self) -> SegmentFruit {
        self.flush();
        let days = match self.days {
            DayCounts::Dense { first, counts } => counts
                .into_iter()
                .enumerate()
                .filter(|(_, n)| *n > 0)
                .map(|(i, n)| (first + i as i64, n as usize))
                .collect(),
            DayCounts::Sparse(map) => map.into_iter().map(|(d, n)| (d, n as usize)).collect(),
        };
        SegmentFruit { days, undated: self.undated, sources: self.sources.harvest(), authors: self.authors.harvest() }
    }
}

/// The most frequent values, ties in alphabetical order.
fn top(counts: impl IntoIterator<Item = (String, usize)>) -> Vec<ValueCount> {
    let mut values: Vec<ValueCount> = counts.into_iter().map(|(value, count)| ValueCount { value, count }).collect();
    values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    values.truncate(FACET_LIMIT);
    values
}

/// The most frequent values of several segments: every value named, and its counts added.
fn merged<'a>(segments: impl Iterator<Item = &'a OrdCounts>) -> Vec<ValueCount> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for (value, n) in segments.flat_map(OrdCounts::named) {
        *counts.entry(value).or_default() += n;
    }
    top(counts)
}

/// Groups per-day counts into calendar buckets suited to their span (a day may come more
/// than once: its counts add up).
fn timeline(days: Vec<(i64, usize)>, undated: usize) -> Timeline {
    let mut dated: Vec<(NaiveDate, usize)> =
        days.into_iter().filter_map(|(d, n)| date_of_unix_day(d).map(|d| (d, n))).collect();
    dated.sort_unstable();
    let (Some(&(first, _)), Some(&(last, _))) = (dated.first(), dated.last()) else {
        return Timeline { interval: Interval::Day, buckets: Vec::new(), undated };
    };
    let interval = Interval::for_span(first, last);
    let mut buckets: Vec<Bucket> = Vec::new();
    let mut start = interval.start_of(first);
    let end = interval.start_of(last);
    loop {
        buckets.push(Bucket { start, count: 0 });
        match interval.next(start) {
            Some(next) if next <= end => start = next,
            _ => break,
        }
    }
    let mut at = 0;
    for (day, n) in dated {
        let bucket = interval.start_of(day);
        while at + 1 < buckets.len() && buckets[at + 1].start <= bucket {
            at += 1;
        }
        buckets[at].count += n;
    }
    Timeline { interval, buckets, undated }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> i64 {
        let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        (d - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days()
    }

    fn starts(t: &Timeline) -> Vec<String> {
        t.buckets.iter().map(|b| b.start.to_string()).collect()
    }

    #[test]
    fn a_short_span_is_drawn_by_day_without_gaps() {
        let t = timeline(Vec::from([(day("2024-10-28"), 3), (day("2024-10-30"), 1)]), 2);
        assert_eq!(t.interval, Interval::Day);
        assert_eq!(starts(&t), ["2024-10-28", "2024-10-29", "2024-10-30"]);
        assert_eq!(t.buckets.iter().map(|b| b.count).collect::<Vec<_>>(), [3, 0, 1]);
        assert_eq!(t.undated, 2);
    }

    #[test]
    fn weeks_start_on_monday_and_months_are_calendar_months() {
        let t = timeline(Vec::from([(day("2024-01-03"), 1), (day("2024-06-30"), 2)]), 0);
        assert_eq!(t.interval, Interval::Week);
        assert_eq!(t.buckets[0].start.to_string(), "2024-01-01");
        assert_eq!(t.buckets.last().unwrap().start.to_string(), "2024-06-24");
        let t = timeline(Vec::from([(day("2023-01-31"), 1), (day("2024-02-29"), 2), (day("2024-03-01"), 4)]), 0);
        assert_eq!(t.interval, Interval::Month);
        assert_eq!(t.buckets.len(), 15);
        assert_eq!(t.buckets[0].start.to_string(), "2023-01-01");
        assert_eq!(t.buckets[13].start.to_string(), "2024-02-01");
        assert_eq!(t.buckets[13].count, 2, "Feb 29 falls in February");
        assert_eq!(t.buckets[14].count, 4);
        let t = timeline(Vec::from([(day("1987-02-26"), 1), (day("2024-10-29"), 1)]), 0);
        assert_eq!(t.interval, Interval::Year);
        assert_eq!(t.buckets.len(), 2024 - 1987 + 1);
        assert_eq!(t.buckets.iter().map(|b| b.count).sum::<usize>(), 2);
    }

    #[test]
    fn top_values_are_the_most_frequent_then_alphabetical() {
        let counts = HashMap::from([("dpa".to_string(), 2), ("AP".to_string(), 5), ("AFP".to_string(), 2)]);
        let values: Vec<(String, usize)> = top(counts).into_iter().map(|v| (v.value, v.count)).collect();
        assert_eq!(values, [("AP".to_string(), 5), ("AFP".to_string(), 2), ("dpa".to_string(), 2)]);
    }
}

#[cfg(test)]
mod collected {
    use tantivy::query::TermQuery;
    use tantivy::schema::IndexRecordOption;
    use tantivy::{Index, IndexWriter, TantivyDocument, Term};

    use super::*;
    use crate::index::{analyzer, Fields};
    use crate::testkit::Rng;

    /// The facets of the matches of an index of `segments` segments, and what counting the
    /// generated entries gives.
    fn facets_and_expected(segments: u64) -> (Facets, Vec<ValueCount>, Vec<ValueCount>) {
        let (schema, fields) = Fields::build();
        let index = Index::create_in_ram(schema);
        analyzer::register(index.tokenizers());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).expect("writer");
        let mut rng = Rng(0x6a09_e667_f3bc_c908);
        let (mut sources, mut authors): (HashMap<String, usize>, HashMap<String, usize>) = Default::default();
        let entries = 3_000;
        for n in 0..entries {
            let mut doc = TantivyDocument::default();
            doc.add_text(fields.doc_type, if n % 9 == 0 { "file" } else { "entry" });
            let matches = n % 9 != 0 && n % 4 != 0;
            doc.add_text(fields.kind, if matches { "update" } else { "summary" });
            // Sources from a few agencies, some credited twice; authors from 37 names in
            // turn, so that more values than are listed occur and many counts tie.
            let mut credited = Vec::new();
            for _ in 0..=rng.below(3) {
                let source = ["AP", "Reuters", "AFP", "dpa", "EFE"][rng.below(5) as usize].to_string();
                doc.add_text(fields.sources, &source);
                credited.push(source);
            }
            let author = format!("author {}", n % 37);
            doc.add_text(fields.authors, &author);
            if matches {
                credited.sort();
                credited.dedup();
                for s in credited {
                    *sources.entry(s).or_default() += 1;
                }
                *authors.entry(author).or_default() += 1;
            }
            writer.add_document(doc).expect("add");
            if (n + 1) % (entries / segments) == 0 {
                writer.commit().expect("commit");
            }
        }
        writer.commit().expect("commit");
        let searcher = index.reader().expect("reader").searcher();
        assert_eq!(searcher.segment_readers().len() as u64, segments);
        let query = TermQuery::new(Term::from_field_text(fields.kind, "update"), IndexRecordOption::Basic);
        let facets = searcher.search(&query, &FacetCollector).expect("search");
        (facets, top(sources), top(authors))
    }

    /// One segment names only the values it lists (`OrdCounts::top`), several name every
    /// value and add them up: both give the most frequent values, ties alphabetical, as
    /// counting the entries does.
    #[test]
    fn one_segment_and_several_list_the_values_counting_gives() {
        for segments in [1, 3] {
            let (facets, sources, authors) = facets_and_expected(segments);
            assert_eq!(facets.sources, sources, "{segments} segments");
            assert_eq!(facets.authors, authors, "{segments} segments");
            assert_eq!(facets.authors.len(), FACET_LIMIT);
        }
    }
}
