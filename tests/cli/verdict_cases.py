#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of the verdict rules of docs/exit-codes.md ("Verdicts,
round 2"): which member outranks which, what a weak reference, a libc-free
module and an extension suffix decide, what makes a wheel invalid, which
platform tags are claims, the schemes a grafted library can serve, how
paths, batches, option errors, tag orders and colours are shown.

    verdict_cases.py --list
    verdict_cases.py --run CASE --bin WHEELAUDIT --fixtures DIR --mkelf MKELF

Every case builds its fixtures in its own temporary directory: ELF files
compiled with gcc (libc-free ones with -nostdlib, a stub library for a
DT_NEEDED) or synthesized by mkelf (tests/fixtures/mkelf.c, --mkelf) for
other architectures and byte orders, wheels written with casekit's wheel
builder (RECORD with sha256 lines unless a case leaves a member out).
--json documents are validated against the schemas in docs/; every wheel
repair writes passes casekit's output check.

Exit 0 = pass, 1 = fail, 77 = skipped (gcc, readelf or mkelf missing).
"""
import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import casekit  # noqa: E402
from casekit import (CTX, M, Skip, assert_nothing_written, build_wheel, case, check, clean_env,  # noqa: E402
                     need, read, repair, run, sh, tmp, validate, wheel_text, wheelaudit)

ROOT = os.path.normpath(os.path.join(casekit.HERE, ".."))
CFLAGS = ["-O2", "-g0", "-fPIC", "-w", "-U_FORTIFY_SOURCE", "-fno-stack-protector"]
SUFFIX = ".cpython-311-x86_64-linux-gnu.so"
ESC = "\x1b["

# ---------------------------------------------------------------- building ELF files


def write(path, data):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    return path


def gcc(out, source, *flags):
    """tmp("elf", OUT) (or OUT when absolute) compiled from the C text SOURCE
    with FLAGS; its path."""
    need("gcc")
    src = write(tmp("src", os.path.basename(out) + ".c"), source)
    path = out if os.path.isabs(out) else tmp("elf", out)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    sh(["gcc", *CFLAGS, "-o", path, src, *flags], "building " + out)
    return path


def mkelf(out, *args):
    """tmp("elf", OUT) synthesized by mkelf ARGS; its path."""
    tool = CTX.get("mkelf")
    if not tool or not os.access(tool, os.X_OK):
        raise Skip("mkelf was not built here (--mkelf %r)" % tool)
    path = tmp("elf", out)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    sh([tool, "-o", path, *map(str, args)], "mkelf " + out)
    return path


def dynamic(path):
    return casekit.readelf_dynamic(path)[0]


STUB_PTHREAD = "int wa_stub_thread(void) { return 7; }\n"


def libc_free_module(out="libcfree.so", needs_pthread=False):
    """A shared object that links no C library at all (gcc -nostdlib: no
    DT_NEEDED libc, no PT_INTERP, no GLIBC_ version).  With needs_pthread it
    needs libpthread.so.0 (a stub built here, linked by path, so DT_NEEDED
    carries its soname) and nothing else."""
    flags = ["-shared", "-nostdlib"]
    body = "void *PyInit__mod(void) { static int x = 42; return &x; }\n"
    if needs_pthread:
        stub = gcc("stub/libpthread.so.0", STUB_PTHREAD, "-shared", "-nostdlib",
                   "-Wl,-soname,libpthread.so.0")
        flags += ["-Wl,--no-as-needed", stub]
        body = ("int wa_stub_thread(void);\n"
                "void *PyInit__mod(void) { static int x; x = wa_stub_thread(); return &x; }\n")
    path = gcc(out, body, *flags)
    want = ["libpthread.so.0"] if needs_pthread else []
    d = dynamic(path)
    check(d["NEEDED"] == want, "fixture: %s needs %r, expected %r" % (out, d["NEEDED"], want))
    return path


def glibc_module(out="glibcmod.so"):
    """An ordinary glibc extension module (libc.so.6, GLIBC_2.2.5 only)."""
    path = gcc(out, "#include <stdlib.h>\nvoid *PyInit__mod(void) { return getenv(\"WA_MOD\"); }\n",
               "-shared")
    check(dynamic(path)["NEEDED"] == ["libc.so.6"], "fixture: %s does not need libc.so.6 only" % out)
    return path


def greet_setup(libdir=None):
    """libgreet.so.1 (DT_SONAME) in LIBDIR (default tmp/libs) and a glibc module
    that needs it (linked by path: no rpath); returns (library, module)."""
    lib = gcc(os.path.join(libdir or tmp("libs"), "libgreet.so.1"),
              "int greet_value(void) { return 42; }\n", "-shared", "-Wl,-soname,libgreet.so.1")
    mod = gcc("greetmod.so", "#include <stdlib.h>\nint greet_value(void);\n"
              "void *PyInit__core(void) { static int x; x = greet_value(); "
              "return getenv(\"WA_MOD\") ? 0 : &x; }\n", "-shared", "-Wl,--no-as-needed", lib)
    d = dynamic(mod)
    check(d["NEEDED"] == ["libgreet.so.1", "libc.so.6"] and not d["RPATH"] + d["RUNPATH"],
          "fixture: the module's dynamic section %r" % d)
    return lib, mod


# ---------------------------------------------------------------- building wheels


def make_wheel(name, files, purelib=False, dist_info=None, omit=(), extra=(), where="in"):
    """tmp(WHERE, NAME) from FILES [(member, bytes or a path to read)], then
    METADATA, WHEEL (Root-Is-Purelib, a Tag line for every tag the file name
    expands to) and RECORD (sha256 lines).  dist_info: the .dist-info
    directory's stem (default NAME-VERSION of the file name); omit: members
    RECORD leaves out; extra: further casekit.M members written after RECORD
    (listed in RECORD unless their record is 'omit')."""
    stem = name[:-4].split("-")
    dist, ver = stem[0], stem[1]
    di = (dist_info or "%s-%s" % (dist, ver)) + ".dist-info"
    py, abi, plat = (x.split(".") for x in stem[-3:])
    tags = ["%s-%s-%s" % (p, a, t) for p in py for a in abi for t in plat]
    ms = []
    for member, data in files:
        if isinstance(data, str):
            data = read(data)
        ms.append(M(member, data, mode=0o755 if data[:4] == b"\x7fELF" else 0o644,
                    record="omit" if member in omit else "sha256"))
    ms += [M(di + "/METADATA", b"Metadata-Version: 2.1\nName: %s\nVersion: %s\n"
             % (dist.encode(), ver.encode())),
           M(di + "/WHEEL", wheel_text(tags, purelib=purelib)),
           M(di + "/RECORD", None)]
    ms += list(extra)
    os.makedirs(tmp(where), exist_ok=True)
    return build_wheel(tmp(where, name), ms)


# ---------------------------------------------------------------- running


def show(path, *opts, code, env=None):
    """`show OPTS PATH`: checks the exit code; returns (verdict line, stdout, stderr)."""
    rc, out, err = wheelaudit("show", *opts, path, env=env)
    check(rc == code, "show %s: exit %d, expected %d" % (os.path.basename(path), rc, code),
          "stdout:\n" + out, "stderr:\n" + err)
    lines = out.splitlines()
    return (lines[0] if lines else ""), out, err


def show_json(path, *opts, code, env=None):
    """`show --json OPTS PATH`, validated; returns the wheel's entry."""
    rc, out, err = wheelaudit("show", "--json", *opts, path, env=env)
    check(rc == code, "show --json %s: exit %d, expected %d" % (os.path.basename(path), rc, code),
          "stdout:\n" + out, "stderr:\n" + err)
    try:
        doc = json.loads(out)
    except ValueError as e:
        raise AssertionError("stdout is not one JSON document: %s\n%s" % (e, out))
    validate(doc, "show-v1")
    check(len(doc["wheels"]) == 1, "JSON has %d wheels" % len(doc["wheels"]))
    w = doc["wheels"][0]
    check(w["exit_code"] == code, "JSON exit_code %r, expected %d" % (w["exit_code"], code))
    return w


