//! Results for people: one block per hit (title, date, kind, sources, URL, snippet, page),
//! the facets when asked for (agencies, authors, and the timeline as a bar chart), then a
//! count, and "did you mean" suggestions when nothing matched. Also one entry in full
//! (`show`) and an index's description (`stats`). Highlights are bold and coloured only when
//! asked (the caller decides from the terminal and `NO_COLOR`); all entry text is sanitised
//! first.

use std::io::{self, Write};

use crate::entry::{Appearance, IndexedEntry};
use crate::render::sanitize::sanitize;
use crate::search::facets::{Facets, ValueCount};
use crate::search::stats::IndexStats;
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
    if let Some(facets) = &results.facets {
        write_facets(out, facets, results.total, style)?;
    }
    let shown = match (results.hits.first(), results.hits.last()) {
        (Some(first), Some(last)) => format!(" (showing {}–{})", first.rank, last.rank),
        _ => String::new(),
    };
    let total = counted(results.total, results.total_exact);
    writeln!(out, "{total}{shown} in {:.1} ms", results.took.as_secs_f64() * 1000.0)?;
    for s in &results.suggestions {
        let query = style.paint(BOLD, &sanitize(&s.query));
        if s.any && s.query == results.query {
            writeln!(out, "No entry has all the words; with --any: {}.", counted(s.total, s.total_exact))?;
        } else if s.any {
            writeln!(out, "Did you mean: {query} (with --any: {})?", counted(s.total, s.total_exact))?;
        } else {
            writeln!(out, "Did you mean: {query} ({})?", counted(s.total, s.total_exact))?;
        }
    }
    Ok(())
}

fn matches(n: usize) -> String {
    format!("{n} {}", if n == 1 { "match" } else { "matches" })
}

/// "N matches", or "N+ matches" when `n` is a lower bound.
fn counted(n: usize, exact: bool) -> String {
    if exact {
        matches(n)
    } else {
        format!("{n}+ matches")
    }
}

/// Widest bar of the timeline, in terminal columns.
const BAR_WIDTH: usize = 40;

/// Agencies and authors on one line each, then the timeline as a bar chart.
fn write_facets(out: &mut dyn Write, facets: &Facets, total: usize, style: Style) -> io::Result<()> {
    let list = |values: &[ValueCount]| -> String {
        if values.is_empty() {
            return "none credited".to_string();
        }
        values.iter().map(|v| format!("{} {}", sanitize(&v.value), v.count)).collect::<Vec<_>>().join(" · ")
    };
    writeln!(out, "{} {}", style.paint(BOLD, "Sources:"), list(&facets.sources))?;
    writeln!(out, "{} {}", style.paint(BOLD, "Authors:"), list(&facets.authors))?;
    let t = &facets.timeline;
    let heading = format!("Timeline ({} by {}):", matches(total), t.interval.as_str());
    writeln!(out, "{}", style.paint(BOLD, &heading))?;
    let labels: Vec<String> = t.buckets.iter().map(|b| t.interval.label(b.start)).collect();
    let width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0).max("undated".len());
    let most = t.buckets.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    for (label, bucket) in labels.iter().zip(&t.buckets) {
        writeln!(out, "  {label:<width$}  {:<BAR_WIDTH$}  {}", bar(bucket.count, most), bucket.count)?;
    }
    if t.undated > 0 {
        writeln!(out, "  {:<width$}  {:<BAR_WIDTH$}  {}", "undated", "", t.undated)?;
    }
    writeln!(out)
}

/// A horizontal bar `count / most` of [`BAR_WIDTH`] long, in eighths of a column; any
/// non-zero count shows at least a sliver.
fn bar(count: usize, most: usize) -> String {
    const EIGHTHS: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
    if count == 0 {
        return String::new();
    }
    let eighths = (count * BAR_WIDTH * 8).div_ceil(most).max(1);
    let mut s = "█".repeat(eighths / 8);
    if eighths % 8 > 0 {
        s.push(EIGHTHS[eighths % 8 - 1]);
    }
    s
}

