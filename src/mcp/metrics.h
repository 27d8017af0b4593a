/*
 * metrics.h - the MCP server's counters (prefix mcp_metrics_), exported
 * as Prometheus text at /metrics and as JSON by the get_metrics tool.
 */
#ifndef LSB_MCP_METRICS_H
#define LSB_MCP_METRICS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "llmsandbox.h"

/* Why a request was turned away before it ran. */
typedef enum mcp_reject {
    MCP_REJECT_AUTH,     /* missing or wrong bearer token */
    MCP_REJECT_ORIGIN,   /* Origin not allowed */
    MCP_REJECT_RATE,     /* rate limit */
    MCP_REJECT_BODY,     /* request body over the cap */
    MCP_REJECT_PROTOCOL, /* malformed JSON-RPC or HTTP use */
    MCP_REJECT_SESSION,  /* unknown or missing Mcp-Session-Id */
    MCP_REJECT_LIMIT,    /* code size, timeout range, too many sessions */
    MCP_REJECT_BUSY,     /* the work queue is full */
    MCP_REJECT_COUNT
} mcp_reject;

/* Gauges read at export time. */
typedef struct mcp_gauges {
    uint64_t sessions, live_sessions, running, queued, http_sessions;
    uint64_t zygote_restarts, sessions_lost; /* lsb_recovery_counts_get */
} mcp_gauges;

/* Count one finished execution: its outcome ("success", "error",
 * "timeout", "out_of_fuel", ...; an unknown one counts as "error"), wall
 * time and fuel. Never fails. */
void mcp_metrics_execution(lsb_language lang, const char *outcome, double seconds, uint64_t fuel);

/* Count one rejected request. */
void mcp_metrics_reject(mcp_reject why);

/* Count one tool call by name (beyond 16 names, calls are not counted). */
void mcp_metrics_tool(const char *name);

/* Count one answered tool call's time (ms) and whether it was an error. */
void mcp_metrics_tool_done(const char *name, double ms, bool is_error);

/* Count one session created (true) or destroyed (false). */
void mcp_metrics_session(bool created);

/* Count one execution whose process was killed by someone else (a
 * kill -9 from outside, an OOM kill); returns the new total. */
uint64_t mcp_metrics_child_killed(void);

/* The total of mcp_metrics_child_killed. */
uint64_t mcp_metrics_children_killed(void);

/* Prometheus text exposition (malloc'd), or NULL on OOM. */
char *mcp_metrics_prometheus(const mcp_gauges *g, size_t *len);

/* The same numbers as a JSON object, with the original's
 * tool_executions, sessions (g->sessions as active_count) and resources
 * objects; NULL on OOM. */
json_t *mcp_metrics_json(const mcp_gauges *g);

#endif
