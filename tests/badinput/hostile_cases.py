#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Hostile wheels, round 2, beyond the zip structure (zip_cases.py has that):
what grafting may copy, the names repair writes, text that reaches a
terminal, outputs that would replace inputs.

    hostile_cases.py --list
    hostile_cases.py --run CASE --bin WHEELAUDIT --fixtures DIR

ELF members are synthesized with the fixture tool mkelf (any DT_NEEDED,
DT_RUNPATH, SONAME), wheels written with casekit.  Exit 0 = pass, 1 = fail,
77 = skipped.
"""
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import casekit  # noqa: E402
from casekit import CTX, case, check, repair, simple_wheel, tmp, wheelaudit  # noqa: E402

MOD = "hostile/_mod.cpython-311-x86_64-linux-gnu.so"
GLIBC = ["--needed", "libc.so.6", "--verneed", "libc.so.6:GLIBC_2.2.5:__cxa_finalize"]


def mkelf(out, *args):
    """An x86-64 shared object written by the fixture tool mkelf."""
    os.makedirs(os.path.dirname(out), exist_ok=True)
    casekit.sh([os.path.join(CTX["fixtures"], "mkelf"), "-o", out, *args])
    with open(out, "rb") as f:
        return f.read()


def module_wheel(name, needed, runpath=None, extra=()):
    """A wheel whose extension module needs `needed` (and libc), with DT_RUNPATH."""
    args = list(GLIBC) + ["--needed", needed]
    if runpath:
        args += ["--runpath", runpath]
    so = mkelf(tmp("build", name + ".so"), *args)
    return simple_wheel("%s-0.1-cp311-cp311-linux_x86_64.whl" % name,
                        [(MOD.replace("hostile", name), so, 0o755)] + list(extra))


def rejected_missing(wheel, name, fragments, *opts):
    """repair exits 1, writes nothing, and names the library and why."""
    rc, out, err = repair("-w", tmp("out"), *opts, wheel)
    check(rc == 1, "repair: exit %d, expected 1" % rc, out, err)
    check(out == "", "repair printed output paths: %r" % out)
    casekit.assert_nothing_written(tmp("out"))
    check(name in err and all(f in err for f in fragments),
          "the rejection does not name %s and %r" % (name, fragments), err)
    rc, out, err = repair("--json", "-w", tmp("out"), *opts, wheel)
    doc = json.loads(out)["wheels"][0]
    casekit.validate(json.loads(out), "repair-v1")
    check(doc["outcome"] == "rejected" and any(m.startswith(name + " (needed by ")
                                               for m in doc["missing"]),
          "JSON missing %r" % doc["missing"])
    return doc


# ---------------------------------------------------------------- what grafting copies

@case
def runpath_to_usr_bin_never_grafts_a_program(_):
    """RUNPATH /usr/bin + NEEDED ls found /usr/bin/ls and packed the program."""
    if not os.path.isfile("/usr/bin/ls"):
        raise casekit.Skip("no /usr/bin/ls")
    w = module_wheel("runls", "ls", "/usr/bin")
    rejected_missing(w, "ls", ["/usr/bin/ls was found but", "program"])


@case
def runpath_to_proc_self_never_grafts_the_running_binary(_):
    """RUNPATH /proc/self + NEEDED exe grafted the process's own binary."""
    w = module_wheel("procself", "exe", "/proc/self")
    doc = rejected_missing(w, "exe", ["exe"])
    check(not doc["grafted"], "grafted %r" % doc["grafted"])


