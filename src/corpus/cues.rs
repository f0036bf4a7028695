//! What one line of a news page saved as text is: the cues the live-blog and article readers
//! steer by. Every line is classified once, cheaply (no regular expressions, no allocation for
//! ordinary text), so that the readers can work from cues that hold across layouts rather
//! than from a fixed sequence of lines.
//!
//! | cue | example |
//! |---|---|
//! | navigation | `1. Skip to content`, `1. Inhalt 2. Navigation ...`, `Skip to main menu` |
//! | section marker | `Skip next section North Korea sends troops` |
//! | published line | `Published October 28, 2024last updated October 29, 2024` |
//! | title bar | `Headline \| News \| DW \| 17.03.2020` |
//! | capture date | ` date 2020-03-18` (first line of a flattened capture) |
//! | date line | `October 29, 2024`, `17.03.2020` |
//! | stamped heading | `1. Big Ben stays silentpublished at 17:14 Greenwich Mean Time 31 January 2020` |
//! | URL line | `https://p.dw.com/p/4mKXR?maca=en-rss` |
//! | caption | `...the Kursk regionImage: Virginia Mayo/AP Photo/picture alliance`, `Image source, Getty Images`, `Watch video 01:45` |
//! | status | `This live updates article is now closed.`, `All updates in UTC`, `Here's a round up of ...:` |
//! | cookie notice | `We use cookies to improve our service for you. ...` |
//! | credit line | `kb/dj (AP, Reuters, AFP, dpa)` |
//! | bullet | `• Germany closes its borders` |
//! | summary heading | `What you need to know`, `Summary`, `Key points` |
//! | text | anything else (a time-stamped paragraph is text whose [`Line::clock`] is set) |

use crate::corpus::credits::{parse_credit_line, Credits};
use crate::date::{clock_prefix, parse_text_date, EntryDate};

/// The marker DW pages put before every section.
pub const SECTION_MARKER: &str = "Skip next section";

