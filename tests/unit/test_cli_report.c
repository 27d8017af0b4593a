/*
 * test_cli_report.c - unit tests of src/cli/report.c: the exit status for
 * every outcome, the one-line trap reasons, and the order and content of
 * what `llm-sandbox run` prints with and without --json, and the terminal
 * escaper (cli/tty.c) under every way of cutting the text into chunks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/exitcodes.h"
#include "cli/report.h"
#include "cli/tty.h"

static void assert_contains(const char *haystack, const char *needle) {
    if (!strstr(haystack, needle)) fail_msg("expected \"%s\" in \"%s\"", needle, haystack);
}

static lsb_result result(int exit_code, lsb_trap trap) {
    lsb_result r;
    memset(&r, 0, sizeof r);
    r.exit_code = exit_code;
    r.trap = trap;
    r.success = exit_code == 0 && trap == LSB_TRAP_NONE;
    r.fuel_budget = 5000000000ULL;
    r.memory_limit_bytes = 64ULL << 20;
    return r;
}

static void test_exit_status(void **state) {
    (void)state;
    static const struct {
        int code;
        lsb_trap trap;
        int want;
    } cases[] = {
        {0, LSB_TRAP_NONE, CLI_EXIT_OK},
        {1, LSB_TRAP_NONE, 1},
        {3, LSB_TRAP_NONE, 3},
        {119, LSB_TRAP_NONE, 119},
        {120, LSB_TRAP_NONE, CLI_EXIT_GUEST_ERROR}, /* never mistaken for a trap */
        {124, LSB_TRAP_NONE, CLI_EXIT_GUEST_ERROR},
        {256, LSB_TRAP_NONE, CLI_EXIT_GUEST_ERROR}, /* would be 0 modulo 256 */
        {-1, LSB_TRAP_NONE, CLI_EXIT_GUEST_ERROR},
        {0, LSB_TRAP_OUT_OF_FUEL, CLI_EXIT_OUT_OF_FUEL},
        {0, LSB_TRAP_TIMEOUT, CLI_EXIT_TIMEOUT},
        {0, LSB_TRAP_MEMORY, CLI_EXIT_MEMORY},
        {0, LSB_TRAP_STACK_OVERFLOW, CLI_EXIT_STACK_OVERFLOW},
        {0, LSB_TRAP_TRAP, CLI_EXIT_TRAP},
        {0, LSB_TRAP_KILLED, CLI_EXIT_KILLED},
        {7, LSB_TRAP_TIMEOUT, CLI_EXIT_TIMEOUT}, /* the trap wins */
        {0, (lsb_trap)99, CLI_EXIT_TRAP},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lsb_result r = result(cases[i].code, cases[i].trap);
        if (cli_exit_status(&r) != cases[i].want)
            fail_msg("case %zu: exit %d, want %d", i, cli_exit_status(&r), cases[i].want);
    }
    lsb_result r = result(0, LSB_TRAP_NONE);
    r.success = false; /* inconsistent, but a failure must not exit 0 */
    assert_int_equal(cli_exit_status(&r), CLI_EXIT_GUEST_ERROR);
    assert_int_equal(CLI_EXIT_USAGE, 64);
    assert_int_equal(CLI_EXIT_NOINPUT, 66);
    assert_int_equal(CLI_EXIT_SOFTWARE, 70);
}

static void test_trap_reasons(void **state) {
    (void)state;
    char buf[CLI_REASON_MAX];
    lsb_result r = result(0, LSB_TRAP_NONE);
    assert_false(cli_trap_reason(&r, buf, sizeof buf));
    r = result(0, LSB_TRAP_OUT_OF_FUEL);
    r.fuel_consumed = 5000000000ULL;
    assert_true(cli_trap_reason(&r, buf, sizeof buf));
    assert_string_equal(buf, "out of fuel after 5000000000 instructions (raise --fuel)");
    r = result(0, LSB_TRAP_TIMEOUT);
    r.duration_ms = 30012;
    assert_true(cli_trap_reason(&r, buf, sizeof buf));
    assert_string_equal(buf, "timed out after 30.0 seconds (raise --timeout)");
    r = result(0, LSB_TRAP_MEMORY);
    assert_true(cli_trap_reason(&r, buf, sizeof buf));
    assert_string_equal(buf, "memory limit of 64 MiB exceeded (raise --memory)");
    r.memory_limit_bytes = 1000;
    assert_true(cli_trap_reason(&r, buf, sizeof buf));
    assert_contains(buf, "1000 bytes");
    r = result(0, LSB_TRAP_STACK_OVERFLOW);
    assert_true(cli_trap_reason(&r, buf, sizeof buf));
    assert_contains(buf, "stack overflow");
    r = result(0, LSB_TRAP_TRAP);
    assert_true(cli_trap_reason(&r, buf, sizeof buf));
    assert_contains(buf, "trapped");
    r.error_message = "integer divide by zero";
    assert_true(cli_trap_reason(&r, buf, sizeof buf));
    assert_contains(buf, "integer divide by zero");
    r = result(0, LSB_TRAP_KILLED);
    assert_true(cli_trap_reason(&r, buf, sizeof buf));
    assert_contains(buf, "killed");
}

