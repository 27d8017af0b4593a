/*
 * fuzz_wasi_calls.c - every WASI call the guest can make, driven through a
 * fake 64 KiB linear memory: the input is a memory image (paths, iovec
 * arrays, subscriptions) followed by a program of calls whose descriptors,
 * pointers, lengths, offsets and flags come from the input, biased towards
 * the edges of memory. Each input runs on a fresh context over a temp tree:
 * a writable /app, a read-only /ro and an "outside" folder no call may
 * reach. The calls are the guest's whole interface to the host, so this is
 * the fuzzer a hostile guest would write.
 *
 * Proves: no call crashes, reads or writes outside the fake memory (ASan:
 * it is an exact-size heap block), leaks memory or a host descriptor
 * (wasi_free closes all), or returns anything but a WASI errno; the
 * outside file and the read-only tree are never changed; and no symlink in
 * /app points up or out (absolute or with a ".." component).
 */
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "wasi/abi.h"
#include "wasi/mem.h"
#include "wasi/path.h"
#include "wasi/wasi.h"

#define W(name)     Z_wasi_snapshot_preview1Z_##name
#define MEM_SIZE    65536u
#define IMAGE_MAX   4096u
#define MAX_CALLS   64
#define WASI_ERRMAX 76 /* the largest WASI errno (ENOTCAPABLE) */
#define SECRET      "top secret"

static char root[64], app[128], ro[128], outside[128];
static wasm_rt_memory_t mem;
static wasi_ctx ctx;
static jmp_buf exit_jb;

/* Remove one entry of a tree (nftw callback). */
static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb, (void)flag, (void)ftw;
    return remove(p);
}

/* Write text to dir/name. */
static void put_file(const char *dir, const char *name, const char *text) {
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (f == NULL) abort();
    fputs(text, f);
    fclose(f);
}

/* Remove the temp tree at exit. */
static void cleanup(void) { nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS); }

/* The tree: /app is rebuilt per input, /ro and outside are made once. */
int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    snprintf(root, sizeof root, "/dev/shm/lsb-fuzz-wasi-XXXXXX");
    if (mkdtemp(root) == NULL) abort();
    snprintf(app, sizeof app, "%s/app", root);
    snprintf(ro, sizeof ro, "%s/ro", root);
    snprintf(outside, sizeof outside, "%s/outside", root);
    if (mkdir(ro, 0755) || mkdir(outside, 0755)) abort();
    put_file(outside, "secret", SECRET);
    put_file(ro, "data.txt", "read only data");
    atexit(cleanup);
    mem.data = malloc(MEM_SIZE);
    mem.size = MEM_SIZE;
    mem.pages = mem.max_pages = MEM_SIZE / 65536;
    return 0;
}

/* proc_exit: leave the program. */
static void on_exit_call(void *opaque, uint32_t code) {
    (void)opaque, (void)code;
    longjmp(exit_jb, 1);
}

