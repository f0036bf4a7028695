//! News feeds: RSS 2.0 (and 0.9x), RSS 1.0 (RDF, as DW publishes it, with Dublin Core
//! `dc:date` and `dc:creator`) and Atom, read with `quick-xml`. Every item is one `article`
//! entry:
//!
//! | entry | RSS 2.0 | RSS 1.0 / RDF | Atom |
//! |---|---|---|---|
//! | title | `title` | `title` | `title` |
//! | body | `content:encoded`, else `description` | same | `content`, else `summary` |
//! | date | `pubDate`, `dc:date` | `dc:date` | `published`, else `updated` |
//! | url | `link`, else a URL `guid` | `link`, `rdf:about` | `link` (`rel="alternate"`) |
//! | authors | `author` (`mail (Name)` gives `Name`), `dc:creator` | `dc:creator` | `author/name` |
//! | sources | `source`, a dateline or credit line in the text | same | same |
//!
//! HTML in titles and bodies is reduced to text; dates are converted to UTC. The feed's own
//! title, link and date are the page of its entries. A feed that breaks off (malformed XML)
//! keeps the items read before the damage, and the damage is reported with its line.

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::corpus::article::read_furniture;
use crate::corpus::credits::canonical_agency;
use crate::corpus::html::{fragment_paragraphs, fragment_text};
use crate::corpus::liveblog::derived_title;
use crate::corpus::{clean_url, Problem};
use crate::date::{parse_text_date, EntryDate};
use crate::entry::{entry_id, fingerprint, Entry, Kind, Page};

/// Reads a feed. Returns its entries and, when the XML broke off, the problem (the entries
/// before it are kept).
pub fn parse(text: &str, path: &str) -> (Vec<Entry>, Option<Problem>) {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut state = State::default();
    let mut problem = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => state.start(&e, false),
            Ok(Event::Empty(e)) => {
                state.start(&e, true);
                state.end();
            }
            Ok(Event::End(_)) => state.end(),
            // Entity references arrive as their own events, so text is taken as it is.
            Ok(Event::Text(t)) => state.text(&String::from_utf8_lossy(&t)),
            Ok(Event::CData(c)) => state.text(&String::from_utf8_lossy(&c.into_inner())),
            Ok(Event::GeneralRef(r)) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => {
                        let name = String::from_utf8_lossy(&r.into_inner()).into_owned();
                        match name.as_str() {
                            "amp" => "&".to_string(),
                            "lt" => "<".to_string(),
                            "gt" => ">".to_string(),
                            "quot" => "\"".to_string(),
                            "apos" => "'".to_string(),
                            // An HTML entity (`&nbsp;`): decoded with the HTML around it.
                            other => format!("&{other};"),
                        }
                    }
                };
                state.text(&resolved);
            }
            Ok(Event::Eof) => {
                if let Some(open) = state.stack.last() {
                    let line = text.lines().count().max(1);
                    let what =
                        format!("the feed ends inside <{open}> (a truncated file?); the items before it were read");
                    problem = Some(Problem::at_line(path, line, what));
                }
                break;
            }
            Ok(_) => {}
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(0).min(text.len());
                let line = text.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
                problem = Some(Problem::at_line(path, line, format!("malformed XML: {e}")));
                break;
            }
        }
    }
    let page = state.channel.page();
    let entries = state.items.into_iter().filter_map(|item| item.into_entry(&page, path)).collect();
    (entries, problem)
}

/// The fields newsdex reads from a feed element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Title,
    Link,
    Guid,
    Description,
    Content,
    Published,
    Updated,
    Author,
    AuthorName,
    Source,
}

#[derive(Debug, Default)]
struct Item {
    title: String,
    link: Option<String>,
    about: Option<String>,
    guid: String,
    description: String,
    content: String,
    published: String,
    updated: String,
    authors: Vec<String>,
    sources: Vec<String>,
}

impl Item {
    fn field(&mut self, field: Field) -> Option<&mut String> {
        Some(match field {
            Field::Title => &mut self.title,
            Field::Guid => &mut self.guid,
            Field::Description => &mut self.description,
            Field::Content => &mut self.content,
            Field::Published => &mut self.published,
            Field::Updated => &mut self.updated,
            Field::Link | Field::Author | Field::AuthorName | Field::Source => return None,
        })
    }

