//! Faults: damaged index folders, a full disk during `index`, `--watch` killed with SIGKILL,
//! and hostile text that tries to take over the terminal. Each leaves a clear error and an
//! index that still answers (or that `index --rebuild` restores), never a panic.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::index_incremental::dump;
use crate::util::newsroom::{corpus, Newsroom, Rng};
use crate::util::{fixture, newsdex, seed, spawn_watch, stderr, TestDir};

/// The segment files of an index folder (Tantivy's, by extension), largest first.
fn segment_files(index: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(index)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
            ["idx", "pos", "term", "store", "fast", "fieldnorm"].contains(&ext)
        })
        .collect();
    files.sort_by_key(|p| std::cmp::Reverse(fs::metadata(p).map(|m| m.len()).unwrap_or(0)));
    files
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for item in fs::read_dir(from).unwrap() {
        let item = item.unwrap();
        if item.path().is_file() {
            fs::copy(item.path(), to.join(item.file_name())).unwrap();
        }
    }
}

/// Every command that reads the index says it is damaged and how to repair it: exit 2, a
/// message with `newsdex index --rebuild`, no panic.
fn assert_reported_damaged(index: &Path, what: &str) {
    for args in READS {
        let out = read(index, args);
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{what}: `{}` panics: {err}", args.join(" "));
        assert_eq!(out.status.code(), Some(2), "{what}: `{}` exits {:?}: {err}", args.join(" "), out.status.code());
        assert!(
            err.contains("index damaged") && err.contains("newsdex index --rebuild"),
            "{what}: `{}` does not say to rebuild: {err}",
            args.join(" ")
        );
    }
}

/// Commands that read an index: searches down every path (relevance, date order with facets,
/// nothing found with suggestions), stats, show and export.
const READS: [&[&str]; 6] = [
    &["search", "troops"],
    &["search", "--json", "--facets", "--sort", "newest", "--from", "2000", "troops"],
    &["search", "--any", "ukraine", "kyiv", "zzqqxx", "trops"],
    &["stats"],
    &["show", "4mKXR"],
    &["export", "troops"],
];

/// Runs `newsdex SUBCOMMAND --index INDEX ARGS...`.
fn read(index: &Path, args: &[&str]) -> Output {
    newsdex().arg(args[0]).arg("--index").arg(index).args(&args[1..]).timeout(Duration::from_secs(60)).output().unwrap()
}

#[test]
fn truncated_or_deleted_segment_files_are_reported_as_damage_and_rebuild_repairs_them() {
    let t = TestDir::new();
    t.add(&seed()).add(&fixture("json/wire-lines.ndjson")).add(&fixture("feeds/wire-rss2.xml")).build();
    let (code, _) = t.search_json(&["troops"]);
    assert_eq!(code, 0);
    let files = segment_files(&t.index());
    let kinds: std::collections::BTreeSet<String> =
        files.iter().map(|p| p.extension().unwrap().to_string_lossy().into_owned()).collect();
    assert!(kinds.len() >= 5, "segment files: {files:?}");

    for file in &files {
        let len = fs::metadata(file).unwrap().len();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        // Cut to nothing, to a third, one byte short; and gone altogether.
        for cut in [Some(0), Some(len / 3), Some(len.saturating_sub(1)), None] {
            let damaged = t.path().join("damaged");
            let _ = fs::remove_dir_all(&damaged);
            copy_dir(&t.index(), &damaged);
            let target = damaged.join(&name);
            let what = match cut {
                Some(n) => {
                    fs::File::options().write(true).open(&target).unwrap().set_len(n).unwrap();
                    format!("{name} cut to {n} of {len} bytes")
                }
                None => {
                    fs::remove_file(&target).unwrap();
                    format!("{name} deleted")
                }
            };
            assert_reported_damaged(&damaged, &what);
        }
    }

    // `index --rebuild` over the damaged folder gives a working index again.
    let damaged = t.path().join("damaged");
    let out = newsdex().arg("index").arg(t.corpus()).arg("--index").arg(&damaged).arg("--rebuild").output().unwrap();
    assert!(out.status.success(), "rebuild of a damaged index: {}", stderr(&out));
    assert_eq!(dump(&damaged), dump(&t.index()), "the rebuilt index holds what the original did");
}

