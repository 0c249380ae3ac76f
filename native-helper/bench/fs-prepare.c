/*
 * The pre-freeze preparations the backup bench compares, on one mountpoint:
 * each letter of STEPS is one step, timed and printed as "<step> <ms>".
 *   s  syncfs(2): what `sync -f` does
 *   c  EXT4_IOC_CHECKPOINT (Linux 5.17+, CAP_SYS_ADMIN): flush the ext4
 *      journal to its home locations, the work ext4_freeze() would do
 * Only for `npm run bench`, as root, on the fixture's loop mounts. It never
 * freezes anything.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

/* Not in every distribution's <linux/ext4.h> (Debian 12 has none). */
#ifndef EXT4_IOC_CHECKPOINT
#define EXT4_IOC_CHECKPOINT	_IOW('f', 43, uint32_t)
#endif

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int step(int fd, char s)
{
	uint32_t flags = 0;

	switch (s) {
	case 's':
		return syncfs(fd);
	case 'c':
		return ioctl(fd, EXT4_IOC_CHECKPOINT, &flags);
	default:
		errno = EINVAL;
		return -1;
	}
}

int main(int argc, char **argv)
{
	const char *p;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: fs-prepare MOUNTPOINT STEPS (s: syncfs, "
			"c: ext4 journal checkpoint)\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	for (p = argv[2]; *p; p++) {
		double start = now_ms();

		if (step(fd, *p) != 0) {
			fprintf(stderr, "step %c on %s: %s (%s)\n", *p, argv[1],
				strerror(errno), strerrorname_np(errno));
			return 1;
		}
		printf("%c %.2f\n", *p, now_ms() - start);
	}
	return 0;
}
