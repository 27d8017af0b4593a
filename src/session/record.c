/*
 * record.c - session ids, the JSON of session records (on Debian's
 * libjansson) and the default storage adapter that keeps them on disk:
 * atomic writes, bounded reads, and a listing of the folders that hold a
 * record (see record.h).
 */
#include "session/record.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <nettle/base16.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox/ipc.h"
#include "sandbox/policy.h"
#include "util/json.h"

#define RECORD_TIME_DECIMALS 3 /* Unix times in info objects: milliseconds */
#define RECORD_UUID_LEN      36
#define RECORD_UUID_BYTES    16

/* See llmsandbox.h. */
int lsb_uuid_new(char out[LSB_SESSION_ID_MAX + 1]) {
    static const size_t group_bytes[] = {4, 2, 2, 2, 6}; /* 8-4-4-4-12 digits */
    uint8_t b[RECORD_UUID_BYTES];
    if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) return -1;
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    char *at = out;
    const uint8_t *from = b;
    for (size_t g = 0; g < sizeof group_bytes / sizeof group_bytes[0]; g++) {
        if (g > 0) *at++ = '-';
        base16_encode_update(at, group_bytes[g], from);
        at += BASE16_ENCODE_LENGTH(group_bytes[g]);
        from += group_bytes[g];
    }
    *at = '\0';
    return 0;
}

/* True when id has the UUID shape (8-4-4-4-12 hex digits). */
static bool is_uuid(const char *id) {
    if (strlen(id) != RECORD_UUID_LEN) return false;
    for (int i = 0; i < RECORD_UUID_LEN; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? id[i] != '-' : !isxdigit((unsigned char)id[i])) return false;
    }
    return true;
}

/* See llmsandbox.h. */
int lsb_session_id_check(const char *id, bool allow_custom, char *err, size_t errlen) {
    if (id == NULL || id[0] == '\0') {
        snprintf(err, errlen, "the session id is empty");
        return -1;
    }
    if (is_uuid(id)) return 0;
    size_t len = strnlen(id, LSB_SESSION_ID_MAX + 1);
    if (!allow_custom) {
        snprintf(err, errlen,
                 "session id '%.40s%s' is not a UUID; custom ids must be enabled explicitly", id,
                 len > 40 ? "..." : "");
        return -1;
    }
    if (len > LSB_SESSION_ID_MAX) {
        snprintf(err, errlen, "the session id is longer than %d characters", LSB_SESSION_ID_MAX);
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)id[i];
        if (!isalnum(c) && c != '_' && c != '-') {
            snprintf(err, errlen,
                     "session id '%.40s%s' has the character 0x%02x at offset %zu; ids may hold "
                     "only letters, digits, '_' and '-'",
                     id, len > 40 ? "..." : "", c, i);
            return -1;
        }
    }
    return 0;
}

/* See record.h. */
int sess_record_owner_check(const char *owner, char *err, size_t errlen) {
    if (owner == NULL) return 0;
    size_t len = strnlen(owner, LSB_SESSION_OWNER_MAX + 1);
    if (len > LSB_SESSION_OWNER_MAX) {
        snprintf(err, errlen, "the session owner is longer than %d bytes", LSB_SESSION_OWNER_MAX);
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)owner[i];
        if (!isalnum(c) && c != '.' && c != '_' && c != ':' && c != '-') {
            snprintf(err, errlen,
                     "the session owner has the byte 0x%02x at offset %zu; an owner may hold only "
                     "letters, digits, '.', '_', ':' and '-'",
                     c, i);
            return -1;
        }
    }
    return 0;
}

/* The policy's limits as a JSON object: the "policy" of a record and the
 * "limits" of an info object. NULL when out of memory. */
static json_t *record_limits(const lsb_policy *p) {
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "fuel", util_json_uint(p->fuel),
                     "memory_bytes", util_json_uint(p->memory_bytes), "timeout_ms",
                     util_json_uint(p->timeout_ms), "stdout_max", util_json_uint(p->stdout_max),
                     "stderr_max", util_json_uint(p->stderr_max), "quota_bytes",
                     util_json_uint(p->quota_bytes), "quota_files", util_json_uint(p->quota_files));
}

/* See llmsandbox.h. A damaged session has no language or limits (null)
 * and one more key, "damaged": true. */
char *lsb_session_info_to_json(const lsb_session_info *i) {
    json_t *o = json_pack(
        "{s:o, s:o, s:o, s:o, s:o, s:b, s:b, s:o, s:o, s:o}", "id", util_json_str(i->id),
        "language", util_json_str(i->damaged ? NULL : lsb_language_name(i->language)), "created_at",
        util_json_fixed(i->created_at, RECORD_TIME_DECIMALS), "last_used_at",
        util_json_fixed(i->last_used_at, RECORD_TIME_DECIMALS), "execution_count",
        util_json_uint(i->execution_count), "auto_persist_globals", (int)i->auto_persist_globals,
        "live", (int)i->live, "workspace_bytes", util_json_uint(i->workspace_bytes),
        "workspace_files", util_json_uint(i->workspace_files), "limits",
        i->damaged ? json_null() : record_limits(&i->policy));
    if (o != NULL && i->damaged && json_object_set_new(o, "damaged", json_true()) != 0)
        json_decref(o), o = NULL;
    char *text = o ? util_json_dumps(o, UTIL_JSON_FLAGS) : NULL;
    json_decref(o);
    return text;
}

