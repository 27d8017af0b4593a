/*
 * outputs.c - the bounded folder of one-shot runs' full outputs: scan it,
 * delete what expired and, oldest first, what no longer fits, then write.
 *
 * Invariants: only regular files directly in the folder are counted or
 * deleted (never followed links, never subfolders); one lock serialises
 * every scan and write of the process, so the cap holds under concurrent
 * calls; a file is ordered by its modification time (nanoseconds).
 */
#include "mcp/outputs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mcp/limits.h"

static pthread_mutex_t outputs_lock = PTHREAD_MUTEX_INITIALIZER;

typedef struct out_file {
    char name[256];
    struct timespec mtime;
    uint64_t size;
} out_file;

typedef struct out_list {
    out_file *v;
    size_t count, cap;
    uint64_t bytes;
} out_list;

/* Order by modification time, oldest first (for qsort). */
static int by_age(const void *a, const void *b) {
    const struct timespec *x = &((const out_file *)a)->mtime, *y = &((const out_file *)b)->mtime;
    if (x->tv_sec != y->tv_sec) return x->tv_sec < y->tv_sec ? -1 : 1;
    return (x->tv_nsec > y->tv_nsec) - (x->tv_nsec < y->tv_nsec);
}

/* Keep one file in the list; false when out of memory. */
static bool list_add(out_list *l, const char *name, const struct stat *st) {
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        out_file *v = realloc(l->v, cap * sizeof *v);
        if (v == NULL) return false;
        l->v = v, l->cap = cap;
    }
    out_file *f = &l->v[l->count++];
    snprintf(f->name, sizeof f->name, "%s", name);
    f->mtime = st->st_mtim;
    f->size = (uint64_t)st->st_size;
    l->bytes += f->size;
    return true;
}

/* Scan dir (open as fd): delete the regular files older than ttl_s and
 * list the others, oldest first. */
static void scan(int fd, uint32_t ttl_s, out_list *l) {
    int dup_fd = dup(fd);
    DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    if (d == NULL) {
        if (dup_fd >= 0) close(dup_fd);
        return;
    }
    time_t now = time(NULL);
    struct dirent *e;
    struct stat st;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strlen(e->d_name) >= sizeof l->v[0].name) continue;
        if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) continue;
        if (now - st.st_mtim.tv_sec > (time_t)ttl_s)
            unlinkat(fd, e->d_name, 0);
        else if (!list_add(l, e->d_name, &st))
            break;
    }
    closedir(d);
    if (l->count > 1) qsort(l->v, l->count, sizeof *l->v, by_age);
}

/* Make room in dir (fd) for need more bytes and one more file: expired
 * files go, then the oldest while the folder would not fit. */
static void make_room(int fd, uint64_t max_bytes, uint32_t ttl_s, uint64_t need, bool one_more) {
    out_list l = {0};
    scan(fd, ttl_s, &l);
    size_t files = l.count + (one_more ? 1 : 0);
    for (size_t i = 0;
         i < l.count && (l.bytes + need > max_bytes || files > LSB_MCP_OUTPUTS_MAX_FILES); i++) {
        if (unlinkat(fd, l.v[i].name, 0) != 0 && errno != ENOENT) continue;
        l.bytes -= l.v[i].size;
        files--;
    }
    free(l.v);
}

/* Write data to the new file name in dir (fd); 0, or -1 with err. */
static int write_new(int fd, const char *dir, const char *name, const char *data, size_t len,
                     char *err, size_t errlen) {
    int out = openat(fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    size_t done = 0;
    while (out >= 0 && done < len) {
        ssize_t n = write(out, data + done, len - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += (size_t)n;
    }
    int saved_errno = errno;
    bool ok = out >= 0 && done == len;
    if (out >= 0 && close(out) != 0) ok = false;
    if (ok) return 0;
    if (out >= 0) unlinkat(fd, name, 0); /* never leave a partial file */
    snprintf(err, errlen, "could not be saved in %s: %s", dir, strerror(saved_errno));
    return -1;
}

/* See outputs.h. */
int mcp_outputs_write(const char *dir, const char *name, const char *data, size_t len,
                      uint64_t max_bytes, uint32_t ttl_s, char *err, size_t errlen) {
    if (len > max_bytes) {
        snprintf(err, errlen,
                 "was not kept: %zu bytes is over the server's outputs cap of %llu bytes", len,
                 (unsigned long long)max_bytes);
        return -1;
    }
    pthread_mutex_lock(&outputs_lock);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = -1;
    if (fd < 0) {
        snprintf(err, errlen, "could not be saved in %s: %s", dir, strerror(errno));
    } else {
        make_room(fd, max_bytes, ttl_s, len, true);
        rc = write_new(fd, dir, name, data, len, err, errlen);
        close(fd);
    }
    pthread_mutex_unlock(&outputs_lock);
    return rc;
}

/* See outputs.h. */
void mcp_outputs_prune(const char *dir, uint64_t max_bytes, uint32_t ttl_s) {
    pthread_mutex_lock(&outputs_lock);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        make_room(fd, max_bytes, ttl_s, 0, false);
        close(fd);
    }
    pthread_mutex_unlock(&outputs_lock);
}
