/* Shared between the ops_*.c files: the running operation's state. */
#ifndef FF_OPS_INT_H
#define FF_OPS_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "held.h"
#include "request.h"
#include "target.h"
#include "worker.h"

enum phase {
	PH_IDLE,
	PH_WORKER,		/* a worker job runs; on_worker continues */
	PH_ACK,			/* waiting for the guardian's ACKs */
};

struct op_state {
	enum phase phase;
	struct request req;
	void (*on_worker)(void);
	void (*on_acked)(void);
	/* freeze / freezeGroup / probe: entries in freeze order */
	int nmembers;
	struct held *members[REQ_MAX_PATHS];
	struct held probe;		/* the probe's entry, not in the table */
	int64_t ack_deadline;
	/* While a group's FIFREEZEs run: members already frozen have their
	 * own provisional deadline; expired ones are thawed by the loop. */
	bool provisional[REQ_MAX_PATHS];
	bool thawed_early[REQ_MAX_PATHS];
	bool blocked[REQ_MAX_PATHS];	/* waits on a member still freezing */
	const char *early_reason;	/* why the first of them was thawed */
	const char *thaw_after;		/* lease expired while freezing */
};

extern struct op_state op;

/* The op is finished (its reply sent). */
void op_finish(void);

/* Run the resolve job for the request's path(s) (paths for freezeGroup,
 * else path or mountId), then call next. group: also fold by superblock
 * and compute the freeze order (job member[]). */
void op_resolve(bool group, void (*next)(void));
/* Submit the current job slot, then call next. */
void op_submit(void (*next)(void));

/* Reply with t's error (path: the error's "path" field, or NULL). */
void reply_target(const struct target *t, const char *path);
void reply_code(enum ff_err code, int err_no, const char *path,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Whether timeoutMs is acceptable; replies TIMEOUT_OUT_OF_RANGE if not. */
bool timeout_ok(const struct request *r, bool unsafe);

/* FITHAW a held entry, then its event, audit line and guardian DROP. The
 * caller releases it. Returns 0 or the FITHAW errno. */
int thaw_entry(struct held *h, const char *reason, int64_t now);

/* Thaw the frozen entries, newest first; when reply is true, reply with
 * their paths as "thawed". */
void thaw_all_reply(const char *reason, bool reply);

void freeze_start(void);
/* A group member froze: confirm it to the guardian with its own deadline. */
void freeze_progress(void);
/* Thaw members whose provisional deadline passed while the group runs. */
void freeze_provisional(int64_t now);
/* Thaw the members already frozen now (thaw everything: lease, exit). */
void freeze_thaw_members(const char *reason);
/* The next provisional deadline, or INT64_MAX. */
int64_t freeze_next_provisional(void);
void probe_start(void);
void thaw_start(void);
void extend_start(void);
void writers_start(void);

/* Guardian ACK bookkeeping for op.members / op.probe. */
void ack_begin(void (*next)(void));

#endif
