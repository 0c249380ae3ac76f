/* probe and writers: questions about a filesystem. */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "audit.h"
#include "clock.h"
#include "config.h"
#include "glink.h"
#include "ops.h"
#include "ops_int.h"
#include "reply.h"

static void probe_reply(bool frozen, bool intrusive)
{
	struct jw *w = reply_begin(op.req.id);

	jw_key(w, "frozen");
	jw_bool(w, frozen);
	jw_key(w, "intrusive");
	jw_bool(w, intrusive);
	reply_end(w, op.req.id);
}

static void probe_done(void)
{
	struct job *j = worker_job();
	struct held *p = &op.probe;
	int e = j->freeze_errno;
	char why[128];

	glink_send(G_DROP, p->token, 0, 0);
	if (j->nfrozen) {
		int64_t held_ms = ms_between(j->frozen_ns[0], j->thawed_ns);

		audit_log("freeze", &p->mount, "probe", -1, NULL);
		audit_log("thaw", &p->mount, "probe", held_ms, NULL);
	}
	if (j->nfrozen && j->thaw_errno[0])
		reply_code(FF_IO_ERROR, j->thaw_errno[0], NULL,
			   "probing %s froze it, and thawing it failed: %s; "
			   "run freezeframe-helper --thaw %s", op.req.path.s,
			   errno_text(j->thaw_errno[0], why, sizeof(why)),
			   op.req.path.s);
	else if (j->nfrozen)
		probe_reply(false, true);
	else if (e == EBUSY)
		probe_reply(true, false);
	else
		reply_code(code_from_errno(e, true), e, NULL,
			   "cannot probe %s: %s", op.req.path.s,
			   errno_text(e, why, sizeof(why)));
	close(p->fd);
	p->fd = -1;
	op_finish();
}

static void probe_acked(void)
{
	struct job *j = worker_job();

	j->kind = JOB_PROBE;
	j->nfds = 1;
	j->fds[0] = op.probe.fd;
	op_submit(probe_done);
}

static void probe_resolved(void)
{
	struct target *t = &worker_job()->t[0];
	int u;

	if (t->err != FF_OK) {
		reply_target(t, NULL);
		op_finish();
		return;
	}
	if (held_by_sb(t->mount.sb)) {
		probe_reply(true, false);
		target_close(t);
		op_finish();
		return;
	}
	u = config_unsafe_index(t->mount.sb);
	if (u >= 0) {
		reply_code(FF_REFUSED_UNSAFE, 0, NULL,
			   "probing %s would freeze %s for a moment; refused",
			   op.req.path.s, cfg.unsafe_why[u]);
		target_close(t);
		op_finish();
		return;
	}
	/* The guardian holds it too: a probe that dies between FIFREEZE and
	 * FITHAW leaves nothing frozen. */
	op.probe.fd = t->fd;
	t->fd = -1;
	op.probe.mount = t->mount;
	op.probe.token = glink_new_token();
	op.probe.deadline = boot_ns() + TIMEOUT_MS_MIN * NS_PER_MS; /* see make_members */
	op.probe.state = HELD_FREEZING;
	op.members[0] = &op.probe;
	op.nmembers = 1;
	ack_begin(probe_acked);
}

void probe_start(void)
{
	op_resolve(false, probe_resolved);
}

static void writers_done(void)
{
	const struct writers_result *r = &worker_job()->writers;
	struct jw *w;
	char why[128];
	int i;

	if (r->err) {
		reply_code(FF_IO_ERROR, -r->err, NULL, "cannot scan /proc: %s",
			   errno_text(-r->err, why, sizeof(why)));
		op_finish();
		return;
	}
	w = reply_begin(op.req.id);
	jw_key(w, "blocked");
	jw_array_begin(w);
	for (i = 0; i < r->n; i++) {
		jw_object_begin(w);
		jw_key(w, "pid");
		jw_int(w, r->w[i].pid);
		jw_key(w, "tid");
		jw_int(w, r->w[i].tid);
		jw_key(w, "comm");
		jw_cstring(w, r->w[i].comm);
		jw_key(w, "syscall");
		jw_cstring(w, r->w[i].syscall);
		jw_key(w, "path");
		jw_cstring(w, r->w[i].path);
		jw_key(w, "wchan");
		jw_cstring(w, r->w[i].wchan);
		jw_object_end(w);
	}
	jw_array_end(w);
	if (r->truncated) {
		jw_key(w, "truncated");
		jw_bool(w, true);
	}
	reply_end(w, op.req.id);
	op_finish();
}

static void writers_resolved(void)
{
	struct job *j = worker_job();
	struct target *t = &j->t[0];

	if (t->err != FF_OK) {
		reply_target(t, NULL);
		op_finish();
		return;
	}
	target_close(t);
	j->kind = JOB_WRITERS;
	j->sb = t->mount.sb;
	op_submit(writers_done);
}

void writers_start(void)
{
	op_resolve(false, writers_resolved);
}
