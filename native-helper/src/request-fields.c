/*
 * One request field's value, checked and decoded straight into struct
 * request: paths absolute and NUL-free, mount ids positive, booleans
 * booleans. Which fields an op takes is request.c's business.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "json-decode.h"
#include "request-fields.h"

const char *const field_names[F_UNKNOWN] = {
	"id", "op", "path", "paths", "timeoutMs", "mountId", "mountIds",
	"allowUnsafe", "force",
};

int req_bad(struct req_error *err, enum ff_err code, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return -1;
}

/* Decodes the key first, so an escaped name ("\u0069d") is the same field. */
enum field field_of(const struct json_member *m)
{
	char buf[16];
	size_t len;
	int f;

	if (json_decode_string(m->key, m->klen, buf, sizeof(buf), &len) !=
	    JSON_DEC_OK)
		return F_UNKNOWN;
	for (f = 0; f < F_UNKNOWN; f++)
		if (strcmp(buf, field_names[f]) == 0)
			return (enum field)f;
	return F_UNKNOWN;
}

static int get_path(const char *v, size_t vn, enum json_kind k,
		    const char *name, struct req_path *p, struct req_error *err)
{
	if (k != JSON_STRING)
		return req_bad(err, FF_BAD_REQUEST,
			       "%s must be a string", name);
	switch (json_decode_string(v, vn, p->s, sizeof(p->s), &p->len)) {
	case JSON_DEC_OK:
		break;
	case JSON_DEC_LONG:
		return req_bad(err, FF_BAD_REQUEST,
			       "%s is longer than %d bytes", name,
			       REQ_PATH_MAX - 1);
	case JSON_DEC_SURROGATE:
		return req_bad(err, FF_BAD_REQUEST,
			       "%s has an unpaired surrogate escape", name);
	case JSON_DEC_NUL:
		return req_bad(err, FF_BAD_REQUEST, "%s contains NUL", name);
	}
	if (p->len == 0 || p->s[0] != '/')
		return req_bad(err, FF_BAD_REQUEST,
			       "%s must be absolute", name);
	return 0;
}

static int bad_count(struct req_error *err)
{
	return req_bad(err, FF_BAD_REQUEST, "paths must hold 1 to %d paths",
		       REQ_MAX_PATHS);
}

static int get_paths(const struct json_member *m, struct request *req,
		     struct req_error *err)
{
	struct json_cur c;
	char name[32];
	const char *v;
	size_t vn;
	enum json_kind k;

	if (m->kind != JSON_ARRAY)
		return req_bad(err, FF_BAD_REQUEST, "paths must be an array");
	json_array_begin(&c, m);
	while (json_next_elem(&c, &k, &v, &vn)) {
		if (req->npaths == REQ_MAX_PATHS)
			return bad_count(err);
		snprintf(name, sizeof(name), "paths[%d]", req->npaths);
		if (get_path(v, vn, k, name, &req->paths[req->npaths], err))
			return -1;
		req->npaths++;
	}
	return req->npaths ? 0 : bad_count(err);
}

static int get_mount_id(enum json_kind k, const char *v, size_t vn,
			const char *name, int64_t *out, struct req_error *err)
{
	if (k != JSON_INT || !json_parse_int(v, vn, out) || *out <= 0)
		return req_bad(err, FF_BAD_REQUEST,
			       "%s must be a positive integer", name);
	return 0;
}

static int get_mount_ids(const struct json_member *m, struct request *req,
			 struct req_error *err)
{
	struct json_cur c;
	int64_t *ids = req->mount_ids;
	char name[32];
	const char *v;
	size_t vn;
	enum json_kind k;

	if (m->kind != JSON_ARRAY)
		return req_bad(err, FF_BAD_REQUEST,
			       "mountIds must be an array");
	json_array_begin(&c, m);
	while (json_next_elem(&c, &k, &v, &vn)) {
		if (req->nmount_ids == REQ_MAX_PATHS)
			return req_bad(err, FF_BAD_REQUEST,
				       "mountIds must have one entry per path");
		snprintf(name, sizeof(name), "mountIds[%d]", req->nmount_ids);
		if (get_mount_id(k, v, vn, name, &ids[req->nmount_ids], err))
			return -1;
		req->nmount_ids++;
	}
	return 0;
}

static int get_bool(const struct json_member *m, enum field f, bool *out,
		    struct req_error *err)
{
	if (m->kind != JSON_TRUE && m->kind != JSON_FALSE)
		return req_bad(err, FF_BAD_REQUEST, "%s must be true or false",
			       field_names[f]);
	*out = m->kind == JSON_TRUE;
	return 0;
}

int get_field(const struct json_member *m, enum field f,
	      struct request *req, struct req_error *err)
{
	switch (f) {
	case F_PATH:
		req->has_path = true;
		return get_path(m->val, m->vlen, m->kind, "path", &req->path,
				err);
	case F_PATHS:
		return get_paths(m, req, err);
	case F_TIMEOUT:
		if (m->kind != JSON_INT)
			return req_bad(err, FF_BAD_REQUEST,
				       "timeoutMs must be an integer");
		/* too big is still a timeout: the handler names the range */
		req->has_timeout = true;
		req->timeout_huge = !json_parse_int(m->val, m->vlen,
						    &req->timeout_ms);
		return 0;
	case F_MOUNT_ID:
		req->has_mount_id = true;
		return get_mount_id(m->kind, m->val, m->vlen, "mountId",
				    &req->mount_id, err);
	case F_MOUNT_IDS:
		return get_mount_ids(m, req, err);
	case F_ALLOW_UNSAFE:
		return get_bool(m, f, &req->allow_unsafe, err);
	case F_FORCE:
		return get_bool(m, f, &req->force, err);
	case F_ID:
	case F_OP:
	case F_UNKNOWN:		/* handled by the callers */
		break;
	}
	return 0;
}
