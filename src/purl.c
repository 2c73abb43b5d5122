/* SPDX-License-Identifier: MIT */
/*
 * Package URLs (purl.h).  The encoding rule is the specification's list of
 * characters that stay as they are (letters, digits, ".-_~", and ':' which
 * the specification forbids encoding); everything else is percent-encoded,
 * which also covers bytes that are not ASCII or not UTF-8.
 */
#include "wheelaudit/purl.h"

#include "wheelaudit/buf.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static bool plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '-' || c == '_' || c == '~' || c == ':';
}

static void add_encoded(struct wa_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[3] = {'%', hex[c >> 4], hex[c & 15]};

		if (plain(c))
			wa_buf_add(b, &s[i], 1);
		else
			wa_buf_add(b, esc, 3);
	}
}

/* The namespace's segments, each encoded; empty segments (leading,
 * trailing or doubled '/') are dropped as the specification's builder does. */
static void add_namespace(struct wa_buf *b, const char *ns)
{
	while (*ns) {
		size_t n = strcspn(ns, "/");

		if (n) {
			add_encoded(b, ns, n);
			wa_buf_add(b, "/", 1);
		}
		ns += n;
		if (*ns == '/')
			ns++;
	}
}

char *wa_purl_build(const char *type, const char *ns, const char *name, const char *version,
		    const struct wa_purl_qualifier *qualifiers, size_t n)
{
	struct wa_buf b = {0};
	size_t *order = NULL;
	bool first = true;

	wa_buf_str(&b, "pkg:");
	wa_buf_str(&b, type);
	wa_buf_add(&b, "/", 1);
	if (ns)
		add_namespace(&b, ns);
	add_encoded(&b, name, strlen(name));
	if (version && *version) {
		wa_buf_add(&b, "@", 1);
		add_encoded(&b, version, strlen(version));
	}
	/* qualifiers sorted by key: an insertion sort of their indices (a purl
	 * has a handful) */
	if (n) {
		order = malloc(n * sizeof(*order));
		if (!order) {
			wa_buf_release(&b);
			return NULL;
		}
	}
	for (size_t i = 0; i < n; i++) {
		size_t j = i;

		while (j > 0 && strcmp(qualifiers[order[j - 1]].key, qualifiers[i].key) > 0) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
	for (size_t i = 0; i < n; i++) {
		const struct wa_purl_qualifier *q = &qualifiers[order[i]];

		if (!q->value || !*q->value)
			continue;
		wa_buf_add(&b, first ? "?" : "&", 1);
		first = false;
		wa_buf_str(&b, q->key);
		wa_buf_add(&b, "=", 1);
		add_encoded(&b, q->value, strlen(q->value));
	}
	free(order);
	if (b.oom) {
		wa_buf_release(&b);
		return NULL;
	}
	return b.data;
}

char *wa_purl_pypi_name(const char *name)
{
	char *out = malloc(strlen(name) + 1), *o = out;
	bool in_run = false;

	if (!out)
		return NULL;
	for (const char *p = name; *p; p++) {
		if (*p == '-' || *p == '_' || *p == '.') {
			if (!in_run)
				*o++ = '-';
			in_run = true;
			continue;
		}
		in_run = false;
		*o++ = (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p;
	}
	*o = '\0';
	return out;
}
