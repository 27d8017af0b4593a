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

#define LSB_VERSION "0.1.0" /* this release of llm-wasm-sandbox */

/* Status codes returned by calls (not by guest code). */
typedef enum lsb_status {
    LSB_OK = 0,
    LSB_ERR_INVALID = 1,    /* an argument or policy value is out of range */
    LSB_ERR_ASSETS = 2,     /* a snapshot or the stdlib is missing or stale */
    LSB_ERR_SYSTEM = 3,     /* fork, pipe, mmap or another host call failed */
    LSB_ERR_WORKSPACE = 4,  /* the workspace folder is missing or unusable */
    LSB_ERR_NOT_FOUND = 5,  /* no such file or folder in a session's workspace */
    LSB_ERR_EXISTS = 6,     /* a session with that id already exists */
    LSB_ERR_QUOTA = 7,      /* a session file write would exceed the workspace quota */
    LSB_ERR_STORAGE = 8,    /* the storage adapter failed to keep a session record */
    LSB_ERR_NO_SESSION = 9, /* no session has that id (or the id is malformed) */
    LSB_ERR_NO_PACKAGE = 10 /* no wheel of that project name in the wheel folder */
} lsb_status;

typedef enum lsb_language { LSB_LANG_PYTHON = 0, LSB_LANG_JAVASCRIPT = 1 } lsb_language;

/* Why an execution stopped abnormally; LSB_TRAP_NONE when it did not. */
typedef enum lsb_trap {
    LSB_TRAP_NONE = 0,
    LSB_TRAP_OUT_OF_FUEL,
    LSB_TRAP_TIMEOUT,
    LSB_TRAP_MEMORY,
    LSB_TRAP_STACK_OVERFLOW,
    LSB_TRAP_TRAP,     /* any other WebAssembly trap */
    LSB_TRAP_KILLED,   /* the child died from a signal we did not send */
    LSB_TRAP_CANCELLED /* the caller fired the policy's lsb_cancel */
} lsb_trap;

/* Receives guest output as it arrives: fd 1 (stdout) or 2 (stderr), only
 * the bytes kept under the caps, in the order the guest wrote them, on the
 * thread that called lsb_execute. The result still holds all of it. */
typedef void (*lsb_output_fn)(void *ctx, int fd, const char *data, size_t len);

/*
 * A cancellation switch for one execution, usable from any thread: set
 * policy.cancel, then lsb_cancel_fire kills the run at once (it ends with
 * trap LSB_TRAP_CANCELLED; a session run is rolled back like any failure).
 * Firing before the run starts cancels it as soon as it starts; firing
 * twice is harmless. lsb_cancel_new returns NULL when the system is out of
 * descriptors or memory.
 */
typedef struct lsb_cancel lsb_cancel;
lsb_cancel *lsb_cancel_new(void);
void lsb_cancel_fire(lsb_cancel *cancel);        /* never fails */
bool lsb_cancel_fired(const lsb_cancel *cancel); /* whether fire was called */
void lsb_cancel_free(lsb_cancel *cancel);        /* NULL is ignored */

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
    const char *data_dir;     /* host folder mounted read-only at /data; NULL: the
                                 vendored packages of the assets folder */
    const char *external_dir; /* host folder mounted read-only at /external, or NULL */
    const char *const *env;   /* "K=V" strings added to the guest environment */
    size_t env_count;
    lsb_output_fn on_output; /* optional: stream output while the code runs */
    void *on_output_ctx;
    lsb_cancel *cancel; /* optional: fire it to kill the run (not owned) */
    /* The original sandbox's inject_setup (default true). Python: true puts
     * the vendored packages of /data/site-packages on sys.path; false runs
     * the code without that folder on sys.path and without the modules
     * already imported from it, so `import tabulate` raises
     * ModuleNotFoundError until the code adds the folder itself
     * (sys.path.insert(0, '/data/site-packages')). Per run: a session's
     * stored policy does not keep it (lsb_session_execute with a NULL
     * policy injects). JavaScript: no effect, the helpers are always there. */
    bool inject_setup;
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
    char *session_id;     /* NULL for one-shot runs */
    char *error_type;     /* NULL, or e.g. "ZeroDivisionError", "OutOfFuel" */
    char *error_message;  /* NULL, or a one-line explanation */
    char **files_created; /* sorted paths relative to /app, e.g. "out/data.csv" */
    size_t files_created_count;
    char **files_modified;
    size_t files_modified_count;
    char **warnings; /* things that did not fail the run but need saying,
                        e.g. a corrupt state file that was replaced */
    size_t warnings_count;
    char *code;           /* a copy of the code that ran (the fuel analysis reads its imports);
                             not serialised; NULL when unknown */
    char *workspace_path; /* absolute host path of the workspace the run used; NULL for a
                             one-shot run in a temporary workspace (deleted afterwards) */
} lsb_result;

