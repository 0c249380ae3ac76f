/*
 * Protocol lines the helper writes: the hello, replies, errors and events,
 * built with jsonw in one static buffer and queued on stdout whole. Loop
 * thread only.
 */
#ifndef FF_REPLY_H
#define FF_REPLY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "errors.h"
#include "held.h"
#include "jsonw.h"
#include "mountinfo.h"

#define MSG_MAX		(1024 * 1024)

void send_hello(pid_t guardian_pid);

/* {"type":"reply","id":N,"ok":true ... add fields, then reply_end(). */
struct jw *reply_begin(int64_t id);
void reply_end(struct jw *w, int64_t id);

/* A failed reply; id_known false gives "id":null. path (may be NULL) is
 * the error's "path"; err_no 0 leaves "errno" out. */
void reply_error(int64_t id, bool id_known, enum ff_err code, int err_no,
		 const char *path, const char *message);

/* "key":{path, mountId, majorMinor, fsType, source, options, readOnly} */
void json_mount(struct jw *w, const char *key, const struct ff_mount *m);
/* A held entry: the mount's fields plus frozenAt, deadline, remainingMs. */
void json_held(struct jw *w, const struct held *h, int64_t now);

void event_frozen(const struct held *h, int64_t now);
void event_extended(const struct held *h, int64_t now);
/* already: FITHAW found it thawed; err_no: another FITHAW failure;
 * held_ms < 0: null (not held here). */
void event_thawed(const struct ff_mount *m, const char *reason,
		  int64_t held_ms, bool already, int err_no);
void event_lease_warning(int64_t lease_deadline, int64_t now);
void event_guardian_restarted(pid_t pid);

#endif
