#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "chain.h"

#define MAX_DEPTH	256
#define MAX_LINKS	40

bool trusted_owner(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

bool folder_private(const struct stat *st)
{
	return trusted_owner(st->st_uid) && (st->st_mode & 022) == 0;
}

static int unsafe(struct fs_error *e, const char *path, const struct stat *st)
{
	fs_failf(e, FS_ERR_UNSAFE, path, "%s",
		 !trusted_owner(st->st_uid) ? "owner" :
		 (st->st_mode & 002) ? "everyone" : "group");
	e->owner = st->st_uid;
	e->mode = st->st_mode;
	return -1;
}

int folder_check(const struct stat *st, const char *path, struct fs_error *e)
{
	if (!S_ISDIR(st->st_mode))
		return fs_fail(e, FS_ERR_ERRNO, "open", path, ENOTDIR);
	return folder_private(st) ? 0 : unsafe(e, path, st);
}

/* May a trusted owner rely on `entry` in `dir` staying what it is? */
static int step_check(const struct stat *dir, const char *dir_path,
		      const struct stat *entry, const char *entry_path,
		      struct fs_error *e)
{
	if (!trusted_owner(dir->st_uid) || ((dir->st_mode & 022) &&
					     !(dir->st_mode & S_ISVTX)))
		return unsafe(e, dir_path, dir);
	/* Sticky: others may add entries, but not touch a trusted one's. */
	if ((dir->st_mode & 022) && !trusted_owner(entry->st_uid))
		return unsafe(e, entry_path, entry);
	return 0;
}

struct walk {
	int fds[MAX_DEPTH];
	struct stat st[MAX_DEPTH];
	size_t plen[MAX_DEPTH];
	int depth;
	char path[PATH_MAX];
	char rest[2 * PATH_MAX];	/* what is left to walk */
	size_t pos;
};

static const char *shown(const struct walk *w)
{
	return w->path[0] ? w->path : "/";
}

/* The path of `name` in the current folder, for messages. */
static const char *child_path(const struct walk *w, const char *name,
			      char buf[PATH_MAX])
{
	path_join(buf, PATH_MAX, w->path, name);
	return buf;
}

static bool next_name(struct walk *w, char name[NAME_MAX + 1], bool *toolong)
{
	size_t n = 0;

	*toolong = false;
	while (w->rest[w->pos] == '/')
		w->pos++;
	if (!w->rest[w->pos])
		return false;
	while (w->rest[w->pos] && w->rest[w->pos] != '/') {
		if (n < NAME_MAX)
			name[n++] = w->rest[w->pos];
		else
			*toolong = true;
		w->pos++;
	}
	name[n] = '\0';
	return true;
}

static void pop(struct walk *w)
{
	if (w->depth == 0)
		return;
	close(w->fds[w->depth]);
	w->depth--;
	w->path[w->plen[w->depth]] = '\0';
}

static int push(struct walk *w, int fd, const struct stat *st,
		const char *name, struct fs_error *e)
{
	size_t len = strlen(w->path);

	if (w->depth + 1 >= MAX_DEPTH ||
	    len + 1 + strlen(name) >= sizeof(w->path)) {
		close(fd);
		return fs_fail(e, FS_ERR_ERRNO, "open", w->path, ENAMETOOLONG);
	}
	w->plen[w->depth] = len;
	w->depth++;
	w->fds[w->depth] = fd;
	w->st[w->depth] = *st;
	snprintf(w->path + len, sizeof(w->path) - len, "/%s", name);
	return 0;
}

/* Replaces the walked link by its target: the rest of the walk goes on
 * from there (from / for an absolute one). */
static int follow(struct walk *w, const char *name, int *links,
		  struct fs_error *e)
{
	char target[PATH_MAX], tmp[2 * PATH_MAX], where[PATH_MAX];
	ssize_t n = readlinkat(w->fds[w->depth], name, target,
			       sizeof(target) - 1);

	child_path(w, name, where);
	if (++*links > MAX_LINKS)
		return fs_fail(e, FS_ERR_ERRNO, "open", where, ELOOP);
	if (n < 0)
		return fs_fail(e, FS_ERR_ERRNO, "readlink", where, errno);
	target[n] = '\0';
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/%s", target,
			     w->rest + w->pos) >= sizeof(tmp))
		return fs_fail(e, FS_ERR_ERRNO, "open", where, ENAMETOOLONG);
	memcpy(w->rest, tmp, sizeof(tmp));
	w->pos = 0;
	if (target[0] == '/')
		while (w->depth > 0)
			pop(w);
	return 0;
}

/* fstatat of `name`, making it first under CHAIN_CREATE. 1: missing and
 * not made (CHAIN_NEAREST). */
