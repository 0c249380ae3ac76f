/*
 * stress-writer: one writer of the reliability load test (docs/reliability.md).
 *
 *   stress-writer write  MODE DIR ID   writes until SIGTERM, then prints
 *                                      "written N" (N operations completed)
 *   stress-writer verify MODE DIR ID N checks that what is on disk is exactly
 *                                      what N completed operations leave
 *
 * MODE is buffered, direct (O_DIRECT), mmap (MAP_SHARED stores), fsync
 * (write + fsync each time) or rename (write a new file, fsync, rename it
 * over the current one). Every block is derived from (ID, sequence number),
 * so the verifier needs nothing but N: the writer keeps its record in its
 * own counter, never on the filesystem under test (which may be frozen).
 * Files are SLOTS blocks long and overwritten in a ring, so dirty data, and
 * with it the work of each FIFREEZE, stays bounded.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BLOCK 4096
#define SLOTS 256
#define MAGIC 0x465a4652u /* "RFZF" */

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void die(const char *what, const char *path)
{
	fprintf(stderr, "stress-writer: %s %s: %s\n", what, path, strerror(errno));
	exit(2);
}

/* Block for (id, seq): a header, then xorshift bytes seeded by both. */
static void fill(unsigned char *buf, uint32_t id, uint64_t seq)
{
	uint64_t x = (seq + 1) * 0x9e3779b97f4a7c15ull ^ ((uint64_t)id << 32 | 0x5bd1e995u);
	uint32_t head[4] = { MAGIC, id, (uint32_t)seq, (uint32_t)(seq >> 32) };

	memcpy(buf, head, sizeof(head));
	for (size_t i = sizeof(head); i < BLOCK; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(buf + i, &x, 8);
	}
}

static void write_all(int fd, const unsigned char *buf, off_t off, const char *path)
{
	ssize_t n = pwrite(fd, buf, BLOCK, off);

	if (n != BLOCK)
		die("pwrite", path);
}

static int open_data(const char *path, int extra)
{
	int fd = open(path, O_RDWR | O_CREAT | extra, 0644);

	if (fd < 0)
		die("open", path);
	if (ftruncate(fd, (off_t)SLOTS * BLOCK) != 0)
		die("ftruncate", path);
	return fd;
}

static uint64_t run_rename(const char *dir, uint32_t id, unsigned char *buf)
{
	char cur[4096], tmp[4096];
	uint64_t seq;

	snprintf(cur, sizeof(cur), "%s/w%u.cur", dir, id);
	snprintf(tmp, sizeof(tmp), "%s/w%u.tmp", dir, id);
	for (seq = 0; !stop; seq++) {
		int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0)
			die("open", tmp);
		fill(buf, id, seq);
		write_all(fd, buf, 0, tmp);
		if (fsync(fd) != 0)
			die("fsync", tmp);
		close(fd);
		if (rename(tmp, cur) != 0)
			die("rename", tmp);
		usleep(500);
	}
	return seq;
}

static uint64_t run_mmap(const char *path, uint32_t id, unsigned char *buf)
{
	int fd = open_data(path, 0);
	unsigned char *map = mmap(NULL, (size_t)SLOTS * BLOCK, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	uint64_t seq;

	if (map == MAP_FAILED)
		die("mmap", path);
	for (seq = 0; !stop; seq++) {
		fill(buf, id, seq);
		/* A store to a page of a frozen filesystem waits in page_mkwrite. */
		memcpy(map + (seq % SLOTS) * BLOCK, buf, BLOCK);
		if (seq % 64 == 63 && msync(map, (size_t)SLOTS * BLOCK, MS_ASYNC) != 0)
			die("msync", path);
		usleep(200);
	}
	if (msync(map, (size_t)SLOTS * BLOCK, MS_SYNC) != 0)
		die("msync", path);
	munmap(map, (size_t)SLOTS * BLOCK);
	close(fd);
	return seq;
}

static uint64_t run_file(const char *mode, const char *path, uint32_t id, unsigned char *buf)
{
	int direct = strcmp(mode, "direct") == 0;
	int sync_each = strcmp(mode, "fsync") == 0;
	int fd = open_data(path, direct ? O_DIRECT : 0);
	uint64_t seq;

	for (seq = 0; !stop; seq++) {
		fill(buf, id, seq);
		write_all(fd, buf, (off_t)(seq % SLOTS) * BLOCK, path);
		if (sync_each && fsync(fd) != 0)
			die("fsync", path);
		usleep(200);
	}
	if (fsync(fd) != 0)
		die("fsync", path);
	close(fd);
	return seq;
}

static int verify(const char *mode, const char *dir, uint32_t id, uint64_t n, unsigned char *want)
{
	char path[4096];
	unsigned char got[BLOCK];
	int rename_mode = strcmp(mode, "rename") == 0;
	uint64_t slots = rename_mode ? 1 : SLOTS;
	int fd, bad = 0;

	snprintf(path, sizeof(path), rename_mode ? "%s/w%u.cur" : "%s/w%u.dat", dir, id);
	if (n == 0)
		return 0;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die("open", path);
	for (uint64_t slot = 0; slot < slots && slot < n; slot++) {
		/* The last sequence number that landed in this slot. */
		uint64_t seq = rename_mode ? n - 1 : slot + ((n - 1 - slot) / SLOTS) * SLOTS;

		fill(want, id, seq);
		if (pread(fd, got, BLOCK, (off_t)(rename_mode ? 0 : slot * BLOCK)) != BLOCK || memcmp(got, want, BLOCK) != 0) {
			uint32_t head[4];

			memcpy(head, got, sizeof(head));
			fprintf(stderr, "%s slot %llu: want seq %llu, found magic %08x seq %u\n", path, (unsigned long long)slot,
				(unsigned long long)seq, head[0], head[2]);
			if (++bad >= 5)
				break;
		}
	}
	close(fd);
	if (bad == 0)
		printf("verified %s: %llu operations\n", path, (unsigned long long)n);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	unsigned char *buf;
	uint32_t id;
	char path[4096];
	uint64_t n;

	if (argc < 5 || (strcmp(argv[1], "verify") == 0 && argc < 6)) {
		fprintf(stderr, "usage: stress-writer write|verify MODE DIR ID [N]\n");
		return 2;
	}
	id = (uint32_t)strtoul(argv[4], NULL, 10);
	if (posix_memalign((void **)&buf, BLOCK, BLOCK) != 0)
		return 2;
	if (strcmp(argv[1], "verify") == 0)
		return verify(argv[2], argv[3], id, strtoull(argv[5], NULL, 10), buf);

	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	snprintf(path, sizeof(path), "%s/w%u.dat", argv[3], id);
	if (strcmp(argv[2], "rename") == 0)
		n = run_rename(argv[3], id, buf);
	else if (strcmp(argv[2], "mmap") == 0)
		n = run_mmap(path, id, buf);
	else if (!strcmp(argv[2], "buffered") || !strcmp(argv[2], "direct") || !strcmp(argv[2], "fsync"))
		n = run_file(argv[2], path, id, buf);
	else {
		fprintf(stderr, "stress-writer: unknown mode %s\n", argv[2]);
		return 2;
	}
	printf("written %llu\n", (unsigned long long)n);
	return 0;
}
