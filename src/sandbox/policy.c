/*
 * policy.c - the execution policy: its defaults (lsb_policy_init), its
 * bounds (lsb_limits_get), its validation, and the parsers for sizes,
 * counts and seconds (lsb_parse_*), public so front-ends parse alike.
 *
 * Invariants: every limit comes from defaults.h (or policy.h for the bounds
 * defaults.h lacks); parsing is done digit by digit with explicit overflow
 * checks, so no input wraps around, and no locale or strtod quirk (hex,
 * "inf", "nan", exponents, leading spaces, signs) is ever accepted.
 */
#include "sandbox/policy.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../../guest/lsb_abi.h"
#include "util/err.h"
#include "util/utf8.h"

#define POLICY_QUOTE_MAX           40 /* characters of bad input echoed in messages */
#define POLICY_MAX_FRACTION_DIGITS 9
#define POLICY_MS_PER_S            1000U
#define POLICY_MS_DIGITS           3U /* decimal digits of a millisecond in seconds */

/* A decimal number as typed: whole part, fraction, and what follows. */
typedef struct policy_number {
    uint64_t whole;       /* digits before the point */
    uint64_t frac;        /* digits after the point, as an integer */
    unsigned frac_digits; /* how many digits after the point */
    const char *rest;     /* the first byte after the number (a unit, or "") */
} policy_number;

/* One unit of lsb_parse_size; matched case-insensitively. */
typedef struct policy_unit {
    const char *name;
    uint64_t bytes;
} policy_unit;

static const policy_unit policy_units[] = {
    {"", 1},
    {"b", 1},
    {"k", 1ULL << 10},
    {"ki", 1ULL << 10},
    {"kib", 1ULL << 10},
    {"kb", 1000ULL},
    {"m", 1ULL << 20},
    {"mi", 1ULL << 20},
    {"mib", 1ULL << 20},
    {"mb", 1000000ULL},
    {"g", 1ULL << 30},
    {"gi", 1ULL << 30},
    {"gib", 1ULL << 30},
    {"gb", 1000000000ULL},
    {"t", 1ULL << 40},
    {"ti", 1ULL << 40},
    {"tib", 1ULL << 40},
    {"tb", 1000000000000ULL},
};

/* Public: see llmsandbox.h; never fails. */
void lsb_policy_init(lsb_policy *policy) {
    memset(policy, 0, sizeof *policy);
    policy->fuel = LSB_DEFAULT_FUEL;
    policy->memory_bytes = LSB_DEFAULT_MEMORY;
    policy->timeout_ms = LSB_DEFAULT_TIMEOUT_MS;
    policy->stdout_max = LSB_DEFAULT_STDOUT_MAX;
    policy->stderr_max = LSB_DEFAULT_STDERR_MAX;
    policy->quota_bytes = LSB_DEFAULT_QUOTA_BYTES;
    policy->quota_files = LSB_DEFAULT_QUOTA_FILES;
    policy->inject_setup = true;
}

/* Length of text to echo in a message, and the ellipsis that follows. */
static int policy_quote_len(const char *text) { return (int)strnlen(text, POLICY_QUOTE_MAX); }
static const char *policy_quote_more(const char *text) {
    return strlen(text) > POLICY_QUOTE_MAX ? "..." : "";
}

static bool policy_is_digit(char c) { return c >= '0' && c <= '9'; }

/* whole = whole * 10 + digit; false on overflow. */
static bool policy_push_digit(uint64_t *whole, char c) {
    uint64_t d = (uint64_t)(c - '0');
    if (*whole > (UINT64_MAX - d) / 10) return false;
    *whole = *whole * 10 + d;
    return true;
}

/*
 * Parse "DIGITS[_DIGITS...][.DIGITS]" at the start of text. Underscores may
 * only separate digits of the whole part. Returns 0, or -1 with a reason.
 */
