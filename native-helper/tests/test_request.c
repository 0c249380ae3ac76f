#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "request.h"
#include "utf8.h"

static struct request req;
static struct req_error err;

static bool plain_ascii(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7E)
			return false;
	return true;
}

/* Parses from an exact-size heap copy, so ASan catches a read past len. */
static int parse(const char *s, size_t n)
{
	char *copy = malloc(n ? n : 1);
	int rc;

	memcpy(copy, s, n);
	rc = request_parse(copy + (n ? 0 : 1), n, &req, &err);
	free(copy);
	return rc;
}

static void ok_at(int line, const char *s, size_t n)
{
	int rc = parse(s, n);

	if (rc != 0)
		fprintf(stderr, "line %d: expected ok, got %s: %s\n", line,
			ff_err_name(err.code), err.message);
	CHECK(rc == 0);
}

/* id 0: the reply must carry "id":null. msg: a substring, or NULL. */
static void err_at(int line, const char *s, size_t n, enum ff_err code,
		   int64_t id, const char *msg)
{
	int rc = parse(s, n);
	bool good = rc == -1 && err.code == code &&
		    err.id_known == (id != 0) && (!id || err.id == id) &&
		    plain_ascii(err.message) &&
		    (!msg || strstr(err.message, msg));

	if (!good)
		fprintf(stderr, "line %d: want %s id %lld \"%s\"; got rc %d %s "
			"id_known %d id %lld \"%s\"\n", line, ff_err_name(code),
			(long long)id, msg ? msg : "", rc,
			ff_err_name(err.code), err.id_known,
			(long long)err.id, err.message);
	CHECK(good);
}

#define OK(lit)		ok_at(__LINE__, lit, sizeof(lit) - 1)
#define BAD(lit, id, msg) \
	err_at(__LINE__, lit, sizeof(lit) - 1, FF_BAD_REQUEST, id, msg)
#define UNKNOWN(lit, id) \
	err_at(__LINE__, lit, sizeof(lit) - 1, FF_UNKNOWN_OP, id, "unknown op")
#define UTF8(lit)	BAD(lit, 0, "not valid UTF-8")
#define SYNTAX(lit)	BAD(lit, 0, "invalid JSON")

