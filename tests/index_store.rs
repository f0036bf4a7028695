//! Stored entries: compressed with a dictionary the first run trains on the corpus and every
//! later run reuses; what comes back is what was read, and a missing or damaged dictionary
//! is reported as damage that `--rebuild` repairs.

use std::fs;
use std::path::{Path, PathBuf};

use crate::index_incremental::{dump, index, Dump};
use crate::util::newsroom::{corpus, Newsroom};
use crate::util::{extract, newsdex, stderr, TestDir};

/// The dictionary files of an index folder.
fn dictionaries(index: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir(index)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("dictionary-"))
        .collect();
    found.sort();
    found
}

/// The number of segments of the index's last commit.
fn segments(index: &Path) -> usize {
    let meta: serde_json::Value = serde_json::from_slice(&fs::read(index.join("meta.json")).unwrap()).unwrap();
    meta["segments"].as_array().unwrap().len()
}

/// A corpus large enough to train a dictionary on (a few hundred kilobytes of entries).
fn newsroom_corpus(t: &TestDir, files: usize, seed: u64) -> Vec<PathBuf> {
    let mut n = Newsroom::new(seed);
    corpus(&mut n, files).iter().map(|p| p.write(&t.corpus())).collect()
}

/// Every entry's title and body as `extract` reads them from the files, by id (the newest
/// capture of a story wins in the index; the newsroom never changes a story's text).
fn extracted(files: &[PathBuf]) -> Dump {
    let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let mut out = Dump::new();
    for e in extract(&paths) {
        let id = e["id"].as_str().unwrap().to_string();
        let value = (e["title"].as_str().unwrap().to_string(), e["body"].as_str().unwrap().to_string(), Vec::new());
        out.insert(id, value);
    }
    out
}

/// Title and body of every entry in the index, by id.
fn stored_texts(index: &Path) -> Dump {
    dump(index)
        .expect("the index opens")
        .into_iter()
        .map(|(id, (title, body, _))| (id, (title, body, Vec::new())))
        .collect()
}

