#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of wheelaudit as a drop-in for auditwheel 6.8 (issue #14;
docs/ci.md has the table these cases check): every form of auditwheel's
command line, both spellings of each option, both names of each environment
variable, the `auditwheel` program name and cibuildwheel's default repair
commands, each checked for its meaning on wheels built here.

    dropin_cases.py --list
    dropin_cases.py --run CASE --bin WHEELAUDIT --fixtures DIR --mkelf MKELF

Every case builds what it needs in its own temporary directory: CPython
extension modules for /usr/bin/python3 compiled with gcc
(tests/fixtures/src/graft/pymod.c, libgreet from src/graft/greet.c, the
sources of src/dropin/), musl libraries and modules with musl-gcc, Android
modules and a libc++_shared.so stand-in synthesized by mkelf, wheels written
with casekit's zip writer, and system roots for --root (dpkg and apk
databases, /etc/ld-musl-x86_64.path, a /bin/sh whose interpreter is musl's).
Outputs are checked by their content: file names and WHEEL tags, member
names, zip compression methods and raw bytes, `readelf -dW`/`-SW`/`-VW`,
`eu-elflint --gnu-ld`, RECORD, the SBOM against docs/sbom.schema.json and
this machine's dpkg database, JSON against docs/*.schema.json; repaired
modules are installed with pip and imported by /usr/bin/python3 (glibc) or
loaded by a musl program (musl).  Every wheel a repair writes also passes
casekit's output check (`show`, zipfile).

The cases of two features that are not wired yet (--strip, the removal of
a libpython DT_NEEDED) try the feature first and skip, saying so, while the
binary does not do it.

Exit 0 = pass, 1 = fail, 77 = skipped (a compiler, Python's headers, pip,
readelf, musl-gcc, mkelf or a Debian package the case reads is missing).
"""
import json
import os
import re
import shlex
import shutil
import struct
import sys
import time
import zipfile
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import casekit  # noqa: E402
from casekit import (CTX, Skip, assert_nothing_written, assert_record_consistent, case, check,  # noqa: E402
                     clean_env, grafted_name, members, need, read, run, sh, sha256_file, simple_wheel,
                     tmp, validate, wheelaudit)

GRAFT_SRC = casekit.fixture_src("graft")
CROSS_SRC = casekit.fixture_src("graft_cross")
SRC = casekit.fixture_src("dropin")
PY_BIN = "/usr/bin/python3"
CFLAGS = ["-O2", "-g0", "-fPIC", "-w", "-U_FORTIFY_SOURCE", "-fno-stack-protector"]
DIST, VER = "graftmod", "0.1"
GREET = "libgreet.so.1"
EM_X86_64, EM_AARCH64 = 62, 183
STRIP_GONE = re.compile(r"^(\.symtab|\.strtab|\.debug_\w+|\.zdebug_\w+)$")


def dynamic(path):
    return casekit.readelf_dynamic(path)[0]


# ---------------------------------------------------------------- the Python of the imports


_PY = {}


def py():
    """/usr/bin/python3's include directory, extension suffix, wheel tag and
    libpython name; Skip without it or its headers."""
    if not _PY:
        need("gcc")
        need("readelf")
        if not os.path.exists(PY_BIN):
            raise Skip("no %s" % PY_BIN)
        r = run([PY_BIN, "-c", "import sys, sysconfig; v = sysconfig.get_config_var; print(v('INCLUDEPY')); "
                 "print(v('EXT_SUFFIX')); print('cp%d%d' % sys.version_info[:2]); print(v('LDVERSION'))"])
        check(r.returncode == 0, "%s cannot report its configuration" % PY_BIN, r.stderr)
        inc, suffix, tag, ldversion = r.stdout.split()
        if not os.path.exists(os.path.join(inc, "Python.h")):
            raise Skip("no %s/Python.h (python3-dev)" % inc)
        _PY.update(include=inc, suffix=suffix, tag=tag, libpython="python" + ldversion)
    return _PY


def core_member(pkg=DIST, mod="_core"):
    return "%s/%s%s" % (pkg, mod, py()["suffix"])


def wheel_name(dist=DIST, plat="linux_x86_64"):
    return "%s-%s-%s-%s-%s.whl" % (dist, VER, py()["tag"], py()["tag"], plat)


# ---------------------------------------------------------------- building


def build_lib(libdir, soname=GREET, src=None, *flags, value=None, cc="gcc"):
    """LIBDIR/SONAME with DT_SONAME (and the link libNAME.so); libgreet by
    default, returning VALUE (-DGREET_VALUE)."""
    libdir = libdir if os.path.isabs(libdir) else tmp(libdir)
    os.makedirs(libdir, exist_ok=True)
    path = os.path.join(libdir, soname)
    defs = ["-DGREET_VALUE=%d" % value] if value is not None else []
    sh([cc, *CFLAGS, *defs, "-shared", "-Wl,-soname," + soname, "-o", path,
        src or os.path.join(GRAFT_SRC, "greet.c"), *flags], "building " + soname)
    dev = os.path.join(libdir, soname.split(".so")[0] + ".so")
    if not os.path.lexists(dev):
        os.symlink(soname, dev)
    return path


def build_module(name, modname, call, *link, extra=(), cflags=CFLAGS):
    """tmp("build", NAME): a CPython extension module PyInit_<modname> whose
    value() returns CALL() (tests/fixtures/src/graft/pymod.c)."""
    path = tmp("build", name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    sh(["gcc", *cflags, "-shared", "-I" + py()["include"], "-DMODNAME=" + modname, "-DCALL=" + call,
        "-o", path, os.path.join(GRAFT_SRC, "pymod.c"), *extra, *link], "building module " + name)
    return path


def make_wheel(files, name=None):
    """files: [(member, path or bytes)]; the package's __init__.py files are
    added.  Returns the wheel's path (tmp/in/NAME)."""
    name = name or wheel_name()
    out, pkgs = [], set()
    for member, data in files:
        if isinstance(data, str):
            data = read(data)
        out.append((member, data, 0o755 if data[:4] == b"\x7fELF" else 0o644))
        if "/" in member:
            pkgs.add(member.split("/")[0])
    inits = [(p + "/__init__.py", b"", 0o644) for p in sorted(pkgs)
             if not p.endswith((".libs", ".data", ".dist-info")) and p + "/__init__.py" not in [m for m, _ in files]]
    return simple_wheel(name, inits + out)


def greet_wheel(libdir="libs", value=None, cflags=CFLAGS, lib_flags=()):
    """(wheel, libgreet, module): graftmod/_core needs libgreet.so.1 from
    tmp(LIBDIR), linked without an rpath."""
    lib = build_lib(libdir, GREET, None, *lib_flags, value=value)
    mod = build_module("_core.so", "_core", "greet_value", "-L" + os.path.dirname(lib), "-lgreet", cflags=cflags)
    check(dynamic(mod)["NEEDED"][:1] == [GREET], "the module does not need %s first: %r" % (GREET, dynamic(mod)))
    return make_wheel([(core_member(), mod)]), lib, mod


def libc_wheel(dist="libcmod"):
    """(wheel, module): a module that needs only libc (GLIBC_* versions): a
    repair only retags it."""
    mod = build_module("_libc.so", "_libc", "libc_value", extra=[os.path.join(SRC, "libc_value.c")])
    return make_wheel([(core_member(dist, "_libc"), mod)], wheel_name(dist)), mod


def mkelf(out, *args):
    """tmp("elf", OUT) synthesized by mkelf (--mkelf) with ARGS."""
    tool = CTX.get("mkelf")
    if not tool or not os.access(tool, os.X_OK):
        raise Skip("mkelf was not built here (--mkelf %r)" % tool)
    path = tmp("elf", out)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    sh([tool, "-o", path, *map(str, args)], "mkelf " + out)
    return path


