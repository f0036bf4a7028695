//! Text analysis: how news text becomes index terms, at indexing and at query time alike.
//!
//! [`NewsTokenizer`] splits text into words the way news is written:
//!
//! - possessives lose their `'s` (`Korea's` → `Korea`); an elided French or Italian article
//!   or preposition is dropped with its apostrophe (`L'Espresso` → `Espresso`, `d'Ivoire` →
//!   `Ivoire`, `dell'Utri` → `Utri`; see [`ELIDED`]), so the word is found on its own; other
//!   inner apostrophes are dropped (`don't` → `dont`, `O'Brien` → `OBrien`);
//! - digit groups are joined (`10,000` → `10000`), decimals keep their point (`2.5`);
//! - hyphens split compounds (`Ukraine-Nordic` → `Ukraine`, `Nordic` at consecutive
//!   positions, so the phrase `"Ukraine Nordic"` finds it);
//! - every other non-alphanumeric character separates words. Stop words are kept, so
//!   phrases such as `"war on terror"` stay exact.
//!
//! The analyzers built on it lower-case, fold diacritics to ASCII (`Milanović` →
//! `milanovic`) and, for [`NEWS`], stem English words (`troops` → `troop`). Each thread
//! remembers the folded form and stem of recent words in one cache that every analyzer and
//! stemmer of the thread shares (see [`with_forms`]): news vocabulary repeats, stemming would
//! otherwise be the costliest part of indexing. The exact fields of a text do not even look
//! the words up again: they replay what the stemming pass over the same text recorded (see
//! [`Recent`]).
//!
//! The fields behind exact matching (`=universe`, [`EXACT`]) record which unstemmed words a
//! text holds, but only where stemming loses something. A word is kept when stemming
//! changes it (`universe` → `univers`) or when the text holds another word with the same
//! stem (`troop` next to `troops`); a word that is its own stem and the only form of it in
//! the text (`the`, `said`) is left out, since the stemmed field already answers for it (see
//! [`exact_forms`]). That keeps the exact fields a fraction of the size of a full copy.

use std::collections::HashMap;
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
/// The words of a text stemming would conflate, each once (see the module doc).
pub const EXACT: &str = "exact";

/// Terms this long or longer are dropped (Tantivy's `RemoveLongFilter`); such "words" are
/// noise (base64, URLs run together). They keep their position: the next word's is one more.
pub const MAX_TOKEN_BYTES: usize = 64;

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

/// Appends what [`news_unstemmed`] makes of one word (lower-cased and folded) to `out`.
pub fn fold(word: &str, out: &mut String) {
    if word.is_ascii() {
        // Lower-casing is all folding does to ASCII, and cheaper than a cache lookup.
        let start = out.len();
        out.push_str(word);
        out[start..].make_ascii_lowercase();
    } else {
        with_folded(word, |folded| out.push_str(folded));
    }
}

/// The analyzer for keyword fields: the whole value, lower-cased.
pub fn keyword() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default()).filter(LowerCaser).build()
}

/// Stems single, already folded words the way Tantivy's English stemmer does, through the
/// thread's [`WordForms`] cache, and remembers the stems it gave: a query's stemmer (for its
/// snippets, its exact words, "did you mean") meets the same words again and again, and a
/// search process stops before the thread's cache is set up ([`CACHE_AFTER_WORDS`]), so
/// each stem would be worked out afresh (`the` in every one of ten bodies).
#[derive(Clone, Default)]
pub struct WordStemmer {
    /// Stem by word (`None`: the word is its own stem).
    known: HashMap<String, Option<String>, foldhash::fast::FixedState>,
}

impl WordStemmer {
    /// The stem of a lower-cased, folded word, when it differs from the word.
    pub fn changed_stem(&mut self, word: &str) -> Option<&str> {
        if !self.known.contains_key(word) {
            let stem = with_forms(word, |_, stem| (stem != word).then(|| stem.to_string()));
            self.known.insert(word.to_string(), stem);
        }
        self.known.get(word).and_then(Option::as_deref)
    }

