#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of grafting: `wheelaudit repair --ldpaths DIR` copies the
external libraries a wheel needs into <dist>.libs/ and patches the ELF members
to load the copies (docs/repair.md).

    graft_cases.py --list
    graft_cases.py --run CASE --bin WHEELAUDIT --fixtures DIR

Every case builds what it needs in its own temporary directory (removed
afterwards) from the sources in tests/fixtures/src/graft/: small shared
libraries with a soname (libgreet.so.1, libouter.so.1 -> libinner.so.1,
libnew.so.1 that needs GLIBC_2.36), CPython extension modules linked against
them with -L DIR -lNAME and no rpath, an ELF executable for .data/scripts/, and
the wheels around them (Python's zipfile, tag cp311-cp311-linux_x86_64, RECORD
with sha256 lines).  The outputs are checked member by member: names, the
grafted libraries' hash-suffixed names (first 8 hex of the sha256 of the
original file), `readelf -dW` (SONAME, NEEDED, RPATH, no RUNPATH),
`eu-elflint --gnu-ld` when installed, RECORD, tags, `show` on the output;
then the library directories are deleted, the wheel is installed with
`pip install --no-deps --no-index --target T` and imported (or its script
run) in a fresh /usr/bin/python3 with LD_LIBRARY_PATH unset.

--json documents are validated against docs/repair-v1.schema.json; every
wheel written passes casekit's check of repair outputs (`show`, zipfile).

Exit 0 = pass, 1 = fail, 77 = skipped (no gcc, Python headers, readelf, /usr/bin/python3 or pip).
"""
import json
import os
import re
import shutil
import struct
import sys
import zipfile
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import casekit  # noqa: E402
from casekit import (assert_nothing_written, assert_record_consistent, case, check, clean_env,  # noqa: E402
                     CTX, grafted_name, members, read, repair_wheels, run, sh, sha256_file, simple_wheel, Skip, tmp,
                     validate, wheelaudit)
SRC = casekit.fixture_src("graft")
dynamic = casekit.readelf_dynamic
PY_BIN = "/usr/bin/python3"
PY_INCLUDE = "/usr/include/python3.11"
PY_SUFFIX = ".cpython-311-x86_64-linux-gnu.so"
TAG = "cp311-cp311-linux_x86_64"
DIST, VER = "graftmod", "0.1"
WHEEL_NAME = "%s-%s-%s.whl" % (DIST, VER, TAG)
LIBS = DIST + ".libs"
# every repair that grafts adds its SBOM (docs/sbom.md)
SBOM = "%s-%s.dist-info/sboms/wheelaudit.cdx.json" % (DIST, VER)
CORE = "graftmod/_core" + PY_SUFFIX
MANYLINUX_RE = re.compile(r"^manylinux(1|2010|2014|_\d+_\d+)_x86_64$")


# ---------------------------------------------------------------- tools


def need_tools():
    for t in ("gcc", "readelf"):
        if not shutil.which(t):
            raise Skip("%s is not installed" % t)
    if not os.path.exists(os.path.join(PY_INCLUDE, "Python.h")):
        raise Skip("no %s/Python.h (python3-dev)" % PY_INCLUDE)
    if not os.path.exists(PY_BIN):
        raise Skip("no %s" % PY_BIN)


def repaired(wheel, *opts, wdir=None, env=None, cwd=None, show_exit=0):
    """Repairs a wheel that must be written; returns its path (checked: one stdout
    line, in WDIR, a manylinux tag set, no temporary files left)."""
    wdir = wdir or tmp("wheelhouse")
    lines, err = repair_wheels(wheel, *opts, wdir=wdir, env=env, cwd=cwd, show_exit=show_exit)
    check(len(lines) == 1, "stdout is not exactly one line: %r" % lines, err)
    path = lines[0]
    if not os.path.isabs(path):
        path = os.path.join(cwd or CTX["tmp"], path)
    check(os.path.dirname(path) == os.path.join(cwd or CTX["tmp"], wdir).rstrip("/"),
          "output %r is not in %r" % (path, wdir))
    check(os.path.isfile(path), "printed path %r does not exist" % path, err)
    wdir = os.path.join(cwd or CTX["tmp"], wdir)
    left = [n for n in os.listdir(wdir) if n.startswith(".") or n.endswith(".tmp")]
    check(not left, "temporary files left in %s: %r" % (wdir, left))
    base = os.path.basename(wheel)[:-4].rsplit("-", 1)[0]
    name = os.path.basename(path)
    check(name.startswith(base + "-") and name.endswith(".whl"), "output name %r" % name)
    tags = tagset(path)
    check(tags and all(MANYLINUX_RE.match(t) for t in tags),
          "output %s does not carry manylinux x86_64 tags only: %r" % (name, tags))
    return path


def tagset(path):
    return os.path.basename(path)[:-4].rsplit("-", 1)[1].split(".")


def rejected_line(err):
    """The `wheelaudit: error: WHEEL: rejected: REASON` line of stderr."""
    lines = [l for l in err.splitlines() if ": rejected: " in l]
    check(len(lines) == 1, "%d 'rejected:' lines on stderr" % len(lines), err)
    return lines[0]


def assert_not_found(err, name):
    line = rejected_line(err)
    check(name in line and "not found" in line, "the rejection does not say %s was not found: %r"
          % (name, line), err)


def show_agrees(out):
    """`show` of the output exits 0 with the tag set of its file name."""
    rc, o, err = wheelaudit("show", "--json", out)
    if rc != 0:
        _, text, terr = wheelaudit("show", out)
        check(False, "show on the output: exit %d" % rc, text, terr)
    v = json.loads(o)["wheels"][0]
    check(sorted(v["verdict"]["tags"]) == sorted(tagset(out)),
          "show says %r, the file name %r" % (v["verdict"]["tags"], tagset(out)))
    check(v["findings"] == [] or all(f.get("severity") != "error" for f in v["findings"]),
          "show reports errors on the output: %r" % v["findings"])
    return v


# ---------------------------------------------------------------- building


CFLAGS = ["-O2", "-g0", "-fPIC", "-w", "-U_FORTIFY_SOURCE", "-fno-stack-protector"]


def build_lib(libdir, soname, src, *flags):
    """libdir/SONAME (with DT_SONAME) and the dev link libNAME.so; returns the path."""
    os.makedirs(libdir, exist_ok=True)
    path = os.path.join(libdir, soname)
    sh(["gcc", *CFLAGS, "-shared", "-Wl,-soname," + soname, "-o", path, os.path.join(SRC, src), *flags],
       "building " + soname)
    dev = os.path.join(libdir, soname.split(".so")[0] + ".so")
    if not os.path.lexists(dev):
        os.symlink(soname, dev)
    return path


def build_module(path, modname, call, *link, extra_src=()):
    """A CPython extension module PyInit_<modname> whose value() returns call()."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    sh(["gcc", *CFLAGS, "-shared", "-I" + PY_INCLUDE, "-DMODNAME=" + modname, "-DCALL=" + call,
        "-o", path, os.path.join(SRC, "pymod.c"), *[os.path.join(SRC, s) for s in extra_src], *link],
       "building module " + modname)
    return path


