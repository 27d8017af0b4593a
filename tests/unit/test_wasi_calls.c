/*
 * test_wasi_calls.c - unit tests of the WASI imports other than path
 * resolution: init errors, prestat, args/environ, stdio capture and caps,
 * hostile pointers and iovecs, file I/O, quotas (bytes and entries),
 * fd_readdir, fd table limits, poll_oneoff, clocks, random, proc_exit and
 * the refused calls (sock_*, proc_raise).
 */
#include "sandbox/lockdown.h"
#include "test_wasi_fixture.h"
#include "wasi/ctx.h"
#include "wasi/ident.h"
#include "wasi/quota.h"

#include <sys/wait.h>
#include <time.h>

#define KIB 1024u

static fx_limits small_output = {WASI_UNLIMITED, WASI_UNLIMITED, 10, 4};
static fx_limits small_quota = {1000, 5, WASI_UNLIMITED, WASI_UNLIMITED};

/* ---- init, prestat, args --------------------------------------------- */

static void test_init_errors(void **state) {
    (void)state;
    wasi_ctx ctx;
    char err[256];
    wasi_preopen bad[1] = {{"/app", "/nonexistent/dir/for/wasi/test", 1}};
    wasi_config cfg = {.preopens = bad, .preopen_count = 1};
    assert_int_equal(wasi_init(&ctx, &cfg, err, sizeof err), -1);
    assert_non_null(strstr(err, "/app"));
    assert_non_null(strstr(err, "/nonexistent/dir/for/wasi/test"));
    assert_null(ctx.st);
    wasi_preopen noname[1] = {{"", "/tmp", 0}};
    cfg.preopens = noname;
    assert_int_equal(wasi_init(&ctx, &cfg, err, sizeof err), -1);
    cfg.preopen_count = WASI_MAX_PREOPENS + 1;
    assert_int_equal(wasi_init(&ctx, &cfg, err, sizeof err), -1);
    wasi_free(&ctx); /* safe on a failed init */
    /* an uninitialised ctx answers BADF/FAULT, never crashes */
    memset(&ctx, 0, sizeof ctx);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_close(&ctx, 1), WASI_EBADF);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_write(&ctx, 1, 0, 0, 0), WASI_EBADF);
    assert_int_equal(Z_wasi_snapshot_preview1Z_args_sizes_get(&ctx, 0, 4), WASI_EFAULT);
}

static void test_prestat(void **state) {
    fx *f = *state;
    static const char *names[] = {"/app", "/ro", "/empty"};
    uint32_t pre = g_alloc(f, 8), buf = g_alloc(f, 32);
    for (uint32_t fd = 3; fd < 6; fd++) {
        size_t len = strlen(names[fd - 3]);
        assert_int_equal(Z_wasi_snapshot_preview1Z_fd_prestat_get(&f->ctx, fd, pre), 0);
        assert_int_equal(f->mem.data[pre], 0);
        assert_int_equal(g_ld32(f, pre + 4), len);
        assert_int_equal(
            Z_wasi_snapshot_preview1Z_fd_prestat_dir_name(&f->ctx, fd, buf, (uint32_t)len), 0);
        assert_memory_equal(f->mem.data + buf, names[fd - 3], len);
    }
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_prestat_get(&f->ctx, 6, pre), WASI_EBADF);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_prestat_get(&f->ctx, 1, pre), WASI_EBADF);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_prestat_dir_name(&f->ctx, 3, buf, 2),
                     WASI_ENAMETOOLONG);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_prestat_get(&f->ctx, 3, FX_MEM_SIZE - 4),
                     WASI_EFAULT);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_prestat_dir_name(&f->ctx, 3, 0xfffffffeu, 4),
                     WASI_EFAULT);
}

static void test_args_environ(void **state) {
    fx *f = *state;
    uint32_t cnt = g_alloc(f, 4), size = g_alloc(f, 4);
    assert_int_equal(Z_wasi_snapshot_preview1Z_args_sizes_get(&f->ctx, cnt, size), 0);
    assert_int_equal(g_ld32(f, cnt), 3);
    assert_int_equal(g_ld32(f, size), strlen("python") + strlen("-c") + strlen("print(1)") + 3);
    uint32_t vec = g_alloc(f, 12), buf = g_alloc(f, g_ld32(f, size));
    assert_int_equal(Z_wasi_snapshot_preview1Z_args_get(&f->ctx, vec, buf), 0);
    assert_string_equal((char *)f->mem.data + g_ld32(f, vec), "python");
    assert_string_equal((char *)f->mem.data + g_ld32(f, vec + 4), "-c");
    assert_string_equal((char *)f->mem.data + g_ld32(f, vec + 8), "print(1)");
    assert_int_equal(Z_wasi_snapshot_preview1Z_environ_sizes_get(&f->ctx, cnt, size), 0);
    assert_int_equal(g_ld32(f, cnt), 2);
    vec = g_alloc(f, 8);
    buf = g_alloc(f, g_ld32(f, size));
    assert_int_equal(Z_wasi_snapshot_preview1Z_environ_get(&f->ctx, vec, buf), 0);
    assert_string_equal((char *)f->mem.data + g_ld32(f, vec + 4), "LANG=C.UTF-8");
    /* hostile pointers */
    assert_int_equal(Z_wasi_snapshot_preview1Z_args_get(&f->ctx, 0xfffffffcu, buf), WASI_EFAULT);
    assert_int_equal(Z_wasi_snapshot_preview1Z_args_get(&f->ctx, vec, FX_MEM_SIZE - 3),
                     WASI_EFAULT);
    assert_int_equal(Z_wasi_snapshot_preview1Z_environ_sizes_get(&f->ctx, cnt, FX_MEM_SIZE),
                     WASI_EFAULT);
}

/* ---- stdio ----------------------------------------------------------- */

