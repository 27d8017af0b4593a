/*
 * guidance.h - what to tell a model when its code failed (prefix
 * guidance_): the error object's type, message, guidance and docs.
 *
 * Invariants: advice lives in one table in guidance.c, keyed by error type
 * and language; every lookup returns non-NULL, NULL-terminated lists, so
 * callers never special-case "no advice".
 */
#ifndef LSB_GUIDANCE_H
#define LSB_GUIDANCE_H

#include <stdbool.h>
#include <stddef.h>

#include "llmsandbox.h"

/* The error object of a result, ready to serialise. */
typedef struct guidance_error {
    const char *type;            /* e.g. "ZeroDivisionError", "OutOfFuel" */
    const char *message;         /* one sentence or the guest's message */
    const char *const *guidance; /* NULL-terminated sentences a model can act on */
    const char *const *docs;     /* NULL-terminated links */
} guidance_error;

/*
 * Describe why r failed. Returns false (and leaves *out untouched) when r
 * succeeded and names no error. Otherwise fills *out: the guest's
 * error_type when set; else, for a trap, a synthesised type ("OutOfFuel",
 * "Timeout", "MemoryLimit", "StackOverflow", "Trap", "Killed"); else
 * "NonZeroExit". A synthesised message is written to msgbuf, which must
 * outlive *out; the strings of *out point into r, msgbuf or static tables.
 */
bool guidance_describe(const lsb_result *r, guidance_error *out, char *msgbuf, size_t msglen);

/* The error type synthesised for a trap ("OutOfFuel"...), NULL for NONE. */
const char *guidance_trap_type(lsb_trap trap);

#endif
