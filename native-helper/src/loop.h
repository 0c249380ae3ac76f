/*
 * The single-threaded event loop: stdin lines, the request queue, the
 * lease, deadlines (through one CLOCK_BOOTTIME timerfd), the worker's
 * completions, the guardian link and signals.
 */
#ifndef FF_LOOP_H
#define FF_LOOP_H

#include <signal.h>
#include <stdint.h>

#define REASON_LEASE	"lease-expired"

/* Run until the client goes, a signal, shutdown or abuse (each of which
 * exits through loop_exit). Returns -errno only when it cannot start. */
int loop_run(int worker_fd);

/* The signals the loop takes through its signalfd (SIGTERM, SIGINT,
 * SIGHUP: thaw all and exit; SIGCHLD: the guardian). They must be blocked
 * in every thread, so before the first thread or child is created. */
void loop_signals(sigset_t *set);

/* A line arrived: the lease starts again. */
void loop_lease_renew(int64_t now);

/* CLOCK_BOOTTIME ns at which the lease expires. */
int64_t loop_lease_deadline(void);

/* Thaw everything with reason, write what is pending, exit(status). */
__attribute__((noreturn)) void loop_exit(const char *reason, int status);

#endif