def write(path, data, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    os.chmod(path, mode)
    return path


# ---------------------------------------------------------------- repairs


def repaired(wheel, *opts, wdir=None, env=None, cwd=None, binary=None, show_exit=0):
    """`repair -w WDIR OPTS WHEEL` must write one wheel; returns its absolute path
    (checked: one stdout line, in WDIR, no temporary file left)."""
    wdir = wdir or tmp("wheelhouse")
    r = casekit.repair("-w", wdir, *opts, wheel, env=env, cwd=cwd, binary=binary, show_exit=show_exit)
    check(r.returncode == 0, "repair %s: exit %d" % (" ".join(map(str, opts)), r.returncode),
          "stdout:\n" + r.stdout, "stderr:\n" + r.stderr)
    lines = r.stdout.splitlines()
    check(len(lines) == 1, "repair printed %d lines, expected 1" % len(lines), r.stdout, r.stderr)
    path = os.path.join(cwd or CTX["tmp"], lines[0])
    base = os.path.join(cwd or CTX["tmp"], wdir)
    check(os.path.dirname(os.path.abspath(path)) == os.path.abspath(base), "output %s is not in %s" % (path, wdir))
    left = [n for n in os.listdir(base) if n.startswith(".") or n.endswith(".tmp")]
    check(not left, "temporary files left in %s: %r" % (wdir, left))
    return os.path.abspath(path)


def refused(wheel, *opts, code, wdir=None, env=None, binary=None):
    """`repair -w WDIR OPTS WHEEL` must exit CODE and write nothing; returns stderr."""
    wdir = wdir or tmp("refused")
    r = casekit.repair("-w", wdir, *opts, wheel, env=env, binary=binary)
    check(r.returncode == code, "repair %s: exit %d, expected %d" % (" ".join(map(str, opts)), r.returncode, code),
          "stdout:\n" + r.stdout, "stderr:\n" + r.stderr)
    check(r.stdout == "", "repair printed %r on stdout" % r.stdout)
    assert_nothing_written(wdir)
    return r.stderr


def tagset(path):
    return os.path.basename(path)[:-4].split("-")[-1].split(".")


def wheel_tags(path):
    """The Tag lines of an output's WHEEL, in order."""
    text = members(path)[casekit.dist_info_file(path, "WHEEL")].decode()
    return [l[5:] for l in text.splitlines() if l.startswith("Tag: ")]


def extract(out, member, where="x"):
    dest = tmp(where, os.path.basename(out), member)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with open(dest, "wb") as f:
        f.write(members(out)[member])
    return dest


def extract_all(out, where):
    """The whole output under tmp(WHERE), with its members' modes."""
    dest = tmp(where)
    with zipfile.ZipFile(out) as z:
        for i in z.infolist():
            p = z.extract(i, dest)
            mode = i.external_attr >> 16 & 0o777
            if mode:
                os.chmod(p, mode)
    return dest


def raw_entries(path):
    """name -> (method, crc, compressed size, size, compressed bytes, external attributes)."""
    data, out = read(path), {}
    with zipfile.ZipFile(path) as z:
        for i in z.infolist():
            n, m = struct.unpack_from("<HH", data, i.header_offset + 26)
            start = i.header_offset + 30 + n + m
            out[i.filename] = (i.compress_type, i.CRC, i.compress_size, i.file_size,
                               data[start:start + i.compress_size], i.external_attr)
    return out


def sbom_member():
    return "%s-%s.dist-info/sboms/wheelaudit.cdx.json" % (DIST, VER)


def sbom_of(out):
    ms = members(out)
    names = [n for n in ms if "/sboms/" in n]
    check(len(names) == 1 and names[0].endswith(".dist-info/sboms/wheelaudit.cdx.json"),
          "SBOM members of %s: %r" % (os.path.basename(out), names))
    doc = json.loads(ms[names[0]])
    validate(doc, "sbom")
    return doc


def sbom_files(doc):
    """[(owning component or None, file component)] of an SBOM."""
    out = []
    for c in doc.get("components", []):
        if c.get("type") == "file":
            out.append((None, c))
        for f in c.get("components", []):
            out.append((c, f))
    return out


def elflint(path):
    """eu-elflint --gnu-ld reports nothing (eu-elflint is required)."""
    r = run([need("eu-elflint", "elfutils"), "--gnu-ld", path])
    check(r.returncode == 0, "eu-elflint --gnu-ld %s: exit %d" % (os.path.basename(path), r.returncode),
          r.stdout + r.stderr)


# ---------------------------------------------------------------- pip and python


def pip_env(**over):
    return clean_env(PIP_CONFIG_FILE=os.devnull, PIP_NO_INPUT="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
                     PYTHONNOUSERSITE="1", **over)


_SITES = []


def imports(out, modules, target=None):
    """Installs OUT with pip into a fresh directory and imports MODULES in
    /usr/bin/python3 (LD_LIBRARY_PATH unset, cwd elsewhere); returns
    [module.value(), ...], each module checked to come from the install."""
    _SITES.append(out)
    target = target or tmp("site%d" % len(_SITES))
    if run([PY_BIN, "-m", "pip", "--version"], env=pip_env()).returncode != 0:
        raise Skip("%s -m pip is unavailable" % PY_BIN)
    p = run([PY_BIN, "-m", "pip", "install", "--no-deps", "--no-index", "--no-cache-dir", "--no-compile",
             "--target", target, out], env=pip_env())
    check(p.returncode == 0, "pip install %s: exit %d" % (os.path.basename(out), p.returncode), p.stdout, p.stderr)
    code = ("import importlib, json, os, sys\n"
            "out = []\n"
            "for name in sys.argv[2:]:\n"
            "    m = importlib.import_module(name)\n"
            "    assert os.path.realpath(m.__file__).startswith(os.path.realpath(sys.argv[1]) + os.sep), m.__file__\n"
            "    out.append(m.value())\n"
            "print(json.dumps(out))\n")
    os.makedirs(tmp("elsewhere"), exist_ok=True)
    p = run([PY_BIN, "-c", code, target, *modules], cwd=tmp("elsewhere"), env=pip_env(PYTHONPATH=target), timeout=60)
    check(p.returncode == 0, "importing %s from %s failed (exit %d)" % (modules, os.path.basename(out), p.returncode),
          p.stdout, p.stderr)
    return json.loads(p.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- the auditwheel program name


def auditwheel_program(kind="link"):
    """tmp/bin-KIND/auditwheel: the binary under test reached under the name
    `auditwheel`, through a symbolic link (KIND link) or a copy (KIND copy).
    When the binary under test is a wrapper script (the valgrind and
    emulator presets: `exec TOOL... BINARY "$@"`), the link or copy is of the
    wrapped binary and a wrapper of the same name runs it, so the program
    still sees the name auditwheel and still runs under the tool."""
    d = tmp("bin-" + kind)
    os.makedirs(d, exist_ok=True)
    target = os.path.join(d, "auditwheel")
    binary = CTX["bin"]
    with open(binary, "rb") as f:
        head = f.read(4)
    if head == b"\x7fELF":
        if kind == "link":
            os.symlink(binary, target)
        else:
            shutil.copy2(binary, target)
        return target
    text = read(binary).decode()
    line = [l for l in text.splitlines() if l.startswith("exec ")]
    check(len(line) == 1, "the binary under test %s is neither ELF nor a one-line exec wrapper" % binary)
    argv = shlex.split(line[0])[1:]
    check(argv[-1] == "$@", "wrapper %s does not end its exec line with \"$@\"" % binary)
    inner = os.path.join(d, "real", "auditwheel")
    os.makedirs(os.path.dirname(inner))
    if kind == "link":
        os.symlink(argv[-2], inner)
    else:
        shutil.copy2(argv[-2], inner)
    write(target, "#!/bin/sh\nexec %s \"$@\"\n" % " ".join(shlex.quote(a) for a in argv[:-2] + [inner]), 0o755)
    return target


def path_env(bindir, **over):
    return clean_env(PATH=bindir + ":" + os.environ.get("PATH", "/usr/bin:/bin"), **over)


def shell_repair(command, env, cwd=None, show_opts=()):
    """Runs a repair command line through sh -c, as cibuildwheel does; checks
    each wheel it printed (casekit.check_written) and returns (exit, stdout
    paths, stderr)."""
    r = run(["sh", "-c", command], env=env, cwd=cwd)
    here = cwd or CTX["tmp"]
    paths = [os.path.join(here, l) for l in r.stdout.splitlines()] if r.returncode == 0 else []
    for p in paths:
        casekit.check_written(p, show_opts, env=env, cwd=here)
    return r.returncode, paths, r.stderr


# ---------------------------------------------------------------- Android fixtures


ANDROID = {
    "arm64": dict(machine=EM_AARCH64, abi="arm64_v8a", triplet="aarch64-linux-android"),
    "x86_64": dict(machine=EM_X86_64, abi="x86_64", triplet="x86_64-linux-android"),
}


def android_wheel(arch, api=24, libdir="android-libs", lib_api=24):
    """(wheel, module, libc++_shared.so stand-in) as the issue describes:
    foo/_x.cpython-313-<triplet>.so needing libc.so, libpython3.13.so and
    libc++_shared.so (which LIBDIR has, with its SONAME), in
    foo-1.0-cp313-cp313-android_<API>_<abi>.whl."""
    a = ANDROID[arch]
    mod = mkelf("%s-%d/_x.so" % (arch, api), "--machine", a["machine"], "--android-api", api,
                "--needed", "libc.so", "--needed", "libpython3.13.so", "--needed", "libc++_shared.so",
                "--verneed", "libc.so:LIBC:malloc")
    lib = None
    if libdir:
        lib = mkelf("%s/%s/libc++_shared.so" % (libdir, arch), "--machine", a["machine"], "--android-api", lib_api,
                    "--soname", "libc++_shared.so", "--needed", "libc.so", "--verneed", "libc.so:LIBC:free")
    name = "foo-1.0-cp313-cp313-android_%d_%s.whl" % (api, a["abi"])
    member = "foo/_x.cpython-313-%s.so" % a["triplet"]
    return simple_wheel(name, [("foo/__init__.py", b"", 0o644), (member, read(mod), 0o755)]), mod, lib, member


def check_android_output(out, wheel, mod, lib, member):
    """The repaired Android wheel: the input's name and tags, libc++_shared
    grafted with its SONAME, the module's NEEDED renamed (libpython kept) and
    its DT_RUNPATH (Android reads no DT_RPATH) pointing at foo.libs."""
    new = grafted_name("libc++_shared.so", lib)
    ms = members(out)
    check("foo.libs/" + new in ms, "%s not grafted: %r" % (new, sorted(ms)))
    d = dynamic(extract(out, member))
    check(d["NEEDED"] == ["libc.so", "libpython3.13.so", new], "module NEEDED %r" % d["NEEDED"])
    check(d["RUNPATH"] == ["$ORIGIN/../foo.libs"] and d["RPATH"] == [],
          "module RUNPATH %r RPATH %r, expected RUNPATH $ORIGIN/../foo.libs only" % (d["RUNPATH"], d["RPATH"]))
    g = dynamic(extract(out, "foo.libs/" + new))
    check(g["SONAME"] == [new], "grafted SONAME %r, expected %s" % (g["SONAME"], new))
    check(g["NEEDED"] == ["libc.so"] and g["RPATH"] == [], "grafted copy: %r" % g)
    vr = sh(["readelf", "-VW", extract(out, member)], "readelf -V")
    check("libc.so" in vr and "LIBC" in vr, "the module lost its libc.so LIBC version need", vr)
    assert_record_consistent(out)
    check(wheel_tags(out) == wheel_tags(wheel), "WHEEL tags %r, the input's %r" % (wheel_tags(out), wheel_tags(wheel)))
    check(os.path.basename(out) == os.path.basename(wheel),
          "the output is named %s, not the input's %s" % (os.path.basename(out), os.path.basename(wheel)))


# ================================================================ global options


@case
def version_both_spellings(_):
    """-V and --version print one line `wheelaudit X.Y.Z`, also under the name auditwheel."""
    outs = set()
    for binary in (CTX["bin"], auditwheel_program("link")):
        for opt in ("-V", "--version"):
            r = run([binary, opt])
            check(r.returncode == 0 and r.stderr == "", "%s %s: exit %d" % (binary, opt, r.returncode), r.stderr)
            check(re.fullmatch(r"wheelaudit \d+\.\d+\.\d+\S*\n", r.stdout), "%s: %r" % (opt, r.stdout))
            outs.add(r.stdout)
    check(len(outs) == 1, "the versions differ: %r" % outs)


@case
def verbose_before_the_command(_):
    """-v before the command is --verbose after it; -vv = -v -v = -v ... -v."""
    w, lib, _ = greet_wheel()
    quiet = casekit.repair("-w", tmp("q"), "--ldpaths", tmp("libs"), w)
    check(quiet.returncode == 0 and quiet.stderr == "", "quiet repair: exit %d" % quiet.returncode, quiet.stderr)
    errs = {}
    for i, pre in enumerate((["-v"], ["--verbose"], ["-vv"], ["-v", "-v"])):
        r = run([CTX["bin"], *pre, "repair", "-w", tmp("v%d" % i), "--ldpaths", tmp("libs"), w])
        check(r.returncode == 0, "%s repair: exit %d" % (" ".join(pre), r.returncode), r.stderr)
        casekit.check_written(os.path.join(CTX["tmp"], r.stdout.strip()))
        errs[" ".join(pre)] = r.stderr.replace(tmp("v%d" % i), "WD")
    one = errs["-v"]
    check(re.search(r"-> WD/graftmod-0\.1-\S+\.whl \(\d+ members copied, \d+ rewritten\)", one),
          "-v repair: no line per wheel written", one)
    check("grafted %s from %s" % (GREET, lib) in one, "-v repair does not say what it grafted", one)
    check(errs["--verbose"] == one, "--verbose before the command differs from -v", errs["--verbose"], one)
    two = errs["-vv"]
    check(two.startswith(one) or all(l in two for l in one.splitlines()), "-vv lacks what -v says", two)
    check("DT_NEEDED %s -> %s" % (GREET, grafted_name(GREET, lib)) in two and "DT_RPATH $ORIGIN/../graftmod.libs" in two,
          "-vv repair does not print the plan", two)
    check(errs["-v -v"] == two, "-v -v differs from -vv", errs["-v -v"], two)
    after = run([CTX["bin"], "repair", "-vv", "-w", tmp("v9"), "--ldpaths", tmp("libs"), w])
    check(after.stderr.replace(tmp("v9"), "WD") == two, "repair -vv differs from -vv repair", after.stderr, two)
    # show: -v before the command is show -v (informational findings too)
    x = ("--exclude", "libgreet*", w)
    plain, before, after = (wheelaudit(*a) for a in (("show", *x), ("-v", "show", *x), ("show", "-v", *x)))
    check(before == after, "-v show differs from show -v", before.stdout, after.stdout)
    check("[excluded-library]" in before.stdout and "[excluded-library]" not in plain.stdout,
          "show -v does not add the info finding of an --exclude'd library", plain.stdout, before.stdout)


# ================================================================ show


@case
def show_flags_both_spellings(_):
    """--disable-isa-ext-check (auditwheel) = --disable-isa-check; --allow-pure-python-wheel = --allow-pure."""
    isa = build_module("_isa.so", "_isa", "libc_value", "-Wl,-z,x86-64-v3", extra=[os.path.join(SRC, "libc_value.c")])
    note = sh(["readelf", "-nW", isa], "readelf -n")
    if "x86-64-v3" not in note:
        raise Skip("this linker does not write the x86-64-v3 ISA note (-z x86-64-v3)")
    w = make_wheel([(core_member("isamod", "_isa"), isa)], wheel_name("isamod"))
    base = wheelaudit("show", "--json", w)
    check(base.returncode == 1, "show of an x86-64-v3 module: exit %d" % base.returncode, base.stdout)
    docs = []
    for opt in ("--disable-isa-ext-check", "--disable-isa-check"):
        r = wheelaudit("show", "--json", opt, w)
        check(r.returncode == 0, "show %s: exit %d" % (opt, r.returncode), r.stdout, r.stderr)
        validate(json.loads(r.stdout), "show-v1")
        docs.append(r.stdout)
    check(docs[0] == docs[1], "the two spellings of the ISA option report differently")
    out = [repaired(w, opt, wdir=tmp("isa%d" % i)) for i, opt in enumerate(("--disable-isa-ext-check",
                                                                             "--disable-isa-check"))]
    check(read(out[0]) == read(out[1]), "repair: the two ISA spellings wrote different wheels")
    pure = simple_wheel("pure-1.0-py3-none-any.whl", [("pure/__init__.py", b"x = 1\n", 0o644)])
    check(wheelaudit("show", pure).returncode == 5, "show of a pure wheel without the option: not exit 5")
    texts = []
    for opt in ("--allow-pure-python-wheel", "--allow-pure"):
        r = wheelaudit("show", opt, pure)
        check(r.returncode == 0, "show %s: exit %d" % (opt, r.returncode), r.stdout, r.stderr)
        texts.append(r.stdout)
    check(texts[0] == texts[1], "the two pure-wheel spellings report differently")
    copies = [repaired(pure, opt, wdir=tmp("pure%d" % i)) for i, opt in enumerate(("--allow-pure-python-wheel",
                                                                                   "--allow-pure"))]
    for c in copies:
        check(os.path.basename(c) == os.path.basename(pure) and read(c) == read(pure),
              "repair %s: the pure wheel was not copied unchanged" % c)


@case
def show_ldpaths_reports_the_tags_after_grafting(_):
    """show --ldpaths DIRS, WHEELAUDIT_LD_LIBRARY_PATH and AUDITWHEEL_LD_LIBRARY_PATH:
    the text report's 'after grafting' line and JSON after_graft (show-v1)."""
    w, lib, _ = greet_wheel()
    plain = wheelaudit("show", "--json", w)
    check(plain.returncode == 1, "show: exit %d" % plain.returncode)
    check(json.loads(plain.stdout)["wheels"][0].get("after_graft") is None,
          "after_graft without --ldpaths or a variable", plain.stdout)
    check("after grafting" not in wheelaudit("show", w).stdout, "text 'after grafting' without --ldpaths")
    os.makedirs(tmp("empty"))
    ways = [(("--ldpaths", tmp("libs")), None, "ldpaths"),
            (("--ldpaths", tmp("empty")), {"WHEELAUDIT_LD_LIBRARY_PATH": tmp("libs")}, "LD_LIBRARY_PATH"),
            ((), {"AUDITWHEEL_LD_LIBRARY_PATH": tmp("libs")}, "LD_LIBRARY_PATH"),
            ((), {"WHEELAUDIT_LD_LIBRARY_PATH": tmp("libs")}, "LD_LIBRARY_PATH")]
    for opts, var, found_by in ways:
        env = clean_env(**(var or {}))
        what = " ".join(opts) or " ".join("%s=DIR" % k for k in var)
        t = wheelaudit("show", *opts, w, env=env)
        check(t.returncode == 1, "show %s: exit %d (the wheel itself still needs grafting)" % (what, t.returncode))
        lines = t.stdout.splitlines()
        i = [k for k, l in enumerate(lines) if l.strip().startswith("after grafting:")]
        check(len(i) == 1, "show %s: %d 'after grafting' lines" % (what, len(i)), t.stdout)
        check(lines[i[0]].strip() == "after grafting: manylinux1_x86_64.manylinux_2_5_x86_64",
              "show %s: %r" % (what, lines[i[0]]))
        check(lines[i[0] + 1].strip() == "%s => %s (%s)" % (GREET, lib, found_by),
              "show %s: the line under it is %r" % (what, lines[i[0] + 1]), t.stdout)
        j = wheelaudit("show", "--json", *opts, w, env=env)
        doc = json.loads(j.stdout)
        validate(doc, "show-v1")
        ag = doc["wheels"][0]["after_graft"]
        check(ag and ag["possible"] and ag["tags"] == ["manylinux1_x86_64", "manylinux_2_5_x86_64"] and
              ag["missing"] == [], "show --json %s: after_graft %r" % (what, ag))
        check([(g["name"], g["source"], g["found_by"], g["member"]) for g in ag["grafted"]] ==
              [(GREET, lib, found_by, "graftmod.libs/" + grafted_name(GREET, lib))],
              "show --json %s: after_graft.grafted %r" % (what, ag["grafted"]))
    # a library that is nowhere: after_graft says what is missing
    j = wheelaudit("show", "--json", "--ldpaths", tmp("empty"), w)
    ag = json.loads(j.stdout)["wheels"][0]["after_graft"]
    validate(json.loads(j.stdout), "show-v1")
    check(ag and not ag["possible"] and len(ag["missing"]) == 1 and ag["missing"][0].startswith(GREET + " ") and
          GREET in (ag["reason"] or ""), "after_graft of a library not found: %r" % ag)


@case
def ldpaths_items_must_exist(_):
    """--ldpaths refuses an item that does not exist or is empty (exit 2), in show, repair and lddtree."""
    w, _, mod = greet_wheel()
    for bad in (tmp("nowhere"), tmp("libs") + ":", tmp("libs") + "::" + tmp("libs"), ""):
        for cmd, target in (("show", w), ("lddtree", mod)):
            r = wheelaudit(cmd, "--ldpaths", bad, target)
            check(r.returncode == 2 and "--ldpaths" in r.stderr, "%s --ldpaths %r: exit %d" % (cmd, bad, r.returncode),
                  r.stderr)
        err = refused(w, "--ldpaths", bad, code=2)
        check("--ldpaths" in err, "repair --ldpaths %r: the message does not name --ldpaths" % bad, err)


@case
def lddtree_ldpaths_and_both_variables(_):
    """lddtree FILE --ldpaths DIRS; AUDITWHEEL_LD_LIBRARY_PATH like WHEELAUDIT_LD_LIBRARY_PATH, ours first."""
    _, lib, mod = greet_wheel()
    other = build_lib("other", value=1)
    r = wheelaudit("lddtree", "--ldpaths", tmp("libs"), mod)
    check(r.returncode == 0 and "%s => %s (ldpaths)" % (GREET, lib) in r.stdout, "lddtree --ldpaths: exit %d"
          % r.returncode, r.stdout, r.stderr)
    check(wheelaudit("lddtree", mod).returncode == 1, "lddtree without --ldpaths found libgreet")
    for var, d, want in (("AUDITWHEEL_LD_LIBRARY_PATH", "libs", lib), ("WHEELAUDIT_LD_LIBRARY_PATH", "other", other)):
        r = wheelaudit("lddtree", mod, env=clean_env(**{var: tmp(d)}))
        check(r.returncode == 0 and "%s => %s (LD_LIBRARY_PATH)" % (GREET, want) in r.stdout,
              "lddtree with %s: exit %d" % (var, r.returncode), r.stdout, r.stderr)
    both = clean_env(WHEELAUDIT_LD_LIBRARY_PATH=tmp("other"), AUDITWHEEL_LD_LIBRARY_PATH=tmp("libs"))
    r = wheelaudit("lddtree", mod, env=both)
    check("%s => %s (LD_LIBRARY_PATH)" % (GREET, other) in r.stdout,
          "with both variables set, WHEELAUDIT_LD_LIBRARY_PATH's directory does not come first", r.stdout)
    # the auditwheel list is still searched after ours
    os.remove(other)
    os.remove(os.path.join(tmp("other"), "libgreet.so"))
    r = wheelaudit("lddtree", mod, env=both)
    check("%s => %s (LD_LIBRARY_PATH)" % (GREET, lib) in r.stdout,
          "AUDITWHEEL_LD_LIBRARY_PATH is not searched when WHEELAUDIT_LD_LIBRARY_PATH is set", r.stdout)


# ================================================================ repair: where and what


@case
def repair_ld_library_path_variables(_):
    """repair grafts from AUDITWHEEL_LD_LIBRARY_PATH or WHEELAUDIT_LD_LIBRARY_PATH; ours wins."""
    w, lib, _ = greet_wheel()
    other = build_lib("other", value=4343)
    os.makedirs(tmp("empty"))
    outs = {}
    for name, env in (("aw", {"AUDITWHEEL_LD_LIBRARY_PATH": tmp("libs")}),
                      ("wa", {"WHEELAUDIT_LD_LIBRARY_PATH": tmp("other")}),
                      ("both", {"WHEELAUDIT_LD_LIBRARY_PATH": tmp("other"), "AUDITWHEEL_LD_LIBRARY_PATH": tmp("libs")})):
        outs[name] = repaired(w, "--ldpaths", tmp("empty"), wdir=tmp(name), env=clean_env(**env))
    for name, src in (("aw", lib), ("wa", other), ("both", other)):
        libs = [n for n in members(outs[name]) if n.startswith(DIST + ".libs/")]
        check(libs == [DIST + ".libs/" + grafted_name(GREET, src)], "%s: grafted %r, expected the copy of %s"
              % (name, libs, src))
    check(imports(outs["aw"], [DIST + "._core"]) == [4242], "AUDITWHEEL_LD_LIBRARY_PATH graft: value")
    check(imports(outs["both"], [DIST + "._core"]) == [4343], "both variables: the graft is not ours (4343)")


@case
def wheel_dir_both_spellings(_):
    """-w DIR, --wheel-dir DIR, --wheel-dir=DIR, options after the wheel, and the
    default wheelhouse/ of the current directory: the same output."""
    w, _, _ = greet_wheel()
    a = repaired(w, "--ldpaths", tmp("libs"), wdir=tmp("a"))
    for i, form in enumerate((["--wheel-dir", tmp("b")], ["--wheel-dir=" + tmp("c")])):
        r = casekit.repair(*form, "--ldpaths", tmp("libs"), w)
        check(r.returncode == 0 and len(r.stdout.splitlines()) == 1, "repair %s: exit %d" % (form[0], r.returncode),
              r.stderr)
        check(read(r.stdout.strip()) == read(a), "%s wrote another wheel than -w" % form[0])
    r = casekit.repair(w, "--ldpaths", tmp("libs"), "-w", tmp("d"))
    check(r.returncode == 0 and read(r.stdout.strip()) == read(a), "options after the wheel: exit %d" % r.returncode,
          r.stderr)
    os.makedirs(tmp("cwd"))
    r = casekit.repair("--ldpaths", tmp("libs"), w, cwd=tmp("cwd"))
    check(r.returncode == 0, "repair without -w: exit %d" % r.returncode, r.stderr)
    default = os.path.join(tmp("cwd"), "wheelhouse", os.path.basename(a))
    check(os.path.isfile(default) and read(default) == read(a), "without -w the wheel is not %s" % default,
          "stdout: " + r.stdout)


@case
def several_wheels_in_one_call(_):
    """repair W1 W2 (auditwheel takes several): one output each, as when repaired alone."""
    w, _, _ = greet_wheel()
    lw, _ = libc_wheel()
    r = casekit.repair("-w", tmp("both"), "--ldpaths", tmp("libs"), w, lw)
    check(r.returncode == 0 and len(r.stdout.splitlines()) == 2, "repair W1 W2: exit %d" % r.returncode,
          r.stdout, r.stderr)
    for i, one in enumerate((w, lw)):
        alone = repaired(one, "--ldpaths", tmp("libs"), wdir=tmp("alone%d" % i))
        together = os.path.join(tmp("both"), os.path.basename(alone))
        check(os.path.isfile(together) and read(together) == read(alone), "%s repaired with another differs"
              % os.path.basename(alone))


@case
def plat_from_either_variable(_):
    """AUDITWHEEL_PLAT gives the target; WHEELAUDIT_PLAT wins over it; --plat over both."""
    lw, _ = libc_wheel()
    auto = tagset(repaired(lw, wdir=tmp("auto")))
    check(auto and all(t.startswith("manylinux") for t in auto), "auto tags %r" % auto)
    cases = [({"AUDITWHEEL_PLAT": "manylinux_2_28_x86_64"}, (), "manylinux_2_28_x86_64"),
             ({"WHEELAUDIT_PLAT": "manylinux_2_34_x86_64"}, (), "manylinux_2_34_x86_64"),
             ({"WHEELAUDIT_PLAT": "manylinux_2_34_x86_64", "AUDITWHEEL_PLAT": "manylinux_2_28_x86_64"}, (),
              "manylinux_2_34_x86_64"),
             ({"WHEELAUDIT_PLAT": "manylinux_2_34_x86_64", "AUDITWHEEL_PLAT": "manylinux_2_28_x86_64"},
              ("--plat", "manylinux_2_31_x86_64"), "manylinux_2_31_x86_64")]
    for i, (env, opts, target) in enumerate(cases):
        t = tagset(repaired(lw, *opts, wdir=tmp("p%d" % i), env=clean_env(**env)))
        check(target in t and set(auto) <= set(t), "%r %s: tags %r, expected %s and the auto tags %r"
              % (env, " ".join(opts), t, target, auto))
        only = tagset(repaired(lw, *opts, "--only-plat", wdir=tmp("o%d" % i), env=clean_env(**env)))
        check(only == [target], "%r %s --only-plat: tags %r, expected [%s]" % (env, " ".join(opts), only, target))
    err = refused(lw, code=2, env=clean_env(AUDITWHEEL_PLAT="nonsense_1_0"))
    check("AUDITWHEEL_PLAT" in err, "an unknown AUDITWHEEL_PLAT: the message does not name the variable", err)


@case
def only_plat_without_a_target_changes_nothing(_):
    """--only-plat without --plat (or with auto) writes what a plain repair writes, as in auditwheel."""
    w, _, _ = greet_wheel()
    plain = repaired(w, "--ldpaths", tmp("libs"), wdir=tmp("plain"))
    for i, opts in enumerate((["--only-plat"], ["--only-plat", "--plat", "auto"])):
        o = repaired(w, "--ldpaths", tmp("libs"), *opts, wdir=tmp("o%d" % i))
        check(read(o) == read(plain), "repair %s differs from a plain repair" % " ".join(opts))


@case
def lib_sdir_both_spellings(_):
    """-L .mylibs / --lib-sdir .mylibs: the grafted libraries go to graftmod.mylibs/,
    the module's RPATH and the SBOM say so, and the module imports."""
    w, lib, mod = greet_wheel()
    new = grafted_name(GREET, lib)
    outs = [repaired(w, "--ldpaths", tmp("libs"), *opt, wdir=tmp("l%d" % i))
            for i, opt in enumerate((["-L", ".mylibs"], ["--lib-sdir", ".mylibs"], ["--lib-sdir=.mylibs"]))]
    for o in outs[1:]:
        check(read(o) == read(outs[0]), "the spellings of -L wrote different wheels")
    out = outs[0]
    ms = members(out)
    check([n for n in ms if "libgreet" in n] == [DIST + ".mylibs/" + new], "grafted members %r" % sorted(ms))
    check(not [n for n in ms if n.startswith(DIST + ".libs/")], "something went to graftmod.libs/ too")
    d = dynamic(extract(out, core_member()))
    check(d["RPATH"] == ["$ORIGIN/../" + DIST + ".mylibs"] and d["NEEDED"][0] == new, "module: %r" % d)
    locs = [f["evidence"]["occurrences"][0]["location"] for _, f in sbom_files(sbom_of(out))]
    check(locs == [DIST + ".mylibs/" + new], "SBOM locations %r" % locs)
    assert_record_consistent(out)
    shutil.rmtree(tmp("libs"))
    check(imports(out, [DIST + "._core"]) == [4242], "the module does not import from graftmod.mylibs")


@case
def no_update_tags_keeps_name_and_tags(_):
    """--no-update-tags: the input's file name and WHEEL Tag lines, the libraries still grafted."""
    w, lib, _ = greet_wheel()
    out = repaired(w, "--ldpaths", tmp("libs"), "--no-update-tags", wdir=tmp("keep"))
    check(os.path.basename(out) == os.path.basename(w), "output named %s" % os.path.basename(out))
    check(wheel_tags(out) == wheel_tags(w), "WHEEL Tag lines %r, the input's %r" % (wheel_tags(out), wheel_tags(w)))
    new = grafted_name(GREET, lib)
    check(DIST + ".libs/" + new in members(out), "nothing grafted: %r" % sorted(members(out)))
    check(dynamic(extract(out, core_member()))["NEEDED"][0] == new, "the module was not patched")
    sbom_of(out)
    assert_record_consistent(out)
    # the policies are still checked: a target the content cannot meet is refused
    err = refused(w, "--ldpaths", tmp("libs"), "--no-update-tags", "--plat", "manylinux_2_17_aarch64", code=1)
    check("rejected" in err, "--no-update-tags with a foreign target", err)
    # written next to the input, the output would replace it: refused (exit 2)
    before = read(w)
    r = casekit.repair("-w", os.path.dirname(w), "--ldpaths", tmp("libs"), "--no-update-tags", w)
    check(r.returncode == 2 and r.stdout == "", "--no-update-tags into the input's directory: exit %d"
          % r.returncode, r.stderr)
    check(read(w) == before and sorted(os.listdir(os.path.dirname(w))) == [os.path.basename(w)],
          "the input's directory changed: %r" % os.listdir(os.path.dirname(w)))
    shutil.rmtree(tmp("libs"))
    check(imports(out, [DIST + "._core"]) == [4242], "--no-update-tags output does not import")


# ================================================================ repair: compression


def deflate_levels(plain, compressed):
    """The zlib levels 1-9 whose raw deflate of PLAIN is COMPRESSED."""
    out = set()
    for level in range(1, 10):
        c = zlib.compressobj(level, zlib.DEFLATED, -15)
        if c.compress(plain) + c.flush() == compressed:
            out.add(level)
    return out


def rewritten(inp, out):
    """(raw copies, rewritten or added members) of OUT compared with INP."""
    a, b = raw_entries(inp), raw_entries(out)
    same = {n for n in b if n in a and a[n] == b[n]}
    return same, set(b) - same


@case
def zip_level_0_stores_rewritten_members(_):
    """-z 0 / --zip-compression-level 0 / either variable: what repair writes is
    stored; raw copies keep their bytes and method."""
    w, lib, _ = greet_wheel()
    base = repaired(w, "--ldpaths", tmp("libs"), wdir=tmp("base"))
    forms = [(["-z", "0"], None), (["-z0"], None), (["--zip-compression-level", "0"], None),
             (["--zip-compression-level=0"], None), ([], {"AUDITWHEEL_ZIP_COMPRESSION_LEVEL": "0"}),
             ([], {"WHEELAUDIT_ZIP_COMPRESSION_LEVEL": "0"}),
             ([], {"WHEELAUDIT_ZIP_COMPRESSION_LEVEL": "0", "AUDITWHEEL_ZIP_COMPRESSION_LEVEL": "9"}),
             (["-z", "0"], {"WHEELAUDIT_ZIP_COMPRESSION_LEVEL": "9"})]
    outs = []
    for i, (opts, env) in enumerate(forms):
        outs.append(repaired(w, "--ldpaths", tmp("libs"), *opts, wdir=tmp("z%d" % i), env=clean_env(**(env or {}))))
    for (opts, env), o in zip(forms[1:], outs[1:]):
        check(read(o) == read(outs[0]), "%s %r wrote another wheel than -z 0" % (" ".join(opts), env))
    out = outs[0]
    check(read(out) != read(base), "-z 0 changed nothing")
    copies, changed = rewritten(w, out)
    want = {core_member(), DIST + ".libs/" + grafted_name(GREET, lib), sbom_member(),
            "%s-%s.dist-info/WHEEL" % (DIST, VER), "%s-%s.dist-info/RECORD" % (DIST, VER)}
    check(changed == want, "rewritten members %r, expected %r" % (sorted(changed), sorted(want)))
    check(copies == set(raw_entries(w)) - want, "raw copies %r" % sorted(copies))
    e = raw_entries(out)
    for n in changed:
        check(e[n][0] == zipfile.ZIP_STORED and e[n][2] == e[n][3], "%s: method %d (stored is 0)" % (n, e[n][0]))
    check(members(out) == members(base), "-z 0 changed the content of a member")
    # ours wins over auditwheel's name: 9 and 0 -> deflated
    o = repaired(w, "--ldpaths", tmp("libs"), wdir=tmp("win"),
                 env=clean_env(WHEELAUDIT_ZIP_COMPRESSION_LEVEL="9", AUDITWHEEL_ZIP_COMPRESSION_LEVEL="0"))
    check(raw_entries(o)[core_member()][0] == zipfile.ZIP_DEFLATED,
          "WHEELAUDIT_ZIP_COMPRESSION_LEVEL=9 did not win over AUDITWHEEL_ZIP_COMPRESSION_LEVEL=0")


@case
def zip_level_9_deflates_at_level_9(_):
    """-z 9 (and -z 1): rewritten members deflated at that level; raw copies unchanged."""
    w, lib, _ = greet_wheel()
    outs = {lv: repaired(w, "--ldpaths", tmp("libs"), "-z", str(lv), wdir=tmp("z%d" % lv)) for lv in (1, 9)}
    outs[6] = repaired(w, "--ldpaths", tmp("libs"), wdir=tmp("default"))
    check(members(outs[1]) == members(outs[9]) == members(outs[6]), "the level changed a member's content")
    reproducible = False
    for lv, out in outs.items():
        copies, changed = rewritten(w, out)
        check(core_member() in changed and "%s-%s.dist-info/METADATA" % (DIST, VER) in copies,
              "-z %d: copies %r, rewritten %r" % (lv, sorted(copies), sorted(changed)))
        e = raw_entries(out)
        plain = members(out)
        for n in changed:
            check(e[n][0] == zipfile.ZIP_DEFLATED, "-z %d: %s has method %d, not deflate" % (lv, n, e[n][0]))
        levels = deflate_levels(plain[core_member()], e[core_member()][4])
        if levels:
            reproducible = True
            check(lv in levels, "-z %d: the module's deflate stream is Python's zlib at levels %r" % (lv, levels))
    check(raw_entries(outs[1])[core_member()][4] != raw_entries(outs[9])[core_member()][4],
          "-z 1 and -z 9 deflate the module to the same bytes")
    sizes = {lv: raw_entries(o)[DIST + ".libs/" + grafted_name(GREET, lib)][2] for lv, o in outs.items()}
    check(sizes[9] <= sizes[6] < sizes[1], "compressed sizes of the grafted library by level: %r" % sizes)
    if not reproducible:
        print("NOTE: Python's zlib %s does not reproduce the streams; sizes checked only" % zlib.ZLIB_RUNTIME_VERSION)
    for bad in ("10", "-1", "x", ""):
        err = refused(w, "--ldpaths", tmp("libs"), "-z", bad, code=2)
        check("-z" in err, "-z %r: message %r" % (bad, err))
    for var in ("AUDITWHEEL_ZIP_COMPRESSION_LEVEL", "WHEELAUDIT_ZIP_COMPRESSION_LEVEL"):
        err = refused(w, "--ldpaths", tmp("libs"), code=2, env=clean_env(**{var: "11"}))
        check(var in err, "%s=11: the message does not name it: %r" % (var, err))


# ================================================================ repair: --strip


def readelf_sections(path):
    out = sh(["readelf", "-SW", path], "readelf -S")
    return re.findall(r"^\s*\[\s*\d+\]\s+(\S+)", out, re.M), out


def version_lines(path):
    """readelf -VW without the section header lines (addresses, offsets and
    section links may move when sections go)."""
    out = sh(["readelf", "-VW", path], "readelf -V")
    return [l for l in out.splitlines()
            if l.strip() and not re.match(r"^\s*(Version \w+ section|Addr:|No version)", l)]


def dynsyms(path):
    """readelf --dyn-syms: each symbol's value, size, type, binding, visibility
    and name, its section index only as defined, UND or ABS (removing
    sections may renumber those after them)."""
    out = sh(["readelf", "--dyn-syms", "-W", path], "readelf --dyn-syms")
    rows = []
    for l in out.splitlines():
        f = l.split()
        if len(f) >= 7 and re.match(r"^\d+:$", f[0]):
            ndx = f[6] if f[6] in ("UND", "ABS") else "DEF"
            rows.append(tuple(f[1:6]) + (ndx,) + tuple(f[7:]))
    return rows


@case
def strip_removes_symbols_and_debug_sections(_):
    """--strip: no .symtab, .strtab or .debug_* in any ELF member or grafted
    library, eu-elflint --gnu-ld clean, .dynsym and versions as before, the
    module imports.  Skipped while the option is accepted but not wired."""
    need("eu-elflint", "elfutils")
    w, lib, mod = greet_wheel(cflags=[c for c in CFLAGS if c != "-g0"] + ["-g"], lib_flags=("-g",))
    names, _ = readelf_sections(mod)
    check(".symtab" in names and any(n.startswith(".debug_") for n in names),
          "the fixture module has no symbol table or debug sections: %r" % names)
    plain = repaired(w, "--ldpaths", tmp("libs"), wdir=tmp("plain"))
    out = repaired(w, "--ldpaths", tmp("libs"), "--strip", wdir=tmp("strip"))
    if read(out) == read(plain):
        raise Skip("--strip is accepted but not wired yet: the output is byte-identical to a repair without it")
    new = DIST + ".libs/" + grafted_name(GREET, lib)
    for m in (core_member(), new):
        s, p = extract(out, m, "s"), extract(plain, m, "p")
        names, text = readelf_sections(s)
        gone = [n for n in names if STRIP_GONE.match(n)]
        check(not gone, "%s keeps %r after --strip" % (m, gone), text)
        check(".dynsym" in names and ".dynstr" in names, "%s lost .dynsym/.dynstr" % m, text)
        check(os.path.getsize(s) < os.path.getsize(p), "%s did not get smaller" % m)
        elflint(s)
        check(dynsyms(s) == dynsyms(p), "%s: .dynsym differs from the unstripped repair's" % m)
        check(version_lines(s) == version_lines(p), "%s: symbol versions differ from the unstripped repair's" % m)
        check(dynamic(s) == dynamic(p), "%s: the dynamic section's names changed" % m)
    assert_record_consistent(out)
    copies, changed = rewritten(w, out)
    check("%s-%s.dist-info/METADATA" % (DIST, VER) in copies, "--strip rewrote METADATA")
    shutil.rmtree(tmp("libs"))
    check(imports(out, [DIST + "._core"]) == [4242], "the stripped module does not import")


# ================================================================ repair: --patcher and --exclude


@case
def patcher_values_and_variables(_):
    """--patcher patchelf|lief-patchelf: accepted, our patcher used (-v says so),
    the same output; none: a grafting repair is rejected (exit 1), a retag is
    not; AUDITWHEEL_PATCHER/WHEELAUDIT_PATCHER, ours first."""
    w, _, _ = greet_wheel()
    lw, _ = libc_wheel()
    plain = repaired(w, "--ldpaths", tmp("libs"), wdir=tmp("plain"))
    for i, name in enumerate(("patchelf", "lief-patchelf")):
        o = repaired(w, "--ldpaths", tmp("libs"), "--patcher", name, wdir=tmp("p%d" % i))
        check(read(o) == read(plain), "--patcher %s changed the output" % name)
        r = run([CTX["bin"], "-v", "repair", "-w", tmp("pv%d" % i), "--ldpaths", tmp("libs"), "--patcher", name, w])
        check(r.returncode == 0 and re.search(r"--patcher %s: .*own ELF patcher" % re.escape(name), r.stderr),
              "-v repair --patcher %s: exit %d, expected 0 and the note that wheelaudit's own patcher is used"
              % (name, r.returncode), r.stderr)
        q = casekit.repair("-w", tmp("pq%d" % i), "--ldpaths", tmp("libs"), "--patcher", name, w)
        check(q.stderr == "", "--patcher %s without -v printed %r" % (name, q.stderr))
        e = repaired(w, "--ldpaths", tmp("libs"), wdir=tmp("pe%d" % i), env=clean_env(AUDITWHEEL_PATCHER=name))
        check(read(e) == read(plain), "AUDITWHEEL_PATCHER=%s changed the output" % name)
    err = refused(w, "--ldpaths", tmp("libs"), "--patcher", "none", code=1)
    check("rejected" in err and "--patcher none" in err, "--patcher none: reason", err)
    reasons = {var: refused(w, "--ldpaths", tmp("libs"), code=1, env=clean_env(**{var: "none"}))
               for var in ("AUDITWHEEL_PATCHER", "WHEELAUDIT_PATCHER")}
    o = repaired(w, "--ldpaths", tmp("libs"), wdir=tmp("ours"),
                 env=clean_env(WHEELAUDIT_PATCHER="patchelf", AUDITWHEEL_PATCHER="none"))
    check(read(o) == read(plain), "WHEELAUDIT_PATCHER=patchelf did not win over AUDITWHEEL_PATCHER=none")
    o = repaired(w, "--ldpaths", tmp("libs"), "--patcher", "patchelf", wdir=tmp("opt"),
                 env=clean_env(WHEELAUDIT_PATCHER="none"))
    check(read(o) == read(plain), "--patcher did not win over WHEELAUDIT_PATCHER")
    # a repair that patches nothing is fine without a patcher
    t = repaired(lw, "--patcher", "none", wdir=tmp("retag"))
    check(read(t) == read(repaired(lw, wdir=tmp("retag2"))), "--patcher none changed a retag-only repair")
    for bad in ("patchelf2", "", "NONE"):
        err = refused(w, "--ldpaths", tmp("libs"), "--patcher", bad, code=2)
        check("--patcher" in err, "--patcher %r: message %r" % (bad, err))
    err = refused(w, "--ldpaths", tmp("libs"), code=2, env=clean_env(AUDITWHEEL_PATCHER="bogus"))
    check("AUDITWHEEL_PATCHER" in err, "AUDITWHEEL_PATCHER=bogus: %r" % err)
    # the rejection names where `none` came from, as the usage errors do
    for var, err in reasons.items():
        line = [l for l in err.splitlines() if ": rejected: " in l]
        check(line and var in line[0], "%s=none: the rejection names %r instead" % (var, line), err)


@case
def option_errors_name_the_option_typed(_):
    """A bad value is reported under the option that gave it, whatever follows it."""
    w, _, _ = greet_wheel()
    for opts, name in ((["--plat", "nonsense_9_9", "-w", tmp("x")], "--plat"),
                       (["--patcher", "none", "--strip", "-w", tmp("x")], "--patcher"),
                       (["--strip", "--patcher", "none", "-L", ".x"], "--patcher"),
                       (["-z", "12", "-w", tmp("x")], "-z")):
        r = casekit.repair(*opts, w)
        check(r.returncode == 2, "repair %s: exit %d" % (" ".join(opts), r.returncode), r.stderr)
        first = r.stderr.splitlines()[0] if r.stderr else ""
        named = set(re.findall(r"(?<![\w-])(-[a-zA-Z]|--[a-z][a-z-]*)(?![\w-])", first))
        check(name in named and not named & {"-w", "-L", "--wheel-dir", "--lib-sdir"},
              "repair %s: the message names %r, not %s: %r" % (" ".join(opts), sorted(named), name, first))
        assert_nothing_written(tmp("x"))


@case
def exclude_is_repeatable(_):
    """--exclude GLOB twice: both libraries stay outside; once: the other is grafted."""
    lib = build_lib("libs")
    other = build_lib("libs", "libother.so.2", src=os.path.join(GRAFT_SRC, "greet.c"), value=2)
    both = build_module("_core.so", "_core", "greet_value", "-L" + tmp("libs"), "-Wl,--no-as-needed", "-lgreet",
                        "-l:libother.so.2")
    check(dynamic(both)["NEEDED"][:2] == [GREET, "libother.so.2"], "fixture NEEDED %r" % dynamic(both))
    w = make_wheel([(core_member(), both)])
    o = repaired(w, "--ldpaths", tmp("libs"), "--exclude", "libgreet.so.*", "--exclude", "libother*", wdir=tmp("a"))
    check(sorted(members(o)) == sorted(members(w)), "excluded libraries were grafted: %r" % sorted(members(o)))
    o = repaired(w, "--ldpaths", tmp("libs"), "--exclude", "libgreet.so.*", wdir=tmp("b"))
    libs = sorted(n for n in members(o) if ".libs/" in n)
    check(libs == [DIST + ".libs/" + grafted_name("libother.so.2", other)], "grafted %r" % libs)
    check(not any("libgreet" in n for n in members(o)), "the excluded %s was grafted" % os.path.basename(lib))


# ================================================================ the auditwheel program name


@case
def auditwheel_program_name(_):
    """A link or a copy named auditwheel: show, lddtree and repair answer with
    the same meaning and bytes; the help names the program auditwheel."""
    w, lib, mod = greet_wheel()
    ref = repaired(w, "--ldpaths", tmp("libs"), wdir=tmp("ref"))
    show = wheelaudit("show", "--json", w)
    tree = wheelaudit("lddtree", "--ldpaths", tmp("libs"), mod)
    for kind in ("link", "copy"):
        aw = auditwheel_program(kind)
        h = run([aw, "--help"])
        check(h.returncode == 0 and h.stdout.startswith("usage: auditwheel "), "%s: auditwheel --help: %r"
              % (kind, h.stdout[:80]))
        h = run([aw, "repair", "--help"])
        check(h.returncode == 0 and h.stdout.startswith("usage: auditwheel repair "), "%s: repair --help: %r"
              % (kind, h.stdout[:80]))
        s = run([aw, "show", "--json", w])
        check((s.returncode, s.stdout) == (show.returncode, show.stdout), "%s: auditwheel show differs" % kind)
        t = run([aw, "lddtree", "--ldpaths", tmp("libs"), mod])
        check((t.returncode, t.stdout) == (tree.returncode, tree.stdout), "%s: auditwheel lddtree differs" % kind)
        o = repaired(w, "--ldpaths", tmp("libs"), wdir=tmp("aw-" + kind), binary=aw)
        check(read(o) == read(ref), "%s: auditwheel repair wrote another wheel" % kind)
        # through PATH, as a CI script calls it
        r = run(["auditwheel", "repair", "--ldpaths", tmp("libs"), "-w", tmp("path-" + kind), w],
                env=path_env(os.path.dirname(aw)))
        check(r.returncode == 0 and read(r.stdout.strip()) == read(ref), "%s: auditwheel on PATH: exit %d"
              % (kind, r.returncode), r.stderr)


def yaml_wheel():
    """(wheel, the system's libyaml): a module that needs libyaml-0.so.2, as
    Debian's libyaml-0-2 installs it in /usr/lib/<triplet>."""
    triplet = sh(["gcc", "-print-multiarch"]).strip()
    sys_lib = "/usr/lib/%s/libyaml-0.so.2" % triplet
    if not triplet or not os.path.exists(sys_lib):
        raise Skip("%s is missing (Debian's libyaml-0-2; .ci/deps installs it)" % sys_lib)
    mod = build_module("_yaml.so", "_core", "yaml_value", "-l:libyaml-0.so.2", extra=[os.path.join(SRC, "yaml_value.c")])
    check(dynamic(mod)["NEEDED"][:1] == ["libyaml-0.so.2"], "the module's NEEDED: %r" % dynamic(mod)["NEEDED"])
    r = run([PY_BIN, "-c", "import ctypes; a, b, c = ctypes.c_int(), ctypes.c_int(), ctypes.c_int(); "
             "ctypes.CDLL(%r).yaml_get_version(ctypes.byref(a), ctypes.byref(b), ctypes.byref(c)); "
             "print(a.value * 10000 + b.value * 100 + c.value)" % sys_lib])
    check(r.returncode == 0, "the system's libyaml does not load", r.stderr)
    return make_wheel([(core_member(), mod)]), os.path.realpath(sys_lib), int(r.stdout)


@case
def cibuildwheel_linux_default_command(_):
    """cibuildwheel's default Linux repair command, `auditwheel repair -w {dest_dir}
    {wheel}`, with the placeholders filled and auditwheel on PATH: the wheel
    grafts the system's libyaml into dest_dir and imports."""
    w, sys_lib, version = yaml_wheel()
    aw = auditwheel_program("link")
    dest = tmp("cibw", "repaired wheel")
    cmd = "auditwheel repair -w {dest_dir} {wheel}".format(dest_dir=shlex.quote(dest), wheel=shlex.quote(w))
    rc, paths, err = shell_repair(cmd, path_env(os.path.dirname(aw)))
    check(rc == 0 and len(paths) == 1, "%s: exit %d" % (cmd, rc), err)
    out = paths[0]
    check(os.path.dirname(out) == dest, "output %s is not in dest_dir" % out)
    check(all(re.fullmatch(r"manylinux(1|2010|2014|_2_\d+)_x86_64", t) for t in tagset(out)), "tags %r" % tagset(out))
    new = grafted_name("libyaml-0.so.2", sys_lib)
    check(DIST + ".libs/" + new in members(out), "libyaml not grafted: %r" % sorted(members(out)))
    sbom_of(out)
    assert_record_consistent(out)
    check(imports(out, [DIST + "._core"]) == [version], "the repaired module does not report libyaml's version")


@case
def cibuildwheel_android_default_command(_):
    """cibuildwheel's default Android repair command, `auditwheel repair --ldpaths
    {ldpaths} -w {dest_dir} {wheel}`, on arm64_v8a and x86_64 wheels."""
    aw = auditwheel_program("link")
    for arch in ("arm64", "x86_64"):
        w, mod, lib, member = android_wheel(arch)
        dest = tmp("cibw-" + arch)
        cmd = "auditwheel repair --ldpaths {ldpaths} -w {dest_dir} {wheel}".format(
            ldpaths=shlex.quote(os.path.dirname(lib)), dest_dir=shlex.quote(dest), wheel=shlex.quote(w))
        rc, paths, err = shell_repair(cmd, path_env(os.path.dirname(aw)))
        check(rc == 0 and len(paths) == 1, "%s: exit %d" % (cmd, rc), err)
        check_android_output(paths[0], w, mod, lib, member)


# ================================================================ SBOM


def debian():
    """(triplet, os-release) of this machine; Skip without dpkg."""
    if not os.path.isfile("/var/lib/dpkg/status"):
        raise Skip("no dpkg database here")
    need("dpkg-query")
    osr = {}
    for p in ("/etc/os-release", "/usr/lib/os-release"):
        if os.path.isfile(p):
            for line in open(p):
                k, eq, v = line.strip().partition("=")
                if eq:
                    osr[k] = v.strip("\"'")
            break
    return sh(["gcc", "-print-multiarch"]).strip(), osr


def deb_purl(name, version, arch, osr):
    enc = "".join(c if re.match(r"[A-Za-z0-9.\-_~:]", c) else "%%%02X" % ord(c) for c in version)
    purl = "pkg:deb/%s/%s@%s?arch=%s" % (osr.get("ID", "debian"), name, enc, arch)
    if osr.get("ID") and osr.get("VERSION_ID"):
        purl += "&distro=%s-%s" % (osr["ID"], osr["VERSION_ID"])
    return purl


@case
def sbom_of_a_graft_from_the_real_dpkg_database(_):
    """The SBOM of a repair that grafts libyaml from /usr/lib/<triplet>: in RECORD,
    valid, owned by libyaml-0-2 at dpkg-query's version; byte-identical twice
    with SOURCE_DATE_EPOCH, whose time it carries."""
    _, osr = debian()
    r = run(["dpkg-query", "-W", "-f", "${Version}\t${Architecture}", "libyaml-0-2"])
    if r.returncode != 0 or not r.stdout:
        raise Skip("libyaml-0-2 is not installed (.ci/deps installs it)")
    version, arch = r.stdout.split("\t")
    w, sys_lib, _ = yaml_wheel()
    epoch = "1700000000"
    env = clean_env(SOURCE_DATE_EPOCH=epoch)
    out = repaired(w, wdir=tmp("one"), env=env)
    again = repaired(w, wdir=tmp("two"), env=env)
    check(read(out) == read(again), "the same repair twice with SOURCE_DATE_EPOCH gave different wheels")
    assert_record_consistent(out)
    doc = sbom_of(out)
    check(doc["metadata"].get("timestamp") == time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(epoch))),
          "metadata.timestamp %r for SOURCE_DATE_EPOCH=%s" % (doc["metadata"].get("timestamp"), epoch))
    files = sbom_files(doc)
    check(len(files) == 1, "SBOM files %r" % files)
    owner, f = files[0]
    purl = deb_purl("libyaml-0-2", version, arch, osr)
    check(owner is not None and owner["name"] == "libyaml-0-2" and owner["version"] == version and
          owner["purl"] == purl and owner["bom-ref"] == purl,
          "owner %r, expected libyaml-0-2 %s %s" % (owner, version, purl))
    new = grafted_name("libyaml-0.so.2", sys_lib)
    check(f["evidence"]["occurrences"][0]["location"] == DIST + ".libs/" + new, "file location %r" % f)
    check(f["hashes"] == [{"alg": "SHA-256", "content": sha256_file(sys_lib)}], "file hashes %r" % f["hashes"])
    check(f["name"] == os.path.basename(sys_lib), "file name %r, the library is %s" % (f["name"], sys_lib))
    comp = doc["metadata"]["component"]
    check(comp["purl"] == "pkg:pypi/%s@%s?file_name=%s" % (DIST, VER, os.path.basename(out)), "wheel purl %r" % comp)
    check(doc["dependencies"] == [{"ref": comp["bom-ref"], "dependsOn": [f["bom-ref"]]}],
          "dependencies %r" % doc["dependencies"])
    # without SOURCE_DATE_EPOCH: no timestamp, still reproducible
    a, b = repaired(w, wdir=tmp("three")), repaired(w, wdir=tmp("four"))
    check(read(a) == read(b), "two repairs without SOURCE_DATE_EPOCH differ")
    check("timestamp" not in sbom_of(a)["metadata"], "a timestamp without SOURCE_DATE_EPOCH")