def build_wheel(files, name=WHEEL_NAME):
    """files: [(member, bytes, mode)] then METADATA, WHEEL, RECORD.  Returns the path."""
    return simple_wheel(name, files)


def greet_setup(libdir=None):
    """libgreet.so.1 in LIBDIR and graftmod/_core linked against it (no rpath)."""
    libdir = libdir or tmp("libs")
    lib = build_lib(libdir, "libgreet.so.1", "greet.c")
    mod = build_module(tmp("build", "_core.so"), "_core", "greet_value", "-L" + libdir, "-lgreet")
    return lib, mod


def graftmod_wheel(mod, extra=()):
    return build_wheel([("graftmod/__init__.py", b"", 0o644), (CORE, read(mod), 0o755), *extra])


# ---------------------------------------------------------------- reading outputs


def infos(path):
    with zipfile.ZipFile(path) as z:
        return {i.filename: i for i in z.infolist()}


def raw_entries(path):
    """name -> (compress_type, crc, compress_size, file_size, raw bytes, external_attr)."""
    out = {}
    data = read(path)
    with zipfile.ZipFile(path) as z:
        for i in z.infolist():
            off = i.header_offset
            n, m = struct.unpack_from("<HH", data, off + 26)
            start = off + 30 + n + m
            out[i.filename] = (i.compress_type, i.CRC, i.compress_size, i.file_size,
                               data[start:start + i.compress_size], i.external_attr)
    return out


def extract(out, member):
    """Writes one member of the output to tmp/x/<member>; returns the path."""
    dest = tmp("x", os.path.basename(out), member)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with open(dest, "wb") as f:
        f.write(members(out)[member])
    return dest


def elflint_clean(path, original=None):
    """eu-elflint --gnu-ld reports nothing on path (checked only when it reported
    nothing on the original either, and only when eu-elflint is installed)."""
    if not shutil.which("eu-elflint"):
        return
    def lint(p):
        q = run(["eu-elflint", "--gnu-ld", p])
        return q.returncode, (q.stdout + q.stderr).strip()
    if original is not None and lint(original)[0] != 0:
        return
    rc, text = lint(path)
    check(rc == 0, "eu-elflint --gnu-ld %s: exit %d" % (os.path.basename(path), rc), text)


def check_elf(out, member, renames, rpath, original, soname=None):
    """The member of the output: the original's NEEDED (in order) with renames
    applied, DT_RPATH exactly rpath (one string), no DT_RUNPATH, SONAME when
    given; elflint-clean (when the original was)."""
    path = extract(out, member)
    d, text = dynamic(path)
    want = [renames.get(n, n) for n in needed_of(original)]
    check(d["NEEDED"] == want, "%s: NEEDED %r, expected %r" % (member, d["NEEDED"], want), text)
    check(d["RUNPATH"] == [], "%s: has DT_RUNPATH %r" % (member, d["RUNPATH"]), text)
    check(d["RPATH"] == [rpath], "%s: DT_RPATH %r, expected [%r]" % (member, d["RPATH"], rpath), text)
    if soname is not None:
        check(d["SONAME"] == [soname], "%s: SONAME %r, expected [%r]" % (member, d["SONAME"], soname), text)
    elflint_clean(path, original)
    return path


def needed_of(path):
    return dynamic(path)[0]["NEEDED"]


def rel_rpath(member, libs=LIBS):
    """$ORIGIN/<path from the member's directory to <dist>.libs>."""
    return "$ORIGIN/" + os.path.relpath(libs, os.path.dirname(member) or ".")


def assert_unchanged_members(inp, out, changed):
    """Every input member except WHEEL, RECORD and `changed` is in the output with
    the same raw bytes and attributes."""
    a, b = raw_entries(inp), raw_entries(out)
    for n, e in a.items():
        if n.endswith(".dist-info/WHEEL") or n.endswith(".dist-info/RECORD") or n in changed:
            continue
        check(n in b, "%s is missing from the output" % n)
        check(b[n] == e, "%s differs from the input (raw bytes or attributes)" % n)


# ---------------------------------------------------------------- pip and python


def pip_env(**over):
    return clean_env(PIP_CONFIG_FILE=os.devnull, PIP_NO_INPUT="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
                     PYTHONNOUSERSITE="1", **over)


def pip_install(whl, target=None):
    target = target or tmp("site")
    p = run([PY_BIN, "-m", "pip", "--version"], env=pip_env())
    if p.returncode != 0:
        raise Skip("%s -m pip is unavailable" % PY_BIN)
    p = run([PY_BIN, "-m", "pip", "install", "--no-deps", "--no-index", "--no-cache-dir",
             "--no-compile", "--target", target, whl], env=pip_env())
    check(p.returncode == 0, "pip install failed (%d)" % p.returncode, p.stdout, p.stderr)
    return target


def py_values(target, modules):
    """Imports each module in a fresh interpreter (LD_LIBRARY_PATH unset, cwd
    elsewhere) and returns [module.value(), ...]; checks each came from target."""
    code = ("import importlib, json, os, sys\n"
            "out = []\n"
            "for name in sys.argv[2:]:\n"
            "    m = importlib.import_module(name)\n"
            "    assert os.path.realpath(m.__file__).startswith(os.path.realpath(sys.argv[1]) + os.sep), m.__file__\n"
            "    out.append(m.value())\n"
            "print(json.dumps(out))\n")
    os.makedirs(tmp("elsewhere"), exist_ok=True)
    p = run([PY_BIN, "-c", code, target, *modules], cwd=tmp("elsewhere"), env=pip_env(PYTHONPATH=target),
            timeout=60)
    check(p.returncode == 0, "importing %s from the installed wheel failed (exit %d)" % (modules, p.returncode),
          p.stdout, p.stderr)
    return json.loads(p.stdout.strip().splitlines()[-1])


# ================================================================ cases


