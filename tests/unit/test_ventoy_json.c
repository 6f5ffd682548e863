#include <errno.h>
#include <stdlib.h>

#include "unit.h"
#include "ventoy_json.h"

static int lookup(const char *json, const char *iso, struct ventoy_persistence_choice *c)
{
	return ventoy_json_persistence(json, strlen(json), iso, c);
}

static int parse(const char *text, struct vjson *doc)
{
	return vjson_parse(text, strlen(text), doc);
}

/* ---- the parser: jansson within our bounds ---- */

static void parser_values(void)
{
	struct vjson doc;
	const json_t *root, *v, *a;

	CHECK_INT(parse(" {\"a\": [1, -2, 0, -0, 12.5, 1e3, 9223372036854775807, "
			"-9223372036854775808, true, false, null, \"s\", [], {}],\n"
			"\"b\": {\"c\": \"d\"}} ", &doc), 0);
	root = doc.root;
	CHECK(json_is_object(root));
	CHECK_INT(json_object_size(root), 2);
	CHECK_INT(doc.count, 18);
	a = json_object_get(root, "a");
	CHECK(json_is_array(a));
	CHECK_INT(json_array_size(a), 14);
	v = json_array_get(a, 0);
	CHECK(json_is_integer(v) && json_integer_value(v) == 1);
	v = json_array_get(a, 1);
	CHECK(json_is_integer(v) && json_integer_value(v) == -2);
	v = json_array_get(a, 2);
	CHECK(json_is_integer(v) && json_integer_value(v) == 0);
	v = json_array_get(a, 3);
	CHECK(json_is_integer(v) && json_integer_value(v) == 0);
	CHECK(json_is_real(json_array_get(a, 4)));
	CHECK(json_is_real(json_array_get(a, 5)));
	v = json_array_get(a, 6);
	CHECK(json_is_integer(v) && json_integer_value(v) == 9223372036854775807LL);
	v = json_array_get(a, 7);
	CHECK(json_is_integer(v) && json_integer_value(v) == -9223372036854775807LL - 1);
	CHECK(json_is_true(json_array_get(a, 8)));
	CHECK(json_is_false(json_array_get(a, 9)));
	CHECK(json_is_null(json_array_get(a, 10)));
	CHECK_STR(json_string_value(json_array_get(a, 11)), "s");
	v = json_array_get(a, 12);
	CHECK(json_is_array(v) && json_array_size(v) == 0);
	v = json_array_get(a, 13);
	CHECK(json_is_object(v) && json_object_size(v) == 0);
	v = json_object_get(root, "b");
	CHECK_STR(json_string_value(json_object_get(v, "c")), "d");
	CHECK(!json_object_get(v, "missing"));
	CHECK(!json_object_get(a, "c"));
	vjson_free(&doc);
	CHECK(!doc.root);
	CHECK_INT(parse("\"top\"", &doc), 0);
	CHECK_STR(json_string_value(doc.root), "top");
	vjson_free(&doc);
}

/* Ventoy takes the first of two members with one name; jansson would keep
 * the last, so the text is refused, with the place. */
static void duplicate_names_refused(void)
{
	struct vjson doc;

	CHECK_INT(parse("{\"a\": [1],\n\"b\": {\"c\": \"d\"}, \"a\": 5}", &doc), -EINVAL);
	CHECK(!doc.root);
	CHECK_STR(doc.error, "duplicate object key near '\"a\"'");
	CHECK_INT(doc.line, 2);
	CHECK_INT(doc.column, 20);
	CHECK_INT(parse("[{\"x\": 1}, {\"x\": {\"y\": 1, \"y\": 2}}]", &doc), -EINVAL);
	CHECK_INT(parse("{\"a\": 1, \"A\": 2, \"a \": 3}", &doc), 0); /* names differ */
	vjson_free(&doc);
}

