#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loopdev.h"
#include "target.h"

/* Worker thread only. */
static char backing[MI_PATH_MAX + 32];

/*
 * Answers found since the mount table last changed, by filesystem device.
 * A loop device keeps its backing file while a filesystem on it is
 * mounted (LOOP_CHANGE_FD aside, which only a read-only device allows, and
 * nothing is written through that one), and the table changes when that
 * filesystem is unmounted, or a mount appears over the file's path.
 */
#define MEMO_MAX	16

static struct {
	struct sb_id fs;
	bool found;
	struct sb_id backing;
} memo[MEMO_MAX];
static int memo_n;
static uint64_t memo_gen;

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

static bool look_up(const struct ff_mount *m, const struct mtable *mt,
		    struct sb_id *out)
{
	const struct mt_ent *me;
	struct sb_id dev;
	int id;

	if (!block_dev(m, &dev) || !backing_file(dev) ||
	    fd_mount_id(AT_FDCWD, backing, 0, &id))
		return false;
	me = mtable_find(mt, id);
	if (!me)
		return false;
	*out = me->sb;
	return true;
}

bool loop_backing_sb(const struct ff_mount *m, const struct mtable *mt,
		     struct sb_id *out)
{
	int i;

	if (mt->gen != memo_gen) {
		memo_gen = mt->gen;
		memo_n = 0;
	}
	for (i = 0; i < memo_n; i++) {
		if (sb_eq(memo[i].fs, m->sb)) {
			*out = memo[i].backing;
			return memo[i].found;
		}
	}
	i = memo_n < MEMO_MAX ? memo_n++ : 0;
	memo[i].fs = m->sb;
	memo[i].found = look_up(m, mt, &memo[i].backing);
	*out = memo[i].backing;
	return memo[i].found;
}
