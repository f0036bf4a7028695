//! The query language translated for other engines: a parsed [`Node`] → the OpenSearch /
//! Elasticsearch query DSL, or → a Quickwit query string, for the indexes `deploy/` defines
//! and the documents `newsdex export` writes (see `render::export`). This is the one place the
//! translation lives; `search::explain` wraps it into whole request bodies.
//!
//! Text is analysed the way newsdex analyses it where the target cannot do it alike: Quickwit
//! 0.9 has no English stemmer, so stemmed words and phrases are matched against the
//! pre-analysed `title_terms` / `body_terms` copies with newsdex's own stems. OpenSearch
//! analyses the text itself with the shipped `news` analyzer (possessives, lower case, ASCII
//! folding, the same Snowball English stemmer, no stop words).
//!
//! Where a construct cannot be expressed exactly, the translation says so in a [`Note`]
//! instead of failing; what matches is kept as close as the target allows.

use serde_json::{json, Value};
use tantivy::tokenizer::TextAnalyzer;

use crate::corpus::credits::canonical_agency;
use crate::date::{format_instant, DateRange};
use crate::index::analyzer::{self, terms};
use crate::query::build::{auto_distance, TITLE_BOOST};
use crate::query::syntax::{KeywordField, Node, Occur, TextScope};

/// Something the target engine does differently from newsdex for this query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note(pub String);

/// Translates parsed queries, collecting [`Note`]s on the way.
pub struct Translator {
    stemmed: TextAnalyzer,
    unstemmed: TextAnalyzer,
    /// What does not translate exactly.
    pub notes: Vec<Note>,
}

impl Default for Translator {
    fn default() -> Self {
        Translator { stemmed: analyzer::news(), unstemmed: analyzer::news_unstemmed(), notes: Vec::new() }
    }
}

fn scope_fields(scope: TextScope, title: &'static str, body: &'static str) -> Vec<(&'static str, f32)> {
    match scope {
        TextScope::Any => vec![(title, TITLE_BOOST), (body, 1.0)],
        TextScope::Title => vec![(title, 1.0)],
        TextScope::Body => vec![(body, 1.0)],
    }
}

