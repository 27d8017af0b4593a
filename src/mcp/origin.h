/*
 * origin.h - strict parsers for the HTTP Origin and Host headers (prefix
 * mcp_origin_), for the DNS-rebinding checks of the HTTP transport.
 */
#ifndef LSB_MCP_ORIGIN_H
#define LSB_MCP_ORIGIN_H

#include <stdbool.h>
#include <stddef.h>

#define MCP_ORIGIN_HOST_MAX 256 /* a host name, or an IPv6 literal with its brackets */

/* One parsed authority: the host as written (IPv6 literals keep their
 * brackets, case kept) and the port (0 when none was given). */
typedef struct mcp_authority {
    char host[MCP_ORIGIN_HOST_MAX];
    unsigned port;
} mcp_authority;

/* Parse a Host header value: host[:port], where host is a name of letters,
 * digits, '-' and '.', or an IPv6 literal "[...]" followed by nothing but
 * ":port"; the port is 1-65535 in digits only. Returns 0, or -1 for
 * anything else (userinfo, paths, spaces, an empty host). */
int mcp_origin_parse_host(const char *text, mcp_authority *out);

/* Parse an Origin header value: scheme "://" host[:port] and nothing
 * else (no userinfo, path, query or fragment); scheme is letters, digits,
 * '+', '-' or '.' starting with a letter and is copied into scheme (cap
 * bytes). Returns 0, or -1 when it is not of that form ("null" included). */
int mcp_origin_parse(const char *text, char *scheme, size_t cap, mcp_authority *out);

/* Whether host (as parsed above) is a loopback name: "localhost",
 * 127.0.0.0/8 in dotted-quad form, or "[::1]"; case-insensitive. */
bool mcp_origin_is_loopback(const char *host);

/* Whether origin text a and b name the same origin: both parse, and
 * scheme and host are equal case-insensitively and the ports are equal
 * (a missing port is the scheme's default, 80 for http and 443 for
 * https). */
bool mcp_origin_same(const char *a, const char *b);

#endif
