#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of grafting for other architectures and libcs:
`wheelaudit repair --json --ldpaths DIRS` on aarch64, armhf and musl wheels
(docs/repair.md, "Grafting").

    cross_cases.py --list
    cross_cases.py --run CASE --bin WHEELAUDIT --fixtures DIR

Every case builds what it needs in its own temporary directory (removed
afterwards) from the sources in tests/fixtures/src/graft_cross/ and
src/graft/: libgreet.so.1 (soname, GREET_1.0 symbol versions, greet_value()
returns 4242 or a value that tells the build apart), a stand-in extension
module graftmod/_core.<abi>.so exporting core_value() (= greet_value())
linked with -L DIR -lgreet and no rpath, and the wheel around it (Python's
zipfile, RECORD with sha256).  Cross toolchains without libc development
files (no crt1.o, no headers) link against the target's runtime
/usr/<triple>/lib/libc.so.6 with -nostdlib; programs get
tests/fixtures/src/patch/start.c as their entry.

After the static checks (the `grafted` list of --json, the grafted file's ELF
header, `readelf -dW`/`-VW`, eu-elflint --gnu-ld when installed, PT_LOAD
congruence, RECORD) the library directories are deleted, the output wheel is
extracted with its modes, and a probe program for the target (qemu-user for
aarch64 and armhf, musl's loader for musl) dlopens the extracted module and
calls core_value(): it must return 4242.  As a control, the unpatched module
must fail to load under the same conditions.

Exit 0 = pass, 1 = fail, 77 = skipped (a compiler, readelf or the target's
libc is missing; a missing qemu only skips the run, with a NOTE).
"""
import json
import os
import re
import shutil
import sys
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import casekit  # noqa: E402
from casekit import (assert_nothing_written, assert_record_consistent, case, check, grafted_name,  # noqa: E402
                     members, need, read, run, sh, sha256_file, simple_wheel, Skip, tmp, validate)
from elfkit import Elf  # noqa: E402
SRC = casekit.fixture_src("graft_cross")
# libgreet is the one the x86_64 graft cases build too
GREET_C, GREET_MAP = casekit.fixture_src("graft", "greet.c"), casekit.fixture_src("graft", "greet.map")
# the program entry the patch suite's cross programs use too
START_C = casekit.fixture_src("patch", "start.c")
dynamic = casekit.readelf_dynamic
DIST, VER = "graftmod", "0.1"
LIBS = DIST + ".libs"
GREET = "libgreet.so.1"
RPATH = "$ORIGIN/../" + LIBS
EM_386, EM_ARM, EM_X86_64, EM_AARCH64 = 3, 40, 62, 183
EF_ARM_ABI_FLOAT_SOFT, EF_ARM_ABI_FLOAT_HARD = 0x200, 0x400

# triple -> (qemu, the loader the programs name, python platform tag, core module suffix)
CROSS = {
    "aarch64-linux-gnu": ("qemu-aarch64", "/lib/ld-linux-aarch64.so.1", "linux_aarch64",
                          ".cpython-311-aarch64-linux-gnu.so"),
    "arm-linux-gnueabihf": ("qemu-arm", "/lib/ld-linux-armhf.so.3", "linux_armv7l",
                            ".cpython-311-arm-linux-gnueabihf.so"),
}


def note(msg):
    print("NOTE: " + msg)


def src(name):
    return os.path.join(SRC, name)


# ---------------------------------------------------------------- ELF, parsed here (elfkit.Elf)


def describe_loads(e):
    return "\n".join("PT_LOAD off=%#x vaddr=%#x filesz=%#x memsz=%#x align=%#x" % (
        p["offset"], p["vaddr"], p["filesz"], p["memsz"], p["align"]) for p in e.loads())


def check_loads(original, patched, page):
    """Every PT_LOAD of the patched file: p_offset % p_align == p_vaddr % p_align,
    and congruent modulo PAGE too (the largest page size of the architecture:
    a kernel with such pages maps nothing else); within the file; the input's
    PT_LOADs kept as they were."""
    a, b = Elf(original), Elf(patched)
    ctx = "input:\n%s\noutput:\n%s" % (describe_loads(a), describe_loads(b))
    check((a.is64, a.machine, a.flags) == (b.is64, b.machine, b.flags),
          "%s: class, machine or e_flags changed" % patched, ctx)
    for p in b.loads():
        for al in {p["align"], page}:
            if al > 1:
                check(p["offset"] % al == p["vaddr"] % al,
                      "%s: PT_LOAD at vaddr %#x: p_offset %% %#x = %#x but p_vaddr %% %#x = %#x"
                      % (os.path.basename(patched), p["vaddr"], al, p["offset"] % al, al, p["vaddr"] % al), ctx)
        check(p["offset"] + p["filesz"] <= b.size, "%s: PT_LOAD at %#x ends past the end of the file"
              % (patched, p["vaddr"]), ctx)
    key = lambda p: (p["offset"], p["vaddr"], p["filesz"], p["memsz"], p["align"], p["flags"])
    kept = set(map(key, b.loads()))
    for p in a.loads():
        check(key(p) in kept, "%s: the input's PT_LOAD at vaddr %#x changed or vanished"
              % (patched, p["vaddr"]), ctx)


# ---------------------------------------------------------------- readelf, eu-elflint


def verneed_files(path):
    out = sh(["readelf", "-VW", path], "readelf -VW " + path)
    return re.findall(r"File: (\S+)", out.split(".gnu.version_r", 1)[1]) if ".gnu.version_r" in out else [], out


def elflint_clean(path, original):
    """eu-elflint --gnu-ld reports nothing on path (when installed, and when it
    reported nothing on the original)."""
    if not shutil.which("eu-elflint"):
        return
    rc, o, e = run(["eu-elflint", "--gnu-ld", original])
    if rc != 0:
        note("eu-elflint already complains about the input %s; not checked" % os.path.basename(original))
        return
    rc, o, e = run(["eu-elflint", "--gnu-ld", path])
    check(rc == 0, "eu-elflint --gnu-ld %s: exit %d" % (os.path.basename(path), rc), (o + e).strip())


# ---------------------------------------------------------------- toolchains


class Toolchain:
    """A C compiler for the target.  bare: no crt1.o/headers, link with -nostdlib
    against the runtime libc (dict libc=, interp=)."""

    def __init__(self, name, cc, qemu=None, sysroot=None, bare=None, cflags=()):
        self.name, self.cc, self.qemu, self.sysroot, self.bare = name, list(cc), qemu, sysroot, bare
        self.cflags = list(cflags)

    def _cc(self, args, what):
        rc, out, err = run(self.cc + self.cflags + args)
        check(rc == 0, "%s: building %s failed (exit %d)" % (self.name, what, rc),
              " ".join(self.cc + self.cflags + args), "stderr:\n" + err)

    def _link_extra(self, program, libc=True):
        if not self.bare:
            return []
        extra = ["-nostdlib"]
        if program:
            extra += [START_C, "-Wl,-dynamic-linker," + self.bare["interp"]]
        if libc:
            extra += [self.bare["libc"], "-Wl,-rpath-link," + os.path.dirname(self.bare["libc"])]
        return extra

    def lib(self, libdir, value=None, versioned=True, libc=True, extra=()):
        """libdir/libgreet.so.1 (soname, GREET_1.0 when versioned) and the link libgreet.so."""
        os.makedirs(libdir, exist_ok=True)
        path = os.path.join(libdir, GREET)
        flags = ["-DGREET_VALUE=%d" % value] if value is not None else []
        flags += list(extra)
        if versioned:
            flags.append("-Wl,--version-script=" + GREET_MAP)
        self._cc(["-O2", "-fPIC", "-shared", "-Wl,-soname," + GREET, "-o", path, GREET_C] + flags +
                 self._link_extra(False, libc), "%s (%s)" % (GREET, self.name))
        os.symlink(GREET, os.path.join(libdir, "libgreet.so"))
        return path

    def module(self, path, libdir):
        """The stand-in extension module: core_value() calls greet_value(); -L libdir -lgreet, no rpath."""
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self._cc(["-O2", "-fPIC", "-shared", "-o", path, src("core.c"), "-L" + libdir, "-lgreet"] +
                 self._link_extra(False), "the module (%s)" % self.name)
        return path

    def probe(self, path):
        self._cc(["-O2", "-o", path, src("probe.c")] + ([] if self.bare else ["-ldl"]) + self._link_extra(True),
                 "the probe (%s)" % self.name)
        return path


def cross(triple):
    cc = need(triple + "-gcc", "cross compiler for " + triple)
    qemu, interp, _, _ = CROSS[triple]
    sysroot = "/usr/" + triple
    return Toolchain(triple, [cc], qemu=shutil.which(qemu), sysroot=sysroot,
                     bare=casekit.bare_libc(cc, triple, interp))


def host_gcc():
    return Toolchain("gcc (x86_64)", [need("gcc", "the x86_64 decoy libgreet")], cflags=["-w"])


# ---------------------------------------------------------------- wheels


def build_wheel(tag, files):
    """graftmod-0.1-TAG.whl from [(member, bytes, mode)] plus METADATA, WHEEL, RECORD."""
    return simple_wheel("%s-%s-%s.whl" % (DIST, VER, tag), files)


def extract_all(whl, dest):
    """Extracts the wheel with the modes of its members (as an installer does)."""
    with zipfile.ZipFile(whl) as z:
        for i in z.infolist():
            target = os.path.join(dest, i.filename)
            check(os.path.realpath(target).startswith(os.path.realpath(dest) + os.sep),
                  "member %r escapes the extraction directory" % i.filename)
            if i.filename.endswith("/"):
                os.makedirs(target, exist_ok=True)
                continue
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as f:
                f.write(z.read(i))
            mode = (i.external_attr >> 16) & 0o7777
            if mode:
                os.chmod(target, mode)
    return dest


def extract_member(whl, member, dest):
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with open(dest, "wb") as f:
        f.write(members(whl)[member])
    return dest


# ---------------------------------------------------------------- repair


def repair_json(wheel, ldpaths, wdir):
    """repair --json -w WDIR --ldpaths LDPATHS WHEEL -> (exit code, the wheel's entry, stdout, stderr)."""
    rc, out, err = casekit.repair("--json", "-w", wdir, "--ldpaths", ldpaths, wheel)
    try:
        doc = json.loads(out)
    except ValueError:
        raise AssertionError("repair --json: exit %d, stdout is not JSON" % rc + "\n--- stdout:\n" + out[-3000:] +
                             "\n--- stderr:\n" + err[-3000:])
    check(len(doc.get("wheels", [])) == 1, "repair --json: %d wheel entries" % len(doc.get("wheels", [])))
    validate(doc, "repair-v1")
    return rc, doc["wheels"][0], out, err


def tags_of(path):
    return os.path.basename(path)[:-4].rsplit("-", 1)[1].split(".")


def graft_and_check(wheel, core, mod, ldpaths, want_source, tag_re, em, page, want_flags=None):
    """Repairs the wheel, checks the graft of want_source; returns (output wheel, grafted member name)."""
    wdir = tmp("wheelhouse")
    rc, w, out, err = repair_json(wheel, ldpaths, wdir)
    check(rc == 0, "repair --ldpaths %s: exit %d, expected 0" % (ldpaths, rc),
          "entry: " + json.dumps({k: v for k, v in w.items() if k != "audit"}, indent=1), "stderr:\n" + err[-3000:])
    check(w["outcome"] == "repaired", "outcome %r" % w["outcome"])
    output = w["output"]
    check(output and os.path.isfile(output) and os.path.dirname(os.path.abspath(output)) == wdir,
          "output %r is not a file in %s" % (output, wdir))
    check(os.listdir(wdir) == [os.path.basename(output)], "the wheelhouse holds %r" % os.listdir(wdir))
    tags = tags_of(output)
    check(tags and all(tag_re.match(t) for t in tags), "output tags %r do not all match %s" % (tags, tag_re.pattern))
    check(any(re.match(r"^(many|musl)linux_\d+_\d+_", t) for t in tags), "no PEP 600/656 tag in %r" % tags)
    new = grafted_name(GREET, want_source)
    gmember = LIBS + "/" + new
    want = [{"name": GREET, "source": want_source, "found_by": "ldpaths", "member": gmember, "needed_by": [core]}]
    check(w["grafted"] == want, "grafted %s, expected %s" % (json.dumps(w["grafted"], indent=1),
                                                             json.dumps(want, indent=1)))
    check(w["missing"] == [], "missing %r" % w["missing"])
    ms = members(output)
    sbom = [n for n in members(wheel) if n.endswith(".dist-info/RECORD")][0].replace(
        "/RECORD", "/sboms/wheelaudit.cdx.json")
    check(sorted(ms) == sorted(list(members(wheel)) + [gmember, sbom]), "output members %r" % sorted(ms))
    for n, data in members(wheel).items():
        if n != core and not n.endswith(".dist-info/RECORD") and not n.endswith(".dist-info/WHEEL"):
            check(ms[n] == data, "%s changed" % n)
    assert_record_consistent(output)

    # the grafted library: the right file (machine, class, float ABI), renamed soname
    g = extract_member(output, gmember, tmp("x1", gmember))
    ge, se = Elf(g), Elf(want_source)
    check(ge.machine == em and ge.machine == se.machine and ge.is64 == se.is64,
          "grafted %s: e_machine %d (%s), expected %d" % (gmember, ge.machine, "64" if ge.is64 else "32", em))
    if want_flags is not None:
        check(ge.flags & want_flags, "grafted %s: e_flags %#x lack %#x" % (gmember, ge.flags, want_flags))
    gd, gtext = dynamic(g)
    check(gd["SONAME"] == [new], "grafted SONAME %r, expected [%r]" % (gd["SONAME"], new), gtext)
    check(gd["NEEDED"] == dynamic(want_source)[0]["NEEDED"], "grafted library NEEDED %r" % gd["NEEDED"], gtext)
    check(gd["RUNPATH"] == [], "grafted library has DT_RUNPATH %r" % gd["RUNPATH"], gtext)
    check(b"GREET_1.0" in read(g) or b"GREET_1.0" not in read(want_source), "the grafted library lost GREET_1.0")
    elflint_clean(g, want_source)
    check_loads(want_source, g, page)

    # the patched module
    m = extract_member(output, core, tmp("x1", core))
    d, text = dynamic(m)
    want_needed = [new if n == GREET else n for n in dynamic(mod)[0]["NEEDED"]]
    check(d["NEEDED"] == want_needed, "module NEEDED %r, expected %r" % (d["NEEDED"], want_needed), text)
    check(d["RPATH"] == [RPATH], "module DT_RPATH %r, expected [%r]" % (d["RPATH"], RPATH), text)
    check(d["RUNPATH"] == [], "module has DT_RUNPATH %r" % d["RUNPATH"], text)
    files, vtext = verneed_files(m)
    check(new in files and GREET not in files, "module .gnu.version_r files %r, expected %s in place of %s"
          % (files, new, GREET), vtext)
    elflint_clean(m, mod)
    check_loads(mod, m, page)
    return output, gmember


def run_probe(cmd, what, code=0):
    rc, out, err = run(cmd, cwd=tmp("elsewhere"))
    check(rc == code, "%s: exit %d, expected %d" % (what, rc, code), "command: " + " ".join(map(str, cmd)),
          "stdout:\n" + out, "stderr:\n" + err)
    return out, err


# ================================================================ cases


def check_module_input(mod, tc):
    d, text = dynamic(mod)
    check(GREET in d["NEEDED"], "%s: the module does not need %s: %r" % (tc.name, GREET, d["NEEDED"]), text)
    check(d["RPATH"] == [] and d["RUNPATH"] == [], "%s: the module was built with a search path" % tc.name, text)
    files, vtext = verneed_files(mod)
    check(GREET in files, "%s: the module has no .gnu.version_r entry for %s" % (tc.name, GREET), vtext)


def cross_graft(triple, em, page, want_flags=None, decoys=()):
    """The aarch64/armhf case.  decoys: [(name, toolchain, extra kwargs)] libgreet
    builds put before the right one in --ldpaths (each must be skipped)."""
    tc = cross(triple)
    need("readelf")
    _, _, plat, suffix = CROSS[triple]
    core = "graftmod/_core" + suffix
    right = tc.lib(tmp("lib-" + triple))
    dirs = []
    for i, (what, dtc, kw) in enumerate(decoys):
        d = tmp("decoy%d-%s" % (i, what))
        dtc.lib(d, value=1000 + i, **kw)
        dirs.append(d)
    ldpaths = ":".join(dirs + [os.path.dirname(right)])
    for d in dirs:
        check(sha256_file(os.path.join(d, GREET)) != sha256_file(right), "a decoy is the right file")
    mod = tc.module(tmp("build", "_core.so"), os.path.dirname(right))
    check(Elf(mod).machine == em, "the module's e_machine is %d" % Elf(mod).machine)
    check(Elf(mod).max_align() == page, "%s: the module's PT_LOADs are aligned to %#x, expected %#x pages"
          % (tc.name, Elf(mod).max_align(), page))
    check_module_input(mod, tc)
    wheel = build_wheel("cp311-cp311-" + plat, [("graftmod/__init__.py", b"", 0o644), (core, read(mod), 0o755)])
    arch = plat.split("_", 1)[1]
    output, gmember = graft_and_check(wheel, core, mod, ldpaths, right,
                                      re.compile(r"^manylinux(2014|_\d+_\d+)_%s$" % arch), em, page, want_flags)
    probe = None
    if tc.qemu and os.path.isdir(tc.sysroot):
        probe = tc.probe(tmp("build", "probe"))
        check(Elf(probe).interp == tc.bare["interp"] if tc.bare else True, "the probe's interpreter %r" % Elf(probe).interp)
    # the build machine's libraries are gone
    for d in dirs + [os.path.dirname(right)]:
        shutil.rmtree(d)
    x = extract_all(output, tmp("x"))
    shutil.copy(mod, os.path.join(x, "graftmod", "_unpatched.so"))
    os.makedirs(tmp("elsewhere"))
    if probe is None:
        note("%s: static checks only; qemu (%s) or %s missing, the module was not loaded"
             % (triple, CROSS[triple][0], tc.sysroot))
        return
    patched = os.path.join(x, core)
    check(os.stat(patched).st_mode & 0o777 == 0o755, "extracted module mode %o" % os.stat(patched).st_mode)
    out, _ = run_probe([tc.qemu, "-L", tc.sysroot, probe, patched], "%s: dlopen of the repaired module" % triple)
    check(out == "core_value() = 4242\n", "probe output %r" % out)
    print("%s: %s" % (triple, out.strip()))
    # control: the unpatched module does not find libgreet.so.1 any more
    _, err = run_probe([tc.qemu, "-L", tc.sysroot, probe, os.path.join(x, "graftmod", "_unpatched.so")],
                       "%s: dlopen of the unpatched module (control)" % triple, code=2)
    check(GREET in err, "the control failed for another reason than %s" % GREET, err)


@case
def aarch64(_):
    """aarch64 wheel (64 KiB pages); an x86_64 libgreet.so.1 comes first in --ldpaths."""
    cross_graft("aarch64-linux-gnu", EM_AARCH64, 0x10000, decoys=[("x86_64", host_gcc(), {})])


def soft_float_toolchain():
    """An armel (soft-float EABI) compiler: arm-linux-gnueabi-gcc, else the armhf gcc
    with -mfloat-abi=soft (fine for a library that needs no libc).  None if neither works."""
    if shutil.which("arm-linux-gnueabi-gcc"):
        return Toolchain("arm-linux-gnueabi-gcc", ["arm-linux-gnueabi-gcc"], bare={"libc": None, "interp": None})
    if shutil.which("arm-linux-gnueabihf-gcc"):
        return Toolchain("arm-linux-gnueabihf-gcc -mfloat-abi=soft", ["arm-linux-gnueabihf-gcc"],
                         bare={"libc": None, "interp": None}, cflags=["-mfloat-abi=soft"])
    return None


@case
def armhf(_):
    """armv7l hard-float wheel; an armel soft-float and an x86_64 libgreet.so.1
    come first in --ldpaths."""
    decoys = []
    soft = soft_float_toolchain()
    if soft is not None:
        # probe that the soft-float build works and is marked soft-float
        try:
            p = soft.lib(tmp("softprobe"), libc=False)
            f = Elf(p).flags
            if Elf(p).machine == EM_ARM and f & EF_ARM_ABI_FLOAT_SOFT and not f & EF_ARM_ABI_FLOAT_HARD:
                decoys.append(("armel", soft, {"libc": False}))
                note("armel decoy built with %s (e_flags %#x)" % (soft.name, f))
            else:
                note("%s did not produce a soft-float ARM object (e_flags %#x); armel sub-check skipped"
                     % (soft.name, f))
        except AssertionError as e:
            note("building the armel decoy failed; armel sub-check skipped: %s" % str(e).splitlines()[0])
        shutil.rmtree(tmp("softprobe"), ignore_errors=True)
    else:
        note("no arm-linux-gnueabi-gcc; armel sub-check skipped")
    decoys.append(("x86_64", host_gcc(), {}))
    cross_graft("arm-linux-gnueabihf", EM_ARM, 0x1000, EF_ARM_ABI_FLOAT_HARD, decoys)


@case
def wrong_arch_only(_):
    """aarch64 wheel, only an x86_64 (and an armhf, when that compiler exists)
    libgreet.so.1 in --ldpaths: rejected, exit 1, missing names libgreet.so.1,
    nothing written.  The same for an armhf wheel with only an armel
    (soft-float) libgreet.so.1."""
    tc = cross("aarch64-linux-gnu")
    need("readelf")
    _, _, plat, suffix = CROSS["aarch64-linux-gnu"]
    core = "graftmod/_core" + suffix
    right = tc.lib(tmp("arm64"))
    host_gcc().lib(tmp("x86"))
    dirs = [tmp("x86")]
    if shutil.which("arm-linux-gnueabihf-gcc"):
        try:
            cross("arm-linux-gnueabihf").lib(tmp("armhf"))
            dirs.append(tmp("armhf"))
        except Skip as e:
            note("no armhf decoy: %s" % e)
    mod = tc.module(tmp("build", "_core.so"), tmp("arm64"))
    shutil.rmtree(tmp("arm64"))
    wheel = build_wheel("cp311-cp311-" + plat, [("graftmod/__init__.py", b"", 0o644), (core, read(mod), 0o755)])
    before = read(wheel)
    assert_rejected_missing(wheel, core, ":".join(dirs), tmp("wheelhouse"), "aarch64 wheel")
    check(read(wheel) == before, "the input wheel changed")
    del right
    # armhf wheel, only an armel (soft-float) libgreet: the hard-float loader would
    # refuse it, so it is not found either
    soft = soft_float_toolchain()
    if not shutil.which("arm-linux-gnueabihf-gcc") or soft is None:
        note("no armhf/armel compilers; the soft-float sub-check is skipped")
        return
    try:
        hf = cross("arm-linux-gnueabihf")
    except Skip as e:
        note("soft-float sub-check skipped: %s" % e)
        return
    lib = soft.lib(tmp("armel"), libc=False)
    f = Elf(lib).flags
    if not (f & EF_ARM_ABI_FLOAT_SOFT) or f & EF_ARM_ABI_FLOAT_HARD:
        note("%s gave e_flags %#x, not soft-float; sub-check skipped" % (soft.name, f))
        return
    hf.lib(tmp("armhf-link"))
    _, _, plat, suffix = CROSS["arm-linux-gnueabihf"]
    core = "graftmod/_core" + suffix
    mod = hf.module(tmp("build", "_core_hf.so"), tmp("armhf-link"))
    check(Elf(mod).flags & EF_ARM_ABI_FLOAT_HARD, "the armhf module is not hard-float: %#x" % Elf(mod).flags)
    shutil.rmtree(tmp("armhf-link"))
    shutil.rmtree(tmp("in"))
    wheel = build_wheel("cp311-cp311-" + plat, [("graftmod/__init__.py", b"", 0o644), (core, read(mod), 0o755)])
    assert_rejected_missing(wheel, core, tmp("armel"), tmp("wheelhouse-hf"), "armhf wheel, armel library only")


def assert_rejected_missing(wheel, core, ldpaths, wdir, what):
    rc, w, out, err = repair_json(wheel, ldpaths, wdir)
    entry = "entry: " + json.dumps({k: v for k, v in w.items() if k != "audit"}, indent=1)
    check(rc == 1, "%s: exit %d, expected 1" % (what, rc), entry, "stderr:\n" + err[-3000:])
    check(w["outcome"] == "rejected", "%s: outcome %r" % (what, w["outcome"]), entry)
    check(w["missing"] == ["%s (needed by %s)" % (GREET, core)], "%s: missing %r" % (what, w["missing"]), entry)
    check(w["grafted"] == [] and w["output"] is None, "%s: grafted %r, output %r" % (what, w["grafted"], w["output"]))
    check(GREET in (w["reason"] or ""), "%s: reason %r does not name %s" % (what, w["reason"], GREET))
    assert_nothing_written(wdir)


@case
def musl(_):
    """musllinux: libgreet and the module built with musl-gcc (the module's
    DT_NEEDED libc.so is musl's libc); a musl probe loads the repaired module.
    A glibc libgreet first in --ldpaths is never grafted."""
    cc = need("musl-gcc", "Debian musl-tools")
    if not os.path.exists("/lib/ld-musl-x86_64.so.1"):
        raise Skip("/lib/ld-musl-x86_64.so.1 is missing")
    need("readelf")
    tc = Toolchain("musl-gcc", [cc])
    core = "graftmod/_core.cpython-311-x86_64-linux-musl.so"
    lib = tc.lib(tmp("musl"))
    mod = tc.module(tmp("build", "_core.so"), tmp("musl"))
    check_module_input(mod, tc)
    check("libc.so" in dynamic(mod)[0]["NEEDED"], "the musl module does not need libc.so: %r"
          % dynamic(mod)[0]["NEEDED"])
    probe = tc.probe(tmp("build", "probe"))
    check(Elf(probe).interp == "/lib/ld-musl-x86_64.so.1", "the probe's interpreter is %r" % Elf(probe).interp)
    wheel = build_wheel("cp311-cp311-linux_x86_64", [("graftmod/__init__.py", b"", 0o644), (core, read(mod), 0o755)])
    output, gmember = graft_and_check(wheel, core, mod, tmp("musl"), lib,
                                      re.compile(r"^musllinux_\d+_\d+_x86_64$"), EM_X86_64, 0x1000)
    # a glibc build that needs libc.so.6 first in the search: never grafted into the
    # musl wheel (docs/repair.md: found with glibc's rules, then rejected by the
    # second audit as mixed glibc/musl, exit 4; or skipped, should musl rules come)
    glibc = host_gcc().lib(tmp("glibc"), value=1111, extra=["-Wl,--no-as-needed", "-lc"])
    check("libc.so.6" in dynamic(glibc)[0]["NEEDED"], "the glibc libgreet does not need libc.so.6",
          dynamic(glibc)[1])
    wdir = tmp("wh-mixed")
    rc, w, _, err = repair_json(wheel, tmp("glibc") + ":" + tmp("musl"), wdir)
    entry = json.dumps({k: v for k, v in w.items() if k != "audit"}, indent=1)
    if rc == 0:
        check([g["source"] for g in w["grafted"]] == [lib], "the glibc libgreet was grafted into the musl wheel",
              entry)
        note("musl: the glibc build was skipped (musl search rules)")
    else:
        check(rc == 4 and w["outcome"] == "rejected", "glibc libgreet first: exit %d, expected 4 (or 0 with the "
              "musl build)" % rc, entry, "stderr:\n" + err[-3000:])
        check("glibc" in (w["reason"] or "") and "musl" in (w["reason"] or ""), "reason %r" % w["reason"])
        check(w["grafted"] == [] and w["output"] is None, "a rejected wheel with output or grafted", entry)
        assert_nothing_written(wdir)
    shutil.rmtree(tmp("glibc"))
    shutil.rmtree(tmp("musl"))
    x = extract_all(output, tmp("x"))
    shutil.copy(mod, os.path.join(x, "graftmod", "_unpatched.so"))
    os.makedirs(tmp("elsewhere"))
    out, _ = run_probe([probe, os.path.join(x, core)], "musl: dlopen of the repaired module")
    check(out == "core_value() = 4242\n", "probe output %r" % out)
    print("musl: " + out.strip())
    _, err = run_probe([probe, os.path.join(x, "graftmod", "_unpatched.so")],
                       "musl: dlopen of the unpatched module (control)", code=2)
    check(GREET in err, "the control failed for another reason than %s" % GREET, err)


# ---------------------------------------------------------------- main


def main():
    return casekit.main("graft-cross")

if __name__ == "__main__":
    sys.exit(main())
