//! Measuring ranking quality on a judged test collection: the documents go through the real
//! reader and writer into a fresh index, every query runs as `newsdex search --any` runs it,
//! and the rankings are scored against the judgments with MAP, nDCG@10 and P@10 (binary
//! relevance; MAP over the top [`RANK_DEPTH`]).
//!
//! [`time`] reads the collection. Queries are lower-cased first: the collection is typed in
//! capitals, and upper-case AND, OR and NOT are operators of the query language.

pub mod time;

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::corpus::ReadOptions;
use crate::date::format_day;
use crate::error::{Error, Result};
use crate::index::writer::{build, BuildOptions, Silent};
use crate::index::{analyzer, create_with, NewsIndex};
use crate::query::{Filters, Tuning};
use crate::search::{search_tuned, SearchRequest, Sort};

/// How many hits of each query are scored for MAP.
pub const RANK_DEPTH: usize = 1000;

/// What to measure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EvalOptions {
    /// Weights of text clauses.
    pub tuning: Tuning,
    /// Stem title and body (the default) or not.
    pub stemming: bool,
    /// The collection has no headlines: `None` leaves the documents untitled (newsdex then
    /// uses their first line, as for any untitled record); `Some(n)` moves the first `n`
    /// words into the title.
    pub headline_words: Option<usize>,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions { tuning: Tuning::default(), stemming: true, headline_words: None }
    }
}

/// The figures of one query.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct QueryScore {
    /// The query number.
    pub query: u32,
    /// Relevant documents judged.
    pub relevant: usize,
    /// Documents retrieved (at most [`RANK_DEPTH`]).
    pub retrieved: usize,
    /// Average precision.
    pub average_precision: f64,
    /// nDCG over the first ten hits.
    pub ndcg_10: f64,
    /// Precision over the first ten hits.
    pub precision_10: f64,
}

/// The figures of a whole run.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct EvalReport {
    /// Documents indexed.
    pub documents: usize,
    /// Judged queries run.
    pub queries: usize,
    /// Mean average precision.
    pub map: f64,
    /// Mean nDCG@10.
    pub ndcg_10: f64,
    /// Mean P@10.
    pub precision_10: f64,
    /// Title boost used.
    pub title_boost: f32,
    /// Whether title and body were stemmed.
    pub stemming: bool,
    /// Words moved into the title, if any.
    pub headline_words: Option<usize>,
    /// Per query.
    pub per_query: Vec<QueryScore>,
}

/// A folder under the system's temporary folder, removed when dropped.
struct WorkDir(PathBuf);

