#include "paths.h"

#include <errno.h>
#include <stdio.h>

int run_path(char *buf, size_t len, const char *run_dir, const char *sub, const char *name)
{
	int n = snprintf(buf, len, "%s/%s%s%s", run_dir, sub, name ? "/" : "", name ? name : "");

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}
