//! Single articles saved as text: the first non-empty line is the headline, the rest the body.
//! A date printed on its own line right under the headline dates the article; otherwise the
//! date is unknown.

use crate::corpus::liveblog::paragraphs;
use crate::date::parse_text_date;
use crate::entry::{entry_id, Entry, Kind, Page};

/// Reads a text file as one article entry. Returns `None` when the text has no line with
/// anything on it.
pub fn parse(text: &str, path: &str) -> Option<Entry> {
    let mut lines = text.lines().map(str::trim).skip_while(|l| l.is_empty());
    let title = lines.next()?.to_string();
    let rest: Vec<&str> = lines.collect();
    let mut paragraphs = paragraphs(&rest);
    let date = match paragraphs.first().and_then(|p| parse_text_date(p)) {
        Some(d) => {
            paragraphs.remove(0);
            Some(d)
        }
        None => None,
    };
    let body = paragraphs.join("\n\n");
    Some(Entry {
        id: entry_id(None, &title, date.as_ref(), &body),
        kind: Kind::Article,
        page: Page { title: Some(title.clone()), url: None, published: date, updated: None },
        title,
        body,
        date,
        url: None,
        sources: Vec::new(),
        authors: Vec::new(),
        path: path.to_string(),
    })
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
    }
}
