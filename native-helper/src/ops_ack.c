/* Waiting for the guardian: every entry is ACKed before its FIFREEZE. */
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "glink.h"
#include "ops.h"
#include "ops_int.h"
#include "target.h"

#define ACK_WAIT_NS	(2 * NS_PER_SEC)

/* Undo the members of an op that will not freeze: the guardian forgets
 * them, the table frees them (closing the descriptors). */
static void members_abort(void)
{
	int i;

	for (i = 0; i < op.nmembers; i++) {
		struct held *h = op.members[i];

		glink_send(G_DROP, h->token, 0, 0);
		if (h == &op.probe) {
			if (h->fd >= 0)
				close(h->fd);
			h->fd = -1;
		} else {
			held_release(h);
		}
	}
	op.nmembers = 0;
}

void ack_begin(void (*next)(void))
{
	int i;

	if (!glink_alive()) {
		members_abort();
		reply_code(FF_IO_ERROR, 0, NULL,
			   "the guardian is not running (it is being "
			   "restarted); retry in a moment");
		op_finish();
		return;
	}
	for (i = 0; i < op.nmembers; i++) {
		op.members[i]->acked = false;
		if (glink_add(op.members[i])) {
			members_abort();
			reply_code(FF_IO_ERROR, 0, NULL,
				   "cannot hand the descriptor to the guardian; "
				   "it is being replaced, retry in a moment");
			op_finish();
			return;
		}
	}
	op.ack_deadline = boot_ns() + ACK_WAIT_NS;
	op.on_acked = next;
	op.phase = PH_ACK;
}

void ops_guardian_ack(uint64_t token, int status)
{
	char why[128];
	int i, acked = 0;

	if (op.phase != PH_ACK)
		return;			/* a re-sent entry's ACK */
	for (i = 0; i < op.nmembers; i++) {
		struct held *h = op.members[i];

		if (h->token == token && status) {
			members_abort();
			reply_code(FF_IO_ERROR, status, NULL,
				   "the guardian refused to hold %s: %s",
				   h->mount.path,
				   errno_text(status, why, sizeof(why)));
			op_finish();
			return;
		}
		if (h->token == token)
			h->acked = true;
		acked += h->acked;
	}
	if (acked == op.nmembers)
		op.on_acked();
}

void ops_tick(int64_t now)
{
	if (op.phase != PH_ACK || now < op.ack_deadline)
		return;
	/* A guardian that does not answer in 2 s cannot be trusted to thaw:
	 * replace it, and fail this freeze rather than run unguarded. */
	glink_mark_broken();
	members_abort();
	reply_code(FF_IO_ERROR, 0, NULL,
		   "guardian not responding; it is being replaced, retry in a "
		   "moment");
	op_finish();
}

int64_t ops_next_wakeup(void)
{
	if (op.phase == PH_ACK)
		return op.ack_deadline;
	return freeze_next_provisional();
}