    fn page(&self) -> Page {
        Page {
            title: Some(fragment_text(&self.title)).filter(|t| !t.is_empty()),
            url: self.link.clone().map(|l| clean_url(&l)),
            published: self.date(),
            updated: parse_text_date(&self.updated),
        }
    }

    fn date(&self) -> Option<EntryDate> {
        parse_text_date(&self.published).or_else(|| parse_text_date(&self.updated))
    }

    fn into_entry(self, page: &Page, path: &str) -> Option<Entry> {
        let content = fragment_paragraphs(&self.content);
        let description = fragment_paragraphs(&self.description);
        let longer = |a: &Vec<String>, b: &Vec<String>| {
            a.iter().map(String::len).sum::<usize>() >= b.iter().map(String::len).sum()
        };
        let mut paragraphs = if !content.is_empty() && longer(&content, &description) { content } else { description };
        let found = read_furniture(&mut paragraphs);
        let body = paragraphs.join("\n\n");
        let title = Some(fragment_text(&self.title)).filter(|t| !t.is_empty());
        let title = title.or_else(|| paragraphs.first().map(|p| derived_title(p)))?;
        let date = self.date().or(found.date);
        let guid = self.guid.trim();
        let url = self
            .link
            .clone()
            .or_else(|| guid.starts_with("http").then(|| guid.to_string()))
            .or(self.about.clone())
            .map(|u| clean_url(&u));
        let id = match (&url, guid.is_empty()) {
            (None, false) => fingerprint(&["guid", guid]),
            _ => entry_id(url.as_deref(), &title, date.as_ref(), &body),
        };
        let mut sources = self.sources;
        for s in found.sources {
            if !sources.contains(&s) {
                sources.push(s);
            }
        }
        let authors = if self.authors.is_empty() { found.authors } else { self.authors };
        Some(Entry {
            id,
            kind: Kind::Article,
            title,
            body,
            date,
            url,
            sources,
            authors,
            page: page.clone(),
            path: path.to_string(),
        })
    }
}

/// Where the reader is.
#[derive(Debug, Default)]
struct State {
    /// Local names of the open elements.
    stack: Vec<String>,
    /// Depth of the open item, if any.
    item_depth: Option<usize>,
    /// The field being read, the depth of its element, and the text so far.
    capture: Option<(Field, usize, String)>,
    item: Item,
    items: Vec<Item>,
    /// The feed's own fields.
    channel: Item,
    /// The root element is Atom's `<feed>`.
    atom: bool,
}

impl State {
    fn start(&mut self, e: &BytesStart<'_>, empty: bool) {
        let qname = String::from_utf8_lossy(e.name().as_ref()).into_owned();
        let (prefix, local) = match qname.split_once(':') {
            Some((p, l)) => (p.to_ascii_lowercase(), l.to_ascii_lowercase()),
            None => (String::new(), qname.to_ascii_lowercase()),
        };
        self.stack.push(local.clone());
        let depth = self.stack.len();
        if depth == 1 {
            self.atom = local == "feed";
        }
        if let Some((_, _, buf)) = &mut self.capture {
            // Markup inside a field (Atom `type="xhtml"` content): kept for the HTML reader.
            if !empty {
                buf.push_str(&format!("<{local}>"));
            }
            return;
        }
        if matches!(local.as_str(), "item" | "entry") && self.item_depth.is_none() {
            self.item_depth = Some(depth);
            self.item = Item { about: attr(e, "about"), ..Item::default() };
            return;
        }
        let parent = self.stack.len().checked_sub(2).map(|i| self.stack[i].as_str()).unwrap_or("");
        let in_item = self.item_depth.is_some_and(|d| depth == d + 1);
        let in_channel = matches!(parent, "channel" | "feed") && self.item_depth.is_none();
        // Elements of other vocabularies (`media:title`, `itunes:summary`) are not the item's.
        let known_prefix = matches!(prefix.as_str(), "" | "atom" | "a10" | "dc" | "dcterms" | "content");
        let field = match (local.as_str(), prefix.as_str()) {
            _ if parent == "author" && local == "name" && self.item_depth.is_some() => Some(Field::AuthorName),
            _ if parent == "author" && local == "name" => None,
            _ if !in_item && !in_channel || !known_prefix => None,
            // An Atom author holds its name in a child element.
            ("author" | "contributor", _) if self.atom => None,
            ("title", _) => Some(Field::Title),
            ("link", _) => {
                let href = attr(e, "href");
                let rel = attr(e, "rel").unwrap_or_else(|| "alternate".to_string());
                let target = if in_item { &mut self.item } else { &mut self.channel };
                match href {
                    Some(h) if rel == "alternate" && target.link.is_none() => target.link = Some(h),
                    Some(_) => {}
                    None => return self.begin(Field::Link, depth, empty),
                }
                None
            }
            ("guid" | "id", _) => Some(Field::Guid),
            ("description" | "summary" | "abstract", _) => Some(Field::Description),
            ("encoded", "content") | ("content", "" | "atom") => Some(Field::Content),
            ("pubdate" | "published" | "issued" | "date", _) => Some(Field::Published),
            ("updated" | "modified" | "lastbuilddate", _) => Some(Field::Updated),
            ("author" | "creator", _) => Some(Field::Author),
            ("source", "") if in_item && !self.atom && !empty => Some(Field::Source),
            _ => None,
        };
        if let Some(field) = field {
            self.begin(field, depth, empty);
        }
    }

