//! Queries: the user's text and filters → a typed Tantivy query plus what to highlight.
//!
//! [`syntax`] parses the query language (its grammar is documented there and in the
//! README) without knowing Tantivy; [`build`] resolves the tree against the schema with the
//! index's own analyzers. [`compile`] does both and adds the request's filters. [`explain`]
//! translates the same tree for OpenSearch and Quickwit.

pub mod build;
pub mod dates;
pub mod either;
pub mod exact;
pub mod explain;
pub mod syntax;

use tantivy::query::{BooleanQuery, Occur, Query};
use tantivy::tokenizer::TextAnalyzer;

pub use build::{Filters, Highlight, Tuning};
pub use syntax::{parse, Node, QueryError};

/// A query ready to run.
pub struct Compiled {
    /// The Tantivy query.
    pub query: Box<dyn Query>,
    /// What matched, for snippets.
    pub highlight: Highlight,
    /// False when the query is only filters: results then have no relevance order.
    pub scored: bool,
    /// The parsed query text (`None` when there is only filters).
    pub node: Option<Node>,
    /// The top hits can be found without visiting every match (see [`words_alone`]); other
    /// queries visit every match anyway, so counting them all costs nothing more.
    pub prunable: bool,
    /// For a prunable query: terms every entry holding one of which matches the query (the
    /// terms of its one-word clauses), so that their document frequencies bound the count
    /// from below. Empty for other queries.
    pub sure_terms: Vec<tantivy::Term>,
    /// For a word or words joined by OR under a date or agency filter, or with words
    /// excluded (`oil -opec`): the words, the filter and the exclusion apart, so that the best
    /// hits can be found by pruning the words alone and checking the rest per candidate (see
    /// `search::filtered`). Neither the filter nor the exclusion scores anything.
    pub filtered: Option<Filtered>,
    /// For a phrase alone (no filter, no slop): its terms in each field it is searched in,
    /// so that its best hits can be found without reading the positions of every candidate
    /// once the count has passed its limit (see `search::phrase`).
    pub phrase: Option<Vec<PhraseField>>,
    /// For words joined by AND alone (no filter, no exclusion, every word in either field):
    /// each word's title term or body term, so that past the count's limit the best hits can
    /// be found without scoring every match (see `search::conjunction`).
    pub conjunction: Option<Vec<either::EitherField>>,
}

/// A phrase's terms in one field, with their positions in the phrase, and the weight of the
/// field's score (what `build` makes a `PhraseQuery` of).
#[derive(Debug, Clone)]
pub struct PhraseField {
    /// (position, term) of each word.
    pub terms: Vec<(usize, tantivy::Term)>,
    /// What the field's score is multiplied by.
    pub boost: f32,
}

/// The parts of a query of words under a filter or with words excluded (see
/// [`Compiled::filtered`]), and what estimates how many entries the whole matches.
pub struct Filtered {
    /// The words.
    pub words: Box<dyn Query>,
    /// What an entry must also match.
    pub filter: Option<Box<dyn Query>>,
    /// What an entry must not match.
    pub exclude: Option<Box<dyn Query>>,
    /// The terms of the words (one per word and field).
    word_terms: Vec<tantivy::Term>,
    /// The terms of the excluded words.
    excluded_terms: Vec<tantivy::Term>,
    /// The date range of the filter.
    dates: Option<dates::DateRangeQuery>,
    /// The agencies of the filter.
    sources: Vec<tantivy::Term>,
    /// The term every entry holds.
    entries: tantivy::Term,
}

