/*
 * The fields a request may carry and what each one's value must be; used
 * by request.c only. request.c decides which fields an op takes; this
 * decodes a field's value into struct request once it is allowed.
 */
#ifndef FF_REQUEST_FIELDS_H
#define FF_REQUEST_FIELDS_H

#include "errors.h"
#include "json-scan.h"
#include "request.h"

enum field { F_ID, F_OP, F_PATH, F_PATHS, F_TIMEOUT, F_MOUNT_ID,
	     F_MOUNT_IDS, F_ALLOW_UNSAFE, F_FORCE, F_UNKNOWN };

#define BIT(f)	(1u << (f))

/* Wire names, by enum field. */
extern const char *const field_names[F_UNKNOWN];

/* The member's key as a field, F_UNKNOWN when it names none. */
enum field field_of(const struct json_member *m);

/*
 * Decodes m's value into req; F_ID, F_OP and F_UNKNOWN are the caller's
 * and are left alone. Returns 0, or -1 with *err filled in.
 */
int get_field(const struct json_member *m, enum field f,
	      struct request *req, struct req_error *err);

/* Fills in err (code, formatted message) and returns -1. */
__attribute__((format(printf, 3, 4)))
int req_bad(struct req_error *err, enum ff_err code, const char *fmt, ...);

#endif
