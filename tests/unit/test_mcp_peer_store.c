/*
 * test_mcp_peer_store.c - HTTP protocol sessions on disk
 * (src/mcp/peer_store.c) and the peer table that keeps them: a session
 * saved by one node loads on another with what initialize negotiated;
 * ids that could name another file, damaged records, links and oversized
 * files load as unknown; a used file is touched, a gone one reported; the
 * sweep removes only expired records and stale temporary files; an
 * eviction removes a file no other node is using, and keeps one in use.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mcp/peer_store.h"

#define ID_A "0b8f1c2e-3d4a-4b5c-8d6e-7f8091a2b3c4"
#define ID_B "1c9e2d3f-4e5b-4c6d-9e7f-8091a2b3c4d5"

/* A fresh temporary store folder (freed by the test with rm -rf). */
static char *new_store(void) {
    char *dir = strdup("/tmp/lsb-peer-store-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return dir;
}

/* Remove dir and everything in it. */
static void drop_store(char *dir) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    free(dir);
}

/* Write text as dir/name. */
static void put_file(const char *dir, const char *name, const char *text, size_t len) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
}

/* Set dir/name's modification time to seconds_ago. */
static void age_file(const char *dir, const char *name, long seconds_ago) {
    char path[512];
    struct timespec t[2];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    clock_gettime(CLOCK_REALTIME, &t[0]);
    t[0].tv_sec -= seconds_ago;
    t[1] = t[0];
    assert_int_equal(utimensat(AT_FDCWD, path, t, AT_SYMLINK_NOFOLLOW), 0);
}

/* Whether dir/name exists. */
static bool has_file(const char *dir, const char *name) {
    char path[512];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return lstat(path, &st) == 0;
}

static void test_ids(void **state) {
    (void)state;
    assert_true(mcp_peer_store_id_ok(ID_A));
    assert_false(mcp_peer_store_id_ok("0B8F1C2E-3D4A-4B5C-8D6E-7F8091A2B3C4")); /* not ours */
    assert_false(mcp_peer_store_id_ok("../../../../../../../../etc/passwd-xxxx"));
    assert_false(mcp_peer_store_id_ok("0b8f1c2e/3d4a-4b5c-8d6e-7f8091a2b3c4"));
    assert_false(mcp_peer_store_id_ok(ID_A "0"));
    assert_false(mcp_peer_store_id_ok(""));
    assert_false(mcp_peer_store_id_ok(NULL));
}

static void test_round_trip(void **state) {
    (void)state;
    char *dir = new_store(), err[512];
    mcp_peer_record rec;
    mcp_peer *p = mcp_peer_new_with_id(ID_A, "ip:10.0.0.1");
    assert_non_null(p);
    snprintf(p->version, sizeof p->version, "2025-11-25");
    mcp_peer_set_client(p, "café ☕ 日本", strlen("café ☕ 日本"));
    atomic_store(&p->log_level, 3);
    assert_int_equal(mcp_peer_store_save(dir, p, err, sizeof err), 0);
    mcp_peer_record q;
    assert_int_equal(mcp_peer_store_load(dir, ID_A, &q), 0);
    assert_string_equal(q.version, "2025-11-25");
    assert_string_equal(q.client, "café ☕ 日本");
    assert_int_equal(q.log_level, 3);
    struct stat st;
    char path[512];
    snprintf(path, sizeof path, "%s/%s.json", dir, ID_A);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(mcp_peer_store_load(dir, ID_B, &rec), -1); /* never saved */
    mcp_peer_store_forget(dir, ID_A);
    assert_int_equal(mcp_peer_store_load(dir, ID_A, &rec), -1);
    mcp_peer_unref(p);
    drop_store(dir);
}