    /// The stem of a lower-cased, folded word.
    pub fn stem<'a>(&'a mut self, word: &'a str) -> &'a str {
        self.changed_stem(word).unwrap_or(word)
    }
}

/// A token filter that lower-cases, folds and (optionally) stems each word, through the
/// thread's [`WordForms`] cache.
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
        NormalizeFilter { tokenizer, stem: self.stem, scratch: String::new() }
    }
}

/// [`Normalize`] applied to a tokenizer.
#[derive(Clone)]
pub struct NormalizeFilter<T> {
    tokenizer: T,
    stem: bool,
    scratch: String,
}

impl<T: Tokenizer> Tokenizer for NormalizeFilter<T> {
    type TokenStream<'a> = NormalizeStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        let record = self.stem.then(|| RECENT.with_borrow_mut(|recent| recent.start(text)));
        NormalizeStream { tail: self.tokenizer.token_stream(text), stem: self.stem, scratch: &mut self.scratch, record }
    }
}

/// The token stream of [`NormalizeFilter`].
pub struct NormalizeStream<'a, T> {
    tail: T,
    stem: bool,
    scratch: &'a mut String,
    /// Where the forms of this text's words are recorded (see [`Recent`]).
    record: Option<RecordId>,
}

impl<T: TokenStream> TokenStream for NormalizeStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            if let Some(id) = self.record.take() {
                RECENT.with_borrow_mut(|recent| recent.finish(id));
            }
            return false;
        }
        let token = self.tail.token_mut();
        self.scratch.clear();
        if self.stem {
            let record = self.record;
            with_forms(&token.text, |folded, stem| {
                self.scratch.push_str(stem);
                if let Some(id) = record {
                    RECENT.with_borrow_mut(|recent| recent.push(id, folded, stem));
                }
            });
        } else {
            fold(&token.text, self.scratch);
        }
        std::mem::swap(&mut token.text, self.scratch);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Longest word (in bytes) a [`WordForms`] slot holds, and longest form of it; longer words
/// are rare and always normalised afresh.
const CACHED_WORD_BYTES: usize = 31;
/// Slots of a [`WordForms`] cache: enough for the words that make up most of any news text,
/// few enough to stay near the processor (96 bytes each, 3 MiB).
const CACHE_SLOTS: usize = 1 << 15;

/// Words a thread analyses before its [`WordForms`] slots are allocated: a search analyses
/// a few hundred words (the query, ten snippets) and would spend more time getting three
/// megabytes of zeroed memory from the system than it saves; indexing passes this within
/// two bodies.
const CACHE_AFTER_WORDS: u32 = 4096;

thread_local! {
    static FORMS: std::cell::RefCell<WordForms> = std::cell::RefCell::new(WordForms::new());
    static RECENT: std::cell::RefCell<Recent> = std::cell::RefCell::new(Recent::default());
}

/// The last texts the stemming analyzer went through on this thread, each with the folded
/// form and stem of every word. Tantivy analyses a document's fields in schema order, so the
/// exact fields come right after the title and body they repeat: [`ExactWords`] then takes
/// the words from here instead of splitting and normalising the same text a second time.
#[derive(Default)]
struct Recent {
    records: [Record; RECENT_TEXTS],
    next: usize,
    generation: u64,
}

/// Texts [`Recent`] remembers (a document's title and body, and room to spare).
const RECENT_TEXTS: usize = 4;

/// Which record a stream writes, and which use of it (a record reused since is left alone).
#[derive(Clone, Copy)]
struct RecordId {
    slot: usize,
    generation: u64,
}

#[derive(Default)]
struct Record {
    generation: u64,
    /// Every word was recorded (the stream ran to its end).
    complete: bool,
    text: String,
    /// Folded form then stem of each word, one after another.
    forms: String,
    /// Where each word's folded form ends and its stem ends, in `forms`.
    ends: Vec<(u32, u32)>,
}

