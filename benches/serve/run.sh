#!/usr/bin/env bash
# Load test of `newsdex serve` on loopback: requests/s and p50/p99 latency at 1, 8 and 64
# concurrent keep-alive clients (wrk, 10 s each), against the same searches run one process
# each by `newsdex search --json` (the peer measured in the same run).
#
#   benches/serve/run.sh [PAGES_DIR] [INDEX_DIR]
#
# Defaults: the generated 100k-entry corpus /tmp/newsdex-perf-corpus-100000/pages, indexed
# into /tmp/newsdex-serve-bench-index (built once). Needs wrk (apt-get install wrk) and a
# release build (cargo build --release).
set -euo pipefail
cd "$(dirname "$0")/../.."
PAGES=${1:-/tmp/newsdex-perf-corpus-100000/pages}
INDEX=${2:-/tmp/newsdex-serve-bench-index}
BIN=${NEWSDEX_BIN:-target/release/newsdex}
DURATION=${DURATION:-10s}
QUERIES=(minister "troops border" '"central bank"' "election OR parliament" ceasefire "harvest prices" sanctions "protest~")

[ -x "$BIN" ] || { echo "build first: cargo build --release" >&2; exit 2; }
command -v wrk >/dev/null || { echo "needs wrk: apt-get install wrk" >&2; exit 2; }
if [ ! -f "$INDEX/meta.json" ]; then
  echo "indexing $PAGES into $INDEX ..." >&2
  "$BIN" index "$PAGES" --index "$INDEX" --quiet >&2
fi
ENTRIES=$("$BIN" stats --json --index "$INDEX" | python3 -c 'import json,sys; print(json.load(sys.stdin)["entries"])')

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" serve --index "$INDEX" --addr "127.0.0.1:$PORT" --quiet 2>/dev/null &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.1; done

echo "entries: $ENTRIES; machine: $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
printf '| clients | requests | requests/s | p50 ms | p99 ms | errors |\n|---:|---:|---:|---:|---:|---:|\n'
for clients in 1 8 64; do
  threads=$(( clients < 2 ? 1 : 2 ))
  out=$(wrk -t"$threads" -c"$clients" -d"$DURATION" --latency -s benches/serve/queries.lua "http://127.0.0.1:$PORT")
  python3 - "$clients" "$out" <<'PY'
import re, sys
clients, out = sys.argv[1], sys.argv[2]
def ms(label):
    m = re.search(r"^\s*" + label + r"\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    v, unit = float(m.group(1)), m.group(2)
    return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
total = int(re.search(r"(\d+) requests in", out).group(1))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
errors = (int(bad.group(1)) if bad else 0) + (sum(map(int, sock.groups())) if sock else 0)
print(f"| {clients} | {total} | {rps:.0f} | {ms('50%'):.2f} | {ms('99%'):.2f} | {errors} |")
PY
done

# The peer: one `newsdex search --json` process per search (open the index, search, print).
ROUNDS=${ROUNDS:-5}
start=$(date +%s.%N)
n=0
for _ in $(seq "$ROUNDS"); do
  for q in "${QUERIES[@]}"; do
    "$BIN" search --json --index "$INDEX" -- "$q" >/dev/null || true
    n=$((n + 1))
  done
done
end=$(date +%s.%N)
python3 -c "import sys; n=$n; s=$end-$start; print(f'peer: newsdex search --json, one process per search, sequential: {n} searches, {n/s:.1f} searches/s, {1000*s/n:.1f} ms each')"
