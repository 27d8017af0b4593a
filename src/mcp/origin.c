/*
 * origin.c - strict parsers for the Origin and Host headers, so the
 * DNS-rebinding checks compare whole hosts, never prefixes.
 *
 * Invariants: a value parses only when all of it is understood: a host of
 * name characters or a bracketed IPv6 literal that inet_pton accepts, an
 * optional port of 1-5 digits in 1-65535, and (for an Origin) a scheme
 * and "://" before it. Userinfo ('@'), paths, queries, fragments, spaces
 * and anything after "]" but ":port" are refused.
 */
#include "mcp/origin.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define ORIGIN_PORT_MAX 65535U

/* Parse the ":port" (or nothing) at s[0..len); 0 or -1. */
static int parse_port(const char *s, size_t len, unsigned *port) {
    *port = 0;
    if (len == 0) return 0;
    if (s[0] != ':' || len < 2 || len > 6) return -1;
    unsigned v = 0;
    for (size_t i = 1; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v == 0 || v > ORIGIN_PORT_MAX) return -1;
    *port = v;
    return 0;
}

/* Parse "[v6]" at the start of s[0..len); the length taken, or 0. */
static size_t parse_v6(const char *s, size_t len, char *host) {
    const char *close = memchr(s, ']', len);
    if (close == NULL) return 0;
    size_t inner = (size_t)(close - s - 1);
    char addr[INET6_ADDRSTRLEN];
    struct in6_addr bin;
    if (inner == 0 || inner >= sizeof addr) return 0;
    memcpy(addr, s + 1, inner);
    addr[inner] = '\0';
    if (inet_pton(AF_INET6, addr, &bin) != 1) return 0;
    memcpy(host, s, inner + 2);
    host[inner + 2] = '\0';
    return inner + 2;
}

/* Parse a host name at the start of s[0..len); the length taken, or 0. */
static size_t parse_name(const char *s, size_t len, char *host) {
    size_t n = 0;
    while (n < len && s[n] != ':') {
        char ch = s[n];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '-' || ch == '.';
        if (!ok) return 0;
        n++;
    }
    if (n == 0 || n >= MCP_ORIGIN_HOST_MAX) return 0;
    memcpy(host, s, n);
    host[n] = '\0';
    return n;
}

/* Parse host[:port] spanning all of s[0..len); 0 or -1. */
static int parse_authority(const char *s, size_t len, mcp_authority *out) {
    if (len == 0) return -1;
    size_t n = s[0] == '[' ? parse_v6(s, len, out->host) : parse_name(s, len, out->host);
    if (n == 0) return -1;
    return parse_port(s + n, len - n, &out->port);
}

/* See origin.h. */
int mcp_origin_parse_host(const char *text, mcp_authority *out) {
    return parse_authority(text, strlen(text), out);
}

/* See origin.h. */
int mcp_origin_parse(const char *text, char *scheme, size_t cap, mcp_authority *out) {
    const char *sep = strstr(text, "://");
    if (sep == NULL || sep == text || (size_t)(sep - text) >= cap) return -1;
    for (const char *p = text; p < sep; p++) {
        char ch = *p;
        bool letter = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
        bool ok = letter || (p > text && ((ch >= '0' && ch <= '9') || strchr("+-.", ch)));
        if (!ok) return -1;
    }
    snprintf(scheme, cap, "%.*s", (int)(sep - text), text);
    return parse_authority(sep + 3, strlen(sep + 3), out);
}

/* See origin.h. */
bool mcp_origin_is_loopback(const char *host) {
    if (strcasecmp(host, "localhost") == 0) return true;
    struct in_addr v4;
    if (host[0] != '[')
        return inet_pton(AF_INET, host, &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127;
    char addr[INET6_ADDRSTRLEN];
    struct in6_addr v6;
    size_t n = strlen(host);
    if (n < 3 || n - 2 >= sizeof addr || host[n - 1] != ']') return false;
    snprintf(addr, sizeof addr, "%.*s", (int)(n - 2), host + 1);
    return inet_pton(AF_INET6, addr, &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

/* The port of a parsed origin, the scheme's default when none was given. */
static unsigned effective_port(const char *scheme, unsigned port) {
    if (port != 0) return port;
    if (strcasecmp(scheme, "http") == 0) return 80;
    if (strcasecmp(scheme, "https") == 0) return 443;
    return 0;
}

/* See origin.h. */
bool mcp_origin_same(const char *a, const char *b) {
    char sa[32], sb[32];
    mcp_authority pa, pb;
    if (mcp_origin_parse(a, sa, sizeof sa, &pa) != 0 ||
        mcp_origin_parse(b, sb, sizeof sb, &pb) != 0)
        return false;
    return strcasecmp(sa, sb) == 0 && strcasecmp(pa.host, pb.host) == 0 &&
           effective_port(sa, pa.port) == effective_port(sb, pb.port);
}
