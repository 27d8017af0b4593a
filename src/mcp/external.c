/*
 * external.c - the /external mount of the MCP server. Files named by the
 * operator are checked (regular file, not a symlink, under the size cap,
 * unique base name), then copied into a fresh folder of the storage
 * directory that the server mounts read-only in every run. The copy is
 * taken once at startup, so later edits to the originals, or a symlink
 * swapped in, cannot reach the guest.
 */
#include "mcp/external.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fs.h"

#define COPY_CHUNK 65536
#define REMOVE_FDS 16 /* descriptors nftw may hold open */

/* Check one file; 0 or -1 with err. */
static int check_file(const char *path, uint64_t max_bytes, char *err, size_t errlen) {
    struct stat st;
    if (lstat(path, &st) != 0) {
        snprintf(err, errlen, "--external-files: cannot read '%s': %s", path, strerror(errno));
        return -1;
    }
    if (S_ISLNK(st.st_mode)) {
        snprintf(err, errlen,
                 "--external-files: '%s' is a symbolic link; symlinks are refused (name the file "
                 "it points to)",
                 path);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "--external-files: '%s' is not a regular file", path);
        return -1;
    }
    if ((uint64_t)st.st_size > max_bytes) {
        snprintf(err, errlen,
                 "--external-files: '%s' is %lld bytes, over the cap of %llu MiB "
                 "(--max-external-file-size-mb)",
                 path, (long long)st.st_size, (unsigned long long)(max_bytes >> 20));
        return -1;
    }
    return 0;
}

/* The base name of path (into buf). */
static const char *base_of(const char *path, char *buf, size_t len) {
    snprintf(buf, len, "%s", path);
    return basename(buf);
}

/* Copy src to dst (created, 0444), refusing a symlink at src. */
static int copy_file(const char *src, const char *dst, char *err, size_t errlen) {
    int in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    int out = in < 0 ? -1 : open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
    char buf[COPY_CHUNK];
    ssize_t n = 0;
    while (out >= 0 && (n = util_read_upto(in, buf, sizeof buf)) > 0)
        if (util_write_all(out, buf, (size_t)n) != 0) n = -1;
    int rc = (in < 0 || out < 0 || n < 0) ? -1 : 0;
    if (rc != 0)
        snprintf(err, errlen, "--external-files: cannot copy '%s': %s", src, strerror(errno));
    if (in >= 0) close(in);
    if (out >= 0 && close(out) != 0) rc = -1;
    return rc;
}

/* See external.h. */
int mcp_external_prepare(const char *parent, char *const *files, size_t count, uint64_t max_bytes,
                         char *dir, size_t dirlen, char *err, size_t errlen) {
    char a[PATH_MAX], b[PATH_MAX];
    for (size_t i = 0; i < count; i++) {
        if (check_file(files[i], max_bytes, err, errlen) != 0) return -1;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(base_of(files[i], a, sizeof a), base_of(files[j], b, sizeof b)) == 0) {
                snprintf(err, errlen,
                         "--external-files: '%s' and '%s' have the same name; /external is flat, "
                         "so names must be unique",
                         files[j], files[i]);
                return -1;
            }
        }
    }
    if (snprintf(dir, dirlen, "%s/external-XXXXXX", parent) >= (int)dirlen ||
        mkdtemp(dir) == NULL) {
        snprintf(err, errlen, "--external-files: cannot make a folder in %s: %s", parent,
                 strerror(errno));
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        char dst[PATH_MAX + NAME_MAX + 2];
        snprintf(dst, sizeof dst, "%s/%s", dir, base_of(files[i], a, sizeof a));
        if (copy_file(files[i], dst, err, errlen) != 0) {
            mcp_external_remove(dir);
            return -1;
        }
    }
    return 0;
}

/* nftw callback: remove one entry (children come first: FTW_DEPTH). */
static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st, (void)ftw;
    return (flag == FTW_DP ? rmdir(path) : unlink(path)) == 0 || errno == ENOENT ? 0 : -1;
}

/* See external.h. */
int mcp_external_remove(const char *dir) {
    return nftw(dir, remove_entry, REMOVE_FDS, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}
