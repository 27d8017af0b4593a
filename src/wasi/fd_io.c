/*
 * fd_io.c - the data path: fd_read, fd_write, fd_pread, fd_pwrite, fd_seek,
 * fd_tell, including the capped capture of stdout and stderr. Invariants:
 * all iovecs are validated before any byte moves; a write that would grow a
 * file beyond the quota writes nothing (DQUOT); output beyond a stream's
 * cap is dropped, flagged, and still reported as written.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "wasi/abi.h"
#include "wasi/ctx.h"
#include "wasi/fdtab.h"
#include "wasi/mem.h"
#include "wasi/quota.h"
#include "wasi/wasi.h"
#include "wasm/mem.h"

#define NO_OFFSET       UINT64_MAX
#define MAX_FILE_OFFSET ((uint64_t)INT64_MAX)

/* Captures len bytes of guest output on stream `which` (0 stdout, 1
 * stderr): forwards what fits under the cap, drops and flags the rest. */
static void emit(struct wasi_state *st, int which, const uint8_t *buf, uint64_t len) {
    wasi_stream *s = &st->out[which];
    uint64_t room = s->kept >= s->max ? 0 : s->max - s->kept;
    uint64_t keep = len < room ? len : room;
    s->total += len;
    if (keep > 0 && st->output != NULL) st->output(st->opaque, which + 1, buf, (size_t)keep);
    s->kept += keep;
    if (keep < len) s->truncated = true;
}

/* fd_write to stdout/stderr: validates every iovec first, then emits up to
 * WASI_MAX_IO_BYTES (a short write beyond). Linear in the iovec count, with
 * no allocation, whatever the count. Returns 0 or FAULT. */
static uint32_t write_stream(wasi_ctx *ctx, int which, uint32_t iovs, uint32_t count,
                             uint32_t *written) {
    const uint8_t *arr = rt_mem_array(ctx->memory, iovs, count, WASI_IOVEC_SIZE);
    uint64_t sum = 0;
    uint8_t *buf;
    uint32_t len;
    if (arr == NULL) return WASI_EFAULT;
    for (uint32_t i = 0; i < count; i++)
        if (wasi_mem_iovec_at(ctx->memory, arr, i, &buf, &len) != 0) return WASI_EFAULT;
    for (uint32_t i = 0; i < count && sum < WASI_MAX_IO_BYTES; i++) {
        uint64_t take;
        wasi_mem_iovec_at(ctx->memory, arr, i, &buf, &len);
        take = len < WASI_MAX_IO_BYTES - sum ? len : WASI_MAX_IO_BYTES - sum;
        emit(ctx->st, which, buf, take);
        sum += take;
    }
    *written = (uint32_t)sum;
    return 0;
}

/* Where a write of this fd lands: offset, or the current position, or the
 * end for an O_APPEND fd. Returns 0 or the WASI errno of lseek. */
static uint32_t write_position(const wasi_fd *e, uint64_t offset, uint64_t size, uint64_t *pos) {
    off_t cur;
    if (e->flags & WASI_FDFLAG_APPEND) {
        *pos = size;
        return 0;
    }
    if (offset != NO_OFFSET) {
        *pos = offset;
        return 0;
    }
    cur = lseek(e->host, 0, SEEK_CUR);
    if (cur < 0) return wasi_errno_from_host(errno);
    *pos = (uint64_t)cur;
    return 0;
}

/* Writes to a regular file at `offset` (NO_OFFSET: current position),
 * charging growth to the quota first. Returns 0, DQUOT, FAULT, or the WASI
 * form of the host error. */
static uint32_t write_file(wasi_ctx *ctx, wasi_fd *e, uint32_t iovs, uint32_t count,
                           uint64_t offset, uint32_t *written) {
    struct iovec v[WASI_MAX_IOVS];
    size_t used;
    uint64_t total, pos = 0;
    struct stat before, after;
    ssize_t n;
    uint32_t rc = wasi_mem_iovecs(ctx->memory, iovs, count, v, WASI_MAX_IOVS, &used, &total);
    if (rc != 0) return rc;
    if (fstat(e->host, &before) != 0) return wasi_errno_from_host(errno);
    rc = write_position(e, offset, (uint64_t)before.st_size, &pos);
    if (rc == 0 && total > 0)
        rc = wasi_quota_check_grow(&ctx->st->quota, (uint64_t)before.st_size, pos + total);
    if (rc != 0) return rc;
    n = offset == NO_OFFSET ? writev(e->host, v, (int)used)
                            : pwritev(e->host, v, (int)used, (off_t)offset);
    if (n < 0) return wasi_errno_from_host(errno);
    if (fstat(e->host, &after) == 0)
        wasi_quota_adjust(&ctx->st->quota, (uint64_t)before.st_size, (uint64_t)after.st_size);
    if (n > 0) wasi_fd_mark_dirty(ctx->st, e);
    *written = (uint32_t)n;
    return 0;
}

/* Common body of fd_write and fd_pwrite. */
static uint32_t do_write(wasi_ctx *ctx, uint32_t fd, uint32_t iovs, uint32_t count, uint64_t offset,
                         uint32_t out) {
    wasi_fd *e;
    uint32_t written = 0;
    uint64_t rights = WASI_RIGHT_FD_WRITE | (offset == NO_OFFSET ? 0 : WASI_RIGHT_FD_SEEK);
    uint32_t rc = wasi_fd_get(ctx, fd, rights, WASI_NEED_WRITE, &e);
    if (rc != 0) return rc;
    if (rt_mem_range(ctx->memory, out, 4) == NULL) return WASI_EFAULT;
    if (offset != NO_OFFSET && offset > MAX_FILE_OFFSET) return WASI_EINVAL;
    if (e->kind == WASI_FD_STDOUT || e->kind == WASI_FD_STDERR) {
        if (offset != NO_OFFSET) return WASI_ESPIPE;
        rc = write_stream(ctx, e->kind == WASI_FD_STDOUT ? 0 : 1, iovs, count, &written);
    } else if (e->kind == WASI_FD_FILE) {
        rc = write_file(ctx, e, iovs, count, offset, &written);
    } else {
        rc = WASI_EBADF;
    }
    return rc != 0 ? rc : wasi_mem_put32(ctx->memory, out, written);
}

