#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "output.h"

struct obuf {
	int fd;
	char *buf;
	size_t cap;
	size_t off;		/* first unwritten byte */
	size_t len;		/* end of buffered bytes */
	uint64_t dropped;	/* lines dropped since the last report */
	bool broken;		/* write failed for good */
};

static char out_mem[OUT_STDOUT_CAP];
static char err_mem[OUT_STDERR_CAP];
static struct obuf bufs[2] = {
	{ 1, out_mem, sizeof(out_mem), 0, 0, 0, false },
	{ 2, err_mem, sizeof(err_mem), 0, 0, 0, false },
};

static struct obuf *buf_of(int fd)
{
	return fd == 1 ? &bufs[0] : &bufs[1];
}

/* The file status flags of 1 and 2 before out_init(): a terminal shares
 * them with the shell, which should not find them non-blocking. */
static int saved_flags[2] = { -1, -1 };

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	saved_flags[fd - 1] = fl;
	return 0;
}

void out_restore(void)
{
	int fd;

	for (fd = 1; fd <= 2; fd++) {
		if (saved_flags[fd - 1] >= 0)
			fcntl(fd, F_SETFL, saved_flags[fd - 1]);
	}
}

int out_init(void)
{
	int err = set_nonblock(1);

	if (err)
		return err;
	/* stderr may be closed or shared; diagnostics are best effort. */
	if (set_nonblock(2))
		bufs[1].broken = true;
	return 0;
}

/* Write as much of s[0..n) as the fd takes now. Returns bytes written. */
static size_t try_write(struct obuf *b, const char *s, size_t n)
{
	size_t done = 0;

	while (done < n && !b->broken) {
		ssize_t w = write(b->fd, s + done, n - done);

		if (w > 0) {
			done += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		b->broken = true;	/* EPIPE and anything else final */
	}
	return done;
}

/* Lines wait for out_flush() at the end of the loop's turn, so those of
 * one turn go out in one write. A line that does not fit in what is left
 * makes room first, and one longer than the buffer is written now. */
static void append(struct obuf *b, const char *s, size_t n)
{
	size_t done = 0;

	if (b->broken)
		return;
	if (n > b->cap - (b->len - b->off))
		b->off += try_write(b, b->buf + b->off, b->len - b->off);
	if (b->off == b->len) {
		b->off = b->len = 0;
		if (n > b->cap)
			done = try_write(b, s, n);
		if (done == n || b->broken)
			return;
	}
	if (n - done > b->cap - (b->len - b->off)) {
		b->dropped++;
		return;
	}
	if (n - done > b->cap - b->len) {
		memmove(b->buf, b->buf + b->off, b->len - b->off);
		b->len -= b->off;
		b->off = 0;
	}
	memcpy(b->buf + b->len, s + done, n - done);
	b->len += n - done;
}

void out_line(const char *s, size_t n)
{
	append(&bufs[0], s, n);
}

void out_diag(const char *fmt, ...)
{
	char line[1024 + 4096];
	int n = snprintf(line, sizeof(line), "freezeframe-helper: ");
	va_list ap;

	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	append(&bufs[1], line, (size_t)n);
}

bool out_pending(int fd)
{
	struct obuf *b = buf_of(fd);

	return !b->broken && b->off < b->len;
}

void out_flush(int fd)
{
	struct obuf *b = buf_of(fd);
	uint64_t lost;

	b->off += try_write(b, b->buf + b->off, b->len - b->off);
	if (b->off < b->len || b->broken)
		return;
	b->off = b->len = 0;
	if (b->dropped) {
		lost = b->dropped;
		b->dropped = 0;
		out_diag("%llu line(s) for %s were dropped: the reader did "
			 "not keep up", (unsigned long long)lost,
			 fd == 1 ? "stdout" : "stderr");
	}
}

bool out_client_gone(void)
{
	return bufs[0].broken;
}

void out_drain(int timeout_ms)
{
	int64_t end = boot_ns() + (int64_t)timeout_ms * NS_PER_MS;

	while (out_pending(1) || out_pending(2)) {
		struct pollfd p[2] = { { 1, 0, 0 }, { 2, 0, 0 } };
		int64_t left = end - boot_ns();

		if (left <= 0)
			return;
		p[0].events = out_pending(1) ? POLLOUT : 0;
		p[1].events = out_pending(2) ? POLLOUT : 0;
		if (poll(p, 2, (int)(left / NS_PER_MS) + 1) < 0 && errno != EINTR)
			return;
		if (p[0].revents)
			out_flush(1);
		if (p[1].revents)
			out_flush(2);
		/* POLLERR/POLLHUP: try_write marks the buffer broken. */
	}
}
