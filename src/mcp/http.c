/*
 * http.c - the Streamable HTTP transport: POST /mcp carries one JSON-RPC
 * message (or batch), answered as application/json, or as an SSE stream
 * when notifications (progress, logs) come before the response; DELETE
 * /mcp ends an Mcp-Session-Id; GET /metrics exports Prometheus text.
 *
 * Invariants, in the order a request meets them: only /mcp and /metrics
 * exist; Host and Origin must parse and pass the DNS-rebinding checks
 * (origin.c); an address blocked for wrong tokens gets 429 before any
 * token is compared; the bearer token (if set) must match, compared in
 * constant time; the client's rate bucket (its token's, else its
 * address's, all loopback being one) must have a token; the body must
 * fit the cap. Only then is
 * the body parsed. libmicrohttpd runs a few epoll event-loop threads, so
 * an idle or slow connection costs a socket and a little memory, never a
 * thread: a connection waiting for its run (or between two SSE events) is
 * suspended and resumed by the thread that answers it. Headers and bodies
 * have deadlines (http_conns.c), idle connections close after the idle
 * timeout, and the connection limit follows the open-file limit.
 */
#include "mcp/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <microhttpd.h>
#include <netdb.h>
#include <nettle/base16.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>

#include "mcp/calls.h"
#include "mcp/gauges.h"
#include "mcp/http_conns.h"
#include "mcp/http_input.h"
#include "mcp/jsonrpc.h"
#include "mcp/limits.h"
#include "mcp/log.h"
#include "mcp/metrics.h"
#include "mcp/mhd.h"
#include "mcp/origin.h"
#include "mcp/peer_store.h"
#include "mcp/protocol.h"
#include "mcp/ratelimit.h"
#include "mcp/tools_impl.h"
#include "util/clock.h"
#include "util/json.h"

#define HTTP_PATH_MCP     "/mcp"
#define HTTP_PATH_METRICS "/metrics"
#define HTTP_SSE_BLOCK    16384
#define HTTP_SWEEP_MS     1000  /* how often connection deadlines are checked */
#define HTTP_DRAIN_MS     10000 /* at shutdown, how long suspended answers may take */
#define HTTP_SESSION_HDR  "Mcp-Session-Id"
#define HTTP_ERR_MAX      512

typedef struct http_server {
    mcp_server *srv;
    mcp_peer_table *sessions; /* live Mcp-Session-Ids (peer.h) */
    mcp_rate *rate;
    mcp_conns *conns;
    bool loopback; /* bound to a loopback address: Host must name one */
    uint8_t token_digest[MCP_HTTP_DIGEST_SIZE];
    pthread_mutex_t wait_lock; /* orders suspending and resuming connections */
    size_t suspended;          /* connections suspended now (wait_lock) */
    bool stopping;             /* resumed connections answer 503 (wait_lock) */
} http_server;

/* ---- one POST's replies ----------------------------------------------- */

typedef struct http_msg {
    char *text;
    size_t len;
    struct http_msg *next;
} http_msg;

/* What the core sends for one POST, collected for this connection. */
typedef struct http_exchange {
    pthread_mutex_t lock;
    http_msg *head, *tail; /* notifications not yet written */
    bool final_ready, final_sent;
    char *final; /* the response, or NULL */
    size_t final_len;
    mcp_send_kind kind; /* what the final message is */
    char *cur;          /* the SSE event being written, and how far */
    size_t cur_len, cur_off;
    atomic_int refs; /* the core, and the connection */
    http_server *h;
    struct MHD_Connection *conn; /* the connection answering it */
    bool waiting;                /* conn is suspended until the core sends (h->wait_lock) */
    bool sse_ok;                 /* the client takes an SSE stream */
} http_exchange;

/* Drop one reference (the core's or the connection's); the last frees x. */
static void exchange_unref(http_exchange *x) {
    if (atomic_fetch_sub(&x->refs, 1) != 1) return;
    for (http_msg *m = x->head, *n; m; m = n) {
        n = m->next;
        free(m->text);
        free(m);
    }
    free(x->final);
    free(x->cur);
    pthread_mutex_destroy(&x->lock);
    free(x);
}

/* Suspend x's connection until the core sends (h->wait_lock held). */
static void exchange_suspend(http_exchange *x) {
    x->waiting = true;
    x->h->suspended++;
    mcp_mhd.suspend_connection(x->conn);
}

/* Resume x's connection if it waits for the core: something came. */
static void exchange_wake(http_exchange *x) {
    pthread_mutex_lock(&x->h->wait_lock);
    if (x->waiting) {
        x->waiting = false;
        x->h->suspended--;
        mcp_mhd.resume_connection(x->conn);
    }
    pthread_mutex_unlock(&x->h->wait_lock);
}

/* mcp_out.send for HTTP: queue a notification or keep the response. */
static void http_send(void *ctx, const char *json, size_t len, mcp_send_kind kind) {
    http_exchange *x = ctx;
    bool final = kind != MCP_SEND_NOTIFICATION;
    pthread_mutex_lock(&x->lock);
    if (final) {
        x->final = json ? strndup(json, len) : NULL;
        x->final_len = json ? len : 0;
        x->kind = kind;
        x->final_ready = true;
    } else if (json != NULL) {
        http_msg *m = calloc(1, sizeof *m);
        if (m != NULL && (m->text = strndup(json, len)) != NULL) {
            m->len = len;
            if (x->tail)
                x->tail->next = m;
            else
                x->head = m;
            x->tail = m;
        } else {
            free(m);
        }
    }
    pthread_mutex_unlock(&x->lock);
    exchange_wake(x);
    if (final) exchange_unref(x);
}

