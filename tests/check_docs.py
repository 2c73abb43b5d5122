#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check that the documentation still matches the code.

usage: check_docs.py WHEELAUDIT_BINARY [SOURCE_ROOT]

SOURCE_ROOT defaults to the directory above this script.  The tables the
code is generated from are read from the binary (`wheelaudit --list-errors`,
`--list-findings`, `--list-outcomes`), never scraped from C source.  Checks:
  (a) every error name (WA_ERROR_MAP) appears in docs/exit-codes.md both as
      WA_E<NAME> and as `<NAME>`, and the error-code enum of
      docs/show-v1.schema.json lists exactly those names;
  (b) every finding kind (WA_FINDING_MAP) appears in docs/exit-codes.md (as
      `kind`) and the finding kind enum of docs/show-v1.schema.json lists
      exactly those kinds;
  (c) every option of every command, that is every long option in the
      `struct option` tables of src/cli/cmd_<command>.c (option macros
      defined in src/cli/*.h, such as CLI_AUDIT_LONG_OPTIONS, expanded
      where a table uses them) and every short option in the command's
      getopt_long option string, appears in `wheelaudit COMMAND --help` and
      in docs/wheelaudit.1 under OPTIONS, in the Global subsection or in a
      subsection whose title names the command (".SS repair",
      ".SS \"show and repair\"");
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


def strip_c_comments(text):
    return re.sub(r"/\*.*?\*/", " ", text, flags=re.S)


def listing(binary, kind):
    """The rows `wheelaudit --list-KIND` prints (its tables, tab-separated)."""
    run = subprocess.run([binary, "--list-" + kind], capture_output=True, text=True, timeout=30)
    if run.returncode != 0:
        raise LookupError(f"'wheelaudit --list-{kind}' exited {run.returncode}: {run.stderr.strip()}")
    rows = [line.split("\t") for line in run.stdout.splitlines() if line]
    if not rows:
        raise LookupError(f"'wheelaudit --list-{kind}' printed nothing")
    return rows


def map_entries(header_text, macro):
    """The body of `#define MACRO(XX) ...` with its line continuations."""
    m = re.search(r"#define\s+" + macro + r"\(XX\)((?:[^\n]*\\\n)*[^\n]*)", header_text)
    if not m:
        raise LookupError(f"#define {macro}(XX) not found")
    return m.group(1).replace("\\\n", "\n")


def error_names(binary):
    return [row[0] for row in listing(binary, "errors")]


def finding_kinds(binary):
    return [row[0] for row in listing(binary, "findings")]


LONG_OPTION = r'\{\s*"([^"]+)"\s*,'


def option_macros(cli_dir):
    """Object-like macros of src/cli/*.h whose body holds `struct option` entries."""
    macros = {}
    for name in sorted(os.listdir(cli_dir)):
        if not name.endswith(".h"):
            continue
        text = strip_c_comments(read(os.path.join(cli_dir, name)))
        for m in re.finditer(r"#define\s+(\w+)[ \t]+((?:[^\n]*\\\n)*[^\n]*)", text):
            options = re.findall(LONG_OPTION, m.group(2).replace("\\\n", "\n"))
            if options:
                macros[m.group(1)] = options
    return macros


def top_level_items(body):
    """The comma-separated items of an initializer list, braces kept together."""
    items, depth, start = [], 0, 0
    for i, c in enumerate(body):
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c == "," and depth == 0:
            items.append(body[start:i].strip())
            start = i + 1
    items.append(body[start:].strip())
    return [item for item in items if item]


def option_tables(path, macros):
    """Long option names of every `struct option NAME[] = {...};` in a C file.

    An item of a table that is not a `{...}` entry must be an option macro
    (see option_macros); its options are expanded in place.  Returns
    (names, items that could not be expanded)."""
    text = strip_c_comments(read(path))
    names, unknown = [], []
    for table in re.finditer(r"struct\s+option\s+\w+\s*\[\s*\]\s*=\s*\{(.*?)\};", text, re.S):
        for item in top_level_items(table.group(1)):
            if item.startswith("{"):
                names += re.findall(LONG_OPTION, item)
            elif item in macros:
                names += macros[item]
            else:
                unknown.append(item)
    return names, unknown


def short_options(path):
    """Short option letters of every getopt_long(..., "optstring", ...) call."""
    text = strip_c_comments(read(path))
    letters = []
    for m in re.finditer(r'getopt_long\s*\([^,]*,[^,]*,\s*"([^"]*)"', text):
        letters += [c for c in m.group(1) if c.isalnum()]
    return letters


def roff_plain(text):
    """Man page source with the roff escapes that matter for option names undone."""
    text = text.replace("\\-", "-").replace("\\&", "").replace("\\%", "")
    return re.sub(r"\\f[BIRP]|\\f\(..|\\fB|\\fR", "", text)


def man_option_sections(man):
    """{subsection title: text} of the OPTIONS section of the (plain) man page."""
    m = re.search(r"^\.SH\s+\"?OPTIONS\"?\s*$(.*?)(?=^\.SH\s|\Z)", man, re.M | re.S)
    if not m:
        return {}
    sections = {}
    for part in re.split(r"^(?=\.SS\s)", m.group(1), flags=re.M):
        title = re.match(r"\.SS\s+(.*)", part)
        if title:
            sections[title.group(1).strip().strip('"')] = part
    return sections


def man_text_for(sections, command):
    """The OPTIONS text that applies to a command: Global and its own subsections."""
    own = [text for title, text in sections.items()
           if command in re.findall(r"[\w-]+", title.lower())]
    glob = [text for title, text in sections.items() if title.lower() == "global"]
    return own, "\n".join(glob + own)


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
    binary = argv[1]
    root = argv[2] if len(argv) > 2 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    problems = []

    try:
        exit_doc = read(os.path.join(root, "docs/exit-codes.md"))
        schema = json.loads(read(os.path.join(root, "docs/show-v1.schema.json")))
        man = roff_plain(read(os.path.join(root, "docs/wheelaudit.1")))
        errors = error_names(binary)
        kinds = finding_kinds(binary)
        scopes = outcomes_by_scope(binary)
        cli_dir = os.path.join(root, "src/cli")
        macros = option_macros(cli_dir)
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

    # (c) options, per command (src/cli/cmd_<command>.c)
    sources = sorted(f for f in os.listdir(cli_dir) if re.fullmatch(r"cmd_\w+\.c", f))
    sections = man_option_sections(man)
    if not sections:
        problems.append("docs/wheelaudit.1: no .SS subsections found under .SH OPTIONS")
    n_options = 0
    for required in ("cmd_show.c", "cmd_repair.c"):
        if required not in sources:
            problems.append(f"src/cli/{required} not found")
    for source in sources:
        command = source[len("cmd_"):-len(".c")]
        path = os.path.join(cli_dir, source)
        options, unknown = option_tables(path, macros)
        letters = short_options(path)
        for item in unknown:
            problems.append(f"src/cli/{source}: cannot expand {item!r} in a struct option table "
                            "(not an option macro of src/cli/*.h)")
        if source in ("cmd_show.c", "cmd_repair.c") and not options:
            problems.append(f"src/cli/{source}: no long options found in its struct option table")
        own, man_text = man_text_for(sections, command)
        if sections and not own:
            problems.append(f"docs/wheelaudit.1: no .SS subsection of OPTIONS names '{command}'")
        if len(set(options)) != len(options):
            dups = sorted({o for o in options if options.count(o) > 1})
            problems.append(f"src/cli/{source}: long options listed twice: {dups}")
        try:
            run = subprocess.run([binary, command, "--help"], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as e:
            print(f"check_docs: cannot run {binary}: {e}", file=sys.stderr)
            return 2
        if run.returncode != 0:
            problems.append(f"'{command} --help' exited {run.returncode}")
        spelled = ["--" + o for o in dict.fromkeys(options)] + ["-" + c for c in dict.fromkeys(letters)]
        n_options += len(spelled)
        for opt in spelled:
            pattern = r"(?<![\w-])" + re.escape(opt) + r"(?![\w-])"
            if not re.search(pattern, man_text):
                problems.append(f"docs/wheelaudit.1: option {opt} of '{command}' ({source}) is not "
                                f"documented under OPTIONS (Global or a subsection naming '{command}')")
            if not re.search(pattern, run.stdout):
                problems.append(f"'wheelaudit {command} --help': option {opt} ({source}) is not listed")

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
          f"{n_options} options of {len(sources)} command(s), repair schema checked)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
