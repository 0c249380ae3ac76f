/*
 * freezeGroup ordering: fold targets that share a superblock into one
 * member, then order members so that a filesystem on a loop device comes
 * before the filesystem holding its backing file, and a mount comes before
 * the mounts it sits on. Stable: otherwise the request's order.
 */
#ifndef FF_GROUP_H
#define FF_GROUP_H

#include "mtable.h"

struct job;

/* Fill j->member[] / j->nmembers from the resolved j->t[] (nothing when
 * a target failed). Worker thread. */
void group_order(struct job *j, struct mtable *mt, struct mi_reader *r,
		 struct ff_mount *scratch);

#endif
