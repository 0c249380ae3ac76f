/*
 * Which tasks are blocked writing to a filesystem: tasks in state D whose
 * current syscall names a file on it. Runs on the worker thread (reading a
 * task's memory may wait on its mm lock; the loop must never wait).
 */
#ifndef FF_WRITERS_H
#define FF_WRITERS_H

#include <stdbool.h>

#include "mountinfo.h"
#include "mtable.h"

#define WRITERS_MAX	64

struct writer {
	int pid;			/* thread group */
	int tid;			/* the blocked thread */
	char comm[32];
	const char *syscall;		/* static name */
	char path[MI_PATH_MAX];
	char wchan[64];
};

struct writers_result {
	int err;			/* 0, or -errno when /proc failed */
	int n;
	bool truncated;			/* more than WRITERS_MAX */
	struct writer w[WRITERS_MAX];
};

/* Scan /proc for tasks blocked on superblock sb. mt is scratch. */
void writers_scan(struct sb_id sb, struct mtable *mt, struct mi_reader *r,
		  struct ff_mount *scratch, struct writers_result *out);

#endif
