//! Live blogs saved as text: one reader for the whole family of layouts described in
//! `shared/formats/LIVEBLOG-LAYOUTS.md` (DW layouts A to E, BBC live pages, republished copies
//! without navigation), and for HTML live blogs once rendered to text.
//!
//! The reader never assumes a fixed sequence of lines. Every line is classified once
//! ([`cues`](crate::corpus::cues)); the cues present decide how the page is cut into updates:
//!
//! | cue that starts an update | layouts | title of the update |
//! |---|---|---|
//! | `Skip next section <headline>` | C | the headline |
//! | a heading glued to `published at 17:14 Greenwich Mean Time 31 January 2020` | BBC | the heading |
//! | a paragraph starting with a time, `17:05The ...` | A, E, D | its first sentence (≤ 120 characters) |
//! | a short-URL line ends an update; a date line starts one | B, D, copies | the first line |
//!
//! What comes before the first update is the page header: navigation, breadcrumb, cookie
//! notices and title bars (`Headline | DW | 17.03.2020`) are dropped; the headline, the page
//! dates (`Published ...last updated ...`, a date line, the title bar's date, the capture
//! date of a flattened copy, in that order of trust), the lead, the page's short URL, bullet
//! summaries and the "What you need to know" block make the `summary` entry.
//!
//! Every update gets, in order of preference: its own date line, the page date plus its time
//! stamp (as UTC, or in the zone an `All updates in ...` line names), the time stamp of its
//! heading, or the page date. The trailing credit line (`kb/dj (AP, Reuters, AFP, dpa)`)
//! credits every entry of the page; a BBC update's byline (name and role lines) names its
//! author. Captions (with the alt-text line glued before a DW caption), embedded-clip lines
//! (`Watch video 01:45` and the clip's title), status lines, credit lines and URL lines never
//! reach a body.
//!
//! A text with none of these structures is not a live blog: [`parse`] returns `None` and the
//! caller reads it as an article.

use crate::corpus::cues::{classify, is_media_player, is_status_line, Cue, Line};
use crate::corpus::{clean_url, shorten};
use crate::date::{zone_offset_minutes, EntryDate};
use crate::entry::{entry_id, short_url_code, Entry, Kind, Page};

/// Longest derived title, in bytes.
pub const TITLE_MAX: usize = 120;

/// What is known about a page before its text is read (from an HTML page's metadata).
#[derive(Debug, Clone, Default)]
pub struct PageHints {
    /// The page headline.
    pub title: Option<String>,
    /// The page URL.
    pub url: Option<String>,
    /// When the page was published.
    pub published: Option<EntryDate>,
    /// When it was last updated.
    pub updated: Option<EntryDate>,
    /// The text was rendered from a web page, where date lines (`<time>` elements) are
    /// common outside live blogs: they alone do not cut a page into updates.
    pub from_markup: bool,
}

/// Reads a live-blog page into its summary and update entries, or `None` when the text has
/// no live-blog structure.
pub fn parse(text: &str, path: &str) -> Option<Vec<Entry>> {
    parse_with(text, path, &PageHints::default())
}

