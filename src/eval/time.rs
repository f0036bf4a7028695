//! Reading a test collection in the SMART layout of the TIME collection (TIME magazine,
//! 1963): documents, queries and relevance judgments.
//!
//! - Documents (`TIME.ALL`, or `TIME.txt`): each starts with a header line
//!   `*TEXT 017 01/04/63 PAGE 020` (spacing varies; one copy has `08/30 63`); the text
//!   follows in upper case, its lines separated by blank lines; `*STOP` ends the file.
//! - Queries (`TIME.QUE`): `*FIND n` and the query text on the following lines.
//! - Judgments (`TIME.REL`): one line per query, `n d1 d2 …`, where the d are document
//!   *ordinals* (1-based positions in the documents file), not `*TEXT` ids.
//!
//! The judgments were made on a copy with two more documents: ordinals up to 370 match this
//! copy, later ones are two positions ahead (`SOURCE.md` beside the collection shows it by
//! query-term overlap; no judgment falls on 371–377, around the missing documents). When a
//! collection has [`TIME_DOCUMENTS`] documents and judgments reaching [`TIME_JUDGED`], the
//! ordinals after [`TIME_SHIFT_AFTER`] are moved back by two.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::date::parse_month_day_year;
use crate::error::{Error, Result};

/// Documents in the TIME copy whose judgments are shifted.
pub const TIME_DOCUMENTS: usize = 423;
/// Highest ordinal its judgments use.
pub const TIME_JUDGED: usize = 425;
/// Last ordinal that needs no shift.
pub const TIME_SHIFT_AFTER: usize = 370;

/// One document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// 1-based position in the documents file.
    pub ordinal: usize,
    /// The `*TEXT` id.
    pub id: String,
    /// The issue date, when the header has a readable one.
    pub date: Option<NaiveDate>,
    /// The text, its lines joined by spaces.
    pub text: String,
}

/// Documents, queries and judgments.
#[derive(Debug, Clone, Default)]
pub struct Collection {
    /// In file order.
    pub documents: Vec<Document>,
    /// Query number → text.
    pub queries: BTreeMap<u32, String>,
    /// Query number → ordinals of the relevant documents (remapped to this copy).
    pub relevant: BTreeMap<u32, BTreeSet<usize>>,
}

/// Reads the collection in `dir`.
pub fn read(dir: &Path) -> Result<Collection> {
    let documents = parse_documents(&read_text(&find(dir, "ALL")?)?);
    let queries = parse_queries(&read_text(&find(dir, "QUE")?)?);
    let mut relevant = parse_judgments(&read_text(&find(dir, "REL")?)?);
    let highest = relevant.values().flat_map(|r| r.iter().copied()).max().unwrap_or(0);
    if documents.len() == TIME_DOCUMENTS && highest == TIME_JUDGED {
        for ordinals in relevant.values_mut() {
            *ordinals = ordinals.iter().map(|&r| if r > TIME_SHIFT_AFTER { r - 2 } else { r }).collect();
        }
    }
    if documents.is_empty() || queries.is_empty() || relevant.is_empty() {
        return Err(Error::Usage(format!(
            "{} does not hold a test collection (documents {}, queries {}, judged queries {})",
            dir.display(),
            documents.len(),
            queries.len(),
            relevant.len()
        )));
    }
    Ok(Collection { documents, queries, relevant })
}

/// `TIME.<ext>` or `TIME.<ext>.txt` (the documents also as `TIME.txt`).
fn find(dir: &Path, ext: &str) -> Result<PathBuf> {
    let mut names = vec![format!("TIME.{ext}"), format!("TIME.{ext}.txt")];
    if ext == "ALL" {
        names.push("TIME.txt".to_string());
    }
    names
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file())
        .ok_or_else(|| Error::io(dir.join(&names[0]), std::io::Error::new(std::io::ErrorKind::NotFound, "not found")))
}

fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Splits the documents file at its `*TEXT` headers.
pub fn parse_documents(text: &str) -> Vec<Document> {
    let mut out: Vec<Document> = Vec::new();
    for line in text.lines() {
        if let Some(header) = line.strip_prefix("*TEXT") {
            let mut words = header.split_whitespace();
            let id = words.next().unwrap_or_default().to_string();
            let rest: Vec<&str> = words.take_while(|w| *w != "PAGE").collect();
            let date = parse_month_day_year(&rest.join(" "));
            out.push(Document { ordinal: out.len() + 1, id, date, text: String::new() });
        } else if line.starts_with("*STOP") {
            break;
        } else if let Some(doc) = out.last_mut() {
            let line = line.trim();
            if !line.is_empty() {
                if !doc.text.is_empty() {
                    doc.text.push(' ');
                }
                doc.text.push_str(line);
            }
        }
    }
    out
}

/// Reads `*FIND n` blocks.
pub fn parse_queries(text: &str) -> BTreeMap<u32, String> {
    let mut out = BTreeMap::new();
    let mut current: Option<(u32, String)> = None;
    for line in text.lines() {
        if line.starts_with("*FIND") || line.starts_with("*STOP") {
            if let Some((n, q)) = current.take() {
                out.insert(n, q);
            }
            current = line.strip_prefix("*FIND").and_then(|n| n.trim().parse().ok()).map(|n| (n, String::new()));
        } else if let Some((_, q)) = &mut current {
            let line = line.trim();
            if !line.is_empty() {
                if !q.is_empty() {
                    q.push(' ');
                }
                q.push_str(line);
            }
        }
    }
    if let Some((n, q)) = current {
        out.insert(n, q);
    }
    out
}

/// Reads `n d1 d2 …` lines.
pub fn parse_judgments(text: &str) -> BTreeMap<u32, BTreeSet<usize>> {
    let mut out: BTreeMap<u32, BTreeSet<usize>> = BTreeMap::new();
    for line in text.lines() {
        let mut numbers = line.split_whitespace().filter_map(|w| w.parse::<usize>().ok());
        let Some(query) = numbers.next() else { continue };
        out.entry(query as u32).or_default().extend(numbers);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn irregular_headers_still_give_ids_and_dates() {
        let text = "*TEXT 017 01/04/63 PAGE 020\n\nTHE ALLIES AFTER NASSAU\n\nIN DECEMBER .\n\n\
                    *TEXT 431 08/30 63 PAGE 026\n\nLAOS .\n*TEXT 557        12/27/63 PAGE 021\n\nX\n*STOP\n";
        let docs = parse_documents(text);
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[0].text, "THE ALLIES AFTER NASSAU IN DECEMBER .");
        assert_eq!(docs[0].date.unwrap().to_string(), "1963-01-04");
        assert_eq!((docs[1].id.as_str(), docs[1].date.unwrap().to_string()), ("431", "1963-08-30".to_string()));
        assert_eq!(docs[2].date.unwrap().to_string(), "1963-12-27");
        assert_eq!(docs[2].ordinal, 3);
    }

    #[test]
    fn queries_and_judgments() {
        let q =
            parse_queries("*FIND      1\n\n KENNEDY ADMINISTRATION\n\nPRESSURE .\n\n*FIND    3\n\n TROOPS\n*STOP\n");
        assert_eq!(q[&1], "KENNEDY ADMINISTRATION PRESSURE .");
        assert_eq!(q[&3], "TROOPS");
        let r = parse_judgments("1 268 288\n\n3 326 350\n");
        assert_eq!(r[&3].iter().copied().collect::<Vec<_>>(), [326, 350]);
    }
}
