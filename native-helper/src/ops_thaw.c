/* thaw and extend. */
#include <errno.h>
#include <linux/fs.h>
#include <sys/ioctl.h>

#include "audit.h"
#include "clock.h"
#include "config.h"
#include "glink.h"
#include "ops.h"
#include "ops_int.h"
#include "reply.h"

static const char *asked_name(const struct target *t)
{
	return op.req.has_path ? op.req.path.s : t->mount.path;
}

/* Held entries are found by the mount id they were frozen through; other
 * mounts of the superblock are found by resolving. */
static struct held *held_by_request_id(void)
{
	if (op.req.has_path || !op.req.has_mount_id ||
	    op.req.mount_id > 0x7FFFFFFF)
		return NULL;
	return held_by_mount_id((int)op.req.mount_id);
}

/* Thaw what h's thaw would wait on (see held_thaw_order), then h. */
static int thaw_with_backers(struct held *h, int64_t now)
{
	struct held *v[HELD_MAX];
	size_t n, i;
	int err = 0;

	v[0] = h;
	n = held_thaw_order(v, 1, HELD_MAX);
	for (i = 0; i < n; i++) {
		int e = thaw_entry(v[i], "request", now);

		if (v[i] == h)
			err = e;
		else
			held_release(v[i]);
	}
	return err;
}

static void thaw_held(struct held *h, const struct ff_mount *asked)
{
	int64_t now = boot_ns();
	int64_t held_ms = ms_between(h->frozen_at, now);
	int err = thaw_with_backers(h, now);
	char why[128];
	struct jw *w;

	if (err && err != EINVAL) {
		reply_code(code_from_errno(err, false), err, NULL,
			   "cannot thaw %s: %s", asked->path,
			   errno_text(err, why, sizeof(why)));
	} else {
		w = reply_begin(op.req.id);
		json_mount(w, "mount", asked);
		jw_key(w, "thawedAt");
		jw_int(w, epoch_ms_at(now));
		jw_key(w, "heldMs");
		jw_int(w, held_ms);
		reply_end(w, op.req.id);
	}
	held_release(h);
}

/* force: FITHAW a filesystem this helper does not hold. */
static void thaw_forced(struct target *t)
{
	char why[128];
	struct jw *w;
	int err = 0;

	if (ioctl(t->fd, FITHAW, 0) < 0)
		err = errno;
	if (err == EINVAL) {
		reply_code(FF_NOT_FROZEN, err, NULL, "%s is not frozen",
			   asked_name(t));
		return;
	}
	if (err) {
		reply_code(code_from_errno(err, false), err, NULL,
			   "cannot thaw %s: %s", asked_name(t),
			   errno_text(err, why, sizeof(why)));
		return;
	}
	event_thawed(&t->mount, "request", -1, false, 0);
	audit_log("thaw", &t->mount, "request", -1, "force");
	w = reply_begin(op.req.id);
	json_mount(w, "mount", &t->mount);
	jw_key(w, "thawedAt");
	jw_int(w, epoch_ms_at(boot_ns()));
	jw_key(w, "heldMs");
	jw_null(w);
	reply_end(w, op.req.id);
}

static void thaw_resolved(void)
{
	struct target *t = &worker_job()->t[0];
	struct held *h;

	if (t->err != FF_OK) {
		reply_target(t, NULL);
	} else if ((h = held_by_sb(t->mount.sb)) && h->state == HELD_FROZEN) {
		thaw_held(h, &t->mount);
	} else if (!op.req.force) {
		reply_code(FF_NOT_HELD, 0, NULL,
			   "%s is not frozen by this helper; if another program "
			   "froze it, thaw with force", asked_name(t));
	} else {
		thaw_forced(t);
	}
	target_close(t);
	op_finish();
}

void thaw_start(void)
{
	struct held *h = held_by_request_id();

	if (h) {
		thaw_held(h, &h->mount);
		op_finish();
		return;
	}
	op_resolve(false, thaw_resolved);
}

static void extend_held(struct held *h, const struct ff_mount *asked)
{
	int64_t now = boot_ns();
	int64_t want = now + op.req.timeout_ms * NS_PER_MS;
	int64_t limit = h->frozen_at + cfg.max_hold_ms * NS_PER_MS;
	struct jw *w;

	if (!timeout_ok(&op.req, h->unsafe))
		return;
	if (want > limit) {
		reply_code(FF_HOLD_LIMIT, 0, NULL,
			   "extending %s by %lld ms would hold it %lld ms in "
			   "all, past the maximum hold of %lld ms "
			   "(--max-hold-ms); at most %lld ms more is allowed",
			   asked->path, (long long)op.req.timeout_ms,
			   (long long)ms_between(h->frozen_at, want),
			   (long long)cfg.max_hold_ms,
			   (long long)ms_until(limit, now));
		return;
	}
	h->deadline = want;
	glink_send(G_UPDATE, h->token, h->deadline, h->frozen_at);
	event_extended(h, now);
	audit_log("extend", &h->mount, "request", ms_between(h->frozen_at, now),
		  NULL);
	w = reply_begin(op.req.id);
	json_mount(w, "mount", asked);
	jw_key(w, "deadline");
	jw_int(w, epoch_ms_at(h->deadline));
	jw_key(w, "remainingMs");
	jw_int(w, ms_until(h->deadline, now));
	reply_end(w, op.req.id);
}

static void extend_resolved(void)
{
	struct target *t = &worker_job()->t[0];
	struct held *h;

	if (t->err != FF_OK)
		reply_target(t, NULL);
	else if ((h = held_by_sb(t->mount.sb)) && h->state == HELD_FROZEN)
		extend_held(h, &t->mount);
	else
		reply_code(FF_NOT_HELD, 0, NULL,
			   "%s is not frozen by this helper; nothing to extend",
			   asked_name(t));
	target_close(t);
	op_finish();
}

void extend_start(void)
{
	struct held *h;

	if (!timeout_ok(&op.req, false)) {
		op_finish();
		return;
	}
	h = held_by_request_id();
	if (h) {
		extend_held(h, &h->mount);
		op_finish();
		return;
	}
	op_resolve(false, extend_resolved);
}
