/*
 * sandbox.h - the lsb_sandbox object's internals (prefix sandbox_).
 *
 * A sandbox knows where its assets are (snapshot images and the Python
 * stdlib), which compiled guest serves each language, and, when zygotes
 * are enabled, the zygote process of each language.
 */
#ifndef LSB_SANDBOX_H
#define LSB_SANDBOX_H

#include "llmsandbox.h"
#include "sandbox/zygote.h"
#include "wasm/guest.h"

/* The compiled guest for lang, or NULL for an unknown language. */
const guest_module *sandbox_guest(lsb_language lang);

/* Paths of sb's assets, fixed when sb was opened (lang must be valid).
 * They cannot fail. */
const char *sandbox_snapshot_path(const lsb_sandbox *sb, lsb_language lang);
const char *sandbox_stdlib_dir(const lsb_sandbox *sb);
const char *sandbox_root_dir(const lsb_sandbox *sb); /* the "/" skeleton */
const char *sandbox_data_dir(const lsb_sandbox *sb); /* vendored packages (/data) */

typedef struct sess_table sess_table;

/* The session table of sb (created and freed with it; see session/table.h). */
sess_table *sandbox_sessions(lsb_sandbox *sb);

/* The running zygote for lang, or NULL when zygotes are off (not a
 * failure: runs then fork directly). */
zyg_zygote *sandbox_zygote(lsb_sandbox *sb, lsb_language lang);

/* The zygote of lang, started (with the configured pre-imports for Python)
 * if it is not running yet; NULL with err if it cannot start. */
zyg_zygote *sandbox_ensure_zygote(lsb_sandbox *sb, lsb_language lang, char *err, size_t errlen);

#define SANDBOX_MAX_PREIMPORTS 64

/* Replace the modules the Python zygote imports before it serves (it
 * warms one-shot runs and sessions alike) with names (at most count,
 * NULL-terminated); takes effect for zygotes started later. 0, or -1 for
 * too many names, one that is not a dotted module name, or OOM. */
int sandbox_set_preimports(lsb_sandbox *sb, const char *const *names, size_t count);

#endif