/// [`parse`], with page metadata known from elsewhere taking precedence over the text's.
pub fn parse_with(text: &str, path: &str, hints: &PageHints) -> Option<Vec<Entry>> {
    let lines = classify(text);
    let (mode, first_update) = Mode::of(&lines, hints.from_markup)?;
    let header_end = match mode {
        Mode::Headed => headed_header_end(&lines, first_update),
        _ => first_update,
    };
    let mut header = Header::read(&lines[..header_end], hints);
    let mut summary = std::mem::take(&mut header.summary);
    let updates = match mode {
        Mode::Sections => sections(&lines[header_end..], &mut summary),
        Mode::Stamped => stamped(&lines[header_end..]),
        Mode::Clocked => {
            // A date line closing the header (after the page date) is the day of the first updates.
            let day = lines[..header_end].iter().rev().find_map(|l| match l.cue {
                Cue::Date(d) => Some(d),
                _ => None,
            });
            clocked(&lines[header_end..], day.or(header.published), header.offset_minutes)
        }
        Mode::Headed => headed(&lines[header_end..], &mut summary),
    };
    let min_updates = if mode == Mode::Headed || mode == Mode::Clocked { 2 } else { 1 };
    // A layout C page with a summary but no updates (yet) is still a live blog.
    let summary_only = mode == Mode::Sections && !summary.is_empty();
    if updates.len() < min_updates && !summary_only {
        return None;
    }

    let credits = lines.iter().rev().find_map(|l| match &l.cue {
        Cue::Credit(c) => Some(c.clone()),
        _ => None,
    });
    let credits = credits.unwrap_or_default();
    let dated = || updates.iter().filter_map(|u| u.date);
    let page = Page {
        title: header.headline.clone(),
        url: header.url.clone(),
        // A page without a date of its own spans the updates it holds.
        published: header.published.or_else(|| dated().min().map(|d| EntryDate::Day(d.day()))),
        updated: header.updated.or_else(|| header.published.is_none().then(|| dated().max()).flatten()),
    };
    let make = |kind,
                title: String,
                paragraphs: Vec<String>,
                date: Option<EntryDate>,
                url: Option<String>,
                authors: Vec<String>| {
        let body = paragraphs.join("\n\n");
        Entry {
            id: entry_id(url.as_deref(), &title, date.as_ref(), &body),
            kind,
            title,
            body,
            date,
            url,
            sources: credits.sources.clone(),
            authors: if authors.is_empty() { credits.authors.clone() } else { authors },
            page: page.clone(),
            path: path.to_string(),
        }
    };
    let mut entries = Vec::with_capacity(updates.len() + 1);
    if let Some(headline) = &header.headline {
        if !summary.is_empty() {
            entries.push(make(
                Kind::Summary,
                headline.clone(),
                summary,
                page.published,
                header.url.clone(),
                Vec::new(),
            ));
        }
    }
    for u in updates {
        let date = u.date.or(header.published).or(page.published);
        entries.push(make(Kind::Update, u.title, u.paragraphs, date, u.url, u.authors));
    }
    (!entries.is_empty()).then_some(entries)
}

/// How a page is cut into updates; see the module doc.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// `Skip next section` markers.
    Sections,
    /// Headings with `published at` time stamps.
    Stamped,
    /// Paragraphs starting with a time of day.
    Clocked,
    /// Headline, paragraphs and a short URL per update; or date lines.
    Headed,
}

