#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "syscalls.h"
#include "target.h"
#include "writers.h"

#define DENTS_BUF	(16 * 1024)

struct linux_dirent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* Worker thread only. */
static char proc_dents[DENTS_BUF], task_dents[DENTS_BUF];
static char rawpath[MI_PATH_MAX];

/* Read a small /proc file relative to dirfd into buf (NUL-terminated). */
static ssize_t read_small(int dirfd, const char *path, char *buf, size_t cap)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, cap - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
	}
	return true;
}

/* 'D' from ".../stat": the state follows the last ')'. */
static bool in_state_d(int procfd, int pid, int tid)
{
	char path[64], buf[1024], *p;

	snprintf(path, sizeof(path), "%d/task/%d/stat", pid, tid);
	if (read_small(procfd, path, buf, sizeof(buf)) <= 0)
		return false;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] == 'D';
}

/* "NR a1 a2 a3 a4 a5 a6 sp pc"; false when running or not in a syscall. */
static bool read_syscall(int procfd, int pid, int tid, long *nr,
			 unsigned long long args[6])
{
	char path[64], buf[512], *p, *end;
	int i;

	snprintf(path, sizeof(path), "%d/task/%d/syscall", pid, tid);
	if (read_small(procfd, path, buf, sizeof(buf)) <= 0)
		return false;
	errno = 0;
	*nr = strtol(buf, &end, 10);
	if (errno || end == buf || *nr < 0)
		return false;
	for (i = 0, p = end; i < 6; i++, p = end) {
		args[i] = strtoull(p, &end, 16);
		if (end == p)
			return false;
	}
	return true;
}

/* Mount id of an open descriptor of the task, from fdinfo. */
static int fd_mnt_id(int procfd, int pid, long fd)
{
	char path[64], buf[1024], *p;

	snprintf(path, sizeof(path), "%d/fdinfo/%ld", pid, fd);
	if (read_small(procfd, path, buf, sizeof(buf)) <= 0)
		return -1;
	p = strstr(buf, "mnt_id:");
	return p ? atoi(p + 7) : -1;
}

static void link_target(int procfd, const char *path, char *out, size_t cap)
{
	ssize_t n = readlinkat(procfd, path, out, cap - 1);

	out[n > 0 ? n : 0] = '\0';
}

/* Copy a NUL-terminated string out of the blocked task, page by page (it
 * is blocked, so the string is stable). */
static bool read_task_string(int tid, unsigned long long addr)
{
	size_t got = 0;

	while (got < sizeof(rawpath) - 1) {
		size_t page_left = 4096 - ((addr + got) & 4095);
		size_t want = page_left < sizeof(rawpath) - 1 - got ?
			      page_left : sizeof(rawpath) - 1 - got;
		struct iovec local = { rawpath + got, want };
		struct iovec remote = { (void *)(uintptr_t)(addr + got), want };
		ssize_t n = process_vm_readv(tid, &local, 1, &remote, 1, 0);

		if (n <= 0)
			return false;
		if (memchr(rawpath + got, '\0', (size_t)n))
			return true;
		got += (size_t)n;
	}
	return false;
}

/* The mount id of a path the task named: the file, or its parent
 * directory when the file does not exist yet (O_CREAT, mkdir...). */
