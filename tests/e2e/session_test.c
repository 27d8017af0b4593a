/*
 * session_test.c - live sessions through the library API, against the real
 * guests (cmocka; usage: session_test ASSETS_DIR).
 *
 * Covers what the sessions issue promises: globals survive between runs,
 * a failing run (exception, fuel, timeout, memory, kill) leaves them as
 * they were, eviction and re-materialisation from the durable state,
 * corrupt and oversized state files, isolation between sessions, the file
 * operations' confinement and quota, the storage adapter (through an
 * in-memory one), destroy/reset/prune (also of a session whose record is
 * damaged) and the prune report, glob listings, writes that must not
 * overwrite, adoption of record-less folders, concurrency,
 * install_package, and the owner label of a record (lsb_session_set_owner,
 * also beside another process's runs).
 */
#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "llmsandbox.h"

#define ERR_MAX 512

static const char *assets;
static char root[256];

/* A sandbox whose sessions live under a fresh temporary root. */
static lsb_sandbox *open_sandbox(const lsb_sessions_config *extra) {
    lsb_sandbox *sb;
    char err[ERR_MAX] = "";
    static int n;
    snprintf(root, sizeof root, "/tmp/lsb-session-test-%d-%d", (int)getpid(), n++);
    lsb_sessions_config cfg = extra ? *extra : (lsb_sessions_config){0};
    cfg.root = root;
    if (lsb_sandbox_open(&sb, assets, err, sizeof err) != LSB_OK ||
        lsb_sandbox_configure_sessions(sb, &cfg, err, sizeof err) != LSB_OK)
        fail_msg("open: %s", err);
    return sb;
}

/* Close sb and remove its sessions root. */
static void close_sandbox(lsb_sandbox *sb) {
    char cmd[300];
    lsb_sandbox_close(sb);
    snprintf(cmd, sizeof cmd, "rm -rf %s", root);
    assert_int_equal(system(cmd), 0);
}

/* Create a session; fails the test on error. */
static void create(lsb_sandbox *sb, lsb_language lang, bool persist, char *id) {
    char err[ERR_MAX] = "";
    lsb_session_options o = {.language = lang, .auto_persist_globals = persist};
    if (lsb_session_create(sb, &o, id, err, sizeof err) != LSB_OK) fail_msg("create: %s", err);
}

/* Execute code in session id with an optional policy; fails on call errors. */
static lsb_result exec_p(lsb_sandbox *sb, const char *id, const char *code, const lsb_policy *p) {
    lsb_result r;
    char err[ERR_MAX] = "";
    if (lsb_session_execute(sb, id, code, strlen(code), NULL, p, &r, err, sizeof err) != LSB_OK)
        fail_msg("execute: %s", err);
    return r;
}

/* Execute and return stdout (malloc'd); asserts the run's success flag. */
static char *exec_out(lsb_sandbox *sb, const char *id, const char *code, bool want_success) {
    lsb_result r = exec_p(sb, id, code, NULL);
    if (r.success != want_success)
        fail_msg("success=%d for [%s]: %s", r.success, code, r.stderr_data);
    char *out = strdup(r.stdout_data);
    lsb_result_free(&r);
    return out;
}

/* Assert that code prints expected in session id. */
static void expect_out(lsb_sandbox *sb, const char *id, const char *code, const char *expected) {
    char *out = exec_out(sb, id, code, true);
    assert_string_equal(out, expected);
    free(out);
}

static void test_live_objects_persist(void **state) {
    (void)state;
    lsb_sandbox *sb = open_sandbox(NULL);
    char id[LSB_SESSION_ID_MAX + 1];
    create(sb, LSB_LANG_PYTHON, false, id);
    free(exec_out(sb, id,
                  "class C:\n    def __init__(self): self.n = 1\n"
                  "c = C()\ndef gen():\n    yield from range(3)\ng = gen()\n"
                  "f = open('/app/log.txt', 'w')\nnext(g)",
                  true));
    expect_out(sb, id, "f.write('x'); f.flush(); print(c.n, next(g), C.__name__)", "1 1 C\n");
    close_sandbox(sb);
}

/* A run that fails in each listed way leaves x == 1; a good run changes it. */
static void test_failures_roll_back(void **state) {
    (void)state;
    lsb_sandbox *sb = open_sandbox(NULL);
    char id[LSB_SESSION_ID_MAX + 1];
    create(sb, LSB_LANG_PYTHON, false, id);
    free(exec_out(sb, id, "x = 1", true));
    lsb_policy small;
    lsb_policy_init(&small);
    small.fuel = 20000000;
    small.timeout_ms = 1500;
    const char *bad[] = {"x = 2\nraise RuntimeError('no')", "x = 3\nwhile True: pass",
                         "x = 4\nimport time\ntime.sleep(10)", "x = 5\nb = bytearray(300 * 2**20)",
                         "x = 6\nimport sys\nsys.exit(2)"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        lsb_result r = exec_p(sb, id, bad[i], i == 1 || i == 2 ? &small : NULL);
        assert_false(r.success);
        assert_true(r.warnings_count >= 1);
        lsb_result_free(&r);
        expect_out(sb, id, "print(x)", "1\n");
    }
    free(exec_out(sb, id, "x = 7", true));
    expect_out(sb, id, "print(x)", "7\n");
    close_sandbox(sb);
}

static void test_evict_and_restore(void **state) {
    (void)state;
    lsb_sandbox *sb = open_sandbox(NULL);
    char id[LSB_SESSION_ID_MAX + 1], plain[LSB_SESSION_ID_MAX + 1], err[ERR_MAX];
    create(sb, LSB_LANG_PYTHON, true, id);
    create(sb, LSB_LANG_PYTHON, false, plain);
    lsb_result first = exec_p(sb, id,
                              "data = {'a': [1, 2]}\nt = (1, 2)\n_hidden = 3\nimport json\n"
                              "def f(): pass\nopen('/app/keep.txt', 'w').write('k')",
                              NULL);
    assert_true(first.success);
    assert_int_equal(first.files_created_count, 1); /* not our .lsb/state.json */
    assert_string_equal(first.files_created[0], "keep.txt");
    lsb_result_free(&first);
    free(exec_out(sb, plain, "y = 5\nopen('/app/keep.txt', 'w').write('p')", true));
    assert_int_equal(lsb_session_evict(sb, id, err, sizeof err), LSB_OK);
    assert_int_equal(lsb_session_evict(sb, plain, err, sizeof err), LSB_OK);
    expect_out(sb, id,
               "print(data, t, '_hidden' in globals(), 'f' in globals(), open('keep.txt').read())",
               "{'a': [1, 2]} [1, 2] False False k\n");
    expect_out(sb, plain, "print('y' in globals(), open('keep.txt').read())", "False p\n");
    close_sandbox(sb);
}

static void test_corrupt_state(void **state) {
    (void)state;
    lsb_sandbox *sb = open_sandbox(NULL);
    char id[LSB_SESSION_ID_MAX + 1], err[ERR_MAX];
    create(sb, LSB_LANG_PYTHON, true, id);
    free(exec_out(sb, id, "x = 1", true));
    const char *bad[] = {"{not json", "[1, 2]", "\xff\xfe"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(lsb_session_file_write(sb, id, "/app/.lsb/state.json", bad[i],
                                                strlen(bad[i]), err, sizeof err),
                         LSB_OK);
        assert_int_equal(lsb_session_evict(sb, id, err, sizeof err), LSB_OK);
        lsb_result r = exec_p(sb, id, "print('x' in globals())", NULL);
        assert_true(r.success);
        assert_string_equal(r.stdout_data, "False\n");
        assert_int_equal(r.warnings_count, 1);
        assert_non_null(strstr(r.warnings[0], "fresh state"));
        lsb_result_free(&r);
    }
    /* oversized: 11 MiB of valid JSON */
    size_t big_len = 11u << 20;
    char *big = malloc(big_len);
    memset(big, ' ', big_len);
    memcpy(big, "{\"s\": 1}", 8);
    assert_int_equal(
        lsb_session_file_write(sb, id, "/app/.lsb/state.json", big, big_len, err, sizeof err),
        LSB_OK);
    free(big);
    assert_int_equal(lsb_session_evict(sb, id, err, sizeof err), LSB_OK);
    lsb_result r = exec_p(sb, id, "print('s' in globals())", NULL);
    assert_string_equal(r.stdout_data, "False\n");
    assert_int_equal(r.warnings_count, 1);
    assert_non_null(strstr(r.warnings[0], "limit"));
    lsb_result_free(&r);
    close_sandbox(sb);
}

static void test_isolation(void **state) {
    (void)state;
    lsb_sandbox *sb = open_sandbox(NULL);
    char a[LSB_SESSION_ID_MAX + 1], b[LSB_SESSION_ID_MAX + 1];
    create(sb, LSB_LANG_PYTHON, true, a);
    create(sb, LSB_LANG_PYTHON, true, b);
    free(exec_out(sb, a, "secret = 'A'\nopen('/app/a.txt', 'w').write('A')", true));
    expect_out(sb, b, "import os\nprint('secret' in globals(), os.listdir('/app'))", "False []\n");
    lsb_result r = exec_p(sb, b, "open('/app/../a.txt')", NULL);
    assert_false(r.success);
    lsb_result_free(&r);
    close_sandbox(sb);
}

static void test_javascript_repl(void **state) {
    (void)state;
    lsb_sandbox *sb = open_sandbox(NULL);
    char id[LSB_SESSION_ID_MAX + 1], err[ERR_MAX];
    create(sb, LSB_LANG_JAVASCRIPT, true, id);
    free(exec_out(sb, id,
                  "let x = 1; const c = {a: [1, 2]}; function f() { return x + 1; }\n"
                  "class K { v() { return 7; } }",
                  true));
    expect_out(sb, id, "console.log(f(), c.a.length, new K().v())", "2 2 7\n");
    expect_out(sb, id, "let x = 10; console.log(f())", "11\n"); /* re-declared, as in a REPL */
    free(exec_out(sb, id, "x = 99; throw new Error('no')", false));
    expect_out(sb, id, "console.log(x)", "10\n"); /* the failed run rolled back */
    assert_int_equal(lsb_session_evict(sb, id, err, sizeof err), LSB_OK);
    expect_out(sb, id, "console.log(x, JSON.stringify(c), typeof f, typeof K)",
               "10 {\"a\":[1,2]} undefined undefined\n");
    close_sandbox(sb);
}