impl Recent {
    fn start(&mut self, text: &str) -> RecordId {
        self.generation += 1;
        let slot = self.next;
        self.next = (self.next + 1) % RECENT_TEXTS;
        let record = &mut self.records[slot];
        record.generation = self.generation;
        record.complete = false;
        record.text.clear();
        record.text.push_str(text);
        record.forms.clear();
        record.ends.clear();
        RecordId { slot, generation: self.generation }
    }

    fn push(&mut self, id: RecordId, folded: &str, stem: &str) {
        let record = &mut self.records[id.slot];
        if record.generation == id.generation {
            record.forms.push_str(folded);
            let folded_end = record.forms.len() as u32;
            record.forms.push_str(stem);
            record.ends.push((folded_end, record.forms.len() as u32));
        }
    }

    fn finish(&mut self, id: RecordId) {
        let record = &mut self.records[id.slot];
        if record.generation == id.generation {
            record.complete = true;
        }
    }

    /// Calls `f` with the folded form and stem of every word of `text`, if the text was
    /// recorded in full; returns whether it was.
    fn replay(&self, text: &str, mut f: impl FnMut(&str, &str)) -> bool {
        let Some(record) = self.records.iter().find(|r| r.complete && r.text == text) else { return false };
        let mut start = 0;
        for &(folded_end, stem_end) in &record.ends {
            let (folded_end, stem_end) = (folded_end as usize, stem_end as usize);
            f(&record.forms[start..folded_end], &record.forms[folded_end..stem_end]);
            start = stem_end;
        }
        true
    }
}

/// Calls `f` with the folded (lower-cased, ASCII) form of a word and its English stem, from
/// the thread's cache when the word was seen recently. Every analyzer and stemmer of a
/// thread shares the cache, so the stemmed field, the exact field and the snippets of the
/// same text pay for each word once.
fn with_forms<R>(word: &str, f: impl FnOnce(&str, &str) -> R) -> R {
    FORMS.with_borrow_mut(|forms| forms.get(word, true, f))
}

/// Calls `f` with the folded form of a word; the stem is only worked out (for the cache)
/// once the thread's cache is in use.
fn with_folded<R>(word: &str, f: impl FnOnce(&str) -> R) -> R {
    FORMS.with_borrow_mut(|forms| forms.get(word, false, |folded, _| f(folded)))
}

/// A direct-mapped cache of word forms: each word has one slot, chosen by its hash, holding
/// the word, its folded form and its stem inline (no pointers to chase). A word whose slot
/// is taken by another simply replaces it. The slots are allocated only once the thread has
/// analysed [`CACHE_AFTER_WORDS`] words.
struct WordForms {
    slots: Option<Box<[CachedForms]>>,
    seen: u32,
    hasher: foldhash::fast::FixedState,
    fold: TextAnalyzer,
    stemmer: TextAnalyzer,
    folded: String,
    stem: String,
}

#[derive(Clone, Copy)]
#[repr(C, align(32))]
struct CachedForms {
    raw_len: u8,
    folded_len: u8,
    stem_len: u8,
    /// The word, then its folded form, then its stem, each in `CACHED_WORD_BYTES`.
    bytes: [u8; 3 * CACHED_WORD_BYTES],
}

const EMPTY_FORMS: CachedForms =
    CachedForms { raw_len: 0, folded_len: 0, stem_len: 0, bytes: [0; 3 * CACHED_WORD_BYTES] };

impl CachedForms {
    fn part(&self, i: usize, len: u8) -> &[u8] {
        let start = i * CACHED_WORD_BYTES;
        &self.bytes[start..start + usize::from(len).min(CACHED_WORD_BYTES)]
    }

