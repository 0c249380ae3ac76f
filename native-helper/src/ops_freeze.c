/* freeze and freezeGroup: resolve, check, guardian ADD/ACK, FIFREEZE in
 * the worker, then confirm (or roll back) and reply. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "clock.h"
#include "config.h"
#include "glink.h"
#include "loop.h"
#include "ops.h"
#include "ops_int.h"
#include "reply.h"

static bool is_group(void)
{
	return op.req.op == OP_FREEZE_GROUP;
}

/* The error's "path" field: only freezeGroup needs to say which. */
static const char *err_path(int target)
{
	return is_group() ? worker_job()->paths[target] : NULL;
}

static void close_targets(void)
{
	struct job *j = worker_job();
	int i;

	for (i = 0; i < j->n; i++)
		target_close(&j->t[i]);
}

/* REFUSED_UNSAFE, ALREADY_FROZEN, room in the table: false after replying. */
static bool members_allowed(void)
{
	struct job *j = worker_job();
	struct held *h;
	int i, u;

	for (i = 0; i < j->n; i++) {
		const struct ff_mount *m = &j->t[i].mount;

		u = config_unsafe_index(m->sb);
		if (u >= 0 && !op.req.allow_unsafe) {
			reply_code(FF_REFUSED_UNSAFE, 0, err_path(i),
				   "%s is on %s (superblock %u:%u): its "
				   "writers, this helper and the system's "
				   "logins would block; pass allowUnsafe "
				   "(timeoutMs at most %d) to freeze it anyway",
				   j->paths[i], cfg.unsafe_why[u], m->sb.major,
				   m->sb.minor, UNSAFE_TIMEOUT_MS_MAX);
			return false;
		}
		h = held_by_sb(m->sb);
		if (h) {
			reply_code(FF_ALREADY_FROZEN, 0, err_path(i),
				   "%s is already frozen by this helper (held "
				   "through %s); extend or thaw it", j->paths[i],
				   h->mount.path);
			return false;
		}
	}
	if (held_free_slots() < (size_t)j->nmembers) {
		reply_code(FF_IO_ERROR, 0, NULL,
			   "the helper already holds %zu filesystems, its "
			   "limit is %d; thaw some first",
			   (size_t)HELD_MAX - held_free_slots(), HELD_MAX);
		return false;
	}
	return true;
}

/* Move each member's descriptor into a new table entry (freezing). */
static void make_members(void)
{
	struct job *j = worker_job();
	int k;

	op.nmembers = j->nmembers;
	for (k = 0; k < j->nmembers; k++) {
		struct target *t = &j->t[j->member[k]];
		struct held *h = held_alloc();	/* room was checked */

		h->fd = t->fd;
		t->fd = -1;
		h->mount = t->mount;
		h->has_backing = t->has_backing;
		h->backing = t->backing;
		h->token = glink_new_token();
		/* Until FIFREEZE returns, the earliest its deadline can be: the
		 * guardian thaws past it (+ grace) should this helper stop. */
		h->deadline = boot_ns() + op.req.timeout_ms * NS_PER_MS;
		h->unsafe = config_unsafe_index(t->mount.sb) >= 0;
		op.members[k] = h;
	}
	close_targets();	/* the folded duplicates */
}

/* A member's own deadline passed before the group's last FIFREEZE
 * returned (thawed early, or left frozen because its thaw would have waited
 * on a member still freezing). */
static bool member_expired(int i, int64_t now)
{
	return op.thawed_early[i] ||
	       (op.provisional[i] && op.members[i]->deadline <= now);
}

/* Then the group as a whole failed: thaw the rest, newest first (which
 * puts a loop device's backing filesystem before the one on top of it). */
static void group_expired(int64_t now)
{
	struct job *j = worker_job();
	int i, first = -1;

	for (i = op.nmembers - 1; i >= 0; i--) {
		if (member_expired(i, now))
			first = i;
		if (!op.thawed_early[i])
			thaw_entry(op.members[i], member_expired(i, now) ?
				   "deadline" : "group-rollback", now);
		held_release(op.members[i]);
	}
	op.nmembers = 0;
	if (!op.early_reason || strcmp(op.early_reason, "deadline") == 0)
		reply_code(FF_IO_ERROR, 0, err_path(j->member[first]),
			   "freezing took longer than timeoutMs (%lld ms): %s "
			   "reached its deadline before the last member froze, "
			   "so the whole group was thawed",
			   (long long)op.req.timeout_ms,
			   j->paths[j->member[first]]);
	else
		reply_code(FF_IO_ERROR, 0, err_path(j->member[first]),
			   "%s was thawed (%s) before the last member froze, "
			   "so the whole group was thawed",
			   j->paths[j->member[first]], op.early_reason);
}

