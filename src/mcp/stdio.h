/*
 * stdio.h - the MCP stdio transport (prefix mcp_stdio_): newline-delimited
 * JSON-RPC on stdin and stdout.
 */
#ifndef LSB_MCP_STDIO_H
#define LSB_MCP_STDIO_H

#include "mcp/server.h"

/* Serve stdin until EOF (or srv->stopping); returns 0, or 1 on a read
 * error. */
int mcp_stdio_serve(mcp_server *srv);

#endif