/* Each run sees exactly its own environment, whatever earlier runs did. */
static void test_environment_per_run(void **state) {
    (void)state;
    lsb_sandbox *sb = open_sandbox(NULL);
    char id[LSB_SESSION_ID_MAX + 1];
    create(sb, LSB_LANG_PYTHON, false, id);
    const char *env[] = {"A=1"};
    lsb_policy p;
    lsb_policy_init(&p);
    p.env = env;
    p.env_count = 1;
    lsb_result r =
        exec_p(sb, id, "import os\nprint(os.environ.get('A'))\nos.environ['B'] = '2'", &p);
    assert_string_equal(r.stdout_data, "1\n");
    lsb_result_free(&r);
    expect_out(sb, id, "print(os.environ.get('A'), os.environ.get('B'), sorted(os.environ))",
               "None None ['HOME', 'LANG', 'LC_ALL', 'PYTHONHASHSEED', 'PYTHONIOENCODING', "
               "'PYTHONUTF8']\n");
    r = exec_p(sb, id, "print(os.environ.get('A'))", &p);
    assert_string_equal(r.stdout_data, "1\n");
    lsb_result_free(&r);
    close_sandbox(sb);
}

static void test_ids(void **state) {
    (void)state;
    lsb_sandbox *sb = open_sandbox(NULL);
    char id[LSB_SESSION_ID_MAX + 1], err[ERR_MAX], long_id[200];
    memset(long_id, 'a', 129);
    long_id[129] = '\0';
    const char *bad[] = {"", "..", ".", "a/b", "a b", "x.y", "../etc", long_id, "é"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        lsb_session_options o = {
            .language = LSB_LANG_PYTHON, .id = bad[i], .allow_custom_id = true};
        err[0] = '\0';
        assert_int_equal(lsb_session_create(sb, &o, id, err, sizeof err), LSB_ERR_INVALID);
        assert_true(err[0] != '\0');
    }
    lsb_session_options custom = {.language = LSB_LANG_PYTHON, .id = "my-session_1"};
    assert_int_equal(lsb_session_create(sb, &custom, id, err, sizeof err), LSB_ERR_INVALID);
    custom.allow_custom_id = true;
    assert_int_equal(lsb_session_create(sb, &custom, id, err, sizeof err), LSB_OK);
    assert_string_equal(id, "my-session_1");
    assert_int_equal(lsb_session_create(sb, &custom, id, err, sizeof err), LSB_ERR_EXISTS);
    lsb_session_info *v;
    size_t n;
    assert_int_equal(lsb_session_list(sb, &v, &n, err, sizeof err), LSB_OK);
    assert_int_equal(n, 1); /* the refused ids created nothing */
    free(v);
    lsb_result r;
    assert_int_equal(lsb_session_execute(sb, "0b4e7a0e-5b4c-4c1e-9a7e-8e2a3c1d2f10", "1", 1, NULL,
                                         NULL, &r, err, sizeof err),
                     LSB_ERR_NO_SESSION);
    assert_int_equal(lsb_session_list(sb, &v, &n, err, sizeof err), LSB_OK);
    assert_int_equal(n, 1);
    free(v);
    close_sandbox(sb);
}

static void test_files(void **state) {
    (void)state;
    lsb_sandbox *sb = open_sandbox(NULL);
    char id[LSB_SESSION_ID_MAX + 1], err[ERR_MAX], *data;
    size_t len;
    lsb_policy p;
    lsb_policy_init(&p);
    p.quota_bytes = 4096;
    lsb_session_options o = {.language = LSB_LANG_PYTHON, .policy = &p};
    assert_int_equal(lsb_session_create(sb, &o, id, err, sizeof err), LSB_OK);
    assert_int_equal(lsb_session_file_write(sb, id, "in/data.bin", "a\0b", 3, err, sizeof err),
                     LSB_OK);
    expect_out(sb, id, "print(open('/app/in/data.bin', 'rb').read())", "b'a\\x00b'\n");
    free(exec_out(sb, id, "open('/app/g.txt','w').write('guest')", true));
    char link[400];
    snprintf(link, sizeof link, "%s/%s/workspace/out", root, id); /* planted from outside */
    assert_int_equal(symlink("/etc", link), 0);
    assert_int_equal(lsb_session_file_read(sb, id, "/app/g.txt", 100, &data, &len, err, sizeof err),
                     LSB_OK);
    assert_string_equal(data, "guest");
    free(data);
    const char *escapes[] = {"../x",       "/etc/passwd", "/app/../x",
                             "in/../../x", "out/passwd",  "/appx/y"};
    for (size_t i = 0; i < sizeof escapes / sizeof escapes[0]; i++) {
        assert_int_not_equal(
            lsb_session_file_read(sb, id, escapes[i], 100, &data, &len, err, sizeof err), LSB_OK);
        assert_int_equal(lsb_session_file_write(sb, id, escapes[i], "x", 1, err, sizeof err),
                         LSB_ERR_INVALID);
    }
    char big[5000];
    memset(big, 'x', sizeof big);
    assert_int_equal(lsb_session_file_write(sb, id, "big", big, sizeof big, err, sizeof err),
                     LSB_ERR_QUOTA);
    lsb_file_entry *v;
    size_t n;
    assert_int_equal(lsb_session_file_list(sb, id, NULL, false, &v, &n, err, sizeof err), LSB_OK);
    assert_int_equal(n, 4); /* g.txt, in, in/data.bin, out */
    assert_string_equal(v[1].path, "in");
    assert_true(v[1].is_dir);
    lsb_file_list_free(v, n);
    assert_int_equal(lsb_session_file_delete(sb, id, "in", false, err, sizeof err),
                     LSB_ERR_INVALID);
    assert_int_equal(lsb_session_file_delete(sb, id, "in", true, err, sizeof err), LSB_OK);
    assert_int_equal(lsb_session_file_delete(sb, id, "out", false, err, sizeof err), LSB_OK);
    assert_int_equal(lsb_session_file_delete(sb, id, "/app", true, err, sizeof err),
                     LSB_ERR_INVALID);
    struct stat st;
    assert_int_equal(stat("/etc/passwd", &st), 0); /* the symlink, not its target, went */
    close_sandbox(sb);
}

static void test_destroy_reset_prune(void **state) {
    (void)state;
    lsb_sandbox *sb = open_sandbox(NULL);
    char a[LSB_SESSION_ID_MAX + 1], b[LSB_SESSION_ID_MAX + 1], err[ERR_MAX];
    create(sb, LSB_LANG_PYTHON, true, a);
    create(sb, LSB_LANG_JAVASCRIPT, false, b);
    free(exec_out(sb, a, "x = 1\nopen('/app/f', 'w').write('1')", true));
    assert_int_equal(lsb_session_reset(sb, a, err, sizeof err), LSB_OK);
    expect_out(sb, a, "import os\nprint('x' in globals(), os.path.exists('/app/f'))",
               "False False\n");
    lsb_prune_report rep;
    assert_int_equal(lsb_session_prune(sb, 3600, false, &rep, err, sizeof err), LSB_OK);
    assert_int_equal(rep.sessions, 0);
    lsb_prune_report_free(&rep);
    sleep(1);
    /* old but live in this sandbox: skipped, with the reason */
    assert_int_equal(lsb_session_prune(sb, 0, true, &rep, err, sizeof err), LSB_OK);
    assert_int_equal(rep.deleted_count, 1);
    assert_string_equal(rep.deleted[0].id, b);
    assert_int_equal(rep.skipped_count, 1);
    assert_string_equal(rep.skipped[0].id, a);
    assert_string_equal(rep.skipped[0].reason, "live in this sandbox");
    lsb_prune_report_free(&rep);
    assert_int_equal(lsb_session_evict(sb, a, err, sizeof err), LSB_OK);
    assert_int_equal(lsb_session_prune(sb, 0, true, &rep, err, sizeof err), LSB_OK);
    assert_int_equal(rep.sessions, 2);
    assert_int_equal(rep.skipped_count, 0);
    lsb_prune_report_free(&rep);
    assert_int_equal(lsb_session_destroy(sb, b, err, sizeof err), LSB_OK);
    assert_int_equal(lsb_session_destroy(sb, b, err, sizeof err), LSB_ERR_NO_SESSION);
    lsb_result r;
    assert_int_equal(lsb_session_execute(sb, b, "1", 1, NULL, NULL, &r, err, sizeof err),
                     LSB_ERR_NO_SESSION);
    assert_int_equal(lsb_session_prune(sb, 0, false, &rep, err, sizeof err), LSB_OK);
    assert_int_equal(rep.sessions, 1);
    lsb_prune_report_free(&rep);
    lsb_session_info *v;
    size_t n;
    assert_int_equal(lsb_session_list(sb, &v, &n, err, sizeof err), LSB_OK);
    assert_int_equal(n, 0);
    free(v);
    close_sandbox(sb);
}

/* An in-memory storage adapter: the second implementation the API needs. */
typedef struct mem_store {
    char *ids[16], *texts[16];
    size_t count;
    int puts;
} mem_store;

