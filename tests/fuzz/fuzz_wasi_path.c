/*
 * fuzz_wasi_path.c - WASI path resolution on its own: a guest path read
 * out of a fake linear memory at a fuzzed pointer and length
 * (wasi_path_read), split into parent and name and opened beneath a
 * preopen (wasi_path_parent, openat2 RESOLVE_BENEATH) in a tree that holds
 * symlinks pointing up, out and in circles; plus the symlink target policy
 * (wasi_path_check_symlink) and wasi_path_is_self.
 *
 * Proves: no pointer, length or path crashes or reads outside memory; a
 * path is read only when it is in bounds, non-empty, relative and free of
 * NUL; a parent that opens is always inside the preopen, whatever ".." or
 * symlinks the path holds; a name is one component; and an accepted
 * symlink target is relative with no ".." component.
 */
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "wasi/abi.h"
#include "wasi/path.h"

#define MEM_SIZE 8192u

static char root[64];
static size_t root_len;
static int root_fd;
static wasm_rt_memory_t mem;

/* Remove one entry of a tree (nftw callback). */
static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb, (void)flag, (void)ftw;
    return remove(p);
}

/* Remove the tree at exit. */
static void cleanup(void) { nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS); }

/* Make root/name a symlink to target (or a folder when target is NULL). */
static void make(const char *name, const char *target) {
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", root, name);
    if ((target ? symlink(target, p) : mkdir(p, 0755)) != 0) abort();
}

/* A preopen with a folder, and links up, out, absolute and looping. */
int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    snprintf(root, sizeof root, "/dev/shm/lsb-fuzz-path-XXXXXX");
    if (mkdtemp(root) == NULL) abort();
    atexit(cleanup);
    make("app", NULL);
    make("app/d", NULL);
    make("app/d/e", NULL);
    make("app/up", "..");
    make("app/d/out", "../../..");
    make("app/abs", "/etc");
    make("app/loop", "loop");
    make("app/dot", ".");
    make("app/in", "d/e");
    snprintf(root + strlen(root), sizeof root - strlen(root), "/app");
    root_len = strlen(root);
    root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    mem.data = malloc(MEM_SIZE);
    mem.size = MEM_SIZE;
    if (root_fd < 0 || mem.data == NULL) abort();
    return 0;
}

/* The opened parent lies inside the preopen. */
static void check_inside(int fd) {
    char link[64], real[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, real, sizeof real - 1);
    FZ_CHECK(n > 0);
    real[n] = '\0';
    FZ_CHECK(strncmp(real, root, root_len) == 0 &&
             (real[root_len] == '\0' || real[root_len] == '/'));
}

/* Input: pointer and length (4 bytes each), then the memory image. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_in in = {data, size};
    uint32_t ptr = fz_u32(&in), len = fz_u32(&in);
    if (!(ptr >> 31)) ptr %= MEM_SIZE + 8; /* mostly near memory */
    if (!(len >> 31)) len %= MEM_SIZE + 8;
    memset(mem.data, 0, MEM_SIZE);
    fz_bytes(&in, mem.data, in.len < MEM_SIZE ? in.len : MEM_SIZE);
    static wasi_path path;
    uint32_t rc = wasi_path_read(&mem, ptr, len, &path);
    if (rc != 0) return 0;
    FZ_CHECK((uint64_t)ptr + len <= MEM_SIZE && len > 0 && len <= WASI_PATH_MAX);
    FZ_CHECK(path.len == len && strlen(path.s) == len && path.s[0] != '/');
    if (wasi_path_check_symlink(path.s) == 0) {
        for (const char *s = path.s; *s; s += strspn(s, "/")) {
            size_t n = strcspn(s, "/");
            FZ_CHECK(!(n == 2 && s[0] == '.' && s[1] == '.'));
            s += n;
        }
    }
    (void)wasi_path_is_self(path.s);
    wasi_parent parent;
    if (wasi_path_parent(root_fd, path.s, WASI_EINVAL, &parent) == 0) {
        FZ_CHECK(parent.fd >= 0 && strchr(parent.name, '/') == NULL);
        check_inside(parent.fd);
    }
    wasi_parent_close(&parent);
    return 0;
}