typedef struct lsb_sandbox lsb_sandbox;

/* Fill *policy with the documented defaults (see src/sandbox/defaults.h);
 * never fails. */
void lsb_policy_init(lsb_policy *policy);

/*
 * Open a sandbox whose assets (snapshots, stdlib) live in assets_dir, or in
 * the default location next to the executable when assets_dir is NULL.
 * Returns LSB_OK and *out, or an error code with a message in err.
 */
lsb_status lsb_sandbox_open(lsb_sandbox **out, const char *assets_dir, char *err, size_t errlen);
/* End the sandbox's zygotes and live sessions (their records and workspaces
 * stay) and free it; NULL is ignored. Never fails. */
void lsb_sandbox_close(lsb_sandbox *sandbox);

/*
 * Start one zygote process per language: a guest restored from its
 * snapshot once, which then forks a child per execution. Long-running
 * embedders (servers) call this once; later lsb_execute calls skip the
 * restore. Sessions start them by themselves when the first one goes live.
 * The zygotes are forked from the calling process, so a multi-threaded
 * embedder should call this before it starts its threads. Returns LSB_OK,
 * or LSB_ERR_SYSTEM with a message in err.
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

/* Free what *result holds and zero it; safe on a zeroed result. */
void lsb_result_free(lsb_result *result);

/*
 * The result as one JSON object (malloc'd, NUL-terminated), or NULL on OOM.
 * Ours: success, exit_code, stdout, stderr, stdout_truncated,
 * stderr_truncated, fuel_consumed, fuel_budget, duration_ms,
 * memory_peak_bytes, memory_limit_bytes, trap_reason (null, out_of_fuel,
 * timeout, memory, stack_overflow, trap, killed, cancelled), files_created,
 * files_modified, warnings, session_id, runtime, error ({type, message,
 * guidance, docs} or null). The original system's keys alongside them:
 * memory_used_bytes (= memory_peak_bytes), workspace_path (or null),
 * error_guidance ({error_type, actionable_guidance, related_docs,
 * code_examples or null}; only when exit_code != 0 or the run trapped),
 * fuel_analysis ({consumed, budget, utilization_percent, status,
 * recommendation, likely_causes} plus our suggested_budget; always) and
 * metadata ({memory_pages, stdout_truncated, stderr_truncated, exit_code,
 * trapped, session_id, trap_reason and trap_message when the run failed,
 * error_guidance when present, fuel_analysis; JavaScript adds runtime,
 * fuel_budget and memory_limit_bytes}). metadata.trap_reason speaks the
 * original's words: out_of_fuel, memory_limit, trap (also a stack
 * overflow), proc_exit (a non-zero exit without a trap), host_error (the
 * process was killed), and ours, timeout and cancelled.
 */
char *lsb_result_to_json(const lsb_result *result);

/* ------------------------------------------------------------------------
 * Sessions: a workspace folder, a record of metadata, and (in a long-running
 * process) a live interpreter that keeps every object between executions.
 * Each execution forks the live process: a successful run's child becomes
 * the session, a failed run's child is dropped, so a failure never changes
 * the session's globals. Files written by a failed run stay (they are on
 * disk). Executions of one session are serialised; different sessions run
 * in parallel. Without a live process (a new process, or after eviction)
 * the next execution re-materialises the session from the snapshot plus,
 * with auto_persist_globals, the state file the guest keeps in /app/.lsb/.
 * ---------------------------------------------------------------------- */

