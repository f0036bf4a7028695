//! Web pages as saved from a browser, parsed with a real HTML parser (html5ever, through
//! `scraper`).
//!
//! - Metadata: the title from `og:title` (then `twitter:title`, JSON-LD `headline`, the first
//!   `<h1>`, `<title>`); the date from `article:published_time` (then JSON-LD
//!   `datePublished`, `itemprop="datePublished"`, the first `<time datetime>`, `<meta
//!   name="date">` and kin); the URL from `<link rel="canonical">` or `og:url`; authors from
//!   `<meta name="author">`, JSON-LD `author` or `rel="author"` links.
//! - A schema.org `LiveBlogPosting` (JSON-LD) with `liveBlogUpdate` items yields one `update`
//!   entry per item (read by [`json`](crate::corpus::json), which knows the key names).
//! - Otherwise the body text comes from `<main>` (or the one `<article>`, or `<body>`),
//!   without navigation, scripts, styles, forms, asides, captions, footers and share or
//!   newsletter boxes, one paragraph per block element. When that text shows live-blog cues
//!   (section markers, time stamps, short URLs) it is cut into updates by the
//!   [`liveblog`](crate::corpus::liveblog) reader, exactly as a page saved as text would be;
//!   otherwise it is one article, whose dateline, byline and credit line are read by
//!   [`article`](crate::corpus::article).
//!
//! [`fragment_paragraphs`] turns an HTML fragment (a feed item's description) into plain
//! paragraphs.

use std::sync::LazyLock;

use scraper::{ElementRef, Html, Node, Selector};
use serde_json::Value;

use crate::corpus::article::{article, read_furniture};
use crate::corpus::liveblog::{self, PageHints};
use crate::corpus::{clean_url, json};
use crate::date::{parse_text_date, EntryDate};
use crate::entry::{Entry, Kind};

/// Elements whose content is never news text.
const SKIPPED: &[&str] = &[
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "footer",
    "aside",
    "form",
    "button",
    "iframe",
    "svg",
    "figcaption",
    "select",
    "option",
    "dialog",
    "object",
    "embed",
    "video",
    "audio",
    "canvas",
    "map",
    "input",
    "textarea",
    "label",
];

/// Elements that end a paragraph.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "pre",
    "table",
    "tr",
    "td",
    "th",
    "dl",
    "dt",
    "dd",
    "figure",
    "address",
    "hr",
    "details",
    "summary",
    "body",
    "html",
];

/// Class and id words of boxes that surround articles: sharing, related links, adverts.
const BOX_WORDS: &[&str] =
    &["share", "social", "related", "newsletter", "advert", "promo", "cookie", "paywall", "subscribe", "breadcrumb"];

/// Class and id words of the site's own boxes, left out when the whole body is read.
const SITE_WORDS: &[&str] = &["header", "footer", "masthead", "menu", "topbar", "sidebar"];

fn selector(css: &str) -> Selector {
    // The selectors are constants of this module; a typo is caught by the tests.
    Selector::parse(css).unwrap_or_else(|_| panic!("bad built-in selector {css}"))
}

