/*
 * test_wasi_path.c - unit tests of guest path resolution (src/wasi/path.c
 * and the path_* imports): ".." and absolute escapes, symlinks planted to
 * "/" and "../..", last-component rules, trailing slashes, read-only and
 * empty preopens. Invariant checked throughout: nothing outside the
 * preopen is read, created, changed or removed.
 */
#include "test_wasi_fixture.h"

#include "wasi/path.h"

/* ---- pure path helpers ---------------------------------------------- */

static void test_path_read_validation(void **state) {
    fx *f = *state;
    wasi_path p;
    char longp[WASI_PATH_MAX + 2];
    uint32_t at;
    at = g_str(f, "a/b");
    assert_int_equal(wasi_path_read(&f->mem, at, 3, &p), 0);
    assert_string_equal(p.s, "a/b");
    assert_int_equal(wasi_path_read(&f->mem, g_str(f, "/etc"), 4, &p), WASI_ENOTCAPABLE);
    assert_int_equal(wasi_path_read(&f->mem, at, 0, &p), WASI_ENOENT);
    at = g_alloc(f, 4);
    memcpy(f->mem.data + at, "a\0b", 4);
    assert_int_equal(wasi_path_read(&f->mem, at, 3, &p), WASI_EINVAL);
    memset(longp, 'a', sizeof longp);
    longp[WASI_PATH_MAX + 1] = '\0';
    assert_int_equal(wasi_path_read(&f->mem, g_str(f, longp), WASI_PATH_MAX + 1, &p),
                     WASI_ENAMETOOLONG);
    /* out of bounds: near the end of memory, near 4 GiB, wrapping length */
    assert_int_equal(wasi_path_read(&f->mem, FX_MEM_SIZE - 2, 3, &p), WASI_EFAULT);
    assert_int_equal(wasi_path_read(&f->mem, 0xfffffff0u, 4, &p), WASI_EFAULT);
    assert_int_equal(wasi_path_read(&f->mem, 16, 0xffffffffu, &p), WASI_EFAULT);
}

/* Only downward targets: relative, without any ".." component. */
static void test_symlink_policy(void **state) {
    (void)state;
    assert_int_equal(wasi_path_check_symlink("x"), 0);
    assert_int_equal(wasi_path_check_symlink("sub/x"), 0);
    assert_int_equal(wasi_path_check_symlink("."), 0);
    assert_int_equal(wasi_path_check_symlink("./a//b/"), 0);
    assert_int_equal(wasi_path_check_symlink("café ☕/日本"), 0);
    assert_int_equal(wasi_path_check_symlink("..x/x.."), 0); /* names, not ".." */
    assert_int_equal(wasi_path_check_symlink("../x"), WASI_ENOTCAPABLE);
    assert_int_equal(wasi_path_check_symlink("a/../x"), WASI_ENOTCAPABLE);
    assert_int_equal(wasi_path_check_symlink("a/.."), WASI_ENOTCAPABLE);
    assert_int_equal(wasi_path_check_symlink("a//..//b"), WASI_ENOTCAPABLE);
    assert_int_equal(wasi_path_check_symlink("/"), WASI_ENOTCAPABLE);
    assert_int_equal(wasi_path_check_symlink("/etc/passwd"), WASI_ENOTCAPABLE);
    assert_int_equal(wasi_path_check_symlink(".."), WASI_ENOTCAPABLE);
    assert_int_equal(wasi_path_check_symlink(""), WASI_ENOENT);
}

static void test_is_self(void **state) {
    (void)state;
    assert_true(wasi_path_is_self("."));
    assert_true(wasi_path_is_self("./."));
    assert_true(wasi_path_is_self(".//./"));
    assert_false(wasi_path_is_self(".."));
    assert_false(wasi_path_is_self("a"));
    assert_false(wasi_path_is_self("./.x"));
}

/* ---- escapes --------------------------------------------------------- */