static int policy_scan_number(const char *text, policy_number *n, char *err, size_t errlen) {
    const char *p = text;
    memset(n, 0, sizeof *n);
    if (!text || !*text) return util_errf(err, errlen, "the value is empty");
    if (*p == '-')
        return util_errf(err, errlen, "'%.*s%s' is negative; only values above zero are allowed",
                         policy_quote_len(text), text, policy_quote_more(text));
    if (!policy_is_digit(*p))
        return util_errf(err, errlen, "'%.*s%s' is not a number", policy_quote_len(text), text,
                         policy_quote_more(text));
    for (; policy_is_digit(*p) || (*p == '_' && policy_is_digit(p[1]) && p > text); p++) {
        if (*p != '_' && !policy_push_digit(&n->whole, *p))
            return util_errf(err, errlen, "'%.*s%s' is too large", policy_quote_len(text), text,
                             policy_quote_more(text));
    }
    if (*p == '.' && policy_is_digit(p[1])) {
        for (p++; policy_is_digit(*p); p++) {
            if (n->frac_digits == POLICY_MAX_FRACTION_DIGITS)
                return util_errf(err, errlen, "'%.*s%s' has more than %u decimal places",
                                 policy_quote_len(text), text, policy_quote_more(text),
                                 POLICY_MAX_FRACTION_DIGITS);
            policy_push_digit(&n->frac, *p); /* cannot overflow: at most 9 digits */
            n->frac_digits++;
        }
    }
    n->rest = p;
    return 0;
}

/* 10 to the power e (e <= 19, so it cannot overflow). */
static uint64_t policy_pow10(unsigned e) {
    uint64_t v = 1;
    while (e--)
        v *= 10;
    return v;
}

/* Public: see llmsandbox.h; -1 with a reason in err. */
int lsb_parse_u64(const char *text, bool zero_ok, uint64_t *out, char *err, size_t errlen) {
    policy_number n;
    if (policy_scan_number(text, &n, err, errlen) != 0) return -1;
    if (n.frac_digits > 0 || *n.rest != '\0')
        return util_errf(err, errlen, "'%.*s%s' is not a whole number (digits 0-9 only)",
                         policy_quote_len(text), text, policy_quote_more(text));
    if (n.whole == 0 && !zero_ok)
        return util_errf(err, errlen, "0 is not allowed; the value must be at least 1");
    *out = n.whole;
    return 0;
}

static const policy_unit *policy_find_unit(const char *name) {
    for (size_t i = 0; i < sizeof policy_units / sizeof policy_units[0]; i++)
        if (strcasecmp(policy_units[i].name, name) == 0) return &policy_units[i];
    return NULL;
}

/* Public: see llmsandbox.h; -1 with a reason in err. */
int lsb_parse_size(const char *text, bool zero_ok, uint64_t *out, char *err, size_t errlen) {
    policy_number n;
    if (policy_scan_number(text, &n, err, errlen) != 0) return -1;
    const policy_unit *unit = policy_find_unit(n.rest);
    if (!unit)
        return util_errf(err, errlen,
                         "'%.*s%s' is not a size; use a number with an optional unit "
                         "(B, k/KiB, KB, M/MiB, MB, G/GiB, GB), e.g. 64MiB or 128000000",
                         policy_quote_len(text), text, policy_quote_more(text));
    /* value = whole*bytes + frac*bytes/10^d, computed without overflow:
     * with bytes = q*10^d + r, frac*bytes/10^d = frac*q + frac*r/10^d. */
    uint64_t scale = policy_pow10(n.frac_digits);
    uint64_t q = unit->bytes / scale, r = unit->bytes % scale;
    if (n.whole != 0 && unit->bytes > UINT64_MAX / n.whole)
        return util_errf(err, errlen, "'%.*s%s' is too large", policy_quote_len(text), text,
                         policy_quote_more(text));
    if ((n.frac * r) % scale != 0)
        return util_errf(err, errlen, "'%.*s%s' is not a whole number of bytes",
                         policy_quote_len(text), text, policy_quote_more(text));
    uint64_t whole = n.whole * unit->bytes;
    uint64_t part = n.frac * q + (n.frac * r) / scale;
    if (part > UINT64_MAX - whole)
        return util_errf(err, errlen, "'%.*s%s' is too large", policy_quote_len(text), text,
                         policy_quote_more(text));
    if (whole + part == 0 && !zero_ok) return util_errf(err, errlen, "a size of 0 is not allowed");
    *out = whole + part;
    return 0;
}

