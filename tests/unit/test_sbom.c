/* SPDX-License-Identifier: MIT */
/*
 * The SBOM document: its content for 0, 1 and several libraries with and
 * without owners, byte-identical output whatever the input order, the
 * serial number, encodings, and the input it refuses.  The document's
 * validity against docs/sbom.schema.json is checked by tests/sbom.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wheelaudit/sbom.h"
#include "wheelaudit/text.h"

#define SHA_Z "1111111111111111111111111111111111111111111111111111111111111111"
#define SHA_Y "2222222222222222222222222222222222222222222222222222222222222222"
#define SHA_F "3333333333333333333333333333333333333333333333333333333333333333"

static struct wa_pkg_owner zlib1g = {
	.type = "deb",
	.vendor = "debian",
	.name = "zlib1g",
	.version = "1:1.2.13.dfsg-1+deb12u1",
	.arch = "amd64",
	.distro = "debian-12",
	.purl = "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1%2Bdeb12u1?arch=amd64&distro=debian-12",
	.listed_as = "/lib/x86_64-linux-gnu/libz.so.1.2.13",
};

static struct wa_pkg_owner libyaml = {
	.type = "deb",
	.vendor = "debian",
	.name = "libyaml-0-2",
	.version = "0.2.5-1",
	.arch = "amd64",
	.distro = "debian-12",
	.purl = "pkg:deb/debian/libyaml-0-2@0.2.5-1?arch=amd64&distro=debian-12",
	.listed_as = "/usr/lib/x86_64-linux-gnu/libyaml-0.so.2.0.9",
};

/* libz and libyaml owned, libfoo not; the extension needs z and yaml, yaml needs z. */
static const struct wa_sbom_lib three[] = {
	{"Foo_Bar.libs/libz-11111111.so.1.2.13", "libz.so.1.2.13",
	 "/usr/lib/x86_64-linux-gnu/libz.so.1", SHA_Z, &zlib1g},
	{"Foo_Bar.libs/libyaml-0-22222222.so.2.0.9", "libyaml-0.so.2.0.9",
	 "/usr/lib/x86_64-linux-gnu/libyaml-0.so.2", SHA_Y, &libyaml},
	{"Foo_Bar.libs/libfoo-33333333.so.1", "libfoo.so.1", "/opt/foo/lib/libfoo.so.1", SHA_F,
	 NULL},
};
static const struct wa_sbom_edge three_edges[] = {{WA_SBOM_WHEEL, 0},
						  {WA_SBOM_WHEEL, 1},
						  {1, 0},
						  {WA_SBOM_WHEEL, 2},
						  {WA_SBOM_WHEEL, 0}};

static struct wa_sbom_input input(const struct wa_sbom_lib *libs, size_t nlibs,
				  const struct wa_sbom_edge *edges, size_t nedges)
{
	return (struct wa_sbom_input){
		.name = "Foo_Bar",
		.version = "1.0",
		.file_name = "Foo_Bar-1.0-cp311-cp311-manylinux_2_17_x86_64.whl",
		.tool_version = "0.1.0",
		.libs = libs,
		.nlibs = nlibs,
		.edges = edges,
		.nedges = nedges,
	};
}

/* The document of in; fails the test on an error. */
static char *render(const struct wa_sbom_input *in)
{
	struct wa_buf b = {0};
	struct wa_error err;

	wa_error_clear(&err);
	assert_int_equal(wa_sbom_render(&b, in, &err), 0);
	assert_non_null(b.data);
	assert_true(wa_utf8_valid(b.data, b.len));
	assert_int_equal(strlen(b.data), b.len);
	assert_int_equal(b.data[b.len - 1], '\n');
	return b.data;
}

/* s contains each of the strings in order. */
static void in_order(const char *s, const char *const *parts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *at = strstr(s, parts[i]);

		if (!at)
			fail_msg("missing or out of order: %s", parts[i]);
		s = at + strlen(parts[i]);
	}
}

static void serial_of(const char *doc, char out[37])
{
	const char *s = strstr(doc, "\"serialNumber\":\t\"urn:uuid:");

	assert_non_null(s);
	s += strlen("\"serialNumber\":\t\"urn:uuid:");
	memcpy(out, s, 36);
	out[36] = '\0';
}

