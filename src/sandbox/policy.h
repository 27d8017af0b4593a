/*
 * policy.h - execution policies (prefix policy_): defaults, validation,
 * and parsers for the sizes, counts and durations people type.
 *
 * Invariants: a policy that passes policy_validate is safe to hand to the
 * engine (every limit within the bounds of defaults.h); the parsers accept
 * plain decimal text only (no locale, no hex, no exponents, no signs) and
 * never wrap around on overflow.
 */
#ifndef LSB_POLICY_H
#define LSB_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "llmsandbox.h"
#include "sandbox/defaults.h"

/* Bounds defaults.h does not (yet) define. TODO: move into defaults.h. */
#ifndef LSB_MIN_MEMORY
#define LSB_MIN_MEMORY (1ULL * LSB_MIB) /* smaller caps cannot start a guest */
#endif
#ifndef LSB_MAX_FUEL
#define LSB_MAX_FUEL 9223372036854775807ULL /* the guest's fuel counter is an i64 */
#endif
#define LSB_MIN_TIMEOUT_MS 1U

/*
 * Check every field of *p. Returns 0, or -1 with a message in err naming
 * the field, the bad value and the allowed range, e.g.
 * "memory_bytes is 8589934592 (8192 MiB); allowed: 1048576 (1 MiB) to
 * 4294967296 (4096 MiB)". err may be NULL.
 */
int policy_validate(const lsb_policy *p, char *err, size_t errlen);

/*
 * Parse a non-negative decimal integer ("5000000000", "5_000_000_000").
 * Rejects signs, junk, empty text and values above UINT64_MAX; rejects 0
 * unless zero_ok. Returns 0 and *out, or -1 with a reason in err.
 */
int policy_parse_u64(const char *text, bool zero_ok, uint64_t *out, char *err, size_t errlen);

/*
 * Parse a byte size: a decimal number with an optional fraction and an
 * optional unit, case-insensitive: B; k, K, KiB = 1024; KB = 1000; M, MiB =
 * 1024^2; MB = 10^6; G, GiB; GB; T, TiB; TB. "64MiB", "128000000", "1GB",
 * "512k", "1.5GiB". The result must be a whole number of bytes. Rejects 0
 * unless zero_ok. Returns 0 and *out, or -1 with a reason in err.
 */
int policy_parse_size(const char *text, bool zero_ok, uint64_t *out, char *err, size_t errlen);

/*
 * Parse a duration in seconds with up to millisecond precision and an
 * optional "s" suffix: "1", "2.5", "300", "0.25s". Rejects 0 (and anything
 * below 1 ms), negatives, NaN, junk and values above LSB_MAX_TIMEOUT_MS.
 * Returns 0 and *out_ms, or -1 with a reason in err.
 */
int policy_parse_seconds(const char *text, uint32_t *out_ms, char *err, size_t errlen);

#endif
