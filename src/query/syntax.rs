//! The query language: text typed by a user → [`Node`] tree. Nothing here knows Tantivy.
//!
//! ```text
//! query    := or
//! or       := and ( "OR" and )*
//! and      := unary ( ["AND"] unary )*        adjacent clauses must all match
//!                                             (with --any: match any, ranked by BM25)
//! unary    := ("NOT" | "-") unary             must not match
//!           | "+" unary                       must match, even with --any
//!           | near
//! near     := primary ( "NEAR/" N primary )*  words or phrases at most N words apart,
//!                                             in either order
//! primary  := "(" or ")"
//!           | FIELD ":" ( primary-in-field )  title: body: source: author: url: kind: id: date:
//!                                             exact: (words inside match unstemmed)
//!           | ["="] '"' words '"' [ "~" N ]   phrase; ~N lets the words be N positions apart;
//!                                             = matches the words as typed, unstemmed
//!           | WORD "*"                        prefix (at least two letters), matched against
//!                                             the words as written, not their stems
//!           | WORD "~" [ "1" | "2" ]          typo-tolerant: at most 1 or 2 edits
//!                                             (plain ~: 1 edit for words up to 5 letters, else 2)
//!           | "=" WORD                        exact: `=universe` finds universe, not university
//!           | WORD                            stemmed: protest finds protests and protesters
//! date:    2024 | 2024-10 | 2024-10-29 | RFC 3339 | A..B | A.. | ..B | >=A | >A | <=B | <B
//! ```
//!
//! Only upper-case `AND`, `OR`, `NOT` and `NEAR/n` are operators; lower-case `and` and `or`
//! are words. A `word:` whose prefix is not a field name is just text (`Update: talks`), but a
//! near miss of one (`titel:`) is an error that suggests the field. Errors carry the byte
//! span of the offending part and, where there is one, the nearest valid form.

use std::fmt;
use std::ops::Range;

use crate::date::{parse_bound, DateRange};
use crate::entry::Kind;

/// Deepest nesting of parentheses accepted.
pub const MAX_DEPTH: usize = 32;
/// Most words, phrases and filters in one query.
pub const MAX_CLAUSES: usize = 1024;
/// Largest distance for `NEAR/n` and phrase slop `~n`.
pub const MAX_DISTANCE: u32 = 1000;

/// Which text fields a text clause searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextScope {
    /// Title and body (a title match adds to the score).
    Any,
    /// The headline only.
    Title,
    /// The body only.
    Body,
}

/// Fields matched by whole value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeywordField {
    /// A credited agency (`source:Reuters`; long names are mapped to their short form).
    Source,
    /// An author.
    Author,
    /// `summary`, `update` or `article`.
    Kind,
    /// The entry's own URL.
    Url,
    /// The entry id.
    Id,
}

/// How a clause takes part in a boolean combination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occur {
    /// Must match.
    Must,
    /// May match; at least one `Should` must when there is no `Must`.
    Should,
    /// Must not match.
    MustNot,
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// One word (it may analyze to several terms, as `Ukraine-Nordic` does: then a phrase).
    Word { scope: TextScope, text: String },
    /// Words in order, at most `slop` extra positions apart.
    Phrase { scope: TextScope, text: String, slop: u32 },
    /// A word, or words in order, matched as written (case and accents aside), not stemmed.
    Exact { scope: TextScope, text: String, slop: u32 },
    /// Words starting with a prefix.
    Prefix { scope: TextScope, text: String },
    /// Words within `distance` edits (`None`: chosen from the word's length).
    Fuzzy { scope: TextScope, text: String, distance: Option<u8> },
    /// Two words or phrases at most `distance` positions apart, in either order.
    Near { scope: TextScope, left: String, right: String, distance: u32 },
    /// A whole-value match on a keyword field.
    Keyword { field: KeywordField, value: String },
    /// Entries dated within a range.
    Date(DateRange),
    /// A boolean combination.
    Bool(Vec<(Occur, Node)>),
}

/// A query that cannot be parsed: what is wrong, where, and what would work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct QueryError {
    /// The whole query.
    pub query: String,
    /// What is wrong.
    pub message: String,
    /// Byte span of the offending part.
    pub span: Range<usize>,
    /// The nearest valid form, when one can be suggested.
    pub hint: Option<String>,
}