/* One SSE event holding a JSON-RPC message (malloc'd). */
static char *sse_event(const char *text, size_t len, size_t *out_len) {
    static const char head[] = "event: message\ndata: ";
    char *e = malloc(sizeof head - 1 + len + 3);
    if (e == NULL) return NULL;
    memcpy(e, head, sizeof head - 1);
    memcpy(e + sizeof head - 1, text, len);
    memcpy(e + sizeof head - 1 + len, "\n\n", 3);
    *out_len = sizeof head - 1 + len + 2;
    return e;
}

/* SSE reader: queued notifications, then the response, one event each,
 * copied out in pieces of at most max bytes. With nothing to send yet it
 * suspends the connection and returns 0; the core's next send resumes it. */
static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max) {
    (void)pos;
    http_exchange *x = cls;
    pthread_mutex_lock(&x->h->wait_lock);
    pthread_mutex_lock(&x->lock);
    if (x->cur == NULL && x->head == NULL && !x->final_ready && !x->h->stopping) {
        exchange_suspend(x);
        pthread_mutex_unlock(&x->lock);
        pthread_mutex_unlock(&x->h->wait_lock);
        return 0;
    }
    pthread_mutex_unlock(&x->h->wait_lock);
    if (x->cur == NULL) {
        http_msg *m = x->head;
        if (m != NULL) {
            x->head = m->next;
            if (x->head == NULL) x->tail = NULL;
            x->cur = sse_event(m->text, m->len, &x->cur_len);
            free(m->text);
            free(m);
        } else if (!x->final_sent) {
            x->final_sent = true;
            if (x->final != NULL) x->cur = sse_event(x->final, x->final_len, &x->cur_len);
        }
        x->cur_off = 0;
    }
    ssize_t n = MHD_CONTENT_READER_END_OF_STREAM;
    if (x->cur != NULL) {
        size_t left = x->cur_len - x->cur_off;
        size_t k = left < max ? left : max;
        memcpy(buf, x->cur + x->cur_off, k);
        x->cur_off += k;
        n = (ssize_t)k;
        if (x->cur_off == x->cur_len) {
            free(x->cur);
            x->cur = NULL;
        }
    }
    pthread_mutex_unlock(&x->lock);
    return n;
}

/* libmicrohttpd is done with an SSE response: drop its reference. */
static void sse_free(void *cls) { exchange_unref(cls); }

/* ---- small helpers ----------------------------------------------------- */

typedef struct http_request {
    mcp_http_body body; /* gathered under the cap (http_input.h) */
    bool answered;      /* refused on its headers */
    http_exchange *x;   /* handed to the core: answered when it sends */
    mcp_peer *peer;     /* the peer x was handed to */
    bool is_init;       /* x is an initialize: keep its peer when it succeeds */
} http_request;

static const char *header(struct MHD_Connection *c, const char *name) {
    return mcp_mhd.lookup_connection_value(c, MHD_HEADER_KIND, name);
}

/* Queue a response with a body and content type; MHD_YES or MHD_NO. */
static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type,
                             const char *body, size_t len, const char *session_id,
                             const char *extra_name, const char *extra_value) {
    struct MHD_Response *r =
        mcp_mhd.create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (r == NULL) return MHD_NO;
    if (type != NULL) mcp_mhd.add_response_header(r, "Content-Type", type);
    if (session_id != NULL) mcp_mhd.add_response_header(r, HTTP_SESSION_HDR, session_id);
    if (extra_name != NULL) mcp_mhd.add_response_header(r, extra_name, extra_value);
    enum MHD_Result ok = mcp_mhd.queue_response(c, status, r);
    mcp_mhd.destroy_response(r);
    return ok;
}

/* A JSON-RPC error for the request whose id is id_text (JSON text; NULL
 * or "" for null) with an HTTP status and an optional extra header. */
static enum MHD_Result reply_error_for(struct MHD_Connection *c, unsigned status, int code,
                                       const char *message, const char *id_text,
                                       const char *extra_name, const char *extra_value) {
    json_t *id = id_text && id_text[0] ? json_loads(id_text, JSON_DECODE_ANY, NULL) : NULL;
    json_t *e = mcp_rpc_error(id, code, message, NULL);
    json_decref(id);
    size_t len = 0;
    char *text = e ? mcp_rpc_dump(e, &len) : NULL;
    json_decref(e);
    enum MHD_Result ok =
        reply(c, status, "application/json", text ? text : "", len, NULL, extra_name, extra_value);
    free(text);
    return ok;
}

/* A JSON-RPC error with id null (the request was not read, or has none). */
static enum MHD_Result reply_error(struct MHD_Connection *c, unsigned status, int code,
                                   const char *message, const char *extra_name,
                                   const char *extra_value) {
    return reply_error_for(c, status, code, message, NULL, extra_name, extra_value);
}

/* DNS-rebinding protection: a loopback-bound server answers only a Host
 * that parses as host[:port] with a loopback host; an Origin must parse
 * as scheme://host[:port] and be an http(s) loopback one or equal one of
 * --allowed-origin (mcp/origin.c compares whole hosts). NULL, or why not. */
static const char *check_origin(http_server *h, struct MHD_Connection *c) {
    const char *host = header(c, "Host"), *origin = header(c, "Origin");
    mcp_authority a;
    if (h->loopback &&
        (host == NULL || mcp_origin_parse_host(host, &a) != 0 || !mcp_origin_is_loopback(a.host)))
        return "Forbidden: the Host header must name this loopback server";
    if (origin == NULL) return NULL;
    for (size_t i = 0; i < h->srv->opt.origin_count; i++)
        if (mcp_origin_same(origin, h->srv->opt.origins[i])) return NULL;
    char scheme[16];
    if (mcp_origin_parse(origin, scheme, sizeof scheme, &a) == 0 &&
        mcp_origin_is_loopback(a.host) &&
        (strcasecmp(scheme, "http") == 0 || strcasecmp(scheme, "https") == 0))
        return NULL;
    return "Forbidden: this Origin is not allowed (add it with --allowed-origin)";
}