static int mem_find(mem_store *m, const char *id) {
    for (size_t i = 0; i < m->count; i++)
        if (strcmp(m->ids[i], id) == 0) return (int)i;
    return -1;
}
static int mem_put(void *ctx, const char *id, const char *text, size_t len, char *err, size_t el) {
    (void)err, (void)el;
    mem_store *m = ctx;
    int i = mem_find(m, id);
    if (i < 0) {
        i = (int)m->count++;
        m->ids[i] = strdup(id);
    } else {
        free(m->texts[i]);
    }
    m->texts[i] = strndup(text, len);
    m->puts++;
    return 0;
}
static int mem_get(void *ctx, const char *id, char **text, size_t *len, char *err, size_t el) {
    (void)err, (void)el;
    mem_store *m = ctx;
    int i = mem_find(m, id);
    if (i < 0) return 1;
    *text = strdup(m->texts[i]);
    *len = strlen(*text);
    return 0;
}
static int mem_list(void *ctx, char ***ids, size_t *count, char *err, size_t el) {
    (void)err, (void)el;
    mem_store *m = ctx;
    *ids = calloc(m->count + 1, sizeof **ids);
    for (size_t i = 0; i < m->count; i++)
        (*ids)[i] = strdup(m->ids[i]);
    *count = m->count;
    return 0;
}
static int mem_remove(void *ctx, const char *id, char *err, size_t el) {
    (void)err, (void)el;
    mem_store *m = ctx;
    int i = mem_find(m, id);
    if (i < 0) return 0;
    free(m->ids[i]);
    free(m->texts[i]);
    m->ids[i] = m->ids[m->count - 1];
    m->texts[i] = m->texts[--m->count];
    return 0;
}

/* Free what is left in m. */
static void mem_clear(mem_store *m) {
    while (m->count > 0)
        mem_remove(m, m->ids[0], NULL, 0);
}

static void test_storage_adapter(void **state) {
    (void)state;
    mem_store m = {0};
    lsb_storage store = {&m, mem_put, mem_get, mem_list, mem_remove};
    lsb_sessions_config cfg = {.storage = &store};
    lsb_sandbox *sb = open_sandbox(&cfg);
    char id[LSB_SESSION_ID_MAX + 1], err[ERR_MAX], path[400];
    create(sb, LSB_LANG_PYTHON, false, id);
    assert_int_equal(m.count, 1);
    snprintf(path, sizeof path, "%s/%s/session.json", root, id);
    assert_int_not_equal(access(path, F_OK), 0); /* the record is in memory, not on disk */
    expect_out(sb, id, "print(1)", "1\n");
    lsb_session_info info;
    assert_int_equal(lsb_session_info_get(sb, id, &info, err, sizeof err), LSB_OK);
    assert_int_equal(info.execution_count, 1);
    assert_true(info.live);
    assert_non_null(strstr(m.texts[0], "\"execution_count\": 1"));
    free(m.texts[0]);
    m.texts[0] = strdup("{\"version\": 1, \"id\": 7}");
    assert_int_equal(lsb_session_info_get(sb, id, &info, err, sizeof err), LSB_ERR_STORAGE);
    assert_non_null(strstr(err, "unusable"));
    /* a damaged record does not keep the session from being destroyed */
    assert_int_equal(lsb_session_destroy(sb, id, err, sizeof err), LSB_OK);
    assert_int_equal(m.count, 0);
    snprintf(path, sizeof path, "%s/%s", root, id);
    assert_int_not_equal(access(path, F_OK), 0);
    close_sandbox(sb);
}

/* Write text over the on-disk record of session id. */
static void damage_record(const char *id, const char *text) {
    char path[400];
    snprintf(path, sizeof path, "%s/%s/session.json", root, id);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Set the modification time of session id's folder entries (record,
 * workspace) and of the folder itself to secs ago. */
static void age_files(const char *id, int secs) {
    char path[600];
    struct timespec t[2] = {{time(NULL) - secs, 0}, {time(NULL) - secs, 0}};
    const char *parts[] = {"/session.json", "/workspace", ""};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        snprintf(path, sizeof path, "%s/%s%s", root, id, parts[i]);
        utimensat(AT_FDCWD, path, t, AT_SYMLINK_NOFOLLOW); /* absent parts are fine */
    }
}

/* Count the damaged sessions of a list of n. */
static size_t count_damaged(const lsb_session_info *v, size_t n) {
    size_t d = 0;
    for (size_t i = 0; i < n; i++)
        d += v[i].damaged;
    return d;
}

/* A session whose record is damaged is listed (flagged), described as far
 * as its files go, destroyed, and pruned by the age of its files: skipped
 * while they are young, listed by a dry run, deleted by a real prune, its
 * workspace with it; the healthy ones are untouched. */
static void test_damaged_record(void **state) {
    (void)state;
    lsb_sandbox *sb = open_sandbox(NULL);
    char good[LSB_SESSION_ID_MAX + 1], bad[LSB_SESSION_ID_MAX + 1], gone[LSB_SESSION_ID_MAX + 1];
    char err[ERR_MAX], path[600];
    create(sb, LSB_LANG_PYTHON, false, good);
    create(sb, LSB_LANG_PYTHON, false, bad);
    create(sb, LSB_LANG_JAVASCRIPT, false, gone);
    assert_int_equal(lsb_session_file_write(sb, bad, "/app/é.txt", "café ", 6, err, sizeof err),
                     LSB_OK);
    damage_record(bad, "{not json");
    damage_record(gone, "{\"version\": 1, \"id\": 7}");
    lsb_session_info info, *v;
    size_t n;
    assert_int_equal(lsb_session_info_get(sb, bad, &info, err, sizeof err), LSB_ERR_STORAGE);
    assert_non_null(strstr(err, "unusable: invalid JSON"));
    assert_true(info.damaged);
    assert_string_equal(info.id, bad);
    assert_int_equal(info.workspace_bytes, 6);
    assert_true(info.last_used_at > (double)time(NULL) - 60 && info.last_used_at <= time(NULL) + 1);
    char *json = lsb_session_info_to_json(&info);
    assert_non_null(strstr(json, "\"language\":null"));
    assert_non_null(strstr(json, "\"limits\":null,\"damaged\":true"));
    free(json);
    assert_int_equal(lsb_session_info_get(sb, good, &info, err, sizeof err), LSB_OK);
    assert_false(info.damaged);
    assert_int_equal(lsb_session_list(sb, &v, &n, err, sizeof err), LSB_OK);
    assert_int_equal(n, 3);
    assert_int_equal(count_damaged(v, n), 2);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(v[i].damaged, strcmp(v[i].id, good) != 0);
    free(v);
    assert_int_equal(lsb_session_destroy(sb, gone, err, sizeof err), LSB_OK);
    snprintf(path, sizeof path, "%s/%s", root, gone);
    assert_int_not_equal(access(path, F_OK), 0);
    assert_int_equal(lsb_session_destroy(sb, gone, err, sizeof err), LSB_ERR_NO_SESSION);
    lsb_prune_report rep;
    assert_int_equal(lsb_session_prune(sb, 3600, false, &rep, err, sizeof err), LSB_OK);
    assert_int_equal(rep.sessions, 0);
    assert_int_equal(rep.skipped_count, 1); /* young files: kept, and it says why */
    assert_string_equal(rep.skipped[0].id, bad);
    assert_non_null(strstr(rep.skipped[0].reason, "unusable: invalid JSON"));
    assert_non_null(strstr(rep.skipped[0].reason, "older than the cutoff"));
    lsb_prune_report_free(&rep);
    age_files(bad, 7200);
    for (int round = 0; round < 2; round++) { /* a dry run does not make it young again */
        assert_int_equal(lsb_session_prune(sb, 3600, true, &rep, err, sizeof err), LSB_OK);
        assert_int_equal(rep.deleted_count, 1);
        assert_string_equal(rep.deleted[0].id, bad);
        assert_int_equal(rep.skipped_count, 0);
        assert_int_equal(rep.bytes, 6);
        assert_int_equal(rep.reclaimed_bytes, 0);
        lsb_prune_report_free(&rep);
    }
    snprintf(path, sizeof path, "%s/%s/workspace/é.txt", root, bad);
    assert_int_equal(access(path, F_OK), 0); /* the dry run deleted nothing */
    assert_int_equal(lsb_session_prune(sb, 3600, false, &rep, err, sizeof err), LSB_OK);
    assert_int_equal(rep.deleted_count, 1);
    assert_string_equal(rep.deleted[0].id, bad);
    assert_int_equal(rep.reclaimed_bytes, 6);
    assert_int_equal(rep.error_count, 0);
    lsb_prune_report_free(&rep);
    snprintf(path, sizeof path, "%s/%s", root, bad);
    assert_int_not_equal(access(path, F_OK), 0); /* workspace and all */
    assert_int_equal(lsb_session_list(sb, &v, &n, err, sizeof err), LSB_OK);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].id, good);
    free(v);
    expect_out(sb, good, "print('ok ☕')", "ok ☕\n");
    close_sandbox(sb);
}

/* A storage adapter over mem_store that fails get, put or remove on
 * command (for every id). */
static bool fail_get, fail_put, fail_remove;
static int flaky_get(void *ctx, const char *id, char **text, size_t *len, char *err, size_t el) {
    if (fail_get) {
        *text = NULL;
        snprintf(err, el, "the store cannot read '%s' (日本)", id);
        return -1;
    }
    return mem_get(ctx, id, text, len, err, el);
}
static int flaky_put(void *ctx, const char *id, const char *text, size_t len, char *err,
                     size_t el) {
    if (fail_put) {
        snprintf(err, el, "the store is full (café)");
        return -1;
    }
    return mem_put(ctx, id, text, len, err, el);
}
static int flaky_remove(void *ctx, const char *id, char *err, size_t el) {
    if (fail_remove) {
        snprintf(err, el, "the store cannot forget '%s' ☕", id);
        return -1;
    }
    return mem_remove(ctx, id, err, el);
}

/* How many entries the sessions root holds (not . and ..). */
static int root_entries(void) {
    DIR *d = opendir(root);
    int n = 0;
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL)
        n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
    if (d) closedir(d);
    return n;
}

/* The record's execution count in m, or -1 when it is not a valid record. */
static int stored_count(mem_store *m, const char *id) {
    int i = mem_find(m, id);
    const char *at = i < 0 ? NULL : strstr(m->texts[i], "\"execution_count\": ");
    return at ? atoi(at + strlen("\"execution_count\": ")) : -1;
}

