/*
 * Decoders for the spans json_scan_object() recorded (see json-scan.h).
 * They trust the scan: a span they are given is well-formed, so they do
 * not check its syntax again. Nothing here allocates.
 */
#ifndef FF_JSON_DECODE_H
#define FF_JSON_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum json_dec {
	JSON_DEC_OK,
	JSON_DEC_LONG,		/* does not fit the output buffer */
	JSON_DEC_SURROGATE,	/* a \u escape of an unpaired surrogate */
	JSON_DEC_NUL,		/* \u0000, which no C string can carry */
};

/*
 * Decodes the scanned string body s[0..n) into out (NUL-terminated, at
 * most cap-1 bytes) and sets *outlen on JSON_DEC_OK. Valid UTF-8 in gives
 * valid UTF-8 out. cap must be at least 1.
 */
enum json_dec json_decode_string(const char *s, size_t n, char *out,
				 size_t cap, size_t *outlen);

/* s[0..n) is a scanned JSON_INT; false when it does not fit int64. */
bool json_parse_int(const char *s, size_t n, int64_t *v);

#endif