/* WASI fd_write (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_fd_write(wasi_ctx *ctx, uint32_t fd, uint32_t iovs,
                                            uint32_t iovs_len, uint32_t nwritten_out) {
    return do_write(ctx, fd, iovs, iovs_len, NO_OFFSET, nwritten_out);
}

/* WASI fd_pwrite (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_fd_pwrite(wasi_ctx *ctx, uint32_t fd, uint32_t iovs,
                                             uint32_t iovs_len, uint64_t offset,
                                             uint32_t nwritten_out) {
    if (offset == NO_OFFSET) return WASI_EINVAL;
    return do_write(ctx, fd, iovs, iovs_len, offset, nwritten_out);
}

/* Common body of fd_read and fd_pread: stdin is always at end of file. */
static uint32_t do_read(wasi_ctx *ctx, uint32_t fd, uint32_t iovs, uint32_t count, uint64_t offset,
                        uint32_t out) {
    struct iovec v[WASI_MAX_IOVS];
    size_t used;
    uint64_t total;
    ssize_t n = 0;
    wasi_fd *e;
    uint64_t rights = WASI_RIGHT_FD_READ | (offset == NO_OFFSET ? 0 : WASI_RIGHT_FD_SEEK);
    uint32_t rc = wasi_fd_get(ctx, fd, rights, 0, &e);
    if (rc != 0) return rc;
    if (rt_mem_range(ctx->memory, out, 4) == NULL) return WASI_EFAULT;
    if (offset != NO_OFFSET && offset > MAX_FILE_OFFSET) return WASI_EINVAL;
    rc = wasi_mem_iovecs(ctx->memory, iovs, count, v, WASI_MAX_IOVS, &used, &total);
    if (rc != 0) return rc;
    if (e->kind == WASI_FD_FILE) {
        n = offset == NO_OFFSET ? readv(e->host, v, (int)used)
                                : preadv(e->host, v, (int)used, (off_t)offset);
        if (n < 0) return wasi_errno_from_host(errno);
    } else if (e->kind != WASI_FD_STDIN) {
        return WASI_EBADF;
    } else if (offset != NO_OFFSET) {
        return WASI_ESPIPE;
    }
    return wasi_mem_put32(ctx->memory, out, (uint32_t)n);
}

/* WASI fd_read (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_fd_read(wasi_ctx *ctx, uint32_t fd, uint32_t iovs,
                                           uint32_t iovs_len, uint32_t nread_out) {
    return do_read(ctx, fd, iovs, iovs_len, NO_OFFSET, nread_out);
}

/* WASI fd_pread (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_fd_pread(wasi_ctx *ctx, uint32_t fd, uint32_t iovs,
                                            uint32_t iovs_len, uint64_t offset,
                                            uint32_t nread_out) {
    if (offset == NO_OFFSET) return WASI_EINVAL;
    return do_read(ctx, fd, iovs, iovs_len, offset, nread_out);
}

/* Seek-like calls on stdio are ESPIPE (not NOTCAPABLE), as on a pipe. */
static uint32_t seekable_fd(wasi_ctx *ctx, uint32_t fd, uint64_t rights, wasi_fd **e) {
    uint32_t rc = wasi_fd_get(ctx, fd, 0, 0, e);
    if (rc != 0) return rc;
    if ((*e)->kind == WASI_FD_STDIN || (*e)->kind == WASI_FD_STDOUT || (*e)->kind == WASI_FD_STDERR)
        return WASI_ESPIPE;
    if (((*e)->rights & rights) != rights) return WASI_ENOTCAPABLE;
    return (*e)->kind == WASI_FD_FILE ? 0 : WASI_EBADF;
}

/* WASI fd_seek (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_fd_seek(wasi_ctx *ctx, uint32_t fd, uint64_t offset,
                                           uint32_t whence, uint32_t newoffset_out) {
    static const int host_whence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
    wasi_fd *e;
    off_t pos;
    uint32_t rc = seekable_fd(ctx, fd, WASI_RIGHT_FD_SEEK, &e);
    if (rc != 0) return rc;
    if (whence > WASI_WHENCE_END) return WASI_EINVAL;
    if (rt_mem_range(ctx->memory, newoffset_out, 8) == NULL) return WASI_EFAULT;
    pos = lseek(e->host, (off_t)(int64_t)offset, host_whence[whence]);
    if (pos < 0) return wasi_errno_from_host(errno);
    return wasi_mem_put64(ctx->memory, newoffset_out, (uint64_t)pos);
}

/* WASI fd_tell (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_fd_tell(wasi_ctx *ctx, uint32_t fd, uint32_t offset_out) {
    wasi_fd *e;
    off_t pos;
    uint32_t rc = seekable_fd(ctx, fd, WASI_RIGHT_FD_TELL, &e);
    if (rc != 0) return rc;
    if (rt_mem_range(ctx->memory, offset_out, 8) == NULL) return WASI_EFAULT;
    pos = lseek(e->host, 0, SEEK_CUR);
    if (pos < 0) return wasi_errno_from_host(errno);
    return wasi_mem_put64(ctx->memory, offset_out, (uint64_t)pos);
}