static JSON_LD: LazyLock<Selector> = LazyLock::new(|| selector(r#"script[type="application/ld+json"]"#));
static META: LazyLock<Selector> = LazyLock::new(|| selector("meta"));
static LINK_CANONICAL: LazyLock<Selector> = LazyLock::new(|| selector(r#"link[rel="canonical"]"#));
static H1: LazyLock<Selector> = LazyLock::new(|| selector("h1"));
static TITLE: LazyLock<Selector> = LazyLock::new(|| selector("title"));
static TIME: LazyLock<Selector> = LazyLock::new(|| selector("time[datetime]"));
static DATE_PUBLISHED: LazyLock<Selector> = LazyLock::new(|| selector(r#"[itemprop="datePublished"]"#));
static AUTHOR_LINKS: LazyLock<Selector> =
    LazyLock::new(|| selector(r#"[rel="author"], [itemprop="author"] [itemprop="name"], .byline__name"#));
static MAIN: LazyLock<Selector> = LazyLock::new(|| selector(r#"main, [role="main"]"#));
static ARTICLE: LazyLock<Selector> = LazyLock::new(|| selector("article"));
static BODY: LazyLock<Selector> = LazyLock::new(|| selector("body"));

/// Reads a web page into its entries (none when it holds no text).
pub fn parse(text: &str, path: &str) -> Vec<Entry> {
    let doc = Html::parse_document(text);
    let ld = json_ld(&doc);
    let meta = Meta::read(&doc, &ld);

    if let Some(blog) = ld.iter().find(|v| has_type(v, "LiveBlogPosting") && v.get("liveBlogUpdate").is_some()) {
        if let Ok(mut entries) = json::record_entries(blog, path) {
            for e in &mut entries {
                e.page.title = e.page.title.take().or_else(|| meta.title.clone());
                e.page.url = e.page.url.take().or_else(|| meta.url.clone()).map(|u| clean_url(&u));
                e.page.published = e.page.published.or(meta.published);
                e.page.updated = e.page.updated.or(meta.updated);
            }
            if entries.iter().any(|e| e.kind == Kind::Update) {
                return entries;
            }
        }
    }

    let (container, whole_body) = container(&doc);
    let rendered = container.map(|c| render(c, whole_body)).unwrap_or_default();
    let hints = PageHints {
        title: meta.title.clone(),
        url: meta.url.clone(),
        published: meta.published,
        updated: meta.updated,
        from_markup: true,
    };
    if let Some(entries) = liveblog::parse_with(&rendered, path, &hints) {
        if entries.iter().any(|e| e.kind == Kind::Update) {
            return entries;
        }
    }

    let mut paragraphs: Vec<String> = split_paragraphs(&rendered);
    let title = match &meta.title {
        Some(t) => {
            if let Some(at) = paragraphs.iter().position(|p| same_text(p, t)) {
                paragraphs.remove(at);
            }
            t.clone()
        }
        None if !paragraphs.is_empty() => paragraphs.remove(0),
        None => return Vec::new(),
    };
    let mut found = read_furniture(&mut paragraphs);
    if paragraphs.is_empty() {
        if let Some(body) = ld.iter().find_map(|v| v.get("articleBody").and_then(Value::as_str)) {
            paragraphs = fragment_paragraphs(body);
        }
    }
    found.date = meta.published.or(meta.first_time).or(found.date);
    if !meta.authors.is_empty() {
        found.authors = meta.authors.clone();
    }
    let mut entry = article(title, paragraphs, found, meta.url.clone(), path);
    entry.page.updated = meta.updated;
    vec![entry]
}

/// What the head of a page and its JSON-LD say.
#[derive(Debug, Default)]
struct Meta {
    title: Option<String>,
    url: Option<String>,
    /// From metadata that names the publication date.
    published: Option<EntryDate>,
    /// From the first `<time datetime>`: often, but not always, the publication date.
    first_time: Option<EntryDate>,
    updated: Option<EntryDate>,
    authors: Vec<String>,
}

impl Meta {
    fn read(doc: &Html, ld: &[Value]) -> Meta {
        let mut named: Vec<(String, String)> = Vec::new();
        for m in doc.select(&META) {
            let key = m.attr("property").or_else(|| m.attr("name")).or_else(|| m.attr("itemprop"));
            if let (Some(key), Some(content)) = (key, m.attr("content")) {
                let content = content.trim();
                if !content.is_empty() {
                    named.push((key.to_ascii_lowercase(), content.to_string()));
                }
            }
        }
        let get = |keys: &[&str]| keys.iter().find_map(|k| named.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()));
        let article = ld.iter().find(|v| is_article(v));
        let ld_str = |key: &str| article.and_then(|v| v.get(key)).and_then(Value::as_str).map(str::to_string);
        let ld_date = |key: &str| ld_str(key).as_deref().and_then(parse_text_date);

        let title = get(&["og:title", "twitter:title"])
            .or_else(|| ld_str("headline"))
            .or_else(|| doc.select(&H1).map(|h| element_text(h)).find(|t| !t.is_empty()))
            .or_else(|| doc.select(&TITLE).next().map(|t| title_from_title_bar(&element_text(t))))
            .map(|t| collapse(&t))
            .filter(|t| !t.is_empty());
        let url = doc
            .select(&LINK_CANONICAL)
            .find_map(|l| l.attr("href").map(str::to_string))
            .or_else(|| get(&["og:url"]))
            .or_else(|| ld_str("url"))
            .filter(|u| u.starts_with("http"))
            .map(|u| clean_url(&u));
        let published = get(&["article:published_time", "og:article:published_time"])
            .as_deref()
            .and_then(parse_text_date)
            .or_else(|| ld_date("datePublished"))
            .or_else(|| {
                doc.select(&DATE_PUBLISHED)
                    .find_map(|e| e.attr("datetime").or_else(|| e.attr("content")).and_then(parse_text_date))
            })
            .or_else(|| {
                get(&[
                    "date",
                    "pubdate",
                    "publishdate",
                    "dc.date",
                    "dc.date.issued",
                    "dcterms.date",
                    "parsely-pub-date",
                ])
                .as_deref()
                .and_then(parse_text_date)
            });
        let first_time = doc.select(&TIME).find_map(|t| t.attr("datetime").and_then(parse_text_date));
        let updated = get(&["article:modified_time", "og:updated_time"])
            .as_deref()
            .and_then(parse_text_date)
            .or_else(|| ld_date("dateModified"));
        let mut authors: Vec<String> = Vec::new();
        if let Some(a) = article.and_then(|v| v.get("author")) {
            authors.extend(json::names(a));
        }
        if authors.is_empty() {
            authors.extend(get(&["author", "article:author", "dc.creator"]).filter(|a| !a.starts_with("http")));
        }
        if authors.is_empty() {
            authors.extend(doc.select(&AUTHOR_LINKS).map(element_text).filter(|a| !a.is_empty()));
        }
        let mut unique = Vec::new();
        for a in authors {
            let a = collapse(a.trim_start_matches("By ").trim_start_matches("by "));
            if !a.is_empty() && !unique.contains(&a) {
                unique.push(a);
            }
        }
        Meta { title, url, published, first_time, updated, authors: unique }
    }
}

/// `Site | Headline` or `Headline | News | DW | 17.03.2020`: the longest part is the headline.
fn title_from_title_bar(title: &str) -> String {
    title.split(" | ").map(str::trim).max_by_key(|p| p.len()).unwrap_or(title).to_string()
}

/// Every JSON-LD object of the page, with `@graph` lists and arrays flattened.
fn json_ld(doc: &Html) -> Vec<Value> {
    let mut out = Vec::new();
    for script in doc.select(&JSON_LD) {
        let text: String = script.text().collect();
        // Malformed JSON-LD is common; the rest of the page is still read.
        let Ok(value) = serde_json::from_str::<Value>(text.trim()) else { continue };
        flatten(value, &mut out);
    }
    out
}

fn flatten(value: Value, out: &mut Vec<Value>) {
    match value {
        Value::Array(items) => items.into_iter().for_each(|v| flatten(v, out)),
        Value::Object(mut map) => {
            if let Some(graph) = map.remove("@graph") {
                flatten(graph, out);
            }
            if !map.is_empty() {
                out.push(Value::Object(map));
            }
        }
        _ => {}
    }
}

fn has_type(v: &Value, wanted: &str) -> bool {
    match v.get("@type") {
        Some(Value::String(t)) => t == wanted,
        Some(Value::Array(ts)) => ts.iter().any(|t| t.as_str() == Some(wanted)),
        _ => false,
    }
}

fn is_article(v: &Value) -> bool {
    const TYPES: [&str; 7] = [
        "NewsArticle",
        "Article",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "BlogPosting",
        "LiveBlogPosting",
        "Report",
    ];
    TYPES.iter().any(|t| has_type(v, t))
}

/// The element holding the page's text, and whether it is the whole `<body>`.
fn container(doc: &Html) -> (Option<ElementRef<'_>>, bool) {
    if let Some(main) = doc.select(&MAIN).next() {
        return (Some(main), false);
    }
    let mut articles = doc.select(&ARTICLE);
    if let (Some(first), None) = (articles.next(), articles.next()) {
        return (Some(first), false);
    }
    (doc.select(&BODY).next().or_else(|| Some(doc.root_element())), true)
}

/// The text of an element, one paragraph per block element, paragraphs separated by a blank
/// line, line breaks kept. With `whole_body`, the site's `<header>` is left out too.
fn render(root: ElementRef<'_>, whole_body: bool) -> String {
    let mut out = Renderer { text: String::new(), line: String::new(), whole_body };
    out.walk(root);
    out.end_block();
    out.text
}

struct Renderer {
    text: String,
    line: String,
    whole_body: bool,
}

impl Renderer {
    fn walk(&mut self, element: ElementRef<'_>) {
        for child in element.children() {
            match child.value() {
                Node::Text(t) => self.push_text(t),
                Node::Element(e) => {
                    let name = e.name();
                    if SKIPPED.contains(&name)
                        || (self.whole_body && name == "header")
                        || is_hidden_box(e, self.whole_body)
                    {
                        continue;
                    }
                    if name == "br" {
                        self.end_line();
                        continue;
                    }
                    let Some(child) = ElementRef::wrap(child) else { continue };
                    let block = BLOCKS.contains(&name);
                    if block {
                        self.end_block();
                    }
                    if name == "li" {
                        self.line.push_str("• ");
                    }
                    self.walk(child);
                    if block {
                        self.end_block();
                    }
                }
                _ => {}
            }
        }
    }

    fn push_text(&mut self, text: &str) {
        let mut words = text.split_whitespace().peekable();
        if text.starts_with(char::is_whitespace) && !self.line.is_empty() && !self.line.ends_with(' ') {
            self.line.push(' ');
        }
        while let Some(w) = words.next() {
            self.line.push_str(w);
            if words.peek().is_some() {
                self.line.push(' ');
            }
        }
        if text.ends_with(char::is_whitespace) && !self.line.is_empty() && !self.line.ends_with(' ') {
            self.line.push(' ');
        }
    }

    fn end_line(&mut self) {
        let line = self.line.trim();
        if !line.is_empty() && line != "•" {
            self.text.push_str(line);
            self.text.push('\n');
        }
        self.line.clear();
    }

    fn end_block(&mut self) {
        self.end_line();
        if !self.text.is_empty() && !self.text.ends_with("\n\n") {
            self.text.push('\n');
        }
    }
}

/// `hidden`, `aria-hidden="true"`, navigation roles, and share/related/advert boxes (and,
/// when the whole body is read, the site's header and footer boxes).
fn is_hidden_box(e: &scraper::node::Element, whole_body: bool) -> bool {
    if e.attr("hidden").is_some() || e.attr("aria-hidden") == Some("true") {
        return true;
    }
    if matches!(e.attr("role"), Some("navigation" | "banner" | "contentinfo" | "complementary" | "search")) {
        return true;
    }
    let words = e.attr("class").into_iter().flat_map(str::split_whitespace).chain(e.attr("id"));
    let site_box = |w: &str| whole_body && SITE_WORDS.iter().any(|b| w.starts_with(b) || w.ends_with(b));
    words
        .map(str::to_ascii_lowercase)
        .any(|w| BOX_WORDS.iter().any(|b| w.starts_with(b) || w.ends_with(b)) || site_box(&w))
}

fn element_text(e: ElementRef<'_>) -> String {
    collapse(&e.text().collect::<String>())
}

fn collapse(text: &str) -> String {
    crate::entry::collapse_whitespace(text)
}

fn same_text(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

fn split_paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).map(str::to_string).collect()
}

/// Plain paragraphs from an HTML fragment (a feed description, a JSON body written as HTML).
/// Text without markup or entities is only split at blank lines.
pub fn fragment_paragraphs(fragment: &str) -> Vec<String> {
    if !fragment.contains('<') && !fragment.contains('&') {
        return split_paragraphs(&fragment.replace("\r\n", "\n"))
            .into_iter()
            .map(|p| p.lines().map(str::trim).collect::<Vec<_>>().join("\n"))
            .collect();
    }
    let doc = Html::parse_fragment(fragment);
    split_paragraphs(&render(doc.root_element(), false))
}

/// Plain text of an HTML fragment on one line (a feed title).
pub fn fragment_text(fragment: &str) -> String {
    collapse(&fragment_paragraphs(fragment).join(" "))
}

/// True when text looks like HTML rather than plain text.
pub fn looks_like_html(text: &str) -> bool {
    ["<p>", "<p ", "</p>", "<br", "</a>", "</div>", "<div", "</b>", "</i>", "</em>", "</strong>", "</li>"]
        .iter()
        .any(|tag| text.contains(tag))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_lose_their_tags() {
        let p = fragment_paragraphs("<p>Engineers found <b>hairline cracks</b>.</p><p>More&nbsp;text &amp; so on.</p>");
        assert_eq!(p, ["Engineers found hairline cracks.", "More text & so on."]);
        assert_eq!(fragment_paragraphs("Plain text.\n\nTwo."), ["Plain text.", "Two."]);
        assert_eq!(fragment_text("AT&amp;T <i>wins</i>"), "AT&T wins");
    }

    #[test]
    fn an_article_page() {
        let page = r#"<!doctype html><html><head><title>Site | Bridge reopens</title>
<meta property="og:title" content="Bridge reopens after repairs">
<meta property="article:published_time" content="2024-03-09T11:00:00+01:00">
<link rel="canonical" href="https://news.example.org/bridge?utm_source=x"></head>
<body><nav>Home | World</nav><article><h1>Bridge reopens after repairs</h1>
<p class="byline">By Ana Ruiz</p>
<p>The bridge reopened on <a href="/x">Saturday</a>.</p><figure><img src="a.jpg"><figcaption>At dusk</figcaption></figure>
<div class="share-box">Share on X</div><p>It cost less.<br>Much less.</p></article><footer>Contact</footer></body></html>"#;
        let es = parse(page, "b.html");
        assert_eq!(es.len(), 1);
        let e = &es[0];
        assert_eq!(e.title, "Bridge reopens after repairs");
        assert_eq!(e.date.unwrap().to_string(), "2024-03-09T10:00:00Z");
        assert_eq!(e.url.as_deref(), Some("https://news.example.org/bridge"));
        assert_eq!(e.body, "The bridge reopened on Saturday.\n\nIt cost less.\nMuch less.");
        assert_eq!(e.authors, ["Ana Ruiz"]);
    }

    #[test]
    fn a_json_ld_live_blog() {
        let page = r#"<html><head><script type="application/ld+json">{"@context":"https://schema.org",
"@type":"LiveBlogPosting","headline":"Storm live","datePublished":"2024-01-02T08:00:00Z",
"liveBlogUpdate":[{"@type":"BlogPosting","headline":"Roads closed","articleBody":"Roads are closed.","datePublished":"2024-01-02T09:00:00Z"},
{"@type":"BlogPosting","headline":"Power back","articleBody":"<p>Power is back.</p>","datePublished":"2024-01-02T10:30:00+01:00"}]}</script></head>
<body><p>Ignored</p></body></html>"#;
        let es = parse(page, "live.html");
        let got: Vec<(&str, &str, String)> =
            es.iter().map(|e| (e.title.as_str(), e.body.as_str(), e.date.unwrap().to_string())).collect();
        assert_eq!(
            got,
            [
                ("Roads closed", "Roads are closed.", "2024-01-02T09:00:00Z".to_string()),
                ("Power back", "Power is back.", "2024-01-02T09:30:00Z".to_string())
            ]
        );
        assert!(es.iter().all(|e| e.kind == Kind::Update && e.page.title.as_deref() == Some("Storm live")));
    }
}
