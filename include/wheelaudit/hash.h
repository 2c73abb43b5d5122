/* SPDX-License-Identifier: MIT */
/* SHA-256 (through libcrypto) and the RECORD encoding of digests (PEP 376/427). */
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

/* URL-safe base64 without padding, as RECORD uses; out needs 44 bytes. */
void wa_b64url_nopad(const uint8_t *data, size_t len, char *out, size_t outsize);

#endif
