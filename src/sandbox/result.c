/*
 * result.c - lsb_result: freeing it, naming its enums (and lsb_status),
 * and writing it as the JSON object of DESIGN.md, with the error advice of
 * guidance.c and the fuel analysis of fuel_analysis.c, and beside them the
 * original system's keys (error_guidance.c's object, metadata).
 *
 * Invariants: lsb_result_free leaves a zeroed result (safe to call twice);
 * serialisation (jansson) never fails on odd content (NULL strings become
 * "" or null, invalid UTF-8 becomes U+FFFD) and only fails on out of
 * memory; numbers print as printf's "%.Nf" with trailing zeros dropped.
 */
#include "llmsandbox.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/error_guidance.h"
#include "sandbox/fuel_analysis.h"
#include "sandbox/guidance.h"
#include "util/json.h"

#define RESULT_DURATION_DECIMALS 3
#define RESULT_PERCENT_DECIMALS  2
#define RESULT_WASM_PAGE         65536 /* metadata.memory_pages counts these */
#define RESULT_MS_PER_S          1000.0
#define RESULT_TRAP_MESSAGE_MAX  256

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

static const char *const result_status_names[] = {
    [LSB_OK] = "ok",
    [LSB_ERR_INVALID] = "invalid",
    [LSB_ERR_ASSETS] = "assets",
    [LSB_ERR_SYSTEM] = "system",
    [LSB_ERR_WORKSPACE] = "workspace",
    [LSB_ERR_NOT_FOUND] = "not_found",
    [LSB_ERR_EXISTS] = "exists",
    [LSB_ERR_QUOTA] = "quota",
    [LSB_ERR_STORAGE] = "storage",
    [LSB_ERR_NO_SESSION] = "not_found", /* a kind of not-found to whoever reads the name */
    [LSB_ERR_NO_PACKAGE] = "not_found",
};

#define RESULT_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* "system" for a value outside the enum. */
const char *lsb_status_name(lsb_status status) {
    if ((unsigned)status >= RESULT_COUNT(result_status_names) || !result_status_names[status])
        return "system";
    return result_status_names[status];
}

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

/* Free count strings of list, then list. */
static void result_free_list(char **list, size_t count) {
    if (!list) return;
    for (size_t i = 0; i < count; i++)
        free(list[i]);
    free(list);
}

/* Public: see llmsandbox.h; NULL is ignored. */
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
    free(result->code);
    free(result->workspace_path);
    memset(result, 0, sizeof *result);
}

/* Set key of obj to v (taking it over); false when v is NULL (out of
 * memory) or the set failed. */
static bool result_set(json_t *obj, const char *key, json_t *v) {
    return v && json_object_set_new_nocheck(obj, key, v) == 0;
}

/* Append v to arr (taking it over); false on NULL v or failure. */
static bool result_push(json_t *arr, json_t *v) { return v && json_array_append_new(arr, v) == 0; }

/* A list of count strings (NULL entries skipped) as an array, or NULL. */
static json_t *result_list(const char *const *items, size_t count) {
    json_t *arr = json_array();
    for (size_t i = 0; arr && items && i < count; i++)
        if (items[i] && !result_push(arr, util_json_str(items[i]))) return json_decref(arr), NULL;
    return arr;
}

/* The guest's warnings, then guidance's (truncated output), as one array. */
static json_t *result_warnings(const lsb_result *r) {
    char extra[GUIDANCE_WARNING_MAX];
    json_t *arr = result_list((const char *const *)r->warnings, r->warnings_count);
    if (arr && guidance_warning(r, extra, sizeof extra) && !result_push(arr, util_json_str(extra)))
        return json_decref(arr), NULL;
    return arr;
}

/* A NULL-terminated list of strings as a JSON array, or NULL. */
static json_t *result_strings(const char *const *items) {
    size_t n = 0;
    while (items && items[n])
        n++;
    return result_list(items, n);
}

/* The error object of guidance.c, null for a run that succeeded, or NULL
 * when out of memory. */
static json_t *result_error(const lsb_result *r) {
    guidance_error e;
    if (!guidance_describe(r, &e)) return json_null();
    json_t *o = json_object();
    if (!o || !result_set(o, "type", util_json_str(e.type)) ||
        !result_set(o, "message", util_json_str(e.message)) ||
        !result_set(o, "guidance", result_strings(e.guidance)) ||
        !result_set(o, "docs", result_strings(e.docs)))
        return json_decref(o), NULL;
    return o;
}

/* fuel_analysis.likely_causes as an array, or NULL. */
static json_t *result_causes(const fuel_analysis *a) {
    const char *items[FUEL_CAUSES_MAX];
    for (size_t i = 0; i < a->causes_count; i++)
        items[i] = a->likely_causes[i];
    return result_list(items, a->causes_count);
}

