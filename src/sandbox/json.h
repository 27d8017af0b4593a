/*
 * json.h - a small JSON writer (prefix jw_, apart from jansson's json_ names): a growable buffer
 * plus helpers for objects, arrays, strings, numbers, booleans and null.
 *
 * Invariants: the output is always valid JSON text in UTF-8. Strings are
 * escaped here and nowhere else; invalid UTF-8 becomes U+FFFD and control
 * characters become \u00XX. Commas are inserted automatically. Errors (out
 * of memory, nesting too deep, a value where a key is due) are sticky: the
 * buffer stops growing and jw_finish returns NULL.
 */
#ifndef LSB_JSON_H
#define LSB_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JW_MAX_DEPTH 64

typedef struct jw_buf {
    char *data;  /* NUL-terminated while !failed */
    size_t len;  /* bytes written, without the NUL */
    size_t cap;  /* bytes allocated */
    bool failed; /* sticky: out of memory or misuse */
    unsigned depth;
    bool after_key;                   /* a key was written; a value is due */
    bool has_items[JW_MAX_DEPTH + 1]; /* per level: a comma is due before the next item */
    bool in_object[JW_MAX_DEPTH + 1]; /* per level: object (keys required) or array */
} jw_buf;

void jw_init(jw_buf *b);
void jw_free(jw_buf *b);

/* Hand over the text (malloc'd, NUL-terminated) and reset b. Returns NULL
 * and frees everything if any earlier call failed or a container is open.
 * *len (may be NULL) receives the length. */
char *jw_finish(jw_buf *b, size_t *len);

void jw_object_begin(jw_buf *b);
void jw_object_end(jw_buf *b);
void jw_array_begin(jw_buf *b);
void jw_array_end(jw_buf *b);

/* An object key (NUL-terminated, escaped like any string). */
void jw_key(jw_buf *b, const char *key);

/* A string of n bytes (may contain NUL and invalid UTF-8). */
void jw_string(jw_buf *b, const char *s, size_t n);
/* A NUL-terminated string, or null when s is NULL. */
void jw_cstring(jw_buf *b, const char *s);
void jw_uint(jw_buf *b, uint64_t v);
void jw_int(jw_buf *b, int64_t v);
/* A number with at most `decimals` digits after the point (0..9); null if
 * v is not finite. Trailing zeros are dropped. */
void jw_double(jw_buf *b, double v, int decimals);
void jw_bool(jw_buf *b, bool v);
void jw_null(jw_buf *b);
/* Text that is already one valid JSON value (the caller vouches for it). */
void jw_raw_value(jw_buf *b, const char *json, size_t n);

/*
 * Decode one UTF-8 sequence at s (n > 0 bytes available). Returns its
 * length (1-4) and stores the code point, or returns 0 if the bytes there
 * are not valid UTF-8 (overlong, surrogate, above U+10FFFF, truncated) and
 * stores in *skip the length of the maximal invalid subpart (>= 1) that one
 * U+FFFD replaces.
 */
size_t jw_utf8_decode(const char *s, size_t n, uint32_t *cp, size_t *skip);

/* True when s[0..n) is valid UTF-8; otherwise false and *bad_offset (may be
 * NULL) is the offset of the first invalid byte. */
bool jw_utf8_valid(const char *s, size_t n, size_t *bad_offset);

#endif
