#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check that the documentation still matches the code.

usage: check_docs.py WHEELAUDIT_BINARY [SOURCE_ROOT]

SOURCE_ROOT defaults to the directory above this script.  Checks:
  (a) every error name in WA_ERROR_MAP (include/wheelaudit/error.h) appears
      in docs/exit-codes.md both as WA_E<NAME> and as `<NAME>`, and the
      schema's error-code enum lists exactly those names;
  (b) every finding kind in WA_FINDING_MAP (include/wheelaudit/audit.h)
      appears in docs/exit-codes.md (as `kind`) and the schema's finding
      kind enum lists exactly those kinds;
  (c) every long option in the `struct option` tables of src/cli/cmd_*.c
      appears in docs/wheelaudit.1 and in `wheelaudit COMMAND --help`.
Prints one line per problem; exits 0 when all hold, 1 when one fails and
2 when the check itself cannot run.  Only the standard library is used.
"""
import json
import os
import re
import subprocess
import sys


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def map_entries(header_text, macro):
    """The body of `#define MACRO(XX) ...` with its line continuations."""
    m = re.search(r"#define\s+" + macro + r"\(XX\)((?:[^\n]*\\\n)*[^\n]*)", header_text)
    if not m:
        raise LookupError(f"#define {macro}(XX) not found")
    return m.group(1).replace("\\\n", "\n")


def error_names(root):
    body = map_entries(read(os.path.join(root, "include/wheelaudit/error.h")), "WA_ERROR_MAP")
    names = re.findall(r"XX\(\s*([A-Z0-9_]+)\s*,", body)
    if not names:
        raise LookupError("WA_ERROR_MAP has no entries")
    return names


def finding_kinds(root):
    body = map_entries(read(os.path.join(root, "include/wheelaudit/audit.h")), "WA_FINDING_MAP")
    kinds = re.findall(r'XX\(\s*[A-Z0-9_]+\s*,\s*"([^"]+)"\s*\)', body)
    if not kinds:
        raise LookupError("WA_FINDING_MAP has no entries")
    return kinds


def option_tables(path):
    """Long option names of every `struct option NAME[] = {...};` in a C file."""
    text = read(path)
    names = []
    for table in re.finditer(r"struct\s+option\s+\w+\s*\[\s*\]\s*=\s*\{(.*?)\};", text, re.S):
        names += re.findall(r'\{\s*"([^"]+)"\s*,', table.group(1))
    return names


def roff_plain(text):
    """Man page source with the roff escapes that matter for option names undone."""
    text = text.replace("\\-", "-").replace("\\&", "").replace("\\%", "")
    return re.sub(r"\\f[BIRP]|\\f\(..|\\fB|\\fR", "", text)


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    binary = argv[1]
    root = argv[2] if len(argv) > 2 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    problems = []

    try:
        exit_doc = read(os.path.join(root, "docs/exit-codes.md"))
        schema = json.loads(read(os.path.join(root, "docs/show-v1.schema.json")))
        man = roff_plain(read(os.path.join(root, "docs/wheelaudit.1")))
        errors = error_names(root)
        kinds = finding_kinds(root)
    except (OSError, ValueError, LookupError) as e:
        print(f"check_docs: cannot run: {e}", file=sys.stderr)
        return 2

    # (a) error names
    for name in errors:
        if not re.search(r"\bWA_E" + name + r"\b", exit_doc):
            problems.append(f"docs/exit-codes.md: error WA_E{name} (WA_ERROR_MAP) is not mentioned")
        if f"`{name}`" not in exit_doc:
            problems.append(f"docs/exit-codes.md: error name `{name}` (WA_ERROR_MAP) is not mentioned")
    try:
        schema_codes = schema["$defs"]["error"]["properties"]["error"]["properties"]["code"]["enum"]
    except (KeyError, TypeError):
        schema_codes = None
        problems.append("docs/show-v1.schema.json: no enum at $defs.error...code")
    if schema_codes is not None and sorted(schema_codes) != sorted(errors):
        problems.append(
            "docs/show-v1.schema.json: error code enum differs from WA_ERROR_MAP: "
            f"missing {sorted(set(errors) - set(schema_codes))}, "
            f"extra {sorted(set(schema_codes) - set(errors))}")

    # (b) finding kinds
    for kind in kinds:
        if f"`{kind}`" not in exit_doc:
            problems.append(f"docs/exit-codes.md: finding kind `{kind}` (WA_FINDING_MAP) is not documented")
    try:
        schema_kinds = schema["$defs"]["finding"]["properties"]["kind"]["enum"]
    except (KeyError, TypeError):
        schema_kinds = None
        problems.append("docs/show-v1.schema.json: no enum at $defs.finding.properties.kind")
    if schema_kinds is not None:
        for kind in kinds:
            if kind not in schema_kinds:
                problems.append(f"docs/show-v1.schema.json: finding kind '{kind}' is missing from the enum")
        for kind in schema_kinds:
            if kind not in kinds:
                problems.append(f"docs/show-v1.schema.json: finding kind '{kind}' is not in WA_FINDING_MAP")

    # (c) long options, per command (src/cli/cmd_<command>.c)
    cli_dir = os.path.join(root, "src/cli")
    sources = sorted(f for f in os.listdir(cli_dir) if re.fullmatch(r"cmd_\w+\.c", f))
    if "cmd_show.c" not in sources:
        problems.append("src/cli/cmd_show.c not found")
    for source in sources:
        command = source[len("cmd_"):-len(".c")]
        options = option_tables(os.path.join(cli_dir, source))
        if source == "cmd_show.c" and not options:
            problems.append("src/cli/cmd_show.c: no long_options[] table found")
        try:
            run = subprocess.run([binary, command, "--help"], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as e:
            print(f"check_docs: cannot run {binary}: {e}", file=sys.stderr)
            return 2
        if run.returncode != 0:
            problems.append(f"'{command} --help' exited {run.returncode}")
        for opt in options:
            pattern = r"(?<![\w-])--" + re.escape(opt) + r"(?![\w-])"
            if not re.search(pattern, man):
                problems.append(f"docs/wheelaudit.1: option --{opt} of '{command}' ({source}) is not documented")
            if not re.search(pattern, run.stdout):
                problems.append(f"'wheelaudit {command} --help': option --{opt} ({source}) is not listed")

    if problems:
        for p in problems:
            print(f"check_docs: {p}")
        print(f"check_docs: FAILED ({len(problems)} problem(s))")
        return 1
    print(f"check_docs: ok ({len(errors)} error codes, {len(kinds)} finding kinds, "
          f"options of {len(sources)} command(s) checked)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