#define LSB_SESSION_ID_MAX    128 /* characters in a session id */
#define LSB_SESSION_OWNER_MAX 64  /* bytes in a session's owner label */

/*
 * Storage adapter: where session records (the metadata JSON of each
 * session) are kept. The default keeps them on disk, atomically, as
 * <sessions root>/<id>/session.json; workspaces are always folders on disk,
 * because the guest's /app is a real directory. Every function returns 0,
 * or -1 with a message in err; get returns 1 when there is no record.
 */
typedef struct lsb_storage {
    void *ctx;
    int (*put)(void *ctx, const char *id, const char *text, size_t len, char *err, size_t errlen);
    int (*get)(void *ctx, const char *id, char **text, size_t *len, char *err, size_t errlen);
    int (*list)(void *ctx, char ***ids, size_t *count, char *err, size_t errlen); /* malloc'd */
    int (*remove)(void *ctx, const char *id, char *err, size_t errlen); /* 0 also when absent */
} lsb_storage;

/* Where sessions live and how many stay live; zeros mean the defaults. */
typedef struct lsb_sessions_config {
    const char *root;              /* sessions root; NULL: $LSB_SESSIONS_ROOT, else
                                      ${XDG_STATE_HOME:-~/.local/state}/llm-wasm-sandbox/sessions */
    const lsb_storage *storage;    /* NULL: records on disk under root (copied, not owned) */
    uint32_t max_live;             /* live session processes kept at once */
    uint32_t idle_ttl_s;           /* a live session idle this long is evicted */
    uint64_t min_available_bytes;  /* below this MemAvailable, idle sessions are evicted */
    const char *wheel_dir;         /* where install_package finds wheels by name; or NULL */
    const char *external_dir;      /* mounted read-only at /external in sessions; or NULL */
    const char *const *preimports; /* modules the Python zygote imports before forking
                                      sessions (NULL: the default list; {NULL}: none) */
} lsb_sessions_config;

/* How to create a session. */
typedef struct lsb_session_options {
    lsb_language language;
    const char *id;            /* NULL: a new random UUID */
    bool allow_custom_id;      /* accept ids that are not UUIDs: 1-128 of [A-Za-z0-9_-] */
    bool auto_persist_globals; /* keep JSON-able globals durably in /app/.lsb/state.json */
    const lsb_policy *policy;  /* limits stored with the session (NULL: defaults);
                                  its workspace, env, on_output and cancel
                                  are not stored */
    const char *owner;         /* an opaque label of whom the session belongs to, kept in
                                  its record (NULL or "": none): at most
                                  LSB_SESSION_OWNER_MAX bytes of [A-Za-z0-9._:-];
                                  see lsb_session_set_owner */
} lsb_session_options;

/* What a session record says, plus what is live now. */
typedef struct lsb_session_info {
    char id[LSB_SESSION_ID_MAX + 1];
    lsb_language language;
    double created_at, last_used_at; /* Unix time, seconds */
    uint64_t execution_count;
    bool auto_persist_globals;
    bool live;                /* a process of this sandbox holds the session now */
    int pid;                  /* that process, or 0 */
    uint64_t workspace_bytes; /* regular files and symlinks in the workspace */
    uint64_t workspace_files;
    lsb_policy policy; /* the stored limits; no pointers are set */
    bool damaged;      /* the record cannot be read or decoded: then only id, live, pid,
                          last_used_at (when its files last changed on disk), the
                          workspace usage and the owner (when the record is a JSON
                          object whose "owner" is valid) are known */
    char owner[LSB_SESSION_OWNER_MAX + 1]; /* the record's owner label; "" when none */
} lsb_session_info;

/* One entry of lsb_session_file_list. */
typedef struct lsb_file_entry {
    char *path; /* relative to /app, e.g. "out/data.csv" */
    uint64_t size;
    double mtime; /* Unix time, seconds */
    bool is_dir;
    bool is_system; /* inside /app/.lsb (state, installed packages) */
} lsb_file_entry;

