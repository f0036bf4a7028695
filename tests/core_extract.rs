//! `newsdex extract` on live blogs in layout C: the seed and a page written for these tests.

use serde_json::Value;

use crate::util::{extract, fixture, seed, strings};

const SEED_URL: &str = "https://p.dw.com/p/4mJXM";

fn by_url<'a>(entries: &'a [Value], url: &str) -> &'a Value {
    entries.iter().find(|e| e["url"] == url).unwrap_or_else(|| panic!("no entry with url {url}"))
}

/// Lines that belong to page furniture, never to a body.
const JUNK: [&str; 6] = ["Skip next section", "Skip to", "Image: ", "https://", "http://", "What you need to know"];

fn assert_clean(e: &Value) {
    let body = e["body"].as_str().unwrap();
    for junk in JUNK {
        assert!(!body.contains(junk), "{}: body holds {junk:?}:\n{body}", e["url"]);
    }
    assert!(
        !body.contains(e["title"].as_str().unwrap()) || e["kind"] == "summary",
        "{}: headline repeated in body",
        e["url"]
    );
}

#[test]
fn the_seed_yields_its_seven_entries() {
    let entries = extract(&[&seed()]);
    let want = [
        ("summary", "Ukraine updates: NATO says North Korean troops in Russia", "2024-10-28", SEED_URL),
        ("update", "North Korea's foreign minister heads to Russia", "2024-10-29", "https://p.dw.com/p/4mKXR"),
        ("update", "North Korea sent 10,000 troops to Russia, US says", "2024-10-29", "https://p.dw.com/p/4mKXI"),
        ("update", "Croatia to send tanks to Ukraine with German help", "2024-10-28", "https://p.dw.com/p/4mKEG"),
        (
            "update",
            "'North Korean troops have been sent to Russia' — NATO chief Mark Rutte",
            "2024-10-28",
            "https://p.dw.com/p/4mJZz",
        ),
        (
            "update",
            "Ukraine's Volodymyr Zelenskyy in Iceland for Ukraine-Nordic Summit",
            "2024-10-28",
            "https://p.dw.com/p/4mJlM",
        ),
        (
            "update",
            "Seoul wants 'practical countermeasures' against North Korean deployment",
            "2024-10-28",
            "https://p.dw.com/p/4mJeF",
        ),
    ];
    let got: Vec<(&str, &str, &str, &str)> = entries
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap(),
                e["title"].as_str().unwrap(),
                e["date"].as_str().unwrap(),
                e["url"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, want);
    for e in &entries {
        assert_eq!(strings(&e["sources"]), ["AP", "Reuters", "AFP", "dpa"]);
        assert_eq!(strings(&e["authors"]), ["kb", "dj"]);
        assert_eq!(e["page"]["title"], "Ukraine updates: NATO says North Korean troops in Russia");
        assert_eq!(e["page"]["url"], SEED_URL);
        assert_eq!(e["page"]["published"], "2024-10-28");
        assert_eq!(e["page"]["updated"], "2024-10-29");
        assert_eq!(e["id"], e["url"].as_str().unwrap().rsplit('/').next().unwrap());
        assert_clean(e);
    }
    let keys: Vec<&String> = entries[0].as_object().unwrap().keys().collect();
    let mut want_keys = ["id", "kind", "title", "body", "date", "url", "sources", "authors", "page", "path"];
    want_keys.sort_unstable();
    assert_eq!(keys, want_keys);
}

