//! Results for people: one block per hit (title, date, kind, sources, URL, snippet, page),
//! then a count. Highlights are bold and coloured only when asked (the caller decides from
//! the terminal and `NO_COLOR`); all entry text is sanitised first.

use std::io::{self, Write};

use crate::render::sanitize::sanitize;
use crate::search::{Hit, SearchResults};

/// How to draw text output.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// Use ANSI bold and colour.
    pub color: bool,
}

const BOLD: &str = "\x1b[1m";
const HIGHLIGHT: &str = "\x1b[1;33m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("{code}{text}{RESET}")
        } else {
            text.to_string()
        }
    }
}

/// Writes the hits and a closing count line.
pub fn write_search(out: &mut dyn Write, results: &SearchResults, style: Style) -> io::Result<()> {
    for hit in &results.hits {
        write_hit(out, hit, style)?;
    }
    let shown = match (results.hits.first(), results.hits.last()) {
        (Some(first), Some(last)) => format!(" (showing {}–{})", first.rank, last.rank),
        _ => String::new(),
    };
    let noun = if results.total == 1 { "match" } else { "matches" };
    writeln!(out, "{} {noun}{shown} in {:.1} ms", results.total, results.took.as_secs_f64() * 1000.0)
}

fn write_hit(out: &mut dyn Write, hit: &Hit, style: Style) -> io::Result<()> {
    let e = &hit.entry.entry;
    writeln!(out, "{}. {}", hit.rank, style.paint(BOLD, &sanitize(&e.title)))?;
    let mut meta = vec![e.date.map_or_else(|| "undated".to_string(), |d| d.to_string()), e.kind.as_str().to_string()];
    if !e.sources.is_empty() {
        meta.push(sanitize(&e.sources.join(", ")).into_owned());
    }
    if let Some(url) = &e.url {
        meta.push(sanitize(url).into_owned());
    }
    writeln!(out, "   {}", style.paint(DIM, &meta.join(" · ")))?;
    if !hit.snippet.text.is_empty() {
        writeln!(out, "   {}", highlighted(hit, style))?;
    }
    let page = e.page.title.as_deref().map(|t| sanitize(t).into_owned()).unwrap_or_default();
    let more = match hit.entry.pages.len() {
        0 | 1 => String::new(),
        n => format!(" and {} more page{}", n - 1, if n == 2 { "" } else { "s" }),
    };
    writeln!(out, "   {}", style.paint(DIM, &format!("in: {page} ({}){more}", sanitize(&e.path))))?;
    writeln!(out)
}

/// The snippet with its highlights painted when colour is on; plain text otherwise.
fn highlighted(hit: &Hit, style: Style) -> String {
    let s = &hit.snippet;
    let mut out = String::with_capacity(s.text.len() + 16);
    let mut cursor = 0;
    for r in &s.highlights {
        out.push_str(&sanitize(&s.text[cursor..r.start]));
        out.push_str(&style.paint(HIGHLIGHT, &sanitize(&s.text[r.clone()])));
        cursor = r.end;
    }
    out.push_str(&sanitize(&s.text[cursor..]));
    out
}
