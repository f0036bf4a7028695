//! Scale-out (issue 9): `newsdex export` in its three formats, checked against the index
//! configurations in `deploy/`, the round trip through NDJSON, and `search --explain`.
//! No OpenSearch or Quickwit runs here: what is checked is the structure both engines
//! document (bulk pairs, strict mappings, field types and date formats).

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::util::{newsdex, root, seed, shared, TestDir};

/// Runs `newsdex export --index INDEX ARGS...`, which must succeed; returns stdout.
fn export(index: &Path, args: &[&str]) -> String {
    let out = newsdex().arg("export").arg("--index").arg(index).args(args).output().unwrap();
    assert!(out.status.success(), "export failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn lines(text: &str) -> Vec<Value> {
    text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect()
}

fn seed_index() -> TestDir {
    let t = TestDir::new();
    t.add(&seed()).write("more.ndjson", MORE).build();
    t
}

/// Entries with what the seed lacks: authors, several sources, an exact time, an accent, a
/// page with dates, and one undated entry.
const MORE: &str = r#"{"title": "Milanović's talks", "body": "Croatia's president said tanks would follow, AP and Reuters reported.", "date": "2024-10-29T14:05:00+01:00", "url": "https://example.org/a", "sources": ["Associated Press", "Reuters"], "authors": ["Jane Doe"], "page": {"title": "Talks", "url": "https://example.org/", "published": "2024-10-29", "updated": "2024-10-30T08:00:00Z"}}
{"title": "Undated note", "body": "A note without any date."}
"#;

fn opensearch_mapping() -> Value {
    let text = fs::read_to_string(root().join("deploy/opensearch/index-template.json")).unwrap();
    let template: Value = serde_json::from_str(&text).unwrap();
    template["template"]["mappings"].clone()
}

fn quickwit_config() -> Value {
    let text = fs::read_to_string(root().join("deploy/quickwit/newsdex.yaml")).unwrap();
    serde_norway::from_str(&text).unwrap()
}

/// A date as `strict_date_optional_time` and Quickwit's `rfc3339` read it (the export always
/// writes full RFC 3339 instants in UTC).
fn is_rfc3339(v: &Value) -> bool {
    v.as_str().is_some_and(|s| chrono::DateTime::parse_from_rfc3339(s).is_ok() && s.ends_with('Z'))
}

/// Checks one exported document against OpenSearch mapping properties, recursively.
fn check_against_mapping(doc: &Value, properties: &Value, at: &str) {
    let obj = doc.as_object().unwrap_or_else(|| panic!("{at}: not an object: {doc}"));
    for (key, value) in obj {
        let mapping = &properties[key];
        assert!(mapping.is_object(), "{at}{key} is exported but not mapped (the mapping is strict)");
        let values: Vec<&Value> = match value {
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        };
        for v in values {
            match mapping["type"].as_str() {
                Some("keyword") | Some("text") => assert!(v.is_string(), "{at}{key}: {v} is not a string"),
                Some("date") => {
                    assert!(mapping["format"].as_str().unwrap().contains("strict_date_optional_time"));
                    assert!(is_rfc3339(v), "{at}{key}: {v} does not parse as the mapping's date format");
                }
                Some("object") => check_against_mapping(v, &mapping["properties"], &format!("{at}{key}.")),
                other => panic!("{at}{key}: unexpected mapping type {other:?}"),
            }
        }
    }
}

#[test]
fn bulk_export_pairs_actions_with_documents_the_strict_mapping_accepts() {
    let t = seed_index();
    let text = export(&t.index(), &["--format", "opensearch-bulk"]);
    assert!(text.ends_with('\n'), "a _bulk body ends with a newline");
    let rows = lines(&text);
    assert_eq!(rows.len(), 18, "9 entries, two lines each");
    let mapping = opensearch_mapping();
    assert_eq!(mapping["dynamic"], "strict");
    let mut ids = BTreeSet::new();
    for pair in rows.chunks(2) {
        let (action, doc) = (&pair[0], &pair[1]);
        let id = action["index"]["_id"].as_str().expect("every action names an _id");
        assert_eq!(doc["id"], id, "_id is the entry id, so re-sending replaces");
        assert!(ids.insert(id.to_string()), "ids are unique");
        assert!(action["index"].get("_index").is_none(), "no _index unless --target");
        check_against_mapping(doc, &mapping["properties"], "");
    }
    let talks = rows.iter().find(|d| d["title"] == "Milanović's talks").unwrap();
    assert_eq!(talks["date"], "2024-10-29T13:05:00Z", "times are converted to UTC");
    assert_eq!(talks["date_precision"], "second");
    assert_eq!(talks["sources"], serde_json::json!(["AP", "Reuters"]));
    assert_eq!(talks["pages"][0]["published"], "2024-10-29T00:00:00Z");
    assert_eq!(talks["pages"][0]["updated"], "2024-10-30T08:00:00Z");
    let undated = rows.iter().find(|d| d["title"] == "Undated note").unwrap();
    assert!(undated.get("date").is_none() && undated.get("date_precision").is_none(), "undated: no date at all");

    let targeted = lines(&export(&t.index(), &["--format", "opensearch-bulk", "--target", "news-2024"]));
    assert!(targeted.iter().step_by(2).all(|a| a["index"]["_index"] == "news-2024"));
}

#[test]
fn batches_split_the_export_into_files_of_whole_pairs() {
    let t = seed_index();
    let dir = t.path().join("parts");
    let out = newsdex()
        .args(["export", "--format", "opensearch-bulk", "--batch-size", "4", "--out"])
        .arg(&dir)
        .arg("--index")
        .arg(t.index())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut names: Vec<String> =
        fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["part-00001.bulk.ndjson", "part-00002.bulk.ndjson", "part-00003.bulk.ndjson"]);
    let sizes: Vec<usize> = names.iter().map(|n| fs::read_to_string(dir.join(n)).unwrap().lines().count()).collect();
    assert_eq!(sizes, [8, 8, 2], "4 + 4 + 1 entries, two lines each");
}

