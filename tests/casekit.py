# SPDX-License-Identifier: MIT
"""The harness the end-to-end case scripts share (tests/*/..._cases.py).

A case script registers functions with @case and ends with
`sys.exit(casekit.main("prefix"))`.  tests/CMakeLists.txt (wa_add_case_script)
runs it as

    SCRIPT --list                      case names, ';'-separated
    SCRIPT --run CASE --bin BIN --fixtures DIR [extra options]

Each run gets a fresh temporary directory (tmp()), removed afterwards
unless WA_KEEP_TMP is set.  Exit 0 = pass, 1 = fail, 77 = skipped (raise
Skip).  CTX holds bin, fixtures, tmp and the script's extra options.
"""
import argparse
import base64
import hashlib
import json
import os
import shutil
import tempfile

SKIP = 77
CASES = {}
CTX = {}


class Skip(Exception):
    pass


def case(fn):
    CASES[fn.__name__] = fn
    return fn


def check(cond, msg, *context):
    if not cond:
        extra = "".join("\n--- %s" % c for c in context)
        raise AssertionError(msg + extra)


def tmp(*parts):
    return os.path.join(CTX["tmp"], *parts)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def sha256_file(path):
    return hashlib.sha256(read(path)).hexdigest()


def b64digest(data):
    """A RECORD digest: urlsafe base64 of the sha256, without padding."""
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def validate_repair_doc(doc):
    """Validates a `repair --json` document against docs/repair-v1.schema.json
    (which refers to show-v1) from CTX["schema_dir"]; False when
    python3-jsonschema is not importable (nothing checked)."""
    d = CTX.get("schema_dir")
    try:
        import jsonschema
    except ImportError:
        return False
    schemas = {}
    for n in ("show-v1.schema.json", "repair-v1.schema.json"):
        with open(os.path.join(d, n)) as f:
            schemas[n] = json.load(f)
    repair_schema = schemas["repair-v1.schema.json"]
    try:
        try:
            from referencing import Registry, Resource
            from referencing.jsonschema import DRAFT202012
        except ImportError:
            store = {s["$id"]: s for s in schemas.values()}
            resolver = jsonschema.RefResolver(repair_schema["$id"], repair_schema, store=store)
            jsonschema.Draft202012Validator(repair_schema, resolver=resolver).validate(doc)
        else:
            registry = Registry().with_resources(
                [(s["$id"], Resource.from_contents(s, default_specification=DRAFT202012)) for s in schemas.values()])
            jsonschema.Draft202012Validator(repair_schema, registry=registry).validate(doc)
    except jsonschema.ValidationError as e:
        raise AssertionError("repair --json does not validate against repair-v1.schema.json: %s at %s"
                             % (e.message, "/".join(map(str, e.absolute_path))))
    return True


def remove_tree(path):
    """Removes a case's directory, also after a case made parts of it read-only."""
    for root, dirs, _ in os.walk(path):
        for d in dirs:
            p = os.path.join(root, d)
            if not os.path.islink(p):
                os.chmod(p, 0o755)
    shutil.rmtree(path, ignore_errors=True)


def main(prefix, options=(), prepare=None, finish=None):
    """Parses the command line, runs one case, returns the exit code.

    options: (flag, argparse keyword arguments) pairs the script adds; their
    values land in CTX under the flag's dest.  prepare(ctx) may check them
    and return an error text (the run then fails before the case starts);
    finish(ctx), after a passing case, may return one too (the case fails).
    """
    ap = argparse.ArgumentParser()
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--run")
    ap.add_argument("--bin")
    ap.add_argument("--fixtures")
    for flag, kwargs in options:
        ap.add_argument(flag, **kwargs)
    a = ap.parse_args()
    if a.list:
        print(";".join(CASES))
        return 0
    if a.run not in CASES:
        print("FAIL: no case %r" % a.run)
        return 1
    CTX.update(vars(a))
    CTX["bin"] = a.bin and os.path.abspath(a.bin)
    CTX["fixtures"] = a.fixtures and os.path.abspath(a.fixtures)
    why = prepare(CTX) if prepare else None
    if why:
        print("FAIL: %s" % why)
        return 1
    CTX["tmp"] = tempfile.mkdtemp(prefix="wa-%s-" % prefix)
    try:
        CASES[a.run](None)
    except Skip as e:
        print("SKIP: %s" % e)
        return SKIP
    except AssertionError as e:
        print("FAIL: %s" % e)
        return 1
    finally:
        if os.environ.get("WA_KEEP_TMP"):
            print("kept %s" % CTX["tmp"])
        else:
            remove_tree(CTX["tmp"])
    why = finish(CTX) if finish else None
    if why:
        print("FAIL: %s" % why)
        return 1
    print("PASS")
    return 0
