/* SPDX-License-Identifier: MIT */
/*
 * The repair planner (plan.h): decides, writes nothing.
 *
 * Order: RECORD must vouch for every member; the audit's outcome decides
 * between a copy, a rejection and a repair; for a repair that needs
 * grafting, the libraries are planned (graft.c) and the wheel audited
 * again as it will be (their symbol versions count like the wheel's own);
 * then the output's tags and name, the fate of each member, the new WHEEL
 * and the time stamp of rewritten members.
 */
#define _GNU_SOURCE /* memmem */
#include "wheelaudit/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wheelaudit/buf.h"
#include "wheelaudit/launcher.h"
#include "wheelaudit/path.h"
#include "wheelaudit/pkgdb.h"
#include "wheelaudit/sbom.h"
#include "wheelaudit/strmap.h"
#include "wheelaudit/zipout.h"

#ifndef WA_VERSION
#define WA_VERSION "0"
#endif

void wa_repair_options_init(struct wa_repair_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	wa_audit_options_init(&opt->audit);
	opt->wheel_dir = "wheelhouse";
	opt->lib_sdir = ".libs";
	opt->zip_level = -1;
}

const char *wa_plan_action_name(enum wa_plan_action a)
{
	switch (a) {
	case WA_PLAN_COPY: return "copy";
	case WA_PLAN_DROP: return "drop";
	case WA_PLAN_WHEEL: return "wheel";
	case WA_PLAN_RECORD: return "record";
	case WA_PLAN_PATCH: return "patch";
	case WA_PLAN_LAUNCHER: return "launcher";
	}
	return "unknown";
}

struct plan_state {
	struct wa_repair_plan *p;
	struct wa_wheel *w;
	struct wa_audit *audit; /* the audit that decides (the second one when grafted) */
	const struct wa_repair_options *opt;
	struct wa_ptrvec tags, notes, additions;
	const char *eol; /* line terminator of the input's WHEEL */
	bool oom;
};

static const char *pstr(struct plan_state *s, const char *str)
{
	char *c = wa_arena_strdup(&s->p->arena, str);

	if (!c)
		s->oom = true;
	return c;
}

static void add_note(struct plan_state *s, const char *note)
{
	if (!note || wa_ptrvec_push(&s->p->arena, &s->notes, (void *)note))
		s->oom = true;
}

static void reject(struct plan_state *s, enum wa_outcome cause, const char *reason)
{
	s->p->outcome = WA_OUTCOME_REJECTED;
	s->p->cause = cause;
	s->p->reason = reason;
}

/* ===== RECORD must vouch for every member ===== */

/*
 * The scan already checked every digest and size RECORD gives, and that
 * everything it lists exists.  A repair also needs the converse: each
 * member listed with a digest we verified, since the new RECORD vouches
 * for them all.  (RECORD itself and its signatures are exempt, as in the
 * wheel format.)
 */
static int check_record_complete(struct wa_wheel *w, struct wa_error *err)
{
	for (size_t i = 0; i < wa_wheel_member_count(w); i++) {
		const struct wa_member *m = wa_wheel_member(w, i);
		const char *algo;

		if (m->is_dir || i == wa_wheel_record_member(w) ||
		    wa_wheel_is_signature(w, m->name))
			continue;
		if (!m->in_record)
			return wa_error_set(err, WA_ERECORD, m->name,
					    "not listed in RECORD; a repaired wheel would vouch "
					    "for a file its builder did not");
		algo = wa_wheel_record_digest(w, i);
		if (!m->record_hashed)
			return wa_error_set(err, WA_ERECORD, m->name,
					    algo ? "RECORD gives a %s digest, which wheelaudit "
						   "cannot verify (only sha256)"
						 : "RECORD gives no digest%s",
					    algo ? algo : "");
	}
	return 0;
}

/* ===== the output's tags ===== */

static void push_policy_tags(struct plan_state *s, const struct wa_policy *p)
{
	struct wa_audit *a = s->audit;
	const char *tag = wa_audit_policy_tag(a, p);

	if (!tag || wa_ptrvec_push(&s->p->arena, &s->tags, (void *)pstr(s, tag)))
		s->oom = true;
	for (size_t k = 0; k < wa_policy_alias_count(p); k++) {
		tag = wa_arena_printf(&s->p->arena, "%s_%s", wa_policy_alias(p, k), a->arch);
		if (!tag || wa_ptrvec_push(&s->p->arena, &s->tags, (void *)tag))
			s->oom = true;
	}
}

