/*
 * result.c - lsb_result: freeing it, naming its enums, analysing its fuel
 * use and writing it as the JSON object of DESIGN.md.
 *
 * Invariants: lsb_result_free leaves a zeroed result (safe to call twice);
 * serialisation never fails on odd content (NULL strings become "" or
 * null, invalid UTF-8 becomes U+FFFD) and only fails on out of memory.
 */
#include "sandbox/result.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/guidance.h"
#include "sandbox/policy.h"

#define RESULT_BASIS_POINTS       10000 /* utilisation is computed in 0.01% steps */
#define RESULT_BP_PER_PERCENT     100
#define RESULT_BP_PER_TENTH       10 /* recommendations show one decimal */
#define RESULT_SUGGEST_SIG_DIGITS 2  /* suggested budgets keep two significant digits */
#define RESULT_DURATION_DECIMALS  3
#define RESULT_PERCENT_DECIMALS   2

static const char *const result_lang_names[] = {
    [LSB_LANG_PYTHON] = "python",
    [LSB_LANG_JAVASCRIPT] = "javascript",
};

/* Accepted spellings for lsb_language_parse. */
static const struct {
    const char *name;
    lsb_language lang;
} result_lang_aliases[] = {
    {"python", LSB_LANG_PYTHON},         {"py", LSB_LANG_PYTHON},     {"python3", LSB_LANG_PYTHON},
    {"javascript", LSB_LANG_JAVASCRIPT}, {"js", LSB_LANG_JAVASCRIPT},
};

static const char *const result_trap_names[] = {
    [LSB_TRAP_NONE] = NULL,
    [LSB_TRAP_OUT_OF_FUEL] = "out_of_fuel",
    [LSB_TRAP_TIMEOUT] = "timeout",
    [LSB_TRAP_MEMORY] = "memory",
    [LSB_TRAP_STACK_OVERFLOW] = "stack_overflow",
    [LSB_TRAP_TRAP] = "trap",
    [LSB_TRAP_KILLED] = "killed",
    [LSB_TRAP_CANCELLED] = "cancelled",
};

static const char *const result_fuel_status_names[] = {
    [RESULT_FUEL_EFFICIENT] = "efficient", [RESULT_FUEL_MODERATE] = "moderate",
    [RESULT_FUEL_WARNING] = "warning",     [RESULT_FUEL_CRITICAL] = "critical",
    [RESULT_FUEL_EXHAUSTED] = "exhausted",
};

#define RESULT_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* "unknown" for a value outside the enum. */
const char *lsb_language_name(lsb_language lang) {
    if ((unsigned)lang >= RESULT_COUNT(result_lang_names)) return "unknown";
    return result_lang_names[lang];
}

/* Accepts "python", "py", "python3", "javascript", "js"; -1 otherwise. */
int lsb_language_parse(const char *name, lsb_language *out) {
    if (!name) return -1;
    for (size_t i = 0; i < RESULT_COUNT(result_lang_aliases); i++) {
        if (strcmp(result_lang_aliases[i].name, name) == 0) {
            *out = result_lang_aliases[i].lang;
            return 0;
        }
    }
    return -1;
}

/* NULL for LSB_TRAP_NONE; "trap" for a value outside the enum. */
const char *lsb_trap_name(lsb_trap trap) {
    if (trap == LSB_TRAP_NONE) return NULL;
    if ((unsigned)trap >= RESULT_COUNT(result_trap_names)) return "trap";
    return result_trap_names[trap];
}

/* "critical" for a value outside the enum. */
const char *result_fuel_status_name(result_fuel_status status) {
    if ((unsigned)status >= RESULT_COUNT(result_fuel_status_names)) return "critical";
    return result_fuel_status_names[status];
}

static void result_free_list(char **list, size_t count) {
    if (!list) return;
    for (size_t i = 0; i < count; i++)
        free(list[i]);
    free(list);
}

void lsb_result_free(lsb_result *result) {
    if (!result) return;
    free(result->stdout_data);
    free(result->stderr_data);
    free(result->session_id);
    free(result->error_type);
    free(result->error_message);
    result_free_list(result->files_created, result->files_created_count);
    result_free_list(result->files_modified, result->files_modified_count);
    result_free_list(result->warnings, result->warnings_count);
    memset(result, 0, sizeof *result);
}

/* Round v up to RESULT_SUGGEST_SIG_DIGITS significant digits, saturating
 * at LSB_MAX_FUEL. */
static uint64_t result_round_up(uint64_t v) {
    uint64_t unit = 1, limit = 1;
    for (int i = 0; i < RESULT_SUGGEST_SIG_DIGITS; i++)
        limit *= 10;
    while (v / unit >= limit)
        unit *= 10;
    uint64_t q = v / unit + (v % unit != 0);
    if (q > LSB_MAX_FUEL / unit) return LSB_MAX_FUEL;
    return q * unit;
}

