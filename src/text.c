/* SPDX-License-Identifier: MIT */
/* Escaping untrusted text for terminals and JSON (text.h). */
#include "wheelaudit/text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_sequence(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and values past U+10FFFF are not UTF-8 */
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

bool wa_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;

	for (size_t i = 0; i < len;) {
		size_t n = utf8_sequence(p + i, len - i, &cp);

		if (!n)
			return false;
		i += n;
	}
	return true;
}

static bool acts_on_terminal(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f);
}

/* Appends n bytes to dst while they fit whole (written stops at the first
 * piece that does not, so a cut result is a prefix of the full one). */
static void put(char *dst, size_t cap, size_t *need, size_t *written, const char *bytes, size_t n)
{
	if (*written == *need && *need + n < cap) {
		memcpy(dst + *need, bytes, n);
		*written += n;
	}
	*need += n;
}

size_t wa_text_escape(char *dst, size_t cap, const char *src)
{
	const unsigned char *p = (const unsigned char *)src;
	size_t len = strlen(src), need = 0, written = 0;

	for (size_t i = 0; i < len;) {
		uint32_t cp = 0;
		size_t n = utf8_sequence(p + i, len - i, &cp);
		size_t take = n ? n : 1;

		if (!n || acts_on_terminal(cp)) {
			/* every byte of it, so nothing of the sequence reaches the terminal */
			for (size_t k = 0; k < take; k++) {
				char esc[5];

				snprintf(esc, sizeof(esc), "\\x%02x", p[i + k]);
				put(dst, cap, &need, &written, esc, 4);
			}
		} else {
			put(dst, cap, &need, &written, (const char *)p + i, take);
		}
		i += take;
	}
	if (cap)
		dst[written] = '\0';
	return need;
}

bool wa_text_is_plain(const char *src)
{
	const unsigned char *p = (const unsigned char *)src;
	size_t len = strlen(src);

	for (size_t i = 0; i < len;) {
		uint32_t cp = 0;
		size_t n = utf8_sequence(p + i, len - i, &cp);

		if (!n || acts_on_terminal(cp))
			return false;
		i += n;
	}
	return true;
}

char *wa_utf8_sanitize(const char *src)
{
	const unsigned char *p = (const unsigned char *)src;
	size_t len = strlen(src), o = 0;
	char *out = malloc(3 * len + 1); /* each bad byte may grow to 3 */

	if (!out)
		return NULL;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_sequence(p + i, len - i, &cp);

		if (n) {
			memcpy(out + o, p + i, n);
			o += n;
			i += n;
		} else {
			memcpy(out + o, "\xef\xbf\xbd", 3); /* U+FFFD */
			o += 3;
			i++;
		}
	}
	out[o] = '\0';
	return out;
}
