/* The check's report for people: the same document --json prints. */
#include <stdio.h>
#include <string.h>

#include "stick_check.h"
#include "store_space.h"

static const char *str(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "";
}

static void print_store(const json_t *s, FILE *out)
{
	char size[32], free_b[32];
	const json_t *used = json_object_get(s, "used_percent");
	json_int_t frags = json_integer_value(json_object_get(s, "fragments"));

	fprintf(out, "  store %s: %s, label \"%s\", %s", str(s, "path"),
		str(s, "fstype")[0] ? str(s, "fstype") : "no filesystem", str(s, "label"),
		store_space_size((unsigned long long)json_integer_value(json_object_get(s, "size")), size,
				 sizeof(size)));
	if (json_is_integer(used))
		fprintf(out, ", %lld%% used (%s free)", (long long)json_integer_value(used),
			store_space_size((unsigned long long)json_integer_value(json_object_get(s, "free")),
					 free_b, sizeof(free_b)));
	if (frags > 0)
		fprintf(out, ", %lld fragment%s", (long long)frags, frags > 1 ? "s" : "");
	else if (frags < 0 && !strcmp(str(s, "kind"), "file"))
		fprintf(out, ", fragments unknown (the filesystem does not say)");
	fprintf(out, ", fsck %s", str(s, "fsck"));
	if (json_is_true(json_object_get(s, "persistence_conf")))
		fprintf(out, ", persistence.conf with %lld entr%s",
			(long long)json_integer_value(json_object_get(s, "conf_entries")),
			json_integer_value(json_object_get(s, "conf_entries")) == 1 ? "y" : "ies");
	fprintf(out, "\n");
	if (!json_is_true(json_object_get(s, "looked_inside")))
		fprintf(out, "    not looked inside: %s\n", str(s, "not_inside"));
}

void stick_report_print(const json_t *report, FILE *out)
{
	const json_t *vj = json_object_get(report, "ventoy_json"), *iso, *p, *line, *s;
	size_t i, j, n_problems = 0, n_warnings = 0;

	fprintf(out, "stick: %s\n", str(report, "stick"));
	fprintf(out, "ventoy.json: %s\n",
		!json_is_true(json_object_get(vj, "present")) ? "none (no persistence plugin)"
		: json_object_get(vj, "error")                ? str(vj, "error")
							      : "read");
	json_array_foreach(json_object_get(report, "isos"), i, iso) {
		fprintf(out, "\n%s: %s", str(iso, "path"),
			str(iso, "convention")[0] ? str(iso, "convention") : "convention unknown");
		fprintf(out, " (%s)\n", str(iso, "convention_how"));
		json_array_foreach(json_object_get(iso, "boot"), j, line)
			fprintf(out, "  boot: %s\n", json_string_value(line));
		json_array_foreach(json_object_get(report, "stores"), j, s) {
			const json_t *e, *b;
			size_t k, l;
			bool used = false;

			json_array_foreach(json_object_get(iso, "ventoy"), k, e)
				json_array_foreach(json_object_get(e, "backends"), l, b)
					used |= !strcmp(json_string_value(b), str(s, "path"));
			json_array_foreach(json_object_get(iso, "label_stores"), k, b)
				used |= !strcmp(json_string_value(b), str(s, "path"));
			if (used)
				print_store(s, out);
		}
	}
	json_array_foreach(json_object_get(report, "problems"), i, p) {
		bool problem = !strcmp(str(p, "severity"), "problem");

		if (!n_problems && !n_warnings)
			fprintf(out, "\n");
		problem ? n_problems++ : n_warnings++;
		fprintf(out, "%s: ", problem ? "PROBLEM" : "warning");
		if (str(p, "iso")[0])
			fprintf(out, "%s: ", str(p, "iso"));
		if (str(p, "store")[0])
			fprintf(out, "%s: ", str(p, "store"));
		fprintf(out, "%s\n", str(p, "what"));
		if (str(p, "fix")[0])
			fprintf(out, "  fix: %s\n", str(p, "fix"));
	}
	fprintf(out, "\n%zu problem%s, %zu warning%s\n", n_problems, n_problems == 1 ? "" : "s",
		n_warnings, n_warnings == 1 ? "" : "s");
}
