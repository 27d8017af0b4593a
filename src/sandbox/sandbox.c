/*
 * sandbox.c - opens and closes lsb_sandbox objects (see sandbox.h).
 *
 * Assets are found in the folder given to lsb_sandbox_open, else in
 * $LSB_ASSETS_DIR, else in "assets" beside the program or library (a build
 * tree), or in ../share/llm-wasm-sandbox from it (an installed tree). They are
 * checked up front so that a missing build fails with one clear message.
 */
#include "sandbox/sandbox.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../guest/lsb_abi.h"
#include "sandbox/defaults.h"
#include "sandbox/snapshot.h"
#include "session/table.h"

#define SANDBOX_LANGS     2
#define SANDBOX_SHARE_DIR "llm-wasm-sandbox" /* of PREFIX/share, in an installed tree */

struct lsb_sandbox {
    char assets[PATH_MAX];
    char snapshot[SANDBOX_LANGS][PATH_MAX];
    char stdlib[PATH_MAX];
    char root[PATH_MAX];
    char data[PATH_MAX]; /* vendored packages, the default /data */
    zyg_zygote *zygote[SANDBOX_LANGS];
    pthread_mutex_t zygote_lock;              /* guards starting zygotes */
    char *preimports[SANDBOX_MAX_PREIMPORTS]; /* modules the Python zygote imports first */
    size_t preimport_count;
    sess_table *sessions;
};

static const char *const snapshot_names[SANDBOX_LANGS] = {"python.snap", "quickjs.snap"};
static const char *const default_preimports[] = {LSB_DEFAULT_PREIMPORTS};

/* See sandbox.h. */
const guest_module *sandbox_guest(lsb_language lang) {
    switch (lang) {
    case LSB_LANG_PYTHON: return &guest_python;
    case LSB_LANG_JAVASCRIPT: return &guest_quickjs;
    default: return NULL;
    }
}

/* See sandbox.h. */
const char *sandbox_snapshot_path(const lsb_sandbox *sb, lsb_language lang) {
    return sb->snapshot[lang];
}

const char *sandbox_stdlib_dir(const lsb_sandbox *sb) { return sb->stdlib; }
const char *sandbox_root_dir(const lsb_sandbox *sb) { return sb->root; }
const char *sandbox_data_dir(const lsb_sandbox *sb) { return sb->data; }

/* See llmsandbox.h. */
const char *lsb_sandbox_data_dir(const lsb_sandbox *sb) { return sb->data; }

zyg_zygote *sandbox_zygote(lsb_sandbox *sb, lsb_language lang) { return sb->zygote[lang]; }

sess_table *sandbox_sessions(lsb_sandbox *sb) { return sb->sessions; }

/* True for a dotted Python module name (it is pasted into Python code). */
static bool is_module_name(const char *s) {
    if (s == NULL || s[0] == '\0' || s[0] == '.' || strlen(s) > NAME_MAX) return false;
    return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") ==
           strlen(s);
}

/* See sandbox.h. */
int sandbox_set_preimports(lsb_sandbox *sb, const char *const *names, size_t count) {
    for (size_t i = 0; i < sb->preimport_count; i++)
        free(sb->preimports[i]);
    sb->preimport_count = 0;
    for (size_t i = 0; i < count && names[i] != NULL; i++) {
        if (i >= SANDBOX_MAX_PREIMPORTS || !is_module_name(names[i]) ||
            (sb->preimports[i] = strdup(names[i])) == NULL)
            return -1;
        sb->preimport_count = i + 1;
    }
    return 0;
}

/* Python source that imports the pre-imports (malloc'd), or NULL when the
 * list is empty or on OOM. */
static char *preimport_code(const lsb_sandbox *sb) {
    size_t len = 256;
    for (size_t i = 0; i < sb->preimport_count; i++)
        len += strlen(sb->preimports[i]) + 4;
    if (sb->preimport_count == 0) return NULL;
    char *code = malloc(len), *p = code;
    if (code == NULL) return NULL;
    p += sprintf(p, "for _m in (");
    for (size_t i = 0; i < sb->preimport_count; i++)
        p += sprintf(p, "%s%s%s%s", "\"", sb->preimports[i], "\"", ",");
    sprintf(p, "):\n    try:\n        __import__(_m)\n    except Exception as _e:\n"
               "        print('pre-import', _m, 'failed:', _e)\n");
    return code;
}

