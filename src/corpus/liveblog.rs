//! Live blogs saved as text: a page headline, a lead, a "What you need to know" block and
//! dated updates, in the DW layouts described in `shared/formats/LIVEBLOG-LAYOUTS.md`.
//!
//! The parser works from cues that hold across the layout family rather than from a fixed
//! sequence of lines:
//!
//! - numbered navigation lines (`1. Skip to content`) and the glued breadcrumb are dropped;
//! - `Published <date>last updated <date>` gives the page dates; the line before it is the
//!   headline; the first bare URL after it is the page's short URL, and what lies between
//!   the two is the lead; image captions after the URL are dropped;
//! - every `Skip next section <headline>` line opens a section: `What you need to know` is
//!   the page summary, any other heading an update with an optional date line, the headline
//!   repeated, body paragraphs and its own short URL;
//! - a trailing credit line (`kb/dj (AP, Reuters, AFP, dpa)`) credits the whole page;
//! - captions (`...Image: credit`), status lines (`This live updates article is now
//!   closed`, `Here's a round up of ...:`) and URL lines never reach a body.
//!
//! A text without any section marker is not a live blog: [`parse`] returns `None` and the
//! caller reads it as an article.

use crate::corpus::credits::parse_credit_line;
use crate::date::{parse_text_date, EntryDate};
use crate::entry::{entry_id, Entry, Kind, Page};

const SECTION_MARKER: &str = "Skip next section";
const SUMMARY_HEADING: &str = "What you need to know";

/// Reads a live-blog page into its summary and update entries, or `None` when the text has
/// no live-blog structure.
pub fn parse(text: &str, path: &str) -> Option<Vec<Entry>> {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let markers: Vec<usize> = lines.iter().enumerate().filter(|(_, l)| is_marker(l)).map(|(i, _)| i).collect();
    let first_marker = *markers.first()?;
    let header = read_header(&lines[..first_marker]);
    let credits = lines.iter().rev().find_map(|l| parse_credit_line(l)).unwrap_or_default();
    let page = Page {
        title: header.headline.clone(),
        url: header.url.clone(),
        published: header.published,
        updated: header.updated,
    };

    let mut summary_paragraphs = header.lead.clone();
    let mut updates = Vec::new();
    for (i, &start) in markers.iter().enumerate() {
        let end = markers.get(i + 1).copied().unwrap_or(lines.len());
        let heading = lines[start][SECTION_MARKER.len()..].trim();
        let section = read_section(heading, &lines[start + 1..end]);
        if heading.eq_ignore_ascii_case(SUMMARY_HEADING) {
            summary_paragraphs.extend(section.paragraphs);
        } else if let Some(update) = section.into_update(heading) {
            updates.push(update);
        }
    }
    if updates.is_empty() && summary_paragraphs.is_empty() {
        return None;
    }

    let make = |kind, title: String, paragraphs: Vec<String>, date: Option<EntryDate>, url: Option<String>| {
        let body = paragraphs.join("\n\n");
        Entry {
            id: entry_id(url.as_deref(), &title, date.as_ref(), &body),
            kind,
            title,
            body,
            date,
            url,
            sources: credits.sources.clone(),
            authors: credits.authors.clone(),
            page: page.clone(),
            path: path.to_string(),
        }
    };
    let mut entries = Vec::with_capacity(updates.len() + 1);
    if let Some(headline) = &header.headline {
        if !summary_paragraphs.is_empty() {
            entries.push(make(
                Kind::Summary,
                headline.clone(),
                summary_paragraphs,
                header.published,
                header.url.clone(),
            ));
        }
    }
    for u in updates {
        let date = u.date.or(header.published);
        entries.push(make(Kind::Update, u.title, u.paragraphs, date, u.url));
    }
    Some(entries)
}

fn is_marker(line: &str) -> bool {
    line.starts_with(SECTION_MARKER) && line[SECTION_MARKER.len()..].chars().next().is_none_or(|c| c.is_whitespace())
}

/// `1. Skip to content`, `2. Skip to main menu`, `3. Skip to more DW sites`, and the German
/// navigation of the older site.
fn is_navigation(line: &str) -> bool {
    let rest = line.trim_start_matches(|c: char| c.is_ascii_digit());
    if rest.len() == line.len() || !rest.starts_with(". ") {
        return false;
    }
    let rest = rest[2..].trim();
    rest.starts_with("Skip to")
        || matches!(rest, "Inhalt" | "Navigation" | "Weitere Inhalte" | "Metanavigation" | "Suche")
        || rest.starts_with("Choose from")
}

/// A line holding nothing but a URL.
fn bare_url(line: &str) -> Option<&str> {
    let is_url = (line.starts_with("https://") || line.starts_with("http://")) && !line.contains(char::is_whitespace);
    is_url.then_some(line)
}