/* Numbers that do not fit are refused, not rounded. */
static void numbers_that_do_not_fit(void)
{
	static const char *const bad[] = { "[9223372036854775808]", "[-9223372036854775809]",
					   "[99999999999999999999]", "[1e999]", NULL };
	struct vjson doc;

	for (int i = 0; bad[i]; i++) {
		CHECK_INT(parse(bad[i], &doc), -EINVAL);
		CHECK(doc.line == 1 && doc.column > 1);
	}
	CHECK_STR(doc.error, "real number overflow near '1e999'");
}

static void unicode_escapes(void)
{
	struct vjson doc;
	const json_t *v;

	CHECK_INT(parse("[\"caf\\u00e9 \\u20AC \\ud83d\\ude00 \\\"\\\\\\/\\b\\f\\n\\r\\t\", "
			"\"a\\u0000b\", \"caf\xc3\xa9\"]", &doc), 0);
	CHECK_STR(json_string_value(json_array_get(doc.root, 0)),
		  "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \"\\/\b\f\n\r\t");
	v = json_array_get(doc.root, 1);
	CHECK_INT(json_string_length(v), 3);
	CHECK(memcmp(json_string_value(v), "a\0b", 4) == 0);
	CHECK_STR(json_string_value(json_array_get(doc.root, 2)), "caf\xc3\xa9");
	vjson_free(&doc);
	CHECK_INT(parse("[\"\\ud83d\"]", &doc), -EINVAL);
	CHECK_INT(parse("[\"\\ud83d\\u0041\"]", &doc), -EINVAL);
	CHECK_INT(parse("[\"\\ude00\"]", &doc), -EINVAL);
	CHECK_INT(parse("[\"\\u12G4\"]", &doc), -EINVAL);
	CHECK_INT(parse("[\"\\u12\"]", &doc), -EINVAL);
	CHECK_INT(parse("{\"a\\u0000\": 1}", &doc), -EINVAL); /* a NUL in a name */
	CHECK_INT(parse("[\"caf\xe9\"]", &doc), -EINVAL);      /* Latin-1, not UTF-8 */
	CHECK_INT(parse("[\"\\x41\"]", &doc), -EINVAL);
	CHECK_STR(doc.error, "invalid escape near '\"\\x'");
	CHECK_INT(doc.line, 1);
	CHECK_INT(doc.column, 4);
}

static void malformed(void)
{
	struct vjson doc;
	static const char *const bad[] = {
		"", "   ", "{", "{\"persistence\": [", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}",
		"[1 2]", "[01]", "[1.]", "[.5]", "[1e]", "[-]", "[+1]", "[tru]", "[nul]", "[True]",
		"\"unterminated", "[\"tab\there\"]", "{} x", "{}{}", "[1]]", "// comment\n{}",
		"{'a': 1}", "[\"a\"\n", "[\"\\", NULL,
	};

	for (int i = 0; bad[i]; i++) {
		int ret = parse(bad[i], &doc);

		if (ret != -EINVAL)
			fprintf(stderr, "  accepted: %s\n", bad[i]);
		CHECK_INT(ret, -EINVAL);
		CHECK(doc.error[0] && !strchr(doc.error, '\t') && !strchr(doc.error, '\n'));
		CHECK(doc.line >= 1 && doc.column >= 1); /* every syntax error has a place */
		CHECK(doc.root == NULL);
	}
	CHECK_INT(vjson_parse("[1]\0", 4, &doc), -EINVAL);
	CHECK_STR(doc.error, "a NUL byte (is the file UTF-16? save it as UTF-8)");
	CHECK_INT(doc.column, 4);
	CHECK_INT(parse("{\n  \"a\": [1,\n   2 3]\n}", &doc), -EINVAL);
	CHECK_STR(doc.error, "']' expected near '3'");
	CHECK_INT(doc.line, 3);
	CHECK_INT(doc.column, 6);
	/* columns count characters, not bytes */
	CHECK_INT(parse("[\"\xc3\xa9\xc3\xa9\", 1 2]", &doc), -EINVAL);
	CHECK_INT(doc.column, 10);
}

