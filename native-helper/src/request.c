/*
 * The per-op rules for one request line. Two passes, both bounded by len:
 * json_scan_object() checks the JSON syntax and records where each
 * top-level member lies; get_field() (request-fields.c) then decodes only
 * what the op needs, straight into struct request. Scanning first lets a
 * reply carry the request's id even when a field after it is bad.
 */
#include <string.h>

#include "json-decode.h"
#include "json-scan.h"
#include "request-fields.h"
#include "request.h"
#include "utf8.h"

#define MAX_MEMBERS	16	/* more than any op takes, so a bound only */
#define ID_MAX		((INT64_C(1) << 53) - 1)	/* exact in a JS number */
#define LABEL_MAX	40	/* longest untrusted name quoted in a message */

static const struct op_rule {
	enum ff_op op;
	unsigned allowed;
	unsigned required;
	unsigned one_of;	/* at least one of these */
} op_rules[] = {
	{ OP_FREEZE, BIT(F_PATH) | BIT(F_TIMEOUT) | BIT(F_MOUNT_ID) |
		BIT(F_ALLOW_UNSAFE), BIT(F_PATH) | BIT(F_TIMEOUT), 0 },
	{ OP_FREEZE_GROUP, BIT(F_PATHS) | BIT(F_TIMEOUT) | BIT(F_MOUNT_IDS) |
		BIT(F_ALLOW_UNSAFE), BIT(F_PATHS) | BIT(F_TIMEOUT), 0 },
	{ OP_THAW, BIT(F_PATH) | BIT(F_MOUNT_ID) | BIT(F_FORCE), 0,
		BIT(F_PATH) | BIT(F_MOUNT_ID) },
	{ OP_THAW_ALL, 0, 0, 0 },
	{ OP_EXTEND, BIT(F_PATH) | BIT(F_MOUNT_ID) | BIT(F_TIMEOUT),
		BIT(F_TIMEOUT), BIT(F_PATH) | BIT(F_MOUNT_ID) },
	{ OP_STATUS, 0, 0, 0 },
	{ OP_HEARTBEAT, 0, 0, 0 },
	{ OP_PROBE, BIT(F_PATH), BIT(F_PATH), 0 },
	{ OP_WRITERS, BIT(F_PATH), BIT(F_PATH), 0 },
	{ OP_SHUTDOWN, 0, 0, 0 },
};

const char *ff_op_name(enum ff_op op)
{
	switch (op) {
	case OP_FREEZE:		return "freeze";
	case OP_FREEZE_GROUP:	return "freezeGroup";
	case OP_THAW:		return "thaw";
	case OP_THAW_ALL:	return "thawAll";
	case OP_EXTEND:		return "extend";
	case OP_STATUS:		return "status";
	case OP_HEARTBEAT:	return "heartbeat";
	case OP_PROBE:		return "probe";
	case OP_WRITERS:	return "writers";
	case OP_SHUTDOWN:	return "shutdown";
	}
	return "unknown";
}

/* The top-level members, and what each key names once classified. */
struct members {
	struct json_member m[MAX_MEMBERS];
	enum field f[MAX_MEMBERS];
	size_t n;
	bool too_many;
};

/* An untrusted name, decoded for a message; NULL unless short and plain. */
static const char *label(const char *raw, size_t n, char *buf)
{
	size_t len, i;

	if (json_decode_string(raw, n, buf, LABEL_MAX, &len) != JSON_DEC_OK)
		return NULL;
	for (i = 0; i < len; i++)
		if (buf[i] < 0x20 || buf[i] > 0x7E || buf[i] == '"')
			return NULL;
	return buf;
}

static const struct json_member *find(const struct members *ms,
				      enum field f)
{
	size_t i;

	for (i = 0; i < ms->n; i++)
		if (ms->f[i] == f)
			return &ms->m[i];
	return NULL;
}

static bool id_of(const struct json_member *m, int64_t *id)
{
	return m->kind == JSON_INT && json_parse_int(m->val, m->vlen, id) &&
	       *id >= 1 && *id <= ID_MAX;
}

static const struct op_rule *get_op(const struct members *ms,
				    struct req_error *err)
{
	const struct json_member *m = find(ms, F_OP);
	char buf[LABEL_MAX];
	const char *name;
	size_t i;

	if (!m) {
		req_bad(err, FF_BAD_REQUEST, "op is required");
		return NULL;
	}
	if (m->kind != JSON_STRING) {
		req_bad(err, FF_BAD_REQUEST, "op must be a string");
		return NULL;
	}
	name = label(m->val, m->vlen, buf);
	for (i = 0; name && i < sizeof(op_rules) / sizeof(op_rules[0]); i++)
		if (strcmp(name, ff_op_name(op_rules[i].op)) == 0)
			return &op_rules[i];
	if (name)
		req_bad(err, FF_UNKNOWN_OP, "unknown op \"%s\"", name);
	else
		req_bad(err, FF_UNKNOWN_OP, "unknown op");
	return NULL;
}

