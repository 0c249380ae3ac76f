/*
 * Trees by descriptor: removing one without ever following a link or
 * leaving its filesystem, and making a relative path's folders inside a
 * folder this tool made.
 */
#ifndef FF_FSOPS_TREE_H
#define FF_FSOPS_TREE_H

#include <stdbool.h>

#include "out.h"

/*
 * Removes `name` in `dirfd` (`path` is its name in messages): a file, or a
 * folder and everything in it. Entries on another filesystem (a mount, a
 * btrfs subvolume) are not entered: the removal stops there with an error.
 * Polls `*stop` between entries.
 */
int remove_tree(int dirfd, const char *name, const char *path,
		const volatile int *stop, struct fs_error *e);

/*
 * Opens the folder `rel` ('/'-separated, no "." or ".." components) below
 * `rootfd`, making missing folders 0700 when `create`. Returns a descriptor
 * (O_RDONLY | O_DIRECTORY) or -1.
 */
int open_below(int rootfd, const char *root_path, const char *rel, bool create,
	       struct fs_error *e);

/* A relative path this tool accepts: components neither empty, ".", nor "..". */
bool plain_relative(const char *rel);

#endif