static void nesting_limit(void)
{
	struct vjson doc;
	char text[2 * 100000 + 1];

	memset(text, '[', VJSON_MAX_DEPTH);
	memset(text + VJSON_MAX_DEPTH, ']', VJSON_MAX_DEPTH);
	text[2 * VJSON_MAX_DEPTH] = '\0';
	CHECK_INT(parse(text, &doc), 0);
	CHECK_INT(doc.count, VJSON_MAX_DEPTH);
	vjson_free(&doc);
	memset(text, '[', VJSON_MAX_DEPTH + 1);
	memset(text + VJSON_MAX_DEPTH + 1, ']', VJSON_MAX_DEPTH + 1);
	text[2 * VJSON_MAX_DEPTH + 2] = '\0';
	CHECK_INT(parse(text, &doc), -EINVAL);
	CHECK_STR(doc.error, "arrays and objects nested more than 32 deep");
	CHECK(!doc.root);
	/* deeper than jansson's own bound: refused by its parser, with a place */
	memset(text, '[', 100000);
	memset(text + 100000, ']', 100000);
	text[200000] = '\0';
	CHECK_INT(parse(text, &doc), -EINVAL);
	CHECK(doc.line == 1 && doc.column > VJSON_MAX_DEPTH);
}

static void size_limits(void)
{
	struct vjson doc;
	size_t len = VJSON_MAX_SIZE + 1;
	char *text = malloc(len);

	CHECK(text);
	memset(text, ' ', len);
	text[0] = '0';
	CHECK_INT(vjson_parse(text, len, &doc), -E2BIG);
	CHECK_STR(doc.error, "larger than 1 MiB");
	/* [0,0,0,...]: more values than allowed */
	text[0] = '[';
	for (size_t i = 1; i < 2 * VJSON_MAX_VALUES + 1; i += 2) {
		text[i] = '0';
		text[i + 1] = ',';
	}
	text[2 * VJSON_MAX_VALUES + 1] = '0';
	text[2 * VJSON_MAX_VALUES + 2] = ']';
	CHECK_INT(vjson_parse(text, 2 * VJSON_MAX_VALUES + 3, &doc), -E2BIG);
	CHECK(!doc.root);
	free(text);
}

static void byte_order_marks(void)
{
	struct vjson doc;

	CHECK_INT(parse("\xef\xbb\xbf{\"a\": 1}", &doc), 0);
	CHECK(json_integer_value(json_object_get(doc.root, "a")) == 1);
	vjson_free(&doc);
	CHECK_INT(vjson_parse("\xff\xfe{\0}\0", 6, &doc), -EINVAL);
	CHECK_STR(doc.error, "the text is UTF-16; save it as UTF-8");
	/* UTF-16 without a mark: the first NUL says it */
	CHECK_INT(vjson_parse("{\0\"\0a\0\"\0:\0", 10, &doc), -EINVAL);
	CHECK_STR(doc.error, "a NUL byte (is the file UTF-16? save it as UTF-8)");
	CHECK_INT(doc.line, 1);
}

/* ---- the persistence plugin ---- */

static void wildcard_matches_one_character(void)
{
	const char *json = "{\"persistence\": [{\"image\": \"/ISO/ubuntu-2*.04.iso\", "
			   "\"backend\": \"/p.dat\"}]}";
	struct ventoy_persistence_choice c;

	CHECK_INT(lookup(json, "/ISO/ubuntu-24.04.iso", &c), 0);
	CHECK(c.matched);
	CHECK_STR(c.image, "/ISO/ubuntu-2*.04.iso");
	CHECK_INT(c.chosen, 0);
	CHECK_STR(c.backends[0], "/p.dat");
	ventoy_persistence_choice_free(&c);
	CHECK_INT(lookup(json, "/ISO/ubuntu-2/.04.iso", &c), 0);
	CHECK(c.matched);
	ventoy_persistence_choice_free(&c);
	CHECK_INT(lookup(json, "/ISO/ubuntu-2.04.iso", &c), 0); /* zero characters */
	CHECK(!c.matched);
	CHECK_INT(c.chosen, -1);
	CHECK_STR(c.reason, "no persistence entry matches /ISO/ubuntu-2.04.iso");
	ventoy_persistence_choice_free(&c);
	CHECK_INT(lookup(json, "/ISO/ubuntu-224.04.iso", &c), 0); /* two */
	CHECK(!c.matched);
	ventoy_persistence_choice_free(&c);
}