static void test_stdout_capture(void **state) {
    fx *f = *state;
    uint32_t n;
    char got[8];
    assert_int_equal(w_write(f, 1, "hello ", &n), 0);
    assert_int_equal(n, 6);
    assert_int_equal(w_write(f, 1, "world\n", &n), 0);
    assert_int_equal(w_write(f, 2, "oops", &n), 0);
    assert_int_equal(f->outlen[0], 12);
    assert_memory_equal(f->out[0], "hello world\n", 12);
    assert_int_equal(f->outlen[1], 4);
    wasi_stats s = fx_stats(f);
    assert_int_equal(s.stdout_total, 12);
    assert_int_equal(s.stdout_kept, 12);
    assert_false(s.stdout_truncated);
    /* stdin is at EOF; stdout cannot be read nor stdin written */
    assert_int_equal(w_read(f, 0, got, sizeof got, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(w_read(f, 1, got, sizeof got, &n), WASI_ENOTCAPABLE);
    assert_int_equal(w_write(f, 0, "x", &n), WASI_ENOTCAPABLE);
    /* stdio looks like a terminal: character device without seek/tell */
    uint32_t st = g_alloc(f, WASI_FDSTAT_SIZE);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_fdstat_get(&f->ctx, 1, st), 0);
    assert_int_equal(f->mem.data[st], WASI_FILETYPE_CHARACTER_DEVICE);
    assert_int_equal(g_ld64(f, st + 8) & (WASI_RIGHT_FD_SEEK | WASI_RIGHT_FD_TELL), 0);
    assert_int_equal(
        Z_wasi_snapshot_preview1Z_fd_seek(&f->ctx, 1, 0, WASI_WHENCE_CUR, g_alloc(f, 8)),
        WASI_ESPIPE);
}

static void test_output_caps(void **state) {
    fx *f = *state;
    uint32_t n;
    assert_int_equal(w_write(f, 1, "0123456", &n), 0);
    assert_int_equal(w_write(f, 1, "789abcdef", &n), 0);
    assert_int_equal(n, 9); /* dropped bytes still count as written */
    assert_int_equal(w_write(f, 2, "errors!", &n), 0);
    assert_int_equal(n, 7);
    assert_int_equal(f->outlen[0], 10);
    assert_memory_equal(f->out[0], "0123456789", 10);
    assert_int_equal(f->outlen[1], 4);
    wasi_stats s = fx_stats(f);
    assert_true(s.stdout_truncated);
    assert_true(s.stderr_truncated);
    assert_int_equal(s.stdout_kept, 10);
    assert_int_equal(s.stdout_total, 16);
    assert_int_equal(s.stderr_total, 7);
    wasi_reset_run(&f->ctx);
    s = fx_stats(f);
    assert_false(s.stdout_truncated);
    assert_int_equal(s.stdout_total, 0);
}

static void test_huge_iovec_count(void **state) {
    fx *f = *state;
    const uint32_t count = 100000; /* 800 KB of iovecs, each 1 byte */
    uint32_t byte = g_str(f, "z"), arr = g_alloc(f, count * 8), out = g_alloc(f, 4);
    for (uint32_t i = 0; i < count; i++) {
        wasi_st32(f->mem.data + arr + i * 8, byte);
        wasi_st32(f->mem.data + arr + i * 8 + 4, 1);
    }
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_write(&f->ctx, 1, arr, count, out), 0);
    assert_int_equal(g_ld32(f, out), count);
    assert_int_equal(fx_stats(f).stdout_total, count);
    /* the same array against a file: short write of WASI_MAX_IOVS entries */
    uint32_t fd;
    assert_int_equal(w_open(f, FD_APP, "many", WASI_OFLAG_CREAT, ALL_RIGHTS, 0, &fd), 0);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_write(&f->ctx, fd, arr, count, out), 0);
    assert_int_equal(g_ld32(f, out), WASI_MAX_IOVS);
    /* one bad entry at the very end makes the whole call FAULT, writing nothing */
    wasi_st32(f->mem.data + arr + (count - 1) * 8, FX_MEM_SIZE);
    f->outlen[0] = 0;
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_write(&f->ctx, 1, arr, count, out), WASI_EFAULT);
    assert_int_equal(f->outlen[0], 0);
}

/* ---- hostile pointers ----------------------------------------------- */

static void test_out_of_bounds(void **state) {
    fx *f = *state;
    uint32_t out = g_alloc(f, 4), buf = g_str(f, "data"), iov = g_alloc(f, 8);
    /* iovec array near 4 GiB */
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_write(&f->ctx, 1, 0xfffffff8u, 1, out),
                     WASI_EFAULT);
    /* count * 8 wraps to 0 in 32-bit arithmetic */
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_write(&f->ctx, 1, iov, 0x20000000u, out),
                     WASI_EFAULT);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_write(&f->ctx, 1, iov, 0xffffffffu, out),
                     WASI_EFAULT);
    /* buffer start + length overflow */
    wasi_st32(f->mem.data + iov, 0xffffffffu);
    wasi_st32(f->mem.data + iov + 4, 2);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_write(&f->ctx, 1, iov, 1, out), WASI_EFAULT);
    wasi_st32(f->mem.data + iov, buf);
    wasi_st32(f->mem.data + iov + 4, 0xfffffff0u);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_write(&f->ctx, 1, iov, 1, out), WASI_EFAULT);
    /* one past the end of memory */
    wasi_st32(f->mem.data + iov, FX_MEM_SIZE - 2);
    wasi_st32(f->mem.data + iov + 4, 3);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_read(&f->ctx, 0, iov, 1, out), WASI_EFAULT);
    /* exactly at the end is fine, zero length at size too */
    wasi_st32(f->mem.data + iov + 4, 2);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_write(&f->ctx, 1, iov, 1, out), 0);
    wasi_st32(f->mem.data + iov, FX_MEM_SIZE);
    wasi_st32(f->mem.data + iov + 4, 0);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_write(&f->ctx, 1, iov, 1, out), 0);
    /* result pointers */
    wasi_st32(f->mem.data + iov, buf);
    wasi_st32(f->mem.data + iov + 4, 4);
    f->outlen[0] = 0;
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_write(&f->ctx, 1, iov, 1, FX_MEM_SIZE - 3),
                     WASI_EFAULT);
    assert_int_equal(f->outlen[0], 0);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_fdstat_get(&f->ctx, 1, 0xffffffffu), WASI_EFAULT);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_filestat_get(&f->ctx, 3, FX_MEM_SIZE - 63),
                     WASI_EFAULT);
    assert_int_equal(Z_wasi_snapshot_preview1Z_clock_time_get(&f->ctx, 1, 0, FX_MEM_SIZE - 7),
                     WASI_EFAULT);
    assert_int_equal(Z_wasi_snapshot_preview1Z_random_get(&f->ctx, FX_MEM_SIZE - 10, 11),
                     WASI_EFAULT);
    assert_int_equal(Z_wasi_snapshot_preview1Z_random_get(&f->ctx, 0x80000000u, 0x80000000u),
                     WASI_EFAULT);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_readdir(&f->ctx, 3, FX_MEM_SIZE - 8, 16, 0, out),
                     WASI_EFAULT);
    assert_int_equal(Z_wasi_snapshot_preview1Z_poll_oneoff(&f->ctx, 64, 4096, 0x10000000u, out),
                     WASI_EFAULT);
    assert_int_equal(
        Z_wasi_snapshot_preview1Z_path_open(&f->ctx, 3, 0, 0xfffffff0u, 32, 0, 0, 0, 0, out),
        WASI_EFAULT);
    /* no memory attached at all */
    wasm_rt_memory_t *mem = f->ctx.memory;
    f->ctx.memory = NULL;
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_write(&f->ctx, 1, iov, 1, out), WASI_EFAULT);
    f->ctx.memory = mem;
}

