#!/usr/bin/env python3
"""Measures two newsdex binaries against each other on one corpus, alternating every run so
that both see the same state of a shared machine: build time, CPU time, peak RSS and index
size; then the query mix, `took_ms` and whole-process wall time.

    python3 benches/before_after.py --before OLD_BIN --after NEW_BIN \
        --corpus /tmp/newsdex-perf-corpus-100000 [--queries ../shared/bench/queries.tsv]

The corpus is one made by ../shared/bench/gen_corpus.py (its pages/ folder is indexed, its
entries.ndjson gives the text size). Each binary builds its own index in a temporary folder,
so two index formats can be compared.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time


def text_bytes(corpus):
    total = 0
    with open(os.path.join(corpus, "entries.ndjson")) as f:
        for line in f:
            e = json.loads(line)
            total += len(e["title"].encode()) + len(e["body"].encode())
    return total


def build(binary, pages, index):
    shutil.rmtree(index, ignore_errors=True)
    started = time.monotonic()
    p = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", binary, "index", pages, "--index", index, "--quiet"],
                       capture_output=True, text=True, check=True)
    wall = time.monotonic() - started
    user, system, rss = p.stderr.strip().splitlines()[-1].split()
    return wall, float(user) + float(system), int(rss) / 1024


def folder_size(path):
    return sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(path) for f in fs)


def read_queries(path):
    out = []
    with open(path) as f:
        f.readline()
        for line in f:
            if line.strip():
                qid, kind, q, a, b, s = (line.rstrip("\n").split("\t") + [""] * 6)[:6]
                out.append((qid, q, a, b, s))
    return out


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
    text = text_bytes(args.corpus)
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
                  f"index {folder_size(index) / text:.3f}x the text")
        queries = read_queries(args.queries)
        took = {name: {} for name, _, _ in sides}
        walls = {name: [] for name, _, _ in sides}
        for _ in range(args.runs):
            for qid, q, a, b, s in queries:
                for name, binary, index in sides:
                    cmd = [binary, "search", "--index", index, "--json", "--limit", "10", q]
                    if a:
                        cmd += ["--from", a, "--to", b]
                    if s:
                        cmd += ["--source", s]
                    started = time.monotonic()
                    p = subprocess.run(cmd, capture_output=True, text=True)
                    walls[name].append((time.monotonic() - started) * 1000)
                    took[name].setdefault(qid, []).append(json.loads(p.stdout)["took_ms"])
        for name, _, _ in sides:
            medians = [statistics.median(v[1:] or v) for v in took[name].values()]
            print(f"{name:6s} took_ms median over the mix {statistics.median(medians):.3f} ms, "
                  f"whole process median {statistics.median(walls[name]):.1f} ms")


if __name__ == "__main__":
    main()
