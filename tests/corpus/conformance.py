#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Corpus conformance: runs `wheelaudit show --json` over every wheel listed in
the shared corpus's expect.tsv and checks the exit code, the `best`
requirements and the `forbid` list as that file's header defines them.

    conformance.py --bin WHEELAUDIT --corpus DIR [--only SUBSTRING] [--repair]

With --repair it runs `wheelaudit repair --json` instead, into a temporary
directory: a wheel expected to pass must be written with tags that meet the
same requirements (checked in the file name and the WHEEL file), and pass
casekit's check of written wheels (`show` exits 0 on it, Python's zipfile
reads every member back); every other wheel must be rejected with the
expected exit code and leave no file behind.  A wheel whose manifest.tsv row says the
reference repair grafted libraries (`-> ... (tags T); grafted: LIBS`) must
be repaired with grafting: written, with the reference's most compatible
manylinux tag, its libraries in <dist>.libs/, installable and importable
by this machine's python3 (which proves the grafted copies load: the
patched modules no longer name the system's files).  When a library it
needs is not on this machine, the rejection must say "not found"; the row
then passes as "not resolvable here".

Prints one PASS/FAIL line per wheel and a final line `N passed, M failed`.
Exit 0 when all pass, 1 otherwise, 77 (skipped) when the corpus is absent.
The corpus is read in place; nothing is copied.
"""
import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import casekit  # noqa: E402

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
        p = casekit.wheelaudit("show", "--json", path, binary=binary, timeout=600)
    except casekit.Timeout:
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


def wheel_file_tags(path):
    """Platform tags of the WHEEL file's Tag lines in a written wheel."""
    with zipfile.ZipFile(path) as z:
        name = next(n for n in z.namelist() if n.endswith(".dist-info/WHEEL"))
        text = z.read(name).decode("utf-8")
    return sorted({line.split(":", 1)[1].strip().rsplit("-", 1)[1]
                   for line in text.splitlines() if line.startswith("Tag:")})


HOST_PY = "/usr/bin/python3"


def host_can_import(out, tags):
    """True when this machine's Debian python3 could import the repaired wheel:
    a manylinux tag for this machine's arch and a matching CPython tag."""
    if not os.path.exists(HOST_PY) or not any(
            t.startswith("manylinux") and t.endswith("_" + os.uname().machine) for t in tags):
        return False
    ver = casekit.run([HOST_PY, "-c", "import sys; print('%d%d' % sys.version_info[:2])"]).stdout.strip()
    parts = os.path.basename(out)[:-4].split("-")
    py, abi = parts[-3], parts[-2]
    if abi == "abi3":
        return py.startswith("cp3") and int(py[3:] or 0) <= int(ver[1:])
    return py == "cp" + ver


def pip_install_and_import(out):
    """Installs the wheel with Debian's pip into a fresh directory and imports
    every extension module in a fresh interpreter; returns a problem or None."""
    if casekit.run([HOST_PY, "-m", "pip", "--version"]).returncode:
        return None  # no pip here: nothing to check
    target = tempfile.mkdtemp(prefix="wa_corpus_pip.")
    try:
        p = casekit.run([HOST_PY, "-m", "pip", "install", "--no-index", "--no-deps",
                         "--disable-pip-version-check", "--target", target, out], timeout=300)
        if p.returncode:
            return "pip install failed: " + (p.stderr.strip().splitlines() or ["?"])[-1][:200]
        with zipfile.ZipFile(out) as z:
            mods = [n.split(".", 1)[0].replace("/", ".") for n in z.namelist()
                    if n.endswith(".so") and "/" in n and ".libs/" not in n
                    and ".data/" not in n and not os.path.basename(n).startswith("lib")]
        for m in mods:
            i = casekit.run([HOST_PY, "-c", "import importlib, sys; "
                             "importlib.import_module(sys.argv[1])", m], cwd=target, timeout=120)
            last = (i.stderr.strip().splitlines() or ["?"])[-1]
            # The module's own Python imports (a renamed package in a test
            # wheel) are not what repair is judged on; the loader's are.
            if i.returncode and not last.startswith("ModuleNotFoundError"):
                return "import %s failed: %s" % (m, last[:200])
    finally:
        shutil.rmtree(target, ignore_errors=True)
    return None


def run_repair(binary, path, out_dir):
    """`repair --json` into out_dir, its output checked by casekit (`show`,
    zipfile): (process, the wheel's JSON entry, None), or (process or None,
    None, what went wrong)."""
    try:
        p = casekit.repair("--json", "-w", out_dir, path, binary=binary, timeout=600)
    except casekit.Timeout:
        return None, None, "timed out"
    except AssertionError as e:
        return None, None, "the written wheel: " + str(e).replace("\n", " | ")[:400]
    try:
        return p, json.loads(p.stdout)["wheels"][0], None
    except (ValueError, KeyError, IndexError, TypeError) as e:
        return p, None, "no usable JSON on stdout (%s)" % e.__class__.__name__


def check_output_works(out, tags, problems):
    """This machine's python3 must install and import the written wheel when
    it can (`show` passed it in run_repair); returns tags, marked when
    imported."""
    if host_can_import(out, tags):
        why = pip_install_and_import(out)
        if why:
            problems.append(why)
        else:
            return tags + ["(installed+imported)"]
    return tags