@case
def static_pie_program_is_not_grafted(_):
    """A static-pie program (ET_DYN, no PT_INTERP, no SONAME: wheelaudit's own
    static binary is one, reachable as /proc/self/exe) found for a DT_NEEDED
    name is a program, by its DF_1_PIE flag, and is not grafted."""
    if not shutil.which("gcc"):
        raise casekit.Skip("no gcc")
    src = tmp("src", "main.c")
    os.makedirs(os.path.dirname(src), exist_ok=True)
    with open(src, "w") as f:
        f.write("int main(void) { return 0; }\n")
    prog = tmp("host", "libsp.so.1")
    os.makedirs(os.path.dirname(prog), exist_ok=True)
    r = casekit.run(["gcc", "-static-pie", "-O2", "-o", prog, src])
    if r.returncode != 0:
        raise casekit.Skip("gcc cannot link -static-pie here: %s" % r.stderr.strip()[-200:])
    w = module_wheel("spie", "libsp.so.1", tmp("host"))
    rejected_missing(w, "libsp.so.1", ["program (DF_1_PIE)"])


@case
def executable_named_like_a_library_is_not_grafted(_):
    """An ET_EXEC file found for a DT_NEEDED name is no shared library."""
    mkelf(tmp("host", "libtool.so.1"), "--type", "exec", *GLIBC)
    w = module_wheel("execlib", "libtool.so.1", tmp("host"))
    rejected_missing(w, "libtool.so.1", ["executable, not a shared library"])


@case
def pie_program_without_soname_is_not_grafted_but_a_library_with_interp_is(_):
    """PT_INTERP and no SONAME is a program; PT_INTERP with a SONAME (libc,
    libcap) is a library and is grafted."""
    mkelf(tmp("host", "libpie.so.1"), "--interp", "/lib64/ld-linux-x86-64.so.2", *GLIBC)
    w = module_wheel("pielib", "libpie.so.1", tmp("host"))
    rejected_missing(w, "libpie.so.1", ["program (PT_INTERP and no DT_SONAME)"])
    lib = tmp("host2", "libinterp.so.1")
    mkelf(lib, "--interp", "/lib64/ld-linux-x86-64.so.2", "--soname", "libinterp.so.1", *GLIBC)
    w = module_wheel("interplib", "libinterp.so.1", tmp("host2"))
    rc, out, err = repair("-w", tmp("ok"), w)
    check(rc == 0, "a library with PT_INTERP and a SONAME: exit %d" % rc, out, err)
    check(any(n.startswith("interplib.libs/libinterp-") for n in casekit.members(out.strip())),
          "not grafted", out)


@case
def library_found_through_an_absolute_runpath_is_grafted(_):
    """RPATH/RUNPATH entries of the wheel's own members are honoured: legitimate
    builds point them at the libraries they were linked with."""
    mkelf(tmp("deps", "libdep.so.2"), "--soname", "libdep.so.2", *GLIBC)
    w = module_wheel("absrun", "libdep.so.2", tmp("deps"))
    rc, out, err = repair("--json", "-w", tmp("ok"), w)
    check(rc == 0, "exit %d" % rc, out, err)
    g = json.loads(out)["wheels"][0]["grafted"]
    check(len(g) == 1 and g[0]["found_by"] == "runpath", "grafted %r" % g)


# ---------------------------------------------------------------- names repair writes

@case
def overlong_needed_name_is_refused_not_written(_):
    """A grafted copy's member name would have a component over 255 bytes: a
    250-byte library name is a valid file name, its hashed copy's name
    (libNAME-<8 hex>.so.1) is not a valid member name."""
    name = "lib" + "x" * 242 + ".so.1"
    lib = tmp("longdir")
    os.makedirs(lib, exist_ok=True)
    try:
        mkelf(os.path.join(lib, name), "--soname", name, *GLIBC)
    except AssertionError:
        raise casekit.Skip("this file system refuses a %d-byte file name" % len(name))
    w = module_wheel("longname", name, lib)
    rejected_missing(w, name, ["member name would be", "longer than 255 bytes"])


