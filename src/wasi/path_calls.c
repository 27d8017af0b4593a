/*
 * path_calls.c - the path_* imports. Each call checks the directory fd
 * (open, a directory, writable if it writes, rights), copies and validates
 * the guest path (path.c), resolves it beneath the directory (path.c), and
 * keeps the quota: entries are checked before creation and accounted
 * after, removals give their share back. A trailing slash is never passed
 * to an *at syscall (it would make the kernel follow a symlink unchecked);
 * its meaning ("must be a directory") is applied here instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi/abi.h"
#include "wasi/ctx.h"
#include "wasi/fdtab.h"
#include "wasi/ident.h"
#include "wasi/mem.h"
#include "wasi/path.h"
#include "wasi/quota.h"
#include "wasi/wasi.h"
#include "wasm/mem.h"

#define NEW_FILE_MODE  0666 /* before the process umask */
#define NEW_DIR_MODE   0777
#define CREATE_RETRIES 4 /* open-or-create races with a concurrent unlink */

/* Looks up directory fd `fd` (BADF, ROFS as wasi_fd_get; then NOTDIR if it
 * is not a directory, NOTCAPABLE if it lacks `rights`) and copies the guest
 * path (see wasi_path_read). */
static uint32_t dir_and_path(wasi_ctx *ctx, uint32_t fd, uint64_t rights, unsigned need,
                             uint32_t ptr, uint32_t len, wasi_fd **e, wasi_path *p) {
    uint32_t rc = wasi_fd_get(ctx, fd, 0, need, e);
    if (rc != 0) return rc;
    if ((*e)->kind != WASI_FD_DIR && (*e)->kind != WASI_FD_EMPTYDIR) return WASI_ENOTDIR;
    if (((*e)->rights & rights) != rights) return WASI_ENOTCAPABLE;
    return wasi_path_read(ctx->memory, ptr, len, p);
}

/* lstat of a single component in an already resolved parent. */
static uint32_t stat_name(const wasi_parent *par, struct stat *sb) {
    if (fstatat(par->fd, par->name, sb, AT_SYMLINK_NOFOLLOW) != 0)
        return wasi_errno_from_host(errno);
    return 0;
}

/* A trailing slash on a path that would create `name`: it must not exist
 * (EXIST) and cannot name a new non-directory (NOENT). */
static uint32_t slash_on_new(const wasi_parent *par) {
    struct stat sb;
    return stat_name(par, &sb) == 0 ? WASI_EEXIST : WASI_ENOENT;
}

/* WASI path_create_directory (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_path_create_directory(wasi_ctx *ctx, uint32_t fd, uint32_t path,
                                                         uint32_t path_len) {
    wasi_fd *e;
    wasi_path p;
    wasi_parent par;
    uint32_t rc = dir_and_path(ctx, fd, WASI_RIGHT_PATH_CREATE_DIRECTORY, WASI_NEED_WRITE, path,
                               path_len, &e, &p);
    if (rc == 0) rc = wasi_path_parent(e->host, p.s, WASI_EEXIST, &par);
    if (rc != 0) return rc;
    rc = wasi_quota_check_entry(&ctx->st->quota, 0);
    if (rc == 0 && mkdirat(par.fd, par.name, NEW_DIR_MODE) != 0) rc = wasi_errno_from_host(errno);
    if (rc == 0) wasi_quota_add_entry(ctx->st, 0);
    wasi_parent_close(&par);
    return rc;
}

/* Synthetic stat of an empty read-only preopen. */
static void empty_dir_stat(struct stat *sb) {
    memset(sb, 0, sizeof *sb);
    sb->st_mode = S_IFDIR | 0555;
    sb->st_nlink = 1;
}

