#include <errno.h>
#include <fcntl.h>
#include <linux/btrfs.h>
#include <linux/btrfs_tree.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "subvol.h"

/* The inode number of every subvolume's root directory. */
#define SUBVOL_ROOT_INO	256

int subvolume_id(int fd, const char *path, uint64_t *id, struct fs_error *e)
{
	struct btrfs_ioctl_ino_lookup_args args;
	struct statfs sfs;
	struct stat st;

	if (fstat(fd, &st) != 0 || fstatfs(fd, &sfs) != 0)
		return fs_fail(e, FS_ERR_ERRNO, "stat", path, errno);
	if (sfs.f_type != BTRFS_SUPER_MAGIC || st.st_ino != SUBVOL_ROOT_INO ||
	    !S_ISDIR(st.st_mode))
		return fs_failf(e, FS_ERR_NOT_OURS, path,
				"not a btrfs subvolume");
	/* treeid 0 and the root's objectid: the subvolume of fd, which the
	 * kernel answers without privileges. */
	memset(&args, 0, sizeof(args));
	args.objectid = BTRFS_FIRST_FREE_OBJECTID;
	if (ioctl(fd, BTRFS_IOC_INO_LOOKUP, &args) != 0)
		return fs_fail(e, FS_ERR_ERRNO, "BTRFS_IOC_INO_LOOKUP", path,
			       errno);
	*id = args.treeid;
	return 0;
}

int snapshot_readonly(const char *source, int dirfd, const char *dir_path,
		      const char *name, uint64_t *id, struct fs_error *e)
{
	struct btrfs_ioctl_vol_args_v2 args;
	char where[PATH_MAX];
	int src, fd, r;

	path_join(where, sizeof(where), dir_path, name);
	if (strlen(name) > BTRFS_SUBVOL_NAME_MAX)
		return fs_fail(e, FS_ERR_ERRNO, "snapshot", where, ENAMETOOLONG);
	src = open(source, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (src < 0)
		return fs_fail(e, FS_ERR_ERRNO, "open", source, errno);
	memset(&args, 0, sizeof(args));
	args.fd = src;
	args.flags = BTRFS_SUBVOL_RDONLY;
	memcpy(args.name, name, strlen(name));
	r = ioctl(dirfd, BTRFS_IOC_SNAP_CREATE_V2, &args);
	close(src);
	if (r != 0)
		return fs_fail(e, errno == EEXIST ? FS_ERR_EXISTS : FS_ERR_ERRNO,
			       "BTRFS_IOC_SNAP_CREATE_V2", where, errno);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fs_fail(e, FS_ERR_ERRNO, "open", where, errno);
	r = subvolume_id(fd, where, id, e);
	close(fd);
	return r;
}

int destroy_checked(int dirfd, const char *dir_path, const char *name,
		    uint64_t expected_id, struct fs_error *e)
{
	struct btrfs_ioctl_vol_args_v2 v2;
	char where[PATH_MAX];
	uint64_t id;
	int fd, r;

	path_join(where, sizeof(where), dir_path, name);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ELOOP || errno == ENOTDIR)
			return fs_failf(e, FS_ERR_NOT_OURS, where, "%s",
					errno == ELOOP ? "a symbolic link" :
					"not a folder");
		return fs_fail(e, FS_ERR_ERRNO, "open", where, errno);
	}
	r = subvolume_id(fd, where, &id, e);
	close(fd);
	if (r != 0)
		return -1;
	if (id != expected_id)
		return fs_failf(e, FS_ERR_NOT_OURS, where,
				"subvolume %llu, not %llu",
				(unsigned long long)id,
				(unsigned long long)expected_id);
	/* By id, on the folder it was found in: what goes is exactly the
	 * subvolume checked above, wherever a rename may have put it since. */
	memset(&v2, 0, sizeof(v2));
	v2.flags = BTRFS_SUBVOL_SPEC_BY_ID;
	v2.subvolid = expected_id;
	if (ioctl(dirfd, BTRFS_IOC_SNAP_DESTROY_V2, &v2) == 0)
		return 0;
	if (errno != ENOTTY && errno != EOPNOTSUPP && errno != EINVAL)
		return fs_fail(e, FS_ERR_ERRNO, "BTRFS_IOC_SNAP_DESTROY_V2",
			       where, errno);
	/* Before Linux 5.7 there is no destroy by id: by name, in the same
	 * folder, which only trusted owners can change (chain_open). */
	{
		struct btrfs_ioctl_vol_args v1;

		memset(&v1, 0, sizeof(v1));
		snprintf(v1.name, sizeof(v1.name), "%s", name);
		if (ioctl(dirfd, BTRFS_IOC_SNAP_DESTROY, &v1) != 0)
			return fs_fail(e, FS_ERR_ERRNO, "BTRFS_IOC_SNAP_DESTROY",
				       where, errno);
	}
	return 0;
}