impl Mode {
    /// The mode a page calls for, and the line where its first update starts (for `Headed`,
    /// where its header is known to end at the latest).
    fn of(lines: &[Line<'_>], from_markup: bool) -> Option<(Mode, usize)> {
        if let Some(i) = lines.iter().position(|l| matches!(l.cue, Cue::Marker(_))) {
            return Some((Mode::Sections, i));
        }
        if let Some(i) = lines.iter().position(|l| matches!(l.cue, Cue::StampedHeading(..))) {
            return Some((Mode::Stamped, i));
        }
        let mut clocked = (0..lines.len()).filter(|&i| starts_clocked_paragraph(lines, i));
        if let Some(first) = clocked.next() {
            if clocked.next().is_some() {
                return Some((Mode::Clocked, first));
            }
        }
        let short_urls = lines.iter().filter(|l| matches!(l.cue, Cue::Url(u) if short_url_code(u).is_some())).count();
        let dates = lines.iter().filter(|l| matches!(l.cue, Cue::Date(_))).count();
        (short_urls >= 2 || (dates >= 2 && !from_markup)).then_some((Mode::Headed, lines.len()))
    }
}

/// A text line with a time stamp at the start of a paragraph.
fn starts_clocked_paragraph(lines: &[Line<'_>], i: usize) -> bool {
    lines[i].clock.is_some() && (i == 0 || !lines[i - 1].is_text())
}

/// What the page header holds.
#[derive(Debug, Default)]
struct Header {
    headline: Option<String>,
    published: Option<EntryDate>,
    updated: Option<EntryDate>,
    url: Option<String>,
    /// Lead, bullets and summary block, as paragraphs.
    summary: Vec<String>,
    /// Offset of the zone the page's time stamps are in, minutes east of UTC.
    offset_minutes: i32,
}

impl Header {
    fn read(lines: &[Line<'_>], hints: &PageHints) -> Header {
        let bar = lines.iter().find_map(|l| match l.cue {
            Cue::TitleBar(h, d) => Some((h, d)),
            _ => None,
        });
        let capture = lines.iter().find_map(|l| match l.cue {
            Cue::CaptureDate(d) => Some(d),
            _ => None,
        });
        let text_lines: Vec<usize> =
            (0..lines.len()).filter(|&i| lines[i].is_text() && !is_alt_text(lines, i)).collect();
        // The headline is the text line right before `Published ...` or before a date line
        // that follows at most a breadcrumb and a headline; otherwise the first text line,
        // unless that is a one-word breadcrumb with more text after it.
        let published_at = lines.iter().position(|l| matches!(l.cue, Cue::Published(..)));
        let date_at = lines
            .iter()
            .position(|l| matches!(l.cue, Cue::Date(_)))
            .filter(|&d| text_lines.iter().take_while(|&&i| i < d).count() <= 2);
        let dated_at = published_at.or(date_at);
        let headline_at = match dated_at {
            Some(d) => text_lines.iter().rev().find(|&&i| i < d).copied(),
            None if bar.is_some() => None,
            None => {
                let breadcrumb = text_lines.len() > 1 && !lines[text_lines[0]].text.contains(char::is_whitespace);
                text_lines.get(usize::from(breadcrumb)).copied()
            }
        };
        let headline = headline_at.map(|i| lines[i].text).or(bar.map(|(h, _)| h));
        let (mut published, mut updated) = (None, None);
        if let Some(Cue::Published(p, u)) = published_at.map(|i| &lines[i].cue) {
            (published, updated) = (*p, *u);
        }
        let date_line = date_at.and_then(|i| match lines[i].cue {
            Cue::Date(d) => Some(d),
            _ => None,
        });

        // Everything after the headline that is news text is lead or summary.
        let from = headline_at.map_or(0, |i| i + 1);
        let mut url = None;
        let mut offset_minutes = 0;
        let mut kept: Vec<&str> = Vec::new();
        for (i, line) in lines.iter().enumerate().skip(from) {
            match &line.cue {
                Cue::Url(u) if url.is_none() => url = Some(clean_url(u)),
                Cue::Status => {
                    if let Some(zone) = zone_named_in(line.text) {
                        offset_minutes = zone;
                    }
                }
                Cue::Bullet(text) => kept.extend([text, ""]),
                Cue::Text if is_alt_text(lines, i) => {}
                Cue::Text => {
                    let repeats_headline = headline.is_some_and(|h| same_text(h, line.text));
                    if !repeats_headline {
                        kept.push(line.text);
                    }
                }
                Cue::Blank => kept.push(""),
                _ => {}
            }
        }
        Header {
            headline: hints.title.clone().or(headline.map(str::to_string)),
            published: hints.published.or(published).or(bar.map(|(_, d)| d)).or(date_line).or(capture),
            updated: hints.updated.or(updated),
            // A DW short URL in the text is the page's stable identity; else the metadata's URL.
            url: url.clone().filter(|u| short_url_code(u).is_some()).or_else(|| hints.url.clone()).or(url),
            summary: paragraphs(&kept),
            offset_minutes,
        }
    }
}

/// The zone an `All updates in ...` line names.
fn zone_named_in(status: &str) -> Option<i32> {
    let lower = status.to_ascii_lowercase();
    let at = lower.find(" in ").map(|i| i + 4).or_else(|| lower.find(" are ").map(|i| i + 5))?;
    zone_offset_minutes(status[at..].trim_end_matches('.'))
}

/// A DW image's alt text (the line right before its caption, `...Image: credit`), or the
/// title of an embedded clip (the line right after `Watch video 01:45`).
fn is_alt_text(lines: &[Line<'_>], i: usize) -> bool {
    lines.get(i + 1).is_some_and(|next| next.cue == Cue::Caption && next.text.contains("Image: "))
        || i.checked_sub(1).is_some_and(|p| lines[p].cue == Cue::Caption && is_media_player(lines[p].text))
}

/// For pages cut by short URLs: where the header ends. After the lead and the page's own
/// URL come captions, bullets, status lines and the summary block; the first text after
/// them is the first update.
fn headed_header_end(lines: &[Line<'_>], limit: usize) -> usize {
    let mut seen_text = false;
    let mut seen_url = false;
    let mut seen_furniture = false;
    let mut in_summary = false;
    for (i, line) in lines[..limit].iter().enumerate() {
        match &line.cue {
            Cue::SummaryHeading => {
                in_summary = true;
                seen_furniture = true;
            }
            Cue::Caption | Cue::Status | Cue::Bullet(_) | Cue::Cookie => seen_furniture = true,
            Cue::Url(u) if short_url_code(u).is_some() => {
                if seen_url || in_summary || (seen_furniture && seen_text) {
                    return i;
                }
                seen_url = true;
            }
            Cue::Date(_) if in_summary || (seen_url && seen_text) => return i,
            Cue::Text if is_alt_text(lines, i) => {}
            Cue::Text if in_summary => {}
            Cue::Text if seen_url || seen_furniture => return i,
            Cue::Text => seen_text = true,
            _ => {}
        }
    }
    limit
}

/// One update as read from its lines.
#[derive(Debug)]
struct Update {
    title: String,
    date: Option<EntryDate>,
    paragraphs: Vec<String>,
    url: Option<String>,
    authors: Vec<String>,
}

/// What the lines of one update held.
struct Section<'a> {
    date: Option<EntryDate>,
    kept: Vec<&'a str>,
    url: Option<String>,
}

/// Reads the lines of one update: the first date line before any text is its date, the
/// first line repeating `heading` is dropped, the last short URL is its URL, furniture goes.
fn read_section<'a>(lines: &[Line<'a>], heading: &str) -> Section<'a> {
    let mut date = None;
    let mut url: Option<String> = None;
    let mut kept: Vec<&'a str> = Vec::with_capacity(lines.len());
    let mut seen_content = false;
    let mut skipped_heading = heading.is_empty();
    for (i, line) in lines.iter().enumerate() {
        match &line.cue {
            Cue::Blank => kept.push(""),
            Cue::Date(d) if !seen_content && date.is_none() => date = Some(*d),
            Cue::Url(u) => {
                if short_url_code(u).is_some() || url.is_none() {
                    url = Some(clean_url(u));
                }
            }
            Cue::Caption | Cue::Status | Cue::Cookie | Cue::Credit(_) | Cue::Navigation => {}
            _ if is_alt_text(lines, i) => {}
            _ if !skipped_heading && same_text(line.text, heading) => skipped_heading = true,
            _ => {
                seen_content = true;
                kept.push(line.text);
            }
        }
    }
    Section { date, kept, url }
}

/// Layout C: every `Skip next section` marker opens a section; `What you need to know` is the
/// page summary, any other heading an update.
fn sections(lines: &[Line<'_>], summary: &mut Vec<String>) -> Vec<Update> {
    let starts: Vec<usize> = (0..lines.len()).filter(|&i| matches!(lines[i].cue, Cue::Marker(_))).collect();
    let mut updates = Vec::with_capacity(starts.len());
    for (n, &start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(lines.len());
        let Cue::Marker(heading) = lines[start].cue else { continue };
        let section = read_section(&lines[start + 1..end], heading);
        if heading.eq_ignore_ascii_case("What you need to know") {
            summary.extend(paragraphs(&section.kept));
            continue;
        }
        let mut paragraphs = paragraphs(&section.kept);
        let title = if heading.is_empty() {
            // No heading on the marker: the first paragraph is the headline.
            let Some(first) = section.kept.iter().find(|l| !l.is_empty()) else { continue };
            if paragraphs.first().is_some_and(|p| p == first) {
                paragraphs.remove(0);
            }
            first.to_string()
        } else {
            heading.to_string()
        };
        if paragraphs.is_empty() && section.url.is_none() {
            continue;
        }
        updates.push(Update { title, date: section.date, paragraphs, url: section.url, authors: Vec::new() });
    }
    updates
}

/// BBC live pages: every heading with a `published at` time stamp opens an update; a byline
/// (name, then role) may follow.
fn stamped(lines: &[Line<'_>]) -> Vec<Update> {
    let starts: Vec<usize> = (0..lines.len()).filter(|&i| matches!(lines[i].cue, Cue::StampedHeading(..))).collect();
    let mut updates = Vec::with_capacity(starts.len());
    for (n, &start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(lines.len());
        let Cue::StampedHeading(heading, stamp) = lines[start].cue else { continue };
        let mut body = &lines[start + 1..end];
        // A repeat of the time stamp on its own line.
        while body.first().is_some_and(|l| matches!(l.cue, Cue::Blank | Cue::Date(_))) {
            body = &body[1..];
        }
        let (authors, body) = byline(body);
        let section = read_section(body, heading);
        if let Some(u) = untitled_or_titled(heading, stamp.into(), section, authors) {
            updates.push(u);
        }
    }
    updates
}

/// A BBC byline at the top of an update: a name line (two to four capitalised words) and
/// optionally a role line, as one paragraph followed by more text.
fn byline<'a, 'b>(lines: &'b [Line<'a>]) -> (Vec<String>, &'b [Line<'a>]) {
    let group = lines.iter().take_while(|l| l.cue != Cue::Blank).count();
    let rest_has_text = lines[group..].iter().any(Line::is_text);
    if !(1..=2).contains(&group) || !rest_has_text {
        return (Vec::new(), lines);
    }
    let name = lines[0].text;
    let words: Vec<&str> = name.split_whitespace().collect();
    let name_like = name.len() <= 40
        && (2..=4).contains(&words.len())
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars().all(|c| c.is_alphabetic() || "-'.’".contains(c))
        });
    let role_like = group == 1 || (lines[1].text.len() <= 60 && !lines[1].text.ends_with(['.', '!', '?', ':']));
    if name_like && role_like && lines[..group].iter().all(Line::is_text) {
        (vec![name.to_string()], &lines[group..])
    } else {
        (Vec::new(), lines)
    }
}

