//! `newsdex index DIR --watch` on a real folder, with a real second process searching: new,
//! changed and deleted files show in searches within seconds, another writer is refused, and
//! Ctrl-C (SIGINT) commits and ends the watch with status 0.

use std::fs;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::util::newsroom::Newsroom;
use crate::util::{newsdex, spawn_watch, TestDir};

/// How long a change may take to show in searches (generous: CI machines are busy).
const PATIENCE: Duration = Duration::from_secs(60);

fn total(t: &TestDir, query: &str) -> Option<u64> {
    let (code, doc) = t.search_json(&[query]);
    assert!(matches!(code, 0 | 1), "search fails while watching: {doc}");
    doc["total"].as_u64()
}

/// Waits until a search for `query` finds `want` entries.
fn wait_for(t: &TestDir, query: &str, want: u64) -> Duration {
    let started = Instant::now();
    while started.elapsed() < PATIENCE {
        if total(t, query) == Some(want) {
            return started.elapsed();
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("`{query}` never found {want} entries");
}

fn page_with(n: &mut Newsroom, word: &str) -> String {
    let mut page = n.page(2);
    page.stories[0].paragraphs[0] = format!("A {word} was seen near the coast.");
    page.text()
}

#[test]
fn watching_a_folder_keeps_the_index_up_to_date_until_ctrl_c() {
    let t = TestDir::new();
    let mut n = Newsroom::new(9);
    t.write("first.txt", page_with(&mut n, "lighthouse"));
    let mut watcher = spawn_watch(&t, Stdio::piped());
    let (lines_tx, lines) = mpsc::channel::<String>();
    let stderr = watcher.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = lines_tx.send(line);
        }
    });
    let mut log = Vec::new();
    let started = Instant::now();
    while !log.iter().any(|l: &String| l.contains("watching")) {
        assert!(started.elapsed() < PATIENCE, "no `watching` line: {log:?}");
        if let Ok(line) = lines.recv_timeout(Duration::from_millis(100)) {
            log.push(line);
        }
    }
    assert_eq!(total(&t, "lighthouse"), Some(1), "the first run is committed before watching");

    // A new file, then a change to it, then its deletion, each seen by a second process.
    t.write("new/second.txt", page_with(&mut n, "quokka"));
    wait_for(&t, "quokka", 1);
    let text = fs::read_to_string(t.corpus().join("new/second.txt")).unwrap().replace("quokka", "wombat");
    t.write("new/second.txt", text);
    wait_for(&t, "wombat", 1);
    assert_eq!(total(&t, "quokka"), Some(0), "the old text is gone");
    fs::remove_file(t.corpus().join("new/second.txt")).unwrap();
    wait_for(&t, "wombat", 0);

    // Another writer is refused while the watch holds the index.
    let out = newsdex().arg("index").arg(t.corpus()).arg("--index").arg(t.index()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("being updated by another process"));

    // A file written just before Ctrl-C is committed on the way out.
    t.write("last.txt", page_with(&mut n, "albatross"));
    std::thread::sleep(Duration::from_millis(50));
    let status = Command::new("kill").arg("-INT").arg(watcher.id().to_string()).status().unwrap();
    assert!(status.success());
    let started = Instant::now();
    let code = loop {
        if let Some(status) = watcher.try_wait().unwrap() {
            break status.code();
        }
        assert!(started.elapsed() < PATIENCE, "the watch did not stop on SIGINT");
        std::thread::sleep(Duration::from_millis(50));
    };
    while let Ok(line) = lines.recv_timeout(Duration::from_secs(1)) {
        log.push(line);
    }
    assert_eq!(code, Some(0), "{log:?}");
    assert!(log.iter().any(|l| l.contains("stopped watching")), "{log:?}");
    assert_eq!(total(&t, "albatross"), Some(1), "committed before exiting: {log:?}");
    assert_eq!(total(&t, "lighthouse"), Some(1));
}
