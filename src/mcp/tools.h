/*
 * tools.h - the MCP tool set (prefix mcp_tools_): the tools' names,
 * descriptions and JSON Schemas (built from the server's settings, so the
 * limits they state are the ones enforced), each bound to the function
 * that runs it. The protocol receives a tool set; it never names a tool.
 */
#ifndef LSB_MCP_TOOLS_H
#define LSB_MCP_TOOLS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "mcp/options.h"

struct mcp_call;

/* Where a tool runs. */
typedef enum mcp_tool_class {
    MCP_TOOL_INLINE, /* instantly, on the transport's thread (never blocks) */
    MCP_TOOL_ADMIN,  /* on the admin pool: may wait for a session's lock */
    MCP_TOOL_EXEC    /* on the execution pool: runs guest code */
} mcp_tool_class;

/* Runs one call of a tool; returns its CallToolResult (NULL only when out
 * of memory: the call is then answered without a result). */
typedef json_t *(*mcp_tool_fn)(struct mcp_call *call);

typedef struct mcp_tool {
    const char *name, *title, *description;
    json_t *schema; /* the inputSchema; read-only once the set is built */
    mcp_tool_class cls;
    bool read_only, destructive;
    mcp_tool_fn run;
} mcp_tool;

/* A tool's name and the function that runs it. */
typedef struct mcp_tool_binding {
    const char *name;
    mcp_tool_fn run;
} mcp_tool_binding;

typedef struct mcp_toolset mcp_toolset;

/* The tools of the catalog that runs binds (count entries), in catalog
 * order, with schemas stating opt's limits. NULL when out of memory. */
mcp_toolset *mcp_tools_new(const mcp_options *opt, const mcp_tool_binding *runs, size_t count);

/* Free a tool set (NULL is ignored). */
void mcp_tools_free(mcp_toolset *set);

/* The tool called name, or NULL when set has none. */
const mcp_tool *mcp_tools_find(const mcp_toolset *set, const char *name);

/* The tools/list result's "tools" array; NULL when out of memory. */
json_t *mcp_tools_list(const mcp_toolset *set);

#endif