@case
def sbom_only_when_grafting(_):
    """A repair that grafts nothing (a retag, or every library --exclude'd) writes no SBOM."""
    lw, _ = libc_wheel()
    w, _, _ = greet_wheel()
    for o in (repaired(lw, wdir=tmp("retag")),
              repaired(w, "--exclude", "libgreet*", wdir=tmp("excl"))):
        check(not [n for n in members(o) if "/sboms/" in n], "%s has an SBOM: %r" % (os.path.basename(o),
                                                                                    sorted(members(o))))
    o = repaired(w, "--ldpaths", tmp("libs"), wdir=tmp("graft"))
    files = sbom_files(sbom_of(o))
    check(len(files) == 1 and files[0][0] is None, "a library of no package: %r" % files)
    check("properties" not in files[0][1], "a file of no package has a host path: %r" % files[0][1])


def dpkg_root(root):
    """A Debian root: libgreet in usr/lib/x86_64-linux-gnu (lib -> usr/lib),
    owned by libgreet1 1:2.0-3+b1 in a synthesized dpkg database."""
    d = os.path.join(root, "usr/lib/x86_64-linux-gnu")
    lib = os.path.join(d, "libgreet.so.1.0.0")
    os.rename(build_lib(d), lib)
    os.symlink("libgreet.so.1.0.0", os.path.join(d, GREET))
    os.symlink("usr/lib", os.path.join(root, "lib"))
    write(os.path.join(root, "etc/os-release"), 'ID=debian\nVERSION_ID="12"\n')
    write(os.path.join(root, "var/lib/dpkg/info/libgreet1:amd64.list"),
          "/.\n/usr/lib/x86_64-linux-gnu/libgreet.so.1.0.0\n/usr/lib/x86_64-linux-gnu/libgreet.so.1\n")
    write(os.path.join(root, "var/lib/dpkg/status"),
          "Package: libgreet1\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:2.0-3+b1\n\n"
          "Package: gone\nStatus: deinstall ok config-files\nArchitecture: amd64\nVersion: 1\n")
    return lib


