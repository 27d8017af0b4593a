/*
 * utf8.c - UTF-8 decoding, validation and repair for the bytes guests and
 * users hand us (guest output, file names, code, arguments).
 *
 * Invariants: the decoder is the only UTF-8 state machine of the library;
 * utf8_valid and utf8_repair agree with it byte for byte, so text that
 * utf8_valid accepts comes out of utf8_repair unchanged.
 */
#include "util/utf8.h"

#include <stdlib.h>
#include <string.h>

#include "llmsandbox.h"

#define UTF8_REPLACEMENT     "\xEF\xBF\xBD" /* U+FFFD */
#define UTF8_REPLACEMENT_LEN 3

/* True for bytes 0x80..0xBF. */
static bool utf8_is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

/* See utf8.h. */
size_t utf8_floor(const char *s, size_t n, size_t max) {
    if (n <= max) return n;
    size_t k = max;
    while (k > 0 && utf8_is_cont((unsigned char)s[k]))
        k--;
    return k;
}

/* See utf8.h; 0 (with *skip) for an invalid sequence. */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp, size_t *skip) {
    const unsigned char *u = (const unsigned char *)s;
    unsigned char c = u[0];
    size_t need;
    uint32_t v;
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */

    *skip = 1;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        v = c & 0x0F;
        if (c == 0xE0) lo = 0xA0; /* overlong */
        if (c == 0xED) hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        v = c & 0x07;
        if (c == 0xF0) lo = 0x90; /* overlong */
        if (c == 0xF4) hi = 0x8F; /* above U+10FFFF */
    } else {
        return 0; /* stray continuation byte, C0, C1 or F5..FF */
    }
    for (size_t i = 1; i < need; i++) {
        if (i >= n) return 0; /* truncated: the valid prefix is one subpart */
        unsigned char d = u[i];
        bool ok = i == 1 ? (d >= lo && d <= hi) : utf8_is_cont(d);
        if (!ok) return 0;
        v = (v << 6) | (d & 0x3F);
        *skip = i + 1;
    }
    *cp = v;
    *skip = need;
    return need;
}

/* See utf8.h; false (with *bad_offset) for invalid text. */
bool utf8_valid(const char *s, size_t n, size_t *bad_offset) {
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t skip;
        size_t len = (unsigned char)s[i] < 0x80 ? 1 : utf8_decode(s + i, n - i, &cp, &skip);
        if (len == 0) {
            if (bad_offset) *bad_offset = i;
            return false;
        }
        i += len;
    }
    return true;
}

/* Copy s[0..n) to out (when not NULL) with each maximal invalid subpart
 * replaced by U+FFFD. Returns the length of the repaired text. */
static size_t utf8_repair_into(const char *s, size_t n, char *out) {
    size_t i = 0, w = 0;
    while (i < n) {
        uint32_t cp;
        size_t skip;
        size_t len = (unsigned char)s[i] < 0x80 ? 1 : utf8_decode(s + i, n - i, &cp, &skip);
        const char *from = len ? s + i : UTF8_REPLACEMENT;
        size_t count = len ? len : UTF8_REPLACEMENT_LEN;
        if (out) memcpy(out + w, from, count);
        w += count;
        i += len ? len : skip;
    }
    return w;
}

/* See utf8.h; NULL when out of memory. */
char *utf8_repair(const char *s, size_t n, size_t *out_len) {
    size_t len = utf8_repair_into(s, n, NULL);
    char *out = len < SIZE_MAX ? malloc(len + 1) : NULL;
    if (!out) return NULL;
    utf8_repair_into(s, n, out);
    out[len] = '\0';
    if (out_len) *out_len = len;
    return out;
}

/* Public: see llmsandbox.h. */
bool lsb_utf8_valid(const char *s, size_t n, size_t *bad_offset) {
    return utf8_valid(s, n, bad_offset);
}

/* Public: see llmsandbox.h. */
char *lsb_utf8_repair(const char *s, size_t n, size_t *out_len) {
    return utf8_repair(s, n, out_len);
}
