/*
 * freezeframe-clone's data mover on real files in $TMPDIR: holes, zero
 * blocks, an unaligned tail, a source that changes size, a full device.
 * The tool itself (exit codes, O_EXCL, SIGTERM) is test_clone_tool.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "copy.h"

#define KiB	1024L
#define MiB	(1024L * 1024L)
#define SPARSE_SIZE	(8 * MiB + 100)

static char dir[256];
static char path_buf[8][320];

static const char *in_dir(int slot, const char *name)
{
	snprintf(path_buf[slot], sizeof(path_buf[slot]), "%s/%s", dir, name);
	return path_buf[slot];
}

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(1 + (i * 31 + seed) % 251);
}

static void put(int fd, long off, size_t n, unsigned seed)
{
	unsigned char *p = malloc(n);

	fill(p, n, seed);
	if (pwrite(fd, p, n, off) != (ssize_t)n)
		abort();
	free(p);
}

/* Data, a hole, data with an explicitly written zero block inside, a
 * hole, one block, and a trailing hole to an unaligned size. */
static void make_sparse(const char *path)
{
	static const unsigned char zeros[4096];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	put(fd, 0, 64 * KiB, 1);
	put(fd, 1 * MiB, 128 * KiB, 2);
	if (pwrite(fd, zeros, sizeof(zeros), 1 * MiB + 64 * KiB) != 4096)
		abort();
	put(fd, 4 * MiB, 4 * KiB, 3);
	if (ftruncate(fd, SPARSE_SIZE) != 0)
		abort();
	close(fd);
}

static bool same_content(const char *a, const char *b)
{
	static unsigned char x[1 << 16], y[1 << 16];
	int fa = open(a, O_RDONLY), fb = open(b, O_RDONLY);
	bool same = fa >= 0 && fb >= 0;
	ssize_t n, m;

	while (same) {
		n = read(fa, x, sizeof(x));
		m = read(fb, y, sizeof(y));
		same = n == m && n >= 0 && memcmp(x, y, (size_t)n) == 0;
		if (n <= 0)
			break;
	}
	close(fa);
	close(fb);
	return same;
}

static off_t seek(const char *path, off_t off, int whence)
{
	int fd = open(path, O_RDONLY);
	off_t r = lseek(fd, off, whence);

	close(fd);
	return r;
}

static off_t size_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : -1;
}

static enum clone_status copy_to(const char *src, const char *dst,
				 enum clone_reflink mode, off_t claimed,
				 struct clone_result *res)
{
	struct clone_job job = { .reflink = mode };
	enum clone_status st;

	job.src = open(src, O_RDONLY);
	job.dst = open(dst, O_WRONLY | O_CREAT | O_EXCL, 0600);
	job.size = claimed >= 0 ? (uint64_t)claimed : (uint64_t)size_of(src);
	st = clone_copy(&job, res);
	close(job.src);
	close(job.dst);
	return st;
}

static void test_copy_keeps_holes_and_skips_zero_blocks(void)
{
	const char *src = in_dir(0, "sparse"), *dst = in_dir(1, "never");
	struct clone_result res;
	struct stat st;

	make_sparse(src);
	CHECK(copy_to(src, dst, REFLINK_NEVER, -1, &res) == CLONE_OK);
	CHECK(!res.reflinked && res.done == SPARSE_SIZE);
	CHECK(size_of(dst) == SPARSE_SIZE);
	CHECK(same_content(src, dst));
	CHECK(seek(dst, 0, SEEK_HOLE) == 64 * KiB);
	CHECK(seek(dst, 64 * KiB, SEEK_DATA) == 1 * MiB);
	/* The zero block written in the source is a hole in the copy. */
	CHECK(seek(dst, 1 * MiB, SEEK_HOLE) == 1 * MiB + 64 * KiB);
	CHECK(seek(dst, 1 * MiB + 64 * KiB, SEEK_DATA) == 1 * MiB + 68 * KiB);
	CHECK(seek(dst, 4 * MiB + 4 * KiB, SEEK_DATA) < 0 && errno == ENXIO);
	CHECK(stat(dst, &st) == 0 && st.st_blocks * 512 <= 256 * KiB);
	unlink(dst);

	/* The default path (reflink, else copy_file_range) keeps holes too. */
	dst = in_dir(1, "auto");
	CHECK(copy_to(src, dst, REFLINK_AUTO, -1, &res) == CLONE_OK);
	CHECK(size_of(dst) == SPARSE_SIZE && same_content(src, dst));
	CHECK(seek(dst, 64 * KiB, SEEK_DATA) == 1 * MiB);
	CHECK(seek(dst, 4 * MiB + 4 * KiB, SEEK_DATA) < 0 && errno == ENXIO);
	unlink(dst);
}

