#include <stdio.h>
#include <unistd.h>

#include "clock.h"
#include "config.h"
#include "output.h"
#include "reply.h"
#include "target.h"

static char msg_buf[MSG_MAX];
static struct jw msg;

static struct jw *msg_begin(const char *type)
{
	jw_init(&msg, msg_buf, sizeof(msg_buf));
	jw_object_begin(&msg);
	jw_key(&msg, "type");
	jw_cstring(&msg, type);
	return &msg;
}

/* false when the line did not fit (it is then not sent). */
static bool msg_end(struct jw *w)
{
	long n;

	jw_object_end(w);
	n = jw_finish(w);
	if (n < 0)
		return false;
	out_line(w->buf, (size_t)n);
	return true;
}

static void event_end(struct jw *w, const char *what)
{
	if (!msg_end(w))
		out_diag("a %s event did not fit in %d bytes; dropped", what,
			 MSG_MAX);
}

void send_hello(pid_t guardian_pid)
{
	struct jw *w = msg_begin("hello");

	jw_key(w, "protocol");
	jw_int(w, FF_PROTOCOL);
	jw_key(w, "helperVersion");
	jw_cstring(w, FF_HELPER_VERSION);
	jw_key(w, "pid");
	jw_int(w, getpid());
	jw_key(w, "euid");
	jw_int(w, geteuid());
	jw_key(w, "leaseMs");
	jw_int(w, cfg.lease_ms);
	jw_key(w, "maxTimeoutMs");
	jw_int(w, cfg.max_timeout_ms);
	jw_key(w, "maxHoldMs");
	jw_int(w, cfg.max_hold_ms);
	jw_key(w, "guardianPid");
	jw_int(w, guardian_pid);
	event_end(w, "hello");
}

static void put_id(struct jw *w, int64_t id, bool known)
{
	jw_key(w, "id");
	if (known)
		jw_int(w, id);
	else
		jw_null(w);
}

struct jw *reply_begin(int64_t id)
{
	struct jw *w = msg_begin("reply");

	put_id(w, id, true);
	jw_key(w, "ok");
	jw_bool(w, true);
	return w;
}

void reply_end(struct jw *w, int64_t id)
{
	if (msg_end(w))
		return;
	/* Never leave a request unanswered. */
	reply_error(id, true, FF_IO_ERROR, 0, NULL,
		    "the reply did not fit in the helper's 1 MiB line limit");
}

void reply_error(int64_t id, bool id_known, enum ff_err code, int err_no,
		 const char *path, const char *message)
{
	struct jw *w = msg_begin("reply");

	put_id(w, id, id_known);
	jw_key(w, "ok");
	jw_bool(w, false);
	jw_key(w, "error");
	jw_object_begin(w);
	jw_key(w, "code");
	jw_cstring(w, ff_err_name(code));
	jw_key(w, "message");
	jw_cstring(w, message);
	if (err_no) {
		jw_key(w, "errno");
		jw_int(w, err_no);
	}
	if (path) {
		jw_key(w, "path");
		jw_cstring(w, path);
	}
	jw_object_end(w);
	event_end(w, "error reply");
}

static void mount_fields(struct jw *w, const struct ff_mount *m)
{
	char dev[24];

	snprintf(dev, sizeof(dev), "%u:%u", m->sb.major, m->sb.minor);
	jw_key(w, "path");
	jw_cstring(w, m->path);
	jw_key(w, "mountId");
	jw_int(w, m->mount_id);
	jw_key(w, "majorMinor");
	jw_cstring(w, dev);
	jw_key(w, "fsType");
	jw_cstring(w, m->fstype);
	jw_key(w, "source");
	jw_cstring(w, m->source);
	jw_key(w, "options");
	jw_cstring(w, m->options);
	jw_key(w, "readOnly");
	jw_bool(w, m->read_only);
}

void json_mount(struct jw *w, const char *key, const struct ff_mount *m)
{
	if (key)
		jw_key(w, key);
	jw_object_begin(w);
	mount_fields(w, m);
	jw_object_end(w);
}

static void times(struct jw *w, const struct held *h, int64_t now,
		  bool frozen_at)
{
	if (frozen_at) {
		jw_key(w, "frozenAt");
		jw_int(w, epoch_ms_at(h->frozen_at));
	}
	jw_key(w, "deadline");
	jw_int(w, epoch_ms_at(h->deadline));
	jw_key(w, "remainingMs");
	jw_int(w, ms_until(h->deadline, now));
}

void json_held(struct jw *w, const struct held *h, int64_t now)
{
	jw_object_begin(w);
	mount_fields(w, &h->mount);
	times(w, h, now, true);
	jw_object_end(w);
}

static struct jw *event_begin(const char *name)
{
	struct jw *w = msg_begin("event");

	jw_key(w, "event");
	jw_cstring(w, name);
	return w;
}

void event_frozen(const struct held *h, int64_t now)
{
	struct jw *w = event_begin("frozen");

	json_mount(w, "mount", &h->mount);
	times(w, h, now, true);
	event_end(w, "frozen");
}

void event_extended(const struct held *h, int64_t now)
{
	struct jw *w = event_begin("extended");

	json_mount(w, "mount", &h->mount);
	times(w, h, now, true);
	event_end(w, "extended");
}

void event_thawed(const struct ff_mount *m, const char *reason,
		  int64_t held_ms, bool already, int err_no)
{
	struct jw *w = event_begin("thawed");
	char why[128];

	json_mount(w, "mount", m);
	jw_key(w, "reason");
	jw_cstring(w, reason);
	jw_key(w, "heldMs");
	if (held_ms >= 0)
		jw_int(w, held_ms);
	else
		jw_null(w);		/* a forced thaw of a freeze made elsewhere */
	if (already) {
		jw_key(w, "alreadyThawed");
		jw_bool(w, true);
	}
	if (err_no) {
		jw_key(w, "error");
		jw_object_begin(w);
		jw_key(w, "code");
		jw_cstring(w, ff_err_name(code_from_errno(err_no, false)));
		jw_key(w, "message");
		jw_cstring(w, errno_text(err_no, why, sizeof(why)));
		jw_key(w, "errno");
		jw_int(w, err_no);
		jw_object_end(w);
	}
	event_end(w, "thawed");
}

void event_lease_warning(int64_t lease_deadline, int64_t now)
{
	struct jw *w = event_begin("lease-warning");

	jw_key(w, "leaseDeadline");
	jw_int(w, epoch_ms_at(lease_deadline));
	jw_key(w, "remainingMs");
	jw_int(w, ms_until(lease_deadline, now));
	event_end(w, "lease-warning");
}

void event_guardian_restarted(pid_t pid)
{
	struct jw *w = event_begin("guardian-restarted");

	jw_key(w, "guardianPid");
	jw_int(w, pid);
	event_end(w, "guardian-restarted");
}