/* See record.h. */
char *sess_record_encode(const lsb_session_info *info) {
    json_t *policy = record_limits(&info->policy);
    json_t *root =
        policy
            ? json_pack("{s:i, s:s, s:s, s:f, s:f, s:I, s:b, s:o}", "version", SESS_RECORD_VERSION,
                        "id", info->id, "runtime", lsb_language_name(info->language), "created_at",
                        info->created_at, "last_used_at", info->last_used_at, "execution_count",
                        (json_int_t)info->execution_count, "auto_persist_globals",
                        info->auto_persist_globals, "policy", policy)
            : NULL;
    /* no owner, no key: records without one read as before */
    if (root != NULL && info->owner[0] != '\0' &&
        json_object_set_new(root, "owner", json_string(info->owner)) != 0)
        json_decref(root), root = NULL;
    char *text = root ? util_json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
    json_decref(root);
    return text;
}

/* Read a non-negative integer field of obj into *out; 0 or -1. */
static int get_uint(json_t *obj, const char *key, uint64_t *out) {
    json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v) || json_integer_value(v) < 0) return -1;
    *out = (uint64_t)json_integer_value(v);
    return 0;
}

/* Decode and validate the policy object into info->policy; 0 or -1. */
static int decode_policy(json_t *obj, lsb_policy *p, char *err, size_t errlen) {
    uint64_t timeout = 0;
    lsb_policy_init(p);
    if (!json_is_object(obj) || get_uint(obj, "fuel", &p->fuel) ||
        get_uint(obj, "memory_bytes", &p->memory_bytes) || get_uint(obj, "timeout_ms", &timeout) ||
        get_uint(obj, "stdout_max", &p->stdout_max) ||
        get_uint(obj, "stderr_max", &p->stderr_max) ||
        get_uint(obj, "quota_bytes", &p->quota_bytes) ||
        get_uint(obj, "quota_files", &p->quota_files) || timeout > UINT32_MAX) {
        snprintf(err, errlen, "its policy is missing a limit or has one of the wrong type");
        return -1;
    }
    p->timeout_ms = (uint32_t)timeout;
    return policy_validate(p, err, errlen);
}

/* Decode the optional "owner" into info->owner; 0, or -1 with err. */
static int decode_owner(json_t *root, lsb_session_info *info, char *err, size_t errlen) {
    json_t *v = json_object_get(root, "owner");
    char why[200];
    if (v == NULL) return 0;
    if (!json_is_string(v) || json_string_length(v) == 0 ||
        strlen(json_string_value(v)) != json_string_length(v) ||
        sess_record_owner_check(json_string_value(v), why, sizeof why) != 0) {
        snprintf(err, errlen, "its owner is not a string of 1 to %d of [A-Za-z0-9._:-]",
                 LSB_SESSION_OWNER_MAX);
        return -1;
    }
    snprintf(info->owner, sizeof info->owner, "%s", json_string_value(v));
    return 0;
}

/* Decode the top-level fields; 0, or -1 with err. The owner comes first,
 * so a record damaged elsewhere still names it (see record.h). */
static int decode_fields(json_t *root, const char *id, lsb_session_info *info, char *err,
                         size_t errlen) {
    const char *rid = NULL, *runtime = NULL;
    json_t *policy = NULL;
    int persist = 0;
    json_int_t count = 0, version = 0;
    if (decode_owner(root, info, err, errlen) != 0) return -1;
    if (json_unpack(root, "{s:I, s:s, s:s, s:F, s:F, s:I, s:b, s:o}", "version", &version, "id",
                    &rid, "runtime", &runtime, "created_at", &info->created_at, "last_used_at",
                    &info->last_used_at, "execution_count", &count, "auto_persist_globals",
                    &persist, "policy", &policy) != 0 ||
        version != SESS_RECORD_VERSION || count < 0) {
        snprintf(err, errlen, "a field is missing, of the wrong type, or of another version");
        return -1;
    }
    if (strcmp(rid, id) != 0 || lsb_language_parse(runtime, &info->language) != 0) {
        snprintf(err, errlen, "its id or runtime does not match");
        return -1;
    }
    snprintf(info->id, sizeof info->id, "%s", id);
    info->execution_count = (uint64_t)count;
    info->auto_persist_globals = persist != 0;
    return decode_policy(policy, &info->policy, err, errlen);
}

/* See record.h. */
int sess_record_decode(const char *id, const char *text, size_t len, lsb_session_info *info,
                       char *err, size_t errlen) {
    char why[256] = "";
    json_error_t jerr;
    memset(info, 0, sizeof *info);
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    int rc = -1;
    if (root == NULL)
        snprintf(why, sizeof why, "invalid JSON at line %d: %s", jerr.line, jerr.text);
    else if (!json_is_object(root))
        snprintf(why, sizeof why, "it is not a JSON object");
    else
        rc = decode_fields(root, id, info, why, sizeof why);
    json_decref(root);
    if (rc != 0) snprintf(err, errlen, "the record of session '%s' is unusable: %s", id, why);
    return rc;
}

