#!/usr/bin/env python3
"""Compare newsdex with SQLite FTS5 and tantivy-cli on one generated corpus, in one run.

Every system indexes the same entries (newsdex from the page files, as a user would; FTS5 and
tantivy-cli from the ground-truth NDJSON, their native input) and answers the same queries
(../shared/bench/queries.tsv): top 10, with snippets where the system makes them. Each build
and each query runs several times; medians of the warm runs are reported, and every figure is
also given as a ratio to newsdex measured in the same run, because the machine is shared.

Usage (see run.sh, which builds newsdex and finds or installs tantivy-cli first):
  compare.py --corpus DIR --newsdex BIN [--tantivy BIN] [--work DIR] [--runs N] [--build-runs N]
             [--queries FILE] [--report FILE]
DIR holds pages/ and entries.ndjson as written by gen_corpus.py. The indexes are built in a
temporary folder removed at the end, or in --work DIR, which is kept.
"""

import argparse
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


# ---------------------------------------------------------------- measuring a child process

# A child forked from this (large) Python process inherits its resident-set high-water mark
# through exec, so wait4's figure would report Python's memory, not the command's. GNU time
# forks the command from a small process and reports the command's own peak.
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def run_measured(argv, stdin=None, stdout=subprocess.DEVNULL, env=None):
    """Runs a command; returns (wall seconds, peak RSS in bytes, exit code, captured stdout)."""
    rss_file = None
    if GNU_TIME:
        fd, rss_file = tempfile.mkstemp(prefix="newsdex-rss-")
        os.close(fd)
        argv = [GNU_TIME, "-f", "%M", "-o", rss_file] + list(argv)
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, env=env)
    out = b""
    if stdout == subprocess.PIPE:
        out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    if code not in (0, 1):
        sys.stderr.write(err.decode(errors="replace"))
    peak = usage.ru_maxrss * 1024
    if rss_file:
        with open(rss_file) as f:
            lines = [line for line in f.read().split("\n") if line.strip().isdigit()]
        os.remove(rss_file)
        if lines:
            peak = int(lines[-1]) * 1024
    return wall, peak, code, out


def dir_size(path):
    return sum(os.path.getsize(os.path.join(r, n)) for r, _, names in os.walk(path) for n in names)


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else float("nan")


def warm(xs):
    """The warm runs: all but the first when there are several."""
    return xs[1:] if len(xs) > 1 else xs


# ---------------------------------------------------------------- inputs

def read_entries(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def read_queries(path):
    queries = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            if not line.strip():
                continue
            cells = line.rstrip("\n").split("\t")
            cells += [""] * (len(header) - len(cells))
            queries.append(dict(zip(header, cells)))
    return queries


# ---------------------------------------------------------------- SQLite FTS5

def fts5_build(entries_path, db_path):
    """Runs in a child process (see main) so that its memory is measured on its own."""
    entries = read_entries(entries_path)
    if os.path.exists(db_path):
        os.remove(db_path)
    db = sqlite3.connect(db_path)
    db.execute("CREATE VIRTUAL TABLE entries USING fts5(title, body, date UNINDEXED, sources, "
               "tokenize = 'porter unicode61')")
    with db:
        db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?)",
                       ((e["title"], e["body"], e["date"], " ".join(e["sources"])) for e in entries))
    db.close()


def fts5_match(query):
    """Our query syntax → an FTS5 MATCH expression: words and phrases quoted, OR kept,
    -word turned into NOT."""
    tokens = re.findall(r'-?"[^"]*"|\S+', query)
    positive, negative = [], []
    for tok in tokens:
        if tok == "OR":
            positive.append("OR")
        elif tok.startswith("-"):
            negative.append(tok[1:] if tok[1:].startswith('"') else '"%s"' % tok[1:])
        elif tok.startswith('"'):
            positive.append(tok)
        else:
            positive.append('"%s"' % tok.replace('"', ""))
    expr = " ".join(positive)
    for n in negative:
        expr = "(%s) NOT %s" % (expr, n)
    return expr