def tagset_of(line, path):
    """The tag set of a verdict line 'NAME: TAGSET[ (reason)]'."""
    prefix = os.path.basename(path) + ": "
    check(line.startswith(prefix), "verdict line does not start with %r: %r" % (prefix, line))
    return line[len(prefix):].partition(" (")[0]


def families(tags):
    return sorted({re.match(r"[a-z]+", t).group(0) for t in tags})


def findings(w, kind, severity=None):
    return [f for f in w.get("findings") or []
            if f["kind"] == kind and (severity is None or f["severity"] == severity)]


def kinds(w):
    return sorted({f["kind"] for f in w.get("findings") or []})


def repair_json(wheel, *opts, code, wdir=None, show_exit=0):
    """`repair --json -w WDIR OPTS WHEEL`, validated; returns (entry, stderr)."""
    wdir = wdir or tmp("wheelhouse")
    rc, out, err = repair("--json", "-w", wdir, *opts, wheel, show_exit=show_exit)
    check(rc == code, "repair --json %s: exit %d, expected %d" % (os.path.basename(wheel), rc, code),
          "stdout:\n" + out, "stderr:\n" + err)
    doc = json.loads(out)
    validate(doc, "repair-v1")
    check(len(doc["wheels"]) == 1, "repair JSON has %d wheels" % len(doc["wheels"]))
    return doc["wheels"][0], err


def repair_text(wheel, *opts, code, wdir=None, show_exit=0):
    """`repair -w WDIR OPTS WHEEL`; returns (stdout, stderr)."""
    wdir = wdir or tmp("wheelhouse")
    rc, out, err = repair("-w", wdir, *opts, wheel, show_exit=show_exit)
    check(rc == code, "repair %s: exit %d, expected %d" % (os.path.basename(wheel), rc, code),
          "stdout:\n" + out, "stderr:\n" + err)
    return out, err


def rejected_reason(err):
    lines = [l for l in err.splitlines() if ": rejected: " in l]
    check(len(lines) == 1, "%d 'rejected:' lines on stderr" % len(lines), err)
    return lines[0].partition(": rejected: ")[2]


def main():
    return casekit.main("verdict", options=[("--mkelf", dict(default=None))])


# ================================================================ rule 1: exit-code ranking

MIPS64 = ["--machine", 8, "--class", 64, "--flags", "0x80000007"]


@case
def big_endian_library_in_little_endian_mips64_wheel_is_exit_4(_):
    """A big-endian MIPS library in a little-endian mips64 wheel: the same
    architecture name, but the loader refuses it (exit 4), and there is no
    policy for mips64 either (exit 1): 4 outranks 1, both are reported."""
    mod = mkelf("mod_el.so", *MIPS64, "--data", "lsb", "--verneed", "libc.so.6:GLIBC_2.0:memcpy")
    lib = mkelf("libbe.so.1", *MIPS64, "--data", "msb", "--soname", "libbe.so.1",
                "--verneed", "libc.so.6:GLIBC_2.0:memcpy")
    mod_member = "mipsy/_mod.cpython-311-mips64el-linux-gnuabi64.so"
    lib_member = "mipsy.libs/libbe.so.1"
    whl = make_wheel("mipsy-0.1-cp311-cp311-linux_mips64.whl",
                     [(mod_member, mod), (lib_member, lib)])
    line, out, _ = show(whl, code=4)
    w = show_json(whl, code=4)
    check(w["outcome"] == "mismatch", "outcome %r" % w["outcome"])
    foreign = findings(w, "foreign-arch", "error")
    check([f["member"] for f in foreign] == [lib_member],
          "foreign-arch must name the big-endian library only: %r" % foreign)
    check("big-endian" in foreign[0]["message"] and mod_member in foreign[0]["message"]
          and "refuse" in foreign[0]["message"],
          "the foreign-arch message says neither byte order nor reference: %r" % foreign[0]["message"])
    check(findings(w, "no-policy-for-arch", "error"),
          "the report must also state that no policy exists for mips64: %r" % kinds(w))
    check("[foreign-arch] " in out and "[no-policy-for-arch] " in out,
          "the text report must state both facts", out)
    # repair ranks the same way
    r, err = repair_json(whl, code=4)
    check(r["outcome"] == "rejected" and r["output"] is None, "repair: %r" % r["outcome"], err)
    assert_nothing_written(tmp("wheelhouse"))


@case
def n32_library_in_mips64_wheel_reports_both_facts(_):
    """Another architecture (MIPS n32, ELF32) in a mips64 wheel: exit 4, and
    the report still says no policy exists for mips64."""
    mod = mkelf("mod_el.so", *MIPS64, "--data", "lsb", "--verneed", "libc.so.6:GLIBC_2.0:memcpy")
    lib = mkelf("libn32.so.1", "--machine", 8, "--class", 32, "--flags", "0x80000027", "--data", "lsb",
                "--soname", "libn32.so.1", "--verneed", "libc.so.6:GLIBC_2.0:memcpy")
    lib_member = "mipsy.libs/libn32.so.1"
    whl = make_wheel("mipsy-0.1-cp311-cp311-linux_mips64.whl",
                     [("mipsy/_mod.cpython-311-mips64el-linux-gnuabi64.so", mod), (lib_member, lib)])
    w = show_json(whl, code=4)
    check([f["member"] for f in findings(w, "foreign-arch", "error")] == [lib_member],
          "foreign-arch %r" % findings(w, "foreign-arch"))
    check(findings(w, "no-policy-for-arch", "error"),
          "the report must also state that no policy exists for mips64: %r" % kinds(w))


@case
def reference_member_is_the_first_extension_module_whatever_its_suffix(_):
    """The members are judged against the first extension module, not the
    first ELF member: a big-endian library listed before a little-endian
    _mod.abi3-<triplet>.so (a CPython 3.15 name) is the foreign one."""
    for leaf in ("_mod.abi3-mips64el-linux-gnuabi64.so", "_mod.abi3t.so"):
        lib = mkelf("libbe.so.1", *MIPS64, "--data", "msb", "--soname", "libbe.so.1",
                    "--verneed", "libc.so.6:GLIBC_2.0:memcpy")
        mod = mkelf("mod_el.so", *MIPS64, "--data", "lsb", "--verneed", "libc.so.6:GLIBC_2.0:memcpy")
        whl = make_wheel("mipsy-0.1-cp315-abi3-linux_mips64.whl",
                         [("mipsy.libs/libbe.so.1", lib), ("mipsy/" + leaf, mod)], where="in-" + leaf)
        w = show_json(whl, code=4)
        check([f["member"] for f in findings(w, "foreign-arch")] == ["mipsy.libs/libbe.so.1"],
              "%s: the big-endian library must be the foreign member: %r"
              % (leaf, findings(w, "foreign-arch")))


