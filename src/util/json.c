/*
 * json.c - JSON values built the same way everywhere (see json.h). It
 * keeps jansson's guarantees: every string handed over is valid UTF-8.
 */
#include "util/json.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

#define UTIL_JSON_FIXED_LIMIT 1e15 /* larger magnitudes are printed as they are */
#define UTIL_JSON_NUMBER_MAX  48   /* "%.9f" of anything below the limit */

/* See json.h. */
json_t *util_json_text(const char *s, size_t n) {
    if (!s) return json_null();
    if (utf8_valid(s, n, NULL)) return json_stringn_nocheck(s, n);
    size_t len;
    char *fixed = utf8_repair(s, n, &len);
    if (!fixed) return NULL;
    json_t *v = json_stringn_nocheck(fixed, len);
    free(fixed);
    return v;
}

/* See json.h. */
json_t *util_json_str(const char *s) { return util_json_text(s, s ? strlen(s) : 0); }

/* See json.h. */
json_t *util_json_uint(uint64_t v) {
    if (v <= (uint64_t)INT64_MAX) return json_integer((json_int_t)v);
    return json_real((double)v);
}

/* See json.h. The decimal text printf rounds to is read back, so that the
 * dump flags' precision prints exactly that text. */
json_t *util_json_fixed(double v, int decimals) {
    char num[UTIL_JSON_NUMBER_MAX];
    if (!isfinite(v)) return json_null();
    if (fabs(v) >= UTIL_JSON_FIXED_LIMIT) return json_real(v);
    snprintf(num, sizeof num, "%.*f", decimals, v);
    double r = strtod(num, NULL); /* same locale as snprintf: the point round-trips */
    if (r == trunc(r)) return json_integer((json_int_t)r); /* also turns -0 into 0 */
    return json_real(r);
}

/* A growing dump; failed sticks once an append could not be made. */
typedef struct dump_buf {
    char *data;
    size_t len, cap;
    bool failed;
} dump_buf;

/* jansson's dump callback: append size bytes (and a NUL) to the buffer. */
static int dump_append(const char *buf, size_t size, void *ctx) {
    dump_buf *d = ctx;
    if (!d->failed && d->len + size + 1 > d->cap) {
        size_t cap = d->cap ? d->cap : 256;
        while (cap < d->len + size + 1 && cap <= SIZE_MAX / 2)
            cap *= 2;
        char *grown = cap >= d->len + size + 1 ? realloc(d->data, cap) : NULL;
        if (grown == NULL)
            d->failed = true;
        else {
            d->data = grown;
            d->cap = cap;
        }
    }
    if (d->failed) return -1;
    memcpy(d->data + d->len, buf, size);
    d->len += size;
    d->data[d->len] = '\0';
    return 0;
}

/* See json.h. */
char *util_json_dumps(const json_t *v, size_t flags) {
    dump_buf d = {0};
    if (json_dump_callback(v, dump_append, &d, flags) != 0 || d.failed || d.data == NULL) {
        free(d.data);
        return NULL;
    }
    return d.data;
}
