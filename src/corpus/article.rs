//! Single articles saved as text (and the text of HTML articles): the first non-empty line is
//! the headline, the rest the body.
//!
//! The top and the end of the body say more, when they can:
//!
//! - a date on its own line under the headline (`March 3, 2024`, `Sunday, June 23, 2019`),
//!   or starting the first paragraph (`Sunday, June 23, 2019 - The ...`), dates the article;
//! - a byline (`By Jane Doe and John Roe`) names its authors;
//! - a dateline opening the first paragraph (`BERLIN, March 3 (Reuters) -`,
//!   `WASHINGTON (AP) —`, `PARIS, March 3, 2024 -`) names the agency and, when it carries a
//!   year, the date; the dateline stays in the text, as the article printed it;
//! - a trailing credit line (`kb/dj (AP, dpa)`) or `(Reporting by ...; Editing by ...)` names
//!   agencies and authors; credit lines are removed from the body.

use crate::corpus::credits::{canonical_agency, parse_credit_line, Credits};
use crate::corpus::cues::is_status_line;
use crate::corpus::liveblog::paragraphs;
use crate::date::{parse_text_date, EntryDate};
use crate::entry::{entry_id, Entry, Kind, Page};

/// What the top and end of an article's body said about it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Furniture {
    /// A date line or the dateline's date.
    pub date: Option<EntryDate>,
    /// Agencies from the dateline and credit lines, canonical.
    pub sources: Vec<String>,
    /// Authors from a byline or credit line.
    pub authors: Vec<String>,
}

/// Reads a text file as one article entry. Returns `None` when the text has no line with
/// anything on it.
pub fn parse(text: &str, path: &str) -> Option<Entry> {
    let mut lines = text.lines().map(str::trim).skip_while(|l| l.is_empty());
    let title = lines.next()?.to_string();
    let rest: Vec<&str> = lines.collect();
    let mut paragraphs = paragraphs(&rest);
    let found = read_furniture(&mut paragraphs);
    Some(article(title, paragraphs, found, None, path))
}

/// Makes the article entry.
pub fn article(title: String, paragraphs: Vec<String>, found: Furniture, url: Option<String>, path: &str) -> Entry {
    let body = paragraphs.join("\n\n");
    let date = found.date;
    Entry {
        id: entry_id(url.as_deref(), &title, date.as_ref(), &body),
        kind: Kind::Article,
        page: Page { title: Some(title.clone()), url: url.clone(), published: date, updated: None },
        title,
        body,
        date,
        url,
        sources: found.sources,
        authors: found.authors,
        path: path.to_string(),
    }
}

/// Reads (and removes) date lines, bylines and credit lines at the top and end of a body,
/// and reads the dateline of its first paragraph.
pub fn read_furniture(paragraphs: &mut Vec<String>) -> Furniture {
    let mut found = Furniture::default();
    // Up to three short paragraphs under the headline: date, byline, in any order.
    for _ in 0..3 {
        let Some(first) = paragraphs.first_mut() else { break };
        let first_line = first.lines().next().unwrap_or("");
        if found.date.is_none() {
            if let Some(d) = parse_text_date(first_line) {
                found.date = Some(d);
                drop_first_line(paragraphs);
                continue;
            }
        }
        if found.authors.is_empty() {
            if let Some(authors) = byline(first_line) {
                found.authors = authors;
                drop_first_line(paragraphs);
                continue;
            }
        }
        break;
    }
    if let Some(first) = paragraphs.first_mut() {
        if found.date.is_none() {
            if let Some((date, rest)) = leading_date(first) {
                found.date = Some(date);
                *first = rest.to_string();
            }
        }
        if let Some(line) = dateline(first) {
            found.date = found.date.or(line.date);
            push_unique(&mut found.sources, line.agency);
        }
    }
    // Credit lines and status lines at the end.
    while let Some(last) = paragraphs.last() {
        if let Some(credits) = parse_credit_line(last).or_else(|| reporting_credits(last)) {
            let Credits { authors, sources } = credits;
            for s in sources {
                push_unique(&mut found.sources, s);
            }
            if found.authors.is_empty() {
                found.authors = authors;
            }
            paragraphs.pop();
        } else if is_status_line(last) {
            paragraphs.pop();
        } else {
            break;
        }
    }
    found
}

fn drop_first_line(paragraphs: &mut Vec<String>) {
    let first = &mut paragraphs[0];
    match first.split_once('\n') {
        Some((_, rest)) => *first = rest.trim_start().to_string(),
        None => {
            paragraphs.remove(0);
        }
    }
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if !item.is_empty() && !list.contains(&item) {
        list.push(item);
    }
}

/// `By Jane Doe`, `By Jane Doe and John Roe`, `By Jane Doe, DW`.
fn byline(line: &str) -> Option<Vec<String>> {
    let names = line.strip_prefix("By ").or_else(|| line.strip_prefix("BY "))?;
    if names.len() > 100 || names.ends_with(['.', '!', '?']) && !names.ends_with(" Jr.") {
        return None;
    }
    let authors: Vec<String> = names
        .split(" and ")
        .flat_map(|p| p.split(", "))
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect();
    let name_like = |n: &String| {
        let words = n.split_whitespace().count();
        (1..=5).contains(&words) && n.chars().next().is_some_and(char::is_uppercase)
    };
    (!authors.is_empty() && authors.iter().all(name_like)).then_some(authors)
}

/// A date starting a paragraph, followed by a separator: `Sunday, June 23, 2019 - The ...`.
fn leading_date(paragraph: &str) -> Option<(EntryDate, &str)> {
    let head = &paragraph[..floor_char_boundary(paragraph, 60)];
    for sep in [" - ", " — ", " – ", ": ", " -- "] {
        if let Some(at) = head.find(sep) {
            if let Some(d) = parse_text_date(&paragraph[..at]) {
                return Some((d, paragraph[at + sep.len()..].trim_start()));
            }
        }
    }
    None
}

