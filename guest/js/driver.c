/*
 * driver.c - the QuickJS guest: a wasm32-wasi reactor driven by the host
 * through lsb_init() and lsb_run() (the contract is ../lsb_abi.h).
 *
 * Owns the one runtime and context, the native half of the globals (output,
 * process.exit, lsb.emit, compiling modules; the file primitives are in
 * files.c), per-run state (env, argv, Math.random seed, run options), the
 * job and timer loop, and how an uncaught error is printed and reported.
 * The JavaScript half of the globals is prelude.js, whose source the host
 * hands over at init (request field LSB_REQ_PRELUDE), so it lives in the
 * host's snapshot and a change to it needs no guest rebuild. User code is
 * compiled with JS_EVAL_FLAG_REPL_GLOBALS (patches/0002), so a live session
 * may declare the same top-level names in every run. Invariant: every run
 * ends with stdout and stderr flushed, whatever happened.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <malloc.h>
#include <wasi/api.h>

#include "../lsb_abi.h"
#include "files.h"
#include "quickjs.h"

/* Linear-memory stack size, the same number build.sh gives the linker. */
#ifndef LSB_STACK_SIZE
#define LSB_STACK_SIZE (1024 * 1024)
#endif
/* Stack kept below QuickJS's limit for C code that does not check it
 * (printf, libc, the error path itself). */
#define STACK_RESERVE (128 * 1024)
/* Freed when malloc first fails, so that the "out of memory" error can
 * still be built, formatted and printed. */
#define OOM_RESERVE_SIZE (512 * 1024)
/* Per-block overhead counted in QuickJS's malloc_size (which drives its GC
 * threshold), as its default allocator counts it. */
#define MALLOC_OVERHEAD 8

#define DEFAULT_FILENAME "main.js"
#define ARGV0            "qjs"
#define PRELUDE_FILENAME "<prelude>"

#define EXIT_OK             0
#define EXIT_UNCAUGHT       1
#define INIT_OK             0
#define INIT_NO_MEMORY      1
#define INIT_PRELUDE_FAILED 2
#define INIT_NO_APP_DIR     3

#define LSB_IMPORT(name) __attribute__((import_module("lsb"), import_name(name)))
#define LSB_EXPORT(name) __attribute__((export_name(name)))

LSB_IMPORT("request_get")
int32_t host_request_get(int32_t field, void *buf, int32_t cap);
LSB_IMPORT("report_error")
void host_report_error(const char *type, int32_t type_len, const char *msg, int32_t msg_len);
LSB_IMPORT("emit")
void host_emit(int32_t kind, const char *data, int32_t len);

/* One rejected promise that had no handler when it was rejected. */
typedef struct {
    JSValue promise;
    JSValue reason;
} rejection;

static struct {
    JSRuntime *rt;
    JSContext *ctx;
    JSValue hooks;     /* what prelude.js returned */
    JSValue inspect;   /* hooks.inspect(value) -> string */
    JSValue run_timer; /* hooks.runTimer() -> bool */
    JSValue format_error;
    JSValue start_run; /* hooks.startRun(options, filename): restore, scratch */
    JSValue end_run;   /* hooks.endRun(status): persist, scratch clean-up */
    JSValue process;
    void *oom_reserve;  /* see OOM_RESERVE_SIZE */
    bool malloc_failed; /* a malloc failed during this run */
    bool exit_requested;
    int exit_code;
    rejection *rejections; /* unhandled so far, in order */
    size_t n_rejections;
    size_t cap_rejections;
} g = {.hooks = JS_UNDEFINED,
       .inspect = JS_UNDEFINED,
       .run_timer = JS_UNDEFINED,
       .format_error = JS_UNDEFINED,
       .start_run = JS_UNDEFINED,
       .end_run = JS_UNDEFINED,
       .process = JS_UNDEFINED};

/* ---- memory ----------------------------------------------------------- */

/* Gives the emergency reserve back to malloc; called on the first failure. */
static void oom_release_reserve(void) {
    g.malloc_failed = true;
    free(g.oom_reserve);
    g.oom_reserve = NULL;
}

/* QuickJS allocator: libc malloc plus QuickJS's accounting. When the host's
 * memory cap makes memory.grow fail, malloc returns NULL; we release the
 * reserve and still return NULL, so QuickJS throws "out of memory". */