@case
def sbom_from_a_synthesized_dpkg_root(_):
    """repair --root R (relative and absolute) finds libgreet in R's default
    directories and its owner in R's dpkg database."""
    lib = dpkg_root(tmp("root"))
    mod = build_module("_core.so", "_core", "greet_value", "-L" + os.path.dirname(lib), "-l:" + GREET)
    w = make_wheel([(core_member(), mod)])
    purl = "pkg:deb/debian/libgreet1@1:2.0-3%2Bb1?arch=amd64&distro=debian-12"
    docs = []
    for i, root in enumerate((tmp("root"), "root")):
        out = repaired(w, "--root", root, wdir=tmp("wh%d" % i))
        check(DIST + ".libs/" + grafted_name(GREET, lib) in members(out), "--root %s: not grafted" % root)
        files = sbom_files(sbom_of(out))
        check(len(files) == 1 and files[0][0] is not None and files[0][0]["purl"] == purl and
              files[0][0]["version"] == "1:2.0-3+b1",
              "--root %s: the owner is %r, expected %s" % (root, files[0][0], purl))
        docs.append(members(out)[sbom_member()])
    check(docs[0] == docs[1], "the SBOM depends on how --root was spelled")


def musl_tools():
    cc = need("musl-gcc", "Debian musl-tools")
    if not os.path.exists("/lib/ld-musl-x86_64.so.1"):
        raise Skip("/lib/ld-musl-x86_64.so.1 is missing")
    return cc


