#include <errno.h>
#include <linux/fs.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "audit.h"
#include "clock.h"
#include "config.h"
#include "glink.h"
#include "loop.h"
#include "ops.h"
#include "ops_int.h"
#include "reply.h"

struct op_state op;

void op_finish(void)
{
	op.phase = PH_IDLE;
	op.nmembers = 0;
	op.on_worker = NULL;
	op.on_acked = NULL;
	op.thaw_after = NULL;
	op.early_reason = NULL;
}

bool ops_busy(void)
{
	return op.phase != PH_IDLE;
}

void reply_code(enum ff_err code, int err_no, const char *path,
		const char *fmt, ...)
{
	char message[TARGET_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	reply_error(op.req.id, true, code, err_no, path, message);
}

void reply_target(const struct target *t, const char *path)
{
	reply_error(op.req.id, true, t->err, t->err_no, path, t->message);
}

bool timeout_ok(const struct request *r, bool unsafe)
{
	if (!r->has_timeout) {
		reply_code(FF_BAD_REQUEST, 0, NULL, "timeoutMs is required");
		return false;
	}
	if (r->timeout_huge || r->timeout_ms < TIMEOUT_MS_MIN ||
	    r->timeout_ms > cfg.max_timeout_ms) {
		reply_code(FF_TIMEOUT_OUT_OF_RANGE, 0, NULL,
			   "timeoutMs must be between %d and %lld "
			   "(--max-timeout-ms)", TIMEOUT_MS_MIN,
			   (long long)cfg.max_timeout_ms);
		return false;
	}
	if (unsafe && r->timeout_ms > UNSAFE_TIMEOUT_MS_MAX) {
		reply_code(FF_TIMEOUT_OUT_OF_RANGE, 0, NULL,
			   "with allowUnsafe, timeoutMs may be at most %d",
			   UNSAFE_TIMEOUT_MS_MAX);
		return false;
	}
	return true;
}

void op_submit(void (*next)(void))
{
	op.phase = PH_WORKER;
	op.on_worker = next;
	worker_submit();
}

void op_resolve(bool group, void (*next)(void))
{
	struct job *j = worker_job();
	const struct request *r = &op.req;
	int i;

	j->kind = JOB_RESOLVE;
	j->group = group;
	if (r->op == OP_FREEZE_GROUP) {
		j->n = r->npaths;
		for (i = 0; i < r->npaths; i++) {
			j->paths[i] = r->paths[i].s;
			j->has_id[i] = r->nmount_ids > 0;
			j->ids[i] = r->nmount_ids > 0 ? r->mount_ids[i] : 0;
		}
	} else {
		j->n = 1;
		j->paths[0] = r->has_path ? r->path.s : NULL;
		j->has_id[0] = r->has_mount_id;
		j->ids[0] = r->mount_id;
	}
	op_submit(next);
}

void ops_worker_done(void)
{
	void (*next)(void) = op.on_worker;

	if (!worker_collect()) {
		freeze_progress();
		return;
	}
	if (op.phase != PH_WORKER || !next)
		return;
	op.on_worker = NULL;
	next();
}

int thaw_entry(struct held *h, const char *reason, int64_t now)
{
	int64_t held_ms = ms_between(h->frozen_at, now);
	int err = 0;

	if (ioctl(h->fd, FITHAW, 0) < 0)
		err = errno;
	event_thawed(&h->mount, reason, held_ms, err == EINVAL,
		     err == EINVAL ? 0 : err);
	audit_log("thaw", &h->mount, reason, held_ms,
		  err == EINVAL ? "alreadyThawed" :
		  err ? strerrorname_np(err) : NULL);
	glink_send(G_DROP, h->token, 0, 0);
	return err;
}

void thaw_all_reply(const char *reason, bool reply)
{
	struct held *v[HELD_MAX];
	size_t n = held_list(HELD_FROZEN, v, HELD_MAX), i;
	int64_t now = boot_ns();
	struct jw *w;

	n = held_thaw_order(v, n, HELD_MAX);
	for (i = 0; i < n; i++)
		thaw_entry(v[i], reason, now);
	if (reply) {
		w = reply_begin(op.req.id);
		jw_key(w, "thawed");
		jw_array_begin(w);
		for (i = 0; i < n; i++)
			jw_cstring(w, v[i]->mount.path);
		jw_array_end(w);
		reply_end(w, op.req.id);
	}
	for (i = 0; i < n; i++)
		held_release(v[i]);
}

void ops_thaw_everything(const char *reason)
{
	thaw_all_reply(reason, false);
	/* A freeze in flight: its members frozen so far now, the rest as
	 * soon as it completes (unless the client comes back first). */
	freeze_thaw_members(reason);
	if (op.phase != PH_IDLE &&
	    (op.req.op == OP_FREEZE || op.req.op == OP_FREEZE_GROUP))
		op.thaw_after = reason;
}

void ops_lease_renewed(void)
{
	if (op.thaw_after && strcmp(op.thaw_after, REASON_LEASE) == 0)
		op.thaw_after = NULL;
}

void ops_deadlines(int64_t now)
{
	struct held *v[HELD_MAX];
	size_t n = held_expired(now, v, HELD_MAX), i;

	n = held_thaw_order(v, n, HELD_MAX);
	for (i = 0; i < n; i++) {
		thaw_entry(v[i], "deadline", now);
		held_release(v[i]);
	}
	freeze_provisional(now);
}

static void status_reply(int64_t id)
{
	struct held *v[HELD_MAX];
	int64_t now = boot_ns();
	struct jw *w = reply_begin(id);
	size_t n, i;

	jw_key(w, "frozen");
	jw_array_begin(w);
	n = held_list(HELD_FROZEN, v, HELD_MAX);
	for (i = n; i-- > 0;)		/* oldest first */
		json_held(w, v[i], now);
	jw_array_end(w);
	jw_key(w, "leaseDeadline");
	jw_int(w, epoch_ms_at(loop_lease_deadline()));
	jw_key(w, "guardian");
	jw_object_begin(w);
	jw_key(w, "pid");
	jw_int(w, glink_last_pid());
	jw_key(w, "alive");
	jw_bool(w, glink_alive());
	jw_object_end(w);
	jw_key(w, "pending");
	jw_array_begin(w);
	n = held_list(HELD_FREEZING, v, HELD_MAX);
	for (i = n; i-- > 0;)
		jw_cstring(w, v[i]->mount.path);
	if (op.nmembers == 1 && op.members[0] == &op.probe)
		jw_cstring(w, op.probe.mount.path);
	jw_array_end(w);
	reply_end(w, id);
}

void ops_immediate(const struct request *r)
{
	struct jw *w;

	if (r->op == OP_STATUS) {
		status_reply(r->id);
		return;
	}
	w = reply_begin(r->id);
	jw_key(w, "leaseDeadline");
	jw_int(w, epoch_ms_at(loop_lease_deadline()));
	reply_end(w, r->id);
}

void ops_start(const char *line, size_t len)
{
	struct req_error err;

	op_finish();
	if (request_parse(line, len, &op.req, &err) < 0) {
		reply_error(err.id, err.id_known, err.code, 0, NULL,
			    err.message);
		return;
	}
	switch (op.req.op) {
	case OP_FREEZE:
	case OP_FREEZE_GROUP:
		freeze_start();
		break;
	case OP_PROBE:
		probe_start();
		break;
	case OP_THAW:
		thaw_start();
		break;
	case OP_EXTEND:
		extend_start();
		break;
	case OP_WRITERS:
		writers_start();
		break;
	case OP_THAW_ALL:
		thaw_all_reply("request", true);
		break;
	case OP_SHUTDOWN:
		thaw_all_reply("shutdown", true);
		loop_exit("shutdown", 0);
	case OP_STATUS:
	case OP_HEARTBEAT:
		ops_immediate(&op.req);
		break;
	}
}
