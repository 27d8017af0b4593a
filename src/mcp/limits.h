/*
 * limits.h - every default and bound of the MCP server, in one place
 * (prefix LSB_MCP_). Each one the operator may change is an option or a
 * config key (options.c); the others are fixed here and documented once.
 * The library's own limits come from llmsandbox.h and lsb_policy_init.
 */
#ifndef LSB_MCP_LIMITS_H
#define LSB_MCP_LIMITS_H

#include "llmsandbox.h"

#define LSB_MCP_MIB                  (1024ULL * 1024ULL)  /* a mebibyte, in bytes */
#define LSB_MCP_FUEL                 10000000000ULL       /* fuel of one execution */
#define LSB_MCP_MAX_CODE_BYTES       (1ULL * LSB_MCP_MIB) /* code of one execute_code */
#define LSB_MCP_TIMEOUT_S            30U                  /* execute_code without timeout */
#define LSB_MCP_MIN_TIMEOUT_S        1U                   /* the timeout argument's range */
#define LSB_MCP_MAX_TIMEOUT_S        300U
#define LSB_MCP_MAX_OUTPUT_CHARS     100000U                /* text kept in one tool result */
#define LSB_MCP_MEMORY_BYTES         (256ULL * LSB_MCP_MIB) /* one execution (the original's) */
#define LSB_MCP_MAX_SESSIONS         50U                    /* sessions in the server's root */
#define LSB_MCP_SESSION_TTL_S        600U                   /* idle sessions are destroyed after */
#define LSB_MCP_MAX_BODY_BYTES       (10ULL * LSB_MCP_MIB) /* one HTTP request body or stdio line */
#define LSB_MCP_RATE_PER_MIN         600U                  /* requests per client per minute */
#define LSB_MCP_RATE_BURST           60U                   /* requests a client may send at once */
#define LSB_MCP_MAX_EXTERNAL_MB      50U                   /* one --external-files file */
#define LSB_MCP_MAX_CONNECTIONS      4096U                 /* concurrent HTTP connections */
#define LSB_MCP_IDLE_TIMEOUT_S       30U   /* an HTTP connection without traffic closes */
#define LSB_MCP_HTTP_THREADS         2U    /* event-loop threads of the HTTP front */
#define LSB_MCP_HTTP_FD_RESERVE      256U  /* open files kept for sessions, logs, runs */
#define LSB_MCP_HEADER_DEADLINE_S    10U   /* a request's headers must arrive within */
#define LSB_MCP_BODY_GRACE_S         10U   /* then its body may take this long, */
#define LSB_MCP_BODY_MIN_RATE        1024U /* plus 1 s per this many bytes received */
#define LSB_MCP_AUTH_FAILS_MAX       10U   /* failed tokens an address may send ... */
#define LSB_MCP_AUTH_FAIL_WINDOW_S   60U   /* ... within this window, before ... */
#define LSB_MCP_AUTH_BLOCK_S         60U   /* ... it gets 429 for this long */
#define LSB_MCP_HTTP_SESSIONS_MAX    1000U /* live Mcp-Session-Id protocol sessions */
#define LSB_MCP_HTTP_SESSION_TTL_S   3600U /* an unused Mcp-Session-Id expires */
#define LSB_MCP_ADMIN_WORKERS        4U    /* threads for the non-execution tools */
#define LSB_MCP_PROGRESS_INTERVAL_MS 1000U /* progress notifications while running */
#define LSB_MCP_QUEUE_MAX            1024U /* tool calls waiting for a worker */
#define LSB_MCP_EXPIRY_MAX_PERIOD_S  30U   /* the expiry sweep runs at least this often */
#define LSB_MCP_EXPIRED_MEMORY       256U  /* expired session ids remembered for their error */
#define LSB_MCP_SUBDIR               "mcp" /* of lsb_state_dir: the default storage dir */

#endif
