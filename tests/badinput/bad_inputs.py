#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Hostile-input suite: each case builds a broken or malicious wheel on the
fly (zip-level or ELF-level damage to a good one), then runs it through the
command line:

    bad_inputs.py --list
    bad_inputs.py --run CASE --bin WHEELAUDIT --fixtures DIR

For every case, `show` must exit with the expected code and print the
expected message fragment (naming the member where there is one), and
`repair` must exit as expected, leave no file in its output directory when
it does not succeed, and never change the input (sha256 before and after).
Exit 0 = pass, 1 = fail, 77 = skipped (base fixture missing).
"""
import io
import os
import struct
import sys
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import casekit  # noqa: E402
from casekit import Skip, check, fixture, read, sha256_file, tmp, wheelaudit  # noqa: E402
from casekit import b64digest as digest  # noqa: E402
DIST = "hostile-0.1"
WHEEL_NAME = DIST + "-cp311-cp311-linux_x86_64.whl"
SO = "hostile/_mod.cpython-311-x86_64-linux-gnu.so"
DATE = (2024, 1, 1, 0, 0, 0)


def case(show_exit, fragment, repair_exit=None, repair_fragment=None, args=()):
    """Registers a case from a builder returning the wheel's bytes, with what
    must happen (args: extra options for both commands)."""
    def wrap(build):
        def fn(_):
            hostile(build, show_exit, fragment, show_exit if repair_exit is None else repair_exit,
                    repair_fragment or fragment, list(args))
        fn.__name__ = build.__name__
        casekit.case(fn)
        return build
    return wrap


# ---------- building wheels ----------

def base_so():
    # a glibc module linked with -lz: it has DT_VERNEED entries to damage
    return bytearray(read(fixture(os.path.join("elf", "zmod.so"))))


DEFAULT_WHEEL = ("Wheel-Version: 1.0\nGenerator: bad_inputs\nRoot-Is-Purelib: false\n"
                 "Tag: cp311-cp311-linux_x86_64\n")


def wheel_line(wheel_file=DEFAULT_WHEEL):
    """RECORD's line for the default WHEEL, for cases that write RECORD by hand."""
    return "%s.dist-info/WHEEL,sha256=%s,%d\n" % (DIST, digest(wheel_file.encode()),
                                                  len(wheel_file.encode()))


