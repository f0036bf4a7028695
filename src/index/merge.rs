//! One entry per story: the captures of a story seen during a run, and how they merge.
//!
//! The same update often appears in several files: captures of one live blog at different
//! times, under different slugs, or a story re-published verbatim. It is indexed once, with
//! every page and file it appeared on, and the text of its newest capture.
//!
//! A run cannot know whether a later file holds a story again, and it cannot keep a million
//! entries in memory, so [`Stories`] remembers only a little about the first capture of each
//! id (where it came from and how new it is; the writer indexes it straight away) and keeps
//! the later captures' pages plus the newest of them. When every file is read,
//! [`Stories::take_repeated`] hands over the stories seen more than once; the writer replaces
//! each by [`merge`]d form, re-reading the first capture's file only when that capture is
//! the newest.
//!
//! Which capture is newest is a total order (page date, then content, then path), so a story
//! merges to the same entry whatever order the files were read in: an index brought up to
//! date run after run equals one built from scratch.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use xxhash_rust::xxh3::xxh3_64;

use crate::entry::{Appearance, Entry, IndexedEntry};

/// How new a capture is: its page's date (last update, else publication), then a hash of
/// its text, then its file, compared in that order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    date: Option<i64>,
    text: u64,
    path: Arc<str>,
}

impl Capture {
    /// The capture an entry is.
    pub fn of(entry: &Entry, path: Arc<str>) -> Capture {
        let date = entry.page.updated.or(entry.page.published).map(|d| d.timestamp().timestamp());
        let text = xxh3_64(format!("{}\u{1f}{}", entry.title, entry.body).as_bytes());
        Capture { date, text, path }
    }
}

impl Ord for Capture {
    fn cmp(&self, other: &Capture) -> Ordering {
        (self.date, self.text, &*self.path).cmp(&(other.date, other.text, &*other.path))
    }
}

impl PartialOrd for Capture {
    fn partial_cmp(&self, other: &Capture) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// What is remembered of the first capture of a story.
#[derive(Debug, Clone)]
pub struct First {
    /// The file it was read from.
    pub file: Arc<Path>,
    /// Its page and file.
    pub appearance: Arc<Appearance>,
    /// How new it is.
    pub capture: Capture,
    /// A hash of the document indexed for it.
    pub document: u64,
}

/// The later captures of a story.
#[derive(Debug, Clone)]
pub struct Repeats {
    /// Their pages and files.
    pub appearances: Vec<Arc<Appearance>>,
    /// The newest of them.
    pub newest: Entry,
    /// How new that one is.
    pub capture: Capture,
}

/// Where a capture stands among those seen so far.
#[derive(Debug, PartialEq, Eq)]
pub enum Seen {
    /// The first capture of its story: index it.
    First,
    /// A later one: it was set aside for merging.
    Again,
}

/// The captures of every story seen in a run.
#[derive(Debug, Default)]
pub struct Stories {
    first: HashMap<Box<str>, First>,
    repeats: HashMap<Box<str>, Repeats>,
}

impl Stories {
    /// Notes a capture. `document` is the hash of the document the writer indexes when this
    /// is the first capture.
    pub fn observe(&mut self, entry: Entry, file: &Arc<Path>, appearance: &Arc<Appearance>, document: u64) -> Seen {
        let capture = Capture::of(&entry, appearance.path.as_str().into());
        if !self.first.contains_key(entry.id.as_str()) {
            let first = First { file: file.clone(), appearance: appearance.clone(), capture, document };
            self.first.insert(entry.id.into_boxed_str(), first);
            return Seen::First;
        }
        match self.repeats.get_mut(entry.id.as_str()) {
            Some(r) => {
                r.appearances.push(appearance.clone());
                if capture > r.capture {
                    r.capture = capture;
                    r.newest = entry;
                }
            }
            None => {
                let id = entry.id.clone().into_boxed_str();
                self.repeats.insert(id, Repeats { appearances: vec![appearance.clone()], newest: entry, capture });
            }
        }
        Seen::Again
    }

    /// True when a capture of `id` was seen.
    pub fn contains(&self, id: &str) -> bool {
        self.first.contains_key(id)
    }

    /// The first capture of `id`.
    pub fn first(&self, id: &str) -> Option<&First> {
        self.first.get(id)
    }

    /// Every id seen.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.first.keys().map(|k| &**k)
    }

    /// Number of distinct stories seen.
    pub fn len(&self) -> usize {
        self.first.len()
    }

    /// True when nothing was seen.
    pub fn is_empty(&self) -> bool {
        self.first.is_empty()
    }

