/*
 * test_wasi_fixture.h - shared fixture for the WASI host unit tests: a fake
 * 1 MiB guest memory with a bump allocator, a temp tree with a writable
 * /app (fd 3), a read-only /ro (fd 4, holding data.txt), an empty
 * read-only /empty (fd 5) and an "outside" directory with a secret that
 * no guest call may reach. Captured output and the proc_exit hook are
 * recorded in the fixture. Header-only: each test binary includes it once.
 */
#ifndef TEST_WASI_FIXTURE_H
#define TEST_WASI_FIXTURE_H

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "wasi/abi.h"
#include "wasi/mem.h"
#include "wasi/wasi.h"

#define FX_MEM_SIZE (1u << 20)
#define FX_OUT_CAP  65536
#define FD_APP      3
#define FD_RO       4
#define FD_EMPTY    5
#define SECRET      "top secret"
#define ALL_RIGHTS  (WASI_RIGHTS_FILE | WASI_RIGHTS_DIR)

typedef struct fx {
    char root[64];
    char app[256], ro[256], outside[256];
    wasm_rt_memory_t mem;
    wasi_ctx ctx;
    uint32_t brk;
    char out[2][FX_OUT_CAP];
    size_t outlen[2];
    int exit_called;
    uint32_t exit_code;
    jmp_buf exit_jb;
} fx;

/* Limits a test group may set before fx_setup runs. */
typedef struct fx_limits {
    uint64_t quota_bytes, quota_files, stdout_max, stderr_max;
} fx_limits;

static inline void fx_output(void *opaque, int fd, const void *buf, size_t len) {
    fx *f = opaque;
    int i = fd == 1 ? 0 : 1;
    if (f->outlen[i] + len > FX_OUT_CAP) len = FX_OUT_CAP - f->outlen[i];
    memcpy(f->out[i] + f->outlen[i], buf, len);
    f->outlen[i] += len;
}

static inline void fx_exit(void *opaque, uint32_t code) {
    fx *f = opaque;
    f->exit_called++;
    f->exit_code = code;
    longjmp(f->exit_jb, 1);
}

