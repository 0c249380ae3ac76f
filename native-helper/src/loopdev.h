/*
 * Filesystems on loop devices: which superblock holds the backing file.
 * A filesystem must be frozen before, and thawed after, the filesystem
 * under its loop device: its FIFREEZE (sync) and FITHAW (superblock
 * write) go through the loop device into the backing file, and would wait
 * on a frozen backing filesystem.
 */
#ifndef FF_LOOPDEV_H
#define FF_LOOPDEV_H

#include <stdbool.h>

#include "mtable.h"

/* The superblock holding the backing file of the loop device m is on
 * (directly or, for loopNpM, through its parent). false when m is not on
 * a loop device or the file is deleted or not on a mounted filesystem. */
bool loop_backing_sb(const struct ff_mount *m, const struct mtable *mt,
		     struct sb_id *out);

#endif
