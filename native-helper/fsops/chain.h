/*
 * A folder reached by descriptor: every component of its path opened with
 * O_NOFOLLOW from the one before, and each checked on what was opened, so
 * nothing can be swapped between the check and the use. A folder that a
 * user other than root and the one running this (its "trusted" owners) can
 * change is refused, naming it: owned by another user, or writable by its
 * group or by everyone (a sticky folder such as /tmp is passed through
 * when what is inside it is a trusted owner's). The folder itself must be
 * writable by no one else at all. A symbolic link on the way is followed
 * only where it lies in a folder already found safe, and its target is
 * checked the same way.
 */
#ifndef FF_FSOPS_CHAIN_H
#define FF_FSOPS_CHAIN_H

#include <stdbool.h>
#include <sys/stat.h>

#include "out.h"

/* Make missing folders (mode 0700) on the way. */
#define CHAIN_CREATE	1u
/* Stop at the first missing folder: the nearest existing one is opened. */
#define CHAIN_NEAREST	2u

struct chain {
	int fd;			/* O_RDONLY | O_DIRECTORY */
	struct stat st;
	char path[PATH_MAX];	/* the folder reached, as walked */
	char missing[PATH_MAX];	/* CHAIN_NEAREST: the first missing one, or "" */
	bool created;		/* CHAIN_CREATE made at least one folder */
};

bool trusted_owner(uid_t uid);
/* A folder whose entries only trusted owners can add, rename or remove. */
bool folder_private(const struct stat *st);

int chain_open(const char *path, unsigned flags, struct chain *c,
	       struct fs_error *e);
void chain_close(struct chain *c);

/* Checks a folder on its descriptor as the last step of a chain does. */
int folder_check(const struct stat *st, const char *path, struct fs_error *e);

#endif