impl Filtered {
    /// How many entries hold the query's most frequent word, and the share of entries the
    /// filter and the exclusion keep: the share of the index's dates the range covers, times
    /// the share of entries crediting one of the agencies, times the share holding none of
    /// the excluded words (as if all of these were independent).
    pub fn estimate(&self, searcher: &tantivy::Searcher) -> tantivy::Result<(u64, f64)> {
        let most = |terms: &[tantivy::Term]| -> tantivy::Result<u64> {
            terms.iter().try_fold(0, |most, term| Ok(most.max(searcher.doc_freq(term)?)))
        };
        let entries = searcher.doc_freq(&self.entries)?.max(1) as f64;
        let share_of = |terms: &[tantivy::Term]| -> tantivy::Result<f64> {
            let holding =
                terms.iter().try_fold(0, |sum, term| Ok::<_, tantivy::TantivyError>(sum + searcher.doc_freq(term)?))?;
            Ok((holding as f64 / entries).min(1.0))
        };
        let mut share = 1.0;
        if let Some(dates) = &self.dates {
            share *= dates.share(searcher);
        }
        if !self.sources.is_empty() {
            share *= share_of(&self.sources)?;
        }
        if self.exclude.is_some() {
            share *= 1.0 - share_of(&self.excluded_terms)?;
        }
        Ok((most(&self.word_terms)?, share))
    }
}

