#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "held.h"

static struct held table[HELD_MAX];
static uint64_t last_seq;

struct held *held_alloc(void)
{
	size_t i;

	for (i = 0; i < HELD_MAX; i++) {
		if (table[i].state == HELD_FREE) {
			table[i].state = HELD_FREEZING;
			table[i].fd = -1;
			table[i].frozen_at = 0;
			table[i].deadline = INT64_MAX;
			table[i].seq = 0;
			table[i].token = 0;
			table[i].unsafe = false;
			table[i].acked = false;
			table[i].has_backing = false;
			return &table[i];
		}
	}
	return NULL;
}

void held_release(struct held *h)
{
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
	h->state = HELD_FREE;
}

size_t held_free_slots(void)
{
	size_t i, n = 0;

	for (i = 0; i < HELD_MAX; i++)
		n += table[i].state == HELD_FREE;
	return n;
}

struct held *held_by_sb(struct sb_id sb)
{
	size_t i;

	for (i = 0; i < HELD_MAX; i++) {
		if (table[i].state != HELD_FREE && sb_eq(table[i].mount.sb, sb))
			return &table[i];
	}
	return NULL;
}

struct held *held_by_mount_id(int mount_id)
{
	size_t i;

	for (i = 0; i < HELD_MAX; i++) {
		if (table[i].state == HELD_FROZEN &&
		    table[i].mount.mount_id == mount_id)
			return &table[i];
	}
	return NULL;
}

/* Insertion sort by seq, descending: at most HELD_MAX entries. */
static void sort_by_seq_desc(struct held **v, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		struct held *h = v[i];

		for (j = i; j > 0 && v[j - 1]->seq < h->seq; j--)
			v[j] = v[j - 1];
		v[j] = h;
	}
}

size_t held_list(enum held_state st, struct held **out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < HELD_MAX && n < max; i++) {
		if (table[i].state == st)
			out[n++] = &table[i];
	}
	sort_by_seq_desc(out, n);
	return n;
}

size_t held_expired(int64_t now, struct held **out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < HELD_MAX && n < max; i++) {
		if (table[i].state == HELD_FROZEN && table[i].deadline <= now)
			out[n++] = &table[i];
	}
	sort_by_seq_desc(out, n);
	return n;
}

int64_t held_next_deadline(void)
{
	int64_t next = INT64_MAX;
	size_t i;

	for (i = 0; i < HELD_MAX; i++) {
		if (table[i].state == HELD_FROZEN && table[i].deadline < next)
			next = table[i].deadline;
	}
	return next;
}

uint64_t held_next_seq(void)
{
	return ++last_seq;
}

static bool listed(struct held **v, size_t n, const struct held *h)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i] == h)
			return true;
	}
	return false;
}

static struct held *frozen_by_sb(struct sb_id sb)
{
	struct held *h = held_by_sb(sb);

	return h && h->state == HELD_FROZEN ? h : NULL;
}

/* Move a backing filesystem in front of the first entry on top of it;
 * false when the order already holds. */
static bool fix_one(struct held **v, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = i + 1; j < n; j++) {
			struct held *b = v[j];

			if (!v[i]->has_backing || !sb_eq(v[i]->backing, b->mount.sb))
				continue;
			memmove(&v[i + 1], &v[i], (j - i) * sizeof(*v));
			v[i] = b;
			return true;
		}
	}
	return false;
}

size_t held_thaw_order(struct held **v, size_t n, size_t max)
{
	size_t i, pass;

	for (i = 0; i < n; i++) {		/* n grows: transitive */
		struct held *b;

		if (!v[i]->has_backing)
			continue;
		b = frozen_by_sb(v[i]->backing);
		if (b && n < max && !listed(v, n, b))
			v[n++] = b;
	}
	sort_by_seq_desc(v, n);
	/* A cycle (never expected) stops after n passes. */
	for (pass = 0; pass < n && fix_one(v, n); pass++)
		;
	return n;
}
