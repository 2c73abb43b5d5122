/* SPDX-License-Identifier: MIT */
/*
 * The text report.  Its first line is the verdict that scripts parse:
 * "WHEEL: TAGSET" or "WHEEL: linux_ARCH (reason)".  The rest is for people
 * and fits 80 columns except where a name is longer than a column.
 */
#include "wheelaudit/report.h"

#include <elf.h>
#include <string.h>

#include "wheelaudit/text.h"

enum { MAX_ROWS_DEFAULT = 40 };

struct out {
	FILE *f;
	bool color;
	struct wa_arena scratch; /* escaped copies, released when the report is done */
};

/*
 * s as it may reach a terminal: wheel-derived names, paths and symbols with
 * control bytes, C1 controls and invalid UTF-8 as \xNN, so no ANSI escape
 * passes through and a verdict stays one line (text.h).
 */
static const char *S(struct out *o, const char *s)
{
	size_t need;
	char *copy;

	if (!s || wa_text_is_plain(s))
		return s;
	need = wa_text_escape(NULL, 0, s);
	copy = wa_arena_alloc(&o->scratch, need + 1);
	if (!copy)
		return "(unprintable)";
	wa_text_escape(copy, need + 1, s);
	return copy;
}

static const char *paint(const struct out *o, const char *code)
{
	return o->color ? code : "";
}
#define RED(o) paint(o, "\033[31m")
#define GREEN(o) paint(o, "\033[32m")
#define YELLOW(o) paint(o, "\033[33m")
#define BOLD(o) paint(o, "\033[1m")
#define RESET(o) paint(o, "\033[0m")

static const char *elf_type_name(uint16_t t, bool has_interp)
{
	/* A PIE is ET_DYN like a library; its PT_INTERP tells them apart. */
	if (t == ET_DYN && has_interp)
		return "executable (PIE)";
	switch (t) {
	case ET_REL: return "relocatable";
	case ET_EXEC: return "executable";
	case ET_DYN: return "shared object";
	case ET_CORE: return "core";
	default: return "unknown type";
	}
}

static void print_verdict(struct out *o, const struct wa_audit *a)
{
	const char *c = wa_audit_exit(a) == WA_EXIT_OK ? GREEN(o) : RED(o);

	fprintf(o->f, "%s: %s%s%s", S(o, a->wheel), c, S(o, a->tagset), RESET(o));
	if (a->reason)
		fprintf(o->f, " (%s)", S(o, a->reason));
	fputc('\n', o->f);
}

static void print_best(struct out *o, struct wa_audit *a)
{
	for (int f = 0; f < WA_FAMILY_COUNT; f++) {
		if (!a->family_possible[f])
			continue;
		fprintf(o->f, "  %s: %s", wa_family_name((enum wa_family)f),
			a->best[f] ? S(o, wa_audit_policy_tag(a, a->best[f])) : "no policy met");
		if (a->best_after_graft[f] && a->best_after_graft[f] != a->best[f])
			fprintf(o->f,
				"; %s once external libraries are grafted (before auditing "
				"them)",
				S(o, wa_audit_policy_tag(a, a->best_after_graft[f])));
		fputc('\n', o->f);
	}
}

static bool is_external(const struct wa_audit *a, const char *lib)
{
	for (size_t i = 0; i < a->n_externals; i++)
		if (strcmp(a->externals[i]->name, lib) == 0)
			return true;
	return false;
}

