#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of the wheelaudit command line on the generated fixture wheels.

    cli_cases.py --list
    cli_cases.py --run CASE --bin WHEELAUDIT --fixtures DIR

Every case runs the real binary and asserts the exit code, the verdict line,
stderr fragments and the --json document (validated against
docs/show-v1.schema.json).  Exit 0 = pass, 1 = fail, 77 = skipped
(a fixture that needs an optional toolchain is missing).
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import casekit  # noqa: E402
from casekit import CTX, Skip, case, check, fixture, validate, wheelaudit  # noqa: E402


def show(wheel, *opts, code):
    """Runs `show` on one fixture wheel, checks the exit code, returns (first line, stdout, stderr)."""
    rc, out, err = wheelaudit("show", *opts, fixture(wheel))
    check(rc == code, "%s: exit %d, expected %d" % (wheel, rc, code), "stdout:\n" + out,
          "stderr:\n" + err)
    lines = out.splitlines()
    return (lines[0] if lines else ""), out, err


def verdict(line, wheel):
    prefix = os.path.basename(wheel) + ": "
    check(line.startswith(prefix), "verdict line does not start with %r: %r" % (prefix, line))
    rest = line[len(prefix):]
    tagset, _, reason = rest.partition(" (")
    return tagset, reason.rstrip(")") if reason else None


def show_json(wheels, *opts, code):
    if isinstance(wheels, str):
        wheels = [wheels]
    rc, out, err = wheelaudit("show", "--json", *opts, *[fixture(w) for w in wheels])
    check(rc == code, "%s: --json exit %d, expected %d" % (wheels, rc, code), "stdout:\n" + out,
          "stderr:\n" + err)
    try:
        doc = json.loads(out)
    except ValueError as e:
        raise AssertionError("stdout is not one JSON document: %s\n%s" % (e, out))
    validate(doc, "show-v1")
    check(doc.get("version") == 1, "JSON version is not 1")
    check(isinstance(doc.get("tool"), str), "JSON tool is not a string")
    check(len(doc["wheels"]) == len(wheels), "JSON has %d wheels" % len(doc["wheels"]))
    for w, d in zip(wheels, doc["wheels"]):
        check(d["wheel"] == os.path.basename(w), "JSON wheel name %r" % d["wheel"])
    return doc["wheels"][0] if len(wheels) == 1 else doc


def kinds(w):
    return {f["kind"] for f in w.get("findings", [])}


def findings(w, kind):
    return [f for f in w.get("findings", []) if f["kind"] == kind]


def assert_compliant(wheel, first_tag, tagset=None, *opts):
    line, out, _ = show(wheel, *opts, code=0)
    got, reason = verdict(line, wheel)
    if tagset is not None:
        check(got == tagset, "tag set %r, expected %r" % (got, tagset), out)
    # one order everywhere: sorted (PEP 425), so a legacy alias may come first
    check(first_tag in got.split("."), "tag %r missing from %r" % (first_tag, got), out)
    check(got.split(".") == sorted(got.split(".")), "tag set %r is not sorted" % got, out)
    check(reason is None, "a compliant wheel has no reason: %r" % reason)
    w = show_json(wheel, *opts, code=0)
    check(w["exit_code"] == 0, "JSON exit_code %r" % w["exit_code"])
    check(w["error"] is None, "JSON error is not null")
    check(first_tag in w["verdict"]["tags"] and w["verdict"]["tags"] == sorted(w["verdict"]["tags"]),
          "JSON tags %r" % w["verdict"]["tags"])
    check(w["verdict"]["tagset"] == got, "JSON tagset %r != text %r" % (w["verdict"]["tagset"], got))
    check(w["verdict"]["reason"] is None, "JSON reason is not null")
    return w


def assert_linux_only(wheel, arch, reason_fragment, kind=None, *opts):
    line, out, _ = show(wheel, *opts, code=1)
    got, reason = verdict(line, wheel)
    check(got == "linux_" + arch, "tag set %r, expected linux_%s" % (got, arch), out)
    check(reason and reason_fragment in reason,
          "reason %r does not mention %r" % (reason, reason_fragment), out)
    w = show_json(wheel, *opts, code=1)
    check(w["exit_code"] == 1, "JSON exit_code")
    check(w["verdict"]["tags"] == ["linux_" + arch], "JSON tags %r" % w["verdict"]["tags"])
    check(w["verdict"]["reason"], "JSON reason is empty")
    if kind:
        check(kind in kinds(w), "no %s finding in %r" % (kind, kinds(w)))
    return w


