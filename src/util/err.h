/*
 * err.h - the one printf-into-an-error-buffer helper (prefix util_), for
 * the library and the front-ends alike. Failures are values: a status plus a message in a caller's
 * buffer; this writes the message.
 */
#ifndef LSB_UTIL_ERR_H
#define LSB_UTIL_ERR_H

#include <stdarg.h>
#include <stddef.h>

/* printf into err[0..errlen) when err is not NULL and errlen > 0 (the
 * message is truncated to fit). Always returns -1, the usual failure value,
 * so that callers can write `return util_errf(err, errlen, ...)`. */
int util_errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* util_errf with a va_list; also always returns -1. */
int util_verrf(char *err, size_t errlen, const char *fmt, va_list ap);

#endif
