/*
 * snapshot.c - writes and maps snapshot images (see snapshot.h).
 *
 * Layout: a header page (magic, format version, guest name, the sha256 of
 * the instrumented wasm, the identity of the assets lsb_init read, memory
 * pages, globals, and the pages a run writes: prefault.h), then the linear
 * memory at
 * offset SNAP_DATA_OFFSET so that it can be mmap'ed directly. All-zero
 * 64 KiB runs are left as holes, so images stay small on disk. A header is
 * validated field by field before anything is mapped.
 */
#include "sandbox/snapshot.h"

#include "sandbox/ipc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox/prefault.h"
#include "wasm/runtime.h"

#define SNAP_MAGIC       "LSBSNAP1"
#define SNAP_VERSION     3
#define SNAP_DATA_OFFSET 4096
#define SNAP_NAME_MAX    16
#define SNAP_HASH_MAX    72

typedef struct snap_header {
    char magic[8];
    uint32_t version;
    uint32_t pages;
    char guest[SNAP_NAME_MAX];
    char wasm_hash[SNAP_HASH_MAX];
    uint32_t global_count;
    uint32_t reserved;
    uint64_t assets_id; /* snap_assets_id of the stdlib and /data it was made with */
    uint64_t globals[SNAP_MAX_GLOBALS];
    prefault_set hot; /* the pages a run writes (snap_set_hot); none when made */
} snap_header;

#define SNAP_FNV_OFFSET   1469598037103934665ULL
#define SNAP_FNV_PRIME    1099511628211ULL
#define SNAP_ZIP_TAIL     256    /* the end of the stdlib zip: its central directory record */
#define SNAP_MANIFEST_MAX 262144 /* bytes of a vendored.json that are hashed */

/* Fold len bytes into the FNV-1a hash h. */
static uint64_t fnv(uint64_t h, const void *data, size_t len) {
    const uint8_t *p = data;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * SNAP_FNV_PRIME;
    return h;
}

/* Fold the size and up to max bytes from offset `from_end` before the end
 * (or from the start when from_end is 0) of dir/name into h; a missing file
 * folds in a marker. */
static uint64_t fold_file(uint64_t h, const char *dir, const char *name, size_t max, int from_end) {
    char path[4096], buf[SNAP_MANIFEST_MAX];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "", name);
    int fd = dir ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0) close(fd);
        return fnv(h, "missing", 7);
    }
    size_t n = (uint64_t)st.st_size < max ? (size_t)st.st_size : max;
    off_t at = from_end ? st.st_size - (off_t)n : 0;
    ssize_t got = pread(fd, buf, n, at);
    close(fd);
    h = fnv(h, &st.st_size, sizeof st.st_size);
    return got > 0 ? fnv(h, buf, (size_t)got) : h;
}

_Static_assert(sizeof(snap_header) <= SNAP_DATA_OFFSET, "snapshot header fits its page");

/* Is the buffer all zero bytes (a hole in the image)? */
static int is_zero(const uint8_t *p, size_t len) {
    for (size_t i = 0; i < len; i++)
        if (p[i]) return 0;
    return 1;
}

static int open_image(const char *path, snap_header *hdr, char *err, size_t errlen);

/* See snapshot.h. */
uint64_t snap_assets_id(const char *stdlib_dir, const char *data_dir) {
    uint64_t h = SNAP_FNV_OFFSET;
    h = fold_file(h, stdlib_dir, "python311.zip", SNAP_ZIP_TAIL, 1);
    h = fold_file(h, data_dir, "site-packages/vendored.json", SNAP_MANIFEST_MAX, 0);
    return fold_file(h, data_dir, "js/vendored.json", SNAP_MANIFEST_MAX, 0);
}

/* See snapshot.h. */
int snap_check_assets(const char *path, uint64_t assets_id, char *err, size_t errlen) {
    snap_header hdr;
    int fd = open_image(path, &hdr, err, errlen);
    if (fd < 0) return -1;
    close(fd);
    if (hdr.assets_id == assets_id) return 0;
    snprintf(err, errlen,
             "snapshot %s was made with another stdlib or other vendored packages than the "
             "assets next to it (rebuild with make)",
             path);
    return -1;
}

/* Fill hdr from a live instance; -1 if it has too many globals. */
static int fill_header(const guest_module *mod, void *inst, snap_header *hdr) {
    memset(hdr, 0, sizeof *hdr);
    memcpy(hdr->magic, SNAP_MAGIC, sizeof hdr->magic);
    hdr->version = SNAP_VERSION;
    hdr->pages = mod->memory(inst)->pages;
    snprintf(hdr->guest, sizeof hdr->guest, "%s", mod->name);
    snprintf(hdr->wasm_hash, sizeof hdr->wasm_hash, "%s", mod->wasm_hash);
    hdr->global_count = mod->globals_count(inst);
    if (hdr->global_count > SNAP_MAX_GLOBALS) return -1;
    for (uint32_t i = 0; i < hdr->global_count; i++)
        hdr->globals[i] = mod->global_get(inst, i);
    return 0;
}

/* Write the memory image, skipping all-zero pages as holes. */
static int write_memory(int fd, const wasm_rt_memory_t *mem) {
    for (uint64_t off = 0; off < mem->size; off += RT_PAGE_SIZE) {
        const uint8_t *page = mem->data + off;
        if (is_zero(page, RT_PAGE_SIZE)) continue;
        if (lseek(fd, (off_t)(SNAP_DATA_OFFSET + off), SEEK_SET) < 0) return -1;
        if (ipc_write_all(fd, page, RT_PAGE_SIZE) != 0) return -1;
    }
    return ftruncate(fd, (off_t)(SNAP_DATA_OFFSET + mem->size));
}

