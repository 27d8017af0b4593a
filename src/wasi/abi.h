/*
 * abi.h - the numbers of wasi_snapshot_preview1 (errnos, rights, flags,
 * struct layouts) and the translation of host facts into them (host errno,
 * file types, stat and time encodings). Internal to src/wasi. Invariant:
 * every WASI constant and byte offset used by the host is defined here once.
 */
#ifndef WASI_ABI_H
#define WASI_ABI_H

#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

/* errno */
#define WASI_ESUCCESS     0
#define WASI_E2BIG        1
#define WASI_EACCES       2
#define WASI_EAGAIN       6
#define WASI_EBADF        8
#define WASI_EBUSY        10
#define WASI_EDQUOT       19
#define WASI_EEXIST       20
#define WASI_EFAULT       21
#define WASI_EFBIG        22
#define WASI_EILSEQ       25
#define WASI_EINTR        27
#define WASI_EINVAL       28
#define WASI_EIO          29
#define WASI_EISDIR       31
#define WASI_ELOOP        32
#define WASI_EMFILE       33
#define WASI_EMLINK       34
#define WASI_ENAMETOOLONG 37
#define WASI_ENFILE       41
#define WASI_ENOBUFS      42
#define WASI_ENODEV       43
#define WASI_ENOENT       44
#define WASI_ENOMEM       48
#define WASI_ENOSPC       51
#define WASI_ENOSYS       52
#define WASI_ENOTDIR      54
#define WASI_ENOTEMPTY    55
#define WASI_ENOTSUP      58
#define WASI_ENOTTY       59
#define WASI_ENXIO        60
#define WASI_EOVERFLOW    61
#define WASI_EPERM        63
#define WASI_EPIPE        64
#define WASI_ERANGE       68
#define WASI_EROFS        69
#define WASI_ESPIPE       70
#define WASI_ETXTBSY      74
#define WASI_EXDEV        75
#define WASI_ENOTCAPABLE  76

/* rights */
#define WASI_RIGHT_FD_DATASYNC             (1ull << 0)
#define WASI_RIGHT_FD_READ                 (1ull << 1)
#define WASI_RIGHT_FD_SEEK                 (1ull << 2)
#define WASI_RIGHT_FD_FDSTAT_SET_FLAGS     (1ull << 3)
#define WASI_RIGHT_FD_SYNC                 (1ull << 4)
#define WASI_RIGHT_FD_TELL                 (1ull << 5)
#define WASI_RIGHT_FD_WRITE                (1ull << 6)
#define WASI_RIGHT_FD_ADVISE               (1ull << 7)
#define WASI_RIGHT_FD_ALLOCATE             (1ull << 8)
#define WASI_RIGHT_PATH_CREATE_DIRECTORY   (1ull << 9)
#define WASI_RIGHT_PATH_CREATE_FILE        (1ull << 10)
#define WASI_RIGHT_PATH_LINK_SOURCE        (1ull << 11)
#define WASI_RIGHT_PATH_LINK_TARGET        (1ull << 12)
#define WASI_RIGHT_PATH_OPEN               (1ull << 13)
#define WASI_RIGHT_FD_READDIR              (1ull << 14)
#define WASI_RIGHT_PATH_READLINK           (1ull << 15)
#define WASI_RIGHT_PATH_RENAME_SOURCE      (1ull << 16)
#define WASI_RIGHT_PATH_RENAME_TARGET      (1ull << 17)
#define WASI_RIGHT_PATH_FILESTAT_GET       (1ull << 18)
#define WASI_RIGHT_PATH_FILESTAT_SET_SIZE  (1ull << 19)
#define WASI_RIGHT_PATH_FILESTAT_SET_TIMES (1ull << 20)
#define WASI_RIGHT_FD_FILESTAT_GET         (1ull << 21)
#define WASI_RIGHT_FD_FILESTAT_SET_SIZE    (1ull << 22)
#define WASI_RIGHT_FD_FILESTAT_SET_TIMES   (1ull << 23)
#define WASI_RIGHT_PATH_SYMLINK            (1ull << 24)
#define WASI_RIGHT_PATH_REMOVE_DIRECTORY   (1ull << 25)
#define WASI_RIGHT_PATH_UNLINK_FILE        (1ull << 26)
#define WASI_RIGHT_POLL_FD_READWRITE       (1ull << 27)
#define WASI_RIGHT_SOCK_SHUTDOWN           (1ull << 28)
#define WASI_RIGHT_SOCK_ACCEPT             (1ull << 29)

