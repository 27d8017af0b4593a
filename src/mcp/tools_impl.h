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

/* Whether the caller of call may use session id: it owns the session
 * (or the server shares sessions), and the session was not released. */
bool mcp_tool_owns(mcp_call *call, const char *id);

/* The error result for a session id that does not exist or that the
 * caller does not own (the same words: "Session <id> not found"); it
 * says whether the caller's session expired. NULL only when out of
 * memory. */
json_t *mcp_tool_unknown_session(mcp_call *call, const char *id);

/* The error result for a failed sandbox call st with message err (id:
 * the session concerned, or NULL). NULL only when out of memory. */
json_t *mcp_tool_status_error(mcp_call *call, lsb_status st, const char *id, const char *err);

/* NULL when id is a well-formed session id of the caller's, else the
 * error result saying why (InvalidArguments, or the unknown session). */
json_t *mcp_tool_check_session(mcp_call *call, const char *id);

/* NULL when id is a well-formed session id, else the InvalidArguments
 * error result saying why. */
json_t *mcp_tool_check_session_id(const char *id);

/* One session as the original's get_active_sessions entry plus ours
 * (running, workspace size, expiry); NULL when out of memory. */
json_t *mcp_tool_session_json(mcp_server *srv, const lsb_session_info *info);

/* The ids of the caller's sessions (see mcp_tool_owns), in no order;
 * free with lsb_session_ids_free. 0, or -1 with err when the sessions
 * cannot be listed. */
int mcp_tool_owned_ids(mcp_call *call, char ***ids, size_t *count, char *err, size_t errlen);

/* Release every session owner owns (their ids become unknown; the expiry
 * sweep deletes them at its next pass): a protocol session that ended
 * leaves nothing behind. Their runs here are cancelled first, so marking
 * the records waits only for those to stop (or for another node's run of
 * one, at most its timeout); returns how many. */
size_t mcp_tool_release_owner(mcp_server *srv, const char *owner);

json_t *mcp_tool_execute_code(mcp_call *call);
json_t *mcp_tool_install_package(mcp_call *call);
json_t *mcp_tool_create_session(mcp_call *call);
json_t *mcp_tool_destroy_session(mcp_call *call);
json_t *mcp_tool_workspace_info(mcp_call *call);
json_t *mcp_tool_reset_workspace(mcp_call *call);
json_t *mcp_tool_cancel_execution(mcp_call *call);
json_t *mcp_tool_active_sessions(mcp_call *call);
json_t *mcp_tool_reset_all_sessions(mcp_call *call);
json_t *mcp_tool_list_runtimes(mcp_call *call);
json_t *mcp_tool_list_packages(mcp_call *call);
json_t *mcp_tool_get_metrics(mcp_call *call);

#endif
