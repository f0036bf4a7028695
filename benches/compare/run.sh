#!/usr/bin/env bash
# Compares newsdex with SQLite FTS5 and tantivy-cli on a corpus made by gen_corpus.py.
#
#   benches/compare/run.sh [ENTRIES] [-- extra compare.py options]
#
# ENTRIES (default 100000) selects the corpus $TMPDIR/newsdex-perf-corpus-ENTRIES, generated
# with ../shared/bench/gen_corpus.py --seed 1 when missing (NEWSDEX_CORPUS=DIR uses another).
# tantivy-cli is taken from $TANTIVY_CLI, from PATH, or installed with `cargo install
# tantivy-cli` into benches/compare/.tools (set NO_INSTALL=1 to skip it instead).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
shared=$(cd "$root/../shared" 2>/dev/null && pwd || true)
entries=${1:-100000}
shift || true
[ "${1:-}" = "--" ] && shift

corpus=${NEWSDEX_CORPUS:-${TMPDIR:-/tmp}/newsdex-perf-corpus-$entries}
if [ ! -f "$corpus/entries.ndjson" ]; then
  [ -n "$shared" ] || { echo "no corpus at $corpus and no ../shared to generate one" >&2; exit 2; }
  echo "generating $entries entries into $corpus ..." >&2
  rm -rf "$corpus"
  python3 "$shared/bench/gen_corpus.py" --entries "$entries" --seed 1 --out "$corpus" >&2
fi

(cd "$root" && cargo build --release --quiet --bin newsdex)
newsdex="$(cd "$root" && cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release/newsdex"

tantivy=${TANTIVY_CLI:-$(command -v tantivy || true)}
if [ -z "$tantivy" ] && [ -x "$root/benches/compare/.tools/bin/tantivy" ]; then
  tantivy="$root/benches/compare/.tools/bin/tantivy"
fi
if [ -z "$tantivy" ] && [ -z "${NO_INSTALL:-}" ]; then
  echo "installing tantivy-cli into benches/compare/.tools ..." >&2
  cargo install --quiet tantivy-cli --root "$root/benches/compare/.tools" >&2 && tantivy="$root/benches/compare/.tools/bin/tantivy"
fi
args=(--corpus "$corpus" --newsdex "$newsdex")
[ -n "$tantivy" ] && args+=(--tantivy "$tantivy") || echo "tantivy-cli not available: comparing with FTS5 only" >&2
[ -n "$shared" ] && args+=(--queries "$shared/bench/queries.tsv")
exec python3 "$root/benches/compare/compare.py" "${args[@]}" "$@"