/* WASI path_filestat_get (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_path_filestat_get(wasi_ctx *ctx, uint32_t fd, uint32_t flags,
                                                     uint32_t path, uint32_t path_len,
                                                     uint32_t stat_out) {
    wasi_fd *e;
    wasi_path p;
    struct stat sb;
    uint8_t *out;
    int h;
    uint32_t rc = dir_and_path(ctx, fd, WASI_RIGHT_PATH_FILESTAT_GET, 0, path, path_len, &e, &p);
    if (rc != 0) return rc;
    out = rt_mem_range(ctx->memory, stat_out, WASI_FILESTAT_SIZE);
    if (out == NULL) return WASI_EFAULT;
    if (e->kind == WASI_FD_EMPTYDIR) {
        if (!wasi_path_is_self(p.s)) return WASI_ENOENT;
        empty_dir_stat(&sb);
    } else {
        int nofollow = (flags & WASI_LOOKUP_SYMLINK_FOLLOW) ? 0 : O_NOFOLLOW;
        rc = wasi_path_openat(e->host, p.s, O_PATH | nofollow, 0, &h);
        if (rc != 0) return rc;
        rc = fstat(h, &sb) == 0 ? 0 : wasi_errno_from_host(errno);
        close(h);
        if (rc != 0) return rc;
    }
    wasi_ident_mask(ctx->st, e->mount, &sb);
    wasi_encode_filestat(out, &sb);
    return 0;
}

/* WASI path_filestat_set_times (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_path_filestat_set_times(wasi_ctx *ctx, uint32_t fd,
                                                           uint32_t flags, uint32_t path,
                                                           uint32_t path_len, uint64_t atim,
                                                           uint64_t mtim, uint32_t fst_flags) {
    wasi_fd *e;
    wasi_path p;
    struct timespec ts[2];
    int h, nofollow = (flags & WASI_LOOKUP_SYMLINK_FOLLOW) ? 0 : O_NOFOLLOW;
    uint32_t rc = dir_and_path(ctx, fd, WASI_RIGHT_PATH_FILESTAT_SET_TIMES, WASI_NEED_WRITE, path,
                               path_len, &e, &p);
    if (rc == 0) rc = wasi_times_from_fst(atim, mtim, fst_flags, ts);
    if (rc == 0) rc = wasi_path_openat(e->host, p.s, O_PATH | nofollow, 0, &h);
    if (rc != 0) return rc;
    /* An O_PATH fd names the resolved file (or the symlink itself). */
    if (utimensat(h, "", ts, AT_EMPTY_PATH) != 0) rc = wasi_errno_from_host(errno);
    close(h);
    return rc;
}

/* linkat with a source that may have to be followed: the source is
 * resolved beneath its directory first, then linked by fd. */
static uint32_t link_followed(const wasi_fd *oe, const char *opath, const wasi_parent *np) {
    int h;
    uint32_t rc = wasi_path_openat(oe->host, opath, O_PATH, 0, &h);
    if (rc != 0) return rc;
    if (linkat(h, "", np->fd, np->name, AT_EMPTY_PATH) != 0) rc = wasi_errno_from_host(errno);
    close(h);
    return rc;
}

/* linkat of a source named by a single component (never followed). */
static uint32_t link_plain(const wasi_fd *oe, const char *opath, const wasi_parent *np) {
    wasi_parent op;
    struct stat sb;
    uint32_t rc = wasi_path_parent(oe->host, opath, WASI_EPERM, &op);
    if (rc != 0) return rc;
    if (op.trailing_slash)
        rc = stat_name(&op, &sb) != 0 ? WASI_ENOENT
             : S_ISDIR(sb.st_mode)    ? WASI_EPERM
                                      : WASI_ENOTDIR;
    else if (linkat(op.fd, op.name, np->fd, np->name, 0) != 0)
        rc = wasi_errno_from_host(errno);
    wasi_parent_close(&op);
    return rc;
}

/* Both ends must be under writable preopens: a hard link from a read-only
 * tree into a writable one would make read-only data writable. */
