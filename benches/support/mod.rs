//! A live-blog corpus for the benchmarks, generated from a fixed seed so that `cargo bench`
//! runs on a fresh clone without `../shared`.
//!
//! Sentences and headlines come from the Wikinews sample that ships in `corpus/` (real news
//! text, so term frequencies are realistic); pages follow the seed's layout (layout C): a
//! headline, publication dates, a lead, the page's short URL, a caption, "What you need to
//! know", then dated updates newest first, each with its own short URL, and a credit line.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDate};

/// A generated corpus in a temporary folder.
pub struct Corpus {
    dir: tempfile::TempDir,
    /// Distinct entries (updates) written.
    pub entries: usize,
    /// Bytes of headline and body text of those entries.
    pub text_bytes: u64,
}

impl Corpus {
    /// The folder of page files.
    pub fn pages(&self) -> PathBuf {
        self.dir.path().join("pages")
    }

    /// A scratch folder for indexes.
    pub fn scratch(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// One query of the benchmark mix.
pub struct BenchQuery {
    pub kind: &'static str,
    pub query: &'static str,
    pub from: Option<&'static str>,
    pub to: Option<&'static str>,
    pub source: Option<&'static str>,
}

const fn q(kind: &'static str, query: &'static str) -> BenchQuery {
    BenchQuery { kind, query, from: None, to: None, source: None }
}

/// The query mix, one or two per kind of `../shared/bench/queries.tsv`, in words that occur
/// in the generated text.
pub const QUERIES: &[BenchQuery] = &[
    q("common_term", "said"),
    q("medium_term", "election"),
    q("rare_term", "tsunami"),
    q("and2", "police arrested"),
    q("and3", "oil prices rise"),
    q("or", "iraq OR iran"),
    q("phrase2", "\"prime minister\""),
    q("phrase3", "\"the united states\""),
    BenchQuery { kind: "term_month", query: "police", from: Some("2010-03-01"), to: Some("2010-03-31"), source: None },
    BenchQuery {
        kind: "term_year",
        query: "government",
        from: Some("2008-01-01"),
        to: Some("2008-12-31"),
        source: None,
    },
    BenchQuery { kind: "date_narrow", query: "said", from: Some("2010-02-01"), to: Some("2010-02-07"), source: None },
    BenchQuery { kind: "source_term", query: "market", from: None, to: None, source: Some("Reuters") },
    q("and_not", "oil -opec"),
    q("zero_hits", "xylophonist"),
];

const AGENCIES: [(&str, u32); 8] =
    [("AP", 30), ("Reuters", 30), ("AFP", 26), ("dpa", 24), ("KNA", 4), ("EFE", 4), ("Yonhap", 3), ("Kyodo", 3)];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const CODE: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Sentences and headlines of the shipped Wikinews sample.
struct Pool {
    sentences: Vec<String>,
    headlines: Vec<String>,
}

fn pool() -> Pool {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/wikinews.ndjson");
    let text = std::fs::read_to_string(&path).expect("corpus/wikinews.ndjson ships with the repository");
    let mut sentences = Vec::new();
    let mut headlines = Vec::new();
    for line in text.lines() {
        let Ok(record) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        if let Some(title) = record["title"].as_str() {
            headlines.push(title.to_string());
        }
        if let Some(body) = record["body"].as_str() {
            for s in body.split(". ") {
                let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
                if (40..=300).contains(&s.len()) && s.starts_with(|c: char| c.is_uppercase()) {
                    sentences.push(format!("{}.", s.trim_end_matches('.')));
                }
            }
        }
    }
    Pool { sentences, headlines }
}

fn date_line(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{} {}, {}", MONTHS[d.month0() as usize], d.day(), d.year())
}

/// Writes `entries` updates as live-blog pages of 5 to 40 updates each.
pub fn generate(entries: usize, seed: u64) -> Corpus {
    let pool = pool();
    let mut rng = fastrand::Rng::with_seed(seed);
    let dir = tempfile::tempdir().expect("temporary folder");
    let pages = dir.path().join("pages");
    std::fs::create_dir_all(&pages).expect("pages folder");
    // Unique short-URL codes: a counter scrambled by a multiplier coprime to 62^5.
    let mut counter: u64 = seed % 1000;
    let mut code = move |_: &mut fastrand::Rng| -> String {
        counter += 1;
        let mut x = counter.wrapping_mul(2_654_435_761) % 62u64.pow(5);
        (0..5)
            .map(|_| {
                let c = CODE[(x % 62) as usize] as char;
                x /= 62;
                c
            })
            .collect()
    };
    let pick = |rng: &mut fastrand::Rng, v: &[String]| v[rng.usize(..v.len())].clone();
    let first_day = NaiveDate::from_ymd_opt(2004, 11, 1).expect("valid date");
    let mut written = 0;
    let mut text_bytes = 0u64;
    let mut page_no = 0;
    while written < entries {
        let count = rng.usize(5..=40).min(entries - written);
        let start = first_day + Duration::days(rng.i64(0..5800));
        let span = rng.i64(0..3);
        let headline = pick(&mut rng, &pool.headlines);
        let mut page = String::with_capacity(count * 1800);
        let _ = write!(
            page,
            "1. Skip to content\n  2. Skip to main menu\n  3. Skip to more DW sites\nNewsWorld\n\nLive updates: {headline}\n\n\
             Published {}last updated {}\n\n{} {}\n\nhttps://p.dw.com/p/{}\n{}\n{}Image: Jane Roe/AP Photo/picture alliance\n\
             Skip next section What you need to know\n\nWhat you need to know\n\n{}\n\n{}\n\n",
            date_line(start),
            date_line(start + Duration::days(span)),
            pick(&mut rng, &pool.sentences),
            pick(&mut rng, &pool.sentences),
            code(&mut rng),
            pick(&mut rng, &pool.headlines),
            pick(&mut rng, &pool.headlines),
            pick(&mut rng, &pool.sentences),
            pick(&mut rng, &pool.sentences),
        );
        let mut agencies: Vec<&str> = Vec::new();
        let total_weight: u32 = AGENCIES.iter().map(|(_, w)| w).sum();
        for _ in 0..rng.usize(1..=4) {
            let mut x = rng.u32(..total_weight);
            for (name, w) in AGENCIES {
                if x < w {
                    if !agencies.contains(&name) {
                        agencies.push(name);
                    }
                    break;
                }
                x -= w;
            }
        }
        for i in 0..count {
            let day = start + Duration::days(span - (i as i64 * (span + 1)) / count as i64);
            let title = pick(&mut rng, &pool.headlines);
            let _ = write!(page, "Skip next section {title}\n{}\n\n{title}\n\n", date_line(day));
            text_bytes += title.len() as u64;
            let paragraphs = rng.usize(2..=8);
            for p in 0..paragraphs {
                let sentences: Vec<String> = (0..rng.usize(1..=4)).map(|_| pick(&mut rng, &pool.sentences)).collect();
                let paragraph = sentences.join(" ");
                text_bytes += paragraph.len() as u64 + if p > 0 { 2 } else { 0 };
                let _ = write!(page, "{paragraph}\n\n");
            }
            if i + 1 == count {
                let _ = write!(page, "ab/cd ({})\n\n", agencies.join(", "));
            }
            let _ = writeln!(page, "https://p.dw.com/p/{}", code(&mut rng));
        }
        std::fs::write(pages.join(format!("page-{page_no:05}.txt")), page).expect("page written");
        page_no += 1;
        written += count;
    }
    Corpus { dir, entries: written, text_bytes }
}
