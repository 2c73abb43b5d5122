/* SPDX-License-Identifier: MIT */
/*
 * Option tables, --help, messages, exit-code ranking, the shared settings
 * (colour, sizes, policies) and show's and repair's options.
 */
#define _DEFAULT_SOURCE /* realpath */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ===== messages ===== */

/*
 * Every message goes through here: formatted, then escaped, because the
 * names and messages it carries come from wheels (text.h): no control byte
 * or ANSI escape of theirs reaches the terminal.
 */
static void vmessage(const char *kind, const char *fmt, va_list ap)
{
	char text[8192];

	vsnprintf(text, sizeof(text), fmt, ap);
	fprintf(stderr, "wheelaudit: %s", kind);
	wa_report_escaped(stderr, text);
	fputc('\n', stderr);
}

static void message(const char *kind, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void message(const char *kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(kind, fmt, ap);
	va_end(ap);
}

int cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("error: ", fmt, ap);
	va_end(ap);
	return WA_EXIT_INTERNAL;
}

/* The command being parsed, for messages that do not name one. */
static const char *current_command;

int cli_usage_error(const char *command, const char *fmt, ...)
{
	va_list ap;

	if (!command)
		command = current_command;

	va_start(ap, fmt);
	vmessage("error: ", fmt, ap);
	va_end(ap);
	fprintf(stderr, "(see 'wheelaudit %s%s--help')\n", command ? command : "",
		command ? " " : "");
	return WA_EXIT_USAGE;
}

void cli_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("warning: ", fmt, ap);
	va_end(ap);
}

void cli_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("", fmt, ap);
	va_end(ap);
}

void cli_info(const struct cli_ctx *ctx, int level, const char *fmt, ...)
{
	va_list ap;

	if (ctx->verbosity < level)
		return;
	va_start(ap, fmt);
	vmessage("", fmt, ap);
	va_end(ap);
}

void cli_print_error(const char *wheel, const struct wa_error *err)
{
	message("error: ", "%s: %s%s%s", wheel, err->member, err->member[0] ? ": " : "",
		err->message[0] ? err->message : wa_error_default_text(err->code));
}

int cli_oom(void)
{
	return cli_error("out of memory");
}

/* ===== shared settings ===== */

static int rank(int code)
{
	switch (code) {
	case WA_EXIT_INTERNAL: return 6;
	case WA_EXIT_INVALID: return 5;
	case WA_EXIT_MISMATCH: return 4;
	case WA_EXIT_POLICY: return 3;
	case WA_EXIT_USAGE: return 2;
	case WA_EXIT_PURE: return 1;
	default: return 0;
	}
}

int cli_combine_exit(int a, int b)
{
	return rank(a) >= rank(b) ? a : b;
}

bool cli_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return false;
	switch (*end) {
	case 'K':
	case 'k':
		shift = 10;
		end++;
		break;
	case 'M':
	case 'm':
		shift = 20;
		end++;
		break;
	case 'G':
	case 'g':
		shift = 30;
		end++;
		break;
	case 'T':
	case 't':
		shift = 40;
		end++;
		break;
	default: break;
	}
	if (*end || (shift && v > (~0ULL >> shift)))
		return false;
	*out = (uint64_t)v << shift;
	return true;
}

const char *cli_env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

const char *cli_env2(const char *ours, const char *theirs, const char **which)
{
	const char *v = cli_env(ours);

	*which = ours;
	if (!v) {
		v = cli_env(theirs);
		*which = theirs;
	}
	return v;
}

bool cli_color(FILE *f, const char *when)
{
	const char *term = getenv("TERM");

	if (when && strcmp(when, "always") == 0)
		return true;
	if (when && strcmp(when, "never") == 0)
		return false;
	/* NO_COLOR set (non-empty, as no-color.org asks), or a terminal that
	 * cannot show colours */
	if (cli_env("NO_COLOR") || (term && strcmp(term, "dumb") == 0))
		return false;
	return isatty(fileno(f)) == 1;
}