/// What a line is.
#[derive(Debug, Clone, PartialEq)]
pub enum Cue<'a> {
    /// Nothing on it.
    Blank,
    /// Site navigation, a skip link or a breadcrumb-like menu.
    Navigation,
    /// `Skip next section <heading>`; the heading may be empty.
    Marker(&'a str),
    /// `Published <date>last updated <date>`.
    Published(Option<EntryDate>, Option<EntryDate>),
    /// `Headline | ... | dd.mm.yyyy`: the headline and the date.
    TitleBar(&'a str, EntryDate),
    /// `date YYYY-MM-DD` at the top of a flattened capture: when it was captured.
    CaptureDate(EntryDate),
    /// A line that is only a date.
    Date(EntryDate),
    /// A heading with a time stamp glued on (BBC): the heading (may be empty) and the instant.
    StampedHeading(&'a str, EntryDate),
    /// A line that is only a URL.
    Url(&'a str),
    /// An image caption or credit.
    Caption,
    /// A line about the live blog rather than the news.
    Status,
    /// A cookie or privacy notice.
    Cookie,
    /// `initials (Agency, ...)`.
    Credit(Credits),
    /// A bullet point; the text after the bullet.
    Bullet(&'a str),
    /// A heading that introduces the page summary.
    SummaryHeading,
    /// Anything else.
    Text,
}

/// One classified line.
#[derive(Debug, Clone)]
pub struct Line<'a> {
    /// The line, trimmed.
    pub text: &'a str,
    /// What it is.
    pub cue: Cue<'a>,
    /// For text lines that start with a time of day (`17:05The ...`): hour, minute and the
    /// text after the time.
    pub clock: Option<(u32, u32, &'a str)>,
}

impl Line<'_> {
    /// True for lines that carry news text.
    pub fn is_text(&self) -> bool {
        matches!(self.cue, Cue::Text)
    }

    /// True for page furniture that never belongs to an entry's text.
    pub fn is_furniture(&self) -> bool {
        matches!(self.cue, Cue::Caption | Cue::Status | Cue::Cookie | Cue::Navigation | Cue::Bullet(_))
    }
}

/// Classifies every line of a text.
pub fn classify(text: &str) -> Vec<Line<'_>> {
    let mut lines: Vec<Line<'_>> = text.lines().map(classify_line).collect();
    // A flattened capture starts with ` date YYYY-MM-DD`; anywhere else such a line is text.
    if let Some(first) = lines.iter_mut().find(|l| l.cue != Cue::Blank) {
        if let Some(rest) = first.text.strip_prefix("date ") {
            if let Some(d) = parse_text_date(rest) {
                first.cue = Cue::CaptureDate(d);
            }
        }
    }
    lines
}

/// Classifies one line.
pub fn classify_line(raw: &str) -> Line<'_> {
    let text = raw.trim();
    let cue = cue_of(text);
    let clock = if cue == Cue::Text { clock_prefix(text) } else { None };
    Line { text, cue, clock }
}

fn cue_of(text: &str) -> Cue<'_> {
    let Some(first) = text.chars().next() else { return Cue::Blank };
    if let Some(rest) = text.strip_prefix(SECTION_MARKER) {
        if rest.is_empty() || rest.starts_with(char::is_whitespace) {
            return Cue::Marker(rest.trim());
        }
    }
    if is_navigation(text) {
        return Cue::Navigation;
    }
    if let Some(url) = bare_url(text) {
        return Cue::Url(url);
    }
    if matches!(first, '•' | '·' | '▪' | '‣' | '●' | '*') {
        let rest = text[first.len_utf8()..].trim_start();
        if !rest.is_empty() && (first != '*' || text[1..].starts_with(' ')) {
            return Cue::Bullet(rest);
        }
    }
    if let Some(dates) = published_line(text) {
        return dates;
    }
    if is_summary_heading(text) {
        return Cue::SummaryHeading;
    }
    // Dates, title bars and stamped headings are short; long lines are paragraphs.
    if text.len() <= 200 {
        if let Some(d) = parse_text_date(text) {
            return Cue::Date(d);
        }
        if let Some(bar) = title_bar(text) {
            return bar;
        }
        if let Some(heading) = stamped_heading(text) {
            return heading;
        }
    }
    if is_caption(text) {
        return Cue::Caption;
    }
    if is_status_line(text) {
        return Cue::Status;
    }
    if is_cookie_notice(text) {
        return Cue::Cookie;
    }
    if text.ends_with(')') {
        if let Some(credits) = parse_credit_line(text) {
            return Cue::Credit(credits);
        }
    }
    Cue::Text
}

/// `1. Skip to content`, `2. Skip to main menu`, `Skip to more DW sites`, and the German
/// navigation of the older site (`1. Inhalt 2. Navigation 3. Weitere Inhalte ...`).
pub fn is_navigation(line: &str) -> bool {
    if line.starts_with("Skip to ") {
        return true;
    }
    let rest = line.trim_start_matches(|c: char| c.is_ascii_digit());
    if rest.len() == line.len() || !rest.starts_with(". ") {
        return false;
    }
    let rest = rest[2..].trim();
    const WORDS: [&str; 7] =
        ["Skip to", "Inhalt", "Navigation", "Weitere Inhalte", "Metanavigation", "Suche", "Choose from"];
    WORDS.iter().any(|w| rest.starts_with(w))
}

/// A line holding nothing but a URL.
pub fn bare_url(line: &str) -> Option<&str> {
    let is_url = (line.starts_with("https://") || line.starts_with("http://")) && !line.contains(char::is_whitespace);
    is_url.then_some(line)
}

/// An image caption or credit: `...delegationImage: Name/AP Photo/picture alliance` (DW, the
/// credit glued to the caption), `Image source, Getty Images`, `Image caption, ...` (BBC).
pub fn is_caption(line: &str) -> bool {
    const BBC: [&str; 5] = ["Image source, ", "Image caption, ", "Media caption, ", "Video caption, ", "Copyright: "];
    if BBC.iter().any(|p| line.starts_with(p)) || is_media_player(line) {
        return true;
    }
    // The credit is short, so `Image: ` sits near the end: only the tail is searched.
    let mut from = line.len().saturating_sub(120 + "Image: ".len());
    while !line.is_char_boundary(from) {
        from -= 1;
    }
    let tail = &line[from..];
    // A one-byte search (memchr) rules out most lines before the substring search.
    if tail.find(':').is_none() {
        return false;
    }
    tail.find("Image: ").is_some_and(|at| {
        let credit = &line[from + at + "Image: ".len()..];
        !credit.is_empty() && !credit.ends_with(['.', '!', '?', '"'])
    })
}

