/*
 * ratelimit.h - per-client token buckets for the HTTP transport (prefix
 * mcp_rate_).
 */
#ifndef LSB_MCP_RATELIMIT_H
#define LSB_MCP_RATELIMIT_H

#include <stdint.h>

typedef struct mcp_rate mcp_rate;

/* A limiter allowing per_min requests a minute per key, burst at once;
 * per_min 0 disables it. NULL on OOM. */
mcp_rate *mcp_rate_new(uint32_t per_min, uint32_t burst);
void mcp_rate_free(mcp_rate *r);

/* Take one request for key at time now_s (monotonic seconds). Returns 0
 * when allowed, else the whole seconds until one is (>= 1). */
uint32_t mcp_rate_take(mcp_rate *r, const char *key, double now_s);

/* Count one failed authentication for key at now_s. The
 * LSB_MCP_AUTH_FAILS_MAX-th within LSB_MCP_AUTH_FAIL_WINDOW_S blocks key
 * for LSB_MCP_AUTH_BLOCK_S: returns that many seconds when this failure
 * started a block (the caller logs it), else 0. Works with the request
 * limit off (per_min 0). */
uint32_t mcp_rate_fail(mcp_rate *r, const char *key, double now_s);

/* The whole seconds left of key's block at now_s, or 0 when not blocked. */
uint32_t mcp_rate_blocked(mcp_rate *r, const char *key, double now_s);

#endif