@case
def single(_):
    need_tools()
    lib, mod = greet_setup()
    lib_sha, lib_mtime = sha256_file(lib), os.stat(lib).st_mtime_ns
    check(needed_of(mod) == ["libgreet.so.1"], "the module's NEEDED: %r" % needed_of(mod))
    check(dynamic(mod)[0]["RPATH"] == [] and dynamic(mod)[0]["RUNPATH"] == [], "the module has an rpath")
    w = graftmod_wheel(mod)
    out = repaired(w, "--ldpaths", tmp("libs"))
    new = grafted_name("libgreet.so.1", lib)
    gpath = LIBS + "/" + new
    ms = members(out)
    want = sorted(list(members(w)) + [SBOM, gpath])
    check(sorted(ms) == want, "output members %r, expected %r" % (sorted(ms), want))
    check(infos(out)[gpath].file_size > 0, "the grafted library is empty")
    check(read(lib) != ms[gpath], "the grafted library is byte-identical to the original (SONAME not set?)")
    g = extract(out, gpath)
    gd, gtext = dynamic(g)
    check(gd["SONAME"] == [new], "grafted SONAME %r, expected [%r]" % (gd["SONAME"], new), gtext)
    check(gd["NEEDED"] == needed_of(lib), "grafted library NEEDED %r, the original's %r"
          % (gd["NEEDED"], needed_of(lib)), gtext)
    check(gd["RUNPATH"] == [], "grafted library has DT_RUNPATH %r" % gd["RUNPATH"], gtext)
    check(gd["RPATH"] in ([], ["$ORIGIN"], [""]), "grafted library DT_RPATH %r" % gd["RPATH"], gtext)
    elflint_clean(g, lib)
    check_elf(out, CORE, {"libgreet.so.1": new}, "$ORIGIN/../graftmod.libs", mod)
    assert_unchanged_members(w, out, {CORE})
    assert_record_consistent(out)
    show_agrees(out)
    check(sha256_file(lib) == lib_sha and os.stat(lib).st_mtime_ns == lib_mtime, "the original library changed")
    # WHEELAUDIT_LD_LIBRARY_PATH adds to the search path: the same graft from an empty --ldpaths
    os.makedirs(tmp("empty"))
    out2 = repaired(w, "--ldpaths", tmp("empty"), wdir=tmp("wh2"),
                    env=clean_env(WHEELAUDIT_LD_LIBRARY_PATH=tmp("libs")))
    check(read(out2) == read(out), "WHEELAUDIT_LD_LIBRARY_PATH gave another output than --ldpaths")
    shutil.rmtree(tmp("libs"))
    shutil.rmtree(tmp("build"))
    target = pip_install(out)
    check(os.path.isfile(os.path.join(target, gpath)), "pip did not install %s" % gpath)
    vals = py_values(target, ["graftmod._core"])
    check(vals == [4242], "graftmod._core.value() = %r, expected 4242" % vals)


@case
def chain(_):
    need_tools()
    inner = build_lib(tmp("B"), "libinner.so.1", "inner.c")
    # variant 1: libouter finds libinner through its own DT_RUNPATH; --ldpaths has only A
    outer = build_lib(tmp("A"), "libouter.so.1", "outer.c", "-L" + tmp("B"), "-linner",
                      "-Wl,--enable-new-dtags,-rpath," + tmp("B"))
    check(dynamic(outer)[0]["RUNPATH"] == [tmp("B")], "libouter was not built with a RUNPATH")
    mod = build_module(tmp("build", "_core.so"), "_core", "outer_value", "-L" + tmp("A"), "-louter")
    check(needed_of(mod) == ["libouter.so.1"], "the module's NEEDED: %r" % needed_of(mod))
    w = graftmod_wheel(mod)
    out = repaired(w, "--ldpaths", tmp("A"))
    n_outer, n_inner = grafted_name("libouter.so.1", outer), grafted_name("libinner.so.1", inner)
    ms = members(out)
    want = sorted(list(members(w)) + [SBOM, LIBS + "/" + n_outer, LIBS + "/" + n_inner])
    check(sorted(ms) == want, "output members %r, expected %r" % (sorted(ms), want))
    check_elf(out, CORE, {"libouter.so.1": n_outer}, "$ORIGIN/../graftmod.libs", mod)
    check_elf(out, LIBS + "/" + n_outer, {"libinner.so.1": n_inner}, "$ORIGIN", outer, soname=n_outer)
    gi = extract(out, LIBS + "/" + n_inner)
    d, text = dynamic(gi)
    check(d["SONAME"] == [n_inner] and d["RUNPATH"] == [] and tmp() not in text,
          "grafted libinner: %r" % d, text)
    elflint_clean(gi, inner)
    assert_unchanged_members(w, out, {CORE})
    assert_record_consistent(out)
    show_agrees(out)
    rc, o, err = casekit.repair("--json", "-w", tmp("wh3"), "--ldpaths", tmp("A"), w)
    check(rc == 0, "repair --json: exit %d" % rc, o, err)
    g = json.loads(o)["wheels"][0]["grafted"]
    check(g == [{"name": "libouter.so.1", "source": outer, "found_by": "ldpaths",
                 "member": LIBS + "/" + n_outer, "needed_by": [CORE]},
                {"name": "libinner.so.1", "source": inner, "found_by": "runpath",
                 "member": LIBS + "/" + n_inner, "needed_by": [LIBS + "/" + n_outer]}],
          "grafted: %s" % json.dumps(g, indent=1))
    check(read(json.loads(o)["wheels"][0]["output"]) == read(out), "--json wrote another wheel")

    # variant 2: no RUNPATH, both directories in --ldpaths A:B
    shutil.rmtree(tmp("A"))
    outer2 = build_lib(tmp("A"), "libouter.so.1", "outer.c", "-L" + tmp("B"), "-linner")
    check(dynamic(outer2)[0]["RUNPATH"] == [] and dynamic(outer2)[0]["RPATH"] == [], "libouter has an rpath")
    out2 = repaired(w, "--ldpaths", tmp("A") + ":" + tmp("B"), wdir=tmp("wh2"))
    n_outer2 = grafted_name("libouter.so.1", outer2)
    want2 = sorted(list(members(w)) + [SBOM, LIBS + "/" + n_outer2, LIBS + "/" + n_inner])
    check(sorted(members(out2)) == want2, "A:B output members %r, expected %r" % (sorted(members(out2)), want2))
    check_elf(out2, LIBS + "/" + n_outer2, {"libinner.so.1": n_inner}, "$ORIGIN", outer2, soname=n_outer2)
    check(members(out2)[LIBS + "/" + n_inner] == ms[LIBS + "/" + n_inner],
          "libinner grafted differently in the two variants")
    assert_record_consistent(out2)

    shutil.rmtree(tmp("A"))
    shutil.rmtree(tmp("B"))
    shutil.rmtree(tmp("build"))
    for i, o in enumerate((out, out2)):
        target = pip_install(o, tmp("site%d" % i))
        vals = py_values(target, ["graftmod._core"])
        check(vals == [42], "variant %d: graftmod._core.value() = %r, expected 42" % (i + 1, vals))


