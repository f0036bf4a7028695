//! Snippets: the stretch of a body that best shows why it matched, as plain text plus the
//! byte ranges to highlight. Format-neutral: renderers decide what a highlight looks like.
//!
//! The body is analysed with the index's own analyzer, so stemmed forms are marked
//! (`troop` marks `troops`), as are prefix, typo-tolerant and exact matches; a phrase that
//! matched is marked as one span. The window with the most distinct matched clauses wins.
//!
//! A long entry that matches in several places gets up to [`MAX_FRAGMENTS`] shorter
//! fragments, in text order, joined by ` … `; each further fragment is the stretch that shows
//! the most clauses not shown yet.

use std::ops::Range;

use tantivy::tokenizer::{TokenStream, Tokenizer};

use crate::index::analyzer::{self, NewsTokenizer, WordStemmer, MAX_TOKEN_BYTES};
use crate::query::syntax::edit_distance;
use crate::query::Highlight;

/// Target length of a snippet, in bytes of body text.
pub const SNIPPET_BYTES: usize = 240;
/// Most fragments in one snippet.
pub const MAX_FRAGMENTS: usize = 3;
/// Target length of each fragment when there are several.
pub const FRAGMENT_BYTES: usize = 160;
/// Bodies longer than this may get several fragments.
const LONG_BODY_BYTES: usize = 2 * SNIPPET_BYTES;

/// A piece of text and the byte ranges within it to highlight (sorted, not overlapping).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snippet {
    /// Plain text, whitespace collapsed; `…` marks a cut.
    pub text: String,
    /// Byte ranges into `text`.
    pub highlights: Vec<Range<usize>>,
}

/// A word of the body: where it is, and where its forms are in [`Toks::text`].
struct Tok {
    span: Range<usize>,
    /// Its position among the body's words (read for phrases only; see
    /// [`SnippetMaker::tokens`] for a body read in stretches).
    position: usize,
    /// Lower-cased and folded.
    folded: Range<usize>,
    /// The stemmed term (empty when it cannot be a marked one).
    stem: Range<usize>,
}

/// The words of one body, their forms one after another in one string (kept from body to
/// body, so that a snippet allocates nothing per word).
#[derive(Default)]
struct Toks {
    text: String,
    list: Vec<Tok>,
}

impl Toks {
    fn folded(&self, i: usize) -> &str {
        &self.text[self.list[i].folded.clone()]
    }

    fn stem(&self, i: usize) -> &str {
        &self.text[self.list[i].stem.clone()]
    }
}

/// A match: where, and which clause of the query it came from.
#[derive(Debug, Clone)]
struct Mark {
    span: Range<usize>,
    clause: usize,
}

/// Makes snippets for the hits of one query.
pub struct SnippetMaker {
    highlight: Highlight,
    /// Splits a body into words (those of [`MAX_TOKEN_BYTES`] or more are dropped, as the
    /// index drops them); each word kept is folded, and stemmed, on its own.
    words: NewsTokenizer,
    stemmer: Option<WordStemmer>,
    /// Any word may be marked (a typo-tolerant word may differ from the body's word in its
    /// first character); otherwise only the words [`may_be_marked`] keeps are read.
    every_word: bool,
    /// By first byte, the fewest bytes a word starting with it needs to be marked: the length
    /// of the shortest term, phrase word, prefix or exact word starting with it in either case
    /// (0: none does); 1 for every byte that starts a character outside ASCII (folding
    /// decides those).
    shortest: [usize; 256],
    /// Skips to the bytes `shortest` may keep, many at a time (`None`: too many to).
    starts: Option<Starts>,
    /// The stemmed terms and phrase words: a folded word is stemmed only when it may stem to
    /// one of them ([`may_stem_to`]).
    stemmed_marks: Vec<String>,
    toks: Toks,
}

/// True when a word as written may fold to one that starts as a term, phrase word, prefix or
/// exact word does (`shortest` is [`SnippetMaker::shortest`]): its first byte starts one in
/// either case, or it is not ASCII.
fn may_be_marked(word: &str, shortest: &[usize; 256]) -> bool {
    word.as_bytes().first().is_none_or(|&b| shortest[usize::from(b)] > 0)
}

/// True when the folded word may stem to `term`. Snowball's English stemmer rewrites the end
/// of a word and never makes it longer: it removes suffixes or replaces them with shorter or
/// equally long ones (`-ational` → `-ate`, `-enci` → `-ence`, `-y` → `-i`), and its
/// exceptional forms are no longer than their words (`early` → `earli`). What it leaves
/// before the stem's last letter is the word's own start, but for a `y` that became an `i`
/// (`dying` → `die`). So `in` and `it` cannot stem to `internet`, nor `interest` to
/// `internet`, and most words of a body need no stemming: a snippet for three words took
/// 12–18 µs a hit when every word starting with one of their letters was stemmed.
fn may_stem_to(folded: &str, term: &str) -> bool {
    let (word, term) = (folded.as_bytes(), term.as_bytes());
    let kept = term.len().saturating_sub(1);
    word.len() >= term.len()
        && word[..kept].iter().zip(&term[..kept]).all(|(&w, &t)| w == t || (w == b'y' && t == b'i'))
}