/* Bearer-token check in constant time (http_input.c), when there is a token. */
static bool check_token(http_server *h, struct MHD_Connection *c) {
    if (h->srv->opt.auth_token[0] == '\0') return true;
    return mcp_http_bearer_ok(header(c, "Authorization"), h->token_digest);
}

/* Bytes of the token hash that name a client in rate limits. */
#define HTTP_TOKEN_KEY_BYTES 4
/* The one key of every loopback address (127.0.0.0/8, ::1, ::ffff:127.x). */
#define HTTP_LOOPBACK_KEY "ip:127.0.0.1"

/* Whether canonical address addr is one of --trusted-proxy. */
static bool trusted_proxy(const http_server *h, const char *addr) {
    for (size_t i = 0; i < h->srv->opt.trusted_proxy_count; i++)
        if (strcmp(addr, h->srv->opt.trusted_proxies[i]) == 0) return true;
    return false;
}

/* libmicrohttpd's header walk for last_forwarded_for: keep the value of
 * every X-Forwarded-For line, so the last one wins. */
static enum MHD_Result keep_forwarded_for(void *cls, enum MHD_ValueKind kind, const char *key,
                                          const char *value) {
    (void)kind;
    if (key != NULL && value != NULL && strcasecmp(key, "X-Forwarded-For") == 0)
        *(const char **)cls = value;
    return MHD_YES;
}

/* The last X-Forwarded-For header line: a proxy adds its own line (HAProxy's
 * option forwardfor does) after any the client sent, so only the last one
 * is the proxy's word; NULL when there is none. */
static const char *last_forwarded_for(struct MHD_Connection *c) {
    const char *last = NULL;
    mcp_mhd.get_connection_values(c, MHD_HEADER_KIND, keep_forwarded_for, &last);
    return last;
}

/* The key of the client's address: "ip:ADDR", one key for all loopback
 * (a local client could otherwise rotate addresses to dodge its limits).
 * A request from a trusted proxy is the client its X-Forwarded-For names. */
static void address_key(const http_server *h, struct MHD_Connection *c, char *key, size_t len) {
    const union MHD_ConnectionInfo *ci =
        mcp_mhd.get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char addr[MCP_HTTP_IP_MAX] = "?", named[MCP_HTTP_IP_MAX];
    if (ci == NULL || ci->client_addr == NULL ||
        mcp_http_sockaddr_text(ci->client_addr, sizeof(struct sockaddr_storage), addr) != 0)
        snprintf(addr, sizeof addr, "?");
    if (trusted_proxy(h, addr) && mcp_http_forwarded_client(last_forwarded_for(c), named) == 0)
        memcpy(addr, named, sizeof addr);
    if (mcp_http_ip_loopback(addr))
        snprintf(key, len, "%s", HTTP_LOOPBACK_KEY);
    else
        snprintf(key, len, "ip:%s", addr);
}

/* The key an admitted client is known by: its token's hash when the
 * server has a token (the request passed check_token, so it presented
 * that token), else its address (address_key). */
static void client_key(http_server *h, struct MHD_Connection *c, char *key, size_t len) {
    if (h->srv->opt.auth_token[0] == '\0') {
        address_key(h, c, key, len);
        return;
    }
    char hex[BASE16_ENCODE_LENGTH(HTTP_TOKEN_KEY_BYTES) + 1];
    base16_encode_update(hex, HTTP_TOKEN_KEY_BYTES, h->token_digest);
    hex[BASE16_ENCODE_LENGTH(HTTP_TOKEN_KEY_BYTES)] = '\0';
    snprintf(key, len, "token:%s", hex);
}

/* Record a failed authentication from the address key addr; when it
 * starts a block, say so in the audit log and the server log. */