def musl_module(libdir):
    """The musl stand-in module (graft_cross/core.c: core_value() = greet_value())
    linked against libgreet in LIBDIR, without an rpath."""
    mod = tmp("build", "_core_musl.so")
    os.makedirs(os.path.dirname(mod), exist_ok=True)
    sh(["musl-gcc", *CFLAGS, "-shared", "-o", mod, os.path.join(CROSS_SRC, "core.c"), "-L" + libdir, "-l:" + GREET],
       "building the musl module")
    d = dynamic(mod)
    check(d["NEEDED"] == [GREET, "libc.so"], "the musl module's NEEDED: %r" % d["NEEDED"])
    return mod


def alpine_root(root):
    """An Alpine-like root: /etc/ld-musl-x86_64.path naming /opt/greet,
    libgreet (musl, 4242) there and another (4343) in /usr/lib, an apk
    database owning the first, and /bin/sh a musl program."""
    musl_tools()
    lib = build_lib(os.path.join(root, "opt/greet"), cc="musl-gcc")
    decoy = build_lib(os.path.join(root, "usr/lib"), cc="musl-gcc", value=4343)
    write(os.path.join(root, "etc/ld-musl-x86_64.path"), "/opt/greet\n")
    write(os.path.join(root, "etc/os-release"), "ID=alpine\nVERSION_ID=3.20.3\n")
    write(os.path.join(root, "lib/apk/db/installed"),
          "P:greet\nV:1.0-r3\nA:x86_64\nF:opt/greet\nR:libgreet.so.1\nR:libgreet.so\n\n")
    sh_prog = os.path.join(root, "bin", "sh")
    os.makedirs(os.path.dirname(sh_prog))
    sh(["musl-gcc", *CFLAGS, "-o", sh_prog, os.path.join(CROSS_SRC, "probe.c")], "building a musl /bin/sh")
    check("ld-musl-x86_64" in sh(["readelf", "-lW", sh_prog]), "the root's /bin/sh has no musl interpreter")
    return lib, decoy


