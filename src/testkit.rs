//! Test helpers: small in-memory indexes of a title and a body made of generated text, for
//! unit tests that compare our scorers with Tantivy scoring every match.

use tantivy::collector::{Count, TopDocs};
use tantivy::query::Query;
use tantivy::schema::{Field, Schema, INDEXED, TEXT};
use tantivy::{doc, DocAddress, Index, IndexWriter, Score, Searcher, Term};

use crate::search::{CappedCount, Total};

/// A small deterministic generator (xorshift).
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    /// A number below `n`.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// A generated index and its two text fields.
pub(crate) struct Generated {
    pub(crate) searcher: Searcher,
    pub(crate) title: Field,
    pub(crate) body: Field,
}

/// `entries` entries, entry `n`'s title and body made by `text(rng, n)` from a generator
/// seeded with `seed`, committed every 3,000 (so several segments), then every
/// `deleted_every`-th entry deleted.
pub(crate) fn generated_index(
    entries: u64,
    deleted_every: usize,
    seed: u64,
    mut text: impl FnMut(&mut Rng, u64) -> (String, String),
) -> Generated {
    let mut schema = Schema::builder();
    let (title, body, id) = (
        schema.add_text_field("title", TEXT),
        schema.add_text_field("body", TEXT),
        schema.add_u64_field("id", INDEXED),
    );
    let index = Index::create_in_ram(schema.build());
    let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).expect("writer");
    let mut rng = Rng(seed);
    for n in 0..entries {
        let (t, b) = text(&mut rng, n);
        writer.add_document(doc!(title => t, body => b, id => n)).expect("add");
        if n % 3_000 == 2_999 {
            writer.commit().expect("commit");
        }
    }
    for n in (0..entries).step_by(deleted_every) {
        writer.delete_term(Term::from_field_u64(id, n));
    }
    writer.commit().expect("commit");
    let searcher = index.reader().expect("reader").searcher();
    assert!(searcher.segment_readers().len() > 1);
    Generated { searcher, title, body }
}

/// For each `(offset, limit, cap)` of `pages`, `pruned` (a page of hits and a total counted
/// up to `cap`) gives exactly the hits of Tantivy scoring every match of `every`, and its
/// count, or `cap` marked inexact past it.
pub(crate) fn assert_pruned_like_every_match(
    searcher: &Searcher,
    every: &dyn Query,
    pages: &[(usize, usize, usize)],
    what: &str,
    pruned: impl Fn(usize, usize, CappedCount) -> (Vec<(Score, DocAddress)>, Total),
) {
    for &(offset, limit, cap) in pages {
        let expected = TopDocs::with_limit(limit).and_offset(offset).order_by_score();
        let (hits, count) = searcher.search(every, &(expected, Count)).expect("search");
        let (page, total) = pruned(offset, limit, CappedCount { limit: cap });
        let case = format!("{what} offset {offset} limit {limit} cap {cap}: {count} matches");
        assert_eq!(page, hits, "{case}");
        let wanted = if count > cap { Total { count: cap, exact: false } } else { Total::exact(count) };
        assert_eq!(total, wanted, "{case}");
    }
}