static void document_without_libraries_names_the_wheel_and_the_tool(void **state)
{
	struct wa_sbom_input in = input(NULL, 0, NULL, 0);
	char *doc = render(&in);
	const char *parts[] = {
		"\"$schema\":\t\"http://cyclonedx.org/schema/bom-1.6.schema.json\"",
		"\"bomFormat\":\t\"CycloneDX\"",
		"\"specVersion\":\t\"1.6\"",
		"\"serialNumber\":\t\"urn:uuid:",
		"\"version\":\t1",
		"\"metadata\":",
		"\"phase\":\t\"post-build\"",
		"\"name\":\t\"wheelaudit\"",
		"\"version\":\t\"0.1.0\"",
		"\"component\":",
		"\"bom-ref\":\t\"pkg:pypi/foo-bar@1.0?file_name=Foo_Bar-1.0-cp311-cp311-manylinux_2_17_"
		"x86_64.whl\"",
		"\"name\":\t\"Foo_Bar\"",
		"\"purl\":\t\"pkg:pypi/foo-bar@1.0?file_name=",
		"\"components\":\t[]",
		"\"dependencies\":\t[]",
	};

	(void)state;
	in_order(doc, parts, sizeof parts / sizeof parts[0]);
	assert_null(strstr(doc, "timestamp"));
	free(doc);
}

static void one_owned_library_is_a_file_inside_its_package(void **state)
{
	struct wa_sbom_edge e = {WA_SBOM_WHEEL, 0};
	struct wa_sbom_input in = input(three, 1, &e, 1);
	char *doc = render(&in);
	const char *parts[] = {
		"\"components\":\t[{",
		"\"type\":\t\"library\"",
		"\"bom-ref\":\t\""
		"pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1%2Bdeb12u1?arch=amd64&"
		"distro=debian-12\"",
		"\"name\":\t\"zlib1g\"",
		"\"version\":\t\"1:1.2.13.dfsg-1+deb12u1\"",
		"\"purl\":\t\"pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1%2Bdeb12u1?arch=amd64&"
		"distro=debian-12\"",
		"\"components\":\t[{",
		"\"type\":\t\"file\"",
		"\"bom-ref\":\t\"file:Foo_Bar.libs/libz-11111111.so.1.2.13\"",
		"\"name\":\t\"libz.so.1.2.13\"",
		"\"alg\":\t\"SHA-256\"",
		"\"content\":\t\"" SHA_Z "\"",
		"\"location\":\t\"Foo_Bar.libs/libz-11111111.so.1.2.13\"",
		"\"name\":\t\"wheelaudit:host-path\"",
		"\"value\":\t\"/usr/lib/x86_64-linux-gnu/libz.so.1\"",
		"\"dependencies\":\t[{",
		"\"ref\":\t\"pkg:pypi/foo-bar@1.0?file_name=",
		"\"dependsOn\":\t[\"file:Foo_Bar.libs/libz-11111111.so.1.2.13\"]",
	};

	(void)state;
	in_order(doc, parts, sizeof parts / sizeof parts[0]);
	free(doc);
}

