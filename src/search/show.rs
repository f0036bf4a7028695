//! One entry, by id or by URL, with every page it appeared on (`newsdex show`).

use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{TantivyDocument, Term};

use crate::entry::{entry_id, short_url_code, IndexedEntry};
use crate::error::Result;
use crate::index::{damaged_or, guard, NewsIndex};

/// The entry `key` names: an id (`4mKXR`), the entry's URL, a DW short URL
/// (`https://p.dw.com/p/4mKXR?maca=…`) or any other URL whose fingerprint is an id.
pub fn find(index: &NewsIndex, key: &str) -> Result<Option<IndexedEntry>> {
    guard(index.path(), || find_unguarded(index, key))
}

fn find_unguarded(index: &NewsIndex, key: &str) -> Result<Option<IndexedEntry>> {
    let key = key.trim();
    let fields = index.fields();
    let mut tries: Vec<(Field, String)> = vec![(fields.id, key.to_string()), (fields.url, key.to_string())];
    if key.contains('/') {
        if let Some(code) = short_url_code(key) {
            tries.push((fields.id, code.to_string()));
        }
        tries.push((fields.id, entry_id(Some(key), "", None, "")));
    }
    let (searcher, codec) = index.view();
    for (field, value) in tries {
        let query = TermQuery::new(Term::from_field_text(field, &value), IndexRecordOption::Basic);
        let top = searcher
            .search(&query, &TopDocs::with_limit(1).order_by_score())
            .map_err(|e| damaged_or(index.path(), e))?;
        if let Some((_, address)) = top.first() {
            let doc: TantivyDocument = searcher.doc(*address).map_err(|e| damaged_or(index.path(), e))?;
            return fields.entry(&doc, &codec).map(Some);
        }
    }
    Ok(None)
}