def parse_graft_rows(corpus):
    """Wheels the manifest says the reference repair grafted into:
    {wheel: (reference tags, [grafted library names])}."""
    rows = {}
    path = os.path.join(corpus, "manifest.tsv")
    if not os.path.isfile(path):
        return rows
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        col = header.index("auditwheel_ref_repair") if "auditwheel_ref_repair" in header else -1
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if col < 0 or len(cols) <= col:
                continue
            m = re.match(r"^-> \S+ \(tags ([^)]+)\); grafted: (.*)$", cols[col])
            if m and not m.group(2).startswith("nothing"):
                libs = [x.strip().split(" ")[0] for x in m.group(2).split(",")]
                rows[cols[0]] = (m.group(1).split("."), libs)
    return rows


GRAFT_ROWS = {}


def check_graft(row, binary, corpus):
    """A wheel the reference repaired by grafting: ours must graft too."""
    ref_tags, ref_libs = GRAFT_ROWS[row["wheel"]]
    path = os.path.join(corpus, row["wheel"])
    out_dir = tempfile.mkdtemp(prefix="wa_corpus_graft.")
    problems = []
    tags = []
    try:
        p, w, why = run_repair(binary, path, out_dir)
        if why:
            return False, why, []
        written = sorted(os.listdir(out_dir))
        if p.returncode == 1 and w.get("missing"):
            if written:
                return False, "rejected but left files: %s" % " ".join(written), []
            return True, "", ["1", "not resolvable here: " + ", ".join(w["missing"])[:150]]
        if p.returncode != 0:
            return False, "exit %d, expected 0 (graft): %s" % (
                p.returncode, (w.get("reason") or "")[:200]), [str(p.returncode)]
        tags = list(w.get("tags") or [])
        out = w.get("output") or ""
        grafted = w.get("grafted") or []
        dist = os.path.basename(out).split("-")[0]
        if written != [os.path.basename(out)]:
            problems.append("expected exactly the output file, found %s" % written)
        if not grafted:
            problems.append("nothing grafted (the reference grafted %s)" % ", ".join(ref_libs))
        for g in grafted:
            if not g["member"].startswith(dist + ".libs/"):
                problems.append("%s grafted outside %s.libs/" % (g["member"], dist))
        ref_best = most_compatible(ref_tags, "manylinux")
        if ref_best and most_compatible(tags, "manylinux") != ref_best:
            problems.append("tags %s, the reference's best is %s" % (".".join(tags), ref_best))
        if not problems:
            tags = check_output_works(out, tags, problems)
        if problems and p.stderr.strip():
            problems.append("stderr: " + p.stderr.strip().splitlines()[-1][:200])
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    libs = ",".join(os.path.basename(g["member"]) for g in (w.get("grafted") or []))
    return not problems, "; ".join(problems), ["0", ".".join(tags) + " grafted " + libs]


def check_repair(row, binary, corpus):
    path = os.path.join(corpus, row["wheel"])
    if not os.path.exists(path):
        return False, "wheel missing from the corpus", []
    if row["wheel"] in GRAFT_ROWS:
        return check_graft(row, binary, corpus)
    out_dir = tempfile.mkdtemp(prefix="wa_corpus_repair.")
    problems = []
    tags = []
    try:
        p, w, why = run_repair(binary, path, out_dir)
        if why:
            return False, why, []
        written = sorted(os.listdir(out_dir))
        if p.returncode not in row["exits"]:
            problems.append("exit %d, expected %s" % (p.returncode,
                                                      "|".join(map(str, row["exits"]))))
        if p.returncode != 0:
            if written:
                problems.append("rejected but left files: %s" % " ".join(written))
        else:
            tags = list(w.get("tags") or [])
            out = w.get("output") or ""
            if written != [os.path.basename(out)]:
                problems.append("expected exactly the output file, found %s" % written)
            elif not out.endswith("-" + ".".join(tags) + ".whl"):
                problems.append("file name %s does not carry the tags %s" % (out, tags))
            else:
                if wheel_file_tags(out) != sorted(tags):
                    problems.append("WHEEL Tag lines %s differ from %s"
                                    % (wheel_file_tags(out), tags))
                tags = check_output_works(out, tags, problems)
            for req in row["best"]:
                if not requirement_holds(req, tags):
                    problems.append("best: none of %s (output %s)" % ("|".join(req),
                                                                      ".".join(tags)))
        bad = forbidden([t for t in tags if not t.startswith("(")], row["forbid"])
        if bad:
            problems.append("forbidden tags: %s" % " ".join(bad))
        if problems and p.stderr.strip():
            problems.append("stderr: " + p.stderr.strip().splitlines()[-1][:200])
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    return not problems, "; ".join(problems), [str(p.returncode), ".".join(tags) or "-"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--only", default="")
    ap.add_argument("--repair", action="store_true")
    a = ap.parse_args()
    expect = os.path.join(a.corpus, "expect.tsv")
    if not os.path.isfile(expect):
        print("corpus not found at %s (expect.tsv missing): skipped" % a.corpus)
        return SKIP
    rows = [r for r in parse_expect(expect) if a.only in r["wheel"]]
    GRAFT_ROWS.update(parse_graft_rows(a.corpus))
    width = max([len(r["wheel"]) for r in rows] + [5])
    passed = failed = 0
    print("%-4s  %-*s  %-4s  %s" % ("", width, "WHEEL", "EXIT", "VERDICT / PROBLEM"))
    for row in rows:
        ok, why, got = (check_repair if a.repair else check)(row, a.bin, a.corpus)
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
