#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Cases for the harness itself (casekit.py): its checks must be able to fail.

    casekit_cases.py --list
    casekit_cases.py --run CASE --bin WHEELAUDIT --fixtures DIR

The schema validator fails without python3-jsonschema and on a document that
does not match; the check of written wheels fails on a wheel `show` rejects
and on an archive whose member does not read back; the `show` options of a
repair call are those that change the audit.  Exit 0 = pass, 1 = fail,
77 = skipped.
"""
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import casekit  # noqa: E402
from casekit import CTX, Result, Skip, case, check, fixture, read, run, tmp  # noqa: E402


def fails(fn, *args, **kw):
    """The AssertionError fn raises (the case fails if it raises none)."""
    try:
        fn(*args, **kw)
    except AssertionError as e:
        return str(e)
    raise AssertionError("%s%r passed" % (fn.__name__, args))


def example_wheel():
    found = sorted(glob.glob(os.path.join(CTX["fixtures"], "wheelaudit_example-0.1-*-linux_x86_64.whl")))
    if not found:
        raise Skip("the example wheel was not built here")
    return found[0]


@case
def validator_fails_without_jsonschema(_):
    # a jsonschema module that cannot be imported comes first on the path
    os.makedirs(tmp("blocked"))
    with open(tmp("blocked", "jsonschema.py"), "w") as f:
        f.write("raise ImportError('blocked by casekit_cases')\n")
    code = ("import sys; sys.path[:0] = sys.argv[1:3]; import casekit\n"
            "try:\n"
            "    casekit.validate({}, 'show-v1')\n"
            "except AssertionError as e:\n"
            "    print('FAILED:', e)\n"
            "else:\n"
            "    print('PASSED')\n")
    r = run([sys.executable, "-c", code, tmp("blocked"), casekit.HERE])
    check(r.returncode == 0 and r.stdout.startswith("FAILED: the JSON schema validator is missing"),
          "validate without jsonschema: %r" % r.stdout, r.stderr)


@case
def validator_checks_every_schema_and_document(_):
    known = casekit.schemas()
    check({"show-v1.schema.json", "repair-v1.schema.json"} <= set(known), "schemas %r" % sorted(known))
    r = casekit.wheelaudit("show", "--json", example_wheel())
    doc = json.loads(r.stdout)
    casekit.validate(doc, "show-v1")
    casekit.validate(doc["wheels"][0], "show-v1", "#/$defs/audit")
    bad = dict(doc, version="1")
    msg = fails(casekit.validate, bad, "show-v1")
    check("show-v1.schema.json does not validate" in msg and "version" in msg, msg)
    msg = fails(casekit.validate, dict(doc["wheels"][0], exit_code="0"), "show-v1", "#/$defs/audit")
    check("#/$defs/audit does not validate" in msg, msg)
    check("no schema docs/" in fails(casekit.validate, doc, "no-such-v1"), "unknown schema")
    # repair-v1 refers to show-v1's audit: a bad embedded audit fails the repair document
    w = example_wheel()
    r = casekit.repair("--json", "-w", tmp("wh"), w)
    rdoc = json.loads(r.stdout)
    casekit.validate(rdoc, "repair-v1")
    rdoc["wheels"][0]["audit"]["libc"] = 7
    check("repair-v1.schema.json does not validate" in fails(casekit.validate, rdoc, "repair-v1"),
          "a bad embedded audit passed")


@case
def written_wheel_check_fails_on_damage(_):
    out = casekit.repair("-w", tmp("wh"), example_wheel()).stdout.strip()
    casekit.check_written(out)
    # show rejects it: an expected exit that is not show's fails
    check("exit 0, expected 1" in fails(casekit.check_written, out, show_exit=1), "show_exit ignored")
    check("exit 1, expected 0" in fails(casekit.check_written, out, ["--plat", "manylinux_2_5_i686"]),
          "--plat of another arch passed")
    # one flipped byte in the middle of the data: show fails on it (RECORD digest
    # or CRC), and so does the zipfile half of the check on its own (`true` as
    # the binary makes the show half pass)
    bad = tmp("bad", os.path.basename(out))
    os.makedirs(tmp("bad"))
    data = bytearray(read(out))
    data[len(data) // 3] ^= 0xFF
    with open(bad, "wb") as f:
        f.write(data)
    check("on the written wheel: exit 3, expected 0" in fails(casekit.check_written, bad), "show passed")
    msg = fails(casekit.check_written, bad, binary=casekit.need("true"))
    check(msg.startswith("zipfile"), "the zipfile check: %s" % msg)
    casekit.check_written(out, binary=casekit.need("true"))
    # a pure wheel: show exits 5 unless --allow-pure is passed on (repair() does)
    pure = fixture("pure_pkg-0.1-py3-none-any.whl")
    casekit.check_written(pure, ["--allow-pure"])
    check("exit 5, expected 0" in fails(casekit.check_written, pure), "a pure wheel passed")
    check("not a file" in fails(casekit.check_written, tmp("missing.whl")), "a missing file passed")


@case
def repair_checks_what_it_prints(_):
    w = example_wheel()
    # text: the printed path, relative to the directory it ran in
    r = casekit.repair(w, cwd=tmp())
    check(r.returncode == 0 and r.stdout.startswith("wheelhouse/"), "repair %r" % (r,))
    paths = casekit.written_wheels([w], r, tmp())
    check(paths == [tmp(r.stdout.strip())], "paths %r" % paths)
    # --json: each output of a repaired or copied wheel
    doc = {"wheels": [{"outcome": "repaired", "output": "/a.whl"}, {"outcome": "rejected", "output": None},
                      {"outcome": "copied", "output": "b.whl"}]}
    paths = casekit.written_wheels(["--json"], Result(0, json.dumps(doc), ""), "/d")
    check(paths == ["/a.whl", "/d/b.whl"], "paths %r" % paths)
    check("without a JSON document" in fails(casekit.written_wheels, ["--json"], Result(0, "", ""), "/d"),
          "exit 0 without JSON passed")
    check(casekit.written_wheels(["--help"], Result(0, "usage\n", ""), "/d") == [], "--help")
    check(casekit.written_wheels(["--dry-run"], Result(0, "would write /d/x.whl\n", ""), "/d") == [],
          "--dry-run")
    # the repair helper fails the case when an output does not pass
    check("exit 0, expected 5" in fails(casekit.repair, "-w", tmp("w2"), w, show_exit=5), "show_exit ignored")
    check("through casekit.repair()" in fails(casekit.wheelaudit, "repair", w), "wheelaudit('repair') passed")


@case
def show_options_of_a_repair_call(_):
    opts = casekit.show_options(["-w", "d", "--plat", "manylinux2014", "--exclude", "libx*", "--only-plat",
                                 "--allow-pure", "--disable-isa-check", "--policy-dir=p", "--max-ratio",
                                 "9", "--threads", "2", "--ldpaths", "L", "w.whl"], {})
    check(opts == ["--plat", "manylinux2014", "--exclude", "libx*", "--allow-pure", "--disable-isa-check",
                   "--policy-dir", "p", "--max-ratio", "9"], "options %r" % opts)
    env = {"WHEELAUDIT_PLAT": "manylinux_2_28", "AUDITWHEEL_PLAT": "manylinux2014"}
    check(casekit.show_options(["w.whl"], env) == ["--plat", "manylinux_2_28"], "WHEELAUDIT_PLAT first")
    check(casekit.show_options(["w.whl"], {"AUDITWHEEL_PLAT": "manylinux2014"}) ==
          ["--plat", "manylinux2014"], "AUDITWHEEL_PLAT")
    check(casekit.show_options(["--plat", "auto", "w.whl"], env) == ["--plat", "auto"], "--plat wins")
    check(casekit.show_options(["w.whl"], {"WHEELAUDIT_PLAT": ""}) == [], "empty WHEELAUDIT_PLAT")


if __name__ == "__main__":
    sys.exit(casekit.main("casekit"))
