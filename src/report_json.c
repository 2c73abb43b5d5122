/* SPDX-License-Identifier: MIT */
/*
 * The JSON report (schema: docs/show-v1.schema.json).  Keys are stable;
 * absent values are null rather than missing, so consumers need not guess.
 * cJSON stays inside this file.
 */
#include "wheelaudit/report.h"

#include "wheelaudit/text.h"

#include <cjson/cJSON.h>
#include <elf.h>
#include <stdlib.h>
#include <string.h>

struct wa_json_report {
	cJSON *root;   /* owned */
	cJSON *wheels; /* borrowed from root */
	bool oom;
};

/*
 * A JSON string of s.  Names and paths come from wheels and need not be
 * UTF-8 (zip names without the UTF-8 flag are raw bytes): a byte that is
 * not part of valid UTF-8 becomes U+FFFD, so the document stays valid JSON.
 */
static cJSON *jstr(const char *s)
{
	char *clean;
	cJSON *j;

	if (wa_utf8_valid(s, strlen(s)))
		return cJSON_CreateString(s);
	clean = wa_utf8_sanitize(s);
	j = clean ? cJSON_CreateString(clean) : NULL;
	free(clean);
	return j;
}

static cJSON *str_or_null(const char *s)
{
	return s ? jstr(s) : cJSON_CreateNull();
}

/* Adds item to obj under key; records running out of memory. */
static void put(struct wa_json_report *r, cJSON *obj, const char *key, cJSON *item)
{
	if (!item || !cJSON_AddItemToObject(obj, key, item)) {
		cJSON_Delete(item);
		r->oom = true;
	}
}

static void push(struct wa_json_report *r, cJSON *arr, cJSON *item)
{
	if (!item || !cJSON_AddItemToArray(arr, item)) {
		cJSON_Delete(item);
		r->oom = true;
	}
}

static cJSON *string_array(struct wa_json_report *r, const char *const *items, size_t n)
{
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; arr && i < n; i++)
		push(r, arr, jstr(items[i]));
	return arr;
}

int wa_json_report_new(struct wa_json_report **out, const char *tool_version)
{
	struct wa_json_report *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (!r)
		return -1;
	r->root = cJSON_CreateObject();
	if (!r->root) {
		free(r);
		return -1;
	}
	put(r, r->root, "version", cJSON_CreateNumber(1));
	put(r, r->root, "tool", jstr(tool_version));
	r->wheels = cJSON_CreateArray();
	put(r, r->root, "wheels", r->wheels);
	if (r->oom) {
		wa_json_report_free(r);
		return -1;
	}
	*out = r;
	return 0;
}

void wa_json_report_free(struct wa_json_report *r)
{
	if (!r)
		return;
	cJSON_Delete(r->root);
	free(r);
}

static const char *isa_name(enum wa_elf_isa isa)
{
	static const char *const names[] = {NULL, "baseline", "x86-64-v2", "x86-64-v3",
					    "x86-64-v4"};
	return names[isa];
}

static cJSON *family_object(struct wa_json_report *r, struct wa_audit *a,
			    const struct wa_policy *const best[WA_FAMILY_COUNT])
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	for (int f = 0; f < WA_FAMILY_COUNT; f++)
		put(r, o, wa_family_name((enum wa_family)f),
		    str_or_null(best[f] ? wa_audit_policy_tag(a, best[f]) : NULL));
	return o;
}

