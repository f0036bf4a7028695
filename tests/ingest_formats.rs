//! `newsdex extract` on the other formats: HTML pages, RSS 2.0 / RSS 1.0 (RDF) / Atom feeds,
//! JSON and NDJSON exports, and articles as text; detection by content as well as by name.

use std::fs;

use serde_json::Value;

use crate::util::{extract, fixture, newsdex, read_fixture, strings, text, TestDir};

fn by_title<'a>(entries: &'a [Value], title: &str) -> &'a Value {
    entries.iter().find(|e| e["title"] == title).unwrap_or_else(|| panic!("no entry titled {title:?} in {entries:#?}"))
}

#[test]
fn html_article_metadata_and_clean_body() {
    let entries = read_fixture("html/article-saved.html");
    assert_eq!(entries.len(), 1);
    let e = &entries[0];
    assert_eq!(text(e, "kind"), "article");
    assert_eq!(text(e, "title"), "EU agrees on levy for single-use plastic packaging", "og:title wins over <title>");
    assert_eq!(text(e, "date"), "2024-04-16T16:45:00Z", "article:published_time, converted to UTC");
    assert_eq!(e["page"]["updated"], "2024-04-17T05:10:00Z");
    assert_eq!(
        text(e, "url"),
        "https://news.example.org/world/eu-plastic-levy-4512?id=4512",
        "canonical, without utm_"
    );
    assert_eq!(strings(&e["authors"]), ["Claire Dubois"]);
    assert_eq!(strings(&e["sources"]), ["AFP"], "the dateline names the agency");
    let body = text(e, "body");
    assert!(body.starts_with("BRUSSELS (AFP) — European Union governments agreed"), "{body}");
    for kept in ["into the EU budget.", "Industry reacts", "\"a first step.\"", "Levy: 80 cents per kilogram"] {
        assert!(body.contains(kept), "{kept:?} missing from {body}");
    }
    for gone in [
        "Example World News",
        "World",
        "tracking",
        "font-family",
        "Sorting plant",
        "sorting plant",
        "Share on",
        "Recycling rates stall",
        "newsletter",
        "Contact us",
        "By Claire Dubois",
        "April 16, 2024",
    ] {
        assert!(!body.contains(gone), "{gone:?} leaked into {body}");
    }
}

#[test]
fn html_json_ld_live_blog_yields_one_entry_per_update() {
    let entries = read_fixture("html/liveblog-jsonld.html");
    let got: Vec<(&str, &str, &str)> =
        entries.iter().map(|e| (text(e, "kind"), text(e, "title"), text(e, "date"))).collect();
    assert_eq!(
        got,
        [
            ("summary", "Live: Wildfires in Larona province", "2024-08-02T04:00:00Z"),
            ("update", "Evening: wind drops, crews gain ground", "2024-08-02T19:30:00Z"),
            ("update", "Villages evacuated", "2024-08-02T12:10:00Z"),
            ("update", "Three fires burning", "2024-08-02T04:05:00Z"),
        ]
    );
    let evacuated = by_title(&entries, "Villages evacuated");
    assert_eq!(
        text(evacuated, "body"),
        "Police evacuated the villages of Sant Miro and Colldevall.\n\nAbout 1,200 residents spent the afternoon in a sports hall."
    );
    assert_eq!(text(evacuated, "url"), "https://news.example.org/live/larona-fires#update-2");
    assert_eq!(strings(&by_title(&entries, "Evening: wind drops, crews gain ground")["authors"]), ["Pablo Ortega"]);
    assert!(entries.iter().all(|e| e["page"]["title"] == "Live: Wildfires in Larona province"));
}

