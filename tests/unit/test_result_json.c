/*
 * test_result_json.c - unit tests of lsb_result serialisation (result.c,
 * through jansson), the UTF-8 repair it relies on (src/util/utf8.c), the
 * fuel analysis (fuel_analysis.c) and the error advice (guidance.c).
 * Every produced document is parsed back by jansson's strict parser, which
 * also rejects invalid UTF-8.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/error_guidance.h"
#include "sandbox/fuel_analysis.h"
#include "sandbox/guidance.h"
#include "sandbox/policy.h"
#include "util/utf8.h"

/* True when s is exactly one valid JSON value (NUL escapes allowed, as
 * guest output may hold them). */
static bool json_is_valid_cstr(const char *s) {
    json_error_t e;
    json_t *v =
        s ? json_loads(s, JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES, &e) : NULL;
    json_decref(v);
    return v != NULL;
}

static void assert_contains(const char *haystack, const char *needle) {
    if (!haystack || !strstr(haystack, needle))
        fail_msg("expected \"%s\" in \"%s\"", needle, haystack ? haystack : "(null)");
}

/* Serialise r, check the JSON is valid, return it (caller frees). */
static char *to_json(const lsb_result *r) {
    char *j = lsb_result_to_json(r);
    assert_non_null(j);
    if (!json_is_valid_cstr(j)) fail_msg("invalid JSON: %s", j);
    return j;
}

/* A result with only the fields every run sets. */
static lsb_result base_result(void) {
    lsb_result r;
    memset(&r, 0, sizeof r);
    r.success = true;
    r.fuel_budget = 1000;
    r.fuel_consumed = 100;
    r.memory_limit_bytes = 128ULL << 20;
    r.runtime = LSB_LANG_PYTHON;
    return r;
}

/* ---- UTF-8 repair ---- */

#define FFFD "\xEF\xBF\xBD"

static void check_repaired(const char *in, size_t n, const char *want) {
    size_t len = 99;
    char *got = utf8_repair(in, n, &len);
    assert_non_null(got);
    assert_int_equal(len, strlen(want));
    if (memcmp(got, want, len) != 0) fail_msg("repaired \"%s\", want \"%s\"", got, want);
    assert_true(utf8_valid(got, len, NULL));
    free(got);
}

static void test_invalid_utf8(void **state) {
    (void)state;
    check_repaired("a\xff"
                   "b",
                   3, "a" FFFD "b");
    check_repaired("\x80", 1, FFFD);                            /* stray continuation */
    check_repaired("\xC0\xAF", 2, FFFD FFFD);                   /* overlong */
    check_repaired("\xE0\x80\x80", 3, FFFD FFFD FFFD);          /* overlong */
    check_repaired("\xED\xA0\x80", 3, FFFD FFFD FFFD);          /* surrogate */
    check_repaired("\xF4\x90\x80\x80", 4, FFFD FFFD FFFD FFFD); /* > U+10FFFF */
    check_repaired("\xF5", 1, FFFD);
    check_repaired("x\xE2\x82", 3, "x" FFFD); /* truncated at end */
    check_repaired("\xE2\x82x", 3, FFFD "x"); /* truncated inside */
    check_repaired("\xF0\x9F\x98", 3, FFFD);
    check_repaired("\xF0\x9F\x98\xFF!", 5, FFFD FFFD "!");
    check_repaired("h\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", 12,
                   "h\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"); /* valid text is unchanged */
    check_repaired("", 0, "");
}

static void test_utf8_valid(void **state) {
    (void)state;
    size_t off = 99;
    assert_true(utf8_valid("h\xC3\xA9", 3, &off));
    assert_false(utf8_valid("abc\xC3", 4, &off));
    assert_int_equal(off, 3);
    assert_false(utf8_valid("ab\xED\xA0\x80", 5, &off));
    assert_int_equal(off, 2);
    assert_true(utf8_valid("", 0, NULL));
    assert_true(lsb_utf8_valid("a\0b", 3, NULL)); /* NUL is valid UTF-8 */
}

/* Whatever bytes the guest writes, the result is valid JSON. */
static void test_random_bytes_always_valid(void **state) {
    (void)state;
    enum { LEN = 4096, ROUNDS = 200 };
    static char buf[LEN];
    unsigned seed = 12345;
    lsb_result r = base_result();
    for (int i = 0; i < ROUNDS; i++) {
        for (int k = 0; k < LEN; k++) {
            seed = seed * 1103515245u + 12345u;
            buf[k] = (char)(seed >> 16);
        }
        r.stdout_data = buf;
        r.stdout_len = (size_t)(i * (LEN / ROUNDS));
        free(to_json(&r));
    }
}

/* Escapes as jansson writes them (it replaced a hand-written writer that
 * also escaped DEL, C1 controls and U+2028/9, with lower-case hex; the
 * decoded strings are the same). */
static void test_escaping_in_result(void **state) {
    (void)state;
    lsb_result r = base_result();
    char out[] = "q\"b\\s/\b\f\n\r\t\x01\x1f";
    r.stdout_data = out;
    r.stdout_len = sizeof out - 1;
    char *j = to_json(&r);
    assert_contains(j, "\"stdout\":\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001F\"");
    free(j);
}

/* duration_ms with three decimals at most and no trailing zeros, as the
 * hand-written writer printed it. */
static void check_duration(double ms, const char *want) {
    lsb_result r = base_result();
    char key[64];
    r.duration_ms = ms;
    char *j = to_json(&r);
    snprintf(key, sizeof key, "\"duration_ms\":%s,", want);
    assert_contains(j, key);
    free(j);
}