def wheel_bytes(members, record=None, wheel_file=None, record_extra="", omit=(),
                infos=None):
    """A wheel holding members [(name, data)], with WHEEL and a correct RECORD
    (unless record is given); names in omit are left out of RECORD."""
    wheel_file = wheel_file if wheel_file is not None else DEFAULT_WHEEL
    files = list(members) + [(DIST + ".dist-info/WHEEL", wheel_file.encode())]
    if record is None:
        record = "".join("%s,sha256=%s,%d\n" % (n, digest(d), len(d))
                         for n, d in files if n not in omit)
        record += record_extra + DIST + ".dist-info/RECORD,,\n"
    files.append((DIST + ".dist-info/RECORD", record.encode()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files:
            info = (infos or {}).get(name) or zipfile.ZipInfo(name, DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            if not info.external_attr:
                info.external_attr = 0o100644 << 16
            info.create_system = 3
            z.writestr(info, data)
    return bytearray(buf.getvalue())


def good(so=None):
    return wheel_bytes([("hostile/__init__.py", b""), (SO, bytes(so if so is not None
                                                                  else base_so()))])


def central_records(data):
    """Offsets of the central directory records of a (plain) zip."""
    eocd = data.rfind(b"PK\x05\x06")
    count, _, cd_off = struct.unpack_from("<HII", data, eocd + 10)
    out, pos = [], cd_off
    for _ in range(count):
        out.append(pos)
        n, m, k = struct.unpack_from("<HHH", data, pos + 28)
        pos += 46 + n + m + k
    return eocd, out


def local_of(data, central):
    return struct.unpack_from("<I", data, central + 42)[0]


def record_named(data, name):
    _, recs = central_records(data)
    for c in recs:
        n = struct.unpack_from("<H", data, c + 28)[0]
        if bytes(data[c + 46:c + 46 + n]) == name.encode():
            return c
    raise AssertionError("no member " + name)


def patch_both(data, name, offset_central, offset_local, fmt, value):
    c = record_named(data, name)
    struct.pack_into(fmt, data, c + offset_central, value)
    struct.pack_into(fmt, data, local_of(data, c) + offset_local, value)
    return data


# ---------- ELF surgery (ELF64 little-endian, the x86-64 fixture) ----------

def elf_header(so):
    (e_phoff, e_shoff) = struct.unpack_from("<QQ", so, 32)
    e_phentsize, e_phnum, e_shentsize, e_shnum = struct.unpack_from("<HHHH", so, 54)
    return e_phoff, e_phentsize, e_phnum, e_shoff, e_shentsize, e_shnum


def phdrs(so):
    phoff, phentsize, phnum, _, _, _ = elf_header(so)
    for i in range(phnum):
        yield struct.unpack_from("<IIQQQQQQ", so, phoff + i * phentsize)


def vaddr_to_offset(so, vaddr):
    for p_type, _, off, va, _, filesz, _, _ in phdrs(so):
        if p_type == 1 and va <= vaddr < va + filesz:
            return off + vaddr - va
    raise AssertionError("address not mapped")


def dynamic(so):
    """(file offset of the dynamic section, {tag: (entry offset, value)})."""
    for p_type, _, off, _, _, filesz, _, _ in phdrs(so):
        if p_type == 2:
            entries = {}
            for pos in range(off, off + filesz, 16):
                tag, val = struct.unpack_from("<qQ", so, pos)
                if tag == 0:
                    break
                entries.setdefault(tag, (pos, val))
            return off, entries
    raise AssertionError("no PT_DYNAMIC")


DT_STRTAB, DT_VERNEED, DT_VERNEEDNUM = 5, 0x6ffffffe, 0x6fffffff


# ---------- the cases: zip level ----------

@case(3, "truncated or corrupt archive")
def truncated_at_10_percent():
    d = good()
    return d[:len(d) // 10]


@case(3, "truncated or corrupt archive")
def truncated_at_half():
    d = good()
    return d[:len(d) // 2]


@case(3, "truncated or corrupt archive")
def truncated_inside_central_directory():
    d = good()
    _, recs = central_records(d)
    return d[:recs[-1] + 20]


@case(3, "truncated or corrupt archive")
def truncated_inside_end_record():
    d = good()
    eocd, _ = central_records(d)
    return d[:eocd + 10]


@case(3, "truncated or corrupt archive")
def central_directory_past_the_end():
    d = good()
    eocd, _ = central_records(d)
    struct.pack_into("<I", d, eocd + 16, len(d) + 4096)
    return d


@case(3, "truncated or corrupt archive")
def central_directory_size_past_the_end():
    d = good()
    eocd, _ = central_records(d)
    struct.pack_into("<I", d, eocd + 12, 0x7fffffff)
    return d


@case(3, "")
def overlapping_local_headers():
    """Two central records pointing at one local header: one name's data
    would be read for another."""
    d = good()
    _, recs = central_records(d)
    struct.pack_into("<I", d, recs[1] + 42, local_of(d, recs[0]))
    return d


def renamed(old, new):
    d = good()
    d = d.replace(old.encode(), new.encode())
    return d


@case(3, "'..' path component")
def member_name_with_dotdot():
    return wheel_bytes([("hostile/../../evil.py", b"x"), (SO, bytes(base_so()))])


@case(3, "absolute path")
def member_name_absolute():
    return wheel_bytes([("/tmp/evil.py", b"x"), (SO, bytes(base_so()))])


@case(3, "backslash in the name")
def member_name_with_backslash():
    return wheel_bytes([("hostile\\evil.py", b"x"), (SO, bytes(base_so()))])


@case(3, "")
def member_name_with_nul():
    d = wheel_bytes([("hostile/evilXname.py", b"x"), (SO, bytes(base_so()))])
    return d.replace(b"hostile/evilXname.py", b"hostile/evil\0name.py")


@case(3, "control character in the name")
def member_name_with_control_character():
    d = wheel_bytes([("hostile/evilXname.py", b"x"), (SO, bytes(base_so()))])
    return d.replace(b"hostile/evilXname.py", b"hostile/evil\x1bname.py")


@case(3, "symbolic link")
def symlink_member():
    info = zipfile.ZipInfo("hostile/link.py", DATE)
    info.external_attr = 0o120777 << 16
    return wheel_bytes([("hostile/link.py", b"/etc/passwd"), (SO, bytes(base_so()))],
                       infos={"hostile/link.py": info})


@case(3, "duplicate member name")
def duplicate_member_names():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return wheel_bytes([("hostile/a.py", b"one"), ("hostile/a.py", b"two"),
                            (SO, bytes(base_so()))],
                           record="hostile/a.py,,\n%s,sha256=%s,%d\n%s.dist-info/RECORD,,\n"
                           % (SO, digest(bytes(base_so())), len(base_so()), DIST))


@case(3, "encrypted")
def encrypted_member():
    d = good()
    c = record_named(d, SO)
    flags = struct.unpack_from("<H", d, c + 8)[0] | 1
    return patch_both(d, SO, 8, 6, "<H", flags)


@case(3, "unsupported compression method")
def unsupported_compression_method():
    return patch_both(good(), SO, 10, 8, "<H", 97)


# ---------- RECORD and WHEEL ----------

@case(3, "not listed in RECORD", repair_exit=3)
def record_omits_a_member():
    return wheel_bytes([("hostile/__init__.py", b""), (SO, bytes(base_so()))],
                       omit=("hostile/__init__.py",))


@case(3, "which is not in the archive")
def record_lists_an_absent_member():
    return wheel_bytes([(SO, bytes(base_so()))],
                       record_extra="hostile/ghost.py,sha256=%s,1\n" % digest(b"x"))


@case(3, "sha256 mismatch")
def record_wrong_hash():
    so = bytes(base_so())
    rec = "%s,sha256=%s,%d\n%s%s.dist-info/RECORD,,\n" % (SO, digest(so + b"!"), len(so),
                                                         wheel_line(), DIST)
    return wheel_bytes([(SO, so)], record=rec)


@case(3, "size mismatch")
def record_wrong_size():
    so = bytes(base_so())
    rec = "%s,sha256=%s,%d\n%s%s.dist-info/RECORD,,\n" % (SO, digest(so), len(so) + 1,
                                                         wheel_line(), DIST)
    return wheel_bytes([(SO, so)], record=rec)


@case(3, "no .dist-info/WHEEL")
def wheel_file_missing():
    d = good()
    return d.replace((DIST + ".dist-info/WHEEL").encode(), (DIST + ".dist-info/WHEEX").encode())


@case(3, "no Wheel-Version")
def wheel_file_malformed():
    return wheel_bytes([(SO, bytes(base_so()))], wheel_file="this is not a WHEEL file\n")


@case(3, "unsupported Wheel-Version")
def wheel_file_future_version():
    return wheel_bytes([(SO, bytes(base_so()))],
                       wheel_file="Wheel-Version: 2.0\nTag: cp311-cp311-linux_x86_64\n")


# ---------- ELF level ----------

def with_so(so):
    return wheel_bytes([("hostile/__init__.py", b""), (SO, bytes(so))])


@case(3, SO)
def elf_truncated_inside_header():
    return with_so(base_so()[:40])


@case(3, SO)
def elf_truncated_inside_program_headers():
    so = base_so()
    phoff = elf_header(so)[0]
    return with_so(so[:phoff + 20])


@case(3, SO)
def elf_truncated_inside_dynamic_section():
    so = base_so()
    off, _ = dynamic(so)
    return with_so(so[:off + 24])


@case(3, SO)
def elf_truncated_inside_string_table():
    so = base_so()
    _, dyn = dynamic(so)
    strtab = vaddr_to_offset(so, dyn[DT_STRTAB][1])
    return with_so(so[:strtab + 5])


@case(3, "section header table lies past the end")
def elf_section_header_table_past_the_end():
    """The loader never reads section headers, but a table outside the file
    means a truncated or forged file: rejected like other damage."""
    so = base_so()
    struct.pack_into("<Q", so, 40, len(so) + 0x100000)
    return with_so(so)


@case(3, "a section lies past the end")
def elf_section_offsets_past_the_end():
    so = base_so()
    _, _, _, shoff, shentsize, shnum = elf_header(so)
    for i in range(1, shnum):
        struct.pack_into("<Q", so, shoff + i * shentsize + 24, len(so) + 0x1000 * i)
    return with_so(so)


@case(3, SO)
def elf_program_header_past_the_end():
    so = base_so()
    struct.pack_into("<Q", so, 32, len(so) + 64)
    return with_so(so)


@case(3, "version-needs chain ends before DT_VERNEEDNUM")
def elf_verneed_chain_that_loops():
    """vn_next = 0 while DT_VERNEEDNUM promises 65535 entries: a reader that
    trusts the count re-reads one entry forever."""
    so = base_so()
    _, dyn = dynamic(so)
    if DT_VERNEED not in dyn:
        raise Skip("the fixture has no version needs")
    vn = vaddr_to_offset(so, dyn[DT_VERNEED][1])
    struct.pack_into("<I", so, vn + 12, 0)
    pos = dyn.get(DT_VERNEEDNUM, (None,))[0]
    if pos is None:
        raise Skip("the fixture has no DT_VERNEEDNUM")
    struct.pack_into("<Q", so, pos + 8, 0xFFFF)
    return with_so(so)


@case(3, "aux chain ends before vn_cnt")
def elf_vernaux_chain_that_loops():
    """vna_next = 0 while vn_cnt promises 65535 entries."""
    so = base_so()
    _, dyn = dynamic(so)
    if DT_VERNEED not in dyn:
        raise Skip("the fixture has no version needs")
    vn = vaddr_to_offset(so, dyn[DT_VERNEED][1])
    struct.pack_into("<H", so, vn + 2, 0xFFFF)
    aux = vn + struct.unpack_from("<I", so, vn + 8)[0]
    struct.pack_into("<I", so, aux + 12, 0)
    return with_so(so)


@case(3, "an extension module that is empty", repair_exit=3)
def zero_byte_so():
    return wheel_bytes([("hostile/__init__.py", b""), (SO, b"")])


@case(3, "an extension module that is not ELF", repair_exit=3)
def text_file_named_so():
    return wheel_bytes([("hostile/__init__.py", b""),
                        (SO, b"/* GNU ld script */\nGROUP ( /lib/libc.so.6 )\n")])


@case(3, "lies past the end")
def elf_verneed_offset_that_wraps():
    """vn_next so large that 32-bit arithmetic would wrap back to the start
    of the chain (an endless loop in a reader that wraps)."""
    so = base_so()
    _, dyn = dynamic(so)
    if DT_VERNEED not in dyn:
        raise Skip("the fixture has no version needs")
    vn = vaddr_to_offset(so, dyn[DT_VERNEED][1])
    struct.pack_into("<I", so, vn + 12, 0x100000000 - 16)
    pos = dyn.get(DT_VERNEEDNUM, (None,))[0]
    if pos is not None:
        struct.pack_into("<Q", so, pos + 8, 2)
    return with_so(so)


@case(3, "zip bomb")
def bzip2_bomb():
    """20 MiB of zeros in a few dozen bzip2 bytes."""
    buf = bytearray(wheel_bytes([(SO, bytes(base_so()))]))
    zeros = b"\0" * (20 << 20)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(bytes(buf))) as src, zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("/RECORD"):
                data = data.replace(b"%s.dist-info/RECORD,," % DIST.encode(),
                                    b"hostile/zeros.bin,sha256=%s,%d\n%s.dist-info/RECORD,,"
                                    % (digest(zeros).encode(), len(zeros), DIST.encode()))
            z.writestr(info, data)
        zi = zipfile.ZipInfo("hostile/zeros.bin", DATE)
        zi.compress_type = zipfile.ZIP_BZIP2
        z.writestr(zi, zeros)
    return bytearray(out.getvalue())


# ---------- limits: each is an error naming its option, never a partial audit ----------

@case(3, "raise the limit with --max-elf-entries", args=["--max-elf-entries", "4"])
def limit_elf_entries():
    return good()


@case(3, "raise the limit with --max-elf-symbols", args=["--max-elf-symbols", "3"])
def limit_elf_symbols():
    return good()


@case(3, "raise the limit with --max-elf-string", args=["--max-elf-string", "5"])
def limit_elf_string():
    return good()


@case(3, "more than the limit of 2", args=["--max-members", "2"])
def limit_members():
    return good()


@case(3, "--max-member-size", args=["--max-member-size", "1K"])
def limit_member_size():
    return good()


@case(3, "--max-wheel-size", args=["--max-wheel-size", "8K"])
def limit_wheel_size():
    return good()


@case(3, "--max-ratio", args=["--max-ratio", "2"])
def limit_ratio():
    """2 MiB of text that deflates far better than 2:1."""
    return wheel_bytes([("hostile/big.txt", b"wheelaudit " * (200 << 10)),
                        (SO, bytes(base_so()))])


# ---------- running ----------

def hostile(build, show_exit, fragment, repair_exit, repair_fragment, args):
    data = build()
    wheel = tmp(WHEEL_NAME)
    with open(wheel, "wb") as f:
        f.write(data)
    before = sha256_file(wheel)
    rc, out, err = wheelaudit("show", *args, wheel)
    check(rc == show_exit, "show: exit %d, expected %d" % (rc, show_exit), out, err)
    check(fragment in out + err, "show: %r not in the output" % fragment, out, err)
    if show_exit == 3:
        check("wheelaudit: error: " in err, "show: no error line", err)
    out_dir = tmp("out")
    rc, out, err = casekit.repair(*args, "-w", out_dir, wheel)
    check(rc == repair_exit, "repair: exit %d, expected %d" % (rc, repair_exit), out, err)
    check(repair_fragment in out + err, "repair: %r not in the output" % repair_fragment,
          out, err)
    left = os.listdir(out_dir) if os.path.isdir(out_dir) else []
    if rc != 0:
        check(not left, "repair failed but left %s" % left)
        check(out == "", "repair failed but printed on stdout", out)
    check(sha256_file(wheel) == before, "the input wheel changed")


if __name__ == "__main__":
    sys.exit(casekit.main("badinput"))
