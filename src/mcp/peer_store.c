/*
 * peer_store.c - HTTP protocol sessions on disk, shared by every server
 * of one storage directory (see peer_store.h).
 *
 * Everything read back is untrusted: the id must have our UUID shape
 * before it names a file, the file is opened without following links
 * and read up to a small cap, and every field is type-, length- and
 * UTF-8-checked; a bad file is an unknown session, never a guess. Writes
 * go to a temporary file named after this process and are renamed into
 * place, so two nodes writing at once leave one whole file.
 */
#include "mcp/peer_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/fs.h"
#include "util/json.h"
#include "util/utf8.h"

#define STORE_FILE_MAX    4096 /* a record is ~150 bytes */
#define STORE_SUFFIX      ".json"
#define STORE_TMP_MARK    ".tmp-"
#define STORE_TMP_STALE_S 60 /* a temporary file older than this was left by a kill */
#define STORE_LOG_LEVELS  8  /* mcp_request_log_level's range is -1..7 */

/* See peer_store.h. */
bool mcp_peer_store_id_ok(const char *id) {
    if (id == NULL || strlen(id) != MCP_PEER_ID_LEN) return false;
    for (int i = 0; i < MCP_PEER_ID_LEN; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        char c = id[i];
        if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

/* dir/<id>.json into path; 0, or -1 when id is not ours or it is too long. */
static int store_path(char path[PATH_MAX], const char *dir, const char *id) {
    if (!mcp_peer_store_id_ok(id)) return -1;
    int n = snprintf(path, PATH_MAX, "%s/%s" STORE_SUFFIX, dir, id);
    return n > 0 && n < PATH_MAX ? 0 : -1;
}

/* p's record as JSON text (malloc'd), or NULL when out of memory. */
static char *encode(const mcp_peer *p) {
    json_t *o = json_pack("{s:s, s:s, s:i, s:I}", "version", p->version, "client", p->client,
                          "log_level", atomic_load(&p->log_level), "saved", (json_int_t)time(NULL));
    char *text = o ? util_json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return text;
}

/* Write text to path through a temporary file; 0, or -1 with errno. */
static int write_renamed(const char *path, const char *text) {
    char tmp[PATH_MAX + 32];
    snprintf(tmp, sizeof tmp, "%s" STORE_TMP_MARK "%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return -1;
    int rc = util_write_all(fd, text, strlen(text));
    if (close(fd) != 0) rc = -1;
    if (rc == 0 && rename(tmp, path) == 0) return 0;
    int saved = errno;
    unlink(tmp);
    errno = saved;
    return -1;
}

/* See peer_store.h. */
int mcp_peer_store_save(const char *dir, const mcp_peer *p, char *err, size_t errlen) {
    char path[PATH_MAX];
    if (store_path(path, dir, p->id) != 0) {
        snprintf(err, errlen, "cannot keep protocol session %.40s: bad id or path", p->id);
        return -1;
    }
    char *text = encode(p);
    int rc = text ? write_renamed(path, text) : -1;
    if (rc != 0)
        snprintf(err, errlen, "cannot keep protocol session %s in %s: %s", p->id, dir,
                 text ? strerror(errno) : "out of memory");
    free(text);
    return rc;
}

/* Read path (no links followed, at most STORE_FILE_MAX bytes) as JSON;
 * NULL when it cannot be read or parsed. */
static json_t *read_record(const char *path) {
    char buf[STORE_FILE_MAX + 1];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return NULL;
    ssize_t n = util_read_upto(fd, buf, sizeof buf);
    close(fd);
    if (n < 0 || n > STORE_FILE_MAX) return NULL;
    return json_loadb(buf, (size_t)n, JSON_REJECT_DUPLICATES, NULL);
}

/* Copy text field name of o into out (cap bytes) when it is a string of
 * valid UTF-8 that fits; false otherwise. */
static bool text_field(const json_t *o, const char *name, char *out, size_t cap) {
    const json_t *v = json_object_get(o, name);
    size_t len = json_string_length(v);
    if (!json_is_string(v) || len >= cap || !utf8_valid(json_string_value(v), len, NULL) ||
        memchr(json_string_value(v), '\0', len) != NULL)
        return false;
    memcpy(out, json_string_value(v), len + 1);
    return true;
}

/* See peer_store.h. */
int mcp_peer_store_load(const char *dir, const char *id, mcp_peer_record *out) {
    char path[PATH_MAX];
    if (store_path(path, dir, id) != 0) return -1;
    json_t *o = read_record(path);
    const json_t *level = json_object_get(o, "log_level");
    bool ok = json_is_object(o) && json_is_integer(level) && json_integer_value(level) >= -1 &&
              json_integer_value(level) < STORE_LOG_LEVELS &&
              text_field(o, "version", out->version, sizeof out->version) &&
              text_field(o, "client", out->client, sizeof out->client);
    if (ok) out->log_level = (int)json_integer_value(level);
    json_decref(o);
    return ok ? 0 : -1;
}

/* See peer_store.h. */
int mcp_peer_store_touch(const char *dir, const char *id) {
    char path[PATH_MAX];
    if (store_path(path, dir, id) != 0) return -1;
    return utimensat(AT_FDCWD, path, NULL, AT_SYMLINK_NOFOLLOW);
}

/* See peer_store.h. */
void mcp_peer_store_forget(const char *dir, const char *id) {
    char path[PATH_MAX];
    if (store_path(path, dir, id) == 0) unlink(path);
}

/* Seconds since path last changed, or -1 when it cannot be read. */
static double idle_seconds(const char *path) {
    struct stat st;
    if (lstat(path, &st) != 0) return -1;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (double)(now.tv_sec - st.st_mtim.tv_sec) + (now.tv_nsec - st.st_mtim.tv_nsec) / 1e9;
}

/* See peer_store.h. */
bool mcp_peer_store_fresh(const char *dir, const char *id, uint32_t ttl_s) {
    char path[PATH_MAX];
    if (store_path(path, dir, id) != 0) return false;
    double idle = idle_seconds(path);
    return idle >= 0 && idle <= ttl_s;
}

/* Whether name (in the store) is past its age: a record idle over ttl_s,
 * or a temporary file older than STORE_TMP_STALE_S. Other names stay. */
static bool expired_name(const char *dir, const char *name, uint32_t ttl_s) {
    char path[PATH_MAX];
    const char *tmp = strstr(name, STORE_SUFFIX STORE_TMP_MARK);
    size_t len = strlen(name);
    bool record = len > strlen(STORE_SUFFIX) && tmp == NULL &&
                  strcmp(name + len - strlen(STORE_SUFFIX), STORE_SUFFIX) == 0;
    if ((!record && tmp == NULL) ||
        snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
        return false;
    double idle = idle_seconds(path);
    return idle >= 0 && idle > (record ? (double)ttl_s : STORE_TMP_STALE_S);
}

/* See peer_store.h. */
size_t mcp_peer_store_sweep(const char *dir, uint32_t ttl_s) {
    DIR *d = opendir(dir);
    size_t removed = 0;
    if (d == NULL) return 0;
    for (struct dirent *de; (de = readdir(d)) != NULL;)
        if (expired_name(dir, de->d_name, ttl_s) && unlinkat(dirfd(d), de->d_name, 0) == 0)
            removed++;
    closedir(d);
    return removed;
}
