/*
 * test_mcp_http_input.c - the pure checks of the HTTP request path
 * (src/mcp/http_input.c): the bearer-token forms a client may send, header
 * values with optional whitespace, the body cap at its exact edge, and
 * which socket addresses count as loopback (one rate-limit key for all),
 * and the client a trusted proxy's X-Forwarded-For names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <netinet/in.h>

#include "mcp/http_input.h"

/* Whether auth passes against the configured token. */
static bool token_ok(const char *token, const char *auth) {
    uint8_t want[MCP_HTTP_DIGEST_SIZE];
    mcp_http_token_digest(token, want);
    return mcp_http_bearer_ok(auth, want);
}

static void test_bearer_forms(void **state) {
    (void)state;
    assert_true(token_ok("s3cr\xc3\xa9t", "Bearer s3cr\xc3\xa9t"));
    assert_true(token_ok("s3cret", "bearer s3cret")); /* the scheme is case-insensitive */
    assert_false(token_ok("s3cret", NULL));
    assert_false(token_ok("s3cret", "Bearer"));
    assert_false(token_ok("s3cret", "Bearer  s3cret"));
    assert_false(token_ok("s3cret", "Bearer s3cret "));
    assert_false(token_ok("s3cret", "Bearer S3CRET")); /* the token is not */
    assert_false(token_ok("s3cret", "Basic s3cret"));
    assert_false(token_ok("s3cret", "Bearer s3cre"));
    assert_false(token_ok("s3cret", "s3cret"));
}

static void test_header_whitespace(void **state) {
    (void)state;
    assert_true(mcp_http_header_equals("tools/call", "tools/call"));
    assert_true(mcp_http_header_equals(" \ttools/call\t ", "tools/call"));
    assert_false(mcp_http_header_equals("tools/cal", "tools/call"));
    assert_false(mcp_http_header_equals("tools/call2", "tools/call"));
    assert_false(mcp_http_header_equals("tools /call", "tools/call"));
    assert_false(mcp_http_header_equals("\ntools/call", "tools/call"));
    assert_true(mcp_http_header_equals("  ", ""));
}

static void test_body_cap_edge(void **state) {
    (void)state;
    mcp_http_body b = {0};
    mcp_http_body_append(&b, "héllo", 6, 10);
    mcp_http_body_append(&b, "", 0, 10);
    mcp_http_body_append(&b, "abcd", 4, 10); /* exactly the cap */
    assert_false(b.too_large);
    assert_int_equal(b.len, 10);
    assert_string_equal(b.data, "héllo"
                                "abcd");
    mcp_http_body_append(&b, "x", 1, 10); /* one byte past it */
    assert_true(b.too_large);
    assert_null(b.data);
    mcp_http_body_append(&b, "y", 1, 10); /* later chunks are dropped */
    assert_true(b.too_large);
    assert_int_equal(b.len, 0);
    mcp_http_body_free(&b);
    assert_false(b.too_large);
    mcp_http_body_append(&b, "z", 1, 0);
    assert_true(b.too_large);
    mcp_http_body_free(&b);
}

static void test_body_many_chunks(void **state) {
    (void)state;
    enum { TOTAL = 1 << 20 };
    mcp_http_body b = {0};
    for (size_t i = 0; i < TOTAL; i++)
        mcp_http_body_append(&b, &"0123456789"[i % 10], 1, TOTAL);
    assert_false(b.too_large);
    assert_int_equal(b.len, TOTAL);
    assert_int_equal(b.data[TOTAL - 1], '0' + (TOTAL - 1) % 10);
    assert_int_equal(b.data[TOTAL], '\0');
    mcp_http_body_free(&b);
}

/* Whether the textual address (v4 or v6) is loopback, at full length. */
static bool addr_loopback(const char *text) {
    struct sockaddr_in v4 = {.sin_family = AF_INET};
    struct sockaddr_in6 v6 = {.sin6_family = AF_INET6};
    if (inet_pton(AF_INET, text, &v4.sin_addr) == 1)
        return mcp_http_sockaddr_loopback((struct sockaddr *)&v4, sizeof v4);
    assert_int_equal(inet_pton(AF_INET6, text, &v6.sin6_addr), 1);
    return mcp_http_sockaddr_loopback((struct sockaddr *)&v6, sizeof v6);
}

static void test_loopback_addresses(void **state) {
    (void)state;
    assert_true(addr_loopback("127.0.0.1"));
    assert_true(addr_loopback("127.255.3.4"));
    assert_true(addr_loopback("::1"));
    assert_true(addr_loopback("::ffff:127.0.0.9"));
    assert_false(addr_loopback("128.0.0.1"));
    assert_false(addr_loopback("10.0.0.127"));
    assert_false(addr_loopback("::2"));
    assert_false(addr_loopback("::ffff:10.0.0.1"));
    assert_false(addr_loopback("::127.0.0.1")); /* IPv4-compatible, not mapped */
    struct sockaddr_in v4 = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
    assert_false(mcp_http_sockaddr_loopback((struct sockaddr *)&v4, sizeof v4 - 9));
    assert_false(mcp_http_sockaddr_loopback(NULL, sizeof v4));
}

/* The client a trusted proxy names, or "-" when none. */
static const char *forwarded(const char *xff) {
    static char out[MCP_HTTP_IP_MAX];
    return mcp_http_forwarded_client(xff, out) == 0 ? out : "-";
}

static void test_forwarded_for(void **state) {
    (void)state;
    assert_string_equal(forwarded("10.1.2.3"), "10.1.2.3");
    assert_string_equal(forwarded("6.6.6.6, 10.1.2.3"), "10.1.2.3"); /* the proxy's own element */
    assert_string_equal(forwarded("6.6.6.6,\t2001:DB8::1 "), "2001:db8::1");
    assert_string_equal(forwarded("::ffff:192.0.2.7"), "192.0.2.7");
    assert_string_equal(forwarded("10.1.2.3, garbage"), "-");
    assert_string_equal(forwarded("10.1.2.3,"), "-");
    assert_string_equal(forwarded(""), "-");
    assert_string_equal(forwarded(NULL), "-");
    assert_string_equal(forwarded("10.1.2.3:8080"), "-");
    assert_string_equal(forwarded("caf\xc3\xa9"), "-");
    char out[MCP_HTTP_IP_MAX];
    assert_int_equal(mcp_http_ip_canon("127.000.0.1", out), -1); /* no leading zeros */
    assert_int_equal(mcp_http_ip_canon("::FFFF:127.0.0.1", out), 0);
    assert_string_equal(out, "127.0.0.1");
    assert_true(mcp_http_ip_loopback(out));
    assert_true(mcp_http_ip_loopback("::1"));
    assert_false(mcp_http_ip_loopback("10.0.0.1"));
    struct sockaddr_in6 v6 = {.sin6_family = AF_INET6};
    inet_pton(AF_INET6, "::ffff:10.0.0.5", &v6.sin6_addr);
    assert_int_equal(mcp_http_sockaddr_text((struct sockaddr *)&v6, sizeof v6, out), 0);
    assert_string_equal(out, "10.0.0.5");
    assert_int_equal(mcp_http_sockaddr_text((struct sockaddr *)&v6, sizeof v6 - 1, out), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bearer_forms),       cmocka_unit_test(test_header_whitespace),
        cmocka_unit_test(test_body_cap_edge),      cmocka_unit_test(test_body_many_chunks),
        cmocka_unit_test(test_loopback_addresses), cmocka_unit_test(test_forwarded_for),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
