#include <string.h>

#include "group.h"
#include "loopdev.h"
#include "target.h"
#include "worker.h"

#define MAX_DEPTH	4096		/* parent chains longer are cut */

/* before[a][b]: member a must be frozen before member b. */
static bool before[REQ_MAX_PATHS][REQ_MAX_PATHS];

static int member_of_sb(const struct job *j, struct sb_id sb)
{
	int k;

	for (k = 0; k < j->nmembers; k++) {
		if (sb_eq(j->t[j->member[k]].mount.sb, sb))
			return k;
	}
	return -1;
}

/* a sits (maybe through other mounts) on a mount of another member. */
static void parent_edges(const struct job *j, const struct mtable *mt, int a)
{
	int id = j->t[j->member[a]].mount.parent_id, depth, b;

	for (depth = 0; depth < MAX_DEPTH; depth++) {
		const struct mt_ent *me = mtable_find(mt, id);

		if (!me)
			break;
		b = member_of_sb(j, me->sb);
		if (b >= 0 && b != a)
			before[a][b] = true;
		if (me->parent == me->id)
			break;
		id = me->parent;
	}
}

/* a is on a loop device whose backing file lives on another member. */
static void loop_edges(const struct job *j, int a)
{
	const struct target *t = &j->t[j->member[a]];
	int b;

	if (!t->has_backing)
		return;
	b = member_of_sb(j, t->backing);
	if (b >= 0 && b != a)
		before[a][b] = true;
}

/* Kahn's algorithm, always taking the lowest-numbered ready member; on a
 * cycle (never expected) the lowest remaining one. */
static void topo_sort(struct job *j)
{
	int order[REQ_MAX_PATHS], n = j->nmembers, placed = 0, a, b;
	bool done[REQ_MAX_PATHS] = { false };

	while (placed < n) {
		int pick = -1;

		for (b = 0; b < n && pick < 0; b++) {
			bool ready = !done[b];

			for (a = 0; a < n && ready; a++)
				ready = done[a] || !before[a][b];
			if (ready)
				pick = b;
		}
		for (b = 0; b < n && pick < 0; b++) {
			if (!done[b])
				pick = b;
		}
		done[pick] = true;
		order[placed++] = j->member[pick];
	}
	memcpy(j->member, order, sizeof(order[0]) * (size_t)n);
}

void group_order(struct job *j, struct mtable *mt, struct mi_reader *r,
		 struct ff_mount *scratch)
{
	int i, a;

	j->nmembers = 0;
	for (i = 0; i < j->n; i++) {
		if (j->t[i].err != FF_OK)
			return;
	}
	for (i = 0; i < j->n; i++) {
		if (member_of_sb(j, j->t[i].mount.sb) < 0)
			j->member[j->nmembers++] = i;
	}
	memset(before, 0, sizeof(before));
	if (mtable_load(mt, r, scratch) == 0) {
		/* Kept with each held entry, for the order of later thaws. */
		for (i = 0; i < j->n; i++)
			j->t[i].has_backing = loop_backing_sb(&j->t[i].mount, mt,
							      &j->t[i].backing);
		for (a = 0; a < j->nmembers; a++) {
			parent_edges(j, mt, a);
			loop_edges(j, a);
		}
	}
	topo_sort(j);
}
