//! `newsdex extract` on live blogs in every layout of `shared/formats/LIVEBLOG-LAYOUTS.md`
//! (A, B, C, D, E and BBC live pages), from fixtures written for these tests.

use serde_json::Value;

use crate::util::{read_fixture, strings, text};

fn updates(entries: &[Value]) -> Vec<&Value> {
    entries.iter().filter(|e| e["kind"] == "update").collect()
}

/// (title, date) of every update.
fn titles_and_dates(entries: &[Value]) -> Vec<(&str, &str)> {
    updates(entries).into_iter().map(|e| (text(e, "title"), text(e, "date"))).collect()
}

/// Page furniture that must never reach a body.
const FURNITURE: [&str; 17] = [
    "Skip next section",
    "Skip to",
    "Image: ",
    "Image source",
    "Image caption",
    "http://",
    "https://",
    "All updates in",
    "All times stated",
    "This live updates article",
    "This article was last updated",
    "We are now closing",
    "Here's a round up",
    "Here are some of the other",
    "Watch video",
    "use cookies",
    "Inhalt",
];

/// Every body of every live-blog fixture is free of furniture, and no update body holds the
/// bullet summary or the credit line.
#[test]
fn no_layout_leaks_furniture_into_bodies() {
    let all = [
        "layout-a/flood-live-2020-06-14.txt",
        "layout-a/quake-live-republished.txt",
        "layout-a/election-night-two-days.txt",
        "layout-b/summit-as-it-happened.txt",
        "layout-b/strike-updates-page-url.txt",
        "layout-b/copy-without-navigation.txt",
        "layout-c/space-probe-live.txt",
        "layout-c/heatwave-closed-extra-nav.txt",
        "layout-d/ferry-capture-later-version.txt",
        "layout-d/lockdown-capture-timed.txt",
        "layout-e/storm-2019-old-site.txt",
        "layout-e/marathon-2018-glued-nav.txt",
        "bbc-live/brexit-day-gmt.txt",
        "bbc-live/cup-final-bst.txt",
    ];
    for name in all {
        let entries = read_fixture(name);
        assert!(updates(&entries).len() >= 2, "{name}: updates found");
        for e in &entries {
            let body = text(e, "body");
            assert!(!body.is_empty(), "{name}: empty body in {e}");
            for junk in FURNITURE {
                assert!(!body.contains(junk), "{name}: {junk:?} in the body of {:?}:\n{body}", e["title"]);
            }
            assert!(e["date"].is_string(), "{name}: every entry is dated ({:?})", e["title"]);
            if e["kind"] == "update" {
                assert!(!body.contains('•'), "{name}: bullet summary in an update: {body}");
                assert!(!body.lines().any(|l| l.ends_with(')') && l.contains('/') && l.len() < 60), "{name}: {body}");
                assert!(text(e, "title").len() <= 160, "{name}: title {:?}", e["title"]);
            }
        }
    }
}

#[test]
fn layout_a_time_stamps_become_utc_instants_with_derived_titles() {
    let entries = read_fixture("layout-a/flood-live-2020-06-14.txt");
    assert_eq!(
        titles_and_dates(&entries),
        [
            (
                "The water level at the Weilental gauge has started to fall for the first time since Friday, the state environment…",
                "2020-06-14T21:15:00Z"
            ),
            ("Chancellor Ida Brenner announced €200 million in emergency aid during a visit to Brandmoor", "2020-06-14T19:02:00Z"),
            ("The Red Cross opened a third emergency shelter in a school gym in Weilental", "2020-06-14T17:05:00Z"),
            (
                "Rail operator Nordbahn suspended all trains between Brandmoor and Kessingen after water reached the tracks near the…",
                "2020-06-14T15:30:00Z"
            ),
        ],
        "one update per time stamp (glued `17:05The` too); the closing notice is not an update"
    );
    for u in updates(&entries) {
        assert!(text(u, "title").len() <= 120, "titles are shortened to 120 bytes");
        assert!(!text(u, "body").starts_with(|c: char| c.is_ascii_digit()), "the time stamp is not body text");
        assert_eq!(strings(&u["sources"]), ["dpa", "AFP", "Reuters"]);
        assert_eq!(strings(&u["authors"]), ["mk", "dv"]);
        assert_eq!(u["page"]["title"], "River Lenne floods: Towns evacuated as dams overflow — live updates");
    }
    let shelter = updates(&entries)[2];
    assert_eq!(
        text(shelter, "body"),
        "The Red Cross opened a third emergency shelter in a school gym in Weilental. About 600 people spent last night \
         in the two existing shelters.\nVolunteers are asked to register online rather than come in person."
    );
    let summary = &entries[0];
    assert_eq!((text(summary, "kind"), text(summary, "date")), ("summary", "2020-06-14"));
    assert!(text(summary, "body").contains("Around 4,000 people have left their homes"), "bullets make the summary");
}