static void case_sensitive_and_exact(void)
{
	const char *json = "{\"persistence\": [{\"image\": \"/ISO/Ubuntu.iso\", \"backend\": "
			   "\"/p.dat\"}]}";
	struct ventoy_persistence_choice c;

	CHECK_INT(lookup(json, "/ISO/ubuntu.iso", &c), 0);
	CHECK(!c.matched);
	ventoy_persistence_choice_free(&c);
	CHECK_INT(lookup(json, "/ISO/Ubuntu.iso.bak", &c), 0);
	CHECK(!c.matched);
	ventoy_persistence_choice_free(&c);
	CHECK_INT(lookup(json, "/ISO/Ubuntu.is", &c), 0);
	CHECK(!c.matched);
	ventoy_persistence_choice_free(&c);
	CHECK_INT(lookup(json, "/ISO/Ubuntu.iso", &c), 0);
	CHECK(c.matched);
	ventoy_persistence_choice_free(&c);
}

/* A path typed almost right matches nothing, as in Ventoy, but the reason
 * names the entry and what is wrong with it. */
static void near_misses_named(void)
{
	struct ventoy_persistence_choice c;

	CHECK_INT(lookup("{\"persistence\": [{\"image\": \"/a.iso\", \"backend\": \"/a.dat\"}, "
			 "{\"image\": \"/ISO images//x.iso\", \"backend\": \"/p.dat\"}]}",
			 "/ISO images/x.iso", &c), 0);
	CHECK(!c.matched);
	CHECK(c.near_miss);
	CHECK(strstr(c.reason, "entry 2's image \"/ISO images//x.iso\" was likely meant for it, "
			       "but it holds a doubled '/'"));
	ventoy_persistence_choice_free(&c);
	CHECK_INT(lookup("{\"persistence\": [{\"image\": \"/ISO/x.iso \", \"backend\": \"/p.dat\"}]}",
			 "/ISO/x.iso", &c), 0);
	CHECK(c.near_miss);
	CHECK(strstr(c.reason, "entry 1's image \"/ISO/x.iso \""));
	CHECK(strstr(c.reason, "it ends with a space"));
	ventoy_persistence_choice_free(&c);
	CHECK_INT(lookup("{\"persistence\": [{\"image\": \"/iso/X.iso\", \"backend\": \"/p.dat\"}]}",
			 "/ISO/x.iso", &c), 0);
	CHECK(c.near_miss);
	CHECK(strstr(c.reason, "it differs in upper and lower case"));
	ventoy_persistence_choice_free(&c);
	CHECK_INT(lookup("{\"persistence\": [{\"image\": \"/ISO/y.iso\", \"backend\": \"/p.dat\"}]}",
			 "/ISO/x.iso", &c), 0);
	CHECK(!c.near_miss);
	CHECK_STR(c.reason, "no persistence entry matches /ISO/x.iso");
	ventoy_persistence_choice_free(&c);
	CHECK_STR(ventoy_path_hint("/persistence/casper-rw.dat "), "it ends with a space");
	CHECK_STR(ventoy_path_hint(" /p.dat"), "it begins with a space");
	CHECK_STR(ventoy_path_hint("/p//q.dat"), "it holds a doubled '/'");
	CHECK(ventoy_path_hint("/p/q.dat") == NULL);
}

/* As in Ventoy, whose parser prepends each entry to its list. */
static void last_match_wins(void)
{
	const char *json = "{\"persistence\": ["
			   "{\"image\": \"/ISO/other.iso\", \"backend\": \"/o.dat\"},"
			   "{\"image\": \"/ISO/x*.iso\", \"backend\": \"/first.dat\"},"
			   "{\"image\": \"/ISO/x1.iso\", \"backend\": \"/second.dat\"}]}";
	struct ventoy_persistence_choice c;

	CHECK_INT(lookup(json, "/ISO/x1.iso", &c), 0);
	CHECK(c.matched);
	CHECK_INT(c.entry, 2);
	CHECK_STR(c.backends[c.chosen], "/second.dat");
	ventoy_persistence_choice_free(&c);
	/* an ISO only the earlier pattern matches still gets that one */
	CHECK_INT(lookup(json, "/ISO/x2.iso", &c), 0);
	CHECK_INT(c.entry, 1);
	CHECK_STR(c.backends[c.chosen], "/first.dat");
	ventoy_persistence_choice_free(&c);
}

