/*
 * A compact snapshot of the mount table (id, parent, superblock), for the
 * lookups a group ordering or a writers scan does many times.
 */
#ifndef FF_MTABLE_H
#define FF_MTABLE_H

#include "mountinfo.h"

#define MTABLE_MAX	16384

struct mt_ent {
	int id;
	int parent;
	struct sb_id sb;
};

struct mtable {
	uint64_t gen;			/* the reader's gen it was loaded from */
	int n;
	struct mt_ent e[MTABLE_MAX];
};

/* Load from mountinfo through r (and its scratch mount m); nothing to do
 * when r still holds the table t was loaded from. 0 or -errno. */
int mtable_load(struct mtable *t, struct mi_reader *r, struct ff_mount *m);

/* The entry for a mount id, or NULL. */
const struct mt_ent *mtable_find(const struct mtable *t, int id);

#endif
