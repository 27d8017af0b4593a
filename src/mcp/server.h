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
typedef struct mcp_expiry mcp_expiry;
typedef struct mcp_toolset mcp_toolset;

typedef struct mcp_server {
    mcp_options opt;
    lsb_sandbox *sandbox;
    mcp_calls *calls;
    mcp_expiry *expiry;       /* NULL until started (then nothing has expired) */
    const mcp_toolset *tools; /* what tools/list offers and tools/call runs */
    char storage_dir[PATH_MAX];
    char sessions_root[PATH_MAX];
    char wheel_dir[PATH_MAX];
    char outputs_dir[PATH_MAX];  /* full output of truncated one-shot runs */
    char owners_dir[PATH_MAX];   /* legacy owner files, moved into records (owner.h) */
    char protocol_dir[PATH_MAX]; /* HTTP protocol sessions, shared by nodes (peer_store.h) */
    char external_dir[PATH_MAX]; /* "" when no --external-files */
    FILE *audit;                 /* NULL: no audit log */
    atomic_uint_fast64_t http_sessions;
    atomic_bool stopping;
    pthread_mutex_t lock; /* serialises session creation (the max_sessions check) */
} mcp_server;

/* `llm-sandbox mcp ARGS` (or `llm-wasm-mcp ARGS`): argv holds the
 * arguments after the command. Returns the process exit status: 0, 64
 * for bad options or --external-files, 70 when startup or serving
 * fails. */
int mcp_server_main(int argc, char **argv);

#endif
