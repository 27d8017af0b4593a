/*
 * ctx.c - life cycle of a WASI instance: wasi_init builds the fd table
 * (stdio, then preopens from fd 3 in config order), copies argv/envp, and
 * scans writable preopens for the quota; wasi_free releases everything.
 * Invariant: after a failed wasi_init nothing is left open or allocated.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "wasi/abi.h"
#include "wasi/ctx.h"
#include "wasi/fdtab.h"
#include "wasi/ident.h"
#include "wasi/path.h"
#include "wasi/quota.h"
#include "wasi/wasi.h"

#define FIRST_PREOPEN_FD 3

/* Packs a NULL-terminated string vector into a NUL-separated table.
 * Returns 0, or -1 with a message when it exceeds the limits or memory. */
static int pack_strings(const char *const *v, const char *what, wasi_strings *out, char *err,
                        size_t errlen) {
    uint64_t size = 0;
    uint32_t n = 0;
    memset(out, 0, sizeof *out);
    for (; v != NULL && v[n] != NULL; n++) {
        size += strlen(v[n]) + 1;
        if (n >= WASI_MAX_ARGS_COUNT || size > WASI_MAX_ARGS_BYTES) {
            snprintf(err, errlen, "%s: more than %u entries or %u bytes", what, WASI_MAX_ARGS_COUNT,
                     WASI_MAX_ARGS_BYTES);
            return -1;
        }
    }
    out->buf = malloc(size ? size : 1);
    if (out->buf == NULL) {
        snprintf(err, errlen, "%s: out of memory", what);
        return -1;
    }
    for (uint32_t i = 0, at = 0; i < n; i++) {
        size_t len = strlen(v[i]) + 1;
        memcpy(out->buf + at, v[i], len);
        at += (uint32_t)len;
    }
    out->count = n;
    out->size = (uint32_t)size;
    return 0;
}

/* Fill fds 0-2: stdin (always at EOF), stdout and stderr. */
static void init_stdio(struct wasi_state *st) {
    static const uint8_t kinds[3] = {WASI_FD_STDIN, WASI_FD_STDOUT, WASI_FD_STDERR};
    for (int i = 0; i < 3; i++) {
        wasi_fd *e = &st->fds[i];
        e->kind = kinds[i];
        e->filetype = WASI_FILETYPE_CHARACTER_DEVICE;
        e->rights = i == 0 ? WASI_RIGHTS_STDIN : WASI_RIGHTS_STDOUT;
    }
}

/* Checks that openat2 with RESOLVE_BENEATH works on this kernel; without it
 * there is no safe path resolution, so init must fail. */
static int probe_openat2(int dirfd, const char *guest, char *err, size_t errlen) {
    int fd;
    uint32_t rc = wasi_path_openat(dirfd, ".", O_PATH | O_DIRECTORY, 0, &fd);
    if (rc != 0) {
        snprintf(err, errlen, "preopen %s: openat2(RESOLVE_BENEATH) unavailable: %s", guest,
                 strerror(errno));
        return -1;
    }
    close(fd);
    return 0;
}