/* Failing puts leave the stored record as it was and the session usable;
 * a failing get keeps the session listable, destroyable and, in prune,
 * an error (never deleted on a read that may pass); a failing remove is an
 * error, never a silent success, and the session stays. */
static void test_failing_storage(void **state) {
    (void)state;
    mem_store m = {0};
    lsb_storage store = {&m, flaky_put, flaky_get, mem_list, flaky_remove};
    lsb_sessions_config cfg = {.storage = &store};
    lsb_sandbox *sb = open_sandbox(&cfg);
    char id[LSB_SESSION_ID_MAX + 1], other[LSB_SESSION_ID_MAX + 1], err[ERR_MAX], path[600];
    lsb_session_options o = {.language = LSB_LANG_PYTHON};
    fail_put = true;
    assert_int_equal(lsb_session_create(sb, &o, id, err, sizeof err), LSB_ERR_STORAGE);
    assert_non_null(strstr(err, "the store is full (café)"));
    assert_int_equal(m.count, 0);
    assert_int_equal(root_entries(), 0); /* nothing of it is left on disk */
    fail_put = false;
    create(sb, LSB_LANG_PYTHON, false, id);
    snprintf(path, sizeof path, "%s/%s", root, id);
    create(sb, LSB_LANG_PYTHON, false, other);
    expect_out(sb, id, "x = '日本'; print(x)", "日本\n");
    assert_int_equal(stored_count(&m, id), 1);
    fail_put = true;
    lsb_result r = exec_p(sb, id, "print(x + '!')", NULL);
    assert_true(r.success); /* the run itself is fine */
    assert_string_equal(r.stdout_data, "日本!\n");
    assert_int_equal(r.warnings_count, 1);
    assert_non_null(strstr(r.warnings[0], "the store is full"));
    lsb_result_free(&r);
    assert_int_equal(stored_count(&m, id), 1); /* the previous record, still valid */
    assert_int_equal(lsb_session_reset(sb, other, err, sizeof err), LSB_ERR_STORAGE);
    assert_int_equal(stored_count(&m, other), 0);
    fail_put = false;
    expect_out(sb, id, "print(x)", "日本\n");
    assert_int_equal(stored_count(&m, id), 2); /* counted from the record kept */
    /* get fails: listed (damaged), info says why, prune reports it, destroy works */
    fail_get = true;
    lsb_session_info info, *v;
    size_t n;
    assert_int_equal(lsb_session_info_get(sb, id, &info, err, sizeof err), LSB_ERR_STORAGE);
    assert_non_null(strstr(err, "cannot read"));
    assert_true(info.damaged);
    assert_int_equal(lsb_session_list(sb, &v, &n, err, sizeof err), LSB_OK);
    assert_int_equal(n, 2);
    assert_int_equal(count_damaged(v, n), 2);
    free(v);
    lsb_result r2;
    assert_int_equal(lsb_session_execute(sb, id, "1", 1, NULL, NULL, &r2, err, sizeof err),
                     LSB_ERR_STORAGE);
    lsb_prune_report rep;
    age_files(id, 7200);
    assert_int_equal(lsb_session_prune(sb, 3600, false, &rep, err, sizeof err), LSB_OK);
    assert_int_equal(rep.deleted_count, 0);
    assert_int_equal(rep.error_count, 2);
    assert_non_null(strstr(rep.errors[0].reason, "the store cannot read"));
    lsb_prune_report_free(&rep);
    assert_int_equal(m.count, 2);
    assert_int_equal(lsb_session_destroy(sb, other, err, sizeof err), LSB_OK);
    assert_int_equal(m.count, 1);
    fail_get = false;
    /* remove fails: an error; the record stays, so the session is still there */
    fail_remove = true;
    assert_int_equal(lsb_session_destroy(sb, id, err, sizeof err), LSB_ERR_STORAGE);
    assert_non_null(strstr(err, "cannot forget"));
    assert_int_equal(lsb_session_info_get(sb, id, &info, err, sizeof err), LSB_OK);
    assert_int_equal(lsb_session_prune(sb, 0, false, &rep, err, sizeof err), LSB_OK);
    assert_int_equal(rep.deleted_count, 0);
    assert_int_equal(rep.error_count, 1);
    lsb_prune_report_free(&rep);
    fail_remove = false;
    assert_int_equal(lsb_session_destroy(sb, id, err, sizeof err), LSB_OK);
    assert_int_equal(m.count, 0);
    assert_int_not_equal(access(path, F_OK), 0);
    assert_int_equal(lsb_session_destroy(sb, id, err, sizeof err), LSB_ERR_NO_SESSION);
    close_sandbox(sb);
}

/* The summary line is the original's PruneResult.__str__, byte for byte. */
static void test_prune_summary_text(void **state) {
    (void)state;
    lsb_prune_item three[3] = {{"a", NULL}, {"b", NULL}, {"c", NULL}};
    char buf[200];
    lsb_prune_report r = {.deleted = three, .deleted_count = 2, .reclaimed_bytes = 1048576};
    lsb_prune_report_summary(&r, buf, sizeof buf);
    assert_string_equal(buf, "Pruned 2 sessions, reclaimed 1.0 MB");
    r = (lsb_prune_report){.deleted = three,
                           .deleted_count = 2,
                           .skipped = three,
                           .skipped_count = 1,
                           .errors = three,
                           .error_count = 1,
                           .reclaimed_bytes = 1500000};
    lsb_prune_report_summary(&r, buf, sizeof buf);
    assert_string_equal(buf, "Pruned 2 sessions (1 skipped, 1 error), reclaimed 1.4 MB");
    r = (lsb_prune_report){.errors = three, .error_count = 3, .reclaimed_bytes = 500};
    lsb_prune_report_summary(&r, buf, sizeof buf);
    assert_string_equal(buf, "Pruned 0 sessions (3 errors), reclaimed 500 B");
    r = (lsb_prune_report){.deleted = three, .deleted_count = 3, .dry_run = true};
    lsb_prune_report_summary(&r, buf, sizeof buf);
    assert_string_equal(buf, "Would prune 3 sessions, reclaimed 0 B");
    r = (lsb_prune_report){.skipped = three, .skipped_count = 2, .reclaimed_bytes = 1024};
    lsb_prune_report_summary(&r, buf, sizeof buf);
    assert_string_equal(buf, "Pruned 0 sessions (2 skipped), reclaimed 1.0 KB");
    r = (lsb_prune_report){.reclaimed_bytes = 3ULL << 30};
    lsb_prune_report_summary(&r, buf, sizeof buf);
    assert_string_equal(buf, "Pruned 0 sessions, reclaimed 3.0 GB");
    r = (lsb_prune_report){.reclaimed_bytes = 5ULL << 40}; /* GB is the largest unit */
    lsb_prune_report_summary(&r, buf, sizeof buf);
    assert_string_equal(buf, "Pruned 0 sessions, reclaimed 5120.0 GB");
}

/* A storage adapter over mem_store whose remove fails for one id. */
static const char *failing_id;
static int failing_remove(void *ctx, const char *id, char *err, size_t el) {
    if (failing_id && strcmp(id, failing_id) == 0) {
        snprintf(err, el, "storage refuses to forget '%s' ☕", id);
        return -1;
    }
    return mem_remove(ctx, id, err, el);
}

/* Prune with every kind of outcome: deleted (a damaged record whose files
 * are old goes too), skipped (no record), an error (the adapter cannot
 * delete a record); dry-run lists the same deletions, deletes nothing and
 * reclaims 0. */
static void test_prune_report(void **state) {
    (void)state;
    mem_store m = {0};
    lsb_storage store = {&m, mem_put, mem_get, mem_list, failing_remove};
    lsb_sessions_config cfg = {.storage = &store};
    lsb_sandbox *sb = open_sandbox(&cfg);
    char old[LSB_SESSION_ID_MAX + 1], stuck[LSB_SESSION_ID_MAX + 1], bad[LSB_SESSION_ID_MAX + 1];
    char err[ERR_MAX], path[600];
    create(sb, LSB_LANG_PYTHON, false, old);
    create(sb, LSB_LANG_PYTHON, false, stuck);
    create(sb, LSB_LANG_JAVASCRIPT, false, bad);
    assert_int_equal(lsb_session_file_write(sb, old, "café ☕.txt", "12345", 5, err, sizeof err),
                     LSB_OK);
    assert_int_equal(lsb_session_file_write(sb, stuck, "s.txt", "123", 3, err, sizeof err), LSB_OK);
    free(m.texts[mem_find(&m, bad)]);
    m.texts[mem_find(&m, bad)] = strdup("{\"version\": 1, \"id\": 7}");
    snprintf(path, sizeof path, "%s/legacy_1/sub", root);
    char mk[2000];
    snprintf(mk, sizeof mk, "mkdir -p '%s' '%s/not a session' && echo x > '%s/données.txt'", path,
             root, path);
    assert_int_equal(system(mk), 0);
    failing_id = stuck;
    sleep(1);
    lsb_prune_report rep;
    assert_int_equal(lsb_session_prune(sb, 0, true, &rep, err, sizeof err), LSB_OK);
    assert_true(rep.dry_run);
    assert_int_equal(rep.deleted_count, 3); /* would: the error only shows for real */
    assert_int_equal(rep.reclaimed_bytes, 0);
    assert_int_equal(rep.bytes, 8);
    assert_int_equal(rep.skipped_count, 1);
    assert_int_equal(m.count, 3); /* nothing deleted */
    char *json = lsb_prune_report_to_json(&rep);
    assert_non_null(json);
    assert_non_null(strstr(json, "\"reclaimed_bytes\":0,\"dry_run\":true"));
    assert_non_null(
        strstr(json, "\"summary\":\"Would prune 3 sessions (1 skipped), reclaimed 0 B\""));
    free(json);
    lsb_prune_report_free(&rep);
    assert_int_equal(lsb_session_prune(sb, 0, false, &rep, err, sizeof err), LSB_OK);
    assert_int_equal(rep.deleted_count, 2); /* sorted by id */
    assert_string_equal(rep.deleted[0].id, strcmp(old, bad) < 0 ? old : bad);
    assert_string_equal(rep.deleted[1].id, strcmp(old, bad) < 0 ? bad : old);
    assert_int_equal(rep.reclaimed_bytes, 5);
    assert_int_equal(rep.error_count, 1);
    assert_string_equal(rep.errors[0].id, stuck);
    assert_non_null(strstr(rep.errors[0].reason, "storage refuses to forget"));
    assert_int_equal(rep.skipped_count, 1);
    assert_string_equal(rep.skipped[0].id, "legacy_1");
    assert_non_null(strstr(rep.skipped[0].reason, "no session record"));
    char buf[200];
    lsb_prune_report_summary(&rep, buf, sizeof buf);
    assert_string_equal(buf, "Pruned 2 sessions (1 skipped, 1 error), reclaimed 5 B");
    json = lsb_prune_report_to_json(&rep);
    assert_non_null(strstr(json, "\"deleted_sessions\":[\""));
    assert_non_null(strstr(json, "\"errors\":{\""));
    assert_non_null(strstr(json, "storage refuses to forget"));
    free(json);
    lsb_prune_report_free(&rep);
    assert_null(rep.deleted);
    /* the skipped one is still there, files and all; the damaged one is
     * gone, record and folder; the failed one keeps its record */
    snprintf(path, sizeof path, "%s/legacy_1/sub/données.txt", root);
    assert_int_equal(access(path, F_OK), 0);
    snprintf(path, sizeof path, "%s/%s", root, bad);
    assert_int_not_equal(access(path, F_OK), 0);
    assert_int_equal(mem_find(&m, bad), -1);
    assert_true(mem_find(&m, stuck) >= 0);
    failing_id = NULL;
    assert_int_equal(lsb_session_prune(sb, 0, false, &rep, err, sizeof err), LSB_OK);
    assert_int_equal(rep.deleted_count, 1); /* the retry succeeds */
    assert_string_equal(rep.deleted[0].id, stuck);
    lsb_prune_report_free(&rep);
    close_sandbox(sb);
    assert_int_equal(m.count, 0);
    mem_clear(&m);
}

