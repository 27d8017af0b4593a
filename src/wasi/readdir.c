/*
 * readdir.c - fd_readdir: directory listing in the WASI dirent format.
 * Owns the cookie model: the cookie of an entry is its index in the listing
 * plus one (d_next), 0 starts over. A per-fd (cookie, host offset) pair lets
 * the usual "continue where the last call stopped" resume without
 * rescanning; any other cookie rewinds and skips. Each call lists through
 * its own open file description, so forked processes sharing the fd
 * cannot disturb each other's position. The guest buffer is
 * filled completely when entries remain (the last one may be cut short, as
 * the spec allows), so bufused < buf_len always means the end.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdalign.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi/abi.h"
#include "wasi/ctx.h"
#include "wasi/fdtab.h"
#include "wasi/ident.h"
#include "wasi/mem.h"
#include "wasi/path.h"
#include "wasi/wasi.h"
#include "wasm/mem.h"

/* Where one fd_readdir call writes and how far it got. */
typedef struct listing {
    uint8_t *dst;          /* guest buffer (checked) */
    uint32_t cap;          /* its length */
    uint32_t used;         /* bytes written */
    uint64_t cookie;       /* first index to emit */
    uint64_t idx;          /* index of the entry being looked at */
    int64_t off;           /* host offset before that entry */
    struct wasi_state *st; /* numbers the entries' inodes (ident.h) */
    uint64_t dev;          /* the directory's host device */
} listing;

/* The WASI filetype of directory entry d of dirfd (lstat when the kernel
 * did not say). */
static uint8_t dirent_type(int dirfd, const struct dirent64 *d) {
    struct stat sb;
    switch (d->d_type) {
    case DT_REG: return WASI_FILETYPE_REGULAR_FILE;
    case DT_DIR: return WASI_FILETYPE_DIRECTORY;
    case DT_LNK: return WASI_FILETYPE_SYMBOLIC_LINK;
    case DT_CHR: return WASI_FILETYPE_CHARACTER_DEVICE;
    case DT_BLK: return WASI_FILETYPE_BLOCK_DEVICE;
    case DT_SOCK: return WASI_FILETYPE_SOCKET_STREAM;
    case DT_UNKNOWN:
        if (fstatat(dirfd, d->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0)
            return wasi_filetype_from_mode(sb.st_mode);
        return WASI_FILETYPE_UNKNOWN;
    default: return WASI_FILETYPE_UNKNOWN;
    }
}

/* Appends header and name of entry l->idx, cut at the buffer's end.
 * Returns true if the whole entry fit. */
static bool put_entry(listing *l, int dirfd, const struct dirent64 *d) {
    uint8_t hdr[WASI_DIRENT_SIZE];
    uint32_t namlen = (uint32_t)strlen(d->d_name);
    uint32_t room = l->cap - l->used, n;
    memset(hdr, 0, sizeof hdr);
    wasi_st64(hdr + 0, l->idx + 1);
    wasi_st64(hdr + 8, wasi_ident_ino(l->st, l->dev, (uint64_t)d->d_ino));
    wasi_st32(hdr + 16, namlen);
    hdr[20] = dirent_type(dirfd, d);
    n = room < WASI_DIRENT_SIZE ? room : WASI_DIRENT_SIZE;
    memcpy(l->dst + l->used, hdr, n);
    l->used += n;
    room -= n;
    n = room < namlen ? room : namlen;
    memcpy(l->dst + l->used, d->d_name, n);
    l->used += n;
    return n == namlen && room >= namlen;
}

/* Walks one getdents64 batch. Returns true when the buffer is full. */
static bool walk_batch(listing *l, wasi_fd *e, const char *batch, long len) {
    for (long at = 0; at < len;) {
        const struct dirent64 *d = (const struct dirent64 *)(batch + at);
        at += d->d_reclen;
        if (l->idx >= l->cookie) {
            if (!put_entry(l, e->host, d)) {
                /* Cut short: the next call (with this entry's cookie) resumes here. */
                e->rd_cookie = l->idx;
                e->rd_off = l->off;
                return true;
            }
            e->rd_cookie = l->idx + 1;
            e->rd_off = d->d_off;
        }
        l->idx++;
        l->off = d->d_off;
        if (l->used == l->cap) return true;
    }
    return false;
}

/* Opens a private description of the directory (so a file offset shared
 * with forked processes is never relied on) positioned for l->cookie: at
 * the remembered resume point, or rewound. Returns 0 and *lfd, or errno. */
static uint32_t open_listing(listing *l, const wasi_fd *e, int *lfd) {
    if (l->cookie != 0 && l->cookie == e->rd_cookie) {
        l->idx = l->cookie;
        l->off = e->rd_off;
    } else {
        l->idx = 0;
        l->off = 0;
    }
    uint32_t rc = wasi_path_openat(e->host, ".", O_RDONLY | O_DIRECTORY, 0, lfd);
    if (rc != 0) return rc;
    if (lseek(*lfd, (off_t)l->off, SEEK_SET) < 0) {
        close(*lfd);
        return wasi_errno_from_host(errno);
    }
    return 0;
}

/* WASI fd_readdir (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_fd_readdir(wasi_ctx *ctx, uint32_t fd, uint32_t buf,
                                              uint32_t buf_len, uint64_t cookie,
                                              uint32_t used_out) {
    alignas(8) char batch[WASI_READDIR_HOST_BUF];
    listing l = {.cap = buf_len, .cookie = cookie, .st = ctx->st};
    wasi_fd *e;
    int lfd;
    uint32_t rc = wasi_fd_get(ctx, fd, WASI_RIGHT_FD_READDIR, 0, &e);
    if (rc != 0) return rc;
    l.dev = (uint64_t)e->dev;
    l.dst = rt_mem_range(ctx->memory, buf, buf_len);
    if (l.dst == NULL || rt_mem_range(ctx->memory, used_out, 4) == NULL) return WASI_EFAULT;
    if (e->kind == WASI_FD_EMPTYDIR) return wasi_mem_put32(ctx->memory, used_out, 0);
    if (e->kind != WASI_FD_DIR) return WASI_ENOTDIR;
    rc = open_listing(&l, e, &lfd);
    if (rc != 0) return rc;
    while (l.used < l.cap) {
        long n = getdents64(lfd, batch, sizeof batch);
        if (n < 0) rc = wasi_errno_from_host(errno);
        if (n <= 0 || walk_batch(&l, e, batch, n)) break;
    }
    close(lfd);
    return rc != 0 ? rc : wasi_mem_put32(ctx->memory, used_out, l.used);
}
