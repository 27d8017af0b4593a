/*
 * session_bench.c - live sessions measured side by side, for bench/run.sh.
 * Usage: session_bench ASSETS RUNS. Prints, each against a baseline from
 * this same process:
 *   - a warm call in a live session vs a new execution from the zygote;
 *   - a ten-step REPL sequence in one session vs ten new executions;
 *   - re-materialising an evicted session (with state) vs a warm call;
 *   - PSS per idle live Python session (and sessions per GiB);
 *   - the first imports of a new session with and without the zygote's
 *     pre-imports.
 * Nothing is asserted: it prints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"
#include "llmsandbox.h"

#define BENCH_MAX_RUNS 2000
#define BENCH_IDLE     20 /* idle sessions for the PSS measurement */
#define BENCH_ERR      512

static const char *assets;
static char root[128];

/* Abort the benchmark with a message. */
static _Noreturn void die(const char *what, const char *err) {
    fprintf(stderr, "session_bench: %s: %s\n", what, err);
    exit(1);
}

/* A sandbox with sessions under root; preimports NULL keeps the default. */
static lsb_sandbox *open_sb(const char *const *preimports) {
    lsb_sandbox *sb;
    char err[BENCH_ERR] = "";
    lsb_sessions_config cfg = {.root = root, .preimports = preimports};
    if (lsb_sandbox_open(&sb, assets, err, sizeof err) != LSB_OK ||
        lsb_sandbox_configure_sessions(sb, &cfg, err, sizeof err) != LSB_OK ||
        lsb_sandbox_start_zygotes(sb, err, sizeof err) != LSB_OK)
        die("open", err);
    return sb;
}

/* Create a session of lang; the id goes to id. */
static void create(lsb_sandbox *sb, lsb_language lang, bool persist, char *id) {
    char err[BENCH_ERR] = "";
    lsb_session_options o = {.language = lang, .auto_persist_globals = persist};
    if (lsb_session_create(sb, &o, id, err, sizeof err) != LSB_OK) die("create", err);
}

/* Time one call of code: in session id, or one-shot when id is NULL. */
static double timed(lsb_sandbox *sb, lsb_language lang, const char *id, const char *code) {
    lsb_policy p;
    lsb_policy_init(&p);
    lsb_result r;
    char err[BENCH_ERR] = "";
    double t0 = now_ms();
    lsb_status st =
        id ? lsb_session_execute(sb, id, code, strlen(code), NULL, NULL, &r, err, sizeof err)
           : lsb_execute(sb, lang, code, strlen(code), NULL, &p, &r, err, sizeof err);
    double ms = now_ms() - t0;
    if (st != LSB_OK) die("execute", err);
    if (!r.success) die("execute", r.stderr_data);
    lsb_result_free(&r);
    return ms;
}

/* Print one row: label, p50, p95 and the ratio of p50 to base. */
static void row(const char *label, double *ms, int n, double base) {
    qsort(ms, (size_t)n, sizeof *ms, cmp_double);
    double p50 = ms[n / 2], p95 = ms[(int)(0.95 * (n - 1))];
    printf("  %-52s p50 %8.3f ms   p95 %8.3f ms   x%6.2f\n", label, p50, p95,
           base > 0 ? p50 / base : 1.0);
}

/* Warm calls in a live session against new executions, interleaved. */
static void warm_calls(lsb_sandbox *sb, lsb_language lang, const char *code, int runs) {
    static double live[BENCH_MAX_RUNS], fresh[BENCH_MAX_RUNS];
    char id[LSB_SESSION_ID_MAX + 1], label[96];
    create(sb, lang, false, id);
    timed(sb, lang, id, code);
    for (int i = 0; i < runs; i++) {
        fresh[i] = timed(sb, lang, NULL, code);
        live[i] = timed(sb, lang, id, code);
    }
    qsort(fresh, (size_t)runs, sizeof *fresh, cmp_double);
    double base = fresh[runs / 2];
    snprintf(label, sizeof label, "new execution (zygote), %s", code);
    row(label, fresh, runs, base);
    snprintf(label, sizeof label, "warm call in a live session, %s", code);
    row(label, live, runs, base);
}

/* Ten REPL steps in one session against ten new executions. */
static void repl_sequence(lsb_sandbox *sb, int runs) {
    static const char *steps[] = {"import json",
                                  "data = [i * i for i in range(100)]",
                                  "total = sum(data)",
                                  "def mean(xs): return sum(xs) / len(xs)",
                                  "m = mean(data)",
                                  "doc = json.dumps({'total': total, 'mean': m})",
                                  "back = json.loads(doc)",
                                  "assert back['total'] == total",
                                  "words = 'a b c d'.split()",
                                  "print(len(words), m)"};
    static double live[BENCH_MAX_RUNS], fresh[BENCH_MAX_RUNS];
    for (int i = 0; i < runs; i++) {
        char id[LSB_SESSION_ID_MAX + 1], err[BENCH_ERR];
        create(sb, LSB_LANG_PYTHON, false, id);
        timed(sb, LSB_LANG_PYTHON, id, "pass"); /* go live first: measure the steps */
        double t0 = now_ms();
        for (int s = 0; s < 10; s++)
            timed(sb, LSB_LANG_PYTHON, id, steps[s]);
        live[i] = now_ms() - t0;
        t0 = now_ms();
        for (int s = 0; s < 10; s++) /* the steps depend on each other: run print(1) */
            timed(sb, LSB_LANG_PYTHON, NULL, "print(1)");
        fresh[i] = now_ms() - t0;
        lsb_session_destroy(sb, id, err, sizeof err);
    }
    qsort(fresh, (size_t)runs, sizeof *fresh, cmp_double);
    row("ten one-shot executions of print(1) (total)", fresh, runs, fresh[runs / 2]);
    row("ten-step REPL sequence in one live session (total)", live, runs, fresh[runs / 2]);
}

