//! `newsdex index` then `newsdex search` on real index folders: phrases, dates, highlights,
//! the JSON format and every exit status.

use std::collections::BTreeSet;

use serde::Deserialize;

use crate::util::{fixture, mark_written_by_another_version, newsdex, seed, TestDir};

const RUTTE: &str = "https://p.dw.com/p/4mJZz";
const CROATIA: &str = "https://p.dw.com/p/4mKEG";

/// An index of the seed page and the date-boundary records.
pub(crate) fn seed_index() -> TestDir {
    let t = TestDir::new();
    t.add(&seed()).add(&fixture("boundaries.ndjson"));
    t.build();
    t
}

// The JSON document, as documented in `render::json`; unknown keys are errors.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct SearchDoc {
    query: String,
    total: usize,
    total_exact: bool,
    took_ms: f64,
    hits: Vec<HitDoc>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct HitDoc {
    id: String,
    kind: String,
    title: String,
    body: String,
    date: Option<String>,
    url: Option<String>,
    sources: Vec<String>,
    authors: Vec<String>,
    page: PageDoc,
    path: String,
    pages: Vec<PageRefDoc>,
    rank: usize,
    score: f32,
    snippet: String,
    highlights: Vec<[usize; 2]>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct PageDoc {
    title: Option<String>,
    url: Option<String>,
    published: Option<String>,
    updated: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct PageRefDoc {
    title: Option<String>,
    url: Option<String>,
    published: Option<String>,
    updated: Option<String>,
    path: String,
}

fn search_doc(t: &TestDir, args: &[&str]) -> SearchDoc {
    let out = t.search(&[&["--json"], args].concat());
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    })
}

#[test]
fn json_output_has_exactly_the_documented_shape() {
    let t = seed_index();
    let doc = search_doc(&t, &["troops", "--limit", "3"]);
    assert_eq!(doc.query, "troops");
    assert!(doc.total >= 4 && doc.total_exact && doc.hits.len() == 3);
    assert_eq!(doc.hits.iter().map(|h| h.rank).collect::<Vec<_>>(), [1, 2, 3]);
    assert!(doc.hits.windows(2).all(|w| w[0].score >= w[1].score), "ranked by score");
    for h in &doc.hits {
        assert_eq!(h.page.url.as_deref(), Some("https://p.dw.com/p/4mJXM"));
        assert_eq!(h.pages.len(), 1);
        assert_eq!(h.pages[0].path, h.path);
    }
    let page2 = search_doc(&t, &["troops", "--limit", "3", "--offset", "3"]);
    assert_eq!(page2.hits.first().map(|h| h.rank), Some(4));
    assert!(page2.hits.iter().all(|h| doc.hits.iter().all(|g| g.id != h.id)), "pages do not overlap");
}

#[test]
fn a_phrase_finds_the_rutte_update_and_not_the_croatia_one() {
    let t = seed_index();
    let urls = t.urls(&["\"North Korean troops\"", "--limit", "50"]);
    assert!(urls.iter().any(|u| u == RUTTE), "{urls:?}");
    assert!(!urls.iter().any(|u| u == CROATIA), "{urls:?}");
}

#[test]
fn a_phrase_and_the_same_words_unquoted_differ() {
    let t = seed_index();
    let phrase: BTreeSet<String> = t.urls(&["\"troops in Russia\"", "--limit", "50"]).into_iter().collect();
    let words: BTreeSet<String> = t.urls(&["troops in Russia", "--limit", "50"]).into_iter().collect();
    assert!(!phrase.is_empty());
    assert!(phrase.is_subset(&words));
    assert_ne!(phrase, words, "the unquoted words match entries where they are not adjacent");
}