/// Layouts A and E (and D copies of them): every paragraph starting with a time opens an
/// update dated the page day (or the day of the last date line) at that time.
fn clocked(lines: &[Line<'_>], first_day: Option<EntryDate>, offset_minutes: i32) -> Vec<Update> {
    let mut updates = Vec::new();
    let mut day = first_day;
    let mut i = 0;
    while i < lines.len() {
        if let Cue::Date(d) = lines[i].cue {
            // A date line between updates: the day the following updates were posted.
            day = Some(d);
            i += 1;
            continue;
        }
        let Some((hour, minute, rest)) = lines[i].clock.filter(|_| starts_clocked_paragraph(lines, i)) else {
            i += 1;
            continue;
        };
        let end = (i + 1..lines.len())
            .find(|&j| starts_clocked_paragraph(lines, j) || matches!(lines[j].cue, Cue::Date(_)))
            .unwrap_or(lines.len());
        let date = day.and_then(|d| d.at_local_time(hour, minute, offset_minutes));
        let mut section = read_section(&lines[i + 1..end], "");
        if !rest.is_empty() {
            section.kept.insert(0, rest);
        }
        if let Some(u) = untitled_or_titled("", date, section, Vec::new()) {
            updates.push(u);
        }
        i = end;
    }
    updates
}

/// Layouts B and D, and copies without navigation: a short-URL line ends an update and a date
/// line after text starts one; an update's first line is its headline.
fn headed(lines: &[Line<'_>], summary: &mut Vec<String>) -> Vec<Update> {
    let mut updates = Vec::new();
    let mut start = 0;
    let mut has_text = false;
    let mut segments = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        match &line.cue {
            Cue::Url(u) if short_url_code(u).is_some() => {
                segments.push(start..i + 1);
                start = i + 1;
                has_text = false;
            }
            Cue::Date(_) if has_text => {
                segments.push(start..i);
                start = i;
                has_text = false;
            }
            Cue::Text => has_text = true,
            _ => {}
        }
    }
    segments.push(start..lines.len());
    for range in segments {
        let seg = &lines[range];
        // Furniture before the update: summary bullets, captions, status lines.
        let lead = seg.iter().take_while(|l| l.is_furniture() || l.cue == Cue::Blank).count();
        for l in &seg[..lead] {
            if let Cue::Bullet(text) = l.cue {
                summary.push(text.to_string());
            }
        }
        let seg = &seg[lead..];
        let section = read_section(seg, "");
        if let Some(u) = untitled_or_titled("", None, section, Vec::new()) {
            updates.push(u);
        }
    }
    updates
}

/// Makes an update from a section: the heading is its title; without one, a headline-like
/// first line is, else the first sentence of its text.
fn untitled_or_titled(
    heading: &str,
    fallback_date: Option<EntryDate>,
    section: Section<'_>,
    authors: Vec<String>,
) -> Option<Update> {
    let mut paragraphs = paragraphs(&section.kept);
    let date = section.date.or(fallback_date);
    if paragraphs.is_empty() {
        return None;
    }
    let title = if !heading.is_empty() {
        heading.to_string()
    } else if paragraphs.len() > 1 && is_headline_like(&paragraphs[0]) {
        paragraphs.remove(0)
    } else {
        derived_title(&paragraphs[0])
    };
    Some(Update { title, date, paragraphs, url: section.url, authors })
}

/// A one-line paragraph that reads like a headline: short, and not ending a sentence.
fn is_headline_like(paragraph: &str) -> bool {
    paragraph.len() <= 160 && !paragraph.contains('\n') && !paragraph.ends_with(['.', ',', ';', ':'])
}

/// A title for an update without a headline: its first sentence, shortened at a word
/// boundary to at most [`TITLE_MAX`] bytes.
pub fn derived_title(paragraph: &str) -> String {
    let sentence = first_sentence(paragraph.lines().next().unwrap_or(paragraph));
    let sentence = sentence.strip_suffix('.').unwrap_or(sentence);
    shorten(sentence, TITLE_MAX)
}

/// The first sentence of a paragraph: up to the first `.`, `!` or `?` that is followed by a
/// space and a capital letter, a digit or a quote, and that does not end an abbreviation
/// (`U.S.`, `Mr.`, a single initial).
pub fn first_sentence(text: &str) -> &str {
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if !matches!(b, b'.' | b'!' | b'?') {
            continue;
        }
        // Closing quotes and brackets stay with the sentence.
        let mut end = i + 1;
        while end < bytes.len() && matches!(bytes[end], b'"' | b'\'' | b')') {
            end += 1;
        }
        for closing in ["”", "’"] {
            if text[end..].starts_with(closing) {
                end += closing.len();
            }
        }
        let rest = &text[end..];
        if !rest.starts_with(' ') {
            continue;
        }
        let next = rest.trim_start().chars().next();
        if !next.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || "\"'“‘(".contains(c)) {
            continue;
        }
        if b == b'.' && is_abbreviation(&text[..i]) {
            continue;
        }
        return &text[..end];
    }
    text
}