/* Whether dir holds our assets (a Python snapshot). */
static bool has_assets(const char *dir) {
    char snap[PATH_MAX];
    struct stat st;
    return snprintf(snap, sizeof snap, "%s/python.snap", dir) < (int)sizeof snap &&
           stat(snap, &st) == 0 && S_ISREG(st.st_mode);
}

/* Find the default assets folder: $LSB_ASSETS_DIR; else, beside the file
 * this code was loaded from (the program, or libllmsandbox.so), the build
 * tree's "assets" folder or an installed tree's
 * ../share/llm-wasm-sandbox, whichever holds assets (the first when
 * neither does, so the error names it). */
static int default_assets(char *out, size_t len) {
    const char *env = getenv("LSB_ASSETS_DIR");
    if (env != NULL && env[0] != '\0') return snprintf(out, len, "%s", env) < (int)len ? 0 : -1;
    Dl_info where;
    char self[PATH_MAX], installed[PATH_MAX];
    if (dladdr((const void *)default_assets, &where) == 0 || where.dli_fname == NULL ||
        realpath(where.dli_fname, self) == NULL)
        return -1;
    char *slash = strrchr(self, '/');
    if (slash == NULL) return -1;
    *slash = '\0';
    if (snprintf(installed, sizeof installed, "%s/../share/" SANDBOX_SHARE_DIR, self) >=
        (int)sizeof installed)
        return -1;
    if (has_assets(installed)) return snprintf(out, len, "%s", installed) < (int)len ? 0 : -1;
    return snprintf(out, len, "%s/assets", self) < (int)len ? 0 : -1;
}

/* Check that path exists (as a folder when want_dir); 0 or -1 with err. */
static int check_asset(const char *path, int want_dir, char *err, size_t errlen) {
    struct stat st;
    if (stat(path, &st) == 0 && (want_dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode))) return 0;
    snprintf(err, errlen, "missing sandbox asset %s (%s); build it with `make`", path,
             errno ? strerror(errno) : "wrong type");
    return -1;
}

/* Check that both snapshots were made with the stdlib and /data beside
 * them; 0, or -1 with err. */
static int check_snapshots(const lsb_sandbox *sb, char *err, size_t errlen) {
    uint64_t id = snap_assets_id(sb->stdlib, sb->data);
    for (int i = 0; i < SANDBOX_LANGS; i++)
        if (snap_check_assets(sb->snapshot[i], id, err, errlen) != 0) return -1;
    return 0;
}

/* See llmsandbox.h. */
lsb_status lsb_sandbox_open(lsb_sandbox **out, const char *assets_dir, char *err, size_t errlen) {
    *out = NULL;
    lsb_sandbox *sb = calloc(1, sizeof *sb);
    if (sb == NULL) {
        snprintf(err, errlen, "out of memory");
        return LSB_ERR_SYSTEM;
    }
    char assets[PATH_MAX];
    int bad = assets_dir ? snprintf(assets, sizeof assets, "%s", assets_dir) >= PATH_MAX
                         : default_assets(assets, sizeof assets) != 0;
    memcpy(sb->assets, assets, sizeof assets);
    for (int i = 0; i < SANDBOX_LANGS && !bad; i++)
        bad = snprintf(sb->snapshot[i], PATH_MAX, "%s/%s", assets, snapshot_names[i]) >= PATH_MAX;
    if (!bad) bad = snprintf(sb->stdlib, PATH_MAX, "%s/python-stdlib", assets) >= PATH_MAX;
    if (!bad) bad = snprintf(sb->root, PATH_MAX, "%s/root", assets) >= PATH_MAX;
    if (!bad) bad = snprintf(sb->data, PATH_MAX, "%s/data", assets) >= PATH_MAX;
    if (bad) {
        snprintf(err, errlen, "cannot locate the sandbox assets folder");
        free(sb);
        return LSB_ERR_ASSETS;
    }
    errno = 0;
    if (check_asset(sb->snapshot[0], 0, err, errlen) != 0 ||
        check_asset(sb->snapshot[1], 0, err, errlen) != 0 ||
        check_asset(sb->stdlib, 1, err, errlen) != 0 ||
        check_asset(sb->root, 1, err, errlen) != 0 || check_asset(sb->data, 1, err, errlen) != 0 ||
        check_snapshots(sb, err, errlen) != 0) {
        free(sb);
        return LSB_ERR_ASSETS;
    }
    size_t n = sizeof default_preimports / sizeof default_preimports[0];
    if (sandbox_set_preimports(sb, default_preimports, n) != 0 ||
        (sb->sessions = sess_table_new()) == NULL) {
        snprintf(err, errlen, "out of memory");
        sandbox_set_preimports(sb, NULL, 0);
        free(sb);
        return LSB_ERR_SYSTEM;
    }
    pthread_mutex_init(&sb->zygote_lock, NULL);
    *out = sb;
    return LSB_OK;
}

