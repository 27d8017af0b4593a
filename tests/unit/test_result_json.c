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
           "\"memory_limit_bytes\":134217728,\"trap_reason\":null,\"files_created\":[],"
           "\"files_modified\":[],\"warnings\":[],\"session_id\":null,\"runtime\":\"python\","
           "\"error\":null,"
           "\"fuel_analysis\":{\"consumed\":100,\"budget\":1000,\"utilization_percent\":10,"
           "\"status\":\"efficient\",\"recommendation\":\"The code used 10.0% of its fuel "
           "budget; the budget is ample.\",\"suggested_budget\":1000}}");
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
    fuel_case(10000, 10000, LSB_TRAP_NONE, "critical", 20000);
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
    assert_contains(a.recommendation, "ran out of fuel");
    assert_contains(a.recommendation, "infinite loop");
    assert_contains(a.recommendation, "10000000000");
    assert_int_equal((int)a.utilization_percent, 100);
    r.trap = LSB_TRAP_NONE, r.fuel_consumed = 8000000000ULL / 2;
    fuel_analyze(&r, &a);
    assert_contains(a.recommendation, "80.0%");
    assert_contains(a.recommendation, "--fuel 8000000000");
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
    expect_error(&r, "MissingVendoredPackage", "No module named 'humanize'", "install_package");
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
