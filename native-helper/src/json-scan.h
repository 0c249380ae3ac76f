/*
 * A strict JSON scanner for one untrusted line.
 *
 * Scanning and decoding (json-decode.h) are separate so a caller can check
 * the whole line's syntax first and then decode only the values it wants,
 * straight into its own buffers. Nothing here allocates or reads past the
 * length it is given; the scanner only records where things lie.
 */
#ifndef FF_JSON_SCAN_H
#define FF_JSON_SCAN_H

#include <stdbool.h>
#include <stddef.h>

enum json_kind {
	JSON_STRING,
	JSON_INT,		/* no fraction, no exponent */
	JSON_FLOAT,
	JSON_TRUE,
	JSON_FALSE,
	JSON_NULL,
	JSON_ARRAY,
	JSON_OBJECT,
};

/* A position in s[0..len); callers keep it on their stack. */
struct json_cur {
	const char *s;
	size_t len;
	size_t pos;
	const char *why;	/* set when a scan fails; static text */
};

/* One member of the top-level object, as raw spans into the line. */
struct json_member {
	const char *key;	/* raw, between the quotes */
	size_t klen;
	enum json_kind kind;
	const char *val;	/* raw; for strings, between the quotes */
	size_t vlen;
};

/*
 * Checks that c->s[c->pos..len) holds one JSON object and nothing else but
 * whitespace. The first cap members go to m[]; *n counts all of them, so
 * *n > cap says some were not recorded. On failure c->pos and c->why say
 * where and why; m[] and *n are then meaningless.
 */
bool json_scan_object(struct json_cur *c, struct json_member *m, size_t cap,
		      size_t *n);

/* Points c at the elements of an array member json_scan_object accepted. */
void json_array_begin(struct json_cur *c, const struct json_member *m);

/* The next element's kind and raw span (as in json_member); false at ']'. */
bool json_next_elem(struct json_cur *c, enum json_kind *k, const char **v,
		    size_t *vn);

#endif