static int compare_strings(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/*
 * auto: the best policy of each family the wheel can claim.  A named
 * policy: that one, and (unless --only-plat) the better one of its family
 * and the other families' best, so no compatibility the wheel has is lost.
 */
static void decide_tags(struct plan_state *s)
{
	const struct wa_audit *a = s->audit;
	const char *plat = s->opt->audit.plat;
	const struct wa_policy *target = NULL;
	size_t n = 0;

	if (plat && strcmp(plat, "auto") != 0)
		target = wa_policy_find(s->opt->audit.policies, plat, NULL, 0);
	if (target)
		push_policy_tags(s, target);
	for (int f = 0; f < WA_FAMILY_COUNT; f++) {
		const struct wa_policy *best = a->best[f];

		if (!best || best == target)
			continue;
		if (target && s->opt->only_plat)
			continue;
		push_policy_tags(s, best);
	}
	if (s->oom)
		return;
	qsort(s->tags.items, s->tags.len, sizeof(void *), compare_strings);
	for (size_t i = 0; i < s->tags.len; i++)
		if (!n || strcmp(s->tags.items[n - 1], s->tags.items[i]) != 0)
			s->tags.items[n++] = s->tags.items[i];
	s->tags.len = n;
}

static const char *join_tags(struct plan_state *s)
{
	struct wa_buf t = {0};
	const char *out;

	for (size_t i = 0; i < s->tags.len; i++) {
		if (i)
			wa_buf_str(&t, ".");
		wa_buf_str(&t, s->tags.items[i]);
	}
	out = t.oom ? NULL : pstr(s, t.data ? t.data : "");
	if (t.oom)
		s->oom = true;
	free(t.data);
	return out;
}

static const char *output_path(struct plan_state *s, const char *name)
{
	const char *dir = s->opt->wheel_dir;
	size_t dl = strlen(dir);

	return wa_arena_printf(&s->p->arena, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/",
			       name);
}

static const char *output_name(struct plan_state *s)
{
	const struct wa_wheel_name *wn = wa_wheel_filename(s->w);

	return wa_arena_printf(&s->p->arena, "%s-%s%s%s-%s-%s-%s.whl", wn->distribution,
			       wn->version, wn->build ? "-" : "", wn->build ? wn->build : "",
			       wn->python, wn->abi, s->p->tagset);
}

/* ===== WHEEL ===== */

static bool line_key_is(const char *line, size_t len, const char *key)
{
	size_t k = strlen(key);

	if (len <= k || strncmp(line, key, k) != 0)
		return false;
	for (size_t i = k; i < len; i++) {
		if (line[i] == ':')
			return true;
		if (line[i] != ' ' && line[i] != '\t')
			return false;
	}
	return false;
}

static void add_tag_lines(struct plan_state *s, struct wa_buf *t)
{
	const struct wa_wheel_name *wn = wa_wheel_filename(s->w);
	char *py = strdup(wn->python), *abi = strdup(wn->abi);
	char *save1 = NULL;

	if (!py || !abi) {
		s->oom = true;
		goto out;
	}
	for (char *p = strtok_r(py, ".", &save1); p; p = strtok_r(NULL, ".", &save1)) {
		char *abi_copy = strdup(abi), *save2 = NULL;

		if (!abi_copy) {
			s->oom = true;
			break;
		}
		for (char *b = strtok_r(abi_copy, ".", &save2); b; b = strtok_r(NULL, ".", &save2))
			for (size_t i = 0; i < s->tags.len; i++) {
				wa_buf_str(t, "Tag: ");
				wa_buf_str(t, p);
				wa_buf_str(t, "-");
				wa_buf_str(t, b);
				wa_buf_str(t, "-");
				wa_buf_str(t, s->tags.items[i]);
				wa_buf_str(t, s->eol);
			}
		free(abi_copy);
	}
out:
	free(py);
	free(abi);
}

static void add_generator_line(struct plan_state *s, struct wa_buf *t)
{
	wa_buf_str(t, "Generator: wheelaudit " WA_VERSION);
	wa_buf_str(t, s->eol);
}

struct line {
	const char *text;
	size_t full; /* with its terminator */
	size_t body; /* without */
};

static bool is_our_generator(const struct line *l)
{
	return line_key_is(l->text, l->body, "Generator") &&
	       memmem(l->text, l->body, "wheelaudit", 10) != NULL;
}

/*
 * Rewrites WHEEL line by line: the Tag lines are replaced where the first
 * one stood, other lines keep their order, and "Generator: wheelaudit V"
 * follows the last Generator line (one from an earlier repair is
 * replaced).  Headers end at the first blank line; anything after it is
 * kept untouched.
 */
static int build_wheel_file(struct plan_state *s, struct wa_error *err)
{
	size_t len, n = 0, header_end, first_tag = SIZE_MAX, last_gen = SIZE_MAX;
	const char *src = wa_wheel_wheel_text(s->w, &len);
	const char *end = src + len;
	const char *first_nl = memchr(src, '\n', len);
	struct line *lines = calloc(len + 1, sizeof(*lines));
	struct wa_buf t = {0};

	if (!lines)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	s->eol = first_nl && first_nl > src && first_nl[-1] == '\r' ? "\r\n" : "\n";
	for (const char *p = src; p < end; n++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct line *l = &lines[n];

		l->text = p;
		l->full = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		l->body = l->full;
		while (l->body && (p[l->body - 1] == '\n' || p[l->body - 1] == '\r'))
			l->body--;
		p += l->full;
	}
	for (header_end = 0; header_end < n && lines[header_end].body; header_end++) {
		const struct line *l = &lines[header_end];

		if (first_tag == SIZE_MAX && line_key_is(l->text, l->body, "Tag"))
			first_tag = header_end;
		if (line_key_is(l->text, l->body, "Generator") && !is_our_generator(l))
			last_gen = header_end;
	}
	for (size_t i = 0; i <= n; i++) {
		const struct line *l = &lines[i];

		if (i == header_end) {
			if (first_tag == SIZE_MAX)
				add_tag_lines(s, &t);
			if (last_gen == SIZE_MAX)
				add_generator_line(s, &t);
		}
		if (i == n)
			break;
		if (i < header_end &&
		    (line_key_is(l->text, l->body, "Tag") || is_our_generator(l))) {
			if (i == first_tag)
				add_tag_lines(s, &t);
			continue;
		}
		wa_buf_add(&t, l->text, l->full);
		if (l->full == l->body && i < header_end)
			wa_buf_str(&t, s->eol); /* a last header line without its newline */
		if (i == last_gen)
			add_generator_line(s, &t);
	}
	free(lines);
	if (!t.oom && !s->oom) {
		s->p->wheel_len = t.len;
		s->p->wheel_text = wa_arena_strndup(&s->p->arena, t.data ? t.data : "", t.len);
	}
	wa_buf_release(&t);
	if (!s->p->wheel_text)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	s->p->members[wa_wheel_wheel_member(s->w)].action = WA_PLAN_WHEEL;
	return 0;
}

/* ===== grafting ===== */

static const char *missing_reason(struct plan_state *s)
{
	const struct wa_graft_plan *g = s->p->graft;
	struct wa_buf t = {0};
	const char *out;

	wa_buf_str(&t, g->n_missing == 1 ? "a needed library was not found: "
					 : "needed libraries were not found: ");
	for (size_t i = 0; i < g->n_missing && i < 20; i++) {
		if (i)
			wa_buf_str(&t, g->missing[i - 1].reason ? "; " : ", ");
		wa_buf_str(&t, g->missing[i].name);
		wa_buf_str(&t, " (needed by ");
		wa_buf_str(&t, g->missing[i].needed_by);
		wa_buf_str(&t, ")");
		if (g->missing[i].reason) {
			wa_buf_str(&t, ": ");
			wa_buf_str(&t, g->missing[i].reason);
		}
	}
	if (g->n_missing > 20) {
		char more[64];

		/* the JSON "missing" list has them all */
		snprintf(more, sizeof(more), " and %zu more", g->n_missing - 20);
		wa_buf_str(&t, more);
	}
	wa_buf_str(&t, g->runpath ? " (an Android wheel's libraries are searched only in "
				    "--ldpaths and WHEELAUDIT_LD_LIBRARY_PATH or "
				    "AUDITWHEEL_LD_LIBRARY_PATH; --exclude leaves a library out)"
				  : " (searched as the loader would: WHEELAUDIT_LD_LIBRARY_PATH "
				    "adds directories, --ldpaths replaces the system's, --exclude "
				    "leaves a library out)");
	out = t.oom ? NULL : pstr(s, t.data);
	free(t.data);
	return out ? out : "a needed library was not found";
}

/* Why the wheel with its grafts meets no (target) policy, naming the
 * grafted libraries whose own symbol versions hold it back. */
static const char *graft_rejection_reason(struct plan_state *s, const struct wa_audit *second)
{
	const char *libs_dir = s->p->graft->libs_dir;
	size_t prefix = strlen(libs_dir), named = 0;
	struct wa_buf t = {0};
	const char *out;

	wa_buf_str(&t, "with the grafted libraries: ");
	wa_buf_str(&t, second->reason ? second->reason : "no policy is met");
	for (size_t i = 0; i < second->n_symbols && named < 3; i++) {
		const struct wa_symbol_row *row = second->symbols[i];
		bool seen = false;

		if (strncmp(row->member, libs_dir, prefix) != 0 || row->member[prefix] != '/')
			continue;
		for (size_t k = 0; k < i; k++)
			seen |= strcmp(second->symbols[k]->member, row->member) == 0;
		if (seen)
			continue;
		wa_buf_str(&t, named++ ? ", " : "; held back by grafted ");
		wa_buf_str(&t, row->member);
		wa_buf_str(&t, " (");
		wa_buf_str(&t, row->version);
		if (row->symbol) {
			wa_buf_str(&t, " ");
			wa_buf_str(&t, row->symbol);
		}
		wa_buf_str(&t, ")");
	}
	out = t.oom ? NULL : pstr(s, t.data);
	free(t.data);
	return out ? out : "out of memory";
}

/* The lowest API level of the wheel's android tags when below level, else 0. */
static int android_api_below(struct plan_state *s, int level)
{
	const struct wa_wheel_name *wn = wa_wheel_filename(s->w);
	int lowest = 0;

	for (size_t i = 0; i < wn->n_platforms; i++) {
		struct wa_platform pl;

		wa_platform_parse(&pl, wn->platforms[i]);
		if (pl.kind == WA_PLATFORM_POLICY && pl.family == WA_FAMILY_ANDROID &&
		    pl.major < level && (!lowest || pl.major < lowest))
			lowest = pl.major;
	}
	return lowest;
}

/*
 * Why the grafted libraries cannot go to dir (<dist> + --lib-sdir), or
 * NULL.  The suffix is the user's, but the directory must still be a
 * member name of the wheel's root that no installer treats specially.
 */
static const char *libs_dir_problem(struct plan_state *s, const char *dir)
{
	const char *problem = wa_member_name_problem(dir);
	const char *dist_info = wa_wheel_dist_info(s->w);
	size_t dl = dist_info ? strlen(dist_info) : 0;

	if (problem)
		return problem;
	if (dir[0] == '/' || dir[strlen(dir) - 1] == '/' || strstr(dir, "//"))
		return "not a relative path of one or more names";
	for (const char *p = dir; p; p = strchr(p, '/') ? strchr(p, '/') + 1 : NULL)
		if ((p[0] == '.' && (p[1] == '/' || !p[1])) ||
		    (p[0] == '.' && p[1] == '.' && (p[2] == '/' || !p[2])))
			return "a '.' or '..' component";
	if (dist_info && strncmp(dir, dist_info, dl - strlen(".dist-info")) == 0 &&
	    (strncmp(dir + dl - strlen(".dist-info"), ".dist-info", 10) == 0 ||
	     strncmp(dir + dl - strlen(".dist-info"), ".data", 5) == 0))
		return "inside the .dist-info or .data directory";
	return NULL;
}

/*
 * Plans the grafts and audits the wheel as it will be.  Afterwards
 * s->audit (and *audit) is that second audit, so tags, reports and
 * rejections account for the grafted libraries.
 */
static int plan_grafts(struct plan_state *s, struct wa_audit **audit, struct wa_error *err)
{
	const struct wa_wheel_name *wn = wa_wheel_filename(s->w);
	struct wa_ld_config *cfg = NULL;
	struct wa_audit_graft *grafts = NULL;
	struct wa_audit *second = NULL;
	const char *libs_dir = wa_arena_printf(&s->p->arena, "%s%s", wn->distribution,
					       s->opt->lib_sdir ? s->opt->lib_sdir : ".libs");
	const char *problem = libs_dir ? libs_dir_problem(s, libs_dir) : NULL;
	struct wa_graft_plan *g;
	int rc;

	if (!libs_dir)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	if (android_api_below(s, 24)) {
		/* the loader of those releases ignores DT_RUNPATH, and Android has
		 * no other way to point a module at its grafted libraries */
		reject(s, WA_OUTCOME_NEEDS_GRAFT,
		       wa_arena_printf(&s->p->arena,
				       "the wheel is tagged for Android API level %d, whose loader "
				       "has no DT_RUNPATH support (from API level 24): grafted "
				       "libraries could not be found",
				       android_api_below(s, 24)));
		return 0;
	}
	if (s->opt->no_patcher) {
		reject(s, WA_OUTCOME_NEEDS_GRAFT,
		       "grafting needs the ELF patcher, and the patcher is none (--patcher, "
		       "WHEELAUDIT_PATCHER or AUDITWHEEL_PATCHER)");
		return 0;
	}
	if (problem) {
		reject(s, WA_OUTCOME_NEEDS_GRAFT,
		       wa_arena_printf(&s->p->arena,
				       "the libraries' directory '%s' cannot hold them: %s",
				       libs_dir, problem));
		return 0;
	}
	rc = wa_ld_config_load(&cfg, &s->opt->ld, err);
	if (!rc)
		rc = wa_graft_plan_build(&s->p->graft, s->audit, &s->opt->audit, cfg, libs_dir,
					 err);
	wa_ld_config_free(cfg);
	if (rc)
		return rc;
	g = s->p->graft;
	if (g->n_missing) {
		reject(s, WA_OUTCOME_NEEDS_GRAFT, missing_reason(s));
		return 0;
	}
	grafts = calloc(g->n_libs + 1, sizeof(*grafts));
	if (!grafts)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < g->n_libs; i++) {
		struct wa_graft_lib *l = g->libs[i];

		grafts[i].path = l->member;
		grafts[i].provides = l->needed;
		grafts[i].elf = l->elf;
		l->elf = NULL; /* the audit takes it */
	}
	{
		/* the second audit sees the wheel as written: libpython unlinked */
		struct wa_audit_options after = s->opt->audit;

		after.libpython_dropped = true;
		rc = wa_audit_regraft(&second, s->w, s->audit, grafts, g->n_libs, &after, err);
	}
	free(grafts);
	if (rc)
		return rc;
	s->p->first_audit = s->audit;
	s->audit = second;
	*audit = second;
	if (second->outcome != WA_OUTCOME_COMPLIANT)
		reject(s, second->outcome, graft_rejection_reason(s, second));
	return 0;
}