#[test]
fn boolean_operators_and_scopes() {
    let t = seed_index();
    assert_eq!(t.search(&["tanks", "AND", "NOT", "Croatia"]).status.code(), Some(1));
    assert_eq!(t.search(&["Croatia NOT Pistorius"]).status.code(), Some(1));
    assert_eq!(t.search(&["tanks -Croatia"]).status.code(), Some(1));
    assert_eq!(t.urls(&["tanks Croatia"]), [CROATIA]);
    let either = t.urls(&["Pistorius OR Lavrov"]);
    assert_eq!(either.len(), 2, "{either:?}");
    assert_eq!(search_doc(&t, &["kind:update"]).total, 6);
    assert_eq!(search_doc(&t, &["kind:summary"]).total, 1);
    assert_eq!(search_doc(&t, &["title:Croatia"]).total, 1);
    assert_eq!(search_doc(&t, &["body:Leopard"]).total, 1);
    assert_eq!(search_doc(&t, &["title:Leopard"]).total, 0);
    assert_eq!(search_doc(&t, &["source:dpa", "--limit", "50"]).total, 7);
    assert_eq!(search_doc(&t, &["source:\"Deutsche Presse-Agentur\""]).total, 7, "long agency names are mapped");
    assert_eq!(search_doc(&t, &["marker", "--source", "Example Wire"]).total, 5);
    assert_eq!(search_doc(&t, &["(Pistorius OR Lavrov) AND tanks"]).total, 1);
}

#[test]
fn title_matches_rank_above_body_matches() {
    let t = seed_index();
    let urls = t.urls(&["Leopard tanks Croatia"]);
    assert_eq!(urls.first().map(String::as_str), Some(CROATIA));
    let urls = t.urls(&["Iceland"]);
    assert_eq!(urls.first().map(String::as_str), Some("https://p.dw.com/p/4mJlM"), "the headline names Iceland");
}

#[test]
fn date_ranges_include_both_boundary_days_and_nothing_outside() {
    let t = seed_index();
    let titles = |args: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = search_doc(&t, args).hits.into_iter().map(|h| h.title).collect();
        v.sort();
        v
    };
    assert_eq!(
        titles(&["marker", "--from", "2024-10-28", "--to", "2024-10-29"]),
        ["Boundary test three", "Boundary test two"]
    );
    assert_eq!(titles(&["marker", "--from", "2024-10-28T00:00:00Z", "--to", "2024-10-29T23:59:59Z"]).len(), 2);
    assert_eq!(titles(&["marker", "--from", "2024-10"]).len(), 4, "undated entries fall outside any range");
    assert_eq!(titles(&["marker", "--to", "2024-10-27"]), ["Boundary test one"]);
    assert_eq!(titles(&["marker", "date:2024-10-28..2024-10-29"]).len(), 2, "the same bounds inside the query");
    assert_eq!(titles(&["marker date:2024-10-30"]), ["Boundary test four"]);
    let seed_days: BTreeSet<String> = search_doc(&t, &["troops", "--from", "2024-10-29", "--to", "2024-10-29"])
        .hits
        .into_iter()
        .map(|h| h.date.unwrap())
        .collect();
    assert_eq!(seed_days.into_iter().collect::<Vec<_>>(), ["2024-10-29"]);
    assert_eq!(search_doc(&t, &["Korea", "--from", "2024-10", "--to", "2024-10", "--limit", "50"]).total, 5);
    let newest = search_doc(&t, &["marker", "--sort", "newest"]);
    let dates: Vec<Option<String>> = newest.hits.iter().map(|h| h.date.clone()).collect();
    assert_eq!(dates[0].as_deref(), Some("2024-10-30T00:00:00Z"));
    assert_eq!(dates.last().unwrap(), &None, "undated entries come last");
}

#[test]
fn highlights_land_on_the_matched_words() {
    let t = seed_index();
    let doc = search_doc(&t, &["\"North Korean troops\"", "--limit", "50"]);
    assert!(!doc.hits.is_empty());
    for h in &doc.hits {
        assert!(!h.highlights.is_empty(), "{} has highlights", h.title);
        for [a, b] in &h.highlights {
            let marked = h.snippet[*a..*b].to_lowercase();
            assert!(marked.starts_with("north korean troops"), "{marked:?} in {:?}", h.snippet);
        }
    }
    let doc = search_doc(&t, &["tank", "Pistorius"]);
    let h = &doc.hits[0];
    let marked: Vec<&str> = h.highlights.iter().map(|[a, b]| &h.snippet[*a..*b]).collect();
    assert!(marked.contains(&"Pistorius"), "{marked:?}");
    for m in marked {
        assert!(m == "Pistorius" || m.to_lowercase().starts_with("troop") || m == "tanks", "{m:?}");
    }
}