/* Public: see llmsandbox.h; -1 with a reason in err. */
int lsb_parse_seconds(const char *text, uint32_t *out_ms, char *err, size_t errlen) {
    policy_number n;
    if (policy_scan_number(text, &n, err, errlen) != 0) return -1;
    if (strcmp(n.rest, "") != 0 && strcmp(n.rest, "s") != 0)
        return util_errf(err, errlen, "'%.*s%s' is not a number of seconds (e.g. 30 or 2.5)",
                         policy_quote_len(text), text, policy_quote_more(text));
    uint64_t max_s = LSB_MAX_TIMEOUT_MS / POLICY_MS_PER_S;
    if (n.whole > max_s)
        return util_errf(err, errlen, "'%.*s%s' is too long; the maximum is %llu seconds",
                         policy_quote_len(text), text, policy_quote_more(text),
                         (unsigned long long)max_s);
    uint64_t ms = n.whole * POLICY_MS_PER_S;
    if (n.frac_digits <= POLICY_MS_DIGITS)
        ms += n.frac * policy_pow10(POLICY_MS_DIGITS - n.frac_digits);
    else
        ms += n.frac / policy_pow10(n.frac_digits - POLICY_MS_DIGITS);
    if (ms > LSB_MAX_TIMEOUT_MS)
        return util_errf(err, errlen, "'%.*s%s' is too long; the maximum is %llu seconds",
                         policy_quote_len(text), text, policy_quote_more(text),
                         (unsigned long long)max_s);
    if (ms < LSB_MIN_TIMEOUT_MS)
        return util_errf(err, errlen,
                         "'%.*s%s' is too short; the timeout must be at least 0.001 seconds",
                         policy_quote_len(text), text, policy_quote_more(text));
    *out_ms = (uint32_t)ms;
    return 0;
}

/* Check lo <= v <= hi for an unsigned field; the message names the field
 * and shows the range in `unit` (e.g. "bytes", "ms"). */
static int policy_check_range(const char *field, uint64_t v, uint64_t lo, uint64_t hi,
                              const char *unit, char *err, size_t errlen) {
    if (v >= lo && v <= hi) return 0;
    if (hi == UINT64_MAX)
        return util_errf(err, errlen, "%s is %llu; allowed: at least %llu %s", field,
                         (unsigned long long)v, (unsigned long long)lo, unit);
    return util_errf(err, errlen, "%s is %llu; allowed: %llu to %llu %s", field,
                     (unsigned long long)v, (unsigned long long)lo, (unsigned long long)hi, unit);
}

/* memory_bytes within LSB_MIN_MEMORY..LSB_MAX_MEMORY; 0, or -1 with err. */
static int policy_check_memory(uint64_t v, char *err, size_t errlen) {
    if (v >= LSB_MIN_MEMORY && v <= LSB_MAX_MEMORY) return 0;
    return util_errf(
        err, errlen,
        "memory_bytes is %llu (%.2f MiB); allowed: %llu (%llu MiB) to %llu "
        "(%llu MiB) bytes",
        (unsigned long long)v, (double)v / (double)LSB_MIB, (unsigned long long)LSB_MIN_MEMORY,
        (unsigned long long)(LSB_MIN_MEMORY / LSB_MIB), (unsigned long long)LSB_MAX_MEMORY,
        (unsigned long long)(LSB_MAX_MEMORY / LSB_MIB));
}

/* A folder path is either absent (NULL) or a non-empty string. */
static int policy_check_dir(const char *field, const char *path, char *err, size_t errlen) {
    if (path && *path == '\0')
        return util_errf(err, errlen, "%s is an empty string; allowed: NULL or a folder path",
                         field);
    return 0;
}

