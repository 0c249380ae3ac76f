/*
 * One system-log line per freeze, extend and thaw, sent as a datagram to
 * /dev/log without waiting: dropped rather than ever blocking a deadline.
 * Each process (helper, guardian) has its own socket.
 */
#ifndef FF_AUDIT_H
#define FF_AUDIT_H

#include <stdint.h>

#include "mountinfo.h"

/* Forget the inherited socket (the guardian calls this after fork). */
void audit_reset(void);

/*
 * action: "freeze", "extend", "thaw"; reason may be NULL; held_ms < 0 when
 * it does not apply; note may be NULL (e.g. "alreadyThawed").
 */
void audit_log(const char *action, const struct ff_mount *m,
	       const char *reason, int64_t held_ms, const char *note);

#endif