/// The player line of an embedded video or audio clip: `Watch video 01:45`,
/// `Listen to audio 03:12`. The clip's title follows on the next line.
pub fn is_media_player(line: &str) -> bool {
    let rest = line.strip_prefix("Watch video").or_else(|| line.strip_prefix("Listen to audio"));
    rest.is_some_and(|r| {
        let r = r.trim();
        r.len() <= 8 && r.bytes().all(|b| b.is_ascii_digit() || b == b':') && r.contains(':')
    })
}

/// Lines that talk about the live blog rather than the news: closing notices, time-zone
/// notes, round-up introductions.
pub fn is_status_line(paragraph: &str) -> bool {
    let p = paragraph.trim();
    // Every status line starts with one of these letters.
    if p.len() > 300
        || !matches!(
            p.as_bytes().first(),
            Some(b'T' | b't' | b'A' | b'a' | b'W' | b'w' | b'H' | b'h' | b'L' | b'l' | b'E' | b'e')
        )
    {
        return false;
    }
    const STARTS: [&str; 14] = [
        "this live updates article",
        "this live blog",
        "this blog is now closed",
        "this live coverage",
        "this article was last updated",
        "all updates in ",
        "all times in ",
        "all times stated are",
        "all times are ",
        "we are now closing",
        "we're now closing",
        "we have now closed",
        "we are closing this",
        "we're closing this",
    ];
    let starts = |prefix: &str| p.get(..prefix.len()).is_some_and(|head| head.eq_ignore_ascii_case(prefix));
    STARTS.iter().any(|s| starts(s))
        || p.eq_ignore_ascii_case("live reporting")
        || (starts("edited by ") && p.len() <= 80)
        || (p.ends_with(':') && (starts("here's ") || starts("here’s ") || starts("here is ") || starts("here are ")))
}

/// `We use cookies to improve our service for you. ...` and similar consent banners.
fn is_cookie_notice(line: &str) -> bool {
    // Consent banners name cookies in their first words.
    let mut head = line.len().min(100);
    while !line.is_char_boundary(head) {
        head -= 1;
    }
    if line.len() > 600 || !line[..head].contains("ookies") {
        return false;
    }
    let l = line.to_lowercase();
    l.contains("we use cookies")
        || (l.contains("cookies") && (l.contains("privacy") || l.contains("data protection") || l.contains("consent")))
}

/// Headings that open the page summary.
fn is_summary_heading(line: &str) -> bool {
    matches!(line, "What you need to know" | "Summary" | "Key points" | "Key developments" | "In brief")
}

/// `Published October 28, 2024last updated October 29, 2024` (the dates are glued).
fn published_line(line: &str) -> Option<Cue<'static>> {
    let rest = line.strip_prefix("Published")?;
    if rest.len() > 120 {
        return None;
    }
    let lower = rest.to_ascii_lowercase();
    let (published, updated) = match lower.find("last updated") {
        Some(at) => (&rest[..at], Some(&rest[at + "last updated".len()..])),
        None => (rest, None),
    };
    let published = parse_text_date(published.trim_start_matches(" on "));
    published.is_some().then(|| Cue::Published(published, updated.and_then(parse_text_date)))
}

/// `Headline | News | DW | 17.03.2020`: two or more ` | ` parts, the last a date.
fn title_bar(line: &str) -> Option<Cue<'_>> {
    line.find('|')?;
    let (rest, last) = line.rsplit_once(" | ")?;
    let date = parse_text_date(last)?;
    let headline = rest.split(" | ").next()?.trim();
    (!headline.is_empty()).then_some(Cue::TitleBar(headline, date))
}

