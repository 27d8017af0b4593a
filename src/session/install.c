/*
 * install.c - lsb_session_install_package: pure-Python wheels into one
 * session's own site-packages.
 *
 * The host checks what it can without unpacking (the file name's tags, the
 * size, the zip signature), copies the wheel into the session's system
 * folder, and lets the sandbox itself unpack it with _lsb_wheel (from
 * /data/site-packages), so that a hostile archive can only ever write
 * inside that session's /app. The guest answers with one JSON line.
 */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../guest/lsb_abi.h"
#include "sandbox/defaults.h"
#include "sandbox/sandbox.h"
#include "session/exec.h"
#include "session/files.h"
#include "session/table.h"
#include "util/clock.h"

#define INSTALL_INCOMING  "/app/" LSB_SYSTEM_DIR "/incoming"
#define INSTALL_NAME_MAX  200
#define INSTALL_TAG_PARTS 6
#define INSTALL_FILE_OK   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._+-"

/* True if s ends with suffix. */
static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* A project name normalised for comparison (PEP 503, with '_'). */
static void normalise(const char *in, size_t len, char *out, size_t outlen) {
    size_t j = 0;
    for (size_t i = 0; i < len && j + 1 < outlen; i++) {
        char c = in[i];
        bool sep = c == '-' || c == '_' || c == '.';
        if (sep && j > 0 && out[j - 1] == '_') continue;
        out[j++] = sep ? '_' : (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    out[j] = '\0';
}

/* Find the newest wheel of project name in dir into out; 0 or -1 with err. */
static int find_wheel(const char *dir, const char *name, char *out, size_t outlen, char *err,
                      size_t errlen) {
    char want[INSTALL_NAME_MAX], have[INSTALL_NAME_MAX], best[NAME_MAX + 1] = "";
    DIR *d = dir[0] ? opendir(dir) : NULL;
    if (d == NULL) {
        snprintf(err, errlen, "'%.100s' is not a wheel file, and %s", name,
                 dir[0] ? "the wheel folder cannot be read" : "no wheel folder is configured");
        return -1;
    }
    normalise(name, strlen(name), want, sizeof want);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        const char *dash = strchr(de->d_name, '-');
        if (!ends_with(de->d_name, ".whl") || dash == NULL) continue;
        normalise(de->d_name, (size_t)(dash - de->d_name), have, sizeof have);
        if (strcmp(have, want) == 0 && strcmp(de->d_name, best) > 0)
            snprintf(best, sizeof best, "%s", de->d_name);
    }
    closedir(d);
    if (best[0] == '\0') {
        snprintf(err, errlen, "no wheel named '%.100s' in the wheel folder %s", name, dir);
        return -1;
    }
    return snprintf(out, outlen, "%s/%s", dir, best) < (int)outlen ? 0 : -1;
}

/* Refuse what is not a pure-Python wheel, by its file name; 0 or -1. */
static int check_name(const char *base, char *err, size_t errlen) {
    if (ends_with(base, ".tar.gz") || ends_with(base, ".tgz") || ends_with(base, ".zip") ||
        ends_with(base, ".tar.bz2")) {
        snprintf(err, errlen,
                 "'%s' is a source distribution; only pure-Python wheels "
                 "(py3-none-any .whl files) can be installed",
                 base);
        return -1;
    }
    if (!ends_with(base, ".whl") || strspn(base, INSTALL_FILE_OK) != strlen(base)) {
        snprintf(err, errlen, "'%.100s' is not a wheel file name (NAME-VERSION-py3-none-any.whl)",
                 base);
        return -1;
    }
    char tags[NAME_MAX + 1], *part[INSTALL_TAG_PARTS + 1];
    int n = 0;
    snprintf(tags, sizeof tags, "%.*s", (int)(strlen(base) - 4), base);
    for (char *save = NULL, *p = strtok_r(tags, "-", &save); p && n <= INSTALL_TAG_PARTS;
         p = strtok_r(NULL, "-", &save))
        part[n++] = p;
    if (n < 5 || n > INSTALL_TAG_PARTS) {
        snprintf(err, errlen,
                 "'%.100s' does not have the NAME-VERSION-PY-ABI-PLATFORM tags of a wheel", base);
        return -1;
    }
    const char *py = part[n - 3], *abi = part[n - 2], *plat = part[n - 1];
    if (strcmp(abi, "none") != 0 || strcmp(plat, "any") != 0 || strncmp(py, "py", 2) != 0) {
        snprintf(err, errlen,
                 "'%.100s' is a platform wheel (%s-%s-%s); only pure-Python wheels "
                 "(py3-none-any) can be installed, because native code cannot run in the sandbox",
                 base, py, abi, plat);
        return -1;
    }
    return 0;
}

/* Read the wheel at path (a regular zip file within the size cap). */
static char *read_wheel(const char *path, size_t *len, char *err, size_t errlen) {
    struct stat st;
    FILE *f = fopen(path, "rbe");
    char *data = NULL;
    if (f == NULL || fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode))
        snprintf(err, errlen, "cannot read the wheel %.200s", path);
    else if ((uint64_t)st.st_size > LSB_WHEEL_MAX_BYTES || st.st_size < 4)
        snprintf(err, errlen, "the wheel %.200s is %lld bytes; the limit is %llu", path,
                 (long long)st.st_size, (unsigned long long)LSB_WHEEL_MAX_BYTES);
    else if ((data = malloc((size_t)st.st_size)) == NULL ||
             fread(data, 1, (size_t)st.st_size, f) != (size_t)st.st_size ||
             memcmp(data, "PK\x03\x04", 4) != 0) {
        snprintf(err, errlen, "%.200s is not a zip archive, so it is not a wheel", path);
        free(data);
        data = NULL;
    } else {
        *len = (size_t)st.st_size;
    }
    if (f) fclose(f);
    return data;
}

