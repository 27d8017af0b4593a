/*
 * native_qjs.c - a minimal native QuickJS runner, for benchmarks only.
 *
 * Compiled by bench/run.sh with gcc -O2 against the very QuickJS sources the
 * guest is built from, so "native QuickJS" in the benchmark table is the
 * same engine without WebAssembly. Usage: native_qjs FILE.js | -e CODE.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quickjs.h"

/* console.log: print the arguments as strings, space-separated. */
static JSValue console_log(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    for (int i = 0; i < argc; i++) {
        const char *s = JS_ToCString(ctx, argv[i]);
        fputs(i ? " " : "", stdout);
        fputs(s ? s : "?", stdout);
        JS_FreeCString(ctx, s);
    }
    fputc('\n', stdout);
    return JS_UNDEFINED;
}

/* Read a whole file; NULL on failure. */
static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) n = 0;
    fclose(f);
    if (buf) buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}

int main(int argc, char **argv) {
    if (argc != 2 && !(argc == 3 && strcmp(argv[1], "-e") == 0)) {
        fprintf(stderr, "usage: native_qjs FILE.js | -e CODE\n");
        return 2;
    }
    size_t len;
    char *code = argc == 3 ? strdup(argv[2]) : read_file(argv[1], &len);
    if (code == NULL) return 2;
    JSRuntime *rt = JS_NewRuntime();
    JSContext *ctx = JS_NewContext(rt);
    JSValue global = JS_GetGlobalObject(ctx), console = JS_NewObject(ctx);
    JS_SetPropertyStr(ctx, console, "log", JS_NewCFunction(ctx, console_log, "log", 1));
    JS_SetPropertyStr(ctx, global, "console", console);
    JS_FreeValue(ctx, global);
    JSValue v = JS_Eval(ctx, code, strlen(code), "bench.js", JS_EVAL_TYPE_GLOBAL);
    int status = JS_IsException(v) ? 1 : 0;
    JS_FreeValue(ctx, v);
    JSContext *job_ctx;
    while (JS_ExecutePendingJob(rt, &job_ctx) > 0) {
    }
    fflush(stdout);
    free(code);
    return status;
}