static void freeze_failed(void)
{
	struct job *j = worker_job();
	int k = j->nfrozen, i;
	const struct ff_mount *m = &op.members[k]->mount;
	const char *path = err_path(j->member[k]);
	const char *name = j->paths[j->member[k]];
	char why[128];
	int e = j->freeze_errno;

	for (i = k - 1; i >= 0; i--) {
		struct held *h = op.members[i];
		int te = j->thaw_errno[i];
		int64_t held_ms = ms_between(j->frozen_ns[i], j->thawed_ns);

		if (op.thawed_early[i])
			continue;	/* its deadline thaw was reported */
		audit_log("freeze", &h->mount, "request", -1, NULL);
		event_thawed(&h->mount, "group-rollback", held_ms, te == EINVAL,
			     te == EINVAL ? 0 : te);
		audit_log("thaw", &h->mount, "group-rollback", held_ms, NULL);
	}
	for (i = 0; i < op.nmembers; i++) {
		glink_send(G_DROP, op.members[i]->token, 0, 0);
		held_release(op.members[i]);
	}
	op.nmembers = 0;
	errno_text(e, why, sizeof(why));
	switch (code_from_errno(e, true)) {
	case FF_FROZEN_ELSEWHERE:
		reply_code(FF_FROZEN_ELSEWHERE, e, path,
			   "%s is already frozen by another program (fsfreeze "
			   "-f, a backup tool); thaw it there, or thaw with "
			   "force", name);
		break;
	case FF_UNSUPPORTED_FS:
		reply_code(FF_UNSUPPORTED_FS, e, path,
			   "%s (%s) cannot be frozen: the filesystem does not "
			   "support freezing", name, m->fstype);
		break;
	case FF_PERMISSION_DENIED:
		reply_code(FF_PERMISSION_DENIED, e, path,
			   "cannot freeze %s: %s; the helper needs "
			   "CAP_SYS_ADMIN (run it as root)", name, why);
		break;
	default:
		reply_code(FF_IO_ERROR, e, path,
			   "cannot freeze %s: %s", name, why);
	}
}

static void freeze_reply(int64_t now)
{
	struct job *j = worker_job();
	struct held *first = op.members[0];
	struct jw *w = reply_begin(op.req.id);
	int i;

	if (is_group()) {
		jw_key(w, "mounts");
		jw_array_begin(w);
		for (i = 0; i < j->n; i++)
			json_mount(w, NULL, &j->t[i].mount);
		jw_array_end(w);
	} else {
		json_mount(w, "mount", &j->t[0].mount);
	}
	jw_key(w, "frozenAt");
	jw_int(w, epoch_ms_at(first->frozen_at));
	jw_key(w, "deadline");
	jw_int(w, epoch_ms_at(first->deadline));
	jw_key(w, "remainingMs");
	jw_int(w, ms_until(first->deadline, now));
	reply_end(w, op.req.id);
}

static void freeze_done(void)
{
	struct job *j = worker_job();
	const char *thaw_now;
	int64_t deadline, now;
	int i;

	if (j->nfrozen < j->nfds) {
		freeze_failed();
		op_finish();
		return;
	}
	now = boot_ns();
	freeze_progress();	/* every member now has its own deadline */
	for (i = 0; i < op.nmembers; i++) {
		if (member_expired(i, now)) {
			group_expired(now);
			op_finish();
			return;
		}
	}
	/* One deadline for the group, from the last FIFREEZE's return. */
	deadline = j->frozen_ns[j->nfds - 1] + op.req.timeout_ms * NS_PER_MS;
	for (i = 0; i < op.nmembers; i++) {
		struct held *h = op.members[i];

		/* freeze_progress confirmed each with its own deadline: the
		 * group's for the last member (so for a single freeze). */
		if (h->deadline != deadline)
			glink_send(G_CONFIRM, h->token, deadline,
				   j->frozen_ns[i]);
		h->frozen_at = j->frozen_ns[i];
		h->deadline = deadline;
		h->seq = held_next_seq();
		h->state = HELD_FROZEN;
		event_frozen(h, now);
		audit_log("freeze", &h->mount, "request", -1, NULL);
	}
	freeze_reply(now);
	thaw_now = op.thaw_after;
	op_finish();
	/* The lease expired while FIFREEZE ran: the client is presumed hung,
	 * so this freeze does not outlive the reply. */
	if (thaw_now)
		ops_thaw_everything(thaw_now);
}

static void freeze_acked(void)
{
	struct job *j = worker_job();
	int i;

	j->kind = JOB_FREEZE;
	j->nfds = op.nmembers;
	for (i = 0; i < op.nmembers; i++) {
		j->fds[i] = op.members[i]->fd;
		j->frozen_ns[i] = 0;
		op.provisional[i] = false;
		op.thawed_early[i] = false;
		op.blocked[i] = false;
	}
	op_submit(freeze_done);
}

static void freeze_resolved(void)
{
	struct job *j = worker_job();
	int i;

	for (i = 0; i < j->n; i++) {
		if (j->t[i].err != FF_OK) {
			reply_target(&j->t[i], err_path(i));
			close_targets();
			op_finish();
			return;
		}
	}
	if (!members_allowed()) {
		close_targets();
		op_finish();
		return;
	}
	make_members();
	ack_begin(freeze_acked);
}

void freeze_start(void)
{
	if (!timeout_ok(&op.req, op.req.allow_unsafe)) {
		op_finish();
		return;
	}
	op_resolve(true, freeze_resolved);
}
