/*
 * err.c - writes failure messages into caller buffers (see err.h). It
 * never allocates, so it works on out-of-memory paths too.
 */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>

/* See err.h. */
int util_verrf(char *err, size_t errlen, const char *fmt, va_list ap) {
    if (err != NULL && errlen > 0) vsnprintf(err, errlen, fmt, ap);
    return -1;
}

/* See err.h. */
int util_errf(char *err, size_t errlen, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    util_verrf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}