static struct wa_plan_addition *new_addition(struct plan_state *s, const char *name, unsigned mode)
{
	struct wa_plan_addition *add = wa_arena_alloc(&s->p->arena, sizeof(*add));

	if (!add || !name || wa_ptrvec_push(&s->p->arena, &s->additions, add)) {
		s->oom = true;
		return NULL;
	}
	add->name = name;
	add->mode = mode;
	return add;
}

/*
 * The member m needs grafted libraries: its edit, and when it is a program
 * under .data/scripts/ (installed into bin/, out of $ORIGIN's reach of the
 * packages), its move to <dist>.scripts/ behind a launcher.
 */
static int graft_member(struct plan_state *s, const struct wa_audit_member *m, struct wa_error *err)
{
	const char *dist = wa_wheel_filename(s->w)->distribution;
	/* the program's path under scripts/: two programs of one base name in
	 * different directories stay apart */
	const char *script = wa_wheel_data_part(s->w, m->path, "scripts");
	const char *installed = wa_wheel_installed_path(s->w, m->path, NULL);
	struct wa_plan_member *pm = &s->p->members[m->wheel_index];
	struct wa_plan_addition *add;
	const char *dir, *scheme = NULL;
	const char *root = wa_wheel_root_is_purelib(s->w) ? "purelib" : "platlib";
	int rc;

	/* The copies go to the wheel's root, installed into its scheme.  An
	 * RPATH can only reach them from the same tree: purelib and platlib
	 * may be different directories (lib and lib64), and .data/data or
	 * headers land outside the packages altogether. */
	wa_wheel_installed_path(s->w, m->path, &scheme);
	if (!script && (scheme ? strcmp(scheme, root) != 0
			       : (wa_wheel_data_part(s->w, m->path, "data") ||
				  wa_wheel_data_part(s->w, m->path, "headers")))) {
		reject(s, WA_OUTCOME_NEEDS_GRAFT,
		       wa_arena_printf(
			       &s->p->arena,
			       "%s needs grafted libraries but is installed into %s, and "
			       "the grafted libraries into %s (the wheel's root): installers "
			       "may put them in different directories, so no RPATH can reach "
			       "them",
			       m->path, scheme ? scheme : "the data directory", root));
		return 0;
	}

	if (script && *script) {
		dir = wa_arena_printf(&s->p->arena, "%s.scripts", dist);
		if (!dir)
			return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
		const char *moved = wa_arena_printf(&s->p->arena, "%s/%s", dir, script);
		const char *moved_dir = moved ? wa_path_dir(&s->p->arena, moved) : NULL;

		if (!moved_dir)
			return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
		rc = wa_graft_member_edit(s->p->graft, installed, moved_dir, m->elf, &s->p->arena,
					  &pm->edit, err);
		add = rc ? NULL : new_addition(s, moved, 0755);
		if (rc || !add)
			return rc ? rc : wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
		add->member = m->wheel_index;
		add->source = pstr(s, m->path);
		add->edit = pm->edit;
		memset(&pm->edit, 0, sizeof(pm->edit));
		pm->action = WA_PLAN_LAUNCHER;
		pm->text = wa_launcher_text(&s->p->arena, dir, script, &pm->text_len);
		add_note(s,
			 wa_arena_printf(&s->p->arena,
					 "moved %s to %s/%s (it needs grafted libraries; $ORIGIN "
					 "cannot reach them from bin/) and left a launcher in its "
					 "place",
					 m->path, dir, script));
		return pm->text ? 0 : wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	}
	dir = wa_path_dir(&s->p->arena, installed);
	if (!dir)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	pm->action = WA_PLAN_PATCH;
	return wa_graft_member_edit(s->p->graft, installed, dir, m->elf, &s->p->arena, &pm->edit,
				    err);
}

