/*
 * json.h - JSON values built the same way everywhere (prefix util_json_),
 * on jansson, the project's one JSON stack: the result object, session
 * info and the CLI's documents all print numbers and text alike.
 *
 * Invariants: text is repaired (invalid UTF-8 becomes U+FFFD, which
 * jansson would refuse); a fixed-point number read back from "%.Nf" prints
 * as exactly that text under UTIL_JSON_FLAGS; a NULL return always means
 * out of memory.
 */
#ifndef LSB_UTIL_JSON_H
#define LSB_UTIL_JSON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Dump flags of every document: compact, reals with 15 significant digits
 * (enough to print back any value util_json_fixed made below 10^12 with
 * three decimals). */
#define UTIL_JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(15))

/* n bytes as a JSON string, invalid UTF-8 repaired; null when s is NULL.
 * Returns NULL only when out of memory. */
json_t *util_json_text(const char *s, size_t n);

/* A NUL-terminated string as util_json_text. */
json_t *util_json_str(const char *s);

/* v as a JSON integer (a real above INT64_MAX). NULL when out of memory. */
json_t *util_json_uint(uint64_t v);

/* v rounded to `decimals` digits after the point and printed without
 * trailing zeros ("12", not "12.0"); null when not finite; magnitudes of
 * 10^15 and more as they are. NULL when out of memory. */
json_t *util_json_fixed(double v, int decimals);

/* v as text (malloc'd), as json_dumps with flags, or NULL when out of
 * memory. Unlike json_dumps it never returns a damaged document: jansson
 * 2.14 ignores a failed append of an object key, and json_dumps then
 * returns the text without it. */
char *util_json_dumps(const json_t *v, size_t flags);

#endif
