//! Real data: the BBC corpus, a generated corpus read back against its ground truth, and the
//! Wikinews sample. Tests that need `../shared` skip with a message when it is absent.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::util::{extract, newsdex, root, shared, TestDir};

fn ndjson(bytes: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(bytes).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn bbc_every_file_is_one_article_and_copies_merge() {
    let Some(shared) = shared() else {
        eprintln!("skipping: ../shared is absent (the BBC corpus lives there)");
        return;
    };
    let bbc = shared.join("corpora/bbc");
    let out = newsdex().arg("extract").arg(&bbc).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let entries = ndjson(&out.stdout);
    assert_eq!(entries.len(), 2225, "one entry per article file; README.TXT and SOURCE.md are left out");
    assert!(entries.iter().all(|e| e["kind"] == "article" && !e["title"].as_str().unwrap().is_empty()));
    let files: std::collections::HashSet<&str> = entries.iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert_eq!(files.len(), 2225);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "only sport/199.txt's stray byte is reported: {stderr}");
    assert!(stderr.contains("sport/199.txt: not valid UTF-8"), "{stderr}");

    let mutu = entries.iter().find(|e| e["path"].as_str().unwrap().ends_with("sport/199.txt")).unwrap();
    assert!(mutu["body"].as_str().unwrap().contains("a £15.8m"), "the pound sign survives: {}", mutu["body"]);

    let dir = TestDir::new();
    let out = newsdex().arg("index").arg(&bbc).arg("--index").arg(dir.index()).arg("--json").output().unwrap();
    assert!(out.status.success());
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["entries_read"], 2225);
    assert_eq!(summary["skipped"].as_array().map(Vec::len), Some(0));
    let (_, doc) = dir.search_json(&["the", "--limit", "1"]);
    assert_eq!(doc["total"], 2125, "100 files repeat another file's text exactly: 2,125 distinct articles");
}

/// `gen_corpus.py --entries 20000` read back: every entry of the ground truth is found with the
/// same id, URL, title, day, sources, authors and exactly the same body.
#[test]
fn a_generated_corpus_is_read_back_exactly() {
    let Some(shared) = shared() else {
        eprintln!("skipping: ../shared is absent (gen_corpus.py lives there)");
        return;
    };
    let dir = TestDir::new();
    let out_dir = dir.path().join("gen");
    let generated = Command::new("python3")
        .arg(shared.join("bench/gen_corpus.py"))
        .args(["--entries", "20000", "--seed", "7", "--out"])
        .arg(&out_dir)
        .output();
    let generated = match generated {
        Ok(g) if g.status.success() => g,
        Ok(g) => panic!("gen_corpus.py failed: {}", String::from_utf8_lossy(&g.stderr)),
        Err(e) => {
            eprintln!("skipping: python3 is not available ({e})");
            return;
        }
    };
    drop(generated);
    let truth: Vec<Value> =
        ndjson(&std::fs::read(out_dir.join("entries.ndjson")).unwrap()).into_iter().collect::<Vec<_>>();
    assert_eq!(truth.len(), 20000);

    let out = newsdex().arg("extract").arg(out_dir.join("pages")).output().unwrap();
    assert!(out.status.success());
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    // An entry re-published on a later page appears once per page.
    let mut got: HashMap<String, Vec<Value>> = HashMap::new();
    for e in ndjson(&out.stdout).into_iter().filter(|e| e["kind"] == "update") {
        got.entry(e["id"].as_str().unwrap().to_string()).or_default().push(e);
    }
    let sorted = |v: &Value| {
        let mut list: Vec<String> = v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect();
        list.sort();
        list
    };
    let matches = |g: &Value, t: &Value| {
        g["url"] == t["url"]
            && g["title"] == t["title"]
            && g["date"].as_str().is_some_and(|d| d.get(..10) == t["date"].as_str())
            && sorted(&g["sources"]) == sorted(&t["sources"])
            && g["authors"] == t["authors"]
            && g["body"] == t["body"]
    };
    let mut misses = Vec::new();
    for t in &truth {
        let id = t["id"].as_str().unwrap();
        if !got.get(id).is_some_and(|copies| copies.iter().any(|g| matches(g, t))) {
            misses.push(id.to_string());
        }
    }
    let rate = 100.0 * (truth.len() - misses.len()) as f64 / truth.len() as f64;
    eprintln!(
        "generated corpus: {} of {} entries read back exactly ({rate:.2}%)",
        truth.len() - misses.len(),
        truth.len()
    );
    assert!(misses.is_empty(), "{} entries not read back, e.g. {:?}", misses.len(), &misses[..misses.len().min(5)]);
}

#[test]
fn the_wikinews_sample_reads_without_skips() {
    let sample = root().join("corpus/wikinews.ndjson");
    let out = newsdex().arg("extract").arg(&sample).output().unwrap();
    assert!(out.status.success());
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    let entries = ndjson(&out.stdout);
    assert_eq!(entries.len(), 5814);
    assert!(entries.iter().all(|e| e["kind"] == "article" && e["date"].is_string() && e["url"].is_string()));

    if let Some(shared) = shared() {
        let original = shared.join("corpora/wikinews");
        let out = newsdex().arg("extract").arg(&original).output().unwrap();
        assert!(out.status.success() && out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(!out.stdout.is_empty());
    } else {
        eprintln!("skipping the ../shared copy of Wikinews: ../shared is absent");
    }
    // The shipped corpus folder holds the sample, the seed and its attribution notes; the notes
    // are documentation, not news.
    let entries = extract(&[Path::new(&root().join("corpus"))]);
    assert!(entries.iter().all(|e| !e["path"].as_str().unwrap().ends_with("ATTRIBUTION.md")));
}
