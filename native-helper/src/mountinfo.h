/*
 * /proc/self/mountinfo, read line by line into a caller-owned reader: no
 * allocation, so the freeze path may use it. Each thread that reads
 * mountinfo owns its own reader.
 *
 * A reader set up with mi_keep() keeps the file open and, when the whole
 * table fits in its buffer, its contents: the next mi_open() reads again
 * only if the kernel reports a change on that file (POLLPRI: any mount,
 * unmount, move or mount-flag change in the namespace; not a superblock
 * reconfigure through fsconfig, so superblock options in the copy may be
 * old). A change that lands while the table is being read is reported at
 * the next check. The file stays on the namespace it was opened in.
 */
#ifndef FF_MOUNTINFO_H
#define FF_MOUNTINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define MI_PATH_MAX	4096
#define MI_FSTYPE_MAX	64
#define MI_TEXT_MAX	1024
#define MI_BUF_SIZE	(32 * 1024)	/* longer lines are skipped */

/* The protocol's mount object. */
struct ff_mount {
	int mount_id;
	int parent_id;
	struct sb_id sb;		/* major:minor of the superblock */
	bool read_only;			/* per-mount or superblock "ro" */
	char path[MI_PATH_MAX];		/* unescaped mount point */
	char fstype[MI_FSTYPE_MAX];
	char source[MI_TEXT_MAX];
	char options[MI_TEXT_MAX];	/* per-mount options */
};

struct mi_reader {
	int fd;
	bool eof;
	bool keep;			/* mi_keep(): reuse the file and buf */
	bool whole;			/* buf holds the whole table */
	uint64_t gen;			/* new for each read of the table */
	size_t len;			/* bytes in buf */
	size_t pos;			/* start of the next line */
	char buf[MI_BUF_SIZE];
};

/* Make r a keeping reader (before its first use). */
void mi_keep(struct mi_reader *r);
/* Start at the first line. 0 or -errno. */
int mi_open(struct mi_reader *r);
/* 1 with *m filled from the next line, 0 at the end, -errno on error. */
int mi_next(struct mi_reader *r, struct ff_mount *m);
void mi_close(struct mi_reader *r);

/* Find the mount with this id: 0, -ENOENT, or -errno. */
int mi_find(struct mi_reader *r, int mount_id, struct ff_mount *m);

/* Parse one mountinfo line (without its newline). 0, or -EINVAL when the
 * line does not have the expected shape. Exposed for tests. */
int mi_parse_line(char *line, size_t len, struct ff_mount *m);

#endif
