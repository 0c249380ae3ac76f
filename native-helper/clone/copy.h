/*
 * The data mover of freezeframe-clone: one file's bytes from one
 * descriptor to another, by reflink where the filesystem can share
 * extents, else by copying only what is allocated and not zero.
 */
#ifndef FF_CLONE_COPY_H
#define FF_CLONE_COPY_H

#include <stdbool.h>
#include <stdint.h>

/* The process exit codes; the app maps them to its error codes. */
#define CLONE_EXIT_OK		0
#define CLONE_EXIT_USAGE	2
#define CLONE_EXIT_NOSPACE	3
#define CLONE_EXIT_ACCESS	4
#define CLONE_EXIT_IO		5
#define CLONE_EXIT_NOREFLINK	6
#define CLONE_EXIT_CANCELLED	130

enum clone_reflink {
	REFLINK_AUTO,	/* FICLONE, else copy */
	REFLINK_ALWAYS,	/* FICLONE or fail */
	REFLINK_NEVER,	/* copy; not even copy_file_range, which may share */
};

enum clone_status {
	CLONE_OK,
	CLONE_FAILED,		/* errno in err, the call in op */
	CLONE_NO_REFLINK,	/* REFLINK_ALWAYS and FICLONE said no (err) */
	CLONE_CHANGED,		/* the source changed size while copied */
};

/* Called after each chunk with the bytes of the file passed so far. */
typedef void (*clone_progress_fn)(void *ctx, uint64_t done, uint64_t total);

struct clone_job {
	int src, dst;
	uint64_t size;		/* the source's size when it was opened */
	enum clone_reflink reflink;
	clone_progress_fn progress;
	void *ctx;
};

struct clone_result {
	uint64_t done;
	bool reflinked;
	int err;
	const char *op;		/* "FICLONE", "read", "write", ... */
};

enum clone_status clone_copy(const struct clone_job *job,
			     struct clone_result *res);

/*
 * Can dst share src's extents? A FICLONERANGE of src's first 64 KiB (the
 * whole file when smaller): the same answer as a full FICLONE, without
 * its cost on a heavily fragmented image. CLONE_OK, CLONE_NO_REFLINK, or
 * CLONE_FAILED for an error that is not "cannot share".
 */
enum clone_status clone_probe(int src, int dst, uint64_t size,
			      struct clone_result *res);

/* The exit code for a failed call's errno. */
int clone_exit_code(int err);

/* Parses "auto", "always", "never". */
bool clone_parse_reflink(const char *s, enum clone_reflink *out);

#endif
