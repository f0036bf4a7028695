//! JSON and NDJSON exports: an object, an array of objects, or one object per line.
//!
//! Keys are matched case-insensitively against common aliases:
//!
//! | entry field | keys |
//! |---|---|
//! | title | `title`, `headline`, `name` |
//! | body | `body`, `text`, `content`, `description`, `summary`, `articleBody`, `content_text`, `content_html` (HTML is reduced to its text) |
//! | date | `date`, `published`, `pubDate`, `datetime`, `published_at`, `publishedAt`, `datePublished`, `date_published`, `created_at` |
//! | url | `url`, `link`, `href`, `permalink` |
//! | sources | `sources`, `source`, `agency`, `agencies` |
//! | authors | `authors`, `author`, `byline`, `creator` |
//! | id, kind, page | `id`, `kind`, `page` (as `extract` writes them) |
//!
//! A record holding a list of updates (`updates`, `entries`, `items`, `liveBlogUpdate`)
//! yields one `update` entry per item, with the record as their page; the record's own text,
//! if any, becomes a `summary` entry. A JSON Feed (`"version": "https://jsonfeed.org/..."`)
//! yields one `article` per item.

use serde_json::{Map, Value};

use crate::corpus::credits::canonical_agencies;
use crate::corpus::html::{fragment_paragraphs, looks_like_html};
use crate::corpus::Problem;
use crate::date::{parse_text_date, EntryDate};
use crate::entry::{entry_id, Entry, Kind, Page};

const TITLE: &[&str] = &["title", "headline", "name"];
const BODY: &[&str] =
    &["body", "text", "content", "description", "summary", "articlebody", "content_text", "content_html"];
const DATE: &[&str] = &[
    "date",
    "published",
    "pubdate",
    "datetime",
    "published_at",
    "publishedat",
    "datepublished",
    "date_published",
    "created_at",
];
const UPDATED: &[&str] = &["updated", "last_updated", "datemodified", "modified"];
const URL: &[&str] = &["url", "link", "href", "permalink"];
const SOURCES: &[&str] = &["sources", "source", "agency", "agencies"];
const AUTHORS: &[&str] = &["authors", "author", "byline", "creator"];
const UPDATES: &[&str] = &["updates", "entries", "items", "liveblogupdate"];

/// Reads a whole-file JSON document. An error carries the line and column of bad syntax.
pub fn parse_document(text: &str, path: &str) -> Result<(Vec<Entry>, Vec<Problem>), Problem> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        Problem::at_line(path, e.line(), format!("malformed JSON at column {}: {}", e.column(), strip_position(&e)))
    })?;
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    let records: Vec<&Value> = match &value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(map) if find(map, TITLE).is_none() && find(map, BODY).is_none() => {
            match find(map, &["articles", "records", "data", "entries", "items"]) {
                Some(Value::Array(items)) => items.iter().collect(),
                _ => vec![&value],
            }
        }
        _ => vec![&value],
    };
    for (i, record) in records.into_iter().enumerate() {
        match record_entries(record, path) {
            Ok(mut es) => entries.append(&mut es),
            Err(why) => problems.push(Problem::new(path, format!("record {}: {why}", i + 1))),
        }
    }
    Ok((entries, problems))
}

/// Reads one JSON object per line; a bad line is reported with its number and the rest is read.
pub fn parse_lines(text: &str, path: &str) -> (Vec<Entry>, Vec<Problem>) {
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(v) => match record_entries(&v, path) {
                Ok(mut es) => entries.append(&mut es),
                Err(why) => problems.push(Problem::at_line(path, line_no, why)),
            },
            Err(e) => problems.push(Problem::at_line(
                path,
                line_no,
                format!("malformed JSON at column {}: {}", e.column(), strip_position(&e)),
            )),
        }
    }
    (entries, problems)
}

/// serde_json's message without its trailing "at line L column C".
fn strip_position(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    match msg.rfind(" at line ") {
        Some(at) => msg[..at].to_string(),
        None => msg,
    }
}