def fts5_query_ms(db, q):
    sql = ("SELECT title, snippet(entries, 1, '[', ']', '…', 16) FROM entries "
           "WHERE entries MATCH ?")
    args = [fts5_match(q["query"]) + (' AND sources:"%s"' % q["source"] if q["source"] else "")]
    if q["from"]:
        sql += " AND date >= ? AND date <= ?"
        args += [q["from"], q["to"]]
    sql += " ORDER BY bm25(entries) LIMIT 10"
    start = time.perf_counter()
    db.execute(sql, args).fetchall()
    return (time.perf_counter() - start) * 1000


# ---------------------------------------------------------------- tantivy-cli

TANTIVY_META = {
    "index_settings": {"docstore_compression": "lz4", "docstore_blocksize": 16384},
    "segments": [],
    "schema": [
        {"name": "title", "type": "text", "options": {
            "indexing": {"record": "position", "fieldnorms": True, "tokenizer": "en_stem"},
            "stored": True, "fast": False}},
        {"name": "body", "type": "text", "options": {
            "indexing": {"record": "position", "fieldnorms": True, "tokenizer": "en_stem"},
            "stored": True, "fast": False}},
        {"name": "date", "type": "date", "options": {
            "indexed": False, "fieldnorms": False, "fast": True, "stored": True, "precision": "seconds"}},
        {"name": "sources", "type": "text", "options": {
            "indexing": {"record": "basic", "fieldnorms": False, "tokenizer": "raw"},
            "stored": True, "fast": False}},
    ],
    "opstamp": 0,
}


def tantivy_docs(entries, path):
    with open(path, "w", encoding="utf-8") as f:
        for e in entries:
            f.write(json.dumps({"title": e["title"], "body": e["body"], "date": e["date"] + "T00:00:00Z",
                                "sources": e["sources"]}, ensure_ascii=False) + "\n")


def tantivy_query(q):
    """Our query → tantivy's parser syntax. Its parser joins bare clauses with OR, so each
    clause of a query without OR is marked required, as newsdex requires them."""
    clauses = re.findall(r'-?"[^"]*"|\S+', q["query"])
    if "OR" not in clauses:
        clauses = [c if c.startswith("-") else "+" + c for c in clauses]
    text = " ".join(clauses)
    if q["from"]:
        text = "(%s) AND date:[%sT00:00:00Z TO %sT23:59:59Z]" % (text, q["from"], q["to"])
    if q["source"]:
        text = "(%s) AND sources:%s" % (text, q["source"])
    return text


def tantivy_bench(binary, index, queries, runs, work):
    """Per query, the warm median of `tantivy bench` (top 10 + exact count), in ms."""
    qfile = os.path.join(work, "tantivy-queries.txt")
    with open(qfile, "w", encoding="utf-8") as f:
        for q in queries:
            f.write(tantivy_query(q) + "\n")
    out = subprocess.run([binary, "bench", "-i", index, "-q", qfile, "-n", str(runs + 1)],
                         capture_output=True, text=True, check=True).stdout
    search_part = out.split("FETCH STORE")[0]
    times = {}
    for line in search_part.splitlines():
        cells = line.split("\t")
        if len(cells) == 3 and cells[2].strip().isdigit():
            times.setdefault(cells[0], []).append(int(cells[2]) / 1000.0)
    return {q["id"]: median(warm(times.get(tantivy_query(q), []))) for q in queries}


# ---------------------------------------------------------------- newsdex

