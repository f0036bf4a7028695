//! "Did you mean …": when nothing matches, corrected queries built from the index's own
//! vocabulary.
//!
//! Each word of the query the index does not hold is replaced by words within two edits of
//! it (one for words of up to four letters) that the index does hold, most frequent first.
//! Candidates come from the exact fields (words as written) and from the stemmed fields'
//! terms that are words in their own right, so suggestions read as words, not stems. Only
//! corrections that match something are offered, with their number of matches (with
//! `--any` when only that matches). When every word is known but no entry has them all,
//! matching any of them (`--any`) is offered. Matches are counted as a search counts them:
//! exactly up to [`EXACT_COUNT_LIMIT`], then as "at least": counting every entry holding
//! any of `said espresso dragonair` took 4.7 ms at 1M entries, 0.8 ms capped.

use std::collections::HashMap;

use tantivy::query::FuzzyTermQuery;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

use crate::error::Result;
use crate::index::analyzer::{self, WordStemmer};
use crate::index::{damaged_or, NewsIndex};
use crate::query::syntax::{Node, Occur};
use crate::query::{compile, Compiled, Tuning};
use crate::search::count::{CappedCount, Total, EXACT_COUNT_LIMIT};
use crate::search::SearchRequest;

/// Most corrected queries offered.
pub const MAX_SUGGESTIONS: usize = 3;

/// A query worth trying instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The corrected query text.
    pub query: String,
    /// True when the suggestion is to match any of the words (`--any`).
    pub any: bool,
    /// How many entries it matches (with the same filters), exactly up to
    /// [`EXACT_COUNT_LIMIT`].
    pub total: usize,
    /// False when `total` is a lower bound.
    pub total_exact: bool,
}

/// A word of the query the index does not hold, and what it could have been.
struct Unknown {
    typed: String,
    candidates: Vec<String>,
}

/// Corrected queries for a request that matched nothing (`node` is its parsed text).
pub fn suggest(index: &NewsIndex, request: &SearchRequest, node: &Node, tuning: Tuning) -> Result<Vec<Suggestion>> {
    let searcher = index.searcher();
    let fields = index.fields();
    let mut words = Vec::new();
    positive_words(node, true, &mut words);
    let mut unknown: Vec<Unknown> = Vec::new();
    let mut stemmer = WordStemmer::default();
    let mut folding = analyzer::news_unstemmed();
    for typed in words {
        let folded = analyzer::terms(&mut folding, &typed);
        let [word] = folded.as_slice() else { continue };
        if unknown.iter().any(|u| u.typed == typed)
            || is_known(&searcher, fields.title, fields.body, word, &mut stemmer)?
        {
            continue;
        }
        let candidates = candidates(&searcher, index, word, &mut stemmer)?;
        unknown.push(Unknown { typed, candidates });
    }

    let compiled =
        |text: &str, any: bool| compile(text, any, &request.filters, fields, index.text_analyzer(), tuning).ok();
    let capped = CappedCount { limit: EXACT_COUNT_LIMIT };
    let matches = |query: &Compiled| -> Result<Total> {
        searcher.search(query.query.as_ref(), &capped).map_err(|e| damaged_or(index.path(), e))
    };
    let count = |text: &str, any: bool| -> Result<Total> {
        compiled(text, any).map_or(Ok(Total::exact(0)), |query| matches(&query))
    };
    let offer = |query: String, any: bool, total: Total| Suggestion {
        query,
        any,
        total: total.count,
        total_exact: total.exact,
    };

    let mut out: Vec<Suggestion> = Vec::new();
    if unknown.is_empty() {
        // With --any the query must read otherwise: a lone phrase, say, is the same query,
        // and searching it again would only find nothing again.
        let widened = (!request.any).then(|| compiled(&request.query, true)).flatten();
        if let Some(widened) = widened.filter(|w| w.node.as_ref() != Some(node)) {
            let total = matches(&widened)?;
            if total.count > 0 {
                out.push(offer(request.query.clone(), true, total));
            }
        }
        return Ok(out);
    }
    // The best correction of every unknown word; then other corrections of the first ones.
    let mut tries: Vec<Vec<usize>> = vec![vec![0; unknown.len()]];
    for (u, word) in unknown.iter().enumerate() {
        for alt in 1..word.candidates.len() {
            let mut choice = vec![0; unknown.len()];
            choice[u] = alt;
            tries.push(choice);
        }
    }
    for choice in tries {
        if out.len() >= MAX_SUGGESTIONS {
            break;
        }
        let mut text = request.query.clone();
        for (word, &pick) in unknown.iter().zip(&choice) {
            let replacement = match word.candidates.get(pick) {
                Some(c) => same_case(&word.typed, c),
                None => continue,
            };
            text = replace_word(&text, &word.typed, &replacement);
        }
        if text == request.query || out.iter().any(|s| s.query == text) {
            continue;
        }
        let total = count(&text, request.any)?;
        if total.count > 0 {
            out.push(offer(text, request.any, total));
        } else if !request.any {
            let total = count(&text, true)?;
            if total.count > 0 {
                out.push(offer(text, true, total));
            }
        }
    }
    Ok(out)
}