#[test]
fn entries_come_back_exactly_through_a_dictionary_trained_once() {
    let t = TestDir::new();
    let mut n = Newsroom::new(7);
    let pages = corpus(&mut n, 680);
    let mut files: Vec<PathBuf> = pages[..600].iter().map(|p| p.write(&t.corpus())).collect();
    let out = index(&t, &["--threads", "2"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let trained = dictionaries(&t.index());
    assert_eq!(trained.len(), 1, "one dictionary is trained: {trained:?}");
    // Each indexing thread wrote a segment; a new index ends merged into one.
    assert_eq!(segments(&t.index()), 1);
    assert_eq!(stored_texts(&t.index()), extracted(&files));

    // More files later: the same dictionary compresses them.
    files.extend(pages[600..].iter().map(|p| p.write(&t.corpus())));
    let out = index(&t, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(dictionaries(&t.index()), trained, "later runs keep the dictionary");
    assert_eq!(stored_texts(&t.index()), extracted(&files));
    let show = newsdex()
        .arg("show")
        .arg("--index")
        .arg(t.index())
        .arg("--json")
        .arg(extracted(&files).keys().last().unwrap())
        .output()
        .unwrap();
    assert!(show.status.success(), "{}", stderr(&show));

    // A rebuild trains afresh and leaves one dictionary behind.
    let out = index(&t, &["--rebuild"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(dictionaries(&t.index()).len(), 1, "{:?}", dictionaries(&t.index()));
    assert_eq!(stored_texts(&t.index()), extracted(&files));
}

#[test]
fn a_small_corpus_needs_no_dictionary() {
    let t = TestDir::new();
    let files = newsroom_corpus(&t, 5, 3);
    let out = index(&t, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dictionaries(&t.index()).is_empty());
    assert_eq!(stored_texts(&t.index()), extracted(&files));
}

#[test]
fn a_missing_or_damaged_dictionary_is_damage_that_rebuild_repairs() {
    let t = TestDir::new();
    let files = newsroom_corpus(&t, 600, 11);
    let out = index(&t, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let dictionary = dictionaries(&t.index()).pop().expect("a dictionary");
    let name = dictionary.file_name().unwrap().to_string_lossy().into_owned();
    let original = fs::read(&dictionary).unwrap();
    let mut garbled = original.clone();
    garbled.truncate(original.len() / 2);
    for (what, contents) in [("deleted", None), ("cut in half", Some(garbled)), ("emptied", Some(Vec::new()))] {
        match contents {
            None => fs::remove_file(&dictionary).unwrap(),
            Some(bytes) => fs::write(&dictionary, bytes).unwrap(),
        }
        for args in [&["search", "--json", "market"][..], &["stats"], &["export"]] {
            let out = newsdex().arg(args[0]).arg("--index").arg(t.index()).args(&args[1..]).output().unwrap();
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "dictionary {what}: `{}`: {err}", args.join(" "));
            assert!(err.contains("index damaged") && err.contains("--rebuild"), "dictionary {what}: {err}");
            assert!(err.contains(&name), "dictionary {what}: the message names the file: {err}");
            assert!(!err.contains("panicked"), "{err}");
        }
        // An update run says the same rather than writing entries nobody could read.
        let out = index(&t, &[]);
        assert_eq!(out.status.code(), Some(2), "index over a dictionary {what}: {}", stderr(&out));
        fs::write(&dictionary, &original).unwrap();
    }
    fs::remove_file(&dictionary).unwrap();
    let out = index(&t, &["--rebuild"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stored_texts(&t.index()), extracted(&files));
}

/// Hits are read from the store as Tantivy lays a document out there (`Fields::stored_in`),
/// not through a Tantivy document: every entry of an index of two segments, with and without
/// a dictionary, takes that way and gives back what the usual way gives; a file record,
/// whose stored value is another field, is left to the usual way.
#[test]
fn hits_are_read_from_the_store_as_tantivy_lays_them_out() {
    use newsdex::index::NewsIndex;
    use tantivy::schema::Value;
    use tantivy::TantivyDocument;

    for (files, seed) in [(600, 5), (4, 6)] {
        let t = TestDir::new();
        let pages = newsroom_corpus(&t, files, seed);
        let out = index(&t, &[]);
        assert!(out.status.success(), "{}", stderr(&out));
        // A second run adds a segment.
        let mut n = Newsroom::new(seed + 100);
        corpus(&mut n, 3).iter().for_each(|p| drop(p.write(&t.corpus())));
        let out = index(&t, &[]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(segments(&t.index()) >= 2, "{} files: two segments", pages.len());

        let index = NewsIndex::open(&t.index()).expect("the index opens");
        let fields = index.fields();
        let (searcher, codec) = index.view();
        let (mut entries, mut records) = (0, 0);
        for reader in searcher.segment_readers() {
            let store = reader.get_store_reader(0).unwrap();
            for doc in reader.doc_ids_alive() {
                let raw = store.get_document_bytes(doc).unwrap();
                let document: TantivyDocument = store.get(doc).unwrap();
                match document.get_first(fields.stored).and_then(|v| v.as_bytes()) {
                    Some(bytes) => {
                        entries += 1;
                        assert_eq!(fields.stored_in(&raw), Some(bytes), "document {doc}");
                        let read = fields.entry_in(&store, doc, &codec, |e| panic!("{e}")).unwrap();
                        let usual = fields.entry(&document, &codec).unwrap();
                        assert_eq!(format!("{read:?}"), format!("{usual:?}"), "document {doc}");
                    }
                    None => {
                        records += 1;
                        assert_eq!(fields.stored_in(&raw), None, "document {doc} holds no entry");
                    }
                }
            }
        }
        assert!(entries > 0 && records > 0, "{entries} entries, {records} file records");
    }
}
