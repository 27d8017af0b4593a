/*
 * fuzz_mcp.h - the MCP server the protocol and schema harnesses drive: the
 * real tool catalog and dispatch, with every tool bound to a stub that
 * answers at once, so no guest or sandbox is involved (the same setup as
 * tests/unit/test_mcp_protocol.c).
 */
#ifndef LSB_FUZZ_MCP_H
#define LSB_FUZZ_MCP_H

#include <pthread.h>

#include "mcp/calls.h"
#include "mcp/protocol.h"
#include "mcp/tool_result.h"
#include "mcp/tools.h"

static mcp_server fz_srv;

/* Every tool runs this: a successful result with café ☕ 日本 in it. */
static json_t *fz_stub_run(struct mcp_call *call) {
    (void)call;
    return mcp_result_new("café ☕ 日本", json_pack("{s:[s]}", "runtimes", "python"), false);
}

static const mcp_tool_binding fz_stubs[] = {
    {"execute_code", fz_stub_run},
    {"create_session", fz_stub_run},
    {"destroy_session", fz_stub_run},
    {"list_runtimes", fz_stub_run},
    {"list_available_packages", fz_stub_run},
    {"install_package", fz_stub_run},
    {"get_workspace_info", fz_stub_run},
    {"reset_workspace", fz_stub_run},
    {"cancel_execution", fz_stub_run},
    {"get_metrics", fz_stub_run},
    {"get_active_sessions", fz_stub_run},
    {"reset_all_sessions", fz_stub_run},
};
#define FZ_TOOL_COUNT (sizeof fz_stubs / sizeof fz_stubs[0])

/* Build the server once per process. */
static void fz_mcp_setup(void) {
    mcp_opt_defaults(&fz_srv.opt);
    pthread_mutex_init(&fz_srv.lock, NULL);
    fz_srv.tools = mcp_tools_new(&fz_srv.opt, fz_stubs, FZ_TOOL_COUNT);
    fz_srv.calls = mcp_calls_new(&fz_srv, 1, 1);
    if (fz_srv.tools == NULL || fz_srv.calls == NULL) abort();
}

#endif