static void test_ops(void)
{
	OK("{\"id\":1,\"op\":\"freeze\",\"path\":\"/srv/data\",\"timeoutMs\":60000}");
	CHECK(req.id == 1 && req.op == OP_FREEZE && req.has_path);
	CHECK(strcmp(req.path.s, "/srv/data") == 0 && req.path.len == 9);
	CHECK(req.has_timeout && req.timeout_ms == 60000 && !req.timeout_huge);
	CHECK(!req.has_mount_id && !req.allow_unsafe && !req.force);

	OK("{\"id\":2,\"op\":\"freeze\",\"path\":\"/\",\"timeoutMs\":1000,"
	   "\"mountId\":42,\"allowUnsafe\":true}");
	CHECK(req.has_mount_id && req.mount_id == 42 && req.allow_unsafe);

	OK("{\"id\":3,\"op\":\"freezeGroup\",\"paths\":[\"/a\",\"/b/c\"],"
	   "\"timeoutMs\":5000,\"mountIds\":[7,8],\"allowUnsafe\":false}");
	CHECK(req.op == OP_FREEZE_GROUP && req.npaths == 2 && !req.has_path);
	CHECK(strcmp(req.paths[1].s, "/b/c") == 0 && req.paths[1].len == 4);
	CHECK(req.nmount_ids == 2 && req.mount_ids[1] == 8);
	CHECK(!req.allow_unsafe && req.timeout_ms == 5000);

	OK("{\"id\":4,\"op\":\"freezeGroup\",\"paths\":[\"/a\"],\"timeoutMs\":5000}");
	CHECK(req.npaths == 1 && req.nmount_ids == 0);

	OK("{\"id\":5,\"op\":\"thaw\",\"path\":\"/a\"}");
	CHECK(req.op == OP_THAW && req.has_path && !req.has_mount_id);
	OK("{\"id\":6,\"op\":\"thaw\",\"mountId\":99}");
	CHECK(!req.has_path && req.has_mount_id && req.mount_id == 99);
	OK("{\"id\":7,\"op\":\"thaw\",\"path\":\"/a\",\"mountId\":3,\"force\":true}");
	CHECK(req.force && req.has_path && req.mount_id == 3);

	OK("{\"id\":8,\"op\":\"extend\",\"path\":\"/a\",\"timeoutMs\":2000}");
	CHECK(req.op == OP_EXTEND && req.timeout_ms == 2000);
	OK("{\"id\":9,\"op\":\"extend\",\"mountId\":5,\"timeoutMs\":2000}");
	CHECK(req.mount_id == 5 && !req.has_path);

	OK("{\"id\":10,\"op\":\"probe\",\"path\":\"/mnt\"}");
	CHECK(req.op == OP_PROBE && strcmp(req.path.s, "/mnt") == 0);
	OK("{\"id\":11,\"op\":\"writers\",\"path\":\"/mnt\"}");
	CHECK(req.op == OP_WRITERS);
	OK("{\"id\":12,\"op\":\"thawAll\"}");
	CHECK(req.op == OP_THAW_ALL);
	OK("{\"id\":13,\"op\":\"status\"}");
	CHECK(req.op == OP_STATUS);
	OK("{\"id\":14,\"op\":\"heartbeat\"}");
	CHECK(req.op == OP_HEARTBEAT && req.id == 14);
	OK("{\"id\":15,\"op\":\"shutdown\"}");
	CHECK(req.op == OP_SHUTDOWN && !req.has_path && !req.has_timeout);

	/* Key order and JSON whitespace are free. */
	OK(" \t{ \"op\" :\"heartbeat\" ,\r\n\"id\": 16 } \r\n");
	CHECK(req.id == 16 && req.op == OP_HEARTBEAT);
	/* Escapes in keys and op are decoded before matching. */
	OK("{\"\\u0069d\":17,\"op\":\"fre\\u0065ze\",\"pa\\u0074h\":\"/x\","
	   "\"timeoutMs\":1000}");
	CHECK(req.id == 17 && req.op == OP_FREEZE);
}

static void test_id(void)
{
	OK("{\"id\":9007199254740991,\"op\":\"status\"}");
	CHECK(req.id == 9007199254740991LL);
	BAD("{\"id\":9007199254740992,\"op\":\"status\"}", 0, "id must be");
	BAD("{\"id\":0,\"op\":\"status\"}", 0, "id must be");
	BAD("{\"id\":-3,\"op\":\"status\"}", 0, "id must be");
	BAD("{\"id\":1.0,\"op\":\"status\"}", 0, "id must be");
	BAD("{\"id\":1e2,\"op\":\"status\"}", 0, "id must be");
	BAD("{\"id\":\"1\",\"op\":\"status\"}", 0, "id must be");
	BAD("{\"id\":null,\"op\":\"status\"}", 0, "id must be");
	BAD("{\"id\":99999999999999999999999,\"op\":\"status\"}", 0, "id must be");
	BAD("{\"op\":\"status\"}", 0, "id is required");
	BAD("{\"id\":1,\"id\":2,\"op\":\"status\"}", 0, "duplicate field id");

	/* Learned despite a bad field, before or after it. */
	BAD("{\"id\":7,\"op\":\"freeze\",\"path\":\"rel\",\"timeoutMs\":1000}",
	    7, "path must be absolute");
	BAD("{\"op\":\"freeze\",\"path\":\"rel\",\"timeoutMs\":1000,\"id\":8}",
	    8, "path must be absolute");
	BAD("{\"op\":\"freeze\",\"path\":{\"a\":[1,{}]},\"id\":9}", 9,
	    "path must be a string");
	BAD("{\"id\":10,\"op\":\"heartbeat\",\"bogus\":1}", 10,
	    "unknown field \"bogus\"");
}