const struct wa_policy_set *cli_policies(struct cli_ctx *ctx, int *exit_code)
{
	struct wa_error err;

	if (ctx->policies)
		return ctx->policies;
	wa_error_clear(&err);
	if (ctx->policy_dir ? wa_policy_set_load_dir(&ctx->policies, ctx->policy_dir, &err)
			    : wa_policy_set_load_builtin(&ctx->policies, &err)) {
		cli_error("policy tables: %s", err.message);
		*exit_code = ctx->policy_dir ? WA_EXIT_USAGE : WA_EXIT_INTERNAL;
		return NULL;
	}
	return ctx->policies;
}

/* ===== option tables ===== */

static const struct cli_opt help_row =
	{"help",
	 'h',
	 NULL,
	 CLI_OPT_HELP,
	 "this help",
	 "Print help: before a command the program's, after it the command's "
	 "(**wheelaudit show --help**).",
	 NULL};

/* The rows that apply to cmd, in help order: a later row of the same name
 * takes an earlier one's place.  Returns the count (at most max). */
static size_t effective_rows(const struct cli_command *cmd, const struct cli_opt **rows, size_t max)
{
	size_t n = 0;

	for (const struct cli_opt *const *t = cmd->tables; t && *t; t++)
		for (const struct cli_opt *o = *t; o->name; o++) {
			size_t k = 0;

			while (k < n && strcmp(rows[k]->name, o->name) != 0)
				k++;
			if (k < n)
				rows[k] = o;
			else if (n < max)
				rows[n++] = o;
		}
	if (n < max)
		rows[n++] = &help_row;
	return n;
}

const struct cli_opt *cli_find_option(const struct cli_command *cmd, const char *name)
{
	const struct cli_opt *rows[128];
	size_t n = effective_rows(cmd, rows, 128);

	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i]->name, name) == 0)
			return rows[i];
	return NULL;
}

/* The words of a space-separated list, one at a time. */
static const char *next_word(const char *s, size_t *len)
{
	if (!s)
		return NULL;
	s += strspn(s, " ");
	*len = strcspn(s, " ");
	return *len ? s : NULL;
}

enum { LONG_BASE = 1000, MAX_ROWS = 128, MAX_LONG = 256 };

int cli_parse(const struct cli_ctx *ctx, const struct cli_command *cmd, int argc, char **argv,
	      void *args, int *first)
{
	const struct cli_opt *rows[MAX_ROWS];
	size_t n = effective_rows(cmd, rows, MAX_ROWS), nl = 0, ns = 2;
	struct option longs[MAX_LONG + 1];
	/* "+": stop at the first operand, for the options before a command */
	char shorts[2 * MAX_ROWS + 3] = "+:", names[MAX_LONG][64];
	int c, rc;

	for (size_t i = 0; i < n; i++) {
		const char *w = rows[i]->name;
		size_t len = strlen(w);

		/* the option itself, then each alias, all answering with row i */
		for (const char *a = rows[i]->aliases; w && nl < MAX_LONG;
		     w = next_word(a, &len), a = w ? w + len : NULL) {
			snprintf(names[nl], sizeof(names[nl]), "%.*s", (int)len, w);
			longs[nl] = (struct option){names[nl],
						    rows[i]->arg ? required_argument : no_argument,
						    NULL, LONG_BASE + (int)i};
			nl++;
		}
		if (rows[i]->short_name) {
			shorts[ns++] = rows[i]->short_name;
			if (rows[i]->arg)
				shorts[ns++] = ':';
		}
	}
	longs[nl] = (struct option){NULL, 0, NULL, 0};
	shorts[ns] = '\0';
	if (!cmd->options_first)
		memmove(shorts, shorts + 1, ns); /* drop the '+' */
	optind =
		0; /* 0, not 1: glibc then also forgets the "+" of the options before the command */
	opterr = 0;
	current_command = cmd->name;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		const struct cli_opt *row = NULL;
		/* the option as typed: a value given as the next word moved optind past it */
		char *spelled = optarg && optind >= 2 && optarg == argv[optind - 1]
					? argv[optind - 2]
					: argv[optind - 1];

		if (c >= LONG_BASE && c < LONG_BASE + (int)n) {
			row = rows[c - LONG_BASE];
		} else if (c == ':' || c == '?') {
			int which = optopt;

			if (which >= LONG_BASE && which < LONG_BASE + (int)n)
				which = 0; /* a long option: argv names it as typed */
			if (c == ':')
				return which ? cli_usage_error(cmd->name,
							       "option '-%c' needs a value", which)
					     : cli_usage_error(cmd->name,
							       "option '%s' needs a value",
							       spelled);
			return which ? cli_usage_error(cmd->name, "unknown option '-%c'", which)
				     : cli_usage_error(cmd->name, "unknown option '%s'", spelled);
		} else {
			for (size_t i = 0; i < n && !row; i++)
				if (rows[i]->short_name == c)
					row = rows[i];
		}
		if (!row)
			return cli_usage_error(cmd->name, "unknown option '%s'", spelled);
		if (row->id == CLI_OPT_HELP) {
			cli_print_help(stdout, ctx, cmd);
			return -1;
		}
		/* "--opt=VALUE" and "--opt VALUE" are both spelled "--opt" in
		 * messages.  Commands keep the spelling (where --plat came from),
		 * so it must live as long as argv: the '=' is cut there, in
		 * place; the value getopt found after it is not affected. */
		{
			char *eq = strchr(spelled, '=');

			if (spelled[0] == '-' && spelled[1] == '-' && eq && row->arg &&
			    optarg == eq + 1)
				*eq = '\0';
			rc = cmd->apply(args, row, row->arg ? optarg : NULL, spelled);
		}
		if (rc)
			return rc;
	}
	*first = optind;
	return 0;
}

