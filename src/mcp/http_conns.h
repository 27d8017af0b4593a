/*
 * http_conns.h - deadlines for the HTTP front's connections (prefix
 * mcp_conns_): a request's headers, and then its body, must arrive in
 * time, so slow clients cannot hold connections open.
 */
#ifndef LSB_MCP_HTTP_CONNS_H
#define LSB_MCP_HTTP_CONNS_H

#include <microhttpd.h>
#include <stddef.h>
#include <stdint.h>

typedef struct mcp_conns mcp_conns;

/* A tracker whose kept-alive connections may wait idle_timeout_s for
 * their next request. NULL on OOM. */
mcp_conns *mcp_conns_new(uint32_t idle_timeout_s);

/* Free t (every connection must have closed). NULL is ignored. */
void mcp_conns_free(mcp_conns *t);

/* libmicrohttpd's MHD_OPTION_NOTIFY_CONNECTION callback (cls is the
 * tracker): starts tracking a connection, with its headers due, and
 * forgets it when it closes. */
void mcp_conns_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                      enum MHD_ConnectionNotificationCode code);

/* The headers of c's request arrived: its body is due now. */
void mcp_conns_body_started(struct MHD_Connection *c);

/* n more bytes of c's body arrived (each byte buys time). */
void mcp_conns_body_bytes(struct MHD_Connection *c, size_t n);

/* c's request is complete and being answered: no deadline but the idle
 * timeout (a connection waiting for its run is suspended, never idle). */
void mcp_conns_answering(struct MHD_Connection *c);

/* c's response is done: its next request's headers are due within the
 * idle timeout. */
void mcp_conns_request_done(struct MHD_Connection *c);

/* Shut down the sockets of the connections past their deadline at now_ms
 * (util_now_ms); libmicrohttpd then sees them end and closes them.
 * Returns how many were cut. */
size_t mcp_conns_sweep(mcp_conns *t, double now_ms);

#endif
