#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Proofs of the ELF patcher (src/elfpatch.c) through its test tool wa-patchelf.

    patch_cases.py --list
    patch_cases.py --run CASE --bin WHEELAUDIT --fixtures DIR --patcher WA_PATCHELF

wa-patchelf [--set-soname NAME] [--replace-needed OLD NEW]... [--remove-needed NAME]...
[--set-rpath PATH | --set-runpath PATH] [--strip] IN OUT: exit 0 and OUT written; on
error a message on stderr, exit 1 and no OUT.  --strip strips the edit's result (or,
alone, the input): the strip_* cases.

Every case builds its own inputs at test time, in its own temporary directory
(removed afterwards), from the small C sources in tests/fixtures/src/patch/
with the compilers found on the machine (gcc; musl-gcc; aarch64/armhf cross
gcc; clang + ld.lld for big-endian objects), then checks the patched files
with:
  - eu-elflint -q --gnu-ld (no output, exit 0; for a file that was not clean
    before, no new complaint),
  - readelf -dW / -VW (exact SONAME, NEEDED in order, RPATH/RUNPATH, Verneed
    file names; no readelf warning),
  - the loader's view, parsed here: the dynamic entries read through
    PT_DYNAMIC and DT_STRTAB mapped by the PT_LOADs, the Verneed chain through
    DT_VERNEED, and the layout (every input PT_LOAD kept, every PT_LOAD in the
    file, congruent modulo its alignment, sorted and not overlapping; new ones
    aligned at least as strictly as the input's),
  - the loaders themselves: glibc (dlopen and a PIE), musl, and qemu-user for
    aarch64 and armhf,
  - patchelf, when installed, as a reference.
The corpus cases read real wheels from ../shared/corpus (only read, members
extracted to the temporary directory).

Exit 0 = pass, 1 = fail, 77 = skipped (a tool or the corpus is missing).
"""
import glob
import os
import re
import shutil
import signal
import struct
import sys
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import casekit  # noqa: E402
from casekit import case, check, CTX, need, run, sh, sha256_file, Skip, tmp  # noqa: E402
from elfkit import (DT_NULL, DT_STRSZ, DT_STRTAB, DT_VERNEED, DT_VERNEEDNUM, Elf, PT_DYNAMIC,  # noqa: E402
                    PT_INTERP, PT_LOAD, PT_PHDR)
HERE = os.path.dirname(os.path.abspath(__file__))
SRC = casekit.fixture_src("patch")
CORPUS = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "corpus"))

# the names of case 1 (the shape of a repaired wheel: hashed names, a .libs dir)
A_OLD, A_NEW = "liba.so.1", "liba-0123abcd.so.1"
B_OLD, B_NEW = "libb.so.1", "libb-89abcdef.so.1"
C_OLD, C_NEW = "libc3.so.1", "libc3-0f1e2d3c.so.1"
RPATH_LIBS = "$ORIGIN/../pkg.libs"
EDIT_A = ["--set-soname", A_NEW, "--replace-needed", B_OLD, B_NEW, "--set-rpath", RPATH_LIBS]
# b_func(7) = strlen("b7") * 1000 + 7 * 3; a_func adds 100; with libc3, x becomes x + 5
B7, A7, A7_CHAIN = 2021, 2121, 2136


def src(name):
    return os.path.join(SRC, name)


def mkdirs(*parts):
    d = tmp(*parts)
    os.makedirs(d, exist_ok=True)
    return d


# ---------------------------------------------------------------- the patcher


def patch(inp, out, *edits, code=0):
    """Runs wa-patchelf EDITS IN OUT; checks the exit code (never a signal), that OUT
    exists after 0 and does not after 1, and that 1 comes with a message.  Returns stderr."""
    if os.path.exists(out):
        os.unlink(out)
    before = sha256_file(inp) if os.path.isfile(inp) else None
    cmd = [CTX["patcher"]] + list(edits) + [inp, out]
    rc, o, e = run(cmd)
    shown = "wa-patchelf " + " ".join("'%s'" % a if "$" in a or a == "" else a for a in map(str, cmd[1:]))
    check(rc >= 0, "%s: killed by signal %s" % (shown, signal.Signals(-rc).name if -rc in
                                                 signal.valid_signals() else -rc), "stderr:\n" + e)
    check(rc == code, "%s: exit %d, expected %d" % (shown, rc, code), "stdout:\n" + o, "stderr:\n" + e)
    if before is not None:
        check(sha256_file(inp) == before, "%s: the input file was modified" % shown)
    if code == 0:
        check(os.path.isfile(out), "%s: exit 0 but %s was not written" % (shown, out), "stderr:\n" + e)
    else:
        check(not os.path.exists(out), "%s: exit %d but %s was created" % (shown, rc, out), "stderr:\n" + e)
        check(e.strip() != "", "%s: exit %d without a message on stderr" % (shown, rc))
    return e


def expected_after(inp, edits):
    """(soname, needed list, rpath, runpath, verneed files) the edits must produce on inp."""
    e = Elf(inp)
    soname = e.dyn_strings("SONAME")
    needed = e.dyn_strings("NEEDED")
    rpath = e.dyn_strings("RPATH")
    runpath = e.dyn_strings("RUNPATH")
    files = [f for f, _ in e.verneed()]
    i = 0
    while i < len(edits):
        op = edits[i]
        if op == "--set-soname":
            soname = [edits[i + 1]]
            i += 2
        elif op == "--replace-needed":
            old, new = edits[i + 1], edits[i + 2]
            needed = [new if n == old else n for n in needed]
            files = [new if n == old else n for n in files]
            i += 3
        elif op == "--remove-needed":
            needed = [n for n in needed if n != edits[i + 1]]
            i += 2
        elif op == "--strip":
            i += 1
        elif op == "--set-rpath":
            rpath, runpath = [edits[i + 1]], []
            i += 2
        elif op == "--set-runpath":
            rpath, runpath = [], [edits[i + 1]]
            i += 2
        else:
            raise AssertionError("bad edit list %r" % edits)
    return dict(SONAME=soname, NEEDED=needed, RPATH=rpath, RUNPATH=runpath, files=files)


def patch_and_verify(inp, out, *edits, same_size=None, elflint=True):
    """Patches and checks everything static about the result; returns the Elf of out."""
    patch(inp, out, *edits)
    want = expected_after(inp, list(edits))
    return verify(inp, out, want, edits, same_size=same_size, elflint=elflint)


# ---------------------------------------------------------------- ELF, parsed here (elfkit.Elf)


def describe_phdrs(e):
    return "\n".join("type=%#x off=%#x vaddr=%#x filesz=%#x memsz=%#x align=%#x" % (
        p["type"], p["offset"], p["vaddr"], p["filesz"], p["memsz"], p["align"]) for p in e.phdrs)


def check_layout(inp, out):
    """The loader's constraints on out's program headers, and that every PT_LOAD of inp
    is kept as it was."""
    a, b = Elf(inp), Elf(out)
    ctx = "input program headers:\n%s\noutput program headers:\n%s" % (describe_phdrs(a), describe_phdrs(b))
    check((b.is64, b.en, b.machine, b.type) == (a.is64, a.en, a.machine, a.type),
          "%s: class/byte order/machine/type changed" % out)
    key = lambda p: (p["offset"], p["vaddr"], p["filesz"], p["memsz"], p["align"], p["flags"])
    kept = set(map(key, b.loads()))
    for p in a.loads():
        check(key(p) in kept, "%s: input PT_LOAD at vaddr %#x changed or vanished" % (out, p["vaddr"]), ctx)
    max_align = max([p["align"] for p in a.loads()] or [1])
    old = set(map(key, a.loads()))
    loads = b.loads()
    for p in loads:
        al = p["align"]
        check(al == 0 or al & (al - 1) == 0, "%s: PT_LOAD align %#x is not a power of two" % (out, al), ctx)
        if al > 1:
            check(p["offset"] % al == p["vaddr"] % al,
                  "%s: PT_LOAD at vaddr %#x: p_offset %% p_align (%#x) != p_vaddr %% p_align (%#x), align %#x"
                  % (out, p["vaddr"], p["offset"] % al, p["vaddr"] % al, al), ctx)
        check(p["filesz"] <= p["memsz"], "%s: PT_LOAD at %#x: filesz > memsz" % (out, p["vaddr"]), ctx)
        check(p["offset"] + p["filesz"] <= len(b.data),
              "%s: PT_LOAD at %#x ends past the end of the file (%#x > %#x)"
              % (out, p["vaddr"], p["offset"] + p["filesz"], len(b.data)), ctx)
        if key(p) not in old:
            check(al >= max_align, "%s: new PT_LOAD at vaddr %#x aligned to %#x, the input's PT_LOADs to %#x "
                  "(would not map on a kernel with %#x-byte pages)" % (out, p["vaddr"], al, max_align, max_align), ctx)
            check(p["offset"] % max_align == p["vaddr"] % max_align,
                  "%s: new PT_LOAD at vaddr %#x not congruent modulo the input's alignment %#x"
                  % (out, p["vaddr"], max_align), ctx)
    vas = [p["vaddr"] for p in loads]
    check(vas == sorted(vas), "%s: PT_LOAD entries not sorted by p_vaddr" % out, ctx)
    for x, y in zip(loads, loads[1:]):
        check(x["vaddr"] + x["memsz"] <= y["vaddr"],
              "%s: PT_LOADs at %#x (memsz %#x) and %#x overlap" % (out, x["vaddr"], x["memsz"], y["vaddr"]), ctx)
    # PT_DYNAMIC, PT_PHDR and PT_INTERP inside a PT_LOAD, at the same place in file and memory
    for p in b.phdrs:
        if p["type"] in (PT_DYNAMIC, PT_PHDR, PT_INTERP) and b.loads():
            off = b.vaddr_to_offset(p["vaddr"], max(p["filesz"], 1))
            check(off == p["offset"], "%s: segment type %d: p_offset %#x but its address maps to %#x"
                  % (out, p["type"], p["offset"], off), ctx)
        if p["type"] == PT_PHDR:
            check(p["offset"] == b.phoff and p["filesz"] == b.phnum * b.phentsize,
                  "%s: PT_PHDR (off %#x size %#x) does not describe the program header table "
                  "(e_phoff %#x, %d entries)" % (out, p["offset"], p["filesz"], b.phoff, b.phnum), ctx)
    # PT_PHDR and PT_INTERP come before every PT_LOAD; kernels before 5.18 compute
    # AT_PHDR as (first PT_LOAD's p_vaddr - p_offset) + e_phoff: that must be PT_PHDR
    first_load = next((i for i, p in enumerate(b.phdrs) if p["type"] == PT_LOAD), len(b.phdrs))
    for i, p in enumerate(b.phdrs):
        if p["type"] in (PT_PHDR, PT_INTERP):
            check(i < first_load, "%s: segment type %d (entry %d) after the first PT_LOAD (entry %d)"
                  % (out, p["type"], i, first_load), ctx)
        if p["type"] == PT_PHDR and loads:
            l0 = loads[0]
            check(l0["vaddr"] - l0["offset"] + b.phoff == p["vaddr"],
                  "%s: PT_PHDR at %#x but kernels before 5.18 would pass AT_PHDR = %#x (first PT_LOAD "
                  "vaddr - offset + e_phoff)" % (out, p["vaddr"], l0["vaddr"] - l0["offset"] + b.phoff), ctx)
    # the section headers follow the dynamic table and string table
    dyn = [p for p in b.phdrs if p["type"] == PT_DYNAMIC]
    sd, ss = b.section(".dynamic"), b.section(".dynstr")
    if dyn and sd:
        check(sd["addr"] == dyn[0]["vaddr"] and sd["offset"] == dyn[0]["offset"],
              "%s: section .dynamic (addr %#x off %#x) is not PT_DYNAMIC (vaddr %#x off %#x)"
              % (out, sd["addr"], sd["offset"], dyn[0]["vaddr"], dyn[0]["offset"]), ctx)
    if ss and b.dval(DT_STRTAB) is not None:
        check(ss["addr"] == b.dval(DT_STRTAB) and ss["size"] >= b.dval(DT_STRSZ),
              "%s: section .dynstr (addr %#x size %#x) is not DT_STRTAB %#x / DT_STRSZ %#x"
              % (out, ss["addr"], ss["size"], b.dval(DT_STRTAB), b.dval(DT_STRSZ)))
        check(ss["offset"] == b.vaddr_to_offset(ss["addr"], 1),
              "%s: section .dynstr: sh_offset %#x but its address maps to %#x"
              % (out, ss["offset"], b.vaddr_to_offset(ss["addr"], 1)))
    return b


# ---------------------------------------------------------------- readelf, eu-elflint


# sections whose bytes an edit may change; everything else in the input (code, data,
# relocations, symbols, hash tables) must be where it was, byte for byte
MAY_CHANGE = {".dynamic", ".dynstr", ".gnu.version_r", ".gnu.version_d", ".symtab", ".strtab", ".shstrtab"}


def check_untouched(inp, out, stripped=False):
    """stripped: the result was stripped too, so only allocated sections are where they
    were (verify_strip checks the rest)."""
    a, b = Elf(inp), Elf(out)
    changed = []
    for sec in a.shdrs:
        if sec["type"] == 8 or sec["size"] == 0 or sec.get("sname") in MAY_CHANGE or sec["type"] == 0:
            continue
        if stripped and not sec["flags"] & 2:  # SHF_ALLOC
            continue
        lo, hi = sec["offset"], sec["offset"] + sec["size"]
        if a.data[lo:hi] != b.data[lo:hi]:
            k = next(k for k in range(lo, hi) if k >= len(b.data) or a.data[k] != b.data[k])
            changed.append("%s (first at file offset %#x)" % (sec.get("sname"), k))
    check(not changed, "%s: bytes changed in sections an edit has no business touching: %s"
          % (out, ", ".join(changed)))


def readelf_dyn(path):
    """[(tag, value)] of readelf -dW for NEEDED/SONAME/RPATH/RUNPATH, in order; no warning allowed."""
    rc, out, err = run([need("readelf"), "-dW", path])
    check(rc == 0 and err.strip() == "", "readelf -dW %s: exit %d" % (path, rc), "stdout:\n" + out, "stderr:\n" + err)
    res = []
    for line in out.splitlines():
        m = re.match(r"\s*0x[0-9a-f]+ \((NEEDED|SONAME|RPATH|RUNPATH)\)\s+.*?: \[(.*)\]$", line)
        if m:
            res.append((m.group(1), m.group(2)))
    return res, out


def readelf_verneed_files(path):
    rc, out, err = run([need("readelf"), "-VW", path])
    check(rc == 0 and err.strip() == "", "readelf -VW %s: exit %d" % (path, rc), "stdout:\n" + out, "stderr:\n" + err)
    files = re.findall(r"File: (\S+)\s+Cnt:", out)
    return files, out


def elflint(path):
    rc, out, err = run([need("eu-elflint"), "-q", "--gnu-ld", path])
    return rc, (out + err).strip()


def check_elflint(inp, out):
    rc0, msg0 = elflint(inp)
    rc, msg = elflint(out)
    if rc0 == 0 and msg0 == "":
        check(rc == 0 and msg == "", "eu-elflint --gnu-ld %s: exit %d (the input was clean)" % (out, rc),
              "output:\n" + msg)
    else:
        # the input already had complaints: no new one (section numbers aside)
        norm = lambda m: set(re.sub(r"\[\s*\d+\]", "[N]", l) for l in m.splitlines()
                             if not l.startswith("No errors"))
        new = norm(msg) - norm(msg0)
        check(not new, "eu-elflint --gnu-ld %s: new complaints the input did not have" % out,
              "new:\n" + "\n".join(sorted(new)), "input's:\n" + msg0)


def verify(inp, out, want, edits=(), same_size=None, elflint=True):
    ctx = "edits: %s" % " ".join(map(str, edits))
    if elflint:
        check_elflint(inp, out)
    got, text = readelf_dyn(out)
    for tag in ("SONAME", "RPATH", "RUNPATH"):
        vals = [v for t, v in got if t == tag]
        check(vals == want[tag], "readelf -dW %s: %s %r, expected %r" % (out, tag, vals, want[tag]), ctx, text)
    vals = [v for t, v in got if t == "NEEDED"]
    check(vals == want["NEEDED"], "readelf -dW %s: NEEDED %r, expected %r (in this order)"
          % (out, vals, want["NEEDED"]), ctx, text)
    files, vtext = readelf_verneed_files(out)
    check(files == want["files"], "readelf -VW %s: Verneed files %r, expected %r" % (out, files, want["files"]),
          ctx, vtext)
    e = check_layout(inp, out)
    check_untouched(inp, out, stripped="--strip" in edits)
    for tag in ("SONAME", "NEEDED", "RPATH", "RUNPATH"):
        check(e.dyn_strings(tag) == want[tag], "%s: through PT_DYNAMIC and DT_STRTAB, %s is %r, expected %r"
              % (out, tag, e.dyn_strings(tag), want[tag]), ctx)
    vfiles = [f for f, _ in e.verneed()]
    check(vfiles == want["files"], "%s: through DT_VERNEED, the Verneed files are %r, expected %r"
          % (out, vfiles, want["files"]), ctx)
    check([v for _, v in e.verneed()] == [v for _, v in Elf(inp).verneed()],
          "%s: Verneed version names changed: %r -> %r" % (out, Elf(inp).verneed(), e.verneed()))
    if same_size is not None:
        a, b = os.path.getsize(inp), os.path.getsize(out)
        if same_size:
            check(a == b, "%s: the edit fits in place but the file grew from %d to %d bytes" % (out, a, b), ctx)
    return e


# ---------------------------------------------------------------- building test objects


class Toolchain:
    """A compiler driver (argv prefix) for shared libraries and programs.  bare: the
    target has its runtime libc (for qemu) but no development files (no crt1.o, no
    headers): libraries and programs are linked with -nostdlib against that libc.so.6,
    programs get start.c (tests/fixtures/src/patch/) as their entry and the given
    interpreter."""

    def __init__(self, name, cc, cflags=(), ldflags=(), qemu=None, sysroot=None, bare=None):
        self.name, self.cc, self.cflags, self.ldflags = name, list(cc), list(cflags), list(ldflags)
        self.qemu, self.sysroot, self.bare = qemu, sysroot, bare

    def _cc(self, args, what):
        rc, out, err = run(self.cc + args)
        check(rc == 0, "%s: building %s failed (exit %d)" % (self.name, what, rc),
              " ".join(self.cc + args), "stderr:\n" + err)

    def _bare(self, program):
        if not self.bare:
            return []
        libdir = os.path.dirname(self.bare["libc"])
        extra = ["-nostdlib"]
        if program:
            extra += [src("start.c"), "-Wl,-dynamic-linker," + self.bare["interp"]]
        return extra + [self.bare["libc"], "-Wl,-rpath-link," + libdir]

    def shared(self, out, sources, soname, libs=(), flags=()):
        self._cc(self.cflags + ["-fPIC", "-shared", "-O1", "-o", out] + [src(s) for s in sources] +
                 ["-Wl,-soname," + soname] + list(flags) + list(libs) + self._bare(False) + self.ldflags,
                 os.path.basename(out))
        return out

    def program(self, out, sources, libs=(), flags=()):
        flags = [f for f in flags if not (self.bare and f == "-ldl")]  # dlopen is in libc.so.6 (2.34+)
        self._cc(self.cflags + ["-O1", "-o", out] + [src(s) for s in sources] + list(flags) + list(libs) +
                 self._bare(True) + self.ldflags, os.path.basename(out))
        return out


def gcc():
    return Toolchain("gcc", [need("gcc")])


def build_libs(tc, d, chain=False, b_flags=(), a_flags=()):
    """libb.so.1 (versioned LIBB_1.0 b_func; with chain, needing libc3.so.1) and liba.so.1
    needing it, in directory d.  Returns {name: path}."""
    os.makedirs(d, exist_ok=True)
    out = {}
    bflags = ["-Wl,--version-script=" + src("libb.map")] + list(b_flags)
    blibs = []
    if chain:
        out[C_OLD] = tc.shared(os.path.join(d, C_OLD), ["libc3.c"], C_OLD)
        bflags.append("-DWITH_C")
        blibs.append(out[C_OLD])
    out[B_OLD] = tc.shared(os.path.join(d, B_OLD), ["libb.c"], B_OLD, blibs, bflags)
    out[A_OLD] = tc.shared(os.path.join(d, A_OLD), ["liba.c"], A_OLD, [out[B_OLD]], list(a_flags))
    # the facts every case relies on
    a = Elf(out[A_OLD])
    check(a.dyn_strings("NEEDED")[:1] == [B_OLD] or B_OLD in a.dyn_strings("NEEDED"),
          "%s: liba does not need libb: %r" % (tc.name, a.dyn_strings("NEEDED")))
    check([f for f, _ in a.verneed()].count(B_OLD) == 1 and dict(a.verneed())[B_OLD] == ["LIBB_1.0"],
          "%s: liba has no Verneed entry for libb.so.1 LIBB_1.0: %r" % (tc.name, a.verneed()))
    return out


def run_out(cmd, expect, what, env=None, cwd=None):
    rc, out, err = run(cmd, env=env, cwd=cwd)
    check(rc == 0 and out == expect, "%s: exit %d, stdout %r, expected exit 0 and %r" % (what, rc, out, expect),
          "command: " + " ".join(map(str, cmd)), "stderr:\n" + err)


def loader_env(**over):
    """casekit.clean_env() without any LD_* variable and with LD_LIBRARY_PATH
    empty: the loaders see only what the case gives them."""
    env = {k: v for k, v in casekit.clean_env().items() if not k.startswith("LD_")}
    env["LD_LIBRARY_PATH"] = ""
    env.update(over)
    return env


def lay_out_a(tc, root, libs, runpath=False):
    """root/pkg/liba.so.1 patched by EDIT_A (or its runpath variant), root/pkg.libs/libb-89abcdef.so.1
    a copy of libb (its soname set too).  Returns the patched liba path."""
    pkg, pkglibs = os.path.join(root, "pkg"), os.path.join(root, "pkg.libs")
    os.makedirs(pkg, exist_ok=True)
    os.makedirs(pkglibs, exist_ok=True)
    edits = list(EDIT_A)
    if runpath:
        edits[-2] = "--set-runpath"
    a = os.path.join(pkg, A_OLD)
    patch_and_verify(libs[A_OLD], a, *edits)
    shutil.copy(libs[B_OLD], os.path.join(pkglibs, B_NEW))
    return a


# ---------------------------------------------------------------- 1. elflint + readelf, x86_64


@case
def x86_64_grow_soname_needed_rpath(_):
    libs = build_libs(gcc(), tmp("build"))
    out = tmp("liba.out")
    patch_and_verify(libs[A_OLD], out, *EDIT_A)
    # the input had no RPATH: the dynamic table got an entry, exactly one
    e = Elf(out)
    check(sum(1 for t, _ in e.dyn if t in (15, 29)) == 1, "%s: %d RPATH/RUNPATH entries" % (out, sum(
        1 for t, _ in e.dyn if t in (15, 29))))
    # GNU ld leaves spare DT_NULL slots: the new RPATH entry takes one, the dynamic
    # table stays where it is (elfpatch.h)
    a = Elf(libs[A_OLD])
    nulls = len(dyn_slot_offsets(a).get(DT_NULL, []))
    if nulls >= 2:
        pd = lambda x: [(p["offset"], p["vaddr"], p["filesz"]) for p in x.phdrs if p["type"] == PT_DYNAMIC]
        check(pd(e) == pd(a), "%s: the input had %d DT_NULL slots (one spare or more), yet PT_DYNAMIC moved: "
              "%r -> %r" % (out, nulls, pd(a), pd(e)))
    check(os.path.getsize(out) > os.path.getsize(libs[A_OLD]),
          "longer strings were said to fit in place: %d -> %d bytes" % (os.path.getsize(libs[A_OLD]),
                                                                       os.path.getsize(out)))


@case
def x86_64_grow_runpath(_):
    libs = build_libs(gcc(), tmp("build"))
    out = tmp("liba.out")
    edits = EDIT_A[:-2] + ["--set-runpath", RPATH_LIBS]
    patch_and_verify(libs[A_OLD], out, *edits)
    # a lib that had an RPATH: --set-runpath leaves only the RUNPATH
    long_rp = "/a/very/long/path/that/nobody/has/" + "x" * 64
    lr = gcc().shared(tmp("build", "libr.so.1"), ["liba.c"], "libr.so.1", [libs[B_OLD]],
                      ["-Wl,--disable-new-dtags", "-Wl,-rpath," + long_rp])
    check(Elf(lr).dyn_strings("RPATH") == [long_rp], "libr was not built with an RPATH")
    patch_and_verify(lr, tmp("libr.runpath"), "--set-runpath", "$ORIGIN")
    # and the other way round
    lr2 = gcc().shared(tmp("build", "libr2.so.1"), ["liba.c"], "libr2.so.1", [libs[B_OLD]],
                       ["-Wl,--enable-new-dtags", "-Wl,-rpath," + long_rp])
    check(Elf(lr2).dyn_strings("RUNPATH") == [long_rp], "libr2 was not built with a RUNPATH")
    patch_and_verify(lr2, tmp("libr2.rpath"), "--set-rpath", "$ORIGIN/" + "y" * 200)


@case
def x86_64_several_renames(_):
    tc = gcc()
    d = tmp("build")
    libs = build_libs(tc, d, chain=True)
    # liba needing libb, libc3 and libc.so.6 (its versioned __cxa_finalize reference)
    x = tc.shared(os.path.join(d, "libx.so.1"), ["liba.c"], "libx.so.1",
                  ["-Wl,--no-as-needed", libs[B_OLD], libs[C_OLD], "-lc", "-Wl,--as-needed"])
    e = Elf(x)
    check(e.dyn_strings("NEEDED")[:2] == [B_OLD, C_OLD] and "libc.so.6" in e.dyn_strings("NEEDED"),
          "libx needs %r" % e.dyn_strings("NEEDED"))
    edits = ["--replace-needed", B_OLD, B_NEW, "--replace-needed", C_OLD, C_NEW,
             "--replace-needed", "libc.so.6", "libc-deadbeef.so.6", "--set-runpath", "$ORIGIN"]
    out = patch_and_verify(x, tmp("libx.out"), *edits)
    check(out.dyn_strings("NEEDED")[:2] == [B_NEW, C_NEW], "NEEDED %r" % out.dyn_strings("NEEDED"))
    if "libc.so.6" in [f for f, _ in e.verneed()]:
        check("libc-deadbeef.so.6" in [f for f, _ in out.verneed()], "libc.so.6 Verneed not renamed: %r"
              % out.verneed())
    # a rename of a library the file does not need changes nothing: a byte-for-byte copy
    patch(x, tmp("noop.out"), "--replace-needed", "libnothere.so.3", "libnothere-1.so.3")
    check(sha256_file(x) == sha256_file(tmp("noop.out")), "a rename of a name that is not needed changed "
          "the file (%d -> %d bytes)" % (os.path.getsize(x), os.path.getsize(tmp("noop.out"))))


@case
def x86_64_in_place(_):
    long_rp = "/a/very/long/path/that/nobody/has/" + "x" * 64
    tc = gcc()
    libs = build_libs(tc, tmp("build"), a_flags=["-Wl,--disable-new-dtags", "-Wl,-rpath," + long_rp])
    a = libs[A_OLD]
    check(Elf(a).dyn_strings("RPATH") == [long_rp], "liba was not built with RPATH %r" % long_rp)
    size = os.path.getsize(a)
    # a shorter rpath, then RUNPATH instead of RPATH, then a shorter soname and needed:
    # all fit where the old bytes were
    for i, edits in enumerate((["--set-rpath", "$ORIGIN/../pkg.libs"],
                               ["--set-runpath", "$ORIGIN"],
                               ["--set-rpath", ""],
                               ["--set-soname", "la.so", "--replace-needed", B_OLD, "lb.so.1",
                                "--set-rpath", "/x"])):
        out = tmp("inplace%d.so" % i)
        patch_and_verify(a, out, *edits, same_size=True)
        check(os.path.getsize(out) == size, "%s: size %d, expected %d" % (out, os.path.getsize(out), size))
    # with a shorter rpath, the bytes outside .dynstr and .dynamic are untouched
    out = tmp("inplace0.so")
    a_el, b_el = Elf(a), Elf(out)
    allowed = []
    for name in (".dynstr", ".dynamic"):
        s = a_el.section(name)
        allowed.append((s["offset"], s["offset"] + s["size"]))
    bad = [k for k in range(size) if a_el.data[k] != b_el.data[k] and not any(lo <= k < hi for lo, hi in allowed)]
    check(not bad, "in-place rpath edit changed %d bytes outside .dynstr/.dynamic, first at %#x"
          % (len(bad), bad[0] if bad else 0))


@case
def x86_64_in_place_shared_suffix_string(_):
    # GNU ld merges string tails in .dynstr: NEEDED "foo.so.1" is the tail of SONAME
    # "libxfoo.so.1".  Renaming one must not change the other.
    tc = gcc()
    d = mkdirs("build")
    foo = tc.shared(os.path.join(d, "libfoo.so.1"), ["libc3.c"], "foo.so.1")
    x = tc.shared(os.path.join(d, "libxfoo.so.1"), ["liba.c"], "libxfoo.so.1",
                  ["-Wl,--no-as-needed", foo, "-Wl,--as-needed"], ["-Wl,--unresolved-symbols=ignore-all"])
    e = Elf(x)
    soname_off = [v for t, v in e.dyn if t == 14][0]
    needed_off = [v for t, v in e.dyn if t == 1 and e.dynstr(v) == "foo.so.1"]
    check(needed_off, "libxfoo does not need foo.so.1: %r" % e.dyn_strings("NEEDED"))
    if needed_off[0] != soname_off + 4:
        raise Skip("this linker did not share the string tail (soname at %#x, needed at %#x)"
                   % (soname_off, needed_off[0]))
    patch_and_verify(x, tmp("r1.so"), "--replace-needed", "foo.so.1", "f.so")
    patch_and_verify(x, tmp("r2.so"), "--set-soname", "x.so")
    patch_and_verify(x, tmp("r3.so"), "--replace-needed", "foo.so.1", "bar.so.1", "--set-soname", "libx.so")


# ---------------------------------------------------------------- 2. the glibc loader


@case
def glibc_dlopen_rpath_and_runpath(_):
    tc = gcc()
    libs = build_libs(tc, tmp("build"))
    probe = tc.program(tmp("probe"), ["probe.c"], flags=["-ldl"])
    expect = "a_func(7) = %d\n" % A7
    # negative control: the unpatched liba in the same layout cannot find libb
    neg = mkdirs("neg", "pkg")
    mkdirs("neg", "pkg.libs")
    shutil.copy(libs[A_OLD], os.path.join(neg, A_OLD))
    shutil.copy(libs[B_OLD], tmp("neg", "pkg.libs", B_NEW))
    rc, out, err = run([probe, os.path.join(neg, A_OLD), "a_func", "7"], env=loader_env())
    check(rc == 2 and B_OLD in err, "control: the unpatched liba loaded (exit %d, %r)" % (rc, out), err)
    for variant in ("rpath", "runpath"):
        root = tmp(variant)
        a = lay_out_a(tc, root, libs, runpath=variant == "runpath")
        run_out([probe, a, "a_func", "7"], expect, "glibc dlopen of the %s-patched liba" % variant, env=loader_env())
        # from another working directory, through a relative path
        run_out([probe, os.path.relpath(a, tmp("build")), "a_func", "7"], expect,
                "glibc dlopen (relative path) of the %s-patched liba" % variant, env=loader_env(), cwd=tmp("build"))


@case
def glibc_pie_and_exec(_):
    tc = gcc()
    libs = build_libs(tc, tmp("build"))
    for kind, flags in (("pie", ["-fPIE", "-pie"]), ("nopie", ["-fno-PIE", "-no-pie"])):
        prog = tc.program(tmp("build", "prog-" + kind), ["prog.c"], [libs[B_OLD]], flags)
        e = Elf(prog)
        check(e.type == (3 if kind == "pie" else 2), "%s: e_type %d" % (prog, e.type))
        root = mkdirs(kind)
        os.makedirs(os.path.join(root, "bin"))
        os.makedirs(os.path.join(root, "lib"))
        out = os.path.join(root, "bin", "prog")
        patch_and_verify(prog, out, "--replace-needed", B_OLD, B_NEW, "--set-rpath", "$ORIGIN/../lib")
        os.chmod(out, 0o755)
        shutil.copy(libs[B_OLD], os.path.join(root, "lib", B_NEW))
        run_out([out], "b_func(7) = %d\n" % B7, "the patched %s program" % kind, env=loader_env())
        # the same with a RUNPATH and a long one (grows the string table)
        out2 = os.path.join(root, "bin", "prog2")
        patch_and_verify(prog, out2, "--replace-needed", B_OLD, B_NEW,
                         "--set-runpath", "/nonexistent/" + "z" * 300 + ":$ORIGIN/../lib")
        os.chmod(out2, 0o755)
        run_out([out2], "b_func(7) = %d\n" % B7, "the runpath-patched %s program" % kind, env=loader_env())


@case
def glibc_dlopen_chain(_):
    # liba -> libb -> libc3 -> libc; libb and libc3 renamed too, libb with RPATH $ORIGIN
    tc = gcc()
    libs = build_libs(tc, tmp("build"), chain=True)
    probe = tc.program(tmp("probe"), ["probe.c"], flags=["-ldl"])
    expect = "a_func(7) = %d\n" % A7_CHAIN
    for variant in ("rpath", "runpath", "control"):
        pkg, pkglibs = mkdirs(variant, "pkg"), mkdirs(variant, "pkg.libs")
        a = os.path.join(pkg, A_OLD)
        # with liba's RUNPATH (not inherited), libc3 is only found through libb's RPATH
        edits = EDIT_A if variant == "rpath" else EDIT_A[:-2] + ["--set-runpath", RPATH_LIBS]
        patch_and_verify(libs[A_OLD], a, *edits)
        b_edits = ["--set-soname", B_NEW, "--replace-needed", C_OLD, C_NEW]
        if variant != "control":
            b_edits += ["--set-rpath", "$ORIGIN"]
        patch_and_verify(libs[B_OLD], os.path.join(pkglibs, B_NEW), *b_edits)
        patch_and_verify(libs[C_OLD], os.path.join(pkglibs, C_NEW), "--set-soname", C_NEW)
        if variant == "control":
            rc, out, err = run([probe, a, "a_func", "7"], env=loader_env())
            check(rc == 2 and C_NEW in err, "control (libb without RPATH, liba with RUNPATH): exit %d, %r; "
                  "expected dlopen to fail on %s" % (rc, out, C_NEW), err)
        else:
            run_out([probe, a, "a_func", "7"], expect, "glibc dlopen of the patched chain (liba with %s)"
                    % variant, env=loader_env())


# (name, flags for the libraries and the program, tool it needs)
LINKERS = [
    ("bfd", [], None),
    ("bfd-noseparate-code", ["-Wl,-z,noseparate-code"], None),
    ("bfd-2MiB-pages", ["-Wl,-z,max-page-size=0x200000", "-Wl,-z,common-page-size=0x200000"], None),
    ("bfd-now-sysv-hash-big-bss", ["-Wl,-z,now", "-Wl,--hash-style=sysv", "-DBIG_BSS=4194304"], None),
    ("gold", ["-fuse-ld=gold"], "ld.gold"),
    ("lld", ["-fuse-ld=lld"], "ld.lld"),
]


@case
def glibc_linker_layouts(_):
    # the same edits on libraries and PIEs laid out by each linker (and page size),
    # then loaded: the new segment must fit whatever layout it lands in
    tc = gcc()
    probe = tc.program(tmp("probe"), ["probe.c"], flags=["-ldl"])
    done = []
    for name, flags, tool in LINKERS:
        if tool and not shutil.which(tool):
            continue
        root = tmp(name)
        libs = build_libs(tc, os.path.join(root, "build"), b_flags=flags, a_flags=flags)
        a = lay_out_a(tc, root, libs)
        os.unlink(os.path.join(root, "pkg.libs", B_NEW))
        patch_and_verify(libs[B_OLD], os.path.join(root, "pkg.libs", B_NEW), "--set-soname", B_NEW,
                         "--set-rpath", "$ORIGIN")
        run_out([probe, a, "a_func", "7"], "a_func(7) = %d\n" % A7, "%s: glibc dlopen of the patched liba"
                % name, env=loader_env())
        prog = tc.program(os.path.join(root, "build", "prog"), ["prog.c"], [libs[A_OLD],
                          "-Wl,-rpath-link," + os.path.join(root, "build")], ["-DFN=a_func"] + flags)
        os.makedirs(os.path.join(root, "bin"))
        out = os.path.join(root, "bin", "prog")
        patch_and_verify(prog, out, "--replace-needed", A_OLD, A_NEW, "--set-runpath", "$ORIGIN/../pkg")
        os.rename(a, os.path.join(root, "pkg", A_NEW))
        run_out([out], "a_func(7) = %d\n" % A7, "%s: the patched PIE" % name, env=loader_env())
        done.append(name)
    print("linkers: " + ", ".join(done))


def check_compact_growth(inp, out, what):
    """A library (no PT_INTERP) grown by an edit: the file grows by about the new
    segment's size.  A new PT_LOAD needs p_offset congruent to p_vaddr modulo p_align,
    not a p_align-aligned p_offset: appending it at the end of the file and choosing
    its address accordingly needs a few bytes of padding, not up to two pages."""
    a, b = Elf(inp), Elf(out)
    old = set((p["offset"], p["vaddr"]) for p in a.loads())
    new = [p for p in b.loads() if (p["offset"], p["vaddr"]) not in old]
    grown = len(b.data) - len(a.data)
    pad = grown - sum(p["filesz"] for p in new)
    check(pad < 16384, "%s: the file grew from %d to %d bytes (%+d), of which %d bytes of padding before "
          "the new PT_LOAD(s) (p_align %s)" % (what, len(a.data), len(b.data), grown, pad,
                                                ", ".join("%#x" % p["align"] for p in new)),
          "input program headers:\n" + describe_phdrs(a), "output program headers:\n" + describe_phdrs(b))


@case
def library_growth_is_compact(_):
    # setting an rpath on an extension module must not add megabytes of zeros:
    # 2 MiB pages (x86_64 binutils before 2.31, the manylinux2014 toolchains) and
    # 64 KiB pages (aarch64, ppc64le)
    inputs = []
    tc = gcc()
    for name, flags in (("x86_64 4 KiB", []), ("x86_64 2 MiB", ["-Wl,-z,max-page-size=0x200000",
                                                                 "-Wl,-z,noseparate-code"])):
        libs = build_libs(tc, tmp(name.replace(" ", "_")), a_flags=flags)
        inputs.append((name, libs[A_OLD]))
    if shutil.which("aarch64-linux-gnu-gcc"):
        libs = build_libs(cross("aarch64-linux-gnu"), tmp("aarch64"))
        inputs.append(("aarch64 64 KiB", libs[A_OLD]))
    if os.path.isdir(CORPUS):
        for name, path in corpus_members("*x86_64*.whl", EM["x86_64"], limit=20):
            if max(p["align"] for p in Elf(path).loads()) >= 0x200000:
                inputs.append(("corpus " + name, path))
                break
    failures = []
    for name, path in inputs:
        out = path + ".rpath"
        patch_and_verify(path, out, "--set-rpath", RPATH_LIBS)
        try:
            check_compact_growth(path, out, "%s: --set-rpath %s" % (name, RPATH_LIBS))
        except AssertionError as e:
            failures.append(str(e))
    check(not failures, "\n\n".join(failures))


# ---------------------------------------------------------------- 3. musl


def musl():
    cc = need("musl-gcc", "Debian musl-tools")
    if not os.path.exists("/lib/ld-musl-x86_64.so.1"):
        raise Skip("/lib/ld-musl-x86_64.so.1 is missing")
    return Toolchain("musl-gcc", [cc])


@case
def musl_dlopen_and_program(_):
    tc = musl()
    libs = build_libs(tc, tmp("build"), chain=True)
    probe = tc.program(tmp("probe"), ["probe.c"])
    interp = Elf(probe)
    ip = [p for p in interp.phdrs if p["type"] == PT_INTERP]
    check(ip and interp._cstr(ip[0]["offset"]) == "/lib/ld-musl-x86_64.so.1", "the probe's interpreter is not musl's")
    root = tmp("root")
    pkg, pkglibs = mkdirs("root", "pkg"), mkdirs("root", "pkg.libs")
    a = os.path.join(pkg, A_OLD)
    patch_and_verify(libs[A_OLD], a, *EDIT_A)
    patch_and_verify(libs[B_OLD], os.path.join(pkglibs, B_NEW), "--set-soname", B_NEW,
                     "--replace-needed", C_OLD, C_NEW, "--set-runpath", "$ORIGIN")
    patch_and_verify(libs[C_OLD], os.path.join(pkglibs, C_NEW), "--set-soname", C_NEW)
    run_out([probe, a, "a_func", "7"], "a_func(7) = %d\n" % A7_CHAIN, "musl dlopen of the patched chain",
            env=loader_env())
    prog = tc.program(tmp("build", "prog"), ["prog.c"], [libs[A_OLD], "-Wl,-rpath-link," + tmp("build")],
                      ["-DFN=a_func"])
    os.makedirs(os.path.join(root, "bin"))
    out = os.path.join(root, "bin", "prog")
    patch_and_verify(prog, out, "--replace-needed", A_OLD, A_NEW, "--set-rpath", "$ORIGIN/../pkg")
    os.rename(a, os.path.join(pkg, A_NEW))
    os.chmod(out, 0o755)
    run_out([out], "a_func(7) = %d\n" % A7_CHAIN, "the patched musl program", env=loader_env())


# ---------------------------------------------------------------- 4. other architectures


CROSS = {"aarch64-linux-gnu": ("qemu-aarch64", "/lib/ld-linux-aarch64.so.1"),
         "arm-linux-gnueabihf": ("qemu-arm", "/lib/ld-linux-armhf.so.3"),
         "i686-linux-gnu": ("qemu-i386", "/lib/ld-linux.so.2"),
         "powerpc64le-linux-gnu": ("qemu-ppc64le", "/lib64/ld64.so.2"),
         "s390x-linux-gnu": ("qemu-s390x", "/lib/ld64.so.1")}


def cross(triple):
    cc = need(triple + "-gcc", "cross compiler")
    qemu, interp = CROSS[triple]
    sysroot = "/usr/" + triple
    return Toolchain(triple, [cc], qemu=shutil.which(qemu), sysroot=sysroot,
                     bare=casekit.bare_libc(cc, triple, interp))


def cross_case(tc):
    libs = build_libs(tc, tmp("build"))
    prog = tc.program(tmp("build", "prog"), ["prog.c"],
                      [libs[A_OLD], "-Wl,-rpath-link," + tmp("build")], ["-DFN=a_func"])
    probe = tc.program(tmp("build", "probe"), ["probe.c"], flags=["-ldl"])
    root = tmp("root")
    pkg, pkglibs, bindir = mkdirs("root", "pkg"), mkdirs("root", "pkg.libs"), mkdirs("root", "bin")
    a = os.path.join(pkg, A_NEW)
    patch_and_verify(libs[A_OLD], a, *EDIT_A)
    patch_and_verify(libs[B_OLD], os.path.join(pkglibs, B_NEW), "--set-soname", B_NEW, "--set-rpath", "$ORIGIN")
    out = os.path.join(bindir, "prog")
    patch_and_verify(prog, out, "--replace-needed", A_OLD, A_NEW, "--set-runpath", "$ORIGIN/../pkg")
    os.chmod(out, 0o755)
    # runpath variant of liba, and an in-place one
    patch_and_verify(libs[A_OLD], tmp("liba.runpath"), *(EDIT_A[:-2] + ["--set-runpath", RPATH_LIBS]))
    patch_and_verify(libs[A_OLD], tmp("liba.short"), "--set-soname", "la.so", same_size=True)
    if not tc.qemu or not os.path.isdir(tc.sysroot):
        print("NOTE: %s: static checks only; not run (qemu or %s missing)" % (tc.name, tc.sysroot))
        return
    env = loader_env()
    run_out([tc.qemu, "-L", tc.sysroot, out], "a_func(7) = %d\n" % A7, "%s: the patched program under qemu" % tc.name,
            env=env)
    run_out([tc.qemu, "-L", tc.sysroot, probe, a, "a_func", "7"], "a_func(7) = %d\n" % A7,
            "%s: dlopen of the patched liba under qemu" % tc.name, env=env)


@case
def cross_aarch64(_):
    tc = cross("aarch64-linux-gnu")
    cross_case(tc)
    # 64 KiB pages: the input's PT_LOADs say so, and check_layout held the new ones to it
    check(max(p["align"] for p in Elf(tmp("build", A_OLD)).loads()) == 0x10000,
          "aarch64 liba is not 64 KiB-aligned")


@case
def cross_armhf(_):
    tc = cross("arm-linux-gnueabihf")
    cross_case(tc)
    check(not Elf(tmp("build", A_OLD)).is64, "armhf liba is not ELFCLASS32")


BE_GCC = ["powerpc-linux-gnu", "powerpc64-linux-gnu", "mips-linux-gnu", "s390x-linux-gnu", "sparc64-linux-gnu"]
# without a big-endian gcc: clang objects linked by ld.lld without a libc
BE_CLANG = ["powerpc-linux-gnu", "powerpc64-linux-gnu"]


@case
def cross_big_endian(_):
    tcs = []
    for t in BE_GCC:
        cc = shutil.which(t + "-gcc")
        # a cross compiler without its libc development files cannot link
        # shared objects (crti.o); clang and lld below need none
        crti = casekit.run([cc, "-print-file-name=crti.o"]).stdout.strip() if cc else ""
        if cc and os.path.isabs(crti):
            tcs.append(Toolchain(t, [cc]))
    if not tcs:
        if not (shutil.which("clang") and shutil.which("ld.lld")):
            raise Skip("no big-endian cross compiler, and no clang + ld.lld")
        for t in BE_CLANG:
            tcs.append(Toolchain("clang/lld " + t, [shutil.which("clang"), "--target=" + t, "-fuse-ld=lld"],
                                 ldflags=["-nostdlib", "-Wl,-z,norelro", "-Wl,--hash-style=sysv"]))
    for tc in tcs:
        d = tmp(re.sub(r"\W", "_", tc.name))
        libs = build_libs(tc, d)
        check(Elf(libs[A_OLD]).en == ">", "%s: liba is not big-endian" % tc.name)
        patch_and_verify(libs[A_OLD], os.path.join(d, "liba.out"), *EDIT_A)
        patch_and_verify(libs[A_OLD], os.path.join(d, "liba.runpath"), *(EDIT_A[:-2] + ["--set-runpath", "$ORIGIN"]))
        patch_and_verify(libs[B_OLD], os.path.join(d, "libb.out"), "--set-soname", B_NEW, "--set-rpath", "$ORIGIN")
        patch_and_verify(libs[A_OLD], os.path.join(d, "liba.short"), "--set-soname", "la.so",
                         "--replace-needed", B_OLD, "lb.so", same_size=True)


# ---------------------------------------------------------------- 5. the corpus


EM = {"x86_64": 62, "aarch64": 183, "arm": 40, "ppc64": 21, "s390": 22, "i386": 3, "mips": 8}


def corpus_members(pattern, machine, en=None, limit=2):
    """Up to `limit` ELF shared objects (one a wheel) of the given e_machine (and byte
    order) from the corpus wheels matching pattern, extracted under tmp/corpus/, each
    with a NEEDED entry.  Wheels may hold objects of another architecture than their tag:
    the machine decides."""
    if not os.path.isdir(CORPUS):
        raise Skip("no corpus at %s" % CORPUS)
    wheels = sorted(glob.glob(os.path.join(CORPUS, pattern)))
    if not wheels:
        raise Skip("no corpus wheel matches %s" % pattern)
    found = []
    for w in wheels:
        try:
            z = zipfile.ZipFile(w)
        except zipfile.BadZipFile:
            continue
        with z:
            for info in z.infolist():
                if info.file_size < 64 or info.file_size > 16 << 20:
                    continue
                data = z.read(info.filename)
                if data[:4] != b"\x7fELF" or data[5] not in (1, 2):
                    continue
                e_type, e_machine = struct.unpack_from("<HH" if data[5] == 1 else ">HH", data, 16)
                if e_type != 3 or e_machine != machine or (en is not None and "<>"[data[5] - 1] != en):
                    continue
                d = mkdirs("corpus", "%d" % len(found))
                path = os.path.join(d, os.path.basename(info.filename))
                with open(path, "wb") as f:
                    f.write(data)
                try:
                    if not Elf(path).dyn_strings("NEEDED"):
                        continue
                except AssertionError:
                    continue
                found.append((os.path.basename(w) + "!" + info.filename, path))
                break
        if len(found) >= limit:
            break
    if not found:
        raise Skip("no ELF shared object (e_machine %d%s) with a NEEDED entry in %s"
                   % (machine, ", " + en if en else "", pattern))
    return found


def corpus_case(pattern, machine, en=None):
    checked = []
    for name, path in corpus_members(pattern, machine, en):
        e = Elf(path)
        needed = e.dyn_strings("NEEDED")
        # rename the first NEEDED that has a Verneed entry when there is one (exercises vn_file)
        vfiles = [f for f, _ in e.verneed()]
        old = next((n for n in needed if n in vfiles), needed[0])
        stem = old.split(".so")[0]
        new = stem + "-0123abcd" + old[len(stem):]
        base = os.path.basename(path).split(".")[0]
        try:
            for k, edits in enumerate((
                    ["--set-rpath", "$ORIGIN/../%s.libs" % base, "--replace-needed", old, new,
                     "--set-soname", base + "-89abcdef.so"],
                    ["--set-runpath", "$ORIGIN", "--replace-needed", old, new])):
                patch_and_verify(path, path + ".out%d" % k, *edits)
        except AssertionError as ex:
            raise AssertionError("%s (%s): %s" % (name, "big-endian" if e.en == ">" else "little-endian", ex))
        checked.append(name)
    print("checked: " + ", ".join(checked))


@case
def corpus_aarch64(_):
    corpus_case("*aarch64*.whl", EM["aarch64"])


@case
def corpus_armv7l(_):
    corpus_case("*armv7l*.whl", EM["arm"])


@case
def corpus_ppc64le(_):
    corpus_case("*ppc64le*.whl", EM["ppc64"], "<")


@case
def corpus_ppc64_big_endian(_):
    corpus_case("*ppc64*.whl", EM["ppc64"], ">")


@case
def corpus_s390x_big_endian(_):
    corpus_case("*s390x*.whl", EM["s390"], ">")


@case
def corpus_i686(_):
    corpus_case("*i686*.whl", EM["i386"], "<")


@case
def corpus_mips64(_):
    corpus_case("*mips64*.whl", EM["mips"])


LIBC_FAMILY = re.compile(r"^(libc|libm|libpthread|libdl|librt|libutil|libresolv|ld-linux.*|ld64)\.so")


@case
def corpus_x86_64_loader(_):
    # real x86_64 extension modules (whatever linker and page size built them): rename a
    # dependency the machine has, copy that library under its new name next to the
    # module, set the RPATH, and have glibc's loader map everything (ld.so --list)
    ldso = "/lib64/ld-linux-x86-64.so.2"
    if not os.path.exists(ldso):
        raise Skip("%s is missing" % ldso)
    loaded = []
    for name, path in corpus_members("*x86_64*.whl", EM["x86_64"], limit=8):
        d = os.path.dirname(path)
        rc, out, err = run([ldso, "--list", "./" + os.path.basename(path)], cwd=d, env=loader_env())
        if rc != 0:
            continue  # a dependency this machine lacks
        resolved = dict(re.findall(r"^\s*(\S+) => (/\S+)", out, re.M))
        e = Elf(path)
        cand = [n for n in e.dyn_strings("NEEDED") if n in resolved and not LIBC_FAMILY.match(n)]
        edits = ["--set-rpath", "$ORIGIN/mod.libs"]
        want = {}
        if cand:
            old = cand[0]
            stem = old.split(".so")[0]
            new = stem + "-0123abcd" + old[len(stem):]
            os.makedirs(os.path.join(d, "mod.libs"))
            shutil.copy(resolved[old], os.path.join(d, "mod.libs", new))
            edits += ["--replace-needed", old, new]
            want[new] = os.path.join(d, "mod.libs", new)
        outp = os.path.join(d, "patched-" + os.path.basename(path))
        try:
            patch_and_verify(path, outp, *edits)
        except AssertionError as ex:
            raise AssertionError("%s: %s" % (name, ex))
        rc, out, err = run([ldso, "--list", outp], cwd=d, env=loader_env())
        check(rc == 0, "%s: ld.so --list of the patched module: exit %d" % (name, rc), out, err)
        for n, where in want.items():
            check(re.search(r"^\s*%s => %s " % (re.escape(n), re.escape(where)), out, re.M),
                  "%s: %s was not loaded from %s" % (name, n, where), out)
        loaded.append(name + (" (%s renamed)" % cand[0] if cand else ""))
    if not loaded:
        raise Skip("no corpus x86_64 module whose dependencies this machine has")
    print("loaded: " + ", ".join(loaded))


# ---------------------------------------------------------------- 6. patchelf


def patchelf_edits(edits):
    """The edits as patchelf invocations, one edit each (patchelf 0.14 mixes up strings when
    --set-soname, --replace-needed and --set-rpath come in one invocation)."""
    out = []
    i = 0
    while i < len(edits):
        op = edits[i]
        if op == "--set-soname":
            out.append(["--set-soname", edits[i + 1]])
            i += 2
        elif op == "--replace-needed":
            out.append(["--replace-needed", edits[i + 1], edits[i + 2]])
            i += 3
        elif op == "--set-rpath":
            out.append(["--force-rpath", "--set-rpath", edits[i + 1]])
            i += 2
        elif op == "--set-runpath":
            out.append(["--set-rpath", edits[i + 1]])
            i += 2
    return out


@case
def patchelf_differential(_):
    pe = need("patchelf")
    inputs = []
    libs = build_libs(gcc(), tmp("build"))
    inputs.append(("x86_64 liba", libs[A_OLD], B_OLD))
    if shutil.which("aarch64-linux-gnu-gcc"):
        alibs = build_libs(cross("aarch64-linux-gnu"), tmp("build-aarch64"))
        inputs.append(("aarch64 liba", alibs[A_OLD], B_OLD))
    if shutil.which("arm-linux-gnueabihf-gcc"):
        alibs = build_libs(cross("arm-linux-gnueabihf"), tmp("build-armhf"))
        inputs.append(("armhf liba", alibs[A_OLD], B_OLD))
    for what, inp, old in inputs:
        for k, edits in enumerate((EDIT_A, EDIT_A[:-2] + ["--set-runpath", RPATH_LIBS],
                                   ["--set-soname", "la.so", "--set-rpath", "$ORIGIN"])):
            ours, theirs = tmp("ours%d-%s" % (k, what[:3])), tmp("theirs%d-%s" % (k, what[:3]))
            patch(inp, ours, *edits)
            shutil.copy(inp, theirs)
            for args in patchelf_edits(edits):
                sh([pe] + args + [theirs], "patchelf")
            o, ot = readelf_dyn(ours)
            t, tt = readelf_dyn(theirs)
            ctx = "%s, edits %s" % (what, " ".join(edits))
            check([v for k2, v in o if k2 == "NEEDED"] == [v for k2, v in t if k2 == "NEEDED"],
                  "NEEDED differs from patchelf's", ctx, "ours:\n" + ot, "patchelf's:\n" + tt)
            check(sorted(o) == sorted(t), "dynamic entries differ from patchelf's: ours %r, patchelf %r"
                  % (sorted(o), sorted(t)), ctx)
            check(readelf_verneed_files(ours)[0] == readelf_verneed_files(theirs)[0],
                  "Verneed files differ from patchelf's: ours %r, patchelf %r"
                  % (readelf_verneed_files(ours)[0], readelf_verneed_files(theirs)[0]), ctx)


# ---------------------------------------------------------------- 7. hostile input


@case
def hostile_truncated(_):
    libs = build_libs(gcc(), tmp("build"))
    a = libs[A_OLD]
    with open(a, "rb") as f:
        data = f.read()
    e = Elf(a)
    dyn = [p for p in e.phdrs if p["type"] == PT_DYNAMIC][0]
    strtab_off = e.vaddr_to_offset(e.dval(DT_STRTAB))
    # cut points where something the patcher must read is gone: must be refused
    must_fail = {"empty": 0, "ident": 10, "header": 40, "phdrs": e.phoff + e.phentsize + 3,
                 "dynstr": strtab_off + 5, "dynamic": dyn["offset"] + 24}
    for what, n in sorted(must_fail.items(), key=lambda x: x[1]):
        p = tmp("cut-%s" % what)
        with open(p, "wb") as f:
            f.write(data[:n])
        patch(p, p + ".out", *EDIT_A, code=1)
    # every other size: exit 0 or 1, never a signal (patch() checks the rest)
    step = max(1, len(data) // 160)
    for n in list(range(1, len(data), step)) + [len(data) - 1]:
        p = tmp("cut")
        with open(p, "wb") as f:
            f.write(data[:n])
        rc, o, err = run([CTX["patcher"]] + EDIT_A + [p, p + ".out"])
        check(rc in (0, 1), "truncated to %d of %d bytes: exit %d%s" % (
            n, len(data), rc, " (signal %d)" % -rc if rc < 0 else ""), err)
        if rc == 1:
            check(not os.path.exists(p + ".out") and err.strip(), "truncated to %d: exit 1 but OUT written "
                  "or no message" % n, err)
        if os.path.exists(p + ".out"):
            os.unlink(p + ".out")


@case
def hostile_non_elf(_):
    samples = {
        "text": b"this is not an ELF file\n" * 20,
        "zeros": b"\0" * 4096,
        "elf-magic-garbage": b"\x7fELF" + bytes(range(256)) * 8,
        "bad-class": b"\x7fELF\x07\x01\x01" + b"\0" * 4089,
        "script": b"#!/bin/sh\necho hi\n",
    }
    for name, data in samples.items():
        p = tmp(name)
        with open(p, "wb") as f:
            f.write(data)
        patch(p, p + ".out", *EDIT_A, code=1)
    patch(tmp("does-not-exist"), tmp("x.out"), *EDIT_A, code=1)
    # a header with e_phoff / e_phnum pointing outside the file
    libs = build_libs(gcc(), tmp("build"))
    with open(libs[A_OLD], "rb") as f:
        data = bytearray(f.read())
    for field, off, fmt, val in (("e_phoff", 32, "<Q", len(data) + 100), ("e_phnum", 56, "<H", 0xfff0),
                                 ("e_phentsize", 54, "<H", 7)):
        bad = bytearray(data)
        struct.pack_into(fmt, bad, off, val)
        p = tmp("bad-" + field)
        with open(p, "wb") as f:
            f.write(bad)
        patch(p, p + ".out", *EDIT_A, code=1)


@case
def hostile_static_and_relocatable(_):
    tc = gcc()
    d = mkdirs("build")
    rc, _, err = run([tc.cc[0], "-static", "-no-pie", "-O1", "-o", os.path.join(d, "static"), src("prog.c"),
                      "-DFN=c_func", src("libc3.c")])
    if rc != 0:
        raise Skip("cannot link statically (no libc.a?): %s" % err.strip()[-200:])
    st = os.path.join(d, "static")
    check(not [p for p in Elf(st).phdrs if p["type"] == PT_DYNAMIC], "the static program has a PT_DYNAMIC")
    patch(st, st + ".out", *EDIT_A, code=1)
    patch(st, st + ".out", "--set-rpath", "$ORIGIN", code=1)
    obj = os.path.join(d, "liba.o")
    sh([tc.cc[0], "-c", "-fPIC", "-o", obj, src("liba.c")])
    patch(obj, obj + ".out", "--set-soname", "x.so", code=1)


def dyn_slot_offsets(e):
    """File offsets of the PT_DYNAMIC entries, {tag: [offset of the entry]}, DT_NULLs included."""
    p = [q for q in e.phdrs if q["type"] == PT_DYNAMIC][0]
    esz = 16 if e.is64 else 8
    out = {}
    for off in range(p["offset"], p["offset"] + p["filesz"] - esz + 1, esz):
        tag, = struct.unpack_from(e.en + ("q" if e.is64 else "i"), e.data, off)
        out.setdefault(tag, []).append(off)
    return out


def set_dyn_val(e, data, tag, val, index=0):
    off = dyn_slot_offsets(e)[tag][index]
    w = 8 if e.is64 else 4
    struct.pack_into(e.en + ("Q" if e.is64 else "I"), data, off + w, val)


@case
def hostile_crafted_dynamic(_):
    # well-formed headers around a dynamic table that lies: refused or patched, but
    # never a crash or a hang (each run is limited to 20 s)
    libs = build_libs(gcc(), tmp("build"))
    a = libs[A_OLD]
    e = Elf(a)
    strtab, strsz = e.dval(DT_STRTAB), e.dval(DT_STRSZ)
    vn_off = e.vaddr_to_offset(e.dval(DT_VERNEED))
    variants = []

    def variant(name, must_fail, fn):
        d = bytearray(e.data)
        fn(d)
        p = tmp("crafted-" + name)
        with open(p, "wb") as f:
            f.write(d)
        variants.append((name, p, must_fail))

    variant("strtab-unmapped", True, lambda d: set_dyn_val(e, d, DT_STRTAB, 0x7fff0000))
    variant("strtab-past-end", True, lambda d: set_dyn_val(e, d, DT_STRSZ, len(e.data) * 4))
    variant("needed-past-strsz", False, lambda d: set_dyn_val(e, d, 1, strsz + 1000))
    variant("soname-past-strsz", False, lambda d: set_dyn_val(e, d, 14, 0xfffffff0))
    variant("strsz-zero", False, lambda d: set_dyn_val(e, d, DT_STRSZ, 0))
    variant("verneednum-huge", False, lambda d: set_dyn_val(e, d, DT_VERNEEDNUM, 0x7fffffff))
    variant("verneed-unmapped", False, lambda d: set_dyn_val(e, d, DT_VERNEED, 0x7fff0000))
    # vn_next pointing at itself (0 ends the chain; 0x10 - 0x10 loops through unsigned wrap)
    variant("vn-next-wrap", False, lambda d: struct.pack_into(e.en + "I", d, vn_off + 12, 0xfffffff0 & 0xffffffff)
            or set_dyn_val(e, d, DT_VERNEEDNUM, 0x7fffffff))
    variant("vn-file-past-strsz", False, lambda d: struct.pack_into(e.en + "I", d, vn_off + 4, strsz + 5))
    variant("vn-cnt-huge", False, lambda d: struct.pack_into(e.en + "H", d, vn_off + 2, 0xffff))

    def no_null(d):  # every slot non-NULL: the table runs to the end of PT_DYNAMIC
        for off in dyn_slot_offsets(e).get(DT_NULL, []):
            struct.pack_into(e.en + "qQ", d, off, 0x6ffffdf5, 0)  # DT_GNU_PRELINKED-ish filler (ignored tag)
    variant("no-dt-null", False, no_null)
    for name, p, must_fail in variants:
        for edits in (EDIT_A, ["--set-rpath", "$ORIGIN"], ["--replace-needed", B_OLD, "b.so"]):
            cmd = [CTX["patcher"]] + list(edits) + [p, p + ".out"]
            rc, o, err = run(cmd, timeout=20)
            shown = "%s: wa-patchelf %s" % (name, " ".join(edits))
            check(rc >= 0, "%s: killed by signal %d" % (shown, -rc), err)
            check(rc in ((1,) if must_fail else (0, 1)), "%s: exit %d" % (shown, rc), err)
            if rc == 1:
                check(not os.path.exists(p + ".out") and err.strip(), "%s: exit 1 but OUT written or no message"
                      % shown, err)
            elif os.path.exists(p + ".out"):
                os.unlink(p + ".out")


@case
def no_section_headers(_):
    # a stripped-to-the-bone library (e_shoff = e_shnum = 0): the loader needs no
    # section; the edit works from the program headers alone, and the result loads
    tc = gcc()
    libs = build_libs(tc, tmp("build"))
    e = Elf(libs[A_OLD])
    d = bytearray(e.data)
    struct.pack_into("<Q", d, 40, 0)
    struct.pack_into("<HHH", d, 58, 64, 0, 0)
    bare = tmp("build", "liba-nosections.so.1")
    with open(bare, "wb") as f:
        f.write(d)
    root = tmp("root")
    pkg, pkglibs = mkdirs("root", "pkg"), mkdirs("root", "pkg.libs")
    out = os.path.join(pkg, A_OLD)
    patch(bare, out, *EDIT_A)
    want = expected_after(bare, EDIT_A)
    b = check_layout(bare, out)
    for tag in ("SONAME", "NEEDED", "RPATH", "RUNPATH"):
        check(b.dyn_strings(tag) == want[tag], "%s: %s %r, expected %r" % (out, tag, b.dyn_strings(tag), want[tag]))
    check([f for f, _ in b.verneed()] == want["files"], "%s: Verneed %r" % (out, b.verneed()))
    got, text = readelf_dyn(out)
    check([v for t, v in got if t == "NEEDED"] == want["NEEDED"] and [v for t, v in got if t == "RPATH"] ==
          want["RPATH"], "readelf -dW %s disagrees" % out, text)
    check(b.shnum == 0, "%s: section headers appeared" % out)
    check_elflint(bare, out)
    shutil.copy(libs[B_OLD], os.path.join(pkglibs, B_NEW))
    probe = tc.program(tmp("probe"), ["probe.c"], flags=["-ldl"])
    run_out([probe, out, "a_func", "7"], "a_func(7) = %d\n" % A7, "glibc dlopen of the patched section-less liba",
            env=loader_env())


# ---------------------------------------------------------------- 8. idempotence


@case
def idempotent(_):
    tc = gcc()
    libs = build_libs(tc, tmp("build"))
    long_rp = "/a/very/long/path/" + "q" * 80
    lr = tc.shared(tmp("build", "libr.so.1"), ["liba.c"], "libr.so.1", [libs[B_OLD]],
                   ["-Wl,--disable-new-dtags", "-Wl,-rpath," + long_rp])
    for what, inp, edits in (("grow", libs[A_OLD], EDIT_A),
                             ("grow-runpath", libs[A_OLD], EDIT_A[:-2] + ["--set-runpath", RPATH_LIBS]),
                             ("in-place", lr, ["--set-rpath", "$ORIGIN", "--set-soname", "r.so"])):
        once, twice = tmp(what + ".1"), tmp(what + ".2")
        patch_and_verify(inp, once, *edits)
        patch_and_verify(once, twice, *edits)
        d1, d2 = readelf_dyn(once)[0], readelf_dyn(twice)[0]
        check(d1 == d2, "%s: dynamic entries differ after a second identical edit: %r vs %r" % (what, d1, d2))
        check(readelf_verneed_files(once)[0] == readelf_verneed_files(twice)[0], "%s: Verneed differs" % what)
        # the interface: a byte-for-byte copy when the edit changes nothing
        check(sha256_file(once) == sha256_file(twice),
              "%s: a second identical edit changed the file (%d -> %d bytes); elfpatch.h promises a "
              "byte-for-byte copy when nothing changes" % (what, os.path.getsize(once), os.path.getsize(twice)))
    # a third grow edit on top of a grown file still loads and stays valid
    # a second, different growing edit on top of a grown file (and a third): still valid,
    # and it loads
    pkg, pkglibs = mkdirs("root", "pkg"), mkdirs("root", "pkg.libs")
    shutil.copy(libs[B_OLD], os.path.join(pkglibs, B_NEW))
    prev = tmp("grow.1")
    for k in (2, 3):
        nxt = os.path.join(pkg, "liba-%d.so.1" % k)
        patch_and_verify(prev, nxt, "--set-soname", "liba-" + "f" * (100 * k) + ".so.1",
                         "--set-rpath", "/nonexistent/" + "w" * (300 * k) + ":" + RPATH_LIBS)
        prev = nxt
    probe = tc.program(tmp("probe"), ["probe.c"], flags=["-ldl"])
    run_out([probe, prev, "a_func", "7"], "a_func(7) = %d\n" % A7, "dlopen of liba grown three times",
            env=loader_env())
    n_loads = [len(Elf(p).loads()) for p in (libs[A_OLD], tmp("grow.1"), os.path.join(pkg, "liba-2.so.1"), prev)]
    print("PT_LOADs after 0..3 growing edits: %r" % n_loads)


# ---------------------------------------------------------------- 9. stripping (wa-patchelf --strip)


def elflint_strict(path):
    """eu-elflint -q --gnu-ld PATH: (exit, messages).  Unlike elflint(), a missing
    eu-elflint fails the case: it is the check the strip cases rest on, and .ci/deps
    installs it (elfutils)."""
    tool = shutil.which("eu-elflint")
    check(tool, "eu-elflint is not installed: the strip cases need it (Debian elfutils, "
          "installed by .ci/deps)")
    rc, out, err = run([tool, "-q", "--gnu-ld", path])
    return rc, (out + err).strip()


def readelf_out(args, path):
    rc, out, err = run([need("readelf")] + list(args) + [path])
    check(rc == 0 and err.strip() == "", "readelf %s %s: exit %d" % (" ".join(args), path, rc),
          "stdout:\n" + out, "stderr:\n" + err)
    return out


# what stripping removes, by name (docs/elf-patching.md, "Stripping")
STRIPPED_NAME = re.compile(r"^(\.debug|\.zdebug|\.gnu\.debuglto_|\.gnu\.linkonce\.wi\.|\.line$|\.stab$|"
                           r"\.stabstr$|\.stab\.|\.mdebug$|\.gdb_index$|\.symtab$|\.strtab$|\.symtab_shndx$)")
SHF_ALLOC, SHT_NULL, SHT_SYMTAB, SHT_NOBITS = 2, 0, 2, 8


def has_strippable(e):
    return any(STRIPPED_NAME.match(s.get("sname", "")) or s["type"] == SHT_SYMTAB for s in e.shdrs
               if not s["flags"] & SHF_ALLOC)


def verify_strip(inp, out, what=None):
    """Everything static about a stripped file: eu-elflint has no new complaint (fails
    when the tool is missing), readelf shows the same dynamic symbols and versions, the
    same dynamic section and program headers; every byte a segment covers is unchanged
    (the ELF header's section fields aside); every allocated section is where it was;
    nothing strippable is left, a kept non-allocated section has its old bytes; the
    file did not grow (and shrank when there was something to strip); stripping again
    gives the same bytes.  Returns the Elf of out."""
    what = what or os.path.basename(inp)
    rc0, msg0 = elflint_strict(inp)
    rc, msg = elflint_strict(out)
    norm = lambda m: set(re.sub(r"\[\s*\d+\]", "[N]", l) for l in m.splitlines() if not l.startswith("No errors"))
    new = norm(msg) - norm(msg0)
    check(not new and (rc == 0 or rc0 != 0), "%s: eu-elflint --gnu-ld on the stripped file: exit %d, new "
          "complaints" % (what, rc), "new:\n" + "\n".join(sorted(new)), "the input's:\n" + msg0)
    for args in (["--dyn-syms", "-VW"], ["-dW"], ["-lW"]):
        a, b = readelf_out(args, inp), readelf_out(args, out)
        check(a == b, "%s: readelf %s differs after stripping" % (what, " ".join(args)),
              "before:\n" + a, "after:\n" + b)
    a, b = Elf(inp), Elf(out)
    ehsize = 64 if a.is64 else 52
    # e_shoff, e_shnum, e_shstrndx: the only header fields that change
    fields = [(40, 8), (60, 2), (62, 2)] if a.is64 else [(32, 4), (48, 2), (50, 2)]
    hdr_a, hdr_b = bytearray(a.data[:ehsize]), bytearray(b.data[:ehsize])
    for off, n in fields:
        hdr_a[off:off + n] = hdr_b[off:off + n] = b"\0" * n
    check(hdr_a == hdr_b, "%s: the ELF header changed beyond its section fields" % what)
    for p in a.phdrs:
        lo, hi = max(p["offset"], ehsize), p["offset"] + p["filesz"]
        if p["type"] != 0 and hi > lo:
            check(a.data[lo:hi] == b.data[lo:hi], "%s: the bytes of segment type %#x at %#x changed"
                  % (what, p["type"], p["offset"]))
    for s in a.shdrs:
        if not s["flags"] & SHF_ALLOC or s["type"] == SHT_NULL:
            continue
        t = b.section(s["sname"])
        check(t and all(t[k] == s[k] for k in ("type", "flags", "addr", "offset", "size")),
              "%s: allocated section %s moved or changed: %r -> %r" % (what, s["sname"], s, t))
    # what an allocated section links to stays (a static program's .rela.plt names
    # .symtab), and what that links to
    held = set(s["link"] for s in b.shdrs if s["flags"] & SHF_ALLOC and s["type"] != SHT_NULL)
    held |= set(b.shdrs[i]["link"] for i in held if i < len(b.shdrs))
    for i, t in enumerate(b.shdrs):
        name = t.get("sname", "")
        check(i in held or (not STRIPPED_NAME.match(name) and t["type"] != SHT_SYMTAB),
              "%s: %s is still there" % (what, name))
        if t["type"] in (SHT_NULL, SHT_NOBITS) or t["flags"] & SHF_ALLOC or name == ".shstrtab" or not t["size"]:
            continue
        s = a.section(name)
        check(s and a.data[s["offset"]:s["offset"] + s["size"]] == b.data[t["offset"]:t["offset"] + t["size"]],
              "%s: the kept section %s lost its contents" % (what, name))
    check(b.size <= a.size, "%s: stripping grew the file from %d to %d bytes" % (what, a.size, b.size))
    if has_strippable(a) and a.shoff + a.shnum * a.shentsize >= max(p["offset"] + p["filesz"] for p in a.phdrs):
        check(b.size < a.size, "%s: nothing was dropped (%d bytes)" % (what, a.size))
    again = out + ".again"
    patch(out, again, "--strip")
    check(sha256_file(again) == sha256_file(out), "%s: stripping the stripped file changed it (%d -> %d bytes)"
          % (what, os.path.getsize(out), os.path.getsize(again)))
    return b


def strip_and_verify(inp, out, what=None):
    patch(inp, out, "--strip")
    return verify_strip(inp, out, what)


def gnu_strip_agrees(inp, ours, strip_tool, what):
    """GNU strip --strip-all as the reference: the same sections (ours may have inactive
    headers where GNU strip renumbers .dynsym's sections wrongly), and not bigger than
    its result but for those headers."""
    theirs = ours + ".gnu"
    sh([strip_tool, "--strip-all", "-o", theirs, inp], "GNU strip")
    names = lambda e: [s.get("sname") for s in e.shdrs if s["type"] != SHT_NULL]
    a, b = Elf(ours), Elf(theirs)
    check(names(a) == names(b), "%s: the sections differ from GNU strip's" % what,
          "ours: %r" % names(a), "GNU strip: %r" % names(b))
    inactive = sum(1 for s in a.shdrs[1:] if s["type"] == SHT_NULL)
    check(a.size <= b.size + inactive * a.shentsize, "%s: %d bytes, GNU strip's %d" % (what, a.size, b.size))
    return a.size, b.size


def gnu_strip_for(tc):
    """The binutils strip for a toolchain's target, or None."""
    cc = os.path.basename(tc.cc[0])
    if tc.name == "gcc" or tc.name == "musl-gcc":
        return shutil.which("strip")
    return shutil.which(cc[:-len("gcc")] + "strip") if cc.endswith("-gcc") else None


def strip_toolchain_case(tc, run_prefix=None, linkers=((None, []),)):
    """liba/libb/libc3 and a program built with -g by tc (for each linker variant),
    stripped and checked; GNU strip compared; with run_prefix (the loader runs them, or
    qemu does), the stripped program run and the stripped liba dlopened, its libraries
    stripped too."""
    sizes = []
    for lname, flags in linkers:
        d = mkdirs(tc.name + ("-" + lname if lname else ""))
        flags = ["-g"] + list(flags)
        libs = build_libs(tc, os.path.join(d, "build"), chain=True, b_flags=flags, a_flags=flags)
        prog = tc.program(os.path.join(d, "build", "prog"), ["prog.c"],
                          [libs[A_OLD], "-Wl,-rpath-link," + os.path.join(d, "build")], ["-DFN=a_func"] + flags)
        probe = tc.program(os.path.join(d, "build", "probe"), ["probe.c"], flags=["-ldl"] + flags)
        run_dir = mkdirs(os.path.basename(d), "run")
        gnu = gnu_strip_for(tc)
        for name, path in list(libs.items()) + [("prog", prog), ("probe", probe)]:
            check(has_strippable(Elf(path)), "%s: %s was built without a symbol table or debug information"
                  % (tc.name, name))
            out = os.path.join(run_dir, name)
            strip_and_verify(path, out, "%s %s %s" % (tc.name, lname or "", name))
            if gnu:
                sizes.append((name,) + gnu_strip_agrees(path, out, gnu, "%s %s" % (tc.name, name)) +
                             (os.path.getsize(path),))
            os.chmod(out, 0o755)
        if run_prefix is None:
            continue
        if run_prefix:
            # control: the emulator runs this target's unstripped program here (the
            # qemu-ppc64le of Debian 12 aborts every glibc program of its own cross
            # toolchain, "stack smashing detected", before main)
            rc, o, e = run(run_prefix + [prog], env=loader_env(LD_LIBRARY_PATH=os.path.join(d, "build")))
            if rc != 0 or o != "a_func(7) = %d\n" % A7_CHAIN:
                print("NOTE: %s: static checks only; %s cannot run the unstripped program either (exit %d: %s)"
                      % (tc.name, os.path.basename(run_prefix[0]), rc, e.strip().splitlines()[:1]))
                continue
        # the stripped libraries only: the build directory is not on any path
        env = loader_env(LD_LIBRARY_PATH=run_dir)
        run_out(run_prefix + [os.path.join(run_dir, "prog")], "a_func(7) = %d\n" % A7_CHAIN,
                "%s: the stripped program" % tc.name, env=env)
        run_out(run_prefix + [os.path.join(run_dir, "probe"), os.path.join(run_dir, A_OLD), "a_func", "7"],
                "a_func(7) = %d\n" % A7_CHAIN, "%s: dlopen of the stripped liba" % tc.name, env=env)
    print("%s: (file, ours, GNU strip's, unstripped) %r" % (tc.name, sizes))


@case
def strip_x86_64(_):
    # GNU ld (a 2 MiB-page layout too), gold and lld; --emit-relocs leaves non-allocated
    # relocation sections between the allocated ones (inactive headers keep .dynsym's
    # section indices right)
    linkers = [(None, []), ("2MiB", ["-Wl,-z,max-page-size=0x200000"]), ("emit-relocs", ["-Wl,--emit-relocs"])]
    for name, tool in (("gold", "ld.gold"), ("lld", "ld.lld")):
        if shutil.which(tool):
            linkers.append((name, ["-fuse-ld=" + name]))
    strip_toolchain_case(gcc(), run_prefix=[], linkers=linkers)


def strip_cross(triple):
    tc = cross(triple)
    prefix = [tc.qemu, "-L", tc.sysroot] if tc.qemu and os.path.isdir(tc.sysroot) else None
    strip_toolchain_case(tc, run_prefix=prefix)
    if prefix is None:
        print("NOTE: %s: static checks only; not run (qemu or %s missing)" % (triple, tc.sysroot))


@case
def strip_cross_aarch64(_):
    strip_cross("aarch64-linux-gnu")


@case
def strip_cross_armhf(_):
    strip_cross("arm-linux-gnueabihf")


@case
def strip_cross_i686(_):
    strip_cross("i686-linux-gnu")


@case
def strip_cross_ppc64le(_):
    strip_cross("powerpc64le-linux-gnu")


@case
def strip_cross_s390x(_):
    strip_cross("s390x-linux-gnu")


@case
def strip_big_endian_clang(_):
    # 32- and 64-bit big-endian PowerPC objects with debug information, linked by lld
    # without a libc (static checks)
    clang, lld = need("clang"), need("ld.lld")
    for t in BE_CLANG:
        tc = Toolchain("clang/lld " + t, [clang, "--target=" + t, "-fuse-ld=lld"],
                       ldflags=["-nostdlib", "-Wl,-z,norelro", "-Wl,--hash-style=sysv"])
        d = tmp(re.sub(r"\W", "_", tc.name))
        libs = build_libs(tc, d, b_flags=["-g"], a_flags=["-g"])
        check(Elf(libs[A_OLD]).en == ">", "%s: liba is not big-endian" % tc.name)
        for name, path in libs.items():
            check(has_strippable(Elf(path)), "%s: %s has nothing to strip" % (tc.name, name))
            strip_and_verify(path, path + ".stripped", "%s %s" % (tc.name, name))


@case
def strip_musl(_):
    tc = musl()
    strip_toolchain_case(tc, run_prefix=[])


@case
def strip_static_program(_):
    tc = gcc()
    d = mkdirs("build")
    st = os.path.join(d, "static")
    rc, _, err = run([tc.cc[0], "-static", "-g", "-O1", "-o", st, src("prog.c"), "-DFN=c_func", src("libc3.c")])
    if rc != 0:
        raise Skip("cannot link statically (no libc.a?): %s" % err.strip()[-200:])
    out = tmp("static.stripped")
    b = strip_and_verify(st, out)
    os.chmod(out, 0o755)
    run_out([out], "c_func(7) = 12\n", "the stripped static program")
    # glibc's static programs have IRELATIVE relocations in an allocated .rela.plt
    # whose sh_link names .symtab: it stays, with .strtab (docs/elf-patching.md)
    a = Elf(st)
    rp = a.section(".rela.plt")
    if rp and rp["flags"] & SHF_ALLOC and a.shdrs[rp["link"]].get("sname") == ".symtab":
        check(b.section(".symtab") and b.section(".strtab"), "the .symtab that .rela.plt names was removed")
    check(not [s for s in b.shdrs if s.get("sname", "").startswith(".debug")], "debug sections left")


@case
def strip_and_patch_in_either_order(_):
    # repair may strip before or after patching: both results are valid and load; only
    # strip-then-patch makes the file smaller (patch-then-strip zeroes what it cannot
    # drop below the new segment)
    tc = gcc()
    libs = build_libs(tc, tmp("build"), b_flags=["-g"], a_flags=["-g"])
    probe = tc.program(tmp("probe"), ["probe.c"], flags=["-ldl"])
    expect = "a_func(7) = %d\n" % A7
    results = {}
    for order in ("patch-strip", "strip-patch"):
        root = tmp(order)
        pkg, pkglibs = mkdirs(order, "pkg"), mkdirs(order, "pkg.libs")
        a = os.path.join(pkg, A_OLD)
        if order == "patch-strip":
            patched = tmp(order + ".patched")
            patch_and_verify(libs[A_OLD], patched, *EDIT_A)
            patch_and_verify(libs[A_OLD], a, *(EDIT_A + ["--strip"]))  # one invocation
            verify_strip(patched, a, order)
            info = Elf(patched).section(".debug_info")
            check(Elf(a).data[info["offset"]:info["offset"] + info["size"]] == b"\0" * info["size"],
                  "%s: the debug information below the new segment was not zeroed" % order)
        else:
            stripped = tmp(order + ".stripped")
            strip_and_verify(libs[A_OLD], stripped, order)
            patch_and_verify(stripped, a, *EDIT_A)
        b_out = os.path.join(pkglibs, B_NEW)
        patch_and_verify(libs[B_OLD], b_out, "--set-soname", B_NEW, "--strip")
        run_out([probe, a, "a_func", "7"], expect, "%s: glibc dlopen" % order, env=loader_env(), cwd=root)
        results[order] = os.path.getsize(a)
    check(results["strip-patch"] < results["patch-strip"], "strip then patch: %d bytes, patch then strip: %d"
          % (results["strip-patch"], results["patch-strip"]))
    print("liba: %d bytes; patched then stripped %d; stripped then patched %d"
          % (os.path.getsize(libs[A_OLD]), results["patch-strip"], results["strip-patch"]))


@case
def strip_mkelf_layouts(_):
    # the synthesized layouts of the unit test (tests/fixtures: mkelf), checked by the
    # tools: 32-bit big-endian, s390x, debug sections numbered below .dynamic, the
    # section header table first, extended numbering (forced, and for 65300+ sections),
    # nothing to strip, no section headers
    for name in ("strip_x86_64.so", "strip_ppc32be.so", "strip_s390x.so", "strip_debug_early.so",
                 "strip_sht_first.so", "strip_xindex.so", "strip_many.so"):
        inp = casekit.fixture(os.path.join("elf", name))
        out = tmp(name)
        patch(inp, out, "--strip")
        verify_strip(inp, out, name)
    for name in ("strip_clean.so", "x86_64_nosh_236.so"):
        inp = casekit.fixture(os.path.join("elf", name))
        patch(inp, tmp(name), "--strip")
        check(sha256_file(inp) == sha256_file(tmp(name)), "%s: nothing to strip, yet the file changed" % name)


@case
def strip_hostile(_):
    # data appended after the sections is not dropped silently; truncations and
    # forged section headers are refused or stripped, never a crash
    libs = build_libs(gcc(), tmp("build"), b_flags=["-g"], a_flags=["-g"])
    with open(libs[A_OLD], "rb") as f:
        data = f.read()
    p = tmp("appended")
    with open(p, "wb") as f:
        f.write(data + b"PAYLOAD-" * 16)
    err = patch(p, p + ".out", "--strip", code=1)
    check("belong to no section" in err, "appended data: %r" % err)
    with open(p, "wb") as f:
        f.write(data + b"\0" * 100)
    patch(p, p + ".out", "--strip")
    patch(libs[A_OLD], tmp("plain.out"), "--strip")
    check(sha256_file(p + ".out") == sha256_file(tmp("plain.out")), "zero padding after the sections was kept")
    step = max(1, len(data) // 200)
    for n in list(range(0, len(data), step)) + [len(data) - 1]:
        with open(tmp("cut"), "wb") as f:
            f.write(data[:n])
        rc, o, e = run([CTX["patcher"], "--strip", tmp("cut"), tmp("cut.out")])
        check(rc == 1 and not os.path.exists(tmp("cut.out")) and e.strip(),
              "truncated to %d of %d bytes: exit %d (the section header table is last: always refused)"
              % (n, len(data), rc), e)


@case
def strip_corpus(_):
    # every ELF member of the corpus wheels: stripped (or copied when there is nothing
    # to strip) and checked
    if not os.path.isdir(CORPUS):
        raise Skip("no corpus at %s" % CORPUS)
    done, copied, refused = [], 0, []
    for w in sorted(glob.glob(os.path.join(CORPUS, "*.whl"))):
        try:
            z = zipfile.ZipFile(w)
        except zipfile.BadZipFile:
            continue
        with z:
            for info in z.infolist():
                if info.file_size > 64 << 20:
                    continue
                data = z.read(info.filename)
                if data[:4] != b"\x7fELF":
                    continue
                p = tmp("m%d" % (len(done) + copied + len(refused)))
                with open(p, "wb") as f:
                    f.write(data)
                name = os.path.basename(w) + "!" + info.filename
                rc, o, e = run([CTX["patcher"], "--strip", p, p + ".out"])
                check(rc in (0, 1), "%s: exit %d" % (name, rc), e)
                if rc == 1:
                    refused.append("%s: %s" % (name, e.strip()))
                    continue
                if sha256_file(p) == sha256_file(p + ".out"):
                    copied += 1
                    continue
                verify_strip(p, p + ".out", name)
                done.append("%s %d -> %d" % (name, len(data), os.path.getsize(p + ".out")))
    if not done:
        raise Skip("no corpus member had anything to strip")
    # the corpus's one truncated ELF file is the only refusal expected
    check(all("bad_elf_truncated" in r for r in refused), "refused:\n" + "\n".join(refused))
    print("stripped %d, nothing to strip %d, refused %d:\n%s" % (len(done), copied, len(refused), "\n".join(done)))


# ---------------------------------------------------------------- 10. removing DT_NEEDED


@case
def remove_needed(_):
    # liba needs libb (with a version) and libc3 (no version): libc3 can go, libb not
    tc = gcc()
    d = tmp("build")
    libs = build_libs(tc, d, chain=True)
    x = tc.shared(os.path.join(d, "libx.so.1"), ["liba.c"], "libx.so.1",
                  ["-Wl,--no-as-needed", libs[B_OLD], libs[C_OLD], "-Wl,--as-needed"])
    e = Elf(x)
    check(e.dyn_strings("NEEDED")[:2] == [B_OLD, C_OLD], "libx needs %r" % e.dyn_strings("NEEDED"))
    check(C_OLD not in [f for f, _ in e.verneed()], "libx has versions of %s" % C_OLD)
    out = patch_and_verify(x, tmp("libx.out"), "--remove-needed", C_OLD, same_size=True)
    check(C_OLD not in out.dyn_strings("NEEDED"), "still needs %s" % C_OLD)
    check(readelf_out(["-VW"], x) == readelf_out(["-VW"], tmp("libx.out")), "the versions changed")
    # the library loads (libb found through LD_LIBRARY_PATH) without libc3 anywhere
    probe = tc.program(tmp("probe"), ["probe.c"], flags=["-ldl"])
    only_b = mkdirs("only-b")
    shutil.copy(libs[B_OLD], os.path.join(only_b, B_OLD))
    shutil.copy(libs[C_OLD], os.path.join(only_b, C_OLD))  # libb itself needs it
    run_out([probe, tmp("libx.out"), "a_func", "7"], "a_func(7) = %d\n" % A7_CHAIN,
            "dlopen after removing %s" % C_OLD, env=loader_env(LD_LIBRARY_PATH=only_b))
    # with every other edit and --strip in one invocation
    edits = ["--remove-needed", C_OLD, "--replace-needed", B_OLD, B_NEW, "--set-soname", "libx-0123abcd.so.1",
             "--set-runpath", "$ORIGIN/../x.libs", "--remove-needed", "libnot-needed.so.9", "--strip"]
    pkg, xlibs = mkdirs("root", "pkg"), mkdirs("root", "x.libs")
    both = os.path.join(pkg, "libx.so")
    patch_and_verify(x, tmp("libx.edited"), *edits[:-1])
    patch_and_verify(x, both, *edits)
    verify_strip(tmp("libx.edited"), both, "libx edited, then stripped in the same run")
    shutil.copy(libs[B_OLD], os.path.join(xlibs, B_NEW))
    shutil.copy(libs[C_OLD], os.path.join(xlibs, C_OLD))
    run_out([probe, both, "a_func", "7"], "a_func(7) = %d\n" % A7_CHAIN, "dlopen after all edits and --strip",
            env=loader_env(LD_LIBRARY_PATH=xlibs))
    # removing a name the file does not need changes nothing
    patch(x, tmp("noop.out"), "--remove-needed", "libpython3.99.so.1.0")
    check(sha256_file(x) == sha256_file(tmp("noop.out")), "removing an absent name changed the file")
    # removing a library symbols need versions of is refused
    err = patch(x, tmp("refused.out"), "--remove-needed", B_OLD, code=1)
    check(".gnu.version_r" in err and B_OLD in err, "refusal message: %r" % err)


@case
def remove_needed_libpython(_):
    # what repair does to a manylinux extension module: the interpreter provides
    # libpython's symbols, so DT_NEEDED libpython3.X.so.1.0 goes (auditwheel 6.4+)
    import sysconfig
    ver = "%d.%d" % sys.version_info[:2]
    inc = sysconfig.get_paths().get("include")
    if not inc or not os.path.exists(os.path.join(inc, "Python.h")):
        raise Skip("no Python.h for python %s" % ver)
    candidates = [os.path.join(dd, "libpython%s.so" % ver) for dd in
                  (sysconfig.get_config_var("LIBDIR") or "", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib")]
    lib = next((c for c in candidates if os.path.exists(c)), None)
    if not lib:
        raise Skip("no libpython%s.so to link against (python%s-dev)" % (ver, ver))
    d = mkdirs("mod")
    suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
    mod = os.path.join(d, "_example" + suffix)
    sh([need("gcc"), "-shared", "-fPIC", "-g", "-O1", "-DWA_HAVE_PYTHON", "-I" + inc, "-o", mod,
        casekit.fixture_src("..", "example", "_example.c"), "-Wl,--no-as-needed", lib])
    e = Elf(mod)
    soname = [n for n in e.dyn_strings("NEEDED") if n.startswith("libpython")]
    check(soname, "the module does not need libpython: %r" % e.dyn_strings("NEEDED"))
    out_dir = mkdirs("out")
    out = os.path.join(out_dir, os.path.basename(mod))
    patch_and_verify(mod, out, "--remove-needed", soname[0], "--strip")
    check(not [n for n in Elf(out).dyn_strings("NEEDED") if n.startswith("libpython")],
          "still needs libpython: %r" % Elf(out).dyn_strings("NEEDED"))
    code = "import sys; sys.path.insert(0, %r); import _example; print(_example.add(2, 3), _example.format(7))" \
        % out_dir
    run_out([sys.executable, "-c", code], "5 <7>\n", "importing the module without DT_NEEDED libpython",
            env=loader_env())


# ---------------------------------------------------------------- main


def main():
    def prepare(ctx):
        if not ctx["patcher"] or not os.access(ctx["patcher"], os.X_OK):
            return "--patcher %r is not an executable" % ctx["patcher"]
        ctx["patcher"] = os.path.abspath(ctx["patcher"])
        return None

    return casekit.main("patch", options=[("--patcher", {})], prepare=prepare)

if __name__ == "__main__":
    sys.exit(main())