static void test_op(void)
{
	BAD("{\"id\":1}", 1, "op is required");
	BAD("{\"id\":1,\"op\":5}", 1, "op must be a string");
	BAD("{\"id\":1,\"op\":null}", 1, "op must be a string");
	UNKNOWN("{\"id\":2,\"op\":\"nope\"}", 2);
	CHECK(strstr(err.message, "\"nope\"") != NULL);
	UNKNOWN("{\"id\":3,\"op\":\"\"}", 3);
	UNKNOWN("{\"id\":4,\"op\":\"Freeze\"}", 4);
	UNKNOWN("{\"id\":5,\"op\":\"\\u0001\\\"\"}", 5);
	UNKNOWN("{\"id\":6,\"op\":\"freeze\\u0000\"}", 6);
	/* An unknown op trumps fields the op might have taken. */
	UNKNOWN("{\"id\":7,\"op\":\"nope\",\"whatever\":[]}", 7);
	/* A bad id trumps an unknown op: nothing to answer to. */
	BAD("{\"id\":0,\"op\":\"nope\"}", 0, "id must be");
	BAD("{\"id\":1,\"op\":\"status\",\"op\":\"status\"}", 1,
	    "duplicate field op");
}

static void test_fields(void)
{
	BAD("{\"id\":1,\"op\":\"heartbeat\",\"path\":\"/a\"}", 1,
	    "heartbeat does not take path");
	BAD("{\"id\":1,\"op\":\"thawAll\",\"force\":true}", 1,
	    "thawAll does not take force");
	BAD("{\"id\":1,\"op\":\"freeze\",\"path\":\"/a\",\"timeoutMs\":1000,"
	    "\"force\":true}", 1, "freeze does not take force");
	BAD("{\"id\":1,\"op\":\"freeze\",\"paths\":[\"/a\"],\"timeoutMs\":1000}",
	    1, "freeze does not take paths");
	BAD("{\"id\":1,\"op\":\"freezeGroup\",\"path\":\"/a\",\"timeoutMs\":1}",
	    1, "freezeGroup does not take path");
	BAD("{\"id\":1,\"op\":\"thaw\",\"path\":\"/a\",\"timeoutMs\":1000}", 1,
	    "thaw does not take timeoutMs");
	BAD("{\"id\":1,\"op\":\"probe\",\"path\":\"/a\",\"mountId\":2}", 1,
	    "probe does not take mountId");
	BAD("{\"id\":1,\"op\":\"writers\",\"path\":\"/a\",\"allowUnsafe\":true}",
	    1, "writers does not take allowUnsafe");
	BAD("{\"id\":1,\"op\":\"status\",\"\\u0001\":1}", 1, "unknown field");
	BAD("{\"id\":1,\"op\":\"status\",\"Path\":1}", 1, "unknown field \"Path\"");

	BAD("{\"id\":1,\"op\":\"freeze\",\"timeoutMs\":1000}", 1,
	    "freeze needs path");
	BAD("{\"id\":1,\"op\":\"freeze\",\"path\":\"/a\"}", 1,
	    "freeze needs timeoutMs");
	BAD("{\"id\":1,\"op\":\"freezeGroup\",\"timeoutMs\":1000}", 1,
	    "freezeGroup needs paths");
	BAD("{\"id\":1,\"op\":\"thaw\"}", 1, "thaw needs path or mountId");
	BAD("{\"id\":1,\"op\":\"thaw\",\"force\":true}", 1,
	    "thaw needs path or mountId");
	BAD("{\"id\":1,\"op\":\"extend\",\"timeoutMs\":1000}", 1,
	    "extend needs path or mountId");
	BAD("{\"id\":1,\"op\":\"extend\",\"path\":\"/a\"}", 1,
	    "extend needs timeoutMs");
	BAD("{\"id\":1,\"op\":\"probe\"}", 1, "probe needs path");
	BAD("{\"id\":1,\"op\":\"writers\"}", 1, "writers needs path");

	BAD("{\"id\":1,\"op\":\"thaw\",\"path\":\"/a\",\"force\":\"true\"}", 1,
	    "force must be true or false");
	BAD("{\"id\":1,\"op\":\"thaw\",\"path\":\"/a\",\"force\":1}", 1,
	    "force must be true or false");
	BAD("{\"id\":1,\"op\":\"freeze\",\"path\":\"/a\",\"timeoutMs\":1000,"
	    "\"allowUnsafe\":null}", 1, "allowUnsafe must be true or false");

	BAD("{\"id\":1,\"op\":\"thaw\",\"mountId\":0}", 1,
	    "mountId must be a positive integer");
	BAD("{\"id\":1,\"op\":\"thaw\",\"mountId\":-4}", 1, "mountId must be");
	BAD("{\"id\":1,\"op\":\"thaw\",\"mountId\":1.5}", 1, "mountId must be");
	BAD("{\"id\":1,\"op\":\"thaw\",\"mountId\":\"4\"}", 1, "mountId must be");
	BAD("{\"id\":1,\"op\":\"thaw\",\"mountId\":99999999999999999999}", 1,
	    "mountId must be");
	OK("{\"id\":1,\"op\":\"thaw\",\"mountId\":9223372036854775807}");
	CHECK(req.mount_id == INT64_MAX);

	/* 16 members pass the count; 17 do not, and the id still comes back. */
	BAD("{\"id\":3,\"op\":\"status\",\"a\":1,\"b\":1,\"c\":1,\"d\":1,\"e\":1,"
	    "\"f\":1,\"g\":1,\"h\":1,\"i\":1,\"j\":1,\"k\":1,\"l\":1,\"m\":1,"
	    "\"n\":1}", 3, "unknown field \"a\"");
	BAD("{\"id\":3,\"op\":\"status\",\"a\":1,\"b\":1,\"c\":1,\"d\":1,\"e\":1,"
	    "\"f\":1,\"g\":1,\"h\":1,\"i\":1,\"j\":1,\"k\":1,\"l\":1,\"m\":1,"
	    "\"n\":1,\"o\":1}", 3, "too many fields");
	BAD("{\"id\":3,\"op\":\"freeze\",\"path\":\"/a\",\"path\":\"/b\","
	    "\"timeoutMs\":1000}", 3, "duplicate field path");
}