def assert_invalid(wheel, member, code_name):
    rc, out, err = wheelaudit("show", fixture(wheel))
    check(rc == 3, "%s: exit %d, expected 3" % (wheel, rc), out, err)
    # every wheel of a batch gets exactly one verdict line, invalid ones too
    lines = [l for l in out.splitlines() if l.startswith(wheel + ":")]
    check(len(lines) == 1 and lines[0].startswith(wheel + ": invalid ("),
          "invalid input must print one 'NAME: invalid (reason)' line", out)
    # <wheel> is the argument as given (a path) or its basename
    prefixes = ["wheelaudit: error: %s: " % w for w in (wheel, fixture(wheel))]
    if member:
        prefixes = [p + member + ": " for p in prefixes]
    check(any(p in err for p in prefixes), "stderr lacks %r" % prefixes[0], err)
    w = show_json(wheel, code=3)
    check(w["exit_code"] == 3, "JSON exit_code")
    check(w["error"] is not None, "JSON error is null")
    check(code_name in str(w["error"]["code"]).upper(),
          "JSON error code %r, expected %s" % (w["error"]["code"], code_name))
    check((w["error"]["member"] or "") == member,
          "JSON error member %r, expected %r" % (w["error"]["member"], member))


def assert_mismatch(wheel, kind, member=None):
    line, out, _ = show(wheel, code=4)
    check(line.startswith(wheel + ": "), "a mismatch still prints a verdict line", out)
    w = show_json(wheel, code=4)
    check(w["exit_code"] == 4, "JSON exit_code")
    fs = findings(w, kind)
    check(fs, "no %s finding in %r" % (kind, kinds(w)))
    if member:
        check(any(f.get("member") == member for f in fs),
              "no %s finding names %s: %r" % (kind, member, fs))
    return w


EX = "wheelaudit_example-0.1-cp311-cp311-linux_x86_64.whl"
BAD_SO = "bad/_example.cpython-311-x86_64-linux-gnu.so"

# ---------------------------------------------------------------- exit 0


@case
def example_wheel_is_manylinux_2_5(_):
    w = assert_compliant(EX, "manylinux_2_5_x86_64", "manylinux1_x86_64.manylinux_2_5_x86_64")
    check(w["arch"] == "x86_64", "arch %r" % w["arch"])
    check(w["libc"] == "glibc", "libc %r" % w["libc"])
    check((w["best"]["manylinux"] or "").startswith("manylinux_2_5"), "best %r" % w["best"])
    so = [m for m in w["members"] if m["path"].endswith(".so")]
    check(len(so) == 1 and so[0]["elf"]["needed"] == ["libc.so.6"], "members %r" % w["members"])
    check(so[0]["elf"]["arch"] == "x86_64" and so[0]["elf"]["class"] in (64, "ELF64", "64"),
          "elf %r" % so[0]["elf"])


@case
def glibc_2_34_module_gives_exactly_manylinux_2_34(_):
    w = assert_compliant("glibc234_mod-0.1-cp311-cp311-linux_x86_64.whl", "manylinux_2_34_x86_64",
                         "manylinux_2_34_x86_64")
    check(any(s["symbol"] == "closefrom" and s["version"] == "GLIBC_2.34"
              and s["library"] == "libc.so.6" for s in w["symbols"]), "symbols %r" % w["symbols"])


@case
def plat_option_met_exits_0(_):
    assert_compliant("glibc234_mod-0.1-cp311-cp311-linux_x86_64.whl", "manylinux_2_34_x86_64",
                     None, "--plat", "manylinux_2_34_x86_64")


@case
def zlib_module_is_manylinux_because_libz_is_whitelisted(_):
    wheel = "zlib_mod-0.1-cp311-cp311-linux_x86_64.whl"
    line, out, _ = show(wheel, code=0)
    check("manylinux_" in verdict(line, wheel)[0], "not manylinux", out)
    w = show_json(wheel, code=0)
    check(not w["external_libraries"], "libz.so.1 is not external: %r" % w["external_libraries"])


@case
def cxx_module_is_manylinux(_):
    line, out, _ = show("cxx_mod-0.1-cp311-cp311-linux_x86_64.whl", code=0)
    check(verdict(line, "cxx_mod-0.1-cp311-cp311-linux_x86_64.whl")[0].startswith("manylinux_"),
          "not manylinux", out)