static void test_damaged_records(void **state) {
    (void)state;
    static const char *const bad[] = {
        "not json",
        "[]",
        "{\"version\":\"2025-11-25\",\"client\":\"x\"}",
        "{\"version\":\"2025-11-25\",\"client\":\"x\",\"log_level\":99}",
        "{\"version\":\"2025-11-25\",\"client\":\"x\",\"log_level\":\"3\"}",
        "{\"version\":\"2025-11-25-and-far-too-long\",\"client\":\"x\",\"log_level\":1}",
        "{\"version\":\"2025-11-25\",\"client\":\"caf\\u0000e\",\"log_level\":1}",
        "{\"version\":\"2025-11-25\",\"client\":7,\"log_level\":1}",
        "{\"version\":\"2025-11-25\",\"version\":\"x\",\"client\":\"x\",\"log_level\":1}",
    };
    char *dir = new_store();
    mcp_peer_record rec;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        put_file(dir, ID_A ".json", bad[i], strlen(bad[i]));
        assert_int_equal(mcp_peer_store_load(dir, ID_A, &rec), -1);
    }
    char big[5000];
    int n = snprintf(big, sizeof big,
                     "{\"version\":\"2025-11-25\",\"client\":\"x\",\"log_level\":1,"
                     "\"pad\":\"");
    memset(big + n, 'a', sizeof big - (size_t)n - 2);
    memcpy(big + sizeof big - 2, "\"}", 2);
    put_file(dir, ID_A ".json", big, sizeof big);
    assert_int_equal(mcp_peer_store_load(dir, ID_A, &rec), -1); /* over the cap */
    const char *good = "{\"version\":\"2025-11-25\",\"client\":\"x\",\"log_level\":-1}";
    put_file(dir, "target", good, strlen(good));
    char link[512];
    snprintf(link, sizeof link, "%s/%s.json", dir, ID_B);
    assert_int_equal(symlink("target", link), 0);
    assert_int_equal(mcp_peer_store_load(dir, ID_B, &rec), -1); /* links are not followed */
    put_file(dir, ID_A ".json", good, strlen(good));
    assert_int_equal(mcp_peer_store_load(dir, ID_A, &rec), 0);
    assert_int_equal(rec.log_level, -1);
    drop_store(dir);
}

static void test_touch_and_sweep(void **state) {
    (void)state;
    char *dir = new_store();
    const char *good = "{\"version\":\"2025-11-25\",\"client\":\"x\",\"log_level\":-1}";
    put_file(dir, ID_A ".json", good, strlen(good));
    put_file(dir, ID_B ".json", good, strlen(good));
    put_file(dir, ID_B ".json.tmp-123", "half", 4);
    put_file(dir, "notes.txt", "keep", 4);
    age_file(dir, ID_A ".json", 7200);
    age_file(dir, ID_B ".json.tmp-123", 120);
    age_file(dir, "notes.txt", 7200);
    assert_false(mcp_peer_store_fresh(dir, ID_A, 3600));
    assert_true(mcp_peer_store_fresh(dir, ID_B, 3600));
    assert_int_equal(mcp_peer_store_touch(dir, ID_A), 0); /* used again: fresh */
    assert_true(mcp_peer_store_fresh(dir, ID_A, 3600));
    age_file(dir, ID_A ".json", 7200);
    assert_int_equal(mcp_peer_store_sweep(dir, 3600), 2); /* the old record and the temp */
    assert_false(has_file(dir, ID_A ".json"));
    assert_false(has_file(dir, ID_B ".json.tmp-123"));
    assert_true(has_file(dir, ID_B ".json"));
    assert_true(has_file(dir, "notes.txt"));
    errno = 0;
    assert_int_equal(mcp_peer_store_touch(dir, ID_A), -1); /* ended elsewhere */
    assert_int_equal(errno, ENOENT);
    drop_store(dir);
}

/* A peer of key with id, saved in dir, idle and unused, held only by t. */
static void add_saved(mcp_peer_table *t, const char *dir, const char *id, const char *key) {
    char err[512];
    mcp_peer *p = mcp_peer_new_with_id(id, key);
    assert_non_null(p);
    assert_int_equal(mcp_peer_store_save(dir, p, err, sizeof err), 0);
    assert_int_equal(mcp_peer_table_add(t, p), MCP_PEER_ADDED);
    assert_int_equal(mcp_peer_table_add(t, p), MCP_PEER_EXISTS);
    mcp_peer_unref(p);
}

static void test_table_eviction(void **state) {
    (void)state;
    char *dir = new_store();
    mcp_peer_table *t = mcp_peer_table_new(10, 1, 3600, 600, NULL);
    assert_non_null(t);
    mcp_peer_table_set_store(t, dir);
    assert_string_equal(mcp_peer_table_store(t), dir);
    add_saved(t, dir, ID_A, "ip:10.0.0.1");
    age_file(dir, ID_A ".json", 3 * MCP_PEER_STORE_TOUCH_S);
    add_saved(t, dir, ID_B, "ip:10.0.0.1"); /* evicts A, whose file nobody touched */
    assert_false(has_file(dir, ID_A ".json"));
    mcp_peer *c = mcp_peer_new(NULL);
    assert_non_null(c);
    snprintf(c->key, sizeof c->key, "ip:10.0.0.1");
    assert_int_equal(mcp_peer_table_add(t, c), MCP_PEER_ADDED); /* evicts B: just touched */
    assert_true(has_file(dir, ID_B ".json"));                   /* another node may use it */
    mcp_peer_unref(c);
    mcp_peer_table_free(t);
    drop_store(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_damaged_records),
        cmocka_unit_test(test_touch_and_sweep),
        cmocka_unit_test(test_table_eviction),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