static cJSON *elf_object(struct wa_json_report *r, const struct wa_audit_member *m)
{
	const struct wa_elf_info *e = m->elf;
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	put(r, o, "class", cJSON_CreateNumber(e->elf_class == ELFCLASS64 ? 64 : 32));
	put(r, o, "byte_order", jstr(e->data == ELFDATA2MSB ? "big" : "little"));
	put(r, o, "machine", cJSON_CreateNumber(e->machine));
	put(r, o, "flags", cJSON_CreateNumber(e->flags));
	put(r, o, "arch", jstr(m->arch.name));
	put(r, o, "abi", jstr(m->arch.abi));
	put(r, o, "description", jstr(m->arch.description));
	put(r, o, "type",
	    jstr(e->type == ET_DYN    ? "DYN"
		 : e->type == ET_EXEC ? "EXEC"
		 : e->type == ET_REL  ? "REL"
				      : "OTHER"));
	put(r, o, "interp", str_or_null(e->interp));
	put(r, o, "soname", str_or_null(e->soname));
	put(r, o, "needed", string_array(r, e->needed, e->n_needed));
	put(r, o, "rpath", string_array(r, e->rpath, e->n_rpath));
	put(r, o, "runpath", string_array(r, e->runpath, e->n_runpath));
	put(r, o, "x86_isa_needed", str_or_null(isa_name(e->x86_isa_needed)));
	put(r, o, "section_headers", cJSON_CreateBool(e->has_section_headers));
	return o;
}

static cJSON *member_object(struct wa_json_report *r, struct wa_audit *a,
			    const struct wa_audit_member *m)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *versions;

	if (!o)
		return NULL;
	put(r, o, "path", jstr(m->path));
	put(r, o, "elf", elf_object(r, m));
	put(r, o, "foreign", cJSON_CreateBool(m->foreign));
	put(r, o, "libc", jstr(wa_libc_name(m->libc)));
	put(r, o, "libc_evidence", str_or_null(m->libc_evidence));
	put(r, o, "best", family_object(r, a, m->best));
	versions = cJSON_CreateArray();
	for (size_t i = 0; versions && i < m->elf->n_needs; i++) {
		cJSON *v = cJSON_CreateObject();

		if (!v) {
			r->oom = true;
			break;
		}
		put(r, v, "library", jstr(m->elf->needs[i].library));
		put(r, v, "version", jstr(m->elf->needs[i].version));
		put(r, v, "weak", cJSON_CreateBool(m->elf->needs[i].weak));
		push(r, versions, v);
	}
	put(r, o, "version_needs", versions);
	return o;
}

static cJSON *finding_object(struct wa_json_report *r, struct wa_audit *a,
			     const struct wa_finding *f)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	put(r, o, "kind", jstr(wa_finding_kind_name(f->kind)));
	put(r, o, "severity", jstr(wa_severity_name(f->severity)));
	put(r, o, "member", str_or_null(f->member));
	put(r, o, "symbol", str_or_null(f->symbol));
	put(r, o, "version", str_or_null(f->version));
	put(r, o, "library", str_or_null(f->library));
	put(r, o, "lowest_policy",
	    str_or_null(f->lowest ? wa_audit_policy_tag(a, f->lowest) : NULL));
	put(r, o, "message", jstr(f->message ? f->message : ""));
	return o;
}

static cJSON *symbol_object(struct wa_json_report *r, struct wa_audit *a,
			    const struct wa_symbol_row *s)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	put(r, o, "member", jstr(s->member));
	put(r, o, "symbol", str_or_null(s->symbol));
	put(r, o, "version", jstr(s->version));
	put(r, o, "library", jstr(s->library));
	put(r, o, "lowest_policy",
	    str_or_null(s->lowest ? wa_audit_policy_tag(a, s->lowest) : NULL));
	put(r, o, "weak", cJSON_CreateBool(s->weak));
	return o;
}

