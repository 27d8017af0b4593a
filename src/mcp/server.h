/*
 * server.h - the MCP server object shared by its modules (prefix
 * mcp_server_), and `llm-sandbox mcp`'s entry point.
 */
#ifndef LSB_MCP_SERVER_H
#define LSB_MCP_SERVER_H

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>

#include "llmsandbox.h"
#include "mcp/options.h"

typedef struct mcp_calls mcp_calls;

#define MCP_EXPIRED_MEMORY 256 /* expired session ids remembered for their error */

typedef struct mcp_server {
    mcp_options opt;
    lsb_sandbox *sandbox;
    mcp_calls *calls;
    char storage_dir[PATH_MAX];
    char sessions_root[PATH_MAX];
    char wheel_dir[PATH_MAX];
    char outputs_dir[PATH_MAX];  /* full output of truncated one-shot runs */
    char external_dir[PATH_MAX]; /* "" when no --external-files */
    FILE *audit;                 /* NULL: no audit log */
    atomic_uint_fast64_t http_sessions;
    atomic_bool stopping;
    pthread_mutex_t lock; /* guards expired[] and session creation */
    char expired[MCP_EXPIRED_MEMORY][LSB_SESSION_ID_MAX + 1];
    unsigned expired_next;
    pthread_t expiry_thread;
    bool expiry_started;
    pthread_cond_t expiry_wake;
} mcp_server;

/* `llm-sandbox mcp ARGS` (or `llm-wasm-mcp ARGS`): argv holds the
 * arguments after the command. Returns the process exit status. */
int mcp_server_main(int argc, char **argv);

/* Whether id was destroyed by idle expiry (recently). */
bool mcp_server_was_expired(mcp_server *srv, const char *id);

#endif
