/*
 * policy.h - execution policies (prefix policy_, plus the public
 * lsb_policy_*, lsb_parse_* and lsb_limits_get): defaults, validation, and
 * parsers for the sizes, counts and durations people type.
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

#endif