@case
def same_byte_order_mips64_library_is_not_foreign(_):
    """The control: the same library little-endian is no mismatch; the wheel
    is exit 1 (no policy for mips64), without a foreign-arch finding."""
    mod = mkelf("mod_el.so", *MIPS64, "--data", "lsb", "--verneed", "libc.so.6:GLIBC_2.0:memcpy")
    lib = mkelf("libel.so.1", *MIPS64, "--data", "lsb", "--soname", "libel.so.1",
                "--verneed", "libc.so.6:GLIBC_2.0:memcpy")
    whl = make_wheel("mipsy-0.1-cp311-cp311-linux_mips64.whl",
                     [("mipsy/_mod.cpython-311-mips64el-linux-gnuabi64.so", mod),
                      ("mipsy.libs/libel.so.1", lib)])
    w = show_json(whl, code=1)
    check(w["outcome"] == "no-policy" and not findings(w, "foreign-arch"),
          "outcome %r, findings %r" % (w["outcome"], kinds(w)))


# ================================================================ rule 2: weak blacklisted references

ZCALLOC = """
extern void *zcalloc(void *opaque, unsigned items, unsigned size);
extern const char *zlibVersion(void);
%s
#include <stdlib.h>
const char *wa_version(void) { return zlibVersion(); }
void *wa_alloc(void) { return zcalloc ? zcalloc(0, 1, 1) : 0; }
void *PyInit__mod(void) { return getenv("WA_MOD"); }
"""


def zcalloc_wheel(weak):
    """A glibc module linked with -lz referring to zcalloc (on every manylinux
    policy's libz.so.1 blacklist), weakly (#pragma weak) or not."""
    mod = gcc("zc.so", ZCALLOC % ("#pragma weak zcalloc" if weak else ""), "-shared",
              "-l:libz.so.1")
    check(dynamic(mod)["NEEDED"] == ["libz.so.1", "libc.so.6"],
          "fixture: the module needs %r, not libz.so.1 and libc.so.6" % dynamic(mod)["NEEDED"])
    symbols = sh([need("readelf"), "--dyn-syms", "-W", mod])
    bind = [l.split()[4] for l in symbols.splitlines() if l.split()[-1:] == ["zcalloc"]]
    check(bind == ["WEAK" if weak else "GLOBAL"], "fixture: zcalloc is bound %r" % bind, symbols)
    member = "zc/_mod" + SUFFIX
    return make_wheel("zc-0.1-cp311-cp311-linux_x86_64.whl", [(member, mod)]), member


@case
def weak_reference_to_blacklisted_symbol_is_a_warning(_):
    whl, member = zcalloc_wheel(weak=True)
    line, out, _ = show(whl, code=0)
    check(tagset_of(line, whl).startswith("manylinux"), "a weak zcalloc does not decide the tag", out)
    w = show_json(whl, code=0)
    bl = findings(w, "blacklisted-symbol")
    check(len(bl) == 1 and bl[0]["severity"] == "warning" and bl[0]["member"] == member
          and bl[0].get("symbol") == "zcalloc",
          "one blacklisted-symbol warning for zcalloc expected: %r" % bl)
    check("(weak)" in bl[0]["message"], "the line is not marked weak: %r" % bl[0]["message"])
    lines = [l for l in out.splitlines() if "[blacklisted-symbol]" in l]
    check(len(lines) == 1 and lines[0].strip().startswith("warning ") and "zcalloc (weak)" in lines[0],
          "the text report keeps one line for zcalloc, a warning marked weak", out)


@case
def strong_reference_to_blacklisted_symbol_stays_fatal(_):
    whl, member = zcalloc_wheel(weak=False)
    line, out, _ = show(whl, code=1)
    check(tagset_of(line, whl) == "linux_x86_64", "verdict %r" % line, out)
    w = show_json(whl, code=1)
    bl = findings(w, "blacklisted-symbol")
    check(len(bl) == 1 and bl[0]["severity"] == "error" and "(weak)" not in bl[0]["message"],
          "one blacklisted-symbol error for zcalloc expected: %r" % bl)



@case
def weak_versioned_reference_to_blacklisted_symbol_is_a_warning(_):
    """gzflags@ZLIB_1.2.0, weak (the version itself is needed strongly, by
    zlibVersion): the symbol does not decide, the version does; the row in
    the per-symbol report stays, marked weak."""
    stub = gcc("stub/libz.so.1", "unsigned long gzflags(void) { return 0; }\n"
               "const char *zlibVersion(void) { return \"1\"; }\n", "-shared", "-nostdlib",
               "-Wl,-soname,libz.so.1",
               "-Wl,--version-script," + write(tmp("src", "z.map"),
                                               "ZLIB_1.2.0 { global: gzflags; zlibVersion; local: *; };\n"))
    mod = gcc("wz.so", "#include <stdlib.h>\nextern unsigned long gzflags(void);\n"
              "extern const char *zlibVersion(void);\n#pragma weak gzflags\n"
              "const char *wa_version(void) { return zlibVersion(); }\n"
              "unsigned long wa_flags(void) { return gzflags ? gzflags() : 0; }\n"
              "void *PyInit__mod(void) { return getenv(\"WA_MOD\"); }\n",
              "-shared", "-Wl,--no-as-needed", stub)
    syms = sh([need("readelf"), "--dyn-syms", "-W", mod])
    check(re.search(r"WEAK +DEFAULT +UND gzflags@ZLIB_1\.2\.0", syms), "fixture: no weak gzflags@ZLIB_1.2.0",
          syms)
    member = "wz/_mod" + SUFFIX
    whl = make_wheel("wz-0.1-cp311-cp311-linux_x86_64.whl", [(member, mod)])
    line, out, _ = show(whl, code=0)
    check(families(tagset_of(line, whl).split(".")) == ["manylinux"], "verdict %r" % line, out)
    rows = [l for l in out.splitlines() if re.match(r"\s+ZLIB_1\.2\.0\s+gzflags\s+libz\.so\.1\s", l)]
    check(len(rows) == 1 and rows[0].rstrip().endswith("(weak)"), "the gzflags row is not marked weak", out)
    w = show_json(whl, code=0)
    sy = [x for x in w["symbols"] if x["symbol"] == "gzflags"]
    check(len(sy) == 1 and sy[0]["weak"] is True and sy[0]["version"] == "ZLIB_1.2.0", "JSON symbols %r" % sy)
    bl = findings(w, "blacklisted-symbol")
    check(len(bl) == 1 and bl[0]["severity"] == "warning" and bl[0].get("symbol") == "gzflags",
          "one blacklisted-symbol warning for gzflags expected: %r" % bl)
    check(not findings(w, "weak-version"), "fixture: ZLIB_1.2.0 is needed strongly: %r" % kinds(w))

# ================================================================ rule 3: libc-free modules and the whitelist


@case
def libc_free_module_needing_libpthread_is_manylinux_only(_):
    """libpthread.so.0 is on the manylinux whitelist, not on musllinux's
    (libc.so, libz.so.1): a module that links no C library gets manylinux
    only, and the report says why not musllinux."""
    mod = libc_free_module(needs_pthread=True)
    member = "nolibc/_mod.abi3.so"
    whl = make_wheel("nolibc-0.1-cp36-abi3-linux_x86_64.whl", [(member, mod)])
    line, out, _ = show(whl, code=0)
    tags = tagset_of(line, whl).split(".")
    check(families(tags) == ["manylinux"], "tags %r: manylinux only expected" % tags, out)
    w = show_json(whl, code=0)
    check(w["libc"] == "none", "wheel libc %r" % w["libc"])
    check(families(w["verdict"]["tags"]) == ["manylinux"], "JSON tags %r" % w["verdict"]["tags"])
    check(w["best"]["musllinux"] is None, "best musllinux %r" % w["best"]["musllinux"])
    why = [f for f in findings(w, "external-library")
           if f.get("library") == "libpthread.so.0" and "musllinux" in f["message"]]
    check(why and "links no C library" in why[0]["message"],
          "the report must say that musllinux does not list libpthread.so.0: %r"
          % (w.get("findings"),))
    check("libpthread.so.0" in out and "musllinux whitelist" in out,
          "the text report does not say it", out)


