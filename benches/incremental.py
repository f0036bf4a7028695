#!/usr/bin/env python3
"""Indexing benchmark: full build, re-runs (unchanged, a few changes, every file touched) and
peak memory of `newsdex index`, with SQLite FTS5 building the same entries in the same run as
the peer (the machine is shared: figures are meaningful as ratios).

Usage:
  benches/incremental.py --corpus DIR --newsdex BIN [--tantivy BIN] [--work DIR] [--changed 0.01]
                         [--report FILE]

With --tantivy (a tantivy-cli binary), tantivy-cli builds the same entries too, with the same
kind of schema (title and body with positions and English stemming, date, sources) and two
indexing threads, as a second peer.

DIR holds pages/ and entries.ndjson as written by ../shared/bench/gen_corpus.py. The pages are
not modified: the runs work on a copy made of hard links, and changed files are written anew
(new inodes), so only the copy sees the changes. Touching every file (the last scenario) does
set the modification times of the originals (the content stays).
"""

import argparse
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time


def measured(argv):
    """Runs a command; returns (wall seconds, peak RSS bytes, stderr text)."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("failed: %s\n%s" % (" ".join(argv), err.decode(errors="replace")))
    lines = err.decode(errors="replace").strip().splitlines()
    return wall, usage.ru_maxrss * 1024, lines[-1] if lines else ""


def fts5_build(entries_path, db_path):
    """The peer, in a child process so that its memory is its own."""
    if os.path.exists(db_path):
        os.remove(db_path)
    db = sqlite3.connect(db_path)
    db.execute("CREATE VIRTUAL TABLE entries USING fts5(title, body, date UNINDEXED, sources, "
               "tokenize = 'porter unicode61')")
    with db, open(entries_path, encoding="utf-8") as f:
        rows = (json.loads(line) for line in f if line.strip())
        db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?)",
                       ((e["title"], e["body"], e["date"], " ".join(e["sources"])) for e in rows))
    db.close()


def tantivy_build(binary, entries_path, work):
    """The second peer: tantivy-cli indexing the entries. Returns (wall, peak RSS)."""
    docs = os.path.join(work, "tantivy-docs.ndjson")
    with open(entries_path, encoding="utf-8") as src, open(docs, "w", encoding="utf-8") as out:
        for line in src:
            if line.strip():
                e = json.loads(line)
                out.write(json.dumps({"title": e["title"], "body": e["body"], "date": e["date"] + "T00:00:00Z",
                                      "sources": e["sources"]}, ensure_ascii=False) + "\n")
    text = {"indexing": {"record": "position", "fieldnorms": True, "tokenizer": "en_stem"}, "stored": True}
    meta = {
        "index_settings": {"docstore_compression": "lz4"},
        "segments": [],
        "opstamp": 0,
        "schema": [
            {"name": "title", "type": "text", "options": text},
            {"name": "body", "type": "text", "options": text},
            {"name": "date", "type": "date", "options": {
                "indexed": False, "fieldnorms": False, "fast": True, "stored": True, "precision": "seconds"}},
            {"name": "sources", "type": "text", "options": {
                "indexing": {"record": "basic", "fieldnorms": False, "tokenizer": "raw"}, "stored": True}},
        ],
    }
    index = os.path.join(work, "tantivy-index")
    shutil.rmtree(index, ignore_errors=True)
    os.makedirs(index)
    with open(os.path.join(index, "meta.json"), "w") as f:
        json.dump(meta, f)
    wall, rss, _ = measured([binary, "index", "-i", index, "-t", "2", "-f", docs])
    os.remove(docs)
    shutil.rmtree(index, ignore_errors=True)
    return wall, rss


def files_under(root):
    return sorted(os.path.join(r, n) for r, _, names in os.walk(root) for n in names)


def rewrite(path, text):
    """Writes a file as a new inode (the hard-linked original keeps its content)."""
    tmp = path + ".tmp-bench"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--newsdex", required=True)
    ap.add_argument("--tantivy")
    ap.add_argument("--work")
    ap.add_argument("--changed", type=float, default=0.01, help="share of files changed between runs")
    ap.add_argument("--report")
    ap.add_argument("--fts5-build", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.fts5_build:
        fts5_build(*args.fts5_build)
        return

    work = args.work or tempfile.mkdtemp(prefix="newsdex-incremental-")
    os.makedirs(work, exist_ok=True)
    pages = os.path.join(work, "pages")
    shutil.rmtree(pages, ignore_errors=True)
    subprocess.run(["cp", "-al", os.path.join(args.corpus, "pages"), pages], check=True)
    index = os.path.join(work, "index")
    shutil.rmtree(index, ignore_errors=True)
    entries = sum(1 for _ in open(os.path.join(args.corpus, "entries.ndjson"), encoding="utf-8"))
    files = files_under(pages)
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    log("%d files, %d entries; work folder %s" % (len(files), entries, work))
    # Files written in the last two seconds are confirmed by content on the next run; let the
    # copy age past that so that the unchanged re-run is a true no-op.
    time.sleep(2.5)

    rows = []
    index_cmd = [args.newsdex, "index", pages, "--index", index, "--quiet"]

    wall, rss, line = measured(index_cmd)
    full = wall
    rows.append(("full build (empty index)", wall, rss, line))
    log("full: %.1f s" % wall)

    fts_wall, fts_rss, _ = measured([sys.executable, __file__, "--corpus", args.corpus, "--newsdex", args.newsdex,
                                     "--fts5-build", os.path.join(args.corpus, "entries.ndjson"),
                                     os.path.join(work, "fts5.db")])
    log("FTS5: %.1f s" % fts_wall)
    os.remove(os.path.join(work, "fts5.db"))
    tv = tantivy_build(args.tantivy, os.path.join(args.corpus, "entries.ndjson"), work) if args.tantivy else None
    if tv:
        log("tantivy-cli: %.1f s" % tv[0])

    wall, rss, line = measured(index_cmd)
    rows.append(("re-run, nothing changed", wall, rss, line))

    rng = random.Random(1)
    n = max(1, int(len(files) * args.changed))
    picked = rng.sample(files, 3 * n)
    for path in picked[:n]:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        rewrite(path, text.replace("\n\nhttps://p.dw.com/p/", " A correction was added.\n\nhttps://p.dw.com/p/", 1))
    for path in picked[n:2 * n]:
        os.remove(path)
    for path in picked[2 * n:]:
        shutil.copyfile(path, path[:-4] + "-recapture.txt")
    time.sleep(2.5)
    wall, rss, line = measured(index_cmd)
    rows.append(("re-run, %d changed + %d deleted + %d re-captured files" % (n, n, n), wall, rss, line))

    now = time.time()
    for path in files_under(pages):
        os.utime(path, (now - 10, now - 10))
    wall, rss, line = measured(index_cmd)
    rows.append(("re-run, every file touched (content unchanged)", wall, rss, line))

    out = ["### %d entries (%d files)\n" % (entries, len(files)),
           "| run | wall (s) | vs full build | peak RSS (MiB) |", "|---|---|---|---|"]
    for name, wall, rss, _ in rows:
        out.append("| %s | %.2f | %.1f%% | %.0f |" % (name, wall, 100 * wall / full, rss / 2**20))
    out.append("| *peer: SQLite FTS5 building the same entries from NDJSON* | %.2f | | %.0f |" % (fts_wall, fts_rss / 2**20))
    if tv:
        out.append("| *peer: tantivy-cli building the same entries from NDJSON* | %.2f | | %.0f |" % (tv[0], tv[1] / 2**20))
    out.append("")
    out.append("Full build: %.0f entries/s, %.2f× FTS5's speed%s measured in the same run." % (
        entries / full, fts_wall / full, " and %.2f× tantivy-cli's" % (tv[0] / full) if tv else ""))
    out.append("")
    out.append("Summary lines:")
    out.append("")
    for name, _, _, line in rows:
        out.append("- %s: `%s`" % (name, line))
    report = "\n".join(out) + "\n"
    print(report)
    if args.report:
        with open(args.report, "w", encoding="utf-8") as f:
            f.write(report)


if __name__ == "__main__":
    main()
