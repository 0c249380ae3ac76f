/*
 * Strict JSON (RFC 8259, no extensions) over bytes that utf8_valid() has
 * already accepted. The scanner walks the whole line once and records only
 * spans, so a caller learns the line is well-formed before it decodes
 * anything; the decoders (json-decode.c) then run on one scanned span at a
 * time, which is why they may skip the checks the scanner made.
 */
#include <string.h>

#include "json-scan.h"

#define MAX_DEPTH	32	/* nesting is scanned only to be reported */

/* Where the top-level object's members go; NULL for nested containers. */
struct record {
	struct json_member *m;
	size_t cap;
	size_t n;
};

/* -1 at the end, so no caller can read past len by peeking. */
static int peek(const struct json_cur *c)
{
	return c->pos < c->len ? (unsigned char)c->s[c->pos] : -1;
}

static void skip_ws(struct json_cur *c)
{
	int ch;

	while ((ch = peek(c)) == ' ' || ch == '\t' || ch == '\n' || ch == '\r')
		c->pos++;
}

static bool fail(struct json_cur *c, const char *why)
{
	c->why = why;
	return false;
}

static bool is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

static bool is_hex(int ch)
{
	return is_digit(ch) || (ch >= 'a' && ch <= 'f') ||
	       (ch >= 'A' && ch <= 'F');
}

/* At the opening quote; leaves pos after the closing one. */
static bool scan_string(struct json_cur *c)
{
	int ch, i;

	c->pos++;
	while ((ch = peek(c)) >= 0) {
		c->pos++;
		if (ch == '"')
			return true;
		if (ch < 0x20)
			return fail(c, "control character in string");
		if (ch != '\\')
			continue;
		ch = peek(c);
		if (ch < 0)
			break;
		c->pos++;
		if (ch == 'u') {
			for (i = 0; i < 4; i++, c->pos++)
				if (!is_hex(peek(c)))
					return fail(c, "bad \\u escape");
		} else if (ch == 0 || !strchr("\"\\/bfnrt", ch)) {
			/* strchr() would match the terminator for ch == 0 */
			return fail(c, "bad escape");
		}
	}
	return fail(c, "unterminated string");
}

static bool scan_digits(struct json_cur *c)
{
	size_t start = c->pos;

	while (is_digit(peek(c)))
		c->pos++;
	return c->pos > start;
}

/* JSON_INT only for plain integers, so "1.0" and "1e3" are never ids. */
static bool scan_number(struct json_cur *c, enum json_kind *k)
{
	int ch;

	*k = JSON_INT;
	if (peek(c) == '-')
		c->pos++;
	if (peek(c) == '0')
		c->pos++;	/* no leading zeros: a digit after it fails */
	else if (!scan_digits(c))
		return fail(c, "bad number");
	if (peek(c) == '.') {
		c->pos++;
		if (!scan_digits(c))
			return fail(c, "bad number");
		*k = JSON_FLOAT;
	}
	if ((ch = peek(c)) == 'e' || ch == 'E') {
		c->pos++;
		if ((ch = peek(c)) == '+' || ch == '-')
			c->pos++;
		if (!scan_digits(c))
			return fail(c, "bad number");
		*k = JSON_FLOAT;
	}
	return true;
}

static bool scan_literal(struct json_cur *c, const char *word)
{
	size_t n = strlen(word);

	if (c->len - c->pos < n || memcmp(c->s + c->pos, word, n) != 0)
		return fail(c, "expected a value");
	c->pos += n;
	return true;
}

static bool scan_span(struct json_cur *c, int depth, enum json_kind *k,
		      const char **v, size_t *vn);

/*
 * Arrays and objects, at '[' or '{'. One loop serves both, and the top
 * level too (rec set), so every object obeys the same grammar. The depth
 * limit bounds the recursion, not what a request may hold.
 */
static bool scan_container(struct json_cur *c, int depth, int close,
			   struct record *rec)
{
	struct json_member m = { 0 };

	if (depth >= MAX_DEPTH)
		return fail(c, "nested too deeply");
	c->pos++;
	skip_ws(c);
	if (peek(c) == close) {
		c->pos++;
		return true;
	}
	for (;;) {
		skip_ws(c);
		if (close == '}') {
			if (peek(c) != '"')
				return fail(c, "expected a string key");
			m.key = c->s + c->pos + 1;
			if (!scan_string(c))
				return false;
			m.klen = (size_t)(c->s + c->pos - 1 - m.key);
			skip_ws(c);
			if (peek(c) != ':')
				return fail(c, "expected ':'");
			c->pos++;
			skip_ws(c);
		}
		if (!scan_span(c, depth + 1, &m.kind, &m.val, &m.vlen))
			return false;
		if (rec) {
			if (rec->n < rec->cap)
				rec->m[rec->n] = m;
			rec->n++;
		}
		skip_ws(c);
		if (peek(c) == close) {
			c->pos++;
			return true;
		}
		if (peek(c) != ',')
			return fail(c, close == '}' ? "expected ',' or '}'"
						    : "expected ',' or ']'");
		c->pos++;
	}
}

static bool scan_value(struct json_cur *c, int depth, enum json_kind *k)
{
	int ch = peek(c);

	switch (ch) {
	case '"':
		*k = JSON_STRING;
		return scan_string(c);
	case '[':
		*k = JSON_ARRAY;
		return scan_container(c, depth, ']', NULL);
	case '{':
		*k = JSON_OBJECT;
		return scan_container(c, depth, '}', NULL);
	case 't':
		*k = JSON_TRUE;
		return scan_literal(c, "true");
	case 'f':
		*k = JSON_FALSE;
		return scan_literal(c, "false");
	case 'n':
		*k = JSON_NULL;
		return scan_literal(c, "null");
	}
	if (ch == '-' || is_digit(ch))
		return scan_number(c, k);
	return fail(c, "expected a value");
}

/* Scans a value and returns its raw span, quotes stripped from strings. */
static bool scan_span(struct json_cur *c, int depth, enum json_kind *k,
		      const char **v, size_t *vn)
{
	size_t start = c->pos;

	if (!scan_value(c, depth, k))
		return false;
	*v = c->s + start;
	*vn = c->pos - start;
	if (*k == JSON_STRING) {
		(*v)++;
		*vn -= 2;
	}
	return true;
}

bool json_scan_object(struct json_cur *c, struct json_member *m, size_t cap,
		      size_t *n)
{
	struct record rec = { m, cap, 0 };

	skip_ws(c);
	if (peek(c) != '{')
		return fail(c, "request must be a JSON object");
	if (!scan_container(c, 0, '}', &rec))
		return false;
	skip_ws(c);
	if (c->pos != c->len)
		return fail(c, "unexpected data after the object");
	*n = rec.n;
	return true;
}

/* pos 1 steps over the '['; the span ends at its ']'. */
void json_array_begin(struct json_cur *c, const struct json_member *m)
{
	c->s = m->val;
	c->len = m->vlen;
	c->pos = 1;
	c->why = NULL;
}

/* Trusts the earlier scan: commas are skipped, not checked. */
bool json_next_elem(struct json_cur *c, enum json_kind *k, const char **v,
		    size_t *vn)
{
	skip_ws(c);
	if (peek(c) == ',') {
		c->pos++;
		skip_ws(c);
	}
	if (peek(c) == ']' || peek(c) < 0)
		return false;
	return scan_span(c, 1, k, v, vn);
}
