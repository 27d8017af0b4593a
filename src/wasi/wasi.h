/*
 * wasi.h - the WASI preview1 host: the only header an embedder of src/wasi
 * needs. It owns the configuration (preopens, argv/envp, output caps,
 * quotas, hooks), the instance struct that wasm2c passes to every
 * wasi_snapshot_preview1 import, the host limits, and the prototypes of
 * all 46 imports. Invariant: the guest reaches the host only through the
 * Z_wasi_snapshot_preview1Z_* functions below, every one of which checks
 * each guest pointer before use and returns a WASI errno (never aborts).
 */
#ifndef WASI_WASI_H
#define WASI_WASI_H

/*
 * Behaviour the guest sees (decisions, in one place):
 * - Paths are resolved beneath their directory fd with openat2(2)
 *   RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS. Escapes ("..", absolute paths,
 *   symlinks leading out) fail with NOTCAPABLE; a NUL byte is INVAL; over
 *   WASI_PATH_MAX bytes (or a component over WASI_NAME_MAX) NAMETOOLONG.
 * - Read-only preopens (and empty ones): every write under them - creating,
 *   truncating, removing, renaming into or out of, linking, symlinking,
 *   set_times, fd_write/pwrite/allocate/set_size - fails with ROFS. Their
 *   fds never carry write rights (fdstat_get shows it). Missing rights
 *   elsewhere give NOTCAPABLE, as the spec says.
 * - Symlinks: the guest may create only downward targets: relative, with
 *   no ".." component (absolute or climbing targets are NOTCAPABLE). Such a
 *   link resolves beneath its own folder wherever it is moved or
 *   hard-linked, and through other such links, so every link the guest can
 *   leave in a workspace stays inside it, even for a host process that
 *   follows links (a "../" target judged safe where it was made could
 *   point out after a rename of a folder above it, or through a "c -> ."
 *   chain). Host code still never follows workspace links unchecked.
 *   path_link with SYMLINK_FOLLOW resolves beneath, then links by fd
 *   (linkat AT_EMPTY_PATH, which may need privileges: else the host errno).
 * - Quota (writable preopens): DQUOT and nothing written when a write,
 *   pwrite, allocate, set_size or creation would exceed it; unlink, rmdir,
 *   truncation and replacing renames give space back. Hard links: data is
 *   counted once, freed with the last link; a file unlinked while a guest
 *   fd holds it keeps its bytes charged until the last such fd closes.
 *   Open-with-CREAT through a dangling symlink returns EXIST.
 * - path_open refuses anything but regular files and directories (ACCES),
 *   opens without blocking on FIFOs, ignores DSYNC/RSYNC/SYNC; fd_sync and
 *   fd_datasync succeed without flushing (a guest must not be able to stall
 *   the host disk); durability is the embedder's job.
 * - stdio: fd 0 is always at EOF; fds 1/2 are captured with caps. All three
 *   are character devices without seek/tell rights (libc sees a terminal,
 *   so Python line-buffers and output survives a trap); seeking is SPIPE.
 * - Clocks: every clock ticks in WASI_CLOCK_RES_NS steps (clock_res_get
 *   says so); realtime is the real date, monotonic starts at 0 at
 *   wasi_init (a one-shot run, or a live session's process: it never goes
 *   back between the runs of a session), the cputime clocks count this
 *   process.
 * - File identity: st_dev is the preopen's number (1 = the first), st_ino
 *   (and d_ino) a keyed hash of the host's pair, stable for the instance's
 *   life; host device and inode numbers never reach the guest (ident.h).
 * - fd_readdir: cookie = entry index + 1 (0 = start); includes "." and
 *   "..". poll_oneoff sleeps for clock subscriptions (realtime and
 *   monotonic; cputime clocks give NOTSUP events) and reports fd
 *   subscriptions ready at once. sock_* and proc_raise are NOTSUP.
 * - Host system calls used: openat2, openat, close, fstat/newfstatat,
 *   lseek, readv, preadv, writev, pwritev, ftruncate, fallocate, fadvise64,
 *   fcntl, getdents64, mkdirat, unlinkat, renameat, linkat, symlinkat,
 *   readlinkat, utimensat, clock_gettime (a real syscall for the cputime
 *   clocks, vDSO otherwise), clock_nanosleep, sched_yield, getrandom, plus
 *   malloc's.
 */