@case
def libc_free_module_without_needs_fits_both_families(_):
    """The control: the same module without DT_NEEDED gets both families."""
    mod = libc_free_module()
    whl = make_wheel("nolibc-0.1-cp36-abi3-linux_x86_64.whl", [("nolibc/_mod.abi3.so", mod)])
    line, out, _ = show(whl, code=0)
    check(families(tagset_of(line, whl).split(".")) == ["manylinux", "musllinux"],
          "both families expected", out)


# ================================================================ rule 4: the SOABI suffix per interpreter

# (suffix, python tag, abi tag, families offered to a libc-free module)
SUFFIXES = [
    ("cpython_39_gnu", ".cpython-39-x86_64-linux-gnu.so", "cp39", "cp39", ["manylinux", "musllinux"]),
    ("cpython_310_gnu", ".cpython-310-x86_64-linux-gnu.so", "cp310", "cp310", ["manylinux", "musllinux"]),
    ("cpython_311_gnu", ".cpython-311-x86_64-linux-gnu.so", "cp311", "cp311", ["manylinux"]),
    ("cpython_313t_gnu", ".cpython-313t-x86_64-linux-gnu.so", "cp313", "cp313t", ["manylinux"]),
    ("cpython_311_musl", ".cpython-311-x86_64-linux-musl.so", "cp311", "cp311", ["musllinux"]),
    ("cpython_310_musl", ".cpython-310-x86_64-linux-musl.so", "cp310", "cp310", ["musllinux"]),
    ("abi3", ".abi3.so", "cp36", "abi3", ["manylinux", "musllinux"]),
    ("abi3t", ".abi3t.so", "cp315", "abi3t", ["manylinux", "musllinux"]),
    ("plain", ".so", "cp311", "cp311", ["manylinux", "musllinux"]),
    ("abi3_gnu", ".abi3-x86_64-linux-gnu.so", "cp315", "abi3", ["manylinux"]),
    ("abi3_musl", ".abi3-x86_64-linux-musl.so", "cp315", "abi3", ["musllinux"]),
    ("abi3t_gnu", ".abi3t-x86_64-linux-gnu.so", "cp315", "abi3t", ["manylinux"]),
    ("abi3t_musl", ".abi3t-x86_64-linux-musl.so", "cp315", "abi3t", ["musllinux"]),
]


def suffix_case(label, suffix, py, abi, want):
    def fn(_):
        mod = libc_free_module()
        whl = make_wheel("sfx-0.1-%s-%s-linux_x86_64.whl" % (py, abi), [("sfx/_mod" + suffix, mod)])
        line, out, _ = show(whl, code=0)
        got = families(tagset_of(line, whl).split("."))
        check(got == want, "a libc-free _mod%s is offered %r, expected %r" % (suffix, got, want), out)
        w = show_json(whl, code=0)
        check(families(w["verdict"]["tags"]) == want, "JSON tags %r" % w["verdict"]["tags"])
    fn.__name__ = "libc_free_suffix_%s_offers_%s" % (label, "_and_".join(want))
    fn.__doc__ = "A libc-free module named _mod%s: %s." % (suffix, " and ".join(want))
    return case(fn)


for _s in SUFFIXES:
    suffix_case(*_s)



# ================================================================ invalid wheels: one verdict line, exit 3


def assert_invalid(whl, member, code_name, *fragments):
    """show and repair: exit 3; the verdict line 'NAME: invalid (MEMBER: ...)',
    stderr naming MEMBER, the JSON error object; FRAGMENTS in the message."""
    name = os.path.basename(whl)
    line, out, err = show(whl, code=3)
    check(out.splitlines() == [line] and line.startswith(name + ": invalid (" + member + ": "),
          "show must print exactly one line 'NAME: invalid (%s: ...)'" % member, out)
    check(("wheelaudit: error: %s: %s: " % (whl, member)) in err, "stderr does not name %s" % member, err)
    for frag in fragments:
        check(frag in line, "the verdict line does not say %r" % frag, line)
    w = show_json(whl, code=3)
    check(w["outcome"] == "invalid" and w["error"]["code"] == code_name and w["error"]["member"] == member,
          "JSON error %r, expected %s naming %s" % (w["error"], code_name, member))
    out, err = repair_text(whl, code=3)
    check(out == "", "repair printed a file although it wrote none", out)
    check(("%s: %s: " % (whl, member)) in err, "repair's stderr does not name %s" % member, err)
    assert_nothing_written(tmp("wheelhouse"))
    return line


# ================================================================ rule 5: RECORD lists every file


@case
def file_missing_from_record_is_invalid(_):
    whl = make_wheel("rec-0.1-cp311-cp311-linux_x86_64.whl",
                     [("rec/_mod" + SUFFIX, glibc_module()), ("rec/extra.py", b"X = 1\n")],
                     omit=["rec/extra.py"])
    assert_invalid(whl, "rec/extra.py", "RECORD", "not listed in RECORD")


@case
def elf_member_missing_from_record_is_invalid(_):
    member = "rec/_mod" + SUFFIX
    whl = make_wheel("rec-0.1-cp311-cp311-linux_x86_64.whl",
                     [(member, glibc_module()), ("rec/__init__.py", b"")], omit=[member])
    assert_invalid(whl, member, "RECORD", "not listed in RECORD")


@case
def record_signatures_and_directories_need_no_record_line(_):
    """RECORD itself, RECORD.jws, RECORD.p7s and directory entries are
    exempt: the wheel stays compliant for show and repair."""
    di = "rec-0.1.dist-info/"
    extra = [M("rec/", b"", record="omit"), M(di, b"", record="omit"),
             M(di + "RECORD.jws", b'{"signatures": []}\n', record="omit"),
             M(di + "RECORD.p7s", b"not checked\n", record="omit")]
    whl = make_wheel("rec-0.1-cp311-cp311-linux_x86_64.whl",
                     [("rec/_mod" + SUFFIX, glibc_module())], extra=extra)
    listed = [l.split(",")[0] for l in casekit.members(whl)[di + "RECORD"].decode().splitlines()]
    for m in extra:
        check(m.name not in listed, "fixture: RECORD lists %s" % m.name)
    line, out, _ = show(whl, code=0)
    check(tagset_of(line, whl).startswith("manylinux"), "verdict %r" % line, out)
    out, err = repair_text(whl, code=0)
    check(len(out.splitlines()) == 1, "repair wrote %r" % out, err)


# ================================================================ rule 6: the .dist-info directory matches the file name


@case
def dist_info_of_another_project_is_invalid(_):
    whl = make_wheel("alpha-0.1-cp311-cp311-linux_x86_64.whl",
                     [("alpha/_mod" + SUFFIX, glibc_module())], dist_info="beta-0.1")
    assert_invalid(whl, "beta-0.1.dist-info/", "NOTWHEEL", "'beta-0.1.dist-info'", "'alpha-0.1'")


@case
def dist_info_of_another_version_is_invalid(_):
    whl = make_wheel("alpha-0.1-cp311-cp311-linux_x86_64.whl",
                     [("alpha/_mod" + SUFFIX, glibc_module())], dist_info="alpha-0.2")
    assert_invalid(whl, "alpha-0.2.dist-info/", "NOTWHEEL", "'alpha-0.2.dist-info'", "'alpha-0.1'")