/* A deletion that fails on disk (an immutable file, when chattr works)
 * is an error; the session keeps its record, so a later prune retries. */
static void test_prune_disk_error(void **state) {
    (void)state;
    lsb_sandbox *sb = open_sandbox(NULL);
    char id[LSB_SESSION_ID_MAX + 1], err[ERR_MAX], cmd[600];
    create(sb, LSB_LANG_PYTHON, false, id);
    assert_int_equal(lsb_session_file_write(sb, id, "keep/é.txt", "k", 1, err, sizeof err), LSB_OK);
    snprintf(cmd, sizeof cmd, "chattr +i '%s/%s/workspace/keep/é.txt' 2>/dev/null", root, id);
    if (system(cmd) != 0) {
        printf("skipped: chattr +i is not available here\n");
        close_sandbox(sb);
        return;
    }
    sleep(1);
    lsb_prune_report rep;
    assert_int_equal(lsb_session_prune(sb, 0, false, &rep, err, sizeof err), LSB_OK);
    assert_int_equal(rep.deleted_count, 0);
    assert_int_equal(rep.error_count, 1);
    assert_non_null(strstr(rep.errors[0].reason, "cannot delete the workspace"));
    lsb_prune_report_free(&rep);
    lsb_session_info info;
    assert_int_equal(lsb_session_info_get(sb, id, &info, err, sizeof err), LSB_OK);
    snprintf(cmd, sizeof cmd, "chattr -i '%s/%s/workspace/keep/é.txt'", root, id);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(lsb_session_prune(sb, 0, false, &rep, err, sizeof err), LSB_OK);
    assert_int_equal(rep.deleted_count, 1);
    assert_int_equal(rep.error_count, 0);
    lsb_prune_report_free(&rep);
    close_sandbox(sb);
}

/* Glob the session's files; returns "path|path|..." (static). */
static const char *glob_paths(lsb_sandbox *sb, const char *id, const char *dir, const char *pat) {
    static char out[1000];
    lsb_file_entry *v;
    size_t n;
    char err[ERR_MAX];
    if (lsb_session_file_glob(sb, id, dir, pat, false, &v, &n, err, sizeof err) != LSB_OK)
        fail_msg("glob %s: %s", pat, err);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", i ? "|" : "", v[i].path);
    lsb_file_list_free(v, n);
    return out;
}

/* Listing with a pattern matches like the original's rglob: at any depth,
 * "**" for folders, files only, sorted, non-ASCII names. */
static void test_file_glob(void **state) {
    (void)state;
    lsb_sandbox *sb = open_sandbox(NULL);
    char id[LSB_SESSION_ID_MAX + 1], err[ERR_MAX];
    create(sb, LSB_LANG_PYTHON, true, id);
    const char *files[] = {"top.json",       "a/b/c.json",  "données/café.txt", "data/q.csv",
                           "data/x/y/z.csv", "data/n.json", "other/data/w.csv", ".hidden.json"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        assert_int_equal(lsb_session_file_write(sb, id, files[i], "1", 1, err, sizeof err), LSB_OK);
    free(exec_out(sb, id, "v = 1", true)); /* writes /app/.lsb/state.json */
    assert_string_equal(glob_paths(sb, id, NULL, "*.json"),
                        ".hidden.json|a/b/c.json|data/n.json|top.json");
    assert_string_equal(glob_paths(sb, id, NULL, "data/**/*.csv"),
                        "data/q.csv|data/x/y/z.csv|other/data/w.csv");
    assert_string_equal(glob_paths(sb, id, NULL, "/app/data/*.csv"), "data/q.csv|other/data/w.csv");
    assert_string_equal(glob_paths(sb, id, NULL, "caf?.txt"), "données/café.txt");
    assert_string_equal(glob_paths(sb, id, NULL, "donn[é]es/*"), "données/café.txt");
    assert_string_equal(glob_paths(sb, id, NULL, "[!t]*.json"),
                        ".hidden.json|a/b/c.json|data/n.json");
    assert_string_equal(glob_paths(sb, id, NULL, "données/**"), "données/café.txt");
    assert_string_equal(glob_paths(sb, id, NULL, "data"), ""); /* a folder, not a file */
    assert_string_equal(glob_paths(sb, id, "data", "*.csv"), "data/q.csv|data/x/y/z.csv");
    assert_string_equal(glob_paths(sb, id, "/app/data", "x/**"), "data/x/y/z.csv");
    assert_string_equal(glob_paths(sb, id, NULL, NULL),
                        ".hidden.json|a/b/c.json|data/n.json|data/q.csv|data/x/y/z.csv|"
                        "données/café.txt|other/data/w.csv|top.json");
    lsb_file_entry *v;
    size_t n;
    assert_int_equal(
        lsb_session_file_glob(sb, id, NULL, "state.json", true, &v, &n, err, sizeof err), LSB_OK);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].path, ".lsb/state.json");
    assert_true(v[0].is_system);
    lsb_file_list_free(v, n);
    const char *bad[] = {"/etc/*", "../*", "a/../../x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(
            lsb_session_file_glob(sb, id, NULL, bad[i], false, &v, &n, err, sizeof err),
            LSB_ERR_INVALID);
    assert_int_equal(lsb_session_file_glob(sb, id, "nope", "*", false, &v, &n, err, sizeof err),
                     LSB_ERR_NOT_FOUND);
    close_sandbox(sb);
}

/* write without overwrite refuses existing files (empty ones too); reading
 * a folder and deleting one without recursive say so; /app is never deleted. */
static void test_file_overwrite_and_folders(void **state) {
    (void)state;
    lsb_sandbox *sb = open_sandbox(NULL);
    char id[LSB_SESSION_ID_MAX + 1], err[ERR_MAX], *data;
    size_t len;
    create(sb, LSB_LANG_PYTHON, false, id);
    assert_int_equal(lsb_session_file_write(sb, id, "d/plein.txt", "café", 5, err, sizeof err),
                     LSB_OK);
    assert_int_equal(lsb_session_file_write(sb, id, "d/vide.txt", "", 0, err, sizeof err), LSB_OK);
    const char *existing[] = {"d/plein.txt", "d/vide.txt", "/app/d/vide.txt"};
    for (size_t i = 0; i < 3; i++) {
        err[0] = '\0';
        assert_int_equal(
            lsb_session_file_write_ex(sb, id, existing[i], "x", 1, false, err, sizeof err),
            LSB_ERR_EXISTS);
        char want[200];
        snprintf(want, sizeof want, "File '%s' already exists. Set overwrite=True to replace.",
                 existing[i]);
        assert_string_equal(err, want);
    }
    assert_int_equal(lsb_session_file_read(sb, id, "d/vide.txt", 100, &data, &len, err, sizeof err),
                     LSB_OK);
    assert_int_equal(len, 0); /* unchanged */
    free(data);
    assert_int_equal(
        lsb_session_file_write_ex(sb, id, "d/neuf ☕.txt", "n", 1, false, err, sizeof err), LSB_OK);
    assert_int_equal(
        lsb_session_file_write_ex(sb, id, "d/plein.txt", "xy", 2, true, err, sizeof err), LSB_OK);
    assert_int_equal(
        lsb_session_file_read(sb, id, "d/plein.txt", 100, &data, &len, err, sizeof err), LSB_OK);
    assert_string_equal(data, "xy");
    free(data);
    assert_int_equal(lsb_session_file_read(sb, id, "d", 100, &data, &len, err, sizeof err),
                     LSB_ERR_INVALID);
    assert_string_equal(err, "'d' is a directory, not a file");
    assert_int_equal(lsb_session_file_delete(sb, id, "d", false, err, sizeof err), LSB_ERR_INVALID);
    assert_string_equal(err, "Cannot delete directory 'd' without recursive=True");
    const char *roots[] = {".", "/app", "/app/", "d/.."};
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(lsb_session_file_delete(sb, id, roots[i], true, err, sizeof err),
                         LSB_ERR_INVALID);
    assert_int_equal(
        lsb_session_file_read(sb, id, "d/neuf ☕.txt", 100, &data, &len, err, sizeof err),
        LSB_OK); /* the workspace survived */
    free(data);
    close_sandbox(sb);
}