@case
def shared(_):
    need_tools()
    lib = build_lib(tmp("libs"), "libgreet.so.1", "greet.c")
    ma = build_module(tmp("build", "a.so"), "_a", "greet_value", "-L" + tmp("libs"), "-lgreet")
    mb = build_module(tmp("build", "b.so"), "_b", "greet_value", "-L" + tmp("libs"), "-lgreet")
    a_member, b_member = "pkga/_a" + PY_SUFFIX, "pkgb/deep/_b" + PY_SUFFIX
    w = build_wheel([("pkga/__init__.py", b"", 0o644), (a_member, read(ma), 0o755),
                     ("pkgb/__init__.py", b"", 0o644), ("pkgb/deep/__init__.py", b"", 0o644),
                     (b_member, read(mb), 0o755)])
    out = repaired(w, "--ldpaths", tmp("libs"))
    new = grafted_name("libgreet.so.1", lib)
    ms = members(out)
    libs_members = [n for n in ms if n.startswith(LIBS + "/")]
    check(libs_members == [LIBS + "/" + new], "grafted members %r, expected only %s/%s" % (libs_members, LIBS, new))
    check(sorted(ms) == sorted(list(members(w)) + [SBOM, LIBS + "/" + new]), "output members %r" % sorted(ms))
    check_elf(out, a_member, {"libgreet.so.1": new}, "$ORIGIN/../graftmod.libs", ma)
    check_elf(out, b_member, {"libgreet.so.1": new}, "$ORIGIN/../../graftmod.libs", mb)
    assert_unchanged_members(w, out, {a_member, b_member})
    assert_record_consistent(out)
    show_agrees(out)
    shutil.rmtree(tmp("libs"))
    shutil.rmtree(tmp("build"))
    target = pip_install(out)
    vals = py_values(target, ["pkga._a", "pkgb.deep._b"])
    check(vals == [4242, 4242], "values %r, expected [4242, 4242]" % vals)


@case
def scripts(_):
    need_tools()
    lib, mod = greet_setup()
    tool = tmp("build", "graft-tool")
    sh(["gcc", *CFLAGS, "-o", tool, os.path.join(SRC, "tool.c"), "-L" + tmp("libs"), "-lgreet"],
       "building graft-tool")
    plain = tmp("build", "graft-plain")
    sh(["gcc", *CFLAGS, "-DNO_GREET", "-o", plain, os.path.join(SRC, "tool.c")], "building graft-plain")
    script = "%s-%s.data/scripts/graft-tool" % (DIST, VER)
    plain_script = "%s-%s.data/scripts/graft-plain" % (DIST, VER)
    sh_script = "%s-%s.data/scripts/graft-sh" % (DIST, VER)
    w = graftmod_wheel(mod, extra=[(script, read(tool), 0o755), (plain_script, read(plain), 0o755),
                                   (sh_script, b"#!/bin/sh\necho graft-sh\n", 0o755)])
    out = repaired(w, "--ldpaths", tmp("libs"))
    new = grafted_name("libgreet.so.1", lib)
    ms = members(out)
    # the ELF moved out of .data/scripts/ (docs/repair.md: <dist>.scripts/<name>)
    moved = [n for n in ms if n.endswith("/graft-tool") and n != script]
    check(len(moved) == 1, "the moved executable: %r (members %r)" % (moved, sorted(ms)))
    moved = moved[0]
    check(moved == DIST + ".scripts/graft-tool", "the executable moved to %s, expected %s.scripts/graft-tool"
          % (moved, DIST))
    check(ms[moved][:4] == b"\x7fELF", "%s is not an ELF file" % moved)
    check(infos(out)[moved].external_attr >> 16 & 0o111, "%s is not executable (mode %o)"
          % (moved, infos(out)[moved].external_attr >> 16))
    check_elf(out, moved, {"libgreet.so.1": new}, rel_rpath(moved), tool)
    check(script in ms, "no launcher left at %s" % script)
    check(ms[script][:4] != b"\x7fELF", "%s is still an ELF file" % script)
    check(ms[script][:2] == b"#!", "the launcher does not start with #!: %r" % ms[script][:60])
    check(infos(out)[script].external_attr >> 16 & 0o111, "the launcher is not executable")
    want = sorted(list(members(w)) + [SBOM, LIBS + "/" + new, moved])
    check(sorted(ms) == want, "output members %r, expected %r" % (sorted(ms), want))
    check_elf(out, CORE, {"libgreet.so.1": new}, "$ORIGIN/../graftmod.libs", mod)
    # scripts that need nothing grafted stay where they are, raw (checked here)
    assert_unchanged_members(w, out, {CORE, script})
    assert_record_consistent(out)
    show_agrees(out)
    rc, o, err = casekit.repair("--json", "-w", tmp("wh2"), "--ldpaths", tmp("libs"), w)
    check(rc == 0, "repair --json: exit %d" % rc, o, err)
    d = json.loads(o)["wheels"][0]
    check(read(d["output"]) == read(out), "--json wrote another wheel")
    check([n for n in d["notes"] if script in n and moved in n], "no note about moving %s to %s: %r"
          % (script, moved, d["notes"]))
    validate(json.loads(o), "repair-v1")
    shutil.rmtree(tmp("libs"))
    shutil.rmtree(tmp("build"))
    target = pip_install(out)
    launcher = os.path.join(target, "bin", "graft-tool")
    check(os.path.isfile(launcher), "pip installed no %s (bin/: %r)" % (
        launcher, os.listdir(os.path.join(target, "bin")) if os.path.isdir(os.path.join(target, "bin")) else None))
    os.makedirs(tmp("elsewhere"), exist_ok=True)
    p = run([launcher, "a", "b"], cwd=tmp("elsewhere"), env=pip_env(), timeout=60)
    check(p.returncode == 0 and p.stdout == "graft-tool 4242 2\n",
          "the installed launcher: exit %d, stdout %r (expected 'graft-tool 4242 2')" % (p.returncode, p.stdout),
          p.stderr, ms[script].decode(errors="replace"))
    check(py_values(target, ["graftmod._core"]) == [4242], "the module next to the script")
    for name, want in (("graft-plain", "graft-tool 0 0\n"), ("graft-sh", "graft-sh\n")):
        p = run([os.path.join(target, "bin", name)], cwd=tmp("elsewhere"), env=pip_env(), timeout=60)
        check(p.returncode == 0 and p.stdout == want, "installed %s: exit %d, stdout %r" % (name, p.returncode, p.stdout),
              p.stderr)