@case
def dist_info_differing_in_case_and_separators_is_accepted(_):
    mod = glibc_module()
    for stem in ("foo.bar-0.1", "FOO__Bar-0.1", "Foo-.-bar-0.1"):
        whl = make_wheel("Foo_Bar-0.1-cp311-cp311-linux_x86_64.whl", [("foo_bar/_mod" + SUFFIX, mod)],
                         dist_info=stem, where="in-" + stem)
        line, out, err = show(whl, code=0)
        check(tagset_of(line, whl).startswith("manylinux"), "%s.dist-info: verdict %r" % (stem, line), out)
        out, err = repair_text(whl, code=0, wdir=tmp("wheelhouse-" + stem))
        check(len(out.splitlines()) == 1, "%s.dist-info: repair wrote %r" % (stem, out), err)


# ================================================================ rule 7: extension modules must be ELF

EXT_FORMS = [
    ("cpython", "_mod.cpython-311-x86_64-linux-gnu.so", "cp311", "cp311"),
    ("cpython_musl", "_mod.cpython-313t-x86_64-linux-musl.so", "cp313", "cp313t"),
    ("abi3", "_mod.abi3.so", "cp36", "abi3"),
    ("abi3t", "_mod.abi3t.so", "cp315", "abi3t"),
    ("abi3_triplet", "_mod.abi3-x86_64-linux-gnu.so", "cp315", "abi3"),
    ("abi3t_triplet", "_mod.abi3t-x86_64-linux-musl.so", "cp315", "abi3t"),
    ("pypy", "_mod.pypy39-pp73-x86_64-linux-gnu.so", "pp39", "pypy39_pp73"),
]


def not_elf_case(label, leaf, py, abi):
    def fn(_):
        member = "ext/" + leaf
        whl = make_wheel("ext-0.1-%s-%s-linux_x86_64.whl" % (py, abi),
                         [("ext/__init__.py", b""), (member, b"#!/bin/sh\necho not a module\n")])
        assert_invalid(whl, member, "BADELF", "not ELF")
    fn.__name__ = "extension_module_%s_that_is_not_elf_is_invalid" % label
    fn.__doc__ = "A text file named %s is exit 3 (not a pure wheel), named." % leaf
    return case(fn)


for _f in EXT_FORMS:
    not_elf_case(*_f)


@case
def empty_extension_module_next_to_a_good_one_is_invalid(_):
    member = "ext/_empty" + SUFFIX
    whl = make_wheel("ext-0.1-cp311-cp311-linux_x86_64.whl",
                     [("ext/_mod" + SUFFIX, glibc_module()), (member, b"")])
    assert_invalid(whl, member, "BADELF", "empty")


@case
def linker_script_library_stays_a_warning(_):
    """A non-ELF lib*.so (a GNU ld script) is skipped with a warning: next to
    an ELF module the wheel is compliant, alone it is a pure wheel (5)."""
    script = b"/* GNU ld script */\nINPUT(libfoo.so.1)\n"
    whl = make_wheel("ld-0.1-cp311-cp311-linux_x86_64.whl",
                     [("ld/_mod" + SUFFIX, glibc_module()), ("ld/lib/libfoo.so", script)])
    w = show_json(whl, code=0)
    warn = findings(w, "not-elf-library", "warning")
    check([f["member"] for f in warn] == ["ld/lib/libfoo.so"], "not-elf-library %r" % warn)
    alone = make_wheel("ld-0.1-cp311-cp311-linux_x86_64.whl", [("ld/lib/libfoo.so", script)],
                       where="alone")
    w = show_json(alone, code=5)
    check(w["outcome"] == "pure" and findings(w, "not-elf-library", "warning"),
          "outcome %r, findings %r" % (w["outcome"], kinds(w)))


# ================================================================ rule 8: every platform tag is a claim


def assert_tag_mismatch(whl, tag):
    line, out, _ = show(whl, code=4)
    w = show_json(whl, code=4)
    fs = [f for f in findings(w, "tag-arch-mismatch", "error") if tag in f["message"]]
    check(w["outcome"] == "mismatch" and fs, "no tag-arch-mismatch names %s: %r" % (tag, w["findings"]))
    r, err = repair_json(whl, code=4)
    check(r["outcome"] == "rejected", "repair outcome %r" % r["outcome"], err)
    assert_nothing_written(tmp("wheelhouse"))


@case
def compressed_linux_tags_are_each_checked(_):
    whl = make_wheel("tags-0.1-cp311-cp311-linux_x86_64.linux_aarch64.whl",
                     [("tags/_mod" + SUFFIX, glibc_module())])
    assert_tag_mismatch(whl, "linux_aarch64")


@case
def compressed_policy_tags_are_each_checked(_):
    whl = make_wheel("tags-0.1-cp311-cp311-manylinux_2_17_x86_64.manylinux_2_17_i686.whl",
                     [("tags/_mod" + SUFFIX, glibc_module())])
    assert_tag_mismatch(whl, "manylinux_2_17_i686")


@case
def any_next_to_a_linux_tag_is_a_mismatch(_):
    whl = make_wheel("tags-0.1-cp311-cp311-any.linux_x86_64.whl",
                     [("tags/_mod" + SUFFIX, glibc_module())])
    assert_tag_mismatch(whl, "any")


@case
def py3_none_any_wheel_with_elf_members_is_exit_4(_):
    whl = make_wheel("tags-0.1-py3-none-any.whl",
                     [("tags/__init__.py", b""), ("tags/_mod" + SUFFIX, glibc_module())])
    assert_tag_mismatch(whl, "any")



# ================================================================ rule 9: purelib is not platlib

CORE = "_core" + SUFFIX


def scheme_wheel(member, purelib, where="in"):
    """sch-0.1 with the greet module at MEMBER (Root-Is-Purelib: PURELIB) and
    an __init__.py; libgreet.so.1 is in tmp/libs."""
    _, mod = greet_setup()
    return make_wheel("sch-0.1-cp311-cp311-linux_x86_64.whl",
                      [("sch/__init__.py", b""), (member, mod)], purelib=purelib, where=where)


def assert_scheme_rejected(member, purelib, installed_into, root):
    whl = scheme_wheel(member, purelib)
    out, err = repair_text(whl, "--ldpaths", tmp("libs"), code=1)
    reason = rejected_reason(err)
    for frag in (member, "installed into %s" % installed_into, "into %s (the wheel's root)" % root):
        check(frag in reason, "the rejection does not say %r" % frag, reason)
    check(out == "", "repair printed %r" % out)
    assert_nothing_written(tmp("wheelhouse"))
    r, err = repair_json(whl, "--ldpaths", tmp("libs"), code=1)
    check(r["outcome"] == "rejected" and r["output"] is None and member in (r["reason"] or ""),
          "repair --json %r: %r" % (r["outcome"], r["reason"]), err)
    assert_nothing_written(tmp("wheelhouse"))
    return whl


@case
def purelib_member_needing_a_graft_is_rejected(_):
    member = "sch-0.1.data/purelib/sch/" + CORE
    whl = assert_scheme_rejected(member, False, "purelib", "platlib")
    # show warns of the ELF member in purelib
    w = show_json(whl, code=1)
    warn = findings(w, "purelib-with-elf", "warning")
    check([f["member"] for f in warn] == [member], "purelib-with-elf %r" % warn)


@case
def platlib_member_of_a_purelib_wheel_needing_a_graft_is_rejected(_):
    assert_scheme_rejected("sch-0.1.data/platlib/sch/" + CORE, True, "platlib", "purelib")


@case
def data_member_needing_a_graft_is_rejected(_):
    assert_scheme_rejected("sch-0.1.data/data/share/sch/" + CORE, False, "the data directory", "platlib")


@case
def headers_member_needing_a_graft_is_rejected(_):
    assert_scheme_rejected("sch-0.1.data/headers/" + CORE, False, "the data directory", "platlib")


