/*
 * A strict JSON scanner for one untrusted line, the decoders that go with
 * it, and the UTF-8 checks both it and the JSON writer need.
 *
 * Scanning and decoding are separate so a caller can check the whole
 * line's syntax first and then decode only the values it wants, straight
 * into its own buffers. Nothing here allocates or reads past the length
 * it is given; the scanner only records where things lie.
 */
#ifndef FF_JSON_SCAN_H
#define FF_JSON_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

enum json_dec {
	JSON_DEC_OK,
	JSON_DEC_LONG,		/* does not fit the output buffer */
	JSON_DEC_SURROGATE,	/* a \u escape of an unpaired surrogate */
	JSON_DEC_NUL,		/* \u0000, which no C string can carry */
};

/*
 * Decodes the scanned string body s[0..n) into out (NUL-terminated, at
 * most cap-1 bytes) and sets *outlen on JSON_DEC_OK. Valid UTF-8 in gives
 * valid UTF-8 out. cap must be at least 1.
 */
enum json_dec json_decode_string(const char *s, size_t n, char *out,
				 size_t cap, size_t *outlen);

/* s[0..n) is a scanned JSON_INT; false when it does not fit int64. */
bool json_parse_int(const char *s, size_t n, int64_t *v);

/* true when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
bool utf8_valid(const char *s, size_t len);

/* Length (1..4) of the well-formed UTF-8 sequence at s[0..len), or 0 when
 * s does not start with one (jsonw.c uses it to replace bad bytes). */
size_t utf8_seq_len(const char *s, size_t len);

#endif