#[test]
fn layout_a_copies_without_navigation_and_with_tracking_urls() {
    let entries = read_fixture("layout-a/quake-live-republished.txt");
    let summary = &entries[0];
    assert_eq!(text(summary, "url"), "https://www.dw.com/en/earthquake-in-ardania-death-toll-rises/a-55493811");
    assert!(text(summary, "body").starts_with("A magnitude 6.8 earthquake struck"));
    assert_eq!(
        titles_and_dates(&entries),
        [
            (
                "The last flight carrying rescue dogs from Austria has landed at Marov airport, the Austrian embassy said",
                "2020-11-03T23:55:00Z"
            ),
            ("Officials in Marov raised the death toll to 112", "2020-11-03T22:10:00Z"),
            (
                "The U.S. State Department said it was ready to send an urban search-and-rescue team if Ardania asked for one",
                "2020-11-03T20:45:00Z"
            ),
        ],
        "a time alone on its line starts an update; `Dr.` and `U.S.` do not end a sentence"
    );
    assert_eq!(strings(&entries[1]["sources"]), ["AP", "AFP", "AA"], "long agency names map to one short form");
}

#[test]
fn layout_a_date_lines_between_updates_set_their_day() {
    let entries = read_fixture("layout-a/election-night-two-days.txt");
    let dates: Vec<&str> = updates(&entries).iter().map(|e| text(e, "date")).collect();
    assert_eq!(dates, ["2020-09-21T01:20:00Z", "2020-09-21T00:05:00Z", "2020-09-20T22:30:00Z", "2020-09-20T20:00:00Z"]);
    assert_eq!(text(&entries[0], "title"), "Election officials said 91 percent of ballots had been counted");
}

#[test]
fn layout_b_headed_updates_end_at_their_short_url() {
    let entries = read_fixture("layout-b/summit-as-it-happened.txt");
    let got: Vec<(&str, &str, &str)> =
        updates(&entries).iter().map(|e| (text(e, "title"), text(e, "date"), text(e, "url"))).collect();
    assert_eq!(
        got,
        [
            ("Leaders sign Tallberg port pact", "2022-05-10", "https://p.dw.com/p/4BcT1"),
            ("Norway pledges two patrol ships", "2022-05-10", "https://p.dw.com/p/4BcQz"),
            ("Protesters march against cargo terminal", "2022-05-10", "https://p.dw.com/p/4BcNe"),
        ],
        "updates without a date line take the page date"
    );
    let pact = updates(&entries)[0];
    assert_eq!(text(pact, "id"), "4BcT1");
    assert!(
        text(pact, "body").starts_with("The eleven leaders signed the pact"),
        "the headline is not repeated in the body"
    );
    let summary = &entries[0];
    assert_eq!(text(summary, "title"), "Harbour summit in Tallberg — as it happened");
    assert!(text(summary, "body").contains("Finland and Norway pledge patrol ships"));
    assert!(entries.iter().all(|e| strings(&e["sources"]) == ["AFP", "dpa", "Reuters"]));
}

#[test]
fn layout_b_with_a_page_url_and_a_last_updated_notice() {
    let entries = read_fixture("layout-b/strike-updates-page-url.txt");
    assert_eq!(text(&entries[0], "kind"), "summary");
    assert_eq!(text(&entries[0], "url"), "https://p.dw.com/p/4NxA2", "a `dw.com` host and `?maca=` are normalised");
    let titles: Vec<&str> = updates(&entries).iter().map(|e| text(e, "title")).collect();
    assert_eq!(titles, ["Unions reject new pay offer", "Airlines add flights"]);
    assert_eq!(strings(&entries[1]["authors"]), ["mv", "rs"]);
}

#[test]
fn layout_b_unknown_agencies_are_kept_as_written() {
    let entries = read_fixture("layout-b/copy-without-navigation.txt");
    let ids: Vec<&str> = updates(&entries).iter().map(|e| text(e, "id")).collect();
    assert_eq!(ids, ["3vKo9", "3vKj5"]);
    assert_eq!(strings(&entries[1]["sources"]), ["EFE", "Reuters", "Tanjug"]);
    assert_eq!(
        text(updates(&entries)[1], "body"),
        "Lava from Monte Cielo reached the sea at Punta Negra, sending up clouds of steam.\n\n\
         Scientists warned of toxic gases near the coast."
    );
}

#[test]
fn layout_c_variants_extra_navigation_closed_notice_media_lines() {
    let entries = read_fixture("layout-c/heatwave-closed-extra-nav.txt");
    let got: Vec<(&str, &str, &str)> =
        entries.iter().map(|e| (text(e, "kind"), text(e, "id"), text(e, "date"))).collect();
    assert_eq!(
        got,
        [
            ("summary", "4U2aa", "2023-07-18"),
            ("update", "4U2dd", "2023-07-19"),
            ("update", "4U2cc", "2023-07-18"),
            ("update", "4U2bb", "2023-07-18")
        ],
        "a marker without a heading takes its first line as headline and the page date"
    );
    assert_eq!(text(&entries[2], "title"), "Tourists asked to stay indoors");
    assert_eq!(
        text(&entries[1], "body"),
        "Authorities ordered the evacuation of four villages in the south of the island.\n\n\
         Ferries were sent to bring tourists from beaches to the port of Lindos.",
        "the embedded video's player line and title are not body text"
    );
    assert_eq!(strings(&entries[3]["sources"]), ["AP", "AFP", "ANSA"]);
}

