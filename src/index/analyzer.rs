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
//! `milanovic`) and, for [`NEWS`], stem English words (`troops` → `troop`). [`Normalize`]
//! remembers the results for frequent words, because news vocabulary repeats and stemming
//! would otherwise be the costliest part of indexing.

use std::hash::BuildHasher;

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, Stemmer, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer, TokenizerManager,
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
        .filter(Normalize::new(true))
        .build()
}

/// The analyzer for title and body without stemming.
pub fn news_unstemmed() -> TextAnalyzer {
    TextAnalyzer::builder(NewsTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(Normalize::new(false))
        .build()
}

/// What [`Normalize`] does to one word: lower-case, fold to ASCII, and stem when asked.
fn normalizer(stem: bool) -> TextAnalyzer {
    let lower = TextAnalyzer::builder(RawTokenizer::default()).filter(LowerCaser).filter(AsciiFoldingFilter);
    if stem {
        lower.filter(Stemmer::new(Language::English)).build()
    } else {
        lower.build()
    }
}

/// A token filter that lower-cases, folds and (optionally) stems each word, remembering
/// recent results in a small [`WordCache`].
#[derive(Clone)]
pub struct Normalize {
    stem: bool,
}

impl Normalize {
    /// The filter; `stem` adds English stemming.
    pub fn new(stem: bool) -> Normalize {
        Normalize { stem }
    }
}

impl TokenFilter for Normalize {
    type Tokenizer<T: Tokenizer> = NormalizeFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> NormalizeFilter<T> {
        NormalizeFilter { tokenizer, stem: self.stem, word: normalizer(self.stem), cache: WordCache::new() }
    }
}

/// [`Normalize`] applied to a tokenizer.
pub struct NormalizeFilter<T> {
    tokenizer: T,
    stem: bool,
    word: TextAnalyzer,
    cache: WordCache,
}

impl<T: Clone> Clone for NormalizeFilter<T> {
    /// A copy starts with an empty cache (analyzers are cloned for each indexing thread).
    fn clone(&self) -> Self {
        NormalizeFilter {
            tokenizer: self.tokenizer.clone(),
            stem: self.stem,
            word: normalizer(self.stem),
            cache: WordCache::new(),
        }
    }
}

impl<T: Tokenizer> Tokenizer for NormalizeFilter<T> {
    type TokenStream<'a> = NormalizeStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        NormalizeStream { tail: self.tokenizer.token_stream(text), word: &mut self.word, cache: &mut self.cache }
    }
}

/// The token stream of [`NormalizeFilter`].
pub struct NormalizeStream<'a, T> {
    tail: T,
    word: &'a mut TextAnalyzer,
    cache: &'a mut WordCache,
}

impl<T: TokenStream> TokenStream for NormalizeStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        let slot = self.cache.slot(&token.text);
        if let Some(done) = slot.and_then(|i| self.cache.get(i, &token.text)) {
            token.text.clear();
            token.text.push_str(done);
            return true;
        }
        let mut done = String::new();
        let mut stream = self.word.token_stream(&token.text);
        if let Some(t) = stream.next() {
            done.push_str(&t.text);
        }
        drop(stream);
        if let Some(i) = slot {
            self.cache.put(i, &token.text, &done);
        }
        token.text = done;
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Longest word (in bytes) a [`WordCache`] slot holds; longer words are rare and always
/// normalised afresh.
const CACHED_WORD_BYTES: usize = 31;
/// Slots of a [`WordCache`]: enough for the words that make up most of any news text, few
/// enough to stay in the processor's cache (64 bytes each).
const CACHE_SLOTS: usize = 1 << 15;

/// A direct-mapped cache of normalised words: each word has one slot, chosen by its hash,
/// holding the word and its normalised form inline (no pointers to chase). A word whose
/// slot is taken by another simply replaces it.
struct WordCache {
    slots: Box<[CachedWord]>,
    hasher: foldhash::fast::FixedState,
}

#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct CachedWord {
    raw_len: u8,
    done_len: u8,
    raw: [u8; CACHED_WORD_BYTES],
    done: [u8; CACHED_WORD_BYTES],
}

const EMPTY_WORD: CachedWord =
    CachedWord { raw_len: 0, done_len: 0, raw: [0; CACHED_WORD_BYTES], done: [0; CACHED_WORD_BYTES] };

impl WordCache {
    fn new() -> WordCache {
        WordCache {
            slots: vec![EMPTY_WORD; CACHE_SLOTS].into_boxed_slice(),
            hasher: foldhash::fast::FixedState::default(),
        }
    }

    /// The slot of a word that fits one (`None` for long words and the empty word).
    fn slot(&self, word: &str) -> Option<usize> {
        if word.is_empty() || word.len() > CACHED_WORD_BYTES {
            return None;
        }
        Some(self.hasher.hash_one(word.as_bytes()) as usize & (CACHE_SLOTS - 1))
    }

    fn get(&self, slot: usize, word: &str) -> Option<&str> {
        let cached = &self.slots[slot];
        let raw = cached.raw.get(..usize::from(cached.raw_len))?;
        if raw != word.as_bytes() {
            return None;
        }
        std::str::from_utf8(cached.done.get(..usize::from(cached.done_len))?).ok()
    }

    fn put(&mut self, slot: usize, word: &str, done: &str) {
        if done.len() > CACHED_WORD_BYTES || word.len() > CACHED_WORD_BYTES {
            return;
        }
        let cached = &mut self.slots[slot];
        cached.raw[..word.len()].copy_from_slice(word.as_bytes());
        cached.raw_len = word.len() as u8;
        cached.done[..done.len()].copy_from_slice(done.as_bytes());
        cached.done_len = done.len() as u8;
    }
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
    fn remembered_words_come_out_as_the_plain_chain_makes_them() {
        let mut plain = TextAnalyzer::builder(NewsTokenizer::default())
            .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::English))
            .build();
        let text = "Troops, TROOPS and troops' Milanović Ærø naïve résumés running ran runs 10,000 Straße İstanbul ß";
        let mut cached = news();
        for _ in 0..3 {
            assert_eq!(terms(&mut cached, text), terms(&mut plain, text));
        }
        let mut twin = cached.clone();
        assert_eq!(terms(&mut twin, text), terms(&mut plain, text));
        // More distinct words than the cache has slots: words evict each other.
        let many: String = (0..40_000).map(|i| format!("x{i}ings r{}ed ", i % 977)).collect();
        assert_eq!(terms(&mut cached, &many), terms(&mut plain, &many));
        assert_eq!(terms(&mut cached, &many), terms(&mut plain, &many));
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
