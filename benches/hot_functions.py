#!/usr/bin/env python3
"""Writes src/hot_functions.txt: the functions a `newsdex search` process runs, for the linker
to place side by side at the start of the binary's code (see build.rs).

Each query of ../shared/bench/queries.tsv (and a few other ways of searching: plain text
output, facets, newest first, a misspelling) is run once under `valgrind --tool=callgrind`
against an index built from a generated corpus. Every function of the binary that ran is
listed, those run by the most searches first, so that the code every search needs shares
as few pages as possible.

    cargo build --release
    python3 ../shared/bench/gen_corpus.py --entries 100000 --seed 1 --out /tmp/gen-100k
    target/release/newsdex index /tmp/gen-100k/pages --index /tmp/idx100k --quiet
    python3 benches/hot_functions.py --index /tmp/idx100k

Run it again after a dependency or the compiler changes (their symbols' names change with
them); a name the linker does not find is skipped.

Valgrind cannot run code that uses AVX-512, which the build for this machine's processor
may (`.cargo/config.toml`). There, profile a build for an older processor instead: the
functions keep their names (most of them; compare `nm` of both).

    CARGO_TARGET_DIR=/tmp/v3 RUSTFLAGS="-C target-cpu=x86-64-v3" cargo build --release
    python3 benches/hot_functions.py --index /tmp/idx100k --bin /tmp/v3/release/newsdex
"""
import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def searches(queries_tsv):
    """The argument lists to profile: the query mix, then other options."""
    out = []
    with open(queries_tsv) as f:
        f.readline()
        for line in f:
            if not line.strip():
                continue
            _qid, _kind, q, a, b, s = (line.rstrip("\n").split("\t") + [""] * 6)[:6]
            args = ["--json", "--limit", "10", q]
            if a:
                args += ["--from", a, "--to", b]
            if s:
                args += ["--source", s]
            out.append(args)
    out += [
        ["--limit", "10", "election"],
        ["--json", "--facets", "election"],
        ["--json", "--sort", "newest", "oil prices"],
        ["--json", "ukrian"],
    ]
    return out


def functions_run(callgrind_out, binary):
    """The mangled names of the functions of `binary` that ran, read from a callgrind file."""
    names = {}  # compressed id -> name, for fn= and cfn= lines alike
    objects = {}
    current_object = None
    ran = set()
    for line in open(callgrind_out, errors="replace"):
        m = re.match(r"(ob|fl|fi|fe|fn|cob|cfi|cfl|cfn)=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
        if not m:
            continue
        kind, ident, name = m.groups()
        if kind in ("ob", "cob"):
            if name is not None:
                objects[ident] = name
            if kind == "ob":
                current_object = objects.get(ident)
        elif kind in ("fn", "cfn"):
            if name is not None:
                names[ident] = name
            # Code without a symbol shows as its address, or as "(below main)".
            if kind == "fn" and current_object == binary and re.fullmatch(r"[A-Za-z_][\w.$]*", names[ident]):
                ran.add(names[ident])
    return ran


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", required=True, help="an index built from a generated corpus")
    parser.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "newsdex"))
    parser.add_argument("--queries", default=os.path.join(ROOT, "..", "shared", "bench", "queries.tsv"))
    parser.add_argument("--out", default=os.path.join(ROOT, "src", "hot_functions.txt"))
    opts = parser.parse_args()
    binary = os.path.realpath(opts.bin)
    if shutil.which("valgrind") is None:
        sys.exit("hot_functions.py: valgrind is needed (apt-get install valgrind)")
    if not os.path.exists(binary):
        sys.exit(f"hot_functions.py: no binary at {binary} (cargo build --release)")
    runs = collections.Counter()
    all_searches = searches(opts.queries)
    with tempfile.TemporaryDirectory() as tmp:
        for i, args in enumerate(all_searches):
            out = os.path.join(tmp, f"callgrind.{i}")
            cmd = ["valgrind", "--tool=callgrind", "--demangle=no", f"--callgrind-out-file={out}", binary,
                   "search", "--index", opts.index] + args
            p = subprocess.run(cmd, capture_output=True, text=True)
            # Exit status 1 is a search without hits.
            if p.returncode not in (0, 1) or not os.path.exists(out):
                sys.exit(f"{' '.join(cmd)} failed:\n{p.stderr[-2000:]}")
            runs.update(functions_run(out, binary))
            print(f"{i + 1}/{len(all_searches)}: {len(runs)} functions so far", file=sys.stderr)
    # Most searches first; ties in name order, so that the file changes only with the code.
    ordered = sorted(runs, key=lambda name: (-runs[name], name))
    with open(opts.out, "w") as f:
        f.write("".join(name + "\n" for name in ordered))
    print(f"{opts.out}: {len(ordered)} functions", file=sys.stderr)


if __name__ == "__main__":
    main()