static void several_libraries_are_sorted_and_unowned_ones_stand_alone(void **state)
{
	struct wa_sbom_input in = input(three, 3, three_edges, 5);
	char *doc = render(&in);
	const char *parts[] = {
		/* packages by purl: libyaml-0-2 before zlib1g; then the file no
		 * package owns */
		"\"bom-ref\":\t\"pkg:deb/debian/libyaml-0-2@",
		"\"bom-ref\":\t\"file:Foo_Bar.libs/libyaml-0-22222222.so.2.0.9\"",
		"\"bom-ref\":\t\"pkg:deb/debian/zlib1g@",
		"\"bom-ref\":\t\"file:Foo_Bar.libs/libz-11111111.so.1.2.13\"",
		"\"bom-ref\":\t\"file:Foo_Bar.libs/libfoo-33333333.so.1\"",
		"\"value\":\t\"/opt/foo/lib/libfoo.so.1\"",
		/* dependencies by ref: the files first ("file:" < "pkg:"), each
		 * edge once, dependsOn sorted */
		"\"dependencies\":",
		"\"ref\":\t\"file:Foo_Bar.libs/libyaml-0-22222222.so.2.0.9\"",
		"\"dependsOn\":\t[\"file:Foo_Bar.libs/libz-11111111.so.1.2.13\"]",
		"\"ref\":\t\"pkg:pypi/foo-bar@1.0?",
		"\"dependsOn\":\t[\"file:Foo_Bar.libs/libfoo-33333333.so.1\", "
		"\"file:Foo_Bar.libs/libyaml-0-22222222.so.2.0.9\", "
		"\"file:Foo_Bar.libs/libz-11111111.so.1.2.13\"]",
	};
	const char *unowned = strstr(doc, "\"bom-ref\":\t\"file:Foo_Bar.libs/libfoo");

	(void)state;
	in_order(doc, parts, sizeof parts / sizeof parts[0]);
	/* libfoo has no package: no purl after it, before the dependencies */
	assert_non_null(unowned);
	assert_true(strstr(unowned, "\"purl\"") == NULL ||
		    strstr(unowned, "\"purl\"") > strstr(unowned, "\"dependencies\""));
	free(doc);
}

static void the_same_input_in_any_order_gives_the_same_bytes(void **state)
{
	struct wa_sbom_lib rev[3] = {three[2], three[1], three[0]};
	/* the edges of three_edges with library indices mapped 0->2, 1->1, 2->0 */
	struct wa_sbom_edge rev_edges[] = {{WA_SBOM_WHEEL, 0},
					   {1, 2},
					   {WA_SBOM_WHEEL, 2},
					   {WA_SBOM_WHEEL, 1}};
	struct wa_sbom_input a = input(three, 3, three_edges, 5);
	struct wa_sbom_input b = input(rev, 3, rev_edges, 4);
	char *d1 = render(&a), *d2 = render(&a), *d3 = render(&b);

	(void)state;
	assert_string_equal(d1, d2);
	assert_string_equal(d1, d3);
	free(d1);
	free(d2);
	free(d3);
}

static void serial_number_is_a_version_5_uuid_that_follows_the_content(void **state)
{
	struct wa_sbom_input a = input(three, 3, three_edges, 5);
	struct wa_sbom_input b = input(three, 2, three_edges, 3);
	char *d1 = render(&a), *d2 = render(&b), s1[37], s2[37];

	(void)state;
	serial_of(d1, s1);
	serial_of(d2, s2);
	assert_int_equal(strlen(s1), 36);
	assert_int_equal(s1[8], '-');
	assert_int_equal(s1[14], '5');           /* version 5 */
	assert_non_null(strchr("89ab", s1[19])); /* RFC 4122 variant */
	for (size_t i = 0; i < 36; i++)
		assert_non_null(strchr("0123456789abcdef-", s1[i]));
	assert_string_not_equal(s1, s2);
	b.tool_version = "0.1.1";
	free(d2);
	d2 = render(&a);
	serial_of(d2, s2);
	assert_string_equal(s1, s2);
	free(d2);
	a.tool_version = "0.1.1"; /* any change of content changes the serial */
	d2 = render(&a);
	serial_of(d2, s2);
	assert_string_not_equal(s1, s2);
	free(d1);
	free(d2);
}

static void timestamp_is_written_only_when_given(void **state)
{
	struct wa_sbom_input in = input(NULL, 0, NULL, 0);
	char *doc;

	(void)state;
	in.have_timestamp = true;
	in.timestamp = 1622548800;
	doc = render(&in);
	assert_non_null(strstr(doc, "\"timestamp\":\t\"2021-06-01T12:00:00Z\""));
	free(doc);
	in.timestamp = 0;
	doc = render(&in);
	assert_non_null(strstr(doc, "\"timestamp\":\t\"1970-01-01T00:00:00Z\""));
	free(doc);
}

static void odd_versions_and_names_are_encoded_in_purls_only(void **state)
{
	struct wa_sbom_input in = input(NULL, 0, NULL, 0);
	char *doc;

	(void)state;
	in.name = "A.b__C";
	in.version = "2!1.0+local.7";
	in.file_name = "A.b__C-2!1.0+local.7-py3-none-linux_x86_64.whl";
	doc = render(&in);
	assert_non_null(strstr(doc, "\"purl\":\t\"pkg:pypi/a-b-c@2%211.0%2Blocal.7?file_name="
				    "A.b__C-2%211.0%2Blocal.7-py3-none-linux_x86_64.whl\""));
	assert_non_null(strstr(doc, "\"version\":\t\"2!1.0+local.7\""));
	free(doc);
}

