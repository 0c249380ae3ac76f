/*
 * The helper's end of the guardian link: starting (and replacing) the
 * guardian and sending it the held entries. Loop thread only.
 */
#ifndef FF_GLINK_H
#define FF_GLINK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "guardian.h"
#include "held.h"

/* Fork a guardian. 0 or -errno. */
int glink_spawn(void);

int glink_fd(void);		/* -1 when there is no guardian */
pid_t glink_pid(void);		/* the current guardian, 0 when none */
pid_t glink_first_pid(void);	/* the one the hello named */
pid_t glink_last_pid(void);	/* the current or, while none runs, the
				 * last one (status: with alive false) */
bool glink_alive(void);

/* Send ADD for an entry, with a duplicate of its descriptor. 0 or -errno;
 * a failure also marks the link for replacement. */
int glink_add(const struct held *h);
int glink_send(enum gmsg_type type, uint64_t token, int64_t deadline,
	       int64_t frozen_at);

/* 1 with one ACK's token and status, 0 when nothing waits, -EPIPE when the
 * guardian is gone (the link is then marked for replacement). */
int glink_recv(uint64_t *token, int *status);

/* Reap exited children (SIGCHLD); marks the link when the guardian died. */
void glink_reap(void);

/* Mark the link dead (e.g. an ACK never came). */
void glink_mark_broken(void);
bool glink_needs_replace(void);

/* Kill the old guardian (before closing its socket, so it never sees an
 * EOF and thaws what the helper still holds), fork a new one and send it
 * every entry. 0 or -errno. */
int glink_replace(void);

uint64_t glink_new_token(void);

#endif