static void test_numbers(void **state) {
    (void)state;
    check_duration(12.5, "12.5");
    check_duration(12.0, "12");
    check_duration(0.0, "0");
    check_duration(-0.0001, "0");
    check_duration(1.0005, "1"); /* printf's rounding of the binary value */
    check_duration(1234.5678, "1234.568");
    check_duration(0.001, "0.001");
    check_duration(1733412345123.25, "1733412345123.25");
    check_duration(NAN, "null");
    check_duration(INFINITY, "null");
}

static void test_locale_decimal_point(void **state) {
    (void)state;
    /* Whatever locale is installed, the point must stay a '.'. */
    if (!setlocale(LC_NUMERIC, "de_DE.UTF-8") && !setlocale(LC_NUMERIC, "fr_FR.UTF-8")) skip();
    lsb_result r = base_result();
    r.duration_ms = 2.5;
    char *j = lsb_result_to_json(&r);
    setlocale(LC_NUMERIC, "C");
    assert_contains(j, "\"duration_ms\":2.5,");
    free(j);
}

/* ---- lsb_result ---- */

/* The fuel_analysis of base_result, as written. */
#define FUEL_OK                                                                                    \
    "{\"consumed\":100,\"budget\":1000,\"utilization_percent\":10,\"status\":\"efficient\","       \
    "\"recommendation\":\"Fuel budget is appropriate for this workload\",\"likely_causes\":[],"    \
    "\"suggested_budget\":1000}"

static void test_success_result(void **state) {
    (void)state;
    lsb_result r = base_result();
    r.stdout_data = "hi\n";
    r.stdout_len = 3;
    r.duration_ms = 1.25;
    char *j = to_json(&r);
    assert_string_equal(
        j, "{\"success\":true,\"exit_code\":0,\"stdout\":\"hi\\n\",\"stderr\":\"\","
           "\"stdout_truncated\":false,\"stderr_truncated\":false,\"fuel_consumed\":100,"
           "\"fuel_budget\":1000,\"duration_ms\":1.25,\"memory_peak_bytes\":0,"
           "\"memory_used_bytes\":0,\"memory_limit_bytes\":134217728,\"trap_reason\":null,"
           "\"files_created\":[],\"files_modified\":[],\"warnings\":[],\"session_id\":null,"
           "\"workspace_path\":null,\"runtime\":\"python\",\"error\":null,"
           "\"fuel_analysis\":" FUEL_OK ",\"metadata\":{\"memory_pages\":1,"
           "\"stdout_truncated\":false,\"stderr_truncated\":false,\"exit_code\":0,"
           "\"trapped\":false,\"session_id\":null,\"fuel_analysis\":" FUEL_OK "}}");
    free(j);
}

static void test_output_escaping_in_result(void **state) {
    (void)state;
    lsb_result r = base_result();
    char out[] = "a\xff\"\x01\n\xE2\x82";
    char err[] = "E\0rr";
    char *created[] = {"/app/x\".txt", NULL, "/app/\xff"};
    char *modified[] = {"/app/y"};
    r.stdout_data = out;
    r.stdout_len = sizeof out - 1;
    r.stderr_data = err;
    r.stderr_len = sizeof err - 1;
    r.stdout_truncated = true;
    r.files_created = created;
    r.files_created_count = 3;
    r.files_modified = modified;
    r.files_modified_count = 1;
    r.session_id = "s-1";
    r.runtime = LSB_LANG_JAVASCRIPT;
    char *j = to_json(&r);
    assert_contains(j, "\"stdout\":\"a" FFFD "\\\"\\u0001\\n" FFFD "\"");
    assert_contains(j, "\"stderr\":\"E\\u0000rr\"");
    assert_contains(j, "\"stdout_truncated\":true");
    assert_contains(j, "\"files_created\":[\"/app/x\\\".txt\",\"/app/" FFFD "\"]");
    assert_contains(j, "\"files_modified\":[\"/app/y\"]");
    assert_contains(j, "\"session_id\":\"s-1\"");
    assert_contains(j, "\"runtime\":\"javascript\"");
    free(j);
}

static void test_null_output_with_length(void **state) {
    (void)state;
    lsb_result r = base_result();
    r.stdout_len = 10; /* inconsistent on purpose: NULL data means "" */
    r.stderr_len = 5;
    char *j = to_json(&r);
    assert_contains(j, "\"stdout\":\"\",\"stderr\":\"\"");
    free(j);
}

static void fuel_case(uint64_t consumed, uint64_t budget, lsb_trap trap, const char *status,
                      uint64_t suggested) {
    lsb_result r = base_result();
    fuel_analysis a;
    r.fuel_consumed = consumed, r.fuel_budget = budget, r.trap = trap;
    r.success = trap == LSB_TRAP_NONE;
    fuel_analyze(&r, &a);
    if (strcmp(fuel_status_name(a.status), status) != 0)
        fail_msg("%llu/%llu: status %s, want %s", (unsigned long long)consumed,
                 (unsigned long long)budget, fuel_status_name(a.status), status);
    if (a.suggested_budget != suggested)
        fail_msg("%llu/%llu: suggested %llu, want %llu", (unsigned long long)consumed,
                 (unsigned long long)budget, (unsigned long long)a.suggested_budget,
                 (unsigned long long)suggested);
    assert_true(strlen(a.recommendation) > 20);
    char *j = to_json(&r);
    char want[64];
    snprintf(want, sizeof want, "\"status\":\"%s\"", status);
    assert_contains(j, want);
    snprintf(want, sizeof want, "\"suggested_budget\":%llu", (unsigned long long)suggested);
    assert_contains(j, want);
    free(j);
}