@case
def input_name_that_is_not_utf8_is_unsafe(_):
    """RECORD lists names as UTF-8; a member name that is not UTF-8 is refused."""
    so = mkelf(tmp("build", "m.so"), *GLIBC)
    import zipfile
    path = tmp("in", "badutf-0.1-cp311-cp311-linux_x86_64.whl")
    os.makedirs(tmp("in"), exist_ok=True)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("badutf/_m.cpython-311-x86_64-linux-gnu.so", so)
        info = zipfile.ZipInfo("badutf/x")
        z.writestr(info, b"x")
    # rename the member to raw bytes 0xff 0xfe inside the archive (same length)
    data = bytearray(open(path, "rb").read())
    for at in (i for i in range(len(data)) if data[i:i + 8] == b"badutf/x"):
        data[at + 7:at + 8] = b"\xff"
    open(path, "wb").write(bytes(data))
    r = wheelaudit("show", path)
    check(r.returncode == 3 and "not valid UTF-8" in r.stderr, "exit %d" % r.returncode,
          r.stdout, r.stderr)
    check("\xff" not in r.stderr, "the raw byte reached stderr")


# ---------------------------------------------------------------- terminal safety

@case
def control_bytes_from_a_wheel_never_reach_the_terminal(_):
    """DT_NEEDED, RPATH and SONAME strings with ESC sequences and newlines are
    printed escaped: the verdict stays one line, no ESC byte is written."""
    evil = "lib\x1b[31mred\x1b[0m.so.1"
    so = mkelf(tmp("build", "m.so"), *GLIBC, "--needed", evil, "--rpath", "/opt\nFAKE: verdict",
               "--soname", "x\x07bell")
    w = simple_wheel("esc-0.1-cp311-cp311-linux_x86_64.whl",
                     [("esc/_m.cpython-311-x86_64-linux-gnu.so", so, 0o755)])
    r = wheelaudit("show", "--verbose", "--color", "never", w)
    check(r.returncode == 1, "exit %d" % r.returncode, r.stdout, r.stderr)
    check("\x1b" not in r.stdout + r.stderr and "\x07" not in r.stdout + r.stderr,
          "a control byte reached the terminal", repr(r.stdout))
    check("\\x1b[31mred" in r.stdout, "the escape is not shown as \\x1b", r.stdout)
    lines = [l for l in r.stdout.splitlines() if l.startswith("esc-0.1")]
    check(len(lines) == 1 and not any(l.startswith("FAKE") for l in r.stdout.splitlines()),
          "the verdict is not one line", r.stdout)
    # lddtree and the repair rejection escape too
    t = wheelaudit("lddtree", w)
    check("\x1b" not in t.stdout + t.stderr, "lddtree printed an ESC byte", repr(t.stdout))
    rc, out, err = repair("-w", tmp("out"), w)
    check(rc == 1 and "\x1b" not in out + err, "repair printed an ESC byte", repr(err))
    # JSON carries the bytes escaped as JSON does
    j = wheelaudit("show", "--json", w)
    doc = json.loads(j.stdout)
    check(evil in doc["wheels"][0]["members"][0]["elf"]["needed"], "JSON lost the name")


# ---------------------------------------------------------------- outputs and inputs

@case
def output_that_would_replace_another_input_is_refused(_):
    """repair -w D A.whl D/<A's output name>: A's output would overwrite an input
    still to be read; it is refused with exit 2 and that input is untouched."""
    ex = casekit.fixture("wheelaudit_example-0.1-cp311-cp311-linux_x86_64.whl")
    d = tmp("d")
    os.makedirs(d)
    second = os.path.join(d, "wheelaudit_example-0.1-cp311-cp311-manylinux1_x86_64."
                             "manylinux_2_5_x86_64.whl")
    shutil.copy(ex, second)
    before = casekit.read(second)
    rc, out, err = repair("-w", d, ex, second)
    check(rc == 2, "exit %d, expected 2" % rc, out, err)
    check("would replace the input" in err, "no reason given", err)
    check(casekit.read(second) == before, "an input was overwritten")


if __name__ == "__main__":
    sys.exit(casekit.main("hostile"))