static bool is_libpython(const char *name)
{
	return strncmp(name, "libpython", 9) == 0;
}

/*
 * A module that needs libpython* loses that DT_NEEDED (not on Android,
 * where the interpreter is a shared libpython the module rightly links):
 * the interpreter process already has those symbols, and one linked
 * statically has no such file to load.  The removal joins whatever other
 * edit the member gets; a program moved behind a launcher takes it along.
 */
static int unlink_libpython(struct plan_state *s, const struct wa_audit_member *m,
			    struct wa_error *err)
{
	struct wa_elf_edit *edit;
	const char **names;
	size_t n = 0;

	if (m->grafted || m->wheel_index == SIZE_MAX || m->libc == WA_LIBC_BIONIC)
		return 0;
	for (size_t i = 0; i < m->elf->n_needed; i++)
		n += is_libpython(m->elf->needed[i]);
	if (!n)
		return 0;
	names = wa_arena_alloc(&s->p->arena, n * sizeof(*names));
	if (!names)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	n = 0;
	for (size_t i = 0; i < m->elf->n_needed; i++)
		if (is_libpython(m->elf->needed[i]) && !(names[n++] = pstr(s, m->elf->needed[i])))
			return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	edit = &s->p->members[m->wheel_index].edit;
	if (s->p->members[m->wheel_index].action == WA_PLAN_LAUNCHER) {
		/* the program moved: its addition carries the edit */
		for (size_t k = 0; k < s->additions.len; k++) {
			struct wa_plan_addition *add = s->additions.items[k];

			if (!add->file && !add->text && add->member == m->wheel_index)
				edit = &add->edit;
		}
	} else {
		s->p->members[m->wheel_index].action = WA_PLAN_PATCH;
	}
	edit->remove_needed = names;
	edit->n_remove_needed = n;
	add_note(s, wa_arena_printf(&s->p->arena,
				    "removed the DT_NEEDED on %s from %s (the interpreter provides "
				    "its symbols)",
				    names[0], m->path));
	return 0;
}

