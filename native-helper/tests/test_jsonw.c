#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "jsonw.h"
#include "request.h"
#include "utf8.h"

#define FFFD "\xEF\xBF\xBD"

static char out[1 << 16];
static struct request req;
static struct req_error err;

static bool out_is(const struct jw *w, long n, const char *want)
{
	bool good = n == (long)strlen(want) && memcmp(w->buf, want, n) == 0;

	if (!good)
		fprintf(stderr, "got  %.*s\nwant %s\n", n < 0 ? 0 : (int)n,
			w->buf, want);
	return good;
}

static void test_structure(void)
{
	struct jw w;
	long n;

	jw_init(&w, out, sizeof(out));
	jw_object_begin(&w);
	jw_key(&w, "type");
	jw_cstring(&w, "reply");
	jw_key(&w, "id");
	jw_int(&w, 7);
	jw_key(&w, "ok");
	jw_bool(&w, true);
	jw_key(&w, "mount");
	jw_object_begin(&w);
	jw_key(&w, "path");
	jw_cstring(&w, "/a");
	jw_key(&w, "readOnly");
	jw_bool(&w, false);
	jw_object_end(&w);
	jw_key(&w, "list");
	jw_array_begin(&w);
	jw_int(&w, 1);
	jw_null(&w);
	jw_array_begin(&w);
	jw_array_end(&w);
	jw_object_begin(&w);
	jw_object_end(&w);
	jw_object_begin(&w);
	jw_key(&w, "k");
	jw_int(&w, -1);
	jw_object_end(&w);
	jw_array_end(&w);
	jw_key(&w, "heldMs");
	jw_null(&w);
	jw_object_end(&w);
	n = jw_finish(&w);
	CHECK(out_is(&w, n, "{\"type\":\"reply\",\"id\":7,\"ok\":true,"
		     "\"mount\":{\"path\":\"/a\",\"readOnly\":false},"
		     "\"list\":[1,null,[],{},{\"k\":-1}],\"heldMs\":null}\n"));
}

static void test_ints(void)
{
	struct jw w;
	long n;

	jw_init(&w, out, sizeof(out));
	jw_array_begin(&w);
	jw_int(&w, 0);
	jw_int(&w, -1);
	jw_int(&w, 9007199254740991LL);
	jw_int(&w, INT64_MAX);
	jw_int(&w, INT64_MIN);
	jw_array_end(&w);
	n = jw_finish(&w);
	CHECK(out_is(&w, n, "[0,-1,9007199254740991,9223372036854775807,"
		     "-9223372036854775808]\n"));
}

static void test_escapes(void)
{
	static const char in[] = "\"\\\n\t\r\b\f\x01\x1f\x7f/\xC3\xA9";
	struct jw w;
	long n;

	jw_init(&w, out, sizeof(out));
	jw_string(&w, in, sizeof(in) - 1);
	n = jw_finish(&w);
	CHECK(out_is(&w, n, "\"\\\"\\\\\\n\\t\\r\\b\\f\\u0001\\u001f\x7f/"
		     "\xC3\xA9\"\n"));

	jw_init(&w, out, sizeof(out));
	jw_string(&w, "a\0b", 3);
	n = jw_finish(&w);
	CHECK(out_is(&w, n, "\"a\\u0000b\"\n"));

	jw_init(&w, out, sizeof(out));
	jw_array_begin(&w);
	jw_cstring(&w, "\xC3");			/* truncated */
	jw_cstring(&w, "\xC0\xAF");		/* overlong */
	jw_cstring(&w, "\xED\xA0\x80");		/* surrogate */
	jw_cstring(&w, "\xF4\x90\x80\x80");	/* past U+10FFFF */
	jw_cstring(&w, "\xE2\x82x\xF0\x9F\x98\x80");
	jw_array_end(&w);
	n = jw_finish(&w);
	CHECK(out_is(&w, n, "[\"" FFFD "\",\"" FFFD FFFD "\",\""
		     FFFD FFFD FFFD "\",\"" FFFD FFFD FFFD FFFD "\",\""
		     FFFD FFFD "x\xF0\x9F\x98\x80\"]\n"));
}

/* Writes a probe request carrying path "/" + s, and reads it back. */
static int round_trip(const char *s, size_t len, long *n)
{
	static char path[512];
	struct jw w;

	path[0] = '/';
	memcpy(path + 1, s, len);
	jw_init(&w, out, sizeof(out));
	jw_object_begin(&w);
	jw_key(&w, "id");
	jw_int(&w, 1);
	jw_key(&w, "op");
	jw_cstring(&w, "probe");
	jw_key(&w, "path");
	jw_string(&w, path, len + 1);
	jw_object_end(&w);
	*n = jw_finish(&w);
	if (*n < 1 || out[*n - 1] != '\n' || !utf8_valid(out, (size_t)*n))
		return -2;
	return request_parse(out, (size_t)*n - 1, &req, &err);
}

