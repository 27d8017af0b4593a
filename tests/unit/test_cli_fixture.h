/*
 * test_cli_fixture.h - shared fixture for the command-line unit tests
 * (test_args.c, test_session_args.c): a temporary folder made by setup and
 * removed by teardown, temp files in it, cli_parse over a NULL-terminated
 * argument list after a fixed prefix, and assert_contains. Header-only:
 * each test binary includes it once, after <cmocka.h>.
 */
#ifndef TEST_CLI_FIXTURE_H
#define TEST_CLI_FIXTURE_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/args.h"

#define CLI_TEST_MAX_ARGS 64

static char tmpdir[] = "/tmp/lsb_test_cli_XXXXXX";

static void assert_contains(const char *haystack, const char *needle) {
    if (!strstr(haystack, needle)) fail_msg("expected \"%s\" in \"%s\"", needle, haystack);
}

/* cli_parse of "llm-sandbox", then the NULL-terminated prefix, then first
 * and the NULL-terminated arguments in ap; stdin reads from `in` (may be
 * NULL). Returns cli_parse's status, with its message in err. */
static int cli_test_vparse(cli_args *a, char *err, FILE *in, const char *const *prefix,
                           const char *first, va_list ap) {
    char *argv[CLI_TEST_MAX_ARGS];
    int argc = 0;
    argv[argc++] = "llm-sandbox";
    for (int i = 0; prefix[i]; i++)
        argv[argc++] = (char *)prefix[i];
    for (const char *s = first; s; s = va_arg(ap, const char *)) {
        assert_true(argc < CLI_TEST_MAX_ARGS - 1);
        argv[argc++] = (char *)s;
    }
    argv[argc] = NULL;
    err[0] = '\0';
    return cli_parse(argc, argv, in, a, err, CLI_ERR_MAX);
}

/* Write a temp file holding n bytes of data; returns its path (static). */
static const char *temp_file_n(const char *name, const char *data, size_t n) {
    static char path[4][256];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, sizeof path[0], "%s/%s", tmpdir, name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
    return p;
}

static int setup(void **state) {
    (void)state;
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

#endif
