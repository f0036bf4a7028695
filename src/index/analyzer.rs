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
//!
//! The fields behind exact matching (`=universe`, [`EXACT`]) record which unstemmed words a
//! text holds, but only where stemming loses something. A word is kept when stemming
//! changes it (`universe` → `univers`) or when the text holds another word with the same
//! stem (`troop` next to `troops`); a word that is its own stem and the only form of it in
//! the text (`the`, `said`) is left out, since the stemmed field already answers for it (see
//! [`exact_forms`]). That keeps the exact fields a fraction of the size of a full copy.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;

use foldhash::fast::RandomState as FastHash;

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
/// The words of a text stemming would conflate, each once (see the module doc).
pub const EXACT: &str = "exact";

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

/// The analyzer for keyword fields: the whole value, lower-cased.
pub fn keyword() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default()).filter(LowerCaser).build()
}

/// Most words a thread's stem cache remembers (a quarter of a megabyte, so that it stays in
/// the processor's cache).
const STEM_CACHE_SIZE: usize = 8192;
/// Longest word the stem cache remembers, in bytes (it is kept inline, as a number).
const STEM_KEY_BYTES: usize = 16;
/// A remembered word that is its own stem.
const SAME: u32 = u32::MAX;

/// The stems of the first [`STEM_CACHE_SIZE`] short words a thread meets (news repeats its
/// vocabulary, and stemming is the costly part of analysis), shared by all its analyzers.
#[derive(Default)]
struct StemCache {
    /// Word bytes, zero-padded into a number → index into `stems`, or [`SAME`].
    index: HashMap<u128, u32, FastHash>,
    stems: Vec<Box<str>>,
}

thread_local! {
    static STEM_CACHE: std::cell::RefCell<StemCache> = std::cell::RefCell::new(StemCache::default());
}

/// A short word as a number (tokens never hold a NUL byte, so the padding is unambiguous).
fn cache_key(word: &str) -> Option<u128> {
    let bytes = word.as_bytes();
    if bytes.len() > STEM_KEY_BYTES {
        return None;
    }
    let mut key = [0u8; STEM_KEY_BYTES];
    key[..bytes.len()].copy_from_slice(bytes);
    Some(u128::from_le_bytes(key))
}

/// Stems single, already folded words the way Tantivy's English stemmer does, through the
/// thread's stem cache.
#[derive(Clone)]
pub struct WordStemmer {
    stemmer: TextAnalyzer,
    stem: String,
}

impl Default for WordStemmer {
    fn default() -> Self {
        WordStemmer {
            stemmer: TextAnalyzer::builder(RawTokenizer::default()).filter(Stemmer::new(Language::English)).build(),
            stem: String::new(),
        }
    }
}

impl WordStemmer {
    /// The stem of a lower-cased, folded word, when it differs from the word.
    pub fn changed_stem(&mut self, word: &str) -> Option<&str> {
        let key = cache_key(word);
        let cached = STEM_CACHE.with_borrow(|cache| {
            let hit = cache.index.get(&key?).copied()?;
            self.stem.clear();
            if hit != SAME {
                self.stem.push_str(&cache.stems[hit as usize]);
            }
            Some(hit != SAME)
        });
        match cached {
            Some(changed) => return changed.then_some(self.stem.as_str()),
            None => {
                let mut stream = self.stemmer.token_stream(word);
                let stem = stream.next().map_or(word, |t| t.text.as_str());
                self.stem.clear();
                self.stem.push_str(stem);
            }
        }
        let changed = self.stem != word;
        if let Some(key) = key {
            STEM_CACHE.with_borrow_mut(|cache| {
                if cache.index.len() < STEM_CACHE_SIZE {
                    let value = if changed { cache.stems.len() as u32 } else { SAME };
                    cache.index.insert(key, value);
                    if changed {
                        cache.stems.push(self.stem.as_str().into());
                    }
                }
            });
        }
        changed.then_some(self.stem.as_str())
    }

