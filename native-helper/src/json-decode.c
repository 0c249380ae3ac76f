/*
 * Decoding one scanned span at a time. The scanner has already checked
 * the escapes, hex digits and number syntax, which is why nothing here
 * checks them again.
 */
#include <string.h>

#include "json-decode.h"
#include "utf8.h"

/* p[0..4) are hex digits; the scanner checked them. */
static uint32_t hex4(const char *p)
{
	uint32_t v = 0;
	int i, ch;

	for (i = 0; i < 4; i++) {
		ch = (unsigned char)p[i];
		v = v * 16 + (uint32_t)(ch >= '0' && ch <= '9' ? ch - '0' :
					(ch | 0x20) - 'a' + 10);
	}
	return v;
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
		k = utf8_encode(cp, tmp);
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