static void auth_failed(http_server *h, const char *addr) {
    uint32_t blocked = mcp_rate_fail(h->rate, addr, util_now_ms() / 1000.0);
    if (blocked == 0) return;
    mcp_logf(MCP_LOG_WARNING, "auth_blocked",
             "%s sent %u wrong tokens within %u s: refused (429) for %u s", addr,
             LSB_MCP_AUTH_FAILS_MAX, LSB_MCP_AUTH_FAIL_WINDOW_S, blocked);
    if (h->srv->audit == NULL) return;
    char ts[40];
    mcp_log_timestamp(ts, sizeof ts);
    json_t *line =
        json_pack("{s:s, s:s, s:s, s:I, s:I, s:I}", "time", ts, "event", "auth_blocked", "client",
                  addr, "failures", (json_int_t)LSB_MCP_AUTH_FAILS_MAX, "window_s",
                  (json_int_t)LSB_MCP_AUTH_FAIL_WINDOW_S, "blocked_s", (json_int_t)blocked);
    char *text = line ? util_json_dumps(line, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    json_decref(line);
    mcp_log_line(h->srv->audit, text ? text : "{\"event\":\"auth_blocked\"}");
    free(text);
}

/* ---- POST /mcp ----------------------------------------------------------- */

/* The HTTP status of a final response: 400 for a malformed message
 * (JSON, envelope, era, _meta, version headers), 404 for an unknown
 * method in the stateless era; everything else is in-band (200). */
static unsigned final_status(mcp_send_kind kind) {
    return kind == MCP_SEND_BAD_REQUEST ? 400 : kind == MCP_SEND_NO_METHOD ? 404 : 200;
}

/* Whether an Accept header allows SSE. */
static bool accepts_sse(struct MHD_Connection *c) {
    const char *a = header(c, "Accept");
    return a != NULL && (strstr(a, "text/event-stream") || strstr(a, "*/*"));
}

/* Check the 2026-07-28 routing headers against the body: Mcp-Method must
 * be sent and equal the method; Mcp-Name must be sent and equal
 * params.name when the body has one (tools/call). NULL, or why not. */
static const char *check_routing(struct MHD_Connection *c, const mcp_peek *pk) {
    const char *method = header(c, "Mcp-Method"), *name = header(c, "Mcp-Name");
    if (pk->batch || pk->response) return NULL;
    if (method == NULL) return "Protocol 2026-07-28 requests need the Mcp-Method header";
    if (!mcp_http_header_equals(method, pk->method))
        return "The Mcp-Method header does not match the method in the body";
    if (pk->name[0] && name == NULL)
        return "Protocol 2026-07-28 tools/call requests need the Mcp-Name header";
    if (name != NULL && pk->name[0] && !mcp_http_header_equals(name, pk->name))
        return "The Mcp-Name header does not match params.name in the body";
    return NULL;
}

/* Set p's owner: the token when the server has one, else its own
 * Mcp-Session-Id (a protocol session) or the client's key (a stateless
 * request has no other identity). */
static void set_owner(const http_server *h, mcp_peer *p, bool protocol_session) {
    const char *token = h->srv->opt.auth_token;
    if (token[0] != '\0')
        mcp_owner_derive(MCP_OWNER_TOKEN, token, p->owner);
    else if (protocol_session)
        mcp_owner_derive(MCP_OWNER_PROTOCOL, p->id, p->owner);
    else
        mcp_owner_derive(MCP_OWNER_STATELESS, p->key, p->owner);
}

/* A new peer for key (see set_owner); NULL when out of memory. */
static mcp_peer *new_peer(http_server *h, const char *key, bool is_init) {
    mcp_peer *p = mcp_peer_new(key);
    if (p != NULL) set_owner(h, p, is_init);
    return p;
}

/* Protocol session sid from the store (another node, or this server
 * before a restart, issued it), now kept in the table too; NULL when the
 * store has no such session or the table has no room. */
static mcp_peer *adopt_stored(http_server *h, const char *sid, const char *key) {
    const char *store = mcp_peer_table_store(h->sessions);
    mcp_peer_record rec;
    if (store == NULL || mcp_peer_store_load(store, sid, &rec) != 0) return NULL;
    mcp_peer *p = mcp_peer_new_with_id(sid, key);
    if (p == NULL) return NULL;
    memcpy(p->version, rec.version, sizeof p->version);
    memcpy(p->client, rec.client, sizeof p->client);
    atomic_store(&p->log_level, rec.log_level);
    atomic_store(&p->initialized, true); /* it was initialized on some node */
    set_owner(h, p, true);
    mcp_peer_admit v = mcp_peer_table_add(h->sessions, p);
    if (v == MCP_PEER_ADDED) {
        mcp_logf(MCP_LOG_DEBUG, "session_adopted", "protocol session %s of client %s", sid, key);
        return p;
    }
    mcp_peer_unref(p);
    return v == MCP_PEER_EXISTS ? mcp_peer_table_get(h->sessions, sid, false) : NULL;
}

/* Whether held session p is still stored: its file is touched every
 * MCP_PEER_STORE_TOUCH_S while used (so other nodes keep it), and a file
 * gone means another node ended it, which ends it here too. */
static bool still_stored(http_server *h, mcp_peer *p) {
    const char *store = mcp_peer_table_store(h->sessions);
    double now = util_now_ms();
    if (store == NULL || now - atomic_load(&p->stored_ms) < MCP_PEER_STORE_TOUCH_S * 1000.0)
        return true;
    atomic_store(&p->stored_ms, now);
    if (mcp_peer_store_touch(store, p->id) == 0 || errno != ENOENT) return true;
    mcp_peer_unref(mcp_peer_table_get(h->sessions, p->id, true));
    return false;
}

/* The protocol session sid with a reference for the caller, from the
 * table or the store; NULL when no node knows it (or it has ended). */
static mcp_peer *find_peer(http_server *h, const char *sid, const char *key) {
    mcp_peer *p = mcp_peer_table_get(h->sessions, sid, false);
    if (p == NULL) return adopt_stored(h, sid, key);
    if (still_stored(h, p)) return p;
    mcp_peer_unref(p);
    return NULL;
}

/* Pick the peer for a POST: a transient one (stateless era), a new one
 * (initialize), or the Mcp-Session-Id's. NULL after replying. */
static mcp_peer *post_peer(http_server *h, struct MHD_Connection *c, const mcp_peek *pk,
                           bool modern, const char *key, bool *is_init, enum MHD_Result *ok) {
    *is_init = !pk->batch && strcmp(pk->method, "initialize") == 0 && !modern;
    if (modern || *is_init || strcmp(pk->method, "server/discover") == 0)
        return new_peer(h, key, *is_init);
    const char *sid = header(c, HTTP_SESSION_HDR);
    if (sid == NULL) {
        mcp_metrics_reject(MCP_REJECT_SESSION);
        *ok = reply_error(c, 400, MCP_RPC_INVALID_REQUEST,
                          "Bad Request: no Mcp-Session-Id header; send initialize first (or use "
                          "protocol 2026-07-28, which needs no session)",
                          NULL, NULL);
        return NULL;
    }
    mcp_peer *p = find_peer(h, sid, key);
    if (p == NULL) {
        mcp_metrics_reject(MCP_REJECT_SESSION);
        *ok = reply_error(c, 404, MCP_RPC_INVALID_REQUEST,
                          "Not Found: unknown or expired Mcp-Session-Id; send initialize again",
                          NULL, NULL);
    }
    return p;
}

/* Room for an initialize's new session (peer) in the table, taken before
 * it runs so concurrent ones cannot overfill it; on refusal, reply (the
 * request still releases peer). Returns true when peer was added. */
static bool admit_session(http_server *h, struct MHD_Connection *c, mcp_peer *peer,
                          const mcp_peek *pk, enum MHD_Result *ok) {
    mcp_peer_admit v = mcp_peer_table_add(h->sessions, peer);
    if (v == MCP_PEER_ADDED) return true;
    mcp_metrics_reject(MCP_REJECT_SESSION);
    char msg[300];
    if (v == MCP_PEER_KEY_FULL)
        snprintf(msg, sizeof msg,
                 "Too Many Requests: this client already holds %u protocol sessions in use; end "
                 "unused ones with DELETE /mcp, or let them expire",
                 LSB_MCP_HTTP_SESSIONS_CLIENT);
    else
        snprintf(msg, sizeof msg, "Service Unavailable: %s",
                 v == MCP_PEER_TABLE_FULL
                     ? "the server holds its maximum of protocol sessions; retry later"
                     : "out of memory");
    mcp_logf(MCP_LOG_WARNING, "initialize_refused", "client %s: %s", peer->key, msg);
    *ok = reply_error_for(c, v == MCP_PEER_KEY_FULL ? 429 : 503, MCP_RPC_INVALID_REQUEST, msg,
                          pk->id, "Retry-After", "60");
    return false;
}

/* Give back the table room an initialize took (it failed). */
static void release_session(http_server *h, const mcp_peer *peer) {
    mcp_peer_unref(mcp_peer_table_get(h->sessions, peer->id, true));
}

/* Keep a new protocol session in the store, so every node sharing it
 * knows the id (a failure only logs: this node still knows it). Its id. */
static const char *store_session(http_server *h, mcp_peer *p) {
    const char *store = mcp_peer_table_store(h->sessions);
    char err[PATH_MAX + 128];
    if (store != NULL && mcp_peer_store_save(store, p, err, sizeof err) != 0) {
        mcp_logf(MCP_LOG_WARNING, "session_store", "%s; only this node knows it", err);
        atomic_store(&p->stored_ms, INFINITY); /* no file to touch: never look for it */
    } else {
        atomic_store(&p->stored_ms, util_now_ms());
    }
    return p->id;
}

/* Whether x can be answered now: its response is in, or a notification
 * is and the client takes SSE (x->lock held). */
static bool exchange_ready(const http_exchange *x) {
    return x->final_ready || (x->head != NULL && x->sse_ok);
}

/* Queue the reply of rq's exchange: an SSE stream when a notification
 * came first, else the response (202 for none). */
static enum MHD_Result post_reply(http_server *h, struct MHD_Connection *c, http_request *rq) {
    http_exchange *x = rq->x;
    rq->x = NULL; /* its reference goes to the response, or is dropped here */
    pthread_mutex_lock(&x->lock);
    bool stream = !x->final_ready || (x->head != NULL && x->sse_ok);
    pthread_mutex_unlock(&x->lock);
    const char *sid = NULL;
    if (rq->is_init && x->final != NULL && x->kind == MCP_SEND_RESULT) /* initialize succeeded */
        sid = store_session(h, rq->peer);
    else if (rq->is_init)
        release_session(h, rq->peer);
    enum MHD_Result ok = MHD_NO;
    if (stream) {
        struct MHD_Response *r = mcp_mhd.create_response_from_callback(
            MHD_SIZE_UNKNOWN, HTTP_SSE_BLOCK, sse_read, x, sse_free);
        if (r == NULL) {
            exchange_unref(x);
            return MHD_NO;
        }
        mcp_mhd.add_response_header(r, "Content-Type", "text/event-stream");
        mcp_mhd.add_response_header(r, "Cache-Control", "no-cache");
        if (sid) mcp_mhd.add_response_header(r, HTTP_SESSION_HDR, sid);
        ok = mcp_mhd.queue_response(c, 200, r);
        mcp_mhd.destroy_response(r);
        return ok;
    }
    if (x->final == NULL)
        ok = reply(c, 202, NULL, "", 0, sid, NULL, NULL);
    else
        ok = reply(c, final_status(x->kind), "application/json", x->final, x->final_len, sid, NULL,
                   NULL);
    exchange_unref(x);
    return ok;
}

/* Answer rq's exchange if the core has sent enough; else suspend the
 * connection until it does (the core's send resumes it, and libmicrohttpd
 * calls on_request again). At shutdown, an unanswered request gets 503. */
static enum MHD_Result post_answer(http_server *h, struct MHD_Connection *c, http_request *rq) {
    http_exchange *x = rq->x;
    pthread_mutex_lock(&h->wait_lock);
    pthread_mutex_lock(&x->lock);
    bool ready = exchange_ready(x), stopping = h->stopping;
    if (!ready && !stopping) {
        x->conn = c;
        exchange_suspend(x);
    }
    pthread_mutex_unlock(&x->lock);
    pthread_mutex_unlock(&h->wait_lock);
    if (ready) return post_reply(h, c, rq);
    if (!stopping) return MHD_YES;
    return reply_error(c, 503, MCP_RPC_INTERNAL_ERROR,
                       "Service Unavailable: the server is stopping", NULL, NULL);
}

/* Route a parsed body: headers, peer, then the core; the reply follows
 * in post_answer. */
static enum MHD_Result post_value(http_server *h, struct MHD_Connection *c, json_t *body,
                                  http_request *rq) {
    mcp_peek pk;
    mcp_proto_peek(body, &pk);
    const char *hv = header(c, "MCP-Protocol-Version");
    bool modern = pk.has_meta_version || (hv && strcmp(hv, MCP_VERSION_MODERN) == 0);
    const char *bad = modern ? check_routing(c, &pk) : NULL;
    if (bad != NULL) {
        mcp_metrics_reject(MCP_REJECT_PROTOCOL);
        return reply_error_for(c, 400, MCP_RPC_HEADER_MISMATCH, bad, pk.id, NULL, NULL);
    }
    char key[MCP_CLIENT_KEY_MAX];
    client_key(h, c, key, sizeof key);
    enum MHD_Result ok = MHD_NO;
    rq->peer = post_peer(h, c, &pk, modern, key, &rq->is_init, &ok);
    if (rq->peer == NULL) return ok;
    if (rq->is_init && !admit_session(h, c, rq->peer, &pk, &ok)) return ok;
    http_exchange *x = calloc(1, sizeof *x);
    if (x == NULL) {
        if (rq->is_init) release_session(h, rq->peer);
        return MHD_NO;
    }
    pthread_mutex_init(&x->lock, NULL);
    atomic_init(&x->refs, 2);
    x->h = h;
    x->conn = c;
    x->sse_ok = accepts_sse(c);
    rq->x = x;
    mcp_inbound in = {key, true, hv};
    mcp_out out = {http_send, x};
    mcp_proto_handle_value(h->srv, rq->peer, &in, body, &out);
    return post_answer(h, c, rq);
}

/* Parse the body once and hand it on. */
static enum MHD_Result post_mcp(http_server *h, struct MHD_Connection *c, http_request *rq) {
    json_t *body = NULL;
    char why[256];
    if (mcp_rpc_parse(rq->body.data ? rq->body.data : "", rq->body.len, &body, why, sizeof why) !=
        0) {
        mcp_metrics_reject(MCP_REJECT_PROTOCOL);
        return reply_error(c, 400, MCP_RPC_PARSE_ERROR, why, NULL, NULL);
    }
    enum MHD_Result ok = post_value(h, c, body, rq);
    json_decref(body);
    return ok;
}

/* DELETE /mcp: end the Mcp-Session-Id. */
static enum MHD_Result delete_session(http_server *h, struct MHD_Connection *c) {
    const char *sid = header(c, HTTP_SESSION_HDR);
    if (sid == NULL)
        return reply_error(c, 400, MCP_RPC_INVALID_REQUEST,
                           "Bad Request: DELETE needs the Mcp-Session-Id header", NULL, NULL);
    char key[MCP_CLIENT_KEY_MAX];
    address_key(h, c, key, sizeof key);
    mcp_peer *p = find_peer(h, sid, key);
    if (p == NULL) {
        mcp_metrics_reject(MCP_REJECT_SESSION);
        return reply_error(c, 404, MCP_RPC_INVALID_REQUEST,
                           "Not Found: unknown or expired Mcp-Session-Id", NULL, NULL);
    }
    mcp_peer_unref(p); /* the table's reference comes next */
    p = mcp_peer_table_get(h->sessions, sid, true);
    if (mcp_peer_table_store(h->sessions) != NULL)
        mcp_peer_store_forget(mcp_peer_table_store(h->sessions), sid);
    if (p == NULL) /* a concurrent DELETE took it */
        return reply(c, 204, NULL, "", 0, NULL, NULL, NULL);
    /* Its sandbox sessions are reachable by nobody now (without a token
     * the Mcp-Session-Id was their owner): release them, unless shared. */
    if (h->srv->opt.auth_token[0] == '\0' && !h->srv->opt.share_sessions) {
        size_t n = mcp_tool_release_owner(h->srv, p->owner);
        if (n > 0)
            mcp_logf(MCP_LOG_INFO, "sessions_released",
                     "protocol session ended: %zu of its sessions released", n);
    }
    mcp_peer_unref(p);
    return reply(c, 204, NULL, "", 0, NULL, NULL, NULL);
}

/* GET /metrics: Prometheus text. */
static enum MHD_Result get_metrics(http_server *h, struct MHD_Connection *c) {
    mcp_gauges g;
    mcp_gauges_read(h->srv, &g);
    size_t len = 0;
    char *text = mcp_metrics_prometheus(&g, &len);
    if (text == NULL) return MHD_NO;
    enum MHD_Result ok = reply(c, 200, "text/plain; version=0.0.4", text, len, NULL, NULL, NULL);
    free(text);
    return ok;
}

/* 413 for a body over the cap. */
static enum MHD_Result reply_too_large(http_server *h, struct MHD_Connection *c) {
    char msg[160];
    mcp_metrics_reject(MCP_REJECT_BODY);
    snprintf(msg, sizeof msg, "Payload Too Large: the body cap is %llu bytes",
             (unsigned long long)h->srv->opt.max_body_bytes);
    return reply_error(c, 413, MCP_RPC_INVALID_REQUEST, msg, NULL, NULL);
}

/* Gather a body chunk, up to the cap (http_input.c). true when more is due. */
static bool gather_body(http_server *h, http_request *rq, const char *data, size_t *size) {
    if (*size == 0) return false;
    mcp_http_body_append(&rq->body, data, *size, h->srv->opt.max_body_bytes);
    *size = 0;
    return true;
}

/* The checks every request passes before its method: origin, token, rate.
 * Returns true when it may go on; otherwise it has replied. */
static bool admit(http_server *h, struct MHD_Connection *c, enum MHD_Result *ok) {
    const char *why = check_origin(h, c);
    if (why != NULL) {
        mcp_metrics_reject(MCP_REJECT_ORIGIN);
        *ok = reply_error(c, 403, MCP_RPC_INVALID_REQUEST, why, NULL, NULL);
        return false;
    }
    char key[MCP_CLIENT_KEY_MAX], retry[16];
    address_key(h, c, key, sizeof key);
    uint32_t wait = 0;
    if (h->srv->opt.auth_token[0] != '\0' &&
        (wait = mcp_rate_blocked(h->rate, key, util_now_ms() / 1000.0)) > 0) {
        mcp_metrics_reject(MCP_REJECT_AUTH);
        snprintf(retry, sizeof retry, "%u", wait);
        *ok = reply_error(c, 429, MCP_RPC_INVALID_REQUEST,
                          "Too Many Requests: too many wrong tokens from this address; retry after "
                          "the Retry-After seconds",
                          "Retry-After", retry);
        return false;
    }
    if (!check_token(h, c)) {
        mcp_metrics_reject(MCP_REJECT_AUTH);
        auth_failed(h, key);
        *ok = reply_error(c, 401, MCP_RPC_INVALID_REQUEST,
                          "Unauthorized: send 'Authorization: Bearer <token>'", "WWW-Authenticate",
                          "Bearer");
        return false;
    }
    client_key(h, c, key, sizeof key);
    wait = mcp_rate_take(h->rate, key, util_now_ms() / 1000.0);
    if (wait > 0) {
        mcp_metrics_reject(MCP_REJECT_RATE);
        snprintf(retry, sizeof retry, "%u", wait);
        *ok = reply_error(c, 429, MCP_RPC_INVALID_REQUEST,
                          "Too Many Requests: slow down and retry after the Retry-After seconds",
                          "Retry-After", retry);
        return false;
    }
    return true;
}

/* Everything that can be decided from the headers: path, origin, token,
 * rate, method, content type and declared length. Returns true when the
 * request may go on; otherwise it has replied (before any body is read). */
static bool screen(http_server *h, struct MHD_Connection *c, const char *url, const char *method,
                   enum MHD_Result *ok) {
    bool is_mcp = strcmp(url, HTTP_PATH_MCP) == 0, is_metrics = strcmp(url, HTTP_PATH_METRICS) == 0;
    if (!is_mcp && !is_metrics) {
        *ok = reply_error(c, 404, MCP_RPC_INVALID_REQUEST,
                          "Not Found: the MCP endpoint is /mcp (and /metrics)", NULL, NULL);
        return false;
    }
    if (!admit(h, c, ok)) return false;
    const char *allowed = is_metrics ? "GET" : "POST, DELETE";
    if ((is_metrics && strcmp(method, "GET") != 0) ||
        (is_mcp && strcmp(method, "POST") != 0 && strcmp(method, "DELETE") != 0)) {
        *ok = reply_error(c, 405, MCP_RPC_INVALID_REQUEST,
                          is_mcp ? "Method Not Allowed: POST JSON-RPC to /mcp (this server offers "
                                   "no GET stream)"
                                 : "Method Not Allowed",
                          "Allow", allowed);
        return false;
    }
    if (strcmp(method, "POST") != 0) return true;
    const char *type = header(c, "Content-Type"), *length = header(c, "Content-Length");
    if (type == NULL || strncasecmp(type, "application/json", 16) != 0) {
        mcp_metrics_reject(MCP_REJECT_PROTOCOL);
        *ok =
            reply_error(c, 415, MCP_RPC_INVALID_REQUEST,
                        "Unsupported Media Type: send Content-Type: application/json", NULL, NULL);
        return false;
    }
    if (length != NULL && strtoull(length, NULL, 10) > h->srv->opt.max_body_bytes) {
        *ok = reply_too_large(h, c);
        return false;
    }
    return true;
}

/* libmicrohttpd's access handler: called once with the headers (screened
 * at once), then per body chunk, then once more to answer. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **state) {
    (void)version;
    http_server *h = cls;
    if (*state == NULL) {
        http_request *rq = calloc(1, sizeof *rq);
        if ((*state = rq) == NULL) return MHD_NO;
        enum MHD_Result ok = MHD_YES;
        mcp_conns_body_started(c);
        if (!screen(h, c, url, method, &ok)) rq->answered = true;
        return ok;
    }
    http_request *rq = *state;
    if (rq->x != NULL) return post_answer(h, c, rq); /* resumed: the core has sent */
    if (rq->answered) { /* refused on its headers: drop whatever body follows */
        *upload_size = 0;
        return MHD_YES;
    }
    mcp_conns_body_bytes(c, *upload_size);
    if (gather_body(h, rq, upload_data, upload_size)) return MHD_YES;
    mcp_conns_answering(c);
    if (strcmp(url, HTTP_PATH_METRICS) == 0) return get_metrics(h, c);
    if (strcmp(method, "DELETE") == 0) return delete_session(h, c);
    if (rq->body.too_large) return reply_too_large(h, c);
    return post_mcp(h, c, rq);
}