    fn set(&mut self, i: usize, value: &str) -> u8 {
        let start = i * CACHED_WORD_BYTES;
        self.bytes[start..start + value.len()].copy_from_slice(value.as_bytes());
        value.len() as u8
    }
}

impl WordForms {
    fn new() -> WordForms {
        WordForms {
            slots: None,
            seen: 0,
            hasher: foldhash::fast::FixedState::default(),
            fold: TextAnalyzer::builder(RawTokenizer::default()).filter(LowerCaser).filter(AsciiFoldingFilter).build(),
            stemmer: TextAnalyzer::builder(RawTokenizer::default()).filter(Stemmer::new(Language::English)).build(),
            folded: String::new(),
            stem: String::new(),
        }
    }

    /// The slot of a word that fits one (`None` for long words and the empty word, and while
    /// the cache is not allocated yet).
    fn slot(&mut self, word: &str) -> Option<usize> {
        if self.slots.is_none() {
            self.seen += 1;
            if self.seen < CACHE_AFTER_WORDS {
                return None;
            }
            self.slots = Some(vec![EMPTY_FORMS; CACHE_SLOTS].into_boxed_slice());
        }
        if word.is_empty() || word.len() > CACHED_WORD_BYTES {
            return None;
        }
        Some(self.hasher.hash_one(word.as_bytes()) as usize & (CACHE_SLOTS - 1))
    }

    /// Calls `f` with the folded form and the stem of `word`; without `stem` and without a
    /// cache, the stem passed is empty.
    fn get<R>(&mut self, word: &str, stem: bool, f: impl FnOnce(&str, &str) -> R) -> R {
        let slot = self.slot(word);
        if let Some(cached) = slot.and_then(|i| self.slots.as_ref()?.get(i)) {
            if cached.part(0, cached.raw_len) == word.as_bytes() {
                if let (Ok(folded), Ok(stem)) = (
                    std::str::from_utf8(cached.part(1, cached.folded_len)),
                    std::str::from_utf8(cached.part(2, cached.stem_len)),
                ) {
                    return f(folded, stem);
                }
            }
        }
        self.folded.clear();
        if word.is_ascii() {
            // What lower-casing and folding do to ASCII, without a token stream.
            self.folded.push_str(word);
            self.folded.make_ascii_lowercase();
        } else if let Some(t) = self.fold.token_stream(word).next() {
            self.folded.push_str(&t.text);
        }
        self.stem.clear();
        if !stem && slot.is_none() {
            return f(&self.folded, "");
        }
        if let Some(t) = self.stemmer.token_stream(&self.folded).next() {
            self.stem.push_str(&t.text);
        }
        let fits = |s: &str| s.len() <= CACHED_WORD_BYTES;
        if let Some(cached) = slot.and_then(|i| self.slots.as_mut()?.get_mut(i)) {
            if fits(&self.folded) && fits(&self.stem) {
                cached.raw_len = cached.set(0, word);
                cached.folded_len = cached.set(1, &self.folded);
                cached.stem_len = cached.set(2, &self.stem);
            }
        }
        f(&self.folded, &self.stem)
    }
}

/// Registers every analyzer under its name.
pub fn register(manager: &TokenizerManager) {
    manager.register(NEWS, news());
    manager.register(NEWS_UNSTEMMED, news_unstemmed());
    manager.register(KEYWORD, keyword());
    manager.register(EXACT, exact());
}

/// Separates the terms of a pre-analysed text (see [`Replay`]). No term holds it: the
/// tokenizer ends a word at every control character, and folding makes none.
const TERM_SEPARATOR: char = '\u{1f}';

/// The analyzers a thread runs ahead of the index writer (see [`Replay`]).
struct PreAnalysis {
    news: TextAnalyzer,
    unstemmed: TextAnalyzer,
    exact: ExactWords,
}

thread_local! {
    static PRE_ANALYSIS: std::cell::RefCell<PreAnalysis> = std::cell::RefCell::new(PreAnalysis {
        news: news(),
        unstemmed: news_unstemmed(),
        exact: ExactWords::default(),
    });
}