    fn begin(&mut self, field: Field, depth: usize, empty: bool) {
        if !empty {
            self.capture = Some((field, depth, String::new()));
        }
    }

    fn text(&mut self, text: &str) {
        if let Some((_, _, buf)) = &mut self.capture {
            buf.push_str(text);
        }
    }

    fn end(&mut self) {
        let depth = self.stack.len();
        let local = self.stack.pop().unwrap_or_default();
        if let Some((field, at, _)) = &self.capture {
            let (field, at) = (*field, *at);
            if depth > at {
                if let Some((_, _, buf)) = &mut self.capture {
                    buf.push_str(&format!("</{local}>"));
                }
                return;
            }
            if let Some((_, _, text)) = self.capture.take() {
                self.finish_field(field, text);
            }
            return;
        }
        // An Atom author element holds the name inside; an RSS one is text and ends above.
        if self.item_depth == Some(depth) {
            self.item_depth = None;
            self.items.push(std::mem::take(&mut self.item));
        }
    }

    fn finish_field(&mut self, field: Field, text: String) {
        let target = if self.item_depth.is_some() { &mut self.item } else { &mut self.channel };
        let text = text.trim();
        match field {
            Field::Link => {
                if target.link.is_none() && !text.is_empty() {
                    target.link = Some(text.to_string());
                }
            }
            Field::Author | Field::AuthorName => {
                if let Some(name) = author_name(text) {
                    if !target.authors.contains(&name) {
                        target.authors.push(name);
                    }
                }
            }
            Field::Source => {
                let name = fragment_text(text);
                if !name.is_empty() {
                    target.sources.push(canonical_agency(&name));
                }
            }
            other => {
                if let Some(slot) = target.field(other) {
                    if slot.is_empty() {
                        slot.push_str(text);
                    }
                }
            }
        }
    }
}

/// An attribute's value, by local name.
fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
        let local = key.rsplit(':').next().unwrap_or(&key);
        (local == name).then(|| match a.normalized_value(XmlVersion::Implicit1_0) {
            Ok(v) => v.into_owned(),
            Err(_) => String::from_utf8_lossy(&a.value).into_owned(),
        })
    })
}