static void print_member(struct out *o, struct wa_audit *a, const struct wa_audit_member *m)
{
	const struct wa_elf_info *e = m->elf;

	fprintf(o->f, "    %s\n", S(o, m->path));
	fprintf(o->f, "      %s%s%s, ELF%d %s %s\n", m->foreign ? RED(o) : "", m->arch.description,
		m->foreign ? RESET(o) : "", e->elf_class == ELFCLASS64 ? 64 : 32,
		e->data == ELFDATA2MSB ? "big-endian" : "little-endian",
		elf_type_name(e->type, e->interp != NULL));
	if (m->foreign) {
		fprintf(o->f, "      %sforeign: the wheel is %s; not judged against policies%s\n",
			RED(o), S(o, a->arch), RESET(o));
		return;
	}
	fprintf(o->f, "      libc: %s (%s)\n", wa_libc_name(m->libc),
		m->libc_evidence ? S(o, m->libc_evidence) : "-");
	if (e->interp)
		fprintf(o->f, "      interpreter: %s\n", S(o, e->interp));
	if (e->n_needed) {
		fprintf(o->f, "      needs:");
		for (size_t i = 0; i < e->n_needed; i++)
			fprintf(o->f, " %s%s", S(o, e->needed[i]),
				is_external(a, e->needed[i]) ? " [external]" : "");
		fputc('\n', o->f);
	}
	for (size_t i = 0; i < e->n_rpath; i++)
		fprintf(o->f, "      rpath: %s\n", S(o, e->rpath[i]));
	for (size_t i = 0; i < e->n_runpath; i++)
		fprintf(o->f, "      runpath: %s\n", S(o, e->runpath[i]));
	if (e->x86_isa_needed)
		fprintf(o->f, "      x86 ISA needed: %s\n",
			e->x86_isa_needed == WA_ISA_BASELINE ? "baseline"
			: e->x86_isa_needed == WA_ISA_V2     ? "x86-64-v2"
			: e->x86_isa_needed == WA_ISA_V3     ? "x86-64-v3"
							     : "x86-64-v4");
	for (int f = 0; f < WA_FAMILY_COUNT; f++)
		if (a->family_possible[f])
			fprintf(o->f, "      best %s: %s\n", wa_family_name((enum wa_family)f),
				m->best[f] ? S(o, wa_audit_policy_tag(a, m->best[f])) : "none");
}

static void print_symbols(struct out *o, struct wa_audit *a, bool verbose)
{
	const char *member = NULL;
	size_t shown = 0;

	if (!a->n_symbols)
		return;
	fprintf(o->f, "  symbols that limit the tag, worst first:\n");
	fprintf(o->f, "    %-16s %-30s %-16s %s\n", "VERSION", "SYMBOL", "LIBRARY",
		"LOWEST POLICY");
	for (size_t i = 0; i < a->n_symbols; i++) {
		const struct wa_symbol_row *r = a->symbols[i];

		if (!verbose && shown == MAX_ROWS_DEFAULT) {
			fprintf(o->f, "    ... %zu more (use --verbose or --json)\n",
				a->n_symbols - shown);
			break;
		}
		if (!member || strcmp(member, r->member) != 0) {
			member = r->member;
			fprintf(o->f, "   [%s]\n", S(o, member));
		}
		fprintf(o->f, "    %-16s %-30s %-16s %s%s%s%s\n", S(o, r->version),
			r->symbol ? S(o, r->symbol) : "-", S(o, r->library),
			r->lowest ? "" : RED(o),
			r->lowest ? S(o, wa_audit_policy_tag(a, r->lowest)) : "none", RESET(o),
			r->weak ? " (weak)" : "");
		shown++;
	}
}

static void print_findings(struct out *o, const struct wa_audit *a, bool verbose)
{
	bool header = false;

	for (int sev = WA_SEV_ERROR; sev >= WA_SEV_INFO; sev--) {
		if (sev == WA_SEV_INFO && !verbose)
			break;
		for (size_t i = 0; i < a->n_findings; i++) {
			const struct wa_finding *f = a->findings[i];
			const char *c = sev == WA_SEV_ERROR     ? RED(o)
					: sev == WA_SEV_WARNING ? YELLOW(o)
								: "";

			if ((int)f->severity != sev)
				continue;
			if (!header) {
				fprintf(o->f, "  findings:\n");
				header = true;
			}
			fprintf(o->f, "    %s%s%s [%s] %s\n", c, wa_severity_name(f->severity),
				RESET(o), wa_finding_kind_name(f->kind), S(o, f->message));
		}
	}
}