/// A dateline opening a paragraph.
#[derive(Debug, Clone, PartialEq)]
pub struct Dateline {
    /// `BERLIN`.
    pub place: String,
    /// The date, when the dateline gives one with a year.
    pub date: Option<EntryDate>,
    /// The agency, canonical.
    pub agency: String,
}

/// `BERLIN, March 3 (Reuters) -`, `WASHINGTON (AP) —`, `PARIS, March 3, 2024 (AFP) –`.
pub fn dateline(paragraph: &str) -> Option<Dateline> {
    let head = &paragraph[..floor_char_boundary(paragraph, 120)];
    let (at, _) = [" - ", " — ", " – ", " -- "].iter().filter_map(|sep| head.find(sep).map(|at| (at, sep))).min()?;
    let head = head[..at].trim_end();
    let open = head.rfind('(')?;
    let agency = head[open..].strip_prefix('(')?.strip_suffix(')')?.trim();
    if agency.is_empty() || agency.len() > 40 || agency.contains(['.', ',', ';']) && !agency.ends_with("Inc.") {
        return None;
    }
    let before = head[..open].trim_end();
    let (place, date_text) = match before.split_once(',') {
        Some((place, date)) => (place.trim(), Some(date.trim())),
        None => (before, None),
    };
    let is_place = place.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && place.chars().all(|c| c.is_uppercase() || matches!(c, ' ' | '.' | '-' | '\'' | '/' | '’'));
    if !is_place {
        return None;
    }
    let date = date_text.and_then(parse_text_date);
    Some(Dateline { place: place.to_string(), date, agency: canonical_agency(agency) })
}

fn floor_char_boundary(s: &str, max: usize) -> usize {
    let mut at = s.len().min(max);
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// `(Reporting by Jane Doe and John Roe; Editing by Ann Lee)`: the reporters are authors.
fn reporting_credits(paragraph: &str) -> Option<Credits> {
    let inner = paragraph.trim().strip_prefix('(')?.strip_suffix(')')?;
    if inner.len() > 300 || !inner.starts_with("Reporting by ") {
        return None;
    }
    let mut authors = Vec::new();
    for part in inner.split(';') {
        let part = part.trim();
        let names = part.strip_prefix("Reporting by ").or_else(|| part.strip_prefix("Additional reporting by "));
        if let Some(names) = names {
            for name in names.split(" and ").flat_map(|n| n.split(", ")) {
                let name = name.trim().trim_end_matches(" in").trim();
                // "Reporting by Jane Doe in Berlin": keep the name.
                let name = name.split(" in ").next().unwrap_or(name).trim();
                push_unique(&mut authors, name.to_string());
            }
        }
    }
    (!authors.is_empty()).then_some(Credits { authors, sources: Vec::new() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_and_body() {
        let e = parse("\nChelsea sack Mutu\n\nChelsea have sacked Adrian Mutu.\n\nMore text.\n", "199.txt").unwrap();
        assert_eq!(e.title, "Chelsea sack Mutu");
        assert_eq!(e.body, "Chelsea have sacked Adrian Mutu.\n\nMore text.");
        assert_eq!(e.date, None);
        assert_eq!(e.kind, Kind::Article);
    }

    #[test]
    fn a_date_line_under_the_headline() {
        let e = parse("Budget passes\n\nMarch 3, 2024\n\nThe budget passed.", "b.txt").unwrap();
        assert_eq!(e.date.unwrap().to_string(), "2024-03-03");
        assert_eq!(e.body, "The budget passed.");
        let e = parse("Budget passes\n\nSunday, June 23, 2019 - The budget passed.", "b.txt").unwrap();
        assert_eq!(e.date.unwrap().to_string(), "2019-06-23");
        assert_eq!(e.body, "The budget passed.");
    }

    #[test]
    fn datelines_name_the_agency() {
        let e = parse("Museum returns statue\n\nBERLIN, March 12 (Reuters) - A museum returned a statue.", "s.txt")
            .unwrap();
        assert_eq!((e.sources.clone(), e.date), (vec!["Reuters".to_string()], None));
        assert!(e.body.starts_with("BERLIN, March 12 (Reuters) - A museum"));
        let d = dateline("PARIS, March 3, 2024 (Agence France-Presse) — Talks began.").unwrap();
        assert_eq!((d.place.as_str(), d.agency.as_str()), ("PARIS", "AFP"));
        assert_eq!(d.date.unwrap().to_string(), "2024-03-03");
        assert_eq!(dateline("WASHINGTON (AP) — The Senate voted.").unwrap().agency, "AP");
        assert_eq!(dateline("Profits at US media giant (TimeWarner) - rose."), None);
        assert_eq!(dateline("No dateline here."), None);
    }

    #[test]
    fn bylines_and_credits() {
        let text = "Storm hits coast\n\nBy Ana Ruiz and Lee Park\n\nThe storm hit.\n\n(Reporting by Ana Ruiz in Lisbon; Editing by Tom Ng)";
        let e = parse(text, "s.txt").unwrap();
        assert_eq!(e.authors, ["Ana Ruiz", "Lee Park"]);
        assert_eq!(e.body, "The storm hit.");
        let e = parse("Storm hits coast\n\nThe storm hit.\n\nkb/dj (AP, dpa)", "s.txt").unwrap();
        assert_eq!(
            (e.sources.as_slice(), e.authors.as_slice()),
            (&["AP".to_string(), "dpa".into()][..], &["kb".to_string(), "dj".into()][..])
        );
        assert_eq!(e.body, "The storm hit.");
    }
}
