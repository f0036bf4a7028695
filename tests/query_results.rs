//! What a search gives back beyond hits: several snippet fragments, highlights of every
//! kind of match, "did you mean", facets and the timeline; `show` and `stats`.

use serde::Deserialize;

use crate::query_language::query_index;
use crate::util::{newsdex, TestDir};

fn marked(hit: &serde_json::Value) -> Vec<String> {
    let snippet = hit["snippet"].as_str().unwrap();
    hit["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| snippet[r[0].as_u64().unwrap() as usize..r[1].as_u64().unwrap() as usize].to_string())
        .collect()
}

fn first_hit(t: &TestDir, args: &[&str]) -> serde_json::Value {
    let (_, doc) = t.search_json(args);
    doc["hits"][0].clone()
}

#[test]
fn a_long_entry_matching_in_several_places_gets_several_fragments() {
    let t = query_index();
    let hit = first_hit(&t, &["pipeline", "url:https://example.org/q/pipeline"]);
    let snippet = hit["snippet"].as_str().unwrap();
    assert_eq!(marked(&hit), ["pipeline", "pipeline", "pipeline"], "{snippet}");
    assert_eq!(snippet.matches(" … ").count(), 2, "three fragments: {snippet}");
    assert!(snippet.starts_with("The pipeline operator"), "in text order: {snippet}");
    assert!(snippet.len() < 3 * 200, "{snippet}");
    // A short entry keeps one fragment.
    let hit = first_hit(&t, &["universe"]);
    assert!(!hit["snippet"].as_str().unwrap().contains(" … "));
}

#[test]
fn every_kind_of_match_is_highlighted() {
    let t = query_index();
    assert_eq!(marked(&first_hit(&t, &["univers*", "url:https://example.org/q/university"])), ["university"]);
    assert_eq!(marked(&first_hit(&t, &["satelite~"])), ["satellites"]);
    assert_eq!(marked(&first_hit(&t, &["=universe"])), ["universe"]);
    assert_eq!(marked(&first_hit(&t, &["\"research satellite\""])), ["research satellite"], "one span");
    assert_eq!(marked(&first_hit(&t, &["Milanovic"])), ["Milanović"]);
}

#[test]
fn zero_hits_suggest_words_from_the_index() {
    let t = query_index();
    let out = t.search(&["Zelenskyyy"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Did you mean: Zelenskyy ("), "{text}");
    let (code, doc) = t.search_json(&["satelites", "consortium"]);
    assert_eq!(code, 1);
    assert_eq!(doc["suggestions"][0]["query"], "satellites consortium", "the most frequent correction first");
    assert_eq!(doc["suggestions"][0]["any"], false);
    assert_eq!(doc["suggestions"][0]["total"], 1);
    assert_eq!(doc["suggestions"][1]["query"], "satellite consortium");
    // Known words that never meet: matching any of them is offered.
    let (_, doc) = t.search_json(&["universe", "consortium"]);
    assert_eq!(doc["suggestions"][0]["any"], true);
    assert_eq!(doc["suggestions"][0]["total"], 2);
    assert_eq!(doc["suggestions"][0]["total_exact"], true);
    // A lone phrase reads the same with --any: nothing is offered.
    let (code, doc) = t.search_json(&["\"consortium universe\""]);
    assert_eq!(code, 1);
    assert!(doc.get("suggestions").is_none(), "{doc}");
    // Hits: no suggestions key at all.
    let (_, doc) = t.search_json(&["universe"]);
    assert!(doc.get("suggestions").is_none());
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FacetedDoc {
    total: usize,
    total_exact: bool,
    #[allow(dead_code)]
    query: String,
    #[allow(dead_code)]
    took_ms: f64,
    hits: Vec<serde_json::Value>,
    facets: FacetsDoc,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FacetsDoc {
    sources: Vec<ValueCountDoc>,
    authors: Vec<ValueCountDoc>,
    timeline: TimelineDoc,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ValueCountDoc {
    value: String,
    count: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TimelineDoc {
    interval: String,
    buckets: Vec<BucketDoc>,
    #[serde(default)]
    undated: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BucketDoc {
    start: String,
    count: usize,
}

fn faceted(t: &TestDir, args: &[&str]) -> FacetedDoc {
    let out = t.search(&[&["--json", "--facets"], args].concat());
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn past_ten_thousand_matches_the_total_is_a_lower_bound_unless_facets_or_more_hits_are_asked_for() {
    let t = TestDir::new();
    let records: String = (0..10_050)
        .map(|i| format!("{{\"title\": \"Bulletin {i}\", \"body\": \"A routine bulletin, number {i}.\", \"date\": \"2024-10-28\"}}\n"))
        .collect();
    t.write("bulletins.ndjson", records);
    assert!(t.build().status.success());

    let (_, doc) = t.search_json(&["bulletin"]);
    assert_eq!((doc["total"].as_u64(), doc["total_exact"].as_bool()), (Some(10_000), Some(false)));
    assert_eq!(doc["hits"].as_array().unwrap().len(), 10);
    let text = String::from_utf8(t.search(&["bulletin"]).stdout).unwrap();
    assert!(text.contains("\n10000+ matches (showing 1–10)"), "{text}");
    // Facets visit every match, so the count is exact; so does a date order when every match
    // has the same date (no stretch of time holds fewer of them: see the next test).
    let doc = faceted(&t, &["bulletin", "--limit", "1"]);
    assert_eq!((doc.total, doc.total_exact), (10_050, true));
    let (_, doc) = t.search_json(&["bulletin", "--sort", "newest"]);
    assert_eq!((doc["total"].as_u64(), doc["total_exact"].as_bool()), (Some(10_050), Some(true)));
    // Words joined by AND stop counting too (`search::conjunction`).
    let (_, doc) = t.search_json(&["bulletin", "routine"]);
    assert_eq!((doc["total"].as_u64(), doc["total_exact"].as_bool()), (Some(10_000), Some(false)));
    // Other queries visit every match anyway: their count is exact.
    let (_, doc) = t.search_json(&["bulletin", "--from", "2024-10-28"]);
    assert_eq!((doc["total"].as_u64(), doc["total_exact"].as_bool()), (Some(10_050), Some(true)));
    // Asking for hits past the limit counts at least that far.
    let (_, doc) = t.search_json(&["bulletin", "--limit", "20000"]);
    assert_eq!((doc["total"].as_u64(), doc["total_exact"].as_bool()), (Some(10_050), Some(true)));
    assert_eq!(doc["hits"].as_array().unwrap().len(), 10_050);
    // A narrower query under the limit is exact.
    let (_, doc) = t.search_json(&["bulletin", "title:\"bulletin 17\""]);
    assert_eq!((doc["total"].as_u64(), doc["total_exact"].as_bool()), (Some(1), Some(true)));
    // "Did you mean" counts the same way: every entry holds the word, none the phrase.
    let (code, doc) = t.search_json(&["bulletin", "\"number bulletin\""]);
    assert_eq!(code, 1);
    let offered = &doc["suggestions"][0];
    assert_eq!(offered["any"], true, "{doc}");
    assert_eq!((offered["total"].as_u64(), offered["total_exact"].as_bool()), (Some(10_000), Some(false)));
    let text = String::from_utf8(t.search(&["bulletin", "\"number bulletin\""]).stdout).unwrap();
    assert!(text.contains("No entry has all the words; with --any: 10000+ matches."), "{text}");
}

/// Past the count's limit, a date order finds its page in the newest (or oldest) stretch of
/// time (`search::by_date`): the total is a lower bound, and the hits are those of ranking
/// every match by date, which `--facets` does.
#[test]
fn a_date_order_past_ten_thousand_matches_ranks_a_stretch_of_time() {
    let t = TestDir::new();
    let records: String = (0..10_400)
        .map(|i| {
            // Over 25 years, in no order, a few entries to a day; one in a hundred undated.
            let day = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Days::new((i * 7_919) % 9_131);
            let date = if i % 100 == 0 { String::new() } else { format!(", \"date\": \"{day}T{:02}:00:00Z\"", i % 24) };
            format!("{{\"title\": \"Bulletin {i}\", \"body\": \"A routine bulletin, number {i}.\"{date}}}\n")
        })
        .collect();
    t.write("bulletins.ndjson", records);
    assert!(t.build().status.success());
    let ids =
        |hits: &[serde_json::Value]| hits.iter().map(|h| h["id"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    for (sort, page) in [("newest", ["--limit", "10"]), ("oldest", ["--limit", "10"]), ("newest", ["--offset", "95"])] {
        let args = [&["bulletin", "--sort", sort], &page[..]].concat();
        let (_, doc) = t.search_json(&args);
        assert_eq!((doc["total"].as_u64(), doc["total_exact"].as_bool()), (Some(10_000), Some(false)), "{args:?}");
        let every = faceted(&t, &args);
        assert_eq!(every.total, 10_400);
        assert_eq!(ids(doc["hits"].as_array().unwrap()), ids(&every.hits), "{args:?}");
        assert!(!every.hits.is_empty());
    }
}

/// Words under a filter that keeps most entries, or with a few words excluded, are ranked by
/// pruning the words alone and checking the rest per candidate (`search::filtered`); the
/// hits must be exactly those of the exhaustive way `--facets` takes, ties (equal scores)
/// included.
#[test]
fn words_under_a_broad_filter_get_the_hits_of_scoring_every_match() {
    let t = TestDir::new();
    let records: String = (0..24_000)
        .map(|i| {
            let agency = if i % 4 == 0 { "AP" } else { "Reuters" };
            // Every tenth report says "routine", and more often "bulletin": the best hits of
            // `bulletin` unless excluded.
            let words = if i % 10 == 4 { "bulletin ".repeat(8) + "routine " } else { "bulletin ".repeat(1 + i % 5) };
            let (year, month, day) = (2001 + i % 20, 1 + (i / 20) % 12, 1 + (i / 240) % 28);
            format!(
                "{{\"title\": \"Report {i}\", \"body\": \"A {words}number {i}.\", \"agency\": \"{agency}\", \"published\": \"{year}-{month:02}-{day:02}\"}}\n"
            )
        })
        .collect();
    t.write("reports.ndjson", records);
    assert!(t.build().status.success());
    let broad: [&[&str]; 7] = [
        &["bulletin", "--source", "Reuters"],
        &["bulletin", "--source", "Reuters", "--offset", "25", "--limit", "30"],
        &["bulletin", "--from", "2004-01-01"],
        &["bulletin", "--from", "2003-06-01", "--source", "reuters", "--limit", "50"],
        &["bulletin -routine", "--limit", "40"],
        &["bulletin -routine", "--source", "Reuters"],
        &["(bulletin OR report) -routine", "--limit", "20"],
    ];
    for args in broad {
        let (_, pruned) = t.search_json(args);
        let (_, every) = t.search_json(&[args, &["--facets"]].concat());
        assert_eq!(
            (pruned["total"].as_u64(), pruned["total_exact"].as_bool()),
            (Some(10_000), Some(false)),
            "{args:?}"
        );
        assert!(every["total"].as_u64().unwrap() > 10_000, "{args:?}");
        assert!(!pruned["hits"].as_array().unwrap().is_empty(), "{args:?}");
        assert_eq!(pruned["hits"], every["hits"], "{args:?}");
    }
    // An offset past every entry (it comes from the user): no hits, and no failure.
    let (code, far) = t.search_json(&["bulletin", "--source", "Reuters", "--offset", "18446744073709551600"]);
    assert_eq!((code, far["total"].as_u64(), far["hits"].as_array().map(Vec::len)), (0, Some(18_000), Some(0)));
    // A narrow filter keeps the exhaustive way, and its exact count.
    let (_, narrow) = t.search_json(&["bulletin", "--from", "2005-01-01", "--to", "2005-12-31"]);
    assert_eq!((narrow["total"].as_u64(), narrow["total_exact"].as_bool()), (Some(1_200), Some(true)));
}

/// Each of `queries`, run as it is (pruned, past 10,000 matches) and with `--facets` (every
/// match visited), gives the same hits, ties included, and a total that is exact up to
/// 10,000 and "10000+" beyond.
fn assert_pruned_hits_are_the_exhaustive_ones(t: &TestDir, queries: &[&[&str]]) {
    for args in queries {
        let (_, pruned) = t.search_json(args);
        let (_, every) = t.search_json(&[args, &["--facets"][..]].concat());
        let expected = every["total"].as_u64().unwrap();
        let total = (pruned["total"].as_u64(), pruned["total_exact"].as_bool());
        if expected > 10_000 {
            assert_eq!(total, (Some(10_000), Some(false)), "{args:?}");
        } else {
            assert_eq!(total, (Some(expected), Some(true)), "{args:?}");
        }
        assert!(!pruned["hits"].as_array().unwrap().is_empty(), "{args:?}");
        assert_eq!(pruned["hits"], every["hits"], "{args:?}");
    }
}

/// Indexes the 24,000 records `record` makes (with nothing added) and checks `queries` with
/// [`assert_pruned_hits_are_the_exhaustive_ones`]; then a second run replaces every fortieth
/// record by itself with `added` at the end of its body (the first forms stay in the first
/// segment, deleted, and a segment is added), and they are checked again.
fn assert_pruned_hits_hold_before_and_after_replacing(
    record: impl Fn(usize, &str) -> String,
    added: &str,
    queries: &[&[&str]],
) {
    let t = TestDir::new();
    t.write("reports.ndjson", (0..24_000).map(|i| record(i, "")).collect::<String>());
    assert!(t.build().status.success());
    assert_pruned_hits_are_the_exhaustive_ones(&t, queries);
    t.write("again.ndjson", (0..24_000).step_by(40).map(|i| record(i, added)).collect::<String>());
    assert!(t.build().status.success());
    assert_pruned_hits_are_the_exhaustive_ones(&t, queries);
}

/// A phrase alone with more matches than are counted exactly is ranked without reading the
/// positions of every candidate (`search::phrase`); the hits must be exactly those of the
/// exhaustive way `--facets` takes, ties included, in one segment and in several with
/// replaced (deleted) entries.
#[test]
fn a_phrase_with_many_matches_gets_the_hits_of_scoring_every_match() {
    let record = |i: usize, extra: &str| -> String {
        // Two thirds say the phrase; a few of the last quarter say it often or in the title
        // (the best hits come after the first 10,000 matches); the other third holds both
        // words apart (candidates that are not matches).
        let late = i >= 18_000;
        let body = match i % 3 {
            0 if late && i % 7 == 0 => {
                format!("Rates rise again: rate rise number {i}. The rate rise was sharp. Rate rise.")
            }
            0 => format!("Rates rise again: rate rise number {i}."),
            1 => format!("The rise of the rate, number {i}."),
            _ => format!("A rate rise again {i}{}.", " and more".repeat(i % 5)),
        };
        let title = if late && i % 11 == 0 { format!("Rate rise {i}") } else { format!("Report {i}") };
        format!("{{\"title\": \"{title}\", \"body\": \"{body}{extra}\", \"url\": \"https://example.org/r/{i}\"}}\n")
    };
    let phrases: [&[&str]; 5] = [
        &["\"rate rise\""],
        &["\"rate rise\"", "--offset", "25", "--limit", "30"],
        &["\"rate rise again\"", "--limit", "40"],
        &["\"rise again\"", "--limit", "100"],
        &["title:\"rate rise\""],
    ];
    assert_pruned_hits_hold_before_and_after_replacing(record, " Rate rise, rate rise.", &phrases);
}

/// Words joined by AND with more matches than are counted exactly are ranked by skipping
/// the stretches of postings that cannot reach the top (`search::conjunction`); the hits must
/// be exactly those of the exhaustive way `--facets` takes, ties included, in one segment and
/// in several with replaced (deleted) entries.
#[test]
fn words_joined_by_and_with_many_matches_get_the_hits_of_scoring_every_match() {
    let record = |i: usize, extra: &str| -> String {
        // Every entry holds both words, most of them once in a long body; a few of the last
        // quarter hold them often in a short one, or in the title (the best hits come after
        // the first 10,000 matches).
        let late = i >= 18_000;
        let body = match i % 13 {
            0 if late => format!("Oil prices, oil prices: oil at {i}."),
            _ => format!("Oil and its prices, number {i},{}.", " and more words of the market".repeat(1 + i % 6)),
        };
        let title = if late && i % 17 == 0 { format!("Oil prices {i}") } else { format!("Report {i}") };
        format!("{{\"title\": \"{title}\", \"body\": \"{body}{extra}\", \"url\": \"https://example.org/r/{i}\"}}\n")
    };
    let queries: [&[&str]; 5] = [
        &["oil prices"],
        &["prices oil", "--offset", "25", "--limit", "30"],
        &["oil prices number", "--limit", "40"],
        &["oil AND prices", "--limit", "100"],
        &["oil report"],
    ];
    assert_pruned_hits_hold_before_and_after_replacing(record, " Oil prices, oil prices.", &queries);
}

#[test]
fn entries_replaced_in_the_index_do_not_count_towards_the_lower_bound() {
    let t = TestDir::new();
    let bulletins = |n: usize| -> String {
        (0..n)
            .map(|i| {
                format!(
                    "{{\"title\": \"Bulletin {i}\", \"body\": \"Bulletin number {i}.\", \"url\": \"https://example.org/b/{i}\"}}\n"
                )
            })
            .collect()
    };
    // 9,990 stories, then a second run finds 60 of them in a second file too: each of those
    // is replaced by its merged form. The replaced documents stay in the first run's segment
    // (deleted) and in the term dictionary's counts, which then say 10,050 for 9,990 live
    // entries. (In one run they would be gone: a new index is merged into one segment.)
    t.write("a.ndjson", bulletins(9_990));
    assert!(t.build().status.success());
    t.write("b.ndjson", bulletins(60));
    assert!(t.build().status.success());
    let (_, doc) = t.search_json(&["bulletin"]);
    assert_eq!((doc["total"].as_u64(), doc["total_exact"].as_bool()), (Some(9_990), Some(true)));
    let (_, doc) = t.search_json(&["bulletin", "OR", "number"]);
    assert_eq!((doc["total"].as_u64(), doc["total_exact"].as_bool()), (Some(9_990), Some(true)));
}

#[test]
fn facets_count_every_match_not_just_the_page() {
    let t = query_index();
    let doc = faceted(&t, &["troops", "--limit", "1"]);
    assert_eq!((doc.hits.len(), doc.total, doc.total_exact), (1, 5, true));
    let sources: Vec<(&str, usize)> = doc.facets.sources.iter().map(|v| (v.value.as_str(), v.count)).collect();
    assert_eq!(sources, [("AFP", 4), ("AP", 4), ("Reuters", 4), ("dpa", 4), ("Other Wire", 1)]);
    assert_eq!(doc.facets.authors.iter().map(|v| v.value.as_str()).collect::<Vec<_>>(), ["dj", "kb"]);
    let tl = &doc.facets.timeline;
    assert_eq!(tl.interval, "day");
    let days: Vec<(&str, usize)> = tl.buckets.iter().map(|b| (b.start.as_str(), b.count)).collect();
    assert_eq!(days.first(), Some(&("2024-10-28", 3)));
    assert_eq!(days.last(), Some(&("2024-11-03", 1)));
    assert_eq!(days.len(), 7, "days without matches are there, with 0: {days:?}");
    assert_eq!(tl.buckets.iter().map(|b| b.count).sum::<usize>(), doc.total);
}

#[test]
fn the_timeline_has_calendar_buckets_without_gaps_and_adds_up() {
    let t = query_index();
    // August to November: weeks, Monday first, from the first match to the last.
    let doc = faceted(&t, &["kind:article", "--limit", "1"]);
    let tl = &doc.facets.timeline;
    assert_eq!(tl.interval, "week");
    assert_eq!(tl.buckets.first().map(|b| b.start.as_str()), Some("2024-08-12"));
    assert_eq!(tl.buckets.last().map(|b| b.start.as_str()), Some("2024-10-28"));
    assert_eq!(tl.buckets.len(), 12);
    assert_eq!(tl.undated, 1);
    assert_eq!(tl.buckets.iter().map(|b| b.count).sum::<usize>() + tl.undated, doc.total);
    let sources: Vec<(&str, usize)> = doc.facets.sources.iter().map(|v| (v.value.as_str(), v.count)).collect();
    assert_eq!(sources, [("Example Wire", 5), ("Other Wire", 3), ("Archive", 1)]);
}

#[test]
fn facets_are_drawn_as_a_bar_chart() {
    let t = query_index();
    let out = newsdex()
        .env("NO_COLOR", "1")
        .args(["search", "--index"])
        .arg(t.index())
        .args(["troops", "--source", "Reuters", "--facets", "--limit", "1"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Timeline (4 matches by day):"), "{text}");
    let bars: Vec<&str> = text.lines().filter(|l| l.starts_with("  2024-10-")).collect();
    assert_eq!(bars.len(), 2, "{text}");
    assert!(bars[0].contains(&"█".repeat(40)) && bars[0].trim_end().ends_with(" 3"), "{text}");
    assert!(text.contains("Sources: AFP 4 · AP 4 · Reuters 4 · dpa 4"), "{text}");
    assert!(!text.contains('\x1b'));
    assert!(text.trim_end().ends_with("ms"));
}

#[test]
fn show_prints_one_entry_with_every_page() {
    let t = query_index();
    let show = |key: &str, json: bool| {
        let mut cmd = newsdex();
        cmd.args(["show", "--index"]).arg(t.index()).arg(key);
        if json {
            cmd.arg("--json");
        }
        cmd.output().unwrap()
    };
    for key in ["4mKXR", "https://p.dw.com/p/4mKXR", "https://p.dw.com/p/4mKXR?maca=en-rss"] {
        let out = show(key, true);
        assert_eq!(out.status.code(), Some(0), "{key}");
        let e: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(e["title"], "North Korea's foreign minister heads to Russia");
        assert_eq!(e["pages"].as_array().unwrap().len(), 1);
        assert!(e["body"].as_str().unwrap().contains("Choe Son Hui"));
    }
    let e: serde_json::Value = serde_json::from_slice(&show("https://example.org/q/speech", true).stdout).unwrap();
    assert_eq!(e["title"], "A speech on security");
    let text = String::from_utf8(show("4mKXR", false).stdout).unwrap();
    assert!(text.starts_with("North Korea's foreign minister heads to Russia\n"), "{text}");
    assert!(text.contains("Appeared on 1 page:") && text.contains("https://p.dw.com/p/4mJXM"), "{text}");
    let missing = show("nothing-here", false);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nothing-here"));
}

#[test]
fn show_lists_every_page_a_repeated_entry_appeared_on() {
    let t = TestDir::new();
    let record =
        r#"{"title": "Same story", "body": "Told twice.", "url": "https://example.org/same", "date": "2024-10-30"}"#;
    t.write("a/first.ndjson", format!("{record}\n"));
    t.write("b/second.ndjson", format!("{record}\n"));
    t.build();
    let out =
        newsdex().args(["show", "--json", "--index"]).arg(t.index()).arg("https://example.org/same").output().unwrap();
    let e: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let paths: Vec<&str> = e["pages"].as_array().unwrap().iter().map(|p| p["path"].as_str().unwrap()).collect();
    assert_eq!(paths.len(), 2, "{e}");
    assert!(paths[0].ends_with("first.ndjson") && paths[1].ends_with("second.ndjson"), "{paths:?}");
    let stats = newsdex().args(["stats", "--json", "--index"]).arg(t.index()).output().unwrap();
    let s: serde_json::Value = serde_json::from_slice(&stats.stdout).unwrap();
    assert_eq!((s["entries"].as_u64(), s["pages"].as_u64(), s["files"].as_u64()), (Some(1), Some(1), Some(2)));
}

#[test]
fn stats_describe_the_index() {
    let t = query_index();
    let out = newsdex().args(["stats", "--json", "--index"]).arg(t.index()).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["entries"], 16);
    assert_eq!(s["kinds"], serde_json::json!({"summary": 1, "update": 6, "article": 9}));
    assert_eq!(s["files"], 2);
    assert_eq!(s["pages"], 10, "the live blog, and each article its own page");
    assert_eq!(s["dates"], serde_json::json!({"first": "2024-08-12", "last": "2024-11-03", "undated": 1}));
    assert_eq!(s["top_sources"][0], serde_json::json!({"value": "AFP", "count": 7}));
    assert_eq!(s["schema_version"], newsdex::index::SCHEMA_VERSION);
    assert!(s["size_bytes"].as_u64().unwrap() > 10_000);
    let text = newsdex().args(["stats", "--index"]).arg(t.index()).output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("Entries: 16 (1 summary, 6 update, 9 article)"), "{text}");
    assert!(text.contains("Dates: 2024-08-12 to 2024-11-03 (1 undated)"), "{text}");
}
