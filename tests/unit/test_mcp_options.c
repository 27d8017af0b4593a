/*
 * test_mcp_options.c - the MCP server's settings: defaults, command line,
 * the INI config file (libinih) and their precedence, and every kind of
 * bad value, key and file; plus the per-client rate limiter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mcp/limits.h"
#include "mcp/options.h"
#include "mcp/ratelimit.h"

/* Parse a NULL-terminated argument list into o; returns the status. */
static int parse(mcp_options *o, char *err, size_t errlen, ...) {
    char *argv[32];
    int argc = 0;
    va_list ap;
    va_start(ap, errlen);
    for (char *a; (a = va_arg(ap, char *)) != NULL;)
        argv[argc++] = a;
    va_end(ap);
    mcp_opt_defaults(o);
    return mcp_opt_parse(o, argc, argv, err, errlen);
}

/* Write text to a fresh temporary file; returns its path (static). */
static const char *config_file(const char *text) {
    static char path[64];
    snprintf(path, sizeof path, "/tmp/lsb-mcp-conf-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void test_defaults(void **state) {
    (void)state;
    mcp_options o;
    char err[256];
    unsetenv("LSB_MCP_AUTH_TOKEN");
    assert_int_equal(parse(&o, err, sizeof err, NULL), 0);
    assert_false(o.http);
    assert_int_equal(o.max_code_bytes, LSB_MCP_MAX_CODE_BYTES);
    assert_int_equal(o.max_output_chars, 100000);
    assert_int_equal(o.max_external_mb, 50);
    assert_int_equal(o.fuel, LSB_MCP_FUEL);
    assert_string_equal(o.auth_token, "");
    /* the original's MCPConfig: 50 sessions, 600 s idle, 256 MB, 10 MB bodies */
    assert_int_equal(o.max_sessions, 50);
    assert_int_equal(o.session_ttl_s, 600);
    assert_int_equal(o.memory_bytes, 256ULL << 20);
    assert_int_equal(o.max_body_bytes, 10ULL << 20);
    assert_false(o.share_sessions);
    /* the README's HTTP front: idle connections close after 30 s */
    assert_int_equal(o.idle_timeout_s, 30);
    assert_int_equal(o.max_connections, 4096);
    assert_int_equal(o.max_connections_per_ip, 0);
    mcp_opt_free(&o);
    assert_int_equal(parse(&o, err, sizeof err, "--share-sessions", NULL), 0);
    assert_true(o.share_sessions);
    mcp_opt_free(&o);
}

static void test_command_line(void **state) {
    (void)state;
    mcp_options o;
    char err[256];
    assert_int_equal(parse(&o, err, sizeof err, "--http", "127.0.0.1:9000", "--workers=3",
                           "--max-body-size", "64KiB", "--audit-content", "--external-files",
                           "/a/x.csv", "/b/y.txt", "--allowed-origin", "https://app.example",
                           "--max-external-file-size-mb", "7", NULL),
                     0);
    assert_true(o.http);
    assert_string_equal(o.listen, "127.0.0.1:9000");
    assert_int_equal(o.workers, 3);
    assert_int_equal(o.max_body_bytes, 65536);
    assert_true(o.audit_content);
    assert_int_equal(o.external_count, 2);
    assert_string_equal(o.external_files[1], "/b/y.txt");
    assert_int_equal(o.origin_count, 1);
    assert_int_equal(o.max_external_mb, 7);
    mcp_opt_free(&o);
    assert_int_equal(
        parse(&o, err, sizeof err, "--idle-timeout", "2", "--max-connections-per-ip", "16", NULL),
        0);
    assert_int_equal(o.idle_timeout_s, 2);
    assert_int_equal(o.max_connections_per_ip, 16);
    mcp_opt_free(&o);
}

static void test_http_defaults_to_loopback(void **state) {
    (void)state;
    mcp_options o;
    char err[256];
    assert_int_equal(parse(&o, err, sizeof err, "--http", NULL), 0);
    assert_true(o.http);
    assert_string_equal(o.listen, "127.0.0.1:8080");
    mcp_opt_free(&o);
    assert_int_equal(parse(&o, err, sizeof err, "--http", "--workers", "1", NULL), 0);
    assert_string_equal(o.listen, "127.0.0.1:8080");
    mcp_opt_free(&o);
    assert_int_equal(parse(&o, err, sizeof err, "--http", "9123", NULL), 0);
    assert_string_equal(o.listen, "127.0.0.1:9123");
    mcp_opt_free(&o);
}

static void test_bad_command_lines(void **state) {
    (void)state;
    mcp_options o;
    char err[256];
    assert_int_equal(parse(&o, err, sizeof err, "--nope", NULL), -1);
    assert_non_null(strstr(err, "unknown option"));
    mcp_opt_free(&o);
    assert_int_equal(parse(&o, err, sizeof err, "--workers", "0", NULL), -1);
    assert_non_null(strstr(err, "workers"));
    mcp_opt_free(&o);
    assert_int_equal(parse(&o, err, sizeof err, "--workers", "-1", NULL), -1);
    mcp_opt_free(&o);
    assert_int_equal(parse(&o, err, sizeof err, "--default-timeout", "301", NULL), -1);
    assert_non_null(strstr(err, "between 1 and 300"));
    mcp_opt_free(&o);
    assert_int_equal(parse(&o, err, sizeof err, "--storage-dir", NULL), -1);
    assert_non_null(strstr(err, "needs a value"));
    mcp_opt_free(&o);
    assert_int_equal(parse(&o, err, sizeof err, "--external-files", NULL), -1);
    mcp_opt_free(&o);
    assert_int_equal(parse(&o, err, sizeof err, "--audit-content=maybe", NULL), -1);
    mcp_opt_free(&o);
    assert_int_equal(parse(&o, err, sizeof err, "--log-level", "loud", NULL), -1);
    mcp_opt_free(&o);
    assert_int_equal(parse(&o, err, sizeof err, "--idle-timeout", "3601", NULL), -1);
    assert_non_null(strstr(err, "idle_timeout: must be between 1 and 3600"));
    mcp_opt_free(&o);
    assert_int_equal(parse(&o, err, sizeof err, "--idle-timeout", "0", NULL), -1);
    assert_non_null(strstr(err, "idle_timeout: 0 is not allowed"));
    mcp_opt_free(&o);
    /* an allowed origin must be a whole origin: a prefix match is gone */
    const char *not_origins[] = {"https://app.example/", "app.example", "https://u@app.example",
                                 "https://app.example:0", "https://café.example"};
    for (size_t i = 0; i < sizeof not_origins / sizeof not_origins[0]; i++) {
        assert_int_equal(parse(&o, err, sizeof err, "--allowed-origin", not_origins[i], NULL), -1);
        assert_non_null(strstr(err, "is not an origin"));
        assert_int_equal(o.origin_count, 0);
        mcp_opt_free(&o);
    }
    char long_token[600];
    memset(long_token, 'k', sizeof long_token - 1);
    long_token[sizeof long_token - 1] = '\0';
    assert_int_equal(parse(&o, err, sizeof err, "--auth-token", long_token, NULL), -1);
    assert_non_null(strstr(err, "too long"));
    mcp_opt_free(&o);
}

static void test_config_file_and_precedence(void **state) {
    (void)state;
    const char *path =
        config_file("; comment\n[server]\nworkers = 4\nhttp = 0.0.0.0:7000\n"
                    "[limits]\nmax_sessions = 12\nmemory = 192MiB\n"
                    "[security]\nallowed_origin = https://a.example https://b.example\n"
                    "audit_content = true\n[external]\n"
                    "max_external_file_size_mb = 3\n");
    mcp_options o;
    char err[256];
    assert_int_equal(parse(&o, err, sizeof err, "--config", path, "--workers", "2", NULL), 0);
    assert_int_equal(o.workers, 2); /* the command line wins */
    assert_int_equal(o.max_sessions, 12);
    assert_int_equal(o.memory_bytes, 192ULL << 20);
    assert_true(o.http);
    assert_string_equal(o.listen, "0.0.0.0:7000");
    assert_int_equal(o.origin_count, 2);
    assert_true(o.audit_content);
    assert_int_equal(o.max_external_mb, 3);
    mcp_opt_free(&o);
    unlink(path);
}

static void test_bad_config_files(void **state) {
    (void)state;
    static const struct {
        const char *text, *needle;
    } cases[] = {
        {"[server]\nworkerz = 2\n", "unknown key 'workerz'"},
        {"[limits]\nworkers = 2\n", "unknown key 'workers' in section [limits]"},
        {"workers = 2\n", "unknown key"},
        {"[limits]\nmax_sessions = lots\n", "max_sessions"},
        {"[server]\nthis line has no equals sign\n", ":2:"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *path = config_file(cases[i].text);
        mcp_options o;
        char err[512] = "";
        assert_int_equal(parse(&o, err, sizeof err, "--config", path, NULL), -1);
        assert_non_null(strstr(err, cases[i].needle));
        mcp_opt_free(&o);
        unlink(path);
    }
    mcp_options o;
    char err[512];
    assert_int_equal(parse(&o, err, sizeof err, "--config", "/nonexistent/x.ini", NULL), -1);
    assert_non_null(strstr(err, "cannot open"));
    mcp_opt_free(&o);
}

static void test_token_from_environment(void **state) {
    (void)state;
    mcp_options o;
    char err[256];
    setenv("LSB_MCP_AUTH_TOKEN", "envtoken", 1);
    assert_int_equal(parse(&o, err, sizeof err, NULL), 0);
    assert_string_equal(o.auth_token, "envtoken");
    mcp_opt_free(&o);
    assert_int_equal(parse(&o, err, sizeof err, "--auth-token", "cli", NULL), 0);
    assert_string_equal(o.auth_token, "cli");
    mcp_opt_free(&o);
    unsetenv("LSB_MCP_AUTH_TOKEN");
}

static void test_rate_limit(void **state) {
    (void)state;
    mcp_rate *r = mcp_rate_new(60, 3); /* one a second, three at once */
    assert_int_equal(mcp_rate_take(r, "a", 100.0), 0);
    assert_int_equal(mcp_rate_take(r, "a", 100.0), 0);
    assert_int_equal(mcp_rate_take(r, "a", 100.0), 0);
    assert_int_equal(mcp_rate_take(r, "a", 100.0), 1); /* empty: retry after 1 s */
    assert_int_equal(mcp_rate_take(r, "b", 100.0), 0); /* another client is not affected */
    assert_int_equal(mcp_rate_take(r, "a", 101.0), 0); /* refilled */
    char key[32];
    for (int i = 0; i < 20000; i++) { /* many clients: bounded table, still answers */
        snprintf(key, sizeof key, "ip:%d", i);
        assert_int_equal(mcp_rate_take(r, key, 200.0), 0);
    }
    mcp_rate_free(r);
    mcp_rate *off = mcp_rate_new(0, 1);
    for (int i = 0; i < 100; i++)
        assert_int_equal(mcp_rate_take(off, "a", 1.0), 0);
    mcp_rate_free(off);
}

static void test_auth_failures_block(void **state) {
    (void)state;
    mcp_rate *r = mcp_rate_new(0, 1); /* the request limit off: failures still count */
    for (unsigned i = 1; i < LSB_MCP_AUTH_FAILS_MAX; i++) {
        assert_int_equal(mcp_rate_fail(r, "ip:127.0.0.1", 10.0 + i), 0);
        assert_int_equal(mcp_rate_blocked(r, "ip:127.0.0.1", 10.0 + i), 0);
    }
    /* the tenth failure within the window starts the block, reported once */
    assert_int_equal(mcp_rate_fail(r, "ip:127.0.0.1", 20.0), LSB_MCP_AUTH_BLOCK_S);
    assert_int_equal(mcp_rate_blocked(r, "ip:127.0.0.1", 20.0), LSB_MCP_AUTH_BLOCK_S);
    assert_int_equal(mcp_rate_blocked(r, "ip:127.0.0.1", 79.5), 1);
    assert_int_equal(mcp_rate_blocked(r, "ip:192.0.2.7", 30.0), 0); /* another address */
    assert_int_equal(mcp_rate_blocked(r, "ip:127.0.0.1", 80.0), 0); /* the block ends */
    /* failures spread wider than the window never block */
    for (unsigned i = 0; i < 3 * LSB_MCP_AUTH_FAILS_MAX; i++)
        assert_int_equal(mcp_rate_fail(r, "ip:198.51.100.1", 1000.0 + i * 7.0), 0);
    assert_int_equal(mcp_rate_blocked(r, "ip:198.51.100.1", 1300.0), 0);
    mcp_rate_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_command_line),
        cmocka_unit_test(test_http_defaults_to_loopback),
        cmocka_unit_test(test_bad_command_lines),
        cmocka_unit_test(test_config_file_and_precedence),
        cmocka_unit_test(test_bad_config_files),
        cmocka_unit_test(test_token_from_environment),
        cmocka_unit_test(test_rate_limit),
        cmocka_unit_test(test_auth_failures_block),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
