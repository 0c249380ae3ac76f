/*
 * Settings fixed at startup (command line, identity of the unsafe
 * superblocks). Written once by main() before anything else runs, read-only
 * afterwards.
 */
#ifndef FF_CONFIG_H
#define FF_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define FF_HELPER_VERSION	"1.0.0"
#define FF_PROTOCOL		1

#define LEASE_MS_MIN		1000
#define LEASE_MS_MAX		600000
#define LEASE_MS_DEFAULT	15000
#define TIMEOUT_MS_MIN		1000
#define MAX_TIMEOUT_MS_MAX	86400000
#define MAX_TIMEOUT_MS_DEFAULT	900000
#define MAX_HOLD_MS_MAX		86400000
#define MAX_HOLD_MS_DEFAULT	3600000
#define UNSAFE_TIMEOUT_MS_MAX	30000

struct sb_id {
	unsigned int major;
	unsigned int minor;
};

struct config {
	int64_t lease_ms;
	int64_t max_timeout_ms;
	int64_t max_hold_ms;
	uid_t audit_uid;	/* PKEXEC_UID when set, else getuid() */
	/* Superblocks freeze refuses without allowUnsafe: the one mounted on
	 * "/" and the one holding the helper binary. */
	int nunsafe;
	struct sb_id unsafe[2];
	const char *unsafe_why[2];
};

extern struct config cfg;

static inline bool sb_eq(struct sb_id a, struct sb_id b)
{
	return a.major == b.major && a.minor == b.minor;
}

/* Index into cfg.unsafe of the entry matching sb, or -1. */
int config_unsafe_index(struct sb_id sb);

/* Fill cfg.unsafe from the mounts of "/" and /proc/self/exe. 0 or -errno
 * (when "/" cannot be identified). */
int config_find_unsafe(void);

#endif