@case
def data_scripts_executable_is_audited(_):
    w = assert_compliant("data_scripts-0.1-cp311-cp311-linux_x86_64.whl", "manylinux_2_34_x86_64")
    check(any(m["path"] == "data_scripts-0.1.data/scripts/ds-tool" and m.get("elf")
              for m in w["members"]), "the script is not an ELF member: %r" % w["members"])


@case
def no_section_headers_module_needs_manylinux_2_36(_):
    assert_compliant("nosh_236-0.1-cp311-cp311-linux_x86_64.whl", "manylinux_2_36_x86_64")


@case
def aarch64_glibc_2_17_module_is_manylinux2014(_):
    assert_compliant("aarch64_ok-0.1-cp311-cp311-linux_aarch64.whl", "manylinux_2_17_aarch64",
                     "manylinux2014_aarch64.manylinux_2_17_aarch64")


@case
def armhf_module_is_manylinux_2_17_armv7l(_):
    assert_compliant("armhf_ok-0.1-cp311-cp311-linux_armv7l.whl", "manylinux_2_17_armv7l")


@case
def ppc64le_module_is_manylinux_2_17_ppc64le(_):
    assert_compliant("ppc64le_ok-0.1-cp311-cp311-linux_ppc64le.whl", "manylinux_2_17_ppc64le")


@case
def s390x_module_is_manylinux_2_17_s390x(_):
    assert_compliant("s390x_ok-0.1-cp311-cp311-linux_s390x.whl", "manylinux_2_17_s390x")


@case
def i386_module_is_manylinux1_i686(_):
    assert_compliant("i686_ok-0.1-cp311-cp311-linux_i686.whl", "manylinux_2_5_i686",
                     "manylinux1_i686.manylinux_2_5_i686")


@case
def static_libc_module_fits_both_families(_):
    wheel = "static_libc-0.1-cp36-abi3-linux_x86_64.whl"
    w = assert_compliant(wheel, "manylinux_2_5_x86_64",
                         "manylinux1_x86_64.manylinux_2_5_x86_64.musllinux_1_1_x86_64")
    check("musllinux_1_1_x86_64" in w["verdict"]["tags"], "tags %r" % w["verdict"]["tags"])
    check((w["best"]["musllinux"] or "").startswith("musllinux_1_1"), "best %r" % w["best"])


@case
def musl_module_is_musllinux_only(_):
    wheel = "musl_mod-0.1-cp311-cp311-linux_x86_64.whl"
    line, out, _ = show(wheel, code=0)
    tags = verdict(line, wheel)[0].split(".")
    check(tags[0].startswith("musllinux_1_") and tags[0].endswith("_x86_64"), "tags %r" % tags)
    check(not any(t.startswith("manylinux") for t in tags), "a musl module is not manylinux")
    w = show_json(wheel, code=0)
    check(w["libc"] == "musl", "libc %r" % w["libc"])
    check(w["best"]["manylinux"] is None, "best %r" % w["best"])


@case
def glibcxx_3_4_30_is_attributed_to_libstdcxx(_):
    w = show_json("glibcxx_330-0.1-cp311-cp311-linux_x86_64.whl", code=0)
    check(any(s["version"] == "GLIBCXX_3.4.30" and s["library"] == "libstdc++.so.6"
              for s in w["symbols"]), "symbols %r" % w["symbols"])


@case
def weak_version_reference_is_reported_weak(_):
    rc, out, err = wheelaudit("show", "--json", fixture("weak_234-0.1-cp311-cp311-linux_x86_64.whl"))
    check(rc in (0, 1), "exit %d" % rc, out, err)
    w = json.loads(out)["wheels"][0]
    s = [s for s in w["symbols"] if s["symbol"] == "closefrom"]
    check(s and s[0]["weak"] is True and s[0]["version"] == "GLIBC_2.34", "symbols %r" % w["symbols"])


@case
def unlisted_member_makes_the_wheel_invalid(_):
    """Every file of a wheel is in RECORD: an unlisted one is exit 3, named."""
    rc, out, err = wheelaudit("show", "--json", fixture("unlisted-0.1-cp311-cp311-linux_x86_64.whl"))
    check(rc == 3, "exit %d" % rc, out, err)
    w = json.loads(out)["wheels"][0]
    check(w["error"]["code"] == "RECORD" and w["error"]["member"] == "unlisted/extra.py",
          "error %r" % w["error"])
    check("unlisted/extra.py: not listed in RECORD" in err, "stderr %r" % err)


