#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "protect.h"

int protect_oom(void)
{
	int fd, err = 0;

	fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "-1000", 5) != 5)
		err = -errno;
	if (fd >= 0)
		close(fd);
	return err;
}

int lock_memory(void)
{
	/* ONFAULT: lock what is touched, so resident memory stays small. */
	if (mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT))
		return -errno;
	return 0;
}