/* The fuel_analysis object, or NULL when out of memory. */
static json_t *result_fuel(const lsb_result *r) {
    fuel_analysis a;
    fuel_analyze(r, &a);
    json_t *o = json_object();
    if (!o || !result_set(o, "consumed", util_json_uint(a.consumed)) ||
        !result_set(o, "budget", util_json_uint(a.budget)) ||
        !result_set(o, "utilization_percent",
                    util_json_fixed(a.utilization_percent, RESULT_PERCENT_DECIMALS)) ||
        !result_set(o, "status", json_string(fuel_status_name(a.status))) ||
        !result_set(o, "recommendation", util_json_str(a.recommendation)) ||
        !result_set(o, "likely_causes", result_causes(&a)) ||
        !result_set(o, "suggested_budget", util_json_uint(a.suggested_budget)))
        return json_decref(o), NULL;
    return o;
}

/* stdout/stderr: the bytes the guest wrote (NULL data counts as empty). */
static json_t *result_output(const char *data, size_t len) {
    return util_json_text(data ? data : "", data ? len : 0);
}

/* The fields from success to trap_reason, in schema order, into o.
 * Returns false when out of memory. */
static bool result_set_run(json_t *o, const lsb_result *r) {
    return result_set(o, "success", json_boolean(r->success)) &&
           result_set(o, "exit_code", json_integer(r->exit_code)) &&
           result_set(o, "stdout", result_output(r->stdout_data, r->stdout_len)) &&
           result_set(o, "stderr", result_output(r->stderr_data, r->stderr_len)) &&
           result_set(o, "stdout_truncated", json_boolean(r->stdout_truncated)) &&
           result_set(o, "stderr_truncated", json_boolean(r->stderr_truncated)) &&
           result_set(o, "fuel_consumed", util_json_uint(r->fuel_consumed)) &&
           result_set(o, "fuel_budget", util_json_uint(r->fuel_budget)) &&
           result_set(o, "duration_ms",
                      util_json_fixed(r->duration_ms, RESULT_DURATION_DECIMALS)) &&
           result_set(o, "memory_peak_bytes", util_json_uint(r->memory_peak_bytes)) &&
           result_set(o, "memory_used_bytes", util_json_uint(r->memory_peak_bytes)) &&
           result_set(o, "memory_limit_bytes", util_json_uint(r->memory_limit_bytes)) &&
           result_set(o, "trap_reason", util_json_str(lsb_trap_name(r->trap)));
}

/* The fields from files_created to error, in schema order, into
 * o. Returns false when out of memory. */
static bool result_set_outcome(json_t *o, const lsb_result *r) {
    return result_set(o, "files_created",
                      result_list((const char *const *)r->files_created, r->files_created_count)) &&
           result_set(
               o, "files_modified",
               result_list((const char *const *)r->files_modified, r->files_modified_count)) &&
           result_set(o, "warnings", result_warnings(r)) &&
           result_set(o, "session_id", util_json_str(r->session_id)) &&
           result_set(o, "workspace_path", util_json_str(r->workspace_path)) &&
           result_set(o, "runtime", json_string(lsb_language_name(r->runtime))) &&
           result_set(o, "error", result_error(r));
}

/* ---- the original system's keys ------------------------------------------ */

/* code_examples: [{before, after, explanation}], or null. */
static json_t *result_examples(const error_guidance *g) {
    if (!g->has_example) return json_null();
    json_t *arr = json_array(), *e = json_object();
    if (!arr || !e || !result_set(e, "before", util_json_str(g->example.before)) ||
        !result_set(e, "after", util_json_str(g->example.after)) ||
        !result_set(e, "explanation", util_json_str(g->example.explanation)) ||
        !result_push(arr, e)) {
        json_decref(e);
        return json_decref(arr), NULL;
    }
    return arr;
}

/* The error_guidance object of a failed run, or NULL when out of memory. */
static json_t *result_guidance(const error_guidance *g) {
    json_t *o = json_object();
    if (!o || !result_set(o, "error_type", util_json_str(g->error_type)) ||
        !result_set(o, "actionable_guidance", result_strings(g->lines)) ||
        !result_set(o, "related_docs", result_strings(g->docs)) ||
        !result_set(o, "code_examples", result_examples(g)))
        return json_decref(o), NULL;
    return o;
}

/* metadata.trap_reason in the original's words (plus timeout and
 * cancelled), or NULL for a run that succeeded. */
static const char *result_seed_reason(const lsb_result *r) {
    switch (r->trap) {
    case LSB_TRAP_NONE: return r->exit_code != 0 ? "proc_exit" : NULL;
    case LSB_TRAP_OUT_OF_FUEL: return "out_of_fuel";
    case LSB_TRAP_MEMORY: return "memory_limit";
    case LSB_TRAP_TIMEOUT: return "timeout";
    case LSB_TRAP_CANCELLED: return "cancelled";
    case LSB_TRAP_KILLED: return "host_error";
    default: return "trap"; /* stack overflow and every other wasm trap */
    }
}