/// A DW short URL without tracking parameters: `https://p.dw.com/p/4mKXR?maca=x` becomes
/// `https://p.dw.com/p/4mKXR`; other URLs are returned as they are.
fn clean_url(url: &str) -> String {
    match crate::entry::short_url_code(url) {
        Some(code) => format!("https://p.dw.com/p/{code}"),
        None => url.to_string(),
    }
}

/// An image caption with its credit glued on: `...delegationImage: Name/AP Photo/picture alliance`.
fn is_caption(line: &str) -> bool {
    line.find("Image: ").is_some_and(|at| {
        let credit = &line[at + "Image: ".len()..];
        !credit.is_empty() && credit.len() <= 120 && !credit.ends_with(['.', '!', '?', '"'])
    })
}

/// Lines that talk about the live blog rather than the news.
pub(crate) fn is_status_line(paragraph: &str) -> bool {
    let l = paragraph.trim().to_lowercase();
    l.starts_with("this live updates article")
        || l.starts_with("this live blog")
        || l.starts_with("this article was last updated")
        || l.starts_with("all updates in ")
        || l.starts_with("we are now closing")
        || l.starts_with("we're now closing")
        || ((l.starts_with("here's ") || l.starts_with("here is ") || l.starts_with("here are ")) && l.ends_with(':'))
}

struct Header {
    headline: Option<String>,
    published: Option<EntryDate>,
    updated: Option<EntryDate>,
    lead: Vec<String>,
    url: Option<String>,
}

/// `Published October 28, 2024last updated October 29, 2024` (the dates are glued).
fn published_line(line: &str) -> Option<(Option<EntryDate>, Option<EntryDate>)> {
    let rest = line.strip_prefix("Published")?;
    let lower = rest.to_ascii_lowercase();
    let (published, updated) = match lower.find("last updated") {
        Some(at) => (&rest[..at], Some(&rest[at + "last updated".len()..])),
        None => (rest, None),
    };
    let published = parse_text_date(published);
    published.is_some().then(|| (published, updated.and_then(parse_text_date)))
}

fn read_header(lines: &[&str]) -> Header {
    let content: Vec<(usize, &str)> =
        lines.iter().copied().enumerate().filter(|(_, l)| !l.is_empty() && !is_navigation(l)).collect();
    let published_at = content.iter().find_map(|&(i, l)| published_line(l).map(|d| (i, d)));
    let (headline, after, published, updated) = match published_at {
        Some((i, (published, updated))) => {
            let headline = content.iter().rev().find(|&&(j, _)| j < i).map(|&(_, l)| l.to_string());
            (headline, i + 1, published, updated)
        }
        None => {
            // No "Published" line: skip a glued breadcrumb (one word) when more follows; a
            // date line right after the headline dates the page.
            let mut rest = content.iter().copied().peekable();
            if content.len() > 1 && !content[0].1.contains(' ') && bare_url(content[0].1).is_none() {
                rest.next();
            }
            match rest.next() {
                Some((i, l)) => {
                    let date = rest.peek().and_then(|&(_, next)| parse_text_date(next));
                    let after = if date.is_some() { rest.peek().map_or(i + 1, |&(j, _)| j + 1) } else { i + 1 };
                    (Some(l.to_string()), after, date, None)
                }
                None => (None, lines.len(), None, None),
            }
        }
    };
    let mut lead_lines = Vec::new();
    let mut url = None;
    for &line in lines.iter().skip(after) {
        if let Some(u) = bare_url(line) {
            url = Some(clean_url(u));
            break;
        }
        if is_navigation(line) || is_caption(line) {
            break;
        }
        lead_lines.push(line);
    }
    Header { headline, published, updated, lead: paragraphs(&lead_lines), url }
}

/// What a section held, before it is known to be an update or the summary.
struct Section {
    date: Option<EntryDate>,
    paragraphs: Vec<String>,
    url: Option<String>,
    first_line: Option<String>,
}

struct Update {
    title: String,
    date: Option<EntryDate>,
    paragraphs: Vec<String>,
    url: Option<String>,
}

impl Section {
    fn into_update(mut self, heading: &str) -> Option<Update> {
        let title = if heading.is_empty() {
            // No heading on the marker: the first paragraph is the headline.
            let first = self.first_line.take()?;
            if self.paragraphs.first().is_some_and(|p| *p == first) {
                self.paragraphs.remove(0);
            }
            first
        } else {
            heading.to_string()
        };
        if self.paragraphs.is_empty() && self.url.is_none() {
            return None;
        }
        Some(Update { title, date: self.date, paragraphs: self.paragraphs, url: self.url })
    }
}

