/*
 * test_result_json.c - unit tests of the JSON writer (src/sandbox/json.c),
 * lsb_result serialisation (result.c) and the error advice (guidance.c).
 * Every produced document is parsed back by a strict checker below (JSON
 * grammar of RFC 8259 plus UTF-8 validity), which is itself tested.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/guidance.h"
#include "sandbox/json.h"
#include "sandbox/policy.h"
#include "sandbox/result.h"

/* ---- a strict JSON checker ---- */

typedef struct chk {
    const char *p, *end;
    int depth;
} chk;

static bool chk_value(chk *c);

static void chk_ws(chk *c) {
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static bool chk_lit(chk *c, const char *lit) {
    size_t n = strlen(lit);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n) != 0) return false;
    c->p += n;
    return true;
}

static int chk_hex4(chk *c) {
    int v = 0;
    if (c->end - c->p < 4) return -1;
    for (int i = 0; i < 4; i++) {
        char h = *c->p++;
        int d = h >= '0' && h <= '9'   ? h - '0'
                : h >= 'a' && h <= 'f' ? h - 'a' + 10
                : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                       : -1;
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

static bool chk_escape(chk *c) {
    if (c->p >= c->end) return false;
    char e = *c->p++;
    if (strchr("\"\\/bfnrt", e)) return true;
    if (e != 'u') return false;
    int u = chk_hex4(c);
    if (u < 0) return false;
    if (u >= 0xDC00 && u <= 0xDFFF) return false; /* lone low surrogate */
    if (u >= 0xD800 && u <= 0xDBFF) {
        if (!chk_lit(c, "\\u")) return false;
        int lo = chk_hex4(c);
        return lo >= 0xDC00 && lo <= 0xDFFF;
    }
    return true;
}

static bool chk_string(chk *c) {
    if (!chk_lit(c, "\"")) return false;
    while (c->p < c->end) {
        unsigned char ch = (unsigned char)*c->p;
        if (ch == '"') {
            c->p++;
            return true;
        }
        if (ch < 0x20) return false;
        if (ch == '\\') {
            c->p++;
            if (!chk_escape(c)) return false;
        } else if (ch >= 0x80) {
            uint32_t cp;
            size_t skip, n = jw_utf8_decode(c->p, (size_t)(c->end - c->p), &cp, &skip);
            if (n == 0) return false;
            c->p += n;
        } else {
            c->p++;
        }
    }
    return false;
}

static bool chk_digits(chk *c) {
    const char *s = c->p;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
        c->p++;
    return c->p > s;
}

static bool chk_number(chk *c) {
    if (c->p < c->end && *c->p == '-') c->p++;
    if (c->p < c->end && *c->p == '0')
        c->p++;
    else if (!chk_digits(c))
        return false;
    if (c->p < c->end && *c->p == '.') {
        c->p++;
        if (!chk_digits(c)) return false;
    }
    if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
        c->p++;
        if (c->p < c->end && (*c->p == '+' || *c->p == '-')) c->p++;
        if (!chk_digits(c)) return false;
    }
    return true;
}

static bool chk_container(chk *c, char close, bool object) {
    c->p++;
    if (++c->depth > 100) return false;
    chk_ws(c);
    if (c->p < c->end && *c->p == close) {
        c->p++;
        c->depth--;
        return true;
    }
    for (;;) {
        chk_ws(c);
        if (object) {
            if (!chk_string(c)) return false;
            chk_ws(c);
            if (!chk_lit(c, ":")) return false;
        }
        if (!chk_value(c)) return false;
        chk_ws(c);
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            continue;
        }
        if (c->p < c->end && *c->p == close) {
            c->p++;
            c->depth--;
            return true;
        }
        return false;
    }
}

static bool chk_value(chk *c) {
    chk_ws(c);
    if (c->p >= c->end) return false;
    switch (*c->p) {
    case '{': return chk_container(c, '}', true);
    case '[': return chk_container(c, ']', false);
    case '"': return chk_string(c);
    case 't': return chk_lit(c, "true");
    case 'f': return chk_lit(c, "false");
    case 'n': return chk_lit(c, "null");
    default: return chk_number(c);
    }
}

/* True when s[0..n) is exactly one valid JSON value. */
static bool json_is_valid(const char *s, size_t n) {
    chk c = {s, s + n, 0};
    if (!chk_value(&c)) return false;
    chk_ws(&c);
    return c.p == c.end;
}

static bool json_is_valid_cstr(const char *s) { return s && json_is_valid(s, strlen(s)); }

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

/* ---- the checker rejects what it must ---- */