/* ---- files ----------------------------------------------------------- */

static void test_file_io(void **state) {
    fx *f = *state;
    uint32_t fd, n, pos = g_alloc(f, 8);
    char got[64];
    uint64_t size;
    assert_int_equal(
        w_open(f, FD_APP, "f.txt", WASI_OFLAG_CREAT | WASI_OFLAG_EXCL, ALL_RIGHTS, 0, &fd), 0);
    assert_int_equal(
        w_open(f, FD_APP, "f.txt", WASI_OFLAG_CREAT | WASI_OFLAG_EXCL, ALL_RIGHTS, 0, NULL),
        WASI_EEXIST);
    assert_int_equal(w_write(f, fd, "hello world", &n), 0);
    assert_int_equal(n, 11);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_tell(&f->ctx, fd, pos), 0);
    assert_int_equal(g_ld64(f, pos), 11);
    assert_int_equal(
        Z_wasi_snapshot_preview1Z_fd_seek(&f->ctx, fd, (uint64_t)-5, WASI_WHENCE_END, pos), 0);
    assert_int_equal(g_ld64(f, pos), 6);
    assert_int_equal(w_read(f, fd, got, sizeof got, &n), 0);
    assert_int_equal(n, 5);
    assert_memory_equal(got, "world", 5);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_seek(&f->ctx, fd, 0, 7, pos), WASI_EINVAL);
    /* pwrite / pread do not move the position */
    uint32_t out = g_alloc(f, 4), buf = g_alloc(f, 16);
    assert_int_equal(
        Z_wasi_snapshot_preview1Z_fd_pwrite(&f->ctx, fd, g_iov(f, g_str(f, "J"), 1), 1, 0, out), 0);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_pread(&f->ctx, fd, g_iov(f, buf, 5), 1, 0, out),
                     0);
    assert_int_equal(g_ld32(f, out), 5);
    assert_memory_equal(f->mem.data + buf, "Jello", 5);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_tell(&f->ctx, fd, pos), 0);
    assert_int_equal(g_ld64(f, pos), 11);
    assert_int_equal(w_stat(f, FD_APP, "f.txt", 0, NULL, &size), 0);
    assert_int_equal(size, 11);
    /* truncate on open, append mode */
    uint32_t fd2;
    assert_int_equal(
        w_open(f, FD_APP, "f.txt", WASI_OFLAG_TRUNC, ALL_RIGHTS, WASI_FDFLAG_APPEND, &fd2), 0);
    assert_int_equal(w_write(f, fd2, "ab", &n), 0);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_seek(&f->ctx, fd2, 0, WASI_WHENCE_SET, pos), 0);
    assert_int_equal(w_write(f, fd2, "cd", &n), 0);
    assert_int_equal(w_stat(f, FD_APP, "f.txt", 0, NULL, &size), 0);
    assert_int_equal(size, 4);
    /* directories are never written or read as files */
    assert_int_equal(w_write(f, FD_APP, "x", &n), WASI_ENOTCAPABLE);
    assert_int_equal(w_read(f, FD_APP, got, 4, &n), WASI_ENOTCAPABLE);
    assert_int_equal(w_open(f, FD_APP, ".", WASI_OFLAG_DIRECTORY, ALL_RIGHTS, 0, &fd2), 0);
    assert_int_equal(w_write(f, fd2, "x", &n), WASI_ENOTCAPABLE);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_filestat_set_size(&f->ctx, fd2, 0),
                     WASI_ENOTCAPABLE);
    /* a file opened read-only cannot be written */
    assert_int_equal(w_open(f, FD_APP, "f.txt", 0, WASI_RIGHT_FD_READ, 0, &fd2), 0);
    assert_int_equal(w_write(f, fd2, "x", &n), WASI_ENOTCAPABLE);
    wasi_stats s = fx_stats(f);
    assert_int_equal(s.files_created, 1);
    assert_int_equal(s.files_modified, 2);
}

static void test_fd_table(void **state) {
    fx *f = *state;
    uint32_t fd, first = 0, n, opened = 0;
    fx_write_file(f->app, "t", "x");
    while (w_open(f, FD_APP, "t", 0, ALL_RIGHTS, 0, &fd) == 0) {
        if (opened++ == 0) first = fd;
    }
    assert_int_equal(opened, WASI_MAX_FDS - 6);
    assert_int_equal(w_open(f, FD_APP, "t", 0, ALL_RIGHTS, 0, &fd), WASI_EMFILE);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_close(&f->ctx, first), 0);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_close(&f->ctx, first), WASI_EBADF);
    assert_int_equal(w_open(f, FD_APP, "t", 0, ALL_RIGHTS, 0, &fd), 0);
    assert_int_equal(fd, first);
    /* renumber onto an open fd, then the source is gone */
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_renumber(&f->ctx, fd, first + 1), 0);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_close(&f->ctx, fd), WASI_EBADF);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_renumber(&f->ctx, first + 1, 1000), WASI_EBADF);
    char got[4];
    assert_int_equal(w_read(f, first + 1, got, 4, &n), 0);
    assert_int_equal(n, 1);
    /* rights only shrink */
    assert_int_equal(
        Z_wasi_snapshot_preview1Z_fd_fdstat_set_rights(&f->ctx, first + 1, WASI_RIGHT_FD_READ, 0),
        0);
    assert_int_equal(
        Z_wasi_snapshot_preview1Z_fd_fdstat_set_rights(&f->ctx, first + 1, ALL_RIGHTS, 0),
        WASI_ENOTCAPABLE);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_seek(&f->ctx, first + 1, 0, 0, g_alloc(f, 8)),
                     WASI_ENOTCAPABLE);
}

