/*
 * Strict JSON (RFC 8259, no extensions) over bytes that utf8_valid() has
 * already accepted. The scanner walks the whole line once and records only
 * spans, so a caller learns the line is well-formed before it decodes
 * anything; the decoders then run on one scanned span at a time, which is
 * why they may skip the checks the scanner made.
 */
#include <string.h>

#include "json-scan.h"

#define MAX_DEPTH	32	/* nesting is scanned only to be reported */

/* UTF-8 ------------------------------------------------------------- */

/* Follows RFC 3629's table: each lead byte narrows the 2nd byte's range. */
size_t utf8_seq_len(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char lo = 0x80, hi = 0xBF;	/* range of the 2nd byte */
	size_t n, i;

	if (len == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] < 0xC2)		/* continuation, or overlong C0/C1 */
		return 0;
	if (s[0] < 0xE0) {
		n = 2;
	} else if (s[0] < 0xF0) {
		n = 3;
		if (s[0] == 0xE0)
			lo = 0xA0;	/* overlong */
		else if (s[0] == 0xED)
			hi = 0x9F;	/* UTF-16 surrogates */
	} else if (s[0] < 0xF5) {
		n = 4;
		if (s[0] == 0xF0)
			lo = 0x90;	/* overlong */
		else if (s[0] == 0xF4)
			hi = 0x8F;	/* past U+10FFFF */
	} else {
		return 0;
	}
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	return n;
}

bool utf8_valid(const char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		n = utf8_seq_len(s + i, len - i);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

/* Syntax scan -------------------------------------------------------- */

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

/* Decoding ----------------------------------------------------------- */

/* p[0..4) are hex digits; the scanner checked them. */
static uint32_t hex4(const char *p)
{
	uint32_t v = 0;
	int i, ch;

	for (i = 0; i < 4; i++) {
		ch = (unsigned char)p[i];
		v = v * 16 + (uint32_t)(is_digit(ch) ? ch - '0' :
					(ch | 0x20) - 'a' + 10);
	}
	return v;
}

static size_t encode_utf8(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/*
 * The \u escape at s[*i] (after "\u"), pairing surrogates. A lone one
 * gives 0xFFFFFFFF: encoded, it would be invalid UTF-8 in a path.
 */
static uint32_t decode_u(const char *s, size_t n, size_t *i)
{
	uint32_t hi = hex4(s + *i), lo;

	*i += 4;
	if (hi >= 0xDC00 && hi <= 0xDFFF)
		return 0xFFFFFFFF;
	if (hi < 0xD800 || hi > 0xDBFF)
		return hi;
	if (n - *i < 6 || s[*i] != '\\' || s[*i + 1] != 'u')
		return 0xFFFFFFFF;
	lo = hex4(s + *i + 2);
	if (lo < 0xDC00 || lo > 0xDFFF)
		return 0xFFFFFFFF;
	*i += 6;
	return 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
}

static uint32_t unescape(char ch)
{
	switch (ch) {
	case 'b':	return '\b';
	case 'f':	return '\f';
	case 'n':	return '\n';
	case 'r':	return '\r';
	case 't':	return '\t';
	}
	return (unsigned char)ch;	/* '"', '\\', '/' */
}

enum json_dec json_decode_string(const char *s, size_t n, char *out,
				 size_t cap, size_t *outlen)
{
	size_t i = 0, o = 0, k;
	char tmp[4];
	uint32_t cp;

	while (i < n) {
		if (s[i] != '\\') {
			if (o + 1 >= cap)	/* keep room for the NUL */
				return JSON_DEC_LONG;
			out[o++] = s[i++];
			continue;
		}
		i += 2;
		if (s[i - 1] != 'u') {
			cp = unescape(s[i - 1]);
		} else {
			cp = decode_u(s, n, &i);
			if (cp == 0xFFFFFFFF)
				return JSON_DEC_SURROGATE;
			if (cp == 0)
				return JSON_DEC_NUL;
		}
		k = encode_utf8(cp, tmp);
		if (o + k >= cap)
			return JSON_DEC_LONG;
		memcpy(out + o, tmp, k);
		o += k;
	}
	out[o] = '\0';
	*outlen = o;
	return JSON_DEC_OK;
}

/* Checks before each step, so the magnitude never wraps. */
bool json_parse_int(const char *s, size_t n, int64_t *v)
{
	bool neg = n > 0 && s[0] == '-';
	uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	uint64_t mag = 0, d;
	size_t i;

	for (i = neg; i < n; i++) {
		d = (uint64_t)(s[i] - '0');
		if (mag > (limit - d) / 10)
			return false;
		mag = mag * 10 + d;
	}
	if (!neg)
		*v = (int64_t)mag;
	else
		*v = mag == limit ? INT64_MIN : -(int64_t)mag;
	return true;
}
