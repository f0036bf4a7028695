//! Text analysis: how news text becomes index terms, at indexing and at query time alike.
//!
//! [`NewsTokenizer`] splits text into words the way news is written:
//!
//! - possessives lose their `'s` (`Korea's` → `Korea`), other inner apostrophes are dropped
//!   (`don't` → `dont`);
//! - digit groups are joined (`10,000` → `10000`), decimals keep their point (`2.5`);
//! - hyphens split compounds (`Ukraine-Nordic` → `Ukraine`, `Nordic` at consecutive
//!   positions, so the phrase `"Ukraine Nordic"` finds it);
//! - every other non-alphanumeric character separates words. Stop words are kept, so
//!   phrases such as `"war on terror"` stay exact.
//!
//! The analyzers built on it lower-case, fold diacritics to ASCII (`Milanović` →
//! `milanovic`) and, for [`NEWS`], stem English words (`troops` → `troop`).

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, Stemmer, TextAnalyzer, Token,
    TokenStream, Tokenizer, TokenizerManager,
};

/// Analyzer of title and body: words, lower-cased, folded and stemmed.
pub const NEWS: &str = "news";
/// Words lower-cased and folded but not stemmed (prefix queries, highlighting).
pub const NEWS_UNSTEMMED: &str = "news_unstemmed";
/// Whole values lower-cased (agencies, authors).
pub const KEYWORD: &str = "keyword";

/// Longest term kept, in bytes; longer "words" are noise (base64, URLs run together).
const MAX_TOKEN_BYTES: usize = 64;

/// The analyzer for title and body.
pub fn news() -> TextAnalyzer {
    TextAnalyzer::builder(NewsTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The analyzer for title and body without stemming.
pub fn news_unstemmed() -> TextAnalyzer {
    TextAnalyzer::builder(NewsTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The analyzer for keyword fields: the whole value, lower-cased.
pub fn keyword() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default()).filter(LowerCaser).build()
}

/// Registers every analyzer under its name.
pub fn register(manager: &TokenizerManager) {
    manager.register(NEWS, news());
    manager.register(NEWS_UNSTEMMED, news_unstemmed());
    manager.register(KEYWORD, keyword());
}

/// The terms an analyzer makes of a text, in order.
pub fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        out.push(token.text.clone());
    }
    out
}

/// Splits text into words as described in the module doc.
#[derive(Clone, Default)]
pub struct NewsTokenizer {
    token: Token,
}

/// The token stream of [`NewsTokenizer`].
pub struct NewsTokenStream<'a> {
    text: &'a str,
    pos: usize,
    token: &'a mut Token,
}

impl Tokenizer for NewsTokenizer {
    type TokenStream<'a> = NewsTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> NewsTokenStream<'a> {
        self.token.reset();
        NewsTokenStream { text, pos: 0, token: &mut self.token }
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

impl NewsTokenStream<'_> {
    fn char_at(&self, at: usize) -> Option<char> {
        self.text.get(at..).and_then(|s| s.chars().next())
    }
}

impl TokenStream for NewsTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let bytes = self.text.as_bytes();
        // Skip to the next alphanumeric character.
        loop {
            let Some(c) = self.char_at(self.pos) else { return false };
            if c.is_alphanumeric() {
                break;
            }
            self.pos += c.len_utf8();
        }
        let start = self.pos;
        let mut end = start;
        self.token.text.clear();
        let mut prev: Option<char> = None;
        while let Some(c) = self.char_at(self.pos) {
            let width = c.len_utf8();
            if c.is_alphanumeric() {
                self.token.text.push(c);
                self.pos += width;
                end = self.pos;
                prev = Some(c);
                continue;
            }
            let next = self.char_at(self.pos + width);
            if is_apostrophe(c) && prev.is_some_and(char::is_alphabetic) && next.is_some_and(char::is_alphabetic) {
                let after_s = self.char_at(self.pos + width + 1);
                if matches!(next, Some('s' | 'S')) && !after_s.is_some_and(char::is_alphanumeric) {
                    // Possessive: the word ends before the apostrophe; skip the "'s".
                    self.pos += width + 1;
                    break;
                }
                self.pos += width;
                continue;
            }
            if (c == ',' || c == '.')
                && prev.is_some_and(|p| p.is_ascii_digit())
                && next.is_some_and(|n| n.is_ascii_digit())
            {
                if c == '.' {
                    self.token.text.push('.');
                }
                self.pos += width;
                continue;
            }
            break;
        }
        debug_assert!(end <= bytes.len());
        self.token.offset_from = start;
        self.token.offset_to = end;
        self.token.position = self.token.position.wrapping_add(1);
        self.token.position_length = 1;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        terms(&mut news(), text)
    }

    #[test]
    fn news_words() {
        assert_eq!(words("North Korea's troops"), ["north", "korea", "troop"]);
        assert_eq!(words("Ukraine-Nordic Summit"), ["ukrain", "nordic", "summit"]);
        assert_eq!(words("some 10,000 troops, 2.5%"), ["some", "10000", "troop", "2.5"]);
        assert_eq!(words("Zoran Milanović"), ["zoran", "milanov"]);
        assert_eq!(words("war on terror"), ["war", "on", "terror"]);
        assert_eq!(words("Putin’s war, don't"), ["putin", "war", "dont"]);
        assert_eq!(words("soldiers' pay"), ["soldier", "pay"]);
        assert_eq!(words("Protests"), words("protest"));
    }

    #[test]
    fn offsets_point_at_the_original_text() {
        let text = "Korea's 10,000 “troops”";
        let mut analyzer = news();
        let mut stream = analyzer.token_stream(text);
        let mut spans = Vec::new();
        while let Some(t) = stream.next() {
            spans.push((&text[t.offset_from..t.offset_to], t.position));
        }
        assert_eq!(spans, [("Korea", 0), ("10,000", 1), ("troops", 2)]);
    }

    #[test]
    fn odd_text_never_panics() {
        for text in ["", "'", "a'", "'s", "1,", ",1", "1.2.3", "é'ś", "\u{202e}x\u{200b}y", "a''s"] {
            let _ = words(text);
        }
    }
}