static void test_fuel_analysis(void **state) {
    (void)state;
    fuel_case(0, 1000, LSB_TRAP_NONE, "efficient", 1000);
    fuel_case(4999, 10000, LSB_TRAP_NONE, "efficient", 10000);
    fuel_case(5000, 10000, LSB_TRAP_NONE, "moderate", 10000);
    fuel_case(7499, 10000, LSB_TRAP_NONE, "moderate", 10000);
    fuel_case(7500, 10000, LSB_TRAP_NONE, "warning", 15000);
    fuel_case(80, 100, LSB_TRAP_NONE, "warning", 160);
    fuel_case(8999, 10000, LSB_TRAP_NONE, "warning", 18000);
    fuel_case(9000, 10000, LSB_TRAP_NONE, "critical", 18000);
    fuel_case(10000, 10000, LSB_TRAP_NONE, "exhausted", 20000); /* >= 100%: the original's */
    fuel_case(4123456789ULL, 5000000000ULL, LSB_TRAP_NONE, "warning", 8300000000ULL);
    fuel_case(4900000000ULL, 5000000000ULL, LSB_TRAP_NONE, "critical", 9800000000ULL);
    fuel_case(5000000000ULL, 5000000000ULL, LSB_TRAP_OUT_OF_FUEL, "exhausted", 10000000000ULL);
    fuel_case(4000, 5000000000ULL, LSB_TRAP_OUT_OF_FUEL, "exhausted", 10000000000ULL);
    fuel_case(100, 1000, LSB_TRAP_TIMEOUT, "efficient", 1000);
    fuel_case(0, 0, LSB_TRAP_NONE, "efficient", 0);
    fuel_case(UINT64_MAX, UINT64_MAX, LSB_TRAP_OUT_OF_FUEL, "exhausted", LSB_MAX_FUEL);
}

static void test_fuel_recommendations(void **state) {
    (void)state;
    lsb_result r = base_result();
    fuel_analysis a;
    r.fuel_consumed = 5000000000ULL, r.fuel_budget = 5000000000ULL;
    r.trap = LSB_TRAP_OUT_OF_FUEL;
    fuel_analyze(&r, &a);
    assert_string_equal(a.recommendation,
                        "\u26a0\ufe0f Fuel budget exhausted! Increase to at least "
                        "10B instructions (current: 5B, consumed: 5.0B)");
    assert_int_equal((int)a.utilization_percent, 100);
    assert_int_equal(a.suggested_budget, 10000000000ULL);
    r.trap = LSB_TRAP_NONE, r.fuel_consumed = 8000000000ULL / 2;
    fuel_analyze(&r, &a);
    assert_contains(a.recommendation, "(80.0%)");
    assert_contains(a.recommendation, "to 6B instructions");
    assert_int_equal(a.suggested_budget, 8000000000ULL); /* ours: 2x consumed */
}

/* The error object of r must have this type, and guidance containing hint. */
static void expect_error(const lsb_result *r, const char *type, const char *message_part,
                         const char *hint) {
    char *j = to_json(r);
    char want[128];
    snprintf(want, sizeof want, "\"error\":{\"type\":\"%s\",\"message\":\"", type);
    assert_contains(j, want);
    assert_contains(j, message_part);
    const char *g = strstr(j, "\"guidance\":[\"");
    assert_non_null(g);
    assert_contains(g, hint);
    assert_contains(j, "\"docs\":[");
    free(j);
}

static void test_trap_errors(void **state) {
    (void)state;
    lsb_result r = base_result();
    r.success = false;
    r.fuel_consumed = r.fuel_budget = 5000;
    r.trap = LSB_TRAP_OUT_OF_FUEL;
    expect_error(&r, "OutOfFuel", "ran out of fuel after 5000 instructions", "--fuel");
    r.trap = LSB_TRAP_TIMEOUT;
    r.duration_ms = 30000;
    expect_error(&r, "Timeout", "after 30.0 seconds", "--timeout");
    r.trap = LSB_TRAP_MEMORY;
    expect_error(&r, "MemoryExhausted", "memory limit of 134217728 bytes (128 MiB)", "--memory");
    r.trap = LSB_TRAP_STACK_OVERFLOW;
    expect_error(&r, "RecursionError", "stack overflowed", "ecursion");
    r.trap = LSB_TRAP_TRAP;
    expect_error(&r, "Trap", "trapped", "internal fault");
    r.trap = LSB_TRAP_KILLED;
    expect_error(&r, "Killed", "killed", "Retry");
    char *j = to_json(&r);
    assert_contains(j, "\"trap_reason\":\"killed\"");
    free(j);
    r.trap = (lsb_trap)42; /* unknown: still reported as a trap */
    expect_error(&r, "Trap", "trapped", "internal fault");
    j = to_json(&r);
    assert_contains(j, "\"trap_reason\":\"trap\"");
    free(j);
}

