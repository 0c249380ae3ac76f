#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tree.h"

#define MAX_DEPTH	512
#define PASSES		8

static const char *join(char buf[PATH_MAX], const char *dir, const char *name)
{
	path_join(buf, PATH_MAX, dir, name);
	return buf;
}

static int remove_entries(int fd, dev_t dev, const char *path, int depth,
			  const volatile int *stop, struct fs_error *e);

static int remove_in(int dirfd, const char *name, const char *path, dev_t dev,
		     int depth, const volatile int *stop, struct fs_error *e)
{
	struct stat st;
	int fd, r;

	if (*stop)
		return fs_fail(e, FS_ERR_CANCELLED, "remove", path, 0);
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT ? 0 :
			fs_fail(e, FS_ERR_ERRNO, "stat", path, errno);
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(dirfd, name, 0) != 0 && errno != ENOENT)
			return fs_fail(e, FS_ERR_ERRNO, "unlink", path, errno);
		return 0;
	}
	if (st.st_dev != dev)
		return fs_failf(e, FS_ERR_NOT_OURS, path,
				"another filesystem or btrfs subvolume inside");
	if (depth >= MAX_DEPTH)
		return fs_fail(e, FS_ERR_ERRNO, "remove", path, ELOOP);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fs_fail(e, FS_ERR_ERRNO, "open", path, errno);
	r = remove_entries(fd, dev, path, depth, stop, e);
	if (r == 0 && unlinkat(dirfd, name, AT_REMOVEDIR) != 0 &&
	    errno != ENOENT)
		r = fs_fail(e, FS_ERR_ERRNO, "rmdir", path, errno);
	return r;
}

/* Empties the folder on `fd` (and closes it); readdir is repeated because
 * removing entries while reading may skip some. */
static int remove_entries(int fd, dev_t dev, const char *path, int depth,
			  const volatile int *stop, struct fs_error *e)
{
	DIR *d = fdopendir(fd);
	char child[PATH_MAX];
	bool any = true;
	int r = 0;

	if (!d) {
		close(fd);
		return fs_fail(e, FS_ERR_ERRNO, "open", path, errno);
	}
	for (int pass = 0; any && r == 0 && pass < PASSES; pass++) {
		struct dirent *ent;

		any = false;
		rewinddir(d);
		errno = 0;
		while (r == 0 && (ent = readdir(d)) != NULL) {
			if (strcmp(ent->d_name, ".") == 0 ||
			    strcmp(ent->d_name, "..") == 0)
				continue;
			any = true;
			r = remove_in(dirfd(d), ent->d_name,
				      join(child, path, ent->d_name), dev,
				      depth + 1, stop, e);
		}
		if (r == 0 && errno != 0)
			r = fs_fail(e, FS_ERR_ERRNO, "readdir", path, errno);
	}
	closedir(d);
	return r;
}

int remove_tree(int dirfd, const char *name, const char *path,
		const volatile int *stop, struct fs_error *e)
{
	struct stat dir;

	if (fstat(dirfd, &dir) != 0)
		return fs_fail(e, FS_ERR_ERRNO, "stat", path, errno);
	return remove_in(dirfd, name, path, dir.st_dev, 0, stop, e);
}

bool plain_relative(const char *rel)
{
	const char *p = rel;

	if (!*rel || *rel == '/')
		return false;
	while (*p) {
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n == 0 || n > NAME_MAX || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		if (!end)
			break;
		p = end + 1;
		if (!*p)
			return false;
	}
	return true;
}

int open_below(int rootfd, const char *root_path, const char *rel, bool create,
	       struct fs_error *e)
{
	char name[NAME_MAX + 1], where[PATH_MAX];
	const char *p = rel;
	int fd = dup(rootfd);

	if (fd < 0)
		return fs_fail(e, FS_ERR_ERRNO, "open", root_path, errno);
	snprintf(where, sizeof(where), "%s", root_path);
	while (*p) {
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		int next;

		memcpy(name, p, n);
		name[n] = '\0';
		snprintf(where + strlen(where), sizeof(where) - strlen(where),
			 "/%s", name);
		if (create && mkdirat(fd, name, 0700) != 0 && errno != EEXIST) {
			close(fd);
			return fs_fail(e, FS_ERR_ERRNO, "mkdir", where, errno);
		}
		next = openat(fd, name,
			      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		if (next < 0)
			return fs_fail(e, FS_ERR_ERRNO, "open", where, errno);
		fd = next;
		p = end ? end + 1 : p + n;
	}
	return fd;
}
