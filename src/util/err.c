/*
 * err.c - writes failure messages into caller buffers (see err.h). It
 * never allocates, so it works on out-of-memory paths too.
 */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>

/* See err.h. */
int util_errf(char *err, size_t errlen, const char *fmt, ...) {
    if (err != NULL && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}