static void test_guest_errors(void **state) {
    (void)state;
    lsb_result r = base_result();
    r.success = false;
    r.exit_code = 1;
    r.error_type = "ModuleNotFoundError"; /* catalogued: the guest's type stays visible */
    r.error_message = "No module named 'numpy'";
    expect_error(&r, "NativeExtensionUnavailable", "ModuleNotFoundError: No module named 'numpy'",
                 "cannot be imported or installed here");
    r.error_message = "No module named 'humanize'";
    expect_error(&r, "PackageNotInstalled", "No module named 'humanize'", "install_package");
    r.error_message = "No module named"; /* no name to act on: the guest's type, its advice */
    expect_error(&r, "ModuleNotFoundError", "No module named", "no pip");
    r.error_type = "FileNotFoundError";
    r.error_message = "[Errno 44] No such file or directory: 'x.csv'";
    expect_error(&r, "FileNotFound", "FileNotFoundError: [Errno 44]", "/app");
    r.error_type = "PermissionError";
    expect_error(&r, "PermissionError", "", "read-only");
    r.error_type = "OSError";
    expect_error(&r, "OSError", "", "read-only");
    r.error_type = "ZeroDivisionError";
    r.error_message = NULL; /* a message is synthesised */
    expect_error(&r, "ZeroDivisionError", "ZeroDivisionError was raised", "traceback");
    r.runtime = LSB_LANG_JAVASCRIPT;
    r.error_type = "ReferenceError";
    r.error_message = "require is not defined";
    expect_error(&r, "ReferenceError", "require is not defined", "QuickJS");
    r.error_type = "SyntaxError";
    expect_error(&r, "SyntaxError", "", "Markdown");
    char *j = to_json(&r);
    assert_contains(j, "developer.mozilla.org");
    free(j);
    /* The trap names the failure; the guest's type stays in the message. */
    r.runtime = LSB_LANG_PYTHON;
    r.error_type = "MemoryError";
    r.error_message = NULL;
    r.trap = LSB_TRAP_MEMORY;
    expect_error(&r, "MemoryExhausted",
                 "MemoryError: The code tried to use more than its memory limit", "--memory");
}

static void test_exit_without_exception(void **state) {
    (void)state;
    lsb_result r = base_result();
    r.success = false;
    r.exit_code = 3;
    expect_error(&r, "NonZeroExit", "exited with status 3", "stderr");
    char *j = to_json(&r);
    assert_contains(j, "\"success\":false,\"exit_code\":3,");
    free(j);
}

static void test_guidance_describe(void **state) {
    (void)state;
    lsb_result r = base_result();
    guidance_error e;
    assert_false(guidance_describe(&r, &e));
    r.success = false;
    r.error_type = "SomethingNew";
    assert_true(guidance_describe(&r, &e));
    assert_string_equal(e.type, "SomethingNew");
    assert_non_null(e.guidance[0]);
    assert_non_null(e.docs);
    assert_string_equal(guidance_trap_type(LSB_TRAP_OUT_OF_FUEL), "OutOfFuel");
    assert_null(guidance_trap_type(LSB_TRAP_NONE));
}

static void test_names(void **state) {
    (void)state;
    lsb_language l = LSB_LANG_JAVASCRIPT;
    assert_string_equal(lsb_language_name(LSB_LANG_PYTHON), "python");
    assert_string_equal(lsb_language_name(LSB_LANG_JAVASCRIPT), "javascript");
    assert_string_equal(lsb_language_name((lsb_language)7), "unknown");
    assert_int_equal(lsb_language_parse("py", &l), 0);
    assert_int_equal(l, LSB_LANG_PYTHON);
    assert_int_equal(lsb_language_parse("js", &l), 0);
    assert_int_equal(l, LSB_LANG_JAVASCRIPT);
    assert_int_equal(lsb_language_parse("python", &l), 0);
    assert_int_equal(lsb_language_parse("javascript", &l), 0);
    assert_int_equal(lsb_language_parse("ruby", &l), -1);
    assert_int_equal(lsb_language_parse("", &l), -1);
    assert_int_equal(lsb_language_parse(NULL, &l), -1);
    assert_null(lsb_trap_name(LSB_TRAP_NONE));
    assert_string_equal(lsb_trap_name(LSB_TRAP_OUT_OF_FUEL), "out_of_fuel");
    assert_string_equal(lsb_trap_name(LSB_TRAP_TIMEOUT), "timeout");
    assert_string_equal(lsb_trap_name(LSB_TRAP_MEMORY), "memory");
    assert_string_equal(lsb_trap_name(LSB_TRAP_STACK_OVERFLOW), "stack_overflow");
    assert_string_equal(lsb_trap_name(LSB_TRAP_TRAP), "trap");
    assert_string_equal(lsb_trap_name(LSB_TRAP_KILLED), "killed");
}

static void test_status_names(void **state) {
    (void)state;
    assert_string_equal(lsb_status_name(LSB_OK), "ok");
    assert_string_equal(lsb_status_name(LSB_ERR_INVALID), "invalid");
    assert_string_equal(lsb_status_name(LSB_ERR_ASSETS), "assets");
    assert_string_equal(lsb_status_name(LSB_ERR_SYSTEM), "system");
    assert_string_equal(lsb_status_name(LSB_ERR_WORKSPACE), "workspace");
    assert_string_equal(lsb_status_name(LSB_ERR_NOT_FOUND), "not_found");
    assert_string_equal(lsb_status_name(LSB_ERR_EXISTS), "exists");
    assert_string_equal(lsb_status_name(LSB_ERR_QUOTA), "quota");
    assert_string_equal(lsb_status_name(LSB_ERR_STORAGE), "storage");
    assert_string_equal(lsb_status_name(LSB_ERR_NO_SESSION), "not_found");
    assert_string_equal(lsb_status_name(LSB_ERR_NO_PACKAGE), "not_found");
    assert_string_equal(lsb_status_name((lsb_status)99), "system");
}