/* A fresh /app (a file, a folder, a symlink) and a fresh context. */
static void fresh_context(void) {
    static const char *argv[] = {"python", "-c", "print('café ☕ 日本')", NULL};
    static const char *envp[] = {"HOME=/app", "LANG=C.UTF-8", NULL};
    char err[256], p[PATH_MAX];
    nftw(app, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    if (mkdir(app, 0755) != 0) abort();
    put_file(app, "f.txt", "hello\n");
    snprintf(p, sizeof p, "%s/sub", app);
    if (mkdir(p, 0755) != 0) abort();
    snprintf(p, sizeof p, "%s/ln", app);
    if (symlink("f.txt", p) != 0) abort();
    wasi_preopen pre[3] = {{"/app", app, 1}, {"/ro", ro, 0}, {"/empty", NULL, 0}};
    wasi_config cfg = {.preopens = pre,
                       .preopen_count = 3,
                       .argv = argv,
                       .envp = envp,
                       .stdout_max = 4096,
                       .stderr_max = 4096,
                       .quota_bytes = 1 << 20,
                       .quota_files = 64,
                       .exit = on_exit_call};
    if (wasi_init(&ctx, &cfg, err, sizeof err) != 0) abort();
    ctx.memory = &mem;
}

/* A guest pointer: inside the image, near the end of memory, anywhere. */
static uint32_t ptr(uint32_t v) {
    switch (v >> 30) {
    case 0: return v % IMAGE_MAX;
    case 1: return MEM_SIZE - (v % 64);
    case 2: return v % MEM_SIZE;
    default: return v;
    }
}

/* A length: small, medium, up to the memory size, or anything. */
static uint32_t len(uint32_t v) {
    switch (v >> 30) {
    case 0: return v % 32;
    case 1: return v % 512;
    case 2: return v % (MEM_SIZE + 16);
    default: return v;
    }
}

/* A descriptor: mostly a real one (0-9), sometimes anything. */
static uint32_t fd(uint32_t v) { return v >> 31 ? v : v % 10; }

/* A 64-bit value from two words. */
static uint64_t u64(uint32_t hi, uint32_t lo) { return (uint64_t)hi << 32 | lo; }

/* poll_oneoff really sleeps: make every clock subscription due now. */
static void clocks_due(uint32_t in, uint32_t n) {
    for (uint32_t i = 0; i < n && i < 64; i++) {
        uint64_t at = (uint64_t)in + i * 48u;
        if (at + 48 > MEM_SIZE) break;
        if (mem.data[at + 8] == 0) wasi_st64(mem.data + at + 24, 0);
    }
}

/* The calls on descriptors and memory (no path argument). */
static uint32_t call_fd(uint8_t op, const uint32_t *a) {
    switch (op) {
    case 0: return W(args_get)(&ctx, ptr(a[0]), ptr(a[1]));
    case 1: return W(args_sizes_get)(&ctx, ptr(a[0]), ptr(a[1]));
    case 2: return W(environ_get)(&ctx, ptr(a[0]), ptr(a[1]));
    case 3: return W(environ_sizes_get)(&ctx, ptr(a[0]), ptr(a[1]));
    case 4: return W(clock_res_get)(&ctx, a[0] % 6, ptr(a[1]));
    case 5: return W(clock_time_get)(&ctx, a[0] % 6, u64(a[1], a[2]), ptr(a[3]));
    case 6: return W(fd_advise)(&ctx, fd(a[0]), u64(a[1], a[2]), u64(a[3], a[4]), a[5] % 8);
    case 7: return W(fd_allocate)(&ctx, fd(a[0]), u64(0, a[1]), u64(a[2] >> 12, a[3]));
    case 8: return W(fd_close)(&ctx, fd(a[0]));
    case 9: return W(fd_datasync)(&ctx, fd(a[0]));
    case 10: return W(fd_fdstat_get)(&ctx, fd(a[0]), ptr(a[1]));
    case 11: return W(fd_fdstat_set_flags)(&ctx, fd(a[0]), a[1] & 0x1f);
    case 12: return W(fd_fdstat_set_rights)(&ctx, fd(a[0]), u64(a[1], a[2]), u64(a[3], a[4]));
    case 13: return W(fd_filestat_get)(&ctx, fd(a[0]), ptr(a[1]));
    case 14: return W(fd_filestat_set_size)(&ctx, fd(a[0]), u64(a[1] >> 16, a[2]));
    case 15:
        return W(fd_filestat_set_times)(&ctx, fd(a[0]), u64(a[1], a[2]), u64(a[3], a[4]),
                                        a[5] & 0xf);
    case 16: return W(fd_pread)(&ctx, fd(a[0]), ptr(a[1]), len(a[2]), u64(a[3], a[4]), ptr(a[5]));
    case 17: return W(fd_prestat_get)(&ctx, fd(a[0]), ptr(a[1]));
    case 18: return W(fd_prestat_dir_name)(&ctx, fd(a[0]), ptr(a[1]), len(a[2]));
    case 19: return W(fd_pwrite)(&ctx, fd(a[0]), ptr(a[1]), len(a[2]), u64(0, a[3]), ptr(a[4]));
    case 20: return W(fd_read)(&ctx, fd(a[0]), ptr(a[1]), len(a[2]), ptr(a[3]));
    case 21: return W(fd_readdir)(&ctx, fd(a[0]), ptr(a[1]), len(a[2]), u64(0, a[3]), ptr(a[4]));
    case 22: return W(fd_renumber)(&ctx, fd(a[0]), fd(a[1]));
    case 23: return W(fd_seek)(&ctx, fd(a[0]), u64(a[1], a[2]), a[3] % 4, ptr(a[4]));
    case 24: return W(fd_sync)(&ctx, fd(a[0]));
    case 25: return W(fd_tell)(&ctx, fd(a[0]), ptr(a[1]));
    case 26: return W(fd_write)(&ctx, fd(a[0]), ptr(a[1]), len(a[2]), ptr(a[3]));
    case 27: return W(random_get)(&ctx, ptr(a[0]), len(a[1]));
    case 28: return W(sched_yield)(&ctx);
    case 29: return W(proc_raise)(&ctx, a[0]);
    case 30: return W(sock_accept)(&ctx, fd(a[0]), a[1], ptr(a[2]));
    case 31: return W(sock_recv)(&ctx, fd(a[0]), ptr(a[1]), len(a[2]), a[3], ptr(a[4]), ptr(a[5]));
    case 32: return W(sock_send)(&ctx, fd(a[0]), ptr(a[1]), len(a[2]), a[3], ptr(a[4]));
    case 33: return W(sock_shutdown)(&ctx, fd(a[0]), a[1]);
    default:
        clocks_due(ptr(a[0]), len(a[2]));
        return W(poll_oneoff)(&ctx, ptr(a[0]), ptr(a[1]), len(a[2]), ptr(a[3]));
    }
}

/* The calls that resolve guest paths. */
static uint32_t call_path(uint8_t op, const uint32_t *a) {
    switch (op) {
    case 0: return W(path_create_directory)(&ctx, fd(a[0]), ptr(a[1]), len(a[2]));
    case 1: return W(path_filestat_get)(&ctx, fd(a[0]), a[1] & 1, ptr(a[2]), len(a[3]), ptr(a[4]));
    case 2:
        return W(path_filestat_set_times)(&ctx, fd(a[0]), a[1] & 1, ptr(a[2]), len(a[3]),
                                          u64(a[4], a[5]), u64(a[6], a[7]), a[5] & 0xf);
    case 3:
        return W(path_link)(&ctx, fd(a[0]), a[1] & 1, ptr(a[2]), len(a[3]), fd(a[4]), ptr(a[5]),
                            len(a[6]));
    case 4:
        return W(path_open)(&ctx, fd(a[0]), a[1] & 1, ptr(a[2]), len(a[3]), a[4] & 0xf,
                            u64(a[5], a[6]), u64(a[6], a[5]), a[7] & 0x1f, ptr(a[7] >> 5));
    case 5:
        return W(path_readlink)(&ctx, fd(a[0]), ptr(a[1]), len(a[2]), ptr(a[3]), len(a[4]),
                                ptr(a[5]));
    case 6: return W(path_remove_directory)(&ctx, fd(a[0]), ptr(a[1]), len(a[2]));
    case 7:
        return W(path_rename)(&ctx, fd(a[0]), ptr(a[1]), len(a[2]), fd(a[3]), ptr(a[4]), len(a[5]));
    case 8: return W(path_symlink)(&ctx, ptr(a[0]), len(a[1]), fd(a[2]), ptr(a[3]), len(a[4]));
    case 9: return W(path_unlink_file)(&ctx, fd(a[0]), ptr(a[1]), len(a[2]));
    default: W(proc_exit)(&ctx, a[0]); abort(); /* proc_exit must not return */
    }
}

/* Run the program: each call is an opcode byte and eight words. */
static void run_program(fz_in *in) {
    volatile int calls = 0;
    if (setjmp(exit_jb) != 0) return; /* proc_exit */
    while (in->len > 0 && calls++ < MAX_CALLS) {
        uint8_t op = fz_u8(in);
        uint32_t a[8];
        for (int i = 0; i < 8; i++)
            a[i] = fz_u32(in);
        uint32_t rc = op & 0x80 ? call_path((op & 0x7f) % 11, a) : call_fd(op % 35, a);
        FZ_CHECK(rc <= WASI_ERRMAX);
    }
}

/* The number of open descriptors of this process. */
static int open_fds(void) {
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    if (d == NULL) abort();
    while (readdir(d) != NULL)
        n++;
    closedir(d);
    return n;
}

/* Read dir/name into buf (NUL-terminated); its length, or -1. */
static ssize_t read_file(const char *dir, const char *name, char *buf, size_t cap) {
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    int f = open(p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (f < 0) return -1;
    ssize_t n = read(f, buf, cap - 1);
    close(f);
    if (n >= 0) buf[n] = '\0';
    return n;
}

/* Entries of dir besides "." and "..". */
static int entries(const char *dir) {
    int n = 0;
    DIR *d = opendir(dir);
    if (d == NULL) return -1;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* nftw callback: a symlink in /app must point down, never up or out. */
static int check_link(const char *p, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb, (void)ftw;
    if (flag != FTW_SL && flag != FTW_SLN) return 0;
    char target[PATH_MAX];
    ssize_t n = readlink(p, target, sizeof target - 1);
    FZ_CHECK(n > 0);
    target[n] = '\0';
    FZ_CHECK(wasi_path_check_symlink(target) == 0);
    return 0;
}

/* Input: image length (2 bytes), the memory image, then the program. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_in in = {data, size};
    uint32_t image = (fz_u8(&in) | (uint32_t)fz_u8(&in) << 8) % (IMAGE_MAX + 1);
    memset(mem.data, 0, MEM_SIZE);
    fz_bytes(&in, mem.data, image);
    int fds_before = open_fds();
    fresh_context();
    run_program(&in);
    wasi_free(&ctx);
    char buf[256];
    FZ_CHECK(open_fds() == fds_before);
    FZ_CHECK(read_file(outside, "secret", buf, sizeof buf) >= 0 && strcmp(buf, SECRET) == 0);
    FZ_CHECK(entries(outside) == 1 && entries(ro) == 1);
    FZ_CHECK(read_file(ro, "data.txt", buf, sizeof buf) >= 0 && strcmp(buf, "read only data") == 0);
    nftw(app, check_link, 16, FTW_PHYS);
    return 0;
}
