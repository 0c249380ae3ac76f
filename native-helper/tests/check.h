/* A tiny test harness: failures go to stderr, the tally to stdout. */
#ifndef FF_CHECK_H
#define FF_CHECK_H

#include <stdio.h>

static int check_passed, check_failed;

#define CHECK(cond) do {						\
	if (cond) {							\
		check_passed++;						\
	} else {							\
		check_failed++;						\
		fprintf(stderr, "%s:%d: CHECK failed: %s\n",		\
			__FILE__, __LINE__, #cond);			\
	}								\
} while (0)

/* Prints the one closing line; returns the exit status. */
static inline int check_done(void)
{
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed ? 1 : 0;
}

#endif
