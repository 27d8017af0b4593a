/*
 * tools_impl.h - the functions behind the MCP tools and the result
 * helpers they share (tools.c holds the table and the schema check;
 * tools_code.c runs code, tools_session.c manages sessions, tools_info.c
 * describes the server).
 */
#ifndef LSB_MCP_TOOLS_IMPL_H
#define LSB_MCP_TOOLS_IMPL_H

#include <jansson.h>

#include "mcp/calls.h"
#include "mcp/server.h"

/* A CallToolResult with text content, structuredContent (stolen, may be
 * NULL) and isError. */
json_t *mcp_tools_result(const char *text, json_t *structured, bool is_error);
json_t *mcp_tools_errorf(const char *type, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
json_t *mcp_tools_unknown_session(mcp_server *srv, const char *id);
json_t *mcp_tools_status_error(mcp_server *srv, lsb_status st, const char *id, const char *err);
json_t *mcp_tools_check_session_id(const char *id);

/* The limits every execution runs with (fuel, memory, timeouts, code
 * size), as a JSON object. */
json_t *mcp_tools_limits(mcp_server *srv);

json_t *mcp_tool_execute_code(mcp_call *call);
json_t *mcp_tool_install_package(mcp_call *call);
json_t *mcp_tool_create_session(mcp_call *call);
json_t *mcp_tool_destroy_session(mcp_call *call);
json_t *mcp_tool_workspace_info(mcp_call *call);
json_t *mcp_tool_reset_workspace(mcp_call *call);
json_t *mcp_tool_cancel_execution(mcp_call *call);
json_t *mcp_tool_active_sessions(mcp_call *call);
json_t *mcp_tool_list_runtimes(mcp_call *call);
json_t *mcp_tool_list_packages(mcp_call *call);
json_t *mcp_tool_get_metrics(mcp_call *call);

/* The gauges of the metrics export (sessions counted on disk). */
void mcp_tools_gauges(mcp_server *srv, struct mcp_gauges *g);

#endif
