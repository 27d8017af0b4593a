/*
 * llmsandbox.h - the public C API of llm-wasm-sandbox (prefix lsb_).
 *
 * This is the only header an embedder needs. A sandbox object holds the
 * guest snapshots; every execution runs untrusted Python or JavaScript in a
 * fresh, sealed child process restored from a snapshot, under a policy of
 * hard limits, and fills an lsb_result. Failures of the *call* (bad policy,
 * missing assets) are return values with a message; failures of the *guest
 * code* (exceptions, traps, timeouts) are reported inside the result.
 */
#ifndef LLMSANDBOX_H
#define LLMSANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes returned by calls (not by guest code). */
typedef enum lsb_status {
    LSB_OK = 0,
    LSB_ERR_INVALID = 1,  /* an argument or policy value is out of range */
    LSB_ERR_ASSETS = 2,   /* a snapshot or the stdlib is missing or stale */
    LSB_ERR_SYSTEM = 3,   /* fork, pipe, mmap or another host call failed */
    LSB_ERR_WORKSPACE = 4 /* the workspace folder is missing or unusable */
} lsb_status;

typedef enum lsb_language { LSB_LANG_PYTHON = 0, LSB_LANG_JAVASCRIPT = 1 } lsb_language;

/* Why an execution stopped abnormally; LSB_TRAP_NONE when it did not. */
typedef enum lsb_trap {
    LSB_TRAP_NONE = 0,
    LSB_TRAP_OUT_OF_FUEL,
    LSB_TRAP_TIMEOUT,
    LSB_TRAP_MEMORY,
    LSB_TRAP_STACK_OVERFLOW,
    LSB_TRAP_TRAP,  /* any other WebAssembly trap */
    LSB_TRAP_KILLED /* the child died from a signal we did not send */
} lsb_trap;

/* Receives guest output as it arrives: fd 1 (stdout) or 2 (stderr), only
 * the bytes kept under the caps, in the order the guest wrote them, on the
 * thread that called lsb_execute. The result still holds all of it. */
typedef void (*lsb_output_fn)(void *ctx, int fd, const char *data, size_t len);

/* Limits and mounts for one execution; lsb_policy_init fills the defaults. */
typedef struct lsb_policy {
    uint64_t fuel;            /* instruction budget, > 0 */
    uint64_t memory_bytes;    /* linear memory cap */
    uint32_t timeout_ms;      /* wall clock, > 0 */
    uint64_t stdout_max;      /* bytes of stdout kept */
    uint64_t stderr_max;      /* bytes of stderr kept */
    uint64_t quota_bytes;     /* workspace bytes */
    uint64_t quota_files;     /* workspace files and folders */
    const char *workspace;    /* host folder mounted at /app; NULL: an empty one */
    const char *data_dir;     /* host folder mounted read-only at /data, or NULL */
    const char *external_dir; /* host folder mounted read-only at /external, or NULL */
    const char *const *env;   /* "K=V" strings added to the guest environment */
    size_t env_count;
    lsb_output_fn on_output; /* optional: stream output while the code runs */
    void *on_output_ctx;
} lsb_policy;

/* The outcome of one execution: the result object of DESIGN.md. */
typedef struct lsb_result {
    bool success; /* exit_code == 0 and no trap */
    int exit_code;
    char *stdout_data; /* NUL-terminated copy; may hold invalid UTF-8 */
    size_t stdout_len;
    char *stderr_data;
    size_t stderr_len;
    bool stdout_truncated;
    bool stderr_truncated;
    uint64_t fuel_consumed;
    uint64_t fuel_budget;
    double duration_ms;
    uint64_t memory_peak_bytes;
    uint64_t memory_limit_bytes;
    lsb_trap trap;
    lsb_language runtime;
    char *session_id;    /* NULL for one-shot runs */
    char *error_type;    /* NULL, or e.g. "ZeroDivisionError", "OutOfFuel" */
    char *error_message; /* NULL, or a one-line explanation */
    char **files_created;
    size_t files_created_count;
    char **files_modified;
    size_t files_modified_count;
} lsb_result;

typedef struct lsb_sandbox lsb_sandbox;

/* Fill *policy with the documented defaults (see src/sandbox/defaults.h). */
void lsb_policy_init(lsb_policy *policy);

/*
 * Open a sandbox whose assets (snapshots, stdlib) live in assets_dir, or in
 * the default location next to the executable when assets_dir is NULL.
 * Returns LSB_OK and *out, or an error code with a message in err.
 */
lsb_status lsb_sandbox_open(lsb_sandbox **out, const char *assets_dir, char *err, size_t errlen);
void lsb_sandbox_close(lsb_sandbox *sandbox);

/*
 * Start one zygote process per language: a guest restored from its
 * snapshot once, which then forks a child per execution. Long-running
 * embedders (servers) call this once; later lsb_execute calls skip the
 * restore. Returns LSB_OK, or LSB_ERR_SYSTEM with a message in err.
 */
lsb_status lsb_sandbox_start_zygotes(lsb_sandbox *sandbox, char *err, size_t errlen);

/*
 * Run code (code_len bytes, UTF-8, no NUL bytes) in a fresh instance.
 * filename names the code in tracebacks (NULL: "<string>"). On LSB_OK the
 * caller owns *result and frees it with lsb_result_free, whatever the guest
 * did; any other status leaves *result empty and explains itself in err.
 */
lsb_status lsb_execute(lsb_sandbox *sandbox, lsb_language lang, const char *code, size_t code_len,
                       const char *filename, const lsb_policy *policy, lsb_result *result,
                       char *err, size_t errlen);

void lsb_result_free(lsb_result *result);

/* The result as one JSON object (malloc'd, NUL-terminated), or NULL on OOM. */
char *lsb_result_to_json(const lsb_result *result);

/* Names used in JSON and messages: "python", "javascript"; "out_of_fuel"... */
const char *lsb_language_name(lsb_language lang);
int lsb_language_parse(const char *name, lsb_language *out); /* 0, or -1 */
const char *lsb_trap_name(lsb_trap trap);                    /* NULL for NONE */

#ifdef __cplusplus
}
#endif
#endif