static void test_unaligned_tail_and_changed_size(void)
{
	const char *src = in_dir(0, "tail"), *dst = in_dir(1, "tail-copy");
	struct clone_result res;
	int fd = open(src, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	put(fd, 0, 10000, 7);
	close(fd);
	CHECK(copy_to(src, dst, REFLINK_NEVER, -1, &res) == CLONE_OK);
	CHECK(size_of(dst) == 10000 && same_content(src, dst));
	unlink(dst);
	/* A source shorter than its size at open was written to meanwhile. */
	CHECK(copy_to(src, dst, REFLINK_NEVER, 10000 + 4096, &res) ==
	      CLONE_CHANGED);
	unlink(dst);
	unlink(src);
}

static bool no_reflink_here(void)
{
	struct statfs sf;

	return statfs(dir, &sf) == 0 && (sf.f_type == EXT4_SUPER_MAGIC ||
					 sf.f_type == TMPFS_MAGIC);
}

static void test_full_device_and_errnos(void)
{
	struct clone_job job = { .reflink = REFLINK_NEVER };
	struct clone_result res;
	enum clone_reflink mode;

	job.src = open(in_dir(0, "sparse"), O_RDONLY);
	job.dst = open("/dev/full", O_WRONLY);
	job.size = SPARSE_SIZE;
	CHECK(job.src >= 0 && job.dst >= 0);
	CHECK(clone_copy(&job, &res) == CLONE_FAILED);
	CHECK(res.err == ENOSPC && strcmp(res.op, "write") == 0);
	close(job.src);
	close(job.dst);

	CHECK(clone_exit_code(ENOSPC) == CLONE_EXIT_NOSPACE);
	CHECK(clone_exit_code(EDQUOT) == CLONE_EXIT_NOSPACE);
	CHECK(clone_exit_code(EACCES) == CLONE_EXIT_ACCESS);
	CHECK(clone_exit_code(EPERM) == CLONE_EXIT_ACCESS);
	CHECK(clone_exit_code(EROFS) == CLONE_EXIT_ACCESS);
	CHECK(clone_exit_code(EIO) == CLONE_EXIT_IO);
	CHECK(clone_exit_code(EEXIST) == CLONE_EXIT_IO);
	CHECK(clone_parse_reflink("always", &mode) && mode == REFLINK_ALWAYS);
	CHECK(!clone_parse_reflink("Always", &mode));
	CHECK(!clone_parse_reflink("", &mode));
}

static void test_always_fails_without_reflink(void)
{
	const char *src = in_dir(0, "sparse"), *dst = in_dir(1, "always");
	struct clone_result res;

	CHECK(copy_to(src, dst, REFLINK_ALWAYS, -1, &res) == CLONE_NO_REFLINK);
	CHECK(res.err == EOPNOTSUPP || res.err == EXDEV);
	CHECK(size_of(dst) == 0);
	unlink(dst);

	{
		struct clone_result pr;
		int fs = open(src, O_RDONLY);
		int fd = open(dst, O_WRONLY | O_CREAT | O_EXCL, 0600);

		CHECK(clone_probe(fs, fd, SPARSE_SIZE, &pr) ==
		      CLONE_NO_REFLINK);
		CHECK(!pr.reflinked && pr.err != 0);
		close(fs);
		close(fd);
		unlink(dst);
	}
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/ffclone-test-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_copy_keeps_holes_and_skips_zero_blocks();
	test_unaligned_tail_and_changed_size();
	test_full_device_and_errnos();
	if (no_reflink_here())
		test_always_fails_without_reflink();
	else
		fprintf(stderr, "test_clone: %s can reflink; the 'always' "
			"failure is covered by the integration tests\n", dir);
	unlink(in_dir(0, "sparse"));
	if (rmdir(dir) != 0)
		fprintf(stderr, "test_clone: %s left: %s\n", dir,
			strerror(errno));
	return check_done();
}