/// Finds the bytes of a body that may start a marked word, sixteen at a time where the
/// processor can: a byte after the body's start or a byte that is no ASCII letter or digit,
/// that is outside ASCII or is one of up to four `keys` once bit 5 (ASCII's lower-case bit)
/// is set. Setting that bit makes the two cases of a letter one key, and a key of a letter
/// no other byte, so the bytes found are those [`SnippetMaker::shortest`] keeps (and a few
/// more, which the caller then skips). The scan byte by byte was a third of a snippet's time.
#[derive(Clone, Copy)]
struct Starts {
    keys: [u8; 4],
}

impl Starts {
    /// The finder of the bytes `shortest` keeps, unless its ASCII bytes make more than four
    /// keys.
    fn new(shortest: &[usize; 256]) -> Option<Starts> {
        let mut keys: Vec<u8> = Vec::new();
        for b in 0..0x80u8 {
            let key = b | 0x20;
            if shortest[usize::from(b)] > 0 && !keys.contains(&key) {
                keys.push(key);
            }
        }
        // No byte has bit 5 clear once it is set: a key no byte matches, for the unused ones.
        const NONE: u8 = 0x80;
        (keys.len() <= 4).then(|| {
            let mut all = [NONE; 4];
            all[..keys.len()].copy_from_slice(&keys);
            Starts { keys: all }
        })
    }

    /// Whether the byte at `i` is found.
    fn found(&self, bytes: &[u8], i: usize) -> bool {
        let b = bytes[i];
        (!b.is_ascii() || self.keys.contains(&(b | 0x20))) && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
    }

    /// The first position from `from` on holding a byte found, or the length of `bytes`.
    fn next(&self, bytes: &[u8], from: usize) -> usize {
        if from == 0 && !bytes.is_empty() && self.found(bytes, 0) {
            return 0;
        }
        let from = match self.in_blocks(bytes, from.max(1)) {
            Ok(found) => return found,
            Err(rest) => rest,
        };
        (from..bytes.len()).find(|&i| self.found(bytes, i)).unwrap_or(bytes.len())
    }

    /// The first byte found from `from` (at least 1) on, in blocks of sixteen; or where the
    /// bytes left are too few for a block.
    #[cfg(target_arch = "x86_64")]
    fn in_blocks(&self, bytes: &[u8], mut from: usize) -> Result<usize, usize> {
        use std::arch::x86_64::{
            __m128i, _mm_andnot_si128, _mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_loadu_si128, _mm_movemask_epi8,
            _mm_or_si128, _mm_set1_epi8, _mm_sub_epi8,
        };
        debug_assert!(from >= 1);
        // SAFETY: every x86-64 processor has SSE2, and each load reads sixteen bytes that lie
        // inside `bytes` (`from - 1 + 16 < bytes.len()`, `from + 16 <= bytes.len()`).
        unsafe {
            let lower = _mm_set1_epi8(0x20);
            let [a, b, c, d] = self.keys.map(|k| _mm_set1_epi8(k as i8));
            // `x - low` with the sign bit flipped is below `-128 + span` exactly when `x` lies
            // in `low..low + span` (SSE2 compares signed bytes only).
            let within = |x: __m128i, low: u8, span: i8| {
                let shifted = _mm_sub_epi8(x, _mm_set1_epi8(low.wrapping_sub(0x80) as i8));
                _mm_cmplt_epi8(shifted, _mm_set1_epi8(i8::MIN + span))
            };
            while from + 16 <= bytes.len() {
                let block = _mm_loadu_si128(bytes.as_ptr().add(from).cast());
                let before = _mm_loadu_si128(bytes.as_ptr().add(from - 1).cast());
                let folded = _mm_or_si128(block, lower);
                let keyed = _mm_or_si128(
                    _mm_or_si128(_mm_cmpeq_epi8(folded, a), _mm_cmpeq_epi8(folded, b)),
                    _mm_or_si128(_mm_cmpeq_epi8(folded, c), _mm_cmpeq_epi8(folded, d)),
                );
                let before_alnum =
                    _mm_or_si128(within(_mm_or_si128(before, lower), b'a', 26), within(before, b'0', 10));
                // A byte's high bit is set outside ASCII.
                let starts = _mm_movemask_epi8(_mm_andnot_si128(before_alnum, _mm_or_si128(keyed, block)));
                if starts != 0 {
                    return Ok(from + starts.trailing_zeros() as usize);
                }
                from += 16;
            }
        }
        Err(from)
    }

