//! Bad input never costs good data: every file that cannot be read as news is named on stderr
//! with its reason (and line), counted, and the rest of the folder is indexed. `--strict`
//! exits 2 after committing; `--json` prints the per-file reasons.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::util::{fixture, newsdex, TestDir};

/// A folder holding one readable story per format problem, and one file per kind of damage.
fn messy_folder() -> TestDir {
    let dir = TestDir::new();
    dir.write(
        "good/storm.txt",
        "Storm closes schools\n\nSchools on the coast stay closed on Monday because of the storm.\n",
    );
    dir.add(&fixture("articles/latin1-cafe.txt"));
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in
        "Lighthouse keeper retires\n\nThe last lighthouse keeper of Varnø retired after 41 years.\n".encode_utf16()
    {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    dir.write("utf16.txt", utf16);
    let mut jpeg = b"\xff\xd8\xff\xe0".to_vec();
    jpeg.extend((0..4).flat_map(|_| 0u8..=255));
    dir.write("photo.jpeg.bak", jpeg);
    dir.write("empty.txt", "");
    dir.write("blank.txt", "  \n\n \t\n");
    dir.write("huge.txt", format!("Huge file\n\n{}", "word ".repeat(400)));
    dir.write("broken.json", "[\n  {\"title\": \"Fine\", \"body\": \"x\"},\n  {\"title\": \"bad\" \"body\": 1}\n]\n");
    dir.write(
        "records.ndjson",
        "{\"title\": \"Zeppelin hangar reopens\", \"date\": \"2024-03-13\", \"body\": \"A fine record about zeppelins.\"}\n{\"title\": \"bad\", \n",
    );
    dir.write("site.css", "body { color: red }");
    dir.write("reuters.sgm", "<!DOCTYPE lewis SYSTEM \"lewis.dtd\">\n<REUTERS><BODY>x</BODY></REUTERS>\n");
    dir.write("README.md", "# About this folder\n\nThese are my news files.\n");
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        use std::os::unix::fs::symlink;
        symlink("..", dir.corpus().join("good/loop")).unwrap();
        symlink("self.txt", dir.corpus().join("self.txt")).unwrap();
        symlink("nowhere.txt", dir.corpus().join("dangling.txt")).unwrap();
        let name = std::ffi::OsStr::from_bytes(b"caf\xe9-news.txt");
        fs::write(
            dir.corpus().join(name),
            "Harbour festival returns\n\nThe harbour festival returns after five years.\n",
        )
        .unwrap();
    }
    dir
}

/// `newsdex index` of the folder with a 1,500-byte size limit, so that one file is too big.
fn index(dir: &TestDir, extra: &[&str]) -> std::process::Output {
    index_with_limit(dir, 1500, extra)
}

fn index_with_limit(dir: &TestDir, limit: u64, extra: &[&str]) -> std::process::Output {
    newsdex()
        .arg("index")
        .arg(dir.corpus())
        .arg("--index")
        .arg(dir.index())
        .args(["--max-file-size", &limit.to_string()])
        .args(extra)
        .output()
        .unwrap()
}

fn line_about<'a>(stderr: &'a str, file: &str) -> &'a str {
    stderr.lines().find(|l| l.contains(file)).unwrap_or_else(|| panic!("nothing on stderr about {file}:\n{stderr}"))
}

#[test]
fn every_bad_file_is_named_with_its_reason_and_the_rest_is_indexed() {
    let dir = messy_folder();
    let out = index(&dir, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "files were only skipped: exit 0\n{stderr}");
    let reasons = [
        ("photo.jpeg.bak", "binary file"),
        ("empty.txt", "empty file"),
        ("blank.txt", "empty file"),
        ("huge.txt", "over the 1500-byte limit"),
        ("broken.json", "line 3: malformed JSON at column"),
        ("records.ndjson", "line 2: malformed JSON"),
        ("site.css", "not a news format (a style sheet)"),
        ("reuters.sgm", "root element is <REUTERS>"),
        ("latin1-cafe.txt", "not valid UTF-8 (first bad byte at offset 3); read those bytes as Windows-1252"),
    ];
    for (file, reason) in reasons {
        let line = line_about(&stderr, file);
        assert!(line.contains(reason), "{file}: {reason:?} not in {line:?}");
        assert!(line.contains(&format!("{file}: ")), "`path: reason` form: {line:?}");
    }
    #[cfg(unix)]
    {
        assert!(line_about(&stderr, "loop").contains("symbolic link loop"), "{stderr}");
        assert!(line_about(&stderr, "self.txt").contains("symbolic link loop"), "{stderr}");
        assert!(line_about(&stderr, "dangling.txt").contains("no such file"), "{stderr}");
        assert!(line_about(&stderr, "caf\\xE9-news.txt").contains("file name is not valid UTF-8"), "{stderr}");
    }
    assert!(!stderr.contains("README"), "dataset documentation is left out silently: {stderr}");
    for query in ["schools", "Zürich", "lighthouse", "zeppelins"] {
        let (code, doc) = dir.search_json(&[query]);
        assert_eq!((code, doc["total"].as_u64()), (0, Some(1)), "{query} is indexed");
    }
    #[cfg(unix)]
    {
        let (code, doc) = dir.search_json(&["harbour festival"]);
        assert_eq!(code, 0);
        assert!(doc["hits"][0]["path"].as_str().unwrap().ends_with("caf\\xE9-news.txt"), "{doc}");
    }
    let (code, _) = dir.search_json(&["\"About this folder\""]);
    assert_eq!(code, 1, "README.md is not indexed");
}

