/*
 * walk.h - the library's one directory-tree walker (prefix util_).
 *
 * Folders are opened relative to their parent's descriptor with openat2
 * (RESOLVE_BENEATH, O_NOFOLLOW, O_DIRECTORY: it also works under a session
 * process's seccomp filter), so a symlink never makes the host leave the
 * tree. The walk is iterative, with a bounded number of open descriptors
 * and no PATH_MAX anywhere, so it reaches the bottom of any tree a guest
 * can build (a caller may still bound the depth). The walker decides
 * nothing: a visitor sees every entry (with its lstat), chooses which
 * folders to enter, and decides what a failure means.
 */
#ifndef LSB_UTIL_WALK_H
#define LSB_UTIL_WALK_H

#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>

/* What the visitor is shown. */
typedef enum util_walk_event {
    UTIL_WALK_ENTRY,   /* an entry of a folder being walked */
    UTIL_WALK_LEAVE,   /* a folder the visitor entered, after all its entries */
    UTIL_WALK_NO_ENTER /* a folder that could not be walked (see why) */
} util_walk_event;

/* Why a folder could not be walked (UTIL_WALK_NO_ENTER). */
typedef enum util_walk_why {
    UTIL_WALK_OPEN_FAILED, /* openat2 failed: err is its errno */
    UTIL_WALK_TOO_DEEP,    /* the folder is at depth max_depth (it was opened first) */
    UTIL_WALK_READ_FAILED  /* fdopendir failed: err is its errno */
} util_walk_why;

typedef struct util_walk_entry {
    util_walk_event event;
    int dirfd;             /* the folder holding the entry (-1 for the starting folder) */
    const char *name;      /* its name in dirfd ("." for the starting folder) */
    const char *path;      /* prefix/.../name when paths were asked for (any length;
                              NULL when they were not, or memory ran out) */
    const struct stat *st; /* ENTRY: its lstat, or NULL when that failed (errno in err) */
    int depth;             /* 0 for the entries of the starting folder, -1 for it */
    int err;               /* errno of a failed lstat, open or read; else 0 */
    util_walk_why why;     /* NO_ENTER only */
} util_walk_entry;

/* What a visitor returns; a negative value aborts the walk. */
enum {
    UTIL_WALK_NEXT = 0,  /* go on with the next entry */
    UTIL_WALK_ENTER = 1, /* (ENTRY) walk this folder's entries, then send LEAVE */
    UTIL_WALK_STOP = 2   /* end the whole walk now, successfully */
};

/* What util_walk returns (no visitor returns it) when a folder was moved
 * while it was walked, so the walk could not climb back to its parent. */
#define UTIL_WALK_LOST INT_MIN

typedef int (*util_walk_fn)(void *ctx, const util_walk_entry *e);

/*
 * Walk the folder dirfd (taken over and closed; freshly opened, so its
 * reading position is at the start), depth-first, showing each entry to
 * visit. A folder's names are read when it is entered, so a visitor may
 * remove entries as it goes. Entry paths start with prefix ("" for none)
 * when want_paths. A folder at depth >= max_depth is never walked
 * (NO_ENTER, TOO_DEEP; INT_MAX for no bound). Returns 0 when the walk
 * ended (or a visitor said STOP), the negative value a visitor returned
 * to abort it, or UTIL_WALK_LOST. Nothing else fails on its own: every
 * failure is shown to the visitor, which decides.
 */
int util_walk(int dirfd, const char *prefix, int max_depth, bool want_paths, util_walk_fn visit,
              void *ctx);

#endif