/* Every byte value, in one string: ASCII survives, the rest is U+FFFD. */
static void test_all_bytes(void)
{
	char in[256], want[1 + 127 + 128 * 3 + 1], *p = want;
	int b;
	long n;

	for (b = 0; b < 256; b++)
		in[b] = (char)b;
	*p++ = '/';
	for (b = 1; b < 256; b++) {
		if (b < 0x80) {
			*p++ = (char)b;
		} else {
			memcpy(p, FFFD, 3);
			p += 3;
		}
	}
	*p = '\0';
	CHECK(round_trip(in + 1, 255, &n) == 0);
	CHECK(req.path.len == (size_t)(p - want));
	CHECK(memcmp(req.path.s, want, req.path.len) == 0);

	/* With the NUL: still valid JSON, and the parser names the NUL. */
	CHECK(round_trip(in, 256, &n) == -1);
	CHECK(err.id_known && strstr(err.message, "path contains NUL"));
}

/* What the writer should make of one byte outside a valid sequence. */
static size_t expect_byte(unsigned char *p, unsigned char b)
{
	if (b < 0x80) {
		*p = b;
		return 1;
	}
	memcpy(p, FFFD, 3);
	return 3;
}

static bool valid_pair(unsigned char a, unsigned char b)
{
	return a >= 0xC2 && a <= 0xDF && b >= 0x80 && b <= 0xBF;
}

static void test_pairs(void)
{
	unsigned char s[2], want[6];
	size_t wn;
	int a, b, bad = 0;
	long n;

	for (a = 0; a < 256; a++) {
		for (b = 0; b < 256; b++) {
			s[0] = (unsigned char)a;
			s[1] = (unsigned char)b;
			if (!a || !b) {
				bad += round_trip((char *)s, 2, &n) != -1;
				continue;
			}
			if (valid_pair(s[0], s[1])) {
				memcpy(want, s, 2);
				wn = 2;
			} else {
				wn = expect_byte(want, s[0]);
				wn += expect_byte(want + wn, s[1]);
			}
			if (round_trip((char *)s, 2, &n) != 0 ||
			    req.path.len != wn + 1 ||
			    memcmp(req.path.s + 1, want, wn) != 0) {
				if (!bad)
					fprintf(stderr, "pair %02x %02x\n", a, b);
				bad++;
			}
		}
	}
	CHECK(bad == 0);
}

/* Random byte strings: always valid JSON, and valid UTF-8 kept intact. */
static void test_random(void)
{
	uint32_t seed = 12345;
	char s[64];
	int i, k, len, bad = 0;
	long n;

	for (i = 0; i < 20000; i++) {
		len = (int)(seed % 64);
		for (k = 0; k < len; k++) {
			seed = seed * 1103515245u + 12345u;
			s[k] = (char)(seed >> 16);
			if (s[k] == 0)
				s[k] = 'z';
		}
		seed = seed * 1103515245u + 12345u;
		if (round_trip(s, (size_t)len, &n) != 0 ||
		    !utf8_valid(req.path.s, req.path.len) ||
		    (utf8_valid(s, (size_t)len) &&
		     (req.path.len != (size_t)len + 1 ||
		      memcmp(req.path.s + 1, s, (size_t)len) != 0)))
			bad++;
	}
	CHECK(bad == 0);
}

static void write_sample(struct jw *w)
{
	jw_object_begin(w);
	jw_key(w, "type");
	jw_cstring(w, "event");
	jw_key(w, "mount");
	jw_object_begin(w);
	jw_key(w, "path");
	jw_string(w, "/m\n\xE2\x82\xAC\xFF", 7);
	jw_key(w, "mountId");
	jw_int(w, INT64_MIN);
	jw_object_end(w);
	jw_key(w, "list");
	jw_array_begin(w);
	jw_bool(w, true);
	jw_null(w);
	jw_array_end(w);
	jw_object_end(w);
}

/* Every buffer too small by any amount drops the message, never writes
 * past cap, and never yields a partial line. */
static void test_overflow(void)
{
	struct jw w;
	long full, n;
	size_t cap;
	char *buf, small[4];
	int bad = 0;

	jw_init(&w, out, sizeof(out));
	write_sample(&w);
	full = jw_finish(&w);
	CHECK(full > 0 && utf8_valid(out, (size_t)full));

	for (cap = 0; cap <= (size_t)full; cap++) {
		buf = malloc(cap ? cap : 1);	/* exact size: ASan checks */
		jw_init(&w, buf, cap);
		write_sample(&w);
		n = jw_finish(&w);
		if (cap < (size_t)full)
			bad += n != -1 || !w.failed || w.len > cap;
		else
			bad += n != full || memcmp(buf, out, cap) != 0;
		free(buf);
	}
	CHECK(bad == 0);

	/* Once failed, nothing more is written. */
	jw_init(&w, small, sizeof(small));
	jw_cstring(&w, "toolong");
	n = (long)w.len;
	jw_int(&w, 1);
	CHECK(w.failed && (long)w.len == n && jw_finish(&w) == -1);
}

int main(void)
{
	test_structure();
	test_ints();
	test_escapes();
	test_all_bytes();
	test_pairs();
	test_random();
	test_overflow();
	return check_done();
}