/// Parses `text` (see [`syntax`]) and combines it with the filters. An empty text is allowed
/// when a filter is given: then every entry passing the filters matches.
///
/// Text clauses are analysed with `analyzer`, the index's analyzer of title and body.
pub fn compile(
    text: &str,
    any: bool,
    filters: &Filters,
    fields: &crate::index::Fields,
    analyzer: TextAnalyzer,
    tuning: Tuning,
) -> Result<Compiled, QueryError> {
    let has_filters = !filters.is_empty();
    let node = if text.trim().is_empty() && has_filters { None } else { Some(syntax::parse(text, any)?) };
    let mut builder = build::Builder::new(fields, text, analyzer, tuning);
    let main = match &node {
        Some(node) => builder.node(node, true)?,
        None => None,
    };
    if main.is_none() && node.is_some() && !has_filters {
        return Err(QueryError::no_words(text));
    }
    let scored = main.is_some();
    let phrase = match &node {
        Some(Node::Phrase { scope, text, slop: 0 }) if !has_filters => builder.phrase_fields(*scope, text),
        _ => None,
    };
    let mut filter_clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let dates = (!filters.range.is_unbounded()).then(|| builder.date_range(&filters.range));
    if dates.is_some() {
        // One word: its entries are all the range is checked against. (Words joined by AND
        // are left out: measured at 1M, `fraud investigation` in 2010–2012 took 1.8 ms with
        // the range read whole, 2.9 ms through the column, though `fraud` alone is rare.)
        let lead: Vec<Vec<tantivy::Term>> = match &node {
            Some(Node::Word { .. }) if !builder.word_terms.is_empty() => vec![builder.word_terms.clone()],
            _ => Vec::new(),
        };
        filter_clauses.push((Occur::Must, builder.date_filter(&filters.range, lead)));
    }
    let sources = builder.source_terms(&filters.sources);
    if !sources.is_empty() {
        filter_clauses.push((Occur::Must, build::sources_filter(&sources)));
    }
    let words = node.as_ref().is_some_and(words_alone);
    let prunable = !has_filters && words;
    let exclusions = node.as_ref().and_then(words_and_exclusions);
    let filtered = match &main {
        Some(main) if (words && has_filters) || exclusions.is_some() => {
            let filter: Option<Box<dyn Query>> = match filter_clauses.as_slice() {
                [] => None,
                [(_, one)] => Some(one.box_clone()),
                more => Some(Box::new(BooleanQuery::new(more.iter().map(|(o, q)| (*o, q.box_clone())).collect()))),
            };
            let parts = match &exclusions {
                // The words are the whole text query.
                None => Some((main.box_clone(), builder.word_terms.clone(), None, Vec::new())),
                // Built apart, so that the whole query's highlights and terms are not repeated.
                Some((positive, negative)) => {
                    let mut apart = builder.fresh();
                    let words = apart.node(positive, true)?;
                    let word_terms = std::mem::take(&mut apart.word_terms);
                    let exclude = match negative.as_slice() {
                        [one] => apart.sought_clause(one, false)?,
                        more => {
                            let union = more.iter().map(|n| (syntax::Occur::Should, n.clone())).collect();
                            apart.node(&Node::Bool(union), false)?
                        }
                    };
                    words.map(|words| (words, word_terms, exclude, apart.word_terms))
                }
            };
            parts.map(|(words, word_terms, exclude, excluded_terms)| Filtered {
                words,
                filter,
                exclude,
                word_terms,
                excluded_terms,
                dates,
                sources,
                entries: fields.all_entries_term(),
            })
        }
        _ => None,
    };
    // A word under a filter is intersected with it (the filtered words above are Tantivy's
    // union, which its block-max pruning needs).
    let main = match &node {
        Some(word @ Node::Word { .. }) if has_filters => builder.fresh().sought_clause(word, true)?,
        _ => main,
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = main.into_iter().map(|q| (Occur::Must, q)).collect();
    clauses.extend(filter_clauses);
    let query: Box<dyn Query> = if clauses.len() == 1 {
        clauses.pop().map(|(_, q)| q).unwrap_or_else(|| build::all_entries(fields))
    } else {
        Box::new(BooleanQuery::new(clauses))
    };
    // A word in either field notes its title term, then its body term (when it is one term:
    // a word that analyses to several is a phrase, and to none, nothing).
    let conjunction = match &node {
        Some(Node::Bool(parts))
            if !has_filters && words_joined_by_and(parts) && builder.word_terms.len() == 2 * parts.len() =>
        {
            let word =
                |pair: &[tantivy::Term]| either::EitherField::new(pair[0].clone(), pair[1].clone(), tuning.title_boost);
            Some(builder.word_terms.chunks_exact(2).map(word).collect())
        }
        _ => None,
    };
    let sure_terms = if prunable { builder.word_terms } else { Vec::new() };
    Ok(Compiled {
        query,
        highlight: builder.highlight,
        scored,
        node,
        prunable,
        sure_terms,
        filtered,
        phrase,
        conjunction,
    })
}

/// One word or words joined by OR with words excluded (`oil -opec`, `(iraq OR iran) -war`):
/// the words, and the excluded words.
fn words_and_exclusions(node: &Node) -> Option<(Node, Vec<Node>)> {
    let Node::Bool(parts) = node else { return None };
    let (excluded, kept): (Vec<_>, Vec<_>) = parts.iter().cloned().partition(|(o, _)| *o == syntax::Occur::MustNot);
    let positive = match kept.as_slice() {
        [(syntax::Occur::Must, words)] if words_alone(words) => words.clone(),
        [_, ..] if words_joined_by_or(&kept) => Node::Bool(kept),
        _ => return None,
    };
    if excluded.is_empty() || !excluded.iter().all(|(_, n)| matches!(n, Node::Word { .. })) {
        return None;
    }
    Some((positive, excluded.into_iter().map(|(_, n)| n).collect()))
}

/// A word, or words joined by OR: queries whose best hits Tantivy finds without visiting
/// every match (block-max WAND).
fn words_alone(node: &Node) -> bool {
    match node {
        Node::Word { .. } => true,
        Node::Bool(parts) => words_joined_by_or(parts),
        _ => false,
    }
}

/// True when there are two parts or more and every one is a word required in either field
/// (`oil prices`).
fn words_joined_by_and(parts: &[(syntax::Occur, Node)]) -> bool {
    parts.len() >= 2
        && parts.iter().all(|(occur, n)| {
            *occur == syntax::Occur::Must && matches!(n, Node::Word { scope: syntax::TextScope::Any, .. })
        })
}

/// True when every part is a word that may match (`a OR b`).
fn words_joined_by_or(parts: &[(syntax::Occur, Node)]) -> bool {
    parts.iter().all(|(occur, n)| *occur == syntax::Occur::Should && matches!(n, Node::Word { .. }))
}
