/*
 * http_input.h - the pure checks of the HTTP transport's request path
 * (prefix mcp_http_): the bearer token compared in constant time, header
 * values compared with HTTP's optional whitespace, the request body
 * gathered under a cap, and loopback socket addresses. Kept apart from
 * http.c, which needs a live libmicrohttpd connection, so that a fuzzer
 * and unit tests can drive them with any bytes.
 */
#ifndef LSB_MCP_HTTP_INPUT_H
#define LSB_MCP_HTTP_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define MCP_HTTP_DIGEST_SIZE 32 /* SHA-256 */

/* The SHA-256 of the NUL-terminated text: the configured token is hashed
 * once at start-up, each presented one per request, and the two digests
 * are compared, so the comparison time does not depend on the token. */
void mcp_http_token_digest(const char *text, uint8_t digest[MCP_HTTP_DIGEST_SIZE]);

/* Whether an Authorization header value (NULL when absent) is
 * "Bearer <token>" (scheme case-insensitive, one space) whose token's
 * digest equals want, compared in constant time. */
bool mcp_http_bearer_ok(const char *authorization, const uint8_t want[MCP_HTTP_DIGEST_SIZE]);

/* Whether header value h, with surrounding spaces and tabs ignored (HTTP
 * optional whitespace), equals want exactly. */
bool mcp_http_header_equals(const char *h, const char *want);

/* A request body gathered chunk by chunk. Zero-initialise it. */
typedef struct mcp_http_body {
    char *data;     /* NUL-terminated once anything was kept; NULL before */
    size_t len;     /* bytes kept */
    size_t size;    /* bytes allocated */
    bool too_large; /* the body passed the cap (or memory ran out): dropped */
} mcp_http_body;

/* Append n bytes of data to b while the whole body stays within cap
 * bytes; past the cap (or when memory runs out) the kept bytes are freed
 * and too_large set, and every later chunk is dropped, so the connection
 * can be read to its end and answered 413 cleanly. */
void mcp_http_body_append(mcp_http_body *b, const char *data, size_t n, uint64_t cap);

/* Free what b holds and zero it. */
void mcp_http_body_free(mcp_http_body *b);

/* Whether socket address sa (of len bytes) is a loopback one: 127.0.0.0/8,
 * ::1 or an IPv4-mapped 127.x. false for other families and short lengths. */
bool mcp_http_sockaddr_loopback(const struct sockaddr *sa, size_t len);

/* ---- client addresses behind a trusted proxy ---------------------------- */

#define MCP_HTTP_IP_MAX 46 /* INET6_ADDRSTRLEN */

/* The canonical text of an IPv4 or IPv6 address (an IPv4-mapped IPv6 one
 * as plain IPv4) into out (MCP_HTTP_IP_MAX bytes). 0, or -1 when text is
 * not an address. */
int mcp_http_ip_canon(const char *text, char out[MCP_HTTP_IP_MAX]);

/* The canonical text of socket address sa (len bytes) into out; 0, or -1
 * for other families and short lengths. */
int mcp_http_sockaddr_text(const struct sockaddr *sa, size_t len, char out[MCP_HTTP_IP_MAX]);

/* Whether canonical address text is loopback (127.0.0.0/8 or ::1). */
bool mcp_http_ip_loopback(const char *canon);

/* The client a trusted proxy names in an X-Forwarded-For value: its last
 * element (the one the proxy itself appended; earlier ones came from the
 * client and may be forged), canonical, into out. 0, or -1 when the value
 * is absent, empty or its last element is not an address. */
int mcp_http_forwarded_client(const char *xff, char out[MCP_HTTP_IP_MAX]);

#endif
