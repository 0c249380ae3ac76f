#include <string.h>

#include "jsonw.h"
#include "utf8.h"

void jw_init(struct jw *w, char *buf, size_t cap)
{
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
	w->failed = false;
	w->need_comma = false;
}

static void put(struct jw *w, const char *s, size_t n)
{
	if (w->failed)
		return;
	if (n > w->cap - w->len) {
		w->failed = true;
		return;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void put_c(struct jw *w, char ch)
{
	put(w, &ch, 1);
}

/* Every value and key is preceded by a comma unless it opens a container
 * or follows a key; callers never place commas themselves. */
static void sep(struct jw *w)
{
	if (w->need_comma)
		put_c(w, ',');
	w->need_comma = false;
}

void jw_object_begin(struct jw *w)
{
	sep(w);
	put_c(w, '{');
}

void jw_object_end(struct jw *w)
{
	put_c(w, '}');
	w->need_comma = true;
}

void jw_array_begin(struct jw *w)
{
	sep(w);
	put_c(w, '[');
}

void jw_array_end(struct jw *w)
{
	put_c(w, ']');
	w->need_comma = true;
}

void jw_key(struct jw *w, const char *key)
{
	jw_cstring(w, key);
	put_c(w, ':');
	w->need_comma = false;
}

static void put_escaped(struct jw *w, unsigned char ch)
{
	static const char hex[] = "0123456789abcdef";
	char u[6] = { '\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 0xF] };

	switch (ch) {
	case '"':	put(w, "\\\"", 2); return;
	case '\\':	put(w, "\\\\", 2); return;
	case '\n':	put(w, "\\n", 2); return;
	case '\t':	put(w, "\\t", 2); return;
	case '\r':	put(w, "\\r", 2); return;
	case '\b':	put(w, "\\b", 2); return;
	case '\f':	put(w, "\\f", 2); return;
	}
	put(w, u, sizeof(u));
}

void jw_string(struct jw *w, const char *s, size_t len)
{
	size_t i = 0, n;
	unsigned char ch;

	sep(w);
	put_c(w, '"');
	while (i < len && !w->failed) {
		ch = (unsigned char)s[i];
		if (ch < 0x20 || ch == '"' || ch == '\\') {
			put_escaped(w, ch);
			i++;
			continue;
		}
		n = utf8_seq_len(s + i, len - i);
		if (n == 0) {
			put(w, "\xEF\xBF\xBD", 3);	/* U+FFFD */
			i++;
			continue;
		}
		put(w, s + i, n);
		i += n;
	}
	put_c(w, '"');
	w->need_comma = true;
}

void jw_cstring(struct jw *w, const char *s)
{
	jw_string(w, s, strlen(s));
}

void jw_int(struct jw *w, int64_t v)
{
	char tmp[21];
	size_t i = sizeof(tmp);
	/* Negate as unsigned so INT64_MIN does not overflow. */
	uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do {
		tmp[--i] = (char)('0' + mag % 10);
		mag /= 10;
	} while (mag);
	if (v < 0)
		tmp[--i] = '-';
	sep(w);
	put(w, tmp + i, sizeof(tmp) - i);
	w->need_comma = true;
}

void jw_bool(struct jw *w, bool v)
{
	sep(w);
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
	w->need_comma = true;
}

void jw_null(struct jw *w)
{
	sep(w);
	put(w, "null", 4);
	w->need_comma = true;
}

long jw_finish(struct jw *w)
{
	put_c(w, '\n');
	if (w->failed)
		return -1;
	return (long)w->len;
}