/* ===== help ===== */

enum { HELP_COLUMN = 27 };

/* "-w, --wheel-dir DIR, --alias DIR" */
static void option_spelling(const struct cli_opt *o, char *buf, size_t size)
{
	size_t used = 0, len;
	const char *w;

	if (o->short_name)
		used += (size_t)snprintf(buf, size, "-%c, ", o->short_name);
	used += (size_t)snprintf(buf + used, size - used, "--%s%s%s", o->name, o->arg ? " " : "",
				 o->arg ? o->arg : "");
	for (w = next_word(o->aliases, &len); w && used < size; w = next_word(w + len, &len))
		used += (size_t)snprintf(buf + used, size - used, ", --%.*s%s%s", (int)len, w,
					 o->arg ? " " : "", o->arg ? o->arg : "");
}

static void print_option(FILE *out, const struct cli_opt *o)
{
	char left[256];
	const char *h = o->help;
	size_t col;

	option_spelling(o, left, sizeof(left));
	col = 2 + strlen(left);
	fprintf(out, "  %s", left);
	if (col + 2 > HELP_COLUMN) {
		fputc('\n', out);
		col = 0;
	}
	while (h && *h) {
		size_t len = strcspn(h, "\n");

		fprintf(out, "%*s%.*s\n", (int)(HELP_COLUMN - col), "", (int)len, h);
		col = 0;
		h += len + (h[len] == '\n');
	}
}

void cli_print_help(FILE *out, const struct cli_ctx *ctx, const struct cli_command *cmd)
{
	static const struct cli_command *const commands[] = {&cli_cmd_show, &cli_cmd_repair,
							     &cli_cmd_policies, &cli_cmd_lddtree};
	const struct cli_opt *rows[MAX_ROWS];
	size_t n;

	if (!cmd || !cmd->name) {
		fprintf(out, "usage: %s [options] COMMAND [ARGS]\n\ncommands:\n", ctx->program);
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
		fputs("\noptions (before the command):\n", out);
		for (const struct cli_opt *o = cli_global_options; o->name; o++)
			print_option(out, o);
		fprintf(out,
			"\n'%s COMMAND --help' describes a command's options.\n"
			"\nexit codes: 0 compliant, 1 policy violation (lddtree: a library not\n"
			"found), 2 usage, 3 invalid or unsafe input, 4 architecture or libc\n"
			"mismatch, 5 pure wheel, 6 I/O or internal error (docs/exit-codes.md).\n",
			ctx->program);
		return;
	}
	fprintf(out, "usage: %s %s %s\n\n%s\noptions:\n", ctx->program, cmd->name, cmd->usage,
		cmd->description);
	n = effective_rows(cmd, rows, MAX_ROWS);
	for (size_t i = 0; i < n; i++)
		print_option(out, rows[i]);
	if (cmd->footer)
		fprintf(out, "\n%s", cmd->footer);
}

