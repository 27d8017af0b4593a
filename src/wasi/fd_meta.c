/*
 * fd_meta.c - fd calls that are not data transfer or directory listing:
 * close, renumber, fdstat, filestat, sizes and times, advise, allocate,
 * sync, and the prestat calls that tell wasi-libc about preopens.
 * Invariants: size-changing calls are checked against the quota before the
 * host acts; rights only ever shrink (fdstat_set_rights).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi/abi.h"
#include "wasi/ctx.h"
#include "wasi/fdtab.h"
#include "wasi/ident.h"
#include "wasi/mem.h"
#include "wasi/quota.h"
#include "wasi/wasi.h"
#include "wasm/mem.h"

#define MAX_FILE_SIZE ((uint64_t)INT64_MAX)

/* WASI fd_close (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_fd_close(wasi_ctx *ctx, uint32_t fd) {
    wasi_fd *e;
    uint32_t rc = wasi_fd_get(ctx, fd, 0, 0, &e);
    if (rc != 0) return rc;
    wasi_fd_close_slot(ctx->st, fd);
    return 0;
}

/* Moves fd `from` onto the open fd `to`, closing what `to` held. */
uint32_t Z_wasi_snapshot_preview1Z_fd_renumber(wasi_ctx *ctx, uint32_t from, uint32_t to) {
    wasi_fd *src, *dst;
    uint32_t rc = wasi_fd_get(ctx, from, 0, 0, &src);
    if (rc == 0) rc = wasi_fd_get(ctx, to, 0, 0, &dst);
    if (rc != 0 || from == to) return rc;
    wasi_fd_close_slot(ctx->st, to);
    *dst = *src;
    *src = (wasi_fd){.kind = WASI_FD_FREE, .host = -1};
    return 0;
}

/* WASI fd_fdstat_get (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_fd_fdstat_get(wasi_ctx *ctx, uint32_t fd, uint32_t stat_out) {
    wasi_fd *e;
    uint8_t *p;
    uint32_t rc = wasi_fd_get(ctx, fd, 0, 0, &e);
    if (rc != 0) return rc;
    p = rt_mem_range(ctx->memory, stat_out, WASI_FDSTAT_SIZE);
    if (p == NULL) return WASI_EFAULT;
    memset(p, 0, WASI_FDSTAT_SIZE);
    p[WASI_FDSTAT_FILETYPE] = e->filetype;
    wasi_st16(p + WASI_FDSTAT_FLAGS, e->flags);
    wasi_st64(p + WASI_FDSTAT_RIGHTS, e->rights);
    wasi_st64(p + WASI_FDSTAT_INHERITING, e->inheriting);
    return 0;
}

/* Only APPEND reaches the host; the sync flags are recorded, not applied
 * (durability is the embedder's business), NONBLOCK is meaningless here. */
uint32_t Z_wasi_snapshot_preview1Z_fd_fdstat_set_flags(wasi_ctx *ctx, uint32_t fd, uint32_t flags) {
    wasi_fd *e;
    uint32_t rc = wasi_fd_get(ctx, fd, WASI_RIGHT_FD_FDSTAT_SET_FLAGS, 0, &e);
    if (rc != 0) return rc;
    if (flags & ~WASI_FDFLAGS_ALL) return WASI_EINVAL;
    if (e->kind == WASI_FD_FILE) {
        int fl = fcntl(e->host, F_GETFL);
        if (fl < 0) return wasi_errno_from_host(errno);
        fl = (flags & WASI_FDFLAG_APPEND) ? (fl | O_APPEND) : (fl & ~O_APPEND);
        if (fcntl(e->host, F_SETFL, fl) != 0) return wasi_errno_from_host(errno);
    }
    e->flags = (uint16_t)flags;
    return 0;
}