/* Repair of random bytes: always valid, and repairing again changes
 * nothing. */
static void test_repair_random(void **state) {
    (void)state;
    enum { LEN = 2048, ROUNDS = 100 };
    static char buf[LEN];
    unsigned seed = 777;
    for (int i = 0; i < ROUNDS; i++) {
        for (int k = 0; k < LEN; k++) {
            seed = seed * 1103515245u + 12345u;
            buf[k] = (char)(seed >> 16);
        }
        size_t n = (size_t)(i * (LEN / ROUNDS)), len, len2;
        char *once = lsb_utf8_repair(buf, n, &len);
        assert_non_null(once);
        assert_true(utf8_valid(once, len, NULL));
        char *twice = utf8_repair(once, len, &len2);
        assert_int_equal(len, len2);
        assert_memory_equal(once, twice, len);
        free(once);
        free(twice);
    }
}

static char *dup(const char *s) { return strcpy(malloc(strlen(s) + 1), s); }

static void test_result_free(void **state) {
    (void)state;
    lsb_result r = base_result();
    r.stdout_data = dup("o");
    r.stderr_data = dup("e");
    r.session_id = dup("s");
    r.error_type = dup("T");
    r.error_message = dup("m");
    r.files_created = calloc(2, sizeof(char *));
    r.files_created[0] = dup("/app/a");
    r.files_created_count = 2; /* second entry NULL on purpose */
    r.files_modified = calloc(1, sizeof(char *));
    r.files_modified[0] = dup("/app/b");
    r.files_modified_count = 1;
    lsb_result_free(&r);
    assert_null(r.stdout_data);
    assert_null(r.files_created);
    assert_int_equal(r.files_created_count, 0);
    lsb_result_free(&r); /* twice is harmless */
    lsb_result_free(NULL);
    assert_null(lsb_result_to_json(NULL));
}

static void test_large_output(void **state) {
    (void)state;
    enum { LEN = 1 << 20 };
    lsb_result r = base_result();
    char *big = malloc(LEN);
    for (size_t i = 0; i < LEN; i++)
        big[i] = (char)(i % 3 == 0 ? 0x01 : i % 3 == 1 ? 0xFF : '"');
    r.stdout_data = big;
    r.stdout_len = LEN;
    char *j = to_json(&r);
    assert_true(strlen(j) > LEN * 3);
    free(j);
    free(big);
}

/* ---- the original system's keys: error_guidance, fuel_analysis, metadata ---- */

/* r as a parsed JSON object (caller decrefs). */
static json_t *parsed(const lsb_result *r) {
    char *j = to_json(r);
    json_error_t e;
    json_t *v = json_loads(j, JSON_ALLOW_NUL, &e);
    free(j);
    assert_non_null(v);
    return v;
}

/* The value at a dotted path ("metadata.trap_reason", "a.0.b"), or NULL. */
static json_t *at(json_t *v, const char *path) {
    char key[64];
    for (const char *p = path; v && *p;) {
        size_t n = strcspn(p, ".");
        snprintf(key, sizeof key, "%.*s", (int)n, p);
        v = json_is_array(v) ? json_array_get(v, (size_t)atoi(key)) : json_object_get(v, key);
        p += n + (p[n] == '.');
    }
    return v;
}

/* The string at path, or "(missing)". */
static const char *str_at(json_t *v, const char *path) {
    json_t *s = at(v, path);
    return json_is_string(s) ? json_string_value(s) : "(missing)";
}

/* Whether one actionable_guidance line of the result contains want. */
static bool guidance_has(json_t *v, const char *want) {
    json_t *lines = at(v, "error_guidance.actionable_guidance"), *line;
    size_t i;
    json_array_foreach(lines, i, line) if (strstr(json_string_value(line), want)) return true;
    return false;
}

/* r's error_guidance: type, a line containing line (NULL: none checked),
 * and the same object in metadata. Returns the parsed result. */
static json_t *guided(const lsb_result *r, const char *type, const char *line) {
    json_t *v = parsed(r);
    if (strcmp(str_at(v, "error_guidance.error_type"), type) != 0)
        fail_msg("error_type %s, want %s", str_at(v, "error_guidance.error_type"), type);
    if (line && !guidance_has(v, line)) fail_msg("%s: no guidance line has [%s]", type, line);
    assert_true(json_equal(at(v, "error_guidance"), at(v, "metadata.error_guidance")));
    assert_true(json_is_array(at(v, "error_guidance.related_docs")));
    assert_non_null(at(v, "error_guidance.related_docs.0"));
    return v;
}

/* A failed Python run that raised type(message). */
static lsb_result raised_py(const char *type, const char *message) {
    lsb_result r = base_result();
    r.success = false;
    r.exit_code = 1;
    r.error_type = (char *)type;
    r.error_message = (char *)message;
    return r;
}

