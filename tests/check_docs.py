#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check that the documentation still matches the code.

usage: check_docs.py WHEELAUDIT_BINARY [SOURCE_ROOT]
       check_docs.py --update-man WHEELAUDIT_BINARY [SOURCE_ROOT]
                                (rewrites the man page's OPTIONS section)

SOURCE_ROOT defaults to the directory above this script.  The tables the
code is generated from are read from the binary (`wheelaudit --list-errors`,
`--list-findings`, `--list-outcomes`), never scraped from C source.  Checks:
  (a) every error name (WA_ERROR_MAP) appears in docs/exit-codes.md both as
      WA_E<NAME> and as `<NAME>`, and the error-code enum of
      docs/show-v1.schema.json lists exactly those names;
  (b) every finding kind (WA_FINDING_MAP) appears in docs/exit-codes.md (as
      `kind`) and the finding kind enum of docs/show-v1.schema.json lists
      exactly those kinds;
  (c) the OPTIONS section of docs/wheelaudit.1 is exactly what the option
      tables (`wheelaudit --list-options`) make of it - the same tables
      the parser and `--help` are made from - and every option, short
      name and alias shows in its command's `--help`;
  (d) docs/repair-v1.schema.json parses, every "$ref" in it resolves
      (locally or into docs/show-v1.schema.json), and its outcome enum
      lists exactly the repair and error outcomes of WA_OUTCOME_MAP, each
      of which has a row in docs/repair.md's outcome table;
  (e) the audit outcomes are exactly the show schema's audit outcome enum,
      its error outcomes are error outcomes, and every outcome is named in
      docs/exit-codes.md.
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


def listing(binary, kind):
    """The rows `wheelaudit --list-KIND` prints (its tables, tab-separated)."""
    run = subprocess.run([binary, "--list-" + kind], capture_output=True, text=True, timeout=30)
    if run.returncode != 0:
        raise LookupError(f"'wheelaudit --list-{kind}' exited {run.returncode}: {run.stderr.strip()}")
    rows = [line.split("\t") for line in run.stdout.splitlines() if line]
    if not rows:
        raise LookupError(f"'wheelaudit --list-{kind}' printed nothing")
    return rows


def error_names(binary):
    return [row[0] for row in listing(binary, "errors")]


def finding_kinds(binary):
    return [row[0] for row in listing(binary, "findings")]


def option_rows(binary):
    """`wheelaudit --list-options`: scope, name, short, arg, aliases, help, doc."""
    keys = ("scope", "name", "short", "arg", "aliases", "help", "doc")
    rows = []
    for fields in listing(binary, "options"):
        fields = [f.replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\")
                  for f in fields]
        rows.append(dict(zip(keys, fields + [""] * (len(keys) - len(fields)))))
    return rows


def roff_text(text):
    """Plain text with **bold** and *italic* marks as roff, wrapped at 78 columns."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    text = re.sub(r"\*\*(.+?)\*\*", r"\\fB\1\\fR", text)
    text = re.sub(r"\*(.+?)\*", r"\\fI\1\\fR", text)
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > 78:
            lines.append(line)
            line = word
        else:
            line = word if not line else line + " " + word
    if line:
        lines.append(line)
    return "\n".join(("\\&" + l) if l[:1] in ".'" else l for l in lines)


def option_heading(r):
    arg = (" \\fI" + r["arg"] + "\\fR") if r["arg"] else ""
    parts = []
    if r["short"]:
        parts.append("\\fB\\-" + r["short"] + "\\fR" + arg)
    for name in [r["name"]] + r["aliases"].split():
        parts.append("\\fB\\-\\-" + name.replace("-", "\\-") + "\\fR" + arg)
    return ", ".join(parts)


SCOPE_INTRO = {
    "global": "These come before the command (the help and policy options are also accepted "
              "after it).",
    "show and repair": "These options are shared by both commands; where their effect differs, "
                       "**repair** is described under its own heading below.",
    "show, repair and lddtree": "Where the libraries a wheel needs from outside are searched.",
}

# Option scopes shared by several commands, and the commands sharing them.
SHARED_SCOPES = {
    "show and repair": ("show", "repair"),
    "show, repair and lddtree": ("show", "repair", "lddtree"),
}


def man_options(rows):
    """The OPTIONS section the option tables make (without its .SH line)."""
    out = []
    for scope in dict.fromkeys(r["scope"] for r in rows):
        title = '"%s"' % scope if " " in scope else scope
        out.append(".SS " + (title if scope != "global" else "Global"))
        if scope in SCOPE_INTRO:
            out.append(roff_text(SCOPE_INTRO[scope]))
        for r in rows:
            if r["scope"] == scope:
                out += [".TP", option_heading(r), roff_text(r["doc"] or r["help"])]
    return "\n".join(out) + "\n"


def man_options_section(man_raw):
    """The body of .SH OPTIONS in the man page source, or None."""
    m = re.search(r"^\.SH\s+\"?OPTIONS\"?\s*\n(.*?)(?=^\.SH\s)", man_raw, re.M | re.S)
    return m.group(1) if m else None


def man_environment(binary):
    """The ENVIRONMENT section `wheelaudit --list-environment` makes."""
    out = []
    for name, commands, doc in listing(binary, "environment"):
        out += [".TP", "\\fB%s\\fR (%s)" % (name, ", ".join(commands.split())), roff_text(doc)]
    return "\n".join(out) + "\n"


def man_section(man_raw, title):
    """The body of .SH TITLE in the man page source, or None."""
    m = re.search(r"^\.SH\s+\"?" + title + r"\"?\s*\n(.*?)(?=^\.SH\s)", man_raw, re.M | re.S)
    return m.group(1) if m else None


def update_man(binary, root):
    path = os.path.join(root, "docs/wheelaudit.1")
    man_raw = read(path)
    for title, body in (("OPTIONS", man_options(option_rows(binary))),
                        ("ENVIRONMENT", man_environment(binary))):
        m = re.search(r"(^\.SH\s+\"?" + title + r"\"?\s*\n)(.*?)(?=^\.SH\s)", man_raw, re.M | re.S)
        if not m:
            print("check_docs: docs/wheelaudit.1 has no .SH %s section" % title, file=sys.stderr)
            return 2
        man_raw = man_raw[:m.start(2)] + body + man_raw[m.end(2):]
    with open(path, "w", encoding="utf-8") as f:
        f.write(man_raw)
    print("check_docs: docs/wheelaudit.1 OPTIONS and ENVIRONMENT written from the tables")
    return 0


def json_pointer(doc, pointer):
    """The value at a JSON pointer ("" or "/a/b"), or raises LookupError."""
    node = doc
    if pointer in ("", "/"):
        return node
    for part in pointer.lstrip("/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise LookupError(part)
    return node


def refs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                yield v
            else:
                yield from refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from refs(v)


def outcomes_by_scope(binary):
    """{scope: [outcome names]} from `wheelaudit --list-outcomes`."""
    scopes = {}
    for row in listing(binary, "outcomes"):
        scopes.setdefault(row[2], []).append(row[0])
    return scopes


def check_repair_schema(root, binary, show_schema, problems):
    name = "docs/repair-v1.schema.json"
    try:
        schema = json.loads(read(os.path.join(root, name)))
    except OSError as e:
        problems.append(f"{name}: cannot be read: {e}")
        return
    except ValueError as e:
        problems.append(f"{name}: not valid JSON: {e}")
        return
    if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
        problems.append(f"{name}: $schema is not JSON Schema 2020-12")
    for ref in sorted(set(refs(schema))):
        target, _, pointer = ref.partition("#")
        if target == "":
            doc = schema
        elif target == "show-v1.schema.json":
            doc = show_schema
        else:
            problems.append(f"{name}: $ref {ref!r} points outside docs/show-v1.schema.json")
            continue
        try:
            json_pointer(doc, pointer)
        except LookupError:
            problems.append(f"{name}: $ref {ref!r} does not resolve")

    try:
        scopes = outcomes_by_scope(binary)
        outcomes = sorted(scopes.get("repair", []) + scopes.get("error", []))
        repair_doc = read(os.path.join(root, "docs/repair.md"))
    except (OSError, LookupError) as e:
        problems.append(f"{name}: cannot check the outcomes: {e}")
        return
    try:
        enum = schema["$defs"]["result"]["properties"]["outcome"]["enum"]
    except (KeyError, TypeError):
        problems.append(f"{name}: no enum at $defs.result.properties.outcome")
        return
    if sorted(enum) != outcomes:
        problems.append(
            f"{name}: outcome enum differs from the code's outcomes: "
            f"missing {sorted(set(outcomes) - set(enum))}, "
            f"extra {sorted(set(enum) - set(outcomes))}")
    for outcome in outcomes:
        if not re.search(r"^\|\s*`" + re.escape(outcome) + r"`\s*\|", repair_doc, re.M):
            problems.append(f"docs/repair.md: outcome `{outcome}` has no row in the outcome table")


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    if argv[1] == "--update-man":
        root = argv[3] if len(argv) > 3 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        return update_man(argv[2], root)
    binary = argv[1]
    root = argv[2] if len(argv) > 2 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    problems = []

    try:
        exit_doc = read(os.path.join(root, "docs/exit-codes.md"))
        schema = json.loads(read(os.path.join(root, "docs/show-v1.schema.json")))
        man_raw = read(os.path.join(root, "docs/wheelaudit.1"))
        errors = error_names(binary)
        kinds = finding_kinds(binary)
        scopes = outcomes_by_scope(binary)
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

    # (c) options: the man page's OPTIONS section is what the option tables
    # make of it, and every option shows in its command's --help
    try:
        rows = option_rows(binary)
    except LookupError as e:
        print(f"check_docs: cannot run: {e}", file=sys.stderr)
        return 2
    wanted = man_options(rows)
    current = man_options_section(man_raw)
    if current is None:
        problems.append("docs/wheelaudit.1: no .SH OPTIONS section")
    elif current != wanted:
        problems.append("docs/wheelaudit.1: the OPTIONS section differs from the option tables; "
                        "run: tests/check_docs.py --update-man BINARY")
    try:
        env_wanted = man_environment(binary)
    except LookupError as e:
        print(f"check_docs: cannot run: {e}", file=sys.stderr)
        return 2
    if man_section(man_raw, "ENVIRONMENT") != env_wanted:
        problems.append("docs/wheelaudit.1: the ENVIRONMENT section differs from the environment "
                        "table (--list-environment); run: tests/check_docs.py --update-man BINARY")
    n_options = 0
    for command in sorted({r["scope"] for r in rows} - {"global"} - set(SHARED_SCOPES)):
        try:
            run = subprocess.run([binary, command, "--help"], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as e:
            print(f"check_docs: cannot run {binary}: {e}", file=sys.stderr)
            return 2
        if run.returncode != 0:
            problems.append(f"'{command} --help' exited {run.returncode}")
        scopes_of = [command] + [sc for sc, cmds in SHARED_SCOPES.items() if command in cmds]
        for r in rows:
            if r["scope"] not in scopes_of:
                continue
            n_options += 1
            for spelling in ["--" + r["name"]] + (["-" + r["short"]] if r["short"] else []) + \
                    ["--" + a for a in r["aliases"].split()]:
                pattern = r"(?<![\w-])" + re.escape(spelling) + r"(?![\w-])"
                if not re.search(pattern, run.stdout):
                    problems.append(f"'wheelaudit {command} --help': option {spelling} is not listed")

    # (d) the repair schema
    check_repair_schema(root, binary, schema, problems)

    # (e) audit outcomes: the show schema and docs/exit-codes.md
    try:
        audit_enum = schema["$defs"]["audit"]["properties"]["outcome"]["enum"]
        error_enum = schema["$defs"]["error"]["properties"]["outcome"]["enum"]
    except (KeyError, TypeError):
        problems.append("docs/show-v1.schema.json: no outcome enums in $defs.audit/$defs.error")
    else:
        if sorted(audit_enum) != sorted(scopes.get("audit", [])):
            problems.append("docs/show-v1.schema.json: audit outcome enum differs from "
                            f"--list-outcomes: {sorted(audit_enum)} vs {sorted(scopes.get('audit', []))}")
        if not set(error_enum) <= set(scopes.get("error", [])):
            problems.append(f"docs/show-v1.schema.json: error outcomes {sorted(error_enum)} are not "
                            "all error outcomes of --list-outcomes")
    for name in sorted(n for names in scopes.values() for n in names):
        if f"`{name}`" not in exit_doc:
            problems.append(f"docs/exit-codes.md: outcome `{name}` (--list-outcomes) is not mentioned")

    if problems:
        for p in problems:
            print(f"check_docs: {p}")
        print(f"check_docs: FAILED ({len(problems)} problem(s))")
        return 1
    print(f"check_docs: ok ({len(errors)} error codes, {len(kinds)} finding kinds, "
          f"{n_options} options, man page OPTIONS generated, repair schema checked)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