@case
def musl_search_rules_in_a_root(_):
    """Under --root R: musl's rules recognised from R/bin/sh, R/etc/ld-musl-x86_64.path
    (entries under R, relative ones ignored, empty file = no system directory),
    musl's defaults without it; glibc's rules read none of that."""
    root = tmp("alpine")
    lib, decoy = alpine_root(root)
    mod = musl_module(os.path.dirname(lib))

    def tree(*opts):
        r = wheelaudit("lddtree", "--root", root, *opts, mod)
        m = re.search(r"^  %s => (.*)$" % re.escape(GREET), r.stdout, re.M)
        check(m, "lddtree %s: no line for %s" % (" ".join(opts), GREET), r.stdout, r.stderr)
        return r.returncode, m.group(1)

    want = "%s (ld-musl path)" % lib
    check(tree()[1] == want, "auto (musl /bin/sh): %r, expected %r" % (tree(), want))
    check(tree("--host-libc", "musl")[1] == want, "--host-libc musl: %r" % (tree("--host-libc", "musl"),))
    check(tree("--host-libc", "glibc")[1] == "%s (default)" % decoy,
          "--host-libc glibc read the musl path file: %r" % (tree("--host-libc", "glibc"),))
    path_file = os.path.join(root, "etc/ld-musl-x86_64.path")
    write(path_file, "opt/greet\n")
    check(tree()[1] == "not found", "a relative entry of the path file was searched: %r" % (tree(),))
    write(path_file, "")
    check(tree()[1] == "not found", "an empty path file still searched system directories: %r" % (tree(),))
    write(path_file, "/nowhere:/opt/greet")
    check(tree()[1] == want, "entries separated by ':' : %r" % (tree(),))
    os.remove(path_file)
    check(tree()[1] == "%s (musl default)" % decoy, "without the path file: %r" % (tree(),))


