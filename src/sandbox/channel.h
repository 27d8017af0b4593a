/*
 * channel.h - framed messages from an execution child to its parent (chan_).
 *
 * The child streams output as it is written and ends with one DONE record,
 * so a child killed at its deadline still leaves its partial output behind.
 * The parent treats the child as hostile: every frame is length-checked and
 * output beyond the caps is counted, not stored.
 */
#ifndef LSB_CHANNEL_H
#define LSB_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum chan_type {
    CHAN_STDOUT = 1,
    CHAN_STDERR = 2,
    CHAN_ERROR = 3,  /* the guest's uncaught error: type '\0' message */
    CHAN_DONE = 4,   /* a chan_done record */
    CHAN_FAIL = 5,   /* the sandbox itself failed in the child: a message */
    CHAN_WARNING = 6 /* one warning for the result (UTF-8 text) */
} chan_type;

#define CHAN_MAX_FRAME    (64 * 1024)
#define CHAN_MAX_WARNINGS 16   /* warnings kept per run; more are dropped */
#define CHAN_WARNING_MAX  1024 /* bytes kept per warning */

/* The last record of a child that finished under its own power. */
typedef struct chan_done {
    int32_t exit_code;
    uint32_t outcome;                 /* rt_outcome */
    uint64_t fuel_remaining_plus_one; /* 0 when fuel could not be read */
    uint64_t memory_bytes;
    uint32_t memory_denied;
    uint32_t stdout_truncated;
    uint32_t stderr_truncated;
    uint32_t reserved;
} chan_done;

/* Send one frame, splitting data longer than CHAN_MAX_FRAME; 0 or -1. */
int chan_send(int fd, chan_type type, const void *data, size_t len);

/* What the parent collected from a child. */
typedef struct chan_collect {
    char *out, *err; /* kept output, NUL-terminated */
    size_t out_len, err_len;
    uint64_t out_cap, err_cap;
    bool out_truncated, err_truncated;
    char error_type[128], error_message[4096];
    char fail[1024];                   /* non-empty after a CHAN_FAIL */
    char *warnings[CHAN_MAX_WARNINGS]; /* malloc'd, NUL-terminated */
    size_t warnings_count;
    /* optional: called with each kept piece of output (fd 1 or 2) */
    void (*sink)(void *ctx, int fd, const char *data, size_t len);
    void *sink_ctx;
    bool done;
    chan_done final;
    /* frame parsing state */
    uint8_t *frame;
    size_t frame_len;
} chan_collect;

/* Start an empty collection keeping at most out_cap / err_cap bytes of
 * output; free it (idempotent) with chan_collect_free. Neither can fail:
 * buffers are allocated as frames arrive. */
void chan_collect_init(chan_collect *c, uint64_t out_cap, uint64_t err_cap);
void chan_collect_free(chan_collect *c);

/*
 * Feed bytes read from the child. Returns 0, or -1 if the stream is
 * malformed (the parent then stops trusting the child and kills it).
 */
int chan_collect_feed(chan_collect *c, const void *data, size_t len);

#endif
