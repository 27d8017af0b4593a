/*
 * audit.h - the MCP server's audit log (prefix mcp_audit_): one JSON line
 * per tool call.
 */
#ifndef LSB_MCP_AUDIT_H
#define LSB_MCP_AUDIT_H

#include <jansson.h>
#include <stdint.h>

#include "mcp/calls.h"

/* Write the line for a finished call: time, client, tool, session, sizes,
 * the SHA-256 of the code, outcome, fuel and duration; the code and the
 * result text only with --audit-content. Does nothing without a log. A
 * line that cannot be built (out of memory, text JSON cannot hold) is
 * never dropped: a plain fallback line with what is known and
 * "audit_error" takes its place. */
void mcp_audit_call(mcp_server *srv, const mcp_call *call, const json_t *result,
                    double duration_ms);

/* Write an event line that is not a call's own: a recovery seen while
 * serving call (event "zygote_restart", "session_lost" or
 * "child_killed"), with its client, tool and session, the detail text and
 * the process-wide total of such events. Does nothing without a log. */
void mcp_audit_event(mcp_server *srv, const mcp_call *call, const char *event, const char *detail,
                     uint64_t total);

#endif
