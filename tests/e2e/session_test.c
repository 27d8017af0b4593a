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
 * damaged), concurrency, and install_package.
 */
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
    assert_string_equal(first.files_created[0], "/app/keep.txt");
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
    sleep(1);
    assert_int_equal(lsb_session_evict(sb, a, err, sizeof err), LSB_OK);
    assert_int_equal(lsb_session_prune(sb, 0, true, &rep, err, sizeof err), LSB_OK);
    assert_int_equal(rep.sessions, 2);
    assert_int_equal(lsb_session_destroy(sb, b, err, sizeof err), LSB_OK);
    assert_int_equal(lsb_session_destroy(sb, b, err, sizeof err), LSB_ERR_NO_SESSION);
    lsb_result r;
    assert_int_equal(lsb_session_execute(sb, b, "1", 1, NULL, NULL, &r, err, sizeof err),
                     LSB_ERR_NO_SESSION);
    assert_int_equal(lsb_session_prune(sb, 0, false, &rep, err, sizeof err), LSB_OK);
    assert_int_equal(rep.sessions, 1);
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

/* A session whose record is damaged is left out of lists but can still be
 * destroyed and pruned, workspace and all; the healthy ones are untouched. */
static void test_damaged_record(void **state) {
    (void)state;
    lsb_sandbox *sb = open_sandbox(NULL);
    char good[LSB_SESSION_ID_MAX + 1], bad[LSB_SESSION_ID_MAX + 1], gone[LSB_SESSION_ID_MAX + 1];
    char err[ERR_MAX], path[400];
    create(sb, LSB_LANG_PYTHON, false, good);
    create(sb, LSB_LANG_PYTHON, false, bad);
    create(sb, LSB_LANG_JAVASCRIPT, false, gone);
    assert_int_equal(lsb_session_file_write(sb, bad, "/app/f.txt", "12345", 5, err, sizeof err),
                     LSB_OK);
    damage_record(bad, "{not json");
    damage_record(gone, "{\"version\": 1, \"id\": 7}");
    lsb_session_info info, *v;
    size_t n;
    assert_int_equal(lsb_session_info_get(sb, bad, &info, err, sizeof err), LSB_ERR_STORAGE);
    assert_int_equal(lsb_session_list(sb, &v, &n, err, sizeof err), LSB_OK);
    assert_int_equal(n, 1);
    assert_string_equal(v[0].id, good);
    free(v);
    assert_int_equal(lsb_session_destroy(sb, gone, err, sizeof err), LSB_OK);
    snprintf(path, sizeof path, "%s/%s", root, gone);
    assert_int_not_equal(access(path, F_OK), 0);
    assert_int_equal(lsb_session_destroy(sb, gone, err, sizeof err), LSB_ERR_NO_SESSION);
    lsb_prune_report rep;
    assert_int_equal(lsb_session_prune(sb, 3600, false, &rep, err, sizeof err), LSB_OK);
    assert_int_equal(rep.sessions, 0); /* the damaged one is recent too */
    assert_int_equal(lsb_session_prune(sb, 0, true, &rep, err, sizeof err), LSB_OK);
    assert_int_equal(rep.sessions, 2);
    assert_int_equal(rep.bytes, 5);
    assert_int_equal(lsb_session_info_get(sb, good, &info, err, sizeof err), LSB_OK);
    assert_int_equal(lsb_session_prune(sb, 0, false, &rep, err, sizeof err), LSB_OK);
    assert_int_equal(rep.sessions, 2);
    snprintf(path, sizeof path, "%s/%s", root, bad);
    assert_int_not_equal(access(path, F_OK), 0);
    char **ids;
    assert_int_equal(lsb_session_ids(sb, &ids, &n, err, sizeof err), LSB_OK);
    assert_int_equal(n, 0);
    lsb_session_ids_free(ids, n);
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
        cmocka_unit_test(test_concurrency),
        cmocka_unit_test(test_killed_process_rematerialises),
        cmocka_unit_test(test_live_cap),
        cmocka_unit_test(test_idle_ttl),
        cmocka_unit_test(test_memory_pressure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