/* The object describing one audit (the show-v1 "audit" definition). */
static cJSON *audit_object(struct wa_json_report *r, const struct wa_audit *ca)
{
	struct wa_audit *a = (struct wa_audit *)ca; /* tags are built in its arena */
	cJSON *w = cJSON_CreateObject(), *verdict, *arr;

	if (!w) {
		r->oom = true;
		return NULL;
	}
	put(r, w, "wheel", jstr(a->wheel));
	put(r, w, "path", jstr(a->path));
	put(r, w, "exit_code", cJSON_CreateNumber(wa_audit_exit(a)));
	put(r, w, "outcome", jstr(wa_outcome_name(a->outcome)));
	verdict = cJSON_CreateObject();
	if (verdict) {
		put(r, verdict, "tags", string_array(r, a->tags, a->n_tags));
		put(r, verdict, "tagset", jstr(a->tagset ? a->tagset : ""));
		put(r, verdict, "reason", str_or_null(a->reason));
	}
	put(r, w, "verdict", verdict);
	put(r, w, "error", cJSON_CreateNull());
	put(r, w, "arch", str_or_null(a->arch[0] ? a->arch : NULL));
	put(r, w, "arch_source", str_or_null(a->arch_source));
	put(r, w, "libc", jstr(a->n_members ? wa_libc_name(a->libc) : "none"));
	put(r, w, "best", family_object(r, a, a->best));
	put(r, w, "best_after_graft", family_object(r, a, a->best_after_graft));
	arr = cJSON_CreateArray();
	for (size_t i = 0; arr && i < a->n_members; i++)
		push(r, arr, member_object(r, a, &a->members[i]));
	put(r, w, "members", arr);
	arr = cJSON_CreateArray();
	for (size_t i = 0; arr && i < a->n_findings; i++)
		push(r, arr, finding_object(r, a, a->findings[i]));
	put(r, w, "findings", arr);
	arr = cJSON_CreateArray();
	for (size_t i = 0; arr && i < a->n_symbols; i++)
		push(r, arr, symbol_object(r, a, a->symbols[i]));
	put(r, w, "symbols", arr);
	arr = cJSON_CreateArray();
	for (size_t i = 0; arr && i < a->n_externals; i++) {
		cJSON *x = cJSON_CreateObject();

		if (!x) {
			r->oom = true;
			break;
		}
		put(r, x, "name", jstr(a->externals[i]->name));
		put(r, x, "needed_by",
		    string_array(r, a->externals[i]->needed_by, a->externals[i]->n_needed_by));
		push(r, arr, x);
	}
	put(r, w, "external_libraries", arr);
	put(r, w, "after_graft", cJSON_CreateNull());
	return w;
}

int wa_json_report_add_audit(struct wa_json_report *r, const struct wa_audit *a)
{
	cJSON *w = audit_object(r, a);

	if (w)
		push(r, r->wheels, w);
	return r->oom ? -1 : 0;
}

static cJSON *grafted_array(struct wa_json_report *r, const struct wa_repair *rep);
static cJSON *missing_array(struct wa_json_report *r, const struct wa_repair *rep);

int wa_json_report_add_audit_preview(struct wa_json_report *r, const struct wa_audit *a,
				     const struct wa_repair *rep)
{
	cJSON *w = audit_object(r, a), *g = rep ? cJSON_CreateObject() : cJSON_CreateNull();
	const struct wa_repair_plan *p = rep ? rep->plan : NULL;
	bool possible = rep && rep->outcome == WA_OUTCOME_PLANNED;

	if (!w || !g) {
		cJSON_Delete(w);
		cJSON_Delete(g);
		r->oom = true;
		return -1;
	}
	if (rep) {
		put(r, g, "possible", cJSON_CreateBool(possible));
		put(r, g, "tags",
		    possible ? string_array(r, p->tags, p->n_tags) : cJSON_CreateArray());
		put(r, g, "tagset", str_or_null(possible ? p->tagset : NULL));
		put(r, g, "reason", str_or_null(p->reason));
		put(r, g, "grafted", grafted_array(r, rep));
		put(r, g, "missing", missing_array(r, rep));
	}
	cJSON_ReplaceItemInObjectCaseSensitive(w, "after_graft", g);
	push(r, r->wheels, w);
	return r->oom ? -1 : 0;
}

static cJSON *error_object(struct wa_json_report *r, const struct wa_error *err)
{
	cJSON *e = cJSON_CreateObject();

	if (!e) {
		r->oom = true;
		return NULL;
	}
	put(r, e, "code", jstr(wa_error_name(err->code)));
	put(r, e, "member", str_or_null(err->member[0] ? err->member : NULL));
	put(r, e, "message", jstr(err->message));
	return e;
}

/* A new entry of the wheels array with the keys every kind of entry starts with. */
static cJSON *entry_head(struct wa_json_report *r, const char *path, int exit_code,
			 const char *outcome)
{
	const char *base = strrchr(path, '/');
	cJSON *w = cJSON_CreateObject();

	if (!w)
		return NULL;
	push(r, r->wheels, w);
	put(r, w, "wheel", jstr(base ? base + 1 : path));
	put(r, w, "path", jstr(path));
	put(r, w, "exit_code", cJSON_CreateNumber(exit_code));
	put(r, w, "outcome", jstr(outcome));
	return w;
}