@case
def help_and_version_exit_0(_):
    for args in (["--help"], ["--version"], ["show", "--help"]):
        rc, out, err = wheelaudit(*args)
        check(rc == 0, "%s: exit %d" % (args, rc), out, err)
        check(out.strip(), "%s: nothing on stdout" % args)
    rc, out, _ = wheelaudit("--version")
    check("wheelaudit" in out, "--version does not name the tool: %r" % out)

# ---------------------------------------------------------------- exit 1


@case
def isa_v3_module_is_linux_only(_):
    assert_linux_only("isa_v3-0.1-cp311-cp311-linux_x86_64.whl", "x86_64", "x86-64-v3",
                      "isa-level")


@case
def isa_check_can_be_disabled(_):
    line, out, _ = show("isa_v3-0.1-cp311-cp311-linux_x86_64.whl", "--disable-isa-check", code=0)
    check("manylinux_" in verdict(line, "isa_v3-0.1-cp311-cp311-linux_x86_64.whl")[0],
          "not manylinux", out)


@case
def external_library_needs_grafting(_):
    w = assert_linux_only("ext_lib-0.1-cp311-cp311-linux_x86_64.whl", "x86_64", "external",
                          "external-library")
    libs = {e["name"]: e["needed_by"] for e in w["external_libraries"]}
    check(libs.get("libfoo.so.1") == ["ext_lib/_mod.cpython-311-x86_64-linux-gnu.so"],
          "external_libraries %r" % w["external_libraries"])
    check(w["best_after_graft"]["manylinux"], "best_after_graft %r" % w["best_after_graft"])


@case
def armel_soft_float_has_no_policy(_):
    w = assert_linux_only("armel_soft-0.1-cp311-cp311-linux_armv5l.whl", "armv5l",
                          "no manylinux or musllinux policy", "no-policy-for-arch")
    check(w["arch"] == "armv5l", "arch %r" % w["arch"])


@case
def armv6l_wheel_has_no_policy_and_is_not_retagged_armv7l(_):
    wheel = "armhf_v6-0.1-cp311-cp311-linux_armv6l.whl"
    line, out, _ = show(wheel, code=1)
    check("armv7l" not in verdict(line, wheel)[0], "retagged as armv7l", out)


@case
def mips64_has_no_policy(_):
    assert_linux_only("mips64_mod-0.1-cp311-cp311-linux_mips64.whl", "mips64",
                      "no manylinux or musllinux policy", "no-policy-for-arch")


@case
def glibc_2_4_is_not_a_version_on_aarch64(_):
    w = show_json("aarch64_old-0.1-cp311-cp311-linux_aarch64.whl", code=1)
    check("symbol-not-on-arch" in kinds(w), "findings %r" % kinds(w))


@case
def manylinux_claim_in_file_name_not_met(_):
    wheel = "claim_not_met-0.1-cp311-cp311-manylinux_2_17_x86_64.whl"
    show(wheel, code=1)
    w = show_json(wheel, code=1)
    check("claim-not-met" in kinds(w), "findings %r" % kinds(w))


@case
def plat_option_not_met_exits_1(_):
    show("glibc234_mod-0.1-cp311-cp311-linux_x86_64.whl", "--plat", "manylinux_2_17_x86_64", code=1)

# ---------------------------------------------------------------- exit 2


@case
def bad_option_is_usage_error(_):
    rc, out, err = wheelaudit("show", "--no-such-option", fixture(EX))
    check(rc == 2, "exit %d" % rc, out, err)
    check("--no-such-option" in err, "stderr does not name the option", err)


@case
def no_arguments_is_usage_error(_):
    rc, out, err = wheelaudit()
    check(rc == 2, "exit %d" % rc, out, err)
    check(err.strip(), "nothing on stderr")


@case
def show_without_wheels_is_usage_error(_):
    rc, out, err = wheelaudit("show")
    check(rc == 2, "exit %d" % rc, out, err)


@case
def unknown_command_is_usage_error(_):
    rc, out, err = wheelaudit("frobnicate")
    check(rc == 2, "exit %d" % rc, out, err)


