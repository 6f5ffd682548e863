#include <stdio.h>

#include "unit.h"

int unit_failed;

int main(void)
{
	const struct unit_test *suites[] = {
		cmdline_tests,
		kvlist_tests,
		safepath_tests,
		medium_source_tests,
		store_tests,
		pconf_tests,
		ventoy_param_tests,
		ventoy_json_tests,
		dm_tests,
		ventoy_handover_tests,
		devspec_tests,
		root_layout_tests,
		request_tests,
		fs_tree_tests,
		custom_mounts_tests,
		persistence_remove_tests,
		iso_change_tests,
		status_tests,
		medium_tests,
		ventoy_store_tests,
		storage_settle_tests,
		drivers_tests,
		stick_tests,
		blkdev_tests,
		NULL,
	};
	int passed = 0, failed = 0;

	for (int s = 0; suites[s]; s++) {
		for (const struct unit_test *t = suites[s]; t->name; t++) {
			unit_failed = 0;
			t->fn();
			if (unit_failed) {
				failed++;
				printf("FAIL %s\n", t->name);
			} else {
				passed++;
			}
		}
	}
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