static void backend_string_or_array(void)
{
	struct ventoy_persistence_choice c;

	CHECK_INT(lookup("{\"persistence\": [{\"image\": \"/a.iso\", \"backend\": \"/a.dat\"}]}",
			 "/a.iso", &c), 0);
	CHECK_INT(c.count, 1);
	CHECK_INT(c.autosel_state, VENTOY_AUTOSEL_ABSENT);
	CHECK_INT(c.timeout, -1);
	CHECK_INT(c.chosen, 0);
	CHECK_STR(c.reason, "the only backend, no autosel");
	ventoy_persistence_choice_free(&c);
	CHECK_INT(lookup("{\"persistence\": [{\"image\": \"/a.iso\", \"backend\": "
			 "[\"/a.dat\", \"/b.dat\", \"/c.dat\"], \"autosel\": 3, \"timeout\": 10}]}",
			 "/a.iso", &c), 0);
	CHECK_INT(c.count, 3);
	CHECK_STR(c.backends[0], "/a.dat");
	CHECK_STR(c.backends[2], "/c.dat");
	CHECK_INT(c.autosel_state, VENTOY_AUTOSEL_SET);
	CHECK_INT(c.autosel, 3);
	CHECK_INT(c.timeout, 10);
	CHECK_INT(c.chosen, 2);
	CHECK_STR(c.reason, "autosel 3");
	ventoy_persistence_choice_free(&c);
	/* An empty array is an entry without a backend. */
	CHECK_INT(lookup("{\"persistence\": [{\"image\": \"/a.iso\", \"backend\": []}]}", "/a.iso",
			 &c), 0);
	CHECK(c.matched);
	CHECK_INT(c.chosen, -1);
	CHECK_STR(c.reason, "the entry lists no backend");
	ventoy_persistence_choice_free(&c);
}

static void autosel_rules(void)
{
	struct ventoy_persistence_choice c;
	static const struct {
		const char *entry_tail;
		int chosen;
		const char *reason;
	} cases[] = {
		{ "\"backend\": \"/a.dat\", \"autosel\": 0", -1, "autosel 0" },
		{ "\"backend\": [\"/a.dat\", \"/b.dat\"], \"autosel\": 0", -1, "autosel 0" },
		{ "\"backend\": [\"/a.dat\", \"/b.dat\"]", -1, "several backends, no autosel" },
		{ "\"backend\": [\"/a.dat\"]", 0, "the only backend, no autosel" },
		{ "\"backend\": [\"/a.dat\", \"/b.dat\"], \"autosel\": 2", 1, "autosel 2" },
		{ "\"backend\": [\"/a.dat\", \"/b.dat\"], \"autosel\": 3", -1,
		  "autosel 3 out of range 1..2" },
		{ "\"backend\": \"/a.dat\", \"autosel\": -1", -1, "autosel -1 out of range 1..1" },
			{ "\"backend\": \"/a.dat\", \"autosel\": \"1\"", -1, "autosel is not a whole number" },
		{ "\"backend\": \"/a.dat\", \"autosel\": 1.0", -1, "autosel is not a whole number" },
		{ "\"backend\": \"/a.dat\", \"autosel\": null", -1, "autosel is not a whole number" },
		{ "\"backend\": \"/a.dat\", \"timeout\": -5", 0, "the only backend, no autosel" },
	};
	char json[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(json, sizeof(json), "{\"persistence\": [{\"image\": \"/a.iso\", %s}]}",
			 cases[i].entry_tail);
		CHECK_INT(lookup(json, "/a.iso", &c), 0);
		CHECK(c.matched);
		CHECK_INT(c.chosen, cases[i].chosen);
		CHECK_STR(c.reason, cases[i].reason);
		CHECK_INT(c.timeout, -1);
		ventoy_persistence_choice_free(&c);
	}
	/* An autosel too big for 64 bits makes the text unusable, not the entry. */
	CHECK_INT(lookup("{\"persistence\": [{\"image\": \"/a.iso\", \"backend\": \"/a.dat\", "
			 "\"autosel\": 99999999999999999999}]}", "/a.iso", &c), -EINVAL);
	CHECK(!c.matched);
	CHECK_INT(c.chosen, -1);
	CHECK_STR(c.reason, "not valid JSON: line 1, column 89: too big integer near "
			    "'99999999999999999999'");
	ventoy_persistence_choice_free(&c);
}