/* A folder without a record is adopted by create, files kept: the
 * original's layout (files directly in it) and ours (a workspace folder);
 * a folder with a record, even a damaged one, is still "exists". */
static void test_adopt_legacy(void **state) {
    (void)state;
    lsb_sandbox *sb = open_sandbox(NULL);
    char id[LSB_SESSION_ID_MAX + 1], err[ERR_MAX], cmd[2000];
    snprintf(cmd, sizeof cmd,
             "mkdir -p %1$s/old-style/sub %1$s/our-style/workspace/d && "
             "printf 'héllo' > %1$s/old-style/sub/café.txt && "
             "printf '{}' > %1$s/old-style/.metadata.json && "
             "printf 'x' > %1$s/old-style/workspace && "
             "printf '42' > %1$s/our-style/workspace/d/n.txt",
             root);
    assert_int_equal(system(cmd), 0);
    lsb_session_options o = {
        .language = LSB_LANG_PYTHON, .id = "old-style", .allow_custom_id = true};
    assert_int_equal(lsb_session_create(sb, &o, id, err, sizeof err), LSB_OK);
    expect_out(sb, id, "print(open('/app/sub/café.txt').read(), open('/app/workspace').read())",
               "héllo x\n");
    assert_string_equal(glob_paths(sb, id, NULL, NULL), ".metadata.json|sub/café.txt|workspace");
    assert_int_equal(lsb_session_create(sb, &o, id, err, sizeof err), LSB_ERR_EXISTS);
    o = (lsb_session_options){
        .language = LSB_LANG_JAVASCRIPT, .id = "our-style", .allow_custom_id = true};
    assert_int_equal(lsb_session_create(sb, &o, id, err, sizeof err), LSB_OK);
    lsb_session_info info;
    assert_int_equal(lsb_session_info_get(sb, "our-style", &info, err, sizeof err), LSB_OK);
    assert_int_equal(info.language, LSB_LANG_JAVASCRIPT);
    assert_int_equal(info.workspace_bytes, 2);
    assert_string_equal(glob_paths(sb, id, NULL, NULL), "d/n.txt");
    damage_record("our-style", "{broken");
    assert_int_equal(lsb_session_create(sb, &o, id, err, sizeof err), LSB_ERR_EXISTS);
    snprintf(cmd, sizeof cmd, "printf 'f' > %s/a-file", root);
    assert_int_equal(system(cmd), 0);
    o.id = "a-file";
    assert_int_equal(lsb_session_create(sb, &o, id, err, sizeof err), LSB_ERR_EXISTS);
    close_sandbox(sb);
}

/* Threads each running in their own session. */
static void *thread_main(void *arg) {
    lsb_sandbox *sb = ((void **)arg)[0];
    const char *id = ((void **)arg)[1];
    for (int i = 0; i < 5; i++) {
        lsb_result r;
        char err[ERR_MAX];
        if (lsb_session_execute(sb, id, "n = globals().get('n', 0) + 1", 29, NULL, NULL, &r, err,
                                sizeof err) != LSB_OK ||
            !r.success)
            return (void *)1;
        lsb_result_free(&r);
    }
    return NULL;
}

static void test_concurrency(void **state) {
    (void)state;
    lsb_sandbox *sb = open_sandbox(NULL);
    char a[LSB_SESSION_ID_MAX + 1], b[LSB_SESSION_ID_MAX + 1];
    char err[ERR_MAX];
    create(sb, LSB_LANG_PYTHON, false, a);
    create(sb, LSB_LANG_PYTHON, false, b);
    /* zygotes are forked from this process: start them before the threads */
    assert_int_equal(lsb_sandbox_start_zygotes(sb, err, sizeof err), LSB_OK);
    void *args[4][2] = {{sb, a}, {sb, a}, {sb, b}, {sb, b}};
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, thread_main, args[i]);
    for (int i = 0; i < 4; i++) {
        void *rc;
        pthread_join(t[i], &rc);
        assert_null(rc);
    }
    expect_out(sb, a, "print(n)", "10\n"); /* serialised: no lost update */
    expect_out(sb, b, "print(n)", "10\n");
    close_sandbox(sb);
}

static void test_killed_process_rematerialises(void **state) {
    (void)state;
    lsb_sandbox *sb = open_sandbox(NULL);
    char id[LSB_SESSION_ID_MAX + 1], err[ERR_MAX];
    create(sb, LSB_LANG_PYTHON, true, id);
    free(exec_out(sb, id, "v = 9", true));
    lsb_session_info info;
    assert_int_equal(lsb_session_info_get(sb, id, &info, err, sizeof err), LSB_OK);
    assert_true(info.live);
    assert_true(info.pid > 0);
    assert_int_equal(kill(info.pid, SIGKILL), 0);
    usleep(100000);
    expect_out(sb, id, "print(v)", "9\n"); /* a new process, restored from the state file */
    assert_int_equal(lsb_session_info_get(sb, id, &info, err, sizeof err), LSB_OK);
    assert_true(info.live);
    close_sandbox(sb);
}

static void test_live_cap(void **state) {
    (void)state;
    lsb_sessions_config cfg = {.max_live = 1};
    lsb_sandbox *sb = open_sandbox(&cfg);
    char a[LSB_SESSION_ID_MAX + 1], b[LSB_SESSION_ID_MAX + 1], err[ERR_MAX];
    create(sb, LSB_LANG_PYTHON, true, a);
    create(sb, LSB_LANG_PYTHON, true, b);
    free(exec_out(sb, a, "k = 'a'", true));
    free(exec_out(sb, b, "k = 'b'", true));
    lsb_session_info ia, ib;
    assert_int_equal(lsb_session_info_get(sb, a, &ia, err, sizeof err), LSB_OK);
    assert_int_equal(lsb_session_info_get(sb, b, &ib, err, sizeof err), LSB_OK);
    assert_false(ia.live);
    assert_true(ib.live);
    expect_out(sb, a, "print(k)", "a\n");
    expect_out(sb, b, "print(k)", "b\n");
    close_sandbox(sb);
}

/* Idle sessions expire by themselves after the TTL. */
static void test_idle_ttl(void **state) {
    (void)state;
    lsb_sessions_config cfg = {.idle_ttl_s = 1};
    lsb_sandbox *sb = open_sandbox(&cfg);
    char id[LSB_SESSION_ID_MAX + 1], err[ERR_MAX];
    create(sb, LSB_LANG_PYTHON, true, id);
    free(exec_out(sb, id, "x = 5", true));
    lsb_session_info info;
    assert_int_equal(lsb_session_info_get(sb, id, &info, err, sizeof err), LSB_OK);
    assert_true(info.live);
    sleep(3);
    assert_int_equal(lsb_session_info_get(sb, id, &info, err, sizeof err), LSB_OK);
    assert_false(info.live);
    expect_out(sb, id, "print(x)", "5\n");
    close_sandbox(sb);
}

/* Below the memory floor, idle live sessions are evicted (least recent first). */
static void test_memory_pressure(void **state) {
    (void)state;
    lsb_sessions_config cfg = {.min_available_bytes = 1ULL << 60}; /* always "low" */
    lsb_sandbox *sb = open_sandbox(&cfg);
    char id[LSB_SESSION_ID_MAX + 1], err[ERR_MAX];
    create(sb, LSB_LANG_PYTHON, true, id);
    free(exec_out(sb, id, "x = 8", true));
    assert_int_equal(lsb_sandbox_evict_idle(sb), 1);
    lsb_session_info info;
    assert_int_equal(lsb_session_info_get(sb, id, &info, err, sizeof err), LSB_OK);
    assert_false(info.live);
    expect_out(sb, id, "print(x)", "8\n");
    close_sandbox(sb);
}

/* A session with a quota of quota_bytes; fails the test on error. */
static void create_quota(lsb_sandbox *sb, uint64_t quota_bytes, char *id) {
    char err[ERR_MAX] = "";
    lsb_policy p;
    lsb_policy_init(&p);
    p.quota_bytes = quota_bytes;
    lsb_session_options o = {.language = LSB_LANG_PYTHON, .policy = &p};
    if (lsb_session_create(sb, &o, id, err, sizeof err) != LSB_OK) fail_msg("create: %s", err);
}

/* Bytes of the regular files under dir (du of a session workspace). */
static uint64_t disk_bytes(const char *dir) {
    char cmd[512], line[64] = "";
    snprintf(cmd, sizeof cmd, "find '%s' -type f -printf '%%s\\n' | awk '{s+=$1} END {print s+0}'",
             dir);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof line, f));
    pclose(f);
    return strtoull(line, NULL, 10);
}

/* Runs that write 6 MiB and then raise (rolled back, so their process and
 * its quota count die) still count: four of them in a 10 MiB session
 * leave at most 10 MiB on disk, and the later ones hit the quota (the
 * first file is 100 folders deep, so the re-measure, which runs under the
 * session process's seccomp filter, climbs back through closed folders). */
static void test_failed_runs_count_quota(void **state) {
    (void)state;
    lsb_sandbox *sb = open_sandbox(NULL);
    char id[LSB_SESSION_ID_MAX + 1], ws[400];
    create_quota(sb, 10u << 20, id);
    free(exec_out(sb, id, "x = 'café ☕ 日本'", true));
    int quota_errors = 0;
    for (int i = 0; i < 4; i++) {
        char code[512];
        /* the first file sits 100 folders deep: the re-measure walks them */
        snprintf(code, sizeof code,
                 "import os\nd = '/app' + '/d' * (100 if %d == 0 else 0)\n"
                 "os.makedirs(d, exist_ok=True)\n"
                 "try:\n    open(d + '/f%d', 'wb').write(b'x' * (6 << 20))\n"
                 "except OSError as e:\n    print('quota', e.errno)\n    raise\n"
                 "raise RuntimeError('after the write')",
                 i, i);
        lsb_result r = exec_p(sb, id, code, NULL);
        assert_false(r.success);
        if (strstr(r.stdout_data, "quota 19") != NULL) quota_errors++; /* WASI EDQUOT */
        lsb_result_free(&r);
    }
    assert_int_equal(quota_errors, 3);
    snprintf(ws, sizeof ws, "%s/%s/workspace", root, id);
    assert_true(disk_bytes(ws) <= 10u << 20);
    lsb_session_info info;
    char err[ERR_MAX];
    assert_int_equal(lsb_session_info_get(sb, id, &info, err, sizeof err), LSB_OK);
    assert_int_equal(info.workspace_bytes, disk_bytes(ws));
    expect_out(sb, id, "print(x)", "café ☕ 日本\n"); /* the variables were rolled back, not lost */
    close_sandbox(sb);
}