/* WASI fd_fdstat_set_rights (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_fd_fdstat_set_rights(wasi_ctx *ctx, uint32_t fd, uint64_t base,
                                                        uint64_t inheriting) {
    wasi_fd *e;
    uint32_t rc = wasi_fd_get(ctx, fd, 0, 0, &e);
    if (rc != 0) return rc;
    if ((base & ~e->rights) || (inheriting & ~e->inheriting)) return WASI_ENOTCAPABLE;
    e->rights = base;
    e->inheriting = inheriting;
    return 0;
}

/* The stat of e: host fstat, or a synthetic one for stdio and empty dirs.
 * Returns 0 or the WASI errno. */
static uint32_t fd_stat(const wasi_fd *e, struct stat *sb) {
    memset(sb, 0, sizeof *sb);
    if (e->host >= 0) return fstat(e->host, sb) == 0 ? 0 : wasi_errno_from_host(errno);
    sb->st_mode = e->kind == WASI_FD_EMPTYDIR ? S_IFDIR | 0555 : S_IFCHR | 0666;
    sb->st_nlink = 1;
    return 0;
}

/* WASI fd_filestat_get (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_fd_filestat_get(wasi_ctx *ctx, uint32_t fd, uint32_t stat_out) {
    wasi_fd *e;
    struct stat sb;
    uint8_t *p;
    uint32_t rc = wasi_fd_get(ctx, fd, WASI_RIGHT_FD_FILESTAT_GET, 0, &e);
    if (rc != 0) return rc;
    p = rt_mem_range(ctx->memory, stat_out, WASI_FILESTAT_SIZE);
    if (p == NULL) return WASI_EFAULT;
    rc = fd_stat(e, &sb);
    wasi_ident_mask(ctx->st, e->mount, &sb);
    if (rc == 0) wasi_encode_filestat(p, &sb);
    return rc;
}

/* Resizes a regular file to `size` (ftruncate) or ensures `size` bytes
 * exist (fallocate), charging growth to the quota first. */
static uint32_t resize_file(wasi_ctx *ctx, wasi_fd *e, uint64_t offset, uint64_t size,
                            bool allocate) {
    struct stat before, after;
    uint32_t rc;
    int herr;
    if (e->kind != WASI_FD_FILE) return WASI_EBADF;
    if (size > MAX_FILE_SIZE) return WASI_EFBIG;
    if (fstat(e->host, &before) != 0) return wasi_errno_from_host(errno);
    rc = wasi_quota_check_grow(&ctx->st->quota, (uint64_t)before.st_size, size);
    if (rc != 0) return rc;
    if (allocate)
        herr = posix_fallocate(e->host, (off_t)offset, (off_t)(size - offset));
    else
        herr = ftruncate(e->host, (off_t)size) == 0 ? 0 : errno;
    if (fstat(e->host, &after) == 0)
        wasi_quota_adjust(&ctx->st->quota, (uint64_t)before.st_size, (uint64_t)after.st_size);
    if (herr != 0) return wasi_errno_from_host(herr);
    wasi_fd_mark_dirty(ctx->st, e);
    return 0;
}