static inline void fx_write_file(const char *dir, const char *name, const char *text) {
    char p[PATH_MAX];
    FILE *fp;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    fp = fopen(p, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* Host-side path below a fixture directory (4 rotating buffers, so two
 * results can be passed to one call). */
static inline const char *fx_path(const char *dir, const char *name) {
    static char p[4][PATH_MAX];
    static int next;
    char *r = p[next++ % 4];
    snprintf(r, PATH_MAX, "%s/%s", dir, name);
    return r;
}

static inline int fx_rm(const char *p, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb, (void)flag, (void)ftw;
    return remove(p);
}

/* Builds the temp tree (before wasi_init, so its content is scanned). */
static inline void fx_tree(fx *f) {
    strcpy(f->root, "/tmp/wasi-test-XXXXXX");
    assert_non_null(mkdtemp(f->root));
    snprintf(f->app, sizeof f->app, "%s/app", f->root);
    snprintf(f->ro, sizeof f->ro, "%s/ro", f->root);
    snprintf(f->outside, sizeof f->outside, "%s/outside", f->root);
    assert_int_equal(mkdir(f->app, 0755), 0);
    assert_int_equal(mkdir(f->ro, 0755), 0);
    assert_int_equal(mkdir(f->outside, 0755), 0);
    fx_write_file(f->outside, "secret", SECRET);
    fx_write_file(f->ro, "data.txt", "read only data");
    assert_int_equal(mkdir(fx_path(f->ro, "sub"), 0755), 0);
}

static inline int fx_init(fx *f, const fx_limits *lim) {
    static const char *argv[] = {"python", "-c", "print(1)", NULL};
    static const char *envp[] = {"HOME=/app", "LANG=C.UTF-8", NULL};
    wasi_preopen pre[3] = {
        {"/app", f->app, 1},
        {"/ro", f->ro, 0},
        {"/empty", NULL, 0},
    };
    wasi_config cfg = {
        .preopens = pre,
        .preopen_count = 3,
        .argv = argv,
        .envp = envp,
        .stdout_max = lim ? lim->stdout_max : WASI_UNLIMITED,
        .stderr_max = lim ? lim->stderr_max : WASI_UNLIMITED,
        .quota_bytes = lim ? lim->quota_bytes : WASI_UNLIMITED,
        .quota_files = lim ? lim->quota_files : WASI_UNLIMITED,
        .output = fx_output,
        .exit = fx_exit,
        .opaque = f,
    };
    char err[256];
    int rc = wasi_init(&f->ctx, &cfg, err, sizeof err);
    if (rc != 0) fprintf(stderr, "wasi_init: %s\n", err);
    f->ctx.memory = &f->mem;
    return rc;
}

/* cmocka setup: *state may hold a fx_limits* on entry. */
static inline int fx_setup(void **state) {
    const fx_limits *lim = *state;
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->mem.data = calloc(1, FX_MEM_SIZE);
    f->mem.size = FX_MEM_SIZE;
    f->mem.pages = FX_MEM_SIZE / 65536;
    f->mem.max_pages = f->mem.pages;
    f->brk = 1024; /* keep low addresses free, like a real guest */
    fx_tree(f);
    assert_int_equal(fx_init(f, lim), 0);
    *state = f;
    return 0;
}

static inline int fx_teardown(void **state) {
    fx *f = *state;
    wasi_free(&f->ctx);
    nftw(f->root, fx_rm, 16, FTW_DEPTH | FTW_PHYS);
    free(f->mem.data);
    free(f);
    return 0;
}

/* ---- guest memory helpers ---------------------------------------------- */

static inline uint32_t g_alloc(fx *f, uint32_t n) {
    uint32_t at = (f->brk + 7u) & ~7u;
    assert_true((uint64_t)at + n <= f->mem.size);
    f->brk = at + n;
    memset(f->mem.data + at, 0, n);
    return at;
}

/* Copies s (without NUL) into guest memory. */
static inline uint32_t g_str(fx *f, const char *s) {
    uint32_t at = g_alloc(f, (uint32_t)strlen(s) + 1);
    memcpy(f->mem.data + at, s, strlen(s) + 1);
    return at;
}

static inline uint32_t g_ld32(fx *f, uint32_t at) { return wasi_ld32(f->mem.data + at); }
static inline uint64_t g_ld64(fx *f, uint32_t at) { return wasi_ld64(f->mem.data + at); }

/* A one-entry iovec array over guest bytes [buf, buf+len). */
static inline uint32_t g_iov(fx *f, uint32_t buf, uint32_t len) {
    uint32_t at = g_alloc(f, 8);
    wasi_st32(f->mem.data + at, buf);
    wasi_st32(f->mem.data + at + 4, len);
    return at;
}

/* ---- call wrappers ------------------------------------------------------ */

static inline uint32_t w_open(fx *f, uint32_t dir, const char *path, uint32_t oflags,
                              uint64_t rights, uint32_t fdflags, uint32_t *fd) {
    uint32_t out = g_alloc(f, 4);
    uint32_t rc = Z_wasi_snapshot_preview1Z_path_open(&f->ctx, dir, WASI_LOOKUP_SYMLINK_FOLLOW,
                                                      g_str(f, path), (uint32_t)strlen(path),
                                                      oflags, rights, rights, fdflags, out);
    if (fd != NULL) *fd = rc == 0 ? g_ld32(f, out) : UINT32_MAX; /* UINT32_MAX: never open */
    return rc;
}

static inline uint32_t w_write(fx *f, uint32_t fd, const char *text, uint32_t *n) {
    uint32_t out = g_alloc(f, 4);
    uint32_t iov = g_iov(f, g_str(f, text), (uint32_t)strlen(text));
    uint32_t rc = Z_wasi_snapshot_preview1Z_fd_write(&f->ctx, fd, iov, 1, out);
    if (n != NULL) *n = rc == 0 ? g_ld32(f, out) : 0;
    return rc;
}

/* Writes len bytes of 'x' at the current position. */
static inline uint32_t w_write_n(fx *f, uint32_t fd, uint32_t len) {
    uint32_t buf = g_alloc(f, len), out = g_alloc(f, 4);
    memset(f->mem.data + buf, 'x', len);
    return Z_wasi_snapshot_preview1Z_fd_write(&f->ctx, fd, g_iov(f, buf, len), 1, out);
}

static inline uint32_t w_read(fx *f, uint32_t fd, char *dst, uint32_t cap, uint32_t *n) {
    uint32_t buf = g_alloc(f, cap), out = g_alloc(f, 4);
    uint32_t rc = Z_wasi_snapshot_preview1Z_fd_read(&f->ctx, fd, g_iov(f, buf, cap), 1, out);
    *n = rc == 0 ? g_ld32(f, out) : 0;
    if (rc == 0) memcpy(dst, f->mem.data + buf, *n);
    return rc;
}

static inline uint32_t w_mkdir(fx *f, uint32_t dir, const char *path) {
    return Z_wasi_snapshot_preview1Z_path_create_directory(&f->ctx, dir, g_str(f, path),
                                                           (uint32_t)strlen(path));
}

static inline uint32_t w_rmdir(fx *f, uint32_t dir, const char *path) {
    return Z_wasi_snapshot_preview1Z_path_remove_directory(&f->ctx, dir, g_str(f, path),
                                                           (uint32_t)strlen(path));
}

static inline uint32_t w_unlink(fx *f, uint32_t dir, const char *path) {
    return Z_wasi_snapshot_preview1Z_path_unlink_file(&f->ctx, dir, g_str(f, path),
                                                      (uint32_t)strlen(path));
}

static inline uint32_t w_symlink(fx *f, const char *target, uint32_t dir, const char *path) {
    return Z_wasi_snapshot_preview1Z_path_symlink(&f->ctx, g_str(f, target),
                                                  (uint32_t)strlen(target), dir, g_str(f, path),
                                                  (uint32_t)strlen(path));
}

static inline uint32_t w_rename(fx *f, uint32_t d1, const char *p1, uint32_t d2, const char *p2) {
    return Z_wasi_snapshot_preview1Z_path_rename(&f->ctx, d1, g_str(f, p1), (uint32_t)strlen(p1),
                                                 d2, g_str(f, p2), (uint32_t)strlen(p2));
}

static inline uint32_t w_link(fx *f, uint32_t d1, const char *p1, uint32_t d2, const char *p2) {
    return Z_wasi_snapshot_preview1Z_path_link(&f->ctx, d1, 0, g_str(f, p1), (uint32_t)strlen(p1),
                                               d2, g_str(f, p2), (uint32_t)strlen(p2));
}

/* path_filestat_get; *type gets the WASI filetype, *size the size. */
static inline uint32_t w_stat(fx *f, uint32_t dir, const char *path, int follow, uint8_t *type,
                              uint64_t *size) {
    uint32_t out = g_alloc(f, WASI_FILESTAT_SIZE);
    uint32_t rc = Z_wasi_snapshot_preview1Z_path_filestat_get(
        &f->ctx, dir, follow ? WASI_LOOKUP_SYMLINK_FOLLOW : 0, g_str(f, path),
        (uint32_t)strlen(path), out);
    if (rc == 0) {
        if (type) *type = f->mem.data[out + 16];
        if (size) *size = g_ld64(f, out + 32);
    }
    return rc;
}

static inline wasi_stats fx_stats(fx *f) {
    wasi_stats s;
    wasi_get_stats(&f->ctx, &s);
    return s;
}

static inline int host_exists(const char *p) {
    struct stat sb;
    return lstat(p, &sb) == 0;
}

#endif