#[test]
fn quickwit_export_fits_the_shipped_index_config() {
    let t = seed_index();
    let docs = lines(&export(&t.index(), &["--format", "quickwit"]));
    assert_eq!(docs.len(), 9);
    let config = quickwit_config();
    assert_eq!(config["version"].as_f64(), Some(0.9));
    let mapping = &config["doc_mapping"];
    assert_eq!(mapping["mode"], "strict");
    assert_eq!(mapping["timestamp_field"], "date");
    assert_eq!(mapping["tag_fields"], serde_json::json!(["sources"]));
    let fields: Vec<&Value> = mapping["field_mappings"].as_array().unwrap().iter().collect();
    let field = |name: &str| fields.iter().find(|f| f["name"] == name).copied();
    let tokenizers: Vec<&str> =
        mapping["tokenizers"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    for f in &fields {
        if f["type"] == "text" {
            let tokenizer = f["tokenizer"].as_str().unwrap();
            assert!(["raw", "default"].contains(&tokenizer) || tokenizers.contains(&tokenizer), "{tokenizer}");
        }
    }
    for name in ["title", "body", "title_terms", "body_terms"] {
        let f = field(name).unwrap();
        assert_eq!(f["record"], "position", "{name}: phrases need positions");
        assert_eq!(f["fieldnorms"], true, "{name}: BM25 needs fieldnorms");
    }
    assert_eq!(field("date").unwrap()["input_formats"], serde_json::json!(["rfc3339"]));
    for doc in &docs {
        for (key, value) in doc.as_object().unwrap() {
            let f = field(key).unwrap_or_else(|| panic!("{key} is exported but not in the Quickwit config"));
            match f["type"].as_str().unwrap() {
                "text" => assert!(value.is_string(), "{key}: {value}"),
                "array<text>" => assert!(value.as_array().unwrap().iter().all(Value::is_string), "{key}"),
                "datetime" => assert!(is_rfc3339(value), "{key}: {value}"),
                "array<json>" => assert!(value.as_array().unwrap().iter().all(Value::is_object), "{key}"),
                other => panic!("{key}: unexpected type {other}"),
            }
        }
    }
    let talks = docs.iter().find(|d| d["title"] == "Milanović's talks").unwrap();
    assert_eq!(talks["title_terms"], "milanov talk", "newsdex's own stems: possessive dropped, folded, stemmed");
    assert!(talks["body_terms"].as_str().unwrap().starts_with("croatia presid said tank would follow ap and reuter"));
}

#[test]
fn export_takes_the_query_and_filters_of_search() {
    let t = seed_index();
    let (_, hits) = t.search_json(&["troops", "--limit", "100"]);
    let mut want: Vec<String> = hits["hits"].as_array().unwrap().iter().map(|h| h["id"].to_string()).collect();
    let mut got: Vec<String> = lines(&export(&t.index(), &["troops"])).iter().map(|d| d["id"].to_string()).collect();
    want.sort();
    got.sort();
    assert!(!want.is_empty());
    assert_eq!(got, want, "export writes exactly the entries search finds");
    let reuters = lines(&export(&t.index(), &["--source", "reuters"]));
    assert_eq!(reuters.len(), 8, "every entry but the undated note credits Reuters");
    let jane = lines(&export(&t.index(), &["author:\"Jane Doe\"", "--from", "2024-10-29"]));
    assert_eq!(jane.len(), 1);
    assert_eq!(jane[0]["title"], "Milanović's talks");
    assert!(lines(&export(&t.index(), &["--from", "2030"])).is_empty());
    let out = newsdex().args(["export", "titel:x", "--index"]).arg(t.index()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("try title:x"));
}

/// The query mix of the benchmarks (or a few of its kinds when ../shared is absent):
/// (query, extra arguments).
fn query_mix() -> Vec<(String, Vec<String>)> {
    let Some(shared) = shared() else {
        eprintln!("../shared is absent: the round trip runs a small query mix");
        return ["troops", "\"prime minister\"", "iraq OR iran", "oil -opec", "ukrain*"]
            .iter()
            .map(|q| (q.to_string(), Vec::new()))
            .collect();
    };
    let text = fs::read_to_string(shared.join("bench/queries.tsv")).unwrap();
    text.lines()
        .skip(1)
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            let mut args = Vec::new();
            for (flag, col) in [("--from", 3), ("--to", 4), ("--source", 5)] {
                if let Some(v) = cols.get(col).filter(|v| !v.is_empty()) {
                    args.push(flag.to_string());
                    args.push(v.to_string());
                }
            }
            (cols[2].to_string(), args)
        })
        .collect()
}

