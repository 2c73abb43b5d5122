#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Hostile archives, round 2: wheels whose zip structure can be read in more
than one way, or that hide something from one kind of reader.

    zip_cases.py --list
    zip_cases.py --run CASE --bin WHEELAUDIT --fixtures DIR

Every archive is built record by record at test time (zipcraft.py).  For
each hostile one, `wheelaudit show` and `wheelaudit repair -w OUT` must both
exit 3 with the reason (and the member, where there is one) on stderr,
nothing on repair's stdout, OUT left empty and the input unchanged.

The classes: two end-of-central-directory records or shifted offsets (one
archive, two readings); symbolic links and device files whatever the host
byte; Unicode Path extra fields and local-header names that disagree with
the central name; NUL bytes and bad UTF-8 in WHEEL and RECORD; entries
whose data overlap (the zip bomb made of one shared deflate stream); ZIP64
offsets that wrap.  Exit 0 = pass, 1 = fail, 77 = skipped.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import casekit  # noqa: E402
from casekit import b64digest, case, check, CTX, sha256_file, Skip, tmp  # noqa: E402
import zipcraft as zc  # noqa: E402
from zipcraft import Entry  # noqa: E402

DIST = "hostile-0.1"
WHEEL_NAME = DIST + "-cp311-cp311-linux_x86_64.whl"
SO = "hostile/_mod.cpython-311-x86_64-linux-gnu.so"
WHEEL_TEXT = ("Wheel-Version: 1.0\nGenerator: zip_cases\nRoot-Is-Purelib: false\n"
              "Tag: cp311-cp311-linux_x86_64\n")


# ---------------------------------------------------------------- running


def run(*args):
    """wheelaudit ARGS through casekit (repair through casekit.repair, which
    checks any wheel it writes)."""
    if args and args[0] == "repair":
        return tuple(casekit.repair(*args[1:], timeout=300))
    return tuple(casekit.wheelaudit(*args, timeout=300))


def fixture_bytes(rel):
    path = os.path.join(CTX["fixtures"], rel)
    if not os.path.exists(path):
        raise Skip("fixture %s was not built here" % rel)
    with open(path, "rb") as f:
        return f.read()


def old_so():
    """An extension module whose symbol versions allow manylinux_2_5."""
    return fixture_bytes("elf/_example.cpython-311-x86_64-linux-gnu.so")


def new_so():
    """One that needs GLIBC_2.34."""
    return fixture_bytes("elf/glibc234.so")