/* One row of --list-options; tabs and newlines inside texts are escaped. */
static void list_row(FILE *out, const char *scope, const struct cli_opt *o)
{
	const char *fields[] = {o->help, o->doc ? o->doc : o->help};

	fprintf(out, "%s\t%s\t%s\t%s\t%s", scope, o->name,
		o->short_name ? (char[]){o->short_name, '\0'} : "", o->arg ? o->arg : "",
		o->aliases ? o->aliases : "");
	for (size_t f = 0; f < 2; f++) {
		fputc('\t', out);
		for (const char *p = fields[f] ? fields[f] : ""; *p; p++) {
			if (*p == '\n')
				fputs("\\n", out);
			else if (*p == '\t')
				fputs("\\t", out);
			else if (*p == '\\')
				fputs("\\\\", out);
			else
				fputc(*p, out);
		}
	}
	fputc('\n', out);
}

void cli_list_options(FILE *out)
{
	static const struct cli_command *const commands[] = {&cli_cmd_show, &cli_cmd_repair,
							     &cli_cmd_policies, &cli_cmd_lddtree};

	for (const struct cli_opt *o = cli_global_options; o->name; o++)
		list_row(out, "global", o);
	list_row(out, "global", &help_row);
	for (const struct cli_opt *o = cli_audit_options; o->name; o++)
		list_row(out, "show and repair", o);
	for (const struct cli_opt *o = cli_search_options; o->name; o++)
		list_row(out, "show, repair and lddtree", o);
	/* each command's own table: the last one of its list */
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		const struct cli_opt *const *t = commands[i]->tables;
		const struct cli_opt *own = NULL;

		for (; t && *t; t++)
			own = *t;
		for (const struct cli_opt *o = own;
		     o && o != cli_audit_options && o != cli_search_options && o->name; o++)
			list_row(out, commands[i]->name, o);
	}
}

/* ===== the environment ===== */

/* Every variable wheelaudit reads, with the commands that read it; the man
 * page's ENVIRONMENT section is made from this table (--list-environment). */
const struct cli_env_var cli_environment[] = {
	{"WHEELAUDIT_POLICY_DIR", "show repair policies",
	 "Directory of policy tables, used when **--policy-dir** is not given. Empty means the "
	 "built-in tables."},
	{"WHEELAUDIT_PLAT", "repair",
	 "Target policy when **--plat** is not given; empty is the same as unset."},
	{"AUDITWHEEL_PLAT", "repair",
	 "Target policy when neither **--plat** nor **WHEELAUDIT_PLAT** is given, so that a "
	 "setting made for auditwheel carries over."},
	{"LD_LIBRARY_PATH", "show repair lddtree",
	 "Searched as the loader searches it, after DT_RPATH (entries using **$ORIGIN** are "
	 "skipped: they would refer to the program, not the library). Not for Android wheels."},
	{"WHEELAUDIT_LD_LIBRARY_PATH", "show repair lddtree",
	 "More directories to search for libraries outside the wheel, right after "
	 "**LD_LIBRARY_PATH** and before DT_RUNPATH, **--ldpaths** and the system's "
	 "directories, without changing what wheelaudit itself loads. For Android wheels, "
	 "with **--ldpaths**, the only places searched. With **show**, setting it makes the "
	 "report include the tags after grafting (as **--ldpaths** does)."},
	{"AUDITWHEEL_LD_LIBRARY_PATH", "show repair lddtree",
	 "auditwheel's name for **WHEELAUDIT_LD_LIBRARY_PATH**; when both are set, both lists "
	 "are searched, ours first."},
	{"WHEELAUDIT_ZIP_COMPRESSION_LEVEL", "repair",
	 "Default of **--zip-compression-level** (0 to 9)."},
	{"AUDITWHEEL_ZIP_COMPRESSION_LEVEL", "repair",
	 "auditwheel's name for **WHEELAUDIT_ZIP_COMPRESSION_LEVEL**, used when ours is not "
	 "set."},
	{"WHEELAUDIT_PATCHER", "repair", "Default of **--patcher**."},
	{"AUDITWHEEL_PATCHER", "repair",
	 "auditwheel's name for **WHEELAUDIT_PATCHER**, used when ours is not set."},
	{"SOURCE_DATE_EPOCH", "repair",
	 "Seconds since 1970 (UTC): the time stamp of the members that repair rewrites or adds. "
	 "When unset, they get the time of the input's WHEEL entry. Anything but a non-negative "
	 "whole number is a usage error (exit 2)."},
	{"NO_COLOR", "show repair",
	 "If set to a non-empty value, colour is off by default (https://no-color.org/); "
	 "**--color always** still turns it on."},
	{"TERM", "show repair", "**dumb** turns colour off by default, as for **NO_COLOR**."},
	{NULL, NULL, NULL},
};