static void test_seed_comma_numbers(void **state) {
    (void)state;
    char buf[EG_NUMBER_MAX];
    const struct {
        uint64_t v;
        const char *want;
    } cases[] = {{0, "0"},
                 {999, "999"},
                 {1000, "1,000"},
                 {100000, "100,000"},
                 {1234567, "1,234,567"},
                 {5000000000ULL, "5,000,000,000"},
                 {UINT64_MAX, "18,446,744,073,709,551,615"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        eg_commas(cases[i].v, buf, sizeof buf);
        assert_string_equal(buf, cases[i].want);
    }
}

static void test_seed_out_of_fuel(void **state) {
    (void)state;
    lsb_result r = base_result();
    r.success = false, r.exit_code = 1;
    r.trap = LSB_TRAP_OUT_OF_FUEL;
    r.fuel_consumed = r.fuel_budget = 5000000000ULL;
    json_t *v = guided(&r, "OutOfFuel", "Code execution exceeded the fuel budget");
    json_t *lines = at(v, "error_guidance.actionable_guidance");
    assert_string_equal(json_string_value(json_array_get(lines, json_array_size(lines) - 1)),
                        "\nConcrete recommendation: Increase fuel_budget from 5,000,000,000 to "
                        "10,000,000,000 instructions");
    assert_string_equal(str_at(v, "error_guidance.code_examples.0.after"),
                        "sandbox.execute(code, fuel_budget=10_000_000_000)  # CLI: --fuel "
                        "10000000000");
    assert_string_equal(str_at(v, "metadata.trap_reason"), "out_of_fuel");
    assert_non_null(strstr(str_at(v, "metadata.trap_message"), "all fuel consumed"));
    assert_true(json_is_true(at(v, "metadata.trapped")));
    assert_string_equal(str_at(v, "fuel_analysis.status"), "exhausted");
    assert_string_equal(str_at(v, "error.type"), "OutOfFuel"); /* ours stays */
    json_decref(v);
    r.fuel_consumed = 0; /* consumed unknown: the original's other line */
    v = guided(&r, "OutOfFuel",
               "\nConcrete recommendation: Increase fuel_budget to 10,000,000,000 instructions");
    json_decref(v);
}

static void test_seed_memory(void **state) {
    (void)state;
    lsb_result r = raised_py("MemoryError", NULL); /* no trap: the original missed it */
    json_t *v = guided(&r, "MemoryExhausted",
                       "\nConcrete recommendation: Increase memory_bytes to 268,435,456 bytes");
    assert_true(guidance_has(v, "Default: 128 MB"));
    assert_string_equal(str_at(v, "metadata.trap_reason"), "proc_exit");
    assert_string_equal(str_at(v, "metadata.trap_message"), "Exited with i32 exit status 1");
    assert_true(json_is_false(at(v, "metadata.trapped")));
    assert_string_equal(str_at(v, "error_guidance.code_examples.0.after"),
                        "sandbox.execute(code, memory_bytes=268_435_456)  # CLI: --memory "
                        "268435456");
    json_decref(v);
    r.trap = LSB_TRAP_MEMORY; /* our memory trap */
    v = guided(&r, "MemoryExhausted", "Increase memory_bytes to 268,435,456");
    assert_string_equal(str_at(v, "metadata.trap_reason"), "memory_limit");
    assert_non_null(strstr(str_at(v, "metadata.trap_message"), "memory"));
    json_decref(v);
    lsb_result js = raised_py("InternalError", "out of memory"); /* QuickJS */
    js.runtime = LSB_LANG_JAVASCRIPT;
    js.memory_limit_bytes = 4096ULL << 20; /* at the maximum: nothing to double */
    v = guided(&js, "MemoryExhausted", "memory_bytes is already at its maximum (4,294,967,296");
    json_decref(v);
}

static void test_seed_path_restriction(void **state) {
    (void)state;
    lsb_result r =
        raised_py("FileNotFoundError", "[Errno 44] No such file or directory: '/etc/passwd'");
    json_t *v = guided(&r, "PathRestriction", "\nDetected invalid path: /etc/passwd");
    assert_string_equal(str_at(v, "error_guidance.code_examples.0.before"),
                        "with open('/etc/passwd', 'r') as f:");
    assert_string_equal(str_at(v, "error_guidance.code_examples.0.after"),
                        "with open('/app/data.txt', 'r') as f:");
    assert_string_equal(str_at(v, "error.type"), "PathOutsideWorkspace"); /* ours stays */
    json_decref(v);
    lsb_result js = raised_py("Error", "ENOENT: no such file or directory, open '/home/u/x.csv'");
    js.runtime = LSB_LANG_JAVASCRIPT; /* ours: JavaScript too, with a JavaScript example */
    v = guided(&js, "PathRestriction", "Detected invalid path: /home/u/x.csv");
    assert_string_equal(str_at(v, "error_guidance.code_examples.0.before"),
                        "const text = readText('/home/u/x.csv');");
    assert_string_equal(str_at(v, "error_guidance.code_examples.0.after"),
                        "const text = readText('/app/data.txt');");
    json_decref(v);
    r = raised_py("PermissionError", "[Errno 2] denied: '/home/josé/café ☕.txt'");
    v = guided(&r, "PathRestriction", "Detected invalid path: /home/josé/café ☕.txt");
    json_decref(v);
    r = raised_py("FileNotFoundError", "No such file or directory: '/application/x'");
    v = guided(&r, "PathRestriction", "/application/x"); /* not /app: a prefix is no mount */
    json_decref(v);
    /* Inside a mount, /external included: not a restriction, our FileNotFound. */
    const char *inside[] = {"'/external/in.csv'", "'/data/x.json'", "'/app/x.txt'", "'x.txt'"};
    char msg[128];
    for (size_t i = 0; i < sizeof inside / sizeof inside[0]; i++) {
        snprintf(msg, sizeof msg, "[Errno 44] No such file or directory: %s", inside[i]);
        r = raised_py("FileNotFoundError", msg);
        v = guided(&r, "FileNotFound", NULL);
        assert_true(json_is_null(at(v, "error_guidance.code_examples")));
        json_decref(v);
    }
}

static void test_seed_missing_vendored(void **state) {
    (void)state;
    const struct {
        const char *module, *spelled;
    } hits[] = {{"openpyxl", "openpyxl"},
                {"PyPDF2", "PyPDF2"},
                {"odf", "odf"},
                {"pypdf2", "PyPDF2"},
                {"attr", "attr"},
                {"dateutil.parser", "dateutil"},
                {"markupsafe", "markupsafe"},
                {"XlsxWriter", "xlsxwriter"}};
    char msg[128], after[160];
    for (size_t i = 0; i < sizeof hits / sizeof hits[0]; i++) {
        snprintf(msg, sizeof msg, "No module named '%s'", hits[i].module);
        lsb_result r = raised_py("ModuleNotFoundError", msg);
        json_t *v =
            guided(&r, "MissingVendoredPackage", "sys.path.insert(0, '/data/site-packages')");
        assert_true(guidance_has(v, "list_available_packages"));
        snprintf(after, sizeof after,
                 "import sys\nsys.path.insert(0, '/data/site-packages')\nimport %s  # \u2705 Works",
                 hits[i].spelled);
        assert_string_equal(str_at(v, "error_guidance.code_examples.0.after"), after);
        if (strcmp(hits[i].module, hits[i].spelled) != 0 && !strchr(hits[i].module, '.'))
            assert_true(guidance_has(v, "case-sensitive"));
        json_decref(v);
    }
    lsb_result r = raised_py("ModuleNotFoundError", "No module named 'humanize'");
    json_t *v = guided(&r, "PackageNotInstalled", "install_package"); /* not vendored */
    json_decref(v);
    r = raised_py("ModuleNotFoundError",
                  "No module named 'mammoth'"); /* the original's, not ours */
    v = guided(&r, "PackageNotInstalled", NULL);
    json_decref(v);
    r = raised_py("ModuleNotFoundError", "No module named 'numpy'");
    v = guided(&r, "NativeExtensionUnavailable", NULL);
    json_decref(v);
}

static void test_seed_quickjs_tuple(void **state) {
    (void)state;
    lsb_result r = raised_py("TypeError", "value is not iterable");
    r.runtime = LSB_LANG_JAVASCRIPT;
    r.stderr_data = "TypeError: value is not iterable\n    at <eval> (<string>:3)\n";
    r.stderr_len = strlen(r.stderr_data);
    json_t *v = guided(&r, "QuickJSTupleDestructuring", "\nProblematic code: line 3");
    assert_true(guidance_has(v, "Use array destructuring"));
    assert_non_null(strstr(str_at(v, "error_guidance.code_examples.0.after"), "const [status"));
    assert_int_equal(json_array_size(at(v, "metadata.error_guidance.code_examples")), 1);
    assert_string_equal(str_at(v, "metadata.runtime"), "javascript");
    json_decref(v);
    r.runtime = LSB_LANG_PYTHON; /* Python's TypeError keeps its own type */
    v = guided(&r, "TypeError", NULL);
    json_decref(v);
}

static void test_seed_require_vendor(void **state) {
    (void)state;
    lsb_result r = raised_py("Error", "Cannot find module 'csv-simple'\nAvailable modules: x");
    r.runtime = LSB_LANG_JAVASCRIPT;
    json_t *v = guided(&r, "MissingRequireVendor", "const csv = requireVendor('csv-simple');");
    assert_true(guidance_has(v, "\nMissing package: csv-simple"));
    assert_string_equal(str_at(v, "error_guidance.code_examples.0.after"),
                        "const pkg = requireVendor('csv-simple');  // \u2705 Works");
    json_decref(v);
    r.error_message = "Cannot find module 'lodash'"; /* vendored here, not the original's */
    v = guided(&r, "MissingVendoredPackage", NULL);
    json_decref(v);
    /* No error named: stderr is read, as the original read it. */
    r.error_type = r.error_message = NULL;
    r.stderr_data = "ReferenceError: 'json-utils' is not defined\n    at <eval> (<string>:1)\n";
    r.stderr_len = strlen(r.stderr_data);
    v = guided(&r, "MissingRequireVendor", "Missing package: json-utils");
    json_decref(v);
}

static void test_seed_ours_for_the_rest(void **state) {
    (void)state;
    lsb_result r = raised_py("ZeroDivisionError", "division by zero");
    json_t *v = guided(&r, "ZeroDivisionError", NULL);
    assert_true(json_equal(at(v, "error_guidance.actionable_guidance"), at(v, "error.guidance")));
    assert_true(json_equal(at(v, "error_guidance.related_docs"), at(v, "error.docs")));
    assert_true(json_is_null(at(v, "error_guidance.code_examples")));
    json_decref(v);
    const struct {
        lsb_trap trap;
        const char *type, *reason, *message;
    } traps[] = {
        {LSB_TRAP_TIMEOUT, "Timeout", "timeout", "timed out after 2.5 seconds"},
        {LSB_TRAP_CANCELLED, "Cancelled", "cancelled", "cancelled by the client"},
        {LSB_TRAP_STACK_OVERFLOW, "RecursionError", "trap", "call stack exhausted"},
        {LSB_TRAP_TRAP, "Trap", "trap", "wasm trap"},
        {LSB_TRAP_KILLED, "Killed", "host_error", "killed by signal 9"},
    };
    for (size_t i = 0; i < sizeof traps / sizeof traps[0]; i++) {
        r = base_result();
        r.success = false, r.exit_code = 1, r.duration_ms = 2500, r.trap = traps[i].trap;
        if (traps[i].trap == LSB_TRAP_KILLED) {
            r.error_type = "Killed";
            r.error_message = "the execution process was killed by signal 9 (Killed)";
        }
        v = guided(&r, traps[i].type, NULL);
        assert_string_equal(str_at(v, "metadata.trap_reason"), traps[i].reason);
        if (!strstr(str_at(v, "metadata.trap_message"), traps[i].message))
            fail_msg("%s: trap_message [%s] lacks [%s]", traps[i].type,
                     str_at(v, "metadata.trap_message"), traps[i].message);
        assert_true(json_is_true(at(v, "metadata.trapped")));
        json_decref(v);
    }
    r = base_result();
    r.success = false, r.exit_code = 3; /* sys.exit(3): the original's proc_exit */
    v = guided(&r, "NonZeroExit", NULL);
    assert_string_equal(str_at(v, "metadata.trap_message"), "Exited with i32 exit status 3");
    assert_int_equal(json_integer_value(at(v, "metadata.exit_code")), 3);
    json_decref(v);
}

static void test_seed_success_and_metadata(void **state) {
    (void)state;
    lsb_result r = base_result();
    r.memory_peak_bytes = 24903680;
    r.workspace_path = "/tmp/ws-日本";
    r.session_id = "s-1";
    r.stderr_data = "avertissement: café ☕ 日本\n";
    r.stderr_len = strlen(r.stderr_data);
    json_t *v = parsed(&r);
    assert_null(at(v, "error_guidance"));
    assert_null(at(v, "metadata.error_guidance"));
    assert_null(at(v, "metadata.trap_reason"));
    assert_null(at(v, "metadata.trap_message"));
    assert_null(at(v, "metadata.runtime")); /* Python has none, as in the original */
    assert_int_equal(json_integer_value(at(v, "metadata.memory_pages")), 380);
    assert_int_equal(json_integer_value(at(v, "memory_used_bytes")), 24903680);
    assert_string_equal(str_at(v, "workspace_path"), "/tmp/ws-日本");
    assert_string_equal(str_at(v, "metadata.session_id"), "s-1");
    assert_string_equal(str_at(v, "stderr"), "avertissement: café ☕ 日本\n");
    assert_true(json_equal(at(v, "fuel_analysis"), at(v, "metadata.fuel_analysis")));
    assert_true(json_is_array(at(v, "fuel_analysis.likely_causes")));
    json_decref(v);
    const struct {
        uint64_t peak, pages;
    } pages[] = {{0, 1}, {1, 1}, {65536, 1}, {65537, 2}, {134217728, 2048}};
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        r.memory_peak_bytes = pages[i].peak;
        v = parsed(&r);
        assert_int_equal(json_integer_value(at(v, "metadata.memory_pages")), pages[i].pages);
        json_decref(v);
    }
    r.runtime = LSB_LANG_JAVASCRIPT;
    v = parsed(&r);
    assert_string_equal(str_at(v, "metadata.runtime"), "javascript");
    assert_int_equal(json_integer_value(at(v, "metadata.fuel_budget")), 1000);
    assert_int_equal(json_integer_value(at(v, "metadata.memory_limit_bytes")), 128 << 20);
    json_decref(v);
}