/* Run a report into memory streams; returns the status. */
static int capture(const lsb_result *r, bool json, char **out, char **err) {
    size_t olen, elen;
    FILE *o = open_memstream(out, &olen), *e = open_memstream(err, &elen);
    int st = json ? cli_report_json(r, o, e) : cli_report_plain(r, o, e);
    fclose(o);
    fclose(e);
    return st;
}

static void test_plain_output(void **state) {
    (void)state;
    char *out, *err;
    lsb_result r = result(0, LSB_TRAP_OUT_OF_FUEL);
    char so[] = "partial\xff\n", se[] = "warn\n";
    r.stdout_data = so, r.stdout_len = sizeof so - 1;
    r.stderr_data = se, r.stderr_len = sizeof se - 1;
    r.stdout_truncated = true;
    r.fuel_consumed = 42;
    assert_int_equal(capture(&r, false, &out, &err), CLI_EXIT_OUT_OF_FUEL);
    assert_string_equal(out, so); /* bytes unchanged */
    assert_string_equal(err,
                        "warn\n"
                        "llm-sandbox: stdout was truncated after 9 bytes (raise --stdout-max)\n"
                        "llm-sandbox: out of fuel after 42 instructions (raise --fuel)\n");
    free(out);
    free(err);
    r = result(0, LSB_TRAP_NONE);
    assert_int_equal(capture(&r, false, &out, &err), 0);
    assert_string_equal(out, "");
    assert_string_equal(err, "");
    free(out);
    free(err);
}

static void test_json_output(void **state) {
    (void)state;
    char *out, *err;
    lsb_result r = result(3, LSB_TRAP_NONE);
    char so[] = "x\xff";
    r.stdout_data = so, r.stdout_len = 2;
    assert_int_equal(capture(&r, true, &out, &err), 3); /* same status as plain */
    size_t n = strlen(out);
    assert_true(n > 2);
    assert_int_equal(out[0], '{');
    assert_int_equal(out[n - 1], '\n');
    assert_int_equal(strchr(out, '\n') - out, (long)n - 1); /* one line */
    assert_contains(out, "\"exit_code\":3");
    assert_contains(out, "\"stdout\":\"x\xEF\xBF\xBD\"");
    assert_string_equal(err, ""); /* no reason line in JSON mode */
    free(out);
    free(err);
    r = result(0, LSB_TRAP_TIMEOUT);
    assert_int_equal(capture(&r, true, &out, &err), CLI_EXIT_TIMEOUT);
    assert_contains(out, "\"trap_reason\":\"timeout\"");
    assert_string_equal(err, "");
    free(out);
    free(err);
}

/* Escape text cut into chunks of at most `chunk` bytes (0: one chunk). */
static char *escaped(const char *text, size_t len, size_t chunk, bool escape) {
    char *buf;
    size_t blen;
    FILE *f = open_memstream(&buf, &blen);
    cli_tty t = {.escape = escape};
    for (size_t at = 0; at < len;) {
        size_t n = chunk == 0 || len - at < chunk ? len - at : chunk;
        cli_tty_write(&t, f, text + at, n);
        at += n;
    }
    cli_tty_finish(&t, f);
    fclose(f);
    return buf;
}

static void test_tty_escaping(void **state) {
    (void)state;
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"plain café ☕ 日本\n\ttab", "plain café ☕ 日本\n\ttab"},
        {"\x1b]52;c;aGk=\x07", "\\x1b]52;c;aGk=\\x07"}, /* OSC 52: the clipboard */
        {"\x1b]0;title\x1b\\", "\\x1b]0;title\\x1b\\"}, /* window title */
        {"a\x1b[2Jb", "a\\x1b[2Jb"},                    /* clear screen */
        {"crlf\r\nlone\rcr\r", "crlf\r\nlone\\x0dcr\\x0d"},
        {"del\x7f nul", "del\\x7f nul"},
        {"c1 \xc2\x9b"
         "6n \xc2\x85",
         "c1 \\u009b6n \\u0085"},                               /* C1 CSI, NEL */
        {"nbsp\xc2\xa0ok", "nbsp\xc2\xa0ok"},                   /* U+00A0 is text */
        {"bad \xff\x9b \xe2\x98", "bad \\xff\\x9b \\xe2\\x98"}, /* invalid bytes */
        {"over\xc0\xaf", "over\\xc0\\xaf"},                     /* overlong "/" */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len = strlen(cases[i].in);
        for (size_t chunk = 0; chunk <= 4; chunk++) {
            char *got = escaped(cases[i].in, len, chunk, true);
            if (strcmp(got, cases[i].want) != 0)
                fail_msg("case %zu, chunks of %zu: got [%s], want [%s]", i, chunk, got,
                         cases[i].want);
            free(got);
        }
        char *raw = escaped(cases[i].in, len, 1, false); /* a pipe, or --raw */
        assert_string_equal(raw, cases[i].in);
        free(raw);
    }
    char nul[] = "a\0b";
    char *got = escaped(nul, 3, 0, true);
    assert_string_equal(got, "a\\x00b");
    free(got);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exit_status),  cmocka_unit_test(test_trap_reasons),
        cmocka_unit_test(test_plain_output), cmocka_unit_test(test_json_output),
        cmocka_unit_test(test_tty_escaping),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
