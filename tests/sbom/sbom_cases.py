#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The SBOM pieces end to end through the test tool wa-sbom (tests/sbom/wa_sbom.c).

    sbom_cases.py --list
    sbom_cases.py --run CASE --bin WHEELAUDIT --fixtures DIR --tool WA_SBOM

Documents are validated against docs/sbom.schema.json (casekit.validate: a
missing python3-jsonschema fails the case); owners come from dpkg, apk and
rpm databases synthesized in a temporary root (rpm through fake_rpm.py first
on PATH) and from this machine's own dpkg database (libyaml-0-2 and zlib1g,
which .ci/deps installs; skipped where there is no dpkg).  Exit 0 = pass,
1 = fail, 77 = skipped.
"""
import copy
import hashlib
import json
import os
import re
import subprocess
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import casekit  # noqa: E402
from casekit import CTX, Skip, case, check, run, tmp  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SERIAL_NAMESPACE = uuid.UUID("2ff04864-42e8-5a2e-aeec-b6bc7593085d")
WHEEL = "Foo_Bar-1.0-cp311-cp311-manylinux_2_17_x86_64.whl"


def tool(*args, env=None, code=0):
    r = run([CTX["tool"], *args], env=env)
    check(r.returncode == code, "wa-sbom %s: exit %d, expected %d" % (" ".join(map(str, args)),
                                                                       r.returncode, code),
          "stdout:\n" + r.stdout, "stderr:\n" + r.stderr)
    return r


def write(path, data, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    os.chmod(path, mode)
    return path


def link(target, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    os.symlink(target, path)


def manifest(libs, edges, name="m.txt"):
    """libs: [(member, host path)]; edges: [(from, to)] with "wheel" or members."""
    lines = ["wheel\tFoo_Bar\t1.0\t" + WHEEL]
    lines += ["lib\t%s\t%s" % l for l in libs]
    lines += ["edge\t%s\t%s" % e for e in edges]
    return write(tmp(name), "\n".join(lines) + "\n")


def document(mfile, *opts, env=None):
    r = tool("document", *opts, mfile, env=env)
    try:
        return r.stdout, json.loads(r.stdout)
    except ValueError as e:
        raise AssertionError("wa-sbom document printed no JSON: %s" % e)


def files_of(doc):
    """Every file component, nested or not: {bom-ref: (component, package or None)}."""
    out = {}
    for c in doc["components"]:
        if c["type"] == "file":
            out[c["bom-ref"]] = (c, None)
        for f in c.get("components", []):
            out[f["bom-ref"]] = (f, c)
    return out


# ---------------------------------------------------------------- synthesized roots


def debian_root(root):
    write(os.path.join(root, "etc/os-release"), 'ID=debian\nVERSION_ID="12"\n')
    link("usr/lib", os.path.join(root, "lib"))
    d = os.path.join(root, "usr/lib/x86_64-linux-gnu")
    write(os.path.join(d, "libz.so.1.2.13"), b"\x7fELF zlib")
    link("libz.so.1.2.13", os.path.join(d, "libz.so.1"))
    write(os.path.join(d, "libattr.so.1.1.2501"), b"\x7fELF attr")
    link("libattr.so.1.1.2501", os.path.join(d, "libattr.so.1"))
    write(os.path.join(root, "opt/x/libmine.so.1"), b"\x7fELF mine")
    info = os.path.join(root, "var/lib/dpkg/info")
    write(os.path.join(info, "zlib1g:amd64.list"),
          "/.\n/lib/x86_64-linux-gnu/libz.so.1.2.13\n/lib/x86_64-linux-gnu/libz.so.1\n")
    write(os.path.join(info, "libattr1:amd64.list"),
          "/usr/lib/x86_64-linux-gnu/libattr.so.1.1.2501\n/usr/lib/x86_64-linux-gnu/libattr.so.1\n")
    write(os.path.join(root, "var/lib/dpkg/status"),
          "Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\n"
          "Version: 1:1.2.13.dfsg-1\n\n"
          "Package: libattr1\nStatus: install ok installed\nArchitecture: amd64\n"
          "Version: 1:2.5.1-4+b1~bpo\n")
    return [("Foo_Bar.libs/libz-aaaaaaaa.so.1.2.13", os.path.join(d, "libz.so.1")),
            ("Foo_Bar.libs/libattr-bbbbbbbb.so.1.1.2501", os.path.join(root, "lib/x86_64-linux-gnu/libattr.so.1")),
            ("Foo_Bar.libs/libmine-cccccccc.so.1", os.path.join(root, "opt/x/libmine.so.1"))]


def alpine_root(root):
    write(os.path.join(root, "etc/os-release"), "ID=alpine\nVERSION_ID=3.19.1\n")
    write(os.path.join(root, "lib/libz.so.1.3.1"), b"\x7fELF zlib")
    link("libz.so.1.3.1", os.path.join(root, "lib/libz.so.1"))
    write(os.path.join(root, "lib/apk/db/installed"),
          "P:zlib\nV:1.3.1-r0\nA:x86_64\nF:lib\nR:libz.so.1\nR:libz.so.1.3.1\n\n")
    return [("Foo_Bar.libs/libz-aaaaaaaa.so.1.3.1", os.path.join(root, "lib/libz.so.1"))]


def fedora_root(root):
    """A root with an rpm database directory and the environment that puts
    fake_rpm.py first on PATH."""
    write(os.path.join(root, "etc/os-release"), "ID=fedora\nVERSION_ID=39\n")
    os.makedirs(os.path.join(root, "var/lib/rpm"))
    link("usr/lib64", os.path.join(root, "lib64"))
    write(os.path.join(root, "usr/lib64/libssl.so.3.1.1"), b"\x7fELF ssl")
    link("libssl.so.3.1.1", os.path.join(root, "usr/lib64/libssl.so.3"))
    db = write(tmp("rpmdb.json"), json.dumps({"packages": [
        {"name": "openssl-libs", "epoch": 1, "version": "3.1.1", "release": "4.fc39", "arch": "x86_64",
         "files": ["/usr/lib64/libssl.so.3", "/usr/lib64/libssl.so.3.1.1"]}]}))
    write(tmp("bin", "rpm"), "#!/bin/sh\nexec %s %s \"$@\"\n" % (sys.executable, os.path.join(HERE, "fake_rpm.py")),
          0o755)
    env = casekit.clean_env(PATH=tmp("bin") + ":" + os.environ.get("PATH", "/usr/bin:/bin"),
                            FAKE_RPM_DB=db, FAKE_RPM_LOG=tmp("rpm.log"))
    return [("Foo_Bar.libs/libssl-dddddddd.so.3.1.1", os.path.join(root, "lib64/libssl.so.3"))], env


# ---------------------------------------------------------------- documents


@case
def document_of_a_debian_root_validates(_):
    root = tmp("root")
    libs = debian_root(root)
    edges = [("wheel", libs[0][0]), ("wheel", libs[1][0]), (libs[1][0], libs[0][0]), ("wheel", libs[2][0])]
    text, doc = document(manifest(libs, edges), "--root", root, "--tool-version", "0.1.0")
    casekit.validate(doc, "sbom")
    files = files_of(doc)
    z, zpkg = files["file:" + libs[0][0]]
    check(zpkg and zpkg["purl"] == "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12",
          "zlib's package: %r" % zpkg)
    check(z["name"] == "libz.so.1.2.13" and z["hashes"] == [
        {"alg": "SHA-256", "content": hashlib.sha256(b"\x7fELF zlib").hexdigest()}], "zlib's file: %r" % z)
    check(z["evidence"]["occurrences"] == [{"location": libs[0][0]}], "zlib's location: %r" % z)
    a, apkg = files["file:" + libs[1][0]]
    check(apkg and apkg["purl"] == "pkg:deb/debian/libattr1@1:2.5.1-4%2Bb1~bpo?arch=amd64&distro=debian-12"
          and apkg["version"] == "1:2.5.1-4+b1~bpo", "attr's package: %r" % apkg)
    m, mpkg = files["file:" + libs[2][0]]
    check(mpkg is None and "purl" not in m, "libmine has no package: %r" % m)
    deps = {d["ref"]: d["dependsOn"] for d in doc["dependencies"]}
    wheel_ref = doc["metadata"]["component"]["bom-ref"]
    check(deps == {wheel_ref: sorted("file:" + l[0] for l in libs),
                   "file:" + libs[1][0]: ["file:" + libs[0][0]]}, "dependencies: %r" % deps)
    check(wheel_ref == "pkg:pypi/foo-bar@1.0?file_name=" + WHEEL, "wheel purl %r" % wheel_ref)
    refs = [wheel_ref] + [c["bom-ref"] for c in doc["components"] if c["type"] == "library"] + list(files)
    check(len(files) == 3, "files %r" % sorted(files))
    check(len(refs) == len(set(refs)), "bom-refs are not unique: %r" % refs)
    for d in doc["dependencies"]:
        check(all(r in refs for r in [d["ref"]] + d["dependsOn"]), "dangling ref in %r" % d)


@case
def document_of_an_alpine_root_validates(_):
    root = tmp("root")
    libs = alpine_root(root)
    _, doc = document(manifest(libs, [("wheel", libs[0][0])]), "--root", root)
    casekit.validate(doc, "sbom")
    _, pkg = files_of(doc)["file:" + libs[0][0]]
    check(pkg and pkg["purl"] == "pkg:apk/alpine/zlib@1.3.1-r0?arch=x86_64&distro=alpine-3.19.1",
          "apk package %r" % pkg)


@case
def document_of_an_rpm_root_validates(_):
    root = tmp("root")
    libs, env = fedora_root(root)
    _, doc = document(manifest(libs, [("wheel", libs[0][0])]), "--root", root, env=env)
    casekit.validate(doc, "sbom")
    _, pkg = files_of(doc)["file:" + libs[0][0]]
    check(pkg and pkg["purl"] == "pkg:rpm/fedora/openssl-libs@3.1.1-4.fc39?arch=x86_64&distro=fedora-39&epoch=1"
          and pkg["version"] == "3.1.1-4.fc39", "rpm package %r" % pkg)
    with open(tmp("rpm.log")) as f:
        calls = f.read().splitlines()
    check(len(calls) == 1, "rpm ran %d times" % len(calls))


@case
def document_without_libraries_validates(_):
    _, doc = document(manifest([], []))
    casekit.validate(doc, "sbom")
    check(doc["components"] == [] and doc["dependencies"] == [], "empty document %r" % doc)
    check("timestamp" not in doc["metadata"], "a timestamp without SOURCE_DATE_EPOCH")


@case
def document_with_a_timestamp_validates(_):
    _, doc = document(manifest([], []), "--epoch", "1622548800")
    casekit.validate(doc, "sbom")
    check(doc["metadata"]["timestamp"] == "2021-06-01T12:00:00Z", "timestamp %r" % doc["metadata"])


@case
def serial_number_is_the_uuid5_of_the_document_without_it(_):
    root = tmp("root")
    libs = debian_root(root)
    text, doc = document(manifest(libs, [("wheel", libs[0][0])]), "--root", root)
    lines = text.splitlines(keepends=True)
    serial = [l for l in lines if l.lstrip().startswith('"serialNumber":')]
    check(len(serial) == 1, "serialNumber lines: %r" % serial)
    without = "".join(l for l in lines if l not in serial)
    json.loads(without)  # still a document
    want = uuid.uuid5(SERIAL_NAMESPACE, hashlib.sha256(without.encode()).hexdigest())
    check(doc["serialNumber"] == want.urn, "serialNumber %s, the content gives %s" % (doc["serialNumber"], want.urn))


@case
def the_same_input_in_another_order_gives_the_same_bytes(_):
    root = tmp("root")
    libs = debian_root(root)
    edges = [("wheel", libs[0][0]), ("wheel", libs[1][0]), (libs[1][0], libs[0][0]), ("wheel", libs[2][0])]
    a, _ = document(manifest(libs, edges, "a.txt"), "--root", root)
    b, _ = document(manifest(libs, edges, "a.txt"), "--root", root)
    c, _ = document(manifest(list(reversed(libs)), list(reversed(edges + edges)), "c.txt"), "--root", root)
    check(a == b, "two runs differ")
    check(a == c, "another input order gives other bytes")


@case
def schema_refuses_what_cyclonedx_or_this_writer_would_not_write(_):
    root = tmp("root")
    libs = debian_root(root)
    _, doc = document(manifest(libs, [("wheel", libs[0][0])]), "--root", root, "--epoch", "0")
    casekit.validate(doc, "sbom")
    pkg = next(c for c in doc["components"] if c["type"] == "library")

    def version4(serial):
        i = len("urn:uuid:") + 14
        check(serial[i] == "5", "serial %s is not a version-5 UUID" % serial)
        return serial[:i] + "4" + serial[i + 1:]

    def mutated(fn):
        d = copy.deepcopy(doc)
        fn(d)
        return d

    bad = {
        "no bomFormat": mutated(lambda d: d.pop("bomFormat")),
        "spec 1.5": mutated(lambda d: d.update(specVersion="1.5")),
        "upper-case serial": mutated(lambda d: d.update(serialNumber=d["serialNumber"].upper())),
        # the version nibble sits at a fixed place: "urn:uuid:" + 14 chars
        "version-4 serial": mutated(lambda d: d.update(serialNumber=version4(d["serialNumber"]))),
        "short hash": mutated(lambda d: d["components"][0]["components"][0]["hashes"][0].update(content="abc")),
        "MD5": mutated(lambda d: d["components"][0]["components"][0]["hashes"][0].update(alg="MD5")),
        "'+' not encoded": mutated(lambda d: d["components"][0].update(purl=pkg["purl"].replace("%2B", "+")
                                                                       if "%2B" in pkg["purl"] else pkg["purl"] + "+")),
        "unknown type": mutated(lambda d: d["components"][0].update(type="thing")),
        "extra key": mutated(lambda d: d.update(extra=1)),
        "empty dependsOn": mutated(lambda d: d["dependencies"][0].update(dependsOn=[])),
        "no file location": mutated(lambda d: d["components"][0]["components"][0].pop("evidence")),
        "timestamp with offset": mutated(lambda d: d["metadata"].update(timestamp="1970-01-01T01:00:00+01:00")),
        "pypi name not normalised": mutated(lambda d: d["metadata"]["component"].update(
            purl=d["metadata"]["component"]["purl"].replace("foo-bar", "Foo_Bar"))),
    }
    for what, d in bad.items():
        try:
            casekit.validate(d, "sbom")
        except AssertionError as e:
            check("does not validate" in str(e), "%s: %s" % (what, e))
        else:
            raise AssertionError("docs/sbom.schema.json accepts a document with %s" % what)


# ---------------------------------------------------------------- this machine's dpkg


def debian_host():
    """(triplet, os-release dict) of this machine; Skip without dpkg."""
    if not os.path.isfile("/var/lib/dpkg/status") or not casekit.need("dpkg-query"):
        raise Skip("no dpkg database here")
    r = run(["gcc", "-print-multiarch"])
    triplet = r.stdout.strip()
    if r.returncode or not triplet:
        raise Skip("gcc -print-multiarch names no multiarch triplet")
    osr = {}
    for p in ("/etc/os-release", "/usr/lib/os-release"):
        if os.path.isfile(p):
            for line in open(p):
                k, eq, v = line.strip().partition("=")
                if eq:
                    osr[k] = v.strip("\"'")
            break
    return triplet, osr


def installed(pkg):
    """(Version, Architecture) of an installed Debian package; Skip when it is not."""
    r = run(["dpkg-query", "-W", "-f", "${db:Status-Status}\t${Version}\t${Architecture}\n", pkg])
    rows = [l.split("\t") for l in r.stdout.splitlines()]
    rows = [row for row in rows if row[0] == "installed"]
    if r.returncode or not rows:
        raise Skip("%s is not installed (.ci/deps installs it)" % pkg)
    return rows[0][1], rows[0][2]


def deb_purl(name, version, arch, osr):
    enc = "".join(c if re.match(r"[A-Za-z0-9.\-_~:]", c) else "%%%02X" % ord(c) for c in version)
    purl = "pkg:deb/%s/%s@%s?arch=%s" % (osr.get("ID", "debian"), name, enc, arch)
    if osr.get("ID") and osr.get("VERSION_ID"):
        purl += "&distro=%s-%s" % (osr["ID"], osr["VERSION_ID"])
    return purl


def owners(*paths):
    r = tool("owners", *paths)
    rows = [l.split("\t") for l in r.stdout.splitlines()]
    check(len(rows) == len(paths), "owners printed %r" % r.stdout)
    return {p: (purl, listed) for p, purl, listed in rows}


@case
def real_dpkg_owns_libyaml_under_both_spellings(_):
    triplet, osr = debian_host()
    version, arch = installed("libyaml-0-2")
    usr = "/usr/lib/%s/libyaml-0.so.2" % triplet
    lib = "/lib/%s/libyaml-0.so.2" % triplet
    if not os.path.exists(usr):
        raise AssertionError("libyaml-0-2 is installed but %s is missing" % usr)
    paths = [usr] + ([lib] if os.path.exists(lib) else [])
    got = owners(*paths)
    want = deb_purl("libyaml-0-2", version, arch, osr)
    for p in paths:
        check(got[p][0] == want, "owner of %s: %s, dpkg-query says %s" % (p, got[p][0], want))
        # the file the soname link leads to, as dpkg lists it
        check(got[p][1].endswith("/" + os.path.basename(os.path.realpath(usr))),
              "listed as %s, the link leads to %s" % (got[p][1], os.path.realpath(usr)))
    out = run(["dpkg-query", "-S", got[usr][1]])
    check(out.returncode == 0 and out.stdout.startswith("libyaml-0-2"),
          "dpkg-query -S %s: %r" % (got[usr][1], out.stdout))


@case
def real_dpkg_owns_libz_listed_under_the_other_spelling(_):
    triplet, osr = debian_host()
    version, arch = installed("zlib1g")
    usr = "/usr/lib/%s/libz.so.1" % triplet
    got = owners(usr)[usr]
    check(got[0] == deb_purl("zlib1g", version, arch, osr), "owner of %s: %s" % (usr, got[0]))
    # whichever spelling the database has, dpkg-query -S agrees with it
    out = run(["dpkg-query", "-S", got[1]])
    check(out.returncode == 0 and out.stdout.startswith("zlib1g"), "dpkg-query -S %s: %r" % (got[1], out.stdout))
    print("libz is listed as %s; dpkg-query -S %s exits %d" % (
        got[1], usr, run(["dpkg-query", "-S", usr]).returncode))


@case
def document_of_the_real_libyaml_validates(_):
    triplet, osr = debian_host()
    version, arch = installed("libyaml-0-2")
    host = "/usr/lib/%s/libyaml-0.so.2" % triplet
    member = "Foo_Bar.libs/libyaml-0-%s.so.2" % casekit.sha256_file(host)[:8]
    _, doc = document(manifest([(member, host)], [("wheel", member)]))
    casekit.validate(doc, "sbom")
    f, pkg = files_of(doc)["file:" + member]
    check(pkg and pkg["purl"] == deb_purl("libyaml-0-2", version, arch, osr), "package %r" % pkg)
    check(f["hashes"][0]["content"] == casekit.sha256_file(host), "hash of %s" % host)
    check(f["name"] == os.path.basename(os.path.realpath(host)), "name %r" % f["name"])


def main():
    def prepare(ctx):
        if not ctx["tool"] or not os.access(ctx["tool"], os.X_OK):
            return "--tool %r is not an executable" % ctx["tool"]
        ctx["tool"] = os.path.abspath(ctx["tool"])
        return None

    return casekit.main("sbom", options=[("--tool", {})], prepare=prepare)


if __name__ == "__main__":
    sys.exit(main())
