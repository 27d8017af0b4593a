/*
 * utf8.h - UTF-8 validation and repair (prefix utf8_, plus the public
 * lsb_utf8_* of llmsandbox.h): the one place that decides what counts as
 * valid UTF-8 and how invalid bytes are replaced.
 *
 * Invariants: valid means RFC 3629 (no overlongs, no surrogates, nothing
 * above U+10FFFF); repair replaces each maximal invalid subpart with one
 * U+FFFD (the Unicode "substitution of maximal subparts" practice) and
 * copies everything else unchanged, so repaired text is always valid.
 */
#ifndef LSB_UTIL_UTF8_H
#define LSB_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Decode one UTF-8 sequence at s (n > 0 bytes available). Returns its
 * length (1-4) and stores the code point, or returns 0 if the bytes there
 * are not valid UTF-8 (overlong, surrogate, above U+10FFFF, truncated) and
 * stores in *skip the length of the maximal invalid subpart (>= 1) that one
 * U+FFFD replaces.
 */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp, size_t *skip);

/* True when s[0..n) is valid UTF-8; otherwise false and *bad_offset (may be
 * NULL) is the offset of the first invalid byte. */
bool utf8_valid(const char *s, size_t n, size_t *bad_offset);

/*
 * The length of the longest prefix of s[0..n) that has at most max bytes
 * and does not end inside a multi-byte character: n when it fits, else
 * max moved back over continuation bytes. A valid s gives a valid prefix.
 */
size_t utf8_floor(const char *s, size_t n, size_t max);

/*
 * A malloc'd, NUL-terminated copy of s[0..n) with every invalid sequence
 * replaced by U+FFFD (NUL bytes are kept). *out_len (may be NULL) receives
 * its length. Returns NULL only when out of memory.
 */
char *utf8_repair(const char *s, size_t n, size_t *out_len);

#endif