uint32_t Z_wasi_snapshot_preview1Z_path_link(wasi_ctx *ctx, uint32_t old_fd, uint32_t old_flags,
                                             uint32_t old_path, uint32_t old_len, uint32_t new_fd,
                                             uint32_t new_path, uint32_t new_len) {
    wasi_fd *oe, *ne;
    wasi_path op, np;
    wasi_parent npar;
    uint32_t rc = dir_and_path(ctx, old_fd, WASI_RIGHT_PATH_LINK_SOURCE, WASI_NEED_WRITE, old_path,
                               old_len, &oe, &op);
    if (rc == 0)
        rc = dir_and_path(ctx, new_fd, WASI_RIGHT_PATH_LINK_TARGET, WASI_NEED_WRITE, new_path,
                          new_len, &ne, &np);
    if (rc == 0) rc = wasi_path_parent(ne->host, np.s, WASI_EEXIST, &npar);
    if (rc != 0) return rc;
    if (npar.trailing_slash) rc = slash_on_new(&npar);
    if (rc == 0) rc = wasi_quota_check_entry(&ctx->st->quota, 0);
    if (rc == 0)
        rc = (old_flags & WASI_LOOKUP_SYMLINK_FOLLOW) ? link_followed(oe, op.s, &npar)
                                                      : link_plain(oe, op.s, &npar);
    if (rc == 0) wasi_quota_add_entry(ctx->st, 0); /* the data is already counted */
    wasi_parent_close(&npar);
    return rc;
}

/* Host open(2) flags for a path_open request. */
static int open_flags(uint32_t dirflags, uint32_t oflags, uint64_t rights, uint32_t fdflags) {
    const uint64_t wr =
        WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ALLOCATE | WASI_RIGHT_FD_FILESTAT_SET_SIZE;
    const uint64_t rd = WASI_RIGHT_FD_READ | WASI_RIGHT_FD_READDIR;
    int write = ((rights & wr) || (oflags & WASI_OFLAG_TRUNC)) && !(oflags & WASI_OFLAG_DIRECTORY);
    int fl = write ? ((rights & rd) ? O_RDWR : O_WRONLY) : O_RDONLY;
    /* O_NONBLOCK: opening a FIFO or device must not hang (cleared later). */
    fl |= O_NOCTTY | O_NONBLOCK;
    if (oflags & WASI_OFLAG_DIRECTORY) fl |= O_DIRECTORY;
    if (!(dirflags & WASI_LOOKUP_SYMLINK_FOLLOW)) fl |= O_NOFOLLOW;
    if (fdflags & WASI_FDFLAG_APPEND) fl |= O_APPEND;
    return fl;
}

/* Opens p under dir, creating it when oflags ask (after a quota check) and
 * reporting whether this call created it. Returns 0 or the WASI errno. */
static uint32_t open_or_create(wasi_ctx *ctx, int dir, const char *p, int fl, uint32_t oflags,
                               int *h, bool *created) {
    uint32_t rc;
    *created = false;
    if (!(oflags & WASI_OFLAG_CREAT)) return wasi_path_openat(dir, p, fl, 0, h);
    for (int i = 0; i < CREATE_RETRIES; i++) {
        if (!(oflags & WASI_OFLAG_EXCL)) {
            rc = wasi_path_openat(dir, p, fl, 0, h);
            if (rc != WASI_ENOENT) return rc;
        }
        rc = wasi_quota_check_entry(&ctx->st->quota, 0);
        if (rc == 0) rc = wasi_path_openat(dir, p, fl | O_CREAT | O_EXCL, NEW_FILE_MODE, h);
        if (rc != WASI_EEXIST || (oflags & WASI_OFLAG_EXCL)) break;
    }
    *created = rc == 0;
    return rc;
}

/* After open: refuse anything but regular files and directories, restore
 * blocking mode, apply O_TRUNC with quota accounting. Returns 0 or errno;
 * on failure the caller closes h. */
static uint32_t finish_open(wasi_ctx *ctx, int h, uint32_t oflags, uint32_t fdflags, bool created,
                            struct stat *sb) {
    if (fstat(h, sb) != 0) return wasi_errno_from_host(errno);
    if (!S_ISREG(sb->st_mode) && !S_ISDIR(sb->st_mode)) return WASI_EACCES;
    if (!(fdflags & WASI_FDFLAG_NONBLOCK)) {
        int fl = fcntl(h, F_GETFL);
        if (fl < 0 || fcntl(h, F_SETFL, fl & ~O_NONBLOCK) != 0) return wasi_errno_from_host(errno);
    }
    if ((oflags & WASI_OFLAG_TRUNC) && !created && S_ISREG(sb->st_mode) && sb->st_size > 0) {
        if (ftruncate(h, 0) != 0) return wasi_errno_from_host(errno);
        wasi_quota_adjust(&ctx->st->quota, (uint64_t)sb->st_size, 0);
        sb->st_size = 0;
    }
    return 0;
}

