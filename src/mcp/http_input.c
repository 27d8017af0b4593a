/*
 * http_input.c - the pure checks of the HTTP request path: bearer token,
 * header comparison, body gathering under a cap, loopback addresses and
 * the client a trusted proxy names in X-Forwarded-For (see
 * http_input.h). Nothing here touches a connection; tests/fuzz/
 * fuzz_http_input.c drives every function with arbitrary bytes.
 */
#include "mcp/http_input.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <nettle/memops.h>
#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HTTP_BEARER_PREFIX "Bearer "
#define HTTP_BODY_MIN_SIZE 1024 /* the first allocation of a body */

_Static_assert(MCP_HTTP_DIGEST_SIZE == SHA256_DIGEST_SIZE, "the token digest is a SHA-256");

/* The SHA-256 of text into digest. */
void mcp_http_token_digest(const char *text, uint8_t digest[MCP_HTTP_DIGEST_SIZE]) {
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, strlen(text), (const uint8_t *)text);
    sha256_digest(&ctx, SHA256_DIGEST_SIZE, digest);
}

/* "Bearer <token>" whose token hashes to want; constant-time compare. */
bool mcp_http_bearer_ok(const char *authorization, const uint8_t want[MCP_HTTP_DIGEST_SIZE]) {
    size_t prefix = strlen(HTTP_BEARER_PREFIX);
    if (authorization == NULL || strncasecmp(authorization, HTTP_BEARER_PREFIX, prefix) != 0)
        return false;
    uint8_t digest[MCP_HTTP_DIGEST_SIZE];
    mcp_http_token_digest(authorization + prefix, digest);
    return memeql_sec(digest, want, MCP_HTTP_DIGEST_SIZE) != 0;
}

/* h equals want once HTTP optional whitespace around h is ignored. */
bool mcp_http_header_equals(const char *h, const char *want) {
    while (*h == ' ' || *h == '\t')
        h++;
    size_t n = strlen(h);
    while (n > 0 && (h[n - 1] == ' ' || h[n - 1] == '\t'))
        n--;
    return n == strlen(want) && memcmp(h, want, n) == 0;
}

/* Give up on b: free its bytes and drop every later chunk. */
static void body_refuse(mcp_http_body *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->size = 0;
    b->too_large = true;
}

/* Make room in b for need bytes plus the NUL, doubling; false when out
 * of memory. */
static bool body_reserve(mcp_http_body *b, size_t need) {
    if (need < b->size) return true;
    size_t size = b->size ? b->size : HTTP_BODY_MIN_SIZE;
    while (size <= need)
        size = size > SIZE_MAX / 2 ? need + 1 : size * 2;
    char *grown = realloc(b->data, size);
    if (grown == NULL) return false;
    b->data = grown;
    b->size = size;
    return true;
}

/* Append a chunk while the body stays within cap (see http_input.h). */
void mcp_http_body_append(mcp_http_body *b, const char *data, size_t n, uint64_t cap) {
    if (b->too_large || n == 0) return;
    if ((uint64_t)b->len > cap || (uint64_t)n > cap - b->len || !body_reserve(b, b->len + n)) {
        body_refuse(b);
        return;
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
}

/* Free b's bytes and zero it. */
void mcp_http_body_free(mcp_http_body *b) {
    free(b->data);
    memset(b, 0, sizeof *b);
}

/* 127.0.0.0/8, ::1 or ::ffff:127.x.y.z: its canonical text (which writes
 * an IPv4-mapped address as IPv4) judged by mcp_http_ip_loopback. */
bool mcp_http_sockaddr_loopback(const struct sockaddr *sa, size_t len) {
    char text[MCP_HTTP_IP_MAX];
    return mcp_http_sockaddr_text(sa, len, text) == 0 && mcp_http_ip_loopback(text);
}

/* See http_input.h. */
int mcp_http_ip_canon(const char *text, char out[MCP_HTTP_IP_MAX]) {
    struct in_addr v4;
    struct in6_addr v6;
    if (inet_pton(AF_INET, text, &v4) == 1)
        return inet_ntop(AF_INET, &v4, out, MCP_HTTP_IP_MAX) ? 0 : -1;
    if (inet_pton(AF_INET6, text, &v6) != 1) return -1;
    if (IN6_IS_ADDR_V4MAPPED(&v6))
        return inet_ntop(AF_INET, &v6.s6_addr[12], out, MCP_HTTP_IP_MAX) ? 0 : -1;
    return inet_ntop(AF_INET6, &v6, out, MCP_HTTP_IP_MAX) ? 0 : -1;
}

/* See http_input.h. */
int mcp_http_sockaddr_text(const struct sockaddr *sa, size_t len, char out[MCP_HTTP_IP_MAX]) {
    char raw[MCP_HTTP_IP_MAX];
    if (sa == NULL || len < sizeof(sa_family_t)) return -1;
    if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in))
        return inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, MCP_HTTP_IP_MAX)
                   ? 0
                   : -1;
    if (sa->sa_family != AF_INET6 || len < sizeof(struct sockaddr_in6) ||
        !inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, raw, sizeof raw))
        return -1;
    return mcp_http_ip_canon(raw, out);
}

/* See http_input.h. */
bool mcp_http_ip_loopback(const char *canon) {
    struct in_addr v4;
    if (inet_pton(AF_INET, canon, &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
    return strcmp(canon, "::1") == 0;
}

/* See http_input.h. */
int mcp_http_forwarded_client(const char *xff, char out[MCP_HTTP_IP_MAX]) {
    if (xff == NULL) return -1;
    const char *last = strrchr(xff, ',');
    last = last ? last + 1 : xff;
    while (*last == ' ' || *last == '\t')
        last++;
    size_t n = strlen(last);
    while (n > 0 && (last[n - 1] == ' ' || last[n - 1] == '\t'))
        n--;
    char text[MCP_HTTP_IP_MAX];
    if (n == 0 || n >= sizeof text) return -1;
    memcpy(text, last, n);
    text[n] = '\0';
    return mcp_http_ip_canon(text, out);
}
