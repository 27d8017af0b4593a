/*
 * tool_result.c - the shape of every MCP tool result: text content a
 * model reads, the same facts as structured content, and isError for a
 * failure the model can fix.
 *
 * Invariants: a result is always built, even from text that is not UTF-8
 * (jansson refuses it; a fixed sentence replaces it), so no call goes
 * unanswered for its content.
 */
#include "mcp/tool_result.h"

#include <stdarg.h>
#include <stdio.h>

#include "mcp/limits.h"

#define RESULT_TEXT_MAX 1024 /* a formatted error message */

/* See tool_result.h. */
json_t *mcp_result_new(const char *text, json_t *structured, bool is_error) {
    json_t *r = json_pack("{s:[{s:s, s:s}], s:b}", "content", "type", "text", "text", text,
                          "isError", is_error);
    if (r == NULL) { /* text was not UTF-8: should not happen, but never lose the reply */
        r = json_pack("{s:[{s:s, s:s}], s:b}", "content", "type", "text", "text",
                      "(the result text was not valid UTF-8)", "isError", is_error);
    }
    if (r != NULL && structured != NULL) json_object_set(r, "structuredContent", structured);
    json_decref(structured);
    return r;
}

/* See tool_result.h. */
json_t *mcp_result_error(const char *type, const char *text) {
    return mcp_result_new(text, json_pack("{s:{s:s, s:s}}", "error", "type", type, "message", text),
                          true);
}

/* See tool_result.h. */
json_t *mcp_result_errorf(const char *type, const char *fmt, ...) {
    char text[RESULT_TEXT_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return mcp_result_error(type, text);
}

/* See tool_result.h. */
json_t *mcp_result_session_limit(const mcp_options *opt, size_t existing) {
    char message[160];
    snprintf(message, sizeof message,
             "Maximum sessions (%u) reached. Destroy existing sessions first.", opt->max_sessions);
    return mcp_result_new(
        message,
        json_pack("{s:s, s:s, s:I, s:i, s:s}", "error", "session_limit_exceeded", "message",
                  message, "active_sessions", (json_int_t)existing, "max_sessions",
                  (int)opt->max_sessions, "hint",
                  "Use destroy_session to remove unused sessions, or wait for sessions to expire."),
        true);
}

/* See tool_result.h. */
json_t *mcp_result_limits(const mcp_options *opt) {
    return json_pack("{s:I, s:I, s:i, s:i, s:I}", "fuel", (json_int_t)opt->fuel, "memory_bytes",
                     (json_int_t)opt->memory_bytes, "default_timeout_s",
                     (int)opt->default_timeout_s, "max_timeout_s", LSB_MCP_MAX_TIMEOUT_S,
                     "max_code_bytes", (json_int_t)opt->max_code_bytes);
}