    #[cfg(not(target_arch = "x86_64"))]
    fn in_blocks(&self, _bytes: &[u8], from: usize) -> Result<usize, usize> {
        Err(from)
    }
}

/// By first byte, the length of the shortest of `words` starting with it (0: none does).
fn shortest_by_first_byte<'a>(words: impl IntoIterator<Item = &'a String>) -> [usize; 256] {
    let mut shortest = [0; 256];
    for word in words {
        if let Some(&b) = word.as_bytes().first() {
            let least = &mut shortest[usize::from(b)];
            *least = if *least == 0 { word.len() } else { (*least).min(word.len()) };
        }
    }
    shortest
}

impl SnippetMaker {
    /// A maker for the given highlight spec; `stemmed` says whether the index stems title and
    /// body (as [`analyzer::news`] does) or not ([`analyzer::news_unstemmed`]).
    pub fn new(highlight: &Highlight, stemmed: bool) -> SnippetMaker {
        let stemmed_words = || highlight.terms.iter().chain(highlight.phrases.iter().flat_map(|(words, _)| words));
        let marked_words = || stemmed_words().chain(&highlight.prefixes).chain(&highlight.exact);
        let every_word = !highlight.fuzzy.is_empty() || marked_words().any(String::is_empty);
        // Marked words are folded, so lower-case; a word of the body may start with either case.
        let mut shortest = shortest_by_first_byte(marked_words());
        for b in b'a'..=b'z' {
            shortest[usize::from(b.to_ascii_uppercase())] = shortest[usize::from(b)];
        }
        shortest[0xc0..].fill(1);
        SnippetMaker {
            highlight: highlight.clone(),
            words: NewsTokenizer::default(),
            stemmer: stemmed.then(WordStemmer::default),
            every_word,
            starts: Starts::new(&shortest),
            shortest,
            stemmed_marks: stemmed_words().cloned().collect(),
            toks: Toks::default(),
        }
    }

    /// The snippet of one body.
    pub fn snippet(&mut self, body: &str) -> Snippet {
        let marks = if self.highlight.is_empty() { Vec::new() } else { self.marks(body) };
        let windows = choose_windows(body, &marks);
        render(body, &windows, &marks)
    }

    /// The body's words that could be marked, as the index analysed them, with their
    /// positions. A word that starts with no term, phrase word, prefix or exact word (see
    /// [`may_be_marked`]) matches none of them, and is skipped unread (most of a body's words, and folding them
    /// was most of a snippet's time); leaving it out changes no phrase match either, since
    /// phrase words are matched by position. Stemming is costlier still: of the words kept,
    /// only those that could stem to a marked term are stemmed; the others get an empty
    /// stem, which matches no term.
    ///
    /// Unless a typo-tolerant word is marked (it may start with any letter) or a phrase
    /// allows other words between its own, the tokenizer does not even read the body whole:
    /// only the stretches between ASCII whitespace that hold a byte a marked word can start
    /// with, after a byte that cannot be inside a word, where the word is long enough to be
    /// marked ([`SnippetMaker::shortest`]) or may go on past its ASCII letters and digits (an
    /// apostrophe, a comma or full stop, a character outside ASCII may join more to it). The
    /// tokenizer never joins characters across whitespace, so such a stretch splits into the
    /// words the whole body has there.
    /// For a rare word that is a few stretches per body instead of some 300 words. Positions
    /// stay right for phrases of adjacent words: each stretch's words are numbered on from
    /// the last stretch's, plus one when the bytes left unread between them hold a word
    /// (an ASCII letter or digit: a byte outside ASCII not inside a word starts a stretch
    /// that is read), which no phrase then matches across, as none would across that word.
    fn tokens(&mut self, body: &str) {
        self.toks.text.clear();
        self.toks.list.clear();
        if self.every_word || self.highlight.phrases.iter().any(|(_, slop)| *slop > 0) {
            self.read_words(body, 0, 0);
            return;
        }
        let phrases = !self.highlight.phrases.is_empty();
        let bytes = body.as_bytes();
        let (mut i, mut read_to, mut position) = (0, 0, 0);
        while i < bytes.len() {
            if let Some(starts) = &self.starts {
                i = starts.next(bytes, i);
                if i == bytes.len() {
                    break;
                }
            }
            let least = self.shortest[usize::from(bytes[i])];
            if least == 0 || (i > 0 && bytes[i - 1].is_ascii_alphanumeric()) {
                i += 1;
                continue;
            }
            let run = bytes[i..].iter().take(least).take_while(|b| b.is_ascii_alphanumeric()).count();
            if run < least && bytes.get(i + run).is_none_or(|b| b.is_ascii() && !matches!(b, b'\'' | b',' | b'.')) {
                // Too short to be marked, and nothing can join more to it.
                i += run.max(1);
                continue;
            }
            let start = bytes[..i].iter().rposition(u8::is_ascii_whitespace).map_or(0, |j| j + 1);
            let end = bytes[i..].iter().position(u8::is_ascii_whitespace).map_or(bytes.len(), |j| i + j);
            if phrases && bytes[read_to..start].iter().any(u8::is_ascii_alphanumeric) {
                position += 1;
            }
            // Both ends are next to ASCII bytes (or the body's ends): character boundaries.
            position += self.read_words(&body[start..end], start, position);
            read_to = end;
            i = end;
        }
    }

