/*
 * A JSON writer into a caller-owned fixed buffer: no allocation, so it can
 * run on the freeze path. Once the buffer would overflow, the writer marks
 * itself failed and ignores further calls; jw_finish() then returns -1 and
 * the message is dropped whole, never truncated into invalid JSON.
 */
#ifndef FF_JSONW_H
#define FF_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct jw {
	char *buf;
	size_t cap;
	size_t len;
	bool failed;
	bool need_comma;
};

void jw_init(struct jw *w, char *buf, size_t cap);
void jw_object_begin(struct jw *w);		/* { */
void jw_object_end(struct jw *w);		/* } */
void jw_array_begin(struct jw *w);		/* [ */
void jw_array_end(struct jw *w);		/* ] */
void jw_key(struct jw *w, const char *key);	/* "key": (key is ASCII) */
/* A string from raw bytes: escapes quotes, backslashes and control
 * characters; invalid UTF-8 bytes become U+FFFD (paths from mountinfo need
 * not be UTF-8, JSON strings must be). */
void jw_string(struct jw *w, const char *s, size_t len);
void jw_cstring(struct jw *w, const char *s);
void jw_int(struct jw *w, int64_t v);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
/* Appends '\n'. Returns the line length, or -1 if it did not fit. */
long jw_finish(struct jw *w);

#endif