void cli_list_environment(FILE *out)
{
	for (const struct cli_env_var *v = cli_environment; v->name; v++)
		fprintf(out, "%s\t%s\t%s\n", v->name, v->commands, v->doc);
}

/* ===== show's and repair's options ===== */

/* Where libraries outside the wheel are searched: show, repair, lddtree. */
const struct cli_opt cli_search_options[] = {
	{"ldpaths", 0, "DIRS", CLI_OPT_LDPATHS,
	 "colon-separated directories searched for libraries\noutside the wheel instead of "
	 "ld.so.conf and the system\ndefaults (show: report the tags after grafting them)",
	 "Search the colon-separated directories *DIRS* for libraries outside the wheel, "
	 "instead of the directories of **/etc/ld.so.conf** (or the musl loader's path file) "
	 "and the system's defaults; each must be an existing directory. DT_RPATH, "
	 "LD_LIBRARY_PATH, **WHEELAUDIT_LD_LIBRARY_PATH** (or **AUDITWHEEL_LD_LIBRARY_PATH**) "
	 "and DT_RUNPATH are still searched first. With **show** (also when one of those "
	 "variables is set), the external libraries are looked for as **repair** would, and "
	 "the report adds the tags the wheel would get with them grafted, their own symbol "
	 "versions included.",
	 NULL},
	{"root", 0, "DIR", CLI_OPT_ROOT,
	 "read ld.so.conf, the loader's default directories and\nthe package database under "
	 "DIR (a sysroot)",
	 "Treat *DIR* as the root of the system the libraries come from: **/etc/ld.so.conf**, "
	 "**/etc/ld-musl-*ARCH*.path**, the default library directories and the package "
	 "databases the SBOM reads are taken under *DIR*. **--ldpaths** directories are used "
	 "as given.",
	 NULL},
	{"host-libc", 0, "LIBC", CLI_OPT_HOST_LIBC,
	 "search as glibc's or musl's loader does (default auto:\nthe loader of the system "
	 "under --root)",
	 "Search for libraries outside the wheel as **glibc**'s or **musl**'s loader would "
	 "(docs/lddtree.md). **auto**, the default, takes the loader of the system under "
	 "**--root**: the one **/bin/sh** names, else musl when **/lib/ld-musl-*** exists, "
	 "else glibc. Android wheels always follow Android's rules.",
	 NULL},
	{NULL, 0, NULL, 0, NULL, NULL, NULL},
};

