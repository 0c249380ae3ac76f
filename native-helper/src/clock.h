/*
 * Time. Every interval the helper keeps is measured on CLOCK_BOOTTIME, so
 * time spent suspended counts toward a deadline; wall-clock time is only
 * derived for display.
 */
#ifndef FF_CLOCK_H
#define FF_CLOCK_H

#include <stdint.h>

#define NS_PER_MS	1000000LL
#define NS_PER_SEC	1000000000LL

/* CLOCK_BOOTTIME now, in nanoseconds. */
int64_t boot_ns(void);

/* The Unix-epoch milliseconds at which the boot-clock instant t falls,
 * assuming the wall clock does not jump in between: for display only. */
int64_t epoch_ms_at(int64_t t);

/* Whole milliseconds from now until t, never negative. */
int64_t ms_until(int64_t t, int64_t now);

/* Whole milliseconds from t0 to t1, never negative. */
int64_t ms_between(int64_t t0, int64_t t1);

#endif
