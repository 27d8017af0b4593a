/*
 * recovery.c - reporting recoveries from killed processes (see
 * recovery.h). The library counts zygote restarts and lost sessions for
 * the whole process; the counts already reported sit here under a lock,
 * so each event gets exactly one audit line.
 */
#include "mcp/recovery.h"

#include <pthread.h>
#include <stdio.h>

#include "mcp/audit.h"
#include "mcp/metrics.h"

static pthread_mutex_t reported_lock = PTHREAD_MUTEX_INITIALIZER;
static lsb_recovery_counts reported; /* what the audit log has said so far */

/* Write one audit line per event between *seen and now, and move *seen. */
static void audit_new(mcp_server *srv, const mcp_call *call, const char *event, const char *detail,
                      uint64_t *seen, uint64_t now) {
    for (; *seen < now; (*seen)++)
        mcp_audit_event(srv, call, event, detail, *seen + 1);
}

/* See recovery.h. */
void mcp_recovery_note(mcp_server *srv, const mcp_call *call, lsb_status st, const lsb_result *r) {
    if (st == LSB_OK && r->trap == LSB_TRAP_KILLED)
        mcp_audit_event(srv, call, "child_killed",
                        r->error_message ? r->error_message : "the run process was killed",
                        mcp_metrics_child_killed());
    lsb_recovery_counts now;
    lsb_recovery_counts_get(&now);
    pthread_mutex_lock(&reported_lock);
    audit_new(srv, call, "zygote_restart", "a zygote was found dead and started again",
              &reported.zygote_restarts, now.zygote_restarts);
    audit_new(srv, call, "session_lost",
              "a live session process died; the session re-materialises from its saved state",
              &reported.sessions_lost, now.sessions_lost);
    pthread_mutex_unlock(&reported_lock);
}