impl QueryError {
    /// The error for a query whose text holds nothing to search for (punctuation only).
    pub fn no_words(query: &str) -> QueryError {
        QueryError {
            query: query.to_string(),
            message: "the query has no words to search for".to_string(),
            span: 0..query.len(),
            hint: Some("a word, a \"phrase\" or field:value".to_string()),
        }
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let column = self.query.get(..self.span.start).map_or(1, |s| s.chars().count() + 1);
        write!(f, "bad query {:?}: {} (at column {column})", shorten(&self.query), self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "; try {hint}")?;
        }
        Ok(())
    }
}

fn shorten(q: &str) -> String {
    if q.chars().count() <= 80 {
        q.to_string()
    } else {
        format!("{}…", q.chars().take(79).collect::<String>())
    }
}

/// Field names the grammar knows, for `name:` and for suggestions.
const FIELDS: [&str; 9] = ["title", "body", "source", "author", "url", "kind", "id", "date", "exact"];

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LParen,
    RParen,
    Phrase { text: String, slop: Option<u32>, exact: bool },
    Word(String),
    Plus,
    Minus,
    And,
    Or,
    Not,
    Near(u32),
    Field(String),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    span: Range<usize>,
}

struct Lexer<'a> {
    q: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn peek_char(&self) -> Option<char> {
        self.q[self.pos..].chars().next()
    }

    fn err(&self, message: impl Into<String>, span: Range<usize>, hint: Option<String>) -> QueryError {
        QueryError { query: self.q.to_string(), message: message.into(), span, hint }
    }

    fn tokens(mut self) -> Result<Vec<Token>, QueryError> {
        let mut out = Vec::new();
        while let Some(c) = self.peek_char() {
            let start = self.pos;
            if c.is_whitespace() {
                self.pos += c.len_utf8();
                continue;
            }
            match c {
                '(' => {
                    self.pos += 1;
                    out.push(Token { tok: Tok::LParen, span: start..self.pos });
                }
                ')' => {
                    self.pos += 1;
                    out.push(Token { tok: Tok::RParen, span: start..self.pos });
                }
                '"' | '\u{201c}' | '\u{201d}' => out.push(self.phrase(start)?),
                '=' if self.q[start + 1..].starts_with(['"', '\u{201c}', '\u{201d}']) => {
                    self.pos += 1;
                    let mut token = self.phrase(start)?;
                    if let Tok::Phrase { exact, .. } = &mut token.tok {
                        *exact = true;
                    }
                    out.push(token);
                }
                '-' | '+' => {
                    self.pos += 1;
                    match self.peek_char() {
                        Some(n) if !n.is_whitespace() && n != ')' => out
                            .push(Token { tok: if c == '-' { Tok::Minus } else { Tok::Plus }, span: start..self.pos }),
                        _ => {
                            return Err(self.err(
                                format!("`{c}` needs a word right after it"),
                                start..self.pos,
                                Some(format!("{c}word, e.g. {}", if c == '-' { "oil -opec" } else { "+oil" })),
                            ))
                        }
                    }
                }
                _ => self.word(&mut out)?,
            }
        }
        Ok(out)
    }

    fn phrase(&mut self, start: usize) -> Result<Token, QueryError> {
        let open = self.peek_char().map_or(1, char::len_utf8);
        self.pos += open;
        let rest = &self.q[self.pos..];
        let Some(close) = rest.find(['"', '\u{201c}', '\u{201d}']) else {
            let words = rest.trim();
            return Err(self.err(
                "unbalanced quote: the phrase is never closed",
                start..self.q.len(),
                Some(format!("\"{words}\" (close the phrase) or {words} (no phrase)")),
            ));
        };
        let text = rest[..close].to_string();
        let close_len = rest[close..].chars().next().map_or(1, char::len_utf8);
        self.pos += close + close_len;
        let mut slop = None;
        if self.peek_char() == Some('~') {
            let digits: String = self.q[self.pos + 1..].chars().take_while(|c| c.is_ascii_digit()).collect();
            let end = self.pos + 1 + digits.len();
            if digits.is_empty() {
                return Err(self.err(
                    "a phrase's `~` needs a number of positions",
                    self.pos..end,
                    Some(format!("\"{text}\"~3")),
                ));
            }
            let n: u64 = digits.parse().unwrap_or(u64::MAX);
            if n > u64::from(MAX_DISTANCE) {
                return Err(self.err(
                    format!("phrase distance {n} is too large (at most {MAX_DISTANCE})"),
                    self.pos..end,
                    Some(format!("\"{text}\"~{MAX_DISTANCE}")),
                ));
            }
            slop = Some(n as u32);
            self.pos = end;
        }
        Ok(Token { tok: Tok::Phrase { text, slop, exact: false }, span: start..self.pos })
    }

    fn word(&mut self, out: &mut Vec<Token>) -> Result<(), QueryError> {
        let start = self.pos;
        let rest = &self.q[start..];
        let len = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '"' | '\u{201c}' | '\u{201d}'))
            .unwrap_or(rest.len());
        let word = &rest[..len];
        self.pos += len;
        let span = start..self.pos;
        match word {
            "AND" | "&&" => out.push(Token { tok: Tok::And, span }),
            "OR" | "||" => out.push(Token { tok: Tok::Or, span }),
            "NOT" => out.push(Token { tok: Tok::Not, span }),
            _ if word.starts_with("NEAR/") => {
                let n = &word[5..];
                let hint = Some("rutte NEAR/5 desperation".to_string());
                if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(self.err("NEAR needs a distance in words", span, hint));
                }
                let n: u64 = n.parse().unwrap_or(u64::MAX);
                if n > u64::from(MAX_DISTANCE) {
                    return Err(self.err(
                        format!("NEAR distance {n} is too large (at most {MAX_DISTANCE})"),
                        span,
                        hint,
                    ));
                }
                out.push(Token { tok: Tok::Near(n as u32), span });
            }
            "NEAR" => {
                return Err(self.err("NEAR needs a distance", span, Some("rutte NEAR/5 desperation".to_string())))
            }
            _ => match word.split_once(':') {
                Some((name, value)) if FIELDS.contains(&name.to_ascii_lowercase().as_str()) => {
                    let name_end = start + name.len() + 1;
                    out.push(Token { tok: Tok::Field(name.to_ascii_lowercase()), span: start..name_end });
                    if !value.is_empty() {
                        out.push(Token { tok: Tok::Word(value.to_string()), span: name_end..self.pos });
                    }
                }
                Some((name, _)) if name.len() >= 3 && name.chars().all(|c| c.is_ascii_alphabetic()) => {
                    let lower = name.to_ascii_lowercase();
                    // A near miss: same first letter, similar length, at most two edits.
                    let near_miss = |f: &&&str| {
                        f.as_bytes()[0] == lower.as_bytes()[0]
                            && f.len().abs_diff(lower.len()) <= 1
                            && edit_distance(f, &lower) <= 2
                    };
                    if let Some(near) = FIELDS.iter().find(near_miss) {
                        return Err(self.err(
                            format!("unknown field `{name}:`"),
                            start..start + name.len() + 1,
                            Some(format!("{near}:{} (fields: {})", &word[name.len() + 1..], FIELDS.join(", "))),
                        ));
                    }
                    out.push(Token { tok: Tok::Word(word.to_string()), span });
                }
                _ => out.push(Token { tok: Tok::Word(word.to_string()), span }),
            },
        }
        Ok(())
    }
}

