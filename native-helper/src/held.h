/*
 * The held-mount table: the superblocks this helper has frozen (or is
 * freezing). Keyed by superblock, so every bind mount of a held filesystem
 * is held too. Owned by the loop thread; the worker never touches it.
 */
#ifndef FF_HELD_H
#define FF_HELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mountinfo.h"

#define HELD_MAX	128

enum held_state {
	HELD_FREE = 0,
	HELD_FREEZING,		/* ADDed to the guardian, FIFREEZE not done */
	HELD_FROZEN,
};

struct held {
	enum held_state state;
	int fd;			/* the descriptor the helper opened */
	struct ff_mount mount;	/* the mount the freeze named */
	int64_t frozen_at;	/* CLOCK_BOOTTIME ns when FIFREEZE returned */
	int64_t deadline;	/* CLOCK_BOOTTIME ns */
	uint64_t seq;		/* freeze order: thaws go highest first */
	uint64_t token;		/* the guardian's name for this entry */
	bool unsafe;		/* frozen with allowUnsafe on an unsafe sb */
	bool acked;		/* the guardian has acknowledged the ADD */
	bool has_backing;	/* on a loop device, backing file on: */
	struct sb_id backing;
};

/* A free slot, marked HELD_FREEZING with fd -1, or NULL when full. */
struct held *held_alloc(void);
/* Close the descriptor and free the slot. */
void held_release(struct held *h);
size_t held_free_slots(void);

/* The entry (freezing or frozen) for a superblock, or NULL. */
struct held *held_by_sb(struct sb_id sb);
/* A frozen entry whose recorded mount has this id, or NULL. */
struct held *held_by_mount_id(int mount_id);

/* Entries in state st, highest seq first (the order thaws go in).
 * Returns how many were stored in out[max]. */
size_t held_list(enum held_state st, struct held **out, size_t max);

/* Frozen entries whose deadline is at or before now, highest seq first. */
size_t held_expired(int64_t now, struct held **out, size_t max);

/* The earliest deadline of a frozen entry, or INT64_MAX. */
int64_t held_next_deadline(void);

/*
 * Order entries about to be thawed: add every frozen entry that holds the
 * backing file of one of them (transitively: thawing a filesystem on a
 * loop device writes through it, and would wait on a frozen backing
 * filesystem), then thaw backing filesystems first, else newest first.
 * Returns the new count (at most max).
 */
size_t held_thaw_order(struct held **v, size_t n, size_t max);

uint64_t held_next_seq(void);

#endif