#include <stddef.h>
#include <stdint.h>
#include <wasm-rt.h>

/* ---- Host limits: every bound the host imposes on the guest ------------ */
#define WASI_MAX_FDS          256         /* guest fd table size (0..255); beyond: MFILE */
#define WASI_MAX_PREOPENS     16          /* preopens become fds 3 .. 3+n-1 */
#define WASI_PATH_MAX         4095        /* bytes in a guest path (no NUL); beyond: NAMETOOLONG */
#define WASI_NAME_MAX         255         /* bytes in one path component */
#define WASI_MAX_IOVS         1024        /* iovecs used per read/write call (short I/O beyond) */
#define WASI_MAX_IO_BYTES     0x7ffff000u /* bytes moved per read/write call (Linux MAX_RW_COUNT) */
#define WASI_READDIR_HOST_BUF 32768       /* host getdents64 buffer per fd_readdir refill */
#define WASI_RANDOM_CHUNK     65536       /* bytes per getrandom(2) call in random_get */
#define WASI_CLOCK_RES_NS     100000u     /* the guest's clocks tick in 100 us steps */
#define WASI_MAX_ARGS_BYTES   (1u << 20)  /* argv (or envp) strings incl. NULs, at init */
#define WASI_MAX_ARGS_COUNT   65536       /* argv (or envp) entries, at init */
#define WASI_SCAN_MAX_DEPTH   256         /* directory depth the init quota scan accepts */
#define WASI_UNLIMITED        UINT64_MAX  /* quota/output cap meaning "no limit" */

/* A directory the guest sees at guest_path. host_path NULL means an empty
 * read-only directory (still a real fd with a prestat entry). */
typedef struct wasi_preopen {
    const char *guest_path; /* e.g. "/app"; what fd_prestat_dir_name returns */
    const char *host_path;  /* host directory, or NULL for an empty one */
    int writable;           /* 0: every write under it fails with ROFS */
} wasi_preopen;

/* Everything wasi_init needs. wasi_init copies all strings and the preopen
 * array, so cfg may be freed after it returns (hooks and opaque excepted). */
typedef struct wasi_config {
    const wasi_preopen *preopens; /* become fds 3,4,5,... in this order */
    int preopen_count;            /* 0 .. WASI_MAX_PREOPENS */
    const char *const *argv;      /* NULL-terminated; NULL = no arguments */
    const char *const *envp;      /* NULL-terminated; NULL = empty environment */
    /* Bytes of stdout/stderr kept and passed to `output`. Beyond that, output
     * is dropped, the stream's truncated flag is set, and fd_write still
     * reports full success. WASI_UNLIMITED = no cap. */
    uint64_t stdout_max, stderr_max;
    /* Quota shared by all writable preopens: bytes (st_size of regular files
     * and symlinks, hard-linked data counted once) and entries (files, dirs,
     * symlinks). Existing content is counted by a scan in wasi_init. Growth
     * beyond it fails with DQUOT and writes nothing. WASI_UNLIMITED = none. */
    uint64_t quota_bytes, quota_files;
    /* Receives the kept stdout (fd 1) / stderr (fd 2) bytes; may be NULL. */
    void (*output)(void *opaque, int fd, const void *buf, size_t len);
    /* proc_exit hook: must not return (longjmp or trap out of the guest). If
     * it is NULL or returns, the host calls abort(). */
    void (*exit)(void *opaque, uint32_t code);
    void *opaque;
} wasi_config;