static void *qjs_malloc(JSMallocState *s, size_t size) {
    if (s->malloc_size + size > s->malloc_limit) return NULL;
    void *p = malloc(size);
    if (p == NULL) {
        oom_release_reserve();
        return NULL;
    }
    s->malloc_count++;
    s->malloc_size += malloc_usable_size(p) + MALLOC_OVERHEAD;
    return p;
}

static void qjs_free(JSMallocState *s, void *p) {
    if (p == NULL) return;
    s->malloc_count--;
    s->malloc_size -= malloc_usable_size(p) + MALLOC_OVERHEAD;
    free(p);
}

/* realloc with the same accounting and failure rule as qjs_malloc. */
static void *qjs_realloc(JSMallocState *s, void *p, size_t size) {
    if (p == NULL) return size == 0 ? NULL : qjs_malloc(s, size);
    size_t old = malloc_usable_size(p);
    if (size == 0) {
        qjs_free(s, p);
        return NULL;
    }
    if (s->malloc_size + size - old > s->malloc_limit) return NULL;
    void *q = realloc(p, size);
    if (q == NULL) {
        oom_release_reserve();
        return NULL;
    }
    s->malloc_size += malloc_usable_size(q) - old;
    return q;
}

static size_t qjs_usable_size(const void *p) { return malloc_usable_size((void *)p); }

static const JSMallocFunctions qjs_malloc_functions = {qjs_malloc, qjs_free, qjs_realloc,
                                                       qjs_usable_size};

/* ---- output ----------------------------------------------------------- */

static void write_text(FILE *f, const char *s, size_t len) {
    if (len > 0) fwrite(s, 1, len, f);
}

static void write_cstr(FILE *f, const char *s) { write_text(f, s, strlen(s)); }

/* native.write(fd, string): fd 1 is stdout, anything else stderr. */
static JSValue js_native_write(JSContext *ctx, JSValueConst this_val, int argc,
                               JSValueConst *argv) {
    (void)this_val;
    int32_t fd = STDOUT_FILENO;
    size_t len;
    if (argc < 2 || JS_ToInt32(ctx, &fd, argv[0]) != 0) return JS_EXCEPTION;
    const char *s = JS_ToCStringLen(ctx, &len, argv[1]);
    if (s == NULL) return JS_EXCEPTION;
    write_text(fd == STDOUT_FILENO ? stdout : stderr, s, len);
    JS_FreeCString(ctx, s);
    return JS_UNDEFINED;
}

/* native.exit(code): records the status and throws an error no try/catch
 * can stop; the run loop sees exit_requested and ends the run with it. */