static void names_that_are_not_utf8_stay_valid_json(void **state)
{
	struct wa_sbom_lib l = three[2];
	struct wa_sbom_input in;
	char *doc;

	(void)state;
	l.member = "Foo_Bar.libs/lib\xff\"x-33333333.so.1";
	in = input(&l, 1, NULL, 0);
	doc = render(&in); /* render() checks the whole document is UTF-8 */
	assert_non_null(
		strstr(doc, "\"location\":\t\"Foo_Bar.libs/lib\xef\xbf\xbd\\\"x-33333333.so.1\""));
	free(doc);
}

static void refuse(const struct wa_sbom_input *in, const char *member, const char *words)
{
	struct wa_buf b = {0};
	struct wa_error err;

	wa_buf_str(&b, "kept");
	wa_error_clear(&err);
	assert_int_equal(wa_sbom_render(&b, in, &err), -WA_EINTERNAL);
	assert_int_equal(err.code, WA_EINTERNAL);
	assert_string_equal(err.member, member);
	assert_non_null(strstr(err.message, words));
	assert_string_equal(b.data, "kept"); /* nothing appended */
	wa_buf_release(&b);
}

static void input_no_caller_should_give_is_refused(void **state)
{
	struct wa_sbom_lib bad[2] = {three[0], three[1]};
	struct wa_sbom_edge edge = {WA_SBOM_WHEEL, 2};
	struct wa_sbom_input in;

	(void)state;
	bad[0].sha256 = "ABCDEF" SHA_Z; /* upper case, too long */
	in = input(bad, 2, NULL, 0);
	refuse(&in, "Foo_Bar.libs/libz-11111111.so.1.2.13", "sha256");
	bad[0].sha256 = SHA_Z;
	bad[1].member = bad[0].member;
	in = input(bad, 2, NULL, 0);
	refuse(&in, "Foo_Bar.libs/libz-11111111.so.1.2.13", "one member name");
	in = input(three, 2, &edge, 1);
	refuse(&in, "", "does not exist");
	edge = (struct wa_sbom_edge){5, 0};
	refuse(&in, "", "does not exist");
	in = input(three, 2, NULL, 0);
	in.version = NULL;
	refuse(&in, "", "missing");
	in = input(three, 2, NULL, 0);
	in.have_timestamp = true;
	in.timestamp = INT64_C(253402300800);
	refuse(&in, "", "out of range");
	in.timestamp = -1;
	refuse(&in, "", "out of range");
	{
		struct wa_pkg_owner unversioned = zlib1g;

		unversioned.version = NULL;
		bad[1] = three[1];
		bad[1].owner = &unversioned;
		in = input(bad, 2, NULL, 0);
		refuse(&in, "Foo_Bar.libs/libyaml-0-22222222.so.2.0.9", "version");
	}
	bad[1] = three[1];
	bad[1].host_path = "";
	in = input(bad, 2, NULL, 0);
	refuse(&in, "Foo_Bar.libs/libyaml-0-22222222.so.2.0.9", "host path");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(document_without_libraries_names_the_wheel_and_the_tool),
		cmocka_unit_test(one_owned_library_is_a_file_inside_its_package),
		cmocka_unit_test(several_libraries_are_sorted_and_unowned_ones_stand_alone),
		cmocka_unit_test(the_same_input_in_any_order_gives_the_same_bytes),
		cmocka_unit_test(serial_number_is_a_version_5_uuid_that_follows_the_content),
		cmocka_unit_test(timestamp_is_written_only_when_given),
		cmocka_unit_test(odd_versions_and_names_are_encoded_in_purls_only),
		cmocka_unit_test(names_that_are_not_utf8_stay_valid_json),
		cmocka_unit_test(input_no_caller_should_give_is_refused),
	};

	return cmocka_run_group_tests_name("sbom", tests, NULL, NULL);
}
