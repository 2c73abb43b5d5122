#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The install rules, tested by installing.

    install_cases.py --list
    install_cases.py --run CASE --bin BIN --fixtures DIR --cmake CMAKE
                     --build-dir BUILD --version X.Y.Z [--emulator QEMU]

Each case runs `cmake --install BUILD --prefix PREFIX` with DESTDIR set to
its own temporary directory and checks what landed there: bin/wheelaudit (run with --version and `show`
on a fixture wheel, under the emulator in a cross build),
share/man/man1/wheelaudit.1 (rendered with `man -l`), the JSON schemas and
documents in share/doc/wheelaudit/, and nothing outside the prefix.
Exit 0 = pass, 1 = fail, 77 = skipped.
"""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import casekit  # noqa: E402
from casekit import CTX, Skip, case, check, tmp  # noqa: E402

WHEEL = "wheelaudit_example-0.1-cp311-cp311-linux_x86_64.whl"


def install():
    """Installs with --prefix under DESTDIR: whatever lands in DESTDIR
    outside DESTDIR/prefix did not honour --prefix.  Returns the prefix as
    seen through DESTDIR and the files under DESTDIR relative to it."""
    dest = tmp("dest")
    prefix = "/opt/wheelaudit test"
    env = dict(os.environ, DESTDIR=dest)
    p = subprocess.run([CTX["cmake"], "--install", CTX["build_dir"], "--prefix", prefix],
                       capture_output=True, text=True, timeout=300, env=env)
    check(p.returncode == 0, "cmake --install failed", p.stdout, p.stderr)
    files = []
    for root, _dirs, names in os.walk(dest):
        files += [os.path.join(root, n) for n in names]
    return dest + prefix, files


def run_installed(prefix, *args):
    exe = os.path.join(prefix, "bin", "wheelaudit")
    argv = ([CTX["emulator"]] if CTX.get("emulator") else []) + [exe] + list(args)
    p = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


@case
def installs_into_the_prefix_only(_):
    prefix, files = install()
    check(files, "cmake --install installed nothing")
    outside = [f for f in files if not f.startswith(prefix + os.sep)]
    check(not outside, "installed outside --prefix: %s" % outside)
    rel = sorted(os.path.relpath(f, prefix) for f in files)
    for want in ("bin/wheelaudit", "share/man/man1/wheelaudit.1",
                 "share/doc/wheelaudit/show-v1.schema.json",
                 "share/doc/wheelaudit/repair-v1.schema.json",
                 "share/doc/wheelaudit/README.md", "share/doc/wheelaudit/LICENSE",
                 "share/doc/wheelaudit/exit-codes.md", "share/doc/wheelaudit/policies.md"):
        check(want in rel, "%s was not installed" % want, "\n".join(rel))
    check(os.access(os.path.join(prefix, "bin", "wheelaudit"), os.X_OK),
          "bin/wheelaudit is not executable")
    unexpected = [r for r in rel if not (r == "bin/wheelaudit" or r.startswith("share/"))]
    check(not unexpected, "unexpected files installed: %s" % unexpected)


@case
def installed_binary_runs(_):
    prefix, _files = install()
    rc, out, err = run_installed(prefix, "--version")
    check(rc == 0 and out.strip() == "wheelaudit " + CTX["version"],
          "installed --version: exit %d" % rc, out, err)
    wheel = os.path.join(CTX["fixtures"], WHEEL)
    if not os.path.exists(wheel):
        raise Skip("fixture %s was not built" % WHEEL)
    rc, out, err = run_installed(prefix, "show", wheel)
    first = out.splitlines()[0] if out else ""
    check(rc == 0 and WHEEL + ":" in first and "manylinux_2_5_x86_64" in first,
          "installed show: exit %d" % rc, out, err)


@case
def installed_man_page_renders(_):
    if not shutil.which("man"):
        raise Skip("man (package man-db) is not installed")
    prefix, _files = install()
    page = os.path.join(prefix, "share", "man", "man1", "wheelaudit.1")
    env = dict(os.environ, MANPAGER="cat", PAGER="cat", MANWIDTH="80", LC_ALL="C.UTF-8")
    p = subprocess.run(["man", "-l", page], capture_output=True, text=True, env=env, timeout=60)
    check(p.returncode == 0, "man -l %s: exit %d" % (page, p.returncode), p.stdout, p.stderr)
    text = p.stdout
    for want in ("NAME", "SYNOPSIS", "wheelaudit", "repair"):
        check(want in text, "the rendered man page lacks %r" % want, text[:2000])
    check("warning" not in p.stderr.lower(), "man reported problems", p.stderr)


if __name__ == "__main__":
    sys.exit(casekit.main("install", options=[
        ("--cmake", {}),
        ("--build-dir", {}),
        ("--version", {}),
        ("--emulator", {"default": ""}),
    ]))
