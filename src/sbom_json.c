/* SPDX-License-Identifier: MIT */
/*
 * The SBOM's JSON (CycloneDX 1.6; docs/sbom.schema.json lists every field
 * written here).  The only SBOM file that includes cJSON; the order of the
 * keys and of every array is the model's, so the bytes depend on the input
 * alone.
 */
#include "sbom_model.h"

#include "wheelaudit/text.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

struct out {
	bool oom;
};

/* A JSON string of s; bytes that are not UTF-8 (a member name from a wheel
 * may have some) become U+FFFD so the document stays valid JSON. */
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

static cJSON *put(struct out *o, cJSON *obj, const char *key, cJSON *item)
{
	if (!item || !obj || !cJSON_AddItemToObject(obj, key, item)) {
		cJSON_Delete(item);
		o->oom = true;
		return NULL;
	}
	return item;
}

static cJSON *push(struct out *o, cJSON *arr, cJSON *item)
{
	if (!item || !arr || !cJSON_AddItemToArray(arr, item)) {
		cJSON_Delete(item);
		o->oom = true;
		return NULL;
	}
	return item;
}

static cJSON *property(struct out *o, const char *name, const char *value)
{
	cJSON *p = cJSON_CreateObject();

	put(o, p, "name", jstr(name));
	put(o, p, "value", jstr(value));
	return p;
}

/* A grafted library as CycloneDX sees a file: named and hashed as the
 * original (the bytes its package shipped), found in the wheel under the
 * copy's name, read from host_path. */
static cJSON *file_component(struct out *o, const struct sbom_file *f)
{
	const struct wa_sbom_lib *l = f->lib;
	cJSON *c = cJSON_CreateObject(), *hashes, *h, *ev, *occ, *at, *props;

	put(o, c, "type", jstr("file"));
	put(o, c, "bom-ref", jstr(f->ref));
	put(o, c, "name", jstr(l->name));
	hashes = put(o, c, "hashes", cJSON_CreateArray());
	h = push(o, hashes, cJSON_CreateObject());
	put(o, h, "alg", jstr("SHA-256"));
	put(o, h, "content", jstr(l->sha256));
	ev = put(o, c, "evidence", cJSON_CreateObject());
	occ = put(o, ev, "occurrences", cJSON_CreateArray());
	at = push(o, occ, cJSON_CreateObject());
	put(o, at, "location", jstr(l->member));
	if (l->host_path) {
		props = put(o, c, "properties", cJSON_CreateArray());
		push(o, props, property(o, "wheelaudit:host-path", l->host_path));
	}
	return c;
}

static cJSON *package_component(struct out *o, const struct sbom_pkg *p)
{
	const struct wa_pkg_owner *w = p->owner;
	cJSON *c = cJSON_CreateObject(), *files;

	put(o, c, "type", jstr("library"));
	put(o, c, "bom-ref", jstr(w->purl));
	put(o, c, "name", jstr(w->name));
	put(o, c, "version", jstr(w->version));
	put(o, c, "purl", jstr(w->purl));
	files = put(o, c, "components", cJSON_CreateArray());
	for (size_t i = 0; i < p->nfiles; i++)
		push(o, files, file_component(o, &p->files[i]));
	return c;
}

static cJSON *metadata(struct out *o, const struct sbom_model *m)
{
	cJSON *md = cJSON_CreateObject(), *lc, *tools, *tc, *t, *wheel;

	if (m->timestamp)
		put(o, md, "timestamp", jstr(m->timestamp));
	/* made from a built wheel, after its build */
	lc = put(o, md, "lifecycles", cJSON_CreateArray());
	put(o, push(o, lc, cJSON_CreateObject()), "phase", jstr("post-build"));
	tools = put(o, md, "tools", cJSON_CreateObject());
	tc = put(o, tools, "components", cJSON_CreateArray());
	t = push(o, tc, cJSON_CreateObject());
	put(o, t, "type", jstr("application"));
	put(o, t, "name", jstr("wheelaudit"));
	put(o, t, "version", jstr(m->in->tool_version));
	wheel = put(o, md, "component", cJSON_CreateObject());
	put(o, wheel, "type", jstr("library"));
	put(o, wheel, "bom-ref", jstr(m->wheel_purl));
	put(o, wheel, "name", jstr(m->in->name));
	put(o, wheel, "version", jstr(m->in->version));
	put(o, wheel, "purl", jstr(m->wheel_purl));
	return md;
}

int wa_sbom_json(struct wa_buf *out, const struct sbom_model *m, const char *serial)
{
	struct out o = {false};
	cJSON *root = cJSON_CreateObject(), *comps, *deps;
	char *text = NULL;

	put(&o, root, "$schema", jstr("http://cyclonedx.org/schema/bom-1.6.schema.json"));
	put(&o, root, "bomFormat", jstr("CycloneDX"));
	put(&o, root, "specVersion", jstr("1.6"));
	if (serial) {
		char urn[9 + 37];

		memcpy(urn, "urn:uuid:", 9);
		memcpy(urn + 9, serial, 37);
		put(&o, root, "serialNumber", jstr(urn));
	}
	put(&o, root, "version", cJSON_CreateNumber(1));
	put(&o, root, "metadata", metadata(&o, m));
	comps = put(&o, root, "components", cJSON_CreateArray());
	for (size_t i = 0; i < m->npkgs; i++)
		push(&o, comps, package_component(&o, &m->pkgs[i]));
	for (size_t i = 0; i < m->norphans; i++)
		push(&o, comps, file_component(&o, &m->orphans[i]));
	deps = put(&o, root, "dependencies", cJSON_CreateArray());
	for (size_t i = 0; i < m->ndeps; i++) {
		cJSON *d = push(&o, deps, cJSON_CreateObject());
		cJSON *on = cJSON_CreateArray();

		put(&o, d, "ref", jstr(m->deps[i].ref));
		for (size_t k = 0; on && k < m->deps[i].non; k++)
			push(&o, on, jstr(m->deps[i].on[k]));
		put(&o, d, "dependsOn", on);
	}
	if (!o.oom)
		text = cJSON_Print(root);
	cJSON_Delete(root);
	if (!text)
		return -1;
	wa_buf_str(out, text);
	wa_buf_add(out, "\n", 1);
	cJSON_free(text);
	return out->oom ? -1 : 0;
}
