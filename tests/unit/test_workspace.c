/*
 * test_workspace.c - the host's own walks over guest-controlled folders.
 *
 * A guest can leave anything in its workspace: symlinks to host folders,
 * deep trees, odd names. Scanning must not follow links out, diffing must
 * name exactly what changed, and removing a throw-away workspace must never
 * delete anything outside it.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_deep_tree.h"

#include "sandbox/workspace.h"

#define SCAN_MAX 1000

typedef struct fixture {
    char ws[256];      /* the workspace */
    char outside[256]; /* a host folder the guest must never reach */
    int locks[2];      /* their flocks (ws_make_temp) */
} fixture;

/* Write text to dir/name. */
static void put(const char *dir, const char *name, const char *text) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Make dir again after a test removed it, and hold its flock as
 * ws_make_temp did: a folder named like a temporary workspace with no
 * lock is a stale one, which a one-shot run in any other process sweeps
 * away (ws_sweep_stale_temps), even in the middle of this test. */
static void remake_locked(const char *dir, int *lock) {
    assert_int_equal(mkdir(dir, 0700), 0);
    close(*lock);
    *lock = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    assert_true(*lock >= 0);
    assert_int_equal(flock(*lock, LOCK_EX), 0);
}

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL || ws_make_temp(f->ws, sizeof f->ws, &f->locks[0]) != 0 ||
        ws_make_temp(f->outside, sizeof f->outside, &f->locks[1]) != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    ws_remove_tree(f->ws);
    ws_remove_tree(f->outside);
    close(f->locks[0]);
    close(f->locks[1]);
    free(f);
    return 0;
}

/* Is path in the listing? */
static int listed(const ws_listing *l, const char *path) {
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->items[i].path, path) == 0) return 1;
    return 0;
}

/* Symlinks are listed as entries, never followed. */
static void test_scan_does_not_follow_links(void **state) {
    fixture *f = *state;
    put(f->outside, "secret.txt", "secret");
    char sub[512], link[512];
    snprintf(sub, sizeof sub, "%s/dir", f->ws);
    assert_int_equal(mkdir(sub, 0755), 0);
    put(sub, "a.txt", "a");
    snprintf(link, sizeof link, "%s/escape", f->ws);
    assert_int_equal(symlink(f->outside, link), 0);
    ws_listing l;
    assert_int_equal(ws_scan(f->ws, SCAN_MAX, &l), 0);
    assert_true(listed(&l, "dir/a.txt"));
    assert_true(listed(&l, "escape"));
    assert_false(listed(&l, "escape/secret.txt"));
    assert_int_equal(l.count, 2);
    ws_listing_free(&l);
}

/* A scan stops at max_entries and says it is incomplete. */
static void test_scan_is_bounded(void **state) {
    fixture *f = *state;
    for (int i = 0; i < 10; i++) {
        char name[32];
        snprintf(name, sizeof name, "f%d", i);
        put(f->ws, name, "x");
    }
    ws_listing l;
    assert_int_equal(ws_scan(f->ws, 4, &l), 0);
    assert_int_equal(l.count, 4);
    assert_true(l.incomplete);
    ws_listing_free(&l);
}

/* New files are "created", changed ones "modified", untouched ones neither. */
static void test_diff(void **state) {
    fixture *f = *state;
    put(f->ws, "keep.txt", "same");
    put(f->ws, "edit.txt", "old");
    ws_listing before, after;
    assert_int_equal(ws_scan(f->ws, SCAN_MAX, &before), 0);
    put(f->ws, "edit.txt", "new and longer");
    put(f->ws, "new.txt", "n");
    assert_int_equal(ws_scan(f->ws, SCAN_MAX, &after), 0);
    char **created, **modified;
    size_t nc, nm;
    assert_int_equal(ws_diff(&before, &after, &created, &nc, &modified, &nm), 0);
    assert_int_equal(nc, 1);
    assert_string_equal(created[0], "new.txt");
    assert_int_equal(nm, 1);
    assert_string_equal(modified[0], "edit.txt");
    for (size_t i = 0; i < nc; i++)
        free(created[i]);
    for (size_t i = 0; i < nm; i++)
        free(modified[i]);
    free(created);
    free(modified);
    ws_listing_free(&before);
    ws_listing_free(&after);
}

/* Removing a workspace full of links to the outside leaves the outside whole. */
static void test_remove_keeps_outside(void **state) {
    fixture *f = *state;
    put(f->outside, "keep.txt", "keep");
    char link[1024], nested[512], path[512];
    snprintf(link, sizeof link, "%s/to-outside", f->ws);
    assert_int_equal(symlink(f->outside, link), 0);
    snprintf(nested, sizeof nested, "%s/a/b/c", f->ws);
    snprintf(path, sizeof path, "%s/a", f->ws);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/a/b", f->ws);
    assert_int_equal(mkdir(path, 0755), 0);
    assert_int_equal(mkdir(nested, 0755), 0);
    put(nested, "deep.txt", "d");
    snprintf(link, sizeof link, "%s/file-link", nested);
    snprintf(path, sizeof path, "%s/keep.txt", f->outside);
    assert_int_equal(symlink(path, link), 0);
    assert_int_equal(ws_remove_tree(f->ws), 0);
    struct stat st;
    assert_int_equal(stat(f->ws, &st), -1);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 4);
    remake_locked(f->ws, &f->locks[0]); /* for teardown */
}