    /// The stem of a lower-cased, folded word.
    pub fn stem<'a>(&'a mut self, word: &'a str) -> &'a str {
        self.changed_stem(word).unwrap_or(word)
    }
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

/// Words a [`WordCache`] sees before it allocates its slots: a search analyses a few
/// hundred words (the query, ten snippets) and would spend more time getting two megabytes
/// of zeroed memory from the system than it saves; indexing passes this within two bodies.
const CACHE_AFTER_WORDS: u32 = 4096;

/// A direct-mapped cache of normalised words: each word has one slot, chosen by its hash,
/// holding the word and its normalised form inline (no pointers to chase). A word whose
/// slot is taken by another simply replaces it. The slots are allocated only once the
/// filter has seen [`CACHE_AFTER_WORDS`] words.
struct WordCache {
    slots: Option<Box<[CachedWord]>>,
    seen: u32,
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
        WordCache { slots: None, seen: 0, hasher: foldhash::fast::FixedState::default() }
    }

    /// The slot of a word that fits one (`None` for long words and the empty word, and while
    /// the cache is not allocated yet).
    fn slot(&mut self, word: &str) -> Option<usize> {
        if self.slots.is_none() {
            self.seen += 1;
            if self.seen < CACHE_AFTER_WORDS {
                return None;
            }
            self.slots = Some(vec![EMPTY_WORD; CACHE_SLOTS].into_boxed_slice());
        }
        if word.is_empty() || word.len() > CACHED_WORD_BYTES {
            return None;
        }
        Some(self.hasher.hash_one(word.as_bytes()) as usize & (CACHE_SLOTS - 1))
    }

    fn get(&self, slot: usize, word: &str) -> Option<&str> {
        let cached = self.slots.as_ref()?.get(slot)?;
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
        let Some(cached) = self.slots.as_mut().and_then(|slots| slots.get_mut(slot)) else { return };
        cached.raw[..word.len()].copy_from_slice(word.as_bytes());
        cached.raw_len = word.len() as u8;
        cached.done[..done.len()].copy_from_slice(done.as_bytes());
        cached.done_len = done.len() as u8;
    }
}

/// Registers every analyzer under its name.
pub fn register(manager: &TokenizerManager) {
    manager.register(NEWS, news());
    manager.register(NEWS_UNSTEMMED, news_unstemmed());
    manager.register(KEYWORD, keyword());
    manager.register(EXACT, exact());
}

/// The analyzer for the exact fields (see the module doc).
pub fn exact() -> TextAnalyzer {
    TextAnalyzer::from(ExactWords::default())
}

/// The words of a text the exact fields record (see the module doc), each once.
pub fn exact_forms(text: &str) -> Vec<String> {
    let mut words = ExactWords::default();
    words.collect(text);
    words.kept
}

/// The tokenizer behind [`EXACT`]: each word stemming changes, and each word that is its own
/// stem when one of those has it as their stem; each once.
#[derive(Clone)]
pub struct ExactWords {
    words: TextAnalyzer,
    stemmer: WordStemmer,
    kept: Vec<String>,
    seen: HashSet<String, FastHash>,
    stems_of_kept: HashSet<String, FastHash>,
    /// Words that are their own stem, one after another.
    own_stems: String,
    own_stem_ends: Vec<usize>,
    token: Token,
}

impl Default for ExactWords {
    fn default() -> Self {
        ExactWords {
            words: news_unstemmed(),
            stemmer: WordStemmer::default(),
            kept: Vec::new(),
            seen: HashSet::default(),
            stems_of_kept: HashSet::default(),
            own_stems: String::new(),
            own_stem_ends: Vec::new(),
            token: Token::default(),
        }
    }
}