/// Levenshtein distance between two short strings.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diag + usize::from(ca != cb)).min(above + 1).min(row[j] + 1);
            diag = above;
        }
    }
    row[b.len()]
}

/// The scope clauses inherit from an enclosing `field:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Text(TextScope),
    /// Inside `exact:`.
    Exact(TextScope),
    Keyword(KeywordField),
    Date,
}

struct Parser<'a> {
    q: &'a str,
    toks: Vec<Token>,
    at: usize,
    any: bool,
    clauses: usize,
}

/// Parses a query. With `any`, adjacent clauses are alternatives (ranked by how many match)
/// rather than all required.
pub fn parse(query: &str, any: bool) -> Result<Node, QueryError> {
    let toks = Lexer { q: query, pos: 0 }.tokens()?;
    if toks.is_empty() {
        return Err(QueryError {
            query: query.to_string(),
            message: "the query is empty".to_string(),
            span: 0..query.len(),
            hint: Some("a word, a \"phrase\" or field:value".to_string()),
        });
    }
    let mut p = Parser { q: query, toks, at: 0, any, clauses: 0 };
    let node = p.or(Scope::Text(TextScope::Any), 0)?;
    if let Some(t) = p.toks.get(p.at) {
        let message = match t.tok {
            Tok::RParen => "unmatched `)`",
            _ => "unexpected text",
        };
        let hint = Some(format!("{}{}", &query[..t.span.start], &query[t.span.end..]).trim().to_string())
            .filter(|h| !h.is_empty());
        return Err(p.err(message, t.span.clone(), hint));
    }
    Ok(node)
}