/* Free a request's state when its connection is done with it. */
static void on_completed(void *cls, struct MHD_Connection *c, void **state,
                         enum MHD_RequestTerminationCode why) {
    (void)cls, (void)why;
    http_request *rq = *state;
    if (rq != NULL) {
        mcp_http_body_free(&rq->body);
        if (rq->x != NULL) exchange_unref(rq->x);
        if (rq->peer != NULL) mcp_peer_unref(rq->peer);
    }
    free(rq);
    *state = NULL;
    mcp_conns_request_done(c);
}

/* Resolve "HOST:PORT" into addr; 0 or -1 with err. */
static int resolve_listen(const char *listen, struct sockaddr_storage *addr, socklen_t *len,
                          char *err, size_t errlen) {
    char host[256];
    const char *colon = strrchr(listen, ':');
    if (colon == NULL || colon == listen || colon[1] == '\0') {
        snprintf(err, errlen, "--http needs HOST:PORT (e.g. 127.0.0.1:8080), got '%s'", listen);
        return -1;
    }
    size_t hl = (size_t)(colon - listen);
    if (listen[0] == '[' && hl >= 2 && listen[hl - 1] == ']')
        snprintf(host, sizeof host, "%.*s", (int)hl - 2, listen + 1);
    else
        snprintf(host, sizeof host, "%.*s", (int)hl, listen);
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    int rc = getaddrinfo(host, colon + 1, &hints, &res);
    if (rc != 0 || res == NULL) {
        snprintf(err, errlen, "--http %s: %s", listen, gai_strerror(rc));
        return -1;
    }
    memcpy(addr, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

/* The connection limit: max_connections, lowered to what the open-file
 * limit leaves after LSB_MCP_HTTP_FD_RESERVE (raised to its hard limit
 * first), so every admitted connection really gets a socket. */
static unsigned connection_limit(const mcp_options *o) {
    struct rlimit rl;
    unsigned want = o->max_connections;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return want;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0) getrlimit(RLIMIT_NOFILE, &rl);
    }
    rlim_t room = rl.rlim_cur > 2 * LSB_MCP_HTTP_FD_RESERVE ? rl.rlim_cur - LSB_MCP_HTTP_FD_RESERVE
                                                            : rl.rlim_cur / 2;
    if (rl.rlim_cur != RLIM_INFINITY && want > room) {
        mcp_logf(MCP_LOG_WARNING, "startup",
                 "max_connections %u lowered to %llu by the open-file limit (ulimit -n)", want,
                 (unsigned long long)room);
        want = (unsigned)room;
    }
    return want;
}