static void test_dotdot_escapes(void **state) {
    fx *f = *state;
    uint32_t fd;
    assert_int_equal(w_open(f, FD_APP, "../outside/secret", 0, ALL_RIGHTS, 0, &fd),
                     WASI_ENOTCAPABLE);
    assert_int_equal(w_open(f, FD_APP, "..", WASI_OFLAG_DIRECTORY, ALL_RIGHTS, 0, &fd),
                     WASI_ENOTCAPABLE);
    assert_int_equal(w_mkdir(f, FD_APP, "sub"), 0);
    assert_int_equal(w_open(f, FD_APP, "sub/../../outside/secret", 0, ALL_RIGHTS, 0, &fd),
                     WASI_ENOTCAPABLE);
    /* ".." that stays inside is fine */
    fx_write_file(f->app, "f.txt", "hi");
    assert_int_equal(w_open(f, FD_APP, "sub/../f.txt", 0, ALL_RIGHTS, 0, &fd), 0);
    /* a directory fd opened below the preopen is itself a boundary */
    uint32_t subfd;
    assert_int_equal(w_open(f, FD_APP, "sub", WASI_OFLAG_DIRECTORY, ALL_RIGHTS, 0, &subfd), 0);
    assert_int_equal(w_open(f, subfd, "../f.txt", 0, ALL_RIGHTS, 0, &fd), WASI_ENOTCAPABLE);
    /* creating outside through ".." */
    assert_int_equal(w_open(f, FD_APP, "../outside/new", WASI_OFLAG_CREAT, ALL_RIGHTS, 0, &fd),
                     WASI_ENOTCAPABLE);
    assert_false(host_exists(fx_path(f->outside, "new")));
    assert_int_equal(w_mkdir(f, FD_APP, "../outside/d"), WASI_ENOTCAPABLE);
    assert_false(host_exists(fx_path(f->outside, "d")));
    assert_int_equal(w_unlink(f, FD_APP, "../outside/secret"), WASI_ENOTCAPABLE);
    assert_true(host_exists(fx_path(f->outside, "secret")));
    assert_int_equal(w_stat(f, FD_APP, "../outside/secret", 1, NULL, NULL), WASI_ENOTCAPABLE);
}

static void test_absolute_paths(void **state) {
    fx *f = *state;
    uint32_t fd;
    assert_int_equal(w_open(f, FD_APP, "/etc/passwd", 0, ALL_RIGHTS, 0, &fd), WASI_ENOTCAPABLE);
    assert_int_equal(w_open(f, FD_RO, "/", WASI_OFLAG_DIRECTORY, ALL_RIGHTS, 0, &fd),
                     WASI_ENOTCAPABLE);
    assert_int_equal(w_mkdir(f, FD_APP, "/tmp/x"), WASI_ENOTCAPABLE);
    assert_int_equal(w_stat(f, FD_APP, "/", 1, NULL, NULL), WASI_ENOTCAPABLE);
    assert_int_equal(w_rename(f, FD_APP, "a", FD_APP, "/tmp/a"), WASI_ENOTCAPABLE);
}

/* Symlinks a hostile earlier run (or operator content) left in /app. */
static void plant_links(fx *f) {
    char secret[PATH_MAX];
    snprintf(secret, sizeof secret, "%s/secret", f->outside);
    assert_int_equal(symlink("/", fx_path(f->app, "root")), 0);
    assert_int_equal(symlink("../..", fx_path(f->app, "up")), 0);
    assert_int_equal(symlink("../outside/secret", fx_path(f->app, "sec")), 0);
    assert_int_equal(symlink(secret, fx_path(f->app, "abs")), 0);
}

