/*
 * walk.c - depth-first directory walking for the workspace listing, tree
 * removal and the quota scan (see walk.h).
 *
 * The walk is iterative: an explicit stack holds one frame per folder
 * being walked, so neither the C stack nor PATH_MAX limits the depth a
 * guest can build. A folder's names are read whole when it is entered (so
 * a visitor may delete entries as it goes), and only the deepest
 * WALK_OPEN_WINDOW folders (and the starting one) keep a descriptor open;
 * climbing back to a folder whose descriptor was closed reopens it as ".."
 * of its child and checks that it is the same inode as on the way down.
 * Every folder is opened from its parent's descriptor with openat2 and
 * O_NOFOLLOW | O_DIRECTORY (RESOLVE_BENEATH going down), so a symlink
 * swapped in mid-walk is never followed, and the walk also runs under the
 * seccomp filter of a session process (which allows openat2 only).
 */
#include "util/walk.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Internal results of a step: go on, stopped, all done, or < 0 aborted. */
#define WALK_GO   0
#define WALK_STOP 1
#define WALK_DONE 2

/* openat2 may fail with EAGAIN when a rename races the lookup. */
#define WALK_OPEN_RETRIES 8
/* Folders below the starting one that keep their descriptor open. */
#define WALK_OPEN_WINDOW 32
/* The getdents64 buffer. */
#define WALK_DENTS_BYTES 8192

/* One folder being walked. */
typedef struct frame {
    int fd;    /* the folder, or -1 while closed (outside the window) */
    dev_t dev; /* its identity, to check a reopen through ".." */
    ino_t ino;
    char *names;            /* its entries, each ending with a NUL */
    size_t names_len, next; /* bytes in names, offset of the next name */
    util_walk_entry self;   /* how it was shown (self.name lives in the parent's names) */
    size_t path_len;        /* length of its path in the walker's path */
} frame;

typedef struct walker {
    util_walk_fn visit;
    void *ctx;
    int max_depth;
    bool want_paths;
    frame *stack; /* stack[0] is the starting folder */
    size_t top, cap;
    char *path; /* the current path (want_paths); NULL after running out of memory */
    size_t path_cap;
} walker;

/* A getdents64 record. */
typedef struct dent64 {
    uint64_t ino;
    int64_t off;
    unsigned short reclen;
    unsigned char type;
    char name[];
} dent64;

/* Hand e to the visitor; map its answer to WALK_GO/WALK_STOP/negative,
 * and report whether it asked to enter. */
static int show(walker *w, const util_walk_entry *e, bool *enter) {
    int rc = w->visit(w->ctx, e);
    if (enter != NULL) *enter = rc == UTIL_WALK_ENTER;
    if (rc < 0) return rc;
    return rc == UTIL_WALK_STOP ? WALK_STOP : WALK_GO;
}

/* Tell the visitor that the folder e names could not be walked. */
static int no_enter(walker *w, util_walk_entry e, util_walk_why why, int err) {
    e.event = UTIL_WALK_NO_ENTER;
    e.st = NULL;
    e.why = why;
    e.err = err;
    return show(w, &e, NULL);
}

/* openat2 of name in dirfd with how, retried on EAGAIN/EINTR; fd or -1. */
static int open_how(int dirfd, const char *name, struct open_how *how) {
    for (int i = 0; i < WALK_OPEN_RETRIES; i++) {
        long fd = syscall(SYS_openat2, dirfd, name, how, sizeof *how);
        if (fd >= 0) return (int)fd;
        if (errno != EAGAIN && errno != EINTR) break;
    }
    return -1;
}

/* Open the folder `name` of dirfd for reading, beneath dirfd and without
 * following a symlink; the fd, or -1 with errno. */