/* See snapshot.h. */
int snap_write(const guest_module *mod, void *inst, uint64_t assets_id, const char *path, char *err,
               size_t errlen) {
    snap_header hdr;
    int filled = fill_header(mod, inst, &hdr);
    hdr.assets_id = assets_id;
    if (filled != 0) {
        snprintf(err, errlen, "guest %s has more than %d mutable globals", mod->name,
                 SNAP_MAX_GLOBALS);
        return -1;
    }
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
        return -1;
    }
    int rc = ipc_write_all(fd, &hdr, sizeof hdr);
    if (rc == 0) rc = write_memory(fd, mod->memory(inst));
    if (rc == 0) rc = fsync(fd);
    if (close(fd) != 0) rc = -1;
    if (rc == 0) rc = rename(tmp, path);
    if (rc != 0) {
        snprintf(err, errlen, "cannot write snapshot %s: %s", path, strerror(errno));
        unlink(tmp);
    }
    return rc;
}

/* Open path and read and check its header; returns the fd or -1 with err. */
static int open_image(const char *path, snap_header *hdr, char *err, size_t errlen) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open snapshot %s: %s (rebuild with make)", path,
                 strerror(errno));
        return -1;
    }
    struct stat st;
    ssize_t n = pread(fd, hdr, sizeof *hdr, 0);
    int ok = n == (ssize_t)sizeof *hdr && memcmp(hdr->magic, SNAP_MAGIC, sizeof hdr->magic) == 0 &&
             hdr->version == SNAP_VERSION && hdr->pages <= RT_MAX_PAGES &&
             hdr->global_count <= SNAP_MAX_GLOBALS && fstat(fd, &st) == 0 &&
             (uint64_t)st.st_size >= SNAP_DATA_OFFSET + (uint64_t)hdr->pages * RT_PAGE_SIZE &&
             prefault_valid(&hdr->hot, (size_t)hdr->pages * RT_PAGE_SIZE);
    if (!ok) {
        snprintf(err, errlen, "snapshot %s is damaged or of another format (rebuild with make)",
                 path);
        close(fd);
        return -1;
    }
    hdr->guest[SNAP_NAME_MAX - 1] = '\0';
    hdr->wasm_hash[SNAP_HASH_MAX - 1] = '\0';
    return fd;
}

/* Check that the image belongs to this exact guest build and fits. */
static int check_image(const guest_module *mod, void *inst, const snap_header *hdr,
                       const char *path, char *err, size_t errlen) {
    if (strcmp(hdr->guest, mod->name) != 0 || strcmp(hdr->wasm_hash, mod->wasm_hash) != 0) {
        snprintf(err, errlen, "snapshot %s was made from another build of %s (rebuild with make)",
                 path, mod->name);
        return -1;
    }
    if (hdr->global_count != mod->globals_count(inst)) {
        snprintf(err, errlen, "snapshot %s: global count mismatch", path);
        return -1;
    }
    return 0;
}

/* See snapshot.h. */
int snap_load(const guest_module *mod, void *inst, const char *path, prefault_set *hot, char *err,
              size_t errlen) {
    snap_header hdr;
    int fd = open_image(path, &hdr, err, errlen);
    if (fd < 0) return -1;
    wasm_rt_memory_t *mem = mod->memory(inst);
    if (check_image(mod, inst, &hdr, path, err, errlen) != 0) {
        close(fd);
        return -1;
    }
    if (hdr.pages < mem->pages) {
        snprintf(err, errlen, "snapshot %s is smaller than the guest's initial memory", path);
        close(fd);
        return -1;
    }
    size_t bytes = (size_t)hdr.pages * RT_PAGE_SIZE;
    if (bytes > 0 && mmap(mem->data, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd,
                          SNAP_DATA_OFFSET) == MAP_FAILED) {
        snprintf(err, errlen, "cannot map snapshot %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    close(fd);
    mem->pages = hdr.pages;
    mem->size = bytes;
    mem->max_pages = RT_MAX_PAGES; /* each run lowers it to its policy (worker.c) */
    for (uint32_t i = 0; i < hdr.global_count; i++)
        mod->global_set(inst, i, hdr.globals[i]);
    if (hot != NULL) *hot = hdr.hot;
    return 0;
}

/* See snapshot.h. */
int snap_set_hot(const char *path, const prefault_set *hot, char *err, size_t errlen) {
    snap_header hdr;
    int fd = open_image(path, &hdr, err, errlen);
    if (fd < 0) return -1;
    close(fd);
    if (!prefault_valid(hot, (size_t)hdr.pages * RT_PAGE_SIZE)) {
        snprintf(err, errlen, "snapshot %s: the written pages lie outside its memory", path);
        return -1;
    }
    hdr.hot = *hot;
    fd = open(path, O_WRONLY | O_CLOEXEC);
    int rc = fd < 0 ? -1 : 0;
    if (rc == 0 && pwrite(fd, &hdr, sizeof hdr, 0) != (ssize_t)sizeof hdr) rc = -1;
    if (rc == 0) rc = fsync(fd);
    if (fd >= 0 && close(fd) != 0) rc = -1;
    if (rc != 0) snprintf(err, errlen, "cannot update snapshot %s: %s", path, strerror(errno));
    return rc;
}