#[test]
fn html_live_blog_without_json_ld_is_cut_by_the_text_cues() {
    let entries = read_fixture("html/liveblog-dw-cues.html");
    let got: Vec<(&str, &str, &str, &str)> =
        entries.iter().map(|e| (text(e, "kind"), text(e, "title"), text(e, "date"), text(e, "url"))).collect();
    assert_eq!(
        got,
        [
            ("summary", "Ukraine updates: Grain corridor reopens", "2023-08-02", "https://p.dw.com/p/4UlP0"),
            ("update", "Insurers raise Black Sea premiums", "2023-08-03", "https://p.dw.com/p/4UlT2"),
            ("update", "First grain ship leaves Odesa", "2023-08-02", "https://p.dw.com/p/4UlR1"),
        ]
    );
    assert_eq!(
        text(&entries[2], "body"),
        "The bulk carrier Marianna left Odesa with 30,000 tons of wheat, Ukraine's infrastructure ministry said."
    );
    assert!(entries.iter().all(|e| strings(&e["sources"]) == ["Reuters", "AFP"]));

    let entries = read_fixture("html/liveblog-timed.html");
    let got: Vec<(&str, &str)> = entries.iter().skip(1).map(|e| (text(e, "title"), text(e, "date"))).collect();
    assert_eq!(
        got,
        [
            ("The education ministry said teachers would send homework by email", "2020-03-13T19:40:00Z"),
            (
                "Concert halls and stadiums in the capital must stay empty until the end of April, the city government said",
                "2020-03-13T17:15:00Z"
            ),
            ("Ostland has confirmed 54 new infections, bringing the total to 310", "2020-03-13T15:02:00Z"),
        ],
        "<strong>19:40</strong>The ... is a glued time stamp"
    );
}

#[test]
fn html_with_only_a_title_bar_and_json_ld() {
    let entries = read_fixture("html/legacy-title-bar.html");
    let e = &entries[0];
    assert_eq!(text(e, "title"), "Court halts motorway extension");
    assert_eq!(text(e, "date"), "2019-06-05T10:20:00Z", "JSON-LD datePublished; a malformed JSON-LD block is ignored");
    assert_eq!(strings(&e["authors"]), ["Jens Falk", "Ines Roth"]);
    assert_eq!(strings(&e["sources"]), ["dpa", "epd"]);
    assert_eq!(
        text(e, "body"),
        "A court in Leipzig has stopped work on the extension of the A99 motorway, ruling that the environmental \
         assessment was incomplete.\n\nThe ruling can be appealed."
    );
}

#[test]
fn rss_2_items_with_html_stripped_and_dates_in_utc() {
    let entries = read_fixture("feeds/wire-rss2.xml");
    assert_eq!(entries.len(), 3);
    let rates = by_title(&entries, "Central bank holds rates at 3.5%");
    assert_eq!(text(rates, "kind"), "article");
    assert_eq!(text(rates, "date"), "2024-03-12T13:05:00Z");
    assert_eq!(text(rates, "url"), "https://wire.example.org/economy/rates-hold-20240312");
    assert_eq!(strings(&rates["authors"]), ["Sofia Marin"]);
    assert_eq!(strings(&rates["sources"]), ["Reuters"], "from the dateline of the full text");
    assert_eq!(
        text(rates, "body"),
        "FRANKFURT (Reuters) - The central bank kept its key rate at 3.5 percent on Tuesday, as economists had expected.\n\n\
         The bank's president said inflation was \"moving in the right direction\" but warned against cutting too early.",
        "content:encoded is preferred to the shorter description; tags and captions go"
    );
    assert_eq!(rates["page"]["title"], "Example Wire – Top stories");
    let museum = by_title(&entries, "Museum of Seafaring reopens after flood");
    assert_eq!(text(museum, "date"), "2024-03-11T14:00:00Z", "EST is UTC-5");
    assert_eq!(strings(&museum["sources"]), ["AP"], "<source> names the agency");
    assert_eq!(strings(&museum["authors"]), ["Aaron Fisk"]);
    let untitled = entries.iter().find(|e| text(e, "url").ends_with("regatta-cancelled")).unwrap();
    assert_eq!(text(untitled, "title"), "High winds forced organisers to cancel the spring regatta on Lake Varn");
}

#[test]
fn rss_1_rdf_with_dublin_core() {
    let entries = read_fixture("feeds/dw-style.rdf");
    let got: Vec<(&str, &str, &str)> =
        entries.iter().map(|e| (text(e, "title"), text(e, "date"), text(e, "url"))).collect();
    assert_eq!(
        got,
        [
            (
                "Tram strike paralyzes Lindau",
                "2024-05-07T08:42:00Z",
                "https://www.example-dw.org/en/tram-strike-paralyzes-lindau/a-68977101"
            ),
            (
                "Glacier loses record mass",
                "2024-05-07T06:15:00Z",
                "https://www.example-dw.org/en/glacier-loses-record-mass/a-68977044"
            ),
        ]
    );
    assert_eq!(strings(&entries[0]["authors"]), ["Lena Vogt"]);
    assert_eq!(
        text(&entries[1], "body"),
        "The Veltan glacier lost more ice last year than in any year since measurements began."
    );
    assert_eq!(entries[0]["page"]["title"], "Example DW | News");
}