/* A guest's deep trees: 70 levels with a 1 MiB file (by paths) and 2,000
 * levels of 10-byte names (through directory fds, far beyond PATH_MAX).
 * Reset empties them, destroy and prune remove them, and nothing is left
 * under the sessions root. */
static void test_deep_trees_are_removed(void **state) {
    (void)state;
    lsb_sandbox *sb = open_sandbox(NULL);
    char a[LSB_SESSION_ID_MAX + 1], b[LSB_SESSION_ID_MAX + 1], c[LSB_SESSION_ID_MAX + 1];
    char err[ERR_MAX], ws[400];
    const char *by_path = "import os\np = '/app'\nfor i in range(70):\n    p += '/d'\n"
                          "    os.mkdir(p)\nopen(p + '/big', 'wb').write(b'x' * (1 << 20))";
    const char *by_fd = "import os\nfd = os.open('/app', os.O_RDONLY)\nfor i in range(2000):\n"
                        "    os.mkdir('dddddddddd', dir_fd=fd)\n"
                        "    n = os.open('dddddddddd', os.O_RDONLY, dir_fd=fd)\n"
                        "    os.close(fd)\n    fd = n\n"
                        "os.close(os.open('bottom', os.O_WRONLY | os.O_CREAT, dir_fd=fd))";
    create(sb, LSB_LANG_PYTHON, false, a);
    create(sb, LSB_LANG_PYTHON, false, b);
    create(sb, LSB_LANG_PYTHON, false, c);
    free(exec_out(sb, a, by_path, true));
    free(exec_out(sb, b, by_fd, true));
    free(exec_out(sb, c, by_path, true));
    assert_int_equal(lsb_session_reset(sb, c, err, sizeof err), LSB_OK);
    snprintf(ws, sizeof ws, "%s/%s/workspace", root, c);
    assert_int_equal(rmdir(ws), 0); /* empty */
    assert_int_equal(mkdir(ws, 0700), 0);
    free(exec_out(sb, c, by_fd, true));
    assert_int_equal(lsb_session_destroy(sb, a, err, sizeof err), LSB_OK);
    assert_int_equal(lsb_session_destroy(sb, b, err, sizeof err), LSB_OK);
    assert_int_equal(lsb_session_evict(sb, c, err, sizeof err), LSB_OK);
    sleep(1);
    lsb_prune_report rep;
    assert_int_equal(lsb_session_prune(sb, 0, false, &rep, err, sizeof err), LSB_OK);
    assert_int_equal(rep.deleted_count, 1);
    assert_int_equal(rep.error_count, 0);
    lsb_prune_report_free(&rep);
    assert_int_equal(rmdir(root), 0); /* nothing at all is left under the root */
    assert_int_equal(mkdir(root, 0700), 0);
    close_sandbox(sb);
}

/* A second sandbox on the same sessions root: another process's view. */
static lsb_sandbox *open_peer(void) {
    lsb_sandbox *sb;
    char err[ERR_MAX] = "";
    lsb_sessions_config cfg = {.root = root};
    if (lsb_sandbox_open(&sb, assets, err, sizeof err) != LSB_OK ||
        lsb_sandbox_configure_sessions(sb, &cfg, err, sizeof err) != LSB_OK)
        fail_msg("open peer: %s", err);
    return sb;
}

/* Two sandboxes (as two processes) on one session take turns through the
 * workspace lock: a live session process whose workspace another one
 * changed starts its next run from the real usage (8 MiB written by the
 * peer leave no room for 6 more in 10 MiB), and an auto-persist session
 * restores what the peer's run saved instead of its stale globals. */
static void test_other_process_turns(void **state) {
    (void)state;
    lsb_sandbox *a = open_sandbox(NULL);
    lsb_sandbox *b = open_peer();
    char id[LSB_SESSION_ID_MAX + 1], kept[LSB_SESSION_ID_MAX + 1];
    create_quota(a, 10u << 20, id);
    free(exec_out(a, id, "x = 1", true)); /* a's process is live now */
    free(exec_out(b, id, "open('/app/peer', 'wb').write(b'x' * (8 << 20))", true));
    char *out = exec_out(a, id,
                         "try:\n    open('/app/mine', 'wb').write(b'x' * (6 << 20))\n"
                         "    print('wrote')\nexcept OSError as e:\n    print('quota', e.errno)",
                         true);
    assert_string_equal(out, "quota 19\n");
    free(out);
    expect_out(a, id, "print(x)", "1\n"); /* a plain session keeps its live globals */
    create(a, LSB_LANG_PYTHON, true, kept);
    free(exec_out(a, kept, "y = 'café ☕ 日本'", true));
    free(exec_out(b, kept, "y = y + '!'", true));
    expect_out(a, kept, "print(y)", "café ☕ 日本!\n");
    lsb_sandbox_close(b);
    close_sandbox(a);
}

