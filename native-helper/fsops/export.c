#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "chain.h"
#include "export.h"
#include "sha256.h"
#include "tree.h"

#define CHUNK		(4u << 20)
#define BLOCK		4096u
#define PROGRESS_NS	100000000LL
#define MAX_TEXT	(64u << 20)
#define NOTE_NAME	"PARTIAL-DO-NOT-USE"

struct reader {
	unsigned char buf[1 << 16];
	size_t start, end;
	bool eof;
};

struct session {
	struct chain dest;
	char label[NAME_MAX + 1];
	char partial[NAME_MAX + 1];
	char partial_path[PATH_MAX];
	int pfd;
	unsigned char *buf;
	uint64_t done;
	int64_t last_ns;
	unsigned files;
	struct reader in;
};

/* Set by SIGTERM, SIGINT, SIGHUP (main.c): stop and clean up. */
volatile sig_atomic_t fsops_stop;

static const volatile int never;

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static bool stopped(void)
{
	return fsops_stop != 0;
}

/* 1: more bytes; 0: end of input; -1: stopped or a read error. */
static int fill(struct reader *r, struct fs_error *e)
{
	ssize_t n;

	for (;;) {
		if (stopped())
			return fs_fail(e, FS_ERR_CANCELLED, "read", "", 0);
		n = read(STDIN_FILENO, r->buf + r->end, sizeof(r->buf) - r->end);
		if (n > 0) {
			r->end += (size_t)n;
			return 1;
		}
		if (n == 0) {
			r->eof = true;
			return 0;
		}
		if (errno != EINTR)
			return fs_fail(e, FS_ERR_ERRNO, "read", "stdin", errno);
	}
}

/* One NUL-terminated field; 0 at a clean end of input before it. Bytes
 * are copied out as they are read, so the buffer never holds a field. */
static int field(struct reader *r, char *out, size_t cap, struct fs_error *e)
{
	size_t n = 0;

	for (;;) {
		while (r->start < r->end) {
			unsigned char c = r->buf[r->start++];

			if (c == '\0') {
				out[n] = '\0';
				return 1;
			}
			if (n + 1 >= cap)
				return fs_failf(e, FS_ERR_INPUT, "stdin",
						"a field is too long");
			out[n++] = (char)c;
		}
		r->start = r->end = 0;
		switch (fill(r, e)) {
		case 1:
			continue;
		case 0:
			if (n == 0)
				return 0;
			return fs_failf(e, FS_ERR_INPUT, "stdin",
					"the input ends inside a field");
		default:
			return -1;
		}
	}
}

static int bytes(struct reader *r, unsigned char *out, size_t len,
		 struct fs_error *e)
{
	while (len > 0) {
		size_t take;

		if (r->start == r->end) {
			r->start = r->end = 0;
			if (fill(r, e) != 1)
				return e->kind ? -1 : fs_failf(e, FS_ERR_INPUT,
					"stdin", "the input ends inside a text");
		}
		take = r->end - r->start < len ? r->end - r->start : len;
		memcpy(out, r->buf + r->start, take);
		r->start += take;
		out += take;
		len -= take;
	}
	return 0;
}

static void progress(struct session *s, bool force)
{
	int64_t t = now_ns();
	struct line l;

	if (!force && t - s->last_ns < PROGRESS_NS)
		return;
	s->last_ns = t;
	line_begin(&l);
	line_u64(&l, "done", s->done);
	(void)line_end(&l);
}

static bool zero_block(const unsigned char *p, size_t n)
{
	static const unsigned char zero[16];

	if (n <= sizeof(zero))
		return memcmp(p, zero, n) == 0;
	return memcmp(p, zero, sizeof(zero)) == 0 &&
	       memcmp(p, p + sizeof(zero), n - sizeof(zero)) == 0;
}

static int write_all(int fd, const unsigned char *p, size_t n, off_t off,
		     const char *path, struct fs_error *e)
{
	while (n > 0) {
		ssize_t w = pwrite(fd, p, n, off);

		if (w < 0 && errno == EINTR && !stopped())
			continue;
		if (w < 0)
			return stopped() ? fs_fail(e, FS_ERR_CANCELLED, "write",
						   path, 0) :
				fs_fail(e, FS_ERR_ERRNO, "write", path, errno);
		p += w;
		n -= (size_t)w;
		off += w;
	}
	return 0;
}