#[test]
fn atom_entries() {
    let entries = read_fixture("feeds/science.atom");
    let comet = &entries[0];
    assert_eq!(text(comet, "title"), "Comet Vesta-9 brighter than expected");
    assert_eq!(
        text(comet, "url"),
        "https://science.example.org/2024/06/comet-vesta",
        "the alternate link, not the enclosure"
    );
    assert_eq!(text(comet, "date"), "2024-06-03T06:30:00Z", "published, in UTC");
    assert_eq!(strings(&comet["authors"]), ["Noor Haddad", "Tomas Berg"]);
    assert_eq!(
        text(comet, "body"),
        "Amateur astronomers across Europe report that comet Vesta-9 is visible with binoculars.\n\nIt will be closest to Earth on June 12."
    );
    let vault = &entries[1];
    assert_eq!(
        (text(vault, "date"), text(vault, "body")),
        ("2024-06-02T19:00:00Z", "Twelve countries sent seeds to the Arctic vault on Sunday.")
    );
}

#[test]
fn a_truncated_feed_keeps_the_items_before_the_damage() {
    let out = newsdex().arg("extract").arg(fixture("feeds/truncated.xml")).output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1);
    assert!(stdout.contains("Harbor crane collapses"));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("truncated.xml: line 6: the feed ends inside <description>"), "{stderr}");
}

#[test]
fn json_exports_with_key_aliases() {
    let entries = read_fixture("json/cms-export.json");
    let port = by_title(&entries, "Port of Sevno reopens after cyberattack");
    assert_eq!(text(port, "date"), "2024-02-14T08:20:00Z");
    assert_eq!(text(port, "url"), "https://cms.example.org/stories/port-sevno-cyberattack");
    assert_eq!((strings(&port["sources"]), strings(&port["authors"])), (vec!["AFP"], vec!["Mira Jovanovic"]));
    assert!(text(port, "body").contains("\n\nThe port authority said no data had been stolen."));
    let pandas = by_title(&entries, "Two pandas arrive at Valdora zoo");
    assert_eq!(text(pandas, "date"), "2024-02-15T11:00:00Z");
    assert_eq!(
        text(pandas, "body"),
        "Two giant pandas on loan from China arrived at Valdora zoo.\n\nThey will be shown to visitors from April."
    );
    assert_eq!(strings(&pandas["sources"]), ["Reuters", "dpa"]);
    assert_eq!(strings(&pandas["authors"]), ["Kai Lund", "Eva Nilsson"]);
    let bridge = by_title(&entries, "Bridge inspection results due");
    assert_eq!((text(bridge, "date"), strings(&bridge["sources"])), ("2024-02-16", vec!["Local desk"]));
}

#[test]
fn json_record_with_updates_and_json_feed() {
    let entries = read_fixture("json/liveblog-record.json");
    let got: Vec<(&str, &str)> = entries.iter().map(|e| (text(e, "kind"), text(e, "title"))).collect();
    assert_eq!(
        got,
        [
            ("summary", "Live: Eurovision final in Malmberg"),
            ("update", "Winner announced"),
            ("update", "Voting begins"),
            ("update", "Welcome to our live coverage of the Eurovision final"),
        ]
    );
    assert_eq!(text(&entries[1], "date"), "2024-05-11T21:58:00Z");
    assert!(entries.iter().all(|e| strings(&e["sources"]) == ["dpa"]));

    let entries = read_fixture("json/jsonfeed.json");
    assert!(entries.iter().all(|e| e["kind"] == "article"));
    let library = by_title(&entries, "Library extends opening hours");
    assert_eq!(text(library, "body"), "The central library will stay open until 10 pm on weekdays from March.");
    assert_eq!((text(library, "date"), strings(&library["authors"])), ("2024-02-20T13:00:00Z", vec!["Beth Moreno"]));
}