/* Fills slot `slot` for a freshly opened host fd h under directory fd e. */
static void fill_slot(wasi_ctx *ctx, int slot, const wasi_fd *e, int h, const struct stat *sb,
                      uint64_t base, uint64_t inh, uint32_t fdflags, bool modified) {
    wasi_fd *n = &ctx->st->fds[slot];
    bool dir = S_ISDIR(sb->st_mode);
    *n = (wasi_fd){.kind = dir ? WASI_FD_DIR : WASI_FD_FILE,
                   .filetype = wasi_filetype_from_mode(sb->st_mode),
                   .flags = (uint16_t)fdflags,
                   .writable = e->writable,
                   .host = h,
                   .rights = base & (dir ? WASI_RIGHTS_DIR : WASI_RIGHTS_FILE),
                   .inheriting = dir ? inh : 0,
                   .dev = sb->st_dev,
                   .ino = sb->st_ino,
                   .mount = e->mount};
    if (modified) wasi_fd_mark_dirty(ctx->st, n);
}

/* path_open on an empty read-only preopen: only the directory itself. */
static uint32_t open_empty(wasi_ctx *ctx, int slot, const wasi_fd *e, const char *p, uint64_t base,
                           uint64_t inh) {
    if (!wasi_path_is_self(p)) return WASI_ENOENT;
    ctx->st->fds[slot] = (wasi_fd){.kind = WASI_FD_EMPTYDIR,
                                   .filetype = WASI_FILETYPE_DIRECTORY,
                                   .host = -1,
                                   .rights = base & e->rights,
                                   .inheriting = inh,
                                   .mount = e->mount};
    return 0;
}

/* Checks path_open arguments that do not need the file system. */
static uint32_t open_precheck(const wasi_fd *e, uint32_t oflags, uint32_t fdflags) {
    if ((oflags & ~WASI_OFLAGS_ALL) || (fdflags & ~WASI_FDFLAGS_ALL)) return WASI_EINVAL;
    if ((oflags & (WASI_OFLAG_CREAT | WASI_OFLAG_TRUNC)) && !e->writable) return WASI_EROFS;
    if ((oflags & WASI_OFLAG_CREAT) && !(e->rights & WASI_RIGHT_PATH_CREATE_FILE))
        return WASI_ENOTCAPABLE;
    if ((oflags & WASI_OFLAG_TRUNC) && !(e->rights & WASI_RIGHT_PATH_FILESTAT_SET_SIZE))
        return WASI_ENOTCAPABLE;
    return 0;
}

