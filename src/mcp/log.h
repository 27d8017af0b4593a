/*
 * log.h - the MCP server's own log (prefix mcp_log_): JSON lines on
 * stderr, so stdout stays pure protocol in stdio mode.
 */
#ifndef LSB_MCP_LOG_H
#define LSB_MCP_LOG_H

#include <jansson.h>

typedef enum mcp_log_level {
    MCP_LOG_DEBUG,
    MCP_LOG_INFO,
    MCP_LOG_WARNING,
    MCP_LOG_ERROR
} mcp_log_level;

/* Set the least level written ("debug", "info", "warning", "error"); an
 * unknown name leaves the level as it was. */
void mcp_log_set_level(const char *name);

/* Write {"time":..,"level":..,"event":event, ...fields} as one line;
 * fields (an object, or NULL) is stolen. Thread-safe; a line that cannot
 * be built (out of memory) is dropped. */
void mcp_log_event(mcp_log_level level, const char *event, json_t *fields);

/* Write an event with a formatted "message" field. */
void mcp_logf(mcp_log_level level, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Write one line of text to f under the log lock (the audit log shares
 * it when it goes to stderr); write errors are ignored. */
void mcp_log_line(void *f, const char *text);

/* The current time as "2026-11-26T07:41:02.123Z" into buf (>= 32 bytes). */
void mcp_log_timestamp(char *buf, size_t len);

#endif