/* One session named in a prune report. */
typedef struct lsb_prune_item {
    char id[LSB_SESSION_ID_MAX + 1];
    char *reason; /* skipped: why; errors: the failure; deleted: NULL */
} lsb_prune_item;

/*
 * What lsb_session_prune did, or with dry_run would do, like the original's
 * PruneResult. Every list is sorted by id. Free with lsb_prune_report_free.
 */
typedef struct lsb_prune_report {
    size_t sessions;         /* deleted_count */
    uint64_t bytes;          /* bytes freed; with dry_run, that would be freed */
    lsb_prune_item *deleted; /* deleted (dry_run: that would be deleted) */
    size_t deleted_count;
    lsb_prune_item *skipped; /* not deleted: a missing record, a damaged one not old
                                enough yet, live or in use */
    size_t skipped_count;
    lsb_prune_item *errors; /* old enough, but deleting failed */
    size_t error_count;
    uint64_t reclaimed_bytes; /* bytes freed; 0 with dry_run, as the original */
    bool dry_run;
} lsb_prune_report;

/* Replace the session settings; call before the first session call.
 * Returns LSB_OK, or LSB_ERR_INVALID/LSB_ERR_WORKSPACE with err. */
lsb_status lsb_sandbox_configure_sessions(lsb_sandbox *sandbox, const lsb_sessions_config *config,
                                          char *err, size_t errlen);

/* Create a session: validate or generate its id, make its workspace and
 * store its record. id_out receives the id. LSB_ERR_EXISTS if a session
 * (a record, even a damaged one) has that id. A folder <root>/<id> without
 * a record is adopted, files kept: our layout whose record was lost
 * (<id>/workspace/), or a workspace made by hand or by the original (files
 * directly in <id>/), which is moved to <id>/workspace/ whole. */
lsb_status lsb_session_create(lsb_sandbox *sandbox, const lsb_session_options *options,
                              char id_out[LSB_SESSION_ID_MAX + 1], char *err, size_t errlen);

/*
 * Run code in session id, like lsb_execute. policy NULL uses the session's
 * stored limits; otherwise its fuel, memory, timeout, output caps, env,
 * on_output, cancel and inject_setup apply to this run (the workspace, mounts and quotas are the
 * session's). result->session_id is set. LSB_ERR_NO_SESSION for an unknown
 * id: nothing is created.
 */
lsb_status lsb_session_execute(lsb_sandbox *sandbox, const char *id, const char *code,
                               size_t code_len, const char *filename, const lsb_policy *policy,
                               lsb_result *result, char *err, size_t errlen);

/* Fill *out with session id's record and live state. LSB_ERR_NO_SESSION
 * for an unknown id, LSB_ERR_STORAGE when its record cannot be read or
 * decoded; err says which, and *out then holds what is known without it
 * (out->damaged is set; see lsb_session_info). */
lsb_status lsb_session_info_get(lsb_sandbox *sandbox, const char *id, lsb_session_info *out,
                                char *err, size_t errlen);

/* The ids of every stored session, in no order, straight from the storage
 * adapter: unlike lsb_session_list it never waits for a session's run.
 * Free with lsb_session_ids_free. LSB_ERR_STORAGE with err. */
lsb_status lsb_session_ids(lsb_sandbox *sandbox, char ***ids, size_t *count, char *err,
                           size_t errlen);
void lsb_session_ids_free(char **ids, size_t count); /* NULL is ignored */

/*
 * One session as a JSON object (malloc'd, NUL-terminated; free with free):
 * {id, language, created_at, last_used_at (Unix seconds, to the
 * millisecond), execution_count, auto_persist_globals, live,
 * workspace_bytes, workspace_files, limits: {fuel, memory_bytes,
 * timeout_ms, stdout_max, stderr_max, quota_bytes, quota_files}}, as
 * `llm-sandbox session info --json` prints it; a damaged session has
 * language and limits null, and "damaged": true. NULL when out of memory.
 */
char *lsb_session_info_to_json(const lsb_session_info *info);

/* Every stored session (sorted by id); free with free(). A session whose
 * record is damaged is listed too, with damaged set (see
 * lsb_session_info). LSB_ERR_STORAGE (the adapter cannot list) or
 * LSB_ERR_SYSTEM (out of memory) with err. */
