//! Indexing throughput: parse and index a generated live-blog corpus from scratch, in one
//! commit, with the default options (all cores). Reported in bytes of entry text per second.
//!
//! `NEWSDEX_BENCH_ENTRIES` sets the corpus size (default 20,000 entries).

mod support;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use newsdex::index::writer::{build, BuildOptions, Silent};

fn indexing(c: &mut Criterion) {
    let entries = std::env::var("NEWSDEX_BENCH_ENTRIES").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000);
    let corpus = support::generate(entries, 7);
    let mut group = c.benchmark_group("index");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(corpus.text_bytes));
    let index = corpus.scratch("index");
    let options = BuildOptions { rebuild: true, ..BuildOptions::default() };
    group.bench_function(format!("build_{}_entries", corpus.entries), |b| {
        b.iter(|| build(&corpus.pages(), &index, &options, &Silent).expect("build"))
    });
    group.finish();
}

criterion_group!(benches, indexing);
criterion_main!(benches);