const struct cli_opt cli_audit_options[] = {
	{"json", 0, NULL, CLI_OPT_JSON, "print one JSON document (docs/show-v1.schema.json)",
	 "Print one JSON document for all wheels instead of text; the format is described in "
	 "docs/show-v1.schema.json (**show**) and docs/repair-v1.schema.json (**repair**).",
	 NULL},
	{"plat", 0, "TAG", CLI_OPT_PLAT, "exit 0 only when TAG (e.g. manylinux2014_x86_64) is met",
	 "Exit 0 only if the wheel meets *TAG*, for example **manylinux2014_x86_64** or "
	 "**musllinux_1_2**. A tag without an architecture applies to the wheel's architecture. "
	 "**auto** means no target.",
	 NULL},
	{"allow-pure", 0, NULL, CLI_OPT_ALLOW_PURE,
	 "a wheel without ELF members exits 0 instead of 5",
	 "A wheel without ELF members exits 0 instead of 5.", "allow-pure-python-wheel"},
	{"disable-isa-check", 0, NULL, CLI_OPT_NO_ISA,
	 "do not rule out policies for x86-64-v2/v3/v4 modules",
	 "Ignore x86-64-v2/v3/v4 ISA requirements in GNU property notes when judging policies.",
	 "disable-isa-ext-check"},
	{"exclude", 0, "GLOB", CLI_OPT_EXCLUDE,
	 "a needed library the user provides (e.g. 'libcuda.so.*'):\nnot external, never "
	 "grafted; repeatable",
	 "Treat a needed library that would be external as provided by the user when its name "
	 "matches the shell pattern *GLOB* (for example **'libcuda.so.*'**): it no longer rules "
	 "out policies, is never grafted, and is reported as an **excluded-library** finding. "
	 "Repeatable.",
	 NULL},
	{"policy-dir", 0, "DIR", CLI_OPT_POLICY_DIR,
	 "load policy tables from DIR (also WHEELAUDIT_POLICY_DIR)",
	 "As the global option of the same name.", NULL},
	{"max-member-size", 0, "BYTES", CLI_OPT_MAX_MEMBER,
	 "decompressed bytes allowed per member (default 2G)",
	 "Allow at most this many decompressed bytes per member (default 2G). Sizes take a K, M, "
	 "G or T suffix (powers of 1024).",
	 NULL},
	{"max-wheel-size", 0, "BYTES", CLI_OPT_MAX_WHEEL,
	 "decompressed bytes allowed per wheel (default 16G)",
	 "Allow at most this many decompressed bytes per wheel (default 16G).", NULL},
	{"max-ratio", 0, "N", CLI_OPT_MAX_RATIO,
	 "decompressed/compressed ratio allowed per member\nbeyond 1 MiB (default 1100; 0 = none; "
	 "zip bombs)",
	 "Stop reading a member once its decompressed size exceeds *N* times its compressed "
	 "size, past the first MiB (a zip bomb); default 1100, 0 turns the check off.",
	 NULL},
	{"max-members", 0, "N", CLI_OPT_MAX_MEMBERS,
	 "members allowed in the archive (default 200000)",
	 "Allow at most *N* members in the archive (default 200000).", NULL},
	{"max-elf-entries", 0, "N", CLI_OPT_MAX_ELF_ENTRIES,
	 "program headers, dynamic and version-needs entries\nper ELF file (default 1M)",
	 "Allow at most *N* program headers, dynamic entries and version-needs entries per ELF "
	 "file (default 1M).",
	 NULL},
	{"max-elf-symbols", 0, "N", CLI_OPT_MAX_ELF_SYMBOLS,
	 "dynamic symbols per ELF file (default 16M)",
	 "Allow at most *N* dynamic symbols per ELF file (default 16M).", NULL},
	{"max-elf-string", 0, "BYTES", CLI_OPT_MAX_ELF_STRING,
	 "length of one name in an ELF file (default 1M)",
	 "Allow names of at most this many bytes in an ELF file (default 1M). A limit that is "
	 "exceeded makes the wheel invalid (exit 3, error **LIMIT**). All these values take the "
	 "K, M, G and T suffixes; **--max-members** and the **--max-elf-*** limits must be at "
	 "least 1.",
	 NULL},
	{"threads", 0, "N", CLI_OPT_THREADS,
	 "threads reading and compressing members (default: online CPUs, at most 4)",
	 "Read members, and for **repair** patch and compress the members it writes, with *N* "
	 "threads, from 1 to 16 (default: the online CPUs, at most 4). The output is the same "
	 "bytes for every *N*, and repair's memory stays within twice its largest member plus 64 MB "
	 "whatever *N*.",
	 NULL},
	{"verbose", 'v', NULL, CLI_OPT_VERBOSE, "every symbol row and informational finding",
	 "Show every symbol row and informational finding in the text report (also given by "
	 "**-v** before the command).",
	 NULL},
	{"color", 0, "WHEN", CLI_OPT_COLOR,
	 "auto (default), always or never; NO_COLOR or TERM=dumb\ndisable auto",
	 "Colour the text report: **auto** (the default: only when standard output is a "
	 "terminal, and neither NO_COLOR is set nor TERM is dumb), **always** or **never**.",
	 NULL},
	{NULL, 0, NULL, 0, NULL, NULL, NULL},
};