/* The chunk's non-zero blocks; zero ones stay holes (ftruncate sizes the file). */
static int write_sparse(int fd, const unsigned char *buf, size_t n, off_t off,
			const char *path, struct fs_error *e)
{
	size_t i = 0;

	while (i < n) {
		size_t start;

		while (i < n && zero_block(buf + i, n - i < BLOCK ? n - i : BLOCK))
			i += BLOCK;
		if (i >= n)
			break;
		start = i;
		while (i < n && !zero_block(buf + i, n - i < BLOCK ? n - i : BLOCK))
			i += BLOCK;
		if (write_all(fd, buf + start, (i < n ? i : n) - start,
			      off + (off_t)start, path, e))
			return -1;
	}
	return 0;
}

static int copy_hashed(struct session *s, int src, int dst, const char *src_path,
		       const char *dst_path, uint64_t *size, char hex[65],
		       struct fs_error *e)
{
	struct sha256 h;
	off_t off = 0;

	sha256_init(&h);
	for (;;) {
		ssize_t n;

		if (stopped())
			return fs_fail(e, FS_ERR_CANCELLED, "copy", dst_path, 0);
		n = read(src, s->buf, CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fs_fail(e, FS_ERR_ERRNO, "read", src_path, errno);
		if (n == 0)
			break;
		sha256_update(&h, s->buf, (size_t)n);
		if (write_sparse(dst, s->buf, (size_t)n, off, dst_path, e))
			return -1;
		off += n;
		s->done += (uint64_t)n;
		progress(s, false);
	}
	if (ftruncate(dst, off) != 0)
		return fs_fail(e, FS_ERR_ERRNO, "truncate", dst_path, errno);
	if (fsync(dst) != 0)
		return fs_fail(e, FS_ERR_ERRNO, "fsync", dst_path, errno);
	*size = (uint64_t)off;
	sha256_hex(&h, hex);
	return 0;
}

/* The folder of `rel` inside the partial folder (made when missing), and
 * its last component in `base`. */
static int parent_of(struct session *s, const char *rel, char base[NAME_MAX + 1],
		     struct fs_error *e)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(rel, '/');

	if (!plain_relative(rel))
		return fs_failf(e, FS_ERR_INPUT, rel, "not a plain relative path");
	if (!slash) {
		snprintf(base, NAME_MAX + 1, "%s", rel);
		return dup(s->pfd);
	}
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - rel), rel);
	snprintf(base, NAME_MAX + 1, "%s", slash + 1);
	return open_below(s->pfd, s->partial_path, dir, true, e);
}

static int create_file(struct session *s, const char *rel, char where[PATH_MAX],
		       struct fs_error *e)
{
	char base[NAME_MAX + 1];
	int dir = parent_of(s, rel, base, e), fd;

	if (dir < 0)
		return -1;
	path_join(where, PATH_MAX, s->partial_path, rel);
	fd = openat(dir, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0)
		fs_fail(e, errno == EEXIST ? FS_ERR_EXISTS : FS_ERR_ERRNO,
			"create", where, errno);
	close(dir);
	return fd;
}