@case
def musl_repair_grafts_from_the_path_file(_):
    """repair --root R of a musl wheel grafts libgreet from the directory R's
    ld-musl path file names (musllinux tag), the SBOM names its apk package,
    and musl's loader loads the repaired module."""
    root = tmp("alpine")
    lib, _ = alpine_root(root)
    mod = musl_module(os.path.dirname(lib))
    member = "graftmod/_core.cpython-311-x86_64-linux-musl.so"
    w = simple_wheel("graftmod-0.1-cp311-cp311-linux_x86_64.whl", [("graftmod/__init__.py", b"", 0o644),
                                                                     (member, read(mod), 0o755)])
    for i, opts in enumerate(((), ("--host-libc", "musl"))):
        out = repaired(w, "--root", root, *opts, wdir=tmp("wh%d" % i))
        check(all(re.fullmatch(r"musllinux_1_\d+_x86_64", t) for t in tagset(out)), "tags %r" % tagset(out))
        new = grafted_name(GREET, lib)
        check(DIST + ".libs/" + new in members(out), "the path file's libgreet was not grafted: %r" % sorted(members(out)))
        d = dynamic(extract(out, member))
        check(d["NEEDED"] == [new, "libc.so"] and d["RPATH"] == ["$ORIGIN/../graftmod.libs"], "module %r" % d)
        files = sbom_files(sbom_of(out))
        check(len(files) == 1 and files[0][0] and
              files[0][0]["purl"] == "pkg:apk/alpine/greet@1.0-r3?arch=x86_64&distro=alpine-3.20.3",
              "the apk owner: %r" % (files[0][0],))
        assert_record_consistent(out)
    probe = tmp("build", "probe")
    sh(["musl-gcc", *CFLAGS, "-o", probe, os.path.join(CROSS_SRC, "probe.c")], "building the musl probe")
    shutil.rmtree(os.path.join(root, "opt"))
    x = extract_all(out, "unpacked")
    r = run([probe, os.path.join(x, member)])
    check(r.returncode == 0 and r.stdout == "core_value() = 4242\n", "musl probe: exit %d %r" % (r.returncode, r.stdout),
          r.stderr)