static void test_filestat_and_times(void **state) {
    fx *f = *state;
    uint32_t fd, st = g_alloc(f, WASI_FILESTAT_SIZE);
    assert_int_equal(w_open(f, FD_APP, "t", WASI_OFLAG_CREAT, ALL_RIGHTS, 0, &fd), 0);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_filestat_set_times(&f->ctx, fd, 0, 7000000000ull,
                                                                     WASI_FST_MTIM),
                     0);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_filestat_get(&f->ctx, fd, st), 0);
    assert_int_equal(f->mem.data[st + 16], WASI_FILETYPE_REGULAR_FILE);
    assert_int_equal(g_ld64(f, st + 48), 7000000000ull);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_filestat_set_times(
                         &f->ctx, fd, 0, 0, WASI_FST_MTIM | WASI_FST_MTIM_NOW),
                     WASI_EINVAL);
    assert_int_equal(Z_wasi_snapshot_preview1Z_path_filestat_set_times(
                         &f->ctx, FD_APP, 0, g_str(f, "t"), 1, 3000000000ull, 0, WASI_FST_ATIM),
                     0);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_filestat_get(&f->ctx, fd, st), 0);
    assert_int_equal(g_ld64(f, st + 40), 3000000000ull);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_advise(&f->ctx, fd, 0, 0, 9), WASI_EINVAL);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_advise(&f->ctx, fd, 0, 0, 1), 0);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_sync(&f->ctx, fd), 0);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_datasync(&f->ctx, fd), 0);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_fdstat_set_flags(&f->ctx, fd, WASI_FDFLAG_APPEND),
                     0);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_fdstat_set_flags(&f->ctx, fd, 0x100),
                     WASI_EINVAL);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_filestat_get(&f->ctx, 1, st), 0);
    assert_int_equal(f->mem.data[st + 16], WASI_FILETYPE_CHARACTER_DEVICE);
}

/* ---- quota ----------------------------------------------------------- */

static void test_quota_bytes(void **state) {
    fx *f = *state;
    uint32_t fd, out = g_alloc(f, 4);
    uint64_t size;
    assert_int_equal(w_open(f, FD_APP, "q", WASI_OFLAG_CREAT, ALL_RIGHTS, 0, &fd), 0);
    assert_int_equal(w_write_n(f, fd, 600), 0);
    assert_int_equal(w_write_n(f, fd, 600), WASI_EDQUOT);
    assert_int_equal(w_stat(f, FD_APP, "q", 0, NULL, &size), 0);
    assert_int_equal(size, 600); /* nothing of the refused write landed */
    assert_int_equal(w_write_n(f, fd, 400), 0);
    assert_int_equal(fx_stats(f).quota_bytes_used, 1000);
    assert_int_equal(w_write_n(f, fd, 1), WASI_EDQUOT);
    /* overwriting in place costs nothing */
    assert_int_equal(
        Z_wasi_snapshot_preview1Z_fd_pwrite(&f->ctx, fd, g_iov(f, g_str(f, "yy"), 2), 1, 10, out),
        0);
    /* sparse growth, set_size and allocate are charged too */
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_pwrite(&f->ctx, fd, g_iov(f, g_str(f, "y"), 1), 1,
                                                         1000000, out),
                     WASI_EDQUOT);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_filestat_set_size(&f->ctx, fd, 5000),
                     WASI_EDQUOT);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_allocate(&f->ctx, fd, 900, 200), WASI_EDQUOT);
    assert_int_equal(
        Z_wasi_snapshot_preview1Z_fd_allocate(&f->ctx, fd, 0xffffffffffffff00ull, 0x1000),
        WASI_EFBIG);
    assert_int_equal(w_stat(f, FD_APP, "q", 0, NULL, &size), 0);
    assert_int_equal(size, 1000);
    /* shrinking gives space back */
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_filestat_set_size(&f->ctx, fd, 100), 0);
    assert_int_equal(fx_stats(f).quota_bytes_used, 100);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_allocate(&f->ctx, fd, 0, 300), 0);
    assert_int_equal(fx_stats(f).quota_bytes_used, 300);
    /* O_TRUNC gives space back */
    uint32_t fd2;
    assert_int_equal(w_open(f, FD_APP, "q", WASI_OFLAG_TRUNC, ALL_RIGHTS, 0, &fd2), 0);
    assert_int_equal(fx_stats(f).quota_bytes_used, 0);
    assert_int_equal(w_write_n(f, fd2, 1000), 0);
    /* unlink of an open file: the bytes come back at the last close */
    assert_int_equal(w_unlink(f, FD_APP, "q"), 0);
    assert_int_equal(fx_stats(f).quota_bytes_used, 1000);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_close(&f->ctx, fd), 0);
    assert_int_equal(fx_stats(f).quota_bytes_used, 1000);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_close(&f->ctx, fd2), 0);
    assert_int_equal(fx_stats(f).quota_bytes_used, 0);
}

static void test_quota_files(void **state) {
    fx *f = *state;
    uint32_t fd;
    /* quota of 5 entries */
    assert_int_equal(w_open(f, FD_APP, "a", WASI_OFLAG_CREAT, ALL_RIGHTS, 0, &fd), 0);
    assert_int_equal(w_mkdir(f, FD_APP, "d"), 0);
    assert_int_equal(w_symlink(f, "a", FD_APP, "d/../l"), 0);
    assert_int_equal(w_link(f, FD_APP, "a", FD_APP, "hard"), 0);
    assert_int_equal(w_open(f, FD_APP, "d/b", WASI_OFLAG_CREAT, ALL_RIGHTS, 0, NULL), 0);
    assert_int_equal(fx_stats(f).quota_files_used, 5);
    assert_int_equal(fx_stats(f).quota_bytes_used, 1); /* the symlink's target "a" */
    assert_int_equal(w_open(f, FD_APP, "c", WASI_OFLAG_CREAT, ALL_RIGHTS, 0, NULL), WASI_EDQUOT);
    assert_false(host_exists(fx_path(f->app, "c")));
    assert_int_equal(w_mkdir(f, FD_APP, "e"), WASI_EDQUOT);
    assert_int_equal(w_symlink(f, "a", FD_APP, "m"), WASI_EDQUOT);
    assert_int_equal(w_link(f, FD_APP, "a", FD_APP, "hard2"), WASI_EDQUOT);
    /* reopening an existing file with CREAT is not a new entry */
    assert_int_equal(w_open(f, FD_APP, "a", WASI_OFLAG_CREAT, ALL_RIGHTS, 0, NULL), 0);
    /* removal gives the entry back; rename over a file too */
    assert_int_equal(w_unlink(f, FD_APP, "d/b"), 0);
    assert_int_equal(w_rmdir(f, FD_APP, "d"), 0);
    assert_int_equal(fx_stats(f).quota_files_used, 3);
    assert_int_equal(w_open(f, FD_APP, "c", WASI_OFLAG_CREAT, ALL_RIGHTS, 0, NULL), 0);
    assert_int_equal(w_rename(f, FD_APP, "c", FD_APP, "hard"), 0);
    assert_int_equal(fx_stats(f).quota_files_used, 3);
    assert_int_equal(fx_stats(f).files_created, 6);
}

