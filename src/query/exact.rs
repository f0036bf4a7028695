//! Exact (unstemmed) matching: `=universe`, `exact:"war on terror"`.
//!
//! The stemmed fields say where a stem occurs; the exact fields say which unstemmed words an
//! entry holds, but only the words stemming would conflate (see `index::analyzer`). An exact
//! word therefore becomes the stemmed clause (for positions and scores) plus a constraint:
//!
//! - a word stemming changes (`universe` → `univers`) must be in the exact field;
//! - a word that is its own stem (`troop`) is in the exact field when the entry also holds
//!   another form of it (`troops`); when the entry holds only other forms, those are in the
//!   exact field and the word is not. So: keep the stem's matches unless the entry holds one
//!   of the word's other forms without holding the word ([`StemVariantsQuery`] finds the other
//!   forms in the term dictionary).
//!
//! An exact phrase is the stemmed phrase plus this constraint on each of its words.

use std::sync::Mutex;

use tantivy::query::{AutomatonWeight, BooleanQuery, ConstScoreQuery, EnableScoring, Occur, Query, TermQuery, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;
use tantivy_fst::Automaton;

use crate::index::analyzer::WordStemmer;

/// The constraint that an entry holds `word` (folded, unstemmed; `stem` is its stem) in the
/// exact field `field`, given that it holds the stem.
pub fn holds_word(field: Field, word: &str, stem: &str) -> (Occur, Box<dyn Query>) {
    let term: Box<dyn Query> = Box::new(TermQuery::new(Term::from_field_text(field, word), IndexRecordOption::Basic));
    if word != stem {
        return (Occur::Must, Box::new(ConstScoreQuery::new(term, 0.0)));
    }
    let other_forms_only: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
        (Occur::Must, Box::new(StemVariantsQuery { field, word: word.to_string() }) as Box<dyn Query>),
        (Occur::MustNot, term),
    ]));
    (Occur::MustNot, other_forms_only)
}

/// Matches entries holding, in an exact field, a word other than `word` whose stem is `word`
/// (`troops`, `trooping` for `troop`).
#[derive(Debug, Clone)]
pub struct StemVariantsQuery {
    /// The exact field.
    pub field: Field,
    /// A word that is its own stem.
    pub word: String,
}

impl Query for StemVariantsQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let automaton =
            StemVariants { word: self.word.as_bytes().to_vec(), stemmer: Mutex::new(WordStemmer::default()) };
        Ok(Box::new(AutomatonWeight::new(self.field, automaton)))
    }
}

/// Walks the terms that start with the word and accepts those stemming to it.
struct StemVariants {
    word: Vec<u8>,
    stemmer: Mutex<WordStemmer>,
}

impl Automaton for StemVariants {
    /// The bytes read so far; `None` once they cannot start a variant.
    type State = Option<Vec<u8>>;

    fn start(&self) -> Self::State {
        Some(Vec::new())
    }

    fn is_match(&self, state: &Self::State) -> bool {
        let Some(bytes) = state else { return false };
        if bytes.len() <= self.word.len() {
            return false;
        }
        let Ok(text) = std::str::from_utf8(bytes) else { return false };
        let mut stemmer = self.stemmer.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        stemmer.stem(text).as_bytes() == self.word.as_slice()
    }

    fn can_match(&self, state: &Self::State) -> bool {
        state.is_some()
    }

    fn accept(&self, state: &Self::State, byte: u8) -> Self::State {
        let bytes = state.as_ref()?;
        if bytes.len() < self.word.len() && self.word[bytes.len()] != byte {
            return None;
        }
        let mut next = Vec::with_capacity(bytes.len() + 1);
        next.extend_from_slice(bytes);
        next.push(byte);
        Some(next)
    }
}