/* About RESULT_FUEL_SUGGEST_FACTOR times what the run needed. */
static uint64_t result_suggest_budget(uint64_t consumed, uint64_t budget, bool exhausted) {
    uint64_t base = consumed;
    if (exhausted && budget > base) base = budget; /* it needed more than the whole budget */
    if (base > LSB_MAX_FUEL / RESULT_FUEL_SUGGEST_FACTOR) return LSB_MAX_FUEL;
    return result_round_up(base * RESULT_FUEL_SUGGEST_FACTOR);
}

/* The status for a utilisation of bp basis points (0.01%). */
static result_fuel_status result_fuel_status_of(uint64_t bp, bool exhausted) {
    if (exhausted) return RESULT_FUEL_EXHAUSTED;
    if (bp >= RESULT_FUEL_CRITICAL_PCT * RESULT_BP_PER_PERCENT) return RESULT_FUEL_CRITICAL;
    if (bp >= RESULT_FUEL_WARNING_PCT * RESULT_BP_PER_PERCENT) return RESULT_FUEL_WARNING;
    if (bp >= RESULT_FUEL_MODERATE_PCT * RESULT_BP_PER_PERCENT) return RESULT_FUEL_MODERATE;
    return RESULT_FUEL_EFFICIENT;
}

/* consumed / budget in basis points, rounded down, computed exactly (no
 * float rounding can push a value across a status threshold). */
static uint64_t result_fuel_basis_points(uint64_t consumed, uint64_t budget) {
    if (budget == 0) return 0;
    __extension__ unsigned __int128 bp =
        (unsigned __int128)consumed * RESULT_BASIS_POINTS / (unsigned __int128)budget;
    return bp > UINT64_MAX ? UINT64_MAX : (uint64_t)bp;
}

/* Write the sentence of a fuel analysis a model can act on; the percentage
 * is printed rounded down to 0.1%, like the status it explains. */
static void result_fuel_recommend(result_fuel_analysis *a, uint64_t bp) {
    char *buf = a->recommendation;
    size_t n = sizeof a->recommendation;
    unsigned long long s = (unsigned long long)a->suggested_budget;
    unsigned long long whole = bp / RESULT_BP_PER_PERCENT;
    unsigned tenth = (unsigned)(bp % RESULT_BP_PER_PERCENT / RESULT_BP_PER_TENTH);
    switch (a->status) {
    case RESULT_FUEL_EXHAUSTED:
        snprintf(buf, n,
                 "The code ran out of fuel after %llu instructions. If it should finish, look for "
                 "an infinite loop; if the work is genuinely large, raise the budget to %llu "
                 "(--fuel %llu / fuel=%llu).",
                 (unsigned long long)a->consumed, s, s, s);
        break;
    case RESULT_FUEL_CRITICAL:
        snprintf(buf, n,
                 "The code used %llu.%u%% of its fuel budget and nearly ran out; raise the budget "
                 "to %llu (--fuel %llu / fuel=%llu) before running larger inputs.",
                 whole, tenth, s, s, s);
        break;
    case RESULT_FUEL_WARNING:
        snprintf(buf, n,
                 "The code used %llu.%u%% of its fuel budget; larger inputs may run out. Consider "
                 "a budget of %llu (--fuel %llu / fuel=%llu).",
                 whole, tenth, s, s, s);
        break;
    case RESULT_FUEL_MODERATE:
        snprintf(buf, n,
                 "The code used %llu.%u%% of its fuel budget; the budget is adequate, with some "
                 "room for larger inputs.",
                 whole, tenth);
        break;
    default:
        snprintf(buf, n, "The code used %llu.%u%% of its fuel budget; the budget is ample.", whole,
                 tenth);
        break;
    }
}

void result_fuel_analyze(const lsb_result *r, result_fuel_analysis *out) {
    bool exhausted = r->trap == LSB_TRAP_OUT_OF_FUEL;
    uint64_t bp = result_fuel_basis_points(r->fuel_consumed, r->fuel_budget);
    memset(out, 0, sizeof *out);
    out->consumed = r->fuel_consumed;
    out->budget = r->fuel_budget;
    out->utilization_percent = (double)bp / (double)RESULT_BP_PER_PERCENT;
    out->status = result_fuel_status_of(bp, exhausted);
    out->suggested_budget = out->status >= RESULT_FUEL_WARNING
                                ? result_suggest_budget(r->fuel_consumed, r->fuel_budget, exhausted)
                                : r->fuel_budget;
    result_fuel_recommend(out, bp);
}