@case
def not_found(_):
    need_tools()
    lib, mod = greet_setup()
    w = graftmod_wheel(mod)
    os.makedirs(tmp("empty"))
    wd = tmp("wheelhouse")
    lines, err = repair_wheels(w, "--ldpaths", tmp("empty"), code=1)
    check(lines == [], "stdout %r" % lines)
    assert_not_found(err, "libgreet.so.1 (needed by %s)" % CORE)
    assert_nothing_written(wd)
    # the same without --ldpaths: the system path does not have it either
    lines, err = repair_wheels(w, code=1)
    assert_not_found(err, "libgreet.so.1")
    assert_nothing_written(wd)
    # found for the module, but its own dependency is missing: still rejected, naming it
    inner = build_lib(tmp("B"), "libinner.so.1", "inner.c")
    build_lib(tmp("A"), "libouter.so.1", "outer.c", "-L" + tmp("B"), "-linner")
    mod2 = build_module(tmp("build", "_core2.so"), "_core", "outer_value", "-L" + tmp("A"), "-louter")
    w2 = graftmod_wheel(mod2)
    lines, err = repair_wheels(w2, "--ldpaths", tmp("A"), code=1)
    check(lines == [], "stdout %r" % lines)
    assert_not_found(err, "libinner.so.1")
    assert_nothing_written(wd)
    check(os.path.exists(inner), "input library removed")


@case
def needed_path_is_never_copied(_):
    # A library without a SONAME linked by its path: the module's DT_NEEDED is
    # that absolute path.  The loader would open exactly it; repair must not
    # copy a file a wheel names by path (reported as not found instead).
    need_tools()
    libdir = tmp("abs")
    os.makedirs(libdir)
    lib = os.path.join(libdir, "libgreet.so")
    sh(["gcc", *CFLAGS, "-shared", "-o", lib, os.path.join(SRC, "greet.c")], "building libgreet.so")
    mod = build_module(tmp("build", "_core.so"), "_core", "greet_value", lib)
    check(needed_of(mod)[:1] == [lib], "the module's NEEDED: %r" % needed_of(mod))
    w = graftmod_wheel(mod)
    wd = tmp("wheelhouse")
    for opts in ((), ("--ldpaths", libdir)):
        lines, err = repair_wheels(w, *opts, code=1)
        check(lines == [], "stdout %r" % lines)
        assert_not_found(err, "%s (needed by %s)" % (lib, CORE))
        assert_nothing_written(wd)


@case
def too_new_lib(_):
    need_tools()
    lib = build_lib(tmp("libs"), "libnew.so.1", "toonew.c")
    vr = sh(["readelf", "-VW", lib], "readelf -V")
    if "GLIBC_2.36" not in vr:
        raise Skip("this glibc has no arc4random_uniform@GLIBC_2.36")
    mod = build_module(tmp("build", "_core.so"), "_core", "new_value", "-L" + tmp("libs"), "-lnew")
    vm = sh(["readelf", "-VW", mod], "readelf -V")
    check("GLIBC_2.36" not in vm, "the module itself needs GLIBC_2.36")
    w = graftmod_wheel(mod)
    wd = tmp("wheelhouse")
    lines, err = repair_wheels(w, "--ldpaths", tmp("libs"), "--plat", "manylinux_2_17_x86_64", "--only-plat", code=1)
    check(lines == [], "stdout %r" % lines)
    new = grafted_name("libnew.so.1", lib)
    check(LIBS + "/" + new in err, "the report does not name %s/%s" % (LIBS, new), err)
    check([l for l in err.splitlines() if "GLIBC_2.36" in l and "arc4random_uniform" in l],
          "the report has no line with GLIBC_2.36 arc4random_uniform", err)
    check("manylinux_2_17_x86_64" in rejected_line(err), "the rejection does not name the target", err)
    assert_nothing_written(wd)
    lines, err = repair_wheels(w, "--ldpaths", tmp("libs"), "--plat", "manylinux_2_17_x86_64", code=1)
    check("libnew" in err and "GLIBC_2.36" in err, "--plat without --only-plat: report", err)
    assert_nothing_written(wd)
    # auto: grafted, and the grafted library's needs set the tag
    out = repaired(w, "--ldpaths", tmp("libs"))
    check(tagset(out) == ["manylinux_2_36_x86_64"], "auto tag set %r, expected manylinux_2_36_x86_64 "
          "(the grafted libnew needs GLIBC_2.36)" % tagset(out))
    check(LIBS + "/" + new in members(out), "libnew not grafted: %r" % sorted(members(out)))
    show_agrees(out)
    shutil.rmtree(tmp("libs"))
    target = pip_install(out)
    check(py_values(target, ["graftmod._core"]) == [7], "graftmod._core.value() != 7")


@case
def exclude(_):
    need_tools()
    lib, mod = greet_setup()
    w = graftmod_wheel(mod)
    out = repaired(w, "--ldpaths", tmp("libs"), "--exclude", "libgreet*")
    ms = members(out)
    check(sorted(ms) == sorted(members(w)), "members %r, expected the input's %r" % (sorted(ms), sorted(members(w))))
    check(not [n for n in ms if ".libs/" in n], "something was grafted")
    assert_unchanged_members(w, out, set())
    check(ms[CORE] == read(mod), "the module's bytes changed")
    assert_record_consistent(out)
    show = wheelaudit("show", "--json", out)
    check(show[0] == 1, "show of the output without --exclude (libgreet external): exit %d"
          % show[0])
    # the same without --ldpaths: an excluded library need not be found
    out2 = repaired(w, "--exclude", "libgreet*", wdir=tmp("wh2"))
    check(read(out2) == read(out), "--exclude with and without --ldpaths differ")


@case
def json_lists_grafted(_):
    need_tools()
    lib, mod = greet_setup()
    w = graftmod_wheel(mod)
    wd = tmp("wheelhouse")
    rc, o, err = casekit.repair("--json", "-w", wd, "--ldpaths", tmp("libs"), w)
    check(rc == 0, "repair --json: exit %d" % rc, o, err)
    doc = json.loads(o)
    check(doc["version"] == 1 and len(doc["wheels"]) == 1, "document %r" % o[:500])
    d = doc["wheels"][0]
    check(d["outcome"] == "repaired" and d["exit_code"] == 0, "outcome %r exit %r" % (d["outcome"], d["exit_code"]))
    check(os.path.isfile(d["output"]) and os.path.dirname(d["output"]) == wd, "output %r" % d["output"])
    check(d["tagset"] == ".".join(d["tags"]) == ".".join(tagset(d["output"])), "tags %r tagset %r output %r"
          % (d["tags"], d["tagset"], d["output"]))
    check(all(MANYLINUX_RE.match(t) for t in d["tags"]), "tags %r" % d["tags"])
    new = grafted_name("libgreet.so.1", lib)
    check(d.get("grafted") == [{"name": "libgreet.so.1", "source": lib, "found_by": "ldpaths",
                                "member": LIBS + "/" + new, "needed_by": [CORE]}],
          "grafted: %r" % d.get("grafted"))
    check(d.get("missing") == [], "missing: %r" % d.get("missing"))
    check(sorted(members(d["output"])) == sorted(list(members(w)) + [SBOM, LIBS + "/" + new]), "output members")
    check(err == "" or "error" not in err, "stderr: %r" % err)
    validate(doc, "repair-v1")
    # not found: rejected, `missing` names the library and the member, nothing grafted
    os.makedirs(tmp("empty"))
    rc, o, err = casekit.repair("--json", "-w", tmp("wh2"), "--ldpaths", tmp("empty"), w)
    check(rc == 1, "not found: exit %d" % rc, o, err)
    doc2 = json.loads(o)
    d2 = doc2["wheels"][0]
    check(d2["outcome"] == "rejected" and d2["exit_code"] == 1 and d2["output"] is None,
          "rejected entry %r" % {k: d2[k] for k in d2 if k != "audit"})
    check("libgreet.so.1" in d2["reason"], "reason %r" % d2["reason"])
    check(d2.get("missing") == ["libgreet.so.1 (needed by %s)" % CORE], "missing: %r" % d2.get("missing"))
    check(d2.get("grafted") == [], "grafted of a rejected wheel: %r" % d2.get("grafted"))
    assert_nothing_written(tmp("wh2"))
    validate(doc2, "repair-v1")