/// The words of positive text clauses, as typed.
fn positive_words(node: &Node, positive: bool, out: &mut Vec<String>) {
    match node {
        Node::Word { text, .. } | Node::Exact { text, .. } | Node::Phrase { text, .. } if positive => {
            out.extend(text.split_whitespace().map(str::to_string));
        }
        Node::Bool(clauses) => {
            for (occur, child) in clauses {
                positive_words(child, positive && *occur != Occur::MustNot, out);
            }
        }
        _ => {}
    }
}

/// True when the title or body holds the word's stem.
fn is_known(searcher: &Searcher, title: Field, body: Field, word: &str, stemmer: &mut WordStemmer) -> Result<bool> {
    let stem = stemmer.stem(word).to_string();
    for field in [title, body] {
        if searcher.doc_freq(&Term::from_field_text(field, &stem))? > 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Indexed words close to `word`, most frequent first.
fn candidates(searcher: &Searcher, index: &NewsIndex, word: &str, stemmer: &mut WordStemmer) -> Result<Vec<String>> {
    let length = word.chars().count();
    let distance = match length {
        0..=2 => return Ok(Vec::new()),
        3..=4 => 1,
        _ => 2,
    };
    let fields = index.fields();
    let damaged = |e| damaged_or(index.path(), e);
    // Frequency of a word: entries holding it, the most any one field reports.
    let mut frequency: HashMap<String, u64> = HashMap::new();
    // One automaton serves every field: it depends on the word and the distance only.
    let automaton =
        FuzzyTermQuery::new(Term::from_field_text(fields.body, word), distance, true).automaton().map_err(damaged)?;
    for (field, stemmed) in
        [(fields.title_exact, false), (fields.body_exact, false), (fields.title, true), (fields.body, true)]
    {
        let mut per_field: HashMap<String, u64> = HashMap::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field).map_err(damaged)?;
            let mut stream = inverted.terms().search(&automaton).into_stream().map_err(|e| damaged(e.into()))?;
            while stream.advance() {
                let Ok(term) = std::str::from_utf8(stream.key()) else { continue };
                if term == word || (stemmed && stemmer.stem(term) != term) {
                    continue;
                }
                *per_field.entry(term.to_string()).or_default() += u64::from(stream.value().doc_freq);
            }
        }
        for (term, n) in per_field {
            let f = frequency.entry(term).or_default();
            *f = (*f).max(n);
        }
    }
    let mut ranked: Vec<(String, u64)> = frequency.into_iter().collect();
    ranked.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| {
                crate::query::syntax::edit_distance(&a.0, word).cmp(&crate::query::syntax::edit_distance(&b.0, word))
            })
            .then_with(|| a.0.cmp(&b.0))
    });
    Ok(ranked.into_iter().take(MAX_SUGGESTIONS).map(|(t, _)| t).collect())
}

/// `candidate` written in the case pattern of `typed` (`Zelenskyyy` → `Zelenskyy`).
fn same_case(typed: &str, candidate: &str) -> String {
    let letters: Vec<char> = typed.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() > 1 && letters.iter().all(|c| c.is_uppercase()) {
        return candidate.to_uppercase();
    }
    if letters.first().is_some_and(|c| c.is_uppercase()) {
        let mut chars = candidate.chars();
        return chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect());
    }
    candidate.to_string()
}

/// The query with every whole-word occurrence of `word` replaced.
fn replace_word(query: &str, word: &str, replacement: &str) -> String {
    let mut out = String::with_capacity(query.len() + replacement.len());
    let mut rest = query;
    while let Some(at) = rest.find(word) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + word.len()..].chars().next();
        let whole = !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric);
        out.push_str(&rest[..at]);
        out.push_str(if whole { replacement } else { word });
        rest = &rest[at + word.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrections_keep_the_typed_case() {
        assert_eq!(same_case("Zelenskyyy", "zelenskyy"), "Zelenskyy");
        assert_eq!(same_case("NATOO", "nato"), "NATO");
        assert_eq!(same_case("tanks", "tank"), "tank");
    }

    #[test]
    fn only_whole_words_are_replaced() {
        assert_eq!(
            replace_word("Zelenskyyy title:Zelenskyyy Zelenskyyys", "Zelenskyyy", "Zelenskyy"),
            "Zelenskyy title:Zelenskyy Zelenskyyys"
        );
    }
}
