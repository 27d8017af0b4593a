/*
 * channel.c - encodes and decodes child-to-parent frames (see channel.h).
 *
 * Frame: 1 byte type, 4 bytes little-endian payload length, payload. The
 * decoder buffers at most one frame (CHAN_MAX_FRAME + header), and output
 * frames are appended to growable buffers bounded by the caps.
 */
#include "sandbox/channel.h"

#include "sandbox/ipc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHAN_HEADER 5

/* See channel.h. */
int chan_send(int fd, chan_type type, const void *data, size_t len) {
    const uint8_t *p = data;
    do {
        size_t n = len < CHAN_MAX_FRAME ? len : CHAN_MAX_FRAME;
        uint8_t hdr[CHAN_HEADER] = {(uint8_t)type, (uint8_t)n, (uint8_t)(n >> 8),
                                    (uint8_t)(n >> 16), (uint8_t)(n >> 24)};
        if (ipc_write_all(fd, hdr, sizeof hdr) != 0 || ipc_write_all(fd, p, n) != 0) return -1;
        p += n;
        len -= n;
    } while (len > 0);
    return 0;
}

/* See channel.h. */
void chan_collect_init(chan_collect *c, uint64_t out_cap, uint64_t err_cap) {
    memset(c, 0, sizeof *c);
    c->out_cap = out_cap;
    c->err_cap = err_cap;
}

/* See channel.h. */
void chan_collect_free(chan_collect *c) {
    free(c->out);
    free(c->err);
    free(c->frame);
    for (size_t i = 0; i < c->warnings_count; i++)
        free(c->warnings[i]);
    memset(c, 0, sizeof *c);
}

/* Append up to the cap; anything beyond only sets *truncated. -1 on OOM. */
static int append_capped(char **buf, size_t *len, uint64_t cap, bool *truncated,
                         const uint8_t *data, size_t n) {
    size_t room = *len < cap ? (size_t)(cap - *len) : 0;
    if (n > room) {
        *truncated = true;
        n = room;
    }
    char *grown = realloc(*buf, *len + n + 1);
    if (grown == NULL) return -1;
    memcpy(grown + *len, data, n);
    *len += n;
    grown[*len] = '\0';
    *buf = grown;
    return 0;
}

/* Keep output of stream fd (1 or 2) and pass what was kept to the sink. */
static int append_output(chan_collect *c, int fd, const uint8_t *p, size_t n) {
    char **buf = fd == 1 ? &c->out : &c->err;
    size_t *len = fd == 1 ? &c->out_len : &c->err_len;
    size_t before = *len;
    if (append_capped(buf, len, fd == 1 ? c->out_cap : c->err_cap,
                      fd == 1 ? &c->out_truncated : &c->err_truncated, p, n) != 0)
        return -1;
    if (c->sink != NULL && *len > before) c->sink(c->sink_ctx, fd, *buf + before, *len - before);
    return 0;
}

/* Copy a string field of at most cap-1 bytes. */
static void copy_field(char *dst, size_t cap, const uint8_t *src, size_t n) {
    if (n > cap - 1) n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Keep one warning (capped in count and length); -1 only on OOM. */
static int keep_warning(chan_collect *c, const uint8_t *p, size_t n) {
    if (c->warnings_count >= CHAN_MAX_WARNINGS) return 0;
    if (n > CHAN_WARNING_MAX) n = CHAN_WARNING_MAX;
    char *w = malloc(n + 1);
    if (w == NULL) return -1;
    copy_field(w, n + 1, p, n);
    c->warnings[c->warnings_count++] = w;
    return 0;
}

/* Handle one complete frame; -1 if its content is malformed. */
static int handle_frame(chan_collect *c, uint8_t type, const uint8_t *p, size_t n) {
    switch (type) {
    case CHAN_STDOUT: return append_output(c, 1, p, n);
    case CHAN_STDERR: return append_output(c, 2, p, n);
    case CHAN_ERROR: {
        const uint8_t *sep = memchr(p, '\0', n);
        if (sep == NULL) return -1;
        copy_field(c->error_type, sizeof c->error_type, p, (size_t)(sep - p));
        copy_field(c->error_message, sizeof c->error_message, sep + 1, n - (size_t)(sep - p) - 1);
        return 0;
    }
    case CHAN_DONE:
        if (n != sizeof c->final || c->done) return -1;
        memcpy(&c->final, p, n);
        c->done = true;
        return 0;
    case CHAN_FAIL: copy_field(c->fail, sizeof c->fail, p, n); return 0;
    case CHAN_WARNING: return keep_warning(c, p, n);
    default: return -1;
    }
}

/* The payload length stored in a frame header. */
static size_t frame_payload(const uint8_t *hdr) {
    return (size_t)hdr[1] | (size_t)hdr[2] << 8 | (size_t)hdr[3] << 16 | (size_t)hdr[4] << 24;
}

/* See channel.h. */
int chan_collect_feed(chan_collect *c, const void *data, size_t len) {
    const uint8_t *in = data;
    if (c->frame == NULL && (c->frame = malloc(CHAN_HEADER + CHAN_MAX_FRAME)) == NULL) return -1;
    for (;;) {
        size_t need = CHAN_HEADER;
        if (c->frame_len >= CHAN_HEADER) {
            size_t payload = frame_payload(c->frame);
            if (payload > CHAN_MAX_FRAME) return -1;
            need += payload;
            if (c->frame_len == need) {
                if (handle_frame(c, c->frame[0], c->frame + CHAN_HEADER, payload) != 0) return -1;
                c->frame_len = 0;
                continue;
            }
        }
        if (len == 0) return 0;
        size_t take = need - c->frame_len < len ? need - c->frame_len : len;
        memcpy(c->frame + c->frame_len, in, take);
        c->frame_len += take;
        in += take;
        len -= take;
    }
}
