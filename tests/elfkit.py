# SPDX-License-Identifier: MIT
"""ELF files parsed in Python for the case scripts (patch_cases.py,
cross_cases.py): what the loader reads, independently of the C code under
test and of binutils."""
import struct

from casekit import check

DT_NAMES = {1: "NEEDED", 14: "SONAME", 15: "RPATH", 29: "RUNPATH"}
DT_NULL, DT_STRTAB, DT_STRSZ, DT_VERNEED, DT_VERNEEDNUM = 0, 5, 10, 0x6ffffffe, 0x6fffffff
PT_LOAD, PT_DYNAMIC, PT_INTERP, PT_PHDR = 1, 2, 3, 6


class Elf:
    """An ELF file as the loader sees it: header, program headers, the dynamic
    entries through PT_DYNAMIC, strings through DT_STRTAB, version needs through
    DT_VERNEED; section headers (by name) for cross-checks."""

    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            self.data = d = f.read()
        check(d[:4] == b"\x7fELF", "%s: not an ELF file" % path)
        self.size = len(d)
        self.is64 = d[4] == 2
        self.en = "<" if d[5] == 1 else ">"
        en = self.en
        (self.type, self.machine, _, self.entry, self.phoff, self.shoff, self.flags, _, self.phentsize,
         self.phnum, self.shentsize, self.shnum, self.shstrndx) = struct.unpack_from(
            en + ("HHIQQQIHHHHHH" if self.is64 else "HHIIIIIHHHHHH"), d, 16)
        self.phdrs = []
        for i in range(self.phnum):
            off = self.phoff + i * self.phentsize
            check(off + self.phentsize <= len(d), "%s: program header %d outside the file" % (path, i))
            if self.is64:
                t, fl, o, va, pa, fs, ms, al = struct.unpack_from(en + "IIQQQQQQ", d, off)
            else:
                t, o, va, pa, fs, ms, fl, al = struct.unpack_from(en + "IIIIIIII", d, off)
            self.phdrs.append(dict(type=t, flags=fl, offset=o, vaddr=va, filesz=fs, memsz=ms, align=al))
        self.shdrs = []
        if self.shoff and self.shoff + self.shentsize <= len(d):
            # extended numbering: the count and the name table's index in section 0
            sh0 = struct.unpack_from(en + ("IIQQQQII" if self.is64 else "IIIIIIII"), d, self.shoff)
            if self.shnum == 0:
                self.shnum = sh0[5]
            if self.shstrndx == 0xffff:
                self.shstrndx = sh0[6]
        if self.shoff and self.shnum:
            for i in range(self.shnum):
                off = self.shoff + i * self.shentsize
                check(off + self.shentsize <= len(d), "%s: section header %d outside the file" % (path, i))
                f = struct.unpack_from(en + ("IIQQQQIIQQ" if self.is64 else "IIIIIIIIII"), d, off)
                self.shdrs.append(dict(zip(("name", "type", "flags", "addr", "offset", "size", "link",
                                            "info", "addralign", "entsize"), f)))
            if self.shstrndx < len(self.shdrs):
                st = self.shdrs[self.shstrndx]
                for s in self.shdrs:
                    s["sname"] = self._cstr(st["offset"] + s["name"])
        self.dyn = []
        dyn = [p for p in self.phdrs if p["type"] == PT_DYNAMIC]
        if dyn:
            p = dyn[0]
            esz = 16 if self.is64 else 8
            check(p["offset"] + p["filesz"] <= len(d), "%s: PT_DYNAMIC outside the file" % path)
            for off in range(p["offset"], p["offset"] + p["filesz"] - esz + 1, esz):
                tag, val = struct.unpack_from(en + ("qQ" if self.is64 else "iI"), d, off)
                if tag == DT_NULL:
                    break
                self.dyn.append((tag, val))

    def _cstr(self, off, limit=None):
        end = self.data.find(b"\0", off, limit if limit is not None else len(self.data))
        check(end >= 0, "%s: unterminated string at %#x" % (self.path, off))
        return self.data[off:end].decode("utf-8", "replace")

    def loads(self):
        return [p for p in self.phdrs if p["type"] == PT_LOAD]

    def max_align(self):
        return max([p["align"] for p in self.loads()] or [1])

    @property
    def interp(self):
        """PT_INTERP's path, or None."""
        p = [p for p in self.phdrs if p["type"] == PT_INTERP]
        return self.data[p[0]["offset"]:p[0]["offset"] + p[0]["filesz"]].rstrip(b"\0").decode() if p else None

    def vaddr_to_offset(self, va, size=1):
        for p in self.loads():
            if p["vaddr"] <= va and va + size <= p["vaddr"] + p["filesz"]:
                return p["offset"] + va - p["vaddr"]
        raise AssertionError("%s: address %#x (+%d) is not in the file part of any PT_LOAD" % (self.path, va, size))

    def dval(self, tag):
        vals = [v for t, v in self.dyn if t == tag]
        check(len(vals) <= 1, "%s: %d entries with tag %#x" % (self.path, len(vals), tag))
        return vals[0] if vals else None

    def dynstr(self, val):
        strtab, strsz = self.dval(DT_STRTAB), self.dval(DT_STRSZ)
        check(strtab is not None and strsz is not None, "%s: no DT_STRTAB/DT_STRSZ" % self.path)
        check(val < strsz, "%s: string offset %#x beyond DT_STRSZ %#x" % (self.path, val, strsz))
        base = self.vaddr_to_offset(strtab, strsz)
        return self._cstr(base + val, base + strsz)

    def dyn_strings(self, name):
        return [self.dynstr(v) for t, v in self.dyn if DT_NAMES.get(t) == name]

    def verneed(self):
        """[(file, [version names])] through DT_VERNEED (the loader's view)."""
        va, num = self.dval(DT_VERNEED), self.dval(DT_VERNEEDNUM)
        if va is None:
            return []
        out = []
        off = self.vaddr_to_offset(va, 16)
        for _ in range(num or 0):
            _, cnt, vfile, aux, nxt = struct.unpack_from(self.en + "HHIII", self.data, off)
            names = []
            a = off + aux
            for _ in range(cnt):
                _, _, _, vname, anext = struct.unpack_from(self.en + "IHHII", self.data, a)
                names.append(self.dynstr(vname))
                a += anext
            out.append((self.dynstr(vfile), names))
            if not nxt:
                break
            off += nxt
        return out

    def section(self, name):
        s = [x for x in self.shdrs if x.get("sname") == name]
        return s[0] if s else None