/* The grafted libraries join the output, and each member that needs one is patched. */
static int plan_graft_edits(struct plan_state *s, struct wa_error *err)
{
	const struct wa_graft_plan *g = s->p->graft;
	int rc = 0;

	for (size_t i = 0; i < g->n_libs; i++) {
		struct wa_plan_addition *add = new_addition(s, g->libs[i]->member, 0755);

		if (!add)
			return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
		add->file = &g->libs[i]->file;
		add->source = g->libs[i]->file.display;
		add->edit = g->libs[i]->edit;
	}
	for (size_t i = 0; !rc && i < s->audit->n_members; i++) {
		const struct wa_audit_member *m = &s->audit->members[i];

		if (m->grafted || m->foreign || !wa_graft_member_affected(g, m->elf))
			continue;
		rc = graft_member(s, m, err);
		if (s->p->outcome == WA_OUTCOME_REJECTED)
			break;
	}
	for (size_t i = 0; !rc && s->p->outcome != WA_OUTCOME_REJECTED && i < s->audit->n_members;
	     i++)
		rc = unlink_libpython(s, &s->audit->members[i], err);
	return rc;
}

/*
 * Every name in the output is unique: an addition (a grafted library, a
 * moved program) may not take the name of a member the output keeps, nor
 * of another addition.  A wheel that already holds <dist>.scripts/tool
 * next to a program tool that must move there cannot be repaired as is.
 */
