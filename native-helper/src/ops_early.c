/*
 * While a group's FIFREEZEs run one after another in the worker, each
 * member already frozen has its own deadline (its FIFREEZE's return plus
 * timeoutMs), is confirmed to the guardian with it, and is thawed by the
 * loop when it passes: a later member's slow or stuck FIFREEZE never keeps
 * an earlier one frozen past its deadline. The group then fails.
 */
#include <string.h>

#include "clock.h"
#include "glink.h"
#include "ops.h"
#include "ops_int.h"

/* FIFREEZEs of this op are running in the worker. */
static bool freezing_now(void)
{
	return op.phase == PH_WORKER && op.nmembers > 0 &&
	       worker_job()->kind == JOB_FREEZE &&
	       (op.req.op == OP_FREEZE || op.req.op == OP_FREEZE_GROUP);
}

void freeze_progress(void)
{
	struct job *j = worker_job();
	int i;

	if (!freezing_now())
		return;
	for (i = 0; i < op.nmembers; i++) {
		int64_t ns = __atomic_load_n(&j->frozen_ns[i], __ATOMIC_ACQUIRE);
		struct held *h = op.members[i];

		if (!ns || op.provisional[i])
			continue;
		h->frozen_at = ns;
		h->deadline = ns + op.req.timeout_ms * NS_PER_MS;
		glink_send(G_CONFIRM, h->token, h->deadline, h->frozen_at);
		op.provisional[i] = true;
		memset(op.blocked, 0, sizeof(op.blocked));	/* look again */
	}
}

static int member_of_sb(struct sb_id sb)
{
	int k;

	for (k = 0; k < op.nmembers; k++) {
		if (sb_eq(op.members[k]->mount.sb, sb))
			return k;
	}
	return -1;
}

/*
 * Thaw member i, after the member holding its loop backing file (see
 * held_thaw_order). When that member's FIFREEZE may be running, thawing i
 * would write through the loop device and wait on it, stalling this
 * thread: leave i frozen until the group's FIFREEZEs end. false then.
 */
static bool thaw_early(int i, const char *reason, int64_t now, int depth)
{
	struct held *h = op.members[i];
	int k = h->has_backing ? member_of_sb(h->backing) : -1;

	if (k >= 0 && k != i && !op.thawed_early[k]) {
		if (!op.provisional[k] || depth >= op.nmembers ||
		    !thaw_early(k, reason, now, depth + 1))
			return false;
	}
	thaw_entry(h, reason, now);
	op.thawed_early[i] = true;
	if (!op.early_reason)
		op.early_reason = reason;
	return true;
}

void freeze_thaw_members(const char *reason)
{
	int64_t now = boot_ns();
	int i;

	if (!freezing_now())
		return;
	freeze_progress();
	for (i = op.nmembers - 1; i >= 0; i--) {
		if (op.provisional[i] && !op.thawed_early[i])
			thaw_early(i, reason, now, 0);
	}
}

void freeze_provisional(int64_t now)
{
	int i;

	if (!freezing_now())
		return;
	freeze_progress();
	for (i = op.nmembers - 1; i >= 0; i--) {
		if (op.provisional[i] && !op.thawed_early[i] &&
		    !op.blocked[i] && now >= op.members[i]->deadline &&
		    !thaw_early(i, "deadline", now, 0))
			op.blocked[i] = true;	/* until the next progress */
	}
}

int64_t freeze_next_provisional(void)
{
	int64_t next = INT64_MAX;
	int i;

	if (!freezing_now())
		return next;
	for (i = 0; i < op.nmembers; i++) {
		if (op.provisional[i] && !op.thawed_early[i] &&
		    !op.blocked[i] && op.members[i]->deadline < next)
			next = op.members[i]->deadline;
	}
	return next;
}
