/*
 * stdio.c - the stdio transport: one JSON-RPC message (or batch) per line
 * on stdin, one per line on stdout, in the order they are ready.
 *
 * Invariants: nothing but complete protocol messages is written to
 * stdout, each with a single write under a lock (workers answer
 * concurrently); a line longer than the body cap is dropped up to its
 * newline and answered with an error instead of growing memory; the
 * reader never waits for a guest, so cancellations arrive while runs go.
 */
#include "mcp/stdio.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mcp/jsonrpc.h"
#include "mcp/log.h"
#include "mcp/metrics.h"
#include "mcp/protocol.h"

#define STDIO_CHUNK 65536

static pthread_mutex_t stdout_lock = PTHREAD_MUTEX_INITIALIZER;

/* Write all of buf to fd 1; false once stdout is gone. */
static bool write_all(const char *buf, size_t len) {
    while (len > 0) {
        ssize_t n = write(STDOUT_FILENO, buf, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        buf += n;
        len -= (size_t)n;
    }
    return true;
}

/* mcp_out.send for stdio: a line per message. */
static void stdio_send(void *ctx, const char *json, size_t len, mcp_send_kind kind) {
    (void)ctx;
    (void)kind;
    if (json == NULL) return;
    char *line = malloc(len + 1);
    if (line == NULL) return;
    memcpy(line, json, len);
    line[len] = '\n';
    pthread_mutex_lock(&stdout_lock);
    write_all(line, len + 1);
    pthread_mutex_unlock(&stdout_lock);
    free(line);
}

/* Answer a line that exceeded the cap. */
static void too_long(mcp_server *srv) {
    char msg[160];
    snprintf(msg, sizeof msg, "Invalid Request: a message longer than %llu bytes was dropped",
             (unsigned long long)srv->opt.max_body_bytes);
    mcp_metrics_reject(MCP_REJECT_BODY);
    json_t *e = mcp_rpc_error(NULL, MCP_RPC_INVALID_REQUEST, msg, NULL);
    size_t len = 0;
    char *text = e ? mcp_rpc_dump(e, &len) : NULL;
    stdio_send(NULL, text, len, MCP_SEND_BAD_REQUEST);
    free(text);
    json_decref(e);
}

/* Handle one complete line (without its newline). */
static void handle_line(mcp_server *srv, mcp_peer *peer, char *line, size_t len) {
    if (len > 0 && line[len - 1] == '\r') len--;
    size_t skip = 0;
    while (skip < len && (line[skip] == ' ' || line[skip] == '\t'))
        skip++;
    if (skip == len) return; /* blank lines are not messages */
    mcp_inbound in = {"stdio", false, NULL};
    mcp_out out = {stdio_send, NULL};
    mcp_proto_handle(srv, peer, &in, line + skip, len - skip, &out);
}

/* See stdio.h. */
int mcp_stdio_serve(mcp_server *srv) {
    signal(SIGPIPE, SIG_IGN);
    mcp_peer *peer = mcp_peer_new("stdio");
    size_t cap = srv->opt.max_body_bytes, used = 0;
    char *buf = malloc(cap + 1), chunk[STDIO_CHUNK];
    bool dropping = false;
    int status = 0;
    if (peer == NULL || buf == NULL) {
        free(buf);
        mcp_peer_unref(peer);
        return 1;
    }
    peer->id[0] = '\0';
    mcp_owner_derive(MCP_OWNER_STDIO, NULL, peer->owner); /* one client, one owner */
    while (!atomic_load(&srv->stopping)) {
        ssize_t n = read(STDIN_FILENO, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) status = 1;
        if (n <= 0) break;
        for (ssize_t i = 0; i < n; i++) {
            if (chunk[i] == '\n') {
                if (dropping)
                    too_long(srv);
                else
                    handle_line(srv, peer, buf, used);
                used = 0;
                dropping = false;
            } else if (!dropping && used < cap) {
                buf[used++] = chunk[i];
            } else {
                dropping = true;
            }
        }
    }
    if (used > 0 && !dropping) handle_line(srv, peer, buf, used); /* a last line without '\n' */
    free(buf);
    mcp_peer_unref(peer);
    return status;
}