static int exists_unless_b(const char *path, void *ctx)
{
	(*(int *)ctx)++;
	return strcmp(path, "/b.dat") != 0;
}

static int never_exists(const char *path, void *ctx)
{
	(void)path;
	(void)ctx;
	return 0;
}

static void missing_backends_dropped(void)
{
	struct ventoy_persistence_choice c;
	int calls = 0;

	/* Ventoy numbers the backends that exist: autosel 2 is /c.dat here. */
	CHECK_INT(lookup("{\"persistence\": [{\"image\": \"/a.iso\", \"backend\": "
			 "[\"/a.dat\", \"/b.dat\", \"/c.dat\"], \"autosel\": 2}]}", "/a.iso", &c), 0);
	CHECK_STR(c.backends[c.chosen], "/b.dat");
	CHECK_INT(ventoy_persistence_drop_missing(&c, exists_unless_b, &calls), 1);
	CHECK_INT(calls, 3);
	CHECK_INT(c.count, 2);
	CHECK_INT(c.dropped, 1);
	CHECK_STR(c.backends[0], "/a.dat");
	CHECK_STR(c.backends[1], "/c.dat");
	CHECK_STR(c.backends[c.chosen], "/c.dat");
	ventoy_persistence_choice_free(&c);

	/* Two listed, one left: taken without autosel. */
	CHECK_INT(lookup("{\"persistence\": [{\"image\": \"/a.iso\", \"backend\": "
			 "[\"/b.dat\", \"/c.dat\"]}]}", "/a.iso", &c), 0);
	CHECK_INT(c.chosen, -1);
	CHECK_INT(ventoy_persistence_drop_missing(&c, exists_unless_b, &calls), 1);
	CHECK_INT(c.chosen, 0);
	CHECK_STR(c.backends[0], "/c.dat");
	ventoy_persistence_choice_free(&c);

	/* autosel now past the end. */
	CHECK_INT(lookup("{\"persistence\": [{\"image\": \"/a.iso\", \"backend\": "
			 "[\"/a.dat\", \"/b.dat\"], \"autosel\": 2}]}", "/a.iso", &c), 0);
	ventoy_persistence_drop_missing(&c, exists_unless_b, &calls);
	CHECK_INT(c.chosen, -1);
	CHECK_STR(c.reason, "autosel 2 out of range 1..1");
	ventoy_persistence_choice_free(&c);

	CHECK_INT(lookup("{\"persistence\": [{\"image\": \"/a.iso\", \"backend\": \"/a.dat\"}]}",
			 "/a.iso", &c), 0);
	CHECK_INT(ventoy_persistence_drop_missing(&c, never_exists, NULL), 1);
	CHECK_INT(c.chosen, -1);
	CHECK_INT(c.count, 0);
	CHECK_STR(c.reason, "no backend file exists (1 missing)");
	ventoy_persistence_choice_free(&c);
}