static void test_numbers(void)
{
#define T(num) "{\"id\":1,\"op\":\"extend\",\"path\":\"/a\",\"timeoutMs\":" num "}"
	OK(T("0"));
	CHECK(req.timeout_ms == 0 && !req.timeout_huge);
	OK(T("-5"));
	CHECK(req.timeout_ms == -5 && !req.timeout_huge);
	OK(T("-0"));
	CHECK(req.timeout_ms == 0);
	OK(T("9223372036854775807"));
	CHECK(req.timeout_ms == INT64_MAX && !req.timeout_huge);
	OK(T("-9223372036854775808"));
	CHECK(req.timeout_ms == INT64_MIN && !req.timeout_huge);
	OK(T("9223372036854775808"));
	CHECK(req.timeout_huge);
	OK(T("99999999999999999999999"));
	CHECK(req.has_timeout && req.timeout_huge);
	OK(T("-99999999999999999999999"));
	CHECK(req.timeout_huge);
	BAD(T("1.5"), 1, "timeoutMs must be an integer");
	BAD(T("1e3"), 1, "timeoutMs must be an integer");
	BAD(T("1E+3"), 1, "timeoutMs must be an integer");
	BAD(T("60000.0"), 1, "timeoutMs must be an integer");
	BAD(T("\"60000\""), 1, "timeoutMs must be an integer");
	BAD(T("true"), 1, "timeoutMs must be an integer");
	BAD(T("[1000]"), 1, "timeoutMs must be an integer");
	SYNTAX(T("01"));
	SYNTAX(T("+1"));
	SYNTAX(T("-"));
	SYNTAX(T("1."));
	SYNTAX(T(".5"));
	SYNTAX(T("1e"));
	SYNTAX(T("0x10"));
	SYNTAX(T("Infinity"));
	SYNTAX(T("NaN"));
	SYNTAX(T(""));
#undef T
}

