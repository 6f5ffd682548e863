#include <errno.h>
#include <stdlib.h>

#include "persistence_conf.h"
#include "unit.h"

static int parse(const char *text, struct pconf *c)
{
	return pconf_parse(text, strlen(text), "persistence.conf", c);
}

static void root_union(void)
{
	struct pconf c;

	CHECK_INT(parse("/ union\n", &c), 0);
	CHECK_INT(c.count, 1);
	CHECK_STR(c.items[0].dest, "/");
	CHECK_STR(c.items[0].source, "");
	CHECK_INT(c.items[0].method, PCONF_UNION);
	CHECK(pconf_root_union(&c) == &c.items[0]);
	pconf_free(&c);
}

static void default_method_and_source(void)
{
	struct pconf c;

	CHECK_INT(parse("/home\n/var/lib/apt link\n", &c), 0);
	CHECK_INT(c.count, 2);
	CHECK_STR(c.items[0].dest, "/home");
	CHECK_STR(c.items[0].source, "home");
	CHECK_INT(c.items[0].method, PCONF_BIND);
	CHECK_STR(c.items[1].source, "var/lib/apt");
	CHECK_INT(c.items[1].method, PCONF_LINK);
	CHECK(!pconf_root_union(&c));
	pconf_free(&c);
}

static void options_commas_spaces_last_method_wins(void)
{
	struct pconf c;

	CHECK_INT(parse("/etc/x link,source=cfg  union\t bind\n", &c), 0);
	CHECK_INT(c.count, 1);
	CHECK_INT(c.items[0].method, PCONF_BIND);
	CHECK_STR(c.items[0].source, "cfg");
	pconf_free(&c);
	CHECK_INT(parse("/opt source=.,union\n", &c), 0);
	CHECK_STR(c.items[0].source, "");
	CHECK_INT(c.items[0].method, PCONF_UNION);
	pconf_free(&c);
}

static void comments_and_blank_lines(void)
{
	struct pconf c;

	CHECK_INT(parse("# persistence\n\n   \n  #/home\n/home bind\n", &c), 0);
	CHECK_INT(c.count, 1);
	CHECK_INT(c.items[0].line, 5);
	pconf_free(&c);
}

static void hostile_destinations(void)
{
	struct pconf c;

	CHECK_INT(parse("home\n/a/../etc\n/a/./b\n/lib\n/lib64\n/library/x\n/run/live\n"
			"/run/live/medium\n/run/livex\n",
			&c),
		  0);
	/* only /run/livex survives: it is neither /run/live nor below it */
	CHECK_INT(c.count, 1);
	CHECK_STR(c.items[0].dest, "/run/livex");
	pconf_free(&c);
}

static void hostile_sources(void)
{
	struct pconf c;

	CHECK_INT(parse("/a source=/etc\n/b source=../x\n/c source=x/../../y\n/d source=./x\n"
			"/e source=ok/dir\n/f source=a:/run/vtoy/medium\n/g source=a\\b\n",
			&c),
		  0);
	CHECK_INT(c.count, 1);
	CHECK_STR(c.items[0].dest, "/e");
	CHECK_STR(c.items[0].source, "ok/dir");
	pconf_free(&c);
}

static void unknown_option_and_trailing_comment_drop_line(void)
{
	struct pconf c;

	CHECK_INT(parse("/home bind # my home\n/srv nosuid\n/opt union\n", &c), 0);
	CHECK_INT(c.count, 1);
	CHECK_STR(c.items[0].dest, "/opt");
	pconf_free(&c);
}

static void crlf_bom_nul_long(void)
{
	struct pconf c;
	char *longline = malloc(PCONF_LINE_MAX + 64);
	const char nul[] = "/x\0y union\n/ok\n";

	CHECK_INT(parse("/ union\r\n", &c), 0);
	CHECK_INT(c.count, 0); /* live-boot reads "union\r": unknown, dropped */
	pconf_free(&c);
	CHECK_INT(parse("\xef\xbb\xbf/ union\n/home\n", &c), 0);
	CHECK_INT(c.count, 1);
	CHECK_STR(c.items[0].dest, "/home");
	pconf_free(&c);
	CHECK_INT(pconf_parse(nul, sizeof(nul) - 1, "p.conf", &c), 0);
	CHECK_INT(c.count, 1);
	CHECK_STR(c.items[0].dest, "/ok");
	pconf_free(&c);

	CHECK(longline);
	longline[0] = '/';
	memset(longline + 1, 'a', PCONF_LINE_MAX + 10);
	strcpy(longline + PCONF_LINE_MAX + 11, "\n/ok\n");
	CHECK_INT(parse(longline, &c), 0);
	free(longline);
	CHECK_INT(c.count, 1);
	CHECK_STR(c.items[0].dest, "/ok");
	pconf_free(&c);
}

static void sorted_first_per_destination_wins(void)
{
	struct pconf c;

	CHECK_INT(parse("/var/log\n/home/user source=u\n/home\n/home/ link\n/etc/ssh\n", &c), 0);
	CHECK_INT(c.count, 4);
	CHECK_STR(c.items[0].dest, "/etc/ssh");
	CHECK_STR(c.items[1].dest, "/home");
	CHECK_INT(c.items[1].method, PCONF_BIND); /* line 3 beats line 4 ("/home/") */
	CHECK_STR(c.items[2].dest, "/home/user");
	CHECK_STR(c.items[3].dest, "/var/log");
	pconf_free(&c);
}

static void nested_sources_dropped(void)
{
	struct pconf c;

	/* /home's source "home" and /srv's "home/x" nest: live-boot panics. */
	CHECK_INT(parse("/home\n/srv source=home/x\n/data source=homes\n", &c), 0);
	CHECK_INT(c.count, 2);
	CHECK_STR(c.items[0].dest, "/data");
	CHECK_STR(c.items[1].dest, "/home");
	pconf_free(&c);
	/* "/ union" uses the whole volume: it must be alone. */
	CHECK_INT(parse("/home bind\n/ union\n", &c), 0);
	CHECK_INT(c.count, 1);
	CHECK(pconf_root_union(&c));
	pconf_free(&c);
}

static void slashes_normalized(void)
{
	struct pconf c;

	CHECK_INT(parse("//home//user/ link\n/home/user\n//,/\n", &c), 0);
	CHECK_INT(c.count, 2);
	CHECK_STR(c.items[0].dest, "/,");
	CHECK_STR(c.items[0].source, ",");
	CHECK_STR(c.items[1].dest, "/home/user");
	CHECK_STR(c.items[1].source, "home/user");
	CHECK_INT(c.items[1].method, PCONF_LINK); /* line 1 wins over line 2 */
	pconf_free(&c);
}

static void empty_file(void)
{
	struct pconf c;

	CHECK_INT(pconf_parse("", 0, "p.conf", &c), 0);
	CHECK_INT(c.count, 0);
	pconf_free(&c);
}

const struct unit_test pconf_tests[] = {
	UNIT_TEST(root_union),
	UNIT_TEST(default_method_and_source),
	UNIT_TEST(options_commas_spaces_last_method_wins),
	UNIT_TEST(comments_and_blank_lines),
	UNIT_TEST(hostile_destinations),
	UNIT_TEST(hostile_sources),
	UNIT_TEST(unknown_option_and_trailing_comment_drop_line),
	UNIT_TEST(crlf_bom_nul_long),
	UNIT_TEST(sorted_first_per_destination_wins),
	UNIT_TEST(nested_sources_dropped),
	UNIT_TEST(slashes_normalized),
	UNIT_TEST(empty_file),
	{ NULL, NULL },
};