/// A clause per field, joined as newsdex joins them: the scores of title and body add up.
fn per_field(fields: Vec<(&'static str, f32)>, make: impl Fn(&str, f32) -> Value) -> Value {
    let mut parts: Vec<Value> = fields.iter().map(|(f, boost)| make(f, *boost)).collect();
    if parts.len() == 1 {
        parts.remove(0)
    } else {
        json!({ "bool": { "should": parts } })
    }
}

/// `{"boost": b}` merged into a leaf's options, unless b is 1.
fn with_boost(mut options: Value, boost: f32) -> Value {
    if boost != 1.0 {
        options["boost"] = json!(boost);
    }
    options
}

/// A value quoted for Quickwit's query language.
fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

impl Translator {
    fn note(&mut self, text: impl Into<String>) {
        let note = Note(text.into());
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    /// The OpenSearch query for a node; `None` when it constrains nothing (punctuation only),
    /// exactly where newsdex drops the clause too.
    pub fn opensearch(&mut self, node: &Node) -> Option<Value> {
        Some(match node {
            Node::Word { scope, text } | Node::Phrase { scope, text, slop: _ } => {
                let slop = if let Node::Phrase { slop, .. } = node { *slop } else { 0 };
                let tokens = terms(&mut self.stemmed, text);
                if tokens.is_empty() {
                    return None;
                }
                per_field(scope_fields(*scope, "title", "body"), |field, boost| {
                    if tokens.len() == 1 {
                        json!({ "match": { field: with_boost(json!({ "query": text }), boost) } })
                    } else {
                        json!({ "match_phrase": { field: with_boost(json!({ "query": text, "slop": slop }), boost) } })
                    }
                })
            }
            Node::Exact { scope, text, slop } => {
                if terms(&mut self.unstemmed, text).is_empty() {
                    return None;
                }
                per_field(
                    scope_fields(*scope, "title.exact", "body.exact"),
                    |field, boost| json!({ "match_phrase": { field: with_boost(json!({ "query": text, "slop": slop }), boost) } }),
                )
            }
            Node::Prefix { scope, text } => {
                let prefix = terms(&mut self.unstemmed, text).join(" ");
                per_field(
                    scope_fields(*scope, "title.exact", "body.exact"),
                    |field, boost| json!({ "prefix": { field: with_boost(json!({ "value": prefix }), boost) } }),
                )
            }
            Node::Fuzzy { scope, text, distance } => {
                let word = terms(&mut self.unstemmed, text).join(" ");
                let distance = distance.unwrap_or_else(|| auto_distance(text));
                per_field(scope_fields(*scope, "title.exact", "body.exact"), |field, boost| {
                    json!({ "fuzzy": { field: with_boost(
                        json!({ "value": word, "fuzziness": distance, "transpositions": true }), boost) } })
                })
            }
            Node::Near { scope, left, right, distance } => {
                if terms(&mut self.stemmed, left).is_empty() || terms(&mut self.stemmed, right).is_empty() {
                    return None;
                }
                self.note(format!(
                    "NEAR/{distance} becomes an unordered `intervals` query with max_gaps {distance}: \
                     OpenSearch counts the words between the two sides, newsdex the moves of a sloppy phrase"
                ));
                per_field(scope_fields(*scope, "title", "body"), |field, boost| {
                    let side = |text: &str| json!({ "match": { "query": text, "ordered": true, "max_gaps": 0 } });
                    let rule = json!({ "all_of": {
                        "ordered": false, "max_gaps": distance, "intervals": [side(left), side(right)] } });
                    let q = json!({ "intervals": { field: rule } });
                    if boost == 1.0 {
                        q
                    } else {
                        json!({ "bool": { "must": [q], "boost": boost } })
                    }
                })
            }
            Node::Keyword { field, value } => {
                let (name, value) = keyword(*field, value);
                json!({ "term": { name: { "value": value } } })
            }
            Node::Date(range) => {
                json!({ "constant_score": { "filter": { "range": { "date": opensearch_range(range) } }, "boost": 0.0 } })
            }
            Node::Bool(clauses) => {
                let (mut must, mut should, mut must_not) = (Vec::new(), Vec::new(), Vec::new());
                for (occur, child) in clauses {
                    let Some(q) = self.opensearch(child) else { continue };
                    match occur {
                        Occur::Must => must.push(q),
                        Occur::Should => should.push(q),
                        Occur::MustNot => must_not.push(q),
                    }
                }
                if must.is_empty() && should.is_empty() && must_not.is_empty() {
                    return None;
                }
                if must.is_empty() && should.is_empty() {
                    must.push(json!({ "match_all": {} }));
                }
                let mut b = serde_json::Map::new();
                for (name, list) in [("must", must), ("should", should), ("must_not", must_not)] {
                    if !list.is_empty() {
                        b.insert(name.to_string(), Value::Array(list));
                    }
                }
                json!({ "bool": b })
            }
        })
    }

    /// The Quickwit query string for a node; `None` when it constrains nothing.
    pub fn quickwit(&mut self, node: &Node) -> Option<String> {
        Some(match node {
            Node::Word { scope, text } | Node::Phrase { scope, text, slop: _ } => {
                let slop = if let Node::Phrase { slop, .. } = node { *slop } else { 0 };
                let tokens = terms(&mut self.stemmed, text);
                let value = match tokens.as_slice() {
                    [] => return None,
                    [one] => quoted(one),
                    many if slop > 0 => format!("{}~{slop}", quoted(&many.join(" "))),
                    many => quoted(&many.join(" ")),
                };
                self.quickwit_fields(*scope, "title_terms", "body_terms", &value)
            }
            Node::Exact { scope, text, slop } => {
                let words = terms(&mut self.unstemmed, text);
                if words.is_empty() {
                    return None;
                }
                self.note(
                    "exact words are matched in Quickwit's own tokens of title and body (split at every \
                     non-alphanumeric character: `Korea's` is `korea s`), not newsdex's",
                );
                let value =
                    if *slop > 0 { format!("{}~{slop}", quoted(&words.join(" "))) } else { quoted(&words.join(" ")) };
                self.quickwit_fields(*scope, "title", "body", &value)
            }
            Node::Prefix { scope, text } => {
                let prefix = terms(&mut self.unstemmed, text).join("");
                self.quickwit_fields(*scope, "title", "body", &format!("{prefix}*"))
            }
            Node::Fuzzy { scope, text, distance: _ } => {
                let word = terms(&mut self.unstemmed, text).join(" ");
                self.note(format!(
                    "`{text}~`: Quickwit's query language has no typo tolerance; the word is matched as written"
                ));
                self.quickwit_fields(*scope, "title", "body", &quoted(&word))
            }
            Node::Near { scope, left, right, distance } => {
                let l = terms(&mut self.stemmed, left);
                let r = terms(&mut self.stemmed, right);
                if l.is_empty() || r.is_empty() {
                    return None;
                }
                // Exactly newsdex's NEAR: the sloppy phrase in either order.
                let forward = format!("{}~{distance}", quoted(&[l.clone(), r.clone()].concat().join(" ")));
                let backward = format!("{}~{distance}", quoted(&[r, l].concat().join(" ")));
                let a = self.quickwit_fields(*scope, "title_terms", "body_terms", &forward);
                let b = self.quickwit_fields(*scope, "title_terms", "body_terms", &backward);
                format!("({a} OR {b})")
            }
            Node::Keyword { field, value } => {
                let (name, value) = match field {
                    KeywordField::Source => ("sources", canonical_agency(value)),
                    KeywordField::Author => ("authors", value.trim().to_string()),
                    KeywordField::Kind => ("kind", value.to_ascii_lowercase()),
                    KeywordField::Url => ("url", value.to_string()),
                    KeywordField::Id => ("id", value.to_string()),
                };
                if matches!(field, KeywordField::Source | KeywordField::Author) {
                    self.note(format!("`{name}:` is case-sensitive in Quickwit (a raw keyword); newsdex ignores case"));
                }
                format!("{name}:{}", quoted(&value))
            }
            Node::Date(range) => quickwit_range(range),
            Node::Bool(clauses) => {
                let (mut must, mut should, mut must_not) = (Vec::new(), Vec::new(), Vec::new());
                for (occur, child) in clauses {
                    let Some(q) = self.quickwit(child) else { continue };
                    match occur {
                        Occur::Must => must.push(q),
                        Occur::Should => should.push(q),
                        Occur::MustNot => must_not.push(format!("NOT {q}")),
                    }
                }
                if !must.is_empty() && !should.is_empty() {
                    // With a required clause, optional ones only rank; they match nothing more.
                    self.note(
                        "optional clauses beside required ones only change the ranking in newsdex; \
                         Quickwit's query language cannot express that, so they are left out",
                    );
                    should.clear();
                }
                let mut parts = must;
                if !should.is_empty() {
                    parts.push(if should.len() == 1 { should.remove(0) } else { format!("({})", should.join(" OR ")) });
                }
                if parts.is_empty() && must_not.is_empty() {
                    return None;
                }
                if parts.is_empty() {
                    parts.push("*".to_string());
                }
                parts.extend(must_not);
                if parts.len() == 1 {
                    parts.remove(0)
                } else {
                    format!("({})", parts.join(" AND "))
                }
            }
        })
    }

    /// `--source` values as an OpenSearch filter: a `terms` query on the field `source:` uses.
    pub fn opensearch_sources(&mut self, sources: &[String]) -> Option<Value> {
        let (name, _) = keyword(KeywordField::Source, "");
        let values: Vec<String> = sources.iter().map(|s| keyword(KeywordField::Source, s).1).collect();
        (!values.is_empty()).then(|| json!({ "terms": { name: values } }))
    }

    /// `--source` values as a Quickwit clause: their `source:` clauses, any of them.
    pub fn quickwit_sources(&mut self, sources: &[String]) -> Option<String> {
        let mut any: Vec<String> = sources
            .iter()
            .filter_map(|s| self.quickwit(&Node::Keyword { field: KeywordField::Source, value: s.clone() }))
            .collect();
        match any.len() {
            0 => None,
            1 => any.pop(),
            _ => Some(format!("({})", any.join(" OR "))),
        }
    }

    fn quickwit_fields(&mut self, scope: TextScope, title: &str, body: &str, value: &str) -> String {
        match scope {
            TextScope::Any => {
                self.note(format!(
                    "Quickwit's query language has no boosts: a title match counts as much as a body match \
                     (newsdex weighs it {TITLE_BOOST})"
                ));
                format!("({title}:{value} OR {body}:{value})")
            }
            TextScope::Title => format!("{title}:{value}"),
            TextScope::Body => format!("{body}:{value}"),
        }
    }
}

/// The mapped field and value of a keyword clause (OpenSearch names; see `deploy/opensearch`).
fn keyword(field: KeywordField, value: &str) -> (&'static str, String) {
    match field {
        KeywordField::Source => ("sources.folded", canonical_agency(value).to_lowercase()),
        KeywordField::Author => ("authors.folded", value.trim().to_lowercase()),
        KeywordField::Kind => ("kind", value.to_ascii_lowercase()),
        KeywordField::Url => ("url", value.to_string()),
        KeywordField::Id => ("id", value.to_string()),
    }
}

/// An OpenSearch `range` body for a date range (half-open, as newsdex filters).
pub fn opensearch_range(range: &DateRange) -> Value {
    let mut r = serde_json::Map::new();
    if let Some(from) = range.from {
        r.insert("gte".into(), json!(format_instant(from)));
    }
    if let Some(to) = range.to {
        r.insert("lt".into(), json!(format_instant(to)));
    }
    Value::Object(r)
}

/// A Quickwit range clause on `date` (half-open: `[from TO to}`).
pub fn quickwit_range(range: &DateRange) -> String {
    let from = range.from.map_or_else(|| "*".to_string(), format_instant);
    let to = range.to.map_or_else(|| "*".to_string(), format_instant);
    format!("date:[{from} TO {to}}}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::syntax::parse;

    fn os(q: &str) -> (Value, Vec<Note>) {
        let mut t = Translator::default();
        let v = t.opensearch(&parse(q, false).unwrap()).unwrap();
        (v, t.notes)
    }

    fn qw(q: &str, any: bool) -> (String, Vec<Note>) {
        let mut t = Translator::default();
        let v = t.quickwit(&parse(q, any).unwrap()).unwrap();
        (v, t.notes)
    }

    #[test]
    fn words_and_phrases_search_title_and_body_with_newsdex_weights() {
        let (v, _) = os("troops");
        assert_eq!(
            v,
            json!({ "bool": { "should": [
                { "match": { "title": { "query": "troops", "boost": TITLE_BOOST } } },
                { "match": { "body": { "query": "troops" } } }
            ] } })
        );
        let (v, _) = os("body:\"north korean troops\"~3");
        assert_eq!(v, json!({ "match_phrase": { "body": { "query": "north korean troops", "slop": 3 } } }));
        // One word that analyses to two terms is a phrase, as in newsdex.
        let (v, _) = os("title:Ukraine-Nordic");
        assert_eq!(v, json!({ "match_phrase": { "title": { "query": "Ukraine-Nordic", "slop": 0 } } }));
        let (v, notes) = qw("troops", false);
        assert_eq!(v, "(title_terms:\"troop\" OR body_terms:\"troop\")");
        assert!(notes[0].0.contains("no boosts"));
        assert_eq!(qw("body:\"North Korea's troops\"~2", false).0, "body_terms:\"north korea troop\"~2");
    }

    #[test]
    fn exact_prefix_and_fuzzy_use_the_unstemmed_words() {
        let (v, _) = os("title:=universe");
        assert_eq!(v, json!({ "match_phrase": { "title.exact": { "query": "universe", "slop": 0 } } }));
        let (v, _) = os("body:Ukrain*");
        assert_eq!(v, json!({ "prefix": { "body.exact": { "value": "ukrain" } } }));
        let (v, _) = os("body:Zelenskí~");
        assert_eq!(
            v,
            json!({ "fuzzy": { "body.exact": { "value": "zelenski", "fuzziness": 2, "transpositions": true } } })
        );
        assert_eq!(os("body:kyiv~1").0["fuzzy"]["body.exact"]["fuzziness"], 1);
        assert_eq!(qw("exact:\"war on terror\"~1", false).0, "(title:\"war on terror\"~1 OR body:\"war on terror\"~1)");
        assert_eq!(qw("title:Ukrain*", false).0, "title:ukrain*");
        let (v, notes) = qw("body:zelensky~2", false);
        assert_eq!(v, "body:\"zelensky\"");
        assert!(notes.iter().any(|n| n.0.contains("no typo tolerance")));
    }

    #[test]
    fn near_is_unordered_proximity() {
        let (v, notes) = os("body:(rutte NEAR/5 desperation)");
        let rule = &v["intervals"]["body"]["all_of"];
        assert_eq!(rule["ordered"], false);
        assert_eq!(rule["max_gaps"], 5);
        assert_eq!(rule["intervals"][1]["match"]["query"], "desperation");
        assert!(notes[0].0.contains("NEAR/5"));
        assert_eq!(
            qw("body:(rutte NEAR/5 desperation)", false).0,
            "(body_terms:\"rutt desper\"~5 OR body_terms:\"desper rutt\"~5)"
        );
    }

    #[test]
    fn keywords_and_dates_are_filters_on_their_fields() {
        assert_eq!(os("source:Reuters").0, json!({ "term": { "sources.folded": { "value": "reuters" } } }));
        assert_eq!(
            os("source:\"Associated Press\"").0,
            json!({ "term": { "sources.folded": { "value": "ap" } } }),
            "agency names are canonical, as in the index"
        );
        assert_eq!(os("author:KB").0, json!({ "term": { "authors.folded": { "value": "kb" } } }));
        assert_eq!(os("kind:Update").0, json!({ "term": { "kind": { "value": "update" } } }));
        assert_eq!(os("id:4mKXR").0, json!({ "term": { "id": { "value": "4mKXR" } } }));
        assert_eq!(os("url:https://p.dw.com/p/4mKXR").0["term"]["url"]["value"], "https://p.dw.com/p/4mKXR");
        assert_eq!(
            os("date:2024-10").0,
            json!({ "constant_score": { "boost": 0.0, "filter": { "range": { "date": {
                "gte": "2024-10-01T00:00:00Z", "lt": "2024-11-01T00:00:00Z" } } } } })
        );
        assert_eq!(
            os("date:>=2024-10-29").0["constant_score"]["filter"]["range"]["date"],
            json!({ "gte": "2024-10-29T00:00:00Z" })
        );
        assert_eq!(qw("source:reuters", false).0, "sources:\"Reuters\"");
        assert_eq!(qw("kind:update", false).0, "kind:\"update\"");
        assert_eq!(quoted("a\"b\\"), r#""a\"b\\""#, "quotes and backslashes are escaped");
        assert_eq!(qw("date:..2024-10-28", false).0, "date:[* TO 2024-10-29T00:00:00Z}");
    }

    #[test]
    fn booleans_keep_must_should_and_must_not() {
        let (v, _) = os("tanks -croatia");
        assert_eq!(v["bool"]["must"][0]["bool"]["should"][1]["match"]["body"]["query"], "tanks");
        assert_eq!(v["bool"]["must_not"][0]["bool"]["should"][1]["match"]["body"]["query"], "croatia");
        let (v, _) = os("NOT croatia");
        assert_eq!(v["bool"]["must"][0], json!({ "match_all": {} }), "only exclusions: everything else");
        let (v, _) = os("iraq OR iran");
        assert_eq!(v["bool"]["should"].as_array().unwrap().len(), 2);
        assert!(v["bool"].get("must").is_none());
        assert_eq!(qw("body:iraq OR body:iran", false).0, "(body_terms:\"iraq\" OR body_terms:\"iran\")");
        assert_eq!(qw("body:oil -body:opec", false).0, "(body_terms:\"oil\" AND NOT body_terms:\"opec\")");
        assert_eq!(qw("NOT body:opec", false).0, "(* AND NOT body_terms:\"opec\")");
        assert_eq!(qw("body:tanks body:croatia", true).0, "(body_terms:\"tank\" OR body_terms:\"croatia\")");
        let (v, notes) = qw("+body:tanks body:croatia", true);
        assert_eq!(v, "body_terms:\"tank\"", "optional words only rank beside required ones");
        assert!(notes.iter().any(|n| n.0.contains("only change the ranking")));
    }

    #[test]
    fn punctuation_constrains_nothing() {
        let mut t = Translator::default();
        assert_eq!(t.opensearch(&parse("—", false).unwrap()), None);
        assert_eq!(t.quickwit(&parse("—", false).unwrap()), None);
        assert!(t.opensearch(&parse("— troops", false).unwrap()).is_some());
    }
}