static void test_paths(void)
{
#define P(s) "{\"id\":5,\"op\":\"probe\",\"path\":" s "}"
	BAD(P("\"srv\""), 5, "path must be absolute");
	BAD(P("\"\""), 5, "path must be absolute");
	BAD(P("\"./a\""), 5, "path must be absolute");
	BAD(P("7"), 5, "path must be a string");
	BAD(P("null"), 5, "path must be a string");
	BAD(P("[\"/a\"]"), 5, "path must be a string");
	BAD(P("{}"), 5, "path must be a string");

	OK(P("\"/a\\nb\""));
	CHECK(req.path.len == 4 && memcmp(req.path.s, "/a\nb", 5) == 0);
	OK(P("\"/\\\"\\\\\\/\\b\\f\\n\\r\\t\""));
	CHECK(strcmp(req.path.s, "/\"\\/\b\f\n\r\t") == 0);
	OK(P("\"/\\u00e9\\u20AC\""));
	CHECK(strcmp(req.path.s, "/\xC3\xA9\xE2\x82\xAC") == 0);
	OK(P("\"/\\ud83d\\ude00\""));
	CHECK(strcmp(req.path.s, "/\xF0\x9F\x98\x80") == 0 && req.path.len == 5);
	OK(P("\"/\\uDBFF\\uDFFF\""));
	CHECK(strcmp(req.path.s, "/\xF4\x8F\xBF\xBF") == 0);
	OK(P("\"/caf\xC3\xA9 \xF0\x9F\x98\x80\""));
	CHECK(req.path.len == 11);
	OK(P("\"/\x7F\""));

	BAD(P("\"/\\ud83d\""), 5, "path has an unpaired surrogate");
	BAD(P("\"/\\ude00\""), 5, "unpaired surrogate");
	BAD(P("\"/\\ud83dx\""), 5, "unpaired surrogate");
	BAD(P("\"/\\ud83d\\u0041\""), 5, "unpaired surrogate");
	BAD(P("\"/\\ud83d\\ud83d\""), 5, "unpaired surrogate");
	BAD(P("\"/\\ud83d\\n\""), 5, "unpaired surrogate");
	BAD(P("\"/a\\u0000b\""), 5, "path contains NUL");
	BAD(P("\"\\u0000\""), 5, "path contains NUL");

	SYNTAX(P("\"/\\x\""));
	SYNTAX(P("\"/\\u12\""));
	SYNTAX(P("\"/\\u12g4\""));
	SYNTAX(P("\"/\\U0041\""));
	SYNTAX(P("\"/a\tb\""));
	SYNTAX(P("\"/a\nb\""));
	SYNTAX(P("\"/a\x01\""));
	SYNTAX(P("'/a'"));
	SYNTAX(P("\"/a"));
	SYNTAX("{\"id\":5,\"op\":\"probe\",\"path\":\"/a\\");
	BAD("{\"id\":5,\"op\":\"probe\",\"path\":\"/a\0b\"}", 0, "invalid JSON");
#undef P
}

