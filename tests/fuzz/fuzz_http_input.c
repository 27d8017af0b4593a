/*
 * fuzz_http_input.c - the pure checks of the HTTP request path
 * (src/mcp/http_input.c): the bearer-token check, header comparison with
 * optional whitespace, body gathering under the cap, loopback addresses.
 *
 * Proves: no bytes crash them; a token is accepted exactly when the header
 * is "Bearer " (any case) followed by the configured token, byte for byte;
 * header comparison equals trimming spaces and tabs and comparing; a body
 * gathered from any chunk sequence under any cap is either the exact
 * concatenation, NUL-terminated and within the cap, or refused with
 * nothing kept once a chunk would pass the cap; an address is loopback
 * exactly when it is a full-length 127/8, ::1 or ::ffff:127/104 address;
 * the client a trusted proxy names is a canonical address from the last
 * element of X-Forwarded-For.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <strings.h>

#include "fuzz.h"
#include "mcp/http_input.h"

/* The token check against its plain definition. */
static void check_token(const char *token, const char *auth) {
    uint8_t want[MCP_HTTP_DIGEST_SIZE];
    mcp_http_token_digest(token, want);
    bool plain = strncasecmp(auth, "Bearer ", 7) == 0 && strcmp(auth + 7, token) == 0;
    FZ_CHECK(mcp_http_bearer_ok(auth, want) == plain);
    FZ_CHECK(!mcp_http_bearer_ok(NULL, want));
    size_t n = strlen(token);
    char *good = malloc(n + 8);
    if (good == NULL) abort();
    memcpy(good, "bEaReR ", 7);
    memcpy(good + 7, token, n + 1);
    FZ_CHECK(mcp_http_bearer_ok(good, want));
    free(good);
}

/* Header comparison against trimming by hand from both ends. */
static void check_header(const char *h, const char *want) {
    size_t lo = 0, hi = strlen(h);
    while (lo < hi && (h[lo] == ' ' || h[lo] == '\t'))
        lo++;
    while (hi > lo && (h[hi - 1] == ' ' || h[hi - 1] == '\t'))
        hi--;
    bool plain = hi - lo == strlen(want) && strncmp(h + lo, want, hi - lo) == 0;
    FZ_CHECK(mcp_http_header_equals(h, want) == plain);
}

/* A body gathered from chunks (2-byte lengths off the input) under cap. */
static void check_body(fz_in *in, uint64_t cap) {
    mcp_http_body b = {0};
    uint8_t *copy = malloc(in->len + 1);
    size_t total = 0;
    bool over = false;
    if (copy == NULL) abort();
    while (in->len > 0) {
        size_t n = fz_u8(in) | (size_t)fz_u8(in) << 8;
        n = n < in->len ? n : in->len;
        if (!over && total + n > cap && n > 0) over = true;
        if (!over) memcpy(copy + total, in->p, n), total += n;
        mcp_http_body_append(&b, (const char *)in->p, n, cap);
        in->p += n, in->len -= n;
        FZ_CHECK(b.too_large == over);
        if (over)
            FZ_CHECK(b.data == NULL && b.len == 0);
        else
            FZ_CHECK(b.len == total && b.len <= cap &&
                     (total == 0 || (b.size > b.len && b.data[b.len] == '\0' &&
                                     memcmp(b.data, copy, total) == 0)));
    }
    mcp_http_body_free(&b);
    FZ_CHECK(b.data == NULL && b.len == 0 && !b.too_large);
    free(copy);
}

/* Loopback addresses against the address bytes. */
static void check_sockaddr(fz_in *in) {
    struct sockaddr_storage ss;
    size_t len = fz_u8(in) % (sizeof ss + 1);
    fz_bytes(in, &ss, sizeof ss);
    ss.ss_family = (fz_u8(in) & 1) ? AF_INET6 : AF_INET;
    const struct sockaddr *sa = (const struct sockaddr *)&ss;
    bool plain;
    if (ss.ss_family == AF_INET) {
        const uint8_t *a = (const uint8_t *)&((struct sockaddr_in *)&ss)->sin_addr;
        plain = len >= sizeof(struct sockaddr_in) && a[0] == 127;
    } else {
        const uint8_t *a = ((struct sockaddr_in6 *)&ss)->sin6_addr.s6_addr;
        static const uint8_t one[16] = {[15] = 1}, mapped[12] = {[10] = 0xff, [11] = 0xff};
        plain = len >= sizeof(struct sockaddr_in6) &&
                (memcmp(a, one, 16) == 0 || (memcmp(a, mapped, 12) == 0 && a[12] == 127));
    }
    FZ_CHECK(mcp_http_sockaddr_loopback(sa, len) == plain);
    FZ_CHECK(!mcp_http_sockaddr_loopback(NULL, sizeof ss));
}

/* The client named in an X-Forwarded-For value is a canonical address
 * (canonicalising it again gives it back) taken from the last element. */
static void check_forwarded(const char *xff) {
    char out[MCP_HTTP_IP_MAX], again[MCP_HTTP_IP_MAX];
    if (mcp_http_forwarded_client(xff, out) != 0) return;
    FZ_CHECK(mcp_http_ip_canon(out, again) == 0 && strcmp(out, again) == 0);
    FZ_CHECK(strchr(out, ',') == NULL && strchr(out, ' ') == NULL);
    const char *last = strrchr(xff, ',');
    FZ_CHECK(mcp_http_forwarded_client(last ? last + 1 : xff, again) == 0 &&
             strcmp(out, again) == 0);
}

/* Input: a selector byte, then text for the token and header checks
 * (two NUL-separated strings) or the cap and chunks for the body, or the
 * bytes of a socket address. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_in in = {data, size};
    uint8_t sel = fz_u8(&in);
    if (sel % 3 == 0) {
        char *a = fz_text(&in), *b = fz_text(&in);
        check_token(a, b);
        check_header(b, a);
        check_forwarded(b);
        free(a), free(b);
    } else if (sel % 3 == 1) {
        uint64_t cap = sel & 0x80 ? fz_u64(&in) : fz_u32(&in) % 70000;
        check_body(&in, cap);
    } else {
        check_sockaddr(&in);
    }
    return 0;
}
