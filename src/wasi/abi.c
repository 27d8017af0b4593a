/*
 * abi.c - translation of host facts into wasi_snapshot_preview1 values:
 * errno numbers, file types, the filestat layout and time stamps. Pure
 * functions with no state; the encoders write only into buffers the caller
 * has already bounds-checked through mem.c.
 */
#include "wasi/abi.h"

#include <errno.h>

#include "wasi/mem.h"

#define NS_PER_SEC 1000000000ull

/* Host errnos with a WASI equivalent of the same meaning. */
static const struct {
    int host;
    uint16_t wasi;
} errno_table[] = {
    {E2BIG, WASI_E2BIG},
    {EACCES, WASI_EACCES},
    {EAGAIN, WASI_EAGAIN},
    {EBADF, WASI_EBADF},
    {EBUSY, WASI_EBUSY},
    {EDQUOT, WASI_EDQUOT},
    {EEXIST, WASI_EEXIST},
    {EFAULT, WASI_EFAULT},
    {EFBIG, WASI_EFBIG},
    {EILSEQ, WASI_EILSEQ},
    {EINTR, WASI_EINTR},
    {EINVAL, WASI_EINVAL},
    {EIO, WASI_EIO},
    {EISDIR, WASI_EISDIR},
    {ELOOP, WASI_ELOOP},
    {EMFILE, WASI_EMFILE},
    {EMLINK, WASI_EMLINK},
    {ENAMETOOLONG, WASI_ENAMETOOLONG},
    {ENFILE, WASI_ENFILE},
    {ENOBUFS, WASI_ENOBUFS},
    {ENODEV, WASI_ENODEV},
    {ENOENT, WASI_ENOENT},
    {ENOMEM, WASI_ENOMEM},
    {ENOSPC, WASI_ENOSPC},
    {ENOSYS, WASI_ENOSYS},
    {ENOTDIR, WASI_ENOTDIR},
    {ENOTEMPTY, WASI_ENOTEMPTY},
    {EOPNOTSUPP, WASI_ENOTSUP},
    {ENOTTY, WASI_ENOTTY},
    {ENXIO, WASI_ENXIO},
    {EOVERFLOW, WASI_EOVERFLOW},
    {EPERM, WASI_EPERM},
    {EPIPE, WASI_EPIPE},
    {ERANGE, WASI_ERANGE},
    {EROFS, WASI_EROFS},
    {ESPIPE, WASI_ESPIPE},
    {ETXTBSY, WASI_ETXTBSY},
    {EXDEV, WASI_EXDEV},
};

/* See abi.h. */
uint32_t wasi_errno_from_host(int host_errno) {
    for (size_t i = 0; i < sizeof errno_table / sizeof errno_table[0]; i++)
        if (errno_table[i].host == host_errno) return errno_table[i].wasi;
    return WASI_EIO;
}

/* See abi.h. */
uint8_t wasi_filetype_from_mode(mode_t mode) {
    switch (mode & S_IFMT) {
    case S_IFREG: return WASI_FILETYPE_REGULAR_FILE;
    case S_IFDIR: return WASI_FILETYPE_DIRECTORY;
    case S_IFLNK: return WASI_FILETYPE_SYMBOLIC_LINK;
    case S_IFCHR: return WASI_FILETYPE_CHARACTER_DEVICE;
    case S_IFBLK: return WASI_FILETYPE_BLOCK_DEVICE;
    case S_IFSOCK: return WASI_FILETYPE_SOCKET_STREAM;
    default: return WASI_FILETYPE_UNKNOWN;
    }
}

/* See abi.h. */
uint64_t wasi_ns_from_timespec(const struct timespec *ts) {
    if (ts->tv_sec < 0) return 0;
    return (uint64_t)ts->tv_sec * NS_PER_SEC + (uint64_t)ts->tv_nsec;
}

/* See abi.h. */
void wasi_encode_filestat(uint8_t *p, const struct stat *st) {
    wasi_st64(p + 0, (uint64_t)st->st_dev);
    wasi_st64(p + 8, (uint64_t)st->st_ino);
    wasi_st64(p + 16, 0); /* filetype byte plus zeroed padding */
    p[16] = wasi_filetype_from_mode(st->st_mode);
    wasi_st64(p + 24, (uint64_t)st->st_nlink);
    wasi_st64(p + 32, st->st_size < 0 ? 0 : (uint64_t)st->st_size);
    wasi_st64(p + 40, wasi_ns_from_timespec(&st->st_atim));
    wasi_st64(p + 48, wasi_ns_from_timespec(&st->st_mtim));
    wasi_st64(p + 56, wasi_ns_from_timespec(&st->st_ctim));
}

/* One half of the times array: explicit time, now, or leave alone. */
static uint32_t one_time(uint64_t ns, int set, int now, struct timespec *ts) {
    if (set && now) return WASI_EINVAL;
    if (now) {
        ts->tv_sec = 0;
        ts->tv_nsec = UTIME_NOW;
    } else if (set) {
        ts->tv_sec = (time_t)(ns / NS_PER_SEC);
        ts->tv_nsec = (long)(ns % NS_PER_SEC);
    } else {
        ts->tv_sec = 0;
        ts->tv_nsec = UTIME_OMIT;
    }
    return 0;
}

/* See abi.h. */
uint32_t wasi_times_from_fst(uint64_t atim, uint64_t mtim, uint32_t fst, struct timespec ts[2]) {
    const uint32_t known = WASI_FST_ATIM | WASI_FST_ATIM_NOW | WASI_FST_MTIM | WASI_FST_MTIM_NOW;
    if (fst & ~known) return WASI_EINVAL;
    if (one_time(atim, fst & WASI_FST_ATIM, fst & WASI_FST_ATIM_NOW, &ts[0])) return WASI_EINVAL;
    return one_time(mtim, fst & WASI_FST_MTIM, fst & WASI_FST_MTIM_NOW, &ts[1]);
}