/* True when the repair has an output, written or (--dry-run) planned. */
static bool has_output(const struct wa_repair *rep)
{
	return rep && rep->plan && rep->plan->output && rep->outcome != WA_OUTCOME_REJECTED;
}

/* The libraries a repair copies in (when it writes, or plans to write, the output). */
static cJSON *grafted_array(struct wa_json_report *r, const struct wa_repair *rep)
{
	const struct wa_graft_plan *g = has_output(rep) ? rep->plan->graft : NULL;
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; arr && g && i < g->n_libs; i++) {
		const struct wa_graft_lib *l = g->libs[i];
		cJSON *o = cJSON_CreateObject();

		push(r, arr, o);
		put(r, o, "name", jstr(l->needed));
		put(r, o, "source", jstr(l->file.display));
		put(r, o, "found_by", jstr(l->found_by));
		put(r, o, "member", jstr(l->member));
		put(r, o, "needed_by", string_array(r, l->needed_by, l->n_needed_by));
	}
	return arr;
}

/* "libfoo.so.1 (needed by pkg/_x.so)" for each library not found (or refused). */
static cJSON *missing_array(struct wa_json_report *r, const struct wa_repair *rep)
{
	const struct wa_graft_plan *g = rep && rep->plan ? rep->plan->graft : NULL;
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; arr && g && i < g->n_missing; i++) {
		const struct wa_graft_missing *m = &g->missing[i];
		size_t n = strlen(m->name) + strlen(m->needed_by) +
			   (m->reason ? strlen(m->reason) : 0) + 32;
		char *text = malloc(n);

		if (!text) {
			r->oom = true;
			break;
		}
		snprintf(text, n, "%s (needed by %s)%s%s", m->name, m->needed_by,
			 m->reason ? ": " : "", m->reason ? m->reason : "");
		push(r, arr, jstr(text));
		free(text);
	}
	return arr;
}

static cJSON *edit_object(struct wa_json_report *r, const struct wa_elf_edit *e)
{
	cJSON *o = cJSON_CreateObject(), *renames = cJSON_CreateArray();

	if (!o || !renames) {
		cJSON_Delete(o);
		cJSON_Delete(renames);
		r->oom = true;
		return NULL;
	}
	put(r, o, "soname", str_or_null(e->soname));
	for (size_t i = 0; i < e->n_renames; i++) {
		cJSON *x = cJSON_CreateObject();

		push(r, renames, x);
		if (x) {
			put(r, x, "from", jstr(e->renames[i].from));
			put(r, x, "to", jstr(e->renames[i].to));
		}
	}
	put(r, o, "renames", renames);
	put(r, o, "remove_needed", string_array(r, e->remove_needed, e->n_remove_needed));
	put(r, o, e->as_runpath ? "runpath" : "rpath", str_or_null(e->rpath));
	put(r, o, e->as_runpath ? "rpath" : "runpath", cJSON_CreateNull());
	return o;
}

/* What the plan does to the wheel: every member it does not copy as stored, and
 * every member it adds. */
static cJSON *plan_object(struct wa_json_report *r, const struct wa_repair *rep)
{
	const struct wa_repair_plan *p = rep->plan;
	cJSON *o = cJSON_CreateObject(), *changes = cJSON_CreateArray(),
	      *adds = cJSON_CreateArray();
	size_t copied = 0;

	put(r, o, "output", jstr(p->output));
	for (size_t i = 0; changes && i < p->n_members; i++) {
		const struct wa_plan_member *m = &p->members[i];
		cJSON *c;

		if (m->action == WA_PLAN_COPY) {
			copied++;
			continue;
		}
		c = cJSON_CreateObject();
		push(r, changes, c);
		if (!c)
			break;
		put(r, c, "member", jstr(m->name));
		put(r, c, "action", jstr(wa_plan_action_name(m->action)));
		put(r, c, "edit",
		    m->action == WA_PLAN_PATCH ? edit_object(r, &m->edit) : cJSON_CreateNull());
		put(r, c, "strip", cJSON_CreateBool(m->strip));
	}
	for (size_t i = 0; adds && i < p->n_additions; i++) {
		const struct wa_plan_addition *a = &p->additions[i];
		cJSON *c = cJSON_CreateObject();

		push(r, adds, c);
		if (!c)
			break;
		put(r, c, "member", jstr(a->name));
		put(r, c, "source", jstr(a->source));
		put(r, c, "edit", a->text ? cJSON_CreateNull() : edit_object(r, &a->edit));
		put(r, c, "strip", cJSON_CreateBool(a->strip));
	}
	put(r, o, "copied", cJSON_CreateNumber((double)copied));
	put(r, o, "changed", changes);
	put(r, o, "added", adds);
	return o;
}

