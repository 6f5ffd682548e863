/* A minimal unit-test harness: each test is a function; a failed CHECK
 * reports and ends that test. main() prints "unit: N passed, N failed". */
#ifndef VTOY_UNIT_H
#define VTOY_UNIT_H

#include <stdio.h>
#include <string.h>

extern int unit_failed;

#define CHECK(cond)                                                                    \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, \
				#cond);                                                \
			unit_failed = 1;                                               \
			return;                                                        \
		}                                                                      \
	} while (0)

#define CHECK_STR(got, want)                                                           \
	do {                                                                           \
		const char *g_ = (got), *w_ = (want);                                  \
		if (!g_ || !w_ ? g_ != w_ : strcmp(g_, w_) != 0) {                     \
			fprintf(stderr, "  %s:%d: %s is \"%s\", want \"%s\"\n", __FILE__, \
				__LINE__, #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)");  \
			unit_failed = 1;                                               \
			return;                                                        \
		}                                                                      \
	} while (0)

#define CHECK_INT(got, want)                                                           \
	do {                                                                           \
		long long g_ = (got), w_ = (want);                                     \
		if (g_ != w_) {                                                        \
			fprintf(stderr, "  %s:%d: %s is %lld, want %lld\n", __FILE__,  \
				__LINE__, #got, g_, w_);                               \
			unit_failed = 1;                                               \
			return;                                                        \
		}                                                                      \
	} while (0)

/* Makes ROOT/SPEC as a directory, or a file holding the text after '='
 * ("a/b=08"), with its parents: a fake sysfs (test_storage_settle.c). */
void unit_fake_sysfs(const char *root, const char *spec);

struct unit_test {
	const char *name;
	void (*fn)(void);
};

#define UNIT_TEST(name) { #name, name }

/* One suite per line, so that branches adding suites merge cleanly. */
extern const struct unit_test cmdline_tests[];
extern const struct unit_test kvlist_tests[];
extern const struct unit_test safepath_tests[];
extern const struct unit_test storage_settle_tests[];
extern const struct unit_test drivers_tests[];
extern const struct unit_test medium_source_tests[];
extern const struct unit_test store_tests[];
extern const struct unit_test pconf_tests[];
extern const struct unit_test ventoy_param_tests[];
extern const struct unit_test ventoy_json_tests[];
extern const struct unit_test dm_tests[];
extern const struct unit_test ventoy_handover_tests[];
extern const struct unit_test devspec_tests[];
extern const struct unit_test root_layout_tests[];
extern const struct unit_test request_tests[];
extern const struct unit_test fs_tree_tests[];
extern const struct unit_test custom_mounts_tests[];
extern const struct unit_test persistence_remove_tests[];
extern const struct unit_test iso_change_tests[];
extern const struct unit_test status_tests[];
extern const struct unit_test medium_tests[];
extern const struct unit_test ventoy_store_tests[];
extern const struct unit_test stick_tests[];
extern const struct unit_test blkdev_tests[];

#endif
