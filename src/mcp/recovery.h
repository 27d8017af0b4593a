/*
 * recovery.h - reporting recoveries from processes killed under the
 * server (prefix mcp_recovery_): a run child killed from outside, a
 * zygote found dead and restarted, a live session process lost. Each is
 * counted in the metrics and written to the audit log as an event line.
 */
#ifndef LSB_MCP_RECOVERY_H
#define LSB_MCP_RECOVERY_H

#include "llmsandbox.h"
#include "mcp/calls.h"

/* After execute_code's run (r, status st) for call: count and audit a
 * killed run child, and audit the zygote restarts and lost sessions the
 * library counted since the last report (whichever call sees them first
 * reports them). Never fails. */
void mcp_recovery_note(mcp_server *srv, const mcp_call *call, lsb_status st, const lsb_result *r);

#endif
