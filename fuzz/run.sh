#!/usr/bin/env bash
# Runs one fuzz target for a number of seconds, seeded with the test fixtures of its format.
# Usage: fuzz/run.sh TARGET SECONDS [extra libFuzzer flags]
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly toolchain, or the stable one with
# NEWSDEX_FUZZ_TOOLCHAIN=stable RUSTC_BOOTSTRAP=1 (as .ci/run does when nightly cannot be had).
# New interesting inputs go to fuzz/corpus/TARGET (not committed); a crash leaves its input in
# fuzz/artifacts/TARGET, and `fuzz/target/x86_64-unknown-linux-gnu/release/TARGET FILE` replays it.
set -euo pipefail
cd "$(dirname "$0")"
target=$1
seconds=$2
shift 2
fixtures=../tests/fixtures
case $target in
    liveblog) seeds=("$fixtures"/layout-? "$fixtures"/bbc-live) ;;
    article) seeds=("$fixtures"/articles) ;;
    json) seeds=("$fixtures"/json "$fixtures"/query) ;;
    html) seeds=("$fixtures"/html) ;;
    feed) seeds=("$fixtures"/feeds) ;;
    date) seeds=(seeds/date) ;;
    query) seeds=(seeds/query) ;;
    store) seeds=(seeds/store "$fixtures"/json) ;;
    *) echo "unknown fuzz target $target" >&2; exit 2 ;;
esac
# Built once with `cargo fuzz build -O` (AddressSanitizer, coverage) and run directly, so that
# `cargo fuzz run`'s own build settings cannot trigger a second full build.
cargo "+${NEWSDEX_FUZZ_TOOLCHAIN:-nightly}" fuzz build -O "$target"
mkdir -p "corpus/$target" "artifacts/$target"
# Hangs (> 5 s for one input) and more than 2 GiB of memory count as failures.
exec "target/x86_64-unknown-linux-gnu/release/$target" "corpus/$target" "${seeds[@]}" \
    -artifact_prefix="artifacts/$target/" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 "$@"
