//! `newsdex serve` with a real HTTP client: the API gives the CLI's bytes, refuses bad
//! parameters by name, picks up new commits, and stops cleanly on SIGTERM and SIGINT.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::core_search::seed_index;
use crate::util::server::{without_took, Server};
use crate::util::{newsdex, TestDir};

/// `newsdex search --json --index INDEX ARGS...` stdout.
fn cli_search(t: &TestDir, args: &[&str]) -> Vec<u8> {
    let out = t.search(&[&["--json"], args].concat());
    assert!(out.status.code().unwrap() < 2, "search {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

#[test]
fn search_answers_the_bytes_the_cli_prints() {
    let t = seed_index();
    let server = Server::start(&t.index(), &["--quiet"]);
    // (query string of the API, arguments of the CLI)
    let cases: &[(&str, &[&str])] = &[
        ("q=troops", &["troops"]),
        (
            "q=%22North+Korean+troops%22&from=2024-10-28&to=2024-10-29&limit=5",
            &["\"North Korean troops\"", "--from", "2024-10-28", "--to", "2024-10-29", "--limit", "5"],
        ),
        ("q=ukraine&sort=newest&limit=3&offset=2", &["ukraine", "--sort", "newest", "--limit", "3", "--offset", "2"]),
        ("q=ukraine&sort=oldest&facets=true", &["ukraine", "--sort", "oldest", "--facets"]),
        (
            "q=russia&source=AP&source=Reuters&facets=1",
            &["russia", "--source", "AP", "--source", "Reuters", "--facets"],
        ),
        ("q=tanks+croatia+promise&any=true&limit=20", &["tanks croatia promise", "--any", "--limit", "20"]),
        ("q=rutte+NEAR%2F5+desperation", &["rutte NEAR/5 desperation"]),
        ("q=troopz+ukrane", &["troopz ukrane"]),
        ("q=date%3A2024-10-29+zelenskyy~", &["date:2024-10-29 zelenskyy~"]),
        ("q=date%3A2024-10-29&limit=0&facets=true", &["date:2024-10-29", "--limit", "0", "--facets"]),
        ("q=nothingmatchesthisword", &["nothingmatchesthisword"]),
    ];
    for (query, args) in cases {
        let (status, kind, api) = server.get(&format!("/api/search?{query}"));
        assert_eq!(status, 200, "{query}: {}", String::from_utf8_lossy(&api));
        assert_eq!(kind, "application/json", "{query}");
        let cli = cli_search(&t, args);
        assert_eq!(without_took(&api), without_took(&cli), "GET /api/search?{query} differs from search {args:?}");
    }
    // The comparison is not vacuous: the answers have hits and differ between requests.
    let doc = server.json("/api/search?q=%22North+Korean+troops%22&limit=5");
    assert!(doc["total"].as_u64().unwrap() > 0);
    assert!(doc["hits"][0]["snippet"].as_str().unwrap().to_lowercase().contains("north korean"));
}

#[test]
fn entries_stats_and_health() {
    let t = seed_index();
    let server = Server::start(&t.index(), &["--quiet"]);
    let (status, _, body) = server.get("/api/entries/4mKXR");
    assert_eq!(status, 200);
    let out = newsdex().args(["show", "4mKXR", "--json", "--index"]).arg(t.index()).output().unwrap();
    assert_eq!(body, out.stdout, "GET /api/entries/ID equals `show ID --json`");
    let entry: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(entry["id"], "4mKXR");

    // an entry's URL, percent-encoded, finds it too
    let url = entry["url"].as_str().unwrap().replace(':', "%3A").replace('/', "%2F");
    assert_eq!(server.json(&format!("/api/entries/{url}"))["id"], "4mKXR");

    let (status, kind, body) = server.get("/api/entries/nosuchentry");
    assert_eq!((status, kind.as_str()), (404, "application/json"));
    let err: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(err["parameter"], "id");

    let (status, _, body) = server.get("/api/stats");
    assert_eq!(status, 200);
    let out = newsdex().args(["stats", "--json", "--index"]).arg(t.index()).output().unwrap();
    assert_eq!(body, out.stdout, "GET /api/stats equals `stats --json`");

    let health = server.json("/health");
    assert_eq!(health["status"], "ok");
    let stats: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(health["entries"], stats["entries"]);
}

#[test]
fn bad_parameters_get_400_naming_the_parameter() {
    let t = seed_index();
    let server = Server::start(&t.index(), &["--quiet"]);
    let long = "a".repeat(1001);
    let cases: Vec<(String, &str, &str)> = vec![
        ("q=troops&from=2024-99-99".into(), "from", "2024-99-99"),
        ("q=troops&to=yesterday".into(), "to", "yesterday"),
        ("q=troops&since=3x".into(), "since", "3x"),
        ("q=troops&from=2024-10-29&to=2024-10-28".into(), "to", "after"),
        ("q=troops&limit=101".into(), "limit", "0 to 100"),
        ("q=troops&limit=-1".into(), "limit", "-1"),
        ("q=troops&limit=ten".into(), "limit", "ten"),
        ("q=troops&offset=10001".into(), "offset", "10000"),
        ("q=troops&sort=best".into(), "sort", "best"),
        ("q=troops&facets=maybe".into(), "facets", "maybe"),
        (format!("q={long}"), "q", "1000 characters"),
        ("q=%22unclosed+phrase".into(), "q", "never closed"),
        ("q=".into(), "q", "empty"),
        ("q=troops&q=tanks".into(), "q", "more than once"),
        ("q=troops&colour=red".into(), "query string", "colour"),
    ];
    for (query, parameter, says) in cases {
        let (status, kind, body) = server.get(&format!("/api/search?{query}"));
        let shown = String::from_utf8_lossy(&body);
        assert_eq!(status, 400, "{query}: {shown}");
        assert_eq!(kind, "application/json", "{query}");
        let err: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(err["parameter"], parameter, "{query}: {shown}");
        assert!(err["error"].as_str().unwrap().contains(says), "{query}: {shown}");
    }
    // the largest allowed values are fine
    assert_eq!(server.get("/api/search?q=troops&limit=100&offset=10000").0, 200);
    let longest = format!("{}troops", "troops+".repeat(142)); // 1,000 characters once decoded
    assert_eq!(server.get(&format!("/api/search?q={longest}")).0, 200);
    // unknown routes are JSON 404s; other methods are refused
    let (status, kind, _) = server.get("/api/nothing");
    assert_eq!((status, kind.as_str()), (404, "application/json"));
    let answer = server.raw(
        b"POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        Duration::from_secs(5),
    );
    assert!(answer.starts_with(b"HTTP/1.1 405"), "{}", String::from_utf8_lossy(&answer));
}

#[test]
fn a_commit_by_the_indexer_is_served_without_a_restart() {
    let t = seed_index();
    let server = Server::start(&t.index(), &[]);
    assert_eq!(server.json("/api/search?q=quokka")["total"], 0);
    t.write(
        "new.ndjson",
        "{\"title\":\"Quokka sighting delights hikers\",\"date\":\"2024-11-01\",\"body\":\"A quokka on the trail.\"}\n",
    );
    t.build();
    let started = Instant::now();
    loop {
        let doc = server.json("/api/search?q=quokka");
        if doc["total"] == 1 {
            assert_eq!(doc["hits"][0]["title"], "Quokka sighting delights hikers");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "the new entry did not appear");
        std::thread::sleep(Duration::from_millis(100));
    }
    // and a deleted file's entries go away
    std::fs::remove_file(t.corpus().join("new.ndjson")).unwrap();
    t.build();
    let started = Instant::now();
    while server.json("/api/search?q=quokka")["total"] != 0 {
        assert!(started.elapsed() < Duration::from_secs(10), "the removed entry stayed");
        std::thread::sleep(Duration::from_millis(100));
    }
    // the access log has one line per request, with the status
    let log = server.log_lines();
    assert!(log.iter().any(|l| l.contains("GET /api/search?q=quokka 200")), "{log:?}");
    assert!(log.iter().any(|l| l.contains("now ") && l.contains("entries")), "{log:?}");
}

#[test]
fn stops_cleanly_on_sigterm_and_sigint() {
    let t = seed_index();
    for signal in ["TERM", "INT"] {
        let server = Server::start(&t.index(), &["--quiet"]);
        assert!(server.healthy());
        let status = server.stop(signal);
        assert_eq!(status.code(), Some(0), "exit status after SIG{signal}");
    }
}

#[test]
fn refuses_a_missing_index_and_a_busy_port() {
    let t = TestDir::new();
    let out = newsdex().arg("serve").arg("--index").arg(t.index()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no index"));

    let t = seed_index();
    let server = Server::start(&t.index(), &["--quiet"]);
    let out = newsdex()
        .arg("serve")
        .arg("--index")
        .arg(t.index())
        .arg("--addr")
        .arg(server.addr.to_string())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&server.addr.to_string()), "{err}");
}