/* WASI path_open (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_path_open(wasi_ctx *ctx, uint32_t fd, uint32_t dirflags,
                                             uint32_t path, uint32_t path_len, uint32_t oflags,
                                             uint64_t rights_base, uint64_t rights_inheriting,
                                             uint32_t fdflags, uint32_t fd_out) {
    wasi_fd *e;
    wasi_path p;
    struct stat sb;
    bool created;
    int slot, h;
    uint32_t rc = dir_and_path(ctx, fd, WASI_RIGHT_PATH_OPEN, 0, path, path_len, &e, &p);
    if (rc == 0 && rt_mem_range(ctx->memory, fd_out, 4) == NULL) rc = WASI_EFAULT;
    if (rc == 0) rc = open_precheck(e, oflags, fdflags);
    if (rc != 0) return rc;
    if ((slot = wasi_fd_free_slot(ctx->st)) < 0) return WASI_EMFILE;
    rights_base &= e->inheriting;
    rights_inheriting &= e->inheriting;
    if (e->kind == WASI_FD_EMPTYDIR) {
        rc = open_empty(ctx, slot, e, p.s, rights_base, rights_inheriting);
        return rc != 0 ? rc : wasi_mem_put32(ctx->memory, fd_out, (uint32_t)slot);
    }
    rc = open_or_create(ctx, e->host, p.s, open_flags(dirflags, oflags, rights_base, fdflags),
                        oflags, &h, &created);
    if (rc != 0) return rc;
    rc = finish_open(ctx, h, oflags, fdflags, created, &sb);
    if (rc != 0) {
        close(h);
        return rc;
    }
    if (created) wasi_quota_add_entry(ctx->st, 0);
    fill_slot(ctx, slot, e, h, &sb, rights_base, rights_inheriting, fdflags,
              (oflags & WASI_OFLAG_TRUNC) != 0);
    return wasi_mem_put32(ctx->memory, fd_out, (uint32_t)slot);
}

/* WASI path_readlink (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_path_readlink(wasi_ctx *ctx, uint32_t fd, uint32_t path,
                                                 uint32_t path_len, uint32_t buf, uint32_t buf_len,
                                                 uint32_t used_out) {
    wasi_fd *e;
    wasi_path p;
    wasi_parent par;
    char target[WASI_PATH_MAX + 1];
    ssize_t n = 0;
    uint8_t *dst;
    uint32_t rc = dir_and_path(ctx, fd, WASI_RIGHT_PATH_READLINK, 0, path, path_len, &e, &p);
    if (rc != 0) return rc;
    dst = rt_mem_range(ctx->memory, buf, buf_len);
    if (dst == NULL || rt_mem_range(ctx->memory, used_out, 4) == NULL) return WASI_EFAULT;
    if (e->kind == WASI_FD_EMPTYDIR) return wasi_path_is_self(p.s) ? WASI_EINVAL : WASI_ENOENT;
    rc = wasi_path_parent(e->host, p.s, WASI_EINVAL, &par);
    if (rc != 0) return rc;
    if (par.trailing_slash)
        rc = WASI_EINVAL;
    else if ((n = readlinkat(par.fd, par.name, target, sizeof target)) < 0)
        rc = wasi_errno_from_host(errno);
    wasi_parent_close(&par);
    if (rc != 0) return rc;
    if ((uint64_t)n > buf_len) n = buf_len; /* truncated, as readlink(2) does */
    memcpy(dst, target, (size_t)n);
    return wasi_mem_put32(ctx->memory, used_out, (uint32_t)n);
}

/* Gives back the quota share of an entry just removed (sb: its lstat from
 * before), keeping the bytes charged while a guest fd still holds the file. */
static void removed(struct wasi_state *st, const struct stat *sb) {
    wasi_quota_remove_entry(st, sb, wasi_fd_inode_open(st, sb->st_dev, sb->st_ino, -1));
}

/* Removes `name` from its parent with unlinkat(flags) and gives its quota
 * share back. dot_errno answers "." and ".." as last component. */
static uint32_t remove_entry(wasi_ctx *ctx, uint32_t fd, uint64_t right, uint32_t path,
                             uint32_t path_len, int flags, uint32_t dot_errno) {
    wasi_fd *e;
    wasi_path p;
    wasi_parent par;
    struct stat sb;
    uint32_t rc = dir_and_path(ctx, fd, right, WASI_NEED_WRITE, path, path_len, &e, &p);
    if (rc == 0) rc = wasi_path_parent(e->host, p.s, dot_errno, &par);
    if (rc != 0) return rc;
    rc = stat_name(&par, &sb);
    if (rc == 0 && par.trailing_slash && !(flags & AT_REMOVEDIR))
        rc = S_ISDIR(sb.st_mode) ? WASI_EISDIR : WASI_ENOTDIR;
    if (rc == 0 && unlinkat(par.fd, par.name, flags) != 0) rc = wasi_errno_from_host(errno);
    if (rc == 0) removed(ctx->st, &sb);
    wasi_parent_close(&par);
    return rc;
}