/* A hard link must not let bytes be released twice. */
static void test_quota_hardlinks(void **state) {
    fx *f = *state;
    uint32_t fd;
    assert_int_equal(w_open(f, FD_APP, "a", WASI_OFLAG_CREAT, ALL_RIGHTS, 0, &fd), 0);
    assert_int_equal(w_link(f, FD_APP, "a", FD_APP, "b"), 0);
    assert_int_equal(w_write_n(f, fd, 800), 0);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_close(&f->ctx, fd), 0);
    assert_int_equal(w_unlink(f, FD_APP, "b"), 0);
    assert_int_equal(fx_stats(f).quota_bytes_used, 800); /* data still there under "a" */
    assert_int_equal(w_open(f, FD_APP, "c", WASI_OFLAG_CREAT, ALL_RIGHTS, 0, &fd), 0);
    assert_int_equal(w_write_n(f, fd, 300), WASI_EDQUOT);
    assert_int_equal(w_unlink(f, FD_APP, "a"), 0);
    assert_int_equal(fx_stats(f).quota_bytes_used, 0);
    assert_int_equal(w_write_n(f, fd, 300), 0);
}

/* Existing content is counted at init. */
static void test_quota_scan(void **state) {
    fx *f = *state;
    wasi_free(&f->ctx);
    fx_write_file(f->app, "old", "0123456789");
    assert_int_equal(mkdir(fx_path(f->app, "dir"), 0755), 0);
    fx_write_file(f->app, "dir/inner", "abcde");
    assert_int_equal(link(fx_path(f->app, "old"), fx_path(f->app, "old2")), 0);
    assert_int_equal(symlink("old", fx_path(f->app, "sl")), 0);
    assert_int_equal(fx_init(f, &small_quota), 0);
    wasi_stats s = fx_stats(f);
    assert_int_equal(s.quota_files_used, 5);          /* old, old2, dir, dir/inner, sl */
    assert_int_equal(s.quota_bytes_used, 10 + 5 + 3); /* hard-linked data once */
}

/* The init scan walks WASI_SCAN_MAX_DEPTH levels and refuses deeper trees
 * with a message naming the preopen. */
static void test_quota_scan_depth(void **state) {
    fx *f = *state;
    char path[PATH_MAX], err[256] = "";
    wasi_quota q = {.bytes_max = WASI_UNLIMITED, .files_max = WASI_UNLIMITED};
    snprintf(path, sizeof path, "%s", f->app);
    for (int i = 0; i < WASI_SCAN_MAX_DEPTH; i++) {
        strncat(path, "/d", sizeof path - strlen(path) - 1);
        assert_int_equal(mkdir(path, 0755), 0);
    }
    int fd = open(f->app, O_RDONLY | O_DIRECTORY);
    assert_true(fd >= 0);
    assert_int_equal(wasi_quota_scan(fd, "/app", &q, err, sizeof err), 0);
    assert_int_equal(q.files_used, WASI_SCAN_MAX_DEPTH);
    strncat(path, "/d", sizeof path - strlen(path) - 1);
    assert_int_equal(mkdir(path, 0755), 0);
    q.files_used = 0;
    assert_int_equal(wasi_quota_scan(fd, "/app", &q, err, sizeof err), -1);
    assert_string_equal(err, "quota scan of /app: directories nested deeper than 256 levels");
    close(fd);
}

/* The quota scan also runs inside a session process, whose seccomp filter
 * allows openat2 only and whose Landlock domain is its mounts (a live
 * session rescans after the host wrote into its workspace): a scan that
 * descends into folders must not be killed or refused. */
static void test_quota_scan_under_lockdown(void **state) {
    fx *f = *state;
    char err[256] = "";
    assert_int_equal(mkdir(fx_path(f->app, "dir"), 0755), 0);
    assert_int_equal(mkdir(fx_path(f->app, "dir/sub"), 0755), 0);
    fx_write_file(f->app, "dir/sub/inner", "abcde");
    int fd = open(f->app, O_RDONLY | O_DIRECTORY);
    assert_true(fd >= 0);
    pid_t pid = fork();
    if (pid == 0) {
        wasi_quota q = {.bytes_max = WASI_UNLIMITED, .files_max = WASI_UNLIMITED};
        const ll_mount app = {f->app, true};
        if (lockdown_apply(LOCKDOWN_SESSION, &app, 1, err, sizeof err) != 0) _exit(3);
        int rc = wasi_quota_scan(fd, "/app", &q, err, sizeof err);
        _exit(rc == 0 && q.files_used == 3 && q.bytes_used == 5 ? 0 : 2);
    }
    int status = -1;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    close(fd);
}

/* ---- fd_readdir ------------------------------------------------------ */

typedef struct listing {
    char names[64][32];
    int count;
    uint64_t last_cookie;
} listing;

/* Lists fd like wasi-libc: repeated calls, growing the buffer when an
 * entry does not fit, resuming from the last complete entry's d_next. */
static void list_dir(fx *f, uint32_t fd, uint32_t start_buf, listing *l) {
    uint32_t cap = start_buf, used_out = g_alloc(f, 4);
    uint64_t cookie = 0;
    memset(l, 0, sizeof *l);
    for (;;) {
        uint32_t buf = g_alloc(f, cap);
        assert_int_equal(
            Z_wasi_snapshot_preview1Z_fd_readdir(&f->ctx, fd, buf, cap, cookie, used_out), 0);
        uint32_t used = g_ld32(f, used_out), at = 0;
        bool grew = false;
        while (at + WASI_DIRENT_SIZE <= used) {
            uint32_t namlen = g_ld32(f, buf + at + 16);
            if (at + WASI_DIRENT_SIZE + namlen > used) {
                break; /* truncated entry */
            }
            uint64_t next = g_ld64(f, buf + at);
            assert_int_equal(next, cookie + 1); /* cookies are positions */
            memcpy(l->names[l->count], f->mem.data + buf + at + WASI_DIRENT_SIZE, namlen);
            l->names[l->count][namlen] = '\0';
            l->count++;
            cookie = next;
            at += WASI_DIRENT_SIZE + namlen;
        }
        if (used < cap) break;
        if (at == 0) {
            cap *= 2; /* not even one entry fit */
            grew = true;
        }
        (void)grew;
    }
    l->last_cookie = cookie;
}