lsb_status lsb_session_list(lsb_sandbox *sandbox, lsb_session_info **out, size_t *count, char *err,
                            size_t errlen);

/* End the live process (if any) and delete the workspace and the record,
 * also when the record is damaged. LSB_ERR_NO_SESSION for an unknown id;
 * LSB_ERR_STORAGE or LSB_ERR_WORKSPACE when a part could not be removed. */
lsb_status lsb_session_destroy(lsb_sandbox *sandbox, const char *id, char *err, size_t errlen);

/* Destroy session id like lsb_session_destroy, but only if it has not been
 * used for idle_s seconds, judged under the session's locks with its record
 * read again (a damaged one: since its files last changed), so that a run
 * another process (another node) has just finished or is running keeps it.
 * Never waits for such a run. LSB_OK with *destroyed telling whether it
 * went; otherwise as lsb_session_destroy. */
lsb_status lsb_session_destroy_idle(lsb_sandbox *sandbox, const char *id, double idle_s,
                                    bool *destroyed, char *err, size_t errlen);

/* End the live process and empty the workspace (state included); the
 * session, its id and its settings stay, and its execution count starts
 * again at 0. LSB_ERR_NO_SESSION for an unknown
 * id, LSB_ERR_WORKSPACE when the workspace cannot be emptied. */
lsb_status lsb_session_reset(lsb_sandbox *sandbox, const char *id, char *err, size_t errlen);

/*
 * Set the owner label of session id's record (NULL or "": none; otherwise
 * as lsb_session_options.owner). The library never interprets it: a
 * front-end keeps whom a session belongs to there, so it travels with the
 * record to every process sharing the sessions root and through any
 * storage adapter. Takes the session's locks, in this process and across
 * processes (waiting at most the session's timeout for another process's
 * run), and reloads the record under them, so a concurrent update (a run's
 * counters) is kept. LSB_ERR_INVALID for a bad label, LSB_ERR_NO_SESSION
 * for an unknown id, LSB_ERR_STORAGE when the record cannot be read or
 * written, LSB_ERR_WORKSPACE when the session stays busy.
 */
lsb_status lsb_session_set_owner(lsb_sandbox *sandbox, const char *id, const char *owner, char *err,
                                 size_t errlen);

/* Set session id's created_at and last_used_at (Unix times; a negative one
 * is kept as stored), under the session's locks like lsb_session_set_owner:
 * for importing sessions, or tools that age them (prune and the idle TTL
 * read last_used_at). LSB_ERR_INVALID for a time that is not finite or lies
 * more than a day ahead of this clock. */
lsb_status lsb_session_set_times(lsb_sandbox *sandbox, const char *id, double created_at,
                                 double last_used_at, char *err, size_t errlen);

/*
 * Read session id's owner label into out ("" when none) straight from its
 * stored record: unlike lsb_session_info_get it never waits for a run of
 * the session, so a front-end can check ownership while the session is
 * busy (the storage adapter's get then runs beside a put of the same
 * record, which the disk adapter's rename makes safe). LSB_ERR_NO_SESSION
 * for an unknown id; LSB_ERR_STORAGE when the record cannot be read or
 * decoded, with out still holding the owner when the damaged record is a
 * JSON object whose "owner" is valid.
 */
lsb_status lsb_session_owner_get(lsb_sandbox *sandbox, const char *id,
                                 char out[LSB_SESSION_OWNER_MAX + 1], char *err, size_t errlen);

/* End the live process only; the next execution re-materialises it.
 * LSB_ERR_NO_SESSION for an unknown id. */
lsb_status lsb_session_evict(lsb_sandbox *sandbox, const char *id, char *err, size_t errlen);

/* Apply the idle TTL, the live-session cap and the memory floor now;
 * returns how many live sessions were evicted. A background thread of the
 * sandbox (started with the first live session) also does this every
 * quarter of the TTL, at most every 30 s. */
size_t lsb_sandbox_evict_idle(lsb_sandbox *sandbox);

