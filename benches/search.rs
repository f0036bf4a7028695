//! Query latency per kind of query, the way `newsdex search --json` answers: compile, search,
//! count, fetch the top 10, make their snippets and render the JSON document — with and
//! without `--facets`. Each query of [`support::QUERIES`] is one benchmark, named by its kind.
//!
//! By default the benchmark generates a corpus (`NEWSDEX_BENCH_ENTRIES` entries, default
//! 20,000, fixed seed) and indexes it first, so it runs on a fresh clone. To measure an
//! existing index instead (for instance one built from a `gen_corpus.py` corpus of a million
//! entries), set `NEWSDEX_BENCH_INDEX=DIR`.

mod support;

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion};
use newsdex::date::{parse_bound, DateRange};
use newsdex::index::writer::{build, BuildOptions, Silent};
use newsdex::index::NewsIndex;
use newsdex::query::Filters;
use newsdex::render::json;
use newsdex::search::{search, SearchRequest};

fn request(q: &support::BenchQuery, facets: bool) -> SearchRequest {
    let bound = |s: Option<&str>| s.map(|s| parse_bound(s).expect("a valid date in the query mix"));
    let (from, to) = (bound(q.from), bound(q.to));
    SearchRequest {
        query: q.query.to_string(),
        filters: Filters {
            range: DateRange::between(from.as_ref(), to.as_ref()),
            sources: q.source.iter().map(|s| s.to_string()).collect(),
        },
        limit: 10,
        facets,
        ..SearchRequest::default()
    }
}

fn queries(c: &mut Criterion) {
    let (_corpus, path) = match std::env::var_os("NEWSDEX_BENCH_INDEX") {
        Some(dir) => (None, PathBuf::from(dir)),
        None => {
            let entries = std::env::var("NEWSDEX_BENCH_ENTRIES").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000);
            let corpus = support::generate(entries, 7);
            let path = corpus.scratch("index");
            build(&corpus.pages(), &path, &BuildOptions::default(), &Silent).expect("build the benchmark index");
            (Some(corpus), path)
        }
    };
    let index = NewsIndex::open(&path).expect("open the benchmark index");
    for facets in [false, true] {
        let mut group = c.benchmark_group(if facets { "search_facets" } else { "search" });
        group.sample_size(30);
        for (i, q) in support::QUERIES.iter().enumerate() {
            let request = request(q, facets);
            let mut out = Vec::with_capacity(64 * 1024);
            group.bench_function(format!("{:02}_{}", i + 1, q.kind), |b| {
                b.iter(|| {
                    let results = search(&index, &request).expect("search");
                    out.clear();
                    json::write_search(&mut out, &results).expect("render");
                    out.len()
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, queries);
criterion_main!(benches);