static void bad_entries_skipped(void)
{
	struct ventoy_persistence_choice c;
	const char *json = "{\"persistence\": ["
			   "\"not an object\", 7, {\"backend\": \"/nomatch.dat\"},"
			   "{\"image\": \"ISO/a.iso\", \"backend\": \"/relative-image.dat\"},"
			   "{\"image\": \"/ISO/a.iso\", \"backend\": \"../up.dat\"},"
			   "{\"image\": \"/ISO/a.iso\", \"backend\": [\"/ok.dat\", \"/x/../y.dat\"]},"
			   "{\"image\": \"/ISO/a.iso\", \"backend\": [\"/ok.dat\", 5]},"
			   "{\"image\": \"/ISO/a.iso\", \"backend\": \"/n\\u0000ul.dat\"},"
			   "{\"image\": \"/ISO/a.iso\", \"backend\": {\"a\": \"/b\"}},"
			   "{\"image\": \"/ISO/a.iso\"},"
			   "{\"image\": \"/ISO/a.iso\", \"backend\": \"/good.dat\"}]}";

	CHECK_INT(lookup(json, "/ISO/a.iso", &c), 0);
	CHECK(c.matched);
	CHECK_INT(c.entry, 10);
	CHECK_STR(c.backends[c.chosen], "/good.dat");
	ventoy_persistence_choice_free(&c);
	/* Without the good entry: the refusal of the last match is the reason. */
	CHECK_INT(lookup("{\"persistence\": [{\"image\": \"/ISO/a.iso\"},"
			 "{\"image\": \"/ISO/a.iso\", \"backend\": \"../up.dat\"}]}", "/ISO/a.iso",
			 &c), 0);
	CHECK(!c.matched);
	CHECK_STR(c.reason, "persistence entry 2 (/ISO/a.iso) matches but is skipped: its backend "
			    "is not a clean absolute path");
	ventoy_persistence_choice_free(&c);
	/* Control characters never reach a log line. */
	CHECK_INT(lookup("{\"persistence\": [{\"image\": \"/a\\n*.iso\"}]}", "/a\nb.iso", &c), 0);
	CHECK_STR(c.reason, "persistence entry 1 (/a?*.iso) matches but is skipped: it has no "
			    "\"backend\"");
	ventoy_persistence_choice_free(&c);
}

static void other_plugins_ignored(void)
{
	struct ventoy_persistence_choice c;
	const char *json =
		"{\"control\": [{\"VTOY_DEFAULT_MENU_MODE\": \"0\"}],"
		" \"theme\": {\"file\": \"/ventoy/theme/theme.txt\", \"gfxmode\": \"1920x1080\"},"
		" \"persistence_x\": [{\"image\": \"/a.iso\", \"backend\": \"/x.dat\"}],"
		" \"persistencex\": [{\"image\": \"/a.iso\", \"backend\": \"/y.dat\"}],"
		" \"menu_alias\": [{\"image\": \"/a.iso\", \"alias\": \"A \\u00e9\"}],"
		" \"auto_install\": [{\"image\": \"/a.iso\", \"template\": \"/t.xml\"}],"
		" \"persistence_uefi\": [{\"image\": \"/a.iso\", \"backend\": \"/uefi.dat\"}],"
		" \"persistence\": [{\"image\": \"/a.iso\", \"backend\": \"/p.dat\","
		" \"persistence\": [{\"image\": \"/a.iso\", \"backend\": \"/nested.dat\"}]}],"
		" \"image_list\": [\"/a.iso\"]}";

	CHECK_INT(lookup(json, "/a.iso", &c), 0);
	CHECK(c.matched);
	CHECK_INT(c.count, 1);
	CHECK_STR(c.backends[0], "/p.dat");
	ventoy_persistence_choice_free(&c);
	/* The boot mode's own key comes first, as in Ventoy. */
	CHECK_INT(ventoy_json_persistence_mode(json, strlen(json), "/a.iso", "uefi", &c), 0);
	CHECK_STR(c.backends[0], "/uefi.dat");
	ventoy_persistence_choice_free(&c);
	CHECK_INT(ventoy_json_persistence_mode(json, strlen(json), "/a.iso", "legacy", &c), 0);
	CHECK_STR(c.backends[0], "/p.dat");
	ventoy_persistence_choice_free(&c);
	/* Nothing for persistence at all. */
	CHECK_INT(lookup("{\"control\": [], \"persistence_x\": []}", "/a.iso", &c), 0);
	CHECK(!c.matched);
	CHECK_STR(c.reason, "no persistence plugin");
	ventoy_persistence_choice_free(&c);
	CHECK_INT(lookup("{\"persistence\": {\"image\": \"/a.iso\"}}", "/a.iso", &c), 0);
	CHECK_STR(c.reason, "\"persistence\" is not an array");
	ventoy_persistence_choice_free(&c);
	CHECK_INT(lookup("[{\"persistence\": []}]", "/a.iso", &c), 0);
	CHECK_STR(c.reason, "the top level is not an object");
	ventoy_persistence_choice_free(&c);
}

