/*
 * The floor for the freeze+thaw benchmark: FIFREEZE then FITHAW on one
 * descriptor, N times, printing each pair's duration in microseconds.
 * Only for `npm run bench`, on the fixture's loop mounts.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
	int fd, i, n;

	if (argc != 3) {
		fprintf(stderr, "usage: ioctl-pair MOUNTPOINT COUNT\n");
		return 2;
	}
	n = atoi(argv[2]);
	fd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	for (i = 0; i < n; i++) {
		double start = now_us();

		if (ioctl(fd, FIFREEZE, 0) != 0) {
			fprintf(stderr, "FIFREEZE: %s\n", strerror(errno));
			return 1;
		}
		if (ioctl(fd, FITHAW, 0) != 0) {
			fprintf(stderr, "FITHAW: %s\n", strerror(errno));
			return 1;
		}
		printf("%.1f\n", now_us() - start);
	}
	return 0;
}
