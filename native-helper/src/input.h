/*
 * Standard input: non-blocking reads into one line buffer, strict parsing,
 * the 8-garbage-lines limit, and the queue of requests waiting their turn.
 * heartbeat and status are answered as soon as they are read. Loop thread.
 */
#ifndef FF_INPUT_H
#define FF_INPUT_H

#include <stdbool.h>
#include <stdint.h>

#define INPUT_QUEUE_MAX		32
#define INPUT_GARBAGE_MAX	8

/* 0 or -errno: make stdin non-blocking. */
int input_init(void);
/* Give stdin back its original flags (at exit). */
void input_restore(void);

/* Whether the loop should poll stdin (open, and the queue has room). */
bool input_wants_read(void);

/* stdin is readable: read once and handle the complete lines. EOF or a
 * read error means the client is gone (exits). */
void input_read(int64_t now);

/* Start queued requests while no operation runs, and take in lines that
 * waited for queue room. */
void input_run_queue(int64_t now);

/* The queue is full and lines wait unread behind it. */
bool input_backlogged(void);

#endif