static int look(struct walk *w, const char *name, unsigned flags,
		struct stat *st, struct chain *c, struct fs_error *e)
{
	char where[PATH_MAX];
	int dirfd = w->fds[w->depth];

	child_path(w, name, where);
	for (int tries = 0; tries < 3; tries++) {
		if (fstatat(dirfd, name, st, AT_SYMLINK_NOFOLLOW) == 0)
			return 0;
		if (errno != ENOENT)
			return fs_fail(e, FS_ERR_ERRNO, "stat", where, errno);
		if (flags & CHAIN_NEAREST) {
			snprintf(c->missing, sizeof(c->missing), "%s", where);
			return 1;
		}
		if (!(flags & CHAIN_CREATE))
			return fs_fail(e, FS_ERR_ERRNO, "open", where, ENOENT);
		/* Only in a folder found safe: nobody else can put it there. */
		if (!folder_private(&w->st[w->depth]) &&
		    !(w->st[w->depth].st_mode & S_ISVTX))
			return unsafe(e, shown(w), &w->st[w->depth]);
		if (mkdirat(dirfd, name, 0700) == 0)
			c->created = true;
		else if (errno != EEXIST)
			return fs_fail(e, FS_ERR_ERRNO, "mkdir", where, errno);
	}
	return fs_fail(e, FS_ERR_CHANGED, "mkdir", where, 0);
}

static int walk_all(struct walk *w, unsigned flags, struct chain *c,
		    struct fs_error *e)
{
	char name[NAME_MAX + 1], where[PATH_MAX];
	int links = 0;
	bool toolong;

	while (next_name(w, name, &toolong)) {
		struct stat st, opened;
		int fd, r;

		if (toolong)
			return fs_fail(e, FS_ERR_ERRNO, "open", w->path,
				       ENAMETOOLONG);
		if (strcmp(name, ".") == 0)
			continue;
		if (strcmp(name, "..") == 0) {
			pop(w);
			continue;
		}
		r = look(w, name, flags, &st, c, e);
		if (r != 0)
			return r;
		child_path(w, name, where);
		if (step_check(&w->st[w->depth], shown(w), &st, where, e))
			return -1;
		if (S_ISLNK(st.st_mode)) {
			if (follow(w, name, &links, e))
				return -1;
			continue;
		}
		if (!S_ISDIR(st.st_mode))
			return fs_fail(e, FS_ERR_ERRNO, "open", where, ENOTDIR);
		fd = openat(w->fds[w->depth], name,
			    O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return fs_fail(e, errno == ELOOP || errno == ENOTDIR ?
				       FS_ERR_CHANGED : FS_ERR_ERRNO, "open",
				       where, errno);
		if (fstat(fd, &opened) != 0 || opened.st_dev != st.st_dev ||
		    opened.st_ino != st.st_ino) {
			close(fd);
			return fs_fail(e, FS_ERR_CHANGED, "open", where, 0);
		}
		if (push(w, fd, &opened, name, e))
			return -1;
	}
	return 0;
}

int chain_open(const char *path, unsigned flags, struct chain *c,
	       struct fs_error *e)
{
	struct walk w;
	int r;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	if (path[0] != '/')
		return fs_failf(e, FS_ERR_INPUT, path, "not an absolute path");
	if (strlen(path) >= PATH_MAX)
		return fs_fail(e, FS_ERR_ERRNO, "open", path, ENAMETOOLONG);
	memset(&w, 0, sizeof(w));
	snprintf(w.rest, sizeof(w.rest), "%s", path);
	w.fds[0] = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (w.fds[0] < 0 || fstat(w.fds[0], &w.st[0]) != 0)
		return fs_fail(e, FS_ERR_ERRNO, "open", "/", errno);
	r = walk_all(&w, flags, c, e);
	if (r == 0 || r == 1) {
		snprintf(c->path, sizeof(c->path), "%s", shown(&w));
		/* The end of the walk must be no one else's to change at all. */
		if (r == 0 && folder_check(&w.st[w.depth], c->path, e))
			r = -1;
		else
			c->fd = openat(w.fds[w.depth], ".",
				       O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (r != -1 && c->fd < 0)
			r = fs_fail(e, FS_ERR_ERRNO, "open", c->path, errno);
		if (c->fd >= 0 && (fstat(c->fd, &c->st) != 0 ||
				   c->st.st_ino != w.st[w.depth].st_ino ||
				   c->st.st_dev != w.st[w.depth].st_dev))
			r = fs_fail(e, FS_ERR_CHANGED, "open", c->path, 0);
	}
	while (w.depth > 0)
		pop(&w);
	close(w.fds[0]);
	if (r < 0) {
		chain_close(c);
		return -1;
	}
	return 0;
}

void chain_close(struct chain *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}