static JSValue js_native_exit(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    int32_t code = EXIT_OK;
    if (argc > 0 && !JS_IsUndefined(argv[0]) && JS_ToInt32(ctx, &code, argv[0]) != 0)
        return JS_EXCEPTION;
    g.exit_requested = true;
    g.exit_code = code;
    fflush(stdout);
    fflush(stderr);
    JSValue err = JS_NewError(ctx);
    if (JS_IsException(err)) return err;
    JS_DefinePropertyValueStr(ctx, err, "message", JS_NewString(ctx, "process.exit()"),
                              JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    JS_SetUncatchableError(ctx, err, 1);
    return JS_Throw(ctx, err);
}

/* native.emit(kind, text): hands the host one message (LSB_EMIT_*). */
static JSValue js_native_emit(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    int32_t kind = 0;
    size_t len = 0;
    if (argc < 2 || JS_ToInt32(ctx, &kind, argv[0]) != 0) return JS_EXCEPTION;
    const char *s = JS_ToCStringLen(ctx, &len, argv[1]);
    if (s == NULL) return JS_EXCEPTION;
    host_emit(kind, s, len > INT32_MAX ? INT32_MAX : (int32_t)len);
    JS_FreeCString(ctx, s);
    return JS_UNDEFINED;
}

/* native.compile(source, filename): evaluates source as plain global code
 * (no REPL bindings) under filename, for require()'s module wrappers, and
 * returns its completion value. */
static JSValue js_native_compile(JSContext *ctx, JSValueConst this_val, int argc,
                                 JSValueConst *argv) {
    (void)this_val;
    size_t len = 0;
    if (argc < 2) return JS_ThrowTypeError(ctx, "compile(source, filename) needs 2 arguments");
    const char *src = JS_ToCStringLen(ctx, &len, argv[0]);
    const char *name = src ? JS_ToCString(ctx, argv[1]) : NULL;
    JSValue result = name ? JS_Eval(ctx, src, len, name, JS_EVAL_TYPE_GLOBAL) : JS_EXCEPTION;
    JS_FreeCString(ctx, name);
    JS_FreeCString(ctx, src);
    return result;
}

/* native.utf8Length(string): its length in bytes once encoded as UTF-8. */
static JSValue js_native_utf8_length(JSContext *ctx, JSValueConst this_val, int argc,
                                     JSValueConst *argv) {
    (void)this_val;
    size_t len = 0;
    if (argc < 1) return JS_ThrowTypeError(ctx, "utf8Length(string) needs 1 argument");
    const char *s = JS_ToCStringLen(ctx, &len, argv[0]);
    if (s == NULL) return JS_EXCEPTION;
    JS_FreeCString(ctx, s);
    return JS_NewFloat64(ctx, (double)len);
}

/* ---- uncaught errors -------------------------------------------------- */

/* Reads property `name` of obj as a C string; NULL if absent or on error
 * (the pending exception is then dropped). Free with JS_FreeCString. */
static const char *get_string_prop(JSValueConst obj, const char *name) {
    JSValue v = JS_GetPropertyStr(g.ctx, obj, name);
    const char *s = NULL;
    if (!JS_IsException(v) && !JS_IsUndefined(v)) s = JS_ToCString(g.ctx, v);
    JS_FreeValue(g.ctx, v);
    if (s == NULL) JS_FreeValue(g.ctx, JS_GetException(g.ctx));
    return s;
}

/* Calls a prelude formatter on v; returns a C string or NULL (exception
 * dropped). Free with JS_FreeCString. */
static const char *call_formatter(JSValueConst fn, JSValueConst v) {
    JSValue r = JS_Call(g.ctx, fn, JS_UNDEFINED, 1, &v);
    const char *s = NULL;
    if (!JS_IsException(r)) s = JS_ToCString(g.ctx, r);
    JS_FreeValue(g.ctx, r);
    if (s == NULL) JS_FreeValue(g.ctx, JS_GetException(g.ctx));
    return s;
}

static void report_to_host(const char *type, const char *msg) {
    host_report_error(type, (int32_t)strlen(type), msg, (int32_t)strlen(msg));
}

/*
 * Prints an uncaught exception (or unhandled rejection reason) to stderr
 * as Node does for an Error ("Name: message" then the stack), or as
 * "Uncaught <inspected value>" otherwise, and names it to the host.
 * Works when memory is exhausted: every step has a static fallback.
 */
static void report_uncaught(JSValueConst exc, bool from_promise) {
    JSContext *ctx = g.ctx;
    bool oom = g.malloc_failed;

    if (JS_IsError(ctx, exc)) {
        const char *name = get_string_prop(exc, "name");
        const char *msg = get_string_prop(exc, "message");
        const char *text = call_formatter(g.format_error, exc);
        const char *type = name ? name : "Error";
        const char *message = msg ? msg : "";
        if (text != NULL) {
            write_cstr(stderr, text);
        } else {
            write_cstr(stderr, type);
            if (message[0] != '\0') {
                write_cstr(stderr, ": ");
                write_cstr(stderr, message);
            }
        }
        write_cstr(stderr, "\n");
        report_to_host(type, message);
        JS_FreeCString(ctx, text);
        JS_FreeCString(ctx, msg);
        JS_FreeCString(ctx, name);
    } else if (oom && (JS_IsNull(exc) || JS_IsUndefined(exc))) {
        /* The error object itself could not be allocated. */
        write_cstr(stderr, "InternalError: out of memory\n");
        report_to_host("InternalError", "out of memory");
    } else {
        const char *text = call_formatter(g.inspect, exc);
        const char *shown = text ? text : "<unprintable value>";
        write_cstr(stderr, from_promise ? "Uncaught (in promise) " : "Uncaught ");
        write_cstr(stderr, shown);
        write_cstr(stderr, "\n");
        report_to_host(from_promise ? "UnhandledPromiseRejection" : "Error", shown);
        JS_FreeCString(ctx, text);
    }
}

/* Takes the pending exception and turns it into the run's exit status:
 * the code given to process.exit(), or EXIT_UNCAUGHT after reporting. */
static int settle_exception(void) {
    JSValue exc = JS_GetException(g.ctx);
    int status;
    if (g.exit_requested) {
        status = g.exit_code;
    } else {
        report_uncaught(exc, false);
        status = EXIT_UNCAUGHT;
    }
    JS_FreeValue(g.ctx, exc);
    return status;
}

/* ---- unhandled rejections ------------------------------------------- */

static void rejections_clear(void) {
    for (size_t i = 0; i < g.n_rejections; i++) {
        JS_FreeValue(g.ctx, g.rejections[i].promise);
        JS_FreeValue(g.ctx, g.rejections[i].reason);
    }
    g.n_rejections = 0;
}

/* QuickJS calls this when a promise is rejected with no handler
 * (is_handled false) and when a handler is attached later (true). */
static void on_rejection(JSContext *ctx, JSValueConst promise, JSValueConst reason,
                         JS_BOOL is_handled, void *opaque) {
    (void)opaque;
    if (is_handled) {
        for (size_t i = 0; i < g.n_rejections; i++) {
            if (JS_VALUE_GET_PTR(g.rejections[i].promise) == JS_VALUE_GET_PTR(promise)) {
                JS_FreeValue(ctx, g.rejections[i].promise);
                JS_FreeValue(ctx, g.rejections[i].reason);
                memmove(&g.rejections[i], &g.rejections[i + 1],
                        (g.n_rejections - i - 1) * sizeof(rejection));
                g.n_rejections--;
                return;
            }
        }
        return;
    }
    if (g.n_rejections == g.cap_rejections) {
        size_t cap = g.cap_rejections ? 2 * g.cap_rejections : 8;
        rejection *r = realloc(g.rejections, cap * sizeof(rejection));
        if (r == NULL) return; /* out of memory: this rejection goes unreported */
        g.rejections = r;
        g.cap_rejections = cap;
    }
    g.rejections[g.n_rejections].promise = JS_DupValue(ctx, promise);
    g.rejections[g.n_rejections].reason = JS_DupValue(ctx, reason);
    g.n_rejections++;
}

/* ---- the run loop ----------------------------------------------------- */

/* Runs every pending promise job. Returns -1 to go on, or the run's exit
 * status when a job ended it (process.exit, an uncaught error in a job,
 * or an unhandled rejection left once the queue is empty). */
static int drain_jobs(void) {
    JSContext *job_ctx;
    for (;;) {
        int r = JS_ExecutePendingJob(g.rt, &job_ctx);
        if (g.exit_requested) {
            if (r < 0) JS_FreeValue(g.ctx, JS_GetException(g.ctx));
            return g.exit_code;
        }
        if (r < 0) return settle_exception();
        if (r == 0) break;
    }
    if (g.n_rejections > 0) {
        report_uncaught(g.rejections[0].reason, true);
        return EXIT_UNCAUGHT;
    }
    return -1;
}

/* Alternates microtasks and timers (prelude.js keeps the timer queue)
 * until both are empty. Returns the run's exit status. */
static int run_event_loop(void) {
    for (;;) {
        int status = drain_jobs();
        if (status >= 0) return status;
        JSValue more = JS_Call(g.ctx, g.run_timer, JS_UNDEFINED, 0, NULL);
        if (JS_IsException(more)) return settle_exception();
        bool ran = JS_ToBool(g.ctx, more);
        JS_FreeValue(g.ctx, more);
        if (!ran) return EXIT_OK;
    }
}

/* ---- per-run state ---------------------------------------------------- */

/* Fetches request field `field` as a malloc'd NUL-terminated buffer;
 * *len gets its length. Returns NULL for an unknown field or no memory. */
static char *request_field(int32_t field, size_t *len) {
    int32_t n = host_request_get(field, NULL, 0);
    if (n < 0) return NULL;
    char *buf = malloc((size_t)n + 1);
    if (buf == NULL) return NULL;
    int32_t m = host_request_get(field, buf, n);
    if (m != n) { /* the host changed its mind: treat as unreadable */
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}

/* Seeds Math.random from WASI random_get; the init-time seed is frozen in
 * the snapshot and would repeat in every instance. */
static void reseed_random(void) {
    uint64_t seed = 0;
    if (__wasi_random_get((uint8_t *)&seed, sizeof seed) != 0)
        seed = 0; /* JS_SetRandomSeed maps 0 to a valid state */
    JS_SetRandomSeed(g.ctx, seed);
}

extern char **environ; /* wasi-libc fills it from environ_get at init */

/* Adds one "K=V" entry to env; an entry without '=' or with an empty key
 * is skipped. Returns 0, or -1 with a pending exception. */
static int add_env_entry(JSValue env, const char *entry, size_t elen) {
    const char *eq = memchr(entry, '=', elen);
    if (eq == NULL || eq == entry) return 0;
    JSAtom key = JS_NewAtomLen(g.ctx, entry, (size_t)(eq - entry));
    JSValue val = JS_NewStringLen(g.ctx, eq + 1, elen - (size_t)(eq - entry) - 1);
    int rc = key == JS_ATOM_NULL || JS_IsException(val) ||
                     JS_DefinePropertyValue(g.ctx, env, key, val, JS_PROP_C_W_E) < 0
                 ? -1
                 : 0;
    if (key != JS_ATOM_NULL) JS_FreeAtom(g.ctx, key);
    return rc;
}

/* Builds process.env: the base environment the host gave at init (the
 * documented safe set) overlaid with this run's LSB_REQ_ENV entries
 * ("K=V\0K=V\0..."). Returns the object, or JS_EXCEPTION. */
static JSValue build_env(void) {
    JSValue env = JS_NewObject(g.ctx);
    if (JS_IsException(env)) return env;
    for (char **e = environ; e != NULL && *e != NULL; e++)
        if (add_env_entry(env, *e, strlen(*e)) != 0) goto fail;
    size_t len = 0;
    char *buf = request_field(LSB_REQ_ENV, &len);
    if (buf == NULL) return env; /* no per-run environment */
    for (size_t i = 0; i < len;) {
        size_t elen = strnlen(buf + i, len - i);
        if (add_env_entry(env, buf + i, elen) != 0) {
            free(buf);
            goto fail;
        }
        i += elen + 1;
    }
    free(buf);
    return env;
fail:
    JS_FreeValue(g.ctx, env);
    return JS_EXCEPTION;
}

/* Sets process.env and process.argv for this run. Returns 0, or -1 with a
 * pending exception. */
static int set_process_state(const char *filename) {
    JSValue env = build_env();
    if (JS_IsException(env) || JS_SetPropertyStr(g.ctx, g.process, "env", env) < 0) return -1;
    JSValue argv = JS_NewArray(g.ctx);
    if (JS_IsException(argv)) return -1;
    JS_SetPropertyUint32(g.ctx, argv, 0, JS_NewString(g.ctx, ARGV0));
    JS_SetPropertyUint32(g.ctx, argv, 1, JS_NewString(g.ctx, filename));
    if (JS_SetPropertyStr(g.ctx, g.process, "argv", argv) < 0) return -1;
    return 0;
}

/* Resets what a previous run (in a live session) may have left behind. */
static void begin_run(void) {
    JS_UpdateStackTop(g.rt); /* the limit stays LSB_STACK_SIZE - reserve */
    g.exit_requested = false;
    g.exit_code = EXIT_OK;
    g.malloc_failed = false;
    rejections_clear();
    if (g.oom_reserve == NULL) g.oom_reserve = malloc(OOM_RESERVE_SIZE);
    reseed_random();
}

/* process.exitCode, if the program set it to a number, else EXIT_OK. */
static int exit_code_property(void) {
    int32_t code = EXIT_OK;
    JSValue v = JS_GetPropertyStr(g.ctx, g.process, "exitCode");
    if (JS_IsNumber(v)) JS_ToInt32(g.ctx, &code, v);
    JS_FreeValue(g.ctx, v);
    return code;
}

/* ---- exports ---------------------------------------------------------- */

static const JSCFunctionListEntry native_functions[] = {
    JS_CFUNC_DEF("write", 2, js_native_write),
    JS_CFUNC_DEF("exit", 1, js_native_exit),
    JS_CFUNC_DEF("emit", 2, js_native_emit),
    JS_CFUNC_DEF("compile", 2, js_native_compile),
    JS_CFUNC_DEF("utf8Length", 1, js_native_utf8_length),
    JS_PROP_INT32_DEF("EMIT_WARNING", LSB_EMIT_WARNING, 0),
};

/* The object prelude.js is called with: native_functions plus the file
 * primitives as .fs. Returns it, or JS_EXCEPTION. */
static JSValue new_native_object(void) {
    JSContext *ctx = g.ctx;
    JSValue native = JS_NewObject(ctx);
    if (JS_IsException(native)) return native;
    JS_SetPropertyFunctionList(ctx, native, native_functions,
                               sizeof native_functions / sizeof native_functions[0]);
    JSValue fs = files_new_object(ctx);
    if (JS_IsException(fs) || JS_SetPropertyStr(ctx, native, "fs", fs) < 0) {
        JS_FreeValue(ctx, native);
        return JS_EXCEPTION;
    }
    return native;
}

/* Reads hook `name` of g.hooks; *ok becomes false when it is missing or
 * not of the expected kind. */
static JSValue get_hook(const char *name, bool function, bool *ok) {
    JSValue v = JS_GetPropertyStr(g.ctx, g.hooks, name);
    if (function ? !JS_IsFunction(g.ctx, v) : !JS_IsObject(v)) {
        write_cstr(stderr, "lsb_init: prelude.js returned no hook named ");
        write_cstr(stderr, name);
        write_cstr(stderr, "\n");
        *ok = false;
    }
    return v;
}

/* Fetches prelude.js from the host (LSB_REQ_PRELUDE), evaluates it and
 * calls it with the native helpers; fills g.hooks and the hooks kept in
 * g. Returns 0, or -1 after printing the error. */
static int install_prelude(void) {
    JSContext *ctx = g.ctx;
    size_t len = 0;
    char *source = request_field(LSB_REQ_PRELUDE, &len);
    if (source == NULL || len == 0) {
        free(source);
        write_cstr(stderr, "lsb_init: the host sent no prelude source (request field "
                           "LSB_REQ_PRELUDE); it must pass guest/js/prelude.js\n");
        return -1;
    }
    JSValue fn = JS_Eval(ctx, source, len, PRELUDE_FILENAME, JS_EVAL_TYPE_GLOBAL);
    free(source);
    if (JS_IsException(fn)) goto fail;
    JSValue native = new_native_object();
    if (JS_IsException(native)) {
        JS_FreeValue(ctx, fn);
        goto fail;
    }
    g.hooks = JS_Call(ctx, fn, JS_UNDEFINED, 1, (JSValueConst *)&native);
    JS_FreeValue(ctx, native);
    JS_FreeValue(ctx, fn);
    if (JS_IsException(g.hooks)) goto fail;
    bool ok = true;
    g.inspect = get_hook("inspect", true, &ok);
    g.run_timer = get_hook("runTimer", true, &ok);
    g.format_error = get_hook("formatError", true, &ok);
    g.start_run = get_hook("startRun", true, &ok);
    g.end_run = get_hook("endRun", true, &ok);
    g.process = get_hook("process", false, &ok);
    return ok ? 0 : -1;
fail:
    write_cstr(stderr, "lsb_init: prelude.js failed: ");
    JSValue exc = JS_GetException(ctx);
    const char *s = JS_ToCString(ctx, exc);
    write_cstr(stderr, s ? s : "(unprintable)");
    write_cstr(stderr, "\n");
    JS_FreeCString(ctx, s);
    JS_FreeValue(ctx, exc);
    return -1;
}

/*
 * Starts QuickJS, installs the globals and makes /app the working
 * directory. Called once, before the host writes its snapshot. Returns
 * INIT_OK, or one of the INIT_* codes after a message on stderr.
 */
LSB_EXPORT("lsb_init") int lsb_init(void) {
    int status = INIT_OK;
    /* Line-buffered: output survives a trap (fuel, memory) up to the last
     * complete line, at one fd_write per line. */
    setvbuf(stdout, NULL, _IOLBF, BUFSIZ);

    g.rt = JS_NewRuntime2(&qjs_malloc_functions, NULL);
    g.ctx = g.rt ? JS_NewContext(g.rt) : NULL;
    g.oom_reserve = malloc(OOM_RESERVE_SIZE);
    if (g.ctx == NULL || g.oom_reserve == NULL) {
        write_cstr(stderr, "lsb_init: cannot create the QuickJS runtime\n");
        status = INIT_NO_MEMORY;
        goto out;
    }
    JS_SetMaxStackSize(g.rt, LSB_STACK_SIZE - STACK_RESERVE);
    JS_SetHostPromiseRejectionTracker(g.rt, on_rejection, NULL);
    if (install_prelude() != 0) {
        status = INIT_PRELUDE_FAILED;
        goto out;
    }
    if (chdir(LSB_MOUNT_APP) != 0) {
        write_cstr(stderr, "lsb_init: chdir(\"" LSB_MOUNT_APP "\") failed; "
                           "the host must preopen it\n");
        status = INIT_NO_APP_DIR;
    }
out:
    fflush(stdout);
    fflush(stderr);
    return status;
}

/* Calls hooks.startRun(options, filename): the prelude applies the run
 * options (restore, scratch). Returns 0, or -1 with an exception pending. */
static int start_run(const char *options, size_t options_len, const char *filename) {
    JSValue args[2] = {JS_NewStringLen(g.ctx, options, options_len), JS_NewString(g.ctx, filename)};
    JSValue r = JS_Call(g.ctx, g.start_run, JS_UNDEFINED, 2, (JSValueConst *)args);
    JS_FreeValue(g.ctx, args[0]);
    JS_FreeValue(g.ctx, args[1]);
    if (JS_IsException(r)) return -1;
    JS_FreeValue(g.ctx, r);
    return 0;
}

/* Calls hooks.endRun(status): persists the globals or undoes a scratch
 * run. It warns through lsb.emit itself; an exception escaping it (out of
 * memory) is dropped, since the run's outcome is already decided. */
static void end_run(int status) {
    JSValue arg = JS_NewInt32(g.ctx, status);
    JSValue r = JS_Call(g.ctx, g.end_run, JS_UNDEFINED, 1, (JSValueConst *)&arg);
    if (JS_IsException(r)) JS_FreeValue(g.ctx, JS_GetException(g.ctx));
    JS_FreeValue(g.ctx, r);
}

/*
 * Runs one request: the program (LSB_REQ_CODE) as a global script named
 * LSB_REQ_FILENAME, with REPL-style top-level bindings, then its promise
 * jobs and timers, between the prelude's startRun and endRun (run options
 * LSB_REQ_OPTIONS: restore, persist, scratch). Returns 0, the code given
 * to process.exit() (or left in process.exitCode), or 1 after an uncaught
 * error, which is printed to stderr and named to the host.
 */
LSB_EXPORT("lsb_run") int lsb_run(void) {
    int status;
    size_t code_len = 0, name_len = 0, options_len = 0;
    begin_run();

    char *name = request_field(LSB_REQ_FILENAME, &name_len);
    const char *filename = name && name_len > 0 ? name : DEFAULT_FILENAME;
    char *options = request_field(LSB_REQ_OPTIONS, &options_len);
    char *code = request_field(LSB_REQ_CODE, &code_len);
    if (code == NULL) {
        write_cstr(stderr, "InternalError: the program text could not be "
                           "read from the host\n");
        report_to_host("InternalError", "program text unreadable");
        status = EXIT_UNCAUGHT;
        goto out;
    }
    if (set_process_state(filename) != 0 ||
        start_run(options ? options : "", options ? options_len : 0, filename) != 0) {
        status = settle_exception();
        goto out;
    }

    JSValue result =
        JS_Eval(g.ctx, code, code_len, filename, JS_EVAL_TYPE_GLOBAL | JS_EVAL_FLAG_REPL_GLOBALS);
    free(code);
    code = NULL;
    if (JS_IsException(result)) {
        status = settle_exception();
    } else {
        JS_FreeValue(g.ctx, result);
        status = run_event_loop();
        if (status == EXIT_OK && !g.exit_requested) status = exit_code_property();
    }
    end_run(status);
out:
    rejections_clear();
    free(code);
    free(options);
    free(name);
    fflush(stdout);
    fflush(stderr);
    return status;
}