static int has_name(const listing *l, const char *name) {
    for (int i = 0; i < l->count; i++)
        if (strcmp(l->names[i], name) == 0) return 1;
    return 0;
}

static void test_readdir(void **state) {
    fx *f = *state;
    char name[48];
    listing l;
    for (int i = 0; i < 20; i++) {
        snprintf(name, sizeof name, "file-%02d-with-a-long-name", i % 100);
        fx_write_file(f->app, name, "x");
    }
    assert_int_equal(mkdir(fx_path(f->app, "subdir"), 0755), 0);
    list_dir(f, FD_APP, 4096, &l);
    assert_int_equal(l.count, 23); /* 20 files, subdir, ".", ".." */
    assert_true(has_name(&l, "."));
    assert_true(has_name(&l, "subdir"));
    assert_true(has_name(&l, "file-19-with-a-long-name"));
    listing small;
    list_dir(f, FD_APP, 16, &small); /* smaller than one header */
    assert_int_equal(small.count, 23);
    for (int i = 0; i < 23; i++)
        assert_string_equal(small.names[i], l.names[i]);
    list_dir(f, FD_APP, 60, &small); /* entries cut at every call */
    assert_int_equal(small.count, 23);
    /* an arbitrary cookie resumes at that position */
    uint32_t buf = g_alloc(f, 4096), used = g_alloc(f, 4);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_readdir(&f->ctx, FD_APP, buf, 4096, 20, used), 0);
    assert_int_equal(g_ld64(f, buf), 21);
    assert_memory_equal(f->mem.data + buf + WASI_DIRENT_SIZE, l.names[20], strlen(l.names[20]));
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_readdir(&f->ctx, FD_APP, buf, 4096, 1000, used),
                     0);
    assert_int_equal(g_ld32(f, used), 0);
    /* d_type and d_namlen of every complete entry */
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_readdir(&f->ctx, FD_APP, buf, 4096, 0, used), 0);
    int dirs = 0, files = 0;
    for (uint32_t at = 0; at + WASI_DIRENT_SIZE <= g_ld32(f, used);) {
        uint32_t namlen = g_ld32(f, buf + at + 16);
        uint8_t type = f->mem.data[buf + at + 20];
        dirs += type == WASI_FILETYPE_DIRECTORY;
        files += type == WASI_FILETYPE_REGULAR_FILE;
        at += WASI_DIRENT_SIZE + namlen;
    }
    assert_int_equal(dirs, 3); /* ".", "..", "subdir" */
    assert_int_equal(files, 20);
    /* files cannot be listed */
    uint32_t fd;
    assert_int_equal(w_open(f, FD_APP, "subdir/../file-00-with-a-long-name", 0, ALL_RIGHTS, 0, &fd),
                     0);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_readdir(&f->ctx, fd, buf, 4096, 0, used),
                     WASI_ENOTCAPABLE);
}

/* ---- time, poll, random --------------------------------------------- */

static uint64_t mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint32_t clock_sub(fx *f, uint32_t at, uint64_t userdata, uint32_t id, uint64_t timeout) {
    wasi_st64(f->mem.data + at, userdata);
    f->mem.data[at + 8] = WASI_EVENTTYPE_CLOCK;
    wasi_st32(f->mem.data + at + 16, id);
    wasi_st64(f->mem.data + at + 24, timeout);
    return at;
}

static void test_clocks_and_poll(void **state) {
    fx *f = *state;
    uint32_t t = g_alloc(f, 8), subs = g_alloc(f, 3 * 48), evs = g_alloc(f, 3 * 32),
             n = g_alloc(f, 4);
    assert_int_equal(Z_wasi_snapshot_preview1Z_clock_time_get(&f->ctx, WASI_CLOCK_MONOTONIC, 0, t),
                     0);
    uint64_t t1 = g_ld64(f, t);
    for (int id = 0; id < 4; id++)
        assert_int_equal(Z_wasi_snapshot_preview1Z_clock_time_get(&f->ctx, (uint32_t)id, 1, t), 0);
    assert_int_equal(Z_wasi_snapshot_preview1Z_clock_time_get(&f->ctx, 4, 0, t), WASI_EINVAL);
    assert_int_equal(Z_wasi_snapshot_preview1Z_clock_res_get(&f->ctx, WASI_CLOCK_REALTIME, t), 0);
    assert_true(g_ld64(f, t) > 0);
    /* a 30 ms relative sleep really sleeps */
    uint64_t start = mono_ns();
    clock_sub(f, subs, 42, WASI_CLOCK_MONOTONIC, 30000000);
    assert_int_equal(Z_wasi_snapshot_preview1Z_poll_oneoff(&f->ctx, subs, evs, 1, n), 0);
    assert_true(mono_ns() - start >= 30000000);
    assert_int_equal(g_ld32(f, n), 1);
    assert_int_equal(g_ld64(f, evs), 42);
    assert_int_equal(f->mem.data[evs + 10], WASI_EVENTTYPE_CLOCK);
    assert_int_equal(Z_wasi_snapshot_preview1Z_clock_time_get(&f->ctx, WASI_CLOCK_MONOTONIC, 0, t),
                     0);
    assert_true(g_ld64(f, t) > t1);
    /* an fd subscription is ready at once; the long clock is not reported */
    start = mono_ns();
    clock_sub(f, subs, 1, WASI_CLOCK_MONOTONIC, 10000000000ull);
    memset(f->mem.data + subs + 48, 0, 48);
    wasi_st64(f->mem.data + subs + 48, 2);
    f->mem.data[subs + 48 + 8] = WASI_EVENTTYPE_FD_READ;
    wasi_st32(f->mem.data + subs + 48 + 16, 0);
    memset(f->mem.data + subs + 96, 0, 48);
    wasi_st64(f->mem.data + subs + 96, 3);
    f->mem.data[subs + 96 + 8] = WASI_EVENTTYPE_FD_WRITE;
    wasi_st32(f->mem.data + subs + 96 + 16, 77); /* not open */
    assert_int_equal(Z_wasi_snapshot_preview1Z_poll_oneoff(&f->ctx, subs, evs, 3, n), 0);
    assert_true(mono_ns() - start < 1000000000ull);
    assert_int_equal(g_ld32(f, n), 2);
    assert_int_equal(g_ld64(f, evs), 2);
    assert_int_equal(wasi_ld16(f->mem.data + evs + 8), 0);
    assert_int_equal(g_ld64(f, evs + 32), 3);
    assert_int_equal(wasi_ld16(f->mem.data + evs + 32 + 8), WASI_EBADF);
    /* absolute time in the past: immediate */
    clock_sub(f, subs, 9, WASI_CLOCK_REALTIME, 1);
    wasi_st16(f->mem.data + subs + 40, WASI_SUBCLOCK_ABSTIME);
    assert_int_equal(Z_wasi_snapshot_preview1Z_poll_oneoff(&f->ctx, subs, evs, 1, n), 0);
    assert_int_equal(g_ld32(f, n), 1);
    assert_int_equal(Z_wasi_snapshot_preview1Z_poll_oneoff(&f->ctx, subs, evs, 0, n), WASI_EINVAL);
    /* nothing would wake a sleep on a cputime clock: an error event at once */
    clock_sub(f, subs, 5, WASI_CLOCK_PROCESS_CPUTIME, 1000000000000ull);
    wasi_st16(f->mem.data + subs + 40, 0);
    assert_int_equal(Z_wasi_snapshot_preview1Z_poll_oneoff(&f->ctx, subs, evs, 1, n), 0);
    assert_int_equal(g_ld32(f, n), 1);
    assert_int_equal(wasi_ld16(f->mem.data + evs + 8), WASI_ENOTSUP);
    clock_sub(f, subs, 6, 99, 1);
    assert_int_equal(Z_wasi_snapshot_preview1Z_poll_oneoff(&f->ctx, subs, evs, 1, n), 0);
    assert_int_equal(wasi_ld16(f->mem.data + evs + 8), WASI_EINVAL);
    assert_int_equal(Z_wasi_snapshot_preview1Z_sched_yield(&f->ctx), 0);
}