/// `2. Big Ben stays silentpublished at 17:14 Greenwich Mean Time 31 January 2020`: a
/// numbered heading with its time stamp glued on.
fn stamped_heading(line: &str) -> Option<Cue<'_>> {
    // The time stamp holds a colon; a one-byte search rules out most lines.
    line.find(':')?;
    let at = line.find("published at ")?;
    let date = parse_text_date(&line[at + "published at ".len()..])?;
    let heading = line[..at].trim();
    let unnumbered = heading.trim_start_matches(|c: char| c.is_ascii_digit());
    let heading = match unnumbered.strip_prefix(". ") {
        Some(h) if unnumbered.len() < heading.len() => h.trim(),
        _ => heading,
    };
    let heading = if heading.eq_ignore_ascii_case("post") { "" } else { heading };
    Some(Cue::StampedHeading(heading, date))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cue(line: &str) -> Cue<'_> {
        classify_line(line).cue
    }

    #[test]
    fn page_furniture() {
        assert_eq!(cue("  2. Skip to main menu"), Cue::Navigation);
        assert_eq!(cue("1. Inhalt 2. Navigation 3. Weitere Inhalte 4. Metanavigation 5. Suche"), Cue::Navigation);
        assert_eq!(cue("Skip next section Tanks for Ukraine"), Cue::Marker("Tanks for Ukraine"));
        assert_eq!(cue("Skip next section"), Cue::Marker(""));
        assert_eq!(cue("https://p.dw.com/p/4mKXR?maca=en-rss"), Cue::Url("https://p.dw.com/p/4mKXR?maca=en-rss"));
        assert_eq!(cue("Rutte in SeoulImage: Virginia Mayo/AP Photo/picture alliance"), Cue::Caption);
        assert_eq!(cue("Image source, Getty Images"), Cue::Caption);
        assert_eq!(cue("This live updates article is now closed."), Cue::Status);
        assert_eq!(cue("All updates in Coordinated Universal Time (UTC/GMT)"), Cue::Status);
        assert_eq!(cue("Here are some of the other notable developments on Thursday, February 23:"), Cue::Status);
        assert_eq!(cue("We use cookies to improve our service for you."), Cue::Cookie);
        assert_eq!(cue("  • Germany closes borders"), Cue::Bullet("Germany closes borders"));
        assert_eq!(cue("What you need to know"), Cue::SummaryHeading);
        assert!(matches!(cue("kb/dj (AP, Reuters, AFP, dpa)"), Cue::Credit(_)));
    }

    #[test]
    fn dates_and_headings() {
        assert!(matches!(cue("October 29, 2024"), Cue::Date(_)));
        assert!(matches!(
            cue("Published October 28, 2024last updated October 29, 2024"),
            Cue::Published(Some(_), Some(_))
        ));
        match cue("Coronavirus latest: Borders close | News | DW | 16.03.2020") {
            Cue::TitleBar(h, d) => {
                assert_eq!((h, d.to_string().as_str()), ("Coronavirus latest: Borders close", "2020-03-16"))
            }
            other => panic!("{other:?}"),
        }
        match cue("3. Big Ben stays silentpublished at 17:14 Greenwich Mean Time 31 January 2020") {
            Cue::StampedHeading(h, d) => {
                assert_eq!((h, d.to_string().as_str()), ("Big Ben stays silent", "2020-01-31T17:14:00Z"))
            }
            other => panic!("{other:?}"),
        }
        let l = classify_line("17:05The ministers met.");
        assert_eq!((l.cue, l.clock), (Cue::Text, Some((17, 5, "The ministers met."))));
        let lines = classify(" date 2020-03-18\nHeadline | DW | 17.03.2020");
        assert!(matches!(lines[0].cue, Cue::CaptureDate(_)));
    }

    #[test]
    fn news_text_is_text() {
        for line in [
            "North Korea's foreign minister heads to Russia",
            "The talks went on (for hours)",
            "Prices rose 5% | analysts were surprised",
            "Rutte said the deployment was a sign of growing desperation.",
        ] {
            assert_eq!(cue(line), Cue::Text, "{line}");
        }
    }
}