    /// The stories seen more than once, with their later captures, sorted by id.
    pub fn take_repeated(&mut self) -> Vec<(String, Repeats)> {
        let mut out: Vec<(String, Repeats)> = self.repeats.drain().map(|(id, r)| (id.into_string(), r)).collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// Records the hash of the document finally indexed for `id`.
    pub fn set_document(&mut self, id: &str, document: u64) {
        if let Some(first) = self.first.get_mut(id) {
            first.document = document;
        }
    }
}

/// Does the first capture of a repeated story have to be read again? Only when it is the
/// newest: otherwise its page is all the merge needs, and that is remembered.
pub fn needs_first_text(first: &First, repeats: &Repeats) -> bool {
    first.capture > repeats.capture
}

/// One story from its captures: the text of the newest one (`newest`), every page it
/// appeared on, oldest page first (pages without a date last), and the entry's own `page`
/// and `path` those of the first of them.
pub fn merge(mut newest: Entry, appearances: impl IntoIterator<Item = Arc<Appearance>>) -> IndexedEntry {
    let mut pages: Vec<Appearance> = Vec::new();
    for a in appearances {
        if !pages.contains(&a) {
            pages.push((*a).clone());
        }
    }
    pages.sort_by(|a, b| {
        let key = |p: &Appearance| (p.page.published.is_none(), p.page.published.map(|d| d.timestamp()));
        key(a).cmp(&key(b)).then_with(|| a.path.cmp(&b.path)).then_with(|| a.page.url.cmp(&b.page.url))
    });
    if let Some(first) = pages.first() {
        newest.page = first.page.clone();
        newest.path = first.path.clone();
    }
    IndexedEntry { entry: newest, pages }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::EntryDate;
    use crate::entry::{Kind, Page};

    fn capture(id: &str, body: &str, path: &str, updated: Option<&str>) -> (Entry, Arc<Appearance>) {
        let page = Page {
            title: Some(format!("page {path}")),
            url: None,
            published: updated.map(|d| EntryDate::Day(d.parse().unwrap())),
            updated: updated.map(|d| EntryDate::Day(d.parse().unwrap())),
        };
        let entry = Entry {
            id: id.into(),
            kind: Kind::Update,
            title: "t".into(),
            body: body.into(),
            date: None,
            url: None,
            sources: vec![],
            authors: vec![],
            page: page.clone(),
            path: path.into(),
        };
        (entry, Arc::new(Appearance { page, path: path.into() }))
    }

    /// Feeds captures in the given order and merges like the writer does.
    fn run(order: &[(&str, &str, &str, Option<&str>)]) -> IndexedEntry {
        let mut stories = Stories::default();
        let mut firsts = HashMap::new();
        for &(id, body, path, date) in order {
            let (entry, appearance) = capture(id, body, path, date);
            let file: Arc<Path> = Path::new(path).into();
            if stories.observe(entry.clone(), &file, &appearance, 0) == Seen::First {
                firsts.insert(id.to_string(), (entry, appearance));
            }
        }
        let (id, repeats) = stories.take_repeated().pop().unwrap();
        let first = stories.first(&id).unwrap();
        let (first_entry, first_appearance) = firsts.remove(&id).unwrap();
        let newest = if needs_first_text(first, &repeats) { first_entry } else { repeats.newest };
        merge(newest, std::iter::once(first_appearance).chain(repeats.appearances))
    }

    #[test]
    fn the_newest_capture_wins_whatever_the_order() {
        let captures = [
            ("a", "old text", "1.txt", Some("2024-01-01")),
            ("a", "new text", "2.txt", Some("2024-01-03")),
            ("a", "middle text", "3.txt", Some("2024-01-02")),
        ];
        let expected = run(&captures);
        assert_eq!(expected.entry.body, "new text");
        assert_eq!(expected.pages.iter().map(|p| p.path.as_str()).collect::<Vec<_>>(), ["1.txt", "3.txt", "2.txt"]);
        assert_eq!(expected.entry.path, "1.txt", "the entry's own page is the oldest");
        for order in [[0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] {
            let shuffled: Vec<_> = order.iter().map(|&i| captures[i]).collect();
            assert_eq!(run(&shuffled), expected, "order {order:?}");
        }
    }

    #[test]
    fn identical_copies_list_each_page_once() {
        let merged = run(&[("b", "same", "x.txt", None), ("b", "same", "x.txt", None), ("b", "same", "y.txt", None)]);
        assert_eq!(merged.pages.len(), 2);
    }
}