int wa_json_report_add_repair(struct wa_json_report *r, const char *path, int exit_code,
			      const struct wa_repair *rep, const struct wa_error *err)
{
	const char *outcome = wa_outcome_name(rep ? rep->outcome : wa_outcome_of_error(err->code));
	const struct wa_repair_plan *p = rep ? rep->plan : NULL;
	bool out = has_output(rep);
	cJSON *w = entry_head(r, path, exit_code, outcome);

	if (!w)
		return -1;
	put(r, w, "output", str_or_null(rep ? rep->output : NULL));
	put(r, w, "tags", out ? string_array(r, p->tags, p->n_tags) : cJSON_CreateArray());
	put(r, w, "tagset", str_or_null(out ? p->tagset : NULL));
	put(r, w, "reason", str_or_null(p ? p->reason : NULL));
	put(r, w, "notes", p ? string_array(r, p->notes, p->n_notes) : cJSON_CreateArray());
	put(r, w, "grafted", grafted_array(r, rep));
	put(r, w, "missing", missing_array(r, rep));
	put(r, w, "plan", out ? plan_object(r, rep) : cJSON_CreateNull());
	put(r, w, "sbom", str_or_null(out && p->sbom ? p->sbom : NULL));
	put(r, w, "audit", rep && rep->audit ? audit_object(r, rep->audit) : cJSON_CreateNull());
	put(r, w, "error", err && err->code ? error_object(r, err) : cJSON_CreateNull());
	return r->oom ? -1 : 0;
}

int wa_json_report_add_error(struct wa_json_report *r, const char *path, int exit_code,
			     const struct wa_error *err)
{
	cJSON *w = entry_head(r, path, exit_code, wa_outcome_name(wa_outcome_of_error(err->code)));

	if (!w)
		return -1;
	put(r, w, "verdict", cJSON_CreateNull());
	put(r, w, "error", error_object(r, err));
	return r->oom ? -1 : 0;
}

size_t wa_json_report_count(const struct wa_json_report *r)
{
	return (size_t)cJSON_GetArraySize(r->wheels);
}

/* The one place a JSON document is printed: -1 when it could not be written. */
static int write_document(FILE *out, const cJSON *root)
{
	char *text = root ? cJSON_Print(root) : NULL;
	int rc = 0;

	if (!text)
		return -1;
	if (fputs(text, out) == EOF || fputc('\n', out) == EOF)
		rc = -1;
	cJSON_free(text);
	return rc;
}

int wa_json_report_write(struct wa_json_report *r, FILE *out)
{
	return r->oom ? -1 : write_document(out, r->root);
}

/* ===== lddtree (wheelaudit lddtree --json) ===== */

int wa_json_lddtree_new(struct wa_json_report **out)
{
	struct wa_json_report *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (!r || !(r->root = cJSON_CreateObject())) {
		free(r);
		return -1;
	}
	put(r, r->root, "version", cJSON_CreateNumber(1));
	put(r, r->root, "kind", jstr("lddtree"));
	r->wheels = cJSON_CreateArray();
	put(r, r->root, "inputs", r->wheels);
	if (r->oom) {
		wa_json_report_free(r);
		return -1;
	}
	*out = r;
	return 0;
}

