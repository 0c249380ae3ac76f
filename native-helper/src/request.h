/*
 * One protocol request, parsed from one untrusted line.
 *
 * request_parse() checks syntax and shape only: valid UTF-8, strict JSON
 * (one flat object; values are strings, integers, booleans, or arrays of
 * strings/integers), no unknown or duplicated field, the fields each op
 * takes and requires, absolute NUL-free paths shorter than PATH_MAX.
 * Ranges that depend on configuration (timeoutMs against maxTimeoutMs) are
 * the op handlers' job. It never allocates and never reads past len.
 */
#ifndef FF_REQUEST_H
#define FF_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"

#define REQ_MAX_LINE	(64 * 1024)	/* longer lines never reach the parser */
#define REQ_MAX_PATHS	64
#define REQ_PATH_MAX	4096		/* PATH_MAX, including the NUL */

enum ff_op {
	OP_FREEZE,
	OP_FREEZE_GROUP,
	OP_THAW,
	OP_THAW_ALL,
	OP_EXTEND,
	OP_STATUS,
	OP_HEARTBEAT,
	OP_PROBE,
	OP_WRITERS,
	OP_SHUTDOWN,
};

struct req_path {
	size_t len;			/* bytes, without the NUL */
	char s[REQ_PATH_MAX];		/* NUL-terminated, may hold '\n' */
};

struct request {
	int64_t id;			/* 1..2^53-1; 0 when not known */
	enum ff_op op;

	bool has_path;
	struct req_path path;		/* freeze, thaw, extend, probe, writers */

	int npaths;			/* freezeGroup: 1..REQ_MAX_PATHS */
	struct req_path paths[REQ_MAX_PATHS];

	bool has_timeout;
	bool timeout_huge;		/* an integer too large for int64 */
	int64_t timeout_ms;		/* may be 0 or negative: handler checks */

	bool has_mount_id;
	int64_t mount_id;		/* > 0 */

	int nmount_ids;			/* freezeGroup: 0, or == npaths */
	int64_t mount_ids[REQ_MAX_PATHS];

	bool allow_unsafe;
	bool force;
};

struct req_error {
	enum ff_err code;		/* FF_BAD_REQUEST or FF_UNKNOWN_OP */
	bool id_known;			/* false: reply with "id":null */
	int64_t id;
	char message[256];		/* human text, ASCII */
};

/*
 * Parse line[0..len) (no trailing newline; may contain any bytes).
 * Returns 0 and fills *req, or -1 and fills *err. *req may be partly
 * written on failure.
 */
int request_parse(const char *line, size_t len, struct request *req,
		  struct req_error *err);

/* Wire name of an op ("freeze", "freezeGroup", ...). */
const char *ff_op_name(enum ff_op op);

#endif