/* Start the zygote of lang (lock held), with the pre-imports for Python. */
static int start_zygote(lsb_sandbox *sb, lsb_language lang, char *err, size_t errlen) {
    char *code = lang == LSB_LANG_PYTHON ? preimport_code(sb) : NULL;
    worker_request warm = {.code = code,
                           .code_len = code ? strlen(code) : 0,
                           .filename = "<pre-import>",
                           .options = LSB_OPT_SCRATCH "=1\n",
                           .options_len = strlen(LSB_OPT_SCRATCH "=1\n"),
                           .fuel = LSB_PREIMPORT_FUEL,
                           .memory_bytes = LSB_DEFAULT_MEMORY,
                           .stdout_max = WASI_UNLIMITED,
                           .stderr_max = WASI_UNLIMITED,
                           .quota_bytes = WASI_UNLIMITED,
                           .quota_files = WASI_UNLIMITED,
                           .stdlib_dir = sb->stdlib,
                           .data_dir = sb->data,
                           .root_dir = sb->root};
    int rc = zyg_start(&sb->zygote[lang], sandbox_guest(lang), sb->snapshot[lang],
                       code ? &warm : NULL, err, errlen);
    free(code);
    return rc;
}

/* See sandbox.h. */
zyg_zygote *sandbox_ensure_zygote(lsb_sandbox *sb, lsb_language lang, char *err, size_t errlen) {
    pthread_mutex_lock(&sb->zygote_lock);
    if (sb->zygote[lang] == NULL && start_zygote(sb, lang, err, errlen) != 0)
        sb->zygote[lang] = NULL;
    zyg_zygote *z = sb->zygote[lang];
    pthread_mutex_unlock(&sb->zygote_lock);
    return z;
}

/* See llmsandbox.h. */
lsb_status lsb_sandbox_start_zygotes(lsb_sandbox *sb, char *err, size_t errlen) {
    for (int i = 0; i < SANDBOX_LANGS; i++)
        if (sandbox_ensure_zygote(sb, (lsb_language)i, err, errlen) == NULL) return LSB_ERR_SYSTEM;
    return LSB_OK;
}

/* See llmsandbox.h. */
void lsb_sandbox_close(lsb_sandbox *sb) {
    if (sb == NULL) return;
    sess_table_free(sb->sessions);
    for (int i = 0; i < SANDBOX_LANGS; i++)
        zyg_stop(sb->zygote[i]);
    pthread_mutex_destroy(&sb->zygote_lock);
    sandbox_set_preimports(sb, NULL, 0);
    free(sb);
}

/* Public: see llmsandbox.h. The asset layout is lsb_sandbox_open's. */
lsb_status lsb_snapshot_build(lsb_language lang, const char *assets_dir, const char *out_path,
                              const char *prelude, size_t prelude_len, char *err, size_t errlen) {
    char stdlib[PATH_MAX], data[PATH_MAX], root[PATH_MAX];
    if (snprintf(stdlib, sizeof stdlib, "%s/python-stdlib", assets_dir) >= (int)sizeof stdlib ||
        snprintf(data, sizeof data, "%s/data", assets_dir) >= (int)sizeof data ||
        snprintf(root, sizeof root, "%s/root", assets_dir) >= (int)sizeof root) {
        snprintf(err, errlen, "assets path too long: %s", assets_dir);
        return LSB_ERR_INVALID;
    }
    snapshot_inputs in = {stdlib, data, root, prelude, prelude_len};
    if (worker_make_snapshot(sandbox_guest(lang), &in, out_path, err, errlen) != 0)
        return LSB_ERR_SYSTEM;
    return LSB_OK;
}