static void test_planted_symlinks_open(void **state) {
    fx *f = *state;
    uint32_t fd;
    plant_links(f);
    assert_int_equal(w_open(f, FD_APP, "root/etc/passwd", 0, ALL_RIGHTS, 0, &fd), WASI_ENOTCAPABLE);
    assert_int_equal(w_open(f, FD_APP, "root", WASI_OFLAG_DIRECTORY, ALL_RIGHTS, 0, &fd),
                     WASI_ENOTCAPABLE);
    assert_int_equal(w_open(f, FD_APP, "up/outside/secret", 0, ALL_RIGHTS, 0, &fd),
                     WASI_ENOTCAPABLE);
    assert_int_equal(w_open(f, FD_APP, "sec", 0, ALL_RIGHTS, 0, &fd), WASI_ENOTCAPABLE);
    assert_int_equal(w_open(f, FD_APP, "abs", 0, ALL_RIGHTS, 0, &fd), WASI_ENOTCAPABLE);
    /* O_CREAT through a symlink pointing out must not create anything */
    assert_int_equal(w_open(f, FD_APP, "up/outside/planted", WASI_OFLAG_CREAT, ALL_RIGHTS, 0, &fd),
                     WASI_ENOTCAPABLE);
    assert_false(host_exists(fx_path(f->outside, "planted")));
    /* without FOLLOW the final symlink is not opened at all */
    uint32_t out = g_alloc(f, 4);
    assert_int_equal(Z_wasi_snapshot_preview1Z_path_open(&f->ctx, FD_APP, 0, g_str(f, "sec"), 3, 0,
                                                         ALL_RIGHTS, 0, 0, out),
                     WASI_ELOOP);
}

static void test_planted_symlinks_path_ops(void **state) {
    fx *f = *state;
    uint8_t type;
    plant_links(f);
    assert_int_equal(w_stat(f, FD_APP, "root", 1, NULL, NULL), WASI_ENOTCAPABLE);
    assert_int_equal(w_stat(f, FD_APP, "root", 0, &type, NULL), 0);
    assert_int_equal(type, WASI_FILETYPE_SYMBOLIC_LINK);
    assert_int_equal(w_stat(f, FD_APP, "up/", 0, NULL, NULL), WASI_ENOTCAPABLE);
    assert_int_equal(w_stat(f, FD_APP, "root/etc", 0, NULL, NULL), WASI_ENOTCAPABLE);
    assert_int_equal(w_mkdir(f, FD_APP, "root/tmp/evil"), WASI_ENOTCAPABLE);
    assert_int_equal(w_mkdir(f, FD_APP, "up/outside/evil"), WASI_ENOTCAPABLE);
    assert_false(host_exists(fx_path(f->outside, "evil")));
    assert_int_equal(w_unlink(f, FD_APP, "up/outside/secret"), WASI_ENOTCAPABLE);
    assert_true(host_exists(fx_path(f->outside, "secret")));
    fx_write_file(f->app, "mine", "data");
    assert_int_equal(w_rename(f, FD_APP, "mine", FD_APP, "up/outside/stolen"), WASI_ENOTCAPABLE);
    assert_int_equal(w_rename(f, FD_APP, "up/outside/secret", FD_APP, "got"), WASI_ENOTCAPABLE);
    assert_int_equal(w_link(f, FD_APP, "up/outside/secret", FD_APP, "hl"), WASI_ENOTCAPABLE);
    assert_int_equal(w_symlink(f, "x", FD_APP, "up/outside/sl"), WASI_ENOTCAPABLE);
    assert_false(host_exists(fx_path(f->outside, "sl")));
    assert_int_equal(w_rmdir(f, FD_APP, "up/outside"), WASI_ENOTCAPABLE);
    assert_true(host_exists(f->outside));
    /* set_times through the link (follow) must not touch the target */
    struct stat before, after;
    stat(fx_path(f->outside, "secret"), &before);
    assert_int_equal(Z_wasi_snapshot_preview1Z_path_filestat_set_times(
                         &f->ctx, FD_APP, WASI_LOOKUP_SYMLINK_FOLLOW, g_str(f, "sec"), 3, 0,
                         5000000000ull, WASI_FST_MTIM),
                     WASI_ENOTCAPABLE);
    stat(fx_path(f->outside, "secret"), &after);
    assert_int_equal(before.st_mtime, after.st_mtime);
    /* the link itself may be removed: that stays inside */
    assert_int_equal(w_unlink(f, FD_APP, "sec"), 0);
    assert_true(host_exists(fx_path(f->outside, "secret")));
}

