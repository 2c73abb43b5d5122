#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the hand-made hostile inputs of tests/fuzz/regress/.

libFuzzer keeps inputs small (about the size of the largest seed), so it
cannot find costs that only show as an ELF file grows: many cheap
references (16-byte DT_NEEDED entries, 24-byte symbols, 16-byte version
entries) that all name one string, or pairs of lists walked one inside the
other.  These files are built to show such costs; each is a minimal x86-64
ET_DYN image: one PT_LOAD over the whole file, a PT_DYNAMIC, a string
table and, per recipe, symbols (with a DT_HASH giving their count) or one
version-needs entry with many aux entries.

Usage: hostile_elf.py REGRESS_DIR    (writes REGRESS_DIR/elf/* and
REGRESS_DIR/wheel/*, the inputs of fuzz_elf and fuzz_wheel; the wheel
inputs carry the wheel file name line that fuzz_wheel reads before ELF
images).  REGRESS_DIR is tests/fuzz/regress.
"""
import os
import struct
import sys

EHDR, PHDR, DYN, SYM = 64, 56, 16, 24
DT_NEEDED, DT_HASH, DT_STRTAB, DT_SYMTAB, DT_STRSZ, DT_SYMENT = 1, 4, 5, 6, 10, 11
DT_VERNEED, DT_VERNEEDNUM = 0x6FFFFFFE, 0x6FFFFFFF
WHEEL_NAME = b"fz-1.0-cp311-cp311-linux_x86_64.whl\n"


def image(strtab, needed, n_syms=0, sym_name=1, n_aux=0, aux_name=1, vn_file=1):
    """An ELF image: needed lists DT_NEEDED string offsets; n_syms undefined
    global functions named by sym_name; n_aux version needs named aux_name,
    all from the library named vn_file."""
    dyn_off = EHDR + 2 * PHDR
    dyn_count = len(needed) + 8
    str_off = dyn_off + dyn_count * DYN
    body_off = (str_off + len(strtab) + 7) & ~7
    body, extra = b"", []
    if n_syms:
        syms = b"\0" * SYM + struct.pack("<IBBHQQ", sym_name, 0x12, 0, 0, 0, 0) * n_syms
        hash_off = body_off + len(syms)
        # DT_HASH: nbucket 1, nchain = symbols (the count the loader uses)
        body = syms + struct.pack("<II", 1, n_syms + 1) + b"\0" * 4 * (n_syms + 2)
        extra = [(DT_SYMTAB, body_off), (DT_SYMENT, SYM), (DT_HASH, hash_off)]
    elif n_aux:
        vn = struct.pack("<HHIII", 1, min(n_aux, 65535), vn_file, 16, 0)
        aux = b"".join(struct.pack("<IHHII", 0, 0, 2 + i % 1000, aux_name,
                                   16 if i < n_aux - 1 else 0) for i in range(n_aux))
        body = vn + aux
        extra = [(DT_VERNEED, body_off), (DT_VERNEEDNUM, 1)]
    dyns = [(DT_NEEDED, off) for off in needed]
    dyns += [(DT_STRTAB, str_off), (DT_STRSZ, len(strtab))] + extra + [(0, 0)]
    dynb = b"".join(struct.pack("<qQ", t, v) for t, v in dyns)
    out = bytearray(body_off + len(body))
    size = len(out)
    ehdr = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8
    ehdr += struct.pack("<HHIQQQIHHHHHH", 3, 62, 1, 0, EHDR, 0, 0, EHDR, PHDR, 2, 64, 0, 0)
    phdrs = struct.pack("<IIQQQQQQ", 1, 5, 0, 0, 0, size, size, 0x1000)
    phdrs += struct.pack("<IIQQQQQQ", 2, 6, dyn_off, dyn_off, dyn_off, dyn_count * DYN,
                         dyn_count * DYN, 8)
    out[0:EHDR + 2 * PHDR] = ehdr + phdrs
    out[dyn_off:dyn_off + len(dynb)] = dynb
    out[str_off:str_off + len(strtab)] = strtab
    out[body_off:] = body
    return bytes(out)


def long_string(n):
    """A table whose string at offset 1 is n bytes long."""
    return b"\0" + b"A" * n + b"\0" + b"libc.so.6\0"


def recipes():
    libc = 1 + 12000 + 1  # offset of "libc.so.6" in long_string(12000)
    distinct = b"\0x\0" + b"".join(b"l%05d\0" % i for i in range(12000))
    return {
        # wa_elf_inspect copied every reference on its own: memory quadratic
        "elf/quadratic-needed": image(long_string(12000), [1] * 600),
        "elf/quadratic-symbol-names": image(long_string(12000), [], n_syms=600),
        "elf/quadratic-version-names":
            image(long_string(12000), [], n_aux=600, vn_file=libc),
        # audit: one external library needed 2000 times; its needed_by list
        # is copied whole on every append
        "wheel/external-needed-by-quadratic":
            WHEEL_NAME + image(long_string(8), [1] * 2000),
        # audit: a blacklisted symbol x libz.so.1 needed 200 times gives a
        # finding per pair
        "wheel/blacklist-findings-quadratic":
            WHEEL_NAME + image(b"\0_tr_init\0libz.so.1\0", [10] * 200, n_syms=200),
        # audit: 12000 undefined symbols x 12000 distinct DT_NEEDED names x
        # every policy, walked in judge() and blacklist_findings(): a hang
        "wheel/blacklist-scan-quadratic-time":
            WHEEL_NAME + image(distinct, [3 + 7 * i for i in range(12000)], n_syms=12000,
                               sym_name=1),
    }


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: hostile_elf.py REGRESS_DIR")
    for name, data in recipes().items():
        path = os.path.join(sys.argv[1], name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        print(f"{path}: {len(data)} bytes")


if __name__ == "__main__":
    main()