/// The terms [`NEWS`] (or, unless `stemmed`, [`NEWS_UNSTEMMED`]) makes of `text`, written
/// for [`Replay`]: each term followed by the separator, and a separator alone for each
/// position the analyzer skipped (a word too long to index).
pub fn pre_analysed(text: &str, stemmed: bool) -> String {
    PRE_ANALYSIS.with_borrow_mut(|pre| {
        let analyzer = if stemmed { &mut pre.news } else { &mut pre.unstemmed };
        let mut out = String::with_capacity(text.len() + text.len() / 8);
        let mut stream = analyzer.token_stream(text);
        let mut next = 0;
        while stream.advance() {
            let token = stream.token();
            for _ in next..token.position {
                out.push(TERM_SEPARATOR);
            }
            out.push_str(&token.text);
            out.push(TERM_SEPARATOR);
            next = token.position + 1;
        }
        out
    })
}

/// The words [`EXACT`] makes of `text`, written for [`Replay`]. Cheapest right after
/// [`pre_analysed`] of the same text with stemming, whose analysis the exact words replay.
pub fn pre_analysed_exact(text: &str) -> String {
    PRE_ANALYSIS.with_borrow_mut(|pre| {
        pre.exact.collect(text);
        let mut out = String::with_capacity(pre.exact.kept.text.len() + pre.exact.kept.spans.len());
        for word in pre.exact.kept.iter() {
            out.push_str(word);
            out.push(TERM_SEPARATOR);
        }
        out
    })
}

/// Registers [`Replay`] under the names of the analyzers [`pre_analysed`] and
/// [`pre_analysed_exact`] stand for, for an index writer that is given their output.
pub fn register_pre_analysed(manager: &TokenizerManager) {
    for name in [NEWS, NEWS_UNSTEMMED, EXACT] {
        manager.register(name, Replay);
    }
}

/// The tokenizer of an index writer whose documents hold their title and body analysed
/// already ([`pre_analysed`], [`pre_analysed_exact`]): it gives back the terms, at their
/// positions. Tantivy runs the analyzers of a document on its indexing threads, which also
/// build the postings, and a build ends with merging the segments of every thread into one.
/// Analysed beforehand, on the threads that read the files, the text is tokenized and
/// normalised on every core, and what is left is light enough for a single indexing thread
/// to keep up with two cores: a corpus that fits one segment (100k entries) is then written
/// as one, and needs no merge (see `writer::with_threads`).
#[derive(Clone, Copy, Default)]
pub struct Replay;

/// The token stream of [`Replay`].
pub struct ReplayStream<'a> {
    rest: Option<&'a str>,
    offset: usize,
    position: usize,
    token: Token,
}

impl Tokenizer for Replay {
    type TokenStream<'a> = ReplayStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ReplayStream<'a> {
        ReplayStream { rest: Some(text), offset: 0, position: 0, token: Token::default() }
    }
}

