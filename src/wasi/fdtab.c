/*
 * fdtab.c - the guest fd table. Owns the mapping from guest fd numbers to
 * host fds and the order of checks on every fd-taking call: the fd must be
 * open, writes must be under a writable preopen (ROFS otherwise), and the
 * fd's WASI rights must cover the call (NOTCAPABLE otherwise).
 */
#include "wasi/fdtab.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi/abi.h"
#include "wasi/quota.h"

/* See fdtab.h. */
uint32_t wasi_fd_get(wasi_ctx *ctx, uint32_t fd, uint64_t rights, unsigned need, wasi_fd **out) {
    wasi_fd *e;
    if (ctx == NULL || ctx->st == NULL || fd >= WASI_MAX_FDS) return WASI_EBADF;
    e = &ctx->st->fds[fd];
    if (e->kind == WASI_FD_FREE) return WASI_EBADF;
    if ((need & WASI_NEED_WRITE) && !e->writable &&
        (e->kind == WASI_FD_FILE || e->kind == WASI_FD_DIR || e->kind == WASI_FD_EMPTYDIR))
        return WASI_EROFS;
    if ((e->rights & rights) != rights) return WASI_ENOTCAPABLE;
    *out = e;
    return 0;
}

/* See fdtab.h. */
int wasi_fd_free_slot(const struct wasi_state *st) {
    for (int i = 0; i < WASI_MAX_FDS; i++)
        if (st->fds[i].kind == WASI_FD_FREE) return i;
    return -1;
}

/* See fdtab.h. */
bool wasi_fd_inode_open(const struct wasi_state *st, dev_t dev, ino_t ino, int skip) {
    for (int i = 0; i < WASI_MAX_FDS; i++) {
        const wasi_fd *e = &st->fds[i];
        if (i != skip && e->kind == WASI_FD_FILE && e->dev == dev && e->ino == ino) return true;
    }
    return false;
}

/* A writable file whose last name was removed while this fd held it still
 * has its bytes charged; the last guest fd to close it gives them back. */
static void release_orphan(struct wasi_state *st, uint32_t idx) {
    const wasi_fd *e = &st->fds[idx];
    struct stat sb;
    if (e->kind != WASI_FD_FILE || !e->writable || fstat(e->host, &sb) != 0) return;
    if (sb.st_nlink == 0 && !wasi_fd_inode_open(st, e->dev, e->ino, (int)idx))
        wasi_quota_adjust(&st->quota, (uint64_t)sb.st_size, 0);
}

/* See fdtab.h. */
void wasi_fd_close_slot(struct wasi_state *st, uint32_t idx) {
    wasi_fd *e = &st->fds[idx];
    release_orphan(st, idx);
    if (e->host >= 0) close(e->host);
    free(e->preopen_name);
    *e = (wasi_fd){.kind = WASI_FD_FREE, .host = -1};
}

/* See fdtab.h. */
void wasi_fd_mark_dirty(struct wasi_state *st, wasi_fd *e) {
    if (!e->dirty) {
        e->dirty = true;
        st->files_modified++;
    }
}
