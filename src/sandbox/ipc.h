/*
 * ipc.h - how the host, its zygotes and live session processes talk to
 * each other (prefix ipc_): whole-buffer reads and writes, reads bounded by
 * a deadline on the monotonic clock (util_now_ms), and the one wire
 * encoding of a worker_request.
 *
 * A request is a fixed-size header (sent with one descriptor attached as
 * SCM_RIGHTS) followed by the strings whose lengths the header announces.
 * The receiver checks every length against its cap before allocating, so a
 * broken or hostile peer can only make a call fail.
 */
#ifndef LSB_IPC_H
#define LSB_IPC_H

#include <stddef.h>
#include <stdint.h>

#include "sandbox/worker.h"

/* What the receiver of a request makes of the descriptor attached to it. */
typedef enum ipc_kind {
    IPC_KIND_RUN = 0,    /* the output pipe of one run */
    IPC_KIND_SESSION = 1 /* the control socket of a new live session process */
} ipc_kind;

/* A received request; the strings of req point into strings. */
typedef struct ipc_request {
    worker_request req;
    ipc_kind kind;
    int fd;        /* the attached descriptor (the receiver owns it), or -1 */
    char *strings; /* malloc'd; free with ipc_request_free */
} ipc_request;

/* Write all len bytes of buf to fd; 0, or -1 on error. */
int ipc_write_all(int fd, const void *buf, size_t len);

/* Read exactly len bytes from fd into buf; 0, or -1 on error or early EOF. */
int ipc_read_all(int fd, void *buf, size_t len);

/* Send exactly len bytes (MSG_NOSIGNAL: a dead peer is an error, not a
 * SIGPIPE). 0, or -1 on error. */
int ipc_send_all(int sock, const void *buf, size_t len);

/* Read exactly len bytes, giving up at the monotonic deadline (ms, from
 * util_now_ms). 0, or -1 on EOF, error or timeout. */
int ipc_read_until(int fd, void *buf, size_t len, double deadline_ms);

/* Send req as a request of kind with fd attached. 0, or -1 when the peer
 * is gone or a string is too long for the wire. */
int ipc_send_request(int sock, const worker_request *req, ipc_kind kind, int fd);

/*
 * Receive one request into *out. Returns 0; -1 when none arrived (EOF or a
 * malformed header; out->fd is -1); or -2 when its header came but its
 * strings did not (bad length, EOF or OOM; out->fd is set and the caller
 * closes it).
 */
int ipc_recv_request(int sock, ipc_request *out);

/* Free the strings of r (not its descriptor). */
void ipc_request_free(ipc_request *r);

#endif
