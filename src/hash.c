/* SPDX-License-Identifier: MIT */
/* SHA-256 through libcrypto's EVP interface, and RECORD's digest encoding. */
#include "wheelaudit/hash.h"

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
