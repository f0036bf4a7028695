//! [`Node`] tree + request filters → a Tantivy [`Query`], analysed with the same analyzers
//! as the index, and the [`Highlight`] spec that tells the snippet generator what matched.
//!
//! Dates and other filters become typed queries (`RangeQuery`, term queries) that do not
//! change scores; no user text is ever pasted back into a Tantivy query string.

use std::collections::HashSet;

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, FuzzyTermQuery, Occur as TOccur, PhraseQuery, Query,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::{TextAnalyzer, TokenStream};
use tantivy::Term;

use crate::corpus::credits::canonical_agency;
use crate::date::DateRange;
use crate::index::analyzer;
use crate::index::schema::{instant_to_tantivy, Fields};
use crate::query::dates::DateRangeQuery;
use crate::query::either::EitherField;
use crate::query::exact::holds_word;
use crate::query::syntax::{KeywordField, Node, Occur, QueryError, TextScope};
use crate::query::PhraseField;

/// The weight of a title match, added to the body's score. Title and body are separate BM25
/// fields, and a headline is short, so its matches already score high: half weight ranked
/// best on the TIME collection (see BENCHMARKS.md, "Relevance").
pub const TITLE_BOOST: f32 = 0.5;

/// How text clauses are weighted. The default is what `newsdex search` uses; `newsdex eval`
/// tries others.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tuning {
    /// The weight of a title match, added to the body's score.
    pub title_boost: f32,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning { title_boost: TITLE_BOOST }
    }
}

/// What to mark in a snippet: the analysed forms of the positive text clauses that can
/// match the body.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Highlight {
    /// Stemmed terms.
    pub terms: HashSet<String>,
    /// Stemmed phrases with their slop; a match is marked as one span.
    pub phrases: Vec<(Vec<String>, u32)>,
    /// Unstemmed, folded prefixes.
    pub prefixes: Vec<String>,
    /// Unstemmed, folded words matched exactly.
    pub exact: Vec<String>,
    /// Unstemmed, folded words and the edits allowed.
    pub fuzzy: Vec<(String, u8)>,
}

impl Highlight {
    /// True when nothing is to be marked.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
            && self.phrases.is_empty()
            && self.prefixes.is_empty()
            && self.fuzzy.is_empty()
            && self.exact.is_empty()
    }
}

/// Filters a search applies on top of the query text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    /// Keep entries dated in this range (entries without a date are dropped when bounded).
    pub range: DateRange,
    /// Keep entries crediting any of these agencies.
    pub sources: Vec<String>,
}

impl Filters {
    /// True when the filters keep every entry.
    pub fn is_empty(&self) -> bool {
        self.range.is_unbounded() && self.sources.is_empty()
    }
}

/// Edits allowed for `word~` without a number: 1 for words of up to five letters, else 2.
pub fn auto_distance(word: &str) -> u8 {
    if word.chars().count() <= 5 {
        1
    } else {
        2
    }
}

pub(crate) struct Builder<'a> {
    fields: &'a Fields,
    query: &'a str,
    tuning: Tuning,
    news: TextAnalyzer,
    unstemmed: TextAnalyzer,
    keyword: TextAnalyzer,
    pub(crate) highlight: Highlight,
    /// Terms of one-word clauses, in each field the clause searches (see
    /// [`Compiled::sure_terms`](super::Compiled::sure_terms)).
    pub(crate) word_terms: Vec<Term>,
    /// The node being built is sought to each candidate rather than read through: a required
    /// clause of a conjunction of two or more, or an excluded clause. A word there is an
    /// [`EitherField`], which the intersection or the exclusion seeks lazily.
    sought: bool,
}