fn read_section(heading: &str, lines: &[&str]) -> Section {
    let mut date = None;
    let mut url = None;
    let mut kept: Vec<&str> = Vec::with_capacity(lines.len());
    let mut seen_content = false;
    let mut skipped_heading = false;
    // Group lines into paragraphs first so that a caption can take the alt-text line just
    // above it along.
    for group in lines.split(|l| l.is_empty()) {
        let dropped: Vec<bool> = (0..group.len())
            .map(|i| is_caption(group[i]) || group.get(i + 1).is_some_and(|next| is_caption(next)))
            .collect();
        for (&line, _) in group.iter().zip(&dropped).filter(|(_, &drop)| !drop) {
            if !seen_content && date.is_none() {
                if let Some(d) = parse_text_date(line) {
                    date = Some(d);
                    continue;
                }
            }
            if !skipped_heading && !heading.is_empty() && same_text(line, heading) {
                skipped_heading = true;
                continue;
            }
            if let Some(u) = bare_url(line) {
                if crate::entry::short_url_code(u).is_some() || url.is_none() {
                    url = Some(clean_url(u));
                }
                continue;
            }
            if parse_credit_line(line).is_some() || is_status_line(line) {
                continue;
            }
            seen_content = true;
            kept.push(line);
        }
        kept.push("");
    }
    let first_line = kept.iter().find(|l| !l.is_empty()).map(|l| l.to_string());
    Section { date, paragraphs: paragraphs(&kept), url, first_line }
}

fn same_text(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

/// Groups lines into paragraphs at blank lines; lines of one paragraph are joined with a
/// newline; status lines are left out.
pub(crate) fn paragraphs(lines: &[&str]) -> Vec<String> {
    lines
        .split(|l| l.trim().is_empty())
        .filter(|g| !g.is_empty())
        .map(|g| g.iter().map(|l| l.trim()).collect::<Vec<_>>().join("\n"))
        .filter(|p| !is_status_line(p))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "1. Skip to content\n  2. Skip to main menu\n  3. Skip to more DW sites\nScienceSpace\n\n\
Space updates: Probe reaches comet\n\nPublished March 3, 2025last updated March 4, 2025\n\n\
The probe arrived after ten years. DW rounds up the latest.\n\nhttps://p.dw.com/p/AbCdE?maca=en-rss\n\
A probe\nThe probe in orbitImage: Jane Roe/ESA/picture alliance\n\
Skip next section What you need to know\n\nWhat you need to know\n\nThe probe is in orbit.\n\n\
Here's a round up of the news on Monday, March 3:\n\n\
Skip next section Lander touches down\nMarch 4, 2025\n\nLander touches down\n\n\
The lander touched down on the comet.\n\nControllers cheered.\n\nhttps://p.dw.com/p/XyZ12\n\
Skip next section Probe fires engines\nMarch 3, 2025\n\nProbe fires engines\n\n\
The probe fired its engines.\n\nxy (Agence France-Presse, KNA)\n\nhttps://www.p.dw.com/p/Qw3rT";

    #[test]
    fn a_layout_c_page() {
        let entries = parse(PAGE, "space.txt").unwrap();
        let titles: Vec<_> = entries.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(titles, ["Space updates: Probe reaches comet", "Lander touches down", "Probe fires engines"]);
        let s = &entries[0];
        assert_eq!(s.kind, Kind::Summary);
        assert_eq!(s.url.as_deref(), Some("https://p.dw.com/p/AbCdE"));
        assert_eq!(s.body, "The probe arrived after ten years. DW rounds up the latest.\n\nThe probe is in orbit.");
        assert_eq!(s.date.unwrap().to_string(), "2025-03-03");
        let u = &entries[1];
        assert_eq!((u.id.as_str(), u.date.unwrap().to_string()), ("XyZ12", "2025-03-04".to_string()));
        assert_eq!(u.body, "The lander touched down on the comet.\n\nControllers cheered.");
        let last = &entries[2];
        assert_eq!(last.body, "The probe fired its engines.");
        assert_eq!(last.url.as_deref(), Some("https://p.dw.com/p/Qw3rT"));
        for e in &entries {
            assert_eq!(e.sources, ["AFP", "KNA"]);
            assert_eq!(e.authors, ["xy"]);
            assert_eq!(e.page.updated.unwrap().to_string(), "2025-03-04");
        }
    }

    #[test]
    fn text_without_sections_is_not_a_live_blog() {
        assert!(parse("Headline\n\nJust an article.\n", "a.txt").is_none());
    }

    #[test]
    fn updates_without_a_date_line_take_the_page_date() {
        let page = "Headline here\n\nPublished May 10, 2022\n\nLead.\n\nhttps://p.dw.com/p/AAAAA\n\
Skip next section First update\n\nFirst update\n\nText one.\n\nhttps://p.dw.com/p/BBBBB";
        let entries = parse(page, "b.txt").unwrap();
        assert_eq!(entries[1].date.unwrap().to_string(), "2022-05-10");
        assert_eq!(entries[1].body, "Text one.");
    }
}
