#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A stand-in for `rpm -qf` on machines without rpm (tests only).

    fake_rpm.py [--root DIR] -qf --queryformat FORMAT PATH...

What it mimics (rpm 4's lib/query.c, case RPMQV_PATH, and the queryformat
documentation): for each PATH in order, FORMAT is printed once for every
package that owns the file; a file that exists but no package owns gives the
notice "file PATH is not owned by any package" on standard output; a file
that does not exist gives "error: file PATH: No such file or directory" on
standard error.  The exit status is the number of PATHs that failed.  The
owner is found as rpm's fingerprints find it: the directory part with its
symbolic links resolved (inside --root), the base name as given.

FORMAT supports what wheelaudit uses: the escapes \\n \\t \\\\, %{TAG},
%|TAG?{IF}:{ELSE}| and [...] iterating the array tag FILENAMES.  A missing
tag prints "(none)", as rpm does.

The database is the JSON file named by FAKE_RPM_DB:
    {"packages": [{"name", "epoch" (null or a number), "version", "release",
                   "arch", "files": [absolute paths]}]}
FAKE_RPM_LOG: a file each call appends its arguments to (one JSON line).
FAKE_RPM_SLEEP: seconds to sleep before answering.  FAKE_RPM_READ_STDIN=1:
read standard input to its end first (rpm must be given /dev/null there).
"""
import json
import os
import sys
import time


def parse_format(fmt, i=0, stop=None):
    """The format as a list of items: ("text", s), ("tag", T), ("cond", T,
    yes, no), ("array", items); parsing stops at a character in stop."""
    items, text = [], []

    def flush():
        if text:
            items.append(("text", "".join(text)))
            text.clear()
    while i < len(fmt):
        c = fmt[i]
        if stop and c in stop:
            break
        if c == "\\" and i + 1 < len(fmt):
            text.append({"n": "\n", "t": "\t", "\\": "\\"}.get(fmt[i + 1], fmt[i + 1]))
            i += 2
        elif fmt.startswith("%{", i):
            end = fmt.index("}", i)
            flush()
            items.append(("tag", fmt[i + 2:end]))
            i = end + 1
        elif fmt.startswith("%|", i):
            q = fmt.index("?", i)
            tag = fmt[i + 2:q]
            assert fmt[q + 1] == "{"
            yes, i = parse_format(fmt, q + 2, "}")
            assert fmt[i:i + 3] == "}:{"
            no, i = parse_format(fmt, i + 3, "}")
            assert fmt[i:i + 2] == "}|"
            flush()
            items.append(("cond", tag, yes, no))
            i += 2
        elif c == "[":
            inner, i = parse_format(fmt, i + 1, "]")
            flush()
            items.append(("array", inner))
            i += 1
        else:
            text.append(c)
            i += 1
    flush()
    return items, i


def tag_value(pkg, tag, index):
    if tag == "FILENAMES":
        return pkg["files"][index] if index is not None else "(array)"
    v = pkg.get(tag.lower())
    return "(none)" if v is None else str(v)


def render(items, pkg, index=None):
    out = []
    for it in items:
        if it[0] == "text":
            out.append(it[1])
        elif it[0] == "tag":
            out.append(tag_value(pkg, it[1], index))
        elif it[0] == "cond":
            out.append(render(it[2] if pkg.get(it[1].lower()) is not None else it[3], pkg, index))
        else:
            out.extend(render(it[1], pkg, k) for k in range(len(pkg["files"])))
    return "".join(out)


def fingerprint(root, path):
    d, base = os.path.split(os.path.normpath(path))
    real = os.path.realpath(root + d)
    if root and (real == root or real.startswith(root + "/")):
        real = real[len(root):] or "/"
    return real, base


def main(argv):
    if os.environ.get("FAKE_RPM_LOG"):
        with open(os.environ["FAKE_RPM_LOG"], "a") as f:
            f.write(json.dumps(argv) + "\n")
    if os.environ.get("FAKE_RPM_READ_STDIN"):
        sys.stdin.read()
    if os.environ.get("FAKE_RPM_SLEEP"):
        time.sleep(float(os.environ["FAKE_RPM_SLEEP"]))
    root, fmt, paths, i, query_file = "", None, [], 0, False
    while i < len(argv):
        a = argv[i]
        if a == "--root":
            root = os.path.normpath(argv[i + 1]).rstrip("/")
            i += 2
        elif a == "-qf":
            query_file = True
            i += 1
        elif a in ("--queryformat", "--qf"):
            fmt = argv[i + 1]
            i += 2
        elif a.startswith("-"):
            sys.stderr.write("rpm: unknown option %s\n" % a)
            return 1
        else:
            paths.append(a)
            i += 1
    if not query_file or fmt is None:
        sys.stderr.write("fake rpm: only -qf --queryformat FORMAT is known\n")
        return 1
    with open(os.environ["FAKE_RPM_DB"]) as f:
        packages = json.load(f)["packages"]
    items, _ = parse_format(fmt)
    failed = 0
    for p in paths:
        fp = fingerprint(root, p)
        owners = [pkg for pkg in packages if any(fingerprint(root, f) == fp for f in pkg["files"])]
        if owners:
            for pkg in owners:
                sys.stdout.write(render(items, pkg))
            continue
        failed += 1
        sys.stdout.flush()  # rpm flushes its notices before an error
        if os.path.lexists(root + p):
            sys.stdout.write("file %s is not owned by any package\n" % p)
        else:
            sys.stderr.write("error: file %s: No such file or directory\n" % p)
    return failed


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
