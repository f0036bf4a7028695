#!/usr/bin/env python3
"""Figures for README "When one machine is not enough": entries per GB of index and
queries per second per core (engine time of the benchmark query mix, one query at a time;
newsdex answers each query on one thread).

  python3 benches/scaleout_figures.py --newsdex target/release/newsdex --index /tmp/idx-100k
"""
import argparse, json, os, subprocess

ap = argparse.ArgumentParser()
ap.add_argument("--newsdex", required=True)
ap.add_argument("--index", required=True)
ap.add_argument("--queries", default=os.path.join(os.path.dirname(__file__), "../../shared/bench/queries.tsv"))
ap.add_argument("--runs", type=int, default=3, help="runs per query; the fastest counts")
a = ap.parse_args()

size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(a.index) for f in fs)
stats = json.loads(subprocess.run([a.newsdex, "stats", "--index", a.index, "--json"], capture_output=True, text=True, check=True).stdout)
print(f"index: {size / 1e6:.1f} MB for {stats['entries']} entries = {stats['entries'] / (size / 1e9):,.0f} entries per GB")

times = []
for row in [l.rstrip("\n").split("\t") for l in open(a.queries)][1:]:
    args = [a.newsdex, "search", "--index", a.index, "--json", row[2]]
    for flag, col in (("--from", 3), ("--to", 4), ("--source", 5)):
        if len(row) > col and row[col]:
            args += [flag, row[col]]
    times.append(min(json.loads(subprocess.run(args, capture_output=True, text=True).stdout)["took_ms"] for _ in range(a.runs)))
times.sort()
mean = sum(times) / len(times)
print(f"{len(times)} queries: mean {mean:.1f} ms, median {times[len(times) // 2]:.1f} ms, "
      f"p90 {times[int(len(times) * 0.9)]:.1f} ms, max {times[-1]:.1f} ms -> {1000 / mean:.0f} queries/s per core")
