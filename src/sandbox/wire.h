/*
 * wire.h - fixed headers, attached descriptors and strings over a Unix
 * stream socket (prefix wire_): the request protocol between the host, its
 * zygotes and live session processes.
 *
 * A message is a fixed-size header (sent with one descriptor attached as
 * SCM_RIGHTS) followed by the strings whose lengths the header announces.
 * The receiver checks every length against its cap before allocating, so a
 * broken or hostile peer can only make a call fail.
 */
#ifndef LSB_WIRE_H
#define LSB_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define WIRE_NULL_STRING UINT32_MAX /* announced length of a NULL string */

/* Send exactly len bytes (MSG_NOSIGNAL: a dead peer is an error, not a
 * SIGPIPE). 0 or -1. */
int wire_send_all(int sock, const void *buf, size_t len);

/* Send the header with fd attached; 0 or -1. */
int wire_send_header(int sock, const void *header, size_t len, int fd);

/* Receive a header of exactly len bytes with one attached descriptor
 * (close-on-exec); 0, or -1 on EOF or a malformed message. */
int wire_recv_header(int sock, void *header, size_t len, int *fd);

/* Send count strings; NULL entries are skipped (their announced length is
 * WIRE_NULL_STRING). lens[i] gives each length. 0 or -1. */
int wire_send_strings(int sock, const char *const *strs, const uint32_t *lens, int count);

/*
 * Receive the count strings announced by lens (each at most max_each
 * bytes) into one malloc'd buffer, NUL-terminating each; strs[i] points
 * into it, or is NULL for WIRE_NULL_STRING. Returns the buffer (free it
 * after use), or NULL on a bad length, EOF or out of memory.
 */
char *wire_recv_strings(int sock, const uint32_t *lens, int count, uint32_t max_each,
                        const char **strs);

/* The length to announce for s (WIRE_NULL_STRING for NULL; strlen unless
 * len is given, i.e. not SIZE_MAX). */
uint32_t wire_len(const char *s, size_t len);

/* Read exactly len bytes, giving up at the monotonic deadline (ms, from
 * wire_now_ms). 0, or -1 on EOF, error or timeout. */
int wire_read_until(int fd, void *buf, size_t len, double deadline_ms);

/* Monotonic clock in milliseconds. */
double wire_now_ms(void);

#endif