int wa_report_text(FILE *f, const struct wa_audit *ca, const struct wa_text_options *opt)
{
	struct out o = {f, opt && opt->color, {0}};
	bool verbose = opt && opt->verbose;
	/* Tag strings are built in the audit's arena while printing. */
	struct wa_audit *a = (struct wa_audit *)ca;
	size_t foreign = 0;

	print_verdict(&o, a);
	if (!a->n_members) {
		/* pure, but a warning (a .so that is not ELF) still matters */
		print_findings(&o, a, verbose);
		wa_arena_release(&o.scratch);
		return ferror(f) ? -1 : 0;
	}
	for (size_t i = 0; i < a->n_members; i++)
		foreign += a->members[i].foreign;
	fprintf(f, "  %sarchitecture%s %s (from the %s), libc %s, %zu ELF member%s\n", BOLD(&o),
		RESET(&o), S(&o, a->arch),
		strcmp(a->arch_source, "tag") == 0 ? "platform tag" : "ELF members",
		wa_libc_name(a->libc), a->n_members, a->n_members == 1 ? "" : "s");
	print_best(&o, a);
	fprintf(f, "  members:\n");
	for (size_t i = 0; i < a->n_members; i++)
		print_member(&o, a, &a->members[i]);
	print_symbols(&o, a, verbose);
	if (foreign) {
		fprintf(f, "  foreign-architecture members (the wheel is %s):\n", S(&o, a->arch));
		for (size_t i = 0; i < a->n_members; i++)
			if (a->members[i].foreign)
				fprintf(f, "    %s: %s\n", S(&o, a->members[i].path),
					a->members[i].arch.description);
	}
	if (a->n_externals) {
		fprintf(f, "  external libraries (not on the whitelist; repair grafts them):\n");
		for (size_t i = 0; i < a->n_externals; i++) {
			fprintf(f, "    %s, needed by", S(&o, a->externals[i]->name));
			for (size_t k = 0; k < a->externals[i]->n_needed_by; k++)
				fprintf(f, "%s %s", k ? "," : "",
					S(&o, a->externals[i]->needed_by[k]));
			fputc('\n', f);
		}
	}
	print_findings(&o, a, verbose);
	wa_arena_release(&o.scratch);
	return ferror(f) ? -1 : 0;
}

/* ===== a repair plan (--dry-run) ===== */

static void print_edit(struct out *o, const struct wa_elf_edit *e)
{
	if (e->soname)
		fprintf(o->f, "        DT_SONAME %s\n", S(o, e->soname));
	for (size_t i = 0; i < e->n_renames; i++)
		fprintf(o->f, "        DT_NEEDED %s -> %s\n", S(o, e->renames[i].from),
			S(o, e->renames[i].to));
	for (size_t i = 0; i < e->n_remove_needed; i++)
		fprintf(o->f, "        DT_NEEDED %s removed\n", S(o, e->remove_needed[i]));
	if (e->rpath)
		fprintf(o->f, "        %s %s\n", e->as_runpath ? "DT_RUNPATH" : "DT_RPATH",
			S(o, e->rpath));
}

int wa_report_plan_text(FILE *f, const struct wa_repair *rep, const struct wa_text_options *opt)
{
	const struct wa_repair_plan *p = rep->plan;
	const struct wa_graft_plan *g = p->graft;
	struct out o = {f, opt && opt->color, {0}};
	size_t copied = 0;

	fprintf(f, "%s: %s %s\n", S(&o, rep->audit->wheel),
		rep->outcome == WA_OUTCOME_PLANNED ? "would write" : "wrote", S(&o, p->output));
	fprintf(f, "  tags: %s\n", S(&o, p->tagset));
	for (size_t i = 0; g && i < g->n_libs; i++) {
		const struct wa_graft_lib *l = g->libs[i];

		fprintf(f, "  graft %s (found by %s: %s) as %s, needed by", S(&o, l->needed),
			l->found_by, S(&o, l->file.display), S(&o, l->member));
		for (size_t k = 0; k < l->n_needed_by; k++)
			fprintf(f, "%s %s", k ? "," : "", S(&o, l->needed_by[k]));
		fputc('\n', f);
		print_edit(&o, &l->edit);
	}
	for (size_t i = 0; i < p->n_members; i++) {
		const struct wa_plan_member *m = &p->members[i];

		switch (m->action) {
		case WA_PLAN_COPY: copied++; break;
		case WA_PLAN_DROP: fprintf(f, "  drop %s\n", S(&o, m->name)); break;
		case WA_PLAN_WHEEL:
		case WA_PLAN_RECORD: fprintf(f, "  rewrite %s\n", S(&o, m->name)); break;
		case WA_PLAN_PATCH:
			fprintf(f, "  patch %s%s\n", S(&o, m->name), m->strip ? " (stripped)" : "");
			print_edit(&o, &m->edit);
			break;
		case WA_PLAN_LAUNCHER:
			fprintf(f, "  replace %s with a launcher\n", S(&o, m->name));
			break;
		}
	}
	for (size_t i = 0; i < p->n_additions; i++) {
		const struct wa_plan_addition *a = &p->additions[i];

		if (a->text) {
			fprintf(f, "  add %s (%zu bytes)\n", S(&o, a->name), a->text_len);
		} else if (!a->file) {
			fprintf(f, "  move %s to %s\n", S(&o, a->source), S(&o, a->name));
			print_edit(&o, &a->edit);
		}
	}
	fprintf(f, "  %zu member%s copied as stored\n", copied, copied == 1 ? "" : "s");
	wa_arena_release(&o.scratch);
	return ferror(f) ? -1 : 0;
}

