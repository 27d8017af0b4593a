/*
 * http.h - the MCP Streamable HTTP transport (prefix mcp_http_), on
 * libmicrohttpd.
 */
#ifndef LSB_MCP_HTTP_H
#define LSB_MCP_HTTP_H

#include "mcp/server.h"

/* Serve http://LISTEN/mcp (and /metrics) until SIGINT or SIGTERM (which
 * the caller has blocked in every thread). Returns 0, or 1 when the
 * address cannot be bound (logged). */
int mcp_http_serve(mcp_server *srv);

#endif
