/*
 * sessrec.h - session ids and session records (prefix srec_).
 *
 * An id is a UUID (generated from getrandom) or, when the caller opts in,
 * 1-128 characters of [A-Za-z0-9_-]; so an id is always one safe path
 * component. A record is the JSON kept by the storage adapter: runtime,
 * created_at, last_used_at, execution_count, auto_persist_globals and the
 * policy's limits. Decoding treats the text as untrusted: every field is
 * type- and range-checked, and a bad record is an error, never a guess.
 */
#ifndef LSB_SESSREC_H
#define LSB_SESSREC_H

#include <stdbool.h>
#include <stddef.h>

#include "llmsandbox.h"

#define SREC_VERSION 1

/* Write a new random UUID (36 characters + NUL) into out; 0 or -1. */
int srec_new_uuid(char out[LSB_SESSION_ID_MAX + 1]);

/* True when id has the UUID shape (8-4-4-4-12 hex digits). */
bool srec_is_uuid(const char *id);

/* The record of info as JSON text (malloc'd), or NULL on OOM. */
char *srec_encode(const lsb_session_info *info);

/* Parse a record for session id; 0, or -1 with err. live and the
 * workspace sizes are left zero. */
int srec_decode(const char *id, const char *text, size_t len, lsb_session_info *info, char *err,
                size_t errlen);

/* Seconds since the Unix epoch, with sub-second precision. */
double srec_now(void);

#endif
