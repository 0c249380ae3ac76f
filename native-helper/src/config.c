#include <errno.h>
#include <fcntl.h>

#include "config.h"
#include "mountinfo.h"
#include "target.h"

struct config cfg = {
	.lease_ms = LEASE_MS_DEFAULT,
	.max_timeout_ms = MAX_TIMEOUT_MS_DEFAULT,
	.max_hold_ms = MAX_HOLD_MS_DEFAULT,
};

int config_unsafe_index(struct sb_id sb)
{
	int i;

	for (i = 0; i < cfg.nunsafe; i++) {
		if (sb_eq(cfg.unsafe[i], sb))
			return i;
	}
	return -1;
}

/* The superblock of the mount a path lies on (following symlinks). */
static int sb_of(const char *path, struct sb_id *sb)
{
	static struct mi_reader r;
	static struct ff_mount m;
	int id, err;

	err = fd_mount_id(AT_FDCWD, path, 0, &id);
	if (!err)
		err = mi_find(&r, id, &m);
	if (!err)
		*sb = m.sb;
	return err;
}

int config_find_unsafe(void)
{
	struct sb_id sb;
	int err;

	err = sb_of("/", &sb);
	if (err)
		return err;		/* no way to refuse "/": do not run */
	cfg.unsafe[0] = sb;
	cfg.unsafe_why[0] = "the root filesystem";
	cfg.nunsafe = 1;
	/* The binary may have been replaced or deleted: then it holds no
	 * mounted filesystem to protect. */
	if (sb_of("/proc/self/exe", &sb) == 0 && !sb_eq(sb, cfg.unsafe[0])) {
		cfg.unsafe[1] = sb;
		cfg.unsafe_why[1] = "the filesystem holding the helper binary";
		cfg.nunsafe = 2;
	}
	return 0;
}