#[test]
fn seed_bodies_hold_their_paragraphs_and_nothing_else() {
    let entries = extract(&[&seed()]);
    let summary = by_url(&entries, SEED_URL)["body"].as_str().unwrap();
    assert!(summary.starts_with("NATO's Mark Rutte said the deployment"), "{summary}");
    assert!(summary.ends_with("\"sooner than expected.\""), "{summary}");
    assert!(summary.contains("could\u{a0}take place"), "no-break spaces are kept as they are");
    assert!(!summary.contains("Here's a round up"), "{summary}");
    assert!(!summary.contains("Choe Son Hui"));
    let rutte = by_url(&entries, "https://p.dw.com/p/4mJZz")["body"].as_str().unwrap();
    assert!(rutte.starts_with("NATO\u{a0}Secretary-General Mark Rutte on Monday told a media briefing"), "{rutte}");
    assert!(
        rutte.contains("Over 600,000 Russian soldiers")
            && rutte.ends_with("Lavrov stopped short of confirming North Korean soldiers were in Russia.")
    );
    assert_eq!(rutte.split("\n\n").count(), 9, "nine paragraphs, the related-story line among them");
    let seoul = by_url(&entries, "https://p.dw.com/p/4mJeF")["body"].as_str().unwrap();
    assert!(!seoul.contains("kb/dj"), "the credit line is not body text: {seoul}");
    assert!(seoul.ends_with("between Russia and North Korea."), "{seoul}");
}

#[test]
fn another_layout_c_page_comes_out_as_cleanly() {
    let page = fixture("layout-c/space-probe-live.txt");
    let entries = extract(&[&page]);
    let got: Vec<(&str, &str, &str)> = entries
        .iter()
        .map(|e| (e["kind"].as_str().unwrap(), e["id"].as_str().unwrap(), e["date"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            ("summary", "9QzT1", "2025-03-03"),
            ("update", "9QzZk", "2025-03-04"),
            ("update", "9QzY3", "2025-03-04"),
            ("update", "9QzWw", "2025-03-03")
        ]
    );
    assert_eq!(entries[0]["title"], "Comet mission live: Lander Koru touches down on comet Vesta-9");
    assert_eq!(entries[0]["url"], "https://p.dw.com/p/9QzT1", "tracking parameters and host variants are normalised");
    assert_eq!(entries[1]["title"], "Koru's harpoons fire, lander holds on to the surface");
    assert_eq!(entries[1]["url"], "https://p.dw.com/p/9QzZk");
    for e in &entries {
        assert_eq!(strings(&e["sources"]), ["Reuters", "EFE", "Kyodo", "dpa"], "long agency names become short ones");
        assert_eq!(strings(&e["authors"]), ["ab", "mk"]);
        assert_eq!(e["page"]["updated"], "2025-03-04");
        assert_clean(e);
    }
    let summary = entries[0]["body"].as_str().unwrap();
    assert!(summary.contains("descending toward comet") && summary.contains("older than the planets"));
    assert!(!summary.contains("has been closed") && !summary.contains("round up"), "{summary}");
    let touchdown = entries[2]["body"].as_str().unwrap();
    assert_eq!(
        touchdown,
        "Mission control confirmed touchdown at 15:07 UTC after a signal delay of 28 minutes.\n\n\
         Engineers in the control room stood up and applauded as the confirmation appeared on screen.\n\n\
         \"We are on the comet,\" the mission's lead scientist told reporters.",
        "the image caption and its alt text are gone"
    );
    assert!(entries[3]["body"].as_str().unwrap().ends_with("heavy to ordinary water in the ice."));
}

#[test]
fn text_that_is_no_live_blog_is_one_article() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("note.txt");
    std::fs::write(
        &plain,
        "\n\nCity council approves budget\n\nThe council voted 7 to 2.\n\nThe budget takes effect in May.\n",
    )
    .unwrap();
    let entries = extract(&[&plain]);
    assert_eq!(entries.len(), 1);
    let e = &entries[0];
    assert_eq!((e["kind"].as_str(), e["title"].as_str()), (Some("article"), Some("City council approves budget")));
    assert_eq!(e["date"], Value::Null);
    assert_eq!(e["body"], "The council voted 7 to 2.\n\nThe budget takes effect in May.");
    assert_eq!(e["id"].as_str().unwrap().len(), 16, "an entry without a URL gets a content fingerprint");
    assert_eq!(extract(&[&plain])[0]["id"], e["id"], "ids are stable across runs");
}
