//! The query language on a real index: proximity, prefixes, typos, boolean forms, scopes,
//! exact words, relative dates, `--any`, and errors that point at the problem.

use crate::util::{newsdex, seed, TestDir};

const RUTTE: &str = "https://p.dw.com/p/4mJZz";
const CROATIA: &str = "https://p.dw.com/p/4mKEG";
const ZELENSKYY: &str = "https://p.dw.com/p/4mJlM";
const UNIVERSE: &str = "https://example.org/q/universe";
const UNIVERSITY: &str = "https://example.org/q/university";

pub fn query_index() -> TestDir {
    let t = TestDir::new();
    t.add(&seed()).add(&crate::util::fixture("query/analysis.ndjson"));
    t.build();
    t
}

fn total(t: &TestDir, args: &[&str]) -> u64 {
    let (code, doc) = t.search_json(args);
    assert!(code == 0 || code == 1, "{args:?} exits {code}");
    doc["total"].as_u64().unwrap()
}

#[test]
fn near_finds_words_close_together_in_either_order() {
    let t = query_index();
    let urls = t.urls(&["rutte NEAR/20 desperation"]);
    assert!(urls.contains(&RUTTE.to_string()) && !urls.contains(&CROATIA.to_string()), "{urls:?}");
    assert_eq!(t.urls(&["desperation NEAR/20 rutte"]), urls, "order does not matter");
    assert_eq!(total(&t, &["rutte NEAR/1 desperation"]), 0, "too far apart for NEAR/1");
}

#[test]
fn phrase_slop_allows_gaps() {
    let t = query_index();
    assert!(t.urls(&["\"russian soldiers wounded\"~4"]).contains(&RUTTE.to_string()));
    assert_eq!(t.search(&["\"russian soldiers wounded\""]).status.code(), Some(1));
}

#[test]
fn prefixes_match_words_as_written_not_stems() {
    let t = query_index();
    assert!(total(&t, &["ukrain*", "--limit", "50"]) >= 5);
    // `universe` stems to `univers`: the prefix must still reach the word as written.
    let urls = t.urls(&["universe*"]);
    assert_eq!(urls, [UNIVERSE]);
    let both = t.urls(&["univers*"]);
    assert!(both.contains(&UNIVERSE.to_string()) && both.contains(&UNIVERSITY.to_string()), "{both:?}");
}

#[test]
fn typos_are_tolerated_on_request() {
    let t = query_index();
    assert!(t.urls(&["zelensky~"]).contains(&ZELENSKYY.to_string()));
    assert!(t.urls(&["zelenskky~1"]).contains(&ZELENSKYY.to_string()));
    assert_eq!(t.search(&["zelenskky"]).status.code(), Some(1), "without ~ a typo finds nothing");
}

#[test]
fn boolean_forms() {
    let t = query_index();
    assert_eq!(t.search(&["Croatia", "AND", "NOT", "Pistorius"]).status.code(), Some(1));
    assert_eq!(t.search(&["Croatia -Pistorius"]).status.code(), Some(1));
    assert_eq!(t.urls(&["tanks", "AND", "NOT", "Pistorius"]), Vec::<String>::new());
    assert_eq!(total(&t, &["Pistorius OR Lavrov"]), 2);
    assert_eq!(total(&t, &["satellite and universe"]), 0, "lower-case and is a word that must match too");
    assert_eq!(total(&t, &["(satellite OR satellites) AND university"]), 1);
}

#[test]
fn field_scopes() {
    let t = query_index();
    assert_eq!(total(&t, &["source:Reuters", "--limit", "50"]), 7);
    assert_eq!(total(&t, &["source:\"Other Wire\""]), 3);
    assert_eq!(total(&t, &["author:\"J. Doe\""]), 2);
    assert_eq!(total(&t, &["kind:article"]), 9);
    assert_eq!(t.urls(&["url:https://example.org/q/speech"]), ["https://example.org/q/speech"]);
    let mut headlines = t.urls(&["title:satellites"]);
    headlines.sort();
    assert_eq!(headlines, [UNIVERSE, UNIVERSITY], "both headlines, singular and plural");
    assert_eq!(total(&t, &["body:satellite"]), 2);
    assert_eq!(total(&t, &["title:universe"]), 0);
}

