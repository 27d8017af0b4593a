/*
 * path.c - resolving guest paths inside a preopen, and nothing else.
 * Invariants: a guest path is copied out of guest memory once, validated
 * (bounded, no NUL, relative), and every lookup of it goes through
 * openat2(2) with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS, so neither "..",
 * an absolute path, nor a symlink planted by the guest can resolve outside
 * the starting directory. Calls on a last component resolve its parent
 * this way and then act on the single component name with an *at syscall.
 */
#include "wasi/path.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "wasi/abi.h"
#include "wasi/mem.h"
#include "wasm/mem.h"

/* openat2 may fail with EAGAIN when a rename races the lookup. */
#define OPENAT2_RETRIES 8

/* See path.h. */
uint32_t wasi_path_read(const wasm_rt_memory_t *mem, uint32_t ptr, uint32_t len, wasi_path *out) {
    const uint8_t *p = rt_mem_range(mem, ptr, len);
    if (p == NULL) return WASI_EFAULT;
    if (len > WASI_PATH_MAX) return WASI_ENAMETOOLONG;
    if (len == 0) return WASI_ENOENT;
    if (memchr(p, '\0', len) != NULL) return WASI_EINVAL;
    if (p[0] == '/') return WASI_ENOTCAPABLE;
    memcpy(out->s, p, len);
    out->s[len] = '\0';
    out->len = len;
    return 0;
}

/* EXDEV from a RESOLVE_BENEATH lookup means "would leave the directory". */
static uint32_t resolve_errno(int e) {
    return e == EXDEV ? WASI_ENOTCAPABLE : wasi_errno_from_host(e);
}

/* See path.h. */
uint32_t wasi_path_openat(int dirfd, const char *path, int flags, mode_t mode, int *out) {
    struct open_how how;
    long fd;
    memset(&how, 0, sizeof how);
    how.flags = (uint64_t)(flags | O_CLOEXEC);
    how.mode = (flags & O_CREAT) ? mode : 0;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    for (int i = 0; i < OPENAT2_RETRIES; i++) {
        fd = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
        if (fd >= 0) {
            *out = (int)fd;
            return 0;
        }
        if (errno != EAGAIN && errno != EINTR) break;
    }
    return resolve_errno(errno);
}

/* See path.h. */
void wasi_parent_close(wasi_parent *p) {
    if (p->fd >= 0) close(p->fd);
    p->fd = -1;
}

/* A "." or ".." last component: report an escape as such, else dot_errno. */
static uint32_t dot_component(int dirfd, const char *path, uint32_t dot_errno) {
    int fd;
    uint32_t rc = wasi_path_openat(dirfd, path, O_PATH | O_DIRECTORY, 0, &fd);
    if (rc == WASI_ENOTCAPABLE) return rc;
    if (rc == 0) close(fd);
    return dot_errno;
}

/* See path.h. */
uint32_t wasi_path_parent(int dirfd, const char *path, uint32_t dot_errno, wasi_parent *out) {
    size_t len = strlen(path), cut;
    const char *name;
    char dir[WASI_PATH_MAX + 1];
    out->fd = -1;
    out->trailing_slash = false;
    while (len > 1 && path[len - 1] == '/') {
        len--;
        out->trailing_slash = true;
    }
    cut = len;
    while (cut > 0 && path[cut - 1] != '/')
        cut--;
    name = path + cut;
    if (len - cut > WASI_NAME_MAX) return WASI_ENAMETOOLONG;
    memcpy(out->name, name, len - cut);
    out->name[len - cut] = '\0';
    if (strcmp(out->name, ".") == 0 || strcmp(out->name, "..") == 0)
        return dot_component(dirfd, path, dot_errno);
    if (cut == 0) {
        dir[0] = '.';
        dir[1] = '\0';
    } else {
        memcpy(dir, path, cut);
        dir[cut] = '\0';
    }
    return wasi_path_openat(dirfd, dir, O_PATH | O_DIRECTORY, 0, &out->fd);
}

/* See path.h. */
bool wasi_path_is_self(const char *path) {
    for (const char *p = path; *p;) {
        if (*p == '/') {
            p++;
        } else if (p[0] == '.' && (p[1] == '/' || p[1] == '\0')) {
            p++;
        } else {
            return false;
        }
    }
    return true;
}

/* See path.h. */
uint32_t wasi_path_check_symlink(const char *target) {
    if (target[0] == '\0') return WASI_ENOENT;
    if (target[0] == '/') return WASI_ENOTCAPABLE;
    for (const char *s = target; *s;) {
        size_t n = strcspn(s, "/");
        if (n == 2 && s[0] == '.' && s[1] == '.') return WASI_ENOTCAPABLE;
        s += n;
        while (*s == '/')
            s++;
    }
    return 0;
}
