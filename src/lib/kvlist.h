/* An ordered list of key/value pairs: the kernel command line and the
 * key=value files under /run/vtoy both parse into one. A key without '=' is a
 * flag: present, with a NULL value. Repeated keys are all kept in order. */
#ifndef VTOY_KVLIST_H
#define VTOY_KVLIST_H

#include <stdbool.h>
#include <stddef.h>

struct kv {
	char *key;
	char *value; /* NULL for a flag */
};

struct kvlist {
	struct kv *items;
	size_t count;
	size_t capacity;
};

int kvlist_add(struct kvlist *l, const char *key, size_t key_len, const char *value,
	       size_t value_len);
void kvlist_free(struct kvlist *l);
/* Adds key=value (a report line); a NULL value is skipped. Running out of
 * memory is logged, not returned: a report line is never worth failing a
 * boot for. */
void kvlist_put(struct kvlist *l, const char *key, const char *value);

/* Value of the last occurrence of key; NULL when absent or only a flag. */
const char *kvlist_get(const struct kvlist *l, const char *key);
/* True when key occurs at all, as a flag or with a value. */
bool kvlist_has(const struct kvlist *l, const char *key);
/* Occurrences of key in order: pass NULL first, then the previous result. */
const struct kv *kvlist_next(const struct kvlist *l, const char *key, const struct kv *prev);

/* key=value files: one pair per line, the value runs to the end of the line. */
int kvfile_read(struct kvlist *l, const char *path);
/* Writes pairs atomically (temporary file + rename). Control characters in
 * values (a newline in a filesystem label, say) are written as '?'; keys
 * must be plain; NULL values are skipped. */
int kvfile_write(const struct kvlist *l, const char *path);

#endif