static int open_folder(int dirfd, const char *name) {
    struct open_how how = {.flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
                           .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
    return open_how(dirfd, name, &how);
}

/* Append n bytes of s plus a NUL to f->names; 0 or -1 (ENOMEM). */
static int add_name(frame *f, const char *s, size_t n, size_t *cap) {
    if (f->names_len + n + 1 > *cap) {
        size_t grown = *cap ? *cap * 2 : 256;
        while (grown < f->names_len + n + 1)
            grown *= 2;
        char *v = realloc(f->names, grown);
        if (v == NULL) return -1;
        f->names = v;
        *cap = grown;
    }
    memcpy(f->names + f->names_len, s, n + 1);
    f->names_len += n + 1;
    return 0;
}

/* Read every name of the folder f->fd (but "." and "..") into f->names;
 * 0, or -1 with errno. */
static int read_names(frame *f) {
    _Alignas(8) char buf[WALK_DENTS_BYTES];
    size_t cap = 0;
    for (;;) {
        long n = syscall(SYS_getdents64, f->fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -1;
        if (n == 0) return 0;
        for (long off = 0; off < n;) {
            const dent64 *d = (const dent64 *)(buf + off);
            off += d->reclen;
            if (strcmp(d->name, ".") == 0 || strcmp(d->name, "..") == 0) continue;
            if (add_name(f, d->name, strlen(d->name), &cap) != 0) {
                errno = ENOMEM;
                return -1;
            }
        }
    }
}

/* The path of `name` in the folder whose path is base bytes long, built
 * in w->path; NULL when paths were not asked for or memory ran out. */
static const char *make_path(walker *w, size_t base, const char *name) {
    if (!w->want_paths || w->path == NULL) return NULL;
    size_t n = strlen(name), need = base + 1 + n + 1;
    if (need > w->path_cap) {
        char *grown = realloc(w->path, need * 2);
        if (grown == NULL) {
            free(w->path);
            w->path = NULL;
            return NULL;
        }
        w->path = grown;
        w->path_cap = need * 2;
    }
    size_t at = base;
    if (base > 0) w->path[at++] = '/';
    memcpy(w->path + at, name, n + 1);
    return w->path;
}

/* Close the descriptor and free the names of f. */
static void drop_frame(frame *f) {
    if (f->fd >= 0) close(f->fd);
    free(f->names);
    f->fd = -1;
    f->names = NULL;
}

/* Push a frame for the folder fd (taken over), shown as e; 0, or -1 with
 * errno (fd closed). Closes the descriptor that leaves the window. */
static int push_frame(walker *w, int fd, const util_walk_entry *e) {
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int err = errno;
        close(fd);
        errno = err;
        return -1;
    }
    if (w->top + 1 == w->cap) {
        size_t cap = w->cap * 2;
        frame *grown = realloc(w->stack, cap * sizeof *grown);
        if (grown == NULL) {
            close(fd);
            errno = ENOMEM;
            return -1;
        }
        w->stack = grown;
        w->cap = cap;
    }
    frame *f = &w->stack[w->top + 1];
    *f = (frame){.fd = fd, .dev = st.st_dev, .ino = st.st_ino, .self = *e};
    f->self.st = NULL;
    f->path_len = e->path ? strlen(e->path) : 0;
    if (read_names(f) != 0) {
        int err = errno;
        drop_frame(f);
        errno = err;
        return -1;
    }
    w->top++;
    if (w->top > WALK_OPEN_WINDOW) {
        frame *old = &w->stack[w->top - WALK_OPEN_WINDOW];
        if (old->fd >= 0) close(old->fd);
        old->fd = -1;
    }
    return 0;
}

/* Enter the folder e (an entry the visitor chose): open it, check the
 * depth and push its frame, or tell the visitor why not. */
static int enter(walker *w, const util_walk_entry *e) {
    int sub = open_folder(e->dirfd, e->name);
    if (sub < 0) return no_enter(w, *e, UTIL_WALK_OPEN_FAILED, errno);
    if (e->depth >= w->max_depth) {
        close(sub);
        return no_enter(w, *e, UTIL_WALK_TOO_DEEP, 0);
    }
    if (push_frame(w, sub, e) != 0) return no_enter(w, *e, UTIL_WALK_READ_FAILED, errno);
    return WALK_GO;
}

/* Show the next entry `name` of the top folder, entering it if asked. */
static int visit_next(walker *w, const char *name) {
    frame *f = &w->stack[w->top];
    struct stat st;
    int serr = fstatat(f->fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : errno;
    util_walk_entry e = {.event = UTIL_WALK_ENTRY,
                         .dirfd = f->fd,
                         .name = name,
                         .path = make_path(w, f->path_len, name),
                         .st = serr ? NULL : &st,
                         .depth = f->self.depth + 1,
                         .err = serr};
    bool go_in;
    int rc = show(w, &e, &go_in);
    return rc == WALK_GO && go_in ? enter(w, &e) : rc;
}

/* Make sure the parent of the top frame has an open descriptor,
 * reopening it as ".." of the top folder and checking it is the folder
 * seen on the way down; 0, or -1 when the tree was moved under the walk. */
static int reopen_parent(walker *w) {
    frame *child = &w->stack[w->top], *parent = &w->stack[w->top - 1];
    if (parent->fd >= 0) return 0;
    struct open_how how = {.flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
                           .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
    int fd = open_how(child->fd, "..", &how);
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0 && st.st_dev == parent->dev && st.st_ino == parent->ino) {
        parent->fd = fd;
        return 0;
    }
    if (fd >= 0) close(fd);
    return -1;
}

/* The top folder is done: pop it and show its LEAVE from its parent. */
static int leave(walker *w) {
    if (reopen_parent(w) != 0) return UTIL_WALK_LOST;
    frame *f = &w->stack[w->top];
    util_walk_entry e = f->self;
    e.event = UTIL_WALK_LEAVE;
    e.dirfd = w->stack[w->top - 1].fd;
    e.path = w->want_paths && w->path ? w->path : NULL;
    if (e.path) w->path[f->path_len] = '\0';
    drop_frame(f);
    w->top--;
    return show(w, &e, NULL);
}

/* One step: the top folder's next entry, or its LEAVE, or WALK_DONE. */
static int step(walker *w) {
    frame *f = &w->stack[w->top];
    if (f->next < f->names_len) {
        const char *name = f->names + f->next;
        f->next += strlen(name) + 1;
        return visit_next(w, name);
    }
    return w->top == 0 ? WALK_DONE : leave(w);
}

/* Start w on dirfd (taken over) as frame 0, setting *live once that frame
 * holds the folder's names; WALK_GO, or what the visitor said about the
 * starting folder not being readable. */
static int start(walker *w, int dirfd, const char *prefix, bool *live) {
    util_walk_entry root = {.event = UTIL_WALK_ENTRY, .dirfd = -1, .name = ".", .depth = -1};
    w->cap = WALK_OPEN_WINDOW;
    w->stack = malloc(w->cap * sizeof *w->stack);
    if (w->want_paths) {
        size_t n = strlen(prefix ? prefix : "");
        w->path_cap = n + 256;
        w->path = malloc(w->path_cap);
        if (w->path) memcpy(w->path, prefix ? prefix : "", n + 1);
        root.path = w->path;
    }
    if (w->stack == NULL) {
        close(dirfd);
        return no_enter(w, root, UTIL_WALK_READ_FAILED, ENOMEM);
    }
    frame *f = &w->stack[0];
    *f = (frame){.fd = dirfd, .self = root, .path_len = root.path ? strlen(root.path) : 0};
    if (read_names(f) != 0) {
        int err = errno;
        drop_frame(f);
        return no_enter(w, root, UTIL_WALK_READ_FAILED, err);
    }
    *live = true;
    return WALK_GO;
}

/* See walk.h. */
int util_walk(int dirfd, const char *prefix, int max_depth, bool want_paths, util_walk_fn visit,
              void *ctx) {
    walker w = {.visit = visit, .ctx = ctx, .max_depth = max_depth, .want_paths = want_paths};
    bool live = false;
    int rc = start(&w, dirfd, prefix, &live);
    while (live && rc == WALK_GO)
        rc = step(&w);
    for (size_t i = 0; live && i <= w.top; i++)
        drop_frame(&w.stack[i]);
    free(w.stack);
    free(w.path);
    return rc < 0 ? rc : 0;
}
