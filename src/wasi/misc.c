/*
 * misc.c - the process-level imports: args_*, environ_*, proc_exit,
 * proc_raise, random_get, and the sock_* family (refused: no sockets in
 * the sandbox). Invariant: the argv/envp images were packed and bounded by
 * wasi_init; here they are only copied into checked guest ranges.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "wasi/abi.h"
#include "wasi/ctx.h"
#include "wasi/mem.h"
#include "wasi/wasi.h"
#include "wasm/mem.h"

/* Writes a string table: count u32 pointers at vec, the strings at buf. */
static uint32_t put_strings(wasi_ctx *ctx, const wasi_strings *t, uint32_t vec, uint32_t buf) {
    uint8_t *pv = rt_mem_array(ctx->memory, vec, t->count, 4);
    uint8_t *pb = rt_mem_range(ctx->memory, buf, t->size);
    uint32_t at = 0;
    if (pv == NULL || pb == NULL) return WASI_EFAULT;
    memcpy(pb, t->buf, t->size);
    /* buf + size <= memory size < 2^32, so buf + at cannot wrap. */
    for (uint32_t i = 0; i < t->count; i++) {
        wasi_st32(pv + (size_t)i * 4, buf + at);
        at += (uint32_t)strlen(t->buf + at) + 1;
    }
    return 0;
}

/* Writes count and total size of a string table. */
static uint32_t put_sizes(wasi_ctx *ctx, const wasi_strings *t, uint32_t count_out,
                          uint32_t size_out) {
    if (rt_mem_range(ctx->memory, count_out, 4) == NULL ||
        rt_mem_range(ctx->memory, size_out, 4) == NULL)
        return WASI_EFAULT;
    wasi_mem_put32(ctx->memory, count_out, t->count);
    return wasi_mem_put32(ctx->memory, size_out, t->size);
}

/* WASI args_get (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_args_get(wasi_ctx *ctx, uint32_t argv, uint32_t argv_buf) {
    return ctx->st ? put_strings(ctx, &ctx->st->args, argv, argv_buf) : WASI_EFAULT;
}

/* WASI args_sizes_get (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_args_sizes_get(wasi_ctx *ctx, uint32_t argc_out,
                                                  uint32_t size_out) {
    return ctx->st ? put_sizes(ctx, &ctx->st->args, argc_out, size_out) : WASI_EFAULT;
}

/* WASI environ_get (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_environ_get(wasi_ctx *ctx, uint32_t environ,
                                               uint32_t environ_buf) {
    return ctx->st ? put_strings(ctx, &ctx->st->env, environ, environ_buf) : WASI_EFAULT;
}

/* WASI environ_sizes_get (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_environ_sizes_get(wasi_ctx *ctx, uint32_t count_out,
                                                     uint32_t size_out) {
    return ctx->st ? put_sizes(ctx, &ctx->st->env, count_out, size_out) : WASI_EFAULT;
}

/* Records the exit code and hands control to the embedder's hook, which
 * must not return. A missing or returning hook is an embedder bug: abort. */
void Z_wasi_snapshot_preview1Z_proc_exit(wasi_ctx *ctx, uint32_t code) {
    struct wasi_state *st = ctx ? ctx->st : NULL;
    if (st != NULL) {
        st->exited = true;
        st->exit_code = code;
        if (st->exit != NULL) st->exit(st->opaque, code);
    }
    abort();
}

/* WASI proc_raise (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_proc_raise(wasi_ctx *ctx, uint32_t sig) {
    (void)ctx;
    (void)sig;
    return WASI_ENOTSUP;
}

/* Fills the guest buffer from getrandom(2), WASI_RANDOM_CHUNK at a time. */
uint32_t Z_wasi_snapshot_preview1Z_random_get(wasi_ctx *ctx, uint32_t buf, uint32_t buf_len) {
    uint8_t *p = rt_mem_range(ctx->memory, buf, buf_len);
    uint32_t done = 0;
    if (p == NULL) return WASI_EFAULT;
    while (done < buf_len) {
        size_t want = buf_len - done < WASI_RANDOM_CHUNK ? buf_len - done : WASI_RANDOM_CHUNK;
        ssize_t n = getrandom(p + done, want, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return n < 0 ? wasi_errno_from_host(errno) : WASI_EIO;
        done += (uint32_t)n;
    }
    return 0;
}

/* WASI sock_accept (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_sock_accept(wasi_ctx *ctx, uint32_t fd, uint32_t flags,
                                               uint32_t fd_out) {
    (void)ctx, (void)fd, (void)flags, (void)fd_out;
    return WASI_ENOTSUP;
}

/* WASI sock_recv (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_sock_recv(wasi_ctx *ctx, uint32_t fd, uint32_t ri_data,
                                             uint32_t ri_data_len, uint32_t ri_flags,
                                             uint32_t len_out, uint32_t flags_out) {
    (void)ctx, (void)fd, (void)ri_data, (void)ri_data_len, (void)ri_flags;
    (void)len_out, (void)flags_out;
    return WASI_ENOTSUP;
}

/* WASI sock_send (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_sock_send(wasi_ctx *ctx, uint32_t fd, uint32_t si_data,
                                             uint32_t si_data_len, uint32_t si_flags,
                                             uint32_t len_out) {
    (void)ctx, (void)fd, (void)si_data, (void)si_data_len, (void)si_flags;
    (void)len_out;
    return WASI_ENOTSUP;
}

/* WASI sock_shutdown (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_sock_shutdown(wasi_ctx *ctx, uint32_t fd, uint32_t how) {
    (void)ctx, (void)fd, (void)how;
    return WASI_ENOTSUP;
}