#[test]
fn strict_exits_2_after_committing_everything_readable() {
    let dir = messy_folder();
    let out = index(&dir, &["--strict"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let (code, doc) = dir.search_json(&["zeppelins"]);
    assert_eq!((code, doc["total"].as_u64()), (0, Some(1)), "the good records were committed before exiting 2");

    let clean = TestDir::new();
    clean.add(&fixture("layout-b/summit-as-it-happened.txt"));
    let out = index(&clean, &["--strict"]);
    assert_eq!(out.status.code(), Some(0), "nothing skipped: --strict exits 0");
}

#[test]
fn json_summary_lists_counts_per_format_and_reasons_per_file() {
    let dir = messy_folder();
    dir.add(&fixture("feeds/dw-style.rdf"));
    dir.add(&fixture("html/article-saved.html"));
    let out = index_with_limit(&dir, 100_000, &["--json"]);
    assert!(out.status.success());
    let summary: Value = serde_json::from_slice(&out.stdout).expect("one JSON document on stdout");
    // storm, latin1-cafe, utf16, huge (under this limit) and, where file names are bytes, café-news.
    let articles = if cfg!(unix) { 5 } else { 4 };
    assert_eq!(summary["formats"]["article"], articles, "{summary}");
    assert_eq!((summary["formats"]["rdf"].as_u64(), summary["formats"]["html"].as_u64()), (Some(1), Some(1)));
    assert_eq!(summary["formats"]["ndjson"], 1);
    let skipped = summary["skipped"].as_array().unwrap();
    let reason_of = |file: &str| -> &Value {
        skipped
            .iter()
            .find(|s| s["path"].as_str().is_some_and(|p| p.ends_with(file)))
            .unwrap_or_else(|| panic!("{file} not among {skipped:#?}"))
    };
    assert_eq!(reason_of("empty.txt")["reason"], "empty file");
    assert_eq!(reason_of("broken.json")["line"], 3);
    assert!(reason_of("photo.jpeg.bak")["reason"].as_str().unwrap().contains("binary"));
    assert!(skipped.iter().all(|s| s["path"].is_string() && s["reason"].is_string()));
    let warnings = summary["warnings"].as_array().unwrap();
    assert!(warnings.iter().any(|w| w["path"].as_str().unwrap().ends_with("records.ndjson") && w["line"] == 2));
}

#[test]
fn extract_of_a_bad_file_says_why_and_exits_2() {
    let dir = messy_folder();
    let out = newsdex().arg("extract").arg(dir.corpus().join("empty.txt")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.trim_end().ends_with("empty.txt: empty file"), "{stderr}");
    assert!(out.stdout.is_empty());

    let out = newsdex().arg("extract").arg(dir.corpus().join("utf16.txt")).output().unwrap();
    assert!(out.status.success(), "UTF-16 with a byte-order mark is read");
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"title\":\"Lighthouse keeper retires\""));
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_skipped_with_permission_denied() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TestDir::new();
    dir.write("ok.txt", "Readable story\n\nThis one can be read.\n");
    dir.write("locked.txt", "Locked story\n\nThis one cannot be read.\n");
    let locked = dir.corpus().join("locked.txt");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&locked).is_ok() {
        eprintln!("skipping: this user can read a file with mode 000 (running as root?)");
        return;
    }
    let out = newsdex().arg("index").arg(dir.corpus()).arg("--index").arg(dir.index()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(line_about(&stderr, "locked.txt").contains("permission denied"), "{stderr}");
    assert_eq!(dir.search_json(&["readable"]).0, 0);
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o644)).unwrap();
}

#[test]
fn the_size_limit_defaults_to_64_mib_and_can_be_raised() {
    let dir = TestDir::new();
    dir.write("story.txt", format!("Long read\n\n{}\n", "A sentence of a long read. ".repeat(100)));
    let file = dir.corpus().join("story.txt");
    let size = fs::metadata(&file).unwrap().len();
    let run = |limit: u64| {
        newsdex().arg("extract").arg(&file).args(["--max-file-size", &limit.to_string()]).output().unwrap()
    };
    assert_eq!(run(size - 1).status.code(), Some(2));
    assert!(run(size).status.success());
    let help = newsdex().args(["index", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("67108864"), "the default is 64 MiB");
    assert!(Path::new(&file).exists());
}
