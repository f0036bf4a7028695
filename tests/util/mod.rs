//! Helpers shared by the integration tests: a throwaway folder, the real `newsdex` binary,
//! and the paths of the shipped seed page and the test fixtures.

#![allow(dead_code)]

pub mod newsroom;
pub mod server;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Output, Stdio};

use assert_cmd::Command;
use serde_json::Value;

/// What a finished command wrote to stderr.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The seed live blog as shipped in `corpus/`.
pub fn seed() -> PathBuf {
    root().join("corpus/dw-ukraine-liveblog-2024-10-28.txt")
}

/// A file under `tests/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// `../shared` beside the checkout, when this machine has it.
pub fn shared() -> Option<PathBuf> {
    let p = root().join("../shared");
    p.is_dir().then_some(p)
}

/// A temporary folder holding a corpus and an index.
pub struct TestDir {
    dir: tempfile::TempDir,
}

impl TestDir {
    pub fn new() -> TestDir {
        TestDir { dir: tempfile::tempdir().expect("temporary folder") }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn corpus(&self) -> PathBuf {
        self.path().join("corpus")
    }

    pub fn index(&self) -> PathBuf {
        self.path().join("index")
    }

    /// Copies a file into the corpus folder.
    pub fn add(&self, from: &Path) -> &TestDir {
        fs::create_dir_all(self.corpus()).unwrap();
        fs::copy(from, self.corpus().join(from.file_name().unwrap())).unwrap();
        self
    }

    /// Writes a file into the corpus folder.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> &TestDir {
        let path = self.corpus().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
        self
    }

    /// Runs `newsdex index CORPUS --index INDEX`, which must succeed.
    pub fn build(&self) -> Output {
        let out = newsdex().arg("index").arg(self.corpus()).arg("--index").arg(self.index()).output().unwrap();
        assert!(out.status.success(), "index failed: {}", String::from_utf8_lossy(&out.stderr));
        out
    }

    /// Runs `newsdex search --index INDEX ARGS...`.
    pub fn search(&self, args: &[&str]) -> Output {
        newsdex().arg("search").arg("--index").arg(self.index()).args(args).output().unwrap()
    }

    /// Runs `newsdex search --json`, returning the exit code and the parsed document.
    pub fn search_json(&self, args: &[&str]) -> (i32, Value) {
        let out = self.search(&[&["--json"], args].concat());
        let code = out.status.code().unwrap_or(-1);
        let doc = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        (code, doc)
    }

    /// The `url` of each hit of a JSON search.
    pub fn urls(&self, args: &[&str]) -> Vec<String> {
        let (_, doc) = self.search_json(args);
        doc["hits"].as_array().map_or_else(Vec::new, |hits| {
            hits.iter().map(|h| h["url"].as_str().unwrap_or_default().to_string()).collect()
        })
    }
}

/// The `newsdex` binary built by cargo for these tests.
pub fn newsdex() -> Command {
    let mut cmd = Command::cargo_bin("newsdex").unwrap();
    cmd.env_remove("NO_COLOR");
    cmd
}

/// `newsdex index CORPUS --index INDEX --watch` on `t`, running in the background with its
/// stdout discarded and its stderr as given.
pub fn spawn_watch(t: &TestDir, stderr: Stdio) -> Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("newsdex"))
        .arg("index")
        .arg(t.corpus())
        .arg("--index")
        .arg(t.index())
        .arg("--watch")
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap()
}

/// Entries printed by `newsdex extract FILES...`.
pub fn extract(files: &[&Path]) -> Vec<Value> {
    let out = newsdex().arg("extract").args(files).output().unwrap();
    assert!(out.status.success(), "extract failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// The entries `extract` yields for one fixture (see [`fixture`]).
pub fn read_fixture(name: &str) -> Vec<Value> {
    extract(&[&fixture(name)])
}

/// A string field of an entry, which must be there.
pub fn text<'a>(entry: &'a Value, key: &str) -> &'a str {
    entry[key].as_str().unwrap_or_else(|| panic!("{key} is not a string in {entry}"))
}

/// A list of strings (sources, authors), which must be one.
pub fn strings(v: &Value) -> Vec<&str> {
    v.as_array().unwrap_or_else(|| panic!("{v} is not a list")).iter().map(|s| s.as_str().unwrap()).collect()
}

/// Makes the index in `index` look written by another schema version (an older or newer
/// newsdex), as its last commit records it.
pub fn mark_written_by_another_version(index: &Path) {
    let meta_path = index.join("meta.json");
    let meta = std::fs::read_to_string(&meta_path).unwrap();
    let changed = meta.replace("\\\"schema_version\\\":", "\\\"schema_version\\\":9");
    assert_ne!(changed, meta, "meta.json records a schema version");
    std::fs::write(&meta_path, changed).unwrap();
}