static void test_utf8(void)
{
#define P(s) "{\"id\":5,\"op\":\"probe\",\"path\":\"/" s "\"}"
	UTF8(P("\xC0\xAF"));		/* overlong '/' */
	UTF8(P("\xC1\xBF"));
	UTF8(P("\xE0\x80\xAF"));
	UTF8(P("\xE0\x9F\xBF"));
	UTF8(P("\xF0\x80\x80\xAF"));
	UTF8(P("\xF0\x8F\xBF\xBF"));
	UTF8(P("\xED\xA0\x80"));	/* U+D800 */
	UTF8(P("\xED\xBF\xBF"));	/* U+DFFF */
	UTF8(P("\xED\xA0\xBD\xED\xB8\x80"));	/* CESU-8 pair */
	UTF8(P("\xF4\x90\x80\x80"));	/* U+110000 */
	UTF8(P("\xF5\x80\x80\x80"));
	UTF8(P("\xFE"));
	UTF8(P("\xFF"));
	UTF8(P("\x80"));		/* lone continuation */
	UTF8(P("\xC3"));		/* truncated */
	UTF8(P("\xE2\x82"));
	UTF8(P("\xF0\x9F\x98"));
	UTF8(P("\xE2\x82x"));
	UTF8("{\"id\":5,\"op\":\"status\"}\xE2\x82");	/* cut at the end */
	UTF8("{\"id\":5,\"op\":\"status\"}\xC3");
	UTF8("{\"id\":5,\xFF\"op\":\"status\"}");	/* outside a string */
	OK(P("\xED\x9F\xBF\xEE\x80\x80\xF4\x8F\xBF\xBF"));	/* edges */
#undef P

	CHECK(utf8_valid("", 0));
	CHECK(utf8_valid("a\0b", 3));
	CHECK(utf8_seq_len("\xC3\xA9", 2) == 2);
	CHECK(utf8_seq_len("\xC3\xA9", 1) == 0);
	CHECK(utf8_seq_len("\xF0\x9F\x98\x80", 4) == 4);
	CHECK(utf8_seq_len("\xF0\x9F\x98\x80", 3) == 0);
	CHECK(utf8_seq_len("x", 0) == 0);
}

/* Builds {"id":1,"op":"freezeGroup","paths":["/p0",...],"timeoutMs":1000} */
static size_t group(char *buf, size_t cap, int n, const char *extra)
{
	size_t len = (size_t)snprintf(buf, cap,
				      "{\"id\":1,\"op\":\"freezeGroup\",\"paths\":[");
	int i;

	for (i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, cap - len, "%s\"/p%d\"",
					i ? "," : "", i);
	len += (size_t)snprintf(buf + len, cap - len, "],\"timeoutMs\":1000%s}",
				extra);
	return len;
}

static void test_group(void)
{
	static char buf[8192];
	char ids[1024];
	size_t len, n;
	int i;

	len = group(buf, sizeof(buf), 64, "");
	ok_at(__LINE__, buf, len);
	CHECK(req.npaths == 64 && strcmp(req.paths[63].s, "/p63") == 0);
	len = group(buf, sizeof(buf), 65, "");
	err_at(__LINE__, buf, len, FF_BAD_REQUEST, 1, "paths must hold 1 to 64");
	len = group(buf, sizeof(buf), 0, "");
	err_at(__LINE__, buf, len, FF_BAD_REQUEST, 1, "paths must hold 1 to 64");

	n = (size_t)snprintf(ids, sizeof(ids), ",\"mountIds\":[");
	for (i = 0; i < 64; i++)
		n += (size_t)snprintf(ids + n, sizeof(ids) - n, "%s%d",
				      i ? "," : "", i + 1);
	snprintf(ids + n, sizeof(ids) - n, "]");
	len = group(buf, sizeof(buf), 64, ids);
	ok_at(__LINE__, buf, len);
	CHECK(req.nmount_ids == 64 && req.mount_ids[63] == 64);
	len = group(buf, sizeof(buf), 63, ids);
	err_at(__LINE__, buf, len, FF_BAD_REQUEST, 1, "one entry per path");
	snprintf(ids + n, sizeof(ids) - n, ",65]");
	len = group(buf, sizeof(buf), 64, ids);
	err_at(__LINE__, buf, len, FF_BAD_REQUEST, 1, "one entry per path");

	BAD("{\"id\":1,\"op\":\"freezeGroup\",\"paths\":\"/a\",\"timeoutMs\":1000}",
	    1, "paths must be an array");
	BAD("{\"id\":1,\"op\":\"freezeGroup\",\"paths\":[\"/a\",2],"
	    "\"timeoutMs\":1000}", 1, "paths[1] must be a string");
	BAD("{\"id\":1,\"op\":\"freezeGroup\",\"paths\":[\"/a\",\"/b\",\"c\"],"
	    "\"timeoutMs\":1000}", 1, "paths[2] must be absolute");
	BAD("{\"id\":1,\"op\":\"freezeGroup\",\"paths\":[\"/a\",\"/b\"],"
	    "\"timeoutMs\":1000,\"mountIds\":[1]}", 1, "one entry per path");
	BAD("{\"id\":1,\"op\":\"freezeGroup\",\"paths\":[\"/a\"],"
	    "\"timeoutMs\":1000,\"mountIds\":[]}", 1, "one entry per path");
	BAD("{\"id\":1,\"op\":\"freezeGroup\",\"paths\":[\"/a\",\"/b\"],"
	    "\"timeoutMs\":1000,\"mountIds\":[1,0]}", 1,
	    "mountIds[1] must be a positive integer");
	BAD("{\"id\":1,\"op\":\"freezeGroup\",\"paths\":[\"/a\"],"
	    "\"timeoutMs\":1000,\"mountIds\":[\"1\"]}", 1, "mountIds[0] must be");
	BAD("{\"id\":1,\"op\":\"freezeGroup\",\"paths\":[\"/a\"],"
	    "\"timeoutMs\":1000,\"mountIds\":7}", 1, "mountIds must be an array");
	OK("{\"id\":1,\"op\":\"freezeGroup\",\"paths\":[ \"/a\" , \"/b\" ],"
	   "\"timeoutMs\":1000,\"mountIds\":[ 1 , 2 ]}");
	CHECK(req.npaths == 2 && req.mount_ids[1] == 2);
	SYNTAX("{\"id\":1,\"op\":\"freezeGroup\",\"paths\":[\"/a\",],\"timeoutMs\":1}");
	SYNTAX("{\"id\":1,\"op\":\"freezeGroup\",\"paths\":[,\"/a\"],\"timeoutMs\":1}");
	SYNTAX("{\"id\":1,\"op\":\"freezeGroup\",\"paths\":[\"/a\" \"/b\"],\"timeoutMs\":1}");
}