@case
def input_untouched_and_reproducible(_):
    need_tools()
    lib, mod = greet_setup()
    w = graftmod_wheel(mod)
    os.utime(w, ns=(1_500_000_000_000_000_000, 1_500_000_000_000_000_000))
    before = (read(w), os.stat(w).st_mtime_ns, read(lib), os.stat(lib).st_mtime_ns)
    env = clean_env(SOURCE_DATE_EPOCH="1700000000")
    a = repaired(w, "--ldpaths", tmp("libs"), wdir=tmp("a"), env=env)
    b = repaired(w, "--ldpaths", tmp("libs"), wdir=tmp("b"), env=env)
    c = repaired(w, "--ldpaths", tmp("libs"), "--threads", "1", wdir=tmp("c"), env=env)
    after = (read(w), os.stat(w).st_mtime_ns, read(lib), os.stat(lib).st_mtime_ns)
    check(after[0] == before[0], "the input wheel's bytes changed")
    check(after[1] == before[1], "the input wheel's mtime changed")
    check(after[2:] == before[2:], "the library in --ldpaths changed")
    check(read(a) == read(b), "two grafting repairs with SOURCE_DATE_EPOCH differ")
    check(read(a) == read(c), "--threads 1 gives another output")
    check(any(n.startswith(LIBS + "/") for n in members(a)), "nothing grafted")
    # with SOURCE_DATE_EPOCH the output does not depend on the library file's times
    os.utime(lib, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    f = repaired(w, "--ldpaths", tmp("libs"), wdir=tmp("f"), env=env)
    check(read(f) == read(a), "the output changed with the library's mtime (SOURCE_DATE_EPOCH set)")
    d1 = repaired(w, "--ldpaths", tmp("libs"), wdir=tmp("d1"))
    d2 = repaired(w, "--ldpaths", tmp("libs"), wdir=tmp("d2"))
    check(read(d1) == read(d2), "two grafting repairs without SOURCE_DATE_EPOCH differ")
    # repairing the repaired wheel: nothing left to graft, output has the same members
    again = repaired(a, "--ldpaths", tmp("libs"), wdir=tmp("e"))
    check(sorted(members(again)) == sorted(members(a)), "re-repair members %r" % sorted(members(again)))
    check(members(again)[CORE] == members(a)[CORE], "re-repair changed the patched module")


@case
def whitelisted_not_grafted(_):
    need_tools()
    zmod = build_module(tmp("build", "_z.so"), "_core", "z_value", "-l:libz.so.1", extra_src=["zcall.c"])
    check(needed_of(zmod) == ["libz.so.1"] or "libz.so.1" in needed_of(zmod), "zmod NEEDED %r" % needed_of(zmod))
    w = graftmod_wheel(zmod)
    out = repaired(w)
    ms = members(out)
    check(sorted(ms) == sorted(members(w)), "members %r" % sorted(ms))
    check(ms[CORE] == read(zmod), "the module was patched")
    assert_unchanged_members(w, out, set())
    # libz whitelisted next to libgreet external: only libgreet is grafted, libz stays as is
    lib = build_lib(tmp("libs"), "libgreet.so.1", "greet.c")
    # --no-as-needed: the module needs libgreet without calling it
    both = tmp("build", "_both.so")
    sh(["gcc", *CFLAGS, "-shared", "-I" + PY_INCLUDE, "-DMODNAME=_core", "-DCALL=z_value", "-o", both,
        os.path.join(SRC, "pymod.c"), os.path.join(SRC, "zcall.c"), "-Wl,--no-as-needed",
        "-L" + tmp("libs"), "-lgreet", "-l:libz.so.1"], "building the libz+libgreet module")
    n0 = needed_of(both)
    check("libgreet.so.1" in n0 and "libz.so.1" in n0, "module NEEDED %r" % n0)
    w2 = graftmod_wheel(both)
    out2 = repaired(w2, "--ldpaths", tmp("libs"), wdir=tmp("wh2"))
    new = grafted_name("libgreet.so.1", lib)
    libs_members = sorted(n for n in members(out2) if n.startswith(LIBS + "/"))
    check(libs_members == [LIBS + "/" + new], "grafted %r, expected only libgreet" % libs_members)
    check_elf(out2, CORE, {"libgreet.so.1": new}, "$ORIGIN/../graftmod.libs", both)
    shutil.rmtree(tmp("libs"))
    target = pip_install(out2)
    check(py_values(target, ["graftmod._core"]) == [13], "value() != compressBound(0)")


@case
def rpath_entries(_):
    """In-wheel search-path entries are kept (before the .libs entry), out-of-wheel
    ones dropped, RUNPATH becomes RPATH: for a module with DT_RPATH and one with
    DT_RUNPATH, each needing an in-wheel library (graftmod/_vendor/libhelper.so.1)
    and libgreet."""
    need_tools()
    lib = build_lib(tmp("libs"), "libgreet.so.1", "greet.c")
    helper = build_lib(tmp("vendor"), "libhelper.so.1", "inner.c")
    new = grafted_name("libgreet.so.1", lib)
    files = [("graftmod/__init__.py", b"", 0o644), ("graftmod/_vendor/libhelper.so.1", read(helper), 0o755)]
    mods = {}
    os.makedirs(tmp("build"))
    for kind, tags in (("rpath", "--disable-new-dtags"), ("runpath", "--enable-new-dtags")):
        m = tmp("build", "_%s.so" % kind)
        sh(["gcc", *CFLAGS, "-shared", "-I" + PY_INCLUDE, "-DMODNAME=_" + kind, "-DCALL=inner_value",
            "-o", m, os.path.join(SRC, "pymod.c"), "-Wl,--no-as-needed", "-L" + tmp("vendor"), "-lhelper",
            "-L" + tmp("libs"), "-lgreet", "-Wl,%s,-rpath,$ORIGIN/_vendor:/nonexistent/wa-graft-abs" % tags],
           "building module _" + kind)
        d = dynamic(m)[0]
        check(d["RPATH" if kind == "rpath" else "RUNPATH"] == ["$ORIGIN/_vendor:/nonexistent/wa-graft-abs"],
              "_%s built with %r" % (kind, d))
        mods[kind] = m
        files.append(("graftmod/_%s%s" % (kind, PY_SUFFIX), read(m), 0o755))
    w = build_wheel(files)
    out = repaired(w, "--ldpaths", tmp("libs"))
    ms = members(out)
    check(sorted(ms) == sorted(list(members(w)) + [SBOM, LIBS + "/" + new]), "output members %r" % sorted(ms))
    for kind, m in mods.items():
        check_elf(out, "graftmod/_%s%s" % (kind, PY_SUFFIX), {"libgreet.so.1": new},
                  "$ORIGIN/_vendor:$ORIGIN/../graftmod.libs", m)
    check(ms["graftmod/_vendor/libhelper.so.1"] == read(helper), "the in-wheel library was changed")
    assert_record_consistent(out)
    show_agrees(out)
    for d in ("libs", "vendor", "build"):
        shutil.rmtree(tmp(d))
    target = pip_install(out)
    vals = py_values(target, ["graftmod._rpath", "graftmod._runpath"])
    check(vals == [21, 21], "values %r, expected [21, 21]" % vals)


@case
def search_order(_):
    """Two different libgreet.so.1 (values 1111 in A, 4242 in B): the first in the
    search order is grafted (its hash in the name, its value after install):
    --ldpaths in order; WHEELAUDIT_LD_LIBRARY_PATH before --ldpaths;
    LD_LIBRARY_PATH before WHEELAUDIT_LD_LIBRARY_PATH."""
    need_tools()
    la = build_lib(tmp("A"), "libgreet.so.1", "greet.c", "-DGREET_VALUE=1111")
    lb = build_lib(tmp("B"), "libgreet.so.1", "greet.c")
    check(sha256_file(la) != sha256_file(lb), "the two builds are identical")
    mod = build_module(tmp("build", "_core.so"), "_core", "greet_value", "-L" + tmp("B"), "-lgreet")
    w = graftmod_wheel(mod)
    runs = [("--ldpaths A:B", ["--ldpaths", tmp("A") + ":" + tmp("B")], {}, la, "ldpaths"),
            ("--ldpaths B:A", ["--ldpaths", tmp("B") + ":" + tmp("A")], {}, lb, "ldpaths"),
            ("WHEELAUDIT_LD_LIBRARY_PATH=B --ldpaths A", ["--ldpaths", tmp("A")],
             {"WHEELAUDIT_LD_LIBRARY_PATH": tmp("B")}, lb, None),
            ("LD_LIBRARY_PATH=A WHEELAUDIT_LD_LIBRARY_PATH=B --ldpaths B", ["--ldpaths", tmp("B")],
             {"WHEELAUDIT_LD_LIBRARY_PATH": tmp("B"), "LD_LIBRARY_PATH": tmp("A")}, la, "LD_LIBRARY_PATH")]
    outs = []
    for i, (what, opts, env, want, found_by) in enumerate(runs):
        rc, o, err = casekit.repair("--json", "-w", tmp("wh%d" % i), *opts, w, env=clean_env(**env))
        check(rc == 0, "%s: exit %d" % (what, rc), o[-2000:], err)
        g = json.loads(o)["wheels"][0]["grafted"]
        new = grafted_name("libgreet.so.1", want)
        check([(x["source"], x["member"]) for x in g] == [(want, LIBS + "/" + new)],
              "%s: grafted %r, expected %s as %s/%s" % (what, g, want, LIBS, new))
        if found_by:
            check(g[0]["found_by"] == found_by, "%s: found_by %r, expected %r" % (what, g[0]["found_by"], found_by))
        outs.append(json.loads(o)["wheels"][0]["output"])
    shutil.rmtree(tmp("A"))
    shutil.rmtree(tmp("B"))
    for i, val in ((0, 1111), (1, 4242)):
        target = pip_install(outs[i], tmp("site%d" % i))
        vals = py_values(target, ["graftmod._core"])
        check(vals == [val], "%s: value() %r, expected %d" % (runs[i][0], vals, val))


@case
def ldpaths_relative(_):
    """Relative --ldpaths and WHEELAUDIT_LD_LIBRARY_PATH entries are relative to the
    current directory (as the loader reads LD_LIBRARY_PATH), whatever their length:
    L, ./L, libs, and . from inside the directory give the absolute path's output."""
    need_tools()
    lib = build_lib(tmp("L"), "libgreet.so.1", "greet.c")
    os.makedirs(tmp("libs"))
    shutil.copy(lib, tmp("libs", "libgreet.so.1"))
    mod = build_module(tmp("build", "_core.so"), "_core", "greet_value", "-L" + tmp("L"), "-lgreet")
    w = graftmod_wheel(mod)
    ref = read(repaired(w, "--ldpaths", tmp("L"), wdir=tmp("ref")))
    os.makedirs(tmp("empty"))
    tries = [("--ldpaths ./L", ["--ldpaths", "./L"], {}, tmp()),
             ("--ldpaths libs", ["--ldpaths", "libs"], {}, tmp()),
             ("--ldpaths L", ["--ldpaths", "L"], {}, tmp()),
             ("--ldpaths . (in L)", ["--ldpaths", "."], {}, tmp("L")),
             ("WHEELAUDIT_LD_LIBRARY_PATH=L", ["--ldpaths", tmp("empty")], {"WHEELAUDIT_LD_LIBRARY_PATH": "L"}, tmp())]
    bad = []
    for i, (what, opts, env, cwd) in enumerate(tries):
        rc, o, err = casekit.repair("-w", tmp("wh%d" % i), *opts, w, env=clean_env(**env), cwd=cwd)
        if rc != 0:
            bad.append("%s: exit %d: %s" % (what, rc, (rejected_line(err) if ": rejected: " in err else err)[-300:]))
            continue
        out = os.path.join(cwd, o.strip()) if not os.path.isabs(o.strip()) else o.strip()
        if read(out) != ref:
            bad.append("%s: another output than --ldpaths %s" % (what, tmp("L")))
    check(not bad, "relative search directories:\n  " + "\n  ".join(bad))


@case
def stderr_quiet_unless_verbose(_):
    """docs/repair.md: standard error says what was grafted from where only with
    --verbose; a plain successful repair prints nothing there."""
    need_tools()
    lib, mod = greet_setup()
    w = graftmod_wheel(mod)
    new = grafted_name("libgreet.so.1", lib)
    lines, err = repair_wheels(w, "--ldpaths", tmp("libs"))
    check(err == "", "stderr of a successful repair without --verbose is not empty: %r" % err)
    lines, err = repair_wheels(w, "--ldpaths", tmp("libs"), "--verbose", wdir=tmp("wh2"))
    check([l for l in err.splitlines() if "libgreet.so.1" in l and lib in l and LIBS + "/" + new in l],
          "--verbose does not say libgreet.so.1 was grafted from %s as %s/%s" % (lib, LIBS, new), err)
    rc, o, err = casekit.repair("--json", "-w", tmp("wh3"), "--ldpaths", tmp("libs"), w)
    check(rc == 0 and err == "", "stderr of a successful repair --json is not empty: %r" % err)


@case
def versioned_lib(_):
    """libgreet with symbol versions (GREET_1.0): the module's .gnu.version_r entry
    names the library too, and must be renamed with DT_NEEDED (else the loader
    fails); the grafted library keeps its version definitions."""
    need_tools()
    lib = build_lib(tmp("libs"), "libgreet.so.1", "greet.c", "-Wl,--version-script=" + os.path.join(SRC, "greet.map"))
    mod = build_module(tmp("build", "_core.so"), "_core", "greet_value", "-L" + tmp("libs"), "-lgreet")
    vr = sh(["readelf", "-VW", mod], "readelf -V")
    check("File: libgreet.so.1" in vr and "GREET_1.0" in vr, "the module has no version need on libgreet", vr)
    w = graftmod_wheel(mod)
    out = repaired(w, "--ldpaths", tmp("libs"))
    new = grafted_name("libgreet.so.1", lib)
    m = check_elf(out, CORE, {"libgreet.so.1": new}, "$ORIGIN/../graftmod.libs", mod)
    vr = sh(["readelf", "-VW", m], "readelf -V")
    check("File: %s" % new in vr and "File: libgreet.so.1" not in vr,
          "the module's version needs still name libgreet.so.1", vr)
    g = extract(out, LIBS + "/" + new)
    vd = sh(["readelf", "-VW", g], "readelf -V")
    check("GREET_1.0" in vd, "the grafted library lost its version definition", vd)
    show_agrees(out)
    shutil.rmtree(tmp("libs"))
    target = pip_install(out)
    check(py_values(target, ["graftmod._core"]) == [4242], "graftmod._core.value() != 4242")


@case
def data_platlib_and_root_modules(_):
    """A module at the wheel root and one under <dist>-<ver>.data/platlib/: the
    RPATH must reach <dist>.libs from where the installer puts them (the root of
    platlib for both), not from their place in the archive; both import."""
    need_tools()
    lib = build_lib(tmp("libs"), "libgreet.so.1", "greet.c")
    top = build_module(tmp("build", "_top.so"), "_top", "greet_value", "-L" + tmp("libs"), "-lgreet")
    plat = build_module(tmp("build", "_plat.so"), "_plat", "greet_value", "-L" + tmp("libs"), "-lgreet")
    top_m = "_top" + PY_SUFFIX
    plat_m = "%s-%s.data/platlib/pp/_plat%s" % (DIST, VER, PY_SUFFIX)
    w = build_wheel([(top_m, read(top), 0o755), ("%s-%s.data/platlib/pp/__init__.py" % (DIST, VER), b"", 0o644),
                     (plat_m, read(plat), 0o755)])
    out = repaired(w, "--ldpaths", tmp("libs"))
    new = grafted_name("libgreet.so.1", lib)
    check(sorted(members(out)) == sorted(list(members(w)) + [SBOM, LIBS + "/" + new]), "members %r" % sorted(members(out)))
    check_elf(out, top_m, {"libgreet.so.1": new}, "$ORIGIN/graftmod.libs", top)
    check_elf(out, plat_m, {"libgreet.so.1": new}, "$ORIGIN/../graftmod.libs", plat)
    shutil.rmtree(tmp("libs"))
    target = pip_install(out)
    check(py_values(target, ["_top"]) == [4242], "_top.value() != 4242")
    check(py_values(target, ["pp._plat"]) == [4242], "pp._plat.value() != 4242")


# ---------------------------------------------------------------- main


@case
def threads_and_compression(_):
    """A graft of a real library of some MB (libcrypto.so.3, beside libgreet):
    --threads 1, 2, 4 and 16 write the same bytes; at the default level the
    members repair deflates are within 1 % of zlib's level 6 on the same
    content; -z 9 is no bigger than -z 1 (docs/repair.md, "Speed")."""
    need_tools()
    libdir = tmp("libs")
    build_lib(libdir, "libgreet.so.1", "greet.c")
    mod = build_module(tmp("build", "_core.so"), "_core", "greet_value", "-L" + libdir, "-lgreet",
                       "-Wl,--no-as-needed", "-lcrypto")
    if "libcrypto.so.3" not in needed_of(mod):
        raise Skip("the module does not need libcrypto.so.3 (libssl-dev missing?)")
    inner = build_module(tmp("build", "_inner.so"), "_inner", "greet_value", "-L" + libdir, "-lgreet")
    w = graftmod_wheel(mod, [("graftmod/sub/_inner" + PY_SUFFIX, read(inner), 0o755)])
    ld = libdir + ":/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu"
    outs = {t: repaired(w, "--ldpaths", ld, "--threads", str(t), wdir=tmp("t%d" % t)) for t in (1, 2, 4, 16)}
    ms = members(outs[1])
    check(any(n.startswith(LIBS + "/libcrypto-") for n in ms), "libcrypto was not grafted: %r" % sorted(ms))
    for t, o in outs.items():
        check(read(o) == read(outs[1]), "--threads %d wrote other bytes than --threads 1" % t)
    # what repair deflated anew, against zlib 6 on the same bytes
    before = raw_entries(w)
    ours = zl = 0
    for name, e in raw_entries(outs[1]).items():
        if name in before and before[name][4] == e[4]:
            continue  # copied as stored
        check(e[0] == zipfile.ZIP_DEFLATED, "%s is not deflated" % name)
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        zl += len(c.compress(ms[name]) + c.flush())
        ours += e[2]
    note_ratio = ours / zl
    check(note_ratio <= 1.01, "the default level deflates to %d bytes, zlib 6 to %d (%.3f)" % (ours, zl, note_ratio))
    sizes = {}
    for lv in (1, 9):
        o = repaired(w, "--ldpaths", ld, "-z", str(lv), wdir=tmp("z%d" % lv))
        sizes[lv] = sum(e[2] for n, e in raw_entries(o).items() if n not in before or before[n][4] != e[4])
        check(members(o) == ms, "-z %d changed what the members hold" % lv)
    check(sizes[9] <= sizes[1], "-z 9 wrote %d bytes, -z 1 %d" % (sizes[9], sizes[1]))
    print("deflated anew: %d bytes; zlib 6: %d (%.4f); -z 1: %d; -z 9: %d" % (ours, zl, note_ratio, sizes[1], sizes[9]))


def main():
    return casekit.main("graft")

if __name__ == "__main__":
    sys.exit(main())