#[test]
fn ndjson_bad_lines_are_reported_and_the_rest_is_read() {
    let out = newsdex().arg("extract").arg(fixture("json/wire-lines.ndjson")).output().unwrap();
    assert!(out.status.success());
    let titles: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["title"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(titles, ["Storm warning for the coast", "Ferries cancelled", "Schools stay open"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("wire-lines.ndjson: line 3: malformed JSON at column"), "{stderr}");
    assert!(stderr.contains("wire-lines.ndjson: line 4: expected an object, found an array"), "{stderr}");
}

#[test]
fn articles_as_text_datelines_bylines_and_credits() {
    let e = &read_fixture("articles/reuters-dateline.txt")[0];
    assert_eq!(text(e, "title"), "Carmaker recalls 80,000 vehicles over brake fault");
    assert_eq!(strings(&e["sources"]), ["Reuters"]);
    assert_eq!(e["date"], Value::Null, "a dateline without a year does not guess one");
    assert_eq!(strings(&e["authors"]), ["Petra Lindner", "Omar Haidari"], "(Reporting by ...) names the reporters");
    assert!(!text(e, "body").contains("Editing by"));

    let e = &read_fixture("articles/ap-dateline-with-year.txt")[0];
    assert_eq!((text(e, "date"), strings(&e["sources"])), ("2023-06-12", vec!["AP"]));

    let e = &read_fixture("articles/weekday-date-byline.txt")[0];
    assert_eq!(text(e, "date"), "2019-06-23");
    assert_eq!(strings(&e["authors"]), ["Hanna Weiss"]);
    assert_eq!(strings(&e["sources"]), ["epd", "KNA"]);
    assert_eq!(
        text(e, "body"),
        "The village of Altkirchen celebrated its 800th anniversary with a medieval market on Sunday.\n\n\
         More than 5,000 visitors came, the mayor said."
    );
}

/// Every date form the issue lists, read from JSON records and printed as the one form.
#[test]
fn dates_in_every_form_news_uses() {
    let forms = [
        ("October 29, 2024", "2024-10-29"),
        ("Oct. 29, 2024", "2024-10-29"),
        ("29 October 2024", "2024-10-29"),
        ("29.10.2024", "2024-10-29"),
        ("2024-10-29", "2024-10-29"),
        ("Tuesday, October 29, 2024", "2024-10-29"),
        ("Tue, 29 Oct 2024 14:05:00 +0100", "2024-10-29T13:05:00Z"),
        ("2024-10-29T14:05:00-04:00", "2024-10-29T18:05:00Z"),
        ("2024-10-29T14:05:00Z", "2024-10-29T14:05:00Z"),
    ];
    let dir = TestDir::new();
    let lines: Vec<String> = forms
        .iter()
        .enumerate()
        .map(|(i, (date, _))| {
            serde_json::json!({"title": format!("Story {i}"), "date": date, "body": "Text."}).to_string()
        })
        .collect();
    dir.write("dates.ndjson", lines.join("\n"));
    let entries = extract(&[&dir.corpus().join("dates.ndjson")]);
    let got: Vec<&str> = entries.iter().map(|e| text(e, "date")).collect();
    let want: Vec<&str> = forms.iter().map(|(_, d)| *d).collect();
    assert_eq!(got, want);
}

/// The content decides the format, whatever the file is called.
#[test]
fn formats_are_detected_by_content() {
    let dir = TestDir::new();
    for (from, to) in [
        ("feeds/wire-rss2.xml", "wire-feed.txt"),
        ("feeds/science.atom", "science"),
        ("feeds/dw-style.rdf", "dw.xml"),
        ("html/article-saved.html", "saved-page.txt"),
        ("json/cms-export.json", "export.txt"),
        ("json/wire-lines.ndjson", "lines.json"),
        ("layout-b/summit-as-it-happened.txt", "summit.html.txt"),
    ] {
        fs::create_dir_all(dir.corpus()).unwrap();
        fs::copy(fixture(from), dir.corpus().join(to)).unwrap();
    }
    let out = newsdex().arg("index").arg(dir.corpus()).arg("--index").arg(dir.index()).arg("--json").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        summary["formats"],
        serde_json::json!({"rss": 1, "atom": 1, "rdf": 1, "html": 1, "json": 1, "ndjson": 1, "liveblog": 1}),
        "{summary}"
    );
    for (query, want) in
        [("spillway OR \"central bank\"", 1), ("glacier", 1), ("levy", 1), ("pandas", 1), ("ferries", 1)]
    {
        let (code, doc) = dir.search_json(&[query]);
        assert_eq!(code, 0, "{query}");
        assert!(doc["total"].as_u64().unwrap() >= want, "{query}: {doc}");
    }
}