/* Opens preopen p into slot fd. Returns 0, or -1 with a message. */
static int add_preopen(struct wasi_state *st, int fd, const wasi_preopen *p, char *err,
                       size_t errlen) {
    wasi_fd *e = &st->fds[fd];
    if (p->guest_path == NULL || p->guest_path[0] == '\0' ||
        strlen(p->guest_path) > WASI_PATH_MAX) {
        snprintf(err, errlen, "preopen #%d: guest path is empty or too long",
                 fd - FIRST_PREOPEN_FD);
        return -1;
    }
    e->preopen_name = strdup(p->guest_path);
    if (e->preopen_name == NULL) {
        snprintf(err, errlen, "preopen %s: out of memory", p->guest_path);
        return -1;
    }
    e->filetype = WASI_FILETYPE_DIRECTORY;
    e->mount = (uint8_t)(fd - FIRST_PREOPEN_FD + 1);
    e->writable = p->writable && p->host_path != NULL;
    e->rights = WASI_RIGHTS_DIR;
    e->inheriting = WASI_RIGHTS_DIR | WASI_RIGHTS_FILE;
    if (!e->writable) {
        e->rights &= ~WASI_RIGHTS_WRITE;
        e->inheriting &= ~WASI_RIGHTS_WRITE;
    }
    if (p->host_path == NULL) {
        e->kind = WASI_FD_EMPTYDIR;
        return 0;
    }
    e->kind = WASI_FD_DIR;
    e->host = open(p->host_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (e->host < 0) {
        snprintf(err, errlen, "preopen %s: cannot open host directory '%s': %s", p->guest_path,
                 p->host_path, strerror(errno));
        return -1;
    }
    if (probe_openat2(e->host, p->guest_path, err, errlen) != 0) return -1;
    struct stat sb;
    if (fstat(e->host, &sb) != 0) {
        snprintf(err, errlen, "preopen %s: cannot stat '%s': %s", p->guest_path, p->host_path,
                 strerror(errno));
        return -1;
    }
    e->dev = sb.st_dev;
    e->ino = sb.st_ino;
    if (e->writable) return wasi_quota_scan(e->host, p->guest_path, &st->quota, err, errlen);
    return 0;
}

/* Build st from cfg: the fd table, argv/envp, stdio and the preopens with
 * their quota scans. Returns 0, or -1 with err. */
static int init_state(struct wasi_state *st, const wasi_config *cfg, char *err, size_t errlen) {
    for (int i = 0; i < WASI_MAX_FDS; i++)
        st->fds[i] = (wasi_fd){.kind = WASI_FD_FREE, .host = -1};
    init_stdio(st);
    st->out[0].max = cfg->stdout_max;
    st->out[1].max = cfg->stderr_max;
    st->quota.bytes_max = cfg->quota_bytes;
    st->quota.files_max = cfg->quota_files;
    st->output = cfg->output;
    st->exit = cfg->exit;
    st->opaque = cfg->opaque;
    if (cfg->preopen_count < 0 || cfg->preopen_count > WASI_MAX_PREOPENS ||
        (cfg->preopen_count > 0 && cfg->preopens == NULL)) {
        snprintf(err, errlen, "preopens: count %d is not within 0..%d", cfg->preopen_count,
                 WASI_MAX_PREOPENS);
        return -1;
    }
    struct timespec now;
    if (clock_gettime(CLOCK_MONOTONIC, &now) != 0 || wasi_ident_init(st) != 0) {
        snprintf(err, errlen, "wasi_init: no clock or no randomness: %s", strerror(errno));
        return -1;
    }
    st->clock_base = wasi_ns_from_timespec(&now);
    if (pack_strings(cfg->argv, "argv", &st->args, err, errlen) != 0 ||
        pack_strings(cfg->envp, "envp", &st->env, err, errlen) != 0)
        return -1;
    for (int i = 0; i < cfg->preopen_count; i++)
        if (add_preopen(st, FIRST_PREOPEN_FD + i, &cfg->preopens[i], err, errlen) != 0) return -1;
    return 0;
}

/* See wasi.h. */
int wasi_init(wasi_ctx *ctx, const wasi_config *cfg, char *err, size_t errlen) {
    char dummy[1];
    if (err == NULL || errlen == 0) {
        err = dummy;
        errlen = sizeof dummy;
    }
    err[0] = '\0';
    if (ctx == NULL || cfg == NULL) {
        snprintf(err, errlen, "wasi_init: ctx and cfg are required");
        return -1;
    }
    memset(ctx, 0, sizeof *ctx);
    ctx->st = calloc(1, sizeof *ctx->st);
    if (ctx->st == NULL) {
        snprintf(err, errlen, "wasi_init: out of memory");
        return -1;
    }
    if (init_state(ctx->st, cfg, err, errlen) != 0) {
        wasi_free(ctx);
        return -1;
    }
    return 0;
}

/* See wasi.h. */
void wasi_free(wasi_ctx *ctx) {
    struct wasi_state *st;
    if (ctx == NULL || ctx->st == NULL) return;
    st = ctx->st;
    for (uint32_t i = 0; i < WASI_MAX_FDS; i++) {
        wasi_fd *e = &st->fds[i];
        if (e->host >= 0) close(e->host);
        free(e->preopen_name);
    }
    free(st->args.buf);
    free(st->env.buf);
    wasi_ident_free(st);
    free(st);
    memset(ctx, 0, sizeof *ctx);
}

/* See wasi.h. */
void wasi_get_stats(const wasi_ctx *ctx, wasi_stats *out) {
    const struct wasi_state *st = ctx ? ctx->st : NULL;
    memset(out, 0, sizeof *out);
    if (st == NULL) return;
    out->stdout_kept = st->out[0].kept;
    out->stderr_kept = st->out[1].kept;
    out->stdout_total = st->out[0].total;
    out->stderr_total = st->out[1].total;
    out->stdout_truncated = st->out[0].truncated;
    out->stderr_truncated = st->out[1].truncated;
    out->files_created = st->files_created;
    out->files_modified = st->files_modified;
    out->quota_bytes_used = st->quota.bytes_used;
    out->quota_files_used = st->quota.files_used;
    out->exited = st->exited;
    out->exit_code = st->exit_code;
}

/* See wasi.h. */
void wasi_reset_run(wasi_ctx *ctx) {
    struct wasi_state *st = ctx ? ctx->st : NULL;
    if (st == NULL) return;
    for (int i = 0; i < 2; i++) {
        st->out[i].kept = 0;
        st->out[i].total = 0;
        st->out[i].truncated = false;
    }
    st->files_created = 0;
    st->files_modified = 0;
    for (int i = 0; i < WASI_MAX_FDS; i++)
        st->fds[i].dirty = false;
    st->exited = false;
    st->exit_code = 0;
}

/* See wasi.h. */
int wasi_rescan_quota(wasi_ctx *ctx, char *err, size_t errlen) {
    struct wasi_state *st = ctx ? ctx->st : NULL;
    if (st == NULL) return 0;
    st->quota.bytes_used = st->quota.files_used = 0;
    for (int i = 0; i < WASI_MAX_FDS; i++) {
        const wasi_fd *e = &st->fds[i];
        if (e->preopen_name == NULL || !e->writable || e->kind != WASI_FD_DIR) continue;
        if (wasi_quota_scan(e->host, e->preopen_name, &st->quota, err, errlen) != 0) return -1;
    }
    return 0;
}

/* See wasi.h. */
void wasi_set_output_caps(wasi_ctx *ctx, uint64_t stdout_max, uint64_t stderr_max) {
    struct wasi_state *st = ctx ? ctx->st : NULL;
    if (st == NULL) return;
    st->out[0].max = stdout_max;
    st->out[1].max = stderr_max;
}