static void test_readlink(void **state) {
    fx *f = *state;
    uint32_t buf = g_alloc(f, 64), used = g_alloc(f, 4);
    plant_links(f);
    assert_int_equal(
        Z_wasi_snapshot_preview1Z_path_readlink(&f->ctx, FD_APP, g_str(f, "up"), 2, buf, 64, used),
        0);
    assert_int_equal(g_ld32(f, used), 5);
    assert_memory_equal(f->mem.data + buf, "../..", 5);
    /* truncation to the buffer */
    assert_int_equal(
        Z_wasi_snapshot_preview1Z_path_readlink(&f->ctx, FD_APP, g_str(f, "up"), 2, buf, 2, used),
        0);
    assert_int_equal(g_ld32(f, used), 2);
    /* the buffer must be in bounds */
    assert_int_equal(Z_wasi_snapshot_preview1Z_path_readlink(&f->ctx, FD_APP, g_str(f, "up"), 2,
                                                             FX_MEM_SIZE - 4, 64, used),
                     WASI_EFAULT);
    /* through an escaping link */
    assert_int_equal(Z_wasi_snapshot_preview1Z_path_readlink(
                         &f->ctx, FD_APP, g_str(f, "root/etc/x"), 10, buf, 64, used),
                     WASI_ENOTCAPABLE);
}

/* ---- guest-created symlinks --------------------------------------- */

static void test_guest_symlinks(void **state) {
    fx *f = *state;
    uint32_t fd;
    char got[32];
    uint32_t n;
    assert_int_equal(w_symlink(f, "/", FD_APP, "r"), WASI_ENOTCAPABLE);
    assert_int_equal(w_symlink(f, "/etc/passwd", FD_APP, "p"), WASI_ENOTCAPABLE);
    assert_int_equal(w_symlink(f, "..", FD_APP, "u"), WASI_ENOTCAPABLE);
    assert_int_equal(w_symlink(f, "../../etc", FD_APP, "u"), WASI_ENOTCAPABLE);
    assert_false(host_exists(fx_path(f->app, "u")));
    fx_write_file(f->app, "target.txt", "pointed");
    assert_int_equal(w_mkdir(f, FD_APP, "d"), 0);
    /* a climbing target is refused even where it would stay inside */
    assert_int_equal(w_symlink(f, "../target.txt", FD_APP, "d/l"), WASI_ENOTCAPABLE);
    assert_false(host_exists(fx_path(f->app, "d/l")));
    assert_int_equal(w_symlink(f, "target.txt", FD_APP, "l2"), 0);
    assert_int_equal(w_symlink(f, "l2", FD_APP, "d/l"), 0 /* dangling (d/l2), but inside */);
    assert_int_equal(w_symlink(f, "../l2", FD_APP, "d/l3"), WASI_ENOTCAPABLE);
    assert_int_equal(w_symlink(f, "d/../target.txt", FD_APP, "l4"), WASI_ENOTCAPABLE);
    assert_int_equal(w_open(f, FD_APP, "l2", 0, ALL_RIGHTS, 0, &fd), 0);
    assert_int_equal(w_read(f, fd, got, sizeof got, &n), 0);
    assert_int_equal(n, 7);
    assert_memory_equal(got, "pointed", 7);
    assert_int_equal(w_symlink(f, "x", FD_APP, "l2"), WASI_EEXIST);
    assert_int_equal(w_symlink(f, "x", FD_RO, "l3"), WASI_EROFS);
}

/* Where a host process that follows links ends up from the guest-made link
 * at rel: inside the workspace, or nowhere (dangling, a loop). Fails the
 * test if the host's resolution leaves the workspace. */
static void assert_resolves_inside(fx *f, const char *rel) {
    char real_app[PATH_MAX], got[PATH_MAX];
    assert_non_null(realpath(f->app, real_app));
    if (realpath(fx_path(f->app, rel), got) == NULL) return; /* dangling or a loop */
    if (strncmp(got, real_app, strlen(real_app)) != 0)
        fail_msg("%s resolves to %s, outside %s", rel, got, real_app);
}

