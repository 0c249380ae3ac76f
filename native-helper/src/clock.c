#include <time.h>

#include "clock.h"

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	/* Cannot fail for these clocks with a valid pointer. */
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

int64_t boot_ns(void)
{
	return clock_ns(CLOCK_BOOTTIME);
}

int64_t epoch_ms_at(int64_t t)
{
	int64_t boot_now = boot_ns();
	int64_t real_now = clock_ns(CLOCK_REALTIME);

	return (real_now + (t - boot_now)) / NS_PER_MS;
}

int64_t ms_until(int64_t t, int64_t now)
{
	return t > now ? (t - now) / NS_PER_MS : 0;
}

int64_t ms_between(int64_t t0, int64_t t1)
{
	return t1 > t0 ? (t1 - t0) / NS_PER_MS : 0;
}
