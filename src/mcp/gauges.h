/*
 * gauges.h - reading the gauges of the metrics export (prefix
 * mcp_gauges_): sessions stored and live, executions running and queued,
 * HTTP protocol sessions.
 */
#ifndef LSB_MCP_GAUGES_H
#define LSB_MCP_GAUGES_H

#include "mcp/metrics.h"
#include "mcp/server.h"

/* Fill g with the gauges of srv now. Never waits for a run; a count that
 * cannot be read (storage failing) is 0. */
void mcp_gauges_read(mcp_server *srv, mcp_gauges *g);

/* How many sessions are stored, through the storage adapter (never
 * waits for a run); 0 when storage cannot be listed. */
uint64_t mcp_gauges_sessions(mcp_server *srv);

#endif
