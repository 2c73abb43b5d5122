# SPDX-License-Identifier: MIT
"""The harness the end-to-end case scripts share (tests/*/*.py).

A case script registers functions with @case and ends with
`sys.exit(casekit.main("prefix"))`.  tests/CMakeLists.txt (wa_add_case_script)
runs it as

    SCRIPT --list                      case names, ';'-separated
    SCRIPT --run CASE --bin BIN --fixtures DIR [extra options]

Each run gets a fresh temporary directory (tmp()), removed afterwards
unless WA_KEEP_TMP is set.  Exit 0 = pass, 1 = fail, 77 = skipped (raise
Skip).  CTX holds bin, fixtures, tmp and the script's extra options.
Run one case by hand from a build directory, e.g.

    ctest -R '^repair\\.raw_copy_of_the_example_wheel$' -V

which prints the command line; WA_KEEP_TMP=1 keeps its directory.

Programs.  run(cmd) is the one way a case starts a program: arguments,
environment, directory (default: the case's), timeout (a hang fails the
case), stdout optionally to a file; it returns Result(returncode, stdout,
stderr).  Programs run in clean_env(), the environment without the
variables wheelaudit, the loaders, qemu and Python read, unless the case
passes another: a case states each one it depends on.  wheelaudit(*args)
runs the binary under test.

Repairs.  Every `wheelaudit repair` goes through repair() (or
repair_wheels(), which also checks the exit code).  Each wheel such a call
writes (each path it prints; with --json each `output` of a repaired or
copied wheel; none for a text --dry-run, which prints plans) is checked at once, before the case goes on: `show` with the
audit options of the call (--plat, or the target from WHEELAUDIT_PLAT /
AUDITWHEEL_PLAT; --policy-dir; --allow-pure; --disable-isa-check; the
--max-* limits) must exit 0, and Python's zipfile must list the archive
and read every member back with the right CRC.  A case whose output `show`
legitimately judges otherwise says so at the call (show_exit=N, with a
comment saying why).

Schemas.  validate(doc, "show-v1") checks a JSON document against
docs/show-v1.schema.json (any docs/*.schema.json; ref= picks a definition
inside, e.g. "#/$defs/audit").  Without python3-jsonschema it fails the
case: a check that cannot run must not pass.
"""
import argparse
import base64
import collections
import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile

SKIP = 77
CASES = {}
CTX = {}
HERE = os.path.dirname(os.path.abspath(__file__))
DOCS = os.path.normpath(os.path.join(HERE, "..", "docs"))
FIXTURE_SRC = os.path.join(HERE, "fixtures", "src")


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


def fixture(name):
    """A wheel or file of the fixture directory; Skip when it was not built here."""
    path = os.path.join(CTX["fixtures"], name)
    if not os.path.exists(path):
        raise Skip("fixture %s was not built here" % name)
    return path


def fixture_src(suite, *parts):
    """tests/fixtures/src/SUITE/...: the sources a suite compiles at test time."""
    return os.path.join(FIXTURE_SRC, suite, *parts)


def need(tool, why=""):
    """The path of a program on PATH; Skip when it is not installed."""
    path = shutil.which(tool)
    if not path:
        raise Skip("%s is not installed%s" % (tool, (" (" + why + ")") if why else ""))
    return path


def read(path):
    with open(path, "rb") as f:
        return f.read()


def sha256_file(path):
    return hashlib.sha256(read(path)).hexdigest()


def b64digest(data):
    """A RECORD digest: urlsafe base64 of the sha256, without padding."""
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


# ---------------------------------------------------------------- running programs


Result = collections.namedtuple("Result", "returncode stdout stderr")


class Timeout(AssertionError):
    """A program ran past its timeout (an AssertionError: the case fails)."""


# What wheelaudit, glibc's and musl's loaders, qemu-user and Python read.
CLEARED_VARIABLES = ("WHEELAUDIT_PLAT", "AUDITWHEEL_PLAT", "SOURCE_DATE_EPOCH",
                     "WHEELAUDIT_POLICY_DIR", "WHEELAUDIT_LD_LIBRARY_PATH", "AUDITWHEEL_LD_LIBRARY_PATH",
                     "WHEELAUDIT_ZIP_COMPRESSION_LEVEL", "AUDITWHEEL_ZIP_COMPRESSION_LEVEL",
                     "WHEELAUDIT_PATCHER", "AUDITWHEEL_PATCHER", "LD_LIBRARY_PATH",
                     "LD_PRELOAD", "PYTHONPATH")


