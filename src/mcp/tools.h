/*
 * tools.h - the MCP tools (prefix mcp_tools_): their names, descriptions
 * and JSON Schemas, the argument check against those schemas, and the
 * functions that run them on the sandbox.
 */
#ifndef LSB_MCP_TOOLS_H
#define LSB_MCP_TOOLS_H

#include <jansson.h>
#include <stdbool.h>

#include "mcp/calls.h"

/* Where a tool runs. */
typedef enum mcp_tool_class {
    MCP_TOOL_INLINE, /* instantly, on the transport's thread (never blocks) */
    MCP_TOOL_ADMIN,  /* on the admin pool: may wait for a session's lock */
    MCP_TOOL_EXEC    /* on the execution pool: runs guest code */
} mcp_tool_class;

typedef struct mcp_tool {
    const char *name, *title, *description;
    const char *schema; /* the inputSchema, as JSON text */
    mcp_tool_class cls;
    bool read_only, destructive;
    json_t *(*run)(mcp_call *call); /* returns a CallToolResult */
} mcp_tool;

/* The tool called name, or NULL. */
const mcp_tool *mcp_tools_find(const char *name);

/* The tools/list result's "tools" array. */
json_t *mcp_tools_list(void);

/* Check args against the tool's schema: NULL when they conform, else a
 * sentence saying which argument is wrong and what it must be (static or
 * written into buf). */
const char *mcp_tools_check_args(const mcp_tool *t, json_t *args, char *buf, size_t len);

/* A CallToolResult with isError true and text as its content. */
json_t *mcp_tools_error(const char *type, const char *text);

#endif