static void result_write_list(jw_buf *b, const char *const *items, size_t count) {
    jw_array_begin(b);
    for (size_t i = 0; items && i < count; i++)
        if (items[i]) jw_cstring(b, items[i]);
    jw_array_end(b);
}

/* The guest's warnings, then guidance's (truncated output), as one array. */
static void result_write_warnings(jw_buf *b, const lsb_result *r) {
    char extra[GUIDANCE_WARNING_MAX];
    jw_array_begin(b);
    for (size_t i = 0; r->warnings && i < r->warnings_count; i++)
        if (r->warnings[i]) jw_cstring(b, r->warnings[i]);
    if (guidance_warning(r, extra, sizeof extra)) jw_cstring(b, extra);
    jw_array_end(b);
}

/* A NULL-terminated list of strings as a JSON array. */
static void result_write_strings(jw_buf *b, const char *const *items) {
    jw_array_begin(b);
    for (size_t i = 0; items && items[i]; i++)
        jw_cstring(b, items[i]);
    jw_array_end(b);
}

/* The error object of guidance.c, or null for a run that succeeded. */
static void result_write_error(jw_buf *b, const lsb_result *r) {
    guidance_error e;
    if (!guidance_describe(r, &e)) {
        jw_null(b);
        return;
    }
    jw_object_begin(b);
    jw_key(b, "type");
    jw_cstring(b, e.type);
    jw_key(b, "message");
    jw_cstring(b, e.message);
    jw_key(b, "guidance");
    result_write_strings(b, e.guidance);
    jw_key(b, "docs");
    result_write_strings(b, e.docs);
    jw_object_end(b);
}

static void result_write_fuel(jw_buf *b, const lsb_result *r) {
    result_fuel_analysis a;
    result_fuel_analyze(r, &a);
    jw_object_begin(b);
    jw_key(b, "consumed");
    jw_uint(b, a.consumed);
    jw_key(b, "budget");
    jw_uint(b, a.budget);
    jw_key(b, "utilization_percent");
    jw_double(b, a.utilization_percent, RESULT_PERCENT_DECIMALS);
    jw_key(b, "status");
    jw_cstring(b, result_fuel_status_name(a.status));
    jw_key(b, "recommendation");
    jw_cstring(b, a.recommendation);
    jw_key(b, "suggested_budget");
    jw_uint(b, a.suggested_budget);
    jw_object_end(b);
}

/* stdout/stderr: the bytes the guest wrote (NULL data counts as empty). */
static void result_write_output(jw_buf *b, const char *data, size_t len) {
    jw_string(b, data ? data : "", data ? len : 0);
}

void result_write_json(jw_buf *b, const lsb_result *r) {
    jw_object_begin(b);
    jw_key(b, "success");
    jw_bool(b, r->success);
    jw_key(b, "exit_code");
    jw_int(b, r->exit_code);
    jw_key(b, "stdout");
    result_write_output(b, r->stdout_data, r->stdout_len);
    jw_key(b, "stderr");
    result_write_output(b, r->stderr_data, r->stderr_len);
    jw_key(b, "stdout_truncated");
    jw_bool(b, r->stdout_truncated);
    jw_key(b, "stderr_truncated");
    jw_bool(b, r->stderr_truncated);
    jw_key(b, "fuel_consumed");
    jw_uint(b, r->fuel_consumed);
    jw_key(b, "fuel_budget");
    jw_uint(b, r->fuel_budget);
    jw_key(b, "duration_ms");
    jw_double(b, r->duration_ms, RESULT_DURATION_DECIMALS);
    jw_key(b, "memory_peak_bytes");
    jw_uint(b, r->memory_peak_bytes);
    jw_key(b, "memory_limit_bytes");
    jw_uint(b, r->memory_limit_bytes);
    jw_key(b, "trap_reason");
    jw_cstring(b, lsb_trap_name(r->trap));
    jw_key(b, "files_created");
    result_write_list(b, (const char *const *)r->files_created, r->files_created_count);
    jw_key(b, "files_modified");
    result_write_list(b, (const char *const *)r->files_modified, r->files_modified_count);
    jw_key(b, "warnings");
    result_write_warnings(b, r);
    jw_key(b, "session_id");
    jw_cstring(b, r->session_id);
    jw_key(b, "runtime");
    jw_cstring(b, lsb_language_name(r->runtime));
    jw_key(b, "error");
    result_write_error(b, r);
    jw_key(b, "fuel_analysis");
    result_write_fuel(b, r);
    jw_object_end(b);
}

char *lsb_result_to_json(const lsb_result *result) {
    jw_buf b;
    if (!result) return NULL;
    jw_init(&b);
    result_write_json(&b, result);
    return jw_finish(&b, NULL);
}