def clean_env(**over):
    """This process's environment without CLEARED_VARIABLES and QEMU_*, plus
    `over` (a value of None removes the variable)."""
    env = {k: v for k, v in os.environ.items()
           if k not in CLEARED_VARIABLES and not k.startswith("QEMU_")}
    for k, v in over.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


def run(cmd, env=None, cwd=None, timeout=120, stdout_path=None, errors="replace"):
    """Runs cmd (a list; each item passed through str()) and returns Result.

    env: the whole environment (None: clean_env()); cwd: None is the case's
    directory; stdout_path: stdout goes to that file and
    Result.stdout is "".  Output is text; errors says what happens to bytes
    that are not UTF-8 ("replace" for tools; wheelaudit() uses "strict": its
    output must be UTF-8).  A timeout raises Timeout naming the command."""
    cmd = [str(c) for c in cmd]
    if cwd is None:
        cwd = CTX.get("tmp")
    kw = dict(text=True, errors=errors, env=clean_env() if env is None else env, cwd=cwd,
              timeout=timeout)
    try:
        if stdout_path is not None:
            with open(stdout_path, "w") as out:
                p = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE, **kw)
        else:
            p = subprocess.run(cmd, capture_output=True, **kw)
    except subprocess.TimeoutExpired:
        raise Timeout("timed out after %ds: %s" % (timeout, " ".join(cmd)))
    return Result(p.returncode, p.stdout or "", p.stderr)


def sh(cmd, what=None, env=None, cwd=None, timeout=120):
    """Runs a tool that must succeed; returns its stdout."""
    r = run(cmd, env=env, cwd=cwd, timeout=timeout)
    check(r.returncode == 0, "%s: exit %d" % (what or " ".join(map(str, cmd)), r.returncode),
          "command: " + " ".join(map(str, cmd)), "stdout:\n" + r.stdout, "stderr:\n" + r.stderr)
    return r.stdout


def wheelaudit(*args, env=None, cwd=None, timeout=120, stdout_path=None, binary=None):
    """Runs the binary under test (CTX["bin"]); `repair` goes through repair(),
    which checks what it writes."""
    check(not args or str(args[0]) != "repair",
          "test bug: run `wheelaudit repair` through casekit.repair(), which checks its outputs")
    return run([binary or CTX["bin"], *args], env=env, cwd=cwd, timeout=timeout,
               stdout_path=stdout_path, errors="strict")


# ---------------------------------------------------------------- repair and its outputs


# Options `show` shares with `repair` that change an audit's outcome.
SHOW_VALUE_OPTIONS = ("--plat", "--policy-dir", "--max-member-size", "--max-wheel-size",
                      "--max-ratio", "--max-members", "--max-elf-entries", "--max-elf-symbols",
                      "--max-elf-string", "--exclude")
SHOW_FLAGS = ("--allow-pure", "--allow-pure-python-wheel", "--disable-isa-check",
              "--disable-isa-ext-check")
WRITTEN_OUTCOMES = ("repaired", "copied")


def show_options(args, env):
    """The `show` options that audit like the repair call `args` in `env`."""
    args = [str(a) for a in args]
    out, plat, i = [], None, 0
    while i < len(args):
        name, eq, value = args[i].partition("=")
        if name in SHOW_VALUE_OPTIONS:
            if not eq:
                i += 1
                value = args[i] if i < len(args) else ""
            if name == "--plat":
                plat = value
            else:
                out += [name, value]
        elif args[i] in SHOW_FLAGS:
            out.append(args[i])
        i += 1
    # repair's own order: --plat, then WHEELAUDIT_PLAT, then AUDITWHEEL_PLAT
    plat = plat or (env or {}).get("WHEELAUDIT_PLAT") or (env or {}).get("AUDITWHEEL_PLAT")
    return (["--plat", plat] if plat else []) + out


