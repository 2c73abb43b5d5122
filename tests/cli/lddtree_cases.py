#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of `wheelaudit lddtree` on libraries compiled on the fly.

    lddtree_cases.py --list
    lddtree_cases.py --run CASE --bin WHEELAUDIT --fixtures DIR

Each case builds, in its own temporary directory, small shared libraries
with gcc: libb.so (no needs but libc), liba.so (needs libb.so, DT_RUNPATH
$ORIGIN/../libb), liba2.so (needs libb.so, no search path) and modules that
need them through DT_RPATH or DT_RUNPATH; then checks the text tree, the
--json document and the exit code.  Exit 0 = pass, 1 = fail, 77 = skipped
(no gcc, or not an x86-64/aarch64 glibc host).
"""
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import casekit  # noqa: E402
from casekit import Skip, case, check, clean_env, read, run, simple_wheel, wheelaudit  # noqa: E402


def expect(code, *args, env=None):
    """Runs wheelaudit in a clean library environment plus env; checks the exit code."""
    rc, out, err = wheelaudit(*args, env=clean_env(**(env or {})))
    check(rc == code, "%s: exit %d, expected %d" % (" ".join(map(str, args)), rc, code),
          "stdout:\n" + out, "stderr:\n" + err)
    return out, err


def gcc(tmp, out, source, *flags):
    src = os.path.join(tmp, os.path.basename(out) + ".c")
    with open(src, "w") as f:
        f.write(source)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    p = run(["gcc", "-shared", "-fPIC", "-o", out, src] + list(flags))
    check(p.returncode == 0, "gcc failed for %s" % out, p.stderr)


class Libs:
    """The libraries of one case, under tmp."""

    def __init__(self, tmp):
        if not shutil.which("gcc"):
            raise Skip("gcc is not installed")
        if not os.path.exists("/etc/ld.so.conf") and not os.path.isdir("/usr/lib"):
            raise Skip("not a glibc system")
        self.tmp = tmp
        self.d = lambda *p: os.path.join(tmp, *p)
        gcc(tmp, self.d("libb", "libb.so"), "#include <stdlib.h>\nint b(void) { return rand(); }\n",
            "-Wl,-soname,libb.so")
        gcc(tmp, self.d("liba", "liba.so"), "int b(void);\nint a(void) { return b(); }\n",
            "-Wl,-soname,liba.so", "-L" + self.d("libb"), "-lb",
            "-Wl,--enable-new-dtags,-rpath,$ORIGIN/../libb")
        gcc(tmp, self.d("liba2", "liba.so"), "int b(void);\nint a(void) { return b(); }\n",
            "-Wl,-soname,liba.so", "-L" + self.d("libb"), "-lb", "-Wl,--disable-new-dtags")

    def module(self, name, dtags, rpath, liba_dir="liba"):
        out = self.d("mod", name)
        flags = ["-L" + self.d(liba_dir), "-la"]
        if rpath:
            flags.append("-Wl,--%s-new-dtags,-rpath,%s" % (dtags, rpath))
        else:
            flags.append("-Wl,--disable-new-dtags")
        source = "#include <stdlib.h>\nint a(void);\nint f(void) { return a() + rand(); }\n"
        gcc(self.tmp, out, source, *flags)
        return out


def with_tmp(fn):
    """The case gets the libraries, built in its directory."""
    def wrapper(_):
        fn(Libs(casekit.tmp()))
    wrapper.__name__ = fn.__name__
    return wrapper


def lines_of(out):
    return [l.rstrip("\n") for l in out.splitlines()]


def find_line(out, prefix, indent):
    """The line at this indent that starts with prefix."""
    for l in lines_of(out):
        if l.startswith(" " * indent + prefix) and not l.startswith(" " * (indent + 1)):
            return l
    raise AssertionError("no line %r at indent %d in:\n%s" % (prefix, indent, out))


def same_file(a, b):
    return os.path.realpath(a) == os.path.realpath(b)


def parse_line(line):
    """'name => path (how)' -> (name, path, how); 'name => not found' -> (name, None, None)."""
    name, _, rest = line.strip().partition(" => ")
    if rest == "not found":
        return name, None, None
    path, _, how = rest.rpartition(" (")
    return name, path, how.rstrip(")")


def load_json(out):
    try:
        doc = json.loads(out)
    except ValueError as e:
        raise AssertionError("stdout is not one JSON document: %s\n%s" % (e, out))
    check(doc.get("version") == 1 and doc.get("kind") == "lddtree", "JSON head %r" % doc)
    return doc


def node(needed, name):
    for n in needed:
        if n["name"] == name:
            for key in ("path", "found_by", "needed"):
                check(key in n, "JSON node without %r: %r" % (key, n))
            return n
    raise AssertionError("no needed %r in %r" % (name, [n["name"] for n in needed]))


# ---------------------------------------------------------------- cases


@case
@with_tmp
def rpath_then_runpath_text(L):
    mod = L.module("mod.so", "disable", "$ORIGIN/../liba")
    out, _ = expect(0, "lddtree", mod)
    check(lines_of(out)[0] == mod, "first line is the input", out)
    name, path, how = parse_line(find_line(out, "liba.so => ", 2))
    check(same_file(path, L.d("liba", "liba.so")) and how == "rpath", "liba", out)
    name, path, how = parse_line(find_line(out, "libb.so => ", 4))
    check(same_file(path, L.d("libb", "libb.so")) and how == "runpath", "libb", out)
    name, path, how = parse_line(find_line(out, "libc.so.6 => ", 2))
    check(path and how in ("ld.so.conf", "default"), "libc from the system", out)


@case
@with_tmp
def rpath_is_inherited(L):
    # liba2 has no search path: libb comes through the module's DT_RPATH.
    mod = L.module("mod.so", "disable", "$ORIGIN/../liba2:$ORIGIN/../libb", liba_dir="liba2")
    out, _ = expect(0, "lddtree", mod)
    name, path, how = parse_line(find_line(out, "libb.so => ", 4))
    check(same_file(path, L.d("libb", "libb.so")) and how == "rpath", "inherited rpath", out)


@case
@with_tmp
def runpath_is_not_inherited(L):
    mod = L.module("mod.so", "enable", "$ORIGIN/../liba2:$ORIGIN/../libb", liba_dir="liba2")
    out, _ = expect(1, "lddtree", mod)
    name, path, how = parse_line(find_line(out, "liba.so => ", 2))
    check(how == "runpath", "liba through the module's runpath", out)
    check(find_line(out, "libb.so => ", 4).strip() == "libb.so => not found",
          "DT_RUNPATH does not reach liba's needs", out)


@case
@with_tmp
def json_document(L):
    mod = L.module("mod.so", "disable", "$ORIGIN/../liba")
    out, _ = expect(0, "lddtree", "--json", mod)
    doc = load_json(out)
    check(len(doc["inputs"]) == 1, "one input")
    inp = doc["inputs"][0]
    check(inp["path"] == mod and len(inp["members"]) == 1, "input %r" % inp)
    m = inp["members"][0]
    check(m["member"] == mod, "member is the file")
    a = node(m["needed"], "liba.so")
    check(a["found_by"] == "rpath" and same_file(a["path"], L.d("liba", "liba.so")), "liba %r" % a)
    b = node(a["needed"], "libb.so")
    check(b["found_by"] == "runpath", "libb %r" % b)
    check(b["needed"] and node(b["needed"], "libc.so.6")["path"], "libb needs libc")


@case
@with_tmp
def missing_library_exits_1(L):
    mod = L.module("mod.so", "disable", None)
    out, _ = expect(1, "lddtree", mod)
    check(find_line(out, "liba.so => ", 2).strip() == "liba.so => not found", "not found", out)
    doc = load_json(expect(1, "lddtree", "--json", mod)[0])
    a = node(doc["inputs"][0]["members"][0]["needed"], "liba.so")
    check(a["path"] is None and a["found_by"] is None and a["needed"] == [], "JSON %r" % a)


@case
@with_tmp
def environment_paths(L):
    mod = L.module("mod.so", "disable", None, liba_dir="liba2")
    out, _ = expect(0, "lddtree", mod,
                    env={"WHEELAUDIT_LD_LIBRARY_PATH": L.d("liba2") + ":" + L.d("libb")})
    name, path, how = parse_line(find_line(out, "liba.so => ", 2))
    check(same_file(path, L.d("liba2", "liba.so")) and how == "LD_LIBRARY_PATH", "extra", out)
    out, _ = expect(0, "lddtree", mod, env={"LD_LIBRARY_PATH": L.d("liba2") + ":" + L.d("libb")})
    name, path, how = parse_line(find_line(out, "libb.so => ", 4))
    check(same_file(path, L.d("libb", "libb.so")) and how == "LD_LIBRARY_PATH", "llp", out)


@case
@with_tmp
def wrong_machine_candidate_is_skipped(L):
    # A copy of libb.so claiming to be another architecture comes first.
    wrong = L.d("wrong", "libb.so")
    os.makedirs(os.path.dirname(wrong))
    with open(L.d("libb", "libb.so"), "rb") as f:
        data = bytearray(f.read())
    machine = int.from_bytes(data[18:20], "little")
    other = 183 if machine != 183 else 62  # EM_AARCH64, or EM_X86_64
    data[18:20] = other.to_bytes(2, "little")
    with open(wrong, "wb") as f:
        f.write(data)
    with open(L.d("wrong", "liba.so"), "w") as f:
        f.write("INPUT(-la)\n")  # not ELF: skipped too
    mod = L.module("mod.so", "disable", None, liba_dir="liba2")
    path_list = ":".join([L.d("wrong"), L.d("liba2"), L.d("libb")])
    out, _ = expect(0, "lddtree", mod, env={"WHEELAUDIT_LD_LIBRARY_PATH": path_list})
    name, path, how = parse_line(find_line(out, "liba.so => ", 2))
    check(same_file(path, L.d("liba2", "liba.so")), "non-ELF candidate skipped", out)
    name, path, how = parse_line(find_line(out, "libb.so => ", 4))
    check(same_file(path, L.d("libb", "libb.so")), "wrong-machine candidate skipped", out)


@case
@with_tmp
def ldpaths_replace_system_dirs(L):
    mod = L.module("mod.so", "disable", None, liba_dir="liba2")
    out, _ = expect(1, "lddtree", "--ldpaths", L.d("liba2") + ":" + L.d("libb"), mod)
    name, path, how = parse_line(find_line(out, "liba.so => ", 2))
    check(same_file(path, L.d("liba2", "liba.so")) and how == "ldpaths", "ldpaths", out)
    check(find_line(out, "libc.so.6 => ", 2).strip() == "libc.so.6 => not found",
          "the system directories are replaced", out)


@case
@with_tmp
def wheel_members_resolve_inside(L):
    mod = L.module("mod.so", "disable", "$ORIGIN/../demo.libs", liba_dir="liba")
    whl = simple_wheel("demo-1.0-cp311-cp311-linux_x86_64.whl", [
        ("demo/mod.so", read(mod), 0o755),
        ("demo.libs/liba.so", read(L.d("liba", "liba.so")), 0o755),
        ("demo.libs/libb.so", read(L.d("libb", "libb.so")), 0o755),
        ("demo/__init__.py", b"", 0o644),
    ])
    out, _ = expect(0, "lddtree", whl)
    ls = lines_of(out)
    check(ls[0] == whl and "  demo/mod.so" in ls, "wheel and member lines", out)
    doc = load_json(expect(0, "lddtree", "--json", whl)[0])
    members = {m["member"]: m for m in doc["inputs"][0]["members"]}
    check(sorted(members) == ["demo.libs/liba.so", "demo.libs/libb.so", "demo/mod.so"],
          "every ELF member is a root: %r" % sorted(members))
    a = node(members["demo/mod.so"]["needed"], "liba.so")
    check(a["path"] == "demo.libs/liba.so" and a["found_by"] == "wheel", "liba %r" % a)
    b = node(a["needed"], "libb.so")
    check(b["path"] == "demo.libs/libb.so" and b["found_by"] == "wheel", "libb %r" % b)
    c = node(b["needed"], "libc.so.6")
    check(c["path"] and c["found_by"] not in ("wheel", None), "libc from the host %r" % c)


@case
@with_tmp
def invalid_inputs(L):
    text = L.d("notes.txt")
    with open(text, "w") as f:
        f.write("hello\n")
    _, err = expect(3, "lddtree", text)
    check("wheelaudit: error:" in err, "an error message", err)
    expect(6, "lddtree", L.d("missing.so"))
    expect(2, "lddtree")
    expect(2, "lddtree", "--no-such-option", text)
    out, _ = expect(0, "lddtree", "--help")
    check("--ldpaths" in out, "help lists --ldpaths", out)


def main():
    return casekit.main("lddtree")

if __name__ == "__main__":
    sys.exit(main())
