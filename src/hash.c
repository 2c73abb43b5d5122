/* SPDX-License-Identifier: MIT */
/* SHA-256 and RECORD's digest encoding.
 *
 * The SHA-256 provider is chosen at build time (WA_SHA256 in CMake):
 * libcrypto's EVP interface by default, or Nettle (WA_SHA256_NETTLE), which
 * the static build takes because Debian's libcrypto.a drags dlopen() and
 * the NSS resolver into any binary that calls EVP_Digest*, while
 * libnettle.a needs nothing but memory functions.  Both use the CPU's
 * SHA instructions where there are some (docs/building.md has the figures).
 * The context lives on the heap either way, so struct wa_sha256 stays one
 * pointer whatever the provider. */
#include "wheelaudit/hash.h"

#ifdef WA_SHA256_NETTLE

#include <nettle/sha1.h>
#include <nettle/sha2.h>
#include <stdlib.h>

int wa_sha256_init(struct wa_sha256 *h)
{
	struct sha256_ctx *ctx = malloc(sizeof(*ctx));

	h->ctx = ctx;
	if (!ctx)
		return -1;
	sha256_init(ctx);
	return 0;
}

void wa_sha256_update(struct wa_sha256 *h, const void *data, size_t len)
{
	if (h->ctx && len)
		sha256_update(h->ctx, len, data);
}

void wa_sha256_final(struct wa_sha256 *h, uint8_t out[32])
{
	if (h->ctx)
		sha256_digest(h->ctx, SHA256_DIGEST_SIZE, out);
	wa_sha256_release(h);
}

void wa_sha256_release(struct wa_sha256 *h)
{
	free(h->ctx);
	h->ctx = NULL;
}

int wa_sha1(const void *data, size_t len, uint8_t out[20])
{
	struct sha1_ctx ctx; /* small and fixed: on the stack, nothing can fail */

	sha1_init(&ctx);
	sha1_update(&ctx, len, data);
	sha1_digest(&ctx, SHA1_DIGEST_SIZE, out);
	return 0;
}

#else /* libcrypto */

#include <openssl/evp.h>

int wa_sha256_init(struct wa_sha256 *h)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	h->ctx = NULL;
	if (!ctx)
		return -1;
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		return -1;
	}
	h->ctx = ctx;
	return 0;
}

void wa_sha256_update(struct wa_sha256 *h, const void *data, size_t len)
{
	if (h->ctx && len)
		EVP_DigestUpdate(h->ctx, data, len);
}

void wa_sha256_final(struct wa_sha256 *h, uint8_t out[32])
{
	unsigned int n = 32;

	if (h->ctx)
		EVP_DigestFinal_ex(h->ctx, out, &n);
	wa_sha256_release(h);
}

void wa_sha256_release(struct wa_sha256 *h)
{
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

int wa_sha1(const void *data, size_t len, uint8_t out[20])
{
	unsigned int n = 20;

	/* EVP_Digest allocates its context, so it can fail; a provider that
	 * refuses SHA-1 (a FIPS-only configuration) fails here too. */
	return EVP_Digest(data, len, out, &n, EVP_sha1(), NULL) == 1 && n == 20 ? 0 : -1;
}

#endif

void wa_b64url_nopad(const uint8_t *data, size_t len, char *out, size_t outsize)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t o = 0;

	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)data[i] << 16;
		size_t n = len - i >= 3 ? 4 : (len - i) + 1;

		if (i + 1 < len)
			v |= (uint32_t)data[i + 1] << 8;
		if (i + 2 < len)
			v |= data[i + 2];
		for (size_t k = 0; k < n && o + 1 < outsize; k++)
			out[o++] = alphabet[(v >> (18 - 6 * k)) & 63];
	}
	if (outsize)
		out[o < outsize ? o : outsize - 1] = '\0';
}