/* Read the on-disk record of session id (malloc'd). */
static char *read_record(const char *id) {
    char path[400], *text = malloc(1 << 16);
    snprintf(path, sizeof path, "%s/%s/session.json", root, id);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(text);
    size_t n = fread(text, 1, (1 << 16) - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

/* Session id's owner label (lsb_session_info_get), checked to be owner. */
static void expect_owner(lsb_sandbox *sb, const char *id, const char *owner) {
    lsb_session_info info;
    char err[ERR_MAX] = "", got[LSB_SESSION_OWNER_MAX + 1];
    if (lsb_session_info_get(sb, id, &info, err, sizeof err) != LSB_OK) fail_msg("info: %s", err);
    assert_string_equal(info.owner, owner);
    assert_int_equal(lsb_session_owner_get(sb, id, got, err, sizeof err), LSB_OK);
    assert_string_equal(got, owner);
}

/* The owner label: given at creation it is in the record (and in a
 * caller's storage adapter's), changed and cleared by
 * lsb_session_set_owner, refused when invalid (nothing created, nothing
 * changed), kept by runs and resets, and still known from a record
 * damaged elsewhere. */
static void test_owner_label(void **state) {
    (void)state;
    lsb_sandbox *sb = open_sandbox(NULL);
    char id[LSB_SESSION_ID_MAX + 1], plain[LSB_SESSION_ID_MAX + 1], err[ERR_MAX] = "";
    char got[LSB_SESSION_OWNER_MAX + 1];
    lsb_session_options o = {.language = LSB_LANG_PYTHON, .owner = "alice:1"};
    assert_int_equal(lsb_session_create(sb, &o, id, err, sizeof err), LSB_OK);
    expect_owner(sb, id, "alice:1");
    char *text = read_record(id);
    assert_non_null(strstr(text, "\"owner\": \"alice:1\""));
    free(text);
    create(sb, LSB_LANG_PYTHON, false, plain);
    expect_owner(sb, plain, "");
    text = read_record(plain);
    assert_null(strstr(text, "owner"));
    free(text);
    o.owner = "café ☕";
    o.id = "refused-owner";
    o.allow_custom_id = true;
    char refused[LSB_SESSION_ID_MAX + 1];
    assert_int_equal(lsb_session_create(sb, &o, refused, err, sizeof err), LSB_ERR_INVALID);
    assert_non_null(strstr(err, "the session owner has the byte 0xc3 at offset 3"));
    assert_int_equal(lsb_session_owner_get(sb, "refused-owner", got, err, sizeof err),
                     LSB_ERR_NO_SESSION); /* nothing was created */
    expect_out(sb, id, "x = 'café ☕ 日本'\nprint(x)", "café ☕ 日本\n");
    expect_owner(sb, id, "alice:1"); /* a run's update keeps it */
    assert_int_equal(lsb_session_set_owner(sb, id, "bob.2", err, sizeof err), LSB_OK);
    expect_owner(sb, id, "bob.2");
    expect_out(sb, id, "print(x)", "café ☕ 日本\n"); /* the live session is untouched */
    assert_int_equal(lsb_session_set_owner(sb, id, "a/b", err, sizeof err), LSB_ERR_INVALID);
    assert_non_null(strstr(err, "0x2f at offset 1"));
    expect_owner(sb, id, "bob.2");
    assert_int_equal(lsb_session_reset(sb, id, err, sizeof err), LSB_OK);
    expect_owner(sb, id, "bob.2");
    assert_int_equal(lsb_session_set_owner(sb, "no-such-session", "bob.2", err, sizeof err),
                     LSB_ERR_NO_SESSION);
    assert_int_equal(lsb_session_owner_get(sb, "no-such-session", got, err, sizeof err),
                     LSB_ERR_NO_SESSION);
    assert_string_equal(got, "");
    assert_int_equal(lsb_session_set_owner(sb, id, NULL, err, sizeof err), LSB_OK);
    expect_owner(sb, id, "");
    /* damaged elsewhere, the record still names its owner */
    assert_int_equal(lsb_session_set_owner(sb, plain, "carol", err, sizeof err), LSB_OK);
    damage_record(plain, "{\"version\": 2, \"owner\": \"carol\"}");
    lsb_session_info info;
    assert_int_equal(lsb_session_info_get(sb, plain, &info, err, sizeof err), LSB_ERR_STORAGE);
    assert_true(info.damaged);
    assert_string_equal(info.owner, "carol");
    assert_int_equal(lsb_session_owner_get(sb, plain, got, err, sizeof err), LSB_ERR_STORAGE);
    assert_string_equal(got, "carol");
    assert_int_equal(lsb_session_set_owner(sb, plain, "dave", err, sizeof err), LSB_ERR_STORAGE);
    damage_record(plain, "{oops");
    assert_int_equal(lsb_session_owner_get(sb, plain, got, err, sizeof err), LSB_ERR_STORAGE);
    assert_string_equal(got, "");
    close_sandbox(sb);
    /* a caller's storage adapter carries the owner too */
    mem_store m = {0};
    lsb_storage store = {&m, mem_put, mem_get, mem_list, mem_remove};
    lsb_sessions_config cfg = {.storage = &store};
    sb = open_sandbox(&cfg);
    o = (lsb_session_options){.language = LSB_LANG_JAVASCRIPT, .owner = "o-0123abcd"};
    assert_int_equal(lsb_session_create(sb, &o, id, err, sizeof err), LSB_OK);
    assert_int_equal(m.count, 1);
    assert_non_null(strstr(m.texts[0], "\"owner\": \"o-0123abcd\""));
    assert_int_equal(lsb_session_set_owner(sb, id, "released", err, sizeof err), LSB_OK);
    assert_non_null(strstr(m.texts[0], "\"owner\": \"released\""));
    expect_owner(sb, id, "released");
    assert_int_equal(lsb_session_destroy(sb, id, err, sizeof err), LSB_OK);
    close_sandbox(sb);
}

/* A run in a session of sandbox sb: ((void **)arg)[0] is sb, [1] the
 * id, [2] the code, [3] how many times; sets [4] (an int) when done. */
static void *run_thread(void *arg) {
    void **a = arg;
    for (int i = 0; i < *(int *)a[3]; i++) {
        lsb_result r;
        char err[ERR_MAX];
        const char *code = a[2];
        lsb_status st =
            lsb_session_execute(a[0], a[1], code, strlen(code), NULL, NULL, &r, err, sizeof err);
        if (st != LSB_OK || !r.success) return (void *)1;
        lsb_result_free(&r);
    }
    __atomic_store_n((int *)a[4], 1, __ATOMIC_SEQ_CST);
    return NULL;
}

/* lsb_session_set_owner under a concurrent writer: runs of one sandbox
 * and owner changes of another on the same sessions root (two processes,
 * as two nodes) interleave through the workspace lock, and neither update
 * is lost (every run counted, the last owner kept). And reading the owner
 * (lsb_session_owner_get) never waits for a run. */
static void test_owner_concurrent(void **state) {
    (void)state;
    lsb_sandbox *a = open_sandbox(NULL);
    lsb_sandbox *b = open_peer();
    char id[LSB_SESSION_ID_MAX + 1], err[ERR_MAX] = "", got[LSB_SESSION_OWNER_MAX + 1];
    create(a, LSB_LANG_PYTHON, false, id);
    assert_int_equal(lsb_sandbox_start_zygotes(a, err, sizeof err), LSB_OK);
    expect_out(a, id, "n = 0", "");
    int runs = 12, done = 0;
    void *args[] = {a, id, "n += 1", &runs, &done};
    pthread_t t;
    pthread_create(&t, NULL, run_thread, args);
    char owner[32] = "";
    for (int i = 1; !__atomic_load_n(&done, __ATOMIC_SEQ_CST); i++) { /* as long as it runs */
        snprintf(owner, sizeof owner, "w-%d", i);
        assert_int_equal(lsb_session_set_owner(b, id, owner, err, sizeof err), LSB_OK);
    }
    void *rc;
    pthread_join(t, &rc);
    assert_null(rc);
    expect_out(a, id, "print(n)", "12\n");
    lsb_session_info info;
    assert_int_equal(lsb_session_info_get(b, id, &info, err, sizeof err), LSB_OK);
    assert_int_equal(info.execution_count, 14); /* "n = 0", 12 runs, "print(n)" */
    assert_string_equal(info.owner, owner);
    /* a reader does not wait for a 2 s run */
    int once = 1;
    done = 0;
    void *slow[] = {a, id, "import time\ntime.sleep(2)", &once, &done};
    pthread_create(&t, NULL, run_thread, slow);
    usleep(500 * 1000);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(lsb_session_owner_get(a, id, got, err, sizeof err), LSB_OK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_int_equal(__atomic_load_n(&done, __ATOMIC_SEQ_CST), 0); /* still running */
    assert_string_equal(got, owner);
    assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 < 500);
    pthread_join(t, &rc);
    assert_null(rc);
    lsb_sandbox_close(b);
    close_sandbox(a);
}

/* Idle destruction as two nodes' expiry threads see it: a session just
 * used is kept; one running in another process (node) is kept at once,
 * without waiting for the run; an idle one goes; a second sweep of a gone
 * one is NO_SESSION. */
static void test_destroy_idle(void **state) {
    (void)state;
    lsb_sandbox *a = open_sandbox(NULL);
    lsb_sandbox *b = open_peer();
    char id[LSB_SESSION_ID_MAX + 1], err[ERR_MAX] = "";
    bool destroyed = true;
    create(a, LSB_LANG_PYTHON, true, id);
    expect_out(a, id, "v = 'café'", "");
    assert_int_equal(lsb_session_destroy_idle(b, id, 3600, &destroyed, err, sizeof err), LSB_OK);
    assert_false(destroyed); /* used a moment ago */
    int once = 1, done = 0;
    void *slow[] = {a, id, "import time\ntime.sleep(2)", &once, &done};
    pthread_t t;
    pthread_create(&t, NULL, run_thread, slow);
    usleep(500 * 1000);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    destroyed = true;
    assert_int_equal(lsb_session_destroy_idle(b, id, 0, &destroyed, err, sizeof err), LSB_OK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_false(destroyed); /* running in the other "node": in use */
    assert_int_equal(__atomic_load_n(&done, __ATOMIC_SEQ_CST), 0);
    assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 < 1000);
    void *rc;
    pthread_join(t, &rc);
    assert_null(rc);
    assert_int_equal(lsb_session_destroy_idle(b, id, 0, &destroyed, err, sizeof err), LSB_OK);
    assert_true(destroyed);
    assert_int_equal(lsb_session_destroy_idle(a, id, 0, &destroyed, err, sizeof err),
                     LSB_ERR_NO_SESSION);
    assert_false(destroyed);
    lsb_sandbox_close(b);
    close_sandbox(a);
}

/* Setting a session's times: both stored and read back, a negative one
 * kept, bad ones refused with nothing changed, and prune ages the session
 * by the time set (an importer, or the Python package's write_metadata). */
static void test_set_times(void **state) {
    (void)state;
    lsb_sandbox *sb = open_sandbox(NULL);
    char id[LSB_SESSION_ID_MAX + 1], err[ERR_MAX] = "";
    lsb_session_info info;
    create(sb, LSB_LANG_PYTHON, false, id);
    double old = (double)time(NULL) - 10 * 86400.0;
    assert_int_equal(lsb_session_set_times(sb, id, old - 60, old, err, sizeof err), LSB_OK);
    assert_int_equal(lsb_session_info_get(sb, id, &info, err, sizeof err), LSB_OK);
    assert_true(fabs(info.created_at - (old - 60)) < 0.01 && fabs(info.last_used_at - old) < 0.01);
    assert_int_equal(lsb_session_set_times(sb, id, -1, old + 5, err, sizeof err), LSB_OK);
    assert_int_equal(lsb_session_info_get(sb, id, &info, err, sizeof err), LSB_OK);
    assert_true(fabs(info.created_at - (old - 60)) < 0.01 &&
                fabs(info.last_used_at - old - 5) < 0.01);
    assert_int_equal(lsb_session_set_times(sb, id, NAN, -1, err, sizeof err), LSB_ERR_INVALID);
    assert_int_equal(
        lsb_session_set_times(sb, id, -1, (double)time(NULL) + 3 * 86400.0, err, sizeof err),
        LSB_ERR_INVALID);
    assert_int_equal(lsb_session_set_times(sb, "no-such-session", -1, old, err, sizeof err),
                     LSB_ERR_NO_SESSION);
    lsb_prune_report rep;
    assert_int_equal(lsb_session_prune(sb, 7 * 86400, true, &rep, err, sizeof err), LSB_OK);
    assert_int_equal(rep.deleted_count, 1);
    assert_string_equal(rep.deleted[0].id, id);
    lsb_prune_report_free(&rep);
    close_sandbox(sb);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s ASSETS_DIR\n", argv[0]);
        return 2;
    }
    assets = argv[1];
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_live_objects_persist),
        cmocka_unit_test(test_failures_roll_back),
        cmocka_unit_test(test_evict_and_restore),
        cmocka_unit_test(test_corrupt_state),
        cmocka_unit_test(test_isolation),
        cmocka_unit_test(test_javascript_repl),
        cmocka_unit_test(test_environment_per_run),
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_destroy_reset_prune),
        cmocka_unit_test(test_storage_adapter),
        cmocka_unit_test(test_damaged_record),
        cmocka_unit_test(test_failing_storage),
        cmocka_unit_test(test_prune_summary_text),
        cmocka_unit_test(test_prune_report),
        cmocka_unit_test(test_prune_disk_error),
        cmocka_unit_test(test_file_glob),
        cmocka_unit_test(test_file_overwrite_and_folders),
        cmocka_unit_test(test_adopt_legacy),
        cmocka_unit_test(test_concurrency),
        cmocka_unit_test(test_killed_process_rematerialises),
        cmocka_unit_test(test_live_cap),
        cmocka_unit_test(test_idle_ttl),
        cmocka_unit_test(test_memory_pressure),
        cmocka_unit_test(test_failed_runs_count_quota),
        cmocka_unit_test(test_deep_trees_are_removed),
        cmocka_unit_test(test_other_process_turns),
        cmocka_unit_test(test_owner_label),
        cmocka_unit_test(test_owner_concurrent),
        cmocka_unit_test(test_destroy_idle),
        cmocka_unit_test(test_set_times),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