static cJSON *lddtree_nodes(struct wa_json_report *r, const struct wa_lddtree_node *nodes, size_t n)
{
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; arr && i < n; i++) {
		cJSON *o = cJSON_CreateObject();

		push(r, arr, o);
		if (!o)
			break;
		put(r, o, "name", jstr(nodes[i].name));
		put(r, o, "path", str_or_null(nodes[i].path));
		put(r, o, "found_by", str_or_null(nodes[i].found_by));
		put(r, o, "needed", lddtree_nodes(r, nodes[i].needed, nodes[i].n_needed));
	}
	if (!arr)
		r->oom = true;
	return arr;
}

int wa_json_report_add_lddtree(struct wa_json_report *r, const struct wa_lddtree *t)
{
	cJSON *in = cJSON_CreateObject(), *members = cJSON_CreateArray();

	push(r, r->wheels, in);
	if (!in) {
		cJSON_Delete(members);
		return -1;
	}
	put(r, in, "path", jstr(t->input));
	put(r, in, "kind", jstr(t->is_wheel ? "wheel" : "elf"));
	put(r, in, "members", members);
	for (size_t i = 0; members && i < t->n_roots; i++) {
		cJSON *m = cJSON_CreateObject();

		push(r, members, m);
		if (!m)
			break;
		put(r, m, "member", jstr(t->roots[i].member));
		put(r, m, "needed", lddtree_nodes(r, t->roots[i].needed, t->roots[i].n_needed));
	}
	return r->oom ? -1 : 0;
}

int wa_json_report_add_lddtree_error(struct wa_json_report *r, const char *path,
				     const struct wa_error *err)
{
	cJSON *in = cJSON_CreateObject(), *e = cJSON_CreateObject();

	push(r, r->wheels, in);
	if (!in || !e) {
		cJSON_Delete(e);
		r->oom = true;
		return -1;
	}
	put(r, in, "path", jstr(path));
	put(r, in, "members", cJSON_CreateArray());
	put(r, e, "code", jstr(wa_error_name(err->code)));
	put(r, e, "message",
	    jstr(err->message[0] ? err->message : wa_error_default_text(err->code)));
	put(r, e, "member", str_or_null(err->member[0] ? err->member : NULL));
	put(r, in, "error", e);
	return r->oom ? -1 : 0;
}

/* ===== policies (wheelaudit policies --json) ===== */