impl TokenStream for ReplayStream<'_> {
    fn advance(&mut self) -> bool {
        while let Some(rest) = self.rest {
            let (term, after) = match rest.split_once(TERM_SEPARATOR) {
                Some((term, after)) => (term, Some(after)),
                None => (rest, None),
            };
            let start = self.offset;
            self.rest = after;
            self.offset += term.len() + TERM_SEPARATOR.len_utf8();
            let position = self.position;
            self.position += 1;
            if !term.is_empty() {
                self.token.text.clear();
                self.token.text.push_str(term);
                self.token.offset_from = start;
                self.token.offset_to = start + term.len();
                self.token.position = position;
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// The analyzer for the exact fields (see the module doc).
pub fn exact() -> TextAnalyzer {
    TextAnalyzer::from(ExactWords::default())
}

/// The words of a text the exact fields record (see the module doc), each once.
pub fn exact_forms(text: &str) -> Vec<String> {
    let mut words = ExactWords::default();
    words.collect(text);
    words.kept.iter().map(str::to_string).collect()
}

/// The tokenizer behind [`EXACT`]: each word stemming changes, and each word that is its own
/// stem when one of those has it as their stem; each once.
#[derive(Clone)]
pub struct ExactWords {
    words: TextAnalyzer,
    /// Folded words stemming changes, one after another, with the range of each.
    changed: Words,
    /// Their stems.
    stems: Words,
    /// Folded words that are their own stem.
    own: Words,
    /// What the text gives the field.
    kept: Words,
    token: Token,
}

/// Distinct words one after another in one string, with a table to find them (no allocation
/// per word once warm).
#[derive(Clone, Default)]
struct Words {
    text: String,
    spans: Vec<std::ops::Range<usize>>,
    /// Indexes into `spans`, by the hash of the word.
    table: hashbrown::HashTable<usize>,
    hasher: foldhash::fast::FixedState,
}

impl Words {
    fn clear(&mut self) {
        self.text.clear();
        self.spans.clear();
        self.table.clear();
    }

    /// Adds a word unless it is there already.
    fn insert(&mut self, word: &str) {
        let hash = self.hasher.hash_one(word);
        let (text, spans) = (&self.text, &self.spans);
        let entry = self.table.entry(
            hash,
            |&i| &text[spans[i].clone()] == word,
            |&i| self.hasher.hash_one(&text[spans[i].clone()]),
        );
        if let hashbrown::hash_table::Entry::Vacant(slot) = entry {
            slot.insert(spans.len());
            let start = self.text.len();
            self.text.push_str(word);
            self.spans.push(start..self.text.len());
        }
    }

    fn contains(&self, word: &str) -> bool {
        let hash = self.hasher.hash_one(word);
        self.table.find(hash, |&i| &self.text[self.spans[i].clone()] == word).is_some()
    }

    fn iter(&self) -> impl Iterator<Item = &str> {
        self.spans.iter().map(|s| &self.text[s.clone()])
    }
}

impl Default for ExactWords {
    fn default() -> Self {
        ExactWords {
            words: TextAnalyzer::builder(NewsTokenizer::default())
                .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
                .build(),
            changed: Words::default(),
            stems: Words::default(),
            own: Words::default(),
            kept: Words::default(),
            token: Token::default(),
        }
    }
}

impl ExactWords {
    /// Fills `kept` with the words of `text` the exact fields record.
    fn collect(&mut self, text: &str) {
        self.changed.clear();
        self.stems.clear();
        self.own.clear();
        self.kept.clear();
        let (changed, stems, own) = (&mut self.changed, &mut self.stems, &mut self.own);
        let mut sort = |folded: &str, stem: &str| {
            if folded == stem {
                own.insert(folded);
            } else {
                changed.insert(folded);
                stems.insert(stem);
            }
        };
        let replayed = RECENT.with_borrow(|recent| recent.replay(text, &mut sort));
        if !replayed {
            let mut stream = self.words.token_stream(text);
            while stream.advance() {
                with_forms(&stream.token().text, &mut sort);
            }
        }
        for word in self.changed.iter() {
            self.kept.insert(word);
        }
        for word in self.own.iter() {
            if self.stems.contains(word) {
                self.kept.insert(word);
            }
        }
    }
}

/// The token stream of [`ExactWords`].
pub struct ExactWordsStream<'a> {
    words: &'a Words,
    next: usize,
    token: &'a mut Token,
}

impl Tokenizer for ExactWords {
    type TokenStream<'a> = ExactWordsStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ExactWordsStream<'a> {
        self.collect(text);
        self.token.reset();
        ExactWordsStream { words: &self.kept, next: 0, token: &mut self.token }
    }
}

impl TokenStream for ExactWordsStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(span) = self.words.spans.get(self.next) else { return false };
        self.next += 1;
        self.token.text.clear();
        self.token.text.push_str(&self.words.text[span.clone()]);
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

/// Articles and prepositions that French and Italian names elide before a vowel (`L'Oréal`,
/// `Côte d'Ivoire`, `Dell'Utri`, `Qu'Appelle`): written at the start of a word and followed
/// by an apostrophe, they are not part of the word. Single letters that start names written
/// as one word in English news (`O'Brien`, `N'Djamena`) are not among them.
const ELIDED: [&str; 8] = ["l", "d", "qu", "all", "dall", "dell", "nell", "sull"];

/// Whether `word`, the letters of a word before an apostrophe, is an elided article.
fn is_elided(word: &str) -> bool {
    ELIDED.iter().any(|e| e.eq_ignore_ascii_case(word))
}

impl NewsTokenStream<'_> {
    fn char_at(&self, at: usize) -> Option<char> {
        self.text.get(at..).and_then(|s| s.chars().next())
    }
}

impl TokenStream for NewsTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let bytes = self.text.as_bytes();
        // Skip to the next alphanumeric character (ASCII separators a byte at a time).
        loop {
            if bytes.get(self.pos).is_some_and(|b| b.is_ascii() && !b.is_ascii_alphanumeric()) {
                self.pos += 1;
                continue;
            }
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
        loop {
            // A run of ASCII letters and digits is taken whole.
            let run =
                bytes.get(self.pos..).map_or(0, |rest| rest.iter().take_while(|b| b.is_ascii_alphanumeric()).count());
            if run > 0 {
                self.token.text.push_str(&self.text[self.pos..self.pos + run]);
                self.pos += run;
                end = self.pos;
                prev = Some(char::from(bytes[self.pos - 1]));
            }
            let Some(c) = self.char_at(self.pos) else { break };
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
                if is_elided(&self.token.text) {
                    // The word starts after the apostrophe; its offsets still cover the
                    // article, as it is written.
                    self.token.text.clear();
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
        assert_eq!(words("L'Espresso, Côte d’Ivoire, Dell'Utri"), ["espresso", "cote", "ivoir", "utri"]);
        assert_eq!(words("O'Brien in N'Djamena, rock'n'roll"), ["obrien", "in", "ndjamena", "rocknrol"]);
        assert_eq!(words("l'd'x"), ["x"], "each elided article goes");
        assert_eq!(words("Protests"), words("protest"));
    }

    /// Each term an analyzer makes of `text`, with its position.
    fn positioned(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize)> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.position));
        }
        out
    }

    #[test]
    fn a_writer_replaying_pre_analysed_text_indexes_the_terms_of_the_analyzers() {
        let long = "x".repeat(MAX_TOKEN_BYTES + 5);
        let texts = [
            String::new(),
            "North Korea's troops, some 10,000 of them".to_string(),
            format!("{long} starts, {long} {long} sits inside and ends {long}"),
            "Zoran Milanović: Côte d’Ivoire's L'Espresso — Ukraine-Nordic 2.5% «quoted»".to_string(),
            "troop troops trooping universe universal the the said".to_string(),
            "\u{1f}control\u{1f}\u{0}characters\tand\u{85}more ǆ ½ ⒜ ﬁnance".to_string(),
        ];
        let mut replay = TextAnalyzer::from(Replay);
        for text in &texts {
            for (stemmed, mut analyzer) in [(true, news()), (false, news_unstemmed())] {
                let expected = positioned(&mut analyzer, text);
                assert_eq!(positioned(&mut replay, &pre_analysed(text, stemmed)), expected, "{text:?}");
            }
            // After the stemmed pass (replayed from it) and on its own.
            let expected = positioned(&mut exact(), text);
            let _ = pre_analysed(text, true);
            assert_eq!(positioned(&mut replay, &pre_analysed_exact(text)), expected, "{text:?}");
            RECENT.with_borrow_mut(|recent| *recent = Recent::default());
            assert_eq!(positioned(&mut replay, &pre_analysed_exact(text)), expected, "{text:?}");
        }
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
    fn exact_words_taken_from_the_stemming_pass_are_those_a_fresh_analysis_finds() {
        let text = "Troops and troop movements: the universe, universities, Zelenskyy's Kyiv-bound \
                    convoys said; said again. Ceasefire talks stalled";
        let fresh = std::thread::spawn(move || exact_forms(text)).join().unwrap();
        assert!(!RECENT.with_borrow(|r| r.replay(text, |_, _| {})));
        // A stream stopped half way is not reused.
        let mut analyzer = news();
        let mut stream = analyzer.token_stream(text);
        assert!(stream.advance());
        drop(stream);
        assert!(!RECENT.with_borrow(|r| r.replay(text, |_, _| {})));
        // Run to its end, it is: and gives the same words.
        let _ = terms(&mut analyzer, text);
        assert!(RECENT.with_borrow(|r| r.replay(text, |_, _| {})));
        assert_eq!(exact_forms(text), fresh);
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

    /// The splitting rules of the module doc, applied one character at a time: the oracle
    /// for the tokenizer, which takes runs of ASCII letters and digits whole.
    fn split_char_by_char(text: &str) -> Vec<(String, usize, usize)> {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let at = |i: usize| chars.get(i).map(|&(_, c)| c);
        let offset = |i: usize| chars.get(i).map_or(text.len(), |&(o, _)| o);
        let mut words = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            if !chars[i].1.is_alphanumeric() {
                i += 1;
                continue;
            }
            let (start, mut end, mut word, mut prev) = (offset(i), offset(i), String::new(), None);
            while let Some(c) = at(i) {
                let next = at(i + 1);
                if c.is_alphanumeric() {
                    word.push(c);
                    i += 1;
                    end = offset(i);
                    prev = Some(c);
                } else if is_apostrophe(c)
                    && prev.is_some_and(char::is_alphabetic)
                    && next.is_some_and(char::is_alphabetic)
                {
                    if matches!(next, Some('s' | 'S')) && !at(i + 2).is_some_and(char::is_alphanumeric) {
                        i += 2;
                        break;
                    }
                    if is_elided(&word) {
                        word.clear();
                    }
                    i += 1;
                } else if matches!(c, ',' | '.')
                    && prev.is_some_and(|p| p.is_ascii_digit())
                    && next.is_some_and(|n| n.is_ascii_digit())
                {
                    if c == '.' {
                        word.push('.');
                    }
                    i += 1;
                } else {
                    break;
                }
            }
            words.push((word, start, end));
        }
        words
    }

    fn split(text: &str) -> Vec<(String, usize, usize)> {
        let mut tokenizer = NewsTokenizer::default();
        let mut stream = tokenizer.token_stream(text);
        let mut got = Vec::new();
        while let Some(t) = stream.next() {
            got.push((t.text.clone(), t.offset_from, t.offset_to));
        }
        got
    }

    proptest::proptest! {
        #[test]
        fn the_ascii_fast_path_splits_as_the_rules_say(text in "[a-zA-Z0-9 ,.'’ʼ\\-é߀İß\u{301}😀\n]{0,40}") {
            proptest::prop_assert_eq!(split(&text), split_char_by_char(&text));
        }

        #[test]
        fn elided_articles_split_as_the_rules_say(text in "[ldqueoLDQ'’s ,.\u{e9}]{0,40}") {
            proptest::prop_assert_eq!(split(&text), split_char_by_char(&text));
        }
    }

    #[test]
    fn odd_text_never_panics() {
        for text in ["", "'", "a'", "'s", "1,", ",1", "1.2.3", "é'ś", "\u{202e}x\u{200b}y", "a''s"] {
            let _ = words(text);
        }
    }
}