    /// Adds the words of `text`, which starts `offset` bytes into the body and whose first
    /// word has position `first` (see [`tokens`]); returns the number of its words.
    fn read_words(&mut self, text: &str, offset: usize, first: usize) -> usize {
        let toks = &mut self.toks;
        let mut words = 0;
        let mut stream = self.words.token_stream(text);
        while let Some(t) = stream.next() {
            words = t.position + 1;
            if t.text.len() >= MAX_TOKEN_BYTES || (!self.every_word && !may_be_marked(&t.text, &self.shortest)) {
                continue;
            }
            let start = toks.text.len();
            analyzer::fold(&t.text, &mut toks.text);
            let folded = start..toks.text.len();
            let stem = match &mut self.stemmer {
                None => folded.clone(),
                Some(stemmer) if self.stemmed_marks.iter().any(|m| may_stem_to(&toks.text[folded.clone()], m)) => {
                    match stemmer.changed_stem(&toks.text[folded.clone()]) {
                        Some(stem) => {
                            let from = toks.text.len();
                            toks.text.push_str(stem);
                            from..toks.text.len()
                        }
                        None => folded.clone(),
                    }
                }
                Some(_) => start..start,
            };
            let span = offset + t.offset_from..offset + t.offset_to;
            toks.list.push(Tok { span, position: first + t.position, folded, stem });
        }
        words
    }

    fn marks(&mut self, body: &str) -> Vec<Mark> {
        self.tokens(body);
        let toks = &self.toks;
        let h = &self.highlight;
        let mut marks = Vec::new();
        let mut clause = 0;
        for (words, slop) in &h.phrases {
            for start in 0..toks.list.len() {
                if let Some(end) = phrase_at(toks, start, words, *slop) {
                    marks.push(Mark { span: toks.list[start].span.start..toks.list[end].span.end, clause });
                }
            }
            clause += 1;
        }
        let terms = &h.terms;
        for (n, tok) in toks.list.iter().enumerate() {
            let (stem, folded) = (toks.stem(n), toks.folded(n));
            let mut which = None;
            if let Some(i) = terms.iter().position(|t| t == stem) {
                which = Some(clause + i);
            } else if let Some(i) = h.fuzzy.iter().position(|(w, d)| edit_distance(w, folded) <= usize::from(*d)) {
                which = Some(clause + terms.len() + i);
            } else if let Some(i) = h.prefixes.iter().position(|p| folded.starts_with(p.as_str())) {
                which = Some(clause + terms.len() + h.fuzzy.len() + i);
            } else if let Some(i) = h.exact.iter().position(|w| w == folded) {
                which = Some(clause + terms.len() + h.fuzzy.len() + h.prefixes.len() + i);
            }
            if let Some(c) = which {
                marks.push(Mark { span: tok.span.clone(), clause: c });
            }
        }
        merge_marks(marks)
    }
}

/// The index of the last token of a phrase match starting at `start`, if there is one.
fn phrase_at(toks: &Toks, start: usize, words: &[String], slop: u32) -> Option<usize> {
    if toks.stem(start) != words[0] {
        return None;
    }
    let mut budget = slop as usize;
    let mut last = start;
    for word in &words[1..] {
        let expected = toks.list[last].position + 1;
        let mut found = None;
        for (j, tok) in toks.list.iter().enumerate().skip(last + 1) {
            let gap = tok.position.saturating_sub(expected);
            if gap > budget {
                break;
            }
            if toks.stem(j) == word {
                found = Some((j, gap));
                break;
            }
        }
        let (j, gap) = found?;
        budget -= gap;
        last = j;
    }
    Some(last)
}

/// Sorts marks and folds overlapping ones (a word inside a marked phrase) into one.
fn merge_marks(mut marks: Vec<Mark>) -> Vec<Mark> {
    marks.sort_by(|a, b| a.span.start.cmp(&b.span.start).then(b.span.end.cmp(&a.span.end)));
    let mut out: Vec<Mark> = Vec::with_capacity(marks.len());
    for m in marks {
        match out.last_mut() {
            Some(last) if m.span.start < last.span.end => last.span.end = last.span.end.max(m.span.end),
            _ => out.push(m),
        }
    }
    out
}