# ================================================================ Android


def android_case(arch):
    w, mod, lib, member = android_wheel(arch)
    out = repaired(w, "--ldpaths", os.path.dirname(lib), wdir=tmp("out"))
    check_android_output(out, w, mod, lib, member)
    r = casekit.repair("--json", "-w", tmp("json"), "--ldpaths", os.path.dirname(lib), w)
    doc = json.loads(r.stdout)
    validate(doc, "repair-v1")
    g = doc["wheels"][0]["grafted"]
    check([(x["name"], x["source"], x["found_by"]) for x in g] == [("libc++_shared.so", lib, "ldpaths")],
          "grafted %r" % g)


@case
def android_repair_arm64_v8a(_):
    """An android_24_arm64_v8a wheel: libc++_shared grafted from --ldpaths, readelf -d checked, the name kept."""
    android_case("arm64")


@case
def android_repair_x86_64(_):
    """The same for android_24_x86_64."""
    android_case("x86_64")


@case
def android_api_level_21_is_refused(_):
    """A wheel tagged android_21 cannot get grafted libraries: bionic reads
    DT_RUNPATH from API level 24 on.  Exit 1, the reason says so."""
    w, _, lib, _ = android_wheel("arm64", api=21, lib_api=21)
    err = refused(w, "--ldpaths", os.path.dirname(lib), code=1)
    line = [l for l in err.splitlines() if ": rejected: " in l]
    check(len(line) == 1 and "21" in line[0] and "24" in line[0] and "RUNPATH" in line[0],
          "the reason does not give the API levels and DT_RUNPATH: %r" % line, err)


@case
def android_searches_only_ldpaths_and_the_variables(_):
    """Android libraries come only from --ldpaths and AUDITWHEEL_/WHEELAUDIT_LD_LIBRARY_PATH:
    not from LD_LIBRARY_PATH, ld.so.conf or the default directories of --root."""
    w, mod, lib, member = android_wheel("arm64")
    libdir = os.path.dirname(lib)
    err = refused(w, code=1, env=clean_env(LD_LIBRARY_PATH=libdir))
    check("libc++_shared.so" in err and "not found" in err, "LD_LIBRARY_PATH was searched", err)
    root = tmp("root")
    for d in ("usr/lib", "lib", "usr/lib/aarch64-linux-android", "opt/ndk"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
        shutil.copy2(lib, os.path.join(root, d, "libc++_shared.so"))
    write(os.path.join(root, "etc/ld.so.conf"), "/opt/ndk\n")
    err = refused(w, "--root", root, code=1, env=clean_env(LD_LIBRARY_PATH=libdir))
    check("libc++_shared.so" in err and "not found" in err, "--root's directories were searched", err)
    for var in ("AUDITWHEEL_LD_LIBRARY_PATH", "WHEELAUDIT_LD_LIBRARY_PATH"):
        env = clean_env(**{var: libdir, "LD_LIBRARY_PATH": tmp("nowhere")})
        r = casekit.repair("--json", "-w", tmp("v-" + var), w, env=env)
        check(r.returncode == 0, "repair with %s: exit %d" % (var, r.returncode), r.stderr)
        g = json.loads(r.stdout)["wheels"][0]["grafted"]
        check([(x["source"], x["found_by"]) for x in g] == [(lib, "LD_LIBRARY_PATH")], "%s: grafted %r" % (var, g))
    # lddtree follows the same rules for an Android wheel
    for opts, var in (((), "LD_LIBRARY_PATH"), (("--root", root), "LD_LIBRARY_PATH")):
        r = wheelaudit("lddtree", *opts, w, env=clean_env(**{var: libdir}))
        check(re.search(r"libc\+\+_shared\.so => not found", r.stdout),
              "lddtree %s of an Android wheel searched %s or the root's directories" % (" ".join(opts), var), r.stdout)
    for var in ("AUDITWHEEL_LD_LIBRARY_PATH", "WHEELAUDIT_LD_LIBRARY_PATH"):
        r = wheelaudit("lddtree", w, env=clean_env(**{var: libdir}))
        check("libc++_shared.so => %s (LD_LIBRARY_PATH)" % lib in r.stdout, "lddtree with %s" % var, r.stdout)
    # last, as it is the one that fails today: each repair above, written out
    out = repaired(w, wdir=tmp("written"), env=clean_env(AUDITWHEEL_LD_LIBRARY_PATH=libdir))
    check_android_output(out, w, mod, lib, member)


# ================================================================ libpython


@case
def libpython_is_named_by_show_and_dropped_by_repair(_):
    """A manylinux module linked with -lpython3.X: show exits 1 naming
    libpython; repair removes the DT_NEEDED and the module still imports.
    The repair half is skipped while repair still rejects such a wheel."""
    pyinfo = py()
    mod = build_module("_py.so", "_py", "seven_value", "-l" + pyinfo["libpython"], extra=[os.path.join(SRC, "seven.c")])
    lp = [n for n in dynamic(mod)["NEEDED"] if n.startswith("libpython")]
    if not lp:
        raise Skip("-l%s gave no DT_NEEDED libpython (no shared libpython here)" % pyinfo["libpython"])
    member = core_member("pymod", "_py")
    w = make_wheel([(member, mod)], wheel_name("pymod"))
    s = wheelaudit("show", w)
    check(s.returncode == 1 and lp[0] in s.stdout.splitlines()[0], "show: exit %d, verdict %r"
          % (s.returncode, s.stdout.splitlines()[:1]), s.stdout)
    j = wheelaudit("show", "--json", w)
    doc = json.loads(j.stdout)
    validate(doc, "show-v1")
    check(any(f["kind"] == "libpython" and lp[0] in f["message"] for f in doc["wheels"][0]["findings"]),
          "no libpython finding naming %s" % lp[0], j.stdout)
    r = casekit.repair("-w", tmp("wh"), w)
    if r.returncode != 0 and "libpython" in r.stderr:
        raise Skip("repair does not remove a libpython DT_NEEDED yet: %s"
                   % [l for l in r.stderr.splitlines() if "rejected" in l][:1])
    check(r.returncode == 0, "repair: exit %d" % r.returncode, r.stderr)
    out = os.path.join(CTX["tmp"], r.stdout.strip())
    d = dynamic(extract(out, member))
    check(not [n for n in d["NEEDED"] if n.startswith("libpython")], "the output still needs %r" % d["NEEDED"])
    check(not [n for n in members(out) if "libpython" in n], "libpython was grafted")
    elflint(extract(out, member))
    assert_record_consistent(out)
    check(imports(out, ["pymod._py"]) == [7], "the module without libpython does not import")


if __name__ == "__main__":
    sys.exit(casekit.main("dropin", options=[("--mkelf", dict(default=None))]))
