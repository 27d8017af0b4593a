/*
 * test_mcp_http_origin.c - the strict Origin and Host parsers behind the
 * HTTP transport's DNS-rebinding checks: the four forms the audit found
 * accepted (a host that only starts like a loopback one, userinfo, text
 * after an IPv6 literal, a port that is not digits) and the valid ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mcp/origin.h"

/* Whether Host text parses and names loopback. */
static bool host_is_loopback(const char *text) {
    mcp_authority a;
    return mcp_origin_parse_host(text, &a) == 0 && mcp_origin_is_loopback(a.host);
}

/* Whether Origin text parses and names loopback. */
static bool origin_is_loopback(const char *text) {
    mcp_authority a;
    char scheme[32];
    return mcp_origin_parse(text, scheme, sizeof scheme, &a) == 0 && mcp_origin_is_loopback(a.host);
}

static void test_audit_forms_refused(void **state) {
    (void)state;
    mcp_authority a;
    char scheme[32];
    /* the four forms the audit found accepted */
    assert_int_equal(mcp_origin_parse("http://[::1].evil.com", scheme, sizeof scheme, &a), -1);
    assert_int_equal(mcp_origin_parse("http://localhost:1@evil.com", scheme, sizeof scheme, &a),
                     -1);
    assert_int_equal(mcp_origin_parse_host("[::1]evil", &a), -1);
    assert_int_equal(mcp_origin_parse_host("localhost:1.evil.com", &a), -1);
    assert_false(origin_is_loopback("http://[::1].evil.com"));
    assert_false(origin_is_loopback("http://localhost:1@evil.com"));
    assert_false(host_is_loopback("[::1]evil"));
    assert_false(host_is_loopback("localhost:1.evil.com"));
}

static void test_other_bad_forms(void **state) {
    (void)state;
    mcp_authority a;
    char scheme[32];
    const char *hosts[] = {"",
                           ":8080",
                           "localhost:",
                           "localhost:0",
                           "localhost:65536",
                           "localhost:+80",
                           "localhost:8080/x",
                           "localhost :80",
                           "user@localhost",
                           "[::1",
                           "[]",
                           "[::1]:",
                           "[::1]:80:81",
                           "[not-v6]",
                           "café.example",
                           "localhost\t"};
    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
        if (mcp_origin_parse_host(hosts[i], &a) == 0) fail_msg("Host '%s' parsed", hosts[i]);
    }
    const char *origins[] = {"null",
                             "localhost",
                             "://localhost",
                             "http:/localhost",
                             "http://",
                             "http://localhost/",
                             "http://localhost?x",
                             "http://localhost#x",
                             "http://user:pw@localhost",
                             "http://@localhost",
                             "1http://localhost",
                             "ht tp://localhost",
                             "http://localhost:99999",
                             "http://日本.example"};
    for (size_t i = 0; i < sizeof origins / sizeof origins[0]; i++) {
        if (mcp_origin_parse(origins[i], scheme, sizeof scheme, &a) == 0)
            fail_msg("Origin '%s' parsed", origins[i]);
    }
}

static void test_valid_forms(void **state) {
    (void)state;
    mcp_authority a;
    char scheme[32];
    assert_int_equal(mcp_origin_parse_host("localhost:8080", &a), 0);
    assert_string_equal(a.host, "localhost");
    assert_int_equal(a.port, 8080);
    assert_int_equal(mcp_origin_parse_host("[::1]:65535", &a), 0);
    assert_string_equal(a.host, "[::1]");
    assert_int_equal(a.port, 65535);
    assert_int_equal(mcp_origin_parse_host("127.0.0.1", &a), 0);
    assert_int_equal(a.port, 0);
    assert_int_equal(mcp_origin_parse("https://App.Example.com:8443", scheme, sizeof scheme, &a),
                     0);
    assert_string_equal(scheme, "https");
    assert_string_equal(a.host, "App.Example.com");
    assert_int_equal(a.port, 8443);
    assert_true(host_is_loopback("LOCALHOST:1"));
    assert_true(host_is_loopback("127.0.0.1:8080"));
    assert_true(host_is_loopback("127.8.9.10"));
    assert_true(host_is_loopback("[::1]"));
    assert_true(host_is_loopback("[0:0:0:0:0:0:0:1]:80"));
    assert_true(origin_is_loopback("http://localhost:5173"));
    assert_true(origin_is_loopback("http://[::1]:8080"));
    assert_true(origin_is_loopback("https://127.0.0.1"));
    assert_false(host_is_loopback("localhost.evil.com"));
    assert_false(host_is_loopback("128.0.0.1"));
    assert_false(host_is_loopback("[::2]"));
    assert_false(host_is_loopback("127.0.0.1.evil.com"));
    assert_false(origin_is_loopback("http://localhostevil.com"));
}

static void test_same_origin(void **state) {
    (void)state;
    assert_true(mcp_origin_same("https://app.example.com", "HTTPS://App.Example.COM"));
    assert_true(mcp_origin_same("https://app.example.com", "https://app.example.com:443"));
    assert_true(mcp_origin_same("http://app.example.com:80", "http://app.example.com"));
    assert_false(mcp_origin_same("https://app.example.com", "http://app.example.com"));
    assert_false(mcp_origin_same("https://app.example.com", "https://app.example.com:8443"));
    assert_false(mcp_origin_same("https://app.example.com", "https://app.example.com.evil.com"));
    assert_false(mcp_origin_same("https://app.example.com", "https://evil@app.example.com"));
    assert_false(mcp_origin_same("https://app.example.com", "https://app.example.com/"));
    assert_false(mcp_origin_same("null", "null"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_audit_forms_refused),
        cmocka_unit_test(test_other_bad_forms),
        cmocka_unit_test(test_valid_forms),
        cmocka_unit_test(test_same_origin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