@case
def member_in_the_roots_own_scheme_is_grafted(_):
    """The controls: a module at the root, and one under .data/purelib of a
    purelib wheel, are grafted (exit 0, libgreet copied)."""
    for member, purelib in (("sch/" + CORE, False), ("sch-0.1.data/purelib/sch/" + CORE, True)):
        where = "root" if not purelib else "purelib"
        whl = scheme_wheel(member, purelib, where=where)
        r, err = repair_json(whl, "--ldpaths", tmp("libs"), code=0, wdir=tmp("wheelhouse-" + where))
        check(r["outcome"] == "repaired" and [g["name"] for g in r["grafted"]] == ["libgreet.so.1"],
              "%s: %r, grafted %r" % (member, r["outcome"], r["grafted"]), err)


@case
def retagging_a_purelib_elf_member_is_allowed_with_a_warning(_):
    """Nothing to graft: repair retags the wheel; show and repair warn."""
    member = "sch-0.1.data/purelib/sch/" + CORE
    whl = make_wheel("sch-0.1-cp311-cp311-linux_x86_64.whl",
                     [("sch/__init__.py", b""), (member, glibc_module())])
    w = show_json(whl, code=0)
    warn = findings(w, "purelib-with-elf", "warning")
    check([f["member"] for f in warn] == [member], "purelib-with-elf %r" % warn)
    line, out, _ = show(whl, code=0)
    check("warning [purelib-with-elf] " + member in out, "the text report lacks the warning", out)
    r, err = repair_json(whl, code=0)
    check(r["outcome"] == "repaired", "repair %r" % r["outcome"], err)
    check([f["member"] for f in findings(r["audit"], "purelib-with-elf", "warning")] == [member],
          "repair --json: the audit lacks the purelib-with-elf warning: %r" % kinds(r["audit"]))


# ================================================================ rule 10: paths shown normalised


def dotdot_libs():
    """tmp/a exists; 'a/../libs' (relative to the case's directory) is tmp/libs."""
    os.makedirs(tmp("a"), exist_ok=True)
    return "a/../libs"


@case
def lddtree_shows_ldpaths_normalised(_):
    _, mod = greet_setup()
    ld = dotdot_libs()
    # --ldpaths replaces the system's directories: libc.so.6 is not found (exit 1)
    rc, out, err = wheelaudit("lddtree", "--ldpaths", ld, mod)
    check(rc == 1 and "libc.so.6 => not found" in out, "lddtree: exit %d" % rc, out, err)
    lines = [l.strip() for l in out.splitlines() if l.strip().startswith("libgreet.so.1 => ")]
    check(lines == ["libgreet.so.1 => libs/libgreet.so.1 (ldpaths)"], "lddtree shows %r" % lines, out)
    check("a/../" not in out, "a path with '..' is shown", out)
    rc, out, err = wheelaudit("lddtree", "--json", "--ldpaths", ld, mod)
    check(rc == 1, "lddtree --json: exit %d" % rc, out, err)
    needed = json.loads(out)["inputs"][0]["members"][0]["needed"]
    g = [n for n in needed if n["name"] == "libgreet.so.1"]
    check(g and g[0]["path"] == "libs/libgreet.so.1", "JSON path %r" % g)
    # absolute, with '.' and '..'
    ld = tmp("a", ".", "..", "libs")
    rc, out, err = wheelaudit("lddtree", "--ldpaths", ld, mod)
    want = "libgreet.so.1 => %s (ldpaths)" % tmp("libs", "libgreet.so.1")
    check(rc == 1 and want in [l.strip() for l in out.splitlines()], "expected %r" % want, out, err)


@case
def repair_shows_grafted_sources_normalised(_):
    _, mod = greet_setup()
    whl = make_wheel("norm-0.1-cp311-cp311-linux_x86_64.whl", [("norm/" + CORE, mod)])
    ld = dotdot_libs()
    r, err = repair_json(whl, "--ldpaths", ld, code=0)
    check([g["source"] for g in r["grafted"]] == ["libs/libgreet.so.1"],
          "grafted[].source %r" % [g["source"] for g in r["grafted"]])
    rc, out, err = repair("--dry-run", "-w", tmp("dry"), "--ldpaths", ld, whl)
    check(rc == 0, "repair --dry-run: exit %d" % rc, out, err)
    graft = [l for l in (out + err).splitlines() if "graft libgreet.so.1" in l]
    check(len(graft) == 1 and "ldpaths: libs/libgreet.so.1)" in graft[0],
          "the dry run does not show libs/libgreet.so.1: %r" % graft, out, err)
    check("a/../" not in out + err, "a path with '..' is shown", out, err)
    assert_nothing_written(tmp("dry"))
    rc, out, err = repair("--verbose", "-w", tmp("verbose"), "--ldpaths", ld, whl)
    check(rc == 0 and "grafted libgreet.so.1 from libs/libgreet.so.1 as " in err,
          "repair --verbose does not name libs/libgreet.so.1", out, err)




@case
def refused_library_is_shown_normalised(_):
    """A file found through --ldpaths a/../libs that is a program, not a
    library: the rejection names libs/libgreet.so.1."""
    _, mod = greet_setup()
    gcc(tmp("libs", "libgreet.so.1"), "int main(void) { return 0; }\n", "-fPIE", "-pie")
    whl = make_wheel("norm-0.1-cp311-cp311-linux_x86_64.whl", [("norm/" + CORE, mod)])
    out, err = repair_text(whl, "--ldpaths", dotdot_libs(), code=1)
    reason = rejected_reason(err)
    check("libs/libgreet.so.1 was found but it is a program" in reason and "a/../" not in reason,
          "the rejection does not name libs/libgreet.so.1", reason)
    r, err = repair_json(whl, "--ldpaths", dotdot_libs(), code=1)
    check(any("libs/libgreet.so.1 was found" in m and "a/../" not in m for m in r["missing"]),
          "repair --json missing %r" % r["missing"])

# ================================================================ messages: a missing input


@case
def missing_input_is_an_io_error_before_its_name_is_checked(_):
    """An unexpanded glob is no wheel name, but the answer is that it does
    not exist: exit 6, 'cannot open', for show and repair alike."""
    for cmd in (["show"], ["show", "--json"], ["repair", "-w", tmp("wheelhouse")]):
        if cmd[0] == "repair":
            rc, out, err = repair(*cmd[1:], "dist/*.whl")
        else:
            rc, out, err = wheelaudit(*cmd, "dist/*.whl")
        check(rc == 6, "%s dist/*.whl: exit %d, expected 6" % (" ".join(cmd), rc), out, err)
        check("dist/*.whl" in err and "cannot open" in err and "No such file or directory" in err,
              "%s: stderr does not say it cannot open dist/*.whl" % cmd[0], err)
        check("NAME-VERSION" not in err and "file name" not in err,
              "%s: the file name was judged before the file was opened" % cmd[0], err)
        if cmd == ["show"]:
            check(out == "*.whl: error (cannot open: No such file or directory)\n",
                  "show: the verdict line of the missing wheel", out)
        elif cmd == ["show", "--json"]:
            doc = json.loads(out)
            validate(doc, "show-v1")
            w = doc["wheels"][0]
            check(w["outcome"] == "error" and w["error"]["code"] == "IO" and w["exit_code"] == 6,
                  "JSON entry %r" % w)
        else:
            check(out == "", "repair printed %r" % out)
    assert_nothing_written(tmp("wheelhouse"))


# ================================================================ messages: one verdict line per wheel


