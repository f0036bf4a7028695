#!/usr/bin/env python3
"""Measures two newsdex binaries against each other on one corpus, taking turns build by build
and query by query so that both see the same state of a shared machine: build time, CPU time,
peak RSS and index size; then the query mix, `took_ms` and whole-process wall time.

    python3 benches/before_after.py --before OLD_BIN --after NEW_BIN \
        --corpus /tmp/newsdex-perf-corpus-100000 [--queries ../shared/bench/queries.tsv]

The corpus is one made by ../shared/bench/gen_corpus.py (its pages/ folder is indexed, its
entries.ndjson gives the text size). Each binary builds its own index in a temporary folder,
so two index formats can be compared. Queries run as compare/compare.py runs newsdex's.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "compare"))
from compare import dir_size, newsdex_query, read_entries, read_queries  # noqa: E402


def build(binary, pages, index):
    """Builds an index; returns wall seconds, CPU seconds and peak RSS in MiB (GNU time)."""
    shutil.rmtree(index, ignore_errors=True)
    started = time.monotonic()
    p = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", binary, "index", pages, "--index", index, "--quiet"],
                       capture_output=True, text=True, check=True)
    wall = time.monotonic() - started
    user, system, rss = p.stderr.strip().splitlines()[-1].split()
    return wall, float(user) + float(system), int(rss) / 1024


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", required=True)
    ap.add_argument("--after", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--queries", default=os.path.join(here, "..", "..", "shared", "bench", "queries.tsv"))
    ap.add_argument("--builds", type=int, default=2)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    pages = os.path.join(args.corpus, "pages")
    text = sum(len(e["title"].encode()) + len(e["body"].encode())
               for e in read_entries(os.path.join(args.corpus, "entries.ndjson")))
    with tempfile.TemporaryDirectory() as tmp:
        sides = [("before", args.before, os.path.join(tmp, "before")), ("after", args.after, os.path.join(tmp, "after"))]
        builds = {name: [] for name, _, _ in sides}
        for _ in range(args.builds):
            for name, binary, index in sides:
                builds[name].append(build(binary, pages, index))
        for name, _, index in sides:
            b = builds[name]
            print(f"{name:6s} build wall {statistics.median(w for w, _, _ in b):.1f} s, "
                  f"CPU {statistics.median(c for _, c, _ in b):.1f} s, peak RSS {max(m for _, _, m in b):.0f} MiB, "
                  f"index {dir_size(index) / text:.3f}x the text")
        # Query by query, each side in turn (warm runs, medians).
        took = {name: [] for name, _, _ in sides}
        walls = {name: [] for name, _, _ in sides}
        for q in read_queries(args.queries):
            for name, binary, index in sides:
                median_took, median_wall, _ = newsdex_query(binary, index, q, args.runs, False)
                took[name].append(median_took)
                walls[name].append(median_wall)
        for name, _, _ in sides:
            print(f"{name:6s} took_ms median over the mix {statistics.median(took[name]):.3f} ms, "
                  f"whole process median {statistics.median(walls[name]):.1f} ms")


if __name__ == "__main__":
    main()
