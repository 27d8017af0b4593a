/*
 * storage.c - session records on disk (see storage.h): atomic writes,
 * bounded reads, and a listing of the folders that hold a record.
 */
#include "sandbox/storage.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox/fdio.h"

/* The record path of id (and its temporary sibling when tmp); 0 or -1. */
static int record_path(const storage_disk *d, const char *id, int tmp, char *out, size_t len) {
    int n = snprintf(out, len, "%s/%s/%s%s", d->root, id, STORAGE_RECORD_NAME, tmp ? ".tmp" : "");
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
    int rc = fd < 0 ? -1 : fdio_write_all(fd, text, len);
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
    int rc =
        fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= STORAGE_RECORD_MAX ? 0 : -1;
    if (rc == 0 && (*text = malloc((size_t)st.st_size + 1)) == NULL) rc = -1;
    if (rc == 0) rc = fdio_read_all(fd, *text, (size_t)st.st_size);
    close(fd);
    if (rc != 0) {
        free(*text);
        *text = NULL;
        snprintf(err, errlen, "cannot read %s (not a regular file of at most %d bytes?)", path,
                 STORAGE_RECORD_MAX);
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
    const storage_disk *d = ctx;
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
    char rel[NAME_MAX + sizeof STORAGE_RECORD_NAME + 2];
    struct stat st;
    while (rc == 0 && (de = readdir(dir)) != NULL) {
        if (de->d_name[0] == '.') continue;
        snprintf(rel, sizeof rel, "%s/%s", de->d_name, STORAGE_RECORD_NAME);
        if (fstatat(dfd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
            rc = push_id(ids, count, &cap, de->d_name);
    }
    closedir(dir);
    if (rc != 0) snprintf(err, errlen, "out of memory listing %s", d->root);
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

void storage_disk_adapter(storage_disk *d, lsb_storage *out) {
    *out = (lsb_storage){
        .ctx = d, .put = disk_put, .get = disk_get, .list = disk_list, .remove = disk_remove};
}