impl Parser<'_> {
    fn err(&self, message: impl Into<String>, span: Range<usize>, hint: Option<String>) -> QueryError {
        QueryError { query: self.q.to_string(), message: message.into(), span, hint }
    }

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at).map(|t| &t.tok)
    }

    fn span(&self) -> Range<usize> {
        self.toks.get(self.at).map_or(self.q.len()..self.q.len(), |t| t.span.clone())
    }

    fn count_clause(&mut self) -> Result<(), QueryError> {
        self.clauses += 1;
        if self.clauses > MAX_CLAUSES {
            return Err(self.err(
                format!("too many words and filters (more than {MAX_CLAUSES})"),
                self.span(),
                Some("fewer words, or --any for pasted text".to_string()),
            ));
        }
        Ok(())
    }

    fn or(&mut self, scope: Scope, depth: usize) -> Result<Node, QueryError> {
        let mut alternatives = vec![self.and(scope, depth)?];
        while self.peek() == Some(&Tok::Or) {
            let op = self.span();
            self.at += 1;
            if matches!(self.peek(), None | Some(Tok::RParen | Tok::Or)) {
                return Err(self.err("OR needs something on both sides", op, Some("iraq OR iran".to_string())));
            }
            alternatives.push(self.and(scope, depth)?);
        }
        Ok(if alternatives.len() == 1 {
            alternatives.pop().unwrap_or(Node::Bool(Vec::new()))
        } else {
            Node::Bool(alternatives.into_iter().map(|n| (Occur::Should, n)).collect())
        })
    }

    fn and(&mut self, scope: Scope, depth: usize) -> Result<Node, QueryError> {
        // (modifier, node, joined to the previous clause by an explicit AND)
        let mut items: Vec<(Option<Occur>, Node, bool)> = Vec::new();
        let mut joined = false;
        loop {
            match self.peek() {
                None | Some(Tok::RParen | Tok::Or) => break,
                Some(Tok::And) => {
                    let op = self.span();
                    if items.is_empty() || joined {
                        return Err(self.err(
                            "AND needs something on both sides",
                            op,
                            Some("oil AND prices".to_string()),
                        ));
                    }
                    self.at += 1;
                    if matches!(self.peek(), None | Some(Tok::RParen | Tok::Or)) {
                        return Err(self.err(
                            "AND needs something on both sides",
                            op,
                            Some("oil AND prices".to_string()),
                        ));
                    }
                    joined = true;
                }
                _ => {
                    let (modifier, node) = self.unary(scope, depth)?;
                    items.push((modifier, node, joined));
                    joined = false;
                }
            }
        }
        if items.is_empty() {
            return Err(self.err("expected a word, a phrase or a group here", self.span(), None));
        }
        if items.len() == 1 && items[0].0.is_none() {
            return Ok(items.pop().map(|(_, n, _)| n).unwrap_or(Node::Bool(Vec::new())));
        }
        let n = items.len();
        let joined_next: Vec<bool> = (0..n).map(|i| i + 1 < n && items[i + 1].2).collect();
        let clauses = items
            .into_iter()
            .enumerate()
            .map(|(i, (modifier, node, joined_prev))| {
                let occur = modifier.unwrap_or(if !self.any || joined_prev || joined_next[i] {
                    Occur::Must
                } else {
                    Occur::Should
                });
                (occur, node)
            })
            .collect();
        Ok(Node::Bool(clauses))
    }

    fn unary(&mut self, scope: Scope, depth: usize) -> Result<(Option<Occur>, Node), QueryError> {
        let (occur, name) = match self.peek() {
            Some(Tok::Not) => (Occur::MustNot, "NOT"),
            Some(Tok::Minus) => (Occur::MustNot, "-"),
            Some(Tok::Plus) => (Occur::Must, "+"),
            _ => return Ok((None, self.near(scope, depth)?)),
        };
        let op = self.span();
        self.at += 1;
        if matches!(self.peek(), None | Some(Tok::RParen | Tok::Or | Tok::And | Tok::Not)) {
            let hint = if name == "NOT" { "tanks NOT Croatia" } else { "oil -opec" };
            return Err(self.err(format!("{name} needs a word or group after it"), op, Some(hint.to_string())));
        }
        let (inner, node) = self.unary(scope, depth)?;
        // "NOT -x" and "- -x" cancel out; "+ -x" stays excluded.
        let occur = match (occur, inner) {
            (Occur::MustNot, Some(Occur::MustNot)) => Occur::Must,
            (_, Some(Occur::MustNot)) => Occur::MustNot,
            (o, _) => o,
        };
        Ok((Some(occur), node))
    }

    fn near(&mut self, scope: Scope, depth: usize) -> Result<Node, QueryError> {
        let start = self.span();
        let mut left = self.primary(scope, depth)?;
        while let Some(&Tok::Near(distance)) = self.peek() {
            let op = self.span();
            self.at += 1;
            if matches!(self.peek(), None | Some(Tok::RParen | Tok::Or | Tok::And | Tok::Not)) {
                return Err(self.err(
                    "NEAR needs a word on both sides",
                    op,
                    Some("rutte NEAR/5 desperation".to_string()),
                ));
            }
            let right = self.primary(scope, depth)?;
            let text_of = |n: &Node| match n {
                Node::Word { scope, text } | Node::Phrase { scope, text, .. } => Some((*scope, text.clone())),
                Node::Near { scope, left, right, .. } => Some((*scope, format!("{left} {right}"))),
                _ => None,
            };
            match (text_of(&left), text_of(&right)) {
                (Some((ls, l)), Some((rs, r))) if ls == rs => {
                    left = Node::Near { scope: ls, left: l, right: r, distance };
                }
                _ => {
                    return Err(self.err(
                        "NEAR joins two words or phrases of the same field",
                        start.start..self.span().start,
                        Some("rutte NEAR/5 desperation".to_string()),
                    ))
                }
            }
        }
        Ok(left)
    }

    fn primary(&mut self, scope: Scope, depth: usize) -> Result<Node, QueryError> {
        let Some(token) = self.toks.get(self.at).cloned() else {
            return Err(self.err("the query ends where a word was expected", self.span(), None));
        };
        match token.tok {
            Tok::LParen => {
                if depth >= MAX_DEPTH {
                    return Err(self.err(
                        format!("parentheses nested too deeply (more than {MAX_DEPTH} levels)"),
                        token.span,
                        None,
                    ));
                }
                self.at += 1;
                if self.peek() == Some(&Tok::RParen) {
                    return Err(self.err("empty parentheses", token.span.start..self.span().end, None));
                }
                let node = self.or(scope, depth + 1)?;
                if self.peek() != Some(&Tok::RParen) {
                    let inner = self.q[token.span.end..].trim();
                    return Err(self.err(
                        "unclosed parenthesis",
                        token.span,
                        Some(format!("({inner}) (close the group) or {inner} (no group)")),
                    ));
                }
                self.at += 1;
                Ok(node)
            }
            Tok::RParen => Err(self.err("unmatched `)`", token.span, None)),
            Tok::Field(name) => {
                self.at += 1;
                let inner = match name.as_str() {
                    "title" => Scope::Text(TextScope::Title),
                    "body" => Scope::Text(TextScope::Body),
                    "source" => Scope::Keyword(KeywordField::Source),
                    "author" => Scope::Keyword(KeywordField::Author),
                    "url" => Scope::Keyword(KeywordField::Url),
                    "kind" => Scope::Keyword(KeywordField::Kind),
                    "id" => Scope::Keyword(KeywordField::Id),
                    "exact" => Scope::Exact(TextScope::Any),
                    _ => Scope::Date,
                };
                if scope != Scope::Text(TextScope::Any) {
                    return Err(self.err(format!("`{name}:` cannot be used inside another field"), token.span, None));
                }
                if matches!(self.peek(), None | Some(Tok::RParen | Tok::And | Tok::Or | Tok::Not)) {
                    let example = match inner {
                        Scope::Date => "date:2024-10-01..2024-10-31",
                        Scope::Keyword(KeywordField::Kind) => "kind:update",
                        Scope::Keyword(KeywordField::Source) => "source:Reuters",
                        Scope::Exact(_) => "exact:universe",
                        _ => "title:tanks",
                    };
                    return Err(self.err(format!("`{name}:` needs a value"), token.span, Some(example.to_string())));
                }
                if inner == Scope::Date && !matches!(self.peek(), Some(Tok::Word(_))) {
                    return Err(self.err(
                        "`date:` takes one date or range",
                        self.span(),
                        Some("date:2024-10-29 or date:2024-10-01..2024-10-31".to_string()),
                    ));
                }
                self.primary(inner, depth)
            }
            Tok::Phrase { text, slop, exact } => {
                self.at += 1;
                self.count_clause()?;
                let slop = slop.unwrap_or(0);
                match scope {
                    Scope::Text(s) if exact => Ok(Node::Exact { scope: s, text, slop }),
                    Scope::Text(s) => Ok(Node::Phrase { scope: s, text, slop }),
                    Scope::Exact(s) => Ok(Node::Exact { scope: s, text, slop }),
                    Scope::Keyword(field) => Ok(self.keyword(field, &text, token.span)?),
                    Scope::Date => Err(self.err("`date:` takes a date, not a phrase", token.span, None)),
                }
            }
            Tok::Word(word) => {
                self.at += 1;
                self.count_clause()?;
                match scope {
                    Scope::Text(s) => self.text_word(s, &word, token.span),
                    Scope::Exact(s) => match self.text_word(s, &word, token.span.clone())? {
                        Node::Word { scope, text } => Ok(Node::Exact { scope, text, slop: 0 }),
                        Node::Fuzzy { .. } => Err(self.exact_fuzzy(&word, token.span)),
                        other => Ok(other),
                    },
                    Scope::Keyword(field) => self.keyword(field, &word, token.span),
                    Scope::Date => self.date(&word, token.span),
                }
            }
            Tok::Near(_) => Err(self.err(
                "NEAR needs a word on both sides",
                token.span,
                Some("rutte NEAR/5 desperation".to_string()),
            )),
            Tok::And | Tok::Or | Tok::Not | Tok::Plus | Tok::Minus => {
                Err(self.err("an operator cannot start here", token.span, None))
            }
        }
    }

    fn exact_fuzzy(&self, word: &str, span: Range<usize>) -> QueryError {
        let plain = word.trim_start_matches('=');
        let plain = plain.rsplit_once('~').map_or(plain, |(w, _)| w);
        self.err("a word cannot be both exact (=) and typo-tolerant (~)", span, Some(format!("={plain} or {plain}~")))
    }

    fn text_word(&self, scope: TextScope, word: &str, span: Range<usize>) -> Result<Node, QueryError> {
        if let Some(exact) = word.strip_prefix('=').filter(|w| !w.is_empty()) {
            if exact.contains('~') {
                return Err(self.exact_fuzzy(word, span));
            }
            return match self.text_word(scope, exact, span)? {
                Node::Word { scope, text } => Ok(Node::Exact { scope, text, slop: 0 }),
                // A prefix already matches words as written.
                other => Ok(other),
            };
        }
        if let Some(stem) = word.strip_suffix('*') {
            if stem.contains('*') || stem.is_empty() || stem.starts_with('*') {
                return Err(self.err("`*` goes at the end of a word", span, Some("ukrain*".to_string())));
            }
            if stem.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
                return Err(self.err("a prefix needs at least two letters before `*`", span, Some("uk*".to_string())));
            }
            return Ok(Node::Prefix { scope, text: stem.to_string() });
        }
        if word.contains('*') {
            return Err(self.err("`*` goes at the end of a word", span, Some(format!("{}*", word.replace('*', "")))));
        }
        if let Some((stem, n)) = word.rsplit_once('~') {
            if stem.is_empty() || stem.contains('~') {
                return Err(self.err("`~` follows a word", span, Some("zelensky~".to_string())));
            }
            let distance = match n {
                "" => None,
                "0" | "1" | "2" => n.parse().ok(),
                _ => {
                    return Err(self.err(
                        format!("typo tolerance ~{n} is not supported (use ~1 or ~2)"),
                        span,
                        Some(format!("{stem}~2")),
                    ))
                }
            };
            return Ok(Node::Fuzzy { scope, text: stem.to_string(), distance });
        }
        Ok(Node::Word { scope, text: word.to_string() })
    }

    fn keyword(&self, field: KeywordField, value: &str, span: Range<usize>) -> Result<Node, QueryError> {
        let value = value.trim();
        if field == KeywordField::Kind && Kind::from_name(value).is_none() {
            let names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
            let near =
                names.iter().min_by_key(|n| edit_distance(n, &value.to_lowercase())).copied().unwrap_or("update");
            return Err(self.err(
                format!("unknown kind `{value}` (kinds: {})", names.join(", ")),
                span,
                Some(format!("kind:{near}")),
            ));
        }
        Ok(Node::Keyword { field, value: value.to_string() })
    }

    fn date(&self, value: &str, span: Range<usize>) -> Result<Node, QueryError> {
        let bound = |text: &str| {
            parse_bound(text).map_err(|e| {
                self.err(
                    format!("{} in `date:`", e),
                    span.clone(),
                    Some("date:2024-10-29, date:2024-10 or date:2024-10-01..2024-10-31".to_string()),
                )
            })
        };
        let range = if let Some((a, b)) = value.split_once("..") {
            let from = if a.is_empty() { None } else { Some(bound(a)?) };
            let to = if b.is_empty() { None } else { Some(bound(b)?) };
            if from.is_none() && to.is_none() {
                return Err(self.err(
                    "a date range needs at least one end",
                    span,
                    Some("date:2024-10-01..".to_string()),
                ));
            }
            DateRange::between(from.as_ref(), to.as_ref())
        } else if let Some(v) = value.strip_prefix(">=") {
            DateRange { from: Some(bound(v)?.start), to: None }
        } else if let Some(v) = value.strip_prefix('>') {
            DateRange { from: Some(bound(v)?.end), to: None }
        } else if let Some(v) = value.strip_prefix("<=") {
            DateRange { from: None, to: Some(bound(v)?.end) }
        } else if let Some(v) = value.strip_prefix('<') {
            DateRange { from: None, to: Some(bound(v)?.start) }
        } else {
            DateRange::of_span(&bound(value)?)
        };
        Ok(Node::Date(range))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(t: &str) -> Node {
        Node::Word { scope: TextScope::Any, text: t.to_string() }
    }

    #[test]
    fn bare_words_must_all_match() {
        assert_eq!(
            parse("tanks Croatia", false).unwrap(),
            Node::Bool(vec![(Occur::Must, word("tanks")), (Occur::Must, word("Croatia"))])
        );
        assert_eq!(
            parse("tanks Croatia", true).unwrap(),
            Node::Bool(vec![(Occur::Should, word("tanks")), (Occur::Should, word("Croatia"))])
        );
        assert_eq!(
            parse("tanks AND Croatia help", true).unwrap(),
            Node::Bool(vec![
                (Occur::Must, word("tanks")),
                (Occur::Must, word("Croatia")),
                (Occur::Should, word("help"))
            ])
        );
    }

    #[test]
    fn not_forms_all_exclude() {
        let want = Node::Bool(vec![(Occur::Must, word("tanks")), (Occur::MustNot, word("Croatia"))]);
        for q in ["tanks AND NOT Croatia", "tanks NOT Croatia", "tanks -Croatia"] {
            assert_eq!(parse(q, false).unwrap(), want, "{q}");
        }
    }

    #[test]
    fn or_binds_loosest() {
        assert_eq!(
            parse("a b OR c", false).unwrap(),
            Node::Bool(vec![
                (Occur::Should, Node::Bool(vec![(Occur::Must, word("a")), (Occur::Must, word("b"))])),
                (Occur::Should, word("c")),
            ])
        );
        assert_eq!(
            parse("a or b", false).unwrap(),
            Node::Bool(vec![(Occur::Must, word("a")), (Occur::Must, word("or")), (Occur::Must, word("b"))])
        );
    }

    #[test]
    fn phrases_fields_and_operators() {
        assert_eq!(
            parse("\"north korean troops\"~3", false).unwrap(),
            Node::Phrase { scope: TextScope::Any, text: "north korean troops".into(), slop: 3 }
        );
        assert_eq!(
            parse("title:\"foreign minister\"", false).unwrap(),
            Node::Phrase { scope: TextScope::Title, text: "foreign minister".into(), slop: 0 }
        );
        assert_eq!(
            parse("source:Reuters", false).unwrap(),
            Node::Keyword { field: KeywordField::Source, value: "Reuters".into() }
        );
        assert_eq!(
            parse("kind:update", false).unwrap(),
            Node::Keyword { field: KeywordField::Kind, value: "update".into() }
        );
        assert_eq!(parse("ukrain*", false).unwrap(), Node::Prefix { scope: TextScope::Any, text: "ukrain".into() });
        assert_eq!(
            parse("zelensky~2", false).unwrap(),
            Node::Fuzzy { scope: TextScope::Any, text: "zelensky".into(), distance: Some(2) }
        );
        assert_eq!(
            parse("rutte NEAR/5 desperation", false).unwrap(),
            Node::Near { scope: TextScope::Any, left: "rutte".into(), right: "desperation".into(), distance: 5 }
        );
        assert_eq!(
            parse("Update: talks", false).unwrap(),
            Node::Bool(vec![(Occur::Must, word("Update:")), (Occur::Must, word("talks"))])
        );
        assert_eq!(
            parse("url:https://p.dw.com/p/4mKXR", false).unwrap(),
            Node::Keyword { field: KeywordField::Url, value: "https://p.dw.com/p/4mKXR".into() }
        );
    }

    #[test]
    fn exact_words_and_phrases() {
        let exact = |scope, text: &str, slop| Node::Exact { scope, text: text.to_string(), slop };
        assert_eq!(parse("=universe", false).unwrap(), exact(TextScope::Any, "universe", 0));
        assert_eq!(parse("exact:universe", false).unwrap(), exact(TextScope::Any, "universe", 0));
        assert_eq!(parse("title:=satellite", false).unwrap(), exact(TextScope::Title, "satellite", 0));
        assert_eq!(parse("=\"war on terror\"~2", false).unwrap(), exact(TextScope::Any, "war on terror", 2));
        assert_eq!(parse("exact:\"war on terror\"", false).unwrap(), exact(TextScope::Any, "war on terror", 0));
        assert_eq!(
            parse("exact:(universe OR troop)", false).unwrap(),
            Node::Bool(vec![
                (Occur::Should, exact(TextScope::Any, "universe", 0)),
                (Occur::Should, exact(TextScope::Any, "troop", 0)),
            ])
        );
        assert_eq!(parse("=univers*", false).unwrap(), Node::Prefix { scope: TextScope::Any, text: "univers".into() });
        assert_eq!(
            parse("a = b", false).unwrap(),
            Node::Bool(vec![(Occur::Must, word("a")), (Occur::Must, word("=")), (Occur::Must, word("b")),])
        );
        for q in ["=zelensky~", "exact:zelensky~2"] {
            let e = parse(q, false).unwrap_err();
            assert!(e.to_string().contains("both exact (=) and typo-tolerant"), "{e}");
        }
        let e = parse("title:(exact:x)", false).unwrap_err();
        assert!(e.to_string().contains("cannot be used inside another field"), "{e}");
    }

    #[test]
    fn dates_inside_the_query() {
        let Node::Date(r) = parse("date:2024-10-01..2024-10-31", false).unwrap() else { panic!() };
        assert_eq!(r.from.unwrap().to_string(), "2024-10-01 00:00:00 UTC");
        assert_eq!(r.to.unwrap().to_string(), "2024-11-01 00:00:00 UTC");
        let Node::Date(r) = parse("date:>=2024-10", false).unwrap() else { panic!() };
        assert!(r.to.is_none());
        let e = parse("troops date:2024-13", false).unwrap_err();
        assert!(e.to_string().contains("month 13"), "{e}");
    }

    #[test]
    fn errors_point_at_the_problem_and_suggest_a_fix() {
        let e = parse("\"unbalanced", false).unwrap_err();
        assert_eq!(e.span.start, 0);
        assert!(e.to_string().contains("unbalanced quote") && e.to_string().contains("try \"unbalanced\""), "{e}");
        let e = parse("titel:tanks", false).unwrap_err();
        assert!(e.to_string().contains("try title:tanks"), "{e}");
        let e = parse("tanks AND", false).unwrap_err();
        assert!(e.to_string().contains("AND needs something"), "{e}");
        let e = parse("(tanks", false).unwrap_err();
        assert!(e.to_string().contains("unclosed parenthesis"), "{e}");
        let e = parse("kind:updates", false).unwrap_err();
        assert!(e.to_string().contains("try kind:update"), "{e}");
        assert!(parse("zelensky~9", false).is_err());
        assert!(parse("*ukr*", false).is_err());
    }

    #[test]
    fn hostile_queries_are_refused_not_fatal() {
        for q in ["\"", "(((", ")", "AND", "OR OR OR", "NOT", "-", "+", "*", "~", "title:", "date:", "NEAR/999999", ""]
        {
            assert!(parse(q, false).is_err(), "{q:?} should be an error");
        }
        let deep = format!("{}x{}", "(".repeat(500), ")".repeat(500));
        assert!(parse(&deep, false).is_err());
        let many = vec!["troops"; 10_000].join(" ");
        assert!(parse(&many, false).is_err());
        assert!(parse("title:(a OR (b AND -c))", false).is_ok());
        assert!(parse("𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✊🏽 \u{202e}\u{200b}", false).is_ok());
    }
}