/* The audit's attack: a chain of "c -> ." links makes a lexically shallow
 * place deep, so "../.." from it would reach the host; and a folder renamed
 * to a shallower place would carry a "../" link out. Downward-only targets
 * leave a host reader that follows links inside the workspace, always. */
static void test_planted_links_for_host_readers(void **state) {
    fx *f = *state;
    fx_write_file(f->app, "target.txt", "café ☕ 日本");
    assert_int_equal(w_mkdir(f, FD_APP, "x"), 0);
    assert_int_equal(w_symlink(f, ".", FD_APP, "x/c"), 0);
    assert_int_equal(w_symlink(f, "../../../../../../etc/passwd", FD_APP, "x/c/c/c/c/c/c/l"),
                     WASI_ENOTCAPABLE);
    assert_int_equal(w_symlink(f, "c/c/../../../outside/secret", FD_APP, "x/l"), WASI_ENOTCAPABLE);
    assert_false(host_exists(fx_path(f->app, "x/l")));
    /* what is allowed stays inside wherever it is moved */
    assert_int_equal(w_mkdir(f, FD_APP, "a"), 0);
    assert_int_equal(w_mkdir(f, FD_APP, "a/b"), 0);
    assert_int_equal(w_symlink(f, "c/c/c", FD_APP, "x/deep"), 0);
    assert_int_equal(w_symlink(f, "t", FD_APP, "a/b/l"), 0);
    assert_int_equal(w_rename(f, FD_APP, "a/b", FD_APP, "b"), 0);
    assert_int_equal(w_rename(f, FD_APP, "x/c", FD_APP, "c"), 0); /* now c -> . at the top */
    const char *links[] = {"x/deep", "b/l", "c", "c/c/x/deep"};
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
        assert_resolves_inside(f, links[i]);
}

/* ---- last component and trailing slash rules --------------------- */

static void test_dot_components(void **state) {
    fx *f = *state;
    assert_int_equal(w_mkdir(f, FD_APP, "."), WASI_EEXIST);
    assert_int_equal(w_mkdir(f, FD_APP, ".."), WASI_ENOTCAPABLE);
    assert_int_equal(w_mkdir(f, FD_APP, "d"), 0);
    assert_int_equal(w_mkdir(f, FD_APP, "d/.."), WASI_EEXIST);
    assert_int_equal(w_rmdir(f, FD_APP, "."), WASI_EINVAL);
    assert_int_equal(w_rmdir(f, FD_APP, "d/.."), WASI_EINVAL);
    assert_int_equal(w_rmdir(f, FD_APP, ".."), WASI_ENOTCAPABLE);
    assert_int_equal(w_unlink(f, FD_APP, ".."), WASI_ENOTCAPABLE);
    assert_int_equal(w_unlink(f, FD_APP, "."), WASI_EISDIR);
    assert_int_equal(w_rename(f, FD_APP, "d", FD_APP, ".."), WASI_ENOTCAPABLE);
    assert_int_equal(w_rename(f, FD_APP, ".", FD_APP, "x"), WASI_EBUSY);
    assert_int_equal(w_symlink(f, "x", FD_APP, "."), WASI_EEXIST);
    assert_true(host_exists(fx_path(f->app, "d")));
    /* "." itself can be looked at */
    uint8_t type;
    assert_int_equal(w_stat(f, FD_APP, ".", 0, &type, NULL), 0);
    assert_int_equal(type, WASI_FILETYPE_DIRECTORY);
}

