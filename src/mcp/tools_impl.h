/*
 * tools_impl.h - the functions behind the MCP tools (prefix mcp_tool_):
 * tools_code.c runs code, tools_session.c manages sessions and maps
 * sandbox failures to tool errors, tools_info.c describes the server.
 * Each run function takes a call whose arguments passed the tool's
 * schema and returns its CallToolResult (NULL only when out of memory).
 */
#ifndef LSB_MCP_TOOLS_IMPL_H
#define LSB_MCP_TOOLS_IMPL_H

#include <jansson.h>

#include "mcp/calls.h"
#include "mcp/server.h"

/* The error result for a session id that does not exist: it says whether
 * the session expired. NULL only when out of memory. */
json_t *mcp_tool_unknown_session(mcp_server *srv, const char *id);

/* The error result for a failed sandbox call st with message err (id:
 * the session concerned, or NULL). NULL only when out of memory. */
json_t *mcp_tool_status_error(mcp_server *srv, lsb_status st, const char *id, const char *err);

/* NULL when id is a well-formed session id, else the InvalidArguments
 * error result saying why. */
json_t *mcp_tool_check_session_id(const char *id);

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

#endif