#[test]
fn ndjson_round_trip_keeps_ids_and_order_for_the_query_mix() {
    let t = TestDir::new();
    for f in ["wikinews.ndjson", "dw-ukraine-liveblog-2024-10-28.txt"] {
        t.add(&root().join("corpus").join(f));
    }
    t.build();
    let again = TestDir::new();
    fs::create_dir_all(again.corpus()).unwrap();
    fs::write(again.corpus().join("export.ndjson"), export(&t.index(), &["--format", "ndjson"])).unwrap();
    again.build();
    let mut compared = 0;
    for (query, args) in query_mix() {
        let mut a: Vec<&str> = vec![&query, "--limit", "20"];
        a.extend(args.iter().map(String::as_str));
        let ids = |dir: &TestDir| -> (Value, Vec<Value>) {
            let (_, doc) = dir.search_json(&a);
            (
                doc["total"].clone(),
                doc["hits"].as_array().cloned().unwrap_or_default().iter().map(|h| h["id"].clone()).collect(),
            )
        };
        let before = ids(&t);
        assert_eq!(ids(&again), before, "{query} {args:?}");
        compared += usize::from(!before.1.is_empty());
    }
    assert!(compared >= 5, "the mix must find something ({compared} queries did)");
}

/// Every field a request body names, with where it is named.
fn named_fields(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                match k.as_str() {
                    "match" | "match_phrase" | "prefix" | "fuzzy" | "term" | "terms" | "range" | "intervals" => {
                        // An aggregation's `terms` names its field under "field" (below).
                        if let Some(inner) = child.as_object().filter(|m| !m.contains_key("field")) {
                            out.extend(
                                inner
                                    .keys()
                                    .filter(|f| !["query", "ordered", "max_gaps"].contains(&f.as_str()))
                                    .cloned(),
                            );
                        }
                    }
                    "field" => {
                        out.insert(child.as_str().unwrap_or_default().to_string());
                    }
                    _ => {}
                }
                named_fields(child, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| named_fields(i, out)),
        _ => {}
    }
}