/* The guest's clocks: monotonic from zero at wasi_init, every clock in
 * 100 us steps, realtime the real date; an absolute monotonic deadline is
 * read on the guest's clock. */
static void test_coarse_clocks(void **state) {
    fx *f = *state;
    uint32_t t = g_alloc(f, 8), subs = g_alloc(f, 48), evs = g_alloc(f, 32), n = g_alloc(f, 4);
    assert_int_equal(Z_wasi_snapshot_preview1Z_clock_time_get(&f->ctx, WASI_CLOCK_MONOTONIC, 0, t),
                     0);
    uint64_t m0 = g_ld64(f, t);
    assert_true(m0 < 10000000000ull); /* seconds since the fixture started, not the uptime */
    for (uint32_t id = 0; id < 4; id++) {
        for (int i = 0; i < 200; i++) {
            assert_int_equal(Z_wasi_snapshot_preview1Z_clock_time_get(&f->ctx, id, 1, t), 0);
            assert_int_equal(g_ld64(f, t) % WASI_CLOCK_RES_NS, 0);
        }
        assert_int_equal(Z_wasi_snapshot_preview1Z_clock_res_get(&f->ctx, id, t), 0);
        assert_int_equal(g_ld64(f, t), WASI_CLOCK_RES_NS);
    }
    assert_int_equal(Z_wasi_snapshot_preview1Z_clock_res_get(&f->ctx, 4, t), WASI_EINVAL);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    assert_int_equal(Z_wasi_snapshot_preview1Z_clock_time_get(&f->ctx, WASI_CLOCK_REALTIME, 0, t),
                     0);
    uint64_t real = g_ld64(f, t), host = (uint64_t)now.tv_sec * 1000000000ull;
    assert_true(real + 2000000000ull > host && real < host + 2000000000ull);
    /* sleep until guest-monotonic m0 + 20 ms: about 20 ms, not "already past" */
    uint64_t start = mono_ns();
    clock_sub(f, subs, 7, WASI_CLOCK_MONOTONIC, m0 + 20000000);
    wasi_st16(f->mem.data + subs + 40, WASI_SUBCLOCK_ABSTIME);
    assert_int_equal(Z_wasi_snapshot_preview1Z_poll_oneoff(&f->ctx, subs, evs, 1, n), 0);
    assert_true(mono_ns() - start >= 10000000);
    assert_true(mono_ns() - start < 1000000000ull);
    assert_int_equal(Z_wasi_snapshot_preview1Z_clock_time_get(&f->ctx, WASI_CLOCK_MONOTONIC, 0, t),
                     0);
    assert_true(g_ld64(f, t) >= m0 + 20000000 - WASI_CLOCK_RES_NS);
}

/* stat a path and return the (dev, ino) the guest sees. */
static void guest_ident(fx *f, uint32_t dir, const char *path, uint64_t *dev, uint64_t *ino) {
    uint32_t out = g_alloc(f, WASI_FILESTAT_SIZE);
    assert_int_equal(Z_wasi_snapshot_preview1Z_path_filestat_get(&f->ctx, dir, 0, g_str(f, path),
                                                                 (uint32_t)strlen(path), out),
                     0);
    *dev = g_ld64(f, out);
    *ino = g_ld64(f, out + 8);
}

/* The guest sees files numbered in order of first sight (ident.h): 300
 * new files, each stat'ed twice, get 300 consecutive new numbers, and the
 * second stat the first one's number. A second instance making the same
 * calls sees the same numbers, though its files are other host files. */
static void test_inode_numbers(void **state) {
    fx *f = *state;
    enum { FILES = 300 };
    uint64_t first[FILES], dev, again;
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < FILES; i++) {
            char name[32];
            uint64_t ino;
            snprintf(name, sizeof name, "r%d-f%d", round, i);
            fx_write_file(f->app, name, "x");
            guest_ident(f, FD_APP, name, &dev, &ino);
            if (round == 0)
                first[i] = ino;
            else
                assert_int_equal(ino, first[i]);
            assert_true(i == 0 || ino == first[i - 1] + 1);
            guest_ident(f, FD_APP, name, &dev, &again);
            assert_int_equal(again, ino);
        }
        wasi_free(&f->ctx); /* the next round is a new instance */
        assert_int_equal(fx_init(f, NULL), 0);
    }
}

/* Past WASI_IDENT_NUMBERED_MAX files the table is closed: the numbered
 * keep their numbers, the next files get a keyed hash with bit 62 set,
 * the same one each time, and distinct. */