static void test_trailing_slash(void **state) {
    fx *f = *state;
    fx_write_file(f->app, "file", "x");
    assert_int_equal(w_mkdir(f, FD_APP, "nd/"), 0);
    assert_true(host_exists(fx_path(f->app, "nd")));
    assert_int_equal(w_unlink(f, FD_APP, "file/"), WASI_ENOTDIR);
    assert_int_equal(w_unlink(f, FD_APP, "nd/"), WASI_EISDIR);
    assert_int_equal(w_rename(f, FD_APP, "file", FD_APP, "other/"), WASI_ENOTDIR);
    assert_int_equal(w_rename(f, FD_APP, "nd/", FD_APP, "nd2/"), 0);
    assert_int_equal(w_rmdir(f, FD_APP, "nd2/"), 0);
    assert_int_equal(w_symlink(f, "file", FD_APP, "sl/"), WASI_ENOENT);
    assert_true(host_exists(fx_path(f->app, "file")));
    /* a trailing slash through a link to a directory stays beneath */
    assert_int_equal(symlink("/tmp", fx_path(f->app, "tmp")), 0);
    assert_int_equal(w_unlink(f, FD_APP, "tmp/"), WASI_ENOTDIR);
    assert_int_equal(w_rmdir(f, FD_APP, "tmp/"), WASI_ENOTDIR);
    assert_true(host_exists("/tmp"));
}

/* ---- read-only and empty preopens --------------------------------- */

static void test_readonly_denies_writes(void **state) {
    fx *f = *state;
    uint32_t fd, n;
    char got[32];
    assert_int_equal(w_open(f, FD_RO, "new", WASI_OFLAG_CREAT, ALL_RIGHTS, 0, &fd), WASI_EROFS);
    assert_int_equal(w_open(f, FD_RO, "data.txt", WASI_OFLAG_TRUNC, ALL_RIGHTS, 0, &fd),
                     WASI_EROFS);
    assert_int_equal(w_mkdir(f, FD_RO, "d"), WASI_EROFS);
    assert_int_equal(w_rmdir(f, FD_RO, "sub"), WASI_EROFS);
    assert_int_equal(w_unlink(f, FD_RO, "data.txt"), WASI_EROFS);
    assert_int_equal(w_rename(f, FD_RO, "data.txt", FD_RO, "moved"), WASI_EROFS);
    assert_int_equal(w_rename(f, FD_RO, "data.txt", FD_APP, "moved"), WASI_EROFS);
    fx_write_file(f->app, "a.txt", "a");
    assert_int_equal(w_rename(f, FD_APP, "a.txt", FD_RO, "a.txt"), WASI_EROFS);
    assert_int_equal(w_link(f, FD_RO, "data.txt", FD_APP, "hl"), WASI_EROFS);
    assert_int_equal(w_link(f, FD_APP, "a.txt", FD_RO, "hl"), WASI_EROFS);
    assert_int_equal(w_symlink(f, "data.txt", FD_RO, "sl"), WASI_EROFS);
    assert_int_equal(Z_wasi_snapshot_preview1Z_path_filestat_set_times(
                         &f->ctx, FD_RO, 0, g_str(f, "data.txt"), 8, 0, 0, WASI_FST_MTIM_NOW),
                     WASI_EROFS);
    assert_int_equal(
        Z_wasi_snapshot_preview1Z_fd_filestat_set_times(&f->ctx, FD_RO, 0, 0, WASI_FST_MTIM_NOW),
        WASI_EROFS);
    /* opening for write (rights are masked) yields a fd that cannot write */
    assert_int_equal(w_open(f, FD_RO, "data.txt", 0, ALL_RIGHTS, 0, &fd), 0);
    assert_int_equal(w_write(f, fd, "evil", &n), WASI_EROFS);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_pwrite(&f->ctx, fd, g_iov(f, g_str(f, "e"), 1), 1,
                                                         0, g_alloc(f, 4)),
                     WASI_EROFS);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_filestat_set_size(&f->ctx, fd, 0), WASI_EROFS);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_allocate(&f->ctx, fd, 0, 100), WASI_EROFS);
    assert_int_equal(w_read(f, fd, got, sizeof got, &n), 0);
    assert_int_equal(n, 14);
    /* rights reported by fdstat carry no write rights */
    uint32_t st = g_alloc(f, WASI_FDSTAT_SIZE);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_fdstat_get(&f->ctx, FD_RO, st), 0);
    assert_int_equal(g_ld64(f, st + 8) & WASI_RIGHTS_WRITE, 0);
    assert_int_equal(g_ld64(f, st + 16) & WASI_RIGHTS_WRITE, 0);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_fdstat_get(&f->ctx, fd, st), 0);
    assert_int_equal(g_ld64(f, st + 8) & WASI_RIGHTS_WRITE, 0);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_fdstat_get(&f->ctx, FD_APP, st), 0);
    assert_true(g_ld64(f, st + 8) & WASI_RIGHT_PATH_CREATE_FILE);
    /* content untouched */
    FILE *fp = fopen(fx_path(f->ro, "data.txt"), "r");
    assert_non_null(fgets(got, sizeof got, fp));
    fclose(fp);
    assert_string_equal(got, "read only data");
}