#[test]
fn exact_words_are_not_stemmed() {
    let t = query_index();
    for q in ["=universe", "exact:universe"] {
        assert_eq!(t.urls(&[q]), [UNIVERSE], "{q}");
    }
    // `troop` is its own stem: the exact word finds the entry that has it and not those
    // that only say `troops`.
    assert!(total(&t, &["troop", "--limit", "50"]) >= 5);
    assert_eq!(t.urls(&["=troop"]), ["https://example.org/q/troop"]);
    assert!(!t.urls(&["=troops", "--limit", "50"]).contains(&"https://example.org/q/troop".to_string()));
    assert_eq!(t.urls(&["=satellite"]), [UNIVERSITY]);
    assert_eq!(t.urls(&["=satellites"]), [UNIVERSE]);
    assert_eq!(t.urls(&["exact:\"small satellites\""]), [UNIVERSE]);
    assert_eq!(t.urls(&["=\"research satellites\""]), Vec::<String>::new());
    assert_eq!(t.urls(&["title:=satellite"]), [UNIVERSITY]);
    assert_eq!(total(&t, &["exact:(universe OR university)"]), 2);
}

#[test]
fn any_matches_pasted_sentences() {
    let t = query_index();
    let sentence = "What did the consortium launch into the universe?";
    assert_eq!(t.search(&[sentence]).status.code(), Some(1), "all words: nothing has every one");
    let urls = t.urls(&["--any", sentence]);
    assert!(urls.len() >= 2, "{urls:?}");
    assert_eq!(urls[0], UNIVERSITY, "the entry with the most rare words ranks first");
    assert!(t.urls(&["--any", "+universe satellites"]).iter().all(|u| u == UNIVERSE), "+ still requires");
}

#[test]
fn since_counts_back_from_a_fixed_clock() {
    let t = query_index();
    let since = |age: &str| -> Vec<String> {
        let out = newsdex()
            .env("NEWSDEX_NOW", "2024-11-04T09:00:00Z")
            .args(["search", "--json", "--limit", "50", "--index"])
            .arg(t.index())
            .args(["kind:article", "--since", age])
            .output()
            .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        let mut dates: Vec<String> = doc["hits"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|h| h["date"].as_str().unwrap_or("").to_string())
            .collect();
        dates.sort();
        dates
    };
    assert_eq!(since("2d"), ["2024-11-02", "2024-11-03", "2024-11-03"], "from the start of the day two days back");
    assert_eq!(since("1w").len(), 7, "a week back reaches 2024-10-28");
    assert_eq!(since("3m").len(), 8, "three months back reaches the August entry");
    assert_eq!(since("2024-11-03").len(), 2, "a date works too");
    let out = t.search(&["kind:article", "--since", "7x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("7d, 2w"));
}

#[test]
fn errors_point_at_the_offending_part_and_suggest_a_fix() {
    let t = query_index();
    for (query, says) in [
        ("\"unbalanced", "unbalanced quote"),
        ("titel:tanks", "try title:tanks"),
        ("tanks NEAR desperation", "NEAR needs a distance"),
        ("=zelensky~", "try =zelensky or zelensky~"),
        ("exact:", "try exact:universe"),
        ("tanks AND", "column 7"),
    ] {
        let out = t.search(&[query]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{query}: {err}");
        assert!(err.contains(says), "{query}: {err}");
    }
}

#[test]
fn search_help_documents_the_query_language() {
    let out = newsdex().args(["search", "--help"]).output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for form in
        ["\"north korean troops\"~3", "NEAR/5", "ukrain*", "zelensky~2", "=universe", "exact:", "date:>=2024-10"]
    {
        assert!(help.contains(form), "{form} in: {help}");
    }
    assert!(help.contains("--since") && help.contains("--facets") && help.contains("--any"));
}
