/*
 * test_policy.c - unit tests of src/sandbox/policy.c: defaults, validation
 * messages, and the size, count and seconds parsers fed good, junk,
 * negative and overflowing input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "sandbox/policy.h"

#define ERR_MAX 512

static void assert_contains(const char *haystack, const char *needle) {
    if (!strstr(haystack, needle)) fail_msg("expected \"%s\" in \"%s\"", needle, haystack);
}

/* ---- sizes ---- */

static uint64_t size_ok(const char *text) {
    uint64_t v = 0;
    char err[ERR_MAX] = "";
    if (lsb_parse_size(text, false, &v, err, sizeof err) != 0)
        fail_msg("'%s' rejected: %s", text, err);
    return v;
}

static void size_bad(const char *text, const char *why) {
    uint64_t v = 12345;
    char err[ERR_MAX] = "";
    assert_int_equal(lsb_parse_size(text, false, &v, err, sizeof err), -1);
    assert_int_equal(v, 12345); /* untouched on failure */
    assert_contains(err, why);
}

static void test_size_units(void **state) {
    (void)state;
    assert_int_equal(size_ok("64MiB"), 64ULL << 20);
    assert_int_equal(size_ok("128000000"), 128000000ULL);
    assert_int_equal(size_ok("1GB"), 1000000000ULL);
    assert_int_equal(size_ok("1G"), 1ULL << 30);
    assert_int_equal(size_ok("1gib"), 1ULL << 30);
    assert_int_equal(size_ok("512k"), 512ULL * 1024);
    assert_int_equal(size_ok("512K"), 512ULL * 1024);
    assert_int_equal(size_ok("512KB"), 512000ULL);
    assert_int_equal(size_ok("512kB"), 512000ULL);
    assert_int_equal(size_ok("2MiB"), 2ULL << 20);
    assert_int_equal(size_ok("2M"), 2ULL << 20);
    assert_int_equal(size_ok("3MB"), 3000000ULL);
    assert_int_equal(size_ok("1TiB"), 1ULL << 40);
    assert_int_equal(size_ok("7B"), 7);
    assert_int_equal(size_ok("1.5GiB"), 3ULL << 29);
    assert_int_equal(size_ok("0.5k"), 512);
    assert_int_equal(size_ok("1_000"), 1000);
    assert_int_equal(size_ok("18446744073709551615"), UINT64_MAX);
    assert_int_equal(size_ok("007"), 7);
}

static void test_size_rejects(void **state) {
    (void)state;
    size_bad("", "empty");
    size_bad(NULL, "empty");
    size_bad("-1", "negative");
    size_bad("-64MiB", "negative");
    size_bad("abc", "not a number");
    size_bad("MiB", "not a number");
    size_bad("12XB", "not a size");
    size_bad("64 MiB", "not a size");
    size_bad(" 64", "not a number");
    size_bad("64 ", "not a size");
    size_bad("+5", "not a number");
    size_bad("0x10", "not a size");
    size_bad("1e9", "not a size");
    size_bad("1.", "not a size");
    size_bad(".5", "not a number");
    size_bad("1__0", "not a size");
    size_bad("_1", "not a number");
    size_bad("nan", "not a number");
    size_bad("inf", "not a number");
    size_bad("99999999999999999999", "too large");
    size_bad("18446744073709551616", "too large");
    size_bad("17179869184GiB", "too large"); /* exactly 2^64 */
    size_bad("16777216TiB", "too large");
    size_bad("1.5", "whole number of bytes");
    size_bad("0.1k", "whole number of bytes");
    size_bad("1.0000000001G", "decimal places");
    size_bad("0", "0 is not allowed");
    size_bad("0MiB", "0 is not allowed");
}

static void test_size_zero_ok(void **state) {
    (void)state;
    uint64_t v = 99;
    assert_int_equal(lsb_parse_size("0", true, &v, NULL, 0), 0);
    assert_int_equal(v, 0);
    /* err may be NULL on failure too */
    assert_int_equal(lsb_parse_size("junk", true, &v, NULL, 0), -1);
}

