/*
 * UTF-8, checked (the request line, what the JSON writer echoes) and
 * written (decoded \u escapes). Nothing here allocates or reads past len.
 */
#include "utf8.h"

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

size_t utf8_encode(uint32_t cp, char *out)
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