/* Read the installer's JSON answer from stdout; LSB_OK or INVALID with err. */
static lsb_status parse_answer(const lsb_result *r, char *installed, size_t len, char *err,
                               size_t errlen) {
    json_error_t jerr;
    json_t *root = r->success ? json_loads(r->stdout_data, JSON_DISABLE_EOF_CHECK, &jerr) : NULL;
    const char *name = NULL, *version = NULL, *reason = NULL;
    int ok = 0;
    lsb_status st = LSB_ERR_INVALID;
    if (root && json_unpack(root, "{s:b, s?s, s?s, s?s}", "ok", &ok, "name", &name, "version",
                            &version, "reason", &reason) == 0) {
        if (ok && name && version) {
            snprintf(installed, len, "%s %s", name, version);
            st = LSB_OK;
        } else {
            snprintf(err, errlen, "the wheel was refused: %s", reason ? reason : "no reason given");
        }
    } else {
        snprintf(err, errlen, "the installer failed: %.300s", r->stderr_data ? r->stderr_data : "");
    }
    json_decref(root);
    return st;
}

/* Copy the wheel in, unpack it in the sandbox, remove the copy. */
static lsb_status install_in(lsb_sandbox *sb, sess_entry *e, lsb_session_info *info, const char *ws,
                             const char *base, const char *data, size_t len, char *installed,
                             size_t installed_len, char *err, size_t errlen) {
    char guest[PATH_MAX], code[2 * PATH_MAX];
    if (snprintf(guest, sizeof guest, "%s/%.*s", INSTALL_INCOMING, NAME_MAX, base) >=
        (int)sizeof guest)
        return LSB_ERR_INVALID;
    sess_files_write_args w = {.path = guest,
                               .data = data,
                               .len = len,
                               .overwrite = true,
                               .quota_bytes = info->policy.quota_bytes,
                               .quota_files = info->policy.quota_files};
    lsb_status st = sess_files_write(ws, &w, err, errlen);
    if (st != LSB_OK) return st;
    snprintf(code, sizeof code,
             "import _lsb_wheel, importlib, sys\n_lsb_wheel.main('%s', '%s')\n"
             "if '%s' not in sys.path: sys.path.insert(0, '%s')\nimportlib.invalidate_caches()\n",
             guest, LSB_SITE_DIR_GUEST, LSB_SITE_DIR_GUEST, LSB_SITE_DIR_GUEST);
    lsb_policy policy = info->policy;
    policy.fuel = LSB_INSTALL_FUEL;
    lsb_result r;
    st = sess_exec_run(sb, e, info, code, strlen(code), "<install_package>", true, &policy, &r, err,
                       errlen);
    if (st == LSB_OK) st = parse_answer(&r, installed, installed_len, err, errlen);
    lsb_result_free(&r);
    char why[128];
    sess_files_delete(ws, guest, false, why, sizeof why);
    return st;
}

/* See llmsandbox.h. */
lsb_status lsb_session_install_package(lsb_sandbox *sb, const char *id, const char *package,
                                       char *installed, size_t installed_len, char *err,
                                       size_t errlen) {
    char path[PATH_MAX], ws[PATH_MAX];
    if (package == NULL || package[0] == '\0' || strlen(package) >= PATH_MAX) {
        snprintf(err, errlen, "no package given");
        return LSB_ERR_INVALID;
    }
    bool is_path = strchr(package, '/') || ends_with(package, ".whl") ||
                   ends_with(package, ".tar.gz") || ends_with(package, ".tgz") ||
                   ends_with(package, ".zip");
    if (is_path)
        snprintf(path, sizeof path, "%s", package);
    else if (find_wheel(sess_table_wheel_dir(sandbox_sessions(sb)), package, path, sizeof path, err,
                        errlen) != 0)
        return LSB_ERR_NO_PACKAGE;
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    if (check_name(base, err, errlen) != 0) return LSB_ERR_INVALID;
    size_t len = 0;
    char *data = read_wheel(path, &len, err, errlen);
    if (data == NULL) return LSB_ERR_INVALID;
    lsb_session_info info;
    lsb_status st;
    sess_table *t = sandbox_sessions(sb);
    sess_entry *e = sess_table_acquire(t, id, &info, &st, err, errlen);
    if (e != NULL) {
        st = sess_table_lock_workspace(t, e, &info, util_now_ms() + info.policy.timeout_ms, NULL,
                                       NULL, err, errlen);
        if (st == LSB_OK)
            st = sess_table_workspace(t, id, ws, sizeof ws) == 0
                     ? install_in(sb, e, &info, ws, base, data, len, installed, installed_len, err,
                                  errlen)
                     : LSB_ERR_WORKSPACE;
        sess_table_release(t, e);
    }
    free(data);
    return st;
}