def written_wheels(args, result, cwd):
    """The wheels a repair call says it wrote, as paths from here."""
    args = [str(a) for a in args]
    if "--help" in args or "-h" in args:
        return []
    if "--dry-run" in args and "--json" not in args:
        # the text plan ("would write PATH ..."): nothing was written
        return []
    if "--json" in args:
        try:
            doc = json.loads(result.stdout)
        except ValueError:
            check(result.returncode != 0, "repair --json exited 0 without a JSON document on stdout",
                  "stdout:\n" + result.stdout, "stderr:\n" + result.stderr)
            return []
        paths = []
        for w in (doc.get("wheels") or []) if isinstance(doc, dict) else []:
            if isinstance(w, dict) and w.get("outcome") in WRITTEN_OUTCOMES:
                check(isinstance(w.get("output"), str) and w["output"],
                      "repair --json: outcome %s without an output path" % w.get("outcome"))
                paths.append(w["output"])
    else:
        paths = result.stdout.splitlines()
    return [os.path.join(cwd, p) for p in paths]


def check_written(path, show_opts=(), env=None, cwd=None, show_exit=0, binary=None, timeout=120):
    """What every wheel repair writes must be: `show SHOW_OPTS PATH` exits
    show_exit (0 unless the case says why not), and zipfile lists the archive
    and reads every member with a matching CRC."""
    check(os.path.isfile(path), "repair printed %s, which is not a file" % path)
    r = run([binary or CTX["bin"], "show", *show_opts, path], env=env, cwd=cwd, timeout=timeout,
            errors="strict")
    check(r.returncode == show_exit, "%s on the written wheel: exit %d, expected %d" % (
        " ".join(["show", *show_opts, os.path.basename(path)]), r.returncode, show_exit),
        "stdout:\n" + r.stdout, "stderr:\n" + r.stderr)
    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            bad = z.testzip()
    except Exception as e:  # anything zipfile raises on a damaged archive
        raise AssertionError("zipfile cannot read the written %s: %s: %s"
                             % (path, e.__class__.__name__, e))
    check(names, "zipfile lists no member in the written %s" % path)
    check(bad is None, "zipfile: member %s of the written %s does not read back (CRC)" % (bad, path))


def repair(*args, env=None, cwd=None, timeout=120, show_exit=0, binary=None):
    """Runs `wheelaudit repair ARGS`, then check_written() on every wheel it
    wrote (with the same environment and directory).  Returns the Result."""
    env = clean_env() if env is None else env
    r = run([binary or CTX["bin"], "repair", *args], env=env, cwd=cwd, timeout=timeout,
            errors="strict")
    here = cwd or CTX.get("tmp") or os.getcwd()
    opts = show_options(args, env)
    for path in written_wheels(args, r, here):
        check_written(path, opts, env=env, cwd=here, show_exit=show_exit, binary=binary,
                      timeout=timeout)
    return r


def repair_wheels(wheels, *opts, wdir=None, code=0, env=None, cwd=None, show_exit=0):
    """`repair -w WDIR OPTS WHEELS` (WDIR default tmp("wheelhouse")); checks the
    exit code; returns (stdout lines, stderr)."""
    if isinstance(wheels, str):
        wheels = [wheels]
    wdir = wdir or tmp("wheelhouse")
    rc, out, err = repair("-w", wdir, *opts, *wheels, env=env, cwd=cwd, show_exit=show_exit)
    check(rc == code, "repair %s %s: exit %d, expected %d" % (
        " ".join(map(str, opts)), " ".join(os.path.basename(str(w)) for w in wheels), rc, code),
        "stdout:\n" + out, "stderr:\n" + err)
    return out.splitlines(), err


def assert_nothing_written(d):
    """d does not exist, or is an empty directory."""
    if os.path.exists(d):
        check(os.path.isdir(d), "%s is not a directory" % d)
        check(os.listdir(d) == [], "files were written to %s: %r" % (d, os.listdir(d)))


# ---------------------------------------------------------------- wheels


DATE = (2021, 6, 1, 12, 0, 0)


