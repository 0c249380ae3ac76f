#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "group.h"
#include "target.h"
#include "worker.h"

#define MAX_DEPTH	4096		/* parent chains longer are cut */

/* before[a][b]: member a must be frozen before member b. */
static bool before[REQ_MAX_PATHS][REQ_MAX_PATHS];
static char backing[MI_PATH_MAX + 32];

/* The block device a mount sits on: the superblock's own dev, or (btrfs
 * and others report an anonymous 0:N) the device its source names. */
static bool block_dev(const struct ff_mount *m, struct sb_id *dev)
{
	struct statx stx;

	if (m->sb.major != 0) {
		*dev = m->sb;
		return true;
	}
	if (strncmp(m->source, "/dev/", 5) != 0 ||
	    statx(AT_FDCWD, m->source, AT_STATX_DONT_SYNC, STATX_TYPE, &stx) ||
	    !S_ISBLK(stx.stx_mode))
		return false;
	dev->major = stx.stx_rdev_major;
	dev->minor = stx.stx_rdev_minor;
	return true;
}

/* The loop device's backing file, for the disk or (loopNpM) its parent. */
static bool backing_file(struct sb_id dev)
{
	static const char *const rel[] = { "", "/.." };
	char path[96];
	size_t i;

	for (i = 0; i < 2; i++) {
		int fd;
		ssize_t n;

		snprintf(path, sizeof(path), "/sys/dev/block/%u:%u%s/loop/"
			 "backing_file", dev.major, dev.minor, rel[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, backing, sizeof(backing) - 1);
		close(fd);
		if (n <= 0)
			return false;
		backing[n] = '\0';
		backing[strcspn(backing, "\n")] = '\0';
		/* A deleted backing file belongs to no mounted path. */
		n = (ssize_t)strlen(backing);
		if (n > 10 && strcmp(backing + n - 10, " (deleted)") == 0)
			return false;
		return backing[0] == '/';
	}
	return false;
}

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
static void loop_edges(const struct job *j, const struct mtable *mt, int a)
{
	const struct mt_ent *me;
	struct sb_id dev;
	int id, b;

	if (!block_dev(&j->t[j->member[a]].mount, &dev) || !backing_file(dev) ||
	    fd_mount_id(AT_FDCWD, backing, 0, &id))
		return;
	me = mtable_find(mt, id);
	b = me ? member_of_sb(j, me->sb) : -1;
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
	if (j->nmembers > 1 && mtable_load(mt, r, scratch) == 0) {
		for (a = 0; a < j->nmembers; a++) {
			parent_edges(j, mt, a);
			loop_edges(j, mt, a);
		}
	}
	topo_sort(j);
}
