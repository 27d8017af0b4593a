/*
 * json.h - a small JSON writer (prefix json_): a growable buffer plus
 * helpers for objects, arrays, strings, numbers, booleans and null.
 *
 * Invariants: the output is always valid JSON text in UTF-8. Strings are
 * escaped here and nowhere else; invalid UTF-8 becomes U+FFFD and control
 * characters become \u00XX. Commas are inserted automatically. Errors (out
 * of memory, nesting too deep, a value where a key is due) are sticky: the
 * buffer stops growing and json_finish returns NULL.
 */
#ifndef LSB_JSON_H
#define LSB_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 64

typedef struct json_buf {
    char *data;  /* NUL-terminated while !failed */
    size_t len;  /* bytes written, without the NUL */
    size_t cap;  /* bytes allocated */
    bool failed; /* sticky: out of memory or misuse */
    unsigned depth;
    bool after_key;                     /* a key was written; a value is due */
    bool has_items[JSON_MAX_DEPTH + 1]; /* per level: a comma is due before the next item */
    bool in_object[JSON_MAX_DEPTH + 1]; /* per level: object (keys required) or array */
} json_buf;

void json_init(json_buf *b);
void json_free(json_buf *b);

/* Hand over the text (malloc'd, NUL-terminated) and reset b. Returns NULL
 * and frees everything if any earlier call failed or a container is open.
 * *len (may be NULL) receives the length. */
char *json_finish(json_buf *b, size_t *len);

void json_object_begin(json_buf *b);
void json_object_end(json_buf *b);
void json_array_begin(json_buf *b);
void json_array_end(json_buf *b);

/* An object key (NUL-terminated, escaped like any string). */
void json_key(json_buf *b, const char *key);

/* A string of n bytes (may contain NUL and invalid UTF-8). */
void json_string(json_buf *b, const char *s, size_t n);
/* A NUL-terminated string, or null when s is NULL. */
void json_cstring(json_buf *b, const char *s);
void json_uint(json_buf *b, uint64_t v);
void json_int(json_buf *b, int64_t v);
/* A number with at most `decimals` digits after the point (0..9); null if
 * v is not finite. Trailing zeros are dropped. */
void json_double(json_buf *b, double v, int decimals);
void json_bool(json_buf *b, bool v);
void json_null(json_buf *b);
/* Text that is already one valid JSON value (the caller vouches for it). */
void json_raw_value(json_buf *b, const char *json, size_t n);

/*
 * Decode one UTF-8 sequence at s (n > 0 bytes available). Returns its
 * length (1-4) and stores the code point, or returns 0 if the bytes there
 * are not valid UTF-8 (overlong, surrogate, above U+10FFFF, truncated) and
 * stores in *skip the length of the maximal invalid subpart (>= 1) that one
 * U+FFFD replaces.
 */
size_t json_utf8_decode(const char *s, size_t n, uint32_t *cp, size_t *skip);

/* True when s[0..n) is valid UTF-8; otherwise false and *bad_offset (may be
 * NULL) is the offset of the first invalid byte. */
bool json_utf8_valid(const char *s, size_t n, size_t *bad_offset);

#endif
