/*
 * Non-blocking stdout (protocol) and stderr (diagnostics) with bounded
 * buffers: a client that stops reading can never stall the loop. A line
 * that does not fit is dropped whole and counted, never cut. Loop thread
 * only.
 */
#ifndef FF_OUTPUT_H
#define FF_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OUT_STDOUT_CAP	(1024 * 1024)
#define OUT_STDERR_CAP	(64 * 1024)

/* Make fds 1 and 2 non-blocking. 0 or -errno. */
int out_init(void);

/* Queue one complete protocol line (ending in '\n') for stdout. */
void out_line(const char *s, size_t n);

/* A diagnostic line on stderr, prefixed "freezeframe-helper: ". */
void out_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Whether fd (1 or 2) has output waiting for POLLOUT. */
bool out_pending(int fd);

/* Write what is pending on fd (1 or 2) without blocking. */
void out_flush(int fd);

/* stdout failed with EPIPE (or another error): the client is gone. */
bool out_client_gone(void);

/* Try for at most timeout_ms to write everything pending (at exit). */
void out_drain(int timeout_ms);

/* Give fds 1 and 2 back their original flags (at exit). */
void out_restore(void);

#endif