struct wasi_state; /* private: fd table, quota, counters (src/wasi/ctx.h) */

/* The instance wasm2c hands to every import. The embedder sets `memory`
 * after Z_<mod>_instantiate (and again if it swaps memories); while it is
 * NULL every call that touches guest memory returns FAULT. Bounds are
 * memory->size (a full 4 GiB memory wraps it to 0: every access FAULTs).
 * Call wasi_init in the process that runs the guest: host fds opened before
 * a fork share their file offsets with the parent (fd_readdir alone is
 * immune, it lists through a private description). */
struct Z_wasi_snapshot_preview1_instance_t {
    wasm_rt_memory_t *memory;
    struct wasi_state *st;
};
typedef struct Z_wasi_snapshot_preview1_instance_t wasi_ctx;

/* What happened during the run(s) since wasi_init or wasi_reset_run. */
typedef struct wasi_stats {
    uint64_t stdout_kept, stderr_kept;   /* bytes passed to `output` */
    uint64_t stdout_total, stderr_total; /* bytes the guest wrote, kept or not */
    int stdout_truncated, stderr_truncated;
    uint64_t files_created;  /* entries created: files, dirs, symlinks, links */
    uint64_t files_modified; /* opened files written/truncated/resized (once per fd) */
    uint64_t quota_bytes_used, quota_files_used; /* current, not per run */
    int exited;                                  /* proc_exit was called */
    uint32_t exit_code;                          /* its argument */
} wasi_stats;

/* Builds the fd table (0 stdin at EOF, 1 stdout, 2 stderr, preopens from 3),
 * copies argv/envp, and scans writable preopens for the quota. ctx->memory
 * is left NULL. Returns 0, or -1 with a message in err naming the failing
 * preopen or path (ctx is then left freed and zeroed). */
int wasi_init(wasi_ctx *ctx, const wasi_config *cfg, char *err, size_t errlen);

/* Closes every host fd and frees all state. Safe on a zeroed or freed ctx;
 * cannot fail. */
void wasi_free(wasi_ctx *ctx);

/* Copies the counters into *out. Cannot fail. */
void wasi_get_stats(const wasi_ctx *ctx, wasi_stats *out);

/* Starts a new run: zeroes output counters and truncation flags, created and
 * modified counts and the exit flag. Open fds and quota usage persist.
 * Cannot fail. */
void wasi_reset_run(wasi_ctx *ctx);

/* Recount the quota usage of the writable preopens from the disk, after the
 * host changed a workspace between two runs of a live session. Uses only
 * openat2 beneath the preopen, so it works under seccomp. 0, or -1 with err. */
int wasi_rescan_quota(wasi_ctx *ctx, char *err, size_t errlen);

/* Set the stdout/stderr caps for the next run (WASI_UNLIMITED: none).
 * Cannot fail. */
void wasi_set_output_caps(wasi_ctx *ctx, uint64_t stdout_max, uint64_t stderr_max);

/* ---- The imports, exactly as wasm2c 1.0.32 declares them ---------------
 * Every function returns a WASI errno (0 = success; on failure the errno,
 * with no guest memory written) except proc_exit, which never returns.
 * Pointers and sizes are guest (u32) offsets; i64 parameters are u64. */
uint32_t Z_wasi_snapshot_preview1Z_args_get(wasi_ctx *, uint32_t argv, uint32_t argv_buf);
uint32_t Z_wasi_snapshot_preview1Z_args_sizes_get(wasi_ctx *, uint32_t argc_out, uint32_t size_out);
uint32_t Z_wasi_snapshot_preview1Z_environ_get(wasi_ctx *, uint32_t environ, uint32_t environ_buf);
uint32_t Z_wasi_snapshot_preview1Z_environ_sizes_get(wasi_ctx *, uint32_t count_out,
                                                     uint32_t size_out);