def write_wheel(data, name=WHEEL_NAME):
    path = tmp(name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def refused(data, *fragments):
    """show and repair both exit 3 naming every fragment on stderr; repair
    writes nothing; the input stays as it was.  Returns (show stderr,
    repair stderr)."""
    wheel = write_wheel(data)
    before = sha256_file(wheel)
    rc, out, err = run("show", wheel)
    check(rc == 3, "show: exit %d, expected 3" % rc, out, err)
    check("wheelaudit: error: " in err, "show: no error line", err)
    for f in fragments:
        check(f in err, "show: %r not on stderr" % f, err)
    wdir = tmp("out")
    os.mkdir(wdir)
    rc, rout, rerr = run("repair", "-w", wdir, wheel)
    check(rc == 3, "repair: exit %d, expected 3" % rc, rout, rerr)
    for f in fragments:
        check(f in rerr, "repair: %r not on stderr" % f, rerr)
    check(rout == "", "repair failed but printed on stdout", rout)
    check(os.listdir(wdir) == [], "repair left %r" % os.listdir(wdir))
    check(sha256_file(wheel) == before, "the input wheel changed")
    os.rmdir(wdir)
    os.unlink(wheel)
    return err, rerr


# ---------------------------------------------------------------- wheels


def record_text(members, extra_lines=""):
    lines = "".join("%s,sha256=%s,%d\n" % (n, b64digest(d), len(d)) for n, d in members)
    return lines + extra_lines + DIST + ".dist-info/RECORD,,\n"


def wheel_entries(members, wheel_text=WHEEL_TEXT, record=None, method=8):
    """Entries of a wheel holding members [(name, bytes)], with WHEEL and a
    correct RECORD (unless record is given)."""
    files = list(members) + [(DIST + ".dist-info/WHEEL", wheel_text.encode()
                              if isinstance(wheel_text, str) else wheel_text)]
    if record is None:
        record = record_text(files).encode()
    files.append((DIST + ".dist-info/RECORD", record))
    return [Entry(n, d, method=method) for n, d in files]


def good_entries(so=None, method=8):
    return wheel_entries([("hostile/__init__.py", b""), (SO, so if so is not None else old_so())],
                         method=method)


# ---------------------------------------------------------------- 1. one archive, one truth


def second_reading(a_method, b_method, zip64):
    """The archive of the issue: the first directory holds the manylinux_2_5
    module, a second one (reached through an end record in the comment)
    holds the same names with a module that needs GLIBC_2.34."""
    return zc.two_directories(good_entries(old_so(), a_method), good_entries(new_so(), b_method),
                              zip64_second=zip64)


@case
def end_record_in_the_comment_points_at_a_second_directory(_):
    refused(second_reading(0, 8, True), "ambiguous archive", "end of central directory")


@case
def end_record_in_the_comment_without_zip64(_):
    refused(second_reading(0, 8, False), "ambiguous archive")


@case
def crafted_archives_cannot_make_show_and_repair_disagree(_):
    """Whichever directory a reader prefers (libzip weighs them by the span
    of their entries, others take the last end record), show and repair
    give one verdict: refused, with the same message.  A plain archive
    comment is no reason to refuse: that control wheel is audited and
    repaired, and the repaired module is the one show audited."""
    for a_method, b_method in ((0, 8), (8, 0), (8, 8)):
        for zip64 in (True, False):
            show_err, repair_err = refused(second_reading(a_method, b_method, zip64))
            line = [l for l in show_err.splitlines() if "error:" in l]
            check(line and line[-1] in repair_err,
                  "show and repair give different reasons", show_err, repair_err)
    control = write_wheel(zc.archive(good_entries(), comment=b"built by hand; PK\x01\x02 PK\x03\x04"))
    rc, out, err = run("show", control)
    check(rc == 0 and "manylinux_2_5" in out, "control: show exit %d" % rc, out, err)
    wdir = tmp("control-out")
    rc, out, err = run("repair", "-w", wdir, control)
    check(rc == 0, "control: repair exit %d" % rc, out, err)
    import zipfile
    with zipfile.ZipFile(out.strip()) as z:
        check(z.read(SO) == old_so(), "control: the repaired module is not the audited one")


@case
def bytes_prepended_with_offsets_adjusted(_):
    """A self-extractor stub before the first local header (offsets point
    past it): one reader starts at the stub, another at the end record."""
    refused(zc.archive(good_entries(), prefix=b"#!/bin/sh\nexec python3 -m hostile\n" * 4),
            "before the first local header", "hostile/__init__.py")


@case
def another_wheel_prepended(_):
    """A complete wheel in front of this one: a reader that walks local
    headers from the start sees the other wheel's members."""
    front = zc.archive(good_entries(new_so()))
    wheel = write_wheel(zc.archive(good_entries(), prefix=front))
    rc, out, err = run("show", wheel)
    check(rc == 3, "show: exit %d" % rc, out, err)
    check("before the first local header" in err or "ambiguous archive" in err,
          "show: no reason given", err)
    os.unlink(wheel)
    refused(zc.archive(good_entries(), prefix=front))


@case
def bytes_prepended_offsets_not_adjusted(_):
    """Offsets relative to the archive, not the file: Python's zipfile
    shifts every offset by the difference, libzip does not."""
    refused(b"\x7fELF-junk" * 100 + zc.archive(good_entries()), "central directory")


@case
def gap_between_central_directory_and_end_record(_):
    es = good_entries()
    body = zc.layout(es)
    cd = zc.central(es)
    data = body + cd + b"\0" * 16 + zc.eocd(len(es), len(cd), len(body))
    refused(data, "central directory does not end where")


@case
def unaccounted_bytes_between_members(_):
    """Room between two entries for a local header no directory lists."""
    es = good_entries()
    hidden = Entry("hostile/hidden.py", b"import os\n").local() + b"x" * 10
    body = bytearray()
    for i, e in enumerate(es):
        e.offset = len(body)
        body += e.local() + e.comp
        if i == 0:
            body += hidden
    cd = zc.central(es)
    refused(bytes(body) + cd + zc.eocd(len(es), len(cd), len(body)),
            "unaccounted bytes", SO)


# ---------------------------------------------------------------- 2. symlinks and special files

HOSTS = {"msdos": 0, "amiga": 1, "vms": 2, "atari": 5, "beos": 16}


def with_special(mode, host=3, name="hostile/link.py", data=b"/etc/passwd"):
    es = good_entries()
    e = Entry(name, data, host=host, mode=mode)
    es.insert(0, e)
    es[-1] = Entry(es[-1].name, record_text([(x.name.decode(), x.data) for x in es[:-1]]).encode())
    return zc.archive(es)


def symlink_case(host):
    def fn(_):
        refused(with_special(0o120777, HOSTS[host]), "hostile/link.py", "symbolic link")
    fn.__name__ = "symlink_with_host_" + host
    return case(fn)


for _h in HOSTS:
    symlink_case(_h)


@case
def character_device_member(_):
    refused(with_special(0o020644, name="hostile/tty"), "hostile/tty", "device")


@case
def block_device_member(_):
    refused(with_special(0o060644, name="hostile/sda"), "hostile/sda", "device")


@case
def fifo_member(_):
    refused(with_special(0o010644, name="hostile/fifo"), "hostile/fifo", "FIFO")


@case
def socket_member(_):
    refused(with_special(0o140644, name="hostile/sock"), "hostile/sock", "socket")


# ---------------------------------------------------------------- 3. names as every extractor sees them


def wheel_with(entry, listed_as):
    es = good_entries()
    es.insert(0, entry)
    es[-1] = Entry(es[-1].name, record_text(
        [(listed_as, entry.data)] + [(x.name.decode(), x.data) for x in es[1:-1]]).encode())
    return zc.archive(es)


@case
def raw_dotdot_name_behind_a_harmless_unicode_path(_):
    """libzip shows the Unicode Path name, Python's zipfile the raw one."""
    raw, shown = b"../../../tmp/evil.py", b"hostile/evil_name.py"
    e = Entry(raw, b"print('owned')\n")
    e.central_extra = e.local_extra = zc.unicode_path(shown, raw)
    refused(wheel_with(e, shown.decode()), "Unicode Path", "../../../tmp/evil.py")


@case
def harmless_raw_name_behind_a_dotdot_unicode_path(_):
    raw, shown = b"hostile/evil_name.py", b"../../../tmp/evil.py"
    e = Entry(raw, b"print('owned')\n")
    e.central_extra = e.local_extra = zc.unicode_path(shown, raw)
    refused(wheel_with(e, raw.decode()), "Unicode Path", "hostile/evil_name.py")


@case
def unicode_path_in_the_local_header_only(_):
    raw = b"hostile/evil_name.py"
    e = Entry(raw, b"print('owned')\n")
    e.local_extra = zc.unicode_path(b"../../../tmp/evil.py", raw)
    refused(wheel_with(e, raw.decode()), "Unicode Path", "hostile/evil_name.py")


@case
def local_header_name_differs_from_the_central_name(_):
    e = Entry("hostile/a_name.py", b"print('owned')\n")
    e.local_name = b"../../tmp/ev.py"
    refused(wheel_with(e, "hostile/a_name.py"), "local header", "hostile/a_name.py")


@case
def nul_byte_in_a_member_name(_):
    e = Entry(b"hostile/evil.py\0.txt", b"x")
    refused(wheel_with(e, "hostile/evil.py"), "NUL")


# ---------------------------------------------------------------- 6. WHEEL and RECORD bytes


@case
def nul_byte_in_wheel(_):
    text = WHEEL_TEXT.replace("Generator: zip_cases\n", "Generator: zip\0cases\n") + "Build: 1\n"
    refused(zc.archive(wheel_entries([(SO, old_so())], wheel_text=text)),
            DIST + ".dist-info/WHEEL", "NUL byte", "line 2")


@case
def invalid_utf8_in_wheel(_):
    text = WHEEL_TEXT.encode().replace(b"zip_cases", b"zip\xff\xfecases")
    refused(zc.archive(wheel_entries([(SO, old_so())], wheel_text=text)),
            DIST + ".dist-info/WHEEL", "UTF-8", "line 2")


@case
def nul_byte_in_record(_):
    files = [("hostile/__init__.py", b""), (SO, old_so()),
             (DIST + ".dist-info/WHEEL", WHEEL_TEXT.encode())]
    rec = record_text(files).replace("hostile/__init__.py,", "hostile/__init__.py\0,", 1)
    refused(zc.archive(wheel_entries(files[:2], record=rec.encode())),
            DIST + ".dist-info/RECORD", "NUL byte", "line 1")


# ---------------------------------------------------------------- 7c. overlapping entries


def bomb(count, zeros):
    names = ["hostile/bomb%03d.bin" % i for i in range(count)]
    tail = good_entries()
    return zc.overlapping(names, zc.deflate(b"\0" * zeros), tail_entries=tail)


@case
def overlapping_entries_share_one_deflate_stream(_):
    refused(bomb(20, 1 << 20), "overlaps", "hostile/bomb001.bin")


@case
def overlapping_entries_bomb_of_16_gib(_):
    """260 entries quoting each other's headers around 64 MiB of zeros: 16
    GiB to inflate; refused from the central directory alone."""
    refused(bomb(260, 64 << 20), "overlaps")


@case
def two_entries_at_one_local_header(_):
    """The same central record twice: two entries, one local header."""
    es = good_entries()
    body = zc.layout(es)
    cd = es[0].central() + zc.central(es)
    refused(body + cd + zc.eocd(len(es) + 1, len(cd), len(body)), "overlaps")


# ---------------------------------------------------------------- other methods


@case
def bzip2_members_are_read_through_libzip(_):
    """Stored and deflated members are read straight from the directory's
    ranges; other methods through libzip, once its reading of the
    directory was checked against ours.  Both paths audit and copy."""
    import zipfile
    so = old_so()
    files = [("hostile/__init__.py", b"", zipfile.ZIP_STORED),
             ("hostile/data.txt", b"bzip2 " * 5000, zipfile.ZIP_BZIP2),
             (SO, so, zipfile.ZIP_DEFLATED),
             (DIST + ".dist-info/WHEEL", WHEEL_TEXT.encode(), zipfile.ZIP_DEFLATED)]
    record = record_text([(n, d) for n, d, _ in files])
    wheel = tmp(WHEEL_NAME)
    with zipfile.ZipFile(wheel, "w") as z:
        for n, d, m in files + [(DIST + ".dist-info/RECORD", record.encode(), zipfile.ZIP_DEFLATED)]:
            z.writestr(zipfile.ZipInfo(n, (2024, 1, 1, 0, 0, 0)), d, compress_type=m)
    rc, out, err = run("show", wheel)
    check(rc == 0 and "manylinux_2_5" in out, "show: exit %d" % rc, out, err)
    rc, out, err = run("repair", "-w", tmp("out"), wheel)
    check(rc == 0, "repair: exit %d" % rc, out, err)
    with zipfile.ZipFile(wheel) as a, zipfile.ZipFile(out.strip()) as b:
        for n, d, m in files[:3]:
            check(b.getinfo(n).compress_type == m and b.read(n) == d, "%s not copied as it was" % n)


# ---------------------------------------------------------------- 9. ZIP64 offsets that wrap


def zip64_offset_entry(offset):
    es = good_entries()
    body = zc.layout(es)
    es[0].central_offset = 0xFFFFFFFF
    es[0].central_extra = zc.extra_field(1, struct.pack("<Q", offset))
    cd = zc.central(es)
    return body + cd + zc.eocd(len(es), len(cd), len(body))


@case
def zip64_local_header_offset_that_wraps(_):
    refused(zip64_offset_entry(0xFFFFFFFFFFFFFFF0), "hostile/__init__.py", "outside the archive")


@case
def zip64_local_header_offset_past_int64(_):
    refused(zip64_offset_entry(0x8000000000000000), "hostile/__init__.py", "outside the archive")


def zip64_end(cd_off_delta=0, cd_off=None, eocd64_off=None):
    es = good_entries()
    body = zc.layout(es)
    cd = zc.central(es)
    rec_off = len(body) + len(cd)
    rec = zc.eocd64(len(es), len(cd), len(body) if cd_off is None else cd_off)
    loc = zc.locator(rec_off if eocd64_off is None else eocd64_off)
    end = struct.pack("<IHHHHIIH", zc.SIG_EOCD, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return body + cd + rec + loc + end


@case
def zip64_central_directory_offset_that_wraps(_):
    refused(zip64_end(cd_off=0xFFFFFFFFFFFFFFF8), "truncated or corrupt archive")


@case
def zip64_end_record_offset_that_wraps(_):
    refused(zip64_end(eocd64_off=0xFFFFFFFFFFFFFFF0), "truncated or corrupt archive")


@case
def zip64_end_record_is_well_formed(_):
    """The control for the two above: the same records with honest offsets."""
    wheel = write_wheel(zip64_end())
    rc, out, err = run("show", wheel)
    check(rc == 0, "show: exit %d" % rc, out, err)
    rc, out, err = run("repair", "-w", tmp("out"), wheel)
    check(rc == 0, "repair: exit %d" % rc, out, err)


if __name__ == "__main__":
    sys.exit(casekit.main("badzip"))