static int check_output_names(struct plan_state *s, struct wa_error *err)
{
	struct wa_strmap names = {0};
	struct wa_arena a = {0};
	int rc = 0;

	for (size_t i = 0; !rc && i < s->p->n_members; i++)
		if (s->p->members[i].action != WA_PLAN_DROP &&
		    wa_strmap_put(&a, &names, wa_wheel_member(s->w, i)->name, &names))
			rc = wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; !rc && i < s->additions.len; i++) {
		const struct wa_plan_addition *add = s->additions.items[i];

		if (wa_strmap_get(&names, add->name)) {
			reject(s, WA_OUTCOME_NEEDS_GRAFT,
			       wa_arena_printf(&s->p->arena,
					       "cannot graft: %s (from %s) would take the name of "
					       "another member of the output",
					       add->name, add->source ? add->source : "?"));
			break;
		}
		if (wa_strmap_put(&a, &names, add->name, &names))
			rc = wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	}
	wa_arena_release(&a);
	return rc;
}

/* --strip: every ELF member of the wheel and every grafted library is
 * written anew, stripped (a moved program's copy too). */
static void plan_strip(struct plan_state *s)
{
	for (size_t i = 0; i < s->audit->n_members; i++) {
		const struct wa_audit_member *m = &s->audit->members[i];
		struct wa_plan_member *pm;

		if (m->wheel_index == SIZE_MAX)
			continue;
		pm = &s->p->members[m->wheel_index];
		if (pm->action == WA_PLAN_COPY)
			pm->action = WA_PLAN_PATCH;
		if (pm->action == WA_PLAN_PATCH)
			pm->strip = true;
	}
	for (size_t k = 0; k < s->additions.len; k++) {
		struct wa_plan_addition *add = s->additions.items[k];

		add->strip = !add->text;
	}
}

/* ===== the SBOM ===== */

/*
 * A repair that grafts writes <dist-info>/sboms/wheelaudit.cdx.json (PEP
 * 770): the wheel, each grafted file with its hash and the OS package that
 * owns it, and who needs what.  An SBOM of an earlier repair is replaced.
 * A package database that cannot be read leaves the libraries without
 * their packages, with a note: the SBOM is a record, not a gate.
 */