/* Evict-and-run against a warm call, with ~100 persisted globals. */
static void rematerialise(lsb_sandbox *sb, int runs) {
    static double back[BENCH_MAX_RUNS], warm[BENCH_MAX_RUNS];
    char id[LSB_SESSION_ID_MAX + 1], err[BENCH_ERR];
    create(sb, LSB_LANG_PYTHON, true, id);
    timed(sb, LSB_LANG_PYTHON, id, "for i in range(100): globals()['v%d' % i] = list(range(i))");
    for (int i = 0; i < runs; i++) {
        warm[i] = timed(sb, LSB_LANG_PYTHON, id, "x = v99[-1]");
        lsb_session_evict(sb, id, err, sizeof err);
        back[i] = timed(sb, LSB_LANG_PYTHON, id, "x = v99[-1]");
    }
    qsort(warm, (size_t)runs, sizeof *warm, cmp_double);
    row("warm call (100 persisted globals)", warm, runs, warm[runs / 2]);
    row("re-materialise an evicted session, then run", back, runs, warm[runs / 2]);
}

/* The Pss line of /proc/pid/smaps_rollup in KiB, or -1. */
static long pss_kib(int pid) {
    char path[64], line[256];
    long kib = -1;
    snprintf(path, sizeof path, "/proc/%d/smaps_rollup", pid);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "Pss: %ld kB", &kib) == 1) break;
    if (f) fclose(f);
    return kib;
}

/* PSS of BENCH_IDLE idle live Python sessions, each after one small cell. */
static void idle_memory(lsb_sandbox *sb) {
    char ids[BENCH_IDLE][LSB_SESSION_ID_MAX + 1], err[BENCH_ERR];
    long total = 0;
    for (int i = 0; i < BENCH_IDLE; i++) {
        create(sb, LSB_LANG_PYTHON, false, ids[i]);
        timed(sb, LSB_LANG_PYTHON, ids[i], "import json\nrows = [{'i': i} for i in range(1000)]");
    }
    for (int i = 0; i < BENCH_IDLE; i++) {
        lsb_session_info info;
        if (lsb_session_info_get(sb, ids[i], &info, err, sizeof err) != LSB_OK || info.pid <= 0)
            die("info", err);
        total += pss_kib(info.pid);
    }
    double per = (double)total / BENCH_IDLE / 1024.0;
    printf("  %-52s %8.2f MiB PSS each   %6.0f sessions per GiB\n",
           "idle live Python session (after one cell)", per, 1024.0 / per);
}

/* A new session's first imports, with and without the zygote's pre-imports. */
static void preimports(int runs) {
    static const char *const none[] = {NULL};
    static double with[BENCH_MAX_RUNS], without[BENCH_MAX_RUNS];
    const char *code = "import csv, statistics, decimal, fractions, dataclasses, pathlib, uuid";
    lsb_sandbox *a = open_sb(NULL), *b = open_sb(none);
    for (int i = 0; i < runs; i++) {
        char ia[LSB_SESSION_ID_MAX + 1], ib[LSB_SESSION_ID_MAX + 1];
        create(a, LSB_LANG_PYTHON, false, ia);
        create(b, LSB_LANG_PYTHON, false, ib);
        without[i] = timed(b, LSB_LANG_PYTHON, ib, code);
        with[i] = timed(a, LSB_LANG_PYTHON, ia, code);
    }
    qsort(without, (size_t)runs, sizeof *without, cmp_double);
    row("new session, first imports, no pre-imports", without, runs, without[runs / 2]);
    row("new session, first imports, default pre-imports", with, runs, without[runs / 2]);
    lsb_sandbox_close(a);
    lsb_sandbox_close(b);
}

int main(int argc, char **argv) {
    if (argc != 3) return 2;
    int runs = atoi(argv[2]);
    if (runs < 2 || runs > BENCH_MAX_RUNS) return 2;
    assets = argv[1];
    snprintf(root, sizeof root, "/tmp/lsb-session-bench-%d", (int)getpid());
    lsb_sandbox *sb = open_sb(NULL);
    warm_calls(sb, LSB_LANG_PYTHON, "x = 1", runs);
    warm_calls(sb, LSB_LANG_JAVASCRIPT, "var x = 1", runs);
    repl_sequence(sb, runs / 4 > 2 ? runs / 4 : 2);
    rematerialise(sb, runs / 2 > 2 ? runs / 2 : 2);
    idle_memory(sb);
    lsb_sandbox_close(sb);
    preimports(runs / 4 > 2 ? runs / 4 : 2);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", root);
    return system(cmd) == 0 ? 0 : 1;
}
