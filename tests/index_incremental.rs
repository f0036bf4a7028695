//! Re-indexing like a newsroom: only what changed is read, one entry per story across files,
//! the newest capture wins, vanished files take their stories with them (unless another file
//! still holds them), and file records never show in searches.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::util::newsroom::{corpus, Newsroom, Page};
use crate::util::{mark_written_by_another_version, newsdex, shared, stderr, TestDir};

/// What an index holds, entry by entry: id → (title, body, files of its pages).
pub type Dump = BTreeMap<String, (String, String, Vec<String>)>;

/// Every entry of the index at `index` (`None` when the index cannot be opened). Panics when
/// an entry shows up twice.
pub fn dump(index: &Path) -> Option<Dump> {
    let out = newsdex()
        .args(["search", "--json", "--limit", "1000000", "--index"])
        .arg(index)
        .args(["--", "-zzqqxxnotaword"])
        .output()
        .unwrap();
    if !matches!(out.status.code(), Some(0 | 1)) {
        return None;
    }
    let doc: Value = serde_json::from_slice(&out.stdout).ok()?;
    let hits = doc["hits"].as_array()?;
    assert_eq!(doc["total"].as_u64(), Some(hits.len() as u64), "every match is listed");
    let mut map = Dump::new();
    for h in hits {
        let id = h["id"].as_str().unwrap().to_string();
        let mut pages: Vec<String> =
            h["pages"].as_array().unwrap().iter().map(|p| p["path"].as_str().unwrap().to_string()).collect();
        pages.sort();
        let value = (h["title"].as_str().unwrap().to_string(), h["body"].as_str().unwrap().to_string(), pages);
        assert!(map.insert(id.clone(), value).is_none(), "entry {id} shows up twice");
    }
    Some(map)
}

/// Runs `newsdex index` with the corpus and index of `t` and more arguments.
pub fn index(t: &TestDir, args: &[&str]) -> Output {
    newsdex().arg("index").arg(t.corpus()).arg("--index").arg(t.index()).args(args).output().unwrap()
}

/// The "files: ..." or "entries: ..." counts of a summary line.
fn counts(err: &str, what: &str) -> String {
    let line = err.lines().last().unwrap_or_default();
    let start = line.find(&format!("{what}: ")).unwrap_or_else(|| panic!("no {what} counts in {line}"));
    line[start..].split([';', '(']).next().unwrap().trim().to_string()
}

fn write_pages(t: &TestDir, pages: &[Page]) {
    for p in pages {
        p.write(&t.corpus());
    }
}

/// A fresh index of the same corpus, built in another folder.
fn fresh_dump(t: &TestDir) -> Dump {
    let other = t.path().join("fresh-index");
    let _ = fs::remove_dir_all(&other);
    let out = newsdex().arg("index").arg(t.corpus()).arg("--index").arg(&other).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    dump(&other).unwrap()
}

/// Sets a file's modification time well in the past, so that its record is trusted (files
/// written less than two seconds before a run are confirmed by content next time).
fn age(path: &Path) {
    let f = fs::File::options().write(true).open(path).unwrap();
    f.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(3600)).unwrap();
}

