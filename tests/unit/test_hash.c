/* SPDX-License-Identifier: MIT */
/* SHA-256 and SHA-1 (NIST FIPS 180-2 examples) and the RECORD digest encoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wheelaudit/hash.h"

static void hex(const uint8_t *d, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = '\0';
}

static void sha256_of(const void *data, size_t len, uint8_t out[32])
{
	struct wa_sha256 h;

	assert_int_equal(wa_sha256_init(&h), 0);
	wa_sha256_update(&h, data, len);
	wa_sha256_final(&h, out);
	wa_sha256_release(&h); /* safe after final */
}

static void sha256_of_empty_input_matches_nist(void **state)
{
	uint8_t d[32];
	char s[65];

	(void)state;
	sha256_of("", 0, d);
	hex(d, 32, s);
	assert_string_equal(s, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void sha256_of_abc_matches_nist(void **state)
{
	uint8_t d[32];
	char s[65];

	(void)state;
	sha256_of("abc", 3, d);
	hex(d, 32, s);
	assert_string_equal(s, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void sha256_of_two_block_message_matches_nist(void **state)
{
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	uint8_t d[32];
	char s[65];

	(void)state;
	sha256_of(m, strlen(m), d);
	hex(d, 32, s);
	assert_string_equal(s, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void sha256_gives_the_same_digest_when_fed_in_pieces(void **state)
{
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	struct wa_sha256 h;
	uint8_t whole[32], pieces[32];

	(void)state;
	sha256_of(m, strlen(m), whole);
	assert_int_equal(wa_sha256_init(&h), 0);
	for (size_t i = 0; i < strlen(m); i += 5)
		wa_sha256_update(&h, m + i, strlen(m) - i < 5 ? strlen(m) - i : 5);
	wa_sha256_final(&h, pieces);
	assert_memory_equal(whole, pieces, 32);
}

static void sha256_release_without_final_is_safe_twice(void **state)
{
	struct wa_sha256 h;

	(void)state;
	assert_int_equal(wa_sha256_init(&h), 0);
	wa_sha256_update(&h, "x", 1);
	wa_sha256_release(&h);
	wa_sha256_release(&h);
}

static void b64url_of_empty_digest_is_the_record_form(void **state)
{
	uint8_t d[32];
	char s[64];

	(void)state;
	sha256_of("", 0, d);
	wa_b64url_nopad(d, 32, s, sizeof s);
	assert_string_equal(s, "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
	assert_int_equal(strlen(s), 43);
}

static void b64url_of_abc_digest_is_the_record_form(void **state)
{
	uint8_t d[32];
	char s[64];

	(void)state;
	sha256_of("abc", 3, d);
	wa_b64url_nopad(d, 32, s, sizeof s);
	assert_string_equal(s, "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
}

static void b64url_uses_dash_and_underscore_and_no_padding(void **state)
{
	const uint8_t d[] = {0xfb, 0xff, 0xbf};
	const uint8_t one[] = {0xff};
	const uint8_t two[] = {0xff, 0xfe};
	char s[64];

	(void)state;
	wa_b64url_nopad(d, sizeof d, s, sizeof s);
	assert_string_equal(s, "-_-_");
	wa_b64url_nopad(one, 1, s, sizeof s);
	assert_string_equal(s, "_w");
	wa_b64url_nopad(two, 2, s, sizeof s);
	assert_string_equal(s, "__4");
	wa_b64url_nopad(d, 0, s, sizeof s);
	assert_string_equal(s, "");
}

static void b64url_of_rfc4648_vectors_matches(void **state)
{
	static const struct {
		const char *in, *out;
	} v[] = {
		{"f", "Zg"},        {"fo", "Zm8"},        {"foo", "Zm9v"},
		{"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
	};
	char s[64];

	(void)state;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		wa_b64url_nopad((const uint8_t *)v[i].in, strlen(v[i].in), s, sizeof s);
		assert_string_equal(s, v[i].out);
	}
}

static void sha1_of_fips_examples_matches(void **state)
{
	static const struct {
		const char *in, *hex;
	} v[] = {
		{"", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
		{"abc", "a9993e364706816aba3e25717850c26c9cd0d89d"},
		{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		 "84983e441c3bd26ebaae4aa1f95129e5e54670f1"},
	};
	uint8_t d[20];
	char s[41];

	(void)state;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		assert_int_equal(wa_sha1(v[i].in, strlen(v[i].in), d), 0);
		hex(d, 20, s);
		assert_string_equal(s, v[i].hex);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sha256_of_empty_input_matches_nist),
		cmocka_unit_test(sha256_of_abc_matches_nist),
		cmocka_unit_test(sha256_of_two_block_message_matches_nist),
		cmocka_unit_test(sha256_gives_the_same_digest_when_fed_in_pieces),
		cmocka_unit_test(sha256_release_without_final_is_safe_twice),
		cmocka_unit_test(b64url_of_empty_digest_is_the_record_form),
		cmocka_unit_test(b64url_of_abc_digest_is_the_record_form),
		cmocka_unit_test(b64url_uses_dash_and_underscore_and_no_padding),
		cmocka_unit_test(b64url_of_rfc4648_vectors_matches),
		cmocka_unit_test(sha1_of_fips_examples_matches),
	};

	return cmocka_run_group_tests_name("hash", tests, NULL, NULL);
}