static int path_mnt_id(int procfd, int pid, int dirfd_arg_val, char *disp,
		       size_t cap)
{
	char base[64], dir[MI_PATH_MAX];
	const char *rel = rawpath;
	int bfd, id = -1;
	char *slash;

	if (rawpath[0] == '/') {
		snprintf(base, sizeof(base), "%d/root", pid);
		rel = rawpath + 1;
		snprintf(disp, cap, "%s", rawpath);
	} else {
		if (dirfd_arg_val == AT_FDCWD)
			snprintf(base, sizeof(base), "%d/cwd", pid);
		else
			snprintf(base, sizeof(base), "%d/fd/%d", pid,
				 dirfd_arg_val);
		link_target(procfd, base, dir, sizeof(dir));
		/* For display: a path that does not fit is cut. */
		if (snprintf(disp, cap, "%s/%s", dir, rawpath) < 0)
			disp[0] = '\0';
	}
	bfd = openat(procfd, base, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (bfd < 0)
		return -1;
	if (*rel == '\0' || fd_mount_id(bfd, rel, AT_SYMLINK_NOFOLLOW, &id)) {
		snprintf(dir, sizeof(dir), "%s", rel);
		slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		if (!slash || fd_mount_id(bfd, dir, 0, &id))
			if (fd_mount_id(bfd, "", AT_EMPTY_PATH, &id))
				id = -1;
	}
	close(bfd);
	return id;
}

/* The mount id the task's syscall names, with a path to show. */
static int task_target(int procfd, int pid, const struct sc_info *sc,
		       const unsigned long long args[6], char *disp,
		       size_t cap)
{
	char link[64];
	long fd;

	if (sc->kind == SC_PATH && args[sc->path_arg] != 0 &&
	    read_task_string(pid, args[sc->path_arg]))
		return path_mnt_id(procfd, pid, sc->dirfd_arg < 0 ? AT_FDCWD :
				   (int)args[sc->dirfd_arg], disp, cap);
	if (sc->fd_arg < 0)
		return -1;
	fd = (long)(int)args[sc->fd_arg];
	if (fd < 0)
		return -1;
	snprintf(link, sizeof(link), "%d/fd/%ld", pid, fd);
	link_target(procfd, link, disp, cap);
	return fd_mnt_id(procfd, pid, fd);
}

static void consider(int procfd, int pid, int tid, struct sb_id sb,
		     const struct mtable *mt, struct writers_result *out)
{
	unsigned long long args[6];
	const struct sc_info *sc;
	const struct mt_ent *me;
	struct writer *w;
	char path[64];
	long nr;
	int id;

	if (!in_state_d(procfd, pid, tid) ||
	    !read_syscall(procfd, pid, tid, &nr, args))
		return;
	sc = syscall_info(nr);
	if (!sc)
		return;
	if (out->n == WRITERS_MAX) {
		out->truncated = true;
		return;
	}
	w = &out->w[out->n];
	id = task_target(procfd, tid, sc, args, w->path, sizeof(w->path));
	me = id > 0 ? mtable_find(mt, id) : NULL;
	if (!me || !sb_eq(me->sb, sb))
		return;
	w->pid = pid;
	w->tid = tid;
	w->syscall = sc->name;
	snprintf(path, sizeof(path), "%d/comm", pid);
	if (read_small(procfd, path, w->comm, sizeof(w->comm)) < 0)
		w->comm[0] = '\0';
	w->comm[strcspn(w->comm, "\n")] = '\0';
	snprintf(path, sizeof(path), "%d/task/%d/wchan", pid, tid);
	if (read_small(procfd, path, w->wchan, sizeof(w->wchan)) < 0)
		w->wchan[0] = '\0';
	out->n++;
}

/* Call fn for each numeric entry of the directory dirfd. */
static int for_each_number(int dirfd, char *buf,
			   void (*fn)(int num, void *arg), void *arg)
{
	long n, off;

	while ((n = syscall(SYS_getdents64, dirfd, buf, DENTS_BUF)) > 0) {
		for (off = 0; off < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);

			if (all_digits(d->d_name))
				fn(atoi(d->d_name), arg);
			off += d->d_reclen;
		}
	}
	return n < 0 ? -errno : 0;
}

struct scan {
	int procfd;
	int pid;
	struct sb_id sb;
	const struct mtable *mt;
	struct writers_result *out;
};

static void on_task(int tid, void *arg)
{
	struct scan *s = arg;

	consider(s->procfd, s->pid, tid, s->sb, s->mt, s->out);
}

static void on_process(int pid, void *arg)
{
	struct scan *s = arg;
	char path[32];
	int tfd;

	snprintf(path, sizeof(path), "%d/task", pid);
	tfd = openat(s->procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (tfd < 0)
		return;			/* exited meanwhile */
	s->pid = pid;
	for_each_number(tfd, task_dents, on_task, s);
	close(tfd);
}

void writers_scan(struct sb_id sb, struct mtable *mt, struct mi_reader *r,
		  struct ff_mount *scratch, struct writers_result *out)
{
	struct scan s = { .sb = sb, .mt = mt, .out = out };

	out->n = 0;
	out->truncated = false;
	out->err = mtable_load(mt, r, scratch);
	if (out->err)
		return;
	s.procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s.procfd < 0) {
		out->err = -errno;
		return;
	}
	out->err = for_each_number(s.procfd, proc_dents, on_process, &s);
	close(s.procfd);
}