fn mapped(mapping: &Value, path: &str) -> bool {
    let mut parts = path.split('.');
    let Some(first) = parts.next() else { return false };
    let mut node = &mapping["properties"][first];
    for p in parts {
        node = if node["fields"][p].is_object() { &node["fields"][p] } else { &node["properties"][p] };
    }
    node.is_object()
}

#[test]
fn explain_opensearch_names_only_mapped_fields_and_turns_facets_into_aggregations() {
    let t = seed_index();
    let out = t.search(&[
        "--explain",
        "opensearch",
        "\"north korean\"~2 title:troops =universe ukrain* zelensky~ (rutte NEAR/5 desperation) -source:AP author:kb kind:update date:2024-10",
        "--from",
        "2024-10-28",
        "--source",
        "Reuters",
        "--facets",
        "--sort",
        "newest",
        "--limit",
        "5",
        "--offset",
        "10",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let body: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut fields = BTreeSet::new();
    named_fields(&body, &mut fields);
    let mapping = opensearch_mapping();
    for f in &fields {
        assert!(mapped(&mapping, f), "the request names {f}, which the mapping lacks");
    }
    assert!(fields.contains("body.exact") && fields.contains("sources.folded") && fields.contains("date"));
    assert_eq!((body["from"].as_u64(), body["size"].as_u64()), (Some(10), Some(5)));
    assert_eq!(body["sort"][0]["date"]["order"], "desc");
    assert_eq!(body["aggs"]["timeline"]["date_histogram"]["calendar_interval"], "day");
    assert_eq!(body["aggs"]["sources"]["terms"]["field"], "sources");
    assert_eq!(body["query"]["bool"]["filter"][0]["range"]["date"]["gte"], "2024-10-28T00:00:00Z");
    assert_eq!(body["query"]["bool"]["filter"][1]["terms"]["sources.folded"], serde_json::json!(["reuters"]));
    let notes = String::from_utf8_lossy(&out.stderr);
    assert!(notes.contains("note: NEAR/5"), "what differs is said: {notes}");
}

#[test]
fn explain_quickwit_uses_the_stemmed_copies_and_the_timestamp_bounds() {
    let t = seed_index();
    let out =
        t.search(&["--explain", "quickwit", "\"North Korean troops\"", "--from", "2024-10-28", "--to", "2024-10-28"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let body: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        body["query"],
        "(title_terms:\"north korean troop\" OR body_terms:\"north korean troop\") AND date:[2024-10-28T00:00:00Z TO 2024-10-29T00:00:00Z}"
    );
    assert_eq!(
        (body["start_timestamp"].as_i64(), body["end_timestamp"].as_i64()),
        (Some(1730073600), Some(1730160000))
    );
    assert_eq!(body["sort_by"], "_score");
    // Every field the query names is one the shipped index config defines.
    let config = quickwit_config();
    let names: Vec<&str> = config["doc_mapping"]["field_mappings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    let query = body["query"].as_str().unwrap();
    let mut named = 0;
    for (at, _) in query.match_indices(':') {
        let start = query[..at].rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).map_or(0, |i| i + 1);
        let field = &query[start..at];
        let clause_start = query[..start].chars().last().is_none_or(|c| c == ' ' || c == '(');
        if !field.is_empty() && clause_start {
            assert!(names.contains(&field), "{field} is not in the Quickwit config");
            named += 1;
        }
    }
    assert_eq!(named, 3, "title_terms, body_terms and date: {query}");
}

#[test]
fn explain_needs_no_index_and_refuses_bad_queries() {
    let t = TestDir::new();
    let out = t.search(&["--explain", "opensearch", "troops"]);
    assert!(out.status.success(), "no index is needed: {}", String::from_utf8_lossy(&out.stderr));
    let out = t.search(&["--explain", "quickwit", "\"unbalanced"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unbalanced quote"));
}
