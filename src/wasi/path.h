/*
 * path.h - resolution of guest paths inside a preopened directory.
 * Internal to src/wasi.
 */
#ifndef WASI_PATH_H
#define WASI_PATH_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <wasm-rt.h>

#include "wasi/wasi.h"

/* A guest path copied into host memory, NUL-terminated. */
typedef struct wasi_path {
    char s[WASI_PATH_MAX + 1];
    uint32_t len;
} wasi_path;

/* The parent directory of a path's last component, opened beneath the
 * starting directory, and that component. */
typedef struct wasi_parent {
    int fd;              /* O_PATH directory fd, or -1 */
    bool trailing_slash; /* the guest path ended in '/' */
    char name[WASI_NAME_MAX + 1];
} wasi_parent;

/* Copies the guest path [ptr, ptr+len) into out and validates it. Returns
 * 0, FAULT (out of bounds), NAMETOOLONG (len > WASI_PATH_MAX), INVAL (a NUL
 * byte inside), NOENT (empty), NOTCAPABLE (absolute: starts with '/'). */
uint32_t wasi_path_read(const wasm_rt_memory_t *mem, uint32_t ptr, uint32_t len, wasi_path *out);

/* Opens path relative to dirfd with openat2(RESOLVE_BENEATH |
 * RESOLVE_NO_MAGICLINKS): no "..", absolute symlink or magic link can leave
 * dirfd. O_CLOEXEC is added. Returns 0 and *out, NOTCAPABLE for an escape,
 * or the WASI form of the host error. */
uint32_t wasi_path_openat(int dirfd, const char *path, int flags, mode_t mode, int *out);

/* Splits path into parent and last component and opens the parent beneath
 * dirfd (following symlinks inside it). A last component of "." or ".."
 * returns NOTCAPABLE if the whole path escapes, else dot_errno. Other
 * errors: NAMETOOLONG (component > WASI_NAME_MAX), those of openat.
 * On success the caller must wasi_parent_close(out). */
uint32_t wasi_path_parent(int dirfd, const char *path, uint32_t dot_errno, wasi_parent *out);
/* Closes p's directory fd (idempotent). Cannot fail. */
void wasi_parent_close(wasi_parent *p);

/* True if path names its starting directory ("." components and slashes
 * only), else false. Cannot fail. */
bool wasi_path_is_self(const char *path);

/* Symlink policy: target must be non-empty, relative and downward (no
 * ".." component), so that it resolves beneath the link's folder wherever
 * the link is moved (see wasi.h). Returns 0, NOENT (empty) or NOTCAPABLE. */
uint32_t wasi_path_check_symlink(const char *target);

#endif
