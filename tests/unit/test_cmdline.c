#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "cmdline.h"
#include "unit.h"

static void flags_and_values(void)
{
	struct kvlist c = { 0 };

	CHECK_INT(cmdline_parse(&c, "quiet splash persistent boot=casper"), 0);
	CHECK_INT(c.count, 4);
	CHECK(kvlist_has(&c, "persistent"));
	CHECK_STR(kvlist_get(&c, "persistent"), NULL); /* a flag has no value */
	CHECK_STR(kvlist_get(&c, "boot"), "casper");
	CHECK(!kvlist_has(&c, "nopersistent"));
	kvlist_free(&c);
}

static void empty_value_is_not_a_flag(void)
{
	struct kvlist c = { 0 };

	CHECK_INT(cmdline_parse(&c, "persistent= live-media-path="), 0);
	CHECK(kvlist_has(&c, "persistent"));
	CHECK_STR(kvlist_get(&c, "persistent"), "");
	kvlist_free(&c);
}

static void quoted_value_with_spaces(void)
{
	struct kvlist c = { 0 };

	CHECK_INT(cmdline_parse(&c, "a=1 iso-scan/filename=\"/ISO images/my live.iso\" b=2"), 0);
	CHECK_INT(c.count, 3);
	CHECK_STR(kvlist_get(&c, "iso-scan/filename"), "/ISO images/my live.iso");
	CHECK_STR(kvlist_get(&c, "b"), "2");
	kvlist_free(&c);
}

static void quoted_whole_argument(void)
{
	struct kvlist c = { 0 };

	CHECK_INT(cmdline_parse(&c, "\"findiso=/a b/c.iso\" quiet"), 0);
	CHECK_STR(kvlist_get(&c, "findiso"), "/a b/c.iso");
	CHECK(kvlist_has(&c, "quiet"));
	kvlist_free(&c);
}

static void unterminated_quote_runs_to_end(void)
{
	struct kvlist c = { 0 };

	CHECK_INT(cmdline_parse(&c, "x=\"a b  c"), 0);
	CHECK_INT(c.count, 1);
	CHECK_STR(kvlist_get(&c, "x"), "a b  c");
	kvlist_free(&c);
}

static void repeated_keys_last_wins_all_kept(void)
{
	struct kvlist c = { 0 };
	const struct kv *kv;

	CHECK_INT(cmdline_parse(&c, "module=a x module=b module"), 0);
	CHECK_STR(kvlist_get(&c, "module"), NULL); /* the last one is a flag */
	kv = kvlist_next(&c, "module", NULL);
	CHECK(kv);
	CHECK_STR(kv->value, "a");
	kv = kvlist_next(&c, "module", kv);
	CHECK(kv);
	CHECK_STR(kv->value, "b");
	kv = kvlist_next(&c, "module", kv);
	CHECK(kv);
	CHECK_STR(kv->value, NULL);
	CHECK(!kvlist_next(&c, "module", kv));
	kvlist_free(&c);

	CHECK_INT(cmdline_parse(&c, "rootdelay=3 rootdelay=9"), 0);
	CHECK_STR(kvlist_get(&c, "rootdelay"), "9");
	kvlist_free(&c);
}

static void value_keeps_later_equals(void)
{
	struct kvlist c = { 0 };

	CHECK_INT(cmdline_parse(&c, "root=live:CDLABEL=Fedora-WS rd.live.image"), 0);
	CHECK_STR(kvlist_get(&c, "root"), "live:CDLABEL=Fedora-WS");
	kvlist_free(&c);
}

static void unknown_keys_ignored(void)
{
	struct kvlist c = { 0 };

	CHECK_INT(cmdline_parse(&c, "BOOT_IMAGE=/vmlinuz zswap.enabled=1 persistent x.y/z=?"), 0);
	CHECK(kvlist_has(&c, "persistent"));
	CHECK_STR(kvlist_get(&c, "iso-scan/filename"), NULL);
	CHECK(!kvlist_has(&c, "findiso"));
	kvlist_free(&c);
}

static void separators_and_odd_tokens(void)
{
	struct kvlist c = { 0 };

	CHECK_INT(cmdline_parse(&c, "\ta=1\n\n=orphan \"\" -- b=2 \n"), 0);
	CHECK_INT(c.count, 2); /* "=orphan", "" and "--" are dropped */
	CHECK_STR(kvlist_get(&c, "a"), "1");
	CHECK_STR(kvlist_get(&c, "b"), "2");
	kvlist_free(&c);

	CHECK_INT(cmdline_parse(&c, ""), 0);
	CHECK_INT(c.count, 0);
	kvlist_free(&c);
}

static void seconds_option(void)
{
	struct kvlist c = { 0 };

	CHECK_INT(cmdline_parse(&c, "rootdelay=5 bad=x5 neg=-3 empty="), 0);
	CHECK_INT(cmdline_seconds_ms(&c, "rootdelay", 1), 5000);
	CHECK_INT(cmdline_seconds_ms(&c, "bad", 7), 7);
	CHECK_INT(cmdline_seconds_ms(&c, "neg", 7), 7);
	CHECK_INT(cmdline_seconds_ms(&c, "empty", 7), 7);
	CHECK_INT(cmdline_seconds_ms(&c, "absent", 7), 7);
	kvlist_free(&c);
}

static void read_file_with_nul_and_newline(void)
{
	char path[] = "/tmp/vtoy-unit-cmdline-XXXXXX";
	struct kvlist c = { 0 };
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	CHECK_INT(write(fd, "a=1\0b=2 persistent\n", 19), 19);
	close(fd);
	CHECK_INT(cmdline_read(&c, path), 0);
	unlink(path);
	CHECK_INT(c.count, 3);
	CHECK_STR(kvlist_get(&c, "b"), "2");
	CHECK(kvlist_has(&c, "persistent"));
	kvlist_free(&c);
	CHECK_INT(cmdline_read(&c, "/nonexistent/cmdline"), -ENOENT);
}

const struct unit_test cmdline_tests[] = {
	UNIT_TEST(flags_and_values),
	UNIT_TEST(empty_value_is_not_a_flag),
	UNIT_TEST(quoted_value_with_spaces),
	UNIT_TEST(quoted_whole_argument),
	UNIT_TEST(unterminated_quote_runs_to_end),
	UNIT_TEST(repeated_keys_last_wins_all_kept),
	UNIT_TEST(value_keeps_later_equals),
	UNIT_TEST(unknown_keys_ignored),
	UNIT_TEST(separators_and_odd_tokens),
	UNIT_TEST(seconds_option),
	UNIT_TEST(read_file_with_nul_and_newline),
	{ NULL, NULL },
};