/* Start libmicrohttpd on addr: epoll event-loop threads with
 * suspend/resume, the connection limits, the idle timeout and our
 * callbacks. NULL when it cannot listen. */
static struct MHD_Daemon *start_daemon(http_server *h, const struct sockaddr_storage *addr) {
    const mcp_options *o = &h->srv->opt;
    unsigned limit = connection_limit(o);
    unsigned per_ip = o->max_connections_per_ip;
    if (per_ip == 0) per_ip = h->loopback ? 0 : (limit / 4 > 0 ? limit / 4 : 1);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_USE_ERROR_LOG | (addr->ss_family == AF_INET6 ? MHD_USE_IPv6 : 0);
    return mcp_mhd.start_daemon(
        flags, 0, NULL, NULL, on_request, h, MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)LSB_MCP_HTTP_THREADS, MHD_OPTION_CONNECTION_LIMIT,
        limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)o->idle_timeout_s, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_NOTIFY_CONNECTION, mcp_conns_notify, h->conns, MHD_OPTION_END);
}

/* Wait for SIGINT or SIGTERM, enforcing the connection deadlines every
 * HTTP_SWEEP_MS meanwhile; returns the signal. */
static int serve_until_signal(http_server *h) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    struct timespec tick = {HTTP_SWEEP_MS / 1000, (HTTP_SWEEP_MS % 1000) * 1000000L};
    for (;;) {
        int sig = sigtimedwait(&set, NULL, &tick);
        if (sig > 0) return sig;
        mcp_conns_sweep(h->conns, util_now_ms());
    }
}