@case
def show_prints_one_verdict_line_per_wheel_and_blank_lines_between(_):
    mod = glibc_module()
    good = make_wheel("good-0.1-cp311-cp311-linux_x86_64.whl", [("good/_mod" + SUFFIX, mod)])
    bad = make_wheel("bad-0.1-cp311-cp311-linux_x86_64.whl",
                     [("bad/_mod" + SUFFIX, mod), ("bad/extra.py", b"")], omit=["bad/extra.py"])
    pure = make_wheel("pure-0.1-py3-none-any.whl", [("pure/__init__.py", b"")])
    mism = make_wheel("mism-0.1-py3-none-any.whl", [("mism/_mod" + SUFFIX, mod)])
    args = [good, bad, pure, "dist/*.whl", mism]
    rc, out, err = wheelaudit("show", *args)
    check(rc == 6, "show: exit %d, expected 6 (the highest-ranked)" % rc, out, err)
    check(not out.startswith("\n") and out.endswith("\n") and not out.endswith("\n\n"),
          "stdout begins or ends with a blank line", out)
    reports = out[:-1].split("\n\n")
    check(len(reports) == len(args), "%d reports separated by blank lines, expected %d"
          % (len(reports), len(args)), out)
    heads = [l for l in out.splitlines() if l and not l.startswith(" ")]
    check(len(heads) == len(args) and all(r.splitlines()[0] == h for r, h in zip(reports, heads)),
          "every report begins with its verdict line, and no other line is unindented", out)
    want = ["good-0.1-cp311-cp311-linux_x86_64.whl: manylinux",
            "bad-0.1-cp311-cp311-linux_x86_64.whl: invalid (bad/extra.py: not listed in RECORD",
            "pure-0.1-py3-none-any.whl: any (pure wheel",
            "*.whl: error (cannot open: No such file or directory)",
            "mism-0.1-py3-none-any.whl: "]
    for h, prefix in zip(heads, want):
        check(h.startswith(prefix), "verdict line %r does not start with %r" % (h, prefix), out)
    # repair's stdout lists only the files written
    rc, out, err = repair("-w", tmp("wheelhouse"), good, bad, pure, mism)
    check(rc == 3, "repair: exit %d, expected 3" % rc, out, err)
    written = os.listdir(tmp("wheelhouse"))
    check(len(written) == 1 and out == "%s\n" % os.path.join(tmp("wheelhouse"), written[0]),
          "repair's stdout is not exactly the one file written (%r)" % written, out)


# ================================================================ messages: option errors


OPTION_ERRORS = [
    # (arguments, what stderr must quote, the command of the --help hint)
    (["repair", "--wheel-dir"], "option '--wheel-dir' needs a value", "repair"),
    (["repair", "-w"], "option '-w' needs a value", "repair"),
    (["repair", "--wheel"], "option '--wheel' needs a value", "repair"),
    (["repair", "--wheel-dir=", "x.whl"], "--wheel-dir: ", "repair"),
    (["repair", "--plat=", "x.whl"], "--plat: ", "repair"),
    (["show", "--plat=", "x.whl"], "--plat: ", "show"),
    (["show", "--plat"], "option '--plat' needs a value", "show"),
    (["repair", "--bogus", "x.whl"], "unknown option '--bogus'", "repair"),
    (["show", "--bogus", "x.whl"], "unknown option '--bogus'", "show"),
    (["show", "-q", "x.whl"], "unknown option '-q'", "show"),
    (["show", "--threads", "0", "x.whl"], "--threads: '0'", "show"),
    (["lddtree", "--ldpaths"], "option '--ldpaths' needs a value", "lddtree"),
    (["lddtree", "--bogus", "x.so"], "unknown option '--bogus'", "lddtree"),
    (["policies", "--arch"], "option '--arch' needs a value", "policies"),
    (["policies", "--bogus"], "unknown option '--bogus'", "policies"),
    (["--policy-dir"], "option '--policy-dir' needs a value", None),
    (["--bogus", "show", "x.whl"], "unknown option '--bogus'", None),
]


@case
def option_errors_name_the_option_typed_and_the_commands_help(_):
    for args, quote, command in OPTION_ERRORS:
        r = repair(*args[1:]) if args[0] == "repair" else run([CTX["bin"], *args])
        hint = "(see 'wheelaudit %s--help')" % (command + " " if command else "")
        check(r.returncode == 2, "%s: exit %d, expected 2" % (" ".join(args), r.returncode), r.stderr)
        check(r.stdout == "", "%s: stdout %r" % (" ".join(args), r.stdout))
        check(quote in r.stderr, "%s: stderr does not say %r" % (" ".join(args), quote), r.stderr)
        check(r.stderr.rstrip("\n").endswith(hint), "%s: stderr does not end with %r"
              % (" ".join(args), hint), r.stderr)


@case
def options_after_the_wheels_are_options(_):
    """The man page: 'Options may come before or after the wheels'."""
    good = make_wheel("good-0.1-cp311-cp311-linux_x86_64.whl", [("good/_mod" + SUFFIX, glibc_module())])
    r = repair(good, "--wheel-dir")
    check(r.returncode == 2 and "option '--wheel-dir' needs a value" in r.stderr,
          "repair WHEEL --wheel-dir: exit %d, expected 2 naming the option" % r.returncode,
          r.stdout, r.stderr)
    rc, out, err = wheelaudit("show", good, "--json")
    check(rc == 0 and out.startswith("{"), "show WHEEL --json: exit %d, no JSON document" % rc, out, err)
    rc, out, err = wheelaudit("show", "--", good)
    check(rc == 0, "show -- WHEEL: exit %d" % rc, out, err)


# ================================================================ messages: one tag order


@case
def one_sorted_tag_order_in_verdict_json_and_file_name(_):
    mod = libc_free_module()
    whl = make_wheel("order-0.1-cp36-abi3-linux_x86_64.whl", [("order/_mod.abi3.so", mod)])
    line, out, _ = show(whl, code=0)
    text = tagset_of(line, whl)
    tags = text.split(".")
    check(families(tags) == ["manylinux", "musllinux"], "fixture: both families expected", out)
    check(any(re.match(r"manylinux\d", t) for t in tags) and any(t.startswith("manylinux_") for t in tags),
          "fixture: a legacy alias and a PEP 600 tag expected", out)
    check(tags == sorted(tags), "the verdict line's tags are not sorted: %r" % tags, out)
    w = show_json(whl, code=0)
    check(w["verdict"]["tags"] == tags and w["verdict"]["tagset"] == text,
          "JSON %r / %r, the verdict line %r" % (w["verdict"]["tags"], w["verdict"]["tagset"], text))
    r, err = repair_json(whl, code=0)
    name = os.path.basename(r["output"])
    check(name == "order-0.1-cp36-abi3-%s.whl" % text, "repair wrote %s, the verdict is %s" % (name, text))
    check(r["tags"] == tags and r["tagset"] == text, "repair JSON %r / %r" % (r["tags"], r["tagset"]))
    wheel_file = casekit.members(r["output"])["order-0.1.dist-info/WHEEL"].decode()
    lines = [l[5:] for l in wheel_file.splitlines() if l.startswith("Tag: ")]
    check(lines == ["cp36-abi3-" + t for t in tags], "the output's WHEEL Tag lines %r" % lines)


# ================================================================ messages: colour


def run_on_tty(args, env):
    """Runs wheelaudit ARGS with stdout on a pseudo-terminal (stderr a pipe);
    returns (exit code, what the terminal got)."""
    master, slave = pty.openpty()
    try:
        p = subprocess.Popen([CTX["bin"], *args], stdin=subprocess.DEVNULL, stdout=slave,
                             stderr=subprocess.PIPE, env=env, cwd=tmp())
    finally:
        os.close(slave)
    got = b""
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 60)
            check(ready, "no output from %s within 60s" % " ".join(args))
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the other end is closed
                break
            if not chunk:
                break
            got += chunk
    finally:
        os.close(master)
    p.stderr.read()
    return p.wait(timeout=60), got.decode("utf-8", "replace")