/// The byte ranges of the body to show, in text order.
fn choose_windows(body: &str, marks: &[Mark]) -> Vec<Range<usize>> {
    if body.len() <= SNIPPET_BYTES {
        return only(0..body.len());
    }
    if marks.is_empty() {
        return only(0..snap_end(body, SNIPPET_BYTES));
    }
    if body.len() > LONG_BODY_BYTES {
        let mut windows: Vec<Range<usize>> = Vec::new();
        let mut shown: Vec<usize> = Vec::new();
        while windows.len() < MAX_FRAGMENTS {
            let Some(window) = best_window(body, marks, FRAGMENT_BYTES, &windows, &shown) else { break };
            shown.extend(
                marks.iter().filter(|m| m.span.start >= window.start && m.span.end <= window.end).map(|m| m.clause),
            );
            windows.push(window);
        }
        if windows.len() > 1 {
            windows.sort_by_key(|w| w.start);
            return windows;
        }
    }
    best_window(body, marks, SNIPPET_BYTES, &[], &[]).map_or_else(|| only(0..snap_end(body, SNIPPET_BYTES)), only)
}

/// A list of one window.
fn only(window: Range<usize>) -> Vec<Range<usize>> {
    std::iter::once(window).collect()
}

/// The window of about `width` bytes, clear of `taken`, holding the most clauses not in
/// `shown`, then the most clauses, then the most marks; earlier windows win ties.
fn best_window(
    body: &str,
    marks: &[Mark],
    width: usize,
    taken: &[Range<usize>],
    shown: &[usize],
) -> Option<Range<usize>> {
    let overlaps = |r: &Range<usize>| taken.iter().any(|t| r.start < t.end && t.start < r.end);
    let mut best: Option<((usize, usize, usize), Range<usize>)> = None;
    let mut clauses: Vec<usize> = Vec::new();
    for i in 0..marks.len() {
        if taken.iter().any(|t| marks[i].span.start < t.end && t.start < marks[i].span.end) {
            continue;
        }
        let end = marks[i].span.start + width;
        let inside = &marks[i..];
        let inside = &inside[..inside.iter().take_while(|m| m.span.end <= end).count()];
        clauses.clear();
        clauses.extend(inside.iter().map(|m| m.clause));
        clauses.sort_unstable();
        clauses.dedup();
        let new = clauses.iter().filter(|c| !shown.contains(c)).count();
        let window = window_around(body, inside, width);
        if overlaps(&window) {
            continue;
        }
        let score = (new, clauses.len(), inside.len());
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, window));
        }
    }
    best.map(|(_, w)| w)
}

/// A window of about `width` bytes around marks that fit in it, starting at a sentence start
/// close before them when there is one.
fn window_around(body: &str, inside: &[Mark], width: usize) -> Range<usize> {
    let (Some(first), Some(last)) = (inside.first(), inside.last()) else { return 0..snap_end(body, width) };
    let first = first.span.start;
    let last_end = last.span.end;
    let slack = width.saturating_sub(last_end - first);
    let mut start = first.saturating_sub(slack / 2);
    if let Some(sentence) = sentence_start_before(body, first, slack) {
        start = sentence;
    }
    let start = snap_start(body, start);
    let end = snap_end(body, (start + width).max(last_end));
    start..end
}

/// The start of the sentence holding `at`, if it begins within `max_back` bytes: just after
/// the last `.`, `!`, `?` or line break before `at`, or the body's start. (A body with many
/// marks looks back from each, hence `memchr`'s vectorised search.)
fn sentence_start_before(body: &str, at: usize, max_back: usize) -> Option<usize> {
    let from = at.saturating_sub(max_back);
    let head = &body.as_bytes()[from..at];
    let cut = match (memchr::memrchr3(b'.', b'!', b'?', head), memchr::memrchr(b'\n', head)) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    match cut {
        Some(i) => Some(from + i + 1),
        None if from == 0 => Some(0),
        None => None,
    }
}

/// Moves a start forward to the beginning of a word.
fn snap_start(body: &str, start: usize) -> usize {
    if start == 0 {
        return 0;
    }
    let mut i = start;
    while !body.is_char_boundary(i) {
        i += 1;
    }
    // Inside a word: go to its end, then past the whitespace.
    let prev_is_space = body[..i].chars().next_back().is_none_or(char::is_whitespace);
    if !prev_is_space {
        i = body[i..].find(char::is_whitespace).map_or(body.len(), |j| i + j);
    }
    i + body[i..].len() - body[i..].trim_start().len()
}

/// Moves an end back to the end of a word.
fn snap_end(body: &str, end: usize) -> usize {
    if end >= body.len() {
        return body.len();
    }
    let mut i = end;
    while !body.is_char_boundary(i) {
        i -= 1;
    }
    match body[..i].rfind(char::is_whitespace) {
        Some(j) if j > 0 => body[..j].trim_end().len(),
        _ => i,
    }
}