static int plan_sbom(struct plan_state *s, struct wa_error *err)
{
	const struct wa_graft_plan *g = s->p->graft;
	const struct wa_wheel_name *wn = wa_wheel_filename(s->w);
	const char *name =
		wa_arena_printf(&s->p->arena, "%s/" WA_SBOM_FILE, wa_wheel_dist_info(s->w));
	const char **paths = calloc(g->n_libs + 1, sizeof(*paths));
	struct wa_sbom_lib *libs = calloc(g->n_libs + 1, sizeof(*libs));
	struct wa_sbom_edge *edges = NULL;
	size_t n_edges = 0, cap = 0;
	struct wa_pkg_owner **owners = NULL;
	struct wa_pkgdb_options po = {.root = s->opt->ld.root};
	struct wa_sbom_input in = {0};
	struct wa_buf doc = {0};
	struct wa_error perr;
	struct wa_plan_addition *add;
	int rc = 0;

	if (!name || !paths || !libs) {
		rc = wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
		goto out;
	}
	/* absolute, so that the database can be asked and the document does
	 * not depend on how --ldpaths was spelled */
	for (size_t i = 0; i < g->n_libs; i++) {
		const char *found = g->libs[i]->file.path;
		char cwd[4096];

		if (found[0] != '/' && getcwd(cwd, sizeof(cwd)))
			found = wa_arena_printf(&s->p->arena, "%s/%s", cwd, found);
		paths[i] = found ? wa_path_normalise(&s->p->arena, found, false, NULL) : NULL;
		if (!paths[i]) {
			rc = wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
			goto out;
		}
	}
	wa_error_clear(&perr);
	if (wa_pkgdb_owners(&owners, paths, g->n_libs, &po, &perr)) {
		if (perr.code == WA_ENOMEM) {
			rc = wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
			goto out;
		}
		owners = NULL;
		add_note(s, wa_arena_printf(&s->p->arena,
					    "the SBOM lists the grafted libraries without their "
					    "packages: %s",
					    perr.message));
	}
	for (size_t i = 0; i < g->n_libs; i++) {
		const struct wa_graft_lib *l = g->libs[i];

		/* the file itself, links resolved: the same library gives the same
		 * document whichever directory or link led to it */
		char *real = realpath(paths[i], NULL);
		const char *where = real ? wa_arena_strdup(&s->p->arena, real) : paths[i];
		const char *root = s->opt->ld.root;
		size_t rl = root ? strlen(root) : 0;

		/* under --root, the path on the system the root holds */
		while (rl && root[rl - 1] == '/')
			rl--;
		if (where && rl && strncmp(where, root, rl) == 0 && where[rl] == '/')
			where += rl;

		free(real);
		if (!where) {
			rc = wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
			goto out;
		}
		/* the path only for a file of an OS package: a system path that is
		 * the same on every build machine; a build tree's would make the
		 * document, and so the wheel, depend on where the build ran */
		libs[i] = (struct wa_sbom_lib){l->member, wa_path_base(where),
					       owners && owners[i] ? where : NULL, l->sha256,
					       owners ? owners[i] : NULL};
		for (size_t k = 0; k < l->n_needed_by; k++) {
			size_t from = WA_SBOM_WHEEL;

			for (size_t j = 0; j < g->n_libs; j++)
				if (strcmp(g->libs[j]->member, l->needed_by[k]) == 0)
					from = j;
			if (n_edges == cap) {
				struct wa_sbom_edge *e =
					realloc(edges, (cap = cap ? 2 * cap : 16) * sizeof(*e));

				if (!e) {
					rc = wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
					goto out;
				}
				edges = e;
			}
			edges[n_edges++] = (struct wa_sbom_edge){from, i};
		}
	}
	in.name = wn->distribution;
	in.version = wn->version;
	in.file_name = wa_path_base(s->p->output);
	in.tool_version = WA_VERSION;
	in.have_timestamp = s->opt->have_source_date_epoch;
	in.timestamp = s->opt->source_date_epoch;
	in.libs = libs;
	in.nlibs = g->n_libs;
	in.edges = edges;
	in.nedges = n_edges;
	rc = wa_sbom_render(&doc, &in, err);
	if (rc)
		goto out;
	/* an SBOM of an earlier repair gives way to this one */
	for (size_t i = 0; i < s->p->n_members; i++)
		if (strcmp(wa_wheel_member(s->w, i)->name, name) == 0)
			s->p->members[i].action = WA_PLAN_DROP;
	add = new_addition(s, name, 0644);
	if (!add || !(add->text = wa_arena_strndup(&s->p->arena, doc.data, doc.len))) {
		rc = wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
		goto out;
	}
	add->text_len = doc.len;
	add->source = "wheelaudit (the SBOM)";
	add->member = SIZE_MAX;
	s->p->sbom = name;
out:
	wa_buf_release(&doc);
	wa_pkgdb_owners_free(owners, g->n_libs);
	free(edges);
	free(libs);
	free(paths);
	return rc;
}

/* ===== putting it together ===== */

/* The time of every rewritten member: SOURCE_DATE_EPOCH, or else the input's
 * WHEEL entry's time (the build's own timestamp). */
static int decide_timestamp(struct plan_state *s, struct wa_error *err)
{
	struct wa_zip_raw raw;
	int rc;

	if (s->opt->have_source_date_epoch) {
		wa_zipout_dos_time(s->opt->source_date_epoch, &s->p->dos_time, &s->p->dos_date);
		return 0;
	}
	rc = wa_zip_raw_entry(wa_wheel_zip(s->w), wa_wheel_wheel_member(s->w), &raw, err);
	s->p->dos_time = raw.dos_time;
	s->p->dos_date = raw.dos_date;
	return rc;
}

static int plan_copy_of_pure(struct plan_state *s)
{
	struct wa_repair_plan *p = s->p;

	if (!s->opt->audit.allow_pure) {
		reject(s, WA_OUTCOME_PURE,
		       "pure wheel: nothing to repair (--allow-pure copies it)");
		return 0;
	}
	p->outcome = WA_OUTCOME_COPIED;
	p->tagset = pstr(s, wa_wheel_filename(s->w)->platform);
	p->output = output_path(s, wa_path_base(wa_wheel_path(s->w)));
	return 0;
}

/* The output keeps the input's name and WHEEL tags: asked for, or the
 * wheel's family is one whose wheels keep their own tag (android_24_...
 * names the API level the build targets; repair does not change it). */