static void test_inode_numbers_full(void **state) {
    fx *f = *state;
    struct wasi_state *st = f->ctx.st;
    for (uint64_t i = 1; i <= WASI_IDENT_NUMBERED_MAX; i++)
        assert_int_equal(wasi_ident_ino(st, 77, 1000 + i), i);
    uint64_t past = wasi_ident_ino(st, 77, 5), past2 = wasi_ident_ino(st, 78, 5);
    assert_true(past & WASI_IDENT_HASHED);
    assert_true(past2 & WASI_IDENT_HASHED && past2 != past && past2 < 2 * WASI_IDENT_HASHED);
    assert_int_equal(wasi_ident_ino(st, 77, 5), past);
    assert_int_equal(wasi_ident_ino(st, 77, 1001), 1);
    assert_int_equal(wasi_ident_ino(st, 77, 1000 + WASI_IDENT_NUMBERED_MAX),
                     WASI_IDENT_NUMBERED_MAX);
    assert_int_equal(wasi_ident_ino(st, 77, 0), 0);
}

/* No host device or inode number reaches the guest; two names of one file
 * still compare equal, through path and fd stats and readdir alike. */
static void test_masked_identity(void **state) {
    fx *f = *state;
    uint64_t dev_a, ino_a, dev_b, ino_b, dev_c, ino_c, dev_r, ino_r;
    uint32_t fd, st = g_alloc(f, WASI_FILESTAT_SIZE);
    fx_write_file(f->app, "é.txt", "café ☕ 日本");
    assert_int_equal(w_link(f, FD_APP, "é.txt", FD_APP, "hard"), 0);
    fx_write_file(f->app, "other", "x");
    struct stat host;
    assert_int_equal(stat(fx_path(f->app, "é.txt"), &host), 0);
    guest_ident(f, FD_APP, "é.txt", &dev_a, &ino_a);
    guest_ident(f, FD_APP, "hard", &dev_b, &ino_b);
    guest_ident(f, FD_APP, "other", &dev_c, &ino_c);
    guest_ident(f, FD_RO, "data.txt", &dev_r, &ino_r);
    assert_int_equal(dev_a, 1); /* the first preopen */
    assert_int_equal(dev_r, 2);
    assert_true(ino_a != (uint64_t)host.st_ino && ino_a != 0);
    assert_true(ino_a == ino_b && dev_a == dev_b);
    assert_true(ino_c != ino_a);
    assert_int_equal(w_open(f, FD_APP, "hard", 0, ALL_RIGHTS, 0, &fd), 0);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_filestat_get(&f->ctx, fd, st), 0);
    assert_int_equal(g_ld64(f, st), dev_a);
    assert_int_equal(g_ld64(f, st + 8), ino_a);
    /* readdir's d_ino is the same hash */
    uint32_t buf = g_alloc(f, 4096), used = g_alloc(f, 4);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_readdir(&f->ctx, FD_APP, buf, 4096, 0, used), 0);
    bool seen = false;
    for (uint32_t at = 0; at + WASI_DIRENT_SIZE <= g_ld32(f, used);) {
        uint32_t namlen = g_ld32(f, buf + at + 16);
        uint64_t d_ino = g_ld64(f, buf + at + 8);
        assert_true(d_ino != (uint64_t)host.st_ino);
        if (namlen == strlen("é.txt") &&
            memcmp(f->mem.data + buf + at + WASI_DIRENT_SIZE, "é.txt", namlen) == 0)
            seen = d_ino == ino_a;
        at += WASI_DIRENT_SIZE + namlen;
    }
    assert_true(seen);
}

static void test_random(void **state) {
    fx *f = *state;
    const uint32_t len = 200000; /* several getrandom chunks */
    uint32_t buf = g_alloc(f, len);
    assert_int_equal(Z_wasi_snapshot_preview1Z_random_get(&f->ctx, buf, len), 0);
    uint32_t zeros = 0;
    for (uint32_t i = 0; i < len; i++)
        zeros += f->mem.data[buf + i] == 0;
    assert_true(zeros < len / 100);
    assert_int_equal(Z_wasi_snapshot_preview1Z_random_get(&f->ctx, buf, 0), 0);
}

/* ---- process and refused calls ------------------------------------- */

static void test_proc_exit(void **state) {
    fx *f = *state;
    if (setjmp(f->exit_jb) == 0) {
        Z_wasi_snapshot_preview1Z_proc_exit(&f->ctx, 3);
        fail_msg("proc_exit returned");
    }
    assert_int_equal(f->exit_called, 1);
    assert_int_equal(f->exit_code, 3);
    wasi_stats s = fx_stats(f);
    assert_true(s.exited);
    assert_int_equal(s.exit_code, 3);
}

static void test_refused_calls(void **state) {
    fx *f = *state;
    uint32_t out = g_alloc(f, 8);
    assert_int_equal(Z_wasi_snapshot_preview1Z_sock_accept(&f->ctx, 3, 0, out), WASI_ENOTSUP);
    assert_int_equal(Z_wasi_snapshot_preview1Z_sock_recv(&f->ctx, 3, 0, 0, 0, out, out + 4),
                     WASI_ENOTSUP);
    assert_int_equal(Z_wasi_snapshot_preview1Z_sock_send(&f->ctx, 3, 0, 0, 0, out), WASI_ENOTSUP);
    assert_int_equal(Z_wasi_snapshot_preview1Z_sock_shutdown(&f->ctx, 3, 3), WASI_ENOTSUP);
    assert_int_equal(Z_wasi_snapshot_preview1Z_proc_raise(&f->ctx, 9), WASI_ENOTSUP);
}

#define T(name)       cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
#define TL(name, lim) cmocka_unit_test_prestate_setup_teardown(name, fx_setup, fx_teardown, lim)

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_errors),
        T(test_prestat),
        T(test_args_environ),
        T(test_stdout_capture),
        TL(test_output_caps, &small_output),
        T(test_huge_iovec_count),
        T(test_out_of_bounds),
        T(test_file_io),
        T(test_fd_table),
        T(test_filestat_and_times),
        TL(test_quota_bytes, &small_quota),
        TL(test_quota_files, &small_quota),
        TL(test_quota_hardlinks, &small_quota),
        T(test_quota_scan),
        T(test_quota_scan_depth),
        T(test_quota_scan_under_lockdown),
        T(test_readdir),
        T(test_clocks_and_poll),
        T(test_coarse_clocks),
        T(test_masked_identity),
        T(test_inode_numbers),
        T(test_inode_numbers_full),
        T(test_random),
        T(test_proc_exit),
        T(test_refused_calls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
