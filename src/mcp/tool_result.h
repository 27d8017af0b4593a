/*
 * tool_result.h - building MCP tool results (prefix mcp_result_): a
 * CallToolResult with text, structured content and isError, the error
 * results, and the limits object results carry.
 */
#ifndef LSB_MCP_TOOL_RESULT_H
#define LSB_MCP_TOOL_RESULT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "mcp/options.h"

/* A CallToolResult with text content, structuredContent (stolen, may be
 * NULL) and isError. Text that is not UTF-8 is replaced by a sentence
 * saying so; NULL only when out of memory. */
json_t *mcp_result_new(const char *text, json_t *structured, bool is_error);

/* An error result: isError, text, and structuredContent
 * {"error":{"type":type,"message":text}}. NULL only when out of memory. */
json_t *mcp_result_error(const char *type, const char *text);

/* The same with a printf-formatted message (cut at 1 KiB). */
json_t *mcp_result_errorf(const char *type, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The original's session-limit error result for a server at
 * opt->max_sessions with existing sessions: text = message, structured
 * {error: "session_limit_exceeded", message, active_sessions,
 * max_sessions, hint}. NULL only when out of memory. */
json_t *mcp_result_session_limit(const mcp_options *opt, size_t existing);

/* The limits every execution runs with (fuel, memory, timeouts, code
 * size) under the settings opt, as a JSON object; NULL when out of
 * memory. */
json_t *mcp_result_limits(const mcp_options *opt);

#endif