static void test_checker(void **state) {
    (void)state;
    assert_true(
        json_is_valid_cstr("{\"a\":[1,-2.5e3,true,false,null,\"x\\u00e9\\ud83d\\ude00\"]}"));
    assert_true(json_is_valid_cstr("\"\xE2\x82\xAC\""));
    assert_false(json_is_valid_cstr("{\"a\":}"));
    assert_false(json_is_valid_cstr("{\"a\":1,}"));
    assert_false(json_is_valid_cstr("[1 2]"));
    assert_false(json_is_valid_cstr("\"\x01\""));
    assert_false(json_is_valid_cstr("\"\xff\""));
    assert_false(json_is_valid_cstr("\"\xC0\xAF\""));
    assert_false(json_is_valid_cstr("\"\\x\""));
    assert_false(json_is_valid_cstr("\"\\ud800\""));
    assert_false(json_is_valid_cstr("01"));
    assert_false(json_is_valid_cstr("{} {}"));
    assert_false(json_is_valid_cstr("\"abc"));
    assert_false(json_is_valid_cstr("NaN"));
}

/* ---- the writer ---- */

static char *write_string(const char *s, size_t n) {
    jw_buf b;
    jw_init(&b);
    jw_string(&b, s, n);
    char *out = jw_finish(&b, NULL);
    assert_non_null(out);
    if (!json_is_valid_cstr(out)) fail_msg("invalid JSON string: %s", out);
    return out;
}

static void check_escaped(const char *in, size_t n, const char *want) {
    char *got = write_string(in, n);
    if (strcmp(got, want) != 0) fail_msg("escaped \"%s\", want \"%s\"", got, want);
    free(got);
}

#define FFFD "\xEF\xBF\xBD"