static void test_long_path(void)
{
	static char buf[8192];
	size_t len;

	len = (size_t)snprintf(buf, sizeof(buf),
			       "{\"id\":2,\"op\":\"probe\",\"path\":\"/");
	memset(buf + len, 'a', 4094);
	len += 4094;
	len += (size_t)snprintf(buf + len, sizeof(buf) - len, "\"}");
	ok_at(__LINE__, buf, len);
	CHECK(req.path.len == 4095 && req.path.s[4095] == '\0');

	memmove(buf + len - 1, buf + len - 2, 2);	/* one more 'a' */
	buf[len - 2] = 'a';
	err_at(__LINE__, buf, len + 1, FF_BAD_REQUEST, 2, "longer than 4095");

	/* 4094 bytes, then a 4-byte character that no longer fits. */
	len = (size_t)snprintf(buf, sizeof(buf),
			       "{\"id\":2,\"op\":\"probe\",\"path\":\"/");
	memset(buf + len, 'a', 4093);
	len += 4093;
	len += (size_t)snprintf(buf + len, sizeof(buf) - len,
				"\\ud83d\\ude00\"}");
	err_at(__LINE__, buf, len, FF_BAD_REQUEST, 2, "longer than 4095");
}

static void test_syntax(void)
{
	SYNTAX("");
	SYNTAX("   ");
	SYNTAX("[]");
	SYNTAX("\"x\"");
	SYNTAX("5");
	SYNTAX("null");
	SYNTAX("{");
	SYNTAX("{\"id\":1,\"op\":\"status\"");
	SYNTAX("{\"id\":1,\"op\":\"status\",}");
	SYNTAX("{\"id\" 1,\"op\":\"status\"}");
	SYNTAX("{id:1,\"op\":\"status\"}");
	SYNTAX("{\"id\":1;\"op\":\"status\"}");
	SYNTAX("{\"id\":1,\"op\":\"status\"}x");
	SYNTAX("{\"id\":1,\"op\":\"status\"}{\"id\":2,\"op\":\"status\"}");
	SYNTAX("{\"id\":1,\"op\":\"status\"}}");
	SYNTAX("{\"id\":1,\"op\":\"status\"}\0");
	SYNTAX("\xEF\xBB\xBF{\"id\":1,\"op\":\"status\"}");	/* BOM */
	SYNTAX("{\"id\":tru,\"op\":\"status\"}");
	SYNTAX("{\"id\":1,\"op\":\"status\",\"x\":nul}");
	SYNTAX("{\"id\":1,\"op\":\"status\",\"x\":[1,{\"a\":}]}");
	SYNTAX("{\"id\":1,\"op\":\"status\",\"x\":{\"a\" 1}}");
	SYNTAX("{\"id\":1,\"op\":\"status\",\"x\":{1:2}}");
	OK("{\"id\":1,\"op\":\"status\"} \t\r\n");

	/* Nested values scan fine but no field takes them. */
	BAD("{\"id\":1,\"op\":\"status\",\"x\":{\"a\":[true,false,null,-1.5e-3]}}",
	    1, "unknown field \"x\"");
	BAD("{\"id\":1,\"op\":\"freeze\",\"path\":\"/a\",\"timeoutMs\":{\"v\":1}}",
	    1, "timeoutMs must be an integer");
	BAD("{\"id\":1,\"op\":\"thaw\",\"path\":\"/a\",\"force\":[true]}",
	    1, "force must be true or false");
}