fn age_all(dir: &Path) {
    for entry in walk(dir) {
        age(&entry);
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Two captures of one live blog with three stories, the second updated a day later.
fn two_captures(n: &mut Newsroom) -> (Page, Page) {
    let early = n.page(3);
    let mut late = early.clone();
    late.id = n.code();
    late.updated = early.updated + 1;
    (early, late)
}

#[test]
fn a_second_run_reads_nothing_and_changes_nothing() {
    let t = TestDir::new();
    let mut n = Newsroom::new(1);
    write_pages(&t, &corpus(&mut n, 30));
    age_all(&t.corpus());
    let first = index(&t, &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(counts(&stderr(&first), "files"), "files: 30 added, 0 updated, 0 removed, 0 unchanged");
    let before = dump(&t.index()).unwrap();
    let meta = fs::read(t.index().join("meta.json")).unwrap();

    let second = index(&t, &[]);
    let err = stderr(&second);
    assert!(second.status.success(), "{err}");
    assert_eq!(counts(&err, "files"), "files: 0 added, 0 updated, 0 removed, 30 unchanged");
    assert!(counts(&err, "entries").starts_with("entries: 0 added, 0 updated, 0 removed, "), "{err}");
    assert!(err.contains("is up to date"), "{err}");
    assert_eq!(fs::read(t.index().join("meta.json")).unwrap(), meta, "nothing was committed");
    assert_eq!(dump(&t.index()).unwrap(), before);

    // A file touched without a change of content is confirmed by its hash, not re-indexed.
    let victim = walk(&t.corpus())[3].clone();
    let text = fs::read(&victim).unwrap();
    fs::write(&victim, &text).unwrap();
    age(&victim);
    let third = index(&t, &[]);
    assert_eq!(counts(&stderr(&third), "files"), "files: 0 added, 0 updated, 0 removed, 30 unchanged");
    assert!(counts(&stderr(&third), "entries").starts_with("entries: 0 added, 0 updated, 0 removed"));
}

#[test]
fn changed_vanished_and_new_files_are_dealt_with_and_match_a_fresh_build() {
    let t = TestDir::new();
    let mut n = Newsroom::new(2);
    let mut pages = corpus(&mut n, 40);
    write_pages(&t, &pages);
    age_all(&t.corpus());
    assert!(index(&t, &[]).status.success());

    // Change one story's text, delete a page, add a page.
    pages[5].stories[0].paragraphs[0] = "Quetzalcoatlus sightings were reported near the border.".to_string();
    let changed = pages[5].write(&t.corpus());
    age(&changed);
    let gone = pages.remove(9);
    fs::remove_file(t.corpus().join(format!("{:02}/live-{}.txt", (gone.published - 1) / 30 + 1, gone.id))).unwrap();
    let added = n.page(3);
    age(&added.write(&t.corpus()));

    let out = index(&t, &[]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert_eq!(counts(&err, "files"), "files: 1 added, 1 updated, 1 removed, 38 unchanged");
    let state = dump(&t.index()).unwrap();
    let story = &state[&pages[5].stories[0].id];
    assert!(story.1.contains("Quetzalcoatlus"), "the changed text is indexed");
    for s in &gone.stories {
        let elsewhere = pages.iter().any(|p| p.stories.iter().any(|o| o.id == s.id));
        assert_eq!(state.contains_key(&s.id), elsewhere, "story {} of the deleted page", s.id);
    }
    for s in &added.stories {
        assert!(state.contains_key(&s.id));
    }
    assert_eq!(state, fresh_dump(&t), "the updated index equals one built from scratch");
}

#[test]
fn one_entry_per_story_across_files_and_the_newest_capture_wins() {
    let t = TestDir::new();
    let mut n = Newsroom::new(3);
    // Two captures of one live blog: the later one has an extra story and a corrected text.
    let (early, mut late) = two_captures(&mut n);
    late.stories[1].paragraphs = vec!["Corrected: the convoy reached the village at dawn.".to_string()];
    late.stories.insert(0, n.story(late.updated));
    let early_path = early.write(&t.corpus());
    let late_path = late.write(&t.corpus());
    age_all(&t.corpus());
    assert!(index(&t, &[]).status.success());

    let state = dump(&t.index()).unwrap();
    assert_eq!(state.len(), 2 + 4, "two summaries and four distinct updates");
    let shared_story = &state[&early.stories[1].id];
    assert_eq!(shared_story.2.len(), 2, "both files are listed: {:?}", shared_story.2);
    assert!(shared_story.1.starts_with("Corrected:"), "the newest capture's text wins");
    let (_, doc) = t.search_json(&["convoy reached the village"]);
    assert_eq!(doc["total"], 1, "the story shows once");
    assert_eq!(doc["hits"][0]["pages"].as_array().unwrap().len(), 2);

    // Deleting one capture keeps the story while the other file holds it...
    fs::remove_file(&late_path).unwrap();
    let out = index(&t, &[]);
    assert!(out.status.success());
    let state = dump(&t.index()).unwrap();
    let story = &state[&early.stories[1].id];
    assert_eq!(story.2, vec![early_path.to_string_lossy().into_owned()]);
    assert!(!story.1.starts_with("Corrected:"), "back to the text of the capture that is left");
    assert!(!state.contains_key(&late.stories[0].id), "the story only the deleted file held is gone");
    assert_eq!(state, fresh_dump(&t));

    // ...and deleting the other one removes it.
    fs::remove_file(&early_path).unwrap();
    let out = index(&t, &[]);
    assert!(counts(&stderr(&out), "entries").starts_with("entries: 0 added, 0 updated, 4 removed"));
    assert_eq!(dump(&t.index()).unwrap().len(), 0);
}

#[test]
fn a_new_index_is_one_segment_without_replaced_entries_or_files_left_behind() {
    let t = TestDir::new();
    // Each story's first capture is replaced by the story merged from both captures, so a
    // third of what was written is deleted again.
    let (early, late) = two_captures(&mut Newsroom::new(5));
    early.write(&t.corpus());
    late.write(&t.corpus());
    // Two threads building the index write a segment each.
    let out = index(&t, &["--threads", "2"]);
    assert!(out.status.success(), "{}", stderr(&out));

    let meta: Value = serde_json::from_slice(&fs::read(t.index().join("meta.json")).unwrap()).unwrap();
    let segments = meta["segments"].as_array().unwrap();
    assert_eq!(segments.len(), 1, "{meta}");
    assert!(segments[0]["deletes"].is_null(), "the replaced first captures are gone: {meta}");
    let id = segments[0]["segment_id"].as_str().unwrap().replace('-', "");
    for file in fs::read_dir(t.index()).unwrap() {
        let name = file.unwrap().file_name().to_string_lossy().into_owned();
        let of_a_segment =
            name.split('.').next().is_some_and(|s| s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit()));
        assert!(!of_a_segment || name.starts_with(&id), "{name} belongs to a segment the index no longer has");
    }
    assert_eq!(dump(&t.index()).unwrap().len(), 2 + 3, "two summaries and three updates");
}

#[test]
fn file_records_never_show_in_searches() {
    let t = TestDir::new();
    let mut n = Newsroom::new(4);
    let pages = corpus(&mut n, 12);
    write_pages(&t, &pages);
    assert!(index(&t, &[]).status.success());
    let entries = dump(&t.index()).unwrap().len();
    let total = |args: &[&str]| t.search_json(args).1["total"].as_u64().unwrap_or(0) as usize;
    assert_eq!(total(&["--", "-nothingmatchesthis"]), entries);
    assert_eq!(total(&["--from", "1900"]), entries);
    assert_eq!(total(&["--", "-kind:update"]), pages.len(), "the summaries");
    for q in ["txt", "live", "file", "entry", "skipped", "t*"] {
        assert!(total(&[q]) <= entries, "{q}");
    }
    // A path or an entry id as file records hold them matches no record.
    let path = walk(&t.corpus())[0].to_string_lossy().into_owned();
    assert_eq!(total(&[&format!("url:\"{path}\"")]), 0);
}

#[test]
fn skipped_files_are_remembered_until_they_change() {
    let t = TestDir::new();
    let mut n = Newsroom::new(5);
    write_pages(&t, &corpus(&mut n, 3));
    t.write("broken.ndjson", "{\"title\": \"half");
    age_all(&t.corpus());
    let first = index(&t, &["--strict"]);
    assert_eq!(first.status.code(), Some(2), "{}", stderr(&first));
    assert!(stderr(&first).contains("broken.ndjson"));
    let second = index(&t, &["--strict"]);
    let err = stderr(&second);
    assert_eq!(second.status.code(), Some(2), "the file is still not indexed: {err}");
    assert!(err.contains("1 skipped in an earlier run and unchanged"), "{err}");
    t.write("broken.ndjson", "{\"title\": \"Whole again\", \"body\": \"Repaired record.\"}\n");
    let third = index(&t, &["--strict"]);
    assert_eq!(third.status.code(), Some(0), "{}", stderr(&third));
    assert_eq!(t.search_json(&["repaired"]).1["total"], 1);
}

#[test]
fn rebuild_starts_from_scratch_and_replaces_an_incompatible_index() {
    let t = TestDir::new();
    let mut n = Newsroom::new(6);
    write_pages(&t, &corpus(&mut n, 10));
    assert!(index(&t, &[]).status.success());
    let before = dump(&t.index()).unwrap();
    let out = index(&t, &["--rebuild"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert_eq!(counts(&err, "files"), "files: 10 added, 0 updated, 0 removed, 0 unchanged");
    assert_eq!(dump(&t.index()).unwrap(), before);

    // An index recorded as written under another schema version.
    mark_written_by_another_version(&t.index());
    let out = t.search(&["troops"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("newsdex index --rebuild"), "{}", stderr(&out));
    let out = index(&t, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--rebuild"), "{}", stderr(&out));
    let out = index(&t, &["--rebuild"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(dump(&t.index()).unwrap(), before);
}

#[test]
fn bbc_files_hold_2125_distinct_articles() {
    let Some(shared) = shared() else {
        eprintln!("skipped: ../shared is not here");
        return;
    };
    let bbc = shared.join("corpora/bbc");
    let t = TestDir::new();
    let out = newsdex().arg("index").arg(&bbc).arg("--index").arg(t.index()).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(t.search_json(&["the", "--limit", "1"]).1["total"], 2125);
}

#[test]
fn an_index_inside_the_folder_it_indexes_is_left_out() {
    let t = TestDir::new();
    let mut n = Newsroom::new(7);
    write_pages(&t, &corpus(&mut n, 4));
    age_all(&t.corpus());
    let nested = t.corpus().join("idx");
    let run = || newsdex().arg("index").arg(t.corpus()).arg("--index").arg(&nested).output().unwrap();
    let first = run();
    assert!(first.status.success(), "{}", stderr(&first));
    let second = run();
    let err = stderr(&second);
    assert!(!err.contains("newsdex: skipped") && err.contains("is up to date"), "{err}");
    assert_eq!(counts(&err, "files"), "files: 0 added, 0 updated, 0 removed, 4 unchanged");
}