static void test_escaping(void **state) {
    (void)state;
    check_escaped("plain", 5, "\"plain\"");
    check_escaped("q\"b\\s/", 6, "\"q\\\"b\\\\s/\"");
    check_escaped("\b\f\n\r\t", 5, "\"\\b\\f\\n\\r\\t\"");
    check_escaped("\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"");
    check_escaped("a\0b", 3, "\"a\\u0000b\"");
    check_escaped("\xC2\x85", 2, "\"\\u0085\"");                        /* C1 control */
    check_escaped("\xE2\x80\xA8\xE2\x80\xA9", 6, "\"\\u2028\\u2029\""); /* JS line breaks */
    check_escaped("h\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", 12,
                  "\"h\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"");
    check_escaped("", 0, "\"\"");
}

static void test_invalid_utf8(void **state) {
    (void)state;
    check_escaped("a\xff"
                  "b",
                  3, "\"a" FFFD "b\"");
    check_escaped("\x80", 1, "\"" FFFD "\"");                            /* stray continuation */
    check_escaped("\xC0\xAF", 2, "\"" FFFD FFFD "\"");                   /* overlong */
    check_escaped("\xE0\x80\x80", 3, "\"" FFFD FFFD FFFD "\"");          /* overlong */
    check_escaped("\xED\xA0\x80", 3, "\"" FFFD FFFD FFFD "\"");          /* surrogate */
    check_escaped("\xF4\x90\x80\x80", 4, "\"" FFFD FFFD FFFD FFFD "\""); /* > U+10FFFF */
    check_escaped("\xF5", 1, "\"" FFFD "\"");
    check_escaped("x\xE2\x82", 3, "\"x" FFFD "\""); /* truncated at end */
    check_escaped("\xE2\x82x", 3, "\"" FFFD "x\""); /* truncated inside */
    check_escaped("\xF0\x9F\x98", 3, "\"" FFFD "\"");
    check_escaped("\xF0\x9F\x98\xFF!", 5, "\"" FFFD FFFD "!\"");
}

static void test_utf8_valid(void **state) {
    (void)state;
    size_t off = 99;
    assert_true(jw_utf8_valid("h\xC3\xA9", 3, &off));
    assert_false(jw_utf8_valid("abc\xC3", 4, &off));
    assert_int_equal(off, 3);
    assert_false(jw_utf8_valid("ab\xED\xA0\x80", 5, &off));
    assert_int_equal(off, 2);
    assert_true(jw_utf8_valid("", 0, NULL));
}

static void test_random_bytes_always_valid(void **state) {
    (void)state;
    enum { LEN = 4096, ROUNDS = 200 };
    static char buf[LEN];
    unsigned seed = 12345;
    for (int r = 0; r < ROUNDS; r++) {
        for (int i = 0; i < LEN; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] = (char)(seed >> 16);
        }
        free(write_string(buf, (size_t)(r * (LEN / ROUNDS))));
    }
}

static void test_numbers_and_structure(void **state) {
    (void)state;
    jw_buf b;
    jw_init(&b);
    jw_object_begin(&b);
    jw_key(&b, "u");
    jw_uint(&b, UINT64_MAX);
    jw_key(&b, "i");
    jw_int(&b, INT64_MIN);
    jw_key(&b, "d");
    jw_double(&b, 12.5, 3);
    jw_key(&b, "z");
    jw_double(&b, -0.0001, 2);
    jw_key(&b, "n");
    jw_double(&b, NAN, 2);
    jw_key(&b, "inf");
    jw_double(&b, INFINITY, 2);
    jw_key(&b, "big");
    jw_double(&b, 1e20, 2);
    jw_key(&b, "a");
    jw_array_begin(&b);
    jw_bool(&b, true);
    jw_null(&b);
    jw_cstring(&b, NULL);
    jw_raw_value(&b, "{\"x\":1}", 7);
    jw_array_end(&b);
    jw_key(&b, "k\"ey");
    jw_object_begin(&b);
    jw_object_end(&b);
    jw_object_end(&b);
    size_t len;
    char *s = jw_finish(&b, &len);
    assert_non_null(s);
    assert_int_equal(len, strlen(s));
    assert_string_equal(s, "{\"u\":18446744073709551615,\"i\":-9223372036854775808,\"d\":12.5,"
                           "\"z\":0,\"n\":null,\"inf\":null,\"big\":1e+20,"
                           "\"a\":[true,null,null,{\"x\":1}],\"k\\\"ey\":{}}");
    assert_true(json_is_valid_cstr(s));
    free(s);
}

static void test_locale_decimal_point(void **state) {
    (void)state;
    /* Whatever locale is installed, the point must stay a '.'. */
    if (!setlocale(LC_NUMERIC, "de_DE.UTF-8") && !setlocale(LC_NUMERIC, "fr_FR.UTF-8")) skip();
    jw_buf b;
    jw_init(&b);
    jw_double(&b, 2.5, 2);
    char *s = jw_finish(&b, NULL);
    setlocale(LC_NUMERIC, "C");
    assert_string_equal(s, "2.5");
    free(s);
}

static void test_misuse_fails(void **state) {
    (void)state;
    jw_buf b;
    jw_init(&b); /* value where a key is due */
    jw_object_begin(&b);
    jw_uint(&b, 1);
    jw_object_end(&b);
    assert_null(jw_finish(&b, NULL));
    jw_init(&b); /* unclosed */
    jw_array_begin(&b);
    assert_null(jw_finish(&b, NULL));
    jw_init(&b); /* two top-level values */
    jw_uint(&b, 1);
    jw_uint(&b, 2);
    assert_null(jw_finish(&b, NULL));
    jw_init(&b); /* key outside an object */
    jw_array_begin(&b);
    jw_key(&b, "k");
    assert_null(jw_finish(&b, NULL));
    jw_init(&b); /* mismatched close */
    jw_array_begin(&b);
    jw_object_end(&b);
    assert_null(jw_finish(&b, NULL));
    jw_init(&b); /* too deep */
    for (int i = 0; i <= JW_MAX_DEPTH; i++)
        jw_array_begin(&b);
    assert_true(b.failed);
    assert_null(jw_finish(&b, NULL));
    jw_init(&b); /* nothing */
    assert_null(jw_finish(&b, NULL));
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
    result_fuel_analysis a;
    r.fuel_consumed = consumed, r.fuel_budget = budget, r.trap = trap;
    r.success = trap == LSB_TRAP_NONE;
    result_fuel_analyze(&r, &a);
    if (strcmp(result_fuel_status_name(a.status), status) != 0)
        fail_msg("%llu/%llu: status %s, want %s", (unsigned long long)consumed,
                 (unsigned long long)budget, result_fuel_status_name(a.status), status);
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
    result_fuel_analysis a;
    r.fuel_consumed = 5000000000ULL, r.fuel_budget = 5000000000ULL;
    r.trap = LSB_TRAP_OUT_OF_FUEL;
    result_fuel_analyze(&r, &a);
    assert_contains(a.recommendation, "ran out of fuel");
    assert_contains(a.recommendation, "infinite loop");
    assert_contains(a.recommendation, "10000000000");
    assert_int_equal((int)a.utilization_percent, 100);
    r.trap = LSB_TRAP_NONE, r.fuel_consumed = 8000000000ULL / 2;
    result_fuel_analyze(&r, &a);
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
        cmocka_unit_test(test_checker),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_random_bytes_always_valid),
        cmocka_unit_test(test_numbers_and_structure),
        cmocka_unit_test(test_locale_decimal_point),
        cmocka_unit_test(test_misuse_fails),
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
        cmocka_unit_test(test_result_free),
        cmocka_unit_test(test_large_output),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
