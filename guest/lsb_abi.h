/*
 * lsb_abi.h - the contract between a guest driver (inside wasm) and the host.
 *
 * Both guests (CPython, QuickJS) are wasm32-wasi *reactors* built with
 * -mexec-model=reactor. Besides WASI preview1 they import a few functions
 * from the module "lsb" and export a fixed set of entry points. The host
 * includes this header too, so the numbers below exist exactly once.
 *
 * Guest exports (written by the drivers in guest/<lang>/driver.c):
 *   _initialize()     wasi-libc reactor constructor; the host calls it first.
 *   lsb_init() -> i32 start the interpreter, fetch the prelude source from
 *                     request field LSB_REQ_PRELUDE and run it. 0 on
 *                     success. Called once, at build time, before the
 *                     snapshot image is written; so a prelude change needs
 *                     only a new snapshot, not a new guest build.
 *   lsb_run() -> i32  run one request; returns the process exit status
 *                     (0 success, 1 uncaught exception, or the status given
 *                     to sys.exit()/exit()). A guest may also end a run by
 *                     calling WASI proc_exit.
 *
 * Guest exports added by the fuel pass (tools/fuel):
 *   lsb_fuel_get() -> i64, lsb_fuel_set(i64)      the remaining fuel
 *   lsb_globals_count() -> i32                    number of mutable globals
 *   lsb_global_get(i32 index) -> i64              value (floats as raw bits)
 *   lsb_global_set(i32 index, i64 value)
 * and the import  lsb.out_of_fuel()  which the host makes trap.
 *
 * Host imports (module "lsb") offered to the drivers:
 *   request_get(i32 field, i32 buf, i32 cap) -> i32
 *       Copies min(cap, length) bytes of request field `field` to guest
 *       memory at buf and returns the field's full length (call with cap 0
 *       to learn the size). Returns -1 for an unknown field. No NUL is
 *       appended.
 *   report_error(i32 type_ptr, i32 type_len, i32 msg_ptr, i32 msg_len)
 *       Optional: the driver names the uncaught error of this run (for
 *       example "ZeroDivisionError", "division by zero"); the host puts it
 *       in the result's error object. Lengths are capped by the host.
 *   emit(i32 kind, i32 ptr, i32 len)
 *       Hand the host one message of the given kind (below), for example a
 *       warning for the result. The host caps the count and the length and
 *       ignores unknown kinds.
 */
#ifndef LSB_ABI_H
#define LSB_ABI_H

/* Request fields for lsb.request_get. */
#define LSB_REQ_CODE     0 /* UTF-8 source text of the program */
#define LSB_REQ_ENV      1 /* "K=V\0K=V\0..." per-run environment */
#define LSB_REQ_FILENAME 2 /* name shown in tracebacks, e.g. "main.py" */
#define LSB_REQ_PRELUDE  3 /* lsb_init only: the driver's prelude source text */
#define LSB_REQ_OPTIONS  4 /* per-run options: "key=value\n" lines, below */

/*
 * Run options (LSB_REQ_OPTIONS). Keys a guest does not know are ignored;
 * an absent key means "off".
 *   state_file=PATH  guest path of the session's durable state file; sent
 *                    only when the session has auto_persist_globals. After
 *                    a successful run the guest writes its persistable
 *                    globals there as a JSON object (temp file + rename).
 *   state_max=N      the largest state file, in bytes, to read or write.
 *   restore=1        this process was just materialised for the session:
 *                    before the code runs, load state_file (when it exists)
 *                    into the globals. A corrupt or oversized file becomes
 *                    an LSB_EMIT_WARNING and an empty state, never a failure.
 *   scratch=1        run the code in a throwaway namespace rather than the
 *                    session's globals, and persist nothing (the zygote's
 *                    pre-imports use this).
 *   site_dir=PATH    the session's own package folder; the guest puts it on
 *                    its module path when it exists (Python's sys.path).
 */
#define LSB_OPT_STATE_FILE "state_file"
#define LSB_OPT_STATE_MAX  "state_max"
#define LSB_OPT_RESTORE    "restore"
#define LSB_OPT_SCRATCH    "scratch"
#define LSB_OPT_SITE_DIR   "site_dir"

/* Kinds for lsb.emit. */
#define LSB_EMIT_WARNING 1 /* UTF-8 text for the result's "warnings" list */

/* Where sessions keep their own files inside /app; results hide this folder
 * from files_created and files_modified. */
#define LSB_SYSTEM_DIR       ".lsb"
#define LSB_STATE_FILE_GUEST "/app/.lsb/state.json"
#define LSB_SITE_DIR_GUEST   "/app/.lsb/site-packages"

/* Guest-visible mount points; the preopen order (fd 3, 4, 5, 6, 7) is fixed
 * because wasi-libc records it during lsb_init and the snapshot freezes it.
 * "/" is a read-only skeleton holding only the other mount points, so that
 * listing it shows the mounts and nothing of the host. */
#define LSB_MOUNT_STDLIB   "/usr/local/lib"
#define LSB_MOUNT_APP      "/app"
#define LSB_MOUNT_DATA     "/data"
#define LSB_MOUNT_EXTERNAL "/external"
#define LSB_MOUNT_ROOT     "/"

#endif
