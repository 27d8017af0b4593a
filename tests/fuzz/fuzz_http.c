/*
 * fuzz_http.c - the pure parts of the HTTP request path: the Origin and
 * Host header parsers and the loopback test behind the DNS-rebinding
 * check (src/mcp/origin.c), and the routing facts the transport reads off
 * a parsed body before it picks a protocol session (mcp_proto_peek).
 *
 * Proves: no header value or body crashes them; an accepted host is a
 * whole host (name characters, or a bracketed IPv6 literal) with a port in
 * 1-65535 or none, so userinfo, paths and suffixes like
 * "http://[::1].evil.com" never pass; a host called loopback really is one
 * (localhost, 127/8 or ::1); origin comparison is reflexive for every
 * origin that parses and symmetric; peek facts are terminated strings.
 */
#include <arpa/inet.h>
#include <strings.h>

#include "fuzz.h"
#include "mcp/origin.h"
#include "mcp/protocol.h"

/* An accepted host is a name or a bracketed IPv6 literal, nothing more. */
static void check_host(const mcp_authority *a) {
    size_t n = strlen(a->host);
    FZ_CHECK(n > 0 && n < sizeof a->host && a->port <= 65535);
    if (a->host[0] == '[') {
        char inner[INET6_ADDRSTRLEN];
        struct in6_addr v6;
        FZ_CHECK(n >= 3 && a->host[n - 1] == ']' && n - 2 < sizeof inner);
        snprintf(inner, sizeof inner, "%.*s", (int)(n - 2), a->host + 1);
        FZ_CHECK(inet_pton(AF_INET6, inner, &v6) == 1);
        return;
    }
    FZ_CHECK(strspn(a->host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") ==
             n);
}

/* A loopback host is localhost, 127/8 or ::1 and nothing else. */
static void check_loopback(const char *host) {
    if (!mcp_origin_is_loopback(host)) return;
    struct in_addr v4;
    int ok = strcasecmp(host, "localhost") == 0 ||
             (inet_pton(AF_INET, host, &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127) ||
             host[0] == '[';
    FZ_CHECK(ok);
}

/* One header value as a Host and as an Origin. */
static void check_value(const char *text) {
    mcp_authority a;
    char scheme[32];
    if (mcp_origin_parse_host(text, &a) == 0) {
        check_host(&a);
        check_loopback(a.host);
        FZ_CHECK(strpbrk(text, "@/?# ") == NULL);
    }
    if (mcp_origin_parse(text, scheme, sizeof scheme, &a) == 0) {
        check_host(&a);
        check_loopback(a.host);
        FZ_CHECK(strchr(text, '@') == NULL && strstr(text, "://") != NULL);
        FZ_CHECK(mcp_origin_same(text, text));
    } else {
        FZ_CHECK(!mcp_origin_same(text, text));
    }
}

/* The odd forms the audit found accepted must stay refused. */
int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    static const char *odd[] = {"http://[::1].evil.com", "http://localhost:1@evil.com",
                                "http://[::1]evil", "http://localhost:1.evil.com"};
    mcp_authority a;
    char scheme[32];
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        FZ_CHECK(mcp_origin_parse(odd[i], scheme, sizeof scheme, &a) != 0);
        FZ_CHECK(mcp_origin_parse_host(odd[i] + 7, &a) != 0);
    }
    return 0;
}

/* Input: two header values separated by a NUL byte; the whole input is
 * also read as a JSON body for mcp_proto_peek. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_in in = {data, size};
    char *a = fz_text(&in), *b = fz_text(&in);
    check_value(a);
    check_value(b);
    FZ_CHECK(mcp_origin_same(a, b) == mcp_origin_same(b, a));
    free(a);
    free(b);
    json_t *body = json_loadb((const char *)data, size, 0, NULL);
    mcp_peek pk;
    mcp_proto_peek(body, &pk);
    FZ_CHECK(memchr(pk.method, '\0', sizeof pk.method) && memchr(pk.name, '\0', sizeof pk.name));
    FZ_CHECK(memchr(pk.id, '\0', sizeof pk.id) != NULL);
    FZ_CHECK(!pk.batch || json_is_array(body));
    json_decref(body);
    return 0;
}
