#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Packages a static wheelaudit binary as a wheel of its own, the way users
of pip, pipx and cibuildwheel get their tools.

The wheel is first written tagged linux_<arch> (py3-none: the binary needs
no Python); then wheelaudit itself repairs it, so the platform tags are
what its own audit finds - a static binary links no C library, so both
families at their most compatible policies for the architecture.

  own_wheel.py --exe BIN --version V --arch ARCH --out-dir DIR
               [--run 'EMULATOR ...'] [--license FILE]

--run is what runs the binary for the audit (an emulator for a cross
build); the binary run is BIN.  Members get fixed timestamps
(SOURCE_DATE_EPOCH when set), so the same binary gives the same wheel.
"""
import argparse
import base64
import glob
import hashlib
import os
import shlex
import subprocess
import sys
import tempfile
import time
import zipfile

SUMMARY = "Audit and repair Python wheels for Linux: a fast, static drop-in for auditwheel"
# Placeholders until the project has a public home.
URLS = [("Homepage", "https://wheelaudit.invalid/"),
        ("Documentation", "https://wheelaudit.invalid/docs/"),
        ("Issues", "https://wheelaudit.invalid/issues/")]


def record_hash(data):
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def build(args, tmp):
    dist = "wheelaudit-%s" % args.version
    data_dir, info = dist + ".data", dist + ".dist-info"
    with open(args.exe, "rb") as f:
        binary = f.read()
    with open(args.license, "rb") as f:
        license_text = f.read()
    metadata = ("Metadata-Version: 2.4\nName: wheelaudit\nVersion: %s\nSummary: %s\n"
                "License-Expression: MIT\nLicense-File: LICENSE\n" % (args.version, SUMMARY))
    metadata += "".join("Project-URL: %s, %s\n" % u for u in URLS)
    wheel = ("Wheel-Version: 1.0\nGenerator: wheelaudit own_wheel.py\nRoot-Is-Purelib: false\n"
             "Tag: py3-none-linux_%s\n" % args.arch)
    members = [
        (data_dir + "/scripts/wheelaudit", binary, 0o755),
        (info + "/METADATA", metadata.encode(), 0o644),
        (info + "/WHEEL", wheel.encode(), 0o644),
        (info + "/licenses/LICENSE", license_text, 0o644),
    ]
    record = "".join("%s,%s,%d\n" % (n, record_hash(d), len(d)) for n, d, _ in members)
    record += info + "/RECORD,,\n"
    members.append((info + "/RECORD", record.encode(), 0o644))
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))
    stamp = time.gmtime(max(epoch, 315532800))[:6]
    path = os.path.join(tmp, "%s-py3-none-linux_%s.whl" % (dist, args.arch))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data, mode in members:
            info_ = zipfile.ZipInfo(name, date_time=stamp)
            info_.create_system = 3  # Unix: installers take the mode from here
            info_.external_attr = (0o100000 | mode) << 16
            info_.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info_, data)
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--exe", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--arch", required=True)
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--run", default="")
    ap.add_argument("--license", default=os.path.join(os.path.dirname(__file__), "..", "LICENSE"))
    args = ap.parse_args()
    for old in glob.glob(os.path.join(args.out_dir, "wheelaudit-*.whl")):
        os.remove(old)
    with tempfile.TemporaryDirectory(prefix="wa-own-wheel-") as tmp:
        raw = build(args, tmp)
        cmd = shlex.split(args.run) + [args.exe, "repair", "-w", args.out_dir, raw]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            sys.stderr.write(r.stderr)
            sys.exit("own_wheel.py: wheelaudit repair of its own wheel exited %d" % r.returncode)
    out = r.stdout.strip()
    print("own_wheel.py: %s" % out)


if __name__ == "__main__":
    main()