/* The record path of id (and its temporary sibling when tmp); 0 or -1. */
static int record_path(const sess_record_disk *d, const char *id, int tmp, char *out, size_t len) {
    int n = snprintf(out, len, "%s/%s/%s%s", d->root, id, SESS_RECORD_NAME, tmp ? ".tmp" : "");
    return n > 0 && (size_t)n < len ? 0 : -1;
}

/* Write text to path's temp file and rename it over path. A new record is
 * fsync'd first; an update (every execution bumps execution_count and
 * last_used_at) is not, which keeps fsync's milliseconds off the hot path:
 * the rename still makes it all-or-nothing, and a crash can at worst lose
 * the newest counters, never the record. */
static int disk_put(void *ctx, const char *id, const char *text, size_t len, char *err,
                    size_t errlen) {
    char path[PATH_MAX], tmp[PATH_MAX];
    if (record_path(ctx, id, 0, path, sizeof path) != 0 ||
        record_path(ctx, id, 1, tmp, sizeof tmp) != 0) {
        snprintf(err, errlen, "session record path too long");
        return -1;
    }
    bool update = access(path, F_OK) == 0;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    int rc = fd < 0 ? -1 : ipc_write_all(fd, text, len);
    if (rc == 0 && !update) rc = fsync(fd);
    if (fd >= 0 && close(fd) != 0) rc = -1;
    if (rc == 0) rc = rename(tmp, path);
    if (rc != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
    }
    return rc;
}

/* Read the record of id; 1 when there is none. */
static int disk_get(void *ctx, const char *id, char **text, size_t *len, char *err, size_t errlen) {
    char path[PATH_MAX];
    struct stat st;
    *text = NULL;
    if (record_path(ctx, id, 0, path, sizeof path) != 0) return 1;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR) return 1;
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    int rc = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= SESS_RECORD_MAX ? 0 : -1;
    if (rc == 0 && (*text = malloc((size_t)st.st_size + 1)) == NULL) rc = -1;
    if (rc == 0) rc = ipc_read_all(fd, *text, (size_t)st.st_size);
    close(fd);
    if (rc != 0) {
        free(*text);
        *text = NULL;
        snprintf(err, errlen, "cannot read %s (not a regular file of at most %d bytes?)", path,
                 SESS_RECORD_MAX);
        return -1;
    }
    (*text)[st.st_size] = '\0';
    *len = (size_t)st.st_size;
    return 0;
}

/* Append a copy of name to the growing list; 0 or -1 on OOM. */
static int push_id(char ***ids, size_t *count, size_t *cap, const char *name) {
    if (*count == *cap) {
        size_t next = *cap ? *cap * 2 : 16;
        char **grown = realloc(*ids, next * sizeof *grown);
        if (grown == NULL) return -1;
        *ids = grown;
        *cap = next;
    }
    if (((*ids)[*count] = strdup(name)) == NULL) return -1;
    (*count)++;
    return 0;
}

/* List the ids whose folder holds a record (a missing root lists none). */
static int disk_list(void *ctx, char ***ids, size_t *count, char *err, size_t errlen) {
    const sess_record_disk *d = ctx;
    size_t cap = 0;
    *ids = NULL;
    *count = 0;
    DIR *dir = opendir(d->root);
    if (dir == NULL) {
        if (errno == ENOENT) return 0;
        snprintf(err, errlen, "cannot list %s: %s", d->root, strerror(errno));
        return -1;
    }
    int dfd = dirfd(dir), rc = 0;
    struct dirent *de;
    char rel[NAME_MAX + sizeof SESS_RECORD_NAME + 2];
    struct stat st;
    while (rc == 0 && (de = readdir(dir)) != NULL) {
        if (de->d_name[0] == '.') continue;
        snprintf(rel, sizeof rel, "%s/%s", de->d_name, SESS_RECORD_NAME);
        if (fstatat(dfd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
            rc = push_id(ids, count, &cap, de->d_name);
    }
    closedir(dir);
    if (rc != 0) { /* leave nothing for the caller to free: callers skip it on error */
        for (size_t i = 0; i < *count; i++)
            free((*ids)[i]);
        free(*ids);
        *ids = NULL;
        *count = 0;
        snprintf(err, errlen, "out of memory listing %s", d->root);
    }
    return rc;
}

/* Delete the record of id (absent is fine). */
static int disk_remove(void *ctx, const char *id, char *err, size_t errlen) {
    char path[PATH_MAX];
    if (record_path(ctx, id, 0, path, sizeof path) != 0) return 0;
    if (unlink(path) != 0 && errno != ENOENT) {
        snprintf(err, errlen, "cannot delete %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* See record.h. */
void sess_record_disk_adapter(sess_record_disk *d, lsb_storage *out) {
    *out = (lsb_storage){
        .ctx = d, .put = disk_put, .get = disk_get, .list = disk_list, .remove = disk_remove};
}
