/*
 * fuzz_proto.c - MCP dispatch (mcp_proto_handle) as a client drives it:
 * up to 8 messages (single requests, notifications, responses, batches) on
 * one fresh protocol session, in either era (2025 initialize-first, or the
 * stateless 2026-07-28 with _meta), over stdio or HTTP with or without a
 * version header. Tools are the real catalog with its argument checks,
 * bound to stubs (fuzz_mcp.h).
 *
 * Proves: no message sequence crashes or leaks; every inbound text gets
 * exactly one final answer (also on errors, also when it is a batch, also
 * when a tool call is answered from a worker thread), and that answer is
 * JSON (an object, or an array for a batch) or nothing at all.
 */
#include "fuzz.h"
#include "fuzz_mcp.h"

#define FZ_MAX_MESSAGES 8
#define FZ_WAIT_S       10

/* What came back for one inbound text. */
typedef struct answer {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int finals;
    int bad_json;
} answer;

/* mcp_out.send: count finals and check their text is JSON. */
static void on_send(void *ctx, const char *json, size_t len, mcp_send_kind kind) {
    answer *a = ctx;
    json_t *v = json ? json_loadb(json, len, 0, NULL) : NULL;
    pthread_mutex_lock(&a->lock);
    if (json != NULL && !json_is_object(v) && !json_is_array(v)) a->bad_json++;
    if (kind != MCP_SEND_NOTIFICATION) a->finals++;
    pthread_cond_broadcast(&a->cond);
    pthread_mutex_unlock(&a->lock);
    json_decref(v);
}

/* Send one text and wait for its one final answer. */
static void send_one(mcp_peer *peer, const mcp_inbound *in, const char *text, size_t len) {
    answer a = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};
    mcp_out out = {on_send, &a};
    mcp_proto_handle(&fz_srv, peer, in, text, len, &out);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += FZ_WAIT_S;
    pthread_mutex_lock(&a.lock);
    while (a.finals == 0 && pthread_cond_timedwait(&a.cond, &a.lock, &until) == 0)
        ;
    FZ_CHECK(a.finals == 1); /* answered exactly once, in time */
    FZ_CHECK(a.bad_json == 0);
    pthread_mutex_unlock(&a.lock);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    fz_mcp_setup();
    return 0;
}

/* Input: 1 flag byte (bit 0: HTTP; bit 1: a version header; bit 2: which
 * version it names), then messages separated by "\n\x1e" . */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *versions[] = {MCP_VERSION_MODERN, "2025-06-18"};
    fz_in in = {data, size};
    uint8_t flags = fz_u8(&in);
    mcp_inbound ib = {"fuzz", flags & 1, flags & 2 ? versions[(flags >> 2) & 1] : NULL};
    mcp_peer *peer = mcp_peer_new("fuzz");
    FZ_CHECK(peer != NULL);
    const char *p = (const char *)in.p, *end = p + in.len;
    for (int n = 0; n < FZ_MAX_MESSAGES && p < end; n++) {
        const char *sep = memmem(p, (size_t)(end - p), "\n\x1e", 2);
        size_t len = sep ? (size_t)(sep - p) : (size_t)(end - p);
        send_one(peer, &ib, p, len);
        p += len + (sep ? 2 : 0);
    }
    mcp_peer_unref(peer);
    return 0;
}