@case
def bad_plat_value_is_usage_error(_):
    rc, out, err = wheelaudit("show", "--plat", "not_a_tag", fixture(EX))
    check(rc == 2, "exit %d" % rc, out, err)

# ---------------------------------------------------------------- exit 3


@case
def dotdot_member_is_invalid(_):
    assert_invalid("bad_dotdot-0.1-cp311-cp311-linux_x86_64.whl", "../evil.py", "UNSAFE")


@case
def absolute_member_is_invalid(_):
    assert_invalid("bad_absolute-0.1-cp311-cp311-linux_x86_64.whl", "/abs/evil.py", "UNSAFE")


@case
def backslash_member_is_invalid(_):
    assert_invalid("bad_backslash-0.1-cp311-cp311-linux_x86_64.whl", "bad\\evil.py", "UNSAFE")


@case
def symlink_member_is_invalid(_):
    assert_invalid("bad_symlink-0.1-cp311-cp311-linux_x86_64.whl", "bad/link.so", "UNSAFE")


@case
def duplicate_member_is_invalid(_):
    assert_invalid("bad_duplicate-0.1-cp311-cp311-linux_x86_64.whl", BAD_SO, "UNSAFE")


@case
def bad_record_hash_is_invalid(_):
    assert_invalid("bad_hash-0.1-cp311-cp311-linux_x86_64.whl", BAD_SO, "RECORD")


@case
def bad_record_size_is_invalid(_):
    assert_invalid("bad_size-0.1-cp311-cp311-linux_x86_64.whl", BAD_SO, "RECORD")


@case
def record_entry_without_member_is_invalid(_):
    assert_invalid("bad_extra_record-0.1-cp311-cp311-linux_x86_64.whl", "bad/missing.py", "RECORD")


@case
def missing_wheel_file_is_invalid(_):
    assert_invalid("bad_no_wheel-0.1-cp311-cp311-linux_x86_64.whl",
                   "bad_no_wheel-0.1.dist-info/WHEEL", "NOTWHEEL")


@case
def missing_record_is_invalid(_):
    assert_invalid("bad_no_record-0.1-cp311-cp311-linux_x86_64.whl",
                   "bad_no_record-0.1.dist-info/RECORD", "NOTWHEEL")


@case
def truncated_archive_is_invalid(_):
    assert_invalid("bad_truncated-0.1-cp311-cp311-linux_x86_64.whl", "", "NOTZIP")


@case
def truncated_elf_member_is_invalid(_):
    assert_invalid("bad_elf_truncated-0.1-cp311-cp311-linux_x86_64.whl", BAD_SO, "BADELF")


@case
def member_size_limit_is_invalid_input(_):
    rc, out, err = wheelaudit("show", "--max-member-size", "1000", fixture(EX))
    check(rc == 3, "exit %d" % rc, out, err)
    check("wheelaudit_example/_example.cpython-311-x86_64-linux-gnu.so" in err,
          "stderr does not name the member", err)


@case
def not_a_wheel_file_name_is_invalid(_):
    rc, out, err = wheelaudit("show", os.path.join(CTX["fixtures"], "elf", "glibc234.so"))
    check(rc == 3, "exit %d" % rc, out, err)
    check("wheelaudit: error: " in err, "stderr", err)

# ---------------------------------------------------------------- exit 4


@case
def armhf_executable_in_aarch64_wheel_is_a_mismatch(_):
    assert_mismatch("armhf_in_aarch64-0.1-cp311-cp311-linux_aarch64.whl", "foreign-arch",
                    "armhf_in_aarch64/_bin/hello")


@case
def i386_module_in_x86_64_wheel_is_a_mismatch(_):
    assert_mismatch("i386_in_x86_64-0.1-cp311-cp311-linux_x86_64.whl", "foreign-arch",
                    "i386_in_x86_64/_mod32.cpython-311-i386-linux-gnu.so")


@case
def x86_64_module_in_aarch64_wheel_is_a_mismatch(_):
    assert_mismatch("x86_64_in_aarch64-0.1-cp311-cp311-linux_aarch64.whl", "tag-arch-mismatch")


@case
def big_endian_ppc64_in_ppc64le_wheel_is_a_mismatch(_):
    assert_mismatch("ppc64_be_in_ppc64le-0.1-cp311-cp311-linux_ppc64le.whl", "foreign-arch",
                    "ppc64_be_in_ppc64le.libs/libgcc_s.so.1")