uint32_t Z_wasi_snapshot_preview1Z_clock_res_get(wasi_ctx *, uint32_t id, uint32_t res_out);
uint32_t Z_wasi_snapshot_preview1Z_clock_time_get(wasi_ctx *, uint32_t id, uint64_t precision,
                                                  uint32_t time_out);
uint32_t Z_wasi_snapshot_preview1Z_fd_advise(wasi_ctx *, uint32_t fd, uint64_t offset, uint64_t len,
                                             uint32_t advice);
uint32_t Z_wasi_snapshot_preview1Z_fd_allocate(wasi_ctx *, uint32_t fd, uint64_t offset,
                                               uint64_t len);
uint32_t Z_wasi_snapshot_preview1Z_fd_close(wasi_ctx *, uint32_t fd);
uint32_t Z_wasi_snapshot_preview1Z_fd_datasync(wasi_ctx *, uint32_t fd);
uint32_t Z_wasi_snapshot_preview1Z_fd_fdstat_get(wasi_ctx *, uint32_t fd, uint32_t stat_out);
uint32_t Z_wasi_snapshot_preview1Z_fd_fdstat_set_flags(wasi_ctx *, uint32_t fd, uint32_t flags);
uint32_t Z_wasi_snapshot_preview1Z_fd_fdstat_set_rights(wasi_ctx *, uint32_t fd, uint64_t base,
                                                        uint64_t inheriting);
uint32_t Z_wasi_snapshot_preview1Z_fd_filestat_get(wasi_ctx *, uint32_t fd, uint32_t stat_out);
uint32_t Z_wasi_snapshot_preview1Z_fd_filestat_set_size(wasi_ctx *, uint32_t fd, uint64_t size);
uint32_t Z_wasi_snapshot_preview1Z_fd_filestat_set_times(wasi_ctx *, uint32_t fd, uint64_t atim,
                                                         uint64_t mtim, uint32_t fst_flags);
uint32_t Z_wasi_snapshot_preview1Z_fd_pread(wasi_ctx *, uint32_t fd, uint32_t iovs,
                                            uint32_t iovs_len, uint64_t offset, uint32_t nread_out);
uint32_t Z_wasi_snapshot_preview1Z_fd_prestat_get(wasi_ctx *, uint32_t fd, uint32_t prestat_out);
uint32_t Z_wasi_snapshot_preview1Z_fd_prestat_dir_name(wasi_ctx *, uint32_t fd, uint32_t path,
                                                       uint32_t path_len);
uint32_t Z_wasi_snapshot_preview1Z_fd_pwrite(wasi_ctx *, uint32_t fd, uint32_t iovs,
                                             uint32_t iovs_len, uint64_t offset,
                                             uint32_t nwritten_out);
uint32_t Z_wasi_snapshot_preview1Z_fd_read(wasi_ctx *, uint32_t fd, uint32_t iovs,
                                           uint32_t iovs_len, uint32_t nread_out);
uint32_t Z_wasi_snapshot_preview1Z_fd_readdir(wasi_ctx *, uint32_t fd, uint32_t buf,
                                              uint32_t buf_len, uint64_t cookie, uint32_t used_out);
uint32_t Z_wasi_snapshot_preview1Z_fd_renumber(wasi_ctx *, uint32_t from, uint32_t to);
uint32_t Z_wasi_snapshot_preview1Z_fd_seek(wasi_ctx *, uint32_t fd, uint64_t offset,
                                           uint32_t whence, uint32_t newoffset_out);
uint32_t Z_wasi_snapshot_preview1Z_fd_sync(wasi_ctx *, uint32_t fd);
uint32_t Z_wasi_snapshot_preview1Z_fd_tell(wasi_ctx *, uint32_t fd, uint32_t offset_out);
uint32_t Z_wasi_snapshot_preview1Z_fd_write(wasi_ctx *, uint32_t fd, uint32_t iovs,
                                            uint32_t iovs_len, uint32_t nwritten_out);
