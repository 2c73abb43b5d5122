/* SPDX-License-Identifier: MIT */
/*
 * Untrusted text on its way out.  Names, paths and symbols come from the
 * wheel, so a report must not pass their bytes to a terminal as they are:
 * an ESC or a C1 control could rewrite the screen, a newline could forge a
 * verdict line.  Text is escaped for terminals; JSON gets valid UTF-8.
 */
#ifndef WHEELAUDIT_TEXT_H
#define WHEELAUDIT_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* True when len bytes of s are valid UTF-8 (no overlong forms, surrogates or
 * code points beyond U+10FFFF). */
bool wa_utf8_valid(const char *s, size_t len);

/*
 * Copies src into dst (cap bytes, always terminated) with every byte a
 * terminal would act on written as \xNN: C0 controls (newline and tab
 * included), DEL, the C1 controls U+0080..U+009F, and bytes that are not
 * valid UTF-8.  Returns the length the full result needs (without the
 * terminator), so a caller can size dst.
 */
size_t wa_text_escape(char *dst, size_t cap, const char *src);

/* True when src holds nothing wa_text_escape would change. */
bool wa_text_is_plain(const char *src);

/*
 * A copy of src (malloc'd, caller frees) in which every byte that is not
 * part of valid UTF-8 is replaced by U+FFFD, for JSON, which can carry any
 * character but no invalid bytes.  NULL when out of memory.
 */
char *wa_utf8_sanitize(const char *src);

#endif