static int do_dir(struct session *s, struct fs_error *e)
{
	char rel[PATH_MAX];
	int fd;

	if (field(&s->in, rel, sizeof(rel), e) != 1)
		return e->kind ? -1 : fs_failf(e, FS_ERR_INPUT, "stdin", "dir needs a path");
	if (!plain_relative(rel))
		return fs_failf(e, FS_ERR_INPUT, rel, "not a plain relative path");
	fd = open_below(s->pfd, s->partial_path, rel, true, e);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int do_file(struct session *s, struct fs_error *e)
{
	char source[PATH_MAX], rel[PATH_MAX], where[PATH_MAX], hex[65];
	struct stat st;
	uint64_t size = 0;
	struct line l;
	int src, dst, r;

	if (field(&s->in, source, sizeof(source), e) != 1 ||
	    field(&s->in, rel, sizeof(rel), e) != 1)
		return e->kind ? -1 : fs_failf(e, FS_ERR_INPUT, "stdin", "file needs a source and a path");
	src = open(source, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (src < 0)
		return fs_fail(e, FS_ERR_ERRNO, "open", source, errno);
	if (fstat(src, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(src);
		return fs_failf(e, FS_ERR_INPUT, source, "not a regular file");
	}
	dst = create_file(s, rel, where, e);
	if (dst < 0) {
		close(src);
		return -1;
	}
	r = copy_hashed(s, src, dst, source, where, &size, hex, e);
	close(src);
	/* close() is where NFS and FUSE report a failed write-back. */
	if (close(dst) != 0 && r == 0)
		r = fs_fail(e, FS_ERR_ERRNO, "close", where, errno);
	if (r)
		return -1;
	progress(s, true);
	line_begin(&l);
	line_u64(&l, "file", s->files++);
	line_u64(&l, "bytes", size);
	line_str(&l, "sha256", hex);
	(void)line_end(&l);
	return 0;
}

static int do_text(struct session *s, struct fs_error *e)
{
	char rel[PATH_MAX], len_text[24], where[PATH_MAX], *end;
	unsigned long long len;
	unsigned char *text;
	int fd, r;

	if (field(&s->in, rel, sizeof(rel), e) != 1 ||
	    field(&s->in, len_text, sizeof(len_text), e) != 1)
		return e->kind ? -1 : fs_failf(e, FS_ERR_INPUT, "stdin", "text needs a path and a length");
	len = strtoull(len_text, &end, 10);
	if (*end || !len_text[0] || len > MAX_TEXT)
		return fs_failf(e, FS_ERR_INPUT, rel, "bad text length");
	text = malloc(len ? len : 1);
	if (!text)
		return fs_fail(e, FS_ERR_ERRNO, "malloc", rel, ENOMEM);
	r = bytes(&s->in, text, len, e);
	if (r == 0 && (fd = create_file(s, rel, where, e)) >= 0) {
		r = write_all(fd, text, len, 0, where, e);
		if (r == 0 && fsync(fd) != 0)
			r = fs_fail(e, FS_ERR_ERRNO, "fsync", where, errno);
		if (close(fd) != 0 && r == 0)
			r = fs_fail(e, FS_ERR_ERRNO, "close", where, errno);
	} else {
		r = -1;
	}
	free(text);
	return r;
}

/* fsync every folder below fd, children first (their entries are what
 * the parent's fsync does not cover). */
static int sync_folders(int fd, const char *path, int depth, struct fs_error *e)
{
	DIR *d;
	struct dirent *ent;
	int copy = dup(fd), r = 0;

	if (copy < 0 || !(d = fdopendir(copy))) {
		if (copy >= 0)
			close(copy);
		return fs_fail(e, FS_ERR_ERRNO, "open", path, errno);
	}
	while (r == 0 && depth < 512 && (ent = readdir(d)) != NULL) {
		char child[PATH_MAX];
		int sub;

		if (ent->d_type != DT_DIR || strcmp(ent->d_name, ".") == 0 ||
		    strcmp(ent->d_name, "..") == 0)
			continue;
		path_join(child, sizeof(child), path, ent->d_name);
		sub = openat(dirfd(d), ent->d_name,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0) {
			r = fs_fail(e, FS_ERR_ERRNO, "open", child, errno);
			break;
		}
		r = sync_folders(sub, child, depth + 1, e);
		close(sub);
	}
	closedir(d);
	if (r == 0 && fsync(fd) != 0)
		r = fs_fail(e, FS_ERR_ERRNO, "fsync", path, errno);
	return r;
}

static int publish(struct session *s, struct fs_error *e)
{
	char final[PATH_MAX];
	struct line l;

	path_join(final, sizeof(final), s->dest.path, s->label);
	if (sync_folders(s->pfd, s->partial_path, 0, e))
		return -1;
	if (renameat2(s->dest.fd, s->partial, s->dest.fd, s->label,
		      RENAME_NOREPLACE) != 0)
		return errno == EEXIST ?
			fs_failf(e, FS_ERR_EXISTS, final,
				 "appeared while exporting") :
			fs_fail(e, FS_ERR_ERRNO, "rename", final, errno);
	s->partial[0] = '\0';	/* published: nothing to clean up */
	if (fsync(s->dest.fd) != 0)
		return fs_fail(e, FS_ERR_ERRNO, "fsync", s->dest.path, errno);
	line_begin(&l);
	line_bool(&l, "ok", true);
	line_str(&l, "directory", final);
	(void)line_end(&l);
	return 0;
}

static int records(struct session *s, struct fs_error *e)
{
	char verb[16];

	for (;;) {
		int r = field(&s->in, verb, sizeof(verb), e);

		if (r < 0)
			return -1;
		if (r == 0)
			return fs_failf(e, FS_ERR_CANCELLED, s->partial_path,
					"the app went away before publishing");
		if (strcmp(verb, "dir") == 0)
			r = do_dir(s, e);
		else if (strcmp(verb, "file") == 0)
			r = do_file(s, e);
		else if (strcmp(verb, "text") == 0)
			r = do_text(s, e);
		else if (strcmp(verb, "publish") == 0)
			return publish(s, e);
		else
			r = fs_failf(e, FS_ERR_INPUT, "stdin", "unknown record");
		if (r)
			return -1;
	}
}

/* A failed export goes; if it cannot, a note says not to use it. */
static void discard(struct session *s)
{
	struct fs_error ignored = { .kind = FS_ERR_NONE };
	struct line l;
	int fd;

	if (!s->partial[0])
		return;
	if (remove_tree(s->dest.fd, s->partial, s->partial_path, &never,
			&ignored) == 0)
		return;
	fd = s->pfd >= 0 ? openat(s->pfd, NOTE_NAME, O_WRONLY | O_CREAT |
				  O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600) : -1;
	if (fd >= 0) {
		static const char note[] = "This export did not finish and "
			"could not be removed.\nDo not restore from it: remove "
			"this folder.\n";

		(void)!write(fd, note, sizeof(note) - 1);
		close(fd);
	}
	line_begin(&l);
	line_str(&l, "partialLeft", s->partial_path);
	(void)line_end(&l);
}

int export_session(const char *dest, const char *label, struct fs_error *e)
{
	struct session *s = calloc(1, sizeof(*s));
	char final[PATH_MAX];
	struct stat st;
	sigset_t block, old;
	int r = -1;

	if (!s)
		return fs_fail(e, FS_ERR_ERRNO, "malloc", dest, ENOMEM);
	s->pfd = -1;
	if (!plain_relative(label) || strchr(label, '/') ||
	    strlen(label) + sizeof(".partial") > sizeof(s->partial)) {
		free(s);
		return fs_failf(e, FS_ERR_INPUT, label, "not a plain file name");
	}
	if (posix_memalign((void **)&s->buf, 4096, CHUNK) != 0) {
		free(s);
		return fs_fail(e, FS_ERR_ERRNO, "malloc", dest, ENOMEM);
	}
	snprintf(s->label, sizeof(s->label), "%s", label);
	if (chain_open(dest, CHAIN_CREATE, &s->dest, e))
		goto out;
	path_join(final, sizeof(final), s->dest.path, label);
	path_join(s->partial_path, sizeof(s->partial_path) - 8, s->dest.path, label);
	strcat(s->partial_path, ".partial");
	if (fstatat(s->dest.fd, label, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		fs_failf(e, FS_ERR_EXISTS, final, "an export never overwrites one");
		goto out;
	}
	/* Made and recorded with the cancel signals held, so a cancel never
	 * leaves a partial folder nobody knows about. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	snprintf(s->partial, sizeof(s->partial), "%s.partial", label);
	if (mkdirat(s->dest.fd, s->partial, 0700) != 0) {
		int err = errno;

		s->partial[0] = '\0';
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (err == EEXIST)
			fs_failf(e, FS_ERR_EXISTS, s->partial_path,
				 "left by an export that did not finish: remove it first");
		else
			fs_fail(e, FS_ERR_ERRNO, "mkdir", s->partial_path, err);
		goto out;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	{
		struct line l;

		line_begin(&l);
		line_str(&l, "partial", s->partial_path);
		(void)line_end(&l);
	}
	s->pfd = openat(s->dest.fd, s->partial,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s->pfd < 0) {
		fs_fail(e, FS_ERR_ERRNO, "open", s->partial_path, errno);
		goto out;
	}
	progress(s, true);
	r = records(s, e);
out:
	if (r != 0 && stopped() && e->kind != FS_ERR_CANCELLED) {
		/* A cancel that surfaced as EINTR or a short write. */
		e->kind = FS_ERR_NONE;
		fs_fail(e, FS_ERR_CANCELLED, "export", s->partial_path, 0);
	}
	if (r != 0)
		discard(s);
	if (s->pfd >= 0)
		close(s->pfd);
	chain_close(&s->dest);
	free(s->buf);
	free(s);
	return r;
}