int cli_ld_from_environment(struct wa_ld_options *ld, char **extra, bool *asked)
{
	const char *ours = cli_env("WHEELAUDIT_LD_LIBRARY_PATH");
	const char *theirs = cli_env("AUDITWHEEL_LD_LIBRARY_PATH");

	/* the loader's own variable: what this process would load */
	ld->ld_library_path = getenv("LD_LIBRARY_PATH");
	*extra = NULL;
	if (ours && theirs) {
		size_t n = strlen(ours) + strlen(theirs) + 2;

		*extra = malloc(n);
		if (!*extra)
			return cli_oom();
		snprintf(*extra, n, "%s:%s", ours, theirs);
		ld->extra_paths = *extra;
	} else {
		ld->extra_paths = ours ? ours : theirs;
	}
	if (asked && ld->extra_paths)
		*asked = true;
	return 0;
}

void cli_audit_args_init(struct cli_ctx *ctx, struct cli_audit_args *args)
{
	memset(args, 0, sizeof(*args));
	args->ctx = ctx;
	wa_audit_options_init(&args->audit);
	args->plat_source = "--plat";
	args->text.verbose = ctx->verbosity > 0;
}

void cli_audit_args_fini(struct cli_audit_args *args)
{
	free(args->exclude);
	cli_search_args_fini(&args->search);
}

/* --ldpaths: auditwheel refuses an empty item or one that does not exist,
 * rather than search nothing there; so do we. */
