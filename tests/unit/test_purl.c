/* SPDX-License-Identifier: MIT */
/* Package URLs: the specification's own examples, its encoding rules, PEP 503 names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wheelaudit/purl.h"

static void expect(char *got, const char *want)
{
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void purl_of_debian_examples_matches_the_specification(void **state)
{
	struct wa_purl_qualifier amd64[] = {{"arch", "amd64"}};
	struct wa_purl_qualifier jessie[] = {{"distro", "jessie"}, {"arch", "i386"}};

	(void)state;
	/* the deb type definition's examples */
	expect(wa_purl_build("deb", "debian", "attr", "1:2.4.47-2+b1", amd64, 1),
	       "pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64");
	expect(wa_purl_build("deb", "debian", "curl", "7.50.3-1", jessie, 2),
	       "pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie");
	expect(wa_purl_build("deb", "ubuntu", "dpkg", "1.19.0.4", amd64, 1),
	       "pkg:deb/ubuntu/dpkg@1.19.0.4?arch=amd64");
}

static void purl_keeps_colon_and_tilde_and_encodes_plus(void **state)
{
	(void)state;
	/* ':' must not be encoded, '~' is one of the punctuation characters kept,
	 * '+' is not a permitted character */
	expect(wa_purl_build("deb", "debian", "libfoo1", "2:1.0~rc1+dfsg-3~deb12u1", NULL, 0),
	       "pkg:deb/debian/libfoo1@2:1.0~rc1%2Bdfsg-3~deb12u1");
}

static void purl_encodes_space_slash_at_and_non_ascii(void **state)
{
	struct wa_purl_qualifier q[] = {{"file_name", "a b/c@d?e#f&g=h%i\xc3\xa9"}};

	(void)state;
	expect(wa_purl_build("generic", NULL, "n m", NULL, q, 1),
	       "pkg:generic/n%20m?file_name=a%20b%2Fc%40d%3Fe%23f%26g%3Dh%25i%C3%A9");
}

static void purl_sorts_qualifiers_and_drops_empty_ones(void **state)
{
	struct wa_purl_qualifier q[] = {{"epoch", "1"},
					{"distro", ""},
					{"arch", "x86_64"},
					{"checksum", NULL}};

	(void)state;
	expect(wa_purl_build("rpm", "fedora", "openssl-libs", "3.1.1-4.fc39", q, 4),
	       "pkg:rpm/fedora/openssl-libs@3.1.1-4.fc39?arch=x86_64&epoch=1");
	expect(wa_purl_build("rpm", "fedora", "zlib", NULL, q + 1, 1), "pkg:rpm/fedora/zlib");
}

static void purl_splits_and_encodes_namespace_segments(void **state)
{
	(void)state;
	expect(wa_purl_build("generic", "/a b//c/", "n", "1", NULL, 0), "pkg:generic/a%20b/c/n@1");
	expect(wa_purl_build("apk", "", "musl", "1.2.4-r2", NULL, 0), "pkg:apk/musl@1.2.4-r2");
}

static void pypi_name_follows_pep_503(void **state)
{
	(void)state;
	expect(wa_purl_pypi_name("Foo_Bar"), "foo-bar");
	expect(wa_purl_pypi_name("foo.-_bar"), "foo-bar");
	expect(wa_purl_pypi_name("A--B__C..D"), "a-b-c-d");
	expect(wa_purl_pypi_name("PyYAML"), "pyyaml");
	expect(wa_purl_pypi_name("_x_"), "-x-");
}

static void pypi_purl_of_a_wheel_names_its_file(void **state)
{
	struct wa_purl_qualifier q[] = {
		{"file_name", "Foo_Bar-1.0+local-cp311-cp311-manylinux_2_17_x86_64.whl"}};
	char *name = wa_purl_pypi_name("Foo_Bar");

	(void)state;
	assert_non_null(name);
	expect(wa_purl_build("pypi", NULL, name, "1.0+local", q, 1),
	       "pkg:pypi/foo-bar@1.0%2Blocal?file_name=Foo_Bar-1.0%2Blocal-cp311-cp311-"
	       "manylinux_2_17_x86_64.whl");
	free(name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(purl_of_debian_examples_matches_the_specification),
		cmocka_unit_test(purl_keeps_colon_and_tilde_and_encodes_plus),
		cmocka_unit_test(purl_encodes_space_slash_at_and_non_ascii),
		cmocka_unit_test(purl_sorts_qualifiers_and_drops_empty_ones),
		cmocka_unit_test(purl_splits_and_encodes_namespace_segments),
		cmocka_unit_test(pypi_name_follows_pep_503),
		cmocka_unit_test(pypi_purl_of_a_wheel_names_its_file),
	};

	return cmocka_run_group_tests_name("purl", tests, NULL, NULL);
}
