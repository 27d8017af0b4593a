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
 *   lsb_init() -> i32 start the interpreter, run the prelude, chdir("/app").
 *                     0 on success. Called once, at build time, before the
 *                     snapshot image is written.
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
 */
#ifndef LSB_ABI_H
#define LSB_ABI_H

/* Request fields for lsb.request_get. */
#define LSB_REQ_CODE     0 /* UTF-8 source text of the program */
#define LSB_REQ_ENV      1 /* "K=V\0K=V\0..." per-run environment */
#define LSB_REQ_FILENAME 2 /* name shown in tracebacks, e.g. "main.py" */

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