impl ExactWords {
    /// Fills `kept` with the words of `text` the exact fields record.
    fn collect(&mut self, text: &str) {
        self.kept.clear();
        self.seen.clear();
        self.stems_of_kept.clear();
        self.own_stems.clear();
        self.own_stem_ends.clear();
        let mut stream = self.words.token_stream(text);
        while let Some(t) = stream.next() {
            match self.stemmer.changed_stem(&t.text) {
                Some(stem) => {
                    if !self.stems_of_kept.contains(stem) {
                        self.stems_of_kept.insert(stem.to_string());
                    }
                    if !self.seen.contains(&t.text) {
                        self.seen.insert(t.text.clone());
                        self.kept.push(t.text.clone());
                    }
                }
                None => {
                    self.own_stems.push_str(&t.text);
                    self.own_stem_ends.push(self.own_stems.len());
                }
            }
        }
        let mut start = 0;
        for &end in &self.own_stem_ends {
            let word = &self.own_stems[start..end];
            start = end;
            if self.stems_of_kept.contains(word) && !self.seen.contains(word) {
                self.seen.insert(word.to_string());
                self.kept.push(word.to_string());
            }
        }
    }
}

/// The token stream of [`ExactWords`].
pub struct ExactWordsStream<'a> {
    words: std::slice::Iter<'a, String>,
    token: &'a mut Token,
}

impl Tokenizer for ExactWords {
    type TokenStream<'a> = ExactWordsStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ExactWordsStream<'a> {
        self.collect(text);
        self.token.reset();
        ExactWordsStream { words: self.kept.iter(), token: &mut self.token }
    }
}

impl TokenStream for ExactWordsStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(word) = self.words.next() else { return false };
        self.token.text.clear();
        self.token.text.push_str(word);
        self.token.position = self.token.position.wrapping_add(1);
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
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

/// Texts turned into their [`NEWS`] terms, joined by single spaces: a copy another engine
/// can index with a plain whitespace tokenizer and match exactly as newsdex does, stemming
/// included (the Quickwit export, whose engine has no English stemmer).
pub struct JoinedTerms {
    analyzer: TextAnalyzer,
}

impl Default for JoinedTerms {
    fn default() -> Self {
        JoinedTerms { analyzer: news() }
    }
}

impl JoinedTerms {
    /// The terms of `text`, in order, separated by one space.
    pub fn join(&mut self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut stream = self.analyzer.token_stream(text);
        while let Some(token) = stream.next() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&token.text);
        }
        out
    }
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
    fn exact_fields_keep_what_stemming_would_lose() {
        let forms = |text: &str| {
            let mut f = exact_forms(text);
            f.sort();
            f
        };
        // `universe` and `satellites` change when stemmed; `the`, `of`, `small` do not and
        // are alone in their stem: the stemmed field answers for them.
        assert_eq!(forms("The universe of small satellites"), ["satellites", "universe"]);
        // `troop` is its own stem, but `troops` shares it: both are kept, once each.
        assert_eq!(forms("A troop, then troops and more troops."), ["troop", "troops"]);
        assert_eq!(forms("Milanović’s"), ["milanovic"], "folded, possessive dropped, then kept: its stem is milanov");
        assert!(forms("").is_empty());
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
        // Now the cache is allocated (it waits for CACHE_AFTER_WORDS words): hits are exact.
        for _ in 0..3 {
            assert_eq!(terms(&mut cached, text), terms(&mut plain, text));
        }
    }

    #[test]
    fn the_cached_stemmer_agrees_with_tantivys() {
        let mut plain = TextAnalyzer::builder(NewsTokenizer::default())
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::English))
            .build();
        let text = "Protesters were protesting; generously, happily, universities' universe ran running runs";
        assert_eq!(terms(&mut news(), text), terms(&mut plain, text));
    }

    #[test]
    fn odd_text_never_panics() {
        for text in ["", "'", "a'", "'s", "1,", ",1", "1.2.3", "é'ś", "\u{202e}x\u{200b}y", "a''s"] {
            let _ = words(text);
        }
    }
}
