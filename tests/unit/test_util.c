/*
 * test_util.c - the small shared helpers of src/util: the clocks and timed
 * waits, mkdir -p and its messages, the close-all-but loop of forked
 * children and their /dev/null stdio, the error helper, and the tree walker's contract (what a
 * visitor sees, entering, stopping, aborting, the depth bound, trees far
 * deeper than PATH_MAX and folders moved mid-walk), the cross-process
 * lock, and the JSON values every document is built from.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_deep_tree.h"

#include "llmsandbox.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/lock.h"
#include "util/walk.h"

/* A fresh temporary folder for one test. */
static int setup(void **state) {
    char *dir = malloc(64);
    if (dir == NULL) return -1;
    snprintf(dir, 64, "/tmp/util-test-XXXXXX");
    if (mkdtemp(dir) == NULL) return -1;
    *state = dir;
    return 0;
}

/* nftw callback: remove one path (children first). */
static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb, (void)flag, (void)ftw;
    return remove(p);
}

/* Remove the test folder. */
static int teardown(void **state) {
    int rc = nftw(*state, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(*state);
    return rc;
}

/* Write an empty file dir/name. */
static void touch(const char *dir, const char *name) {
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    close(fd);
}

/* The monotonic clock moves forward; a timed wait times out on it. */
static void test_clock_and_wait(void **state) {
    (void)state;
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t cond;
    assert_int_equal(util_cond_init_monotonic(&cond), 0);
    double t0 = util_now_ms();
    pthread_mutex_lock(&lock);
    int rc;
    do
        rc = util_cond_wait_ms(&cond, &lock, 30);
    while (rc == 0);
    pthread_mutex_unlock(&lock);
    double waited = util_now_ms() - t0;
    assert_int_equal(rc, ETIMEDOUT);
    assert_true(waited >= 29.0);
    assert_true(waited < 5000.0);
    assert_true(util_unix_time() > 1.6e9); /* a Unix timestamp, not an uptime */
    pthread_cond_destroy(&cond);
}

/* util_errf tolerates a NULL buffer, truncates, and returns -1. */
static void test_errf(void **state) {
    (void)state;
    char err[8];
    assert_int_equal(util_errf(NULL, 0, "x %d", 1), -1);
    assert_int_equal(util_errf(err, sizeof err, "value %d too big", 12345), -1);
    assert_string_equal(err, "value 1");
}

/* mkdir -p creates parents, accepts what exists, and names the folder
 * that could not be made. */
static void test_mkdir_p(void **state) {
    const char *dir = *state;
    char path[PATH_MAX], err[PATH_MAX + 64];
    struct stat st;
    snprintf(path, sizeof path, "%s/a/b/c", dir);
    assert_int_equal(util_mkdir_p(path, 0700, err, sizeof err), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(util_mkdir_p(path, 0700, err, sizeof err), 0);
    touch(dir, "file");
    snprintf(path, sizeof path, "%s/file/sub", dir);
    assert_int_equal(util_mkdir_p(path, 0700, err, sizeof err), -1);
    assert_int_equal(errno, ENOTDIR);
    char want[PATH_MAX + 64];
    snprintf(want, sizeof want, "cannot create %s/file/sub: %s", dir, strerror(ENOTDIR));
    assert_string_equal(err, want);
    assert_int_equal(util_mkdir_p("", 0700, NULL, 0), -1);
}

/* A child keeps 0-2 and the one descriptor it was told to keep. */
static void test_close_fds_except(void **state) {
    (void)state;
    int a = open("/dev/null", O_RDONLY), b = open("/dev/null", O_RDONLY);
    int c = open("/dev/null", O_RDONLY);
    assert_true(a >= 3 && b > a && c > b);
    pid_t pid = fork();
    if (pid == 0) {
        util_close_fds_except(b);
        int ok = fcntl(a, F_GETFD) < 0 && fcntl(c, F_GETFD) < 0 && fcntl(b, F_GETFD) >= 0 &&
                 fcntl(2, F_GETFD) >= 0;
        _exit(ok ? 0 : 1);
    }
    int status = -1;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(a);
    close(b);
    close(c);
}

/* Whether fd is open on /dev/null for reading and writing. */
static bool is_dev_null_rw(int fd) {
    struct stat st, null_st;
    int fl = fcntl(fd, F_GETFL);
    return fstat(fd, &st) == 0 && stat("/dev/null", &null_st) == 0 && S_ISCHR(st.st_mode) &&
           st.st_rdev == null_st.st_rdev && fl >= 0 && (fl & O_ACCMODE) == O_RDWR;
}

/* A forked child's 0-2 become /dev/null (2 only when asked); a kept
 * descriptor sitting at 0-2 moves above them and stays usable. */
static void test_detach_stdio(void **state) {
    (void)state;
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    if (pid == 0) {
        if (dup2(p[1], 1) != 1 || dup2(p[1], 0) != 0) _exit(9);
        int keep = util_detach_stdio(0, true); /* the pipe's write end sat at 0 */
        bool ok = keep > 2 && is_dev_null_rw(0) && is_dev_null_rw(1) && !is_dev_null_rw(2);
        ok = ok && write(keep, "café ☕", strlen("café ☕")) == (ssize_t)strlen("café ☕");
        ok = ok && util_detach_stdio(keep, false) == keep && is_dev_null_rw(2);
        ok = ok && write(1, "lost", 4) == 4; /* into /dev/null, not the pipe */
        close(p[1]);
        close(keep);
        _exit(ok ? 0 : 1);
    }
    close(p[1]);
    char buf[64] = "";
    ssize_t n = read(p[0], buf, sizeof buf - 1), m = read(p[0], buf + (n > 0 ? n : 0), 8);
    int status = -1;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(n, (ssize_t)strlen("café ☕"));
    assert_int_equal(m, 0);
    assert_string_equal(buf, "café ☕");
    close(p[0]);
}

/* What a visitor saw, in order, as "E:path" / "L:path" / "N:path" lines. */
typedef struct seen {
    char log[4096];
    int enter_all, stop_at, abort_at, count;
} seen;

/* Visitor recording every event; enters folders when asked to. */
static int record(void *ctx, const util_walk_entry *e) {
    seen *s = ctx;
    char kind = e->event == UTIL_WALK_ENTRY ? 'E' : e->event == UTIL_WALK_LEAVE ? 'L' : 'N';
    size_t n = strlen(s->log);
    snprintf(s->log + n, sizeof s->log - n, "%c:%s:%d\n", kind, e->path ? e->path : "-", e->depth);
    s->count++;
    if (s->count == s->abort_at) return -7;
    if (s->count == s->stop_at) return UTIL_WALK_STOP;
    if (e->event == UTIL_WALK_ENTRY && e->st && S_ISDIR(e->st->st_mode) && s->enter_all)
        return UTIL_WALK_ENTER;
    return UTIL_WALK_NEXT;
}

/* Builds dir/x (a folder holding f) and nothing else. */
static int small_tree(const char *dir) {
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/x", dir);
    assert_int_equal(mkdir(path, 0755), 0);
    touch(path, "f");
    return open(dir, O_RDONLY | O_DIRECTORY);
}

/* Entries come with prefixed paths; entered folders end with LEAVE. */
static void test_walk_events(void **state) {
    seen s = {.enter_all = 1};
    assert_int_equal(util_walk(small_tree(*state), "app", 8, true, record, &s), 0);
    assert_string_equal(s.log, "E:app/x:0\nE:app/x/f:1\nL:app/x:0\n");
    seen t = {0};
    assert_int_equal(util_walk(open(*state, O_RDONLY | O_DIRECTORY), "", 8, false, record, &t), 0);
    assert_string_equal(t.log, "E:-:0\n"); /* not entered; no paths asked for */
}

/* STOP ends the walk with 0; a negative answer aborts with that value. */
static void test_walk_stop_abort(void **state) {
    seen s = {.enter_all = 1, .stop_at = 2};
    assert_int_equal(util_walk(small_tree(*state), "", 8, true, record, &s), 0);
    assert_string_equal(s.log, "E:x:0\nE:x/f:1\n");
    seen t = {.enter_all = 1, .abort_at = 2};
    assert_int_equal(util_walk(open(*state, O_RDONLY | O_DIRECTORY), "", 8, true, record, &t), -7);
}

/* A folder at max_depth is shown as NO_ENTER instead of being walked. */
static void test_walk_depth(void **state) {
    seen s = {.enter_all = 1};
    assert_int_equal(util_walk(small_tree(*state), "", 0, true, record, &s), 0);
    assert_string_equal(s.log, "E:x:0\nN:x:0\n");
}

/* The number of open descriptors of this process. */
static int open_fds(void) {
    int n = 0;
    for (int fd = 0; fd < 65536; fd++)
        if (fcntl(fd, F_GETFD) >= 0) n++;
    return n;
}

/* What the deep-walk visitor found. */
typedef struct deep_seen {
    int max_depth, files, leaves, fds_at_bottom;
    size_t bottom_path_len;
    bool removed_all;
} deep_seen;

/* Visitor that enters everything, notes the bottom, and removes each
 * entry on the way back up (as a tree removal would). */
static int deep_visit(void *ctx, const util_walk_entry *e) {
    deep_seen *s = ctx;
    if (e->event == UTIL_WALK_NO_ENTER) {
        s->removed_all = false;
        return UTIL_WALK_NEXT;
    }
    if (e->depth > s->max_depth) s->max_depth = e->depth;
    if (e->event == UTIL_WALK_LEAVE) {
        s->leaves++;
        if (unlinkat(e->dirfd, e->name, AT_REMOVEDIR) != 0) s->removed_all = false;
        return UTIL_WALK_NEXT;
    }
    if (S_ISDIR(e->st->st_mode)) return UTIL_WALK_ENTER;
    s->files++;
    s->bottom_path_len = e->path ? strlen(e->path) : 0;
    s->fds_at_bottom = open_fds();
    if (unlinkat(e->dirfd, e->name, 0) != 0) s->removed_all = false;
    return UTIL_WALK_NEXT;
}

/* 2,000 nested folders with 10-byte names (a 22,000-byte path, five
 * times PATH_MAX): the walk reaches the bottom with its full path, keeps
 * few descriptors open, climbs back through every folder and leaves the
 * tree removable from the visitor. */
static void test_walk_deep_tree(void **state) {
    const char *name = "dddddddddd";
    deep_chain(*state, 2000, name, 0);
    deep_seen s = {.removed_all = true};
    int before = open_fds();
    int dir = open(*state, O_RDONLY | O_DIRECTORY);
    assert_int_equal(util_walk(dir, "app", INT_MAX, true, deep_visit, &s), 0);
    assert_int_equal(s.files, 1);
    assert_int_equal(s.max_depth, 2000);
    assert_int_equal(s.leaves, 2000);
    assert_int_equal(s.bottom_path_len,
                     strlen("app") + 2000 * (strlen(name) + 1) + strlen("/bottom.bin"));
    assert_true(s.bottom_path_len > 5 * PATH_MAX);
    assert_true(s.fds_at_bottom - before <= 40); /* a window, not one per level */
    assert_true(s.removed_all);
    assert_int_equal(open_fds(), before); /* every descriptor closed */
    assert_int_equal(rmdir(*state), 0);   /* nothing is left in it */
    assert_int_equal(mkdir(*state, 0700), 0);
}

/* A folder moved away while it is walked (below the open window) makes
 * the walk end with UTIL_WALK_LOST, never walk outside its tree. */
typedef struct mover {
    const char *top; /* the test folder */
    bool moved;
} mover;

/* Visitor that, at the bottom, moves the first chain folder out of the
 * tree (to top/../moved-XXX), then enters everything. */
static int move_visit(void *ctx, const util_walk_entry *e) {
    mover *m = ctx;
    if (e->event == UTIL_WALK_ENTRY && e->st && S_ISDIR(e->st->st_mode)) return UTIL_WALK_ENTER;
    if (e->event == UTIL_WALK_ENTRY && !m->moved) {
        char from[PATH_MAX], to[PATH_MAX];
        snprintf(from, sizeof from, "%s/d/d", m->top);
        snprintf(to, sizeof to, "%s/moved", m->top);
        assert_int_equal(rename(from, to), 0);
        m->moved = true;
    }
    return UTIL_WALK_NEXT;
}

static void test_walk_moved_folder(void **state) {
    deep_chain(*state, 100, "d", 0);
    mover m = {.top = *state};
    int dir = open(*state, O_RDONLY | O_DIRECTORY);
    assert_int_equal(util_walk(dir, "", INT_MAX, false, move_visit, &m), UTIL_WALK_LOST);
    assert_true(m.moved);
}

/* util_lock stop callback: *(const bool *)ctx. */
static bool stop_if(const void *ctx) { return *(const bool *)ctx; }

/* A lock file is created 0600 and keeps a generation; a second holder
 * (another open, as another process would) is refused at the deadline,
 * or when told to stop; a folder is locked as it is; a symlink is never
 * followed. */
static void test_lock_basics(void **state) {
    char path[PATH_MAX], link[PATH_MAX];
    snprintf(path, sizeof path, "%s/café ☕.lock", (char *)*state);
    util_lock a, b;
    assert_int_equal(util_lock_take(&a, path, util_now_ms(), NULL, NULL), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_true(a.has_gen);
    assert_int_equal(a.gen, 0);
    errno = 0;
    assert_int_equal(util_lock_take(&b, path, util_now_ms() + 50, NULL, NULL), -1);
    assert_int_equal(errno, EWOULDBLOCK);
    bool stop = true;
    assert_int_equal(util_lock_take(&b, path, util_now_ms() + 60000, stop_if, &stop), -1);
    assert_int_equal(errno, ECANCELED);
    util_lock_release(&a, true);
    assert_int_equal(a.fd, -1);
    assert_int_equal(a.gen, 1);
    assert_int_equal(util_lock_take(&b, path, util_now_ms(), NULL, NULL), 0);
    assert_int_equal(b.gen, 1);
    util_lock_release(&b, false);
    assert_int_equal(util_lock_take(&b, path, util_now_ms(), NULL, NULL), 0);
    assert_int_equal(b.gen, 1); /* not bumped */
    util_lock_release(&b, false);
    util_lock_release(&b, true); /* not held: nothing */
    assert_int_equal(util_lock_take(&a, *state, util_now_ms(), NULL, NULL), 0); /* a folder */
    assert_false(a.has_gen);
    assert_int_equal(util_lock_take(&b, *state, util_now_ms(), NULL, NULL), -1);
    util_lock_release(&a, true);
    snprintf(link, sizeof link, "%s/link.lock", (char *)*state);
    assert_int_equal(symlink(path, link), 0);
    assert_int_equal(util_lock_take(&a, link, util_now_ms(), NULL, NULL), -1);
    assert_int_equal(errno, ELOOP);
}

/* A waiter gets the lock once another process lets go, and when that
 * holder removed the file first, the waiter locks the new file of that
 * name, never the removed inode. */
static void test_lock_wait_and_removed(void **state) {
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/w.lock", (char *)*state);
    for (int removes = 0; removes < 2; removes++) {
        int ready[2];
        assert_int_equal(pipe(ready), 0);
        pid_t pid = fork();
        if (pid == 0) {
            util_lock l;
            if (util_lock_take(&l, path, util_now_ms(), NULL, NULL) != 0) _exit(1);
            if (write(ready[1], "x", 1) != 1) _exit(1);
            usleep(200000);
            if (removes) unlink(path);
            _exit(0); /* the kernel drops the lock */
        }
        char c;
        assert_int_equal(read(ready[0], &c, 1), 1);
        close(ready[0]);
        close(ready[1]);
        util_lock l;
        double t0 = util_now_ms();
        assert_int_equal(util_lock_take(&l, path, t0 + 5000, NULL, NULL), 0);
        assert_true(util_now_ms() - t0 >= 150); /* it waited for the holder */
        struct stat held, named;
        assert_int_equal(fstat(l.fd, &held), 0);
        assert_int_equal(stat(path, &named), 0);
        assert_int_equal(held.st_ino, named.st_ino);
        util_lock_release(&l, true);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
}

/* Dump v (taken over) with the flags every document uses; the caller frees. */
static char *dump(json_t *v) {
    assert_non_null(v);
    char *text = json_dumps(v, UTIL_JSON_FLAGS | JSON_ENCODE_ANY);
    json_decref(v);
    assert_non_null(text);
    return text;
}

/* Assert that v dumps as want. */
static void assert_dumps(json_t *v, const char *want) {
    char *text = dump(v);
    assert_string_equal(text, want);
    free(text);
}

/* Fixed-point numbers print the decimal printf rounds to, without trailing
 * zeros; whole numbers as integers; non-finite values as null. */
static void test_json_numbers(void **state) {
    (void)state;
    assert_dumps(util_json_fixed(12.0, 3), "12");
    assert_dumps(util_json_fixed(-0.0001, 3), "0");
    assert_dumps(util_json_fixed(1.5, 3), "1.5");
    assert_dumps(util_json_fixed(1796496255.1974, 3), "1796496255.197");
    assert_dumps(util_json_fixed(99.999, 2), "100");
    assert_dumps(util_json_fixed(1.0 / 0.0, 3), "null");
    assert_dumps(util_json_uint(UINT64_C(5000000000)), "5000000000");
    assert_dumps(util_json_uint(UINT64_MAX), "1.84467440737096e19");
}

/* Text keeps valid UTF-8 as it is and repairs invalid bytes to U+FFFD;
 * NULL is null. */
static void test_json_text(void **state) {
    (void)state;
    assert_dumps(util_json_str("caf\xc3\xa9 \xe2\x9c\x93"), "\"caf\xc3\xa9 \xe2\x9c\x93\"");
    assert_dumps(util_json_text("a\xff"
                                "b",
                                3),
                 "\"a\xef\xbf\xbd"
                 "b\"");
    assert_dumps(util_json_text("a\0b", 3), "\"a\\u0000b\"");
    assert_dumps(util_json_str(NULL), "null");
}

/* A session's info object has its documented keys, in order, with times
 * to the millisecond and the stored limits. */
static void test_session_info_json(void **state) {
    (void)state;
    lsb_session_info info;
    memset(&info, 0, sizeof info);
    snprintf(info.id, sizeof info.id, "%s", "profile-\xc3\xa9");
    info.language = LSB_LANG_JAVASCRIPT;
    info.created_at = 1796496255.1974;
    info.last_used_at = 1796496300;
    info.execution_count = 3;
    info.live = true;
    info.workspace_bytes = 10;
    info.workspace_files = 2;
    lsb_policy_init(&info.policy);
    char *text = lsb_session_info_to_json(&info);
    assert_non_null(text);
    assert_string_equal(
        text, "{\"id\":\"profile-\xc3\xa9\",\"language\":\"javascript\",\"created_at\":"
              "1796496255.197,\"last_used_at\":1796496300,\"execution_count\":3,"
              "\"auto_persist_globals\":false,\"live\":true,\"workspace_bytes\":10,"
              "\"workspace_files\":2,\"limits\":{\"fuel\":5000000000,\"memory_bytes\":"
              "134217728,\"timeout_ms\":30000,\"stdout_max\":2000000,\"stderr_max\":1000000,"
              "\"quota_bytes\":104857600,\"quota_files\":10000}}");
    free(text);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clock_and_wait),
        cmocka_unit_test(test_errf),
        cmocka_unit_test_setup_teardown(test_mkdir_p, setup, teardown),
        cmocka_unit_test(test_close_fds_except),
        cmocka_unit_test(test_detach_stdio),
        cmocka_unit_test_setup_teardown(test_walk_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_walk_stop_abort, setup, teardown),
        cmocka_unit_test_setup_teardown(test_walk_depth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_walk_deep_tree, setup, teardown),
        cmocka_unit_test_setup_teardown(test_walk_moved_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lock_basics, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lock_wait_and_removed, setup, teardown),
        cmocka_unit_test(test_json_numbers),
        cmocka_unit_test(test_json_text),
        cmocka_unit_test(test_session_info_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