/*
 * Destroy sessions last used more than older_than_s seconds ago; with
 * dry_run only list them. A session whose record is not a valid record is
 * as old as its files on disk (lsb_session_info.damaged): deleted once
 * that is older than the cutoff, and skipped (with the reason) until then.
 * One whose record a caller's storage adapter cannot get (which may pass)
 * is in errors and kept. Skipped whatever its age, and never
 * deleted: a folder under the sessions root named like a session id that
 * has no record (a legacy workspace, which lsb_session_create adopts).
 * Skipped too: an old session live in this sandbox, or in use by another
 * process. A session whose deletion fails is in errors, with the reason.
 * LSB_ERR_STORAGE when the sessions cannot be listed, LSB_ERR_SYSTEM when
 * out of memory; *report is then empty. Free it with lsb_prune_report_free.
 */
lsb_status lsb_session_prune(lsb_sandbox *sandbox, uint64_t older_than_s, bool dry_run,
                             lsb_prune_report *report, char *err, size_t errlen);
void lsb_prune_report_free(lsb_prune_report *report); /* frees the lists, zeroes it */

/*
 * The original's one-line summary into buf: "Pruned N sessions (S skipped,
 * E errors), reclaimed X" ("Would prune ..." with dry_run; the parentheses
 * and each part only when non-zero; "1 error"); X is "<n> B" or "%.1f KB",
 * MB or GB (1024-based). Returns the length snprintf would.
 */
int lsb_prune_report_summary(const lsb_prune_report *report, char *buf, size_t len);

/*
 * The report as a JSON object (malloc'd; NULL when out of memory):
 * {deleted_sessions: [id], skipped_sessions: [id], skipped_reasons: {id:
 * why}, errors: {id: message}, reclaimed_bytes, dry_run, summary, sessions,
 * bytes}, as `llm-sandbox session prune --json` prints it.
 */
char *lsb_prune_report_to_json(const lsb_prune_report *report);

/*
 * Session files. path is a guest path: "/app/x", or "x" relative to /app.
 * It is confined exactly like the guest's own file access: absolute paths
 * outside /app, ".." escapes and symlinks leading out are refused
 * (LSB_ERR_INVALID, saying why). Writes create missing parent folders and
 * respect the session's quota (LSB_ERR_QUOTA).
 */
lsb_status lsb_session_file_write(lsb_sandbox *sandbox, const char *id, const char *path,
                                  const void *data, size_t len, char *err, size_t errlen);
/* lsb_session_file_write that, unless overwrite, refuses a path that
 * exists (even an empty file) with LSB_ERR_EXISTS: "File '<path>' already
 * exists. Set overwrite=True to replace." */
lsb_status lsb_session_file_write_ex(lsb_sandbox *sandbox, const char *id, const char *path,
                                     const void *data, size_t len, bool overwrite, char *err,
                                     size_t errlen);
/* Read at most max_bytes (LSB_ERR_INVALID if the file is larger);
 * *data is malloc'd and NUL-terminated. LSB_ERR_NOT_FOUND when there is
 * no such file, LSB_ERR_INVALID for a folder ("'<path>' is a directory,
 * not a file"), LSB_ERR_NO_SESSION for an unknown session. */
lsb_status lsb_session_file_read(lsb_sandbox *sandbox, const char *id, const char *path,
                                 uint64_t max_bytes, char **data, size_t *len, char *err,
                                 size_t errlen);
/* List the folder at path (NULL: /app) recursively; system files only
 * when include_system. Free with lsb_file_list_free. LSB_ERR_NOT_FOUND
 * when there is no such folder, LSB_ERR_NO_SESSION for an unknown
 * session. */
lsb_status lsb_session_file_list(lsb_sandbox *sandbox, const char *id, const char *path,
                                 bool include_system, lsb_file_entry **out, size_t *count,
                                 char *err, size_t errlen);