static int check_ldpaths(const char *value, const char *spelled)
{
	const char *p = value;

	for (;;) {
		size_t len = strcspn(p, ":");
		char dir[4096];
		struct stat st;

		if (len == 0)
			return cli_usage_error(NULL, "%s: an empty directory in '%s'", spelled,
					       value);
		if (len >= sizeof(dir))
			return cli_usage_error(NULL, "%s: a directory name is too long", spelled);
		memcpy(dir, p, len);
		dir[len] = '\0';
		if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
			return cli_usage_error(NULL, "%s: '%s' is not a directory", spelled, dir);
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

static int parse_positive(const char *value, const char *spelled, uint64_t *out)
{
	if (!cli_parse_size(value, out) || *out == 0)
		return cli_usage_error(NULL, "%s: '%s' is not a positive number", spelled, value);
	return 0;
}

int cli_search_apply(struct cli_search_args *args, const struct cli_opt *opt, const char *value,
		     const char *spelled)
{
	switch (opt->id) {
	case CLI_OPT_LDPATHS:
		if (check_ldpaths(value, spelled))
			return WA_EXIT_USAGE;
		args->ld.ldpaths = value;
		args->asked = true;
		return 0;
	case CLI_OPT_ROOT: {
		struct stat st;

		if (stat(value, &st) != 0 || !S_ISDIR(st.st_mode))
			return cli_usage_error(NULL, "%s: '%s' is not a directory", spelled, value);
		/* absolute: the package databases match absolute paths under it */
		free(args->root);
		args->root = realpath(value, NULL);
		if (!args->root)
			return cli_usage_error(NULL, "%s: '%s': %s", spelled, value,
					       wa_strerror(errno));
		args->ld.root = args->root;
		return 0;
	}
	case CLI_OPT_HOST_LIBC:
		if (strcmp(value, "auto") == 0)
			args->ld.host = WA_LD_RULES_AUTO;
		else if (strcmp(value, "glibc") == 0)
			args->ld.host = WA_LD_RULES_GLIBC;
		else if (strcmp(value, "musl") == 0)
			args->ld.host = WA_LD_RULES_MUSL;
		else
			return cli_usage_error(NULL, "%s: '%s' is not auto, glibc or musl", spelled,
					       value);
		return 0;
	default: return -1;
	}
}

int cli_search_finish(struct cli_search_args *args)
{
	return cli_ld_from_environment(&args->ld, &args->extra_paths, &args->asked);
}

void cli_search_args_fini(struct cli_search_args *args)
{
	free(args->extra_paths);
	free(args->root);
}

int cli_audit_apply(struct cli_audit_args *args, const struct cli_opt *opt, const char *value,
		    const char *spelled)
{
	struct wa_audit_options *a = &args->audit;

	switch (opt->id) {
	case CLI_OPT_JSON: args->json = true; return 0;
	case CLI_OPT_PLAT:
		a->plat = value;
		args->plat_source = spelled;
		return 0;
	case CLI_OPT_ALLOW_PURE: a->allow_pure = true; return 0;
	case CLI_OPT_NO_ISA: a->disable_isa_check = true; return 0;
	case CLI_OPT_POLICY_DIR: args->policy_dir = value; return 0;
	case CLI_OPT_VERBOSE:
		args->text.verbose = true;
		args->ctx->verbosity++;
		return 0;
	case CLI_OPT_EXCLUDE: {
		const char **p = realloc(args->exclude, (args->n_exclude + 1) * sizeof(*p));

		if (!p)
			return cli_oom();
		p[args->n_exclude++] = value;
		args->exclude = p;
		return 0;
	}

	case CLI_OPT_MAX_MEMBER:
		if (!cli_parse_size(value, &a->limits.max_member_bytes))
			return cli_usage_error(NULL, "%s: '%s' is not a size", spelled, value);
		return 0;
	case CLI_OPT_MAX_WHEEL:
		if (!cli_parse_size(value, &a->limits.max_total_bytes))
			return cli_usage_error(NULL, "%s: '%s' is not a size", spelled, value);
		return 0;
	case CLI_OPT_MAX_RATIO:
		if (!cli_parse_size(value, &a->limits.max_ratio))
			return cli_usage_error(NULL, "%s: '%s' is not a number (0: no limit)",
					       spelled, value);
		return 0;
	case CLI_OPT_MAX_MEMBERS: {
		uint64_t n;

		if (!cli_parse_size(value, &n) || n < 1 || n > SIZE_MAX)
			return cli_usage_error(NULL, "%s: '%s' is not a positive number", spelled,
					       value);
		a->limits.max_members = (size_t)n;
		return 0;
	}
	case CLI_OPT_MAX_ELF_ENTRIES:
		return parse_positive(value, spelled, &a->elf_limits.max_entries);
	case CLI_OPT_MAX_ELF_SYMBOLS:
		return parse_positive(value, spelled, &a->elf_limits.max_symbols);
	case CLI_OPT_MAX_ELF_STRING:
		return parse_positive(value, spelled, &a->elf_limits.max_string);
	case CLI_OPT_THREADS: {
		char *end;
		long n = strtol(value, &end, 10);

		if (*end || n < 1 || n > 16)
			return cli_usage_error(NULL, "%s: '%s' is not a number from 1 to 16",
					       spelled, value);
		a->threads = (unsigned)n;
		return 0;
	}
	case CLI_OPT_COLOR:
		if (strcmp(value, "always") != 0 && strcmp(value, "never") != 0 &&
		    strcmp(value, "auto") != 0)
			return cli_usage_error(NULL, "%s: '%s' is not auto, always or never",
					       spelled, value);
		args->color = value;
		return 0;
	default: return cli_search_apply(&args->search, opt, value, spelled);
	}
}

int cli_audit_finish(struct cli_ctx *ctx, struct cli_audit_args *args, const char *command)
{
	const struct wa_policy_set *set;
	int code = 0;

	if (args->policy_dir)
		ctx->policy_dir = args->policy_dir;
	args->audit.exclude = args->exclude;
	args->audit.n_exclude = args->n_exclude;
	code = cli_search_finish(&args->search);
	if (code)
		return code;
	set = cli_policies(ctx, &code);
	if (!set)
		return code;
	args->audit.policies = set;
	if (args->audit.plat && strcmp(args->audit.plat, "auto") != 0 &&
	    !wa_policy_find(set, args->audit.plat, NULL, 0))
		return cli_usage_error(command,
				       "%s: '%s' is not a known policy (see 'wheelaudit policies')",
				       args->plat_source, args->audit.plat);
	return 0;
}