static void test_size_long_input_is_truncated_in_message(void **state) {
    (void)state;
    char text[300], err[ERR_MAX];
    uint64_t v;
    memset(text, 'x', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    assert_int_equal(lsb_parse_size(text, false, &v, err, sizeof err), -1);
    assert_true(strlen(err) < 120);
    assert_contains(err, "...");
}

/* ---- counts ---- */

static void test_u64(void **state) {
    (void)state;
    uint64_t v = 0;
    char err[ERR_MAX];
    assert_int_equal(lsb_parse_u64("5000000000", false, &v, err, sizeof err), 0);
    assert_int_equal(v, 5000000000ULL);
    assert_int_equal(lsb_parse_u64("5_000_000_000", false, &v, err, sizeof err), 0);
    assert_int_equal(v, 5000000000ULL);
    assert_int_equal(lsb_parse_u64("18446744073709551615", false, &v, err, sizeof err), 0);
    assert_int_equal(v, UINT64_MAX);
    assert_int_equal(lsb_parse_u64("0", true, &v, err, sizeof err), 0);
    assert_int_equal(v, 0);

    assert_int_equal(lsb_parse_u64("0", false, &v, err, sizeof err), -1);
    assert_contains(err, "at least 1");
    assert_int_equal(lsb_parse_u64("-5", false, &v, err, sizeof err), -1);
    assert_contains(err, "negative");
    assert_int_equal(lsb_parse_u64("abc", false, &v, err, sizeof err), -1);
    assert_contains(err, "not a number");
    assert_int_equal(lsb_parse_u64("1.5", false, &v, err, sizeof err), -1);
    assert_contains(err, "whole number");
    assert_int_equal(lsb_parse_u64("10k", false, &v, err, sizeof err), -1);
    assert_int_equal(lsb_parse_u64("99999999999999999999", false, &v, err, sizeof err), -1);
    assert_contains(err, "too large");
    assert_int_equal(lsb_parse_u64("18446744073709551616", false, &v, err, sizeof err), -1);
    assert_int_equal(lsb_parse_u64("", false, &v, err, sizeof err), -1);
    assert_int_equal(lsb_parse_u64(NULL, false, &v, err, sizeof err), -1);
    assert_int_equal(lsb_parse_u64("5_", false, &v, err, sizeof err), -1);
}

/* ---- seconds ---- */

static uint32_t secs_ok(const char *text) {
    uint32_t ms = 0;
    char err[ERR_MAX] = "";
    if (lsb_parse_seconds(text, &ms, err, sizeof err) != 0)
        fail_msg("'%s' rejected: %s", text, err);
    return ms;
}

static void secs_bad(const char *text, const char *why) {
    uint32_t ms = 777;
    char err[ERR_MAX] = "";
    assert_int_equal(lsb_parse_seconds(text, &ms, err, sizeof err), -1);
    assert_int_equal(ms, 777);
    assert_contains(err, why);
}

static void test_seconds(void **state) {
    (void)state;
    assert_int_equal(secs_ok("1"), 1000);
    assert_int_equal(secs_ok("2.5"), 2500);
    assert_int_equal(secs_ok("300"), 300000);
    assert_int_equal(secs_ok("0.001"), 1);
    assert_int_equal(secs_ok("0.25s"), 250);
    assert_int_equal(secs_ok("1.2345"), 1234); /* below a millisecond is dropped */
    assert_int_equal(secs_ok("3600"), LSB_MAX_TIMEOUT_MS);
}

static void test_seconds_rejects(void **state) {
    (void)state;
    secs_bad("0", "too short");
    secs_bad("0.0", "too short");
    secs_bad("0.0004", "too short");
    secs_bad("-1", "negative");
    secs_bad("-0.5", "negative");
    secs_bad("nan", "not a number");
    secs_bad("NaN", "not a number");
    secs_bad("inf", "not a number");
    secs_bad("abc", "not a number");
    secs_bad("", "empty");
    secs_bad("1e3", "not a number of seconds");
    secs_bad("2.5ms", "not a number of seconds");
    secs_bad("10 s", "not a number of seconds");
    secs_bad("3601", "too long");
    secs_bad("3600.001", "too long");
    secs_bad("99999999999999999999", "too large");
    secs_bad("4294967296", "too long"); /* would wrap a uint32 of ms */
}

/* ---- validation ---- */

static void validate_bad(const lsb_policy *p, const char *a, const char *b) {
    char err[ERR_MAX] = "";
    assert_int_equal(policy_validate(p, err, sizeof err), -1);
    assert_contains(err, a);
    assert_contains(err, b);
}

static void test_defaults_are_valid(void **state) {
    (void)state;
    lsb_policy p;
    char err[ERR_MAX] = "";
    memset(&p, 0xAB, sizeof p);
    lsb_policy_init(&p);
    assert_int_equal(p.fuel, LSB_DEFAULT_FUEL);
    assert_int_equal(p.memory_bytes, LSB_DEFAULT_MEMORY);
    assert_int_equal(p.timeout_ms, LSB_DEFAULT_TIMEOUT_MS);
    assert_int_equal(p.stdout_max, LSB_DEFAULT_STDOUT_MAX);
    assert_int_equal(p.stderr_max, LSB_DEFAULT_STDERR_MAX);
    assert_int_equal(p.quota_bytes, LSB_DEFAULT_QUOTA_BYTES);
    assert_int_equal(p.quota_files, LSB_DEFAULT_QUOTA_FILES);
    assert_null(p.workspace);
    assert_null(p.data_dir);
    assert_null(p.external_dir);
    assert_null(p.env);
    assert_int_equal(p.env_count, 0);
    assert_int_equal(policy_validate(&p, err, sizeof err), 0);
    assert_int_equal(policy_validate(&p, NULL, 0), 0);
}

static void test_validate_limits(void **state) {
    (void)state;
    lsb_policy p;
    lsb_policy_init(&p);
    p.fuel = 0;
    validate_bad(&p, "fuel is 0", "allowed: 1 to");
    lsb_policy_init(&p);
    p.fuel = UINT64_MAX;
    validate_bad(&p, "fuel is 18446744073709551615", "9223372036854775807");
    lsb_policy_init(&p);
    p.memory_bytes = 8ULL << 30;
    validate_bad(&p, "memory_bytes is 8589934592", "4294967296");
    lsb_policy_init(&p);
    p.memory_bytes = 4096;
    validate_bad(&p, "memory_bytes is 4096", "1048576");
    lsb_policy_init(&p);
    p.memory_bytes = LSB_MAX_MEMORY;
    assert_int_equal(policy_validate(&p, NULL, 0), 0);
    lsb_policy_init(&p);
    p.timeout_ms = 0;
    validate_bad(&p, "timeout_ms is 0", "3600000");
    lsb_policy_init(&p);
    p.timeout_ms = LSB_MAX_TIMEOUT_MS + 1;
    validate_bad(&p, "timeout_ms is 3600001", "1 to 3600000");
    lsb_policy_init(&p);
    p.stdout_max = 0;
    validate_bad(&p, "stdout_max is 0", "at least 1");
    lsb_policy_init(&p);
    p.stderr_max = 0;
    validate_bad(&p, "stderr_max is 0", "at least 1");
    lsb_policy_init(&p);
    p.quota_bytes = 0;
    validate_bad(&p, "quota_bytes is 0", "at least 1");
    lsb_policy_init(&p);
    p.quota_files = 0;
    validate_bad(&p, "quota_files is 0", "at least 1");
    lsb_policy_init(&p);
    p.workspace = "";
    validate_bad(&p, "workspace", "empty");
    assert_int_equal(policy_validate(NULL, NULL, 0), -1);
}

static void test_validate_env(void **state) {
    (void)state;
    lsb_policy p;
    const char *good[] = {"A=1", "B=", "PATH_X=a=b", "UTF=h\xC3\xA9"};
    const char *no_eq[] = {"A=1", "FOO"};
    const char *empty_key[] = {"=value"};
    const char *null_entry[] = {"A=1", NULL};
    const char *bad_utf8[] = {"A=\xff"};
    lsb_policy_init(&p);
    p.env = good, p.env_count = 4;
    assert_int_equal(policy_validate(&p, NULL, 0), 0);
    p.env = no_eq, p.env_count = 2;
    validate_bad(&p, "env[1] 'FOO'", "no '='");
    p.env = empty_key, p.env_count = 1;
    validate_bad(&p, "env[0] '=value'", "empty key");
    p.env = null_entry, p.env_count = 2;
    validate_bad(&p, "env[1]", "NULL");
    p.env = bad_utf8, p.env_count = 1;
    validate_bad(&p, "env[0]", "UTF-8");
    p.env = NULL, p.env_count = 3;
    validate_bad(&p, "env is NULL", "3");
}

static void test_validate_env_total(void **state) {
    (void)state;
    enum { N = 5 };
    static char big[N][LSB_MAX_ENV_BYTES / 4];
    const char *env[N];
    lsb_policy p;
    for (int i = 0; i < N; i++) {
        memset(big[i], 'v', sizeof big[i] - 1);
        big[i][0] = 'K', big[i][1] = '=';
        big[i][sizeof big[i] - 1] = '\0';
        env[i] = big[i];
    }
    lsb_policy_init(&p);
    p.env = env;
    p.env_count = 4; /* 4 * 16384 bytes exactly, NULs included */
    assert_int_equal(policy_validate(&p, NULL, 0), 0);
    p.env_count = N;
    validate_bad(&p, "env is larger than 65536", "env[4]");
}

/* The public bounds are those of defaults.h and policy.h, and the public
 * check is policy_validate's. */
static void test_limits(void **state) {
    (void)state;
    lsb_limits lim;
    lsb_policy p;
    char err[256];
    lsb_limits_get(&lim);
    assert_true(lim.min_memory == LSB_MIN_MEMORY);
    assert_true(lim.max_memory == LSB_MAX_MEMORY);
    assert_int_equal(lim.max_timeout_ms, LSB_MAX_TIMEOUT_MS);
    assert_true(lim.max_fuel == LSB_MAX_FUEL);
    assert_true(lim.max_code_bytes == LSB_MAX_CODE_BYTES);
    assert_true(lim.max_env_bytes == LSB_MAX_ENV_BYTES);
    static const char *const want_env[] = {LSB_BASE_ENV, NULL};
    for (size_t i = 0; i < sizeof want_env / sizeof want_env[0]; i++)
        assert_true(want_env[i] ? lim.base_env[i] && !strcmp(lim.base_env[i], want_env[i])
                                : lim.base_env[i] == NULL);
    assert_string_equal(lim.app_mount, "/app");
    lsb_policy_init(&p);
    assert_int_equal(lsb_policy_validate(&p, err, sizeof err), 0);
    p.memory_bytes = lim.max_memory + 1;
    assert_int_equal(lsb_policy_validate(&p, err, sizeof err), -1);
    assert_non_null(strstr(err, "memory_bytes"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_size_units),
        cmocka_unit_test(test_size_rejects),
        cmocka_unit_test(test_size_zero_ok),
        cmocka_unit_test(test_size_long_input_is_truncated_in_message),
        cmocka_unit_test(test_u64),
        cmocka_unit_test(test_seconds),
        cmocka_unit_test(test_seconds_rejects),
        cmocka_unit_test(test_defaults_are_valid),
        cmocka_unit_test(test_validate_limits),
        cmocka_unit_test(test_validate_env),
        cmocka_unit_test(test_validate_env_total),
        cmocka_unit_test(test_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