/// Found while writing these tests: a segment file whose length is right but whose bytes
/// are not (a bad disk, a bad copy) made Tantivy panic ("assertion failed: start <=
/// orig_range.end" in a `.pos` file, "range start index … out of range" in a `.term` file)
/// and newsdex crash with status 101. Reads are now guarded: the corruption is reported as
/// damage, or goes unnoticed when the bytes still parse, but never crashes.
#[test]
fn corrupt_bytes_in_segment_files_made_search_and_stats_panic() {
    let t = TestDir::new();
    t.add(&seed()).add(&fixture("json/wire-lines.ndjson")).add(&fixture("feeds/wire-rss2.xml")).build();
    let mut rng = Rng::new(2024);
    let (mut runs, mut reported) = (0, 0);
    for file in segment_files(&t.index()) {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        for round in 0..6 {
            let damaged = t.path().join("corrupt");
            let _ = fs::remove_dir_all(&damaged);
            copy_dir(&t.index(), &damaged);
            let mut bytes = fs::read(damaged.join(&name)).unwrap();
            for _ in 0..[1, 4, 32][round % 3] {
                let at = (rng.next() % bytes.len() as u64) as usize;
                bytes[at] = rng.range(0, 256) as u8;
            }
            fs::write(damaged.join(&name), &bytes).unwrap();
            for args in READS {
                let out = read(&damaged, args);
                let err = stderr(&out);
                let what = format!("{name} corrupted (round {round}): `{}`", args.join(" "));
                assert!(!err.contains("panicked"), "{what} panics: {err}");
                assert!(matches!(out.status.code(), Some(0..=2)), "{what} exits {:?}: {err}", out.status.code());
                if out.status.code() == Some(2) {
                    assert!(err.starts_with("newsdex: "), "{what}: {err}");
                    reported += 1;
                }
                runs += 1;
            }
        }
    }
    assert!(runs >= 100 && reported >= 10, "{runs} runs, {reported} reported");
}