static void test_depth(void)
{
	static char buf[256];
	size_t len;
	int i;

	/* Depth 31 below the top object is scanned; 32 is refused. */
	len = (size_t)snprintf(buf, sizeof(buf), "{\"id\":1,\"op\":\"status\",\"x\":");
	for (i = 0; i < 31; i++)
		buf[len++] = '[';
	for (i = 0; i < 31; i++)
		buf[len++] = ']';
	buf[len++] = '}';
	err_at(__LINE__, buf, len, FF_BAD_REQUEST, 1, "unknown field");

	len = (size_t)snprintf(buf, sizeof(buf), "{\"id\":1,\"op\":\"status\",\"x\":");
	for (i = 0; i < 32; i++)
		buf[len++] = '[';
	for (i = 0; i < 32; i++)
		buf[len++] = ']';
	buf[len++] = '}';
	err_at(__LINE__, buf, len, FF_BAD_REQUEST, 0, "nested too deeply");
}

/* Nothing from an earlier, longer parse leaks into a later one. */
static void test_reset(void)
{
	OK("{\"id\":1,\"op\":\"freeze\",\"path\":\"/a\",\"timeoutMs\":1000,"
	   "\"mountId\":4,\"allowUnsafe\":true}");
	OK("{\"id\":2,\"op\":\"status\"}");
	CHECK(!req.has_path && !req.has_timeout && !req.has_mount_id);
	CHECK(!req.allow_unsafe && req.npaths == 0 && req.nmount_ids == 0);
	BAD("{\"id\":3,\"op\":\"nope\"}" "x", 0, "invalid JSON");
	CHECK(!err.id_known && err.id == 0);
}

static void test_names(void)
{
	CHECK(strcmp(ff_op_name(OP_FREEZE_GROUP), "freezeGroup") == 0);
	CHECK(strcmp(ff_op_name(OP_THAW_ALL), "thawAll") == 0);
	CHECK(strcmp(ff_op_name(OP_SHUTDOWN), "shutdown") == 0);
	CHECK(strcmp(ff_err_name(FF_BAD_REQUEST), "BAD_REQUEST") == 0);
	CHECK(strcmp(ff_err_name(FF_TIMEOUT_OUT_OF_RANGE),
		     "TIMEOUT_OUT_OF_RANGE") == 0);
	CHECK(strcmp(ff_err_name(FF_IO_ERROR), "IO_ERROR") == 0);
}

int main(void)
{
	test_ops();
	test_id();
	test_op();
	test_fields();
	test_numbers();
	test_paths();
	test_utf8();
	test_group();
	test_long_path();
	test_syntax();
	test_depth();
	test_reset();
	test_names();
	return check_done();
}