impl<'a> Builder<'a> {
    /// A builder analysing text clauses with `text`, the index's analyzer of title and body.
    pub(crate) fn new(fields: &'a Fields, query: &'a str, text: TextAnalyzer, tuning: Tuning) -> Builder<'a> {
        Builder {
            fields,
            query,
            tuning,
            news: text,
            unstemmed: analyzer::news_unstemmed(),
            keyword: analyzer::keyword(),
            highlight: Highlight::default(),
            word_terms: Vec::new(),
            sought: false,
        }
    }

    /// A builder like this one, with nothing noted yet (for parts of the query built apart).
    pub(crate) fn fresh(&self) -> Builder<'a> {
        Builder::new(self.fields, self.query, self.news.clone(), self.tuning)
    }

    fn err(&self, message: impl Into<String>, hint: Option<String>) -> QueryError {
        QueryError { query: self.query.to_string(), message: message.into(), span: 0..self.query.len(), hint }
    }

    fn text_fields(&self, scope: TextScope) -> Vec<(Field, f32)> {
        match scope {
            TextScope::Any => vec![(self.fields.title, self.tuning.title_boost), (self.fields.body, 1.0)],
            TextScope::Title => vec![(self.fields.title, 1.0)],
            TextScope::Body => vec![(self.fields.body, 1.0)],
        }
    }

    /// (position, term) pairs of a text under the stemming analyzer.
    fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        let mut stream = analyzer.token_stream(text);
        while let Some(t) = stream.next() {
            out.push((t.position, t.text.clone()));
        }
        // Positions relative to the first token.
        if let Some(&(first, _)) = out.first() {
            for (p, _) in &mut out {
                *p -= first;
            }
        }
        out
    }

    /// The exact field beside a stemmed one.
    fn exact_field(&self, stemmed: Field) -> Field {
        if stemmed == self.fields.title {
            self.fields.title_exact
        } else {
            self.fields.body_exact
        }
    }

    /// The union over the scope's fields of the query `make` builds for each.
    fn per_field(&self, scope: TextScope, make: impl Fn(Field) -> Box<dyn Query>) -> Box<dyn Query> {
        let mut parts: Vec<(TOccur, Box<dyn Query>)> = self
            .text_fields(scope)
            .into_iter()
            .map(|(field, boost)| {
                let q = make(field);
                let q: Box<dyn Query> = if boost == 1.0 { q } else { Box::new(BoostQuery::new(q, boost)) };
                (TOccur::Should, q)
            })
            .collect();
        if parts.len() == 1 {
            parts.pop().map(|(_, q)| q).unwrap_or_else(|| Box::new(EmptyQuery))
        } else {
            Box::new(BooleanQuery::new(parts))
        }
    }

    fn terms_query(&self, scope: TextScope, tokens: &[(usize, String)], slop: u32) -> Option<Box<dyn Query>> {
        if tokens.is_empty() {
            return None;
        }
        Some(self.per_field(scope, |f| self.stemmed_in(f, tokens, slop)))
    }

    /// The terms of a phrase of two words or more in each field it is searched in, as
    /// [`Builder::terms_query`] puts them in its phrase queries (see `Compiled::phrase`).
    pub(crate) fn phrase_fields(&mut self, scope: TextScope, text: &str) -> Option<Vec<PhraseField>> {
        let tokens = Self::analyze(&mut self.news, text);
        if tokens.len() < 2 {
            return None;
        }
        let fields = self.text_fields(scope).into_iter().map(|(field, boost)| PhraseField {
            terms: tokens.iter().map(|(p, t)| (*p, Term::from_field_text(field, t))).collect(),
            boost,
        });
        Some(fields.collect())
    }

    /// The term or phrase query for analysed tokens in one field.
    fn stemmed_in(&self, field: Field, tokens: &[(usize, String)], slop: u32) -> Box<dyn Query> {
        match tokens {
            [(_, term)] => Box::new(TermQuery::new(Term::from_field_text(field, term), IndexRecordOption::WithFreqs)),
            _ => {
                let terms = tokens.iter().map(|(p, t)| (*p, Term::from_field_text(field, t))).collect();
                Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop))
            }
        }
    }

    fn note_terms(&mut self, scope: TextScope, tokens: &[(usize, String)], slop: u32, positive: bool) {
        if !positive || scope == TextScope::Title || tokens.is_empty() {
            return;
        }
        if tokens.len() == 1 {
            self.highlight.terms.insert(tokens[0].1.clone());
        } else {
            self.highlight.phrases.push((tokens.iter().map(|(_, t)| t.clone()).collect(), slop));
        }
    }

    /// Builds the query for a node that is sought rather than read through: one required
    /// clause among others (a word under a filter; `positive`) or the word excluded from other
    /// words (`oil -opec`; not `positive`). A word becomes an [`EitherField`] the intersection
    /// or the exclusion seeks lazily.
    pub(crate) fn sought_clause(&mut self, node: &Node, positive: bool) -> Result<Option<Box<dyn Query>>, QueryError> {
        let outer = std::mem::replace(&mut self.sought, true);
        let built = self.node(node, positive);
        self.sought = outer;
        built
    }

    /// Builds the query for a node; `None` when the node constrains nothing (punctuation).
    pub(crate) fn node(&mut self, node: &Node, positive: bool) -> Result<Option<Box<dyn Query>>, QueryError> {
        Ok(match node {
            Node::Word { scope, text } => {
                let tokens = Self::analyze(&mut self.news, text);
                self.note_terms(*scope, &tokens, 0, positive);
                if let [(_, term)] = tokens.as_slice() {
                    let fields = self.text_fields(*scope);
                    self.word_terms.extend(fields.into_iter().map(|(f, _)| Term::from_field_text(f, term)));
                    if self.sought && *scope == TextScope::Any {
                        let title = Term::from_field_text(self.fields.title, term);
                        let body = Term::from_field_text(self.fields.body, term);
                        return Ok(Some(Box::new(EitherField::new(title, body, self.tuning.title_boost))));
                    }
                }
                self.terms_query(*scope, &tokens, 0)
            }
            Node::Phrase { scope, text, slop } => {
                let tokens = Self::analyze(&mut self.news, text);
                self.note_terms(*scope, &tokens, *slop, positive);
                self.terms_query(*scope, &tokens, *slop)
            }
            Node::Prefix { scope, text } => {
                let tokens = Self::analyze(&mut self.unstemmed, text);
                let [(_, prefix)] = tokens.as_slice() else {
                    return Err(self.err(format!("a prefix `{text}*` must be one word"), Some("ukrain*".to_string())));
                };
                if positive && *scope != TextScope::Title {
                    self.highlight.prefixes.push(prefix.clone());
                }
                let prefix = prefix.clone();
                // Words as written: those stemming changes are in the exact field, the others
                // are their own stems in the stemmed field.
                Some(self.per_field(*scope, |f| {
                    let starts_with = |field: Field| -> Box<dyn Query> {
                        Box::new(FuzzyTermQuery::new_prefix(Term::from_field_text(field, &prefix), 0, true))
                    };
                    let either = BooleanQuery::new(vec![
                        (TOccur::Should, starts_with(f)),
                        (TOccur::Should, starts_with(self.exact_field(f))),
                    ]);
                    Box::new(ConstScoreQuery::new(Box::new(either), 1.0))
                }))
            }
            Node::Exact { scope, text, slop } => {
                let words = Self::analyze(&mut self.unstemmed, text);
                let stems = Self::analyze(&mut self.news, text);
                if words.is_empty() || words.len() != stems.len() {
                    return Ok(None);
                }
                if positive && *scope != TextScope::Title {
                    self.highlight.exact.extend(words.iter().map(|(_, w)| w.clone()));
                }
                let pairs: Vec<(String, String)> =
                    words.iter().zip(&stems).map(|((_, w), (_, s))| (w.clone(), s.clone())).collect();
                Some(self.per_field(*scope, |f| {
                    let mut clauses: Vec<(TOccur, Box<dyn Query>)> = Vec::with_capacity(pairs.len() + 1);
                    clauses.push((TOccur::Must, self.stemmed_in(f, &stems, *slop)));
                    let exact = self.exact_field(f);
                    clauses.extend(pairs.iter().map(|(w, s)| holds_word(exact, w, s)));
                    Box::new(BooleanQuery::new(clauses))
                }))
            }
            Node::Fuzzy { scope, text, distance } => {
                let tokens = Self::analyze(&mut self.unstemmed, text);
                let [(_, word)] = tokens.as_slice() else {
                    return Err(self.err(format!("`{text}~` must be one word"), Some("zelensky~".to_string())));
                };
                let word = word.clone();
                let distance = distance.unwrap_or_else(|| auto_distance(text));
                if positive && *scope != TextScope::Title {
                    self.highlight.fuzzy.push((word.clone(), distance));
                }
                // Words as written, like prefixes: typos are typed against words, not stems.
                Some(self.per_field(*scope, |f| {
                    let near = |field: Field| -> Box<dyn Query> {
                        Box::new(FuzzyTermQuery::new(Term::from_field_text(field, &word), distance, true))
                    };
                    let either =
                        BooleanQuery::new(vec![(TOccur::Should, near(f)), (TOccur::Should, near(self.exact_field(f)))]);
                    Box::new(ConstScoreQuery::new(Box::new(either), 1.0))
                }))
            }
            Node::Near { scope, left, right, distance } => {
                let l = Self::analyze(&mut self.news, left);
                let r = Self::analyze(&mut self.news, right);
                if l.is_empty() || r.is_empty() {
                    return Ok(None);
                }
                if positive && *scope != TextScope::Title {
                    for (_, t) in l.iter().chain(&r) {
                        self.highlight.terms.insert(t.clone());
                    }
                }
                let joined = |a: &[(usize, String)], b: &[(usize, String)]| -> Vec<(usize, String)> {
                    let shift = a.last().map_or(0, |(p, _)| p + 1);
                    a.iter().cloned().chain(b.iter().map(|(p, t)| (p + shift, t.clone()))).collect()
                };
                let forward = joined(&l, &r);
                let backward = joined(&r, &l);
                let slop = *distance;
                Some(self.per_field(*scope, |f| {
                    let phrase = |tokens: &[(usize, String)]| -> Box<dyn Query> {
                        let terms = tokens.iter().map(|(p, t)| (*p, Term::from_field_text(f, t))).collect();
                        Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop))
                    };
                    Box::new(BooleanQuery::new(vec![
                        (TOccur::Should, phrase(&forward)),
                        (TOccur::Should, phrase(&backward)),
                    ]))
                }))
            }
            Node::Keyword { field, value } => Some(self.keyword(*field, value)),
            Node::Date(range) => Some(self.date_filter(range, Vec::new())),
            Node::Bool(clauses) => {
                let mut parts: Vec<(TOccur, Box<dyn Query>)> = Vec::with_capacity(clauses.len());
                let conjunction = clauses.iter().filter(|(o, _)| *o == Occur::Must).count() >= 2;
                let outer = self.sought;
                for (occur, child) in clauses {
                    let child_positive = positive && *occur != Occur::MustNot;
                    // Tantivy seeks an excluded clause to each candidate, as it seeks the
                    // required clauses of an intersection.
                    self.sought = (conjunction && *occur == Occur::Must) || *occur == Occur::MustNot;
                    let built = self.node(child, child_positive);
                    self.sought = outer;
                    if let Some(q) = built? {
                        let o = match occur {
                            Occur::Must => TOccur::Must,
                            Occur::Should => TOccur::Should,
                            Occur::MustNot => TOccur::MustNot,
                        };
                        parts.push((o, q));
                    }
                }
                if parts.iter().all(|(o, _)| *o == TOccur::Should) {
                    parts = flatten_optional(parts);
                }
                if parts.is_empty() {
                    None
                } else {
                    if parts.iter().all(|(o, _)| *o == TOccur::MustNot) {
                        parts.push((TOccur::Must, all_entries(self.fields)));
                    }
                    Some(Box::new(BooleanQuery::new(parts)))
                }
            }
        })
    }

    fn keyword(&mut self, field: KeywordField, value: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(self.keyword_term(field, value), IndexRecordOption::WithFreqs))
    }

    /// The term a keyword field holds for `value`.
    fn keyword_term(&mut self, field: KeywordField, value: &str) -> Term {
        let (f, text) = match field {
            KeywordField::Source => {
                let canonical = canonical_agency(value);
                (
                    self.fields.sources,
                    Self::analyze(&mut self.keyword, &canonical).pop().map(|(_, t)| t).unwrap_or_default(),
                )
            }
            KeywordField::Author => {
                (self.fields.authors, Self::analyze(&mut self.keyword, value).pop().map(|(_, t)| t).unwrap_or_default())
            }
            KeywordField::Kind => (self.fields.kind, value.to_ascii_lowercase()),
            KeywordField::Url => (self.fields.url, value.to_string()),
            KeywordField::Id => (self.fields.id, value.to_string()),
        };
        Term::from_field_text(f, &text)
    }

    /// The terms of the agencies a sources filter keeps.
    pub(crate) fn source_terms(&mut self, sources: &[String]) -> Vec<Term> {
        sources.iter().map(|s| self.keyword_term(KeywordField::Source, s)).collect()
    }

    /// A filter on the date field that leaves scores alone, intersected with the words of
    /// `lead` (see [`DateRangeQuery::led_by`]; empty when they are not known).
    pub(crate) fn date_filter(&self, range: &DateRange, lead: Vec<Vec<Term>>) -> Box<dyn Query> {
        if range.is_empty() {
            return Box::new(EmptyQuery);
        }
        if range.is_unbounded() {
            return Box::new(ConstScoreQuery::new(all_entries(self.fields), 0.0));
        }
        Box::new(ConstScoreQuery::new(Box::new(self.date_range(range).led_by(lead)), 0.0))
    }

    /// The entries dated within `range`.
    pub(crate) fn date_range(&self, range: &DateRange) -> DateRangeQuery {
        DateRangeQuery::new(
            self.fields.date,
            self.fields.day,
            range.from.map(instant_to_tantivy),
            range.to.map(instant_to_tantivy),
        )
    }
}