static void unicode_in_paths(void)
{
	struct ventoy_persistence_choice c;

	CHECK_INT(lookup("{\"persistence\": [{\"image\": \"/ISO/caf\\u00e9.iso\", \"backend\": "
			 "\"/\\u00e9t\\u00e9.dat\"}]}", "/ISO/caf\xc3\xa9.iso", &c), 0);
	CHECK(c.matched);
	CHECK_STR(c.backends[0], "/\xc3\xa9t\xc3\xa9.dat");
	ventoy_persistence_choice_free(&c);
	/* '*' is one byte, as in Ventoy: a two-byte character needs "**". */
	CHECK_INT(lookup("{\"persistence\": [{\"image\": \"/ISO/caf*.iso\", \"backend\": \"/p.dat\"}]}",
			 "/ISO/caf\xc3\xa9.iso", &c), 0);
	CHECK(!c.matched);
	ventoy_persistence_choice_free(&c);
	CHECK_INT(lookup("{\"persistence\": [{\"image\": \"/ISO/caf**.iso\", \"backend\": \"/p.dat\"}]}",
			 "/ISO/caf\xc3\xa9.iso", &c), 0);
	CHECK(c.matched);
	ventoy_persistence_choice_free(&c);
}

static void malformed_json_reported(void)
{
	struct ventoy_persistence_choice c;
	char deep[2 * (VJSON_MAX_DEPTH + 1)];
	const char *json = "{\"persistence\": [{\"image\": \"/a.iso\", \"backend\": \"/p.dat\"}]}";

	CHECK_INT(ventoy_json_persistence(json, strlen(json) - 3, "/a.iso", &c), -EINVAL);
	CHECK(!c.matched);
	CHECK_INT(c.chosen, -1);
	CHECK_STR(c.reason, "not valid JSON: line 1, column 56: '}' expected near end of file");
	ventoy_persistence_choice_free(&c);
	CHECK_INT(lookup("{\"persistence\": []} trailing", "/a.iso", &c), -EINVAL);
	CHECK_STR(c.reason, "not valid JSON: line 1, column 28: end of file expected near "
			    "'trailing'");
	ventoy_persistence_choice_free(&c);
	/* the depth bound is ours, checked after jansson's parse: no place */
	memset(deep, '[', sizeof(deep) / 2);
	memset(deep + sizeof(deep) / 2, ']', sizeof(deep) / 2);
	CHECK_INT(ventoy_json_persistence(deep, sizeof(deep), "/a.iso", &c), -EINVAL);
	CHECK_STR(c.reason, "not read: arrays and objects nested more than 32 deep");
	ventoy_persistence_choice_free(&c);
}

const struct unit_test ventoy_json_tests[] = {
	UNIT_TEST(parser_values),
	UNIT_TEST(duplicate_names_refused),
	UNIT_TEST(numbers_that_do_not_fit),
	UNIT_TEST(unicode_escapes),
	UNIT_TEST(malformed),
	UNIT_TEST(nesting_limit),
	UNIT_TEST(size_limits),
	UNIT_TEST(byte_order_marks),
	UNIT_TEST(wildcard_matches_one_character),
	UNIT_TEST(case_sensitive_and_exact),
	UNIT_TEST(near_misses_named),
	UNIT_TEST(last_match_wins),
	UNIT_TEST(backend_string_or_array),
	UNIT_TEST(autosel_rules),
	UNIT_TEST(missing_backends_dropped),
	UNIT_TEST(bad_entries_skipped),
	UNIT_TEST(other_plugins_ignored),
	UNIT_TEST(unicode_in_paths),
	UNIT_TEST(malformed_json_reported),
	{ NULL, NULL },
};
