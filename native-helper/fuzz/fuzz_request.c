/*
 * libFuzzer harness for request_parse(). Besides the sanitizers, it checks
 * the parser's promises and feeds what it accepted back through the JSON
 * writer: a reply built from a parsed request must always fit a generous
 * buffer, be valid UTF-8, and parse back to the same paths.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "request.h"
#include "utf8.h"

#define ID_MAX	((INT64_C(1) << 53) - 1)

static struct request req, again;
static struct req_error err;
static char out[REQ_MAX_PATHS * (REQ_PATH_MAX * 6 + 8) + 4096];

static void check(int cond)
{
	if (!cond)
		abort();
}

static void check_path(const struct req_path *p)
{
	check(p->len >= 1 && p->len < REQ_PATH_MAX);
	check(p->s[0] == '/' && p->s[p->len] == '\0');
	check(memchr(p->s, '\0', p->len) == NULL);
	check(utf8_valid(p->s, p->len));
}

static void check_error(int valid_utf8)
{
	size_t i, n = strnlen(err.message, sizeof(err.message));

	check(n > 0 && n < sizeof(err.message));
	for (i = 0; i < n; i++)
		check(err.message[i] >= 0x20 && err.message[i] <= 0x7E);
	check(err.code == FF_BAD_REQUEST || err.code == FF_UNKNOWN_OP);
	check(!err.id_known || (err.id >= 1 && err.id <= ID_MAX));
	check(valid_utf8 || (!err.id_known && err.code == FF_BAD_REQUEST));
}

static void write_paths(struct jw *w)
{
	int i;

	if (req.has_path) {
		jw_key(w, "path");
		jw_string(w, req.path.s, req.path.len);
	}
	if (req.npaths) {
		jw_key(w, "paths");
		jw_array_begin(w);
		for (i = 0; i < req.npaths; i++)
			jw_string(w, req.paths[i].s, req.paths[i].len);
		jw_array_end(w);
	}
}

/* Rewrites the request's paths into a new request line and parses it. */
static void round_trip(void)
{
	struct jw w;
	long n;
	int i;

	jw_init(&w, out, sizeof(out));
	jw_object_begin(&w);
	jw_key(&w, "id");
	jw_int(&w, req.id);
	jw_key(&w, "op");
	jw_cstring(&w, ff_op_name(req.npaths ? OP_FREEZE_GROUP : OP_PROBE));
	write_paths(&w);
	if (req.npaths) {
		jw_key(&w, "timeoutMs");
		jw_int(&w, 1000);
	}
	jw_object_end(&w);
	n = jw_finish(&w);
	check(n > 0 && out[n - 1] == '\n');
	check(utf8_valid(out, (size_t)n));
	if (!req.has_path && !req.npaths)
		return;
	check(request_parse(out, (size_t)n - 1, &again, &err) == 0);
	check(again.id == req.id && again.npaths == req.npaths);
	if (req.has_path)
		check(again.path.len == req.path.len &&
		      !memcmp(again.path.s, req.path.s, req.path.len));
	for (i = 0; i < req.npaths; i++)
		check(again.paths[i].len == req.paths[i].len &&
		      !memcmp(again.paths[i].s, req.paths[i].s,
			      req.paths[i].len));
}

static void check_request(void)
{
	int i;

	check(req.id >= 1 && req.id <= ID_MAX);
	if (req.has_path)
		check_path(&req.path);
	check(req.npaths >= 0 && req.npaths <= REQ_MAX_PATHS);
	check(req.op != OP_FREEZE_GROUP || req.npaths >= 1);
	for (i = 0; i < req.npaths; i++)
		check_path(&req.paths[i]);
	check(req.nmount_ids == 0 || req.nmount_ids == req.npaths);
	for (i = 0; i < req.nmount_ids; i++)
		check(req.mount_ids[i] > 0);
	check(!req.has_mount_id || req.mount_id > 0);
	check(!req.timeout_huge || req.has_timeout);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line = (const char *)data;
	int valid = utf8_valid(line, size);

	if (request_parse(line, size, &req, &err) != 0) {
		check_error(valid);
		return 0;
	}
	check(valid);
	check_request();
	round_trip();
	return 0;
}