fn find<'a>(map: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a Value> {
    keys.iter()
        .find_map(|k| map.get(*k).or_else(|| map.iter().find(|(name, _)| name.eq_ignore_ascii_case(k)).map(|(_, v)| v)))
        .filter(|v| !v.is_null())
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if looks_like_html(s) => Some(fragment_paragraphs(s).join("\n\n")).filter(|s| !s.is_empty()),
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(m) => find(m, &["name", "text", "value", "@value", "url", "href"]).and_then(text_of),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(text_of).collect();
            (!parts.is_empty()).then(|| parts.join("\n\n"))
        }
        _ => None,
    }
}

fn list_of(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(items)) => items.iter().filter_map(text_of).collect(),
        Some(other) => text_of(other).into_iter().collect(),
        None => Vec::new(),
    }
}

fn date_of(v: Option<&Value>) -> Option<EntryDate> {
    match v? {
        Value::Number(n) => {
            let secs = n.as_i64()?;
            // Seconds or milliseconds since the epoch.
            let secs = if secs > 100_000_000_000 { secs / 1000 } else { secs };
            chrono::DateTime::from_timestamp(secs, 0).map(EntryDate::Instant)
        }
        other => parse_text_date(&text_of(other)?),
    }
}

fn authors_of(v: Option<&Value>) -> Vec<String> {
    list_of(v)
        .into_iter()
        .map(|a| a.strip_prefix("By ").or_else(|| a.strip_prefix("by ")).unwrap_or(&a).trim().to_string())
        .filter(|a| !a.is_empty())
        .collect()
}

fn page_of(map: &Map<String, Value>) -> Option<Page> {
    let Value::Object(p) = find(map, &["page"])? else { return None };
    Some(Page {
        title: find(p, TITLE).and_then(text_of),
        url: find(p, URL).and_then(text_of),
        published: date_of(find(p, DATE)),
        updated: date_of(find(p, UPDATED)),
    })
}

/// The names in an author value: a string, an object with a `name`, or a list of either.
pub(crate) fn names(v: &Value) -> Vec<String> {
    authors_of(Some(v))
}

/// The entries one JSON record yields.
pub(crate) fn record_entries(record: &Value, path: &str) -> Result<Vec<Entry>, String> {
    let Value::Object(map) = record else {
        return Err(format!("expected an object, found {}", kind_of(record)));
    };
    let title = find(map, TITLE).and_then(text_of);
    let body = find(map, BODY).and_then(text_of);
    let date = date_of(find(map, DATE));
    let url = find(map, URL).and_then(text_of);
    let sources = canonical_agencies(list_of(find(map, SOURCES)).iter().map(String::as_str));
    let authors = authors_of(find(map, AUTHORS));
    let updates = match find(map, UPDATES) {
        Some(Value::Array(items)) if items.iter().any(Value::is_object) => Some(items),
        _ => None,
    };

    let Some(updates) = updates else {
        if title.is_none() && body.is_none() {
            return Err("has neither a title nor a body".to_string());
        }
        let title = title.or_else(|| body.as_deref().map(first_words)).unwrap_or_default();
        let body = body.unwrap_or_default();
        let kind = find(map, &["kind"]).and_then(Value::as_str).and_then(Kind::from_name).unwrap_or(Kind::Article);
        let page = page_of(map).unwrap_or(Page {
            title: Some(title.clone()),
            url: url.clone(),
            published: date,
            updated: None,
        });
        let id = find(map, &["id"])
            .and_then(text_of)
            .unwrap_or_else(|| entry_id(url.as_deref(), &title, date.as_ref(), &body));
        return Ok(vec![Entry { id, kind, title, body, date, url, sources, authors, page, path: path.to_string() }]);
    };

    let page = Page { title: title.clone(), url: url.clone(), published: date, updated: date_of(find(map, UPDATED)) };
    // A JSON Feed (jsonfeed.org) lists articles, not the updates of one story.
    let is_feed = find(map, &["version"]).and_then(Value::as_str).is_some_and(|v| v.contains("jsonfeed"));
    let item_kind = if is_feed { Kind::Article } else { Kind::Update };
    let mut entries = Vec::new();
    if let Some(body) = body.filter(|_| !is_feed) {
        let title = title.clone().unwrap_or_else(|| first_words(&body));
        entries.push(Entry {
            id: entry_id(url.as_deref(), &title, date.as_ref(), &body),
            kind: Kind::Summary,
            title,
            body,
            date,
            url: url.clone(),
            sources: sources.clone(),
            authors: authors.clone(),
            page: page.clone(),
            path: path.to_string(),
        });
    }
    for item in updates {
        let Value::Object(m) = item else { continue };
        let body = find(m, BODY).and_then(text_of).unwrap_or_default();
        let Some(title) = find(m, TITLE).and_then(text_of).or_else(|| (!body.is_empty()).then(|| first_words(&body)))
        else {
            continue;
        };
        let item_date = date_of(find(m, DATE)).or(date);
        let item_url = find(m, URL).and_then(text_of);
        let item_sources = canonical_agencies(list_of(find(m, SOURCES)).iter().map(String::as_str));
        let item_authors = authors_of(find(m, AUTHORS));
        entries.push(Entry {
            id: find(m, &["id"])
                .and_then(text_of)
                .unwrap_or_else(|| entry_id(item_url.as_deref(), &title, item_date.as_ref(), &body)),
            kind: item_kind,
            title,
            body,
            date: item_date,
            url: item_url,
            sources: if item_sources.is_empty() { sources.clone() } else { item_sources },
            authors: if item_authors.is_empty() { authors.clone() } else { item_authors },
            page: page.clone(),
            path: path.to_string(),
        });
    }
    Ok(entries)
}