void lsb_file_list_free(lsb_file_entry *entries, size_t count); /* NULL is ignored */
/*
 * The files (never folders) under the folder path (NULL: /app) whose path
 * relative to it matches pattern at any depth, like the original's
 * rglob(pattern): "*.json" also matches "a/b.json"; a part "**" matches
 * zero or more folders (the pattern data, **, *.csv joined by slashes
 * matches data/x.csv and data/a/b/x.csv), a final "**" everything below;
 * "*" and "?" (one character, UTF-8 aware) stay within a name; [abc], [a-z] and [!a] are classes.
 * NULL or "" is "*". Entry paths are relative to /app, sorted. LSB_ERR_INVALID for a pattern that
 * is absolute or has a ".." part; otherwise as lsb_session_file_list.
 */
lsb_status lsb_session_file_glob(lsb_sandbox *sandbox, const char *id, const char *path,
                                 const char *pattern, bool include_system, lsb_file_entry **out,
                                 size_t *count, char *err, size_t errlen);
/* Delete a file, or a folder and everything in it when recursive.
 * LSB_ERR_NOT_FOUND when there is no such path, LSB_ERR_INVALID for a
 * folder without recursive ("Cannot delete directory '<path>' without
 * recursive=True"), for /app itself (even recursive) or a path outside it. */
lsb_status lsb_session_file_delete(lsb_sandbox *sandbox, const char *id, const char *path,
                                   bool recursive, char *err, size_t errlen);

/*
 * Install a pure-Python wheel (py3-none-any) into the session's own
 * site-packages (/app/.lsb/site-packages), importable in that session only.
 * package is a path to a .whl file, or a project name looked up in the
 * configured wheel_dir. A platform wheel, an sdist or a wheel with native
 * files is refused with LSB_ERR_INVALID, a name with no wheel in wheel_dir
 * with LSB_ERR_NO_PACKAGE; err says why.
 * On success installed receives "NAME VERSION".
 */
lsb_status lsb_session_install_package(lsb_sandbox *sandbox, const char *id, const char *package,
                                       char *installed, size_t installed_len, char *err,
                                       size_t errlen);

/* Check a session id: 0, or -1 with the reason in err. UUIDs always pass;
 * other ids only with allow_custom. */
int lsb_session_id_check(const char *id, bool allow_custom, char *err, size_t errlen);

/* Write a new random (version 4) UUID, 36 characters and a NUL, into out:
 * the form of generated session ids, for front-ends that need ids of their
 * own too. Returns 0, or -1 when the kernel gives no random bytes. */
int lsb_uuid_new(char out[LSB_SESSION_ID_MAX + 1]);

/*
 * The short name of a status, as the CLI's JSON error objects use it:
 * "ok", "invalid", "assets", "system", "workspace", "not_found", "exists",
 * "quota", "storage"; LSB_ERR_NO_SESSION and LSB_ERR_NO_PACKAGE are also
 * "not_found". A value outside the enum is "system".
 */
const char *lsb_status_name(lsb_status status);

/* ------------------------------------------------------------------------
 * Helpers for front-ends: the parsers, bounds and checks the library
 * applies itself, so that a command line or a config file accepts exactly
 * what a policy does, with the same messages.
 * ---------------------------------------------------------------------- */

/*
 * Parse a non-negative decimal integer ("5000000000", "5_000_000_000").
 * Rejects signs, junk, empty text and values above UINT64_MAX; rejects 0
 * unless zero_ok. Returns 0 and *out, or -1 with a reason in err.
 */
int lsb_parse_u64(const char *text, bool zero_ok, uint64_t *out, char *err, size_t errlen);

/*
 * Parse a byte size: a decimal number with an optional fraction and an
 * optional unit, case-insensitive: B; k, K, KiB = 1024; KB = 1000; M, MiB =
 * 1024^2; MB = 10^6; G, GiB; GB; T, TiB; TB ("64MiB", "1.5GiB", "512k").
 * The result must be a whole number of bytes. Rejects 0 unless zero_ok.
 * Returns 0 and *out, or -1 with a reason in err.
 */
int lsb_parse_size(const char *text, bool zero_ok, uint64_t *out, char *err, size_t errlen);

/*
 * Parse a duration in seconds with up to millisecond precision and an
 * optional "s" suffix: "1", "2.5", "0.25s". Rejects 0 (and anything below
 * 1 ms), negatives, junk and values above the maximum timeout. Returns 0
 * and *out_ms, or -1 with a reason in err.
 */