impl WorkDir {
    fn new() -> Result<WorkDir> {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let path = std::env::temp_dir().join(format!("newsdex-eval-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path).map_err(|e| Error::io(&path, e))?;
        Ok(WorkDir(path))
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Indexes the collection in `dir` and scores every judged query.
pub fn evaluate(dir: &Path, options: &EvalOptions) -> Result<EvalReport> {
    let collection = time::read(dir)?;
    let work = WorkDir::new()?;
    let corpus = work.0.join("corpus");
    let index_dir = work.0.join("index");
    write_corpus(&collection, &corpus, options.headline_words)?;
    if !options.stemming {
        create_with(&index_dir, analyzer::NEWS_UNSTEMMED)?;
    }
    let build_options = BuildOptions { read: ReadOptions::default(), threads: 1, ..BuildOptions::default() };
    build(&corpus, &index_dir, &build_options, &Silent)?;
    let index = NewsIndex::open(&index_dir)?;

    let ordinal_of: HashMap<String, usize> =
        collection.documents.iter().map(|d| (entry_id(d.ordinal), d.ordinal)).collect();
    let mut per_query = Vec::new();
    for (&number, relevant) in &collection.relevant {
        let Some(text) = collection.queries.get(&number) else { continue };
        let request = SearchRequest {
            query: text.to_lowercase(),
            any: true,
            filters: Filters::default(),
            limit: RANK_DEPTH,
            offset: 0,
            sort: Sort::Relevance,
            facets: false,
        };
        let results = search_tuned(&index, &request, options.tuning)?;
        let ranking: Vec<usize> =
            results.hits.iter().filter_map(|h| ordinal_of.get(&h.entry.entry.id).copied()).collect();
        per_query.push(score(number, &ranking, relevant));
    }
    let n = per_query.len().max(1) as f64;
    let mean = |f: fn(&QueryScore) -> f64| per_query.iter().map(f).sum::<f64>() / n;
    Ok(EvalReport {
        documents: collection.documents.len(),
        queries: per_query.len(),
        map: mean(|q| q.average_precision),
        ndcg_10: mean(|q| q.ndcg_10),
        precision_10: mean(|q| q.precision_10),
        title_boost: options.tuning.title_boost,
        stemming: options.stemming,
        headline_words: options.headline_words,
        per_query,
    })
}

fn entry_id(ordinal: usize) -> String {
    format!("time-{ordinal:03}")
}

/// The documents as one NDJSON file: untitled as in the collection (newsdex then takes the
/// first words as the headline, as for any untitled record), or with their first
/// `headline_words` words moved into the title.
fn write_corpus(collection: &time::Collection, dir: &Path, headline_words: Option<usize>) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let path = dir.join("time.ndjson");
    let file = std::fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
    let mut out = std::io::BufWriter::new(file);
    for d in &collection.documents {
        let words: Vec<&str> = d.text.split_whitespace().collect();
        let (title, body) = match headline_words {
            Some(n) if words.len() > n => (words[..n].join(" "), words[n..].join(" ")),
            _ => (String::new(), d.text.clone()),
        };
        let record = serde_json::json!({
            "id": entry_id(d.ordinal),
            "title": title,
            "body": body,
            "date": d.date.map(format_day),
            "source": "TIME",
        });
        writeln!(out, "{record}").map_err(|e| Error::io(&path, e))?;
    }
    out.flush().map_err(|e| Error::io(&path, e))
}

/// Average precision, nDCG@10 and P@10 of one ranking (document ordinals, best first).
pub fn score(query: u32, ranking: &[usize], relevant: &BTreeSet<usize>) -> QueryScore {
    let mut hits = 0;
    let mut precision_sum = 0.0;
    let mut dcg = 0.0;
    for (i, doc) in ranking.iter().enumerate() {
        if relevant.contains(doc) {
            hits += 1;
            precision_sum += hits as f64 / (i + 1) as f64;
            if i < 10 {
                dcg += 1.0 / ((i + 2) as f64).log2();
            }
        }
    }
    let ideal: f64 = (0..relevant.len().min(10)).map(|i| 1.0 / ((i + 2) as f64).log2()).sum();
    let in_top_10 = ranking.iter().take(10).filter(|d| relevant.contains(d)).count();
    QueryScore {
        query,
        relevant: relevant.len(),
        retrieved: ranking.len(),
        average_precision: if relevant.is_empty() { 0.0 } else { precision_sum / relevant.len() as f64 },
        ndcg_10: if ideal > 0.0 { dcg / ideal } else { 0.0 },
        precision_10: in_top_10 as f64 / 10.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_of_a_known_ranking() {
        let relevant: BTreeSet<usize> = [1, 5, 9].into_iter().collect();
        // Relevant at ranks 1 and 3; the third relevant document is never retrieved.
        let s = score(7, &[1, 2, 5, 4], &relevant);
        assert!((s.average_precision - (1.0 + 2.0 / 3.0) / 3.0).abs() < 1e-12);
        assert!((s.precision_10 - 0.2).abs() < 1e-12);
        let dcg = 1.0 + 1.0 / 4f64.log2();
        let ideal = 1.0 + 1.0 / 3f64.log2() + 1.0 / 4f64.log2();
        assert!((s.ndcg_10 - dcg / ideal).abs() < 1e-12);
        let perfect = score(7, &[1, 5, 9], &relevant);
        assert_eq!((perfect.average_precision, perfect.ndcg_10), (1.0, 1.0));
        assert_eq!(score(7, &[], &relevant).average_precision, 0.0);
    }
}