static void test_empty_preopen(void **state) {
    fx *f = *state;
    uint32_t fd, pre = g_alloc(f, 8), name = g_alloc(f, 16);
    uint8_t type;
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_prestat_get(&f->ctx, FD_EMPTY, pre), 0);
    assert_int_equal(g_ld32(f, pre + 4), 6);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_prestat_dir_name(&f->ctx, FD_EMPTY, name, 6), 0);
    assert_memory_equal(f->mem.data + name, "/empty", 6);
    assert_int_equal(w_open(f, FD_EMPTY, ".", WASI_OFLAG_DIRECTORY, ALL_RIGHTS, 0, &fd), 0);
    assert_int_equal(w_open(f, FD_EMPTY, "x", 0, ALL_RIGHTS, 0, NULL), WASI_ENOENT);
    assert_int_equal(w_open(f, FD_EMPTY, "..", 0, ALL_RIGHTS, 0, NULL), WASI_ENOENT);
    assert_int_equal(w_open(f, FD_EMPTY, "x", WASI_OFLAG_CREAT, ALL_RIGHTS, 0, NULL), WASI_EROFS);
    assert_int_equal(w_mkdir(f, FD_EMPTY, "d"), WASI_EROFS);
    assert_int_equal(w_stat(f, FD_EMPTY, ".", 0, &type, NULL), 0);
    assert_int_equal(type, WASI_FILETYPE_DIRECTORY);
    assert_int_equal(w_stat(f, FD_EMPTY, "x", 0, &type, NULL), WASI_ENOENT);
    uint32_t used = g_alloc(f, 4), buf = g_alloc(f, 256);
    assert_int_equal(Z_wasi_snapshot_preview1Z_fd_readdir(&f->ctx, fd, buf, 256, 0, used), 0);
    assert_int_equal(g_ld32(f, used), 0);
}

static void test_not_a_directory(void **state) {
    fx *f = *state;
    uint32_t fd;
    fx_write_file(f->app, "plain", "p");
    assert_int_equal(w_open(f, FD_APP, "plain", 0, ALL_RIGHTS, 0, &fd), 0);
    assert_int_equal(w_open(f, fd, "x", 0, ALL_RIGHTS, 0, NULL), WASI_ENOTDIR);
    assert_int_equal(w_mkdir(f, fd, "x"), WASI_ENOTDIR);
    assert_int_equal(w_open(f, 1, "x", 0, ALL_RIGHTS, 0, NULL), WASI_ENOTDIR);
    assert_int_equal(w_open(f, 99, "x", 0, ALL_RIGHTS, 0, NULL), WASI_EBADF);
    assert_int_equal(w_open(f, 0xffffffffu, "x", 0, ALL_RIGHTS, 0, NULL), WASI_EBADF);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_path_read_validation, fx_setup, fx_teardown),
        cmocka_unit_test(test_symlink_policy),
        cmocka_unit_test(test_is_self),
        cmocka_unit_test_setup_teardown(test_dotdot_escapes, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_absolute_paths, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_planted_symlinks_open, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_planted_symlinks_path_ops, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_readlink, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_guest_symlinks, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_planted_links_for_host_readers, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_dot_components, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_trailing_slash, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_readonly_denies_writes, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_empty_preopen, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_not_a_directory, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
