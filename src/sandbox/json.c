/*
 * json.c - the JSON writer: growable buffer, separators, string escaping
 * with UTF-8 validation, numbers.
 *
 * Invariants: whatever bytes callers pass, the buffer holds valid JSON in
 * valid UTF-8 (invalid sequences become U+FFFD, controls become \u00XX,
 * U+2028/U+2029 are escaped for JavaScript consumers). After the first
 * failure nothing more is written and jw_finish returns NULL.
 */
#include "sandbox/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_INITIAL_CAP  256
#define JSON_NUMBER_MAX   48 /* enough for any uint64, int64 or %.9f of a finite double we print */
#define JSON_MAX_DECIMALS 9
#define JSON_DOUBLE_LIMIT 1e18 /* larger magnitudes print in %g form */

static const char json_hex[] = "0123456789abcdef";

void jw_init(jw_buf *b) { memset(b, 0, sizeof *b); }

void jw_free(jw_buf *b) {
    free(b->data);
    jw_init(b);
}

/* Mark b failed and drop its storage; every later call is a no-op. */
static void json_fail(jw_buf *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = true;
}

/* Make room for `extra` more bytes plus the NUL. Returns false (and fails
 * b) on overflow or out of memory. */
static bool json_reserve(jw_buf *b, size_t extra) {
    if (b->failed) return false;
    if (extra > SIZE_MAX - b->len - 1) {
        json_fail(b);
        return false;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return true;
    size_t cap = b->cap ? b->cap : JSON_INITIAL_CAP;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        json_fail(b);
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

static void json_put(jw_buf *b, const char *s, size_t n) {
    if (!json_reserve(b, n)) return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void json_putc(jw_buf *b, char c) { json_put(b, &c, 1); }

/* Emit the comma due before a new item, and check that a value may go
 * here (not where an object expects a key). Returns false on misuse. */
static bool json_before_value(jw_buf *b) {
    if (b->failed) return false;
    if (b->after_key) {
        b->after_key = false;
        return true;
    }
    if (b->depth > 0 && b->in_object[b->depth]) {
        json_fail(b); /* a value inside an object needs a key first */
        return false;
    }
    if (b->depth == 0 && b->len > 0) {
        json_fail(b); /* only one top-level value */
        return false;
    }
    if (b->has_items[b->depth]) json_putc(b, ',');
    b->has_items[b->depth] = true;
    return !b->failed;
}

static void json_open(jw_buf *b, char c, bool object) {
    if (!json_before_value(b)) return;
    if (b->depth >= JW_MAX_DEPTH) {
        json_fail(b);
        return;
    }
    json_putc(b, c);
    b->depth++;
    b->has_items[b->depth] = false;
    b->in_object[b->depth] = object;
}

static void json_close(jw_buf *b, char c, bool object) {
    if (b->failed) return;
    if (b->depth == 0 || b->in_object[b->depth] != object || b->after_key) {
        json_fail(b);
        return;
    }
    b->depth--;
    json_putc(b, c);
}

void jw_object_begin(jw_buf *b) { json_open(b, '{', true); }
void jw_object_end(jw_buf *b) { json_close(b, '}', true); }
void jw_array_begin(jw_buf *b) { json_open(b, '[', false); }
void jw_array_end(jw_buf *b) { json_close(b, ']', false); }

/* True for bytes 0x80..0xBF. */
static bool json_is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

size_t jw_utf8_decode(const char *s, size_t n, uint32_t *cp, size_t *skip) {
    const unsigned char *u = (const unsigned char *)s;
    unsigned char c = u[0];
    size_t need;
    uint32_t v;
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */

    *skip = 1;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        v = c & 0x0F;
        if (c == 0xE0) lo = 0xA0; /* overlong */
        if (c == 0xED) hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        v = c & 0x07;
        if (c == 0xF0) lo = 0x90; /* overlong */
        if (c == 0xF4) hi = 0x8F; /* above U+10FFFF */
    } else {
        return 0; /* stray continuation byte, C0, C1 or F5..FF */
    }
    for (size_t i = 1; i < need; i++) {
        if (i >= n) return 0; /* truncated: the valid prefix is one subpart */
        unsigned char d = u[i];
        bool ok = i == 1 ? (d >= lo && d <= hi) : json_is_cont(d);
        if (!ok) return 0;
        v = (v << 6) | (d & 0x3F);
        *skip = i + 1;
    }
    *cp = v;
    *skip = need;
    return need;
}

bool jw_utf8_valid(const char *s, size_t n, size_t *bad_offset) {
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t skip;
        size_t len = jw_utf8_decode(s + i, n - i, &cp, &skip);
        if (len == 0) {
            if (bad_offset) *bad_offset = i;
            return false;
        }
        i += len;
    }
    return true;
}

/* True for code points that must (C0) or should (DEL, C1, JS line
 * separators) be written as \uXXXX. */
static bool json_needs_escape(uint32_t cp) {
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029;
}

static void json_put_u_escape(jw_buf *b, uint32_t cp) {
    char e[6] = {'\\',
                 'u',
                 json_hex[(cp >> 12) & 0xF],
                 json_hex[(cp >> 8) & 0xF],
                 json_hex[(cp >> 4) & 0xF],
                 json_hex[cp & 0xF]};
    json_put(b, e, sizeof e);
}

/* Write one decoded code point, escaped as JSON requires. */
static void json_put_codepoint(jw_buf *b, uint32_t cp, const char *raw, size_t rawlen) {
    switch (cp) {
    case '"': json_put(b, "\\\"", 2); return;
    case '\\': json_put(b, "\\\\", 2); return;
    case '\b': json_put(b, "\\b", 2); return;
    case '\f': json_put(b, "\\f", 2); return;
    case '\n': json_put(b, "\\n", 2); return;
    case '\r': json_put(b, "\\r", 2); return;
    case '\t': json_put(b, "\\t", 2); return;
    default: break;
    }
    if (json_needs_escape(cp))
        json_put_u_escape(b, cp);
    else
        json_put(b, raw, rawlen);
}

/* The body of a string, without quotes: runs of plain ASCII are copied in
 * one go, everything else goes through the decoder. */
static void json_put_escaped(jw_buf *b, const char *s, size_t n) {
    static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */
    size_t i = 0;
    while (i < n && !b->failed) {
        size_t run = i;
        while (run < n) {
            unsigned char c = (unsigned char)s[run];
            if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') break;
            run++;
        }
        if (run > i) {
            json_put(b, s + i, run - i);
            i = run;
            continue;
        }
        uint32_t cp;
        size_t skip;
        size_t len = jw_utf8_decode(s + i, n - i, &cp, &skip);
        if (len == 0) {
            json_put(b, replacement, sizeof replacement - 1);
            i += skip;
        } else {
            json_put_codepoint(b, cp, s + i, len);
            i += len;
        }
    }
}

void jw_string(jw_buf *b, const char *s, size_t n) {
    if (!json_before_value(b)) return;
    json_putc(b, '"');
    if (s) json_put_escaped(b, s, n);
    json_putc(b, '"');
}

void jw_cstring(jw_buf *b, const char *s) {
    if (s)
        jw_string(b, s, strlen(s));
    else
        jw_null(b);
}

void jw_key(jw_buf *b, const char *key) {
    if (b->failed) return;
    if (b->depth == 0 || !b->in_object[b->depth] || b->after_key || !key) {
        json_fail(b);
        return;
    }
    if (b->has_items[b->depth]) json_putc(b, ',');
    b->has_items[b->depth] = true;
    json_putc(b, '"');
    json_put_escaped(b, key, strlen(key));
    json_put(b, "\":", 2);
    b->after_key = true;
}

/* Append a value that is already formatted as a JSON token. */
static void json_token(jw_buf *b, const char *s, size_t n) {
    if (json_before_value(b)) json_put(b, s, n);
}

void jw_uint(jw_buf *b, uint64_t v) {
    char num[JSON_NUMBER_MAX];
    int n = snprintf(num, sizeof num, "%llu", (unsigned long long)v);
    json_token(b, num, (size_t)n);
}

void jw_int(jw_buf *b, int64_t v) {
    char num[JSON_NUMBER_MAX];
    int n = snprintf(num, sizeof num, "%lld", (long long)v);
    json_token(b, num, (size_t)n);
}

/* Force a '.' decimal point whatever LC_NUMERIC says, then drop trailing
 * zeros after it, and the point itself. Returns the new length. */
static size_t json_trim_fraction(char *num, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (num[i] == ',') num[i] = '.';
    if (!memchr(num, '.', n)) return n;
    while (n > 0 && num[n - 1] == '0')
        n--;
    if (n > 0 && num[n - 1] == '.') n--;
    return n;
}

void jw_double(jw_buf *b, double v, int decimals) {
    char num[JSON_NUMBER_MAX];
    int n;
    if (!isfinite(v)) {
        jw_null(b);
        return;
    }
    if (decimals < 0) decimals = 0;
    if (decimals > JSON_MAX_DECIMALS) decimals = JSON_MAX_DECIMALS;
    if (fabs(v) < JSON_DOUBLE_LIMIT) {
        n = snprintf(num, sizeof num, "%.*f", decimals, v);
        n = (int)json_trim_fraction(num, (size_t)n);
        if (n == 2 && num[0] == '-' && num[1] == '0')
            n = snprintf(num, sizeof num, "0"); /* no "-0" */
    } else {
        n = snprintf(num, sizeof num, "%.17g", v); /* "1e+20" is valid JSON */
    }
    json_token(b, num, (size_t)n);
}

void jw_bool(jw_buf *b, bool v) { json_token(b, v ? "true" : "false", v ? 4 : 5); }

void jw_null(jw_buf *b) { json_token(b, "null", 4); }

void jw_raw_value(jw_buf *b, const char *json, size_t n) {
    if (!json || n == 0) {
        json_fail(b);
        return;
    }
    json_token(b, json, n);
}

char *jw_finish(jw_buf *b, size_t *len) {
    if (b->failed || b->depth != 0 || b->after_key || b->len == 0) {
        jw_free(b);
        return NULL;
    }
    char *out = b->data;
    if (len) *len = b->len;
    jw_init(b);
    return out;
}
