#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Proofs that the static build's wheelaudit depends on nothing at run time.

    static_cases.py --list
    static_cases.py --run CASE --bin BIN --fixtures DIR --exe EXE --machine N
                    --version X.Y.Z [--emulator QEMU]

EXE is the static binary itself; BIN is what runs it (EXE, or a wrapper
that runs it under the emulator in a cross build); N is the ELF e_machine
the target must have.

  no_loader_no_library   readelf -lW: no PT_INTERP; readelf -dW: no
                         DT_NEEDED (static-pie keeps a dynamic section for
                         its own relocations, nothing else)
  no_symbol_versions     no version needs (.gnu.version_r): nothing asks
                         for GLIBC_x.y
  empty_environment      show and repair with no environment at all
  strace_*               under `strace -f -e trace=%file`, with a German
                         locale in the environment (which a binary that
                         called setlocale would act on), every path the
                         process touches is one of its arguments or outputs
                         or a fixed list of kernel and time-zone files;
                         never a locale, gconv module, NSS module, NSS
                         configuration, loader cache or shared object
  chroot_*               the binary copied alone into an empty directory
                         with a fixture wheel, run under chroot(8) (root
                         only; skipped elsewhere); a cross build copies the
                         emulator in with it (qemu-<arch>-static, or
                         qemu-<arch> with the host libraries it needs: host
                         files only, none of the target's architecture)
  own_wheel_*            the wheel of wheelaudit the build made next to EXE
                         (cmake/own_wheel.py): named with the tags its own
                         audit gives, the binary at mode 0755, installable
                         with pip (--target), and what pip installed runs
Exit 0 = pass, 1 = fail, 77 = skipped.
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import casekit  # noqa: E402
from casekit import CTX, Skip, case, check, tmp  # noqa: E402

WHEEL = "wheelaudit_example-0.1-cp311-cp311-linux_x86_64.whl"
BAD_ELF = "bad_elf_truncated-0.1-cp311-cp311-linux_x86_64.whl"
# An environment that would make a C library look for message catalogs,
# locale archives and conversion modules if anything called setlocale().
HOSTILE_LOCALE = {"LANG": "de_DE.UTF-8", "LC_ALL": "de_DE.UTF-8", "LANGUAGE": "de:fr",
                  "LC_MESSAGES": "de_DE.UTF-8"}

# Paths the static binary may touch besides its arguments and outputs:
#   /proc/self/exe   readlink once at start-up (glibc's static start code
#                    records its own path; nothing is loaded from it)
#   /etc/localtime   time-zone data: libzip turns entry times into time_t
#                    with mktime(); the dynamic build reads it the same way
#                    (absent in a chroot: UTC)
#   /sys/devices/system/cpu/online   sysconf(_SC_NPROCESSORS_ONLN) for the
#                    default thread count (absent in a chroot: one thread)
ALLOWED = {"/proc/self/exe", "/etc/localtime", "/sys/devices/system/cpu/online"}
# What a static glibc binary must never open: named explicitly so that a
# failure says which kind of run-time loading happened.
FORBIDDEN = [
    (re.compile(r"ld\.so\.(cache|preload)"), "the loader's cache or preload list"),
    (re.compile(r"\.so(\.|$)"), "a shared object"),
    (re.compile(r"(^|/)gconv(/|-modules|$)"), "a gconv module"),
    (re.compile(r"/locale(/|-archive|$)|locale\.alias"), "locale data"),
    (re.compile(r"nsswitch\.conf|/etc/(passwd|group|hosts|resolv\.conf|services|host\.conf)"),
     "NSS configuration or data"),
]
FILE_CALL = re.compile(r'^(?:\[pid\s+\d+\]\s+|\d+\s+)?(\w+)\((.*)$')
QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


def opt(name):
    return CTX.get(name)


def run(argv, env=None, cwd=None, timeout=120):
    p = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def fixture(name):
    path = os.path.join(CTX["fixtures"], name)
    if not os.path.exists(path):
        raise Skip("fixture %s was not built" % name)
    return path


def elf_header(path):
    with open(path, "rb") as f:
        h = f.read(20)
    check(h[:4] == b"\x7fELF", "%s is not an ELF file" % path)
    endian = "<" if h[5] == 1 else ">"
    return struct.unpack(endian + "H", h[18:20])[0]


def readelf(flag):
    if not shutil.which("readelf"):
        raise Skip("readelf (binutils) is not installed")
    rc, out, err = run(["readelf", flag, CTX["exe"]])
    check(rc == 0, "readelf %s failed" % flag, err)
    return out


def native():
    return not opt("emulator")


@case
def no_loader_no_library(_):
    machine = elf_header(CTX["exe"])
    check(machine == int(opt("machine")),
          "e_machine %d, expected %s for this target" % (machine, opt("machine")))
    ph = readelf("-lW")
    check("INTERP" not in ph, "the binary has a PT_INTERP (a program loader)", ph)
    check("Requesting program interpreter" not in ph, "the binary names a program interpreter", ph)
    dyn = readelf("-dW")
    needed = [l for l in dyn.splitlines() if "(NEEDED)" in l]
    check(not needed, "the binary needs shared libraries", "\n".join(needed))
    for tag in ("(RPATH)", "(RUNPATH)", "(SONAME)"):
        check(tag not in dyn, "the binary has %s" % tag, dyn)


@case
def no_symbol_versions(_):
    sections = readelf("-SW")
    check(".gnu.version_r" not in sections, "the binary has version needs (.gnu.version_r)")
    check(".interp" not in sections, "the binary has an .interp section")


@case
def empty_environment(_):
    wheel = fixture(WHEEL)
    out_dir = tmp("out")
    os.mkdir(out_dir)
    rc, out, err = run([CTX["bin"], "show", wheel], env={})
    check(rc == 0, "show with an empty environment: exit %d" % rc, out, err)
    first = out.splitlines()[0] if out else ""
    check(first.startswith(WHEEL + ": ") and "manylinux_2_5_x86_64" in first,
          "unexpected show output", out)
    rc, out, err = run([CTX["bin"], "repair", "-w", out_dir, wheel], env={})
    check(rc == 0, "repair with an empty environment: exit %d" % rc, out, err)
    check(len(os.listdir(out_dir)) == 1, "repair wrote %s" % os.listdir(out_dir))


def traced_paths(argv, cwd, require_open=True):
    """Runs argv under strace and returns [(syscall, path)] of every file
    call, the exit code and the output."""
    if not native():
        raise Skip("strace would trace the emulator, not the target's binary; "
                   "the cross build's proofs are readelf and the emulated suites")
    if not shutil.which("strace"):
        raise Skip("strace is not installed")
    log = tmp("strace.log")
    env = dict(os.environ)
    env.update(HOSTILE_LOCALE)
    rc, out, err = run(["strace", "-f", "-s", "4096", "-e", "trace=%file", "-o", log] + argv,
                       env=env, cwd=cwd)
    with open(log) as f:
        lines = f.read().splitlines()
    calls = []
    for line in lines:
        m = FILE_CALL.match(line)
        if not m or m.group(1) == "execve":
            continue
        q = QUOTED.search(m.group(2))
        if q and q.group(1):
            calls.append((m.group(1), q.group(1)))
    # a trace that saw nothing proves nothing
    check(not require_open or any(c == "openat" or c == "open" for c, _ in calls),
          "strace recorded no open at all", "\n".join(lines[:40]))
    return calls, rc, out, err


def check_paths(calls, allowed_prefixes):
    bad = []
    for call, path in calls:
        for pattern, what in FORBIDDEN:
            if pattern.search(path):
                bad.append("%s(%s): %s" % (call, path, what))
                break
        else:
            norm = os.path.normpath(path)
            if norm in ALLOWED or any(norm == p or norm.startswith(p + os.sep)
                                      for p in allowed_prefixes):
                continue
            bad.append("%s(%s): neither an argument nor an output" % (call, path))
    check(not bad, "the static binary touched files it should not:\n  " + "\n  ".join(bad))


def stage_wheel(name):
    """Copies a fixture into the case's directory, so that relative paths
    under it are the only ones the tool is given."""
    work = tmp("work")
    os.makedirs(work, exist_ok=True)
    shutil.copy(fixture(name), work)
    return work


@case
def strace_show_opens_only_its_arguments(_):
    work = stage_wheel(WHEEL)
    for args in (["show", WHEEL], ["show", "--json", WHEEL]):
        calls, rc, out, err = traced_paths([CTX["bin"]] + args, work)
        check(rc == 0, "%s: exit %d" % (" ".join(args), rc), out, err)
        check_paths(calls, [WHEEL])


@case
def strace_repair_opens_only_its_arguments_and_outputs(_):
    work = stage_wheel(WHEEL)
    calls, rc, out, err = traced_paths([CTX["bin"], "repair", "-w", "out", WHEEL], work)
    check(rc == 0, "repair: exit %d" % rc, out, err)
    check(len(os.listdir(os.path.join(work, "out"))) == 1, "repair wrote nothing")
    check_paths(calls, [WHEEL, "out"])


@case
def strace_errors_open_no_message_catalog(_):
    # a damaged ELF member goes through libelf's error path (elf_errmsg,
    # which asks dcgettext for a translation) and the tool's own messages
    work = stage_wheel(BAD_ELF)
    calls, rc, out, err = traced_paths([CTX["bin"], "show", BAD_ELF], work)
    check(rc == 3, "show of a damaged ELF member: exit %d, expected 3" % rc, out, err)
    missing = "missing-0.1-py3-none-any.whl"
    calls2, rc, out, err = traced_paths([CTX["bin"], "show", missing], work, require_open=False)
    check(rc == 6 and missing in err, "show of a missing file: exit %d, expected 6" % rc, out, err)
    check_paths(calls + calls2, [BAD_ELF, missing])


@case
def strace_policies_and_help_open_nothing(_):
    work = tmp("work")
    os.mkdir(work)
    for args in (["policies"], ["--help"], ["--version"]):
        calls, rc, out, err = traced_paths([CTX["bin"]] + args, work, require_open=False)
        check(rc == 0, "%s: exit %d" % (" ".join(args), rc), out, err)
        check_paths(calls, [])


def copy_emulator(root):
    """Copies the emulator into root: qemu-<arch>-static alone when it is
    installed, else the ordinary (dynamic) qemu-user with the host's
    libraries ldd lists for it.  Either way every file copied is a host
    ELF file, none of the target's architecture.  Returns its path in root."""
    qemu = shutil.which(opt("emulator").split()[0])
    check(qemu, "the emulator %s is not installed" % opt("emulator"))
    static_qemu = shutil.which(os.path.basename(qemu) + "-static")
    if static_qemu:
        shutil.copy2(static_qemu, os.path.join(root, "qemu"))
        return "/qemu"
    if not shutil.which("ldd"):
        raise Skip("ldd is needed to copy the emulator's libraries into the chroot")
    rc, out, err = run(["ldd", qemu])
    check(rc == 0, "ldd %s failed" % qemu, out, err)
    for path in [qemu] + re.findall(r"(/\S+)", out):
        dest = os.path.join(root, path.lstrip("/"))
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copy2(os.path.realpath(path), dest)
    return qemu


def chroot_dir():
    if os.geteuid() != 0:
        raise Skip("chroot needs root (the CI runs as root)")
    if not shutil.which("chroot"):
        raise Skip("chroot(8) is not installed")
    root = tmp("root")
    os.mkdir(root)
    shutil.copy2(CTX["exe"], os.path.join(root, "wheelaudit"))
    shutil.copy(fixture(WHEEL), root)
    os.mkdir(os.path.join(root, "out"))
    argv0 = ["/wheelaudit"]
    ours = {"/wheelaudit", "/" + WHEEL}
    if not native():
        argv0 = [copy_emulator(root), "/wheelaudit"]
    # nothing but what was copied: the binary, the wheel and, in a cross
    # build, host files for the emulator (none of the target's machine)
    target = int(opt("machine"))
    for base, _dirs, names in os.walk(root):
        for n in names:
            path = os.path.join(base, n)
            rel = "/" + os.path.relpath(path, root)
            if rel in ours:
                continue
            check(not native(), "the chroot holds %s besides the binary and the wheel" % rel)
            check(elf_header(path) != target,
                  "the chroot holds %s, a file of the target's architecture" % rel)
    return root, argv0


def in_chroot(root, argv0, *args):
    rc, out, err = run([shutil.which("chroot"), root] + argv0 + list(args), env={"PATH": "/"})
    if rc == 125 or (rc != 0 and "Operation not permitted" in err and "chroot" in err):
        raise Skip("chroot is not permitted here: %s" % err.strip())
    return rc, out, err


@case
def chroot_version_and_policies(_):
    root, argv0 = chroot_dir()
    rc, out, err = in_chroot(root, argv0, "--version")
    check(rc == 0 and out.startswith("wheelaudit "), "--version in an empty chroot: exit %d" % rc,
          out, err)
    rc, out, err = in_chroot(root, argv0, "policies")
    check(rc == 0 and "manylinux_2_17" in out, "policies in an empty chroot: exit %d" % rc,
          out, err)


@case
def chroot_show_and_repair(_):
    root, argv0 = chroot_dir()
    rc, out, err = in_chroot(root, argv0, "show", "/" + WHEEL)
    check(rc == 0, "show in an empty chroot: exit %d" % rc, out, err)
    first = out.splitlines()[0] if out else ""
    check(first.startswith(WHEEL + ": ") and "manylinux_2_5_x86_64" in first,
          "unexpected show output", out)
    rc, out, err = in_chroot(root, argv0, "show", "--json", "/" + WHEEL)
    check(rc == 0 and '"manylinux_2_5_x86_64"' in out, "show --json in a chroot: exit %d" % rc,
          out, err)
    rc, out, err = in_chroot(root, argv0, "repair", "-w", "/out", "/" + WHEEL)
    check(rc == 0, "repair in an empty chroot: exit %d" % rc, out, err)
    written = os.listdir(os.path.join(root, "out"))
    check(len(written) == 1 and "manylinux_2_5_x86_64" in written[0],
          "repair in a chroot wrote %s" % written, out, err)
    with zipfile.ZipFile(os.path.join(root, "out", written[0])) as z:
        check(z.testzip() is None, "the repaired wheel has a bad member")
        names = z.namelist()
    check(any(n.endswith(".dist-info/RECORD") for n in names), "no RECORD in the repaired wheel")


# The wheel of wheelaudit (cmake/own_wheel.py): the tags its own audit gives
# a libc-free static binary, the lowest policy of each family per arch.
OWN_TAGS = {
    62: ("x86_64", ["manylinux1_x86_64", "manylinux_2_5_x86_64", "musllinux_1_1_x86_64"]),
    183: ("aarch64", ["manylinux2014_aarch64", "manylinux_2_17_aarch64", "musllinux_1_1_aarch64"]),
    3: ("i686", ["manylinux1_i686", "manylinux_2_5_i686", "musllinux_1_1_i686"]),
    40: ("armv7l", ["manylinux2014_armv7l", "manylinux_2_17_armv7l", "musllinux_1_1_armv7l"]),
    21: ("ppc64le", ["manylinux2014_ppc64le", "manylinux_2_17_ppc64le", "musllinux_1_1_ppc64le"]),
    22: ("s390x", ["manylinux2014_s390x", "manylinux_2_17_s390x", "musllinux_1_1_s390x"]),
}


def own_wheel():
    d = os.path.dirname(os.path.abspath(CTX["exe"]))
    found = [f for f in os.listdir(d) if f.startswith("wheelaudit-") and f.endswith(".whl")]
    check(len(found) == 1, "expected one wheel of wheelaudit in %s (target own_wheel), found %r"
          % (d, found))
    return os.path.join(d, found[0])


@case
def own_wheel_is_tagged_by_its_own_audit(_):
    arch, tags = OWN_TAGS[int(opt("machine"))]
    w = own_wheel()
    name = os.path.basename(w)
    check(name == "wheelaudit-%s-py3-none-%s.whl" % (CTX["version"], ".".join(sorted(tags))),
          "the wheel is named %s; expected the tags %s" % (name, tags))
    rc, out, err = run([CTX["bin"], "show", w])
    check(rc == 0 and out.splitlines()[0] == "%s: %s" % (name, ".".join(sorted(tags))),
          "show of the wheel of wheelaudit: exit %d" % rc, out, err)
    with zipfile.ZipFile(w) as z:
        check(z.testzip() is None, "a member of %s does not read back" % name)
        script = "wheelaudit-%s.data/scripts/wheelaudit" % CTX["version"]
        info = z.getinfo(script)
        check(info.create_system == 3 and (info.external_attr >> 16) & 0o777 == 0o755,
              "%s: Unix mode %o (host %d), expected 0755 from a Unix host"
              % (script, info.external_attr >> 16, info.create_system))
        with open(CTX["exe"], "rb") as f:
            check(z.read(script) == f.read(), "the packaged binary is not the built one")
        meta = z.read("wheelaudit-%s.dist-info/METADATA" % CTX["version"]).decode()
        for field in ("Name: wheelaudit", "Version: " + CTX["version"], "Summary: ",
                      "License-Expression: MIT", "Project-URL: "):
            check(field in meta, "METADATA lacks %r" % field, meta)


@case
def own_wheel_installs_with_pip(_):
    arch, tags = OWN_TAGS[int(opt("machine"))]
    w = own_wheel()
    target = tmp("target")
    cmd = [sys.executable, "-m", "pip", "install", "--no-index", "--no-deps",
           "--disable-pip-version-check", "--target", target]
    if not native():
        # pip installs for this machine unless told which platform it is for
        cmd += ["--platform", tags[0], "--only-binary=:all:"]
    rc, out, err = run(cmd + [w], timeout=300)
    if rc != 0 and "No module named pip" in err:
        raise AssertionError("pip is missing (python3-pip, which .ci/deps installs)")
    check(rc == 0, "pip install of %s: exit %d" % (os.path.basename(w), rc), out, err)
    exe = os.path.join(target, "bin", "wheelaudit")
    check(os.path.isfile(exe) and os.access(exe, os.X_OK),
          "pip installed no executable bin/wheelaudit: %r" % sorted(os.listdir(target)))
    runner = (opt("emulator").split() if opt("emulator") else []) + [exe]
    rc, out, err = run(runner + ["--version"])
    check(rc == 0 and out.strip() == "wheelaudit " + CTX["version"],
          "the installed wheelaudit --version: exit %d" % rc, out, err)
    rc, out, err = run(runner + ["show", fixture(WHEEL)])
    check(rc == 0 and "manylinux_2_5_x86_64" in out.splitlines()[0],
          "the installed wheelaudit's show: exit %d" % rc, out, err)


if __name__ == "__main__":
    sys.exit(casekit.main("static", options=[
        ("--exe", {}),
        ("--machine", {}),
        ("--emulator", {"default": ""}),
        ("--version", {}),
    ]))
