/*
 * freezeframe-fsops speaks JSON lines on stdout: progress, results, and at
 * most one error, which names the folder or file, what was done to it and
 * the errno by name, so the app can say what happened in words.
 */
#ifndef FF_FSOPS_OUT_H
#define FF_FSOPS_OUT_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* The process exit codes; the app reads the error line for the detail. */
#define FSOPS_EXIT_OK		0
#define FSOPS_EXIT_FAILED	1
#define FSOPS_EXIT_USAGE	2
#define FSOPS_EXIT_CANCELLED	130

enum fs_error_kind {
	FS_ERR_NONE,
	FS_ERR_ERRNO,	/* a call failed: op, path, err */
	FS_ERR_UNSAFE,	/* path: a folder another user can change */
	FS_ERR_EXISTS,	/* path: already there, never overwritten */
	FS_ERR_NOT_OURS,/* path: not what this plan made (why) */
	FS_ERR_CHANGED,	/* path: changed between its check and its use */
	FS_ERR_INPUT,	/* the app's own request was malformed (why) */
	FS_ERR_CANCELLED,
};

struct fs_error {
	enum fs_error_kind kind;
	int err;
	const char *op;
	char path[PATH_MAX];
	char why[160];
	uid_t owner;
	mode_t mode;
};

/* Records an error (the first one wins) and returns -1. */
int fs_fail(struct fs_error *e, enum fs_error_kind kind, const char *op,
	    const char *path, int err);
int fs_failf(struct fs_error *e, enum fs_error_kind kind, const char *path,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

const char *errno_name(int err);

/* "a/b" into out (cut at cap: these are the names in messages; the calls
 * themselves work on descriptors). Returns out. */
char *path_join(char *out, size_t cap, const char *a, const char *b);

/* A JSON line builder on a fixed buffer, written with one write(2). */
struct line {
	char buf[2 * PATH_MAX + 512];
	size_t len;
	bool first;
};

void line_begin(struct line *l);
void line_str(struct line *l, const char *key, const char *value);
void line_u64(struct line *l, const char *key, uint64_t value);
void line_bool(struct line *l, const char *key, bool value);
/* Ends the object and writes it; false when stdout is gone (EPIPE). */
bool line_end(struct line *l);

/* The error line: {"error": kind, "path", "op", "errno", "message", ...}. */
void print_error(const struct fs_error *e);

#endif