def newsdex_query(binary, index, q, runs, facets):
    argv = [binary, "search", "--index", index, "--json", "--limit", "10", "--", q["query"]]
    extra = []
    if q["from"]:
        extra += ["--from", q["from"], "--to", q["to"]]
    if q["source"]:
        extra += ["--source", q["source"]]
    if facets:
        extra += ["--facets"]
    argv = argv[:-2] + extra + argv[-2:]
    took, walls, rss = [], [], []
    for _ in range(runs + 1):
        wall, peak, code, out = run_measured(argv, stdout=subprocess.PIPE)
        walls.append(wall * 1000)
        rss.append(peak)
        try:
            took.append(float(json.loads(out)["took_ms"]))
        except (ValueError, KeyError):
            took.append(None)
    return median(warm(took)), median(warm(walls)), max(rss)


def supports(binary, flag):
    out = subprocess.run([binary, "search", "--help"], capture_output=True, text=True).stdout
    return flag in out


# ---------------------------------------------------------------- report

def fmt_ratio(peer, ours):
    if not peer or not ours or peer != peer or ours != ours:
        return "–"
    return "%.1f×" % (peer / ours)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--newsdex", required=True)
    ap.add_argument("--tantivy")
    ap.add_argument("--work")
    ap.add_argument("--runs", type=int, default=5, help="warm runs per query (plus one cold)")
    ap.add_argument("--build-runs", type=int, default=1)
    ap.add_argument("--queries", default=os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "bench", "queries.tsv")))
    ap.add_argument("--report")
    ap.add_argument("--fts5-build", nargs=2, metavar=("ENTRIES", "DB"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.fts5_build:
        fts5_build(*args.fts5_build)
        return

    # A work folder of our own goes when the comparison ends: at 1M entries it holds ~10 GB
    # (the FTS5 database, tantivy-cli's input and index, newsdex's index).
    work = args.work or tempfile.mkdtemp(prefix="newsdex-compare-")
    os.makedirs(work, exist_ok=True)
    try:
        compare(args, work)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


def compare(args, work):
    """Builds the three indexes in `work`, runs the queries and prints the report."""
    pages = os.path.join(args.corpus, "pages")
    entries_path = os.path.join(args.corpus, "entries.ndjson")
    entries = read_entries(entries_path)
    text_bytes = sum(len(e["title"].encode()) + len(e["body"].encode()) for e in entries)
    queries = read_queries(args.queries)
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    log("corpus: %d entries, %.1f MB of title+body text; work folder %s" % (len(entries), text_bytes / 1e6, work))

    # ---- builds
    builds = {}
    nd_index = os.path.join(work, "newsdex")
    times, peaks = [], []
    for _ in range(args.build_runs):
        shutil.rmtree(nd_index, ignore_errors=True)
        wall, peak, code, _ = run_measured([args.newsdex, "index", pages, "--index", nd_index, "--quiet"])
        if code != 0:
            sys.exit("newsdex index failed")
        times.append(wall)
        peaks.append(peak)
    builds["newsdex"] = (median(times), max(peaks), dir_size(nd_index))
    log("newsdex built in %.1f s" % builds["newsdex"][0])

    db_path = os.path.join(work, "fts5.db")
    times, peaks = [], []
    for _ in range(args.build_runs):
        wall, peak, code, _ = run_measured([sys.executable, __file__, "--corpus", args.corpus, "--newsdex",
                                            args.newsdex, "--fts5-build", entries_path, db_path])
        times.append(wall)
        peaks.append(peak)
    builds["SQLite FTS5"] = (median(times), max(peaks), os.path.getsize(db_path))
    log("FTS5 built in %.1f s" % builds["SQLite FTS5"][0])

    tv_index = os.path.join(work, "tantivy")
    if args.tantivy:
        docs = os.path.join(work, "tantivy-docs.ndjson")
        tantivy_docs(entries, docs)
        times, peaks = [], []
        for _ in range(args.build_runs):
            shutil.rmtree(tv_index, ignore_errors=True)
            os.makedirs(tv_index)
            with open(os.path.join(tv_index, "meta.json"), "w") as f:
                json.dump(TANTIVY_META, f)
            wall, peak, code, _ = run_measured([args.tantivy, "index", "-i", tv_index, "-t", "2", "-f", docs])
            if code != 0:
                sys.exit("tantivy index failed")
            times.append(wall)
            peaks.append(peak)
        builds["tantivy-cli"] = (median(times), max(peaks), dir_size(tv_index))
        log("tantivy-cli built in %.1f s" % builds["tantivy-cli"][0])

    # ---- queries
    facets = supports(args.newsdex, "--facets")
    db = sqlite3.connect(db_path)
    rows = []
    search_rss = 0
    for q in queries:
        took, wall, rss = newsdex_query(args.newsdex, nd_index, q, args.runs, False)
        search_rss = max(search_rss, rss)
        took_f = newsdex_query(args.newsdex, nd_index, q, args.runs, True)[0] if facets else None
        fts = median(warm([fts5_query_ms(db, q) for _ in range(args.runs + 1)]))
        rows.append({"id": q["id"], "kind": q["kind"], "newsdex": took, "wall": wall, "facets": took_f, "fts5": fts})
        log("%s %-12s newsdex %.3f ms (wall %.1f)  FTS5 %.3f ms" % (q["id"], q["kind"], took, wall, fts))
    if args.tantivy:
        tv = tantivy_bench(args.tantivy, tv_index, queries, args.runs, work)
        for r in rows:
            r["tantivy"] = tv.get(r["id"])

    # ---- report
    out = []
    out.append("## newsdex vs SQLite FTS5 vs tantivy-cli: %d entries (%.0f MB of text)\n" % (len(entries), text_bytes / 1e6))
    out.append("| system | build (s) | entries/s | build speed vs newsdex | index size / text | peak RSS building (MiB) |")
    out.append("|---|---|---|---|---|---|")
    ours = builds["newsdex"][0]
    for name, (secs, peak, size) in builds.items():
        out.append("| %s | %.1f | %.0f | %s | %.2f× | %.0f |" % (
            name, secs, len(entries) / secs, "1.0×" if name == "newsdex" else "newsdex is %s" % fmt_ratio(secs, ours),
            size / text_bytes, peak / 2**20))
    out.append("")
    kinds = []
    for r in rows:
        if r["kind"] not in kinds:
            kinds.append(r["kind"])
    has_tv = bool(args.tantivy)
    head = "| query kind | newsdex (ms) |" + (" with --facets (ms) |" if facets else "") + \
           " FTS5 (ms) | FTS5 / newsdex |" + (" tantivy-cli (ms) | tantivy-cli / newsdex |" if has_tv else "")
    out.append(head)
    out.append("|" + "---|" * (head.count("|") - 1))
    for kind in kinds + ["all"]:
        sel = [r for r in rows if r["kind"] == kind or kind == "all"]
        nd = median([r["newsdex"] for r in sel])
        line = "| %s | %.3f |" % ("**median of the mix**" if kind == "all" else kind, nd)
        if facets:
            line += " %.3f |" % median([r["facets"] for r in sel])
        f5 = median([r["fts5"] for r in sel])
        line += " %.3f | %s |" % (f5, fmt_ratio(f5, nd))
        if has_tv:
            t = median([r.get("tantivy") for r in sel])
            line += " %.3f | %s |" % (t, fmt_ratio(t, nd))
        out.append(line)
    out.append("")
    out.append("newsdex whole-process search (start, open, search, snippets, print): median %.1f ms wall; "
               "peak RSS of a search process %.0f MiB." % (median([r["wall"] for r in rows]), search_rss / 2**20))
    out.append("newsdex times are the engine's `took_ms` (top 10 with snippets and JSON); FTS5 runs top 10 with "
               "`snippet()` in-process; tantivy-cli runs `tantivy bench` (top 10 + exact count, no snippets). "
               "Medians over %d warm runs per query." % args.runs)
    report = "\n".join(out) + "\n"
    print(report)
    if args.report:
        with open(args.report, "w", encoding="utf-8") as f:
            f.write(report)


if __name__ == "__main__":
    main()