@case
def glibc_and_musl_members_mixed_is_a_mismatch(_):
    assert_mismatch("mixed_libc-0.1-cp311-cp311-linux_x86_64.whl", "mixed-libc")

# ---------------------------------------------------------------- exit 5


@case
def pure_wheel_exits_5(_):
    rc, out, err = wheelaudit("show", fixture("pure_pkg-0.1-py3-none-any.whl"))
    check(rc == 5, "exit %d" % rc, out, err)
    show_json("pure_pkg-0.1-py3-none-any.whl", code=5)


@case
def pure_wheel_with_allow_pure_exits_0(_):
    rc, out, err = wheelaudit("show", "--allow-pure", fixture("pure_pkg-0.1-py3-none-any.whl"))
    check(rc == 0, "exit %d" % rc, out, err)

# ---------------------------------------------------------------- exit 6


@case
def failed_stdout_write_exits_6(_):
    if not os.path.exists("/dev/full"):
        raise Skip("no /dev/full")
    rc, _, err = wheelaudit("show", fixture(EX), stdout_path="/dev/full")
    check(rc == 6, "exit %d" % rc, err)
    rc, _, err = wheelaudit("show", "--json", fixture(EX), stdout_path="/dev/full")
    check(rc == 6, "--json: exit %d" % rc, err)

# ---------------------------------------------------------------- several wheels


def several(wheels, code, verdict_wheels):
    rc, out, err = wheelaudit("show", *[fixture(w) for w in wheels])
    check(rc == code, "exit %d, expected %d" % (rc, code), out, err)
    lines = [l for l in out.splitlines() if not l.startswith(" ") and ": " in l]
    for w in verdict_wheels:
        check(sum(1 for l in lines if l.startswith(w + ": ")) == 1,
              "expected one verdict line for %s" % w, out)
    doc = show_json(wheels, code=code)
    check([d["exit_code"] for d in doc["wheels"]] is not None, "")
    return doc


@case
def several_wheels_invalid_outranks_everything(_):
    ws = [EX, "isa_v3-0.1-cp311-cp311-linux_x86_64.whl",
          "bad_hash-0.1-cp311-cp311-linux_x86_64.whl",
          "armhf_in_aarch64-0.1-cp311-cp311-linux_aarch64.whl"]
    doc = several(ws, 3, [ws[0], ws[1], ws[3]])
    check([d["exit_code"] for d in doc["wheels"]] == [0, 1, 3, 4],
          "per-wheel exit codes %r" % [d["exit_code"] for d in doc["wheels"]])


@case
def several_wheels_mismatch_outranks_policy(_):
    ws = [EX, "isa_v3-0.1-cp311-cp311-linux_x86_64.whl",
          "armhf_in_aarch64-0.1-cp311-cp311-linux_aarch64.whl"]
    several(ws, 4, ws)


@case
def several_wheels_policy_outranks_pure(_):
    ws = ["pure_pkg-0.1-py3-none-any.whl", EX, "isa_v3-0.1-cp311-cp311-linux_x86_64.whl"]
    several(ws, 1, ws[1:])


@case
def several_wheels_pure_outranks_compliant(_):
    ws = [EX, "pure_pkg-0.1-py3-none-any.whl"]
    several(ws, 5, [EX])


@case
def several_compliant_wheels_exit_0(_):
    ws = [EX, "glibc234_mod-0.1-cp311-cp311-linux_x86_64.whl",
          "aarch64_ok-0.1-cp311-cp311-linux_aarch64.whl"]
    several(ws, 0, ws)


@case
def several_wheels_with_threads_give_the_same_json(_):
    ws = [EX, "i386_in_x86_64-0.1-cp311-cp311-linux_x86_64.whl",
          "data_scripts-0.1-cp311-cp311-linux_x86_64.whl"]
    _, one, _ = wheelaudit("show", "--json", "--threads", "1", *[fixture(w) for w in ws])
    _, four, _ = wheelaudit("show", "--json", "--threads", "4", *[fixture(w) for w in ws])
    a, b = json.loads(one), json.loads(four)
    for d in a["wheels"] + b["wheels"]:
        d.pop("path", None)
    check(a == b, "JSON differs between --threads 1 and --threads 4")


def main():
    return casekit.main("cli")

if __name__ == "__main__":
    sys.exit(main())
