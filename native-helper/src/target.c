#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "target.h"

void target_fail(struct target *t, enum ff_err code, int err_no,
		 const char *fmt, ...)
{
	va_list ap;

	t->err = code;
	t->err_no = err_no;
	va_start(ap, fmt);
	vsnprintf(t->message, sizeof(t->message), fmt, ap);
	va_end(ap);
}

const char *errno_text(int err_no, char *buf, size_t cap)
{
	const char *name = strerrorname_np(err_no);

	snprintf(buf, cap, "%s (%s)", strerror(err_no), name ? name : "?");
	return buf;
}

enum ff_err code_from_errno(int err_no, bool freezing)
{
	switch (err_no) {
	case EOPNOTSUPP:
	case ENOTTY:
		return FF_UNSUPPORTED_FS;
	case EBUSY:
		return freezing ? FF_FROZEN_ELSEWHERE : FF_IO_ERROR;
	case EINVAL:
		return freezing ? FF_IO_ERROR : FF_NOT_FROZEN;
	case EPERM:
	case EACCES:
		return FF_PERMISSION_DENIED;
	case ENOENT:
		return FF_NOT_FOUND;
	default:
		return FF_IO_ERROR;
	}
}

int fd_mount_id(int dirfd, const char *path, int flags, int *mount_id)
{
	struct statx stx;

	if (statx(dirfd, path, flags | AT_STATX_DONT_SYNC, STATX_MNT_ID, &stx))
		return -errno;
	if (!(stx.stx_mask & STATX_MNT_ID))
		return -EOPNOTSUPP;
	*mount_id = (int)stx.stx_mnt_id;
	return 0;
}

void target_close(struct target *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

static bool is_symlink(const char *path)
{
	struct stat st;

	return fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISLNK(st.st_mode);
}

static void open_failed(struct target *t, const char *path, int err_no)
{
	char why[128];

	switch (err_no) {
	case ENOENT:
		target_fail(t, FF_NOT_FOUND, err_no, "%s does not exist", path);
		break;
	case ELOOP:
	case ENOTDIR:
		/* O_NOFOLLOW|O_DIRECTORY on a symlink gives either errno. */
		if (is_symlink(path))
			target_fail(t, FF_NOT_A_MOUNTPOINT, err_no,
				    "%s is a symbolic link; name the mountpoint "
				    "it leads to", path);
		else
			target_fail(t, FF_NOT_A_MOUNTPOINT, err_no,
				    "%s is not a directory, so not a mountpoint "
				    "that can be frozen", path);
		break;
	case EACCES:
	case EPERM:
		target_fail(t, FF_PERMISSION_DENIED, err_no,
			    "cannot open %s: %s; the helper must run as root",
			    path, errno_text(err_no, why, sizeof(why)));
		break;
	default:
		target_fail(t, FF_IO_ERROR, err_no, "cannot open %s: %s", path,
			    errno_text(err_no, why, sizeof(why)));
	}
}

/* Not a mount root: name the filesystem that would be frozen instead. */
static void not_mount_root(struct mi_reader *r, struct target *t,
			   const char *path, int mnt_id)
{
	if (mi_find(r, mnt_id, &t->mount) == 0)
		target_fail(t, FF_NOT_A_MOUNTPOINT, 0,
			    "%s is not the root of a mount: it lies inside the "
			    "filesystem mounted at %s, which the kernel would "
			    "freeze instead; name that mountpoint if you mean "
			    "it", path, t->mount.path);
	else
		target_fail(t, FF_NOT_A_MOUNTPOINT, 0,
			    "%s is not the root of a mount", path);
}

/* Check, on the open descriptor, that it is a mount root; find its mount. */
static void identify(struct mi_reader *r, struct target *t, const char *path,
		     bool has_id, int64_t want_id)
{
	struct statx stx;
	struct statfs sfs;
	char why[128];
	int err;

	if (statx(t->fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_MNT_ID,
		  &stx)) {
		err = errno;
		target_fail(t, code_from_errno(err, true), err,
			    "cannot stat %s: %s", path,
			    errno_text(err, why, sizeof(why)));
		return;
	}
	if (!(stx.stx_mask & STATX_MNT_ID) ||
	    !(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)) {
		target_fail(t, FF_IO_ERROR, EOPNOTSUPP,
			    "the kernel does not tell whether %s is a mount "
			    "root (statx needs Linux 5.8 or later)", path);
		return;
	}
	if (!(stx.stx_attributes & STATX_ATTR_MOUNT_ROOT)) {
		not_mount_root(r, t, path, (int)stx.stx_mnt_id);
		return;
	}
	if (has_id && (int64_t)stx.stx_mnt_id != want_id) {
		target_fail(t, FF_MOUNT_CHANGED, 0,
			    "%s is now mount %llu, not mount %lld: something "
			    "was mounted over it or it was remounted; refresh "
			    "the mount list", path,
			    (unsigned long long)stx.stx_mnt_id,
			    (long long)want_id);
		return;
	}
	err = mi_find(r, (int)stx.stx_mnt_id, &t->mount);
	if (err == -ENOENT) {
		target_fail(t, FF_MOUNT_CHANGED, 0,
			    "%s (mount %llu) was unmounted while it was being "
			    "opened", path, (unsigned long long)stx.stx_mnt_id);
		return;
	}
	if (err) {
		target_fail(t, FF_IO_ERROR, -err,
			    "cannot read /proc/self/mountinfo: %s",
			    errno_text(-err, why, sizeof(why)));
		return;
	}
	/* The mount table may come from the worker's kept copy, which a
	 * superblock-only reconfigure (fsconfig) does not mark as changed:
	 * ask the descriptor itself whether it is read-only now. */
	if (fstatfs(t->fd, &sfs) == 0)
		t->mount.read_only = (sfs.f_flags & ST_RDONLY) != 0;
	t->err = FF_OK;
}

static void resolve_path(struct mi_reader *r, const char *path, bool has_id,
			 int64_t mount_id, struct target *t)
{
	t->fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (t->fd < 0) {
		open_failed(t, path, errno);
		return;
	}
	identify(r, t, path, has_id, mount_id);
	if (t->err != FF_OK)
		target_close(t);
}

/* Open the path mountinfo names for the id; identify() then checks that
 * the mount found there is still this one (not something mounted over). */
static void resolve_id(struct mi_reader *r, int64_t mount_id,
		       struct target *t)
{
	char path[MI_PATH_MAX], why[128];
	int err;

	if (mount_id <= 0 || mount_id > 0x7FFFFFFF) {
		target_fail(t, FF_NOT_FOUND, 0, "no mount with id %lld",
			    (long long)mount_id);
		return;
	}
	err = mi_find(r, (int)mount_id, &t->mount);
	if (err == -ENOENT) {
		target_fail(t, FF_NOT_FOUND, 0, "no mount with id %lld",
			    (long long)mount_id);
		return;
	}
	if (err) {
		target_fail(t, FF_IO_ERROR, -err,
			    "cannot read /proc/self/mountinfo: %s",
			    errno_text(-err, why, sizeof(why)));
		return;
	}
	memcpy(path, t->mount.path, sizeof(path));
	resolve_path(r, path, true, mount_id, t);
}

void target_resolve(struct mi_reader *r, const char *path, bool has_id,
		    int64_t mount_id, struct target *t)
{
	t->fd = -1;
	t->has_backing = false;
	t->err = FF_OK;
	t->err_no = 0;
	t->message[0] = '\0';
	if (path)
		resolve_path(r, path, has_id, mount_id, t);
	else
		resolve_id(r, mount_id, t);
}