class M:
    """A member of a wheel built here.  record: 'sha256' (correct line), 'omit',
    'nodigest' (`name,,`), 'nodigest_size' (`name,,SIZE`), or a literal hash field."""

    def __init__(self, name, data, compress=zipfile.ZIP_DEFLATED, date=DATE, mode=0o644,
                 extra=b"", record="sha256"):
        self.name, self.data, self.compress, self.date = name, data, compress, date
        self.mode, self.extra, self.record = mode, extra, record


def wheel_text(tags, generators=("bdist_wheel (0.40.0)",), eol="\n", purelib=False, body=None):
    if body is None:
        body = ["Wheel-Version: 1.0"] + ["Generator: " + g for g in generators] + \
               ["Root-Is-Purelib: %s" % ("true" if purelib else "false")] + ["Tag: " + t for t in tags]
    return "".join(l + eol for l in body).encode()


def record_for(ms, record_name, eol="\n"):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=eol)
    for m in ms:
        if m.name == record_name or m.record == "omit":
            continue
        if m.record == "sha256":
            w.writerow([m.name, "sha256=" + b64digest(m.data), len(m.data)])
        elif m.record == "nodigest":
            w.writerow([m.name, "", ""])
        elif m.record == "nodigest_size":
            w.writerow([m.name, "", len(m.data)])
        else:
            w.writerow([m.name, m.record, len(m.data)])
    w.writerow([record_name, "", ""])
    return buf.getvalue().encode()


def build_wheel(path, ms):
    """Writes the members in order; the one named */RECORD with data None gets a
    RECORD computed from the others (data callable: called with that RECORD)."""
    for m in ms:
        if m.data is None:
            m.data = record_for(ms, m.name)
        elif callable(m.data):
            m.data = m.data(record_for(ms, m.name))
    with zipfile.ZipFile(path, "w") as z:
        for m in ms:
            info = zipfile.ZipInfo(m.name, m.date)
            info.compress_type = m.compress
            info.create_system = 3
            kind = 0o040000 if m.name.endswith("/") else 0o100000
            info.external_attr = (kind | m.mode) << 16
            if m.name.endswith("/"):
                info.external_attr |= 0x10
            info.extra = m.extra
            z.writestr(info, m.data)
    return path


def simple_wheel(name, files):
    """tmp("in", NAME): files [(member, bytes, mode)], then METADATA, a WHEEL
    with the tag of the file name, and RECORD (sha256 lines)."""
    stem = name[:-4].split("-")
    di = "%s-%s.dist-info" % (stem[0], stem[1])
    ms = [M(n, data, mode=mode) for n, data, mode in files]
    ms += [M(di + "/METADATA", b"Metadata-Version: 2.1\nName: %s\nVersion: %s\n"
             % (stem[0].encode(), stem[1].encode())),
           M(di + "/WHEEL", wheel_text(["-".join(stem[-3:])])),
           M(di + "/RECORD", None)]
    os.makedirs(tmp("in"), exist_ok=True)
    return build_wheel(tmp("in", name), ms)


def members(path):
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


def dist_info_file(path, leaf):
    """The one member <dist>.dist-info/LEAF of a wheel."""
    names = [n for n in members(path) if n.count("/") == 1 and n.split("/")[0].endswith(".dist-info")
             and n.endswith("/" + leaf)]
    check(len(names) == 1, "%s: %d dist-info/%s members" % (path, len(names), leaf))
    return names[0]


def assert_record_consistent(path):
    """Every member but RECORD (and directories) listed once with its sha256 and
    size, nothing else listed; RECORD's own line is `.../RECORD,,`."""
    ms = members(path)
    record = dist_info_file(path, "RECORD")
    listed = {}
    for row in csv.reader(ms[record].decode().splitlines()):
        check(len(row) == 3, "RECORD row %r" % row)
        check(row[0] not in listed, "%s listed twice in RECORD" % row[0])
        listed[row[0]] = row
    check(listed.get(record) == [record, "", ""], "RECORD's own line is %r" % listed.get(record))
    for name, data in ms.items():
        if name == record or name.endswith("/"):
            continue
        check(name in listed, "%s is not listed in the output RECORD" % name)
        algo, _, digest = listed[name][1].partition("=")
        check(algo == "sha256" and digest == b64digest(data),
              "%s: RECORD says %r, the member hashes to sha256=%s" % (name, listed[name][1], b64digest(data)))
        check(listed[name][2] == str(len(data)), "%s: RECORD size %r, member has %d bytes"
              % (name, listed[name][2], len(data)))
    for name in listed:
        check(name in ms, "RECORD lists %s, which is not in the wheel" % name)