/// The word before a full stop is an abbreviation: a single letter, one with inner dots
/// (`U.S`), or a common title.
fn is_abbreviation(before: &str) -> bool {
    let word = before.rsplit(|c: char| c.is_whitespace() || c == '(').next().unwrap_or("");
    if word.chars().count() == 1 || word.contains('.') {
        return true;
    }
    const TITLES: [&str; 16] =
        ["Mr", "Mrs", "Ms", "Dr", "St", "Prof", "Gen", "Sen", "Rep", "Gov", "Lt", "Col", "No", "vs", "Jr", "Sr"];
    TITLES.contains(&word)
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
        .map(|g| match g {
            [one] => one.trim().to_string(),
            _ => g.iter().map(|l| l.trim()).collect::<Vec<_>>().join("\n"),
        })
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
    fn text_without_structure_is_not_a_live_blog() {
        assert!(parse("Headline\n\nJust an article.\n", "a.txt").is_none());
        assert!(parse("Headline\n\n10:30 Ministers met.\n\nThey talked.\n", "a.txt").is_none());
        assert!(parse("Headline\n\nText.\n\nhttps://p.dw.com/p/AAAAA\n", "a.txt").is_none());
    }

    #[test]
    fn updates_without_a_date_line_take_the_page_date() {
        let page = "Headline here\n\nPublished May 10, 2022\n\nLead.\n\nhttps://p.dw.com/p/AAAAA\n\
Skip next section First update\n\nFirst update\n\nText one.\n\nhttps://p.dw.com/p/BBBBB";
        let entries = parse(page, "b.txt").unwrap();
        assert_eq!(entries[1].date.unwrap().to_string(), "2022-05-10");
        assert_eq!(entries[1].body, "Text one.");
    }

    #[test]
    fn time_stamped_updates_get_a_time_and_a_derived_title() {
        let page = "Coronavirus latest: Borders close\n\nMarch 16, 2020\n\n• Germany shuts borders\n\n\
All updates in UTC\n\n17:05The German government closed its borders to France. Trucks may pass.\n\n\
16:40 Italy reported 300 new cases on Monday.\n\nHospitals are full.\n\nWe are now closing coverage\n\nab/cd (dpa, Reuters)";
        let entries = parse(page, "a.txt").unwrap();
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0].body, "Germany shuts borders");
        assert_eq!(entries[1].title, "The German government closed its borders to France");
        assert_eq!(entries[1].date.unwrap().to_string(), "2020-03-16T17:05:00Z");
        assert_eq!(entries[1].body, "The German government closed its borders to France. Trucks may pass.");
        assert_eq!(entries[2].body, "Italy reported 300 new cases on Monday.\n\nHospitals are full.");
        assert_eq!(entries[2].sources, ["dpa", "Reuters"]);
    }

    #[test]
    fn sentences_end_at_real_full_stops() {
        assert_eq!(first_sentence("The U.S. said so. Then more."), "The U.S. said so.");
        assert_eq!(first_sentence("Mr. Smith left. Bye."), "Mr. Smith left.");
        assert_eq!(first_sentence("\"We won.\" He smiled."), "\"We won.\"");
        assert_eq!(first_sentence("No end here"), "No end here");
        assert_eq!(first_sentence("Prices rose 2.5 percent. Good."), "Prices rose 2.5 percent.");
        let long = "word ".repeat(60);
        assert!(derived_title(&long).len() <= TITLE_MAX);
    }
}