#[test]
fn layout_d_flattened_capture_dates_come_from_the_page_not_the_capture() {
    let entries = read_fixture("layout-d/ferry-capture-later-version.txt");
    let summary = &entries[0];
    assert_eq!(text(summary, "title"), "Ferry disaster off Kalvik: What we know so far");
    assert_eq!((text(summary, "date"), text(summary, "url")), ("2024-10-29", "https://p.dw.com/p/4mQ7a"));
    assert!(text(summary, "body").contains("cargo deck was overloaded"), "the summary block is part of the summary");
    let got: Vec<(&str, &str, &str)> =
        updates(&entries).iter().map(|e| (text(e, "title"), text(e, "date"), text(e, "id"))).collect();
    assert_eq!(
        got,
        [
            ("Captain questioned by investigators", "2024-10-30", "4mQ9c"),
            ("Coast guard ends night search", "2024-10-29", "4mQ8b")
        ]
    );
    assert_eq!(strings(&entries[1]["sources"]), ["NTB", "Reuters", "AP"]);

    let entries = read_fixture("layout-d/lockdown-capture-timed.txt");
    assert_eq!(text(&entries[0], "title"), "Coronavirus latest: Ostland orders nationwide lockdown");
    let dates: Vec<&str> = updates(&entries).iter().map(|e| text(e, "date")).collect();
    assert_eq!(dates, ["2020-03-18T22:48:00Z", "2020-03-18T20:15:00Z", "2020-03-18T18:30:00Z"]);
}

#[test]
fn layout_e_old_site_title_bar_cookie_notice_german_navigation() {
    let entries = read_fixture("layout-e/storm-2019-old-site.txt");
    assert_eq!(text(&entries[0], "title"), "Storm Halvard: Flights cancelled, trains halted");
    assert!(text(&entries[0], "body").starts_with("Storm Halvard swept across northern Germany"));
    assert_eq!(
        titles_and_dates(&entries),
        [
            (
                "Rail operator Deutsche Bahn said long-distance trains in the north would not run again before Wednesday morning",
                "2019-11-12T18:20:00Z"
            ),
            ("Hamburg airport cancelled all remaining flights for the day", "2019-11-12T16:05:00Z"),
            ("A falling tree killed a driver near Bremen, police said", "2019-11-12T14:40:00Z"),
        ]
    );
    assert_eq!(strings(&entries[1]["sources"]), ["dpa", "AFP", "epd"]);

    let entries = read_fixture("layout-e/marathon-2018-glued-nav.txt");
    assert_eq!(entries.len(), 3, "no lead: no summary entry");
    assert_eq!(entries[0]["page"]["title"], "Kessingen marathon: Runners battle the heat");
    assert_eq!(text(&entries[0], "date"), "2018-04-22T12:55:00Z");
    assert_eq!(strings(&entries[0]["sources"]), ["SID", "dpa"]);
}

#[test]
fn bbc_live_pages_headings_times_and_bylines() {
    let entries = read_fixture("bbc-live/brexit-day-gmt.txt");
    let got: Vec<(&str, &str, Vec<&str>)> =
        updates(&entries).iter().map(|e| (text(e, "title"), text(e, "date"), strings(&e["authors"]))).collect();
    assert_eq!(
        got,
        [
            ("Big Ben stays silent for the moment", "2020-01-31T17:14:00Z", vec!["Ian Walsh"]),
            ("Flags come down in Brussels", "2020-01-31T16:02:00Z", vec![]),
            (
                "Traffic at the port of Dover is flowing normally this afternoon",
                "2020-01-31T15:30:00Z",
                vec!["Mara Hill"]
            ),
        ],
        "a `Post` heading gets a title from its first sentence"
    );
    assert_eq!(
        text(updates(&entries)[0], "body"),
        "There will be no bongs from Big Ben at 23:00, because the clock tower is still wrapped in scaffolding.\n\n\
         Instead, a clock projected onto Downing Street will count down the final minutes."
    );
    let summary = &entries[0];
    assert!(text(summary, "body").starts_with("The UK leaves the EU at 23:00 GMT"), "{}", text(summary, "body"));
    assert_eq!(summary["page"]["published"], "2020-01-31");

    let entries = read_fixture("bbc-live/cup-final-bst.txt");
    let dates: Vec<&str> = updates(&entries).iter().map(|e| text(e, "date")).collect();
    assert_eq!(dates, ["2021-05-15T18:42:00Z", "2021-05-15T17:55:00Z"], "British Summer Time is UTC+1");
}