/* Check one "K=V" entry; adds its size (with the NUL) to *total. */
static int policy_check_env_entry(const char *entry, size_t i, size_t *total, char *err,
                                  size_t errlen) {
    if (!entry) return util_errf(err, errlen, "env[%zu] is NULL; allowed: \"KEY=VALUE\"", i);
    const char *eq = strchr(entry, '=');
    if (!eq)
        return util_errf(err, errlen, "env[%zu] '%.*s%s' has no '='; allowed: \"KEY=VALUE\"", i,
                         policy_quote_len(entry), entry, policy_quote_more(entry));
    if (eq == entry)
        return util_errf(err, errlen,
                         "env[%zu] '%.*s%s' has an empty key; allowed: \"KEY=VALUE\" with a "
                         "non-empty KEY",
                         i, policy_quote_len(entry), entry, policy_quote_more(entry));
    size_t len = strlen(entry), bad;
    if (!utf8_valid(entry, len, &bad))
        return util_errf(err, errlen, "env[%zu] is not valid UTF-8 (byte offset %zu)", i, bad);
    *total += len + 1;
    return 0;
}

/* Every env entry, and their total size; 0, or -1 with err. */
static int policy_check_env(const lsb_policy *p, char *err, size_t errlen) {
    if (p->env_count > 0 && !p->env)
        return util_errf(err, errlen, "env is NULL but env_count is %zu", p->env_count);
    size_t total = 0;
    for (size_t i = 0; i < p->env_count; i++) {
        if (policy_check_env_entry(p->env[i], i, &total, err, errlen) != 0) return -1;
        if (total > LSB_MAX_ENV_BYTES)
            return util_errf(err, errlen,
                             "env is larger than %llu bytes (counting one NUL per entry) at "
                             "env[%zu]; allowed: at most %llu bytes in total",
                             (unsigned long long)LSB_MAX_ENV_BYTES, i,
                             (unsigned long long)LSB_MAX_ENV_BYTES);
    }
    return 0;
}

/* See policy.h; -1 with a message in err. */
int policy_validate(const lsb_policy *p, char *err, size_t errlen) {
    if (!p) return util_errf(err, errlen, "policy is NULL");
    if (policy_check_range("fuel", p->fuel, 1, LSB_MAX_FUEL, "instructions", err, errlen) != 0 ||
        policy_check_memory(p->memory_bytes, err, errlen) != 0 ||
        policy_check_range("timeout_ms", p->timeout_ms, LSB_MIN_TIMEOUT_MS, LSB_MAX_TIMEOUT_MS,
                           "ms", err, errlen) != 0 ||
        policy_check_range("stdout_max", p->stdout_max, 1, UINT64_MAX, "bytes", err, errlen) != 0 ||
        policy_check_range("stderr_max", p->stderr_max, 1, UINT64_MAX, "bytes", err, errlen) != 0 ||
        policy_check_range("quota_bytes", p->quota_bytes, 1, UINT64_MAX, "bytes", err, errlen) !=
            0 ||
        policy_check_range("quota_files", p->quota_files, 1, UINT64_MAX, "files", err, errlen) != 0)
        return -1;
    if (policy_check_dir("workspace", p->workspace, err, errlen) != 0 ||
        policy_check_dir("data_dir", p->data_dir, err, errlen) != 0 ||
        policy_check_dir("external_dir", p->external_dir, err, errlen) != 0)
        return -1;
    return policy_check_env(p, err, errlen);
}

/* Public: see llmsandbox.h. */
int lsb_policy_validate(const lsb_policy *policy, char *err, size_t errlen) {
    return policy_validate(policy, err, errlen);
}

/* The base environment of every run, for lsb_limits. */
static const char *const policy_base_env[] = {LSB_BASE_ENV, NULL};

/* Public: see llmsandbox.h. */
void lsb_limits_get(lsb_limits *out) {
    memset(out, 0, sizeof *out);
    out->min_memory = LSB_MIN_MEMORY;
    out->max_memory = LSB_MAX_MEMORY;
    out->max_timeout_ms = LSB_MAX_TIMEOUT_MS;
    out->max_fuel = LSB_MAX_FUEL;
    out->max_code_bytes = LSB_MAX_CODE_BYTES;
    out->max_env_bytes = LSB_MAX_ENV_BYTES;
    out->base_env = policy_base_env;
    out->app_mount = LSB_MOUNT_APP;
}