static bool keep_tags(const struct plan_state *s)
{
	return s->opt->keep_tags || !s->audit->retag;
}

static int plan_repair(struct plan_state *s, struct wa_audit **audit, struct wa_error *err)
{
	struct wa_repair_plan *p = s->p;
	struct wa_wheel *w = s->w;
	int rc;

	if (s->audit->outcome == WA_OUTCOME_PURE)
		return plan_copy_of_pure(s);
	if (s->audit->outcome == WA_OUTCOME_NEEDS_GRAFT) {
		rc = plan_grafts(s, audit, err);
		if (rc || p->outcome == WA_OUTCOME_REJECTED)
			return rc;
	} else if (s->audit->outcome != WA_OUTCOME_COMPLIANT) {
		reject(s, s->audit->outcome,
		       s->audit->reason ? s->audit->reason : "no policy is met");
		return 0;
	}
	decide_tags(s);
	p->tagset = join_tags(s);
	if (s->oom || !p->tagset)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	if (!s->tags.len) {
		reject(s, WA_OUTCOME_POLICY_VIOLATION, "no policy is met");
		return 0;
	}
	p->outcome = WA_OUTCOME_REPAIRED;
	if (keep_tags(s)) {
		/* --no-update-tags, or a family whose wheels keep their tag
		 * (Android): the checks above still hold, the name stays */
		const struct wa_wheel_name *wn = wa_wheel_filename(w);

		s->tags.len = 0;
		/* copies: the plan outlives the wheel (the reports read it after) */
		for (size_t i = 0; i < wn->n_platforms; i++) {
			const char *t = pstr(s, wn->platforms[i]);

			if (!t || wa_ptrvec_push(&p->arena, &s->tags, (void *)t))
				s->oom = true;
		}
		p->tagset = pstr(s, wn->platform);
		p->output = output_path(s, wa_path_base(wa_wheel_path(w)));
	} else {
		p->output = output_path(s, output_name(s));
	}
	for (size_t i = 0; i < wa_wheel_member_count(w); i++)
		if (wa_wheel_is_signature(w, wa_wheel_member(w, i)->name)) {
			p->members[i].action = WA_PLAN_DROP;
			add_note(s, wa_arena_printf(&p->arena,
						    "dropped %s: the signature would not match the "
						    "new RECORD",
						    wa_wheel_member(w, i)->name));
		}
	p->members[wa_wheel_record_member(w)].action = WA_PLAN_RECORD;
	rc = p->graft ? plan_graft_edits(s, err) : 0;
	if (!rc && p->outcome != WA_OUTCOME_REJECTED && s->opt->strip)
		plan_strip(s);
	if (!rc && p->outcome != WA_OUTCOME_REJECTED && p->graft && p->graft->n_libs)
		rc = plan_sbom(s, err);
	if (!rc && p->outcome != WA_OUTCOME_REJECTED)
		rc = check_output_names(s, err);
	if (rc || p->outcome == WA_OUTCOME_REJECTED) {
		p->output = NULL;
		return rc;
	}
	rc = keep_tags(s) ? 0 : build_wheel_file(s, err);
	if (!rc)
		rc = decide_timestamp(s, err);
	p->zip_level = s->opt->zip_level;
	return rc;
}

int wa_plan_build(struct wa_repair_plan **out, struct wa_wheel *w, struct wa_audit **audit,
		  const struct wa_repair_options *opt, struct wa_error *err)
{
	struct wa_repair_plan *p = calloc(1, sizeof(*p));
	struct plan_state s = {.p = p, .w = w, .audit = *audit, .opt = opt};
	size_t n = wa_wheel_member_count(w);
	int rc;

	*out = NULL;
	if (!p)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	p->members = wa_arena_alloc(&p->arena, (n ? n : 1) * sizeof(*p->members));
	p->n_members = n;
	p->zip_level = -1;
	rc = p->members ? check_record_complete(w, err)
			: wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	if (!rc)
		rc = plan_repair(&s, audit, err);
	for (size_t i = 0; !rc && i < n; i++)
		if (p->members[i].action != WA_PLAN_COPY &&
		    !(p->members[i].name = pstr(&s, wa_wheel_member(w, i)->name)))
			rc = wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	p->tags = (const char **)s.tags.items;
	p->n_tags = p->outcome == WA_OUTCOME_REPAIRED ? s.tags.len : 0;
	p->notes = (const char **)s.notes.items;
	p->n_notes = s.notes.len;
	p->additions = wa_arena_alloc(&p->arena, (s.additions.len + 1) * sizeof(*p->additions));
	for (size_t i = 0; p->additions && i < s.additions.len; i++)
		p->additions[i] = *(struct wa_plan_addition *)s.additions.items[i];
	p->n_additions = s.additions.len;
	if (!rc && (s.oom || !p->additions))
		rc = wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	if (rc) {
		wa_plan_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void wa_plan_free(struct wa_repair_plan *p)
{
	if (!p)
		return;
	wa_graft_plan_free(p->graft);
	wa_audit_free(p->first_audit);
	wa_arena_release(&p->arena);
	free(p);
}
