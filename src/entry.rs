//! The [`Entry`]: the unit newsdex reads, indexes and returns, shared by every stage.
//!
//! A live blog yields one `summary` entry for the page and one `update` entry per dated
//! update; anything else yields `article` entries. An entry's [`Entry::id`] is stable across
//! runs: the code of its DW short URL (`4mKXR` for `https://p.dw.com/p/4mKXR`) when it has
//! one, otherwise a fingerprint of its URL or of its content (see [`fingerprint`]).
//!
//! The serialised form (field order included) is the `extract` output and the core of every
//! search hit; see `render::json` for the search document around it.

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_128;

use crate::date::EntryDate;

/// What part of a page an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The headline, lead and "What you need to know" block of a live blog.
    Summary,
    /// One dated update of a live blog.
    Update,
    /// A whole article (or a record of a feed or export).
    Article,
}

impl Kind {
    /// All kinds, in the order they are listed to users.
    pub const ALL: [Kind; 3] = [Kind::Summary, Kind::Update, Kind::Article];

    /// The lower-case name used in JSON and in `kind:` queries.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Summary => "summary",
            Kind::Update => "update",
            Kind::Article => "article",
        }
    }

    /// The kind a name denotes, ignoring case.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str().eq_ignore_ascii_case(name))
    }
}

/// The page an entry was found on. Any value may be unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    /// The page headline.
    pub title: Option<String>,
    /// The page's (short) URL.
    pub url: Option<String>,
    /// When the page was first published.
    pub published: Option<EntryDate>,
    /// When the page was last updated.
    pub updated: Option<EntryDate>,
}

/// One searchable unit of news.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Stable identifier (see the module doc).
    pub id: String,
    /// What part of a page this is.
    pub kind: Kind,
    /// Headline.
    pub title: String,
    /// Text, paragraphs separated by a blank line.
    pub body: String,
    /// When it was reported, if known.
    pub date: Option<EntryDate>,
    /// Its own URL, if it has one.
    pub url: Option<String>,
    /// Agencies credited (`AP`, `Reuters`, ...), canonical short forms.
    pub sources: Vec<String>,
    /// Authors (names or initials).
    pub authors: Vec<String>,
    /// The page it belongs to.
    pub page: Page,
    /// The file it was read from.
    pub path: String,
}

/// A page, and the file it was read from, that an entry appeared on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appearance {
    /// The page.
    #[serde(flatten)]
    pub page: Page,
    /// The file.
    pub path: String,
}

/// An entry as the index holds it: one story, with every page and file it appeared on.
/// `entry.page` and `entry.path` are those of the first appearance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexedEntry {
    /// The story (its text is that of the newest capture).
    #[serde(flatten)]
    pub entry: Entry,
    /// Every page and file it appeared on, oldest page first.
    pub pages: Vec<Appearance>,
}

impl IndexedEntry {
    /// An entry seen once.
    pub fn single(entry: Entry) -> IndexedEntry {
        let pages = vec![Appearance { page: entry.page.clone(), path: entry.path.clone() }];
        IndexedEntry { entry, pages }
    }
}

/// The code of a DW short URL: `4mKXR` for `https://p.dw.com/p/4mKXR?maca=...`, also when
/// the host is written `dw.com` or `www.dw.com`.
pub fn short_url_code(url: &str) -> Option<&str> {
    let rest = url.trim().split_once("://").map_or(url.trim(), |(_, r)| r);
    let (host, path) = rest.split_once('/')?;
    let host = host.to_ascii_lowercase();
    if !matches!(host.as_str(), "p.dw.com" | "dw.com" | "www.dw.com" | "www.p.dw.com") {
        return None;
    }
    let code = path.strip_prefix("p/")?.split(['?', '#', '/']).next()?;
    (!code.is_empty() && code.len() <= 16 && code.bytes().all(|b| b.is_ascii_alphanumeric())).then_some(code)
}

/// The stable id of an entry: its DW short-URL code, else a fingerprint of its URL, else of
/// its content.
pub fn entry_id(url: Option<&str>, title: &str, date: Option<&EntryDate>, body: &str) -> String {
    match url {
        Some(u) => match short_url_code(u) {
            Some(code) => code.to_string(),
            None => fingerprint(&["url", u.trim()]),
        },
        None => content_fingerprint(title, date, body),
    }
}

/// A fingerprint of an entry's title, date and body, with whitespace runs collapsed so that
/// copies differing only in spacing or line ends get the same id.
pub fn content_fingerprint(title: &str, date: Option<&EntryDate>, body: &str) -> String {
    let date = date.map(|d| d.to_string()).unwrap_or_default();
    fingerprint(&[&collapse_whitespace(title), &date, &collapse_whitespace(body)])
}

/// Sixteen hex digits of a 128-bit hash over the parts (separated so that parts cannot run
/// into each other).
pub fn fingerprint(parts: &[&str]) -> String {
    let mut buf = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for p in parts {
        buf.push_str(p);
        buf.push('\u{1f}');
    }
    let h = xxh3_128(buf.as_bytes());
    format!("{:016x}", (h >> 64) as u64 ^ h as u64)
}

/// Collapses every run of whitespace to one space and trims the ends.
pub fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_url_codes() {
        assert_eq!(short_url_code("https://p.dw.com/p/4mKXR"), Some("4mKXR"));
        assert_eq!(short_url_code("https://p.dw.com/p/4mKXR?maca=en-rss"), Some("4mKXR"));
        assert_eq!(short_url_code("http://p.dw.com/p/4mKXR/"), Some("4mKXR"));
        assert_eq!(short_url_code("https://www.dw.com/en/live-70690060"), None);
        assert_eq!(short_url_code("https://p.dw.com/p/"), None);
        assert_eq!(short_url_code("https://www.dw.com/p/9QzT1?maca=en-rss"), Some("9QzT1"));
        assert_eq!(short_url_code("https://example.com/p/9QzT1"), None);
    }

    #[test]
    fn ids_prefer_the_short_url_then_the_content() {
        assert_eq!(entry_id(Some("https://p.dw.com/p/4mKXR"), "t", None, "b"), "4mKXR");
        let a = entry_id(None, "Title", None, "Some  body\ntext");
        let b = entry_id(None, " Title", None, "Some body text ");
        assert_eq!(a, b);
        assert_eq!(a.len(), 16);
        assert_ne!(a, entry_id(None, "Title", None, "Some body texts"));
        assert_ne!(entry_id(Some("https://example.org/a"), "T", None, "B"), entry_id(None, "T", None, "B"));
    }

    #[test]
    fn json_keys_are_exactly_the_documented_ones() {
        let e = Entry {
            id: "x".into(),
            kind: Kind::Update,
            title: "t".into(),
            body: "b".into(),
            date: None,
            url: None,
            sources: vec![],
            authors: vec![],
            page: Page::default(),
            path: "p".into(),
        };
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(
            json,
            r#"{"id":"x","kind":"update","title":"t","body":"b","date":null,"url":null,"sources":[],"authors":[],"page":{"title":null,"url":null,"published":null,"updated":null},"path":"p"}"#
        );
    }
}