/* WASI fd_filestat_set_size (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_fd_filestat_set_size(wasi_ctx *ctx, uint32_t fd, uint64_t size) {
    wasi_fd *e;
    uint32_t rc = wasi_fd_get(ctx, fd, WASI_RIGHT_FD_FILESTAT_SET_SIZE, WASI_NEED_WRITE, &e);
    return rc != 0 ? rc : resize_file(ctx, e, 0, size, false);
}

/* WASI fd_allocate (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_fd_allocate(wasi_ctx *ctx, uint32_t fd, uint64_t offset,
                                               uint64_t len) {
    wasi_fd *e;
    uint64_t end;
    uint32_t rc = wasi_fd_get(ctx, fd, WASI_RIGHT_FD_ALLOCATE, WASI_NEED_WRITE, &e);
    if (rc != 0) return rc;
    if (len == 0) return WASI_EINVAL;
    if (__builtin_add_overflow(offset, len, &end)) return WASI_EFBIG;
    return resize_file(ctx, e, offset, end, true);
}

/* WASI fd_filestat_set_times (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_fd_filestat_set_times(wasi_ctx *ctx, uint32_t fd, uint64_t atim,
                                                         uint64_t mtim, uint32_t fst_flags) {
    wasi_fd *e;
    struct timespec ts[2];
    uint32_t rc = wasi_fd_get(ctx, fd, WASI_RIGHT_FD_FILESTAT_SET_TIMES, WASI_NEED_WRITE, &e);
    if (rc != 0) return rc;
    rc = wasi_times_from_fst(atim, mtim, fst_flags, ts);
    if (rc != 0) return rc;
    if (e->host < 0) return WASI_EBADF;
    return futimens(e->host, ts) == 0 ? 0 : wasi_errno_from_host(errno);
}

/* WASI fd_advise (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_fd_advise(wasi_ctx *ctx, uint32_t fd, uint64_t offset,
                                             uint64_t len, uint32_t advice) {
    static const int host_advice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL,
                                      POSIX_FADV_RANDOM,   POSIX_FADV_WILLNEED,
                                      POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
    wasi_fd *e;
    int herr;
    uint32_t rc = wasi_fd_get(ctx, fd, WASI_RIGHT_FD_ADVISE, 0, &e);
    if (rc != 0) return rc;
    if (advice > WASI_ADVICE_NOREUSE || offset > MAX_FILE_SIZE || len > MAX_FILE_SIZE)
        return WASI_EINVAL;
    if (e->kind != WASI_FD_FILE) return WASI_EBADF;
    herr = posix_fadvise(e->host, (off_t)offset, (off_t)len, host_advice[advice]);
    return herr == 0 ? 0 : wasi_errno_from_host(herr);
}

/* fd_sync and fd_datasync check the fd and succeed without flushing: a
 * guest looping on fsync would otherwise stall the host's disk for every
 * tenant, and durability of the workspace is the embedder's job. */
uint32_t Z_wasi_snapshot_preview1Z_fd_sync(wasi_ctx *ctx, uint32_t fd) {
    wasi_fd *e;
    return wasi_fd_get(ctx, fd, WASI_RIGHT_FD_SYNC, 0, &e);
}

/* WASI fd_datasync (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_fd_datasync(wasi_ctx *ctx, uint32_t fd) {
    wasi_fd *e;
    return wasi_fd_get(ctx, fd, WASI_RIGHT_FD_DATASYNC, 0, &e);
}

/* WASI fd_prestat_get (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_fd_prestat_get(wasi_ctx *ctx, uint32_t fd,
                                                  uint32_t prestat_out) {
    wasi_fd *e;
    uint8_t *p;
    uint32_t rc = wasi_fd_get(ctx, fd, 0, 0, &e);
    if (rc != 0) return rc;
    if (e->preopen_name == NULL) return WASI_EBADF;
    p = rt_mem_range(ctx->memory, prestat_out, WASI_PRESTAT_SIZE);
    if (p == NULL) return WASI_EFAULT;
    memset(p, 0, WASI_PRESTAT_SIZE);
    p[0] = WASI_PREOPENTYPE_DIR;
    wasi_st32(p + 4, (uint32_t)strlen(e->preopen_name));
    return 0;
}

/* WASI fd_prestat_dir_name (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_fd_prestat_dir_name(wasi_ctx *ctx, uint32_t fd, uint32_t path,
                                                       uint32_t path_len) {
    wasi_fd *e;
    uint8_t *p;
    size_t len;
    uint32_t rc = wasi_fd_get(ctx, fd, 0, 0, &e);
    if (rc != 0) return rc;
    if (e->preopen_name == NULL) return WASI_EBADF;
    len = strlen(e->preopen_name);
    p = rt_mem_range(ctx->memory, path, path_len);
    if (p == NULL) return WASI_EFAULT;
    if (path_len < len) return WASI_ENAMETOOLONG;
    memcpy(p, e->preopen_name, len);
    return 0;
}
