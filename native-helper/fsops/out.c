#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "out.h"

int fs_fail(struct fs_error *e, enum fs_error_kind kind, const char *op,
	    const char *path, int err)
{
	if (e->kind != FS_ERR_NONE)
		return -1;
	e->kind = kind;
	e->op = op;
	e->err = err;
	snprintf(e->path, sizeof(e->path), "%s", path ? path : "");
	return -1;
}

int fs_failf(struct fs_error *e, enum fs_error_kind kind, const char *path,
	     const char *fmt, ...)
{
	va_list ap;

	if (e->kind != FS_ERR_NONE)
		return -1;
	fs_fail(e, kind, NULL, path, 0);
	va_start(ap, fmt);
	vsnprintf(e->why, sizeof(e->why), fmt, ap);
	va_end(ap);
	return -1;
}

char *path_join(char *out, size_t cap, const char *a, const char *b)
{
	size_t n = 0;

	for (; *a && n + 1 < cap; a++)
		out[n++] = *a;
	if (n + 1 < cap)
		out[n++] = '/';
	for (; *b && n + 1 < cap; b++)
		out[n++] = *b;
	out[n] = '\0';
	return out;
}

const char *errno_name(int err)
{
	switch (err) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EIO: return "EIO";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EXDEV: return "EXDEV";
	case ENODEV: return "ENODEV";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case EINVAL: return "EINVAL";
	case ENFILE: return "ENFILE";
	case EMFILE: return "EMFILE";
	case ENOTTY: return "ENOTTY";
	case EFBIG: return "EFBIG";
	case ENOSPC: return "ENOSPC";
	case EROFS: return "EROFS";
	case EMLINK: return "EMLINK";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case ENOTEMPTY: return "ENOTEMPTY";
	case ELOOP: return "ELOOP";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EDQUOT: return "EDQUOT";
	case ESTALE: return "ESTALE";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EINTR: return "EINTR";
	case ENOSYS: return "ENOSYS";
	default: return "EUNKNOWN";
	}
}

static void put(struct line *l, const char *s, size_t n)
{
	if (l->len + n >= sizeof(l->buf) - 4)
		n = sizeof(l->buf) - 4 - l->len;
	memcpy(l->buf + l->len, s, n);
	l->len += n;
}

/* A JSON string: quotes, backslashes and control bytes escaped; other
 * bytes as they are (file names are bytes; the app reads them as UTF-8). */
static void put_json(struct line *l, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	put(l, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

		if (c == '"' || c == '\\') {
			char two[2] = { '\\', (char)c };

			put(l, two, 2);
		} else if (c < 0x20 || c == 0x7f) {
			put(l, esc, 6);
		} else {
			put(l, (const char *)&c, 1);
		}
	}
	put(l, "\"", 1);
}

static void key(struct line *l, const char *k)
{
	if (!l->first)
		put(l, ",", 1);
	l->first = false;
	put_json(l, k);
	put(l, ":", 1);
}

void line_begin(struct line *l)
{
	l->len = 0;
	l->first = true;
	put(l, "{", 1);
}

void line_str(struct line *l, const char *k, const char *value)
{
	key(l, k);
	put_json(l, value);
}

void line_u64(struct line *l, const char *k, uint64_t value)
{
	char num[24];

	key(l, k);
	put(l, num, (size_t)snprintf(num, sizeof(num), "%llu",
				     (unsigned long long)value));
}

void line_bool(struct line *l, const char *k, bool value)
{
	key(l, k);
	put(l, value ? "true" : "false", value ? 4 : 5);
}

bool line_end(struct line *l)
{
	const char *p = l->buf;
	size_t n;

	put(l, "}\n", 2);
	n = l->len;
	while (n > 0) {
		ssize_t w = write(STDOUT_FILENO, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

static const char *kind_name(enum fs_error_kind kind)
{
	switch (kind) {
	case FS_ERR_ERRNO: return "errno";
	case FS_ERR_UNSAFE: return "unsafe";
	case FS_ERR_EXISTS: return "exists";
	case FS_ERR_NOT_OURS: return "not-ours";
	case FS_ERR_CHANGED: return "changed";
	case FS_ERR_INPUT: return "input";
	case FS_ERR_CANCELLED: return "cancelled";
	case FS_ERR_NONE:
	default: return "none";
	}
}

void print_error(const struct fs_error *e)
{
	struct line l;

	line_begin(&l);
	line_str(&l, "error", kind_name(e->kind));
	line_str(&l, "path", e->path);
	if (e->op)
		line_str(&l, "op", e->op);
	if (e->kind == FS_ERR_ERRNO) {
		line_str(&l, "errno", errno_name(e->err));
		line_str(&l, "message", strerror(e->err));
	}
	if (e->why[0])
		line_str(&l, "why", e->why);
	if (e->kind == FS_ERR_UNSAFE) {
		line_u64(&l, "owner", e->owner);
		line_u64(&l, "mode", e->mode & 07777);
	}
	(void)line_end(&l);
}