/// A title for an untitled record: its first sentence, cut at a word boundary.
fn first_words(body: &str) -> String {
    crate::corpus::liveblog::derived_title(body)
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_and_arrays() {
        let text = r#"[{"headline": "Library extends hours", "published": "2024-03-10", "text": "Open until 10 pm.", "link": "https://x.org/1", "agency": "Associated Press"},
                      {"title": "Marathon route changed", "date": "2024-03-11T08:00:00Z", "body": "Moved.", "authors": ["J. Doe"]}]"#;
        let (es, problems) = parse_document(text, "items.json").unwrap();
        assert!(problems.is_empty());
        assert_eq!(es[0].title, "Library extends hours");
        assert_eq!(es[0].sources, ["AP"]);
        assert_eq!(es[0].url.as_deref(), Some("https://x.org/1"));
        assert_eq!(es[1].date.unwrap().to_string(), "2024-03-11T08:00:00Z");
        assert_eq!(es[1].authors, ["J. Doe"]);
    }

    #[test]
    fn a_bad_line_is_reported_and_the_rest_read() {
        let text = "{\"title\": \"Fine\", \"body\": \"zeppelins\"}\n{\"title\": \"bad\", \n{\"body\": \"also fine\"}\n";
        let (es, problems) = parse_lines(text, "broken.ndjson");
        assert_eq!(es.len(), 2);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, Some(2));
        assert!(problems[0].to_string().starts_with("broken.ndjson: line 2: malformed JSON"), "{}", problems[0]);
    }

    #[test]
    fn records_with_updates() {
        let text = r#"{"title": "Live: storm", "url": "https://x.org/live", "date": "2024-01-02", "source": "dpa",
                       "updates": [{"title": "Roads closed", "body": "Roads are closed."}, {"body": "Power is back."}]}"#;
        let (es, _) = parse_document(text, "live.json").unwrap();
        assert_eq!(es.len(), 2);
        assert!(es.iter().all(|e| e.kind == Kind::Update && e.sources == ["dpa"]));
        assert_eq!(es[1].title, "Power is back", "an untitled update is titled with its first sentence");
        assert_eq!(es[0].page.title.as_deref(), Some("Live: storm"));
    }

    #[test]
    fn extract_output_reads_back_unchanged() {
        let e = Entry {
            id: "4mKXR".into(),
            kind: Kind::Update,
            title: "T".into(),
            body: "B".into(),
            date: parse_text_date("2024-10-29"),
            url: Some("https://p.dw.com/p/4mKXR".into()),
            sources: vec!["AP".into()],
            authors: vec!["kb".into()],
            page: Page {
                title: Some("P".into()),
                url: Some("https://p.dw.com/p/4mJXM".into()),
                published: None,
                updated: None,
            },
            path: "export.ndjson".into(),
        };
        let line = serde_json::to_string(&e).unwrap();
        let (es, problems) = parse_lines(&line, "export.ndjson");
        assert!(problems.is_empty());
        assert_eq!(es, vec![e]);
    }
}