#[test]
fn text_output_is_plain_without_a_terminal_and_coloured_when_asked() {
    let t = seed_index();
    let plain = t.search(&["tanks"]);
    let text = String::from_utf8(plain.stdout).unwrap();
    assert!(text.contains("1. Croatia to send tanks to Ukraine with German help"), "{text}");
    assert!(!text.contains('\x1b'), "no escapes when stdout is not a terminal");
    assert!(text.trim_end().ends_with("ms") && text.contains("1 match"), "{text}");
    let coloured = String::from_utf8(t.search(&["tanks", "--color", "always"]).stdout).unwrap();
    assert!(coloured.contains("\x1b[1;33mtanks\x1b[0m"), "{coloured}");
}

#[test]
fn every_exit_status() {
    let t = seed_index();
    assert_eq!(t.search(&["troops"]).status.code(), Some(0), "something matched");
    assert_eq!(t.search(&["zzzzqqqq"]).status.code(), Some(1), "nothing matched");
    assert_eq!(t.search(&["Korea", "--to", "2024-10-27"]).status.code(), Some(1));
    for (args, names) in [
        (vec!["\"unbalanced"], "unbalanced quote"),
        (vec!["tanks", "--from", "2024-13-45"], "2024-13-45"),
        (vec!["tanks", "--to", "yesterday"], "yesterday"),
        (vec!["tanks date:2024-02-30"], "2024-02-30"),
        (vec!["tanks", "--from", "2024-10-30", "--to", "2024-10-29"], "--from is after --to"),
        (vec!["kind:updates"], "kind:update"),
        (vec!["(tanks"], "unclosed parenthesis"),
    ] {
        let out = t.search(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(names), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    }
    let missing = t.path().join("nowhere");
    let out = newsdex().arg("search").arg("--index").arg(&missing).arg("troops").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no index at"));
    let out = newsdex().arg("extract").arg(t.path().join("absent.txt")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("absent.txt"));
}

#[test]
fn search_builds_the_default_index_from_the_corpus_folder() {
    let t = TestDir::new();
    t.add(&seed());
    let out = newsdex().current_dir(t.path()).args(["search", "\"foreign minister\"", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("building it from corpus/"));
    assert!(t.path().join("index/meta.json").is_file());
    let again = newsdex().current_dir(t.path()).args(["search", "tanks"]).output().unwrap();
    assert_eq!(again.status.code(), Some(0));
    assert!(again.stderr.is_empty(), "the second search reuses the index");
    // Written under another schema version (an older newsdex): built again, not an error.
    let total =
        |out: &std::process::Output| serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["total"].clone();
    let before = newsdex().current_dir(t.path()).args(["search", "tanks", "--json"]).output().unwrap();
    assert!(total(&before).as_u64().is_some_and(|n| n > 0));
    mark_written_by_another_version(&t.path().join("index"));
    let old = newsdex().current_dir(t.path()).args(["search", "tanks", "--json"]).output().unwrap();
    let err = String::from_utf8_lossy(&old.stderr);
    assert_eq!(old.status.code(), Some(0), "{err}");
    assert!(err.contains("written by another version of newsdex") && err.contains("building it again"), "{err}");
    assert_eq!(total(&old), total(&before));
    let after = newsdex().current_dir(t.path()).args(["search", "tanks"]).output().unwrap();
    assert!(after.stderr.is_empty(), "built once: {}", String::from_utf8_lossy(&after.stderr));
}

#[test]
fn reindexing_replaces_the_previous_contents() {
    let t = seed_index();
    assert_eq!(search_doc(&t, &["marker"]).total, 5);
    std::fs::remove_file(t.corpus().join("boundaries.ndjson")).unwrap();
    t.build();
    assert_eq!(t.search(&["marker"]).status.code(), Some(1));
    assert_eq!(search_doc(&t, &["kind:update"]).total, 6);
}
