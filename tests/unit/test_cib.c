// SPDX-License-Identifier: GPL-2.0-only
/* The CIB configuration's text surgery: the element, the cluster's bootstrap set cut and put back.
 */
#include "helpers.h"

#include <errno.h>

#include "havz/cib.h"

#define BOOT                                                                                       \
	"    <cluster_property_set id=\"cib-bootstrap-options\">\n"                                \
	"      <nvpair id=\"cib-bootstrap-options-dc-version\" name=\"dc-version\" "               \
	"value=\"2.1.5\"/>\n"                                                                      \
	"    </cluster_property_set>\n"
#define OURS                                                                                       \
	"    <cluster_property_set id=\"havz-options\">\n"                                         \
	"      <nvpair id=\"havz-options-stonith-enabled\" name=\"stonith-enabled\" "              \
	"value=\"true\"/>\n"                                                                       \
	"    </cluster_property_set>\n"
#define CONF(SETS)                                                                                 \
	"<configuration>\n  <crm_config>\n" SETS "  </crm_config>\n  <nodes/>\n"                   \
	"  <resources/>\n  <constraints/>\n</configuration>"

static void test_configuration(void **state)
{
	struct havz_buf b = { 0 };

	(void)state;
	assert_int_equal(havz_cib_configuration(
				 "<?xml version=\"1.0\"?>\n<!-- x -->\n<cib epoch=\"1\">\n" CONF(
					 OURS) "\n  <status/>\n</cib>\n",
				 &b),
			 0);
	assert_string_equal(b.data, CONF(OURS));
	/* cibadmin --query --scope configuration prints the element alone. */
	assert_int_equal(havz_cib_configuration(CONF(OURS) "\n", &b), 0);
	assert_string_equal(b.data, CONF(OURS));
	/* None, unclosed, two; and a longer tag name is not the element. */
	assert_int_equal(havz_cib_configuration("<cib><status/></cib>", &b), -EINVAL);
	assert_int_equal(havz_cib_configuration("<cib><configuration><crm_config/>", &b), -EINVAL);
	assert_int_equal(havz_cib_configuration(CONF("") CONF(""), &b), -EINVAL);
	assert_int_equal(havz_cib_configuration("<configurations/>", &b), -EINVAL);
	havz_buf_free(&b);
}

static void test_split_bootstrap(void **state)
{
	struct havz_buf rest = { 0 }, boot = { 0 };

	(void)state;
	/* Pacemaker's set, before or after ours: cut out whole lines, ours kept. */
	assert_int_equal(havz_cib_split_bootstrap(CONF(BOOT OURS), &rest, &boot), 0);
	assert_string_equal(rest.data, CONF(OURS));
	assert_string_equal(boot.data, BOOT);
	assert_int_equal(havz_cib_split_bootstrap(CONF(OURS BOOT), &rest, &boot), 0);
	assert_string_equal(rest.data, CONF(OURS));
	assert_string_equal(boot.data, BOOT);
	/* None: conf unchanged, no set. */
	assert_int_equal(havz_cib_split_bootstrap(CONF(OURS), &rest, &boot), 0);
	assert_string_equal(rest.data, CONF(OURS));
	assert_null(boot.data);
	/* Self-closed. */
	assert_int_equal(
		havz_cib_split_bootstrap(
			CONF("    <cluster_property_set id=\"cib-bootstrap-options\"/>\n" OURS),
			&rest, &boot),
		0);
	assert_string_equal(rest.data, CONF(OURS));
	/* An id elsewhere in a later element does not make another set Pacemaker's. */
	assert_int_equal(havz_cib_split_bootstrap(CONF(OURS) "<x id=\"cib-bootstrap-options\"/>",
						  &rest, &boot),
			 0);
	assert_null(boot.data);
	/* Not closed. */
	assert_int_equal(havz_cib_split_bootstrap(
				 "<crm_config><cluster_property_set id=\"cib-bootstrap-options\">",
				 &rest, &boot),
			 -EINVAL);
	havz_buf_free(&rest);
	havz_buf_free(&boot);
}

static void test_with_bootstrap(void **state)
{
	struct havz_buf b = { 0 };

	(void)state;
	assert_int_equal(havz_cib_with_bootstrap(CONF(OURS), BOOT, &b), 0);
	assert_string_equal(b.data, CONF(BOOT OURS));
	/* Cut and put back: the same text. */
	assert_int_equal(havz_cib_with_bootstrap(CONF(OURS), "", &b), 0);
	assert_string_equal(b.data, CONF(OURS));
	assert_int_equal(
		havz_cib_with_bootstrap("<configuration><crm_config/></configuration>", BOOT, &b),
		-EINVAL);
	assert_int_equal(havz_cib_with_bootstrap("<configuration/>", BOOT, &b), -EINVAL);
	havz_buf_free(&b);
}

static void test_has_resources(void **state)
{
	(void)state;
	assert_int_equal(havz_cib_has_resources(CONF(BOOT)), 0);
	assert_int_equal(havz_cib_has_resources("<resources><primitive id=\"x\"/></resources>"), 1);
	assert_int_equal(havz_cib_has_resources("<constraints>\n<rsc_location id=\"l\"/>"), 1);
	/* A name that merely begins like a tag is not one. */
	assert_int_equal(havz_cib_has_resources("<primitives/>"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_configuration),
		cmocka_unit_test(test_split_bootstrap),
		cmocka_unit_test(test_with_bootstrap),
		cmocka_unit_test(test_has_resources),
	};

	return cmocka_run_group_tests_name("cib", tests, NULL, NULL);
}
