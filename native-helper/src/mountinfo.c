#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mountinfo.h"

static uint64_t last_gen;

void mi_keep(struct mi_reader *r)
{
	r->fd = -1;
	r->keep = true;
	r->whole = false;
}

static void close_fd(struct mi_reader *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	r->whole = false;
}

void mi_close(struct mi_reader *r)
{
	if (!r->keep)
		close_fd(r);
}

/* Move the unread tail to the front and read more. 0, or -errno. */
static int fill(struct mi_reader *r)
{
	ssize_t n;

	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->len -= r->pos;
		r->pos = 0;
	}
	do {
		n = read(r->fd, r->buf + r->len, sizeof(r->buf) - r->len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		r->eof = true;
	r->len += (size_t)n;
	return 0;
}

/* Whether the table may differ from the one in buf. poll() clears the
 * file's change mark, so this is asked once per mi_open(). */
static bool changed(struct mi_reader *r)
{
	struct pollfd p = { r->fd, POLLPRI, 0 };

	return !r->whole || poll(&p, 1, 0) != 0;
}

/* Read the whole table into buf, if it fits (else mi_next streams). */
static int load(struct mi_reader *r)
{
	int err = 0;

	while (!err && !r->eof && r->len < sizeof(r->buf))
		err = fill(r);
	r->whole = !err && r->eof;
	return err;
}

int mi_open(struct mi_reader *r)
{
	if (r->keep && r->fd >= 0) {
		if (!changed(r)) {
			r->pos = 0;	/* the same table: read buf again */
			return 0;
		}
		close_fd(r);
	}
	/* A fresh open: its change mark starts at the table it reads. */
	r->fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (r->fd < 0)
		return -errno;
	r->eof = false;
	r->len = 0;
	r->pos = 0;
	r->gen = __atomic_add_fetch(&last_gen, 1, __ATOMIC_RELAXED);
	return r->keep ? load(r) : 0;
}

/* Copy a field, undoing the kernel's octal escapes (\040 \011 \012 \134),
 * into dst[cap]. Returns false when it does not fit. */
static bool unescape(const char *s, size_t n, char *dst, size_t cap)
{
	size_t i = 0, o = 0;

	while (i < n) {
		char ch = s[i];

		if (ch == '\\' && i + 3 < n &&
		    s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' &&
		    s[i + 3] >= '0' && s[i + 3] <= '7') {
			ch = (char)(((s[i + 1] - '0') << 6) |
				    ((s[i + 2] - '0') << 3) | (s[i + 3] - '0'));
			i += 4;
		} else {
			i++;
		}
		if (o + 1 >= cap)
			return false;
		dst[o++] = ch;
	}
	dst[o] = '\0';
	return true;
}

/* Split at spaces: up to max fields, returns how many. */
static int split(char *line, size_t len, char **f, size_t *flen, int max)
{
	int n = 0;
	size_t i = 0;

	while (i < len && n < max) {
		size_t start = i;

		while (i < len && line[i] != ' ')
			i++;
		f[n] = line + start;
		flen[n] = i - start;
		n++;
		i++;			/* the space */
	}
	return n;
}

/* "ro" as a whole comma-separated word of opts. */
static bool has_ro(const char *opts, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t start = i;

		while (i < n && opts[i] != ',')
			i++;
		if (i - start == 2 && opts[start] == 'r' && opts[start + 1] == 'o')
			return true;
		i++;
	}
	return false;
}

static bool parse_int(const char *s, size_t n, long long *out)
{
	char tmp[24], *end;

	if (n == 0 || n >= sizeof(tmp))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	errno = 0;
	*out = strtoll(tmp, &end, 10);
	return errno == 0 && *end == '\0';
}

static bool parse_dev(const char *s, size_t n, struct sb_id *sb)
{
	const char *colon = memchr(s, ':', n);
	long long maj, min;

	if (!colon || !parse_int(s, (size_t)(colon - s), &maj) ||
	    !parse_int(colon + 1, n - (size_t)(colon - s) - 1, &min) ||
	    maj < 0 || min < 0 || maj > 0xFFFFFFFFLL || min > 0xFFFFFFFFLL)
		return false;
	sb->major = (unsigned int)maj;
	sb->minor = (unsigned int)min;
	return true;
}

#define MI_MAX_FIELDS 64

/*
 * 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 * id parent dev root mountpoint options [optional...] - type source superopts
 */
int mi_parse_line(char *line, size_t len, struct ff_mount *m)
{
	char *f[MI_MAX_FIELDS];
	size_t fl[MI_MAX_FIELDS];
	long long id, parent;
	int n, sep = -1, i;

	n = split(line, len, f, fl, MI_MAX_FIELDS);
	for (i = 6; i < n; i++) {
		if (fl[i] == 1 && f[i][0] == '-') {
			sep = i;
			break;
		}
	}
	if (sep < 0 || n < sep + 3)
		return -EINVAL;
	if (!parse_int(f[0], fl[0], &id) || !parse_int(f[1], fl[1], &parent) ||
	    id <= 0 || id > 0x7FFFFFFF || parent < 0 || parent > 0x7FFFFFFF ||
	    !parse_dev(f[2], fl[2], &m->sb))
		return -EINVAL;
	m->mount_id = (int)id;
	m->parent_id = (int)parent;
	if (!unescape(f[4], fl[4], m->path, sizeof(m->path)) ||
	    !unescape(f[sep + 1], fl[sep + 1], m->fstype, sizeof(m->fstype)))
		return -EINVAL;
	/* source and options are for display: an oversized one is cut. */
	if (!unescape(f[sep + 2], fl[sep + 2], m->source, sizeof(m->source)))
		m->source[sizeof(m->source) - 1] = '\0';
	if (!unescape(f[5], fl[5], m->options, sizeof(m->options)))
		m->options[sizeof(m->options) - 1] = '\0';
	m->read_only = has_ro(f[5], fl[5]) ||
		       (n > sep + 3 && has_ro(f[sep + 3], fl[sep + 3]));
	return 0;
}

int mi_next(struct mi_reader *r, struct ff_mount *m)
{
	for (;;) {
		char *start = r->buf + r->pos;
		char *nl = memchr(start, '\n', r->len - r->pos);
		int err;

		if (nl) {
			size_t n = (size_t)(nl - start);

			r->pos += n + 1;
			if (mi_parse_line(start, n, m) == 0)
				return 1;
			continue;	/* malformed or oversized: skip */
		}
		if (r->eof)
			return 0;
		if (r->pos == 0 && r->len == sizeof(r->buf)) {
			/* A line longer than the buffer: drop what we have
			 * and skip to its end. */
			r->len = 0;
			do {
				err = fill(r);
				if (err)
					return err;
				nl = memchr(r->buf, '\n', r->len);
				if (!nl && !r->eof)
					r->len = 0;
			} while (!nl && !r->eof);
			if (!nl)
				return 0;
			r->pos = (size_t)(nl - r->buf) + 1;
			continue;
		}
		err = fill(r);
		if (err)
			return err;
	}
}

int mi_find(struct mi_reader *r, int mount_id, struct ff_mount *m)
{
	int err, rc;

	err = mi_open(r);
	if (err)
		return err;
	while ((rc = mi_next(r, m)) > 0) {
		if (m->mount_id == mount_id)
			break;
	}
	mi_close(r);
	if (rc < 0)
		return rc;
	return rc > 0 ? 0 : -ENOENT;
}
