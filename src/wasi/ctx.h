/*
 * ctx.h - the private state behind a wasi_ctx: the guest fd table, the
 * argv/envp images, output caps, quota usage and run counters. Internal to
 * src/wasi (ctx.c creates and frees it). Invariants: a slot is free iff its
 * kind is WASI_FD_FREE; a used slot of kind FILE or DIR owns exactly one
 * host fd; `writable` is set only on fds derived from a writable preopen.
 */
#ifndef WASI_CTX_H
#define WASI_CTX_H

#include <nettle/aes.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "wasi/ident.h"
#include "wasi/wasi.h"

enum wasi_fd_kind {
    WASI_FD_FREE = 0,
    WASI_FD_STDIN,    /* always at EOF */
    WASI_FD_STDOUT,   /* captured, capped */
    WASI_FD_STDERR,   /* captured, capped */
    WASI_FD_FILE,     /* host fd to a regular file */
    WASI_FD_DIR,      /* host fd to a directory (O_RDONLY|O_DIRECTORY) */
    WASI_FD_EMPTYDIR, /* an empty read-only directory with no host fd */
};

typedef struct wasi_fd {
    uint8_t kind;        /* enum wasi_fd_kind */
    uint8_t filetype;    /* WASI filetype reported by fdstat */
    uint16_t flags;      /* WASI fdflags */
    bool writable;       /* derived from a writable preopen */
    bool dirty;          /* already counted in files_modified */
    int host;            /* host fd, -1 if none */
    uint64_t rights;     /* WASI base rights */
    uint64_t inheriting; /* WASI inheriting rights */
    dev_t dev;           /* host identity of the file or directory (quota, ident.c) */
    ino_t ino;
    uint8_t mount;      /* preopen it came from (1 = the first), 0 for stdio */
    char *preopen_name; /* guest path if this fd is a preopen, else NULL */
    uint64_t rd_cookie; /* fd_readdir: cookie that resumes at rd_off */
    int64_t rd_off;     /* host directory offset after entry rd_cookie-1 */
} wasi_fd;

typedef struct wasi_stream {
    uint64_t max;   /* bytes kept at most */
    uint64_t kept;  /* bytes passed to the output hook */
    uint64_t total; /* bytes the guest wrote */
    bool truncated; /* something was dropped */
} wasi_stream;

/* A NUL-separated string table (argv or envp) ready for *_get. */
typedef struct wasi_strings {
    char *buf; /* count strings, each NUL-terminated, back to back */
    uint32_t count;
    uint32_t size; /* bytes in buf */
} wasi_strings;

typedef struct wasi_quota {
    uint64_t bytes_max, bytes_used;
    uint64_t files_max, files_used;
} wasi_quota;

struct wasi_state {
    wasi_fd fds[WASI_MAX_FDS];
    wasi_strings args, env;
    wasi_stream out[2]; /* [0] stdout, [1] stderr */
    wasi_quota quota;
    uint64_t files_created, files_modified;
    bool exited;
    uint32_t exit_code;
    uint64_t clock_base;         /* host CLOCK_MONOTONIC at wasi_init: the guest's zero */
    struct aes128_ctx ident_key; /* keys the inode numbers past the table (ident.c) */
    wasi_ident_table idents;     /* the guest's inode numbers (ident.c) */
    void (*output)(void *opaque, int fd, const void *buf, size_t len);
    void (*exit)(void *opaque, uint32_t code);
    void *opaque;
};

#endif