int lsb_parse_seconds(const char *text, uint32_t *out_ms, char *err, size_t errlen);

/* Check every field of *policy as lsb_execute does. Returns 0, or -1 with
 * a message in err naming the field, the bad value and the allowed range. */
int lsb_policy_validate(const lsb_policy *policy, char *err, size_t errlen);

/* The fixed bounds a policy must respect and the guest-side facts a
 * front-end prints in its help; lsb_policy_init has the defaults. */
typedef struct lsb_limits {
    uint64_t min_memory;         /* bytes: smaller caps cannot start a guest */
    uint64_t max_memory;         /* bytes: the wasm32 address space */
    uint32_t max_timeout_ms;     /* wall clock */
    uint64_t max_fuel;           /* the guest's fuel counter is an i64 */
    uint64_t max_code_bytes;     /* code of one execution */
    uint64_t max_env_bytes;      /* all "K=V" entries, one NUL each */
    const char *const *base_env; /* "K=V" entries every run's environment starts
                                    with ("HOME=/app", "LANG=C.UTF-8", ...),
                                    NULL-terminated */
    const char *app_mount;       /* "/app": where the workspace appears */
} lsb_limits;

/* Fill *out; never fails. */
void lsb_limits_get(lsb_limits *out);

/* True when s[0..n) is valid UTF-8 (what lsb_execute requires of code);
 * otherwise false and *bad_offset (may be NULL) is the first bad byte. */
bool lsb_utf8_valid(const char *s, size_t n, size_t *bad_offset);

/* A malloc'd, NUL-terminated copy of s[0..n) with each invalid UTF-8
 * sequence replaced by U+FFFD, as lsb_result_to_json does with guest
 * output. *out_len (may be NULL) gets its length. NULL when out of memory. */
char *lsb_utf8_repair(const char *s, size_t n, size_t *out_len);

/*
 * Build time: start lang's guest once with the assets of assets_dir
 * (python-stdlib/, data/, root/, the layout lsb_sandbox_open expects),
 * run its prelude (prelude_len bytes of source) and write the snapshot
 * image to out_path. Returns LSB_OK; LSB_ERR_INVALID for a path too long;
 * LSB_ERR_SYSTEM with a message in err when the guest or the write failed.
 */
lsb_status lsb_snapshot_build(lsb_language lang, const char *assets_dir, const char *out_path,
                              const char *prelude, size_t prelude_len, char *err, size_t errlen);

/* Names used in JSON and messages: "python", "javascript"; "out_of_fuel"... */
const char *lsb_language_name(lsb_language lang);
int lsb_language_parse(const char *name, lsb_language *out); /* 0, or -1 when unknown */
const char *lsb_trap_name(lsb_trap trap);                    /* NULL for NONE */

/*
 * The folder llm-wasm-sandbox keeps its state under by default:
 * ${XDG_STATE_HOME:-$HOME/.local/state}/llm-wasm-sandbox (with HOME unset,
 * /tmp/.local/state/...). The default sessions root is its "sessions"
 * folder. Writes the path into out; returns 0, or -1 when it does not fit
 * in len (out is then unspecified).
 */
int lsb_state_dir(char *out, size_t len);

/* The host folder of vendored packages mounted read-only at /data by
 * default (inside the assets folder). Never NULL. */
const char *lsb_sandbox_data_dir(const lsb_sandbox *sandbox);

/* How many sessions hold a live process of this sandbox now. Never waits
 * for a run; 0 before the first session call. */
size_t lsb_sandbox_live_sessions(lsb_sandbox *sandbox);

/* Recoveries from processes that died under us (a kill -9 from outside,
 * an OOM kill), counted over the whole process since it started. */
typedef struct lsb_recovery_counts {
    uint64_t zygote_restarts; /* a zygote found dead was started again */
    uint64_t sessions_lost;   /* a live session process died; the session re-materialises */
} lsb_recovery_counts;

/* Read the recovery counts. Never fails, never waits. */
void lsb_recovery_counts_get(lsb_recovery_counts *out);

#ifdef __cplusplus
}
#endif
#endif