/// Appends `piece` to `text` with each run of whitespace made one space, and none at the
/// start of `text` or after an ellipsis. Runs without whitespace are copied whole (char by
/// char, this was a tenth of a snippet's time).
fn copy_collapsed(text: &mut String, piece: &str) {
    let bytes = piece.as_bytes();
    let (mut copied, mut i) = (0, 0);
    while i < bytes.len() {
        let (space, width) = match bytes[i] {
            b' ' | b'\t'..=b'\r' => (true, 1),
            b if b.is_ascii() => (false, 1),
            // `i` is on a character boundary: it only ever moves by whole characters.
            _ => piece[i..].chars().next().map_or((false, 1), |c| (c.is_whitespace(), c.len_utf8())),
        };
        if space {
            text.push_str(&piece[copied..i]);
            if !text.is_empty() && !text.ends_with(' ') && !text.ends_with('…') {
                text.push(' ');
            }
            copied = i + width;
        }
        i += width;
    }
    text.push_str(&piece[copied..]);
}

/// Copies the windows with whitespace runs collapsed, joined by ` … `, carrying the marks
/// along.
fn render(body: &str, windows: &[Range<usize>], marks: &[Mark]) -> Snippet {
    let mut text = String::with_capacity(windows.iter().map(|w| w.len() + 8).sum());
    let mut highlights = Vec::new();
    for (n, window) in windows.iter().enumerate() {
        if n > 0 {
            let trimmed = text.trim_end().len();
            text.truncate(trimmed);
            text.push_str(" … ");
        } else if window.start > 0 {
            text.push('…');
        }
        let mut cursor = window.start;
        for m in marks.iter().filter(|m| m.span.start >= window.start && m.span.end <= window.end) {
            copy_collapsed(&mut text, &body[cursor..m.span.start]);
            let from = text.len();
            copy_collapsed(&mut text, &body[m.span.clone()]);
            highlights.push(from..text.len());
            cursor = m.span.end;
        }
        copy_collapsed(&mut text, &body[cursor..window.end]);
    }
    let trimmed = text.trim_end().len();
    text.truncate(trimmed);
    if windows.last().is_some_and(|w| w.end < body.len()) {
        text.push('…');
    }
    Snippet { text, highlights }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(s: &Snippet) -> Vec<&str> {
        s.highlights.iter().map(|r| &s.text[r.clone()]).collect()
    }

    fn spec(terms: &[&str], phrases: &[(&[&str], u32)]) -> Highlight {
        Highlight {
            terms: terms.iter().map(|t| t.to_string()).collect(),
            phrases: phrases.iter().map(|(w, s)| (w.iter().map(|t| t.to_string()).collect(), *s)).collect(),
            ..Highlight::default()
        }
    }

    #[test]
    fn stemmed_forms_are_marked() {
        let mut m = SnippetMaker::new(&spec(&["troop"], &[]), true);
        let s = m.snippet("The US says some 10,000 troops went.\n\nMore troop moves.");
        assert_eq!(marked(&s), ["troops", "troop"]);
        assert_eq!(s.text, "The US says some 10,000 troops went. More troop moves.");
    }

    #[test]
    fn a_phrase_is_one_span() {
        let mut m = SnippetMaker::new(&spec(&[], &[(&["north", "korean", "troop"], 0)]), true);
        let s = m.snippet("Rutte said North Korean troops were in Russia. North Korea denied it.");
        assert_eq!(marked(&s), ["North Korean troops"]);
    }

    #[test]
    fn the_window_moves_to_the_matches() {
        let body =
            format!("{} Croatia sends Leopard tanks. {}", "Filler words here. ".repeat(40), "Tail text. ".repeat(40));
        let mut m = SnippetMaker::new(&spec(&["leopard", "tank"], &[]), true);
        let s = m.snippet(&body);
        assert!(s.text.starts_with('…') && s.text.ends_with('…'), "{}", s.text);
        assert_eq!(marked(&s), ["Leopard", "tanks"]);
        assert!(s.text.len() <= SNIPPET_BYTES + 8);
    }

    #[test]
    fn a_window_starts_at_the_sentence_holding_its_first_match() {
        let filler = "Filler words here. ".repeat(40);
        let mut m = SnippetMaker::new(&spec(&["leopard"], &[]), true);
        let no_stop = format!("{}so", "and ".repeat(70));
        for (lead, starts) in
            [("Why now? Croatia", "…Croatia"), ("Breaking\nCroatia", "…Croatia"), (&no_stop, "…and and")]
        {
            let s = m.snippet(&format!("{filler}{lead} sends Leopard tanks, it said. {filler}"));
            assert!(s.text.starts_with(starts), "{lead:?}: {}", s.text);
            assert_eq!(marked(&s), ["Leopard"]);
        }
    }

    #[test]
    fn prefixes_and_typos_are_marked() {
        let h =
            Highlight { prefixes: vec!["ukrain".into()], fuzzy: vec![("zelensky".into(), 2)], ..Highlight::default() };
        let mut m = SnippetMaker::new(&h, true);
        let s = m.snippet("Ukrainian President Zelenskyy visited Ukraine.");
        assert_eq!(marked(&s), ["Ukrainian", "Zelenskyy", "Ukraine"]);
    }

    #[test]
    fn a_word_may_stem_to_its_stem_and_not_to_other_words() {
        // What lets `read_words` skip stemming most words: checked on every word of the
        // shipped Wikinews sample and on Snowball's exceptional forms.
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/wikinews.ndjson");
        let text = std::fs::read_to_string(path).expect("corpus/wikinews.ndjson ships with the repository");
        let extra =
            "skis skies dying lying tying idly gently ugly early only singly news howe atlas cosmos bias andes \
                     yes yield ies ied ss s us is as a i y ys yies yied ying eed eedly ingly";
        let words = analyzer::terms(&mut analyzer::news_unstemmed(), &format!("{text} {extra}"));
        assert!(words.len() > 100_000);
        let mut stemmer = WordStemmer::default();
        for word in &words {
            let stem = stemmer.stem(word).to_string();
            assert!(may_stem_to(word, &stem), "{word} → {stem}");
        }
        assert!(may_stem_to("dying", "die") && may_stem_to("internet", "internet"));
        assert!(!may_stem_to("in", "internet") && !may_stem_to("interest", "internet") && !may_stem_to("oil", "opec"));
    }

    #[test]
    fn only_words_that_may_match_are_read_and_they_are_read_as_the_index_reads_them() {
        // Capitals, diacritics (a word starting with `É` folds to one starting with `e`) and
        // a phrase whose words stand apart by a skipped word.
        let h = Highlight {
            exact: vec!["emile".into()],
            prefixes: vec!["cafe".into()],
            phrases: vec![(vec!["prime".into(), "minist".into()], 1)],
            ..spec(&["drill"], &[])
        };
        let mut m = SnippetMaker::new(&h, true);
        let s = m.snippet("Émile's Café-owner told the Prime deputy Minister: DRILLING, Drills; Émilie drew.");
        assert_eq!(marked(&s), ["Émile", "Café", "Prime deputy Minister", "DRILLING", "Drills"]);
        let mut m = SnippetMaker::new(&spec(&[], &[(&["prime", "minist"], 0)]), true);
        assert!(m.snippet("The Prime deputy Minister spoke.").highlights.is_empty());
    }

    #[test]
    fn reading_only_the_stretches_that_may_hold_a_mark_marks_what_reading_every_word_marks() {
        // A third of the bodies of the shipped Wikinews sample (all of them take half a minute
        // in a debug build), under specs whose heads are rare, common
        // (`s`, `t`), digits and letters that fold from others (`é` → `e`), with prefixes,
        // exact words and phrases of adjacent words (whose positions must stay right across
        // stretches, words too long to index and dashes); the same maker made to read every
        // word is the oracle.
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/wikinews.ndjson");
        let text = std::fs::read_to_string(path).expect("corpus/wikinews.ndjson ships with the repository");
        let bodies: Vec<String> = text
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v["body"].as_str().map(str::to_string))
            .step_by(3)
            .chain([
                "Kashmir's “kashmiri” o'kashmir 1,000 2.5 rock'n'roll Émile émigré ÉCOLE don't".to_string(),
                "L'Kashmir l’école dell'Emilia qu'internet D'US d'prime minister l'prime l'd'minister".to_string(),
                "it's i'll in. in, u.s. U.S. US it’s i’nternet internet's in-depth intern Über us 12,345,678 \
                 1.2345678 b'roadband b.roadband"
                    .to_string(),
                format!(
                    "prime — minister, prime-minister; Prime Minister's prime {} minister prime x minister \
                     prime 'minister' prime-{}-minister prime,minister the delegation",
                    "a".repeat(70),
                    "b".repeat(64)
                ),
            ])
            .collect();
        assert!(bodies.len() > 1900);
        let specs = [
            spec(&["kashmir"], &[]),
            spec(&["said", "state", "the"], &[]),
            spec(&["2004", "1"], &[]),
            spec(&["emil", "ecol"], &[]),
            Highlight {
                prefixes: vec!["pales".into(), "o".into()],
                exact: vec!["dont".into(), "rocknrol".into()],
                ..spec(&["deleg", "funer"], &[])
            },
            spec(&[], &[(&["prime", "minist"], 0), (&["yasser", "arafat"], 0), (&["the", "deleg"], 0)]),
            spec(&["said"], &[(&["new", "york", "citi"], 0), (&["of", "the"], 0)]),
            Highlight {
                prefixes: vec!["inter".into()],
                exact: vec!["us".into()],
                ..spec(&["broadband", "internet", "user", "12345678", "1.2345678"], &[(&["in", "depth"], 0)])
            },
        ];
        let mut marks = 0;
        for h in &specs {
            let mut stretches = SnippetMaker::new(h, true);
            let mut whole = SnippetMaker::new(h, true);
            whole.every_word = true;
            for body in &bodies {
                let fast: Vec<_> = stretches.marks(body).into_iter().map(|m| (m.span, m.clause)).collect();
                let slow: Vec<_> = whole.marks(body).into_iter().map(|m| (m.span, m.clause)).collect();
                assert_eq!(fast, slow, "{body}");
                marks += fast.len();
            }
        }
        assert!(marks > 10_000, "{marks} marks");
        // Words too long for the index are not marked either.
        let mut m = SnippetMaker::new(&Highlight { prefixes: vec!["aaa".into()], ..Highlight::default() }, true);
        assert_eq!(marked(&m.snippet(&format!("{} aaab", "a".repeat(MAX_TOKEN_BYTES)))), ["aaab"]);
    }

    #[test]
    fn no_match_in_the_body_shows_its_start() {
        let mut m = SnippetMaker::new(&spec(&["absent"], &[]), true);
        let body = "word ".repeat(200);
        let s = m.snippet(&body);
        assert!(s.highlights.is_empty());
        assert!(s.text.starts_with("word word") && s.text.ends_with('…'));
    }

    #[test]
    fn the_block_scan_stops_at_every_byte_that_may_start_a_mark() {
        let words: Vec<String> = ["coal", "export", "china", "9/11"].iter().map(|w| w.to_string()).collect();
        let mut shortest = shortest_by_first_byte(&words);
        for b in b'a'..=b'z' {
            shortest[usize::from(b.to_ascii_uppercase())] = shortest[usize::from(b)];
        }
        shortest[0xc0..].fill(1);
        let starts = Starts::new(&shortest).expect("three letters and a digit make four keys");
        for b in 0..=255u8 {
            assert!(shortest[usize::from(b)] == 0 || starts.found(&[b' ', b], 1), "byte {b:#x}");
        }
        let body = "Prices rose; Coal and EXPORTS from China fell. Zürich — “quoted” 9/11 retrospective \
                    without any of them for a while, then at the very end: c";
        let bytes = body.as_bytes();
        for from in 0..=bytes.len() {
            let one_by_one = (from..bytes.len()).find(|&i| starts.found(bytes, i)).unwrap_or(bytes.len());
            assert_eq!(starts.next(bytes, from), one_by_one, "from {from}");
        }
        // Bytes of every kind side by side, in a fixed pseudo-random order.
        let alphabet = b"cCeE9x0/ '.-\n\xc3\xa9\xe2\x80\x9czZ@`[{";
        let mut state = 7u32;
        let noise: Vec<u8> = (0..3000)
            .map(|_| {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                alphabet[(state >> 16) as usize % alphabet.len()]
            })
            .collect();
        for from in 0..=noise.len() {
            let one_by_one = (from..noise.len()).find(|&i| starts.found(&noise, i)).unwrap_or(noise.len());
            assert_eq!(starts.next(&noise, from), one_by_one, "from {from}");
        }
        let five: Vec<String> = ["a", "b", "c", "d", "e"].iter().map(|w| w.to_string()).collect();
        assert!(Starts::new(&shortest_by_first_byte(&five)).is_none());
    }

    #[test]
    fn whitespace_of_every_kind_collapses_to_one_space() {
        // What collapsing means, one character at a time.
        fn by_char(text: &mut String, piece: &str) {
            for c in piece.chars() {
                if !c.is_whitespace() {
                    text.push(c);
                } else if !text.is_empty() && !text.ends_with(' ') && !text.ends_with('…') {
                    text.push(' ');
                }
            }
        }
        let pieces = [
            "",
            "  lead and trail  ",
            "tabs\tand\r\nlines\x0b\x0cfeeds",
            "no\u{a0}break\u{3000}ideographic\u{2028}line\u{85}next\u{202f}narrow",
            "…\u{a0} after an ellipsis",
            "Zürich, São Paulo — 東京\u{2003}\u{2009} 😀 end",
            "\u{a0}\u{a0}",
        ];
        for start in ["", "x", "x ", "…"] {
            for piece in pieces {
                let (mut fast, mut slow) = (start.to_string(), start.to_string());
                copy_collapsed(&mut fast, piece);
                by_char(&mut slow, piece);
                assert_eq!(fast, slow, "{start:?} + {piece:?}");
            }
        }
    }
}
