/*
 * A filesystem named by a client: opened by the helper itself, checked on
 * that descriptor to be the root of a mount, and identified by its mount
 * id. Every ioctl then goes on that same descriptor, so nothing can be
 * swapped in between the check and the use.
 */
#ifndef FF_TARGET_H
#define FF_TARGET_H

#include <stdbool.h>
#include <stdint.h>

#include "errors.h"
#include "mountinfo.h"

#define TARGET_MSG_MAX	(MI_PATH_MAX + 512)

struct target {
	int fd;				/* -1 when not opened */
	struct ff_mount mount;		/* the mount the path names */
	bool has_backing;		/* on a loop device whose backing */
	struct sb_id backing;		/* file is on this superblock */
	enum ff_err err;		/* FF_OK when resolved */
	int err_no;			/* 0 when no errno applies */
	char message[TARGET_MSG_MAX];
};

/*
 * Resolve path, or when path is NULL the mount named by mount_id (through
 * its mountinfo path). A given mount_id must match. Fills t: on success
 * t->fd is open and owned by t; on failure t->err, err_no and message say
 * why. r is the calling thread's mountinfo reader.
 */
void target_resolve(struct mi_reader *r, const char *path, bool has_id,
		    int64_t mount_id, struct target *t);

/* Close t->fd if open. */
void target_close(struct target *t);

/* Fill t's error: code, errno (0 for none) and a printf-style message. */
void target_fail(struct target *t, enum ff_err code, int err_no,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The protocol code for an errno from FIFREEZE (freezing) or FITHAW. */
enum ff_err code_from_errno(int err_no, bool freezing);

/* "Device or resource busy (EBUSY)" into buf. */
const char *errno_text(int err_no, char *buf, size_t cap);

/* The mount id of an open descriptor, for any file: 0, or -errno. */
int fd_mount_id(int dirfd, const char *path, int flags, int *mount_id);

#endif
