//! The newest (or oldest) matches of a query without ranking every match by date.
//!
//! Tantivy finds the newest ten entries holding `said` by reading the date of each of its
//! matches: at a million entries, 11–19 ms. The newest matches all lie in the newest stretch
//! of time that holds enough of them, so [`top`] first asks for the page within the last
//! sixty-fourth of the dates the query may reach, then within the last eighth: a stretch read
//! from the inverted index's days (`query::dates`) and intersected with the query. When the
//! stretch holds the whole page, nothing older can enter it and the page is exact, with the
//! order the whole search would give (entries of the same second all lie on one side of the
//! stretch's start). Otherwise (few matches, most of them older, or undated entries to come
//! after the dated ones) the caller ranks every match as before.

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query};
use tantivy::{DateTime, DocAddress, Order, Searcher};

use crate::date::DateRange;
use crate::index::schema::instant_to_tantivy;
use crate::index::Fields;
use crate::query::dates::{dated_span, DateRangeQuery};

/// The stretches of time tried, as shares of the time the query may reach, newest (or
/// oldest) end first.
const STRETCHES: [i64; 2] = [64, 8];

/// The page `offset..offset + limit` of the matches of `query` in date `order`, found within
/// a stretch of time at the newest (`Order::Desc`) or oldest end of what `range` (the
/// request's date filter, which `query` holds already) and the index's dates allow; `None`
/// when no stretch tried holds the whole page.
pub fn top(
    searcher: &Searcher,
    query: &dyn Query,
    fields: &Fields,
    range: &DateRange,
    order: Order,
    offset: usize,
    limit: usize,
) -> tantivy::Result<Option<Vec<DocAddress>>> {
    let Some((first, last)) = dated_span(searcher, fields.date) else { return Ok(None) };
    let from = range.from.map(instant_to_tantivy).map_or(first, |t| t.max(first)).into_timestamp_secs();
    // A second past the last date, so that the last date is inside the range.
    let to = range.to.map(instant_to_tantivy).map_or(last, |t| t.min(last)).into_timestamp_secs() + 1;
    if from >= to {
        return Ok(None);
    }
    for parts in STRETCHES {
        let width = (to - from) / parts;
        if width == 0 {
            break;
        }
        let (start, end) = match order {
            Order::Desc => (to - width, to),
            Order::Asc => (from, from + width),
        };
        let stretch = DateRangeQuery::new(fields.date, fields.day, Some(secs(start)), Some(secs(end)));
        let within = BooleanQuery::new(vec![
            (Occur::Must, query.box_clone()),
            (Occur::Must, Box::new(ConstScoreQuery::new(Box::new(stretch), 0.0))),
        ]);
        let collector = TopDocs::with_limit(limit).and_offset(offset).order_by_fast_field::<DateTime>("date", order);
        let docs = searcher.search(&within, &collector)?;
        if docs.len() == limit {
            return Ok(Some(docs.into_iter().map(|(_, address)| address).collect()));
        }
    }
    Ok(None)
}

fn secs(t: i64) -> DateTime {
    DateTime::from_timestamp_secs(t)
}

#[cfg(test)]
mod tests {
    use tantivy::query::TermQuery;
    use tantivy::schema::IndexRecordOption;
    use tantivy::{Index, IndexWriter, TantivyDocument, Term};

    use super::*;
    use crate::index::analyzer;
    use crate::index::schema::day_of;
    use crate::testkit::Rng;

    /// Whenever a stretch holds the page, it is exactly the page of ranking every match by
    /// date (in both orders, with the request's own range, ties of one second, undated and
    /// deleted entries, several segments); and a page the stretches cannot hold is left to
    /// the caller. It fails when a stretch that holds only part of the page is taken.
    #[test]
    fn a_stretch_gives_the_page_of_ranking_every_match_by_date() {
        let (schema, fields) = Fields::build();
        let index = Index::create_in_ram(schema);
        analyzer::register(index.tokenizers());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).expect("writer");
        let mut rng = Rng(0x2b99_2ddf_a232_49d6);
        let start = 1_300_000_000;
        let mut last = start;
        for n in 0..6_000u64 {
            let mut doc = TantivyDocument::default();
            doc.add_text(fields.doc_type, "entry");
            doc.add_text(fields.id, format!("e{n}"));
            // One entry in ten a summary; one in fifty undated; one in seven in the same
            // second as the entry before it; the rest anywhere in ten years.
            doc.add_text(fields.kind, if rng.below(10) == 0 { "summary" } else { "update" });
            if n % 50 != 0 {
                let secs = if n % 7 == 0 { last } else { start + rng.below(10 * 365 * 86_400) as i64 };
                last = secs;
                doc.add_date(fields.date, DateTime::from_timestamp_secs(secs));
                doc.add_i64(fields.day, day_of(secs));
            }
            writer.add_document(doc).expect("add");
            if n == 2_999 {
                writer.commit().expect("commit");
            }
        }
        for n in (0..6_000).step_by(23) {
            writer.delete_term(Term::from_field_text(fields.id, &format!("e{n}")));
        }
        writer.commit().expect("commit");
        let searcher = index.reader().expect("reader").searcher();
        assert!(searcher.segment_readers().len() > 1);

        let at = |days: i64| Some(chrono::DateTime::from_timestamp(start + days * 86_400, 0).expect("date"));
        let ranges =
            [DateRange::default(), DateRange { from: at(400), to: None }, DateRange { from: at(100), to: at(900) }];
        let (mut found, mut left) = (0, 0);
        for kind in ["update", "summary"] {
            for range in &ranges {
                let term = TermQuery::new(Term::from_field_text(fields.kind, kind), IndexRecordOption::Basic);
                let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(term))];
                if range.from.is_some() || range.to.is_some() {
                    let dates = DateRangeQuery::new(
                        fields.date,
                        fields.day,
                        range.from.map(instant_to_tantivy),
                        range.to.map(instant_to_tantivy),
                    );
                    clauses.push((Occur::Must, Box::new(dates)));
                }
                let query = BooleanQuery::new(clauses);
                for order in [Order::Desc, Order::Asc] {
                    for (offset, limit) in [(0, 10), (0, 1), (40, 25), (0, 120), (300, 50)] {
                        let every = TopDocs::with_limit(limit)
                            .and_offset(offset)
                            .order_by_fast_field::<DateTime>("date", order);
                        let expected: Vec<DocAddress> =
                            searcher.search(&query, &every).expect("search").into_iter().map(|(_, a)| a).collect();
                        let case = format!("{kind} {range:?} {order:?} offset {offset} limit {limit}");
                        match top(&searcher, &query, &fields, range, order, offset, limit).expect("top") {
                            Some(page) => {
                                assert_eq!(page, expected, "{case}");
                                found += 1;
                            }
                            None => left += 1,
                        }
                    }
                }
            }
        }
        assert!(found >= 20 && left >= 5, "{found} pages found in a stretch, {left} left");
    }
}
