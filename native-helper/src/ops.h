/*
 * The protocol operations. heartbeat and status are answered at once;
 * every other request runs here one at a time, in arrival order, as a
 * small state machine that hands slow steps to the worker and waits for
 * the guardian's ACK before any FIFREEZE. Loop thread only.
 */
#ifndef FF_OPS_H
#define FF_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "request.h"

/* Answer heartbeat or status now. */
void ops_immediate(const struct request *r);

/* Begin a queued request (its line, parsed again here). */
void ops_start(const char *line, size_t len);
bool ops_busy(void);

void ops_worker_done(void);
void ops_guardian_ack(uint64_t token, int status);

/* Thaw every frozen entry whose deadline has come (reason deadline). */
void ops_deadlines(int64_t now);
/* The ACK wait of the running op timed out? */
void ops_tick(int64_t now);
/* The earliest time ops_tick has something to do, or INT64_MAX. */
int64_t ops_next_wakeup(void);

/* Thaw everything held now, newest first, with this reason; a freeze in
 * flight is thawed as soon as it completes if reason is lease-expired. */
void ops_thaw_everything(const char *reason);
/* A line arrived: a pending lease-expired thaw no longer applies. */
void ops_lease_renewed(void);

#endif
