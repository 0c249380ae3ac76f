/*
 * UTF-8 as RFC 3629 defines it: the request parser rejects a line that is
 * not well-formed, the JSON decoder encodes \u escapes, and the JSON
 * writer replaces bad bytes in what it echoes back.
 */
#ifndef FF_UTF8_H
#define FF_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* true when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
bool utf8_valid(const char *s, size_t len);

/* Length (1..4) of the well-formed UTF-8 sequence at s[0..len), or 0 when
 * s does not start with one (jsonw.c uses it to replace bad bytes). */
size_t utf8_seq_len(const char *s, size_t len);

/* Writes code point cp (at most U+10FFFF, not a surrogate) to out[0..4);
 * returns how many bytes it took. */
size_t utf8_encode(uint32_t cp, char *out);

#endif