/* Build a chain of `levels` nested folders "d/d/..." under dir, with a
 * file at the bottom; path receives the deepest folder. */
static void nest(const char *dir, int levels, char *path, size_t len) {
    snprintf(path, len, "%s", dir);
    for (int i = 0; i < levels; i++) {
        strncat(path, "/d", len - strlen(path) - 1);
        assert_int_equal(mkdir(path, 0755), 0);
    }
    put(path, "bottom.txt", "b");
}

/* Folders are walked 64 levels deep; a deeper tree leaves the listing
 * marked incomplete instead of failing or recursing further. */
static void test_scan_depth_bound(void **state) {
    fixture *f = *state;
    char path[1024];
    ws_listing l;
    nest(f->ws, 64, path, sizeof path);
    assert_int_equal(ws_scan(f->ws, SCAN_MAX, &l), 0);
    assert_int_equal(l.incomplete, 0);
    assert_int_equal(l.count, 1);
    ws_listing_free(&l);
    strncat(path, "/d", sizeof path - strlen(path) - 1);
    assert_int_equal(mkdir(path, 0755), 0);
    put(path, "deeper.txt", "x");
    assert_int_equal(ws_scan(f->ws, SCAN_MAX, &l), 0);
    assert_int_equal(l.incomplete, 1);
    assert_int_equal(l.count, 1);
    ws_listing_free(&l);
}

/* Removal goes to any depth: 70 levels (deeper than the listing's bound)
 * and 2,000 levels with 12-byte names (a 26,000-byte path, far beyond
 * PATH_MAX) both go entirely, and so does a folder emptied in place. */
static void test_remove_deep_trees(void **state) {
    fixture *f = *state;
    struct stat st;
    deep_chain(f->ws, 70, "d", 1 << 20);
    assert_int_equal(ws_remove_tree(f->ws), 0);
    assert_int_equal(stat(f->ws, &st), -1);
    remake_locked(f->ws, &f->locks[0]);
    deep_chain(f->ws, 2000, "café☕日本", 4096);
    assert_int_equal(ws_remove_tree(f->ws), 0);
    assert_int_equal(stat(f->ws, &st), -1);
    remake_locked(f->ws, &f->locks[0]); /* for teardown */
    deep_chain(f->outside, 2000, "d", 1);
    int fd = open(f->outside, O_RDONLY | O_DIRECTORY);
    assert_int_equal(ws_empty_dir(fd), 0);
    assert_int_equal(rmdir(f->outside), 0); /* it was empty */
    remake_locked(f->outside, &f->locks[1]);
}

/* A removal that cannot finish says so (-1 with errno), never 0, and
 * still removes what it can. */
/* Make dir/name impossible to delete (on) or deletable again (off): the
 * immutable flag as root (where folder modes do not stop unlink), else a
 * read-only folder. False when this file system cannot. */
static bool stuck(const char *dir, const char *name, bool on) {
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (geteuid() != 0) return chmod(dir, on ? 0500 : 0700) == 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC), flags = 0;
    bool done = fd >= 0 && ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
    flags = on ? flags | FS_IMMUTABLE_FL : flags & ~FS_IMMUTABLE_FL;
    done = done && ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
    if (fd >= 0) close(fd);
    return done;
}

static void test_remove_failure_is_an_error(void **state) {
    fixture *f = *state;
    struct stat st;
    errno = 0;
    assert_int_equal(ws_remove_tree("/nonexistent-lsb-test-folder"), -1);
    assert_int_equal(errno, ENOENT);
    char locked[512], inner[600];
    snprintf(locked, sizeof locked, "%s/locked", f->ws);
    assert_int_equal(mkdir(locked, 0700), 0);
    put(locked, "stuck.txt", "s");
    put(f->ws, "free.txt", "f");
    if (!stuck(locked, "stuck.txt", true)) skip();
    assert_int_equal(ws_remove_tree(f->ws), -1);
    assert_true(errno == EACCES || errno == EPERM);
    snprintf(inner, sizeof inner, "%s/free.txt", f->ws);
    assert_int_equal(stat(inner, &st), -1); /* the rest went */
    snprintf(inner, sizeof inner, "%s/stuck.txt", locked);
    assert_int_equal(stat(inner, &st), 0);
    assert_true(stuck(locked, "stuck.txt", false));
}