/* Stop: refuse new work, cancel the runs, let suspended connections take
 * their answers (libmicrohttpd must not be stopped with one suspended),
 * then stop the daemon. Past HTTP_DRAIN_MS the daemon is left to the
 * process exit rather than stopped unsafely. */
static void stop_daemon(http_server *h, struct MHD_Daemon *d) {
    atomic_store(&h->srv->stopping, true);
    mcp_mhd.quiesce_daemon(d);
    pthread_mutex_lock(&h->wait_lock);
    h->stopping = true;
    pthread_mutex_unlock(&h->wait_lock);
    mcp_calls_cancel_all(h->srv->calls);
    double until = util_now_ms() + HTTP_DRAIN_MS;
    size_t left = 1;
    while (left > 0 && util_now_ms() < until) {
        pthread_mutex_lock(&h->wait_lock);
        left = h->suspended;
        pthread_mutex_unlock(&h->wait_lock);
        if (left > 0) nanosleep(&(struct timespec){0, 20000000L}, NULL);
    }
    if (left > 0) {
        mcp_logf(MCP_LOG_WARNING, "shutdown", "%zu connections still wait for an answer", left);
        return;
    }
    mcp_mhd.stop_daemon(d);
}

/* See http.h. */
int mcp_http_serve(mcp_server *srv) {
    static http_server h;
    char err[HTTP_ERR_MAX];
    struct sockaddr_storage addr;
    socklen_t addr_len;
    if (resolve_listen(srv->opt.listen, &addr, &addr_len, err, sizeof err) != 0 ||
        mcp_mhd_load(err, sizeof err) != 0) {
        mcp_logf(MCP_LOG_ERROR, "startup", "%s", err);
        return 1;
    }
    h.srv = srv;
    h.loopback = mcp_http_sockaddr_loopback((const struct sockaddr *)&addr, addr_len);
    pthread_mutex_init(&h.wait_lock, NULL);
    h.sessions = mcp_peer_table_new(LSB_MCP_HTTP_SESSIONS_MAX, LSB_MCP_HTTP_SESSIONS_CLIENT,
                                    LSB_MCP_HTTP_SESSION_TTL_S, LSB_MCP_HTTP_SESSION_EVICT_S,
                                    &srv->http_sessions);
    mcp_peer_table_set_store(h.sessions, srv->protocol_dir);
    h.rate = mcp_rate_new(srv->opt.rate_per_min, srv->opt.rate_burst);
    h.conns = mcp_conns_new(srv->opt.idle_timeout_s);
    mcp_http_token_digest(srv->opt.auth_token, h.token_digest);
    if (!h.loopback && srv->opt.auth_token[0] == '\0')
        mcp_logf(MCP_LOG_WARNING, "security",
                 "listening on %s, which is not loopback, without --auth-token: anyone who can "
                 "reach it can run code; set a token (or LSB_MCP_AUTH_TOKEN)",
                 srv->opt.listen);
    struct MHD_Daemon *d = h.sessions && h.conns ? start_daemon(&h, &addr) : NULL;
    if (d == NULL) {
        mcp_logf(MCP_LOG_ERROR, "startup", "cannot listen on %s (address in use?)",
                 srv->opt.listen);
        return 1;
    }
    mcp_logf(MCP_LOG_INFO, "listening", "serving http://%s" HTTP_PATH_MCP, srv->opt.listen);
    int sig = serve_until_signal(&h);
    mcp_logf(MCP_LOG_INFO, "shutdown", "signal %d: stopping", sig);
    stop_daemon(&h, d);
    mcp_peer_table_free(h.sessions);
    return 0;
}