@case
def colour_follows_term_no_color_and_the_terminal(_):
    whl, _ = zcalloc_wheel(weak=False)  # an error finding: coloured when colour is on
    plain = clean_env(TERM="xterm")
    plain.pop("NO_COLOR", None)
    table = [
        ("TERM=xterm, a terminal", [], dict(plain), True),
        ("TERM=dumb", [], dict(plain, TERM="dumb"), False),
        ("NO_COLOR=1", [], dict(plain, NO_COLOR="1"), False),
        ("NO_COLOR empty (unset, as no-color.org says)", [], dict(plain, NO_COLOR=""), True),
        ("TERM=dumb, --color always", ["--color", "always"], dict(plain, TERM="dumb"), True),
        ("TERM=xterm, --color never", ["--color", "never"], dict(plain), False),
    ]
    for what, opts, env, coloured in table:
        rc, got = run_on_tty(["show", *opts, whl], env)
        check(rc == 1, "%s: exit %d" % (what, rc), got)
        check(os.path.basename(whl) in got, "%s: the report did not reach the terminal" % what, got)
        check((ESC in got) == coloured, "%s: colour %s expected" % (what, "on" if coloured else "off"),
              repr(got[:400]))
    # --color auto with stdout not a terminal never colours
    rc, out, err = wheelaudit("show", "--color", "auto", whl, env=plain)
    check(rc == 1 and ESC not in out, "a pipe got colour", repr(out[:400]))


# ================================================================ messages: --policy-dir before the command


def policy_copy(d, drop=None, break_json=False):
    """D holds a copy of policies/*.json; DROP (a policy name) removed from
    manylinux.json, or manylinux.json cut short."""
    os.makedirs(d, exist_ok=True)
    for n in os.listdir(os.path.join(ROOT, "policies")):
        if n.endswith(".json"):
            shutil.copy(os.path.join(ROOT, "policies", n), os.path.join(d, n))
    path = os.path.join(d, "manylinux.json")
    if drop:
        doc = json.loads(read(path))
        before = len(doc["policies"])
        doc["policies"] = [p for p in doc["policies"] if p["name"] != drop]
        check(len(doc["policies"]) == before - 1, "fixture: no policy %s to drop" % drop)
        write(path, json.dumps(doc, indent=1))
    if break_json:
        write(path, read(path)[:200])
    return d


@case
def policy_dir_before_the_command_is_used(_):
    whl = make_wheel("pd-0.1-cp311-cp311-linux_x86_64.whl", [("pd/_mod" + SUFFIX, glibc_module())])
    line, out, _ = show(whl, code=0)
    check(set(tagset_of(line, whl).split(".")) == {"manylinux1_x86_64", "manylinux_2_5_x86_64"},
          "fixture: the module must meet manylinux_2_5", out)
    pol = policy_copy(tmp("pol"), drop="manylinux_2_5")
    want = {"manylinux2010_x86_64", "manylinux_2_12_x86_64"}
    for how, args, env in (("--policy-dir DIR show", ["--policy-dir", pol, "show", whl], None),
                           ("--policy-dir=DIR show", ["--policy-dir=" + pol, "show", whl], None),
                           ("show --policy-dir DIR", ["show", "--policy-dir", pol, whl], None),
                           ("WHEELAUDIT_POLICY_DIR", ["show", whl], clean_env(WHEELAUDIT_POLICY_DIR=pol))):
        rc, out, err = wheelaudit(*args, env=env)
        check(rc == 0 and set(tagset_of(out.splitlines()[0], whl).split(".")) == want,
              "%s: expected the verdict %s without manylinux_2_5" % (how, ".".join(sorted(want))),
              out, err)
    rc, out, err = wheelaudit("--policy-dir", pol, "policies")
    check(rc == 0 and "manylinux_2_12" in out and "manylinux_2_5" not in out,
          "--policy-dir DIR policies still lists manylinux_2_5", out, err)
    broken = policy_copy(tmp("broken"), break_json=True)
    for args in (["--policy-dir", broken, "show", whl], ["show", "--policy-dir", broken, whl],
                 ["--policy-dir", broken, "policies"]):
        rc, out, err = wheelaudit(*args)
        check(rc == 2 and out == "" and "manylinux.json" in err,
              "%s: exit %d, expected 2 naming manylinux.json" % (" ".join(args[:3]), rc), out, err)
    rc, out, err = repair("--policy-dir", broken, "-w", tmp("wheelhouse"), whl)
    check(rc == 2 and out == "", "repair --policy-dir BROKEN: exit %d" % rc, out, err)
    # (not through casekit.repair(), which cannot put a global option first:
    # the run must fail before any wheel is read, and nothing is written)
    r = run([CTX["bin"], "--policy-dir", broken, "repair", "-w", tmp("wheelhouse"), whl])
    check(r.returncode == 2 and r.stdout == "", "--policy-dir BROKEN repair: exit %d" % r.returncode,
          r.stdout, r.stderr)
    assert_nothing_written(tmp("wheelhouse"))


# ================================================================ messages: hints


@case
def missing_library_rejection_hint_describes_ldpaths(_):
    _, mod = greet_setup()
    whl = make_wheel("hint-0.1-cp311-cp311-linux_x86_64.whl", [("hint/" + CORE, mod)])
    os.makedirs(tmp("empty"))
    for opts in (["--ldpaths", tmp("empty")], []):
        out, err = repair_text(whl, *opts, code=1)
        reason = rejected_reason(err)
        check("libgreet.so.1" in reason and "not found" in reason, "the reason %r" % reason)
        for frag in ("--ldpaths replaces", "WHEELAUDIT_LD_LIBRARY_PATH adds", "--exclude"):
            check(frag in reason, "the hint does not say %r" % frag, reason)
        check("--ldpaths or" not in reason and "add places" not in reason,
              "the hint says --ldpaths adds places", reason)
        assert_nothing_written(tmp("wheelhouse"))


SHOW_OPTION_RE = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")


@case
def show_findings_suggest_only_options_show_has(_):
    """Whatever show prints (text, JSON, stderr) names only options of show."""
    rc, usage, _ = wheelaudit("show", "--help")
    check(rc == 0, "show --help: exit %d" % rc)
    has = set(SHOW_OPTION_RE.findall(usage))
    check({"--plat", "--allow-pure", "--disable-isa-check"} <= has, "fixture: show --help lists %r" % has)
    _, greet = greet_setup()
    isa = mkelf("isa.so", "--machine", 62, "--isa", "v3", "--verneed", "libc.so.6:GLIBC_2.2.5:free")
    wheels = [
        make_wheel("graft-0.1-cp311-cp311-linux_x86_64.whl", [("graft/" + CORE, greet)]),
        make_wheel("isa-0.1-cp311-cp311-linux_x86_64.whl", [("isa/" + CORE, isa)]),
        make_wheel("pure-0.1-py3-none-any.whl", [("pure/__init__.py", b"")]),
        zcalloc_wheel(weak=True)[0],
    ]
    said = {}
    for whl in wheels:
        for opts in ([], ["--json"], ["--plat", "manylinux_2_17_x86_64"]):
            r = run([CTX["bin"], "show", *opts, whl])
            for opt in SHOW_OPTION_RE.findall(r.stdout + r.stderr):
                said.setdefault(opt, set()).add(os.path.basename(whl))
    lacking = {o: sorted(w) for o, w in said.items() if o not in has}
    check(not lacking, "show suggests options it does not have: %r" % lacking)


if __name__ == "__main__":
    sys.exit(main())