/// A filter keeping entries that credit any of the agencies whose terms these are (see
/// [`Builder::source_terms`]).
pub(crate) fn sources_filter(terms: &[Term]) -> Box<dyn Query> {
    let parts: Vec<(TOccur, Box<dyn Query>)> = terms
        .iter()
        .map(|t| (TOccur::Should, Box::new(TermQuery::new(t.clone(), IndexRecordOption::WithFreqs)) as Box<dyn Query>))
        .collect();
    Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::new(parts)), 0.0))
}

/// Matches every entry in the index (with score 1), and nothing else: the index also holds
/// file records, which no query may see.
pub fn all_entries(fields: &Fields) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(Box::new(TermQuery::new(fields.all_entries_term(), IndexRecordOption::Basic)), 1.0))
}

/// Clauses that may match (`a OR b`), with each clause that is itself a union of optional
/// clauses (a word's title and body queries) replaced by its parts: the same matches, each
/// scored by the sum of the same scores (added in another order, so equal up to a float's
/// last bit), but one union of term queries, which Tantivy ranks by block-max WAND and walks
/// without a union inside a union (BENCHMARKS.md, twelfth round).
fn flatten_optional(parts: Vec<(TOccur, Box<dyn Query>)>) -> Vec<(TOccur, Box<dyn Query>)> {
    let mut flat = Vec::with_capacity(parts.len() * 2);
    for (occur, query) in parts {
        match query.downcast_ref::<BooleanQuery>() {
            Some(inner) if inner.clauses().iter().all(|(o, _)| *o == TOccur::Should) => {
                flat.extend(inner.clauses().iter().map(|(o, q)| (*o, q.box_clone())));
            }
            _ => flat.push((occur, query)),
        }
    }
    flat
}
