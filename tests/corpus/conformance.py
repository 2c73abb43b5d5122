#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Corpus conformance: runs `wheelaudit show --json` over every wheel listed in
the shared corpus's expect.tsv and checks the exit code, the `best`
requirements and the `forbid` list as that file's header defines them.

    conformance.py --bin WHEELAUDIT --corpus DIR [--only SUBSTRING]

Prints one PASS/FAIL line per wheel and a final line `N passed, M failed`.
Exit 0 when all pass, 1 otherwise, 77 (skipped) when the corpus is absent.
The corpus is read in place; nothing is copied.
"""
import argparse
import json
import os
import re
import subprocess
import sys

SKIP = 77
LEGACY = re.compile(r"^manylinux(1|2010|2014)_")
VERSIONED = re.compile(r"^(manylinux|musllinux)_(\d+)_(\d+)_(.+)$")


def parse_expect(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            while len(cols) < 4:
                cols.append("")
            wheel, exits, best, forbid = (c.strip() for c in cols[:4])
            rows.append({
                "line": lineno,
                "wheel": wheel,
                "exits": [int(x) for x in exits.split("|")],
                "best": [req.split("|") for req in best.split()],
                "forbid": forbid.split(),
            })
    return rows


def family(tag):
    if tag.startswith("manylinux"):
        return "manylinux"
    if tag.startswith("musllinux"):
        return "musllinux"
    return None


def most_compatible(tags, fam):
    """The most compatible (lowest libc version) non-legacy tag of a family."""
    best = None
    for t in tags:
        if family(t) != fam or LEGACY.match(t):
            continue
        m = VERSIONED.match(t)
        key = (int(m.group(2)), int(m.group(3))) if m else (1 << 30, 0)
        if best is None or key < best[0]:
            best = (key, t)
    return best[1] if best else None


def requirement_holds(alternatives, tags):
    for alt in alternatives:
        fam = family(alt)
        if fam and most_compatible(tags, fam) == alt:
            return True
    return False


def forbidden(tags, patterns):
    bad = []
    for p in patterns:
        for t in tags:
            if (p.endswith("*") and t.startswith(p[:-1])) or t == p:
                bad.append(t)
    return bad


def check(row, binary, corpus):
    path = os.path.join(corpus, row["wheel"])
    if not os.path.exists(path):
        return False, "wheel missing from the corpus", []
    try:
        p = subprocess.run([binary, "show", "--json", path], capture_output=True, text=True,
                           timeout=600)
    except subprocess.TimeoutExpired:
        return False, "timed out", []
    tags = []
    problems = []
    doc = None
    try:
        doc = json.loads(p.stdout)
        w = doc["wheels"][0]
        tags = list((w.get("verdict") or {}).get("tags") or [])
    except (ValueError, KeyError, IndexError, TypeError) as e:
        problems.append("no usable JSON on stdout (%s)" % e.__class__.__name__)
    if p.returncode not in row["exits"]:
        problems.append("exit %d, expected %s" % (p.returncode, "|".join(map(str, row["exits"]))))
        if p.stderr.strip():
            problems.append("stderr: " + p.stderr.strip().splitlines()[-1][:200])
    if p.returncode == 0:
        for req in row["best"]:
            if not requirement_holds(req, tags):
                problems.append("best: none of %s (verdict %s)" % ("|".join(req), ".".join(tags)))
    bad = forbidden(tags, row["forbid"])
    if bad:
        problems.append("forbidden tags: %s" % " ".join(bad))
    verdict = ".".join(tags) if tags else "-"
    return not problems, "; ".join(problems), [str(p.returncode), verdict]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    expect = os.path.join(a.corpus, "expect.tsv")
    if not os.path.isfile(expect):
        print("corpus not found at %s (expect.tsv missing): skipped" % a.corpus)
        return SKIP
    rows = [r for r in parse_expect(expect) if a.only in r["wheel"]]
    width = max([len(r["wheel"]) for r in rows] + [5])
    passed = failed = 0
    print("%-4s  %-*s  %-4s  %s" % ("", width, "WHEEL", "EXIT", "VERDICT / PROBLEM"))
    for row in rows:
        ok, why, got = check(row, a.bin, a.corpus)
        exit_s, verdict = (got + ["?", "-"])[:2] if got else ("?", "-")
        if ok:
            passed += 1
            print("PASS  %-*s  %-4s  %s" % (width, row["wheel"], exit_s, verdict))
        else:
            failed += 1
            print("FAIL  %-*s  %-4s  %s" % (width, row["wheel"], exit_s, why))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
