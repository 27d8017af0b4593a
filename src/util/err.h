/*
 * err.h - the library's one printf-into-an-error-buffer helper (prefix
 * util_). Failures are values: a status plus a message in a caller's
 * buffer; this writes the message.
 */
#ifndef LSB_UTIL_ERR_H
#define LSB_UTIL_ERR_H

#include <stddef.h>

/* printf into err[0..errlen) when err is not NULL and errlen > 0 (the
 * message is truncated to fit). Always returns -1, the usual failure value,
 * so that callers can write `return util_errf(err, errlen, ...)`. */
int util_errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