/* Rights that modify the file system; never granted under a read-only
 * preopen (the operation fails with ROFS before rights are looked at). */
#define WASI_RIGHTS_FILE_WRITE                                                                     \
    (WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ALLOCATE | WASI_RIGHT_FD_FILESTAT_SET_SIZE |              \
     WASI_RIGHT_FD_FILESTAT_SET_TIMES)
#define WASI_RIGHTS_DIR_WRITE                                                                      \
    (WASI_RIGHT_PATH_CREATE_DIRECTORY | WASI_RIGHT_PATH_CREATE_FILE |                              \
     WASI_RIGHT_PATH_LINK_SOURCE | WASI_RIGHT_PATH_LINK_TARGET | WASI_RIGHT_PATH_RENAME_SOURCE |   \
     WASI_RIGHT_PATH_RENAME_TARGET | WASI_RIGHT_PATH_FILESTAT_SET_SIZE |                           \
     WASI_RIGHT_PATH_FILESTAT_SET_TIMES | WASI_RIGHT_PATH_SYMLINK |                                \
     WASI_RIGHT_PATH_REMOVE_DIRECTORY | WASI_RIGHT_PATH_UNLINK_FILE |                              \
     WASI_RIGHT_FD_FILESTAT_SET_TIMES)
#define WASI_RIGHTS_WRITE (WASI_RIGHTS_FILE_WRITE | WASI_RIGHTS_DIR_WRITE)
/* Everything a regular file fd can do. */
#define WASI_RIGHTS_FILE                                                                           \
    (WASI_RIGHT_FD_DATASYNC | WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK |                            \
     WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_FD_SYNC | WASI_RIGHT_FD_TELL |                    \
     WASI_RIGHT_FD_ADVISE | WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_POLL_FD_READWRITE |            \
     WASI_RIGHTS_FILE_WRITE)
/* Everything a directory fd can do. */
#define WASI_RIGHTS_DIR                                                                            \
    (WASI_RIGHT_FD_DATASYNC | WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_FD_SYNC |                \
     WASI_RIGHT_PATH_OPEN | WASI_RIGHT_FD_READDIR | WASI_RIGHT_PATH_READLINK |                     \
     WASI_RIGHT_PATH_FILESTAT_GET | WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHTS_DIR_WRITE)
/* stdio: stdin reads, stdout/stderr write; no seek/tell (so libc sees a tty). */
#define WASI_RIGHTS_STDIN                                                                          \
    (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_FD_FILESTAT_GET |            \
     WASI_RIGHT_POLL_FD_READWRITE)
#define WASI_RIGHTS_STDOUT                                                                         \
    (WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_FD_FILESTAT_GET |           \
     WASI_RIGHT_POLL_FD_READWRITE | WASI_RIGHT_FD_DATASYNC | WASI_RIGHT_FD_SYNC)

/* filetype */
#define WASI_FILETYPE_UNKNOWN          0
#define WASI_FILETYPE_BLOCK_DEVICE     1
#define WASI_FILETYPE_CHARACTER_DEVICE 2
#define WASI_FILETYPE_DIRECTORY        3
#define WASI_FILETYPE_REGULAR_FILE     4
#define WASI_FILETYPE_SOCKET_DGRAM     5
#define WASI_FILETYPE_SOCKET_STREAM    6
#define WASI_FILETYPE_SYMBOLIC_LINK    7