/// One entry in full: headline, dates and credits, URL and id, the whole body, and every
/// page it appeared on.
pub fn write_entry(out: &mut dyn Write, item: &IndexedEntry, style: Style) -> io::Result<()> {
    let e = &item.entry;
    writeln!(out, "{}", style.paint(BOLD, &sanitize(&e.title)))?;
    let mut meta = vec![e.date.map_or_else(|| "undated".to_string(), |d| d.to_string()), e.kind.as_str().to_string()];
    if !e.sources.is_empty() {
        meta.push(sanitize(&e.sources.join(", ")).into_owned());
    }
    if !e.authors.is_empty() {
        meta.push(format!("by {}", sanitize(&e.authors.join(", "))));
    }
    writeln!(out, "{}", style.paint(DIM, &meta.join(" · ")))?;
    let link = e.url.as_deref().map(|u| format!("{} · ", sanitize(u))).unwrap_or_default();
    writeln!(out, "{}", style.paint(DIM, &format!("{link}id {}", sanitize(&e.id))))?;
    writeln!(out)?;
    for paragraph in e.body.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        writeln!(out, "{}", sanitize(paragraph))?;
        writeln!(out)?;
    }
    let n = item.pages.len();
    writeln!(out, "{}", style.paint(BOLD, &format!("Appeared on {n} page{}:", if n == 1 { "" } else { "s" })))?;
    for a in &item.pages {
        writeln!(out, "  - {}", page_line(a))?;
        writeln!(out, "    {}", style.paint(DIM, &sanitize(&a.path)))?;
    }
    Ok(())
}

fn page_line(a: &Appearance) -> String {
    let mut parts =
        vec![a.page.title.as_deref().map_or_else(|| "(untitled page)".to_string(), |t| sanitize(t).into_owned())];
    if let Some(url) = &a.page.url {
        parts.push(sanitize(url).into_owned());
    }
    if let Some(d) = a.page.published {
        parts.push(format!("published {d}"));
    }
    if let Some(d) = a.page.updated {
        parts.push(format!("updated {d}"));
    }
    parts.join(" · ")
}

/// An index's description, one fact per line.
pub fn write_stats(out: &mut dyn Write, index: &std::path::Path, s: &IndexStats, style: Style) -> io::Result<()> {
    let label = |l: &str| style.paint(BOLD, l);
    writeln!(out, "{} {}", label("Index:"), sanitize(&index.display().to_string()))?;
    let kinds: Vec<String> = s.kinds.iter().map(|(k, n)| format!("{n} {}", k.as_str())).collect();
    writeln!(out, "{} {} ({})", label("Entries:"), s.entries, kinds.join(", "))?;
    writeln!(out, "{} {} from {} file{}", label("Pages:"), s.pages, s.files, if s.files == 1 { "" } else { "s" })?;
    let span = match (s.first_date, s.last_date) {
        (Some(a), Some(b)) => format!("{} to {}", a.format("%Y-%m-%d"), b.format("%Y-%m-%d")),
        _ => "none".to_string(),
    };
    writeln!(out, "{} {span} ({} undated)", label("Dates:"), s.undated)?;
    let sources: Vec<String> = s.top_sources.iter().map(|v| format!("{} {}", sanitize(&v.value), v.count)).collect();
    let sources = if sources.is_empty() { "none credited".to_string() } else { sources.join(" · ") };
    writeln!(out, "{} {sources}", label("Top sources:"))?;
    writeln!(
        out,
        "{} {} in {} segment{}",
        label("Size on disk:"),
        human_bytes(s.size_bytes),
        s.segments,
        if s.segments == 1 { "" } else { "s" }
    )?;
    let writer = if s.written_by.is_empty() { String::new() } else { format!(", written by newsdex {}", s.written_by) };
    writeln!(out, "{} {}{}", label("Schema version:"), s.schema_version, sanitize(&writer))
}

fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if n < 1000 {
        return format!("{n} bytes");
    }
    let mut value = n as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
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
