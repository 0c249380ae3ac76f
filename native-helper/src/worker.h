/*
 * The one worker thread. FIFREEZE syncs and can take seconds, path lookups
 * can hang on a dead server, and reading a blocked task's memory can wait
 * on its mm lock: all of that runs here, never on the loop thread that
 * keeps the deadlines (and does every deadline FITHAW itself).
 *
 * One job at a time, in a static slot: the loop fills it while the worker
 * is idle, submits, and reads the results after the completion eventfd
 * fires. No allocation.
 */
#ifndef FF_WORKER_H
#define FF_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include "request.h"
#include "target.h"
#include "writers.h"

enum job_kind {
	JOB_RESOLVE,		/* open and identify paths (or mount ids) */
	JOB_FREEZE,		/* FIFREEZE fds in order, roll back on failure */
	JOB_PROBE,		/* FIFREEZE fds[0]; FITHAW at once if it froze */
	JOB_WRITERS,		/* scan /proc for writers blocked on sb */
};

struct job {
	enum job_kind kind;

	/* JOB_RESOLVE in: n targets, each a path or (path NULL) a mount id;
	 * has_id[i] asks that the mount be ids[i]. group: fold targets on
	 * one superblock and compute the freeze order. */
	int n;
	const char *paths[REQ_MAX_PATHS];
	bool has_id[REQ_MAX_PATHS];
	int64_t ids[REQ_MAX_PATHS];
	bool group;
	/* out: t[i] for each; when group and all resolved, member[] holds
	 * the index of the first target of each superblock, freeze order. */
	struct target t[REQ_MAX_PATHS];
	int nmembers;
	int member[REQ_MAX_PATHS];

	/* JOB_FREEZE / JOB_PROBE in */
	int nfds;
	int fds[REQ_MAX_PATHS];
	/* out */
	int nfrozen;			/* FIFREEZE succeeded on fds[0..nfrozen) */
	int freeze_errno;		/* for fds[nfrozen] when nfrozen < nfds */
	/* When each FIFREEZE returned; 0 until then. Written by the worker
	 * with release, read by the loop with acquire while the job runs. */
	int64_t frozen_ns[REQ_MAX_PATHS];
	int64_t thawed_ns;		/* when the rollback finished */
	int thaw_errno[REQ_MAX_PATHS];	/* rollback/probe FITHAW, 0 if ok */

	/* JOB_WRITERS */
	struct sb_id sb;
	struct writers_result writers;
};

/* Start the thread. Returns the completion eventfd, or -errno. */
int worker_start(void);

/* The job slot; fill it only while !worker_busy(). */
struct job *worker_job(void);
bool worker_busy(void);
void worker_submit(void);

/* The completion eventfd fired: collect the job (results now visible).
 * Returns true when a job had finished; false for a progress wakeup
 * (a group member frozen). */
bool worker_collect(void);

#endif