/* WASI path_remove_directory (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_path_remove_directory(wasi_ctx *ctx, uint32_t fd, uint32_t path,
                                                         uint32_t path_len) {
    return remove_entry(ctx, fd, WASI_RIGHT_PATH_REMOVE_DIRECTORY, path, path_len, AT_REMOVEDIR,
                        WASI_EINVAL);
}

/* WASI path_unlink_file (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_path_unlink_file(wasi_ctx *ctx, uint32_t fd, uint32_t path,
                                                    uint32_t path_len) {
    return remove_entry(ctx, fd, WASI_RIGHT_PATH_UNLINK_FILE, path, path_len, 0, WASI_EISDIR);
}

/* renameat between two resolved parents, with the quota share of a
 * replaced target given back. */
static uint32_t rename_parents(wasi_ctx *ctx, const wasi_parent *op, const wasi_parent *np) {
    struct stat osb, nsb;
    bool replaced;
    uint32_t rc = stat_name(op, &osb);
    if (rc != 0) return rc;
    if ((op->trailing_slash || np->trailing_slash) && !S_ISDIR(osb.st_mode)) return WASI_ENOTDIR;
    replaced = stat_name(np, &nsb) == 0 && !(nsb.st_dev == osb.st_dev && nsb.st_ino == osb.st_ino);
    if (renameat(op->fd, op->name, np->fd, np->name) != 0) return wasi_errno_from_host(errno);
    if (replaced) removed(ctx->st, &nsb);
    return 0;
}

/* WASI path_rename (see wasi.h): returns 0, or a WASI errno on failure. */
uint32_t Z_wasi_snapshot_preview1Z_path_rename(wasi_ctx *ctx, uint32_t fd, uint32_t old_path,
                                               uint32_t old_len, uint32_t new_fd, uint32_t new_path,
                                               uint32_t new_len) {
    wasi_fd *oe, *ne;
    wasi_path op, np;
    wasi_parent opar, npar = {.fd = -1};
    uint32_t rc = dir_and_path(ctx, fd, WASI_RIGHT_PATH_RENAME_SOURCE, WASI_NEED_WRITE, old_path,
                               old_len, &oe, &op);
    if (rc == 0)
        rc = dir_and_path(ctx, new_fd, WASI_RIGHT_PATH_RENAME_TARGET, WASI_NEED_WRITE, new_path,
                          new_len, &ne, &np);
    if (rc == 0) rc = wasi_path_parent(oe->host, op.s, WASI_EBUSY, &opar);
    if (rc != 0) return rc;
    rc = wasi_path_parent(ne->host, np.s, WASI_EBUSY, &npar);
    if (rc == 0) rc = rename_parents(ctx, &opar, &npar);
    wasi_parent_close(&opar);
    wasi_parent_close(&npar);
    return rc;
}

/* Symlinks: downward targets only (see wasi_path_check_symlink); absolute
 * or climbing targets are refused with NOTCAPABLE. */
uint32_t Z_wasi_snapshot_preview1Z_path_symlink(wasi_ctx *ctx, uint32_t old_path, uint32_t old_len,
                                                uint32_t fd, uint32_t new_path, uint32_t new_len) {
    wasi_fd *e;
    wasi_path target, p;
    wasi_parent par;
    uint32_t rc =
        dir_and_path(ctx, fd, WASI_RIGHT_PATH_SYMLINK, WASI_NEED_WRITE, new_path, new_len, &e, &p);
    if (rc == 0) rc = wasi_path_read(ctx->memory, old_path, old_len, &target);
    if (rc == 0) rc = wasi_path_check_symlink(target.s);
    if (rc == 0) rc = wasi_path_parent(e->host, p.s, WASI_EEXIST, &par);
    if (rc != 0) return rc;
    if (par.trailing_slash) rc = slash_on_new(&par);
    if (rc == 0) rc = wasi_quota_check_entry(&ctx->st->quota, target.len);
    if (rc == 0 && symlinkat(target.s, par.fd, par.name) != 0) rc = wasi_errno_from_host(errno);
    if (rc == 0) wasi_quota_add_entry(ctx->st, target.len);
    wasi_parent_close(&par);
    return rc;
}