uint32_t Z_wasi_snapshot_preview1Z_path_create_directory(wasi_ctx *, uint32_t fd, uint32_t path,
                                                         uint32_t path_len);
uint32_t Z_wasi_snapshot_preview1Z_path_filestat_get(wasi_ctx *, uint32_t fd, uint32_t flags,
                                                     uint32_t path, uint32_t path_len,
                                                     uint32_t stat_out);
uint32_t Z_wasi_snapshot_preview1Z_path_filestat_set_times(wasi_ctx *, uint32_t fd, uint32_t flags,
                                                           uint32_t path, uint32_t path_len,
                                                           uint64_t atim, uint64_t mtim,
                                                           uint32_t fst_flags);
uint32_t Z_wasi_snapshot_preview1Z_path_link(wasi_ctx *, uint32_t old_fd, uint32_t old_flags,
                                             uint32_t old_path, uint32_t old_len, uint32_t new_fd,
                                             uint32_t new_path, uint32_t new_len);
uint32_t Z_wasi_snapshot_preview1Z_path_open(wasi_ctx *, uint32_t fd, uint32_t dirflags,
                                             uint32_t path, uint32_t path_len, uint32_t oflags,
                                             uint64_t rights_base, uint64_t rights_inheriting,
                                             uint32_t fdflags, uint32_t fd_out);
uint32_t Z_wasi_snapshot_preview1Z_path_readlink(wasi_ctx *, uint32_t fd, uint32_t path,
                                                 uint32_t path_len, uint32_t buf, uint32_t buf_len,
                                                 uint32_t used_out);
uint32_t Z_wasi_snapshot_preview1Z_path_remove_directory(wasi_ctx *, uint32_t fd, uint32_t path,
                                                         uint32_t path_len);
uint32_t Z_wasi_snapshot_preview1Z_path_rename(wasi_ctx *, uint32_t fd, uint32_t old_path,
                                               uint32_t old_len, uint32_t new_fd, uint32_t new_path,
                                               uint32_t new_len);
uint32_t Z_wasi_snapshot_preview1Z_path_symlink(wasi_ctx *, uint32_t old_path, uint32_t old_len,
                                                uint32_t fd, uint32_t new_path, uint32_t new_len);
uint32_t Z_wasi_snapshot_preview1Z_path_unlink_file(wasi_ctx *, uint32_t fd, uint32_t path,
                                                    uint32_t path_len);
uint32_t Z_wasi_snapshot_preview1Z_poll_oneoff(wasi_ctx *, uint32_t in, uint32_t out,
                                               uint32_t nsubscriptions, uint32_t nevents_out);
void Z_wasi_snapshot_preview1Z_proc_exit(wasi_ctx *, uint32_t code);
uint32_t Z_wasi_snapshot_preview1Z_proc_raise(wasi_ctx *, uint32_t sig);
uint32_t Z_wasi_snapshot_preview1Z_random_get(wasi_ctx *, uint32_t buf, uint32_t buf_len);
uint32_t Z_wasi_snapshot_preview1Z_sched_yield(wasi_ctx *);
uint32_t Z_wasi_snapshot_preview1Z_sock_accept(wasi_ctx *, uint32_t fd, uint32_t flags,
                                               uint32_t fd_out);
uint32_t Z_wasi_snapshot_preview1Z_sock_recv(wasi_ctx *, uint32_t fd, uint32_t ri_data,
                                             uint32_t ri_data_len, uint32_t ri_flags,
                                             uint32_t len_out, uint32_t flags_out);
uint32_t Z_wasi_snapshot_preview1Z_sock_send(wasi_ctx *, uint32_t fd, uint32_t si_data,
                                             uint32_t si_data_len, uint32_t si_flags,
                                             uint32_t len_out);
uint32_t Z_wasi_snapshot_preview1Z_sock_shutdown(wasi_ctx *, uint32_t fd, uint32_t how);

#endif