/* metadata.trap_message for a failed run, into buf. */
static void result_seed_message(const lsb_result *r, char *buf, size_t len) {
    double secs = r->duration_ms / RESULT_MS_PER_S;
    switch (r->trap) {
    case LSB_TRAP_NONE: snprintf(buf, len, "Exited with i32 exit status %d", r->exit_code); break;
    case LSB_TRAP_OUT_OF_FUEL: snprintf(buf, len, "all fuel consumed by WebAssembly"); break;
    case LSB_TRAP_MEMORY:
        snprintf(buf, len, "memory limit exceeded: linear memory cannot grow past %llu bytes",
                 (unsigned long long)r->memory_limit_bytes);
        break;
    case LSB_TRAP_STACK_OVERFLOW:
        snprintf(buf, len, "call stack exhausted (recursion too deep)");
        break;
    case LSB_TRAP_TIMEOUT:
        snprintf(buf, len, "execution timed out after %.1f seconds (the wall-clock limit)", secs);
        break;
    case LSB_TRAP_CANCELLED:
        snprintf(buf, len, "execution cancelled by the client after %.1f seconds", secs);
        break;
    case LSB_TRAP_KILLED:
        snprintf(buf, len, "%s",
                 r->error_message ? r->error_message : "the execution process was killed");
        break;
    default:
        snprintf(buf, len,
                 "wasm trap: the interpreter hit an internal fault (unreachable code "
                 "or an invalid memory access)");
        break;
    }
}

/* metadata's fields about the run's end, into m; false when out of memory. */
static bool result_meta_run(json_t *m, const lsb_result *r) {
    uint64_t pages =
        r->memory_peak_bytes / RESULT_WASM_PAGE + (r->memory_peak_bytes % RESULT_WASM_PAGE != 0);
    const char *reason = result_seed_reason(r);
    char message[RESULT_TRAP_MESSAGE_MAX];
    if (!result_set(m, "memory_pages", util_json_uint(pages ? pages : 1)) ||
        !result_set(m, "stdout_truncated", json_boolean(r->stdout_truncated)) ||
        !result_set(m, "stderr_truncated", json_boolean(r->stderr_truncated)) ||
        !result_set(m, "exit_code", json_integer(r->exit_code)) ||
        !result_set(m, "trapped", json_boolean(r->trap != LSB_TRAP_NONE)) ||
        !result_set(m, "session_id", util_json_str(r->session_id)))
        return false;
    if (!reason) return true;
    result_seed_message(r, message, sizeof message);
    return result_set(m, "trap_reason", json_string(reason)) &&
           result_set(m, "trap_message", util_json_str(message));
}

/* The metadata object (sharing guidance, which may be NULL, and fuel), or
 * NULL when out of memory. */
static json_t *result_metadata(const lsb_result *r, json_t *guidance, json_t *fuel) {
    json_t *m = json_object();
    if (!m || !result_meta_run(m, r) ||
        (guidance && !result_set(m, "error_guidance", json_incref(guidance))) ||
        !result_set(m, "fuel_analysis", json_incref(fuel)))
        return json_decref(m), NULL;
    if (r->runtime == LSB_LANG_JAVASCRIPT &&
        (!result_set(m, "runtime", json_string(lsb_language_name(r->runtime))) ||
         !result_set(m, "fuel_budget", util_json_uint(r->fuel_budget)) ||
         !result_set(m, "memory_limit_bytes", util_json_uint(r->memory_limit_bytes))))
        return json_decref(m), NULL;
    return m;
}

/* error_guidance (failed runs only), fuel_analysis and metadata into o.
 * Returns false when out of memory. */
static bool result_set_seed(json_t *o, const lsb_result *r) {
    error_guidance *eg = malloc(sizeof *eg); /* large: keep it off small thread stacks */
    json_t *guidance = NULL;
    bool ok = eg != NULL;
    if (ok && eg_describe(r, eg)) ok = (guidance = result_guidance(eg)) != NULL;
    free(eg);
    json_t *fuel = ok ? result_fuel(r) : NULL;
    ok = fuel && (!guidance || result_set(o, "error_guidance", json_incref(guidance))) &&
         result_set(o, "fuel_analysis", json_incref(fuel)) &&
         result_set(o, "metadata", result_metadata(r, guidance, fuel));
    json_decref(guidance);
    json_decref(fuel);
    return ok;
}

/* Public: see llmsandbox.h; NULL for a NULL result or out of memory. */
char *lsb_result_to_json(const lsb_result *result) {
    if (!result) return NULL;
    json_t *o = json_object();
    char *text = NULL;
    if (o && result_set_run(o, result) && result_set_outcome(o, result) &&
        result_set_seed(o, result))
        text = util_json_dumps(o, UTIL_JSON_FLAGS);
    json_decref(o);
    return text;
}
