#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "copy.h"

/*
 * Large enough that a cold read streams at the device's rate and the
 * syscall count stays low; small enough that a cancel or a progress line
 * is never more than a few milliseconds away.
 */
#define BUF_SIZE	(1u << 20)
#define CFR_CHUNK	(16u << 20)

struct mover {
	const struct clone_job *job;
	struct clone_result *res;
	unsigned char *buf;
	size_t blk;		/* hole granularity: the target's block size */
	bool use_cfr;
	bool cfr_worked;	/* after one success, a failure is real */
};

static enum clone_status fail(struct mover *m, const char *op, int err)
{
	m->res->op = op;
	m->res->err = err;
	return CLONE_FAILED;
}

static void advance(struct mover *m, uint64_t done)
{
	m->res->done = done;
	if (m->job->progress)
		m->job->progress(m->job->ctx, done, m->job->size);
}

/* coreutils' is_nul: the first word is zero and every byte equals the one
 * a word later, so the whole range is zero; memcmp does it at SIMD speed. */
static bool all_zero(const unsigned char *p, size_t n)
{
	static const unsigned char zero[16];

	if (n <= sizeof(zero))
		return memcmp(p, zero, n) == 0;
	return memcmp(p, zero, sizeof(zero)) == 0 &&
	       memcmp(p, p + sizeof(zero), n - sizeof(zero)) == 0;
}

static enum clone_status write_all(struct mover *m, const unsigned char *p,
				   size_t n, uint64_t off)
{
	while (n > 0) {
		ssize_t w = pwrite(m->job->dst, p, n, (off_t)off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return fail(m, "write", errno);
		}
		p += w;
		n -= (size_t)w;
		off += (uint64_t)w;
	}
	return CLONE_OK;
}

/* Writes the buffer's non-zero blocks, each run of them in one call; the
 * zero ones stay holes in the new file (the final size fills them in). */
static enum clone_status write_sparse(struct mover *m, size_t n, uint64_t off)
{
	size_t i = 0;

	while (i < n) {
		size_t start, len;
		enum clone_status st;

		while (i < n && all_zero(m->buf + i, n - i < m->blk ?
					 n - i : m->blk))
			i += m->blk;
		if (i >= n)
			break;
		start = i;
		while (i < n && !all_zero(m->buf + i, n - i < m->blk ?
					  n - i : m->blk))
			i += m->blk;
		len = (i < n ? i : n) - start;
		st = write_all(m, m->buf + start, len, off + start);
		if (st != CLONE_OK)
			return st;
	}
	return CLONE_OK;
}

static enum clone_status rw_range(struct mover *m, uint64_t off, uint64_t end)
{
	while (off < end) {
		size_t want = end - off < BUF_SIZE ? (size_t)(end - off) :
			BUF_SIZE;
		ssize_t n = pread(m->job->src, m->buf, want, (off_t)off);
		enum clone_status st;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return fail(m, "read", errno);
		}
		if (n == 0)
			return CLONE_CHANGED;
		st = write_sparse(m, (size_t)n, off);
		if (st != CLONE_OK)
			return st;
		off += (uint64_t)n;
		advance(m, off);
	}
	return CLONE_OK;
}

/* The errnos that mean "copy_file_range cannot do this pair", not "the
 * copy failed": the read/write path takes over from the same offset. */
static bool cfr_unsupported(int err)
{
	return err == EXDEV || err == EOPNOTSUPP || err == ENOSYS ||
	       err == EINVAL || err == ETXTBSY || err == EBADF;
}

static enum clone_status cfr_range(struct mover *m, uint64_t off, uint64_t end)
{
	while (off < end) {
		size_t want = end - off < CFR_CHUNK ? (size_t)(end - off) :
			CFR_CHUNK;
		off_t in = (off_t)off, out = (off_t)off;
		ssize_t n = copy_file_range(m->job->src, &in, m->job->dst,
					    &out, want, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (cfr_unsupported(errno) && !m->cfr_worked) {
				m->use_cfr = false;
				return rw_range(m, off, end);
			}
			return fail(m, "copy_file_range", errno);
		}
		if (n == 0)
			return CLONE_CHANGED;
		m->cfr_worked = true;
		off += (uint64_t)n;
		advance(m, off);
	}
	return CLONE_OK;
}

/*
 * Visits the source's data extents only: holes are never read, and stay
 * holes because the target is new and empty until the final ftruncate.
 */
static enum clone_status copy_extents(struct mover *m)
{
	uint64_t size = m->job->size, off = 0;