/* utilization_percent = round(consumed / budget * 100, 2). */
static void test_seed_utilization(void **state) {
    (void)state;
    const struct {
        uint64_t consumed, budget;
        double want;
    } cases[] = {{2, 3, 66.67}, {1, 3, 33.33}, {1, 8, 12.5}, {47, 50, 94}, {1, 100000, 0}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lsb_result r = base_result();
        r.fuel_consumed = cases[i].consumed, r.fuel_budget = cases[i].budget;
        json_t *v = parsed(&r);
        double got = json_number_value(at(v, "fuel_analysis.utilization_percent"));
        if (fabs(got - cases[i].want) > 1e-9)
            fail_msg("%llu/%llu: %.6f, want %.2f", (unsigned long long)cases[i].consumed,
                     (unsigned long long)cases[i].budget, got, cases[i].want);
        json_decref(v);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_random_bytes_always_valid),
        cmocka_unit_test(test_escaping_in_result),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_locale_decimal_point),
        cmocka_unit_test(test_success_result),
        cmocka_unit_test(test_output_escaping_in_result),
        cmocka_unit_test(test_null_output_with_length),
        cmocka_unit_test(test_fuel_analysis),
        cmocka_unit_test(test_fuel_recommendations),
        cmocka_unit_test(test_trap_errors),
        cmocka_unit_test(test_guest_errors),
        cmocka_unit_test(test_exit_without_exception),
        cmocka_unit_test(test_guidance_describe),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_status_names),
        cmocka_unit_test(test_repair_random),
        cmocka_unit_test(test_result_free),
        cmocka_unit_test(test_large_output),
        cmocka_unit_test(test_seed_comma_numbers),
        cmocka_unit_test(test_seed_out_of_fuel),
        cmocka_unit_test(test_seed_memory),
        cmocka_unit_test(test_seed_path_restriction),
        cmocka_unit_test(test_seed_missing_vendored),
        cmocka_unit_test(test_seed_quickjs_tuple),
        cmocka_unit_test(test_seed_require_vendor),
        cmocka_unit_test(test_seed_ours_for_the_rest),
        cmocka_unit_test(test_seed_success_and_metadata),
        cmocka_unit_test(test_seed_utilization),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