/// `desk@example.org (Ana Ruiz)` → `Ana Ruiz`; `By Lee Park` → `Lee Park`; markup removed.
fn author_name(text: &str) -> Option<String> {
    let text = fragment_text(text);
    let text = text.trim();
    let name = match (text.find(" ("), text.strip_suffix(')')) {
        (Some(open), Some(inner)) if text[..open].contains('@') => inner[open + 2..].trim(),
        _ => text,
    };
    let name = name.strip_prefix("By ").or_else(|| name.strip_prefix("by ")).unwrap_or(name).trim();
    (!name.is_empty()).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_items() {
        let rss = r#"<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Wire</title><link>https://x.org/</link>
<item><title>Dam &amp; spillway</title><link>https://x.org/a/1?utm_source=rss</link>
<description>&lt;p&gt;Engineers found &lt;b&gt;cracks&lt;/b&gt;&amp;nbsp;today.&lt;/p&gt;</description>
<pubDate>Tue, 05 Mar 2024 09:30:00 +0100</pubDate><author>desk@x.org (Ana Ruiz)</author><source url="https://r.com">Reuters</source></item>
<item><title><![CDATA[Ferry <i>resumes</i>]]></title><guid isPermaLink="false">ferry-2</guid><dc:creator>By Lee Park</dc:creator>
<description><![CDATA[BERLIN (dpa) - Ferries run again.]]></description></item></channel></rss>"#;
        let (es, problem) = parse(rss, "wire.xml");
        assert_eq!(problem, None);
        assert_eq!(es.len(), 2);
        let a = &es[0];
        assert_eq!(a.title, "Dam & spillway");
        assert_eq!(a.body, "Engineers found cracks today.");
        assert_eq!(a.date.unwrap().to_string(), "2024-03-05T08:30:00Z");
        assert_eq!(a.url.as_deref(), Some("https://x.org/a/1"));
        assert_eq!(
            (a.authors.as_slice(), a.sources.as_slice()),
            (&["Ana Ruiz".to_string()][..], &["Reuters".to_string()][..])
        );
        assert_eq!(a.page.title.as_deref(), Some("Wire"));
        let b = &es[1];
        assert_eq!(
            (b.title.as_str(), b.authors[0].as_str(), b.sources[0].as_str()),
            ("Ferry resumes", "Lee Park", "dpa")
        );
        assert_eq!(b.url, None);
        assert_eq!(b.id, fingerprint(&["guid", "ferry-2"]));
    }

    #[test]
    fn atom_and_rdf() {
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><updated>2024-03-07T10:00:00Z</updated>
<entry><title type="html">Glacier &lt;em&gt;retreat&lt;/em&gt;</title><id>urn:e1</id><link rel="self" href="https://x.org/self"/><link href="https://x.org/b/1"/>
<updated>2024-03-07T10:00:00+02:00</updated><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Satellites <b>show</b> it.</p><p>More.</p></div></content>
<author><name>Lee Park</name><email>l@x.org</email></author></entry></feed>"#;
        let (es, _) = parse(atom, "a.atom");
        assert_eq!(es.len(), 1);
        assert_eq!((es[0].title.as_str(), es[0].body.as_str()), ("Glacier retreat", "Satellites show it.\n\nMore."));
        assert_eq!(es[0].url.as_deref(), Some("https://x.org/b/1"));
        assert_eq!(es[0].date.unwrap().to_string(), "2024-03-07T08:00:00Z");
        assert_eq!(es[0].authors, ["Lee Park"]);
        let rdf = r#"<rdf:RDF xmlns="http://purl.org/rss/1.0/" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://x.org/"><title>DW</title></channel>
<item rdf:about="https://x.org/c/1?maca=en-rss"><title>Orchestra cancels tour</title><description>It cancelled.</description>
<dc:date>2024-03-08T18:15:00+01:00</dc:date><dc:creator>Jane Roe</dc:creator></item></rdf:RDF>"#;
        let (es, _) = parse(rdf, "r.rdf");
        assert_eq!(es[0].url.as_deref(), Some("https://x.org/c/1"));
        assert_eq!(es[0].date.unwrap().to_string(), "2024-03-08T17:15:00Z");
        assert_eq!(es[0].authors, ["Jane Roe"]);
        assert_eq!(es[0].page.title.as_deref(), Some("DW"));
    }

    #[test]
    fn a_broken_feed_keeps_what_came_before() {
        let rss = "<rss><channel>\n<item><title>One</title><description>Fine.</description></item>\n<item><title>Two</wrong></item></channel></rss>";
        let (es, problem) = parse(rss, "b.xml");
        assert_eq!(es.len(), 1);
        let p = problem.unwrap();
        assert_eq!(p.line, Some(3));
        assert!(p.message.starts_with("malformed XML"), "{p}");
    }
}