#[test]
fn a_missing_or_garbled_meta_json_is_reported_clearly() {
    let t = TestDir::new();
    t.add(&seed()).build();
    fs::write(t.index().join("meta.json"), b"{\"segments\": [ {\"segment_id\"").unwrap();
    let out = t.search(&["troops"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("newsdex index --rebuild"), "{err}");
}

/// A page of a generated corpus as a file name and its text.
fn pages(seed: u64, n: usize) -> Vec<(String, String)> {
    let mut room = Newsroom::new(seed);
    corpus(&mut room, n).into_iter().map(|p| (format!("{}.txt", p.id), p.text())).collect()
}

fn write_pages(dir: &Path, pages: &[(String, String)]) {
    fs::create_dir_all(dir).unwrap();
    for (name, text) in pages {
        fs::write(dir.join(name), text).unwrap();
    }
}

fn folder_size(dir: &Path) -> u64 {
    fs::read_dir(dir).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum()
}

/// A full disk: the index lives on a small tmpfs (mounted in a user and mount namespace made
/// with `unshare`, so no root is needed) that the second run fills up. The run fails with a
/// clear error and the index still holds the first run's entries.
#[test]
fn a_full_disk_during_index_gives_a_clear_error_and_keeps_the_last_commit() {
    if Command::new("unshare").args(["-rm", "true"]).status().map(|s| !s.success()).unwrap_or(true) {
        eprintln!("skipped: `unshare -rm` cannot make a mount namespace here (the file-size-limit test still runs)");
        return;
    }
    let t = TestDir::new();
    write_pages(&t.corpus(), &pages(3, 40));
    t.build();
    let before = dump(&t.index()).unwrap();
    // The second corpus is far larger than the room left on the disk.
    write_pages(&t.corpus().join("more"), &pages(4, 1500));
    let room = folder_size(&t.index()) + 256 * 1024;
    let mnt = t.path().join("disk");
    fs::create_dir_all(&mnt).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("newsdex");
    let script = format!(
        r#"set -e
mount -t tmpfs -o size={room} tmpfs "$MNT"
cp -r "$INDEX" "$MNT/index"
set +e
"$BIN" index "$CORPUS" --index "$MNT/index" 2> "$OUT/index.err"
echo $? > "$OUT/index.code"
"$BIN" search --json --limit 1000000 --index "$MNT/index" -- -zzqqxxnotaword > "$OUT/after.json" 2> "$OUT/search.err"
echo $? > "$OUT/search.code"
"#
    );
    let status = Command::new("unshare")
        .args(["-rm", "sh", "-c", &script])
        .env("MNT", &mnt)
        .env("INDEX", t.index())
        .env("BIN", &bin)
        .env("CORPUS", t.corpus())
        .env("OUT", t.path())
        .status()
        .unwrap();
    assert!(status.success(), "the tmpfs script failed");
    let read = |name: &str| fs::read_to_string(t.path().join(name)).unwrap();
    let err = read("index.err");
    assert_eq!(read("index.code").trim(), "2", "indexing onto a full disk: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("No space left on device"), "the error names the cause: {err}");
    assert!(err.lines().any(|l| l.starts_with("newsdex:")), "{err}");
    assert!(matches!(read("search.code").trim(), "0" | "1"), "search after a full disk: {}", read("search.err"));
    let after: serde_json::Value = serde_json::from_str(&read("after.json")).unwrap();
    let ids = |doc: &serde_json::Value| -> std::collections::BTreeSet<String> {
        doc["hits"].as_array().unwrap().iter().map(|h| h["id"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(ids(&after), before.keys().cloned().collect(), "the last commit is intact and searchable");
}

/// The same fault without a mount: the indexing process may not write files larger than a
/// few blocks (RLIMIT_FSIZE, with SIGXFSZ ignored so writes fail with EFBIG).
#[test]
fn a_file_size_limit_during_index_gives_a_clear_error_and_keeps_the_last_commit() {
    let t = TestDir::new();
    write_pages(&t.corpus(), &pages(5, 30));
    t.build();
    let before = dump(&t.index()).unwrap();
    write_pages(&t.corpus().join("more"), &pages(6, 1500));
    let largest = fs::read_dir(t.index()).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).max().unwrap();
    let blocks = largest / 512 + 8;
    let out = Command::new("sh")
        .args(["-c", &format!("trap '' XFSZ; ulimit -f {blocks}; exec \"$0\" \"$@\"")])
        .arg(assert_cmd::cargo::cargo_bin("newsdex"))
        .arg("index")
        .arg(t.corpus())
        .arg("--index")
        .arg(t.index())
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("File too large"), "the error names the cause: {err}");
    assert_eq!(dump(&t.index()).as_ref(), Some(&before), "the last commit is intact and searchable");
    // Without the limit the run completes.
    t.build();
    assert!(dump(&t.index()).unwrap().len() > before.len());
}

/// `index --watch` killed with SIGKILL at random moments while files arrive: the index always
/// opens, holds no entry twice, and a plain `index` run afterwards gives exactly a fresh build.
#[test]
fn watch_killed_at_random_moments_leaves_a_consistent_index() {
    let t = TestDir::new();
    let all = pages(11, 400);
    write_pages(&t.corpus(), &all[..100]);
    let mut rng = Rng::new(17);
    let mut next = 100;
    for round in 0..6 {
        let mut watcher = spawn_watch(&t, Stdio::null());
        // Files arrive in bursts while the watch runs; the kill lands at a random moment.
        let deadline = Instant::now() + Duration::from_millis(rng.range(200, 2500));
        while Instant::now() < deadline && next < all.len() {
            let burst = rng.range(1, 30) as usize;
            let end = (next + burst).min(all.len());
            write_pages(&t.corpus().join(format!("round{round}")), &all[next..end]);
            next = end;
            std::thread::sleep(Duration::from_millis(rng.range(10, 200)));
        }
        assert!(watcher.try_wait().unwrap().is_none(), "round {round}: the watch ended by itself");
        watcher.kill().unwrap();
        watcher.wait().unwrap();
        // dump() asserts that no entry shows up twice and that `total` matches the hits.
        assert!(dump(&t.index()).is_some() || round == 0, "round {round}: the index does not open after kill -9");
    }
    let fresh = t.path().join("fresh");
    let out = newsdex().arg("index").arg(t.corpus()).arg("--index").arg(&fresh).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let out = newsdex().arg("index").arg(t.corpus()).arg("--index").arg(t.index()).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(dump(&t.index()), dump(&fresh), "after the kills, one run brings the index up to date");
}

/// Characters that could take over a terminal: escapes (colour, clear screen, window
/// title, OSC 8 links), C1 controls, bidi overrides and isolates, zero-width characters.
const HOSTILE: &[&str] = &[
    "\u{1b}[2J",
    "\u{1b}]0;pwned\u{7}",
    "\u{1b}[31m",
    "\u{1b}]8;;https://evil.example\u{1b}\\",
    "\u{9b}31m",
    "\u{7}",
    "\u{8}",
    "\u{7f}",
    "\r",
    "\u{202e}",
    "\u{202d}",
    "\u{2066}",
    "\u{2069}",
    "\u{200b}",
    "\u{200d}",
    "\u{feff}",
    "\u{61c}",
    "\u{2060}",
];

fn contains_hostile(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
                | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{61c}')
    })
}

#[test]
fn text_output_of_search_and_show_carries_no_terminal_control_from_entries() {
    let t = TestDir::new();
    let mut lines = String::new();
    for (i, evil) in HOSTILE.iter().enumerate() {
        let record = serde_json::json!({
            "title": format!("Hostile{evil} headline number {i}"),
            "body": format!("Troops{evil} advanced {evil}near the{evil} river. More troops followed."),
            "date": "2024-10-30", "url": format!("https://news.example.org/evil/{i}{evil}"),
            "source": format!("Evil{evil} Wire"), "author": format!("Mallory{evil} Doe"),
        });
        lines.push_str(&record.to_string());
        lines.push('\n');
    }
    t.write("evil.ndjson", lines);
    t.build();
    for color in ["never", "always"] {
        let out = t.search(&["troops", "--limit", "100", "--facets", "--color", color]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("Hostile"), "{text}");
        // With colour on, newsdex's own SGR sequences are allowed; nothing else is.
        let stripped = if color == "always" { strip_own_sgr(&text) } else { text.clone() };
        if let Some(c) = contains_hostile(&stripped) {
            panic!("search output ({color}) carries {c:?}: {text:?}");
        }
    }
    let (_, doc) = t.search_json(&["troops", "--limit", "100"]);
    for hit in doc["hits"].as_array().unwrap() {
        let id = hit["id"].as_str().unwrap();
        let out = newsdex().arg("show").arg(id).arg("--index").arg(t.index()).output().unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        if let Some(c) = contains_hostile(&text) {
            panic!("show output carries {c:?}: {text:?}");
        }
        // JSON keeps the text as it was (escaped by the JSON encoder, so it cannot act).
        assert!(hit["title"].as_str().unwrap().starts_with("Hostile"));
    }
    // The JSON output keeps the entry's text intact: escapes are JSON-escaped, not removed.
    let out = t.search(&["--json", "troops", "--limit", "100"]);
    let raw = String::from_utf8(out.stdout).unwrap();
    assert!(!raw.contains('\u{1b}') && raw.contains("\\u001b"), "JSON escapes control characters");
}

/// Removes the SGR sequences (`ESC [ digits;... m`) newsdex itself writes for highlights.
fn strip_own_sgr(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("\u{1b}[") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let end = after.find(|c: char| !(c.is_ascii_digit() || c == ';')).unwrap_or(after.len());
        if after[end..].starts_with('m') {
            rest = &after[end + 1..];
        } else {
            out.push('\u{1b}');
            rest = &rest[i + 1..];
        }
    }
    out.push_str(rest);
    out
}
