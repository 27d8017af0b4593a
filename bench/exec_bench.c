/*
 * exec_bench.c - in-process latency of lsb_execute, for bench/run.sh.
 *
 * Measures what a long-running embedder (the MCP server) pays per new
 * execution: with zygotes (restore once, fork per run) against forking a
 * child that restores the snapshot itself. Usage: exec_bench ASSETS RUNS.
 * Prints p50/p95 per language and mode, with the ratio between the modes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_clock.h"
#include "llmsandbox.h"

#define BENCH_MAX_RUNS 10000

/* Run code `runs` times and store each latency in ms; 0, or -1 on failure. */
static int measure(lsb_sandbox *sb, lsb_language lang, const char *code, int runs, double *ms) {
    lsb_policy policy;
    lsb_policy_init(&policy);
    for (int i = 0; i < runs; i++) {
        lsb_result r;
        char err[512];
        double t0 = now_ms();
        if (lsb_execute(sb, lang, code, strlen(code), NULL, &policy, &r, err, sizeof err) !=
            LSB_OK) {
            fprintf(stderr, "exec_bench: %s\n", err);
            return -1;
        }
        ms[i] = now_ms() - t0;
        int ok = r.success;
        lsb_result_free(&r);
        if (!ok) return -1;
    }
    qsort(ms, (size_t)runs, sizeof *ms, cmp_double);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 3) return 2;
    int runs = atoi(argv[2]);
    if (runs < 2 || runs > BENCH_MAX_RUNS) return 2;
    const char *code[] = {"print(1)", "console.log(1)"};
    lsb_language langs[] = {LSB_LANG_PYTHON, LSB_LANG_JAVASCRIPT};
    static double fork_ms[BENCH_MAX_RUNS], zyg_ms[BENCH_MAX_RUNS];
    char err[512];
    for (int l = 0; l < 2; l++) {
        lsb_sandbox *plain, *zyg;
        if (lsb_sandbox_open(&plain, argv[1], err, sizeof err) != LSB_OK ||
            lsb_sandbox_open(&zyg, argv[1], err, sizeof err) != LSB_OK ||
            lsb_sandbox_start_zygotes(zyg, err, sizeof err) != LSB_OK) {
            fprintf(stderr, "exec_bench: %s\n", err);
            return 1;
        }
        if (measure(plain, langs[l], code[l], runs, fork_ms) != 0 ||
            measure(zyg, langs[l], code[l], runs, zyg_ms) != 0)
            return 1;
        int p95 = (int)(0.95 * (runs - 1));
        printf("  %-44s p50 %9.2f ms   p95 %9.2f ms   x%6.2f\n",
               l ? "library: fork + restore, console.log(1)" : "library: fork + restore, print(1)",
               fork_ms[runs / 2], fork_ms[p95], 1.0);
        printf("  %-44s p50 %9.2f ms   p95 %9.2f ms   x%6.2f\n",
               l ? "library: zygote fork, console.log(1)" : "library: zygote fork, print(1)",
               zyg_ms[runs / 2], zyg_ms[p95], zyg_ms[runs / 2] / fork_ms[runs / 2]);
        lsb_sandbox_close(plain);
        lsb_sandbox_close(zyg);
    }
    return 0;
}