/* fdflags, oflags, lookupflags, fstflags, whence, advice */
#define WASI_FDFLAG_APPEND         (1u << 0)
#define WASI_FDFLAG_DSYNC          (1u << 1)
#define WASI_FDFLAG_NONBLOCK       (1u << 2)
#define WASI_FDFLAG_RSYNC          (1u << 3)
#define WASI_FDFLAG_SYNC           (1u << 4)
#define WASI_FDFLAGS_ALL           0x1fu
#define WASI_OFLAG_CREAT           (1u << 0)
#define WASI_OFLAG_DIRECTORY       (1u << 1)
#define WASI_OFLAG_EXCL            (1u << 2)
#define WASI_OFLAG_TRUNC           (1u << 3)
#define WASI_OFLAGS_ALL            0xfu
#define WASI_LOOKUP_SYMLINK_FOLLOW (1u << 0)
#define WASI_FST_ATIM              (1u << 0)
#define WASI_FST_ATIM_NOW          (1u << 1)
#define WASI_FST_MTIM              (1u << 2)
#define WASI_FST_MTIM_NOW          (1u << 3)
#define WASI_WHENCE_SET            0
#define WASI_WHENCE_CUR            1
#define WASI_WHENCE_END            2
#define WASI_ADVICE_NOREUSE        5 /* the largest advice value */

/* clocks, events, subscriptions */
#define WASI_CLOCK_REALTIME        0
#define WASI_CLOCK_MONOTONIC       1
#define WASI_CLOCK_PROCESS_CPUTIME 2
#define WASI_CLOCK_THREAD_CPUTIME  3
#define WASI_EVENTTYPE_CLOCK       0
#define WASI_EVENTTYPE_FD_READ     1
#define WASI_EVENTTYPE_FD_WRITE    2
#define WASI_EVENT_FD_HANGUP       (1u << 0)
#define WASI_SUBCLOCK_ABSTIME      (1u << 0)

/* Struct layouts: sizes and field offsets in guest memory. */
#define WASI_IOVEC_SIZE        8 /* buf u32 @0, buf_len u32 @4 */
#define WASI_FDSTAT_SIZE       24
#define WASI_FDSTAT_FILETYPE   0  /* u8 */
#define WASI_FDSTAT_FLAGS      2  /* u16 */
#define WASI_FDSTAT_RIGHTS     8  /* u64 */
#define WASI_FDSTAT_INHERITING 16 /* u64 */
#define WASI_FILESTAT_SIZE                                                                         \
    64 /* dev@0 ino@8 filetype(u8)@16 nlink@24 size@32 atim@40 mtim@48 ctim@56 */
#define WASI_PRESTAT_SIZE      8 /* tag u8 @0 (0 = dir), name_len u32 @4 */
#define WASI_PREOPENTYPE_DIR   0
#define WASI_DIRENT_SIZE       24 /* d_next u64 @0, d_ino u64 @8, d_namlen u32 @16, d_type u8 @20 */
#define WASI_SUBSCRIPTION_SIZE 48
#define WASI_SUB_USERDATA      0  /* u64 */
#define WASI_SUB_TAG           8  /* u8 eventtype */
#define WASI_SUB_CLOCK_ID      16 /* u32 */
#define WASI_SUB_CLOCK_TIMEOUT 24 /* u64 */
#define WASI_SUB_CLOCK_FLAGS   40 /* u16 */
#define WASI_SUB_FD            16 /* u32 */
#define WASI_EVENT_SIZE        32
#define WASI_EVENT_USERDATA    0  /* u64 */
#define WASI_EVENT_ERROR       8  /* u16 */
#define WASI_EVENT_TYPE        10 /* u8 */
#define WASI_EVENT_NBYTES      16 /* u64 */
#define WASI_EVENT_FLAGS       24 /* u16 */

/* Maps a host errno value to the WASI errno. Cannot fail: unknown values
 * become EIO. */
uint32_t wasi_errno_from_host(int host_errno);

/* The WASI filetype of a host st_mode. Cannot fail: an unknown type is
 * UNKNOWN. */
uint8_t wasi_filetype_from_mode(mode_t mode);

/* A host timespec as WASI nanoseconds. Cannot fail: negative times
 * become 0. */
uint64_t wasi_ns_from_timespec(const struct timespec *ts);

/* Encodes st as a WASI filestat into 64 bytes at p (p already checked).
 * Cannot fail. */
void wasi_encode_filestat(uint8_t *p, const struct stat *st);

/* Turns WASI (atim, mtim, fst_flags) into the utimensat/futimens array.
 * Returns 0, or INVAL for contradictory or unknown flags. */
uint32_t wasi_times_from_fst(uint64_t atim, uint64_t mtim, uint32_t fst, struct timespec ts[2]);

#endif
