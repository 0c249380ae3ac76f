/*
 * btrfs snapshots by descriptor: taken read-only into a folder reached
 * safely, named by their subvolume id, and removed only when the entry of
 * that folder is, on its own descriptor, the subvolume of that id.
 */
#ifndef FF_FSOPS_SUBVOL_H
#define FF_FSOPS_SUBVOL_H

#include <stdint.h>

#include "out.h"

/* The id of the subvolume whose root `fd` is; -1 if it is not one. */
int subvolume_id(int fd, const char *path, uint64_t *id, struct fs_error *e);

/* A read-only snapshot of `source` (a subvolume's root) as `name` in `dirfd`. */
int snapshot_readonly(const char *source, int dirfd, const char *dir_path,
		      const char *name, uint64_t *id, struct fs_error *e);

/* Deletes `name` in `dirfd` if it is the subvolume `expected_id`. */
int destroy_checked(int dirfd, const char *dir_path, const char *name,
		    uint64_t expected_id, struct fs_error *e);

#endif