/* ws_empty_dir keeps the folder itself and removes links, not targets. */
static void test_empty_dir(void **state) {
    fixture *f = *state;
    char path[1024];
    struct stat st;
    put(f->outside, "keep.txt", "keep");
    snprintf(path, sizeof path, "%s/to-outside", f->ws);
    assert_int_equal(symlink(f->outside, path), 0);
    nest(f->ws, 3, path, sizeof path);
    int fd = open(f->ws, O_RDONLY | O_DIRECTORY);
    assert_true(fd >= 0);
    assert_int_equal(ws_empty_dir(fd), 0);
    assert_int_equal(stat(f->ws, &st), 0);
    assert_int_equal(stat(path, &st), -1);
    snprintf(path, sizeof path, "%s/keep.txt", f->outside);
    assert_int_equal(stat(path, &st), 0);
}

/* A workspace's lock file is its hidden sibling; every spelling of the
 * folder (here through a symlink) finds the same lock, and the guest's
 * folder itself holds nothing of it. */
static void test_lock_next_to_workspace(void **state) {
    fixture *f = *state;
    char err[256], lockfile[600], link[600], ws[300];
    snprintf(ws, sizeof ws, "%s/espace-é", f->outside);
    assert_int_equal(mkdir(ws, 0700), 0);
    util_lock a, b;
    assert_int_equal(ws_lock(ws, &a, 0, NULL, NULL, err, sizeof err), 0);
    snprintf(lockfile, sizeof lockfile, "%s/.espace-é.lock", f->outside);
    struct stat st;
    assert_int_equal(stat(lockfile, &st), 0);
    snprintf(link, sizeof link, "%s/other-name", f->ws);
    assert_int_equal(symlink(ws, link), 0);
    assert_int_equal(ws_lock(link, &b, 0, NULL, NULL, err, sizeof err), -1);
    assert_int_equal(errno, EWOULDBLOCK);
    assert_non_null(strstr(err, "is busy with another run"));
    strcat(link, "/"); /* a trailing slash is the same folder */
    assert_int_equal(ws_lock(link, &b, 0, NULL, NULL, err, sizeof err), -1);
    util_lock_release(&a, true);
    assert_int_equal(ws_lock(link, &b, 0, NULL, NULL, err, sizeof err), 0);
    assert_int_equal(b.gen, 1);
    util_lock_release(&b, false);
    ws_listing l;
    assert_int_equal(ws_scan(ws, SCAN_MAX, &l), 0);
    assert_int_equal(l.count, 0);
    ws_listing_free(&l);
}

/* The sweep (which the first ws_make_temp of a process runs) removes the
 * temporary workspaces a killed process left (no flock on them), and
 * keeps those a live one holds. */
static void test_sweep_stale_temps(void **state) {
    fixture *f = *state;
    char stale[512], held[512];
    snprintf(stale, sizeof stale, "%s/lsb-run-stale1", f->outside);
    snprintf(held, sizeof held, "%s/lsb-run-held01", f->outside);
    assert_int_equal(mkdir(stale, 0700), 0);
    assert_int_equal(mkdir(held, 0700), 0);
    put(stale, "café ☕ 日本.txt", "left by a kill -9");
    int hold = open(held, O_RDONLY | O_DIRECTORY);
    assert_true(hold >= 0);
    assert_int_equal(flock(hold, LOCK_EX), 0);
    ws_sweep_stale_temps(f->outside);
    struct stat st;
    assert_int_equal(stat(stale, &st), -1);
    assert_int_equal(stat(held, &st), 0);
    close(hold);
}

/* A temporary workspace is made even while another process sweeps the
 * same folder without pause: a sweep that removes the new folder between
 * mkdtemp and its flock (it looks stale then) costs a retry, never an
 * error ("cannot create a temporary workspace"). */
static void test_make_temp_beside_a_sweep(void **state) {
    fixture *f = *state;
    const char *old = getenv("TMPDIR");
    char saved[512] = "";
    if (old != NULL) snprintf(saved, sizeof saved, "%s", old);
    pid_t sweeper = fork();
    assert_true(sweeper >= 0);
    if (sweeper == 0)
        for (;;)
            ws_sweep_stale_temps(f->outside);
    assert_int_equal(setenv("TMPDIR", f->outside, 1), 0);
    int failures = 0;
    for (int i = 0; i < 3000; i++) {
        char path[512];
        int lock;
        if (ws_make_temp(path, sizeof path, &lock) != 0) {
            failures++;
            continue;
        }
        assert_int_equal(ws_remove_tree(path), 0);
        close(lock);
    }
    kill(sweeper, SIGKILL);
    waitpid(sweeper, NULL, 0);
    if (old != NULL)
        setenv("TMPDIR", saved, 1);
    else
        unsetenv("TMPDIR");
    assert_int_equal(failures, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_scan_does_not_follow_links, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan_is_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_diff, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_keeps_outside, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan_depth_bound, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_deep_trees, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_failure_is_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lock_next_to_workspace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_dir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sweep_stale_temps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_make_temp_beside_a_sweep, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