	while (off < size) {
		off_t data = lseek(m->job->src, (off_t)off, SEEK_DATA);
		off_t hole;
		enum clone_status st;

		if (data < 0) {
			if (errno == ENXIO)	/* nothing but hole to the end */
				break;
			if (errno != EINVAL && errno != EOPNOTSUPP)
				return fail(m, "lseek", errno);
			data = (off_t)off;	/* no hole support: all data */
			hole = (off_t)size;
		} else {
			hole = lseek(m->job->src, data, SEEK_HOLE);
			if (hole < 0)
				hole = (off_t)size;
		}
		if ((uint64_t)data >= size)
			break;
		if ((uint64_t)hole > size)
			hole = (off_t)size;
		st = m->use_cfr ? cfr_range(m, (uint64_t)data, (uint64_t)hole)
			: rw_range(m, (uint64_t)data, (uint64_t)hole);
		if (st != CLONE_OK)
			return st;
		off = (uint64_t)hole;
		advance(m, off);
	}
	return CLONE_OK;
}

/* FICLONE's answers that mean "these two files cannot share extents". */
static bool reflink_unsupported(int err)
{
	return err == EOPNOTSUPP || err == ENOTTY || err == EXDEV ||
	       err == EINVAL || err == ENOSYS || err == ETXTBSY;
}

static size_t hole_granularity(int fd)
{
	struct stat st;

	if (fstat(fd, &st) == 0 && st.st_blksize >= 512 &&
	    st.st_blksize <= (1 << 16) &&
	    (st.st_blksize & (st.st_blksize - 1)) == 0)
		return (size_t)st.st_blksize;
	return 4096;
}

enum clone_status clone_copy(const struct clone_job *job,
			     struct clone_result *res)
{
	struct mover m = { .job = job, .res = res };
	enum clone_status st;
	struct stat sst;
	void *buf = NULL;

	memset(res, 0, sizeof(*res));
	if (job->reflink != REFLINK_NEVER) {
		if (ioctl(job->dst, FICLONE, job->src) == 0) {
			res->reflinked = true;
			advance(&m, job->size);
			return CLONE_OK;
		}
		if (!reflink_unsupported(errno))
			return fail(&m, "FICLONE", errno);
		if (job->reflink == REFLINK_ALWAYS) {
			res->op = "FICLONE";
			res->err = errno;
			return CLONE_NO_REFLINK;
		}
	}
	/* copy_file_range may share extents too (xfs, btrfs): "never"
	 * promises blocks of its own, so it reads and writes. */
	m.use_cfr = job->reflink != REFLINK_NEVER;
	m.blk = hole_granularity(job->dst);
	if (posix_memalign(&buf, 4096, BUF_SIZE) != 0)
		return fail(&m, "allocate", ENOMEM);
	m.buf = buf;
	/* Doubles the readahead window: cold reads stay sequential. */
	(void)posix_fadvise(job->src, 0, 0, POSIX_FADV_SEQUENTIAL);
	st = copy_extents(&m);
	free(buf);
	if (st != CLONE_OK)
		return st;
	/* A source that grew or shrank was not frozen: not a snapshot. */
	if (fstat(job->src, &sst) != 0)
		return fail(&m, "fstat", errno);
	if ((uint64_t)sst.st_size != job->size)
		return CLONE_CHANGED;
	/* Sets the size, and with it any trailing hole. */
	if (ftruncate(job->dst, (off_t)job->size) != 0)
		return fail(&m, "ftruncate", errno);
	advance(&m, job->size);
	return CLONE_OK;
}

#define PROBE_LEN	(64u << 10)	/* a multiple of any block size */

enum clone_status clone_probe(int src, int dst, uint64_t size,
			      struct clone_result *res)
{
	struct file_clone_range range = { .src_fd = src,
					   .src_length = PROBE_LEN };
	int rc;

	memset(res, 0, sizeof(*res));
	res->op = "FICLONE";
	rc = size <= PROBE_LEN ? ioctl(dst, FICLONE, src) :
		ioctl(dst, FICLONERANGE, &range);
	if (rc == 0) {
		res->reflinked = true;
		return CLONE_OK;
	}
	res->err = errno;
	return reflink_unsupported(errno) ? CLONE_NO_REFLINK : CLONE_FAILED;
}

int clone_exit_code(int err)
{
	switch (err) {
	case ENOSPC:
	case EDQUOT:
		return CLONE_EXIT_NOSPACE;
	case EACCES:
	case EPERM:
	case EROFS:
		return CLONE_EXIT_ACCESS;
	default:
		return CLONE_EXIT_IO;
	}
}

bool clone_parse_reflink(const char *s, enum clone_reflink *out)
{
	if (strcmp(s, "auto") == 0)
		*out = REFLINK_AUTO;
	else if (strcmp(s, "always") == 0)
		*out = REFLINK_ALWAYS;
	else if (strcmp(s, "never") == 0)
		*out = REFLINK_NEVER;
	else
		return false;
	return true;
}
