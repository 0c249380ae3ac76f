/*
 * The guardian: a forked process that holds a duplicate of every frozen
 * mount's descriptor with its deadline, and thaws them when the helper dies
 * (socket EOF) or is stuck past a deadline by more than GUARD_GRACE_NS.
 *
 * helper -> guardian: ADD (with the descriptor, SCM_RIGHTS), CONFIRM,
 * UPDATE, DROP; guardian -> helper: ACK. SOCK_SEQPACKET, one struct a
 * message.
 */
#ifndef FF_GUARDIAN_H
#define FF_GUARDIAN_H

#include <stdint.h>

#include "mountinfo.h"

#define GUARD_GRACE_NS	(2 * 1000000000LL)
#define GUARD_RETRY_NS	(100 * 1000000LL)	/* unconfirmed and overdue */
#define GUARD_MAX	(128 + 8)	/* HELD_MAX plus a probe in flight */

enum gmsg_type {
	G_ADD = 1,
	G_ACK,
	G_CONFIRM,
	G_UPDATE,
	G_DROP,
};

struct gmsg {
	uint32_t type;
	int32_t status;		/* ACK: 0, or the errno that refused it */
	uint64_t token;
	int64_t deadline;	/* CLOCK_BOOTTIME ns (ADD: the earliest the
				 * freeze's can be, ADD time + timeoutMs) */
	int64_t frozen_at;	/* CONFIRM: when FIFREEZE returned */
};

/* ADD carries the mount so the guardian's audit lines can name it, and
 * the superblock holding its loop device's backing file, if any, so the
 * guardian thaws that one first (as the helper does, see held.h). */
struct gmsg_add {
	struct gmsg h;
	uint32_t has_backing;
	struct sb_id backing;
	struct ff_mount mount;
};

/* Run the guardian on its end of the socketpair. Never returns. */
__attribute__((noreturn)) void guardian_main(int sock);

#endif