/* Classifies keys; learns the id if it is there exactly once and valid. */
static int check_members(struct members *ms, struct request *req,
			 struct req_error *err)
{
	const struct json_member *id = NULL;
	unsigned seen = 0, dup = 0;
	size_t i;
	int f;

	for (i = 0; i < ms->n; i++) {
		f = ms->f[i] = field_of(&ms->m[i]);
		if (f == F_UNKNOWN)
			continue;
		dup |= seen & BIT(f);
		seen |= BIT(f);
		if (f == F_ID)
			id = &ms->m[i];
	}
	if (id && !(dup & BIT(F_ID)) && id_of(id, &req->id)) {
		err->id_known = true;
		err->id = req->id;
	}
	if (ms->too_many)
		return req_bad(err, FF_BAD_REQUEST,
			       "too many fields (at most %d)", MAX_MEMBERS);
	for (f = 0; f < F_UNKNOWN; f++)
		if (dup & BIT(f))
			return req_bad(err, FF_BAD_REQUEST,
				       "duplicate field %s", field_names[f]);
	if (!id)
		return req_bad(err, FF_BAD_REQUEST, "id is required");
	if (!err->id_known)
		return req_bad(err, FF_BAD_REQUEST,
			       "id must be an integer in 1..2^53-1");
	return 0;
}

static int unknown_field(const struct json_member *m, struct req_error *err)
{
	char buf[LABEL_MAX];
	const char *name = label(m->key, m->klen, buf);

	if (!name)
		return req_bad(err, FF_BAD_REQUEST, "unknown field");
	return req_bad(err, FF_BAD_REQUEST, "unknown field \"%s\"", name);
}

static int check_fields(const struct members *ms, const struct op_rule *r,
			struct request *req, struct req_error *err)
{
	const char *op = ff_op_name(r->op);
	unsigned seen = 0, missing;
	enum field f;
	size_t i;

	for (i = 0; i < ms->n; i++) {
		f = ms->f[i];
		if (f == F_ID || f == F_OP)
			continue;
		if (f == F_UNKNOWN)
			return unknown_field(&ms->m[i], err);
		if (!(r->allowed & BIT(f)))
			return req_bad(err, FF_BAD_REQUEST,
				       "%s does not take %s", op,
				       field_names[f]);
		if (get_field(&ms->m[i], f, req, err))
			return -1;
		seen |= BIT(f);
	}
	missing = r->required & ~seen;
	for (f = 0; f < F_UNKNOWN; f++)
		if (missing & BIT(f))
			return req_bad(err, FF_BAD_REQUEST, "%s needs %s", op,
				       field_names[f]);
	if (r->one_of && !(seen & r->one_of))
		return req_bad(err, FF_BAD_REQUEST,
			       "%s needs path or mountId", op);
	if ((seen & BIT(F_MOUNT_IDS)) && req->nmount_ids != req->npaths)
		return req_bad(err, FF_BAD_REQUEST,
			       "mountIds must have one entry per path");
	return 0;
}

/* Field by field: a memset would write all 260 KiB of path buffers. */
static void request_reset(struct request *req)
{
	req->id = 0;
	req->op = OP_HEARTBEAT;
	req->has_path = false;
	req->path.len = 0;
	req->path.s[0] = '\0';
	req->npaths = 0;
	req->has_timeout = false;
	req->timeout_huge = false;
	req->timeout_ms = 0;
	req->has_mount_id = false;
	req->mount_id = 0;
	req->nmount_ids = 0;
	req->allow_unsafe = false;
	req->force = false;
}

int request_parse(const char *line, size_t len, struct request *req,
		  struct req_error *err)
{
	struct json_cur c = { line, len, 0, NULL };
	const struct op_rule *rule;
	struct members ms;
	size_t n;

	request_reset(req);
	err->code = FF_BAD_REQUEST;
	err->id_known = false;
	err->id = 0;
	err->message[0] = '\0';

	if (!utf8_valid(line, len))
		return req_bad(err, FF_BAD_REQUEST,
			       "request is not valid UTF-8");
	if (!json_scan_object(&c, ms.m, MAX_MEMBERS, &n))
		return req_bad(err, FF_BAD_REQUEST,
			       "invalid JSON at byte %zu: %s", c.pos, c.why);
	ms.n = n < MAX_MEMBERS ? n : MAX_MEMBERS;
	ms.too_many = n > MAX_MEMBERS;
	if (check_members(&ms, req, err))
		return -1;
	rule = get_op(&ms, err);
	if (!rule)
		return -1;
	req->op = rule->op;
	return check_fields(&ms, rule, req, err);
}
