/* SPDX-License-Identifier: MIT */
/* SHA-256 (and SHA-1 for UUIDs) through the build's provider, and the RECORD
 * encoding of digests (PEP 376/427). */
#ifndef WHEELAUDIT_HASH_H
#define WHEELAUDIT_HASH_H

#include <stddef.h>
#include <stdint.h>

struct wa_sha256 {
	void *ctx; /* owned EVP_MD_CTX */
};

/* Returns 0, or -1 when libcrypto cannot allocate a context. */
int wa_sha256_init(struct wa_sha256 *h);
void wa_sha256_update(struct wa_sha256 *h, const void *data, size_t len);
/* Writes 32 bytes and releases the context. */
void wa_sha256_final(struct wa_sha256 *h, uint8_t out[32]);
/* Releases the context without a result (safe after final, safe twice). */
void wa_sha256_release(struct wa_sha256 *h);

/*
 * SHA-1 of len bytes into out, in one call.  Only for identifiers that
 * are defined with it (name-based UUIDs, RFC 4122 version 5), never for
 * checking content.  Returns 0, or -1 when the provider cannot compute it.
 */
int wa_sha1(const void *data, size_t len, uint8_t out[20]);

/* URL-safe base64 without padding, as RECORD uses; out needs 44 bytes. */
void wa_b64url_nopad(const uint8_t *data, size_t len, char *out, size_t outsize);

#endif