# ---------------------------------------------------------------- ELF files


DYN_RE = re.compile(r"^\s*0x[0-9a-f]+\s+\((\w+)\)\s+(.*)$")


def readelf_dynamic(path):
    """readelf -dW PATH: ({'NEEDED': [...], 'SONAME': [...], 'RPATH': [...],
    'RUNPATH': [...]}, the text)."""
    out = sh([need("readelf"), "-dW", path], "readelf -dW " + path)
    d = {"NEEDED": [], "SONAME": [], "RPATH": [], "RUNPATH": []}
    for line in out.splitlines():
        m = DYN_RE.match(line)
        if m and m.group(1) in d:
            v = re.search(r"\[(.*)\]", m.group(2))
            check(v, "readelf line %r" % line)
            d[m.group(1)].append(v.group(1))
    return d, out


def bare_libc(cc, triple, interp):
    """How to link for TRIPLE with the cross compiler CC: None when it has the
    libc development files (crt1.o); else, with no libc6-dev cross package,
    {libc: the target's runtime /usr/TRIPLE/lib/libc.so.6, interp: INTERP},
    to link against with -nostdlib.  Skip when that is missing too."""
    rc, crt, _ = run([cc, "-print-file-name=crt1.o"])
    if rc == 0 and os.path.isabs(crt.strip()):
        return None
    libc = os.path.join("/usr", triple, "lib", "libc.so.6")
    if not os.path.isfile(libc):
        raise Skip("%s: neither the libc development files (crt1.o) nor %s" % (triple, libc))
    return dict(libc=libc, interp=interp)


def grafted_name(soname, original):
    """The name repair gives a grafted library: libfoo.so.1 -> libfoo-<first 8 hex
    of the original file's sha256>.so.1"""
    i = soname.index(".so")
    return "%s-%s%s" % (soname[:i], sha256_file(original)[:8], soname[i:])


# ---------------------------------------------------------------- JSON schemas


_SCHEMAS = {}


def schemas():
    """Every docs/*.schema.json by file name (read once)."""
    if not _SCHEMAS:
        for n in sorted(os.listdir(DOCS)):
            if n.endswith(".schema.json"):
                with open(os.path.join(DOCS, n)) as f:
                    _SCHEMAS[n] = json.load(f)
    return _SCHEMAS


def validate(doc, schema, ref=None):
    """Validates doc against docs/SCHEMA.schema.json (SCHEMA as "repair-v1" or the
    file name), or against the definition REF inside it ("#/$defs/audit").  Every
    schema of docs/ is known under its $id, so one may refer to another.  Fails
    the case when python3-jsonschema is missing."""
    name = schema if schema.endswith(".schema.json") else schema + ".schema.json"
    try:
        import jsonschema
    except ImportError:
        raise AssertionError("the JSON schema validator is missing: python3-jsonschema cannot be "
                             "imported (.ci/deps installs it), so nothing was checked against %s" % name)
    known = schemas()
    check(name in known, "no schema docs/%s (docs/ has %s)" % (name, ", ".join(known)))
    s = known[name]
    cls = jsonschema.validators.validator_for(s)
    cls.check_schema(s)
    target = {"$ref": s["$id"] + ref} if ref else s
    try:
        try:
            from referencing import Registry, Resource
            from referencing.jsonschema import DRAFT202012
        except ImportError:  # jsonschema < 4.18
            store = {x["$id"]: x for x in known.values()}
            resolver = jsonschema.RefResolver(s["$id"], s, store=store)
            cls(target, resolver=resolver).validate(doc)
        else:
            registry = Registry().with_resources(
                [(x["$id"], Resource.from_contents(x, default_specification=DRAFT202012))
                 for x in known.values()])
            cls(target, registry=registry).validate(doc)
    except jsonschema.ValidationError as e:
        raise AssertionError("%s%s does not validate: %s at %s" % (
            name, ref or "", e.message, "/".join(map(str, e.absolute_path))))


# ---------------------------------------------------------------- main


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