int wa_report_graft_preview_text(FILE *f, const struct wa_repair *rep,
				 const struct wa_text_options *opt)
{
	const struct wa_repair_plan *p = rep->plan;
	const struct wa_graft_plan *g = p->graft;
	struct out o = {f, opt && opt->color, {0}};

	if (rep->outcome == WA_OUTCOME_PLANNED)
		fprintf(f, "  after grafting: %s\n", S(&o, p->tagset));
	else
		fprintf(f, "  after grafting: cannot be repaired: %s\n",
			S(&o, p->reason ? p->reason : wa_outcome_name(rep->cause)));
	for (size_t i = 0; g && i < g->n_libs; i++)
		fprintf(f, "    %s => %s (%s)\n", S(&o, g->libs[i]->needed),
			S(&o, g->libs[i]->file.display), g->libs[i]->found_by);
	for (size_t i = 0; g && i < g->n_missing; i++)
		fprintf(f, "    %s => %s\n", S(&o, g->missing[i].name),
			g->missing[i].reason ? S(&o, g->missing[i].reason) : "not found");
	wa_arena_release(&o.scratch);
	return ferror(f) ? -1 : 0;
}

/* ===== lddtree ===== */

static void print_nodes(struct out *o, const struct wa_lddtree_node *nodes, size_t n, int indent)
{
	for (size_t i = 0; i < n; i++) {
		const struct wa_lddtree_node *node = &nodes[i];

		if (node->path)
			fprintf(o->f, "%*s%s => %s (%s)\n", indent, "", S(o, node->name),
				S(o, node->path), node->found_by);
		else
			fprintf(o->f, "%*s%s => not found\n", indent, "", S(o, node->name));
		print_nodes(o, node->needed, node->n_needed, indent + 2);
	}
}

int wa_report_lddtree_text(FILE *out, const struct wa_lddtree *t)
{
	struct out o = {out, false, {0}};

	fprintf(out, "%s\n", S(&o, t->input));
	for (size_t i = 0; i < t->n_roots; i++) {
		const struct wa_lddtree_root *r = &t->roots[i];

		if (t->is_wheel) {
			fprintf(out, "  %s\n", S(&o, r->member));
			print_nodes(&o, r->needed, r->n_needed, 4);
		} else {
			print_nodes(&o, r->needed, r->n_needed, 2);
		}
	}
	wa_arena_release(&o.scratch);
	return ferror(out) ? -1 : 0;
}

int wa_report_error_line(FILE *f, const char *path, const struct wa_error *err)
{
	struct out o = {f, false, {0}};
	const char *base = strrchr(path, '/');

	fprintf(f, "%s: %s (%s%s%s)\n", S(&o, base ? base + 1 : path),
		wa_outcome_name(wa_outcome_of_error(err->code)),
		err->member[0] ? S(&o, err->member) : "", err->member[0] ? ": " : "",
		S(&o, err->message[0] ? err->message : wa_error_default_text(err->code)));
	wa_arena_release(&o.scratch);
	return ferror(f) ? -1 : 0;
}

/* The same escaping for other text the command line prints (text.h). */
int wa_report_escaped(FILE *f, const char *s)
{
	struct out o = {f, false, {0}};

	fputs(S(&o, s), f);
	wa_arena_release(&o.scratch);
	return ferror(f) ? -1 : 0;
}