static cJSON *policy_json(const struct wa_policy *p, const char *only_arch, bool full)
{
	cJSON *o = cJSON_CreateObject(), *arr, *max, *x;
	char ver[32];
	int major, minor;
	bool ok = o != NULL;

	wa_policy_libc_version(p, &major, &minor);
	if (wa_family_version_form(wa_policy_family(p)) == WA_VERSION_LEVEL)
		snprintf(ver, sizeof(ver), "%d", major);
	else
		snprintf(ver, sizeof(ver), "%d.%d", major, minor);
	ok = ok && cJSON_AddStringToObject(o, "name", wa_policy_name(p));
	ok = ok && (arr = cJSON_AddArrayToObject(o, "aliases"));
	for (size_t i = 0; ok && i < wa_policy_alias_count(p); i++)
		ok = cJSON_AddItemToArray(arr, jstr(wa_policy_alias(p, i)));
	ok = ok && cJSON_AddStringToObject(o, "family", wa_family_name(wa_policy_family(p)));
	ok = ok && cJSON_AddNumberToObject(o, "priority", wa_policy_priority(p));
	ok = ok &&
	     cJSON_AddStringToObject(o, "libc", wa_libc_name(wa_family_libc(wa_policy_family(p))));
	ok = ok && cJSON_AddStringToObject(o, "libc_version", ver);
	ok = ok && (arr = cJSON_AddArrayToObject(o, "arches"));
	for (size_t a = 0; ok && a < wa_policy_arch_count(p); a++)
		ok = cJSON_AddItemToArray(arr, jstr(wa_policy_arch(p, a)));
	ok = ok && (max = cJSON_AddObjectToObject(o, "max"));
	for (size_t a = 0; ok && a < wa_policy_arch_count(p); a++) {
		const char *arch = wa_policy_arch(p, a);
		if (only_arch && strcmp(arch, only_arch) != 0)
			continue;
		ok = (x = cJSON_AddObjectToObject(max, arch)) != NULL;
		for (size_t i = 0; ok && i < wa_policy_family_count(p, arch); i++) {
			const char *m;
			const char *f = wa_policy_family_at(p, arch, i, &m);
			ok = m ? cJSON_AddStringToObject(x, f, m) != NULL
			       : cJSON_AddNullToObject(x, f) != NULL;
		}
	}
	if (!full)
		return ok ? o : (cJSON_Delete(o), NULL);

	ok = ok && (x = cJSON_AddObjectToObject(o, "non_numeric"));
	for (size_t a = 0; ok && a < wa_policy_arch_count(p); a++) {
		const char *arch = wa_policy_arch(p, a);
		if (only_arch && strcmp(arch, only_arch) != 0)
			continue;
		ok = (arr = cJSON_AddArrayToObject(x, arch)) != NULL;
		for (size_t i = 0; ok && i < wa_policy_non_numeric_count(p, arch); i++)
			ok = cJSON_AddItemToArray(arr, jstr(wa_policy_non_numeric_at(p, arch, i)));
	}
	ok = ok && (arr = cJSON_AddArrayToObject(o, "whitelist"));
	for (size_t i = 0; ok && i < wa_policy_whitelist_count(p); i++)
		ok = cJSON_AddItemToArray(arr, jstr(wa_policy_whitelist_at(p, i)));
	ok = ok && (x = cJSON_AddObjectToObject(o, "blacklist"));
	for (size_t i = 0; ok && i < wa_policy_blacklist_count(p); i++) {
		size_t ns;
		const char *lib = wa_policy_blacklist_at(p, i, &ns);
		ok = (arr = cJSON_AddArrayToObject(x, lib)) != NULL;
		for (size_t j = 0; ok && j < ns; j++)
			ok = cJSON_AddItemToArray(arr, jstr(wa_policy_blacklist_symbol(p, i, j)));
	}
	ok = ok && (arr = cJSON_AddArrayToObject(o, "exceptions"));
	for (size_t i = 0; ok && i < wa_policy_exception_count(p); i++) {
		const char *arch, *key;
		bool unverified;
		const char *reason = wa_policy_exception_at(p, i, &arch, &key, &unverified);
		cJSON *e = cJSON_CreateObject();
		ok = e && cJSON_AddItemToArray(arr, e);
		ok = ok && cJSON_AddStringToObject(e, "arch", arch);
		ok = ok && cJSON_AddStringToObject(e, "key", key);
		ok = ok && cJSON_AddBoolToObject(e, "unverified", unverified);
		ok = ok && cJSON_AddStringToObject(e, "reason", reason);
	}
	if (ok && only_arch) {
		const char *why = wa_policy_unverified_reason(p, only_arch);
		ok = why ? cJSON_AddStringToObject(o, "unverified", why) != NULL : true;
	}
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* Prints and frees a document; -1 when it could not be built or written. */
static int print_document(FILE *out, cJSON *root)
{
	int rc = write_document(out, root);

	cJSON_Delete(root);
	return rc;
}

int wa_json_policies_write(FILE *out, const struct wa_policy_set *set, const char *arch)
{
	cJSON *root = cJSON_CreateObject(), *arr = NULL;

	if (!root || !cJSON_AddNumberToObject(root, "version", 1) ||
	    !(arr = cJSON_AddArrayToObject(root, "policies")))
		goto fail;
	for (size_t i = 0; i < wa_policy_count(set); i++) {
		const struct wa_policy *p = wa_policy_at(set, i);
		cJSON *o;

		if (arch && !wa_policy_has_arch(p, arch))
			continue;
		if (!(o = policy_json(p, arch, false)) || !cJSON_AddItemToArray(arr, o)) {
			cJSON_Delete(o);
			goto fail;
		}
	}
	return print_document(out, root);
fail:
	cJSON_Delete(root);
	return -1;
}

int wa_json_policy_write(FILE *out, const struct wa_policy *p, const char *arch)
{
	return print_document(out, policy_json(p, arch, true));
}
