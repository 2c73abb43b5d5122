#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of `wheelaudit repair` (behaviour: /work/notes/repair-spec.md).

    repair_cases.py --list
    repair_cases.py --run CASE --bin WHEELAUDIT --fixtures DIR

Every case works in its own temporary directory (removed afterwards): the
wheel directory, any wheel built on the fly (with Python's zipfile, for the
shapes mkwheel does not make: stored members, CRLF WHEEL, several Generator
lines, RECORD.jws, RECORD lines without digest...) and pip's install target
live there.  The fixture directory is only read; each case checks that it is
left as it was.  Outputs are checked with Python's zipfile: file names, tags,
WHEEL and RECORD bytes, and the raw (compressed) bytes of every copied entry.

Every wheel a case writes also passes casekit's check (`show` and zipfile);
--json documents are validated against docs/repair-v1.schema.json, the
embedded audits against docs/show-v1.schema.json ($defs/audit).

Exit 0 = pass, 1 = fail, 77 = skipped (a fixture that needs an optional
toolchain is missing, pip is unavailable, or the check cannot run as root).
"""
import base64
import glob
import hashlib
import json
import os
import random
import shutil
import signal
import struct
import subprocess
import sys
import time
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import casekit  # noqa: E402
from casekit import (M, DATE, assert_nothing_written, assert_record_consistent, b64digest, build_wheel,  # noqa: E402
                     case, check, clean_env, CTX, dist_info_file, fixture, members, repair_wheels, run,
                     sha256_file, Skip, tmp, validate, wheel_text, wheelaudit)
PY_BIN = "/usr/bin/python3"


# ---------------------------------------------------------------- paths, running


def example_wheel():
    """The example wheel (its Python tag depends on the headers found at build time)."""
    found = sorted(glob.glob(os.path.join(CTX["fixtures"], "wheelaudit_example-0.1-*-linux_x86_64.whl")))
    if not found:
        raise Skip("the example wheel was not built here")
    return found[0]


def example_so():
    found = sorted(glob.glob(os.path.join(CTX["fixtures"], "elf", "_example.*-x86_64-linux-gnu.so")))
    if not found:
        raise Skip("the example module was not built here")
    return found[0]


def repaired(wheel, *opts, wdir=None, name=None, env=None, show_exit=0):
    """Repairs one wheel that must be written; returns the output path."""
    wdir = wdir or tmp("wheelhouse")
    lines, err = repair_wheels(wheel, *opts, wdir=wdir, code=0, env=env, show_exit=show_exit)
    check(len(lines) == 1, "stdout is not exactly one line: %r" % lines, err)
    path = lines[0]
    check(os.path.dirname(path) == wdir.rstrip("/"), "output %r is not in %r" % (path, wdir))
    check(os.path.isfile(path), "printed path %r does not exist" % path, err)
    if name is not None:
        check(os.path.basename(path) == name, "output name %r, expected %r" % (os.path.basename(path), name))
    check(not leftovers(wdir), "temporary files left in %s: %r" % (wdir, leftovers(wdir)))
    return path


def leftovers(d):
    return [n for n in os.listdir(d) if n.startswith(".") or n.endswith(".tmp")] if os.path.isdir(d) else []


def retag(wheel, tagset):
    """The file name of `wheel` with its platform tag replaced."""
    base = os.path.basename(wheel)[:-4]
    return base.rsplit("-", 1)[0] + "-" + tagset + ".whl"


def tool_version():
    rc, out, _ = wheelaudit("--version")
    check(rc == 0, "--version failed")
    words = out.split()
    check(len(words) >= 2 and words[0] == "wheelaudit", "--version: %r" % out)
    return words[1]


# ---------------------------------------------------------------- reading zips raw


def entries(path):
    """Central directory order: one dict per entry, with the raw compressed bytes
    (read at header_offset + 30 + the LOCAL header's name and extra lengths)."""
    out = []
    with open(path, "rb") as f:
        data = f.read()
    with zipfile.ZipFile(path) as z:
        for i in z.infolist():
            off = i.header_offset
            check(data[off:off + 4] == b"PK\x03\x04", "%s: no local header for %s" % (path, i.filename))
            n, m = struct.unpack_from("<HH", data, off + 26)
            start = off + 30 + n + m
            out.append(dict(name=i.filename, compress_type=i.compress_type, crc=i.CRC,
                            date_time=i.date_time, external_attr=i.external_attr,
                            compress_size=i.compress_size, file_size=i.file_size,
                            central_extra=i.extra, local_extra=data[off + 30 + n:start],
                            raw=data[start:start + i.compress_size],
                            content=z.read(i.filename)))
    return out


RAW_KEYS = ("compress_type", "crc", "date_time", "external_attr", "compress_size", "file_size",
            "central_extra", "local_extra", "raw")


def assert_raw_copy(inp, outp, dropped=()):
    """Every entry but WHEEL and RECORD (and the dropped ones) copied raw, in the
    same order; WHEEL and RECORD keep their compression method and attributes."""
    a, b = entries(inp), entries(outp)
    wheel, record = dist_info_file(inp, "WHEEL"), dist_info_file(inp, "RECORD")
    want = [e["name"] for e in a if e["name"] not in dropped]
    got = [e["name"] for e in b]
    check(got == want, "member order differs:\n in  %r\n out %r" % (want, got))
    bo = {e["name"]: e for e in b}
    for e in a:
        if e["name"] in dropped:
            continue
        o = bo[e["name"]]
        if e["name"] in (wheel, record):
            check(o["compress_type"] == e["compress_type"],
                  "%s: compression %d, input had %d" % (e["name"], o["compress_type"], e["compress_type"]))
            check(o["external_attr"] == e["external_attr"],
                  "%s: external_attr %#x, input had %#x" % (e["name"], o["external_attr"], e["external_attr"]))
            continue
        for k in RAW_KEYS:
            check(o[k] == e[k], "%s: %s differs (in %r, out %r)" % (
                e["name"], k, e[k] if k != "raw" else len(e[k]), o[k] if k != "raw" else len(o[k])))


def wheel_lines(path):
    return members(path)[dist_info_file(path, "WHEEL")].decode().splitlines()


def wheel_tags(path):
    return [l[len("Tag: "):] for l in wheel_lines(path) if l.startswith("Tag: ")]


def record_lines(path):
    return members(path)[dist_info_file(path, "RECORD")].decode().splitlines()


# ---------------------------------------------------------------- building wheels


def example_module_name():
    # the member name matches the cp311 tags of the wheels built here, whatever
    # Python the example module was compiled for (the fixture wheels do the same)
    return "_example.cpython-311-x86_64-linux-gnu.so"


def demo_wheel(name="demo-0.1-cp311-cp311-linux_x86_64.whl", tags=None, wheel=None, extra=(),
               wheel_kw=None, record_kw=None, so_kw=None, record_data=None, order=None):
    """A small wheel around the example module, built in the case's directory."""
    stem = name[:-4].split("-")
    dist = "%s-%s" % (stem[0], stem[1])
    di = dist + ".dist-info"
    if tags is None:
        tags = ["%s-%s-%s" % (p, a, pl) for p in stem[-3].split(".") for a in stem[-2].split(".")
                for pl in stem[-1].split(".")]
    with open(example_so(), "rb") as f:
        so = f.read()
    ms = [M(stem[0] + "/__init__.py", b"# demo\n", **{"compress": zipfile.ZIP_STORED}),
          M(stem[0] + "/" + example_module_name(), so, mode=0o755, **(so_kw or {}))]
    ms += list(extra)
    ms += [M(di + "/METADATA", b"Metadata-Version: 2.1\nName: %s\nVersion: %s\n"
             % (stem[0].encode(), stem[1].encode())),
           M(di + "/WHEEL", wheel if wheel is not None else wheel_text(tags), **(wheel_kw or {})),
           M(di + "/RECORD", record_data, **(record_kw or {}))]
    if order:
        ms = order(ms)
    path = tmp("in", name)
    os.makedirs(tmp("in"), exist_ok=True)
    return build_wheel(path, ms)


# ---------------------------------------------------------------- JSON


def validate_audit(audit):
    if audit is not None:
        validate(audit, "show-v1", "#/$defs/audit")


DOC_KEYS = {"wheel", "path", "exit_code", "outcome", "output", "tags", "tagset", "reason", "notes", "plan",
            "grafted", "missing", "sbom", "audit", "error"}


def repair_json(wheels, *opts, wdir=None, code=0, env=None, show_exit=0):
    """Runs repair --json; checks the exit code and the document's shape; returns (doc, stderr)."""
    if isinstance(wheels, str):
        wheels = [wheels]
    wdir = wdir or tmp("wheelhouse")
    rc, out, err = casekit.repair("--json", "-w", wdir, *opts, *wheels, env=env, show_exit=show_exit)
    check(rc == code, "repair --json: exit %d, expected %d" % (rc, code), "stdout:\n" + out,
          "stderr:\n" + err)
    try:
        doc = json.loads(out)
    except ValueError as e:
        raise AssertionError("stdout is not one JSON document: %s\n%s" % (e, out))
    check(doc.get("version") == 1, "JSON version %r" % doc.get("version"))
    check(doc.get("tool") == "wheelaudit " + tool_version(), "JSON tool %r" % doc.get("tool"))
    check(len(doc["wheels"]) == len(wheels), "JSON has %d wheels for %d" % (len(doc["wheels"]), len(wheels)))
    for w, d in zip(wheels, doc["wheels"]):
        check(set(d) == DOC_KEYS, "JSON keys %r" % sorted(d))
        check(d["wheel"] == os.path.basename(w), "JSON wheel %r" % d["wheel"])
        check(d["path"] == w, "JSON path %r, given %r" % (d["path"], w))
        check(isinstance(d["notes"], list) and all(isinstance(n, str) for n in d["notes"]),
              "JSON notes %r" % d["notes"])
        check(d["outcome"] in ("repaired", "copied", "rejected", "invalid", "refused", "error"),
              "JSON outcome %r" % d["outcome"])
        if d["outcome"] in ("repaired", "copied"):
            check(d["exit_code"] == 0, "written but exit_code %r" % d["exit_code"])
            check(isinstance(d["output"], str) and os.path.isfile(d["output"]),
                  "JSON output %r does not exist" % d["output"])
            if d["outcome"] == "repaired":
                check(d["tags"] and d["tagset"] == ".".join(d["tags"]),
                      "tagset %r != tags %r" % (d["tagset"], d["tags"]))
                check(d["tags"] == sorted(set(d["tags"])), "tags not sorted/unique: %r" % d["tags"])
            else:  # a copied pure wheel keeps its own tag set (tags: [], docs/repair-v1.schema.json)
                check(d["tagset"] == os.path.basename(w)[:-4].rsplit("-", 1)[1],
                      "copied wheel tagset %r" % d["tagset"])
            check(os.path.basename(d["output"]) == retag(w, d["tagset"]),
                  "output name %r does not carry tagset %r" % (d["output"], d["tagset"]))
            check(d["reason"] is None and d["error"] is None, "reason/error not null: %r" % d)
        else:
            check(d["output"] is None and d["tagset"] is None and d["tags"] == [],
                  "nothing written but output/tagset/tags are %r/%r/%r"
                  % (d["output"], d["tagset"], d["tags"]))
        if d["outcome"] == "rejected":
            check(isinstance(d["reason"], str) and d["reason"], "rejected without reason")
            check(d["error"] is None, "rejected with an error object")
        else:
            check(d["reason"] is None, "reason %r for outcome %s" % (d["reason"], d["outcome"]))
        if d["error"] is not None:
            check(set(d["error"]) == {"code", "member", "message"}, "error object %r" % d["error"])
        validate_audit(d["audit"])
    validate(doc, "repair-v1")
    return doc, err


def stderr_show_doc(err):
    """The show-v1 document that follows the messages on stderr."""
    i = err.find("{")
    while i > 0 and err[i - 1] != "\n":
        i = err.find("{", i + 1)
    check(i >= 0, "no JSON document on stderr", err)
    try:
        doc, end = json.JSONDecoder().raw_decode(err[i:])
    except ValueError as e:
        raise AssertionError("stderr JSON does not parse: %s\n%s" % (e, err))
    check(err[i + end:].strip() == "", "text after the stderr JSON document", err)
    validate(doc, "show-v1")
    return doc


# ---------------------------------------------------------------- 1. pip


@case
def pip_installs_and_imports_the_repaired_example(_):
    ex = example_wheel()
    pytag = os.path.basename(ex).split("-")[2]
    out = repaired(ex, name=retag(ex, "manylinux1_x86_64.manylinux_2_5_x86_64"))
    if not os.path.exists(PY_BIN):
        raise Skip("no %s" % PY_BIN)
    penv = clean_env(PIP_CONFIG_FILE=os.devnull, PIP_NO_INPUT="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
                     PYTHONNOUSERSITE="1")
    p = run([PY_BIN, "-c", "import sys; print('cp%d%d' % sys.version_info[:2])"], env=penv)
    if p.stdout.strip() != pytag:
        raise Skip("%s is %s, the example wheel is %s" % (PY_BIN, p.stdout.strip(), pytag))
    with open(example_so(), "rb") as f:
        if b"PyArg_ParseTuple" not in f.read():
            raise Skip("the example module was built without Python.h (a stand-in)")
    p = run([PY_BIN, "-m", "pip", "--version"], env=penv)
    if p.returncode != 0:
        raise Skip("python3 -m pip is unavailable")
    target = tmp("site")
    p = run([PY_BIN, "-m", "pip", "install", "--no-index", "--no-deps", "--no-cache-dir",
             "--no-compile", "--target", target, out], env=penv)
    check(p.returncode == 0, "pip install failed (%d)" % p.returncode, p.stdout, p.stderr)
    code = ("import wheelaudit_example, wheelaudit_example._example as m, os, sys\n"
            "assert os.path.realpath(m.__file__).startswith(os.path.realpath(sys.argv[1])), m.__file__\n"
            "assert m.add(40, 2) == 42\n"
            "assert m.format(-7) == '<-7>'\n"
            "print('ok', m.add(1, 2), m.format(3))\n")
    p = run([PY_BIN, "-c", code, target], cwd=target, env=dict(penv, PYTHONPATH=target), timeout=60)
    check(p.returncode == 0 and p.stdout.strip() == "ok 3 <3>", "import failed", p.stdout, p.stderr)
    # what pip installed matches the repaired wheel
    di = os.path.join(target, "wheelaudit_example-0.1.dist-info")
    with open(os.path.join(di, "WHEEL"), "rb") as f:
        installed_wheel = f.read()
    check(installed_wheel == members(out)[dist_info_file(out, "WHEEL")],
          "installed WHEEL differs from the repaired wheel's")
    check([l for l in installed_wheel.decode().splitlines() if l.startswith("Tag: ")] ==
          ["Tag: %s-%s-manylinux1_x86_64" % (pytag, pytag), "Tag: %s-%s-manylinux_2_5_x86_64" % (pytag, pytag)],
          "installed WHEEL tags", installed_wheel.decode())
    import csv
    with open(os.path.join(di, "RECORD")) as f:
        rows = list(csv.reader(f))
    hashed = 0
    for row in rows:
        if not row[1]:
            continue
        fp = os.path.normpath(os.path.join(target, row[0]))
        with open(fp, "rb") as f:
            data = f.read()
        check(row[1] == "sha256=" + b64digest(data) and row[2] == str(len(data)),
              "installed RECORD line %r does not match %s" % (row, fp))
        hashed += 1
    check(hashed >= 4, "installed RECORD has only %d hashed lines" % hashed)
    check(sha256_file(ex) == CTX["snapshot_ex"], "input changed")


# ---------------------------------------------------------------- 2. raw copy


@case
def raw_copy_of_the_example_wheel(_):
    ex = example_wheel()
    out = repaired(ex)
    assert_raw_copy(ex, out)


@case
def raw_copy_keeps_modes_of_data_scripts(_):
    w = fixture("data_scripts-0.1-cp311-cp311-linux_x86_64.whl")
    out = repaired(w, name=retag(w, "manylinux_2_34_x86_64"))
    assert_raw_copy(w, out)
    e = {x["name"]: x for x in entries(out)}
    check(e["data_scripts-0.1.data/scripts/ds-tool"]["external_attr"] >> 16 == 0o100755,
          "script mode %o" % (e["data_scripts-0.1.data/scripts/ds-tool"]["external_attr"] >> 16))


@case
def raw_copy_of_stored_members_extra_fields_and_dates(_):
    # a zipfile-made wheel: stored and deflated members, distinct dates and modes,
    # extra fields, dist-info in the middle; WHEEL and RECORD stored
    ut = struct.pack("<HHBI", 0x5455, 5, 1, 1600000000)
    extra = [M("demo/data.bin", bytes(range(256)) * 8, compress=zipfile.ZIP_STORED,
               date=(2010, 3, 4, 5, 6, 8), mode=0o600, extra=ut),
             M("demo/zz_last.py", b"x = 1\n" * 50, date=(1999, 12, 31, 23, 59, 58), mode=0o640)]

    def order(ms):  # dist-info first, then the package (not sorted)
        return ms[-3:] + [ms[3], ms[1], ms[0], ms[2]]
    w = demo_wheel(extra=extra, order=order, wheel_kw={"compress": zipfile.ZIP_STORED, "mode": 0o664},
                   record_kw={"compress": zipfile.ZIP_STORED, "date": (2020, 2, 2, 2, 2, 2)})
    out = repaired(w, name=retag(w, "manylinux1_x86_64.manylinux_2_5_x86_64"))
    assert_raw_copy(w, out)
    e = {x["name"]: x for x in entries(out)}
    for n in ("demo-0.1.dist-info/WHEEL", "demo-0.1.dist-info/RECORD"):
        check(e[n]["compress_type"] == zipfile.ZIP_STORED, "%s not stored" % n)
    check(e["demo-0.1.dist-info/WHEEL"]["external_attr"] >> 16 == 0o100664, "WHEEL mode")
    assert_record_consistent(out)


@case
def raw_copy_of_deflated_dist_info(_):
    w = demo_wheel(wheel_kw={"compress": zipfile.ZIP_DEFLATED},
                   record_kw={"compress": zipfile.ZIP_DEFLATED},
                   so_kw={"compress": zipfile.ZIP_STORED})
    out = repaired(w)
    assert_raw_copy(w, out)
    e = {x["name"]: x for x in entries(out)}
    check(e["demo-0.1.dist-info/WHEEL"]["compress_type"] == zipfile.ZIP_DEFLATED, "WHEEL not deflated")
    check(e["demo-0.1.dist-info/RECORD"]["compress_type"] == zipfile.ZIP_DEFLATED, "RECORD not deflated")
    with zipfile.ZipFile(out) as z:
        check(z.testzip() is None, "CRC error in the output")


def rezip(path, zip64=False, stream=False):
    """Rewrites a wheel with zipfile: zip64 extra fields in the local headers, or
    data descriptors (written to a non-seekable stream)."""
    import copy
    import io
    with zipfile.ZipFile(path) as zi:
        items = [(copy.copy(i), zi.read(i.filename)) for i in zi.infolist()]

    class Stream(io.RawIOBase):
        def __init__(self):
            self.buf = bytearray()

        def writable(self):
            return True

        def write(self, b):
            self.buf += b
            return len(b)

    target = Stream() if stream else open(path + ".new", "wb")
    with zipfile.ZipFile(target, "w") as zo:
        for i, data in items:
            with zo.open(i, "w", force_zip64=zip64) as f:
                f.write(data)
    if stream:
        with open(path, "wb") as f:
            f.write(bytes(target.buf))
    else:
        target.close()
        os.replace(path + ".new", path)
    return path


def without_zip64(extra):
    out, pos = b"", 0
    while pos + 4 <= len(extra):
        tag, n = struct.unpack_from("<HH", extra, pos)
        if tag != 1:
            out += extra[pos:pos + 4 + n]
        pos += 4 + n
    return out


@case
def zip64_extras_and_data_descriptors_in_the_input(_):
    for i, kw in enumerate(({"zip64": True}, {"stream": True})):
        name = "zz%d-0.1-cp311-cp311-linux_x86_64.whl" % i
        w = rezip(demo_wheel(name), **kw)
        if "stream" in kw:
            with zipfile.ZipFile(w) as z:
                check(all(x.flag_bits & 8 for x in z.infolist()), "no data descriptors in the input")
        else:
            check(all(e["local_extra"][:2] == b"\x01\x00" for e in entries(w)), "no zip64 extras in the input")
        out = repaired(w, wdir=tmp("w%d" % i))
        with zipfile.ZipFile(out) as z:
            check(z.testzip() is None, "CRC error in the output")
        a = {e["name"]: e for e in entries(w)}
        b = entries(out)
        check([e["name"] for e in b] == list(a), "member order")
        for e in b:
            if e["name"].endswith(("/WHEEL", "/RECORD")):
                continue
            x = a[e["name"]]
            for k in ("compress_type", "crc", "date_time", "external_attr", "compress_size", "file_size", "raw"):
                check(e[k] == x[k], "%s: %s differs" % (e["name"], k))
            # the zip64 field describes sizes and offsets: it may be rewritten, other fields may not
            check(without_zip64(e["local_extra"]) == without_zip64(x["local_extra"]),
                  "%s: local extra %r, input %r" % (e["name"], e["local_extra"], x["local_extra"]))
        assert_record_consistent(out)
        rc, o, err = wheelaudit("show", out)
        check(rc == 0, "show on the output: exit %d" % rc, o, err)


# ---------------------------------------------------------------- 3. reproducibility


@case
def two_repairs_are_byte_identical(_):
    ex = example_wheel()
    a = repaired(ex, wdir=tmp("a"))
    b = repaired(ex, wdir=tmp("b"), env=clean_env())
    check(run(["cmp", a, b]).returncode == 0, "two repairs differ")
    c = repaired(ex, "--threads", "1", wdir=tmp("c"))
    d = repaired(ex, "--threads", "4", wdir=tmp("d"))
    check(run(["cmp", c, d]).returncode == 0 and run(["cmp", a, c]).returncode == 0,
          "repairs with --threads 1/4 differ")


@case
def rewritten_members_take_the_input_wheel_entry_time(_):
    w = demo_wheel(wheel_kw={"date": (2022, 2, 2, 10, 20, 30)},
                   record_kw={"date": (2019, 9, 9, 9, 9, 8)})
    a = repaired(w, wdir=tmp("a"))
    b = repaired(w, wdir=tmp("b"))
    check(run(["cmp", a, b]).returncode == 0, "two repairs differ")
    e = {x["name"]: x for x in entries(a)}
    for n in ("demo-0.1.dist-info/WHEEL", "demo-0.1.dist-info/RECORD"):
        check(e[n]["date_time"] == (2022, 2, 2, 10, 20, 30), "%s date %r" % (n, e[n]["date_time"]))
    check(e["demo-0.1.dist-info/METADATA"]["date_time"] == DATE, "METADATA date changed")


@case
def source_date_epoch_dates_wheel_and_record(_):
    w = demo_wheel(wheel_kw={"date": (2022, 2, 2, 10, 20, 30)})
    env = clean_env(SOURCE_DATE_EPOCH="1700000000", TZ="America/New_York")
    a = repaired(w, wdir=tmp("a"), env=env)
    b = repaired(w, wdir=tmp("b"), env=clean_env(SOURCE_DATE_EPOCH="1700000000", TZ="Asia/Tokyo"))
    check(run(["cmp", a, b]).returncode == 0, "two SOURCE_DATE_EPOCH repairs differ (TZ?)")
    want = time.gmtime(1700000000)[:6]  # 2023-11-14 22:13:20 UTC
    check(want == (2023, 11, 14, 22, 13, 20), "gmtime")
    e = {x["name"]: x for x in entries(a)}
    for n in ("demo-0.1.dist-info/WHEEL", "demo-0.1.dist-info/RECORD"):
        check(e[n]["date_time"] == want, "%s date %r, expected %r" % (n, e[n]["date_time"], want))
    for n in e:
        if not n.endswith(("/WHEEL", "/RECORD")):
            check(e[n]["date_time"] == DATE, "%s date changed to %r" % (n, e[n]["date_time"]))
    assert_raw_copy(w, a)
    # the example fixture too
    ex = example_wheel()
    c = repaired(ex, wdir=tmp("c"), env=env)
    d = repaired(ex, wdir=tmp("d"), env=env)
    check(run(["cmp", c, d]).returncode == 0, "two SOURCE_DATE_EPOCH repairs differ")
    ec = {x["name"]: x for x in entries(c)}
    check(ec[dist_info_file(c, "WHEEL")]["date_time"] == want, "example WHEEL date")


@case
def invalid_source_date_epoch_is_usage_error(_):
    ex = example_wheel()
    for v in ("abc", "-1", "1e9", "1700000000x", "0x10", "99999999999999999999999"):
        wd = tmp("w_" + hashlib.md5(v.encode()).hexdigest()[:8])
        rc, out, err = casekit.repair("-w", wd, ex, env=clean_env(SOURCE_DATE_EPOCH=v))
        check(rc == 2, "SOURCE_DATE_EPOCH=%r: exit %d, expected 2" % (v, rc), out, err)
        check("SOURCE_DATE_EPOCH" in err, "stderr does not name SOURCE_DATE_EPOCH", err)
        check(out == "", "stdout not empty", out)
        assert_nothing_written(wd)


# ---------------------------------------------------------------- 4. WHEEL and RECORD


@case
def wheel_tag_lines_are_python_x_abi_x_platform(_):
    w = demo_wheel("demo-0.1-cp311.cp312-abi3.cp311-linux_x86_64.whl")
    plats = ["manylinux1_x86_64", "manylinux_2_5_x86_64"]
    out = repaired(w, name="demo-0.1-cp311.cp312-abi3.cp311-manylinux1_x86_64.manylinux_2_5_x86_64.whl")
    want = ["%s-%s-%s" % (p, a, pl) for p in ("cp311", "cp312") for a in ("abi3", "cp311") for pl in plats]
    check(wheel_tags(out) == want, "Tag lines %r, expected %r" % (wheel_tags(out), want))
    assert_record_consistent(out)


@case
def wheel_lines_keep_their_place_and_build_tag(_):
    body = ["Wheel-Version: 1.0", "Generator: bdist_wheel (0.40.0)", "Root-Is-Purelib: false",
            "Tag: cp311-cp311-linux_x86_64", "Build: 7", "X-Custom: kept"]
    w = demo_wheel("demo-0.1-7-cp311-cp311-linux_x86_64.whl", wheel=wheel_text(None, body=body))
    out = repaired(w, name="demo-0.1-7-cp311-cp311-manylinux1_x86_64.manylinux_2_5_x86_64.whl")
    want = ["Wheel-Version: 1.0", "Generator: bdist_wheel (0.40.0)", "Generator: wheelaudit " + tool_version(),
            "Root-Is-Purelib: false", "Tag: cp311-cp311-manylinux1_x86_64",
            "Tag: cp311-cp311-manylinux_2_5_x86_64", "Build: 7", "X-Custom: kept"]
    check(wheel_lines(out) == want, "WHEEL:\n%s\nexpected:\n%s" % ("\n".join(wheel_lines(out)), "\n".join(want)))
    check(members(out)["demo-0.1.dist-info/WHEEL"].endswith(b"X-Custom: kept\n"), "final newline")
    # a WHEEL whose last line has no newline
    w = demo_wheel("nonl-0.1-cp311-cp311-linux_x86_64.whl",
                   wheel=b"Wheel-Version: 1.0\nGenerator: x\nRoot-Is-Purelib: false\nTag: cp311-cp311-linux_x86_64")
    data = members(repaired(w))["nonl-0.1.dist-info/WHEEL"]
    check(data.startswith(b"Wheel-Version: 1.0\nGenerator: x\nGenerator: wheelaudit ") and
          data.endswith(b"\nTag: cp311-cp311-manylinux1_x86_64\nTag: cp311-cp311-manylinux_2_5_x86_64\n"),
          "WHEEL %r" % data)


@case
def generator_goes_after_the_last_generator_line(_):
    body = ["Wheel-Version: 1.0", "Generator: bdist_wheel (0.40.0)", "Root-Is-Purelib: false",
            "Generator: custom-tool 2", "Tag: cp311-cp311-linux_x86_64"]
    w = demo_wheel(wheel=wheel_text(None, body=body))
    out = repaired(w)
    want = ["Wheel-Version: 1.0", "Generator: bdist_wheel (0.40.0)", "Root-Is-Purelib: false",
            "Generator: custom-tool 2", "Generator: wheelaudit " + tool_version(),
            "Tag: cp311-cp311-manylinux1_x86_64", "Tag: cp311-cp311-manylinux_2_5_x86_64"]
    check(wheel_lines(out) == want, "WHEEL:\n%s" % "\n".join(wheel_lines(out)))
    # two adjacent Generator lines
    body = ["Wheel-Version: 1.0", "Generator: a 1", "Generator: b 2", "Root-Is-Purelib: false",
            "Tag: cp311-cp311-linux_x86_64"]
    w = demo_wheel("two-0.1-cp311-cp311-linux_x86_64.whl", wheel=wheel_text(None, body=body))
    out = repaired(w)
    check(wheel_lines(out)[:4] == ["Wheel-Version: 1.0", "Generator: a 1", "Generator: b 2",
                                   "Generator: wheelaudit " + tool_version()],
          "WHEEL:\n%s" % "\n".join(wheel_lines(out)))
    # no Generator line at all (or only an older wheelaudit's): exactly one is added,
    # the other lines keep their order (the spec does not say where it goes)
    for i, gens in enumerate(([], ["wheelaudit 0.0.9"])):
        body = ["Wheel-Version: 1.0"] + ["Generator: " + g for g in gens] + \
            ["Root-Is-Purelib: false", "Tag: cp311-cp311-linux_x86_64"]
        w = demo_wheel("nogen%d-0.1-cp311-cp311-linux_x86_64.whl" % i, wheel=wheel_text(None, body=body))
        lines = wheel_lines(repaired(w))
        check([l for l in lines if l.startswith("Generator:")] == ["Generator: wheelaudit " + tool_version()],
              "WHEEL:\n%s" % "\n".join(lines))
        check([l for l in lines if not l.startswith(("Generator:", "Tag:"))] ==
              ["Wheel-Version: 1.0", "Root-Is-Purelib: false"], "WHEEL:\n%s" % "\n".join(lines))


@case
def repairing_again_does_not_stack_generator_lines(_):
    ex = example_wheel()
    first = repaired(ex, wdir=tmp("a"))
    # a repaired wheel repaired again (into another directory): one wheelaudit line
    second = repaired(first, wdir=tmp("b"), name=os.path.basename(first))
    gens = [l for l in wheel_lines(second) if l.startswith("Generator: wheelaudit")]
    check(gens == ["Generator: wheelaudit " + tool_version()], "Generator lines %r" % wheel_lines(second))
    check(wheel_lines(second) == wheel_lines(first), "WHEEL changed on re-repair:\n%s"
          % "\n".join(wheel_lines(second)))
    check(members(second) == members(first), "contents changed on re-repair")
    assert_raw_copy(first, second)
    # an older wheelaudit's line is replaced, in place of the last remaining Generator
    body = ["Wheel-Version: 1.0", "Generator: bdist_wheel (0.40.0)", "Generator: wheelaudit 0.0.9",
            "Root-Is-Purelib: false", "Tag: cp311-cp311-linux_x86_64"]
    w = demo_wheel(wheel=wheel_text(None, body=body))
    out = repaired(w, wdir=tmp("c"))
    check(wheel_lines(out)[:4] == ["Wheel-Version: 1.0", "Generator: bdist_wheel (0.40.0)",
                                   "Generator: wheelaudit " + tool_version(), "Root-Is-Purelib: false"],
          "WHEEL:\n%s" % "\n".join(wheel_lines(out)))
    check(sum(l.startswith("Generator: wheelaudit") for l in wheel_lines(out)) == 1, "stacked")


@case
def crlf_wheel_file_keeps_crlf(_):
    w = demo_wheel(wheel=wheel_text(["cp311-cp311-linux_x86_64"], eol="\r\n"))
    out = repaired(w)
    data = members(out)["demo-0.1.dist-info/WHEEL"]
    check(data.endswith(b"\r\n"), "WHEEL does not end with CRLF: %r" % data)
    check(data.count(b"\n") == data.count(b"\r\n"), "bare LF in WHEEL: %r" % data)
    check(b"Generator: wheelaudit " + tool_version().encode() + b"\r\n" in data, "Generator line %r" % data)
    check(b"Tag: cp311-cp311-manylinux1_x86_64\r\nTag: cp311-cp311-manylinux_2_5_x86_64\r\n" in data,
          "Tag lines %r" % data)
    assert_record_consistent(out)
    # CRLF with an older wheelaudit line
    body = b"Wheel-Version: 1.0\r\nGenerator: bdist\r\nGenerator: wheelaudit 0.0.9\r\n" \
        b"Root-Is-Purelib: false\r\nTag: cp311-cp311-linux_x86_64\r\n"
    w = demo_wheel("crlf2-0.1-cp311-cp311-linux_x86_64.whl", wheel=body)
    data = members(repaired(w, wdir=tmp("b")))["crlf2-0.1.dist-info/WHEEL"]
    want = ("Wheel-Version: 1.0\r\nGenerator: bdist\r\nGenerator: wheelaudit %s\r\nRoot-Is-Purelib: false\r\n"
            "Tag: cp311-cp311-manylinux1_x86_64\r\nTag: cp311-cp311-manylinux_2_5_x86_64\r\n" % tool_version())
    check(data == want.encode(), "WHEEL %r" % data)
    # a CRLF RECORD: the unchanged lines stay byte-identical
    w = demo_wheel("crlf3-0.1-cp311-cp311-linux_x86_64.whl", record_data=lambda r: r.replace(b"\n", b"\r\n"))
    out = repaired(w, wdir=tmp("c"))
    a = members(w)["crlf3-0.1.dist-info/RECORD"].split(b"\n")
    b = members(out)["crlf3-0.1.dist-info/RECORD"].split(b"\n")
    keep = lambda ls: [l for l in ls if not l.startswith(b"crlf3-0.1.dist-info/WHEEL,")]
    check(keep(a) == keep(b) and len(a) == len(b), "RECORD lines changed:\n%r\n%r" % (a, b))
    assert_record_consistent(out)


@case
def record_lines_unchanged_except_wheel_and_record(_):
    ex = example_wheel()
    out = repaired(ex)
    a, b = record_lines(ex), record_lines(out)
    wheel, record = dist_info_file(ex, "WHEEL"), dist_info_file(ex, "RECORD")
    check(len(a) == len(b), "RECORD has %d lines, input %d" % (len(b), len(a)))
    wdata = members(out)[wheel]
    for x, y in zip(a, b):
        if x.startswith(wheel + ","):
            check(y == "%s,sha256=%s,%d" % (wheel, b64digest(wdata), len(wdata)), "WHEEL line %r" % y)
        elif x.startswith(record + ","):
            check(y == record + ",,", "RECORD line %r" % y)
        else:
            check(x == y, "RECORD line changed: %r -> %r" % (x, y))
    assert_record_consistent(out)
    # byte-identical, quoted names included (a file name with a comma)
    w = demo_wheel(extra=[M('demo/a,b "c".txt', b"comma\n")])
    out = repaired(w, wdir=tmp("q"))
    ra = members(w)["demo-0.1.dist-info/RECORD"]
    rb = members(out)["demo-0.1.dist-info/RECORD"]
    check(b'"demo/a,b ""c"".txt",sha256=' in rb, "quoted line rewritten: %r" % rb)
    keep = lambda r: [l for l in r.split(b"\n") if not l.startswith(b"demo-0.1.dist-info/WHEEL,")]
    check(keep(ra) == keep(rb), "RECORD lines changed:\n%r\n%r" % (ra, rb))
    assert_record_consistent(out)


@case
def record_own_line_kept_in_place_or_added(_):
    own = "demo-0.1.dist-info/RECORD,,"

    def first(record):  # RECORD's own line first
        lines = record.decode().splitlines()
        return ("\n".join([own] + [l for l in lines if l != own]) + "\n").encode()
    w = demo_wheel(record_data=first)
    out = repaired(w, wdir=tmp("a"))
    lines = record_lines(out)
    strip = lambda ls: [l for l in ls if not l.startswith("demo-0.1.dist-info/WHEEL,")]
    check(lines[0] == own and strip(lines) == strip(record_lines(w)), "RECORD %r" % lines)
    assert_record_consistent(out)
    # a RECORD that does not list itself gets its line (at the end)
    w = demo_wheel(record_data=lambda r: r.replace(own.encode() + b"\n", b""))
    check(own not in record_lines(w), "builder")
    out = repaired(w, wdir=tmp("b"))
    lines = record_lines(out)
    check(lines[-1] == own and strip(lines[:-1]) == strip(record_lines(w)), "RECORD %r" % lines)
    assert_record_consistent(out)


@case
def record_signatures_are_dropped_with_a_warning(_):
    jws = M("demo-0.1.dist-info/RECORD.jws", b'{"signatures": []}', record="omit")
    p7s = M("demo-0.1.dist-info/RECORD.p7s", b"\x30\x82\x00\x00", record="nodigest")
    w = demo_wheel(extra=[jws, p7s])
    out = repaired(w, "--verbose", wdir=tmp("v"))
    rc, o, err = casekit.repair("--verbose", "-w", tmp("wheelhouse"), w)
    check(rc == 0, "exit %d" % rc, err)
    want = "wheelaudit: %s -> %s (3 members copied, 2 rewritten)" % (w, o.strip())
    check(want in err.splitlines(), "stderr lacks %r" % want, err)
    for n in ("RECORD.jws", "RECORD.p7s"):
        check(any("dropped" in l and n in l and "signature would not match the new RECORD" in l
                  for l in err.splitlines()), "no warning about dropping %s" % n, err)
    ms = members(out)
    check(not any(n.endswith(("RECORD.jws", "RECORD.p7s")) for n in ms), "signature kept: %r" % list(ms))
    check(not any("RECORD.jws" in l or "RECORD.p7s" in l for l in record_lines(out)),
          "RECORD still lists a signature: %r" % record_lines(out))
    assert_raw_copy(w, out, dropped=(jws.name, p7s.name))
    assert_record_consistent(out)


@case
def show_on_the_output_agrees(_):
    for w, tagset in ((example_wheel(), "manylinux1_x86_64.manylinux_2_5_x86_64"),
                      (fixture("glibc234_mod-0.1-cp311-cp311-linux_x86_64.whl"), "manylinux_2_34_x86_64"),
                      (fixture("aarch64_ok-0.1-cp311-cp311-linux_aarch64.whl"),
                       "manylinux2014_aarch64.manylinux_2_17_aarch64")):
        out = repaired(w, name=retag(w, tagset), wdir=tmp("w_" + os.path.basename(w)[:8]))
        rc, o, err = wheelaudit("show", "--json", out)
        check(rc == 0, "show on %s: exit %d" % (out, rc), o, err)
        a = json.loads(o)["wheels"][0]
        check(sorted(a["verdict"]["tags"]) == tagset.split("."), "show tags %r, repair %r"
              % (a["verdict"]["tags"], tagset))
        bad = [f for f in a["findings"] if f["severity"] != "info"]
        check(not bad, "show finds problems in the repaired wheel: %r" % bad)
        rc, o, err = wheelaudit("show", out)
        check(rc == 0 and o.startswith(os.path.basename(out) + ": "), "show text", o, err)
        check(sorted(o.splitlines()[0].split(": ", 1)[1].split(".")) == tagset.split("."),
              "show verdict %r" % o.splitlines()[0])
        py, abi = os.path.basename(w).split("-")[2:4]
        check(wheel_tags(out) == ["%s-%s-%s" % (py, abi, t) for t in tagset.split(".")],
              "WHEEL tags %r" % wheel_tags(out))


@case
def verbose_reports_counts_on_stderr(_):
    ex = example_wheel()
    lines, err = repair_wheels(ex, "--verbose")
    n = len(entries(ex))
    want = "wheelaudit: %s -> %s (%d members copied, 2 rewritten)" % (ex, lines[0], n - 2)
    check(want in err.splitlines(), "stderr lacks %r" % want, err)
    check(len(lines) == 1, "--verbose wrote more than the path on stdout: %r" % lines)


@case
def default_wheel_dir_and_nested_creation(_):
    ex = example_wheel()
    rc, out, err = casekit.repair(ex)
    name = retag(ex, "manylinux1_x86_64.manylinux_2_5_x86_64")
    check(rc == 0 and out == "wheelhouse/%s\n" % name, "default -w: exit %d, stdout %r" % (rc, out), err)
    check(os.path.isfile(tmp("wheelhouse", name)), "not written under cwd/wheelhouse")
    rc, out, err = casekit.repair("--wheel-dir", "a/b/c", ex)
    check(rc == 0 and out == "a/b/c/%s\n" % name, "nested: exit %d, stdout %r" % (rc, out), err)
    check(os.path.isfile(tmp("a", "b", "c", name)), "nested dir not created")


@case
def existing_output_is_replaced(_):
    ex = example_wheel()
    wd = tmp("wheelhouse")
    os.makedirs(wd)
    name = retag(ex, "manylinux1_x86_64.manylinux_2_5_x86_64")
    with open(os.path.join(wd, name), "wb") as f:
        f.write(b"old contents")
    out = repaired(ex, name=name)
    assert_raw_copy(ex, out)


# ---------------------------------------------------------------- 5. tag naming

EX_AUTO = "manylinux1_x86_64.manylinux_2_5_x86_64"
EX_2014 = "manylinux1_x86_64.manylinux2014_x86_64.manylinux_2_17_x86_64.manylinux_2_5_x86_64"


@case
def plat_policy_names_and_aliases(_):
    ex = example_wheel()
    for i, plat in enumerate(("manylinux2014", "manylinux2014_x86_64", "manylinux_2_17",
                              "manylinux_2_17_x86_64")):
        out = repaired(ex, "--plat", plat, wdir=tmp("p%d" % i), name=retag(ex, EX_2014))
        py = os.path.basename(ex).split("-")[2]
        check(wheel_tags(out) == ["%s-%s-%s" % (py, py, t) for t in EX_2014.split(".")],
              "--plat %s: Tag lines %r" % (plat, wheel_tags(out)))
    for i, plat in enumerate(("manylinux1", "manylinux1_x86_64", "manylinux_2_5", "manylinux_2_5_x86_64",
                              "auto")):
        repaired(ex, "--plat", plat, wdir=tmp("q%d" % i), name=retag(ex, EX_AUTO))


@case
def plat_more_recent_than_best_keeps_best(_):
    ex = example_wheel()
    repaired(ex, "--plat", "manylinux_2_28_x86_64",
             name=retag(ex, "manylinux1_x86_64.manylinux_2_28_x86_64.manylinux_2_5_x86_64"))
    repaired(ex, "--plat", "manylinux_2_12", wdir=tmp("b"),
             name=retag(ex, "manylinux1_x86_64.manylinux2010_x86_64.manylinux_2_12_x86_64.manylinux_2_5_x86_64"))


@case
def only_plat_tags_only_the_target(_):
    ex = example_wheel()
    repaired(ex, "--only-plat", "--plat", "manylinux_2_28_x86_64", wdir=tmp("a"),
             name=retag(ex, "manylinux_2_28_x86_64"))
    repaired(ex, "--plat", "manylinux2014", "--only-plat", wdir=tmp("b"),
             name=retag(ex, "manylinux2014_x86_64.manylinux_2_17_x86_64"))
    # without a target it has no effect (auditwheel accepts it so), and -v says so
    for i, opts in enumerate((["--only-plat"], ["--only-plat", "--plat", "auto"])):
        rc, out, err = casekit.repair("-v", "-w", tmp("c%d" % i), *opts, ex)
        check(rc == 0 and "--only-plat without a --plat policy has no effect" in err,
              "%s: exit %d, expected 0 and a note" % (opts, rc), out, err)
        check(os.path.basename(out.strip()) == retag(ex, EX_AUTO),
              "%s wrote %r, expected the auto tags" % (opts, out))


@case
def plat_too_old_is_rejected(_):
    w = fixture("glibc234_mod-0.1-cp311-cp311-linux_x86_64.whl")
    for plat in ("manylinux_2_17_x86_64", "manylinux2014", "manylinux_2_28"):
        lines, err = repair_wheels(w, "--plat", plat, code=1)
        check(lines == [], "stdout %r" % lines)
        check("wheelaudit: error: %s: rejected: " % os.path.basename(w) in err, "no rejected line", err)
        assert_nothing_written(tmp("wheelhouse"))
    repaired(w, "--plat", "manylinux_2_34", name=retag(w, "manylinux_2_34_x86_64"))


@case
def plat_of_another_arch_or_family_is_rejected(_):
    ex = example_wheel()
    for plat in ("manylinux2014_aarch64", "manylinux_2_17_i686", "musllinux_1_2",
                 "musllinux_1_2_x86_64"):
        lines, err = repair_wheels(ex, "--plat", plat, code=1)
        check(lines == [] and "rejected: " in err, "--plat %s: %r" % (plat, lines), err)
        assert_nothing_written(tmp("wheelhouse"))


@case
def unknown_plat_is_usage_error_naming_its_source(_):
    ex = example_wheel()
    for opts, env, source, value in (
            (["--plat", "bogus"], clean_env(), "--plat", "bogus"),
            (["--plat", "manylinux_2_17_x86_64_x86_64"], clean_env(), "--plat", "manylinux_2_17_x86_64_x86_64"),
            ([], clean_env(WHEELAUDIT_PLAT="bogus"), "WHEELAUDIT_PLAT", "bogus"),
            ([], clean_env(AUDITWHEEL_PLAT="bogus"), "AUDITWHEEL_PLAT", "bogus"),
            ([], clean_env(WHEELAUDIT_PLAT="bogus", AUDITWHEEL_PLAT="manylinux2014"), "WHEELAUDIT_PLAT", "bogus")):
        rc, out, err = casekit.repair("-w", tmp("w"), *opts, ex, env=env)
        check(rc == 2, "%s=%s: exit %d, expected 2" % (source, value, rc), out, err)
        check(err.startswith("wheelaudit: error: %s: " % source) and value in err.splitlines()[0],
              "stderr does not name %s and %s" % (source, value), err)
        check(out == "", "stdout %r" % out)
        assert_nothing_written(tmp("w"))


@case
def plat_environment_variables(_):
    ex = example_wheel()
    repaired(ex, wdir=tmp("a"), env=clean_env(AUDITWHEEL_PLAT="manylinux2014"), name=retag(ex, EX_2014))
    repaired(ex, wdir=tmp("b"), env=clean_env(WHEELAUDIT_PLAT="manylinux_2_17"), name=retag(ex, EX_2014))
    # ours wins over auditwheel's
    repaired(ex, wdir=tmp("c"), env=clean_env(WHEELAUDIT_PLAT="manylinux_2_28_x86_64",
                                             AUDITWHEEL_PLAT="manylinux2014"),
             name=retag(ex, "manylinux1_x86_64.manylinux_2_28_x86_64.manylinux_2_5_x86_64"))
    # --plat wins over both
    repaired(ex, "--plat", "auto", wdir=tmp("d"), env=clean_env(WHEELAUDIT_PLAT="manylinux_2_28_x86_64"),
             name=retag(ex, EX_AUTO))
    repaired(ex, "--plat", "manylinux2014", wdir=tmp("e"), env=clean_env(WHEELAUDIT_PLAT="bogus"),
             name=retag(ex, EX_2014))
    # an environment target the wheel does not meet rejects it
    lines, err = repair_wheels(ex, wdir=tmp("f"), env=clean_env(AUDITWHEEL_PLAT="manylinux_2_17_aarch64"), code=1)
    assert_nothing_written(tmp("f"))


@case
def static_libc_module_gets_both_families(_):
    w = fixture("static_libc-0.1-cp36-abi3-linux_x86_64.whl")
    out = repaired(w, wdir=tmp("a"),
                   name="static_libc-0.1-cp36-abi3-manylinux1_x86_64.manylinux_2_5_x86_64.musllinux_1_1_x86_64.whl")
    check(wheel_tags(out) == ["cp36-abi3-manylinux1_x86_64", "cp36-abi3-manylinux_2_5_x86_64",
                              "cp36-abi3-musllinux_1_1_x86_64"], "Tag lines %r" % wheel_tags(out))
    repaired(w, "--plat", "manylinux2014", wdir=tmp("b"),
             name="static_libc-0.1-cp36-abi3-%s.musllinux_1_1_x86_64.whl" % EX_2014)
    repaired(w, "--plat", "manylinux2014", "--only-plat", wdir=tmp("c"),
             name="static_libc-0.1-cp36-abi3-manylinux2014_x86_64.manylinux_2_17_x86_64.whl")
    repaired(w, "--plat", "musllinux_1_2", wdir=tmp("d"),
             name="static_libc-0.1-cp36-abi3-%s.musllinux_1_1_x86_64.musllinux_1_2_x86_64.whl" % EX_AUTO)


@case
def musl_module_gets_musllinux(_):
    w = fixture("musl_mod-0.1-cp311-cp311-linux_x86_64.whl")
    rc, o, _ = wheelaudit("show", w)
    best = o.splitlines()[0].split(": ", 1)[1]
    check(best.startswith("musllinux_1_") and "." not in best, "show verdict %r" % best)
    out = repaired(w, wdir=tmp("a"), name=retag(w, best))
    check(wheel_tags(out) == ["cp311-cp311-" + best], "Tag lines %r" % wheel_tags(out))
    lines, err = repair_wheels(w, "--plat", "manylinux2014", wdir=tmp("b"), code=1)
    assert_nothing_written(tmp("b"))


@case
def other_architectures_are_retagged(_):
    for w, tagset in (("aarch64_ok-0.1-cp311-cp311-linux_aarch64.whl", "manylinux2014_aarch64.manylinux_2_17_aarch64"),
                      ("i686_ok-0.1-cp311-cp311-linux_i686.whl", "manylinux1_i686.manylinux_2_5_i686"),
                      ("ppc64le_ok-0.1-cp311-cp311-linux_ppc64le.whl", "manylinux2014_ppc64le.manylinux_2_17_ppc64le"),
                      ("s390x_ok-0.1-cp311-cp311-linux_s390x.whl", "manylinux2014_s390x.manylinux_2_17_s390x"),
                      ("armhf_ok-0.1-cp311-cp311-linux_armv7l.whl", "manylinux2014_armv7l.manylinux_2_17_armv7l"),
                      ("zlib_mod-0.1-cp311-cp311-linux_x86_64.whl", "manylinux2010_x86_64.manylinux_2_12_x86_64")):
        w = fixture(w)
        out = repaired(w, wdir=tmp("w_" + os.path.basename(w)[:10]), name=retag(w, tagset))
        assert_raw_copy(w, out)


@case
def claim_met_gets_the_audited_tag_set(_):
    # the file name claims manylinux_2_17, the content meets manylinux_2_5
    w = demo_wheel("claim-0.1-cp311-cp311-manylinux_2_17_x86_64.whl")
    out = repaired(w, name="claim-0.1-cp311-cp311-manylinux1_x86_64.manylinux_2_5_x86_64.whl")
    check(wheel_tags(out) == ["cp311-cp311-manylinux1_x86_64", "cp311-cp311-manylinux_2_5_x86_64"],
          "Tag lines %r" % wheel_tags(out))


# ---------------------------------------------------------------- 6. rejections


def rejected(wheel, code, *opts, fragment=None):
    """repair must reject: exit code, `rejected:` line, nothing on stdout, nothing written."""
    before = sha256_file(wheel)
    wd = tmp("rej")
    lines, err = repair_wheels(wheel, *opts, wdir=wd, code=code)
    check(lines == [], "stdout not empty: %r" % lines)
    prefix = "wheelaudit: error: %s: rejected: " % os.path.basename(wheel)
    rej = [l for l in err.splitlines() if l.startswith(prefix)]
    check(len(rej) == 1, "stderr lacks one %r line" % prefix, err)
    if fragment:
        check(fragment in rej[0], "reason %r lacks %r" % (rej[0], fragment))
    check(err.splitlines()[0].startswith(os.path.basename(wheel) + ": "),
          "stderr does not start with the show-style report", err)
    assert_nothing_written(wd)
    check(sha256_file(wheel) == before, "input changed")
    return rej[0][len(prefix):], err


@case
def rejected_policy_violations(_):
    rejected(fixture("glibc234_mod-0.1-cp311-cp311-linux_x86_64.whl"), 1, "--plat", "manylinux2014",
             fragment="manylinux")
    rejected(fixture("isa_v3-0.1-cp311-cp311-linux_x86_64.whl"), 1, fragment="x86-64-v3")
    rejected(fixture("zlib_blacklist-0.1-cp311-cp311-linux_x86_64.whl"), 1, fragment="gzflags")
    rejected(fixture("aarch64_old-0.1-cp311-cp311-linux_aarch64.whl"), 1)
    w = fixture("isa_v3-0.1-cp311-cp311-linux_x86_64.whl")
    out = repaired(w, "--disable-isa-check", wdir=tmp("isa"))
    check(os.path.basename(out).split("-")[-1].startswith("manylinux"), "isa: %s" % out)


@case
def rejected_needs_graft(_):
    # libfoo.so.1 exists nowhere: the graft search fails and names it
    w = fixture("ext_lib-0.1-cp311-cp311-linux_x86_64.whl")
    reason, _ = rejected(w, 1, "--ldpaths", tmp(), fragment="libfoo.so.1")
    check(reason.startswith("a needed library was not found: libfoo.so.1 (needed by ext_lib/"),
          "reason %r" % reason)
    rejected(w, 1, "--ldpaths", tmp(), "--exclude", "libbar.so.*")
    rc, o, err = casekit.repair("--json", "--ldpaths", tmp(), "-w", tmp("j"), w)
    d = json.loads(o)["wheels"][0]
    check(rc == 1 and d["grafted"] == [] and len(d["missing"]) == 1
          and d["missing"][0].startswith("libfoo.so.1 (needed by ext_lib/"), "JSON %r" % d["missing"], err)


@case
def exclude_makes_the_external_library_the_users(_):
    w = fixture("ext_lib-0.1-cp311-cp311-linux_x86_64.whl")
    for i, glob_ in enumerate(("libfoo.so.1", "libfoo.so.*", "libfoo*")):
        out = repaired(w, "--exclude", glob_, "--exclude", "libnothing.so", wdir=tmp("x%d" % i),
                       name=retag(w, EX_AUTO))
        assert_raw_copy(w, out)
    rc, o, err = casekit.repair("--json", "-w", tmp("j"), "--exclude", "libfoo.so.1", w)
    check(rc == 0, "exit %d" % rc, o, err)
    d = json.loads(o)["wheels"][0]
    check(d["outcome"] == "repaired" and d["tagset"] == EX_AUTO, "JSON %r" % {k: d[k] for k in d if k != "audit"})
    ex = [f for f in d["audit"]["findings"] if f["kind"] == "excluded-library"]
    check(len(ex) == 1 and ex[0]["severity"] == "info" and ex[0]["library"] in ("libfoo.so.1", None)
          and "libfoo.so.1" in ex[0]["message"] and "--exclude" in ex[0]["message"],
          "excluded-library finding %r" % d["audit"]["findings"])
    check(not d["audit"]["external_libraries"], "still external: %r" % d["audit"]["external_libraries"])
    # show takes --exclude too (as auditwheel's does), with the same meaning
    rc, o, err = wheelaudit("show", "--json", "--exclude", "libfoo.so.1", w)
    check(rc == 0 and any(f["kind"] == "excluded-library"
                          for f in json.loads(o)["wheels"][0]["findings"]),
          "show --exclude: exit %d, expected 0 and an excluded-library finding" % rc, o, err)
    rc, o, err = wheelaudit("show", w)
    check(rc == 1, "show without --exclude: exit %d, expected 1" % rc, o, err)


@case
def exclude_json_validates_against_show_schema(_):
    w = fixture("ext_lib-0.1-cp311-cp311-linux_x86_64.whl")
    rc, o, err = casekit.repair("--json", "-w", tmp("j"), "--exclude", "libfoo.so.1", w)
    check(rc == 0, "exit %d" % rc, o, err)
    validate_audit(json.loads(o)["wheels"][0]["audit"])


@case
def rejected_foreign_architecture(_):
    for w in ("armhf_in_aarch64-0.1-cp311-cp311-linux_aarch64.whl",
              "i386_in_x86_64-0.1-cp311-cp311-linux_x86_64.whl",
              "x86_64_in_aarch64-0.1-cp311-cp311-linux_aarch64.whl",
              "ppc64_be_in_ppc64le-0.1-cp311-cp311-linux_ppc64le.whl"):
        rejected(fixture(w), 4)


@case
def rejected_mixed_libc(_):
    rejected(fixture("mixed_libc-0.1-cp311-cp311-linux_x86_64.whl"), 4)


@case
def rejected_no_policy_for_arch(_):
    for w in ("mips64_mod-0.1-cp311-cp311-linux_mips64.whl", "armhf_v6-0.1-cp311-cp311-linux_armv6l.whl",
              "armel_soft-0.1-cp311-cp311-linux_armv5l.whl"):
        rejected(fixture(w), 1)


@case
def rejected_claim_not_met(_):
    # spec: a lying tag is a broken build, rejected like show (exit 1), not silently retagged
    reason, _ = rejected(fixture("claim_not_met-0.1-cp311-cp311-manylinux_2_17_x86_64.whl"), 1,
                         fragment="manylinux_2_17_x86_64")


@case
def pure_wheel_exits_5_or_is_copied(_):
    w = fixture("pure_pkg-0.1-py3-none-any.whl")
    reason, _ = rejected(w, 5)
    check(reason == "pure wheel: nothing to repair (--allow-pure copies it)", "reason %r" % reason)
    out = repaired(w, "--allow-pure", name=os.path.basename(w))
    a, b = entries(w), entries(out)
    check([e["name"] for e in a] == [e["name"] for e in b], "member order")
    for x, y in zip(a, b):
        for k in RAW_KEYS:
            check(x[k] == y[k], "%s: %s differs" % (x["name"], k))
    doc, _ = repair_json(w, wdir=tmp("k"), code=5)
    check(doc["wheels"][0]["outcome"] == "rejected", "outcome %r" % doc["wheels"][0]["outcome"])
    assert_nothing_written(tmp("k"))
    doc, _ = repair_json(w, "--allow-pure", wdir=tmp("j"))
    check(doc["wheels"][0]["outcome"] == "copied", "outcome %r" % doc["wheels"][0]["outcome"])
    check(doc["wheels"][0]["output"] == os.path.join(tmp("j"), os.path.basename(w)), "output")


# ---------------------------------------------------------------- 7. invalid input

BAD_SO = "bad/_example.cpython-311-x86_64-linux-gnu.so"
BAD = {
    "bad_dotdot": ("../evil.py", "UNSAFE"),
    "bad_absolute": ("/abs/evil.py", "UNSAFE"),
    "bad_backslash": ("bad\\evil.py", "UNSAFE"),
    "bad_symlink": ("bad/link.so", "UNSAFE"),
    "bad_duplicate": (BAD_SO, "UNSAFE"),
    "bad_hash": (BAD_SO, "RECORD"),
    "bad_size": (BAD_SO, "RECORD"),
    "bad_extra_record": ("bad/missing.py", "RECORD"),
    "bad_no_wheel": ("bad_no_wheel-0.1.dist-info/WHEEL", "NOTWHEEL"),
    "bad_no_record": ("bad_no_record-0.1.dist-info/RECORD", "NOTWHEEL"),
    "bad_truncated": ("", "NOTZIP"),
    "bad_elf_truncated": (BAD_SO, "BADELF"),
}


def invalid(wheel, member, code_name=None, fragment=None):
    before = sha256_file(wheel)
    wd = tmp("inv")
    lines, err = repair_wheels(wheel, wdir=wd, code=3)
    check(lines == [], "stdout not empty: %r" % lines)
    prefixes = ["wheelaudit: error: %s: " % w for w in (wheel, os.path.basename(wheel))]
    if member:
        prefixes = [p + member + ": " for p in prefixes]
    hit = [l for l in err.splitlines() if any(l.startswith(p) for p in prefixes)]
    check(hit, "stderr lacks %r" % prefixes[0], err)
    if fragment:
        check(fragment in hit[0], "message %r lacks %r" % (hit[0], fragment))
    check("rejected:" not in err, "invalid input reported as rejected", err)
    assert_nothing_written(wd)
    check(sha256_file(wheel) == before, "input changed")
    doc, err = repair_json(wheel, wdir=wd, code=3)
    d = doc["wheels"][0]
    check(d["outcome"] == "invalid" and d["exit_code"] == 3, "JSON outcome %r exit %r" % (d["outcome"], d["exit_code"]))
    check(d["audit"] is None, "JSON audit of an invalid wheel is not null")
    check(d["error"] is not None and (d["error"]["member"] or "") == member,
          "JSON error %r, expected member %r" % (d["error"], member))
    if code_name:
        check(code_name in str(d["error"]["code"]).upper(), "JSON error code %r" % d["error"]["code"])
    assert_nothing_written(wd)
    check(sha256_file(wheel) == before, "input changed")


def _bad_case(name, member, code_name):
    def fn(_):
        invalid(fixture("%s-0.1-cp311-cp311-linux_x86_64.whl" % name), member, code_name)
    fn.__name__ = "invalid_" + name
    return fn


for _n, (_m, _c) in BAD.items():
    case(_bad_case(_n, _m, _c))


@case
def invalid_unlisted_member(_):
    invalid(fixture("unlisted-0.1-cp311-cp311-linux_x86_64.whl"), "unlisted/extra.py", "RECORD",
            fragment="not listed in RECORD")
    w = demo_wheel(extra=[M("demo/secret.py", b"x = 1\n", record="omit")])
    invalid(w, "demo/secret.py", "RECORD", fragment="not listed in RECORD")


@case
def invalid_member_listed_without_digest(_):
    for i, kind in enumerate(("nodigest", "nodigest_size")):
        w = demo_wheel("nd%d-0.1-cp311-cp311-linux_x86_64.whl" % i,
                       extra=[M("nd%d/plain.py" % i, b"y = 2\n", record=kind)])
        invalid(w, "nd%d/plain.py" % i, "RECORD")


@case
def invalid_member_with_a_non_sha256_digest(_):
    data = b"z = 3\n"
    for i, field in enumerate(("sha1=" + base64.urlsafe_b64encode(hashlib.sha1(data).digest()).rstrip(b"=").decode(),
                               "md5=" + base64.urlsafe_b64encode(hashlib.md5(data).digest()).rstrip(b"=").decode())):
        w = demo_wheel("nh%d-0.1-cp311-cp311-linux_x86_64.whl" % i,
                       extra=[M("nh%d/plain.py" % i, data, record=field)])
        invalid(w, "nh%d/plain.py" % i, "RECORD")


@case
def directory_entries_need_no_record_line(_):
    w = demo_wheel(extra=[M("demo/sub/", b"", compress=zipfile.ZIP_STORED, mode=0o755, record="omit")],
                   order=lambda ms: [ms[2]] + ms[:2] + ms[3:])
    out = repaired(w)
    assert_raw_copy(w, out)
    check("demo/sub/" in members(out), "directory entry dropped")


# ---------------------------------------------------------------- 8. atomicity


def big_wheel(name="big-0.1-cp311-cp311-linux_x86_64.whl", size=64 * 1024):
    blob = random.Random(1).randbytes(size)
    return demo_wheel(name, extra=[M(name.split("-")[0] + "/blob.bin", blob, compress=zipfile.ZIP_STORED)])


@case
def file_size_limit_fails_cleanly(_):
    w = big_wheel()
    check(os.path.getsize(w) > 16 * 1024, "the big wheel is small")
    before = sha256_file(w)
    wd = tmp("wheelhouse")
    os.makedirs(wd)
    final = os.path.join(wd, retag(w, EX_AUTO))
    with open(final, "wb") as f:
        f.write(b"previous output")
    for opts in ([], ["--json"]):
        # under ulimit -f, through bash: nothing is written (exit 6), as checked here
        p = run(["bash", "-c", 'ulimit -f 4 && exec "$0" "$@"', CTX["bin"], "repair", "-w", wd] + opts + [w],
                env=clean_env(), timeout=60)
        check(p.returncode == 6, "ulimit -f 4 %s: exit %d, expected 6" % (opts, p.returncode), p.stdout, p.stderr)
        check(sorted(os.listdir(wd)) == [os.path.basename(final)], "left in the wheel dir: %r" % os.listdir(wd))
        with open(final, "rb") as f:
            check(f.read() == b"previous output", "the previous output was replaced or damaged")
        if opts:
            d = json.loads(p.stdout)["wheels"][0]
            check(d["outcome"] == "error" and d["exit_code"] == 6 and d["output"] is None,
                  "JSON %r" % {k: d[k] for k in d if k != "audit"})
        else:
            check(p.stdout == "", "stdout %r" % p.stdout)
            check("wheelaudit: error: " in p.stderr, "no error message", p.stderr)
    os.unlink(final)
    p = run(["bash", "-c", 'ulimit -f 4 && exec "$0" "$@"', CTX["bin"], "repair", "-w", wd, w],
            env=clean_env(), timeout=60)
    check(p.returncode == 6 and os.listdir(wd) == [], "exit %d, left %r" % (p.returncode, os.listdir(wd)),
          p.stderr)
    check(sha256_file(w) == before, "input changed")


@case
def wheel_dir_that_is_a_file_fails(_):
    ex = example_wheel()
    f = tmp("plainfile")
    with open(f, "w") as fh:
        fh.write("keep")
    for wd in (f, os.path.join(f, "sub")):
        rc, out, err = casekit.repair("-w", wd, ex)
        check(rc == 6, "-w %s: exit %d, expected 6" % (wd, rc), out, err)
        check(out == "", "stdout %r" % out)
        check(sorted(os.listdir(tmp())) == ["plainfile"], "created: %r" % os.listdir(tmp()))
        with open(f) as fh:
            check(fh.read() == "keep", "the file was changed")
    doc, err = repair_json(ex, wdir=f, code=6)
    d = doc["wheels"][0]
    check(d["outcome"] == "error" and d["error"] is not None and d["output"] is None,
          "JSON %r" % {k: d[k] for k in d if k != "audit"})
    check(sorted(os.listdir(tmp())) == ["plainfile"], "created: %r" % os.listdir(tmp()))


@case
def unwritable_wheel_dir_fails(_):
    if os.geteuid() == 0:
        raise Skip("root ignores directory permissions")
    ex = example_wheel()
    wd = tmp("ro")
    os.makedirs(wd)
    os.chmod(wd, 0o555)
    try:
        rc, out, err = casekit.repair("-w", wd, ex)
        check(rc == 6, "exit %d, expected 6" % rc, out, err)
        check(os.listdir(wd) == [], "created %r" % os.listdir(wd))
    finally:
        os.chmod(wd, 0o755)


@case
def output_that_would_replace_the_input_is_refused(_):
    ex = example_wheel()
    first = repaired(ex)
    before = sha256_file(first)
    wd = os.path.dirname(first)
    for w_opt in (wd, wd + "/.", tmp(".", "wheelhouse")):
        rc, out, err = casekit.repair("-w", w_opt, first)
        check(rc == 2, "-w %s on its own output: exit %d, expected 2" % (w_opt, rc), out, err)
        check(out == "", "stdout %r" % out)
        check(sha256_file(first) == before, "input changed")
        check(os.listdir(wd) == [os.path.basename(first)], "left: %r" % os.listdir(wd))
    doc, _ = repair_json(first, wdir=wd, code=2)
    check(doc["wheels"][0]["outcome"] == "refused", "JSON outcome %r" % doc["wheels"][0]["outcome"])
    # through a symlinked directory
    os.symlink(wd, tmp("link"))
    rc, out, err = casekit.repair("-w", tmp("link"), first)
    check(rc == 2 and sha256_file(first) == before, "via a symlinked dir: exit %d" % rc, out, err)
    # a hard link of the input at the output path is the input too
    os.makedirs(tmp("src"))
    src = tmp("src", os.path.basename(first))
    os.link(first, src)
    rc, out, err = casekit.repair("-w", wd, src)
    check(rc == 2 and sha256_file(first) == before, "hard link: exit %d" % rc, out, err)
    # but a copy elsewhere is repaired (into the input's name, replacing nothing it reads)
    os.unlink(src)
    shutil.copy(first, src)
    rc, out, err = casekit.repair("-w", wd, src)
    check(rc == 0 and out.strip() == first and sha256_file(first) == before,
          "a copy: exit %d, stdout %r" % (rc, out), err)


@case
def input_inside_the_wheel_dir_is_left_alone(_):
    ex = example_wheel()
    wd = tmp("dist")
    os.makedirs(wd)
    src = os.path.join(wd, os.path.basename(ex))
    shutil.copy(ex, src)
    out = repaired(src, wdir=wd, name=retag(ex, EX_AUTO))
    check(sorted(os.listdir(wd)) == sorted([os.path.basename(src), os.path.basename(out)]),
          "wheel dir: %r" % os.listdir(wd))
    check(sha256_file(src) == sha256_file(ex), "input changed")


@case
def concurrent_repairs_of_the_same_wheel(_):
    ex = example_wheel()
    ref = repaired(ex, wdir=tmp("ref"))
    wd = tmp("wheelhouse")
    ps = [subprocess.Popen([CTX["bin"], "repair", "-w", wd, ex], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=clean_env(), cwd=tmp()) for _ in range(6)]
    for p in ps:
        out, err = p.communicate(timeout=60)
        check(p.returncode == 0, "exit %d" % p.returncode, err.decode())
    check(os.listdir(wd) == [os.path.basename(ref)], "wheel dir: %r" % os.listdir(wd))
    # ref passed casekit's check of written wheels; the concurrent output is ref's bytes
    check(run(["cmp", ref, os.path.join(wd, os.path.basename(ref))]).returncode == 0,
          "concurrent output differs")


@case
def output_path_that_is_a_directory_fails(_):
    ex = example_wheel()
    wd = tmp("wheelhouse")
    os.makedirs(os.path.join(wd, retag(ex, EX_AUTO)))
    rc, out, err = casekit.repair("-w", wd, ex)
    check(rc == 6, "exit %d, expected 6" % rc, out, err)
    check(os.listdir(wd) == [retag(ex, EX_AUTO)], "left: %r" % os.listdir(wd))


@case
def signal_during_repair_leaves_no_temp_file(_):
    # a wheel big enough for the copy to take a while; the signal goes out as soon
    # as the temporary file shows up
    w = big_wheel(size=32 * 1024 * 1024)
    wd = tmp("wheelhouse")
    os.makedirs(wd)
    caught = []
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        for attempt in range(4):
            p = subprocess.Popen([CTX["bin"], "repair", "-w", wd, w], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, env=clean_env(), cwd=tmp())
            deadline = time.monotonic() + 60
            seen = False
            while p.poll() is None and time.monotonic() < deadline:
                if any(n.endswith(".tmp") for n in os.listdir(wd)):
                    p.send_signal(sig)
                    seen = True
                    break
            out, err = p.communicate(timeout=120)
            left = os.listdir(wd)
            check(not [n for n in left if n.endswith(".tmp")],
                  "%s: temporary file left: %r (exit %d)" % (sig.name, left, p.returncode), err.decode())
            if not seen or left:  # too fast, or the signal came after the rename: inconclusive
                for n in left:  # a complete output (renamed into place)
                    casekit.check_written(os.path.join(wd, n))
                    os.unlink(os.path.join(wd, n))
                continue
            check(p.returncode in (-sig, 128 + sig), "%s: exit %d" % (sig.name, p.returncode), err.decode())
            check(out == b"", "stdout %r" % out)
            caught.append(sig.name)
            break
    if not caught:
        raise Skip("the repair was too fast to be interrupted while writing")


# ---------------------------------------------------------------- 9. --json


@case
def json_repaired_document(_):
    ex = example_wheel()
    doc, err = repair_json(ex)
    d = doc["wheels"][0]
    check(d["outcome"] == "repaired" and d["exit_code"] == 0, "outcome %r" % d["outcome"])
    check(d["tags"] == EX_AUTO.split(".") and d["tagset"] == EX_AUTO, "tags %r" % d["tags"])
    check(d["output"] == os.path.join(tmp("wheelhouse"), retag(ex, EX_AUTO)), "output %r" % d["output"])
    check(d["audit"]["wheel"] == os.path.basename(ex) and d["audit"]["exit_code"] == 0,
          "audit %r" % {k: d["audit"][k] for k in ("wheel", "exit_code")})
    rc, o, _ = wheelaudit("show", "--json", ex)
    show_audit = json.loads(o)["wheels"][0]
    check(d["audit"] == show_audit, "the embedded audit differs from show --json's")
    check(err == "", "stderr not empty: %r" % err)


@case
def json_rejected_document_and_stderr_audits(_):
    w = fixture("isa_v3-0.1-cp311-cp311-linux_x86_64.whl")
    doc, err = repair_json(w, code=1)
    d = doc["wheels"][0]
    check(d["outcome"] == "rejected" and d["exit_code"] == 1 and d["output"] is None,
          "JSON %r" % {k: d[k] for k in d if k != "audit"})
    check("x86-64-v3" in d["reason"], "reason %r" % d["reason"])
    check(d["audit"] is not None and d["audit"]["exit_code"] == 1, "audit")
    assert_nothing_written(tmp("wheelhouse"))
    sdoc = stderr_show_doc(err)
    check([a["wheel"] for a in sdoc["wheels"]] == [os.path.basename(w)], "stderr audits %r" % sdoc["wheels"])
    check(sdoc["wheels"][0] == d["audit"], "stderr audit differs from the embedded one")


@case
def json_several_wheels_combined_exit(_):
    ex = example_wheel()
    foreign = fixture("armhf_in_aarch64-0.1-cp311-cp311-linux_aarch64.whl")
    doc, err = repair_json([ex, foreign], wdir=tmp("a"), code=4)
    check([d["exit_code"] for d in doc["wheels"]] == [0, 4], "codes %r" % [d["exit_code"] for d in doc["wheels"]])
    check([d["outcome"] for d in doc["wheels"]] == ["repaired", "rejected"], "outcomes")
    check(os.listdir(tmp("a")) == [retag(ex, EX_AUTO)], "written: %r" % os.listdir(tmp("a")))
    sdoc = stderr_show_doc(err)
    check([a["wheel"] for a in sdoc["wheels"]] == [os.path.basename(foreign)], "stderr audits")

    bad = fixture("bad_hash-0.1-cp311-cp311-linux_x86_64.whl")
    isa = fixture("isa_v3-0.1-cp311-cp311-linux_x86_64.whl")
    doc, err = repair_json([bad, ex, isa], wdir=tmp("b"), code=3)
    check([d["exit_code"] for d in doc["wheels"]] == [3, 0, 1], "codes %r" % [d["exit_code"] for d in doc["wheels"]])
    check([d["outcome"] for d in doc["wheels"]] == ["invalid", "repaired", "rejected"], "outcomes")
    check(doc["wheels"][0]["error"]["member"] == BAD_SO, "error %r" % doc["wheels"][0]["error"])
    check(os.listdir(tmp("b")) == [retag(ex, EX_AUTO)], "written: %r" % os.listdir(tmp("b")))

    pure = fixture("pure_pkg-0.1-py3-none-any.whl")
    doc, _ = repair_json([pure, ex], wdir=tmp("c"), code=5)
    check([d["outcome"] for d in doc["wheels"]] == ["rejected", "repaired"], "outcomes")
    doc, _ = repair_json([pure, isa, ex], wdir=tmp("d"), code=1)
    # a refused wheel (2) ranks between 1 and 5
    first = doc["wheels"][2]["output"]
    doc, _ = repair_json([first, pure], wdir=tmp("d"), code=2)
    check([d["outcome"] for d in doc["wheels"]] == ["refused", "rejected"], "outcomes")
    doc, _ = repair_json([first, isa], wdir=tmp("d"), code=1)


@case
def json_notes_for_dropped_signatures(_):
    jws = M("demo-0.1.dist-info/RECORD.jws", b"{}", record="omit")
    w = demo_wheel(extra=[jws])
    doc, err = repair_json(w)
    d = doc["wheels"][0]
    check(d["outcome"] == "repaired", "outcome %r" % d["outcome"])
    note = "dropped demo-0.1.dist-info/RECORD.jws: the signature would not match the new RECORD"
    check(d["notes"] == [note], "notes %r" % d["notes"])
    check(note in err, "the note is not a warning on stderr", err)
    check("RECORD.jws" not in "".join(members(d["output"])), "RECORD.jws kept")


# ---------------------------------------------------------------- 10. several wheels


@case
def several_wheels_one_line_each(_):
    ws = [example_wheel(), fixture("glibc234_mod-0.1-cp311-cp311-linux_x86_64.whl"),
          fixture("aarch64_ok-0.1-cp311-cp311-linux_aarch64.whl")]
    tagsets = [EX_AUTO, "manylinux_2_34_x86_64", "manylinux2014_aarch64.manylinux_2_17_aarch64"]
    wd = tmp("wheelhouse")
    lines, err = repair_wheels(ws, wdir=wd)
    want = [os.path.join(wd, retag(w, t)) for w, t in zip(ws, tagsets)]
    check(lines == want, "stdout %r, expected %r" % (lines, want), err)
    for p in want:
        check(os.path.isfile(p), "%s missing" % p)
    # with a rejected and an invalid one in between: lines only for the written ones
    ws2 = [ws[0], fixture("isa_v3-0.1-cp311-cp311-linux_x86_64.whl"), ws[1],
           fixture("bad_size-0.1-cp311-cp311-linux_x86_64.whl"), ws[2]]
    lines, err = repair_wheels(ws2, "--threads", "3", wdir=tmp("b"), code=3)
    check(lines == [os.path.join(tmp("b"), os.path.basename(p)) for p in want], "stdout %r" % lines, err)
    check(sorted(os.listdir(tmp("b"))) == sorted(os.path.basename(p) for p in want), "written")
    for p in want:
        check(run(["cmp", p, os.path.join(tmp("b"), os.path.basename(p))]).returncode == 0,
              "%s differs between runs" % p)
    lines, err = repair_wheels([ws[0], fixture("i386_in_x86_64-0.1-cp311-cp311-linux_x86_64.whl"),
                         fixture("mips64_mod-0.1-cp311-cp311-linux_mips64.whl")], wdir=tmp("c"), code=4)
    check(lines == [want[0].replace(wd, tmp("c"))], "stdout %r" % lines)


# ---------------------------------------------------------------- main


def snapshot(d):
    """The fixture wheels and ELF files, with their sizes and times (and every other
    top-level entry by name: nothing may appear there)."""
    out = {}
    for p in [os.path.join(d, n) for n in os.listdir(d)] + glob.glob(os.path.join(d, "elf", "*")):
        st = os.lstat(p)
        out[p] = (st.st_size, st.st_mtime_ns) if p.endswith((".whl", ".so", ".exe")) else None
    return out


def main():
    def prepare(ctx):
        # the fixture directory is only read: compared before and after
        ctx["before"] = snapshot(ctx["fixtures"])
        ex = glob.glob(os.path.join(ctx["fixtures"], "wheelaudit_example-0.1-*-linux_x86_64.whl"))
        ctx["snapshot_ex"] = sha256_file(ex[0]) if ex else None
        return None

    def finish(ctx):
        after = snapshot(ctx["fixtures"])
        if after != ctx["before"]:
            changed = sorted(set(after.items()) ^ set(ctx["before"].items()))
            return "the fixture directory changed: %r" % changed[:5]
        return None

    return casekit.main("repair", prepare=prepare, finish=finish)

if __name__ == "__main__":
    sys.exit(main())
