#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Seeds for fuzz_wheel: the hostile zip shapes of tests/badinput/zip_cases.py
(built with tests/badinput/zipcraft.py), and their well-formed neighbours,
so the fuzzer starts next to the structures the zip reader must refuse.

    zip_seeds.py OUT_DIR [ELF_FILE]

Each seed is "<wheel file name>\\n<zip bytes>" (fuzz_wheel's input layout).
ELF_FILE, when given, is the extension module inside; else a few bytes
stand in for it.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "badinput"))
import zipcraft as zc  # noqa: E402
from zipcraft import Entry  # noqa: E402

NAME = "fz-1.0-cp311-cp311-linux_x86_64.whl"
DIST = "fz-1.0"
SO = "fz/_mod.cpython-311-x86_64-linux-gnu.so"
WHEEL = b"Wheel-Version: 1.0\nGenerator: fuzz\nRoot-Is-Purelib: false\nTag: cp311-cp311-linux_x86_64\n"


def entries(so, method=8):
    import base64
    import hashlib

    def digest(d):
        return base64.urlsafe_b64encode(hashlib.sha256(d).digest()).rstrip(b"=").decode()
    files = [("fz/__init__.py", b""), (SO, so), (DIST + ".dist-info/WHEEL", WHEEL)]
    record = "".join("%s,sha256=%s,%d\n" % (n, digest(d), len(d)) for n, d in files)
    files.append((DIST + ".dist-info/RECORD", (record + DIST + ".dist-info/RECORD,,\n").encode()))
    return [Entry(n, d, method=method) for n, d in files]


def seeds(so):
    other = so[:-1] + bytes([so[-1] ^ 1]) if so else b"x"
    out = {}
    out["zip-plain"] = zc.archive(entries(so))
    out["zip-comment"] = zc.archive(entries(so), comment=b"PK\x05\x06 comment")
    out["zip-eocd-in-comment-zip64"] = zc.two_directories(entries(so, 0), entries(other))
    out["zip-eocd-in-comment"] = zc.two_directories(entries(so, 0), entries(other),
                                                    zip64_second=False)
    out["zip-prepended"] = zc.archive(entries(so), prefix=b"#!/bin/sh\nexit 0\n")
    es = entries(so)
    raw = b"../../evil.py"
    e = Entry(raw, b"x = 1\n")
    e.central_extra = e.local_extra = zc.unicode_path(b"fz/evil.py", raw)
    out["zip-unicode-path"] = zc.archive([e] + es)
    e = Entry("fz/evil.py", b"x = 1\n")
    e.local_extra = zc.unicode_path(b"../../evil.py", b"fz/evil.py")
    out["zip-unicode-path-local"] = zc.archive([e] + entries(so))
    e = Entry("fz/same.py", b"x = 1\n")
    e.central_extra = e.local_extra = zc.unicode_path(b"fz/same.py", b"fz/same.py")
    out["zip-unicode-path-same"] = zc.archive([e] + entries(so))
    out["zip-overlap"] = zc.overlapping(["fz/b%d.bin" % i for i in range(4)],
                                        zc.deflate(b"\0" * 4096), tail_entries=entries(so))
    # ZIP64 end records, one honest, one whose directory offset wraps.
    es = entries(so)
    body = zc.layout(es)
    cd = zc.central(es)
    end = struct.pack("<IHHHHIIH", zc.SIG_EOCD, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    rec_off = len(body) + len(cd)
    out["zip-zip64-end"] = (body + cd + zc.eocd64(len(es), len(cd), len(body)) +
                            zc.locator(rec_off) + end)
    out["zip-zip64-wraps"] = (body + cd + zc.eocd64(len(es), len(cd), 2**64 - 8) +
                              zc.locator(rec_off) + end)
    return out


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: zip_seeds.py OUT_DIR [ELF_FILE]")
    so = b"\x7fELF" + b"\0" * 60
    if len(sys.argv) == 3 and os.path.exists(sys.argv[2]):
        with open(sys.argv[2], "rb") as f:
            so = f.read()
    os.makedirs(sys.argv[1], exist_ok=True)
    for name, data in seeds(so).items():
        with open(os.path.join(sys.argv[1], name), "wb") as f:
            f.write(NAME.encode() + b"\n" + data)


if __name__ == "__main__":
    main()
