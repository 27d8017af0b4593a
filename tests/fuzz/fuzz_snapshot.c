/*
 * fuzz_snapshot.c - the snapshot header checks: snap_check_assets and
 * snap_load reading an image file whose header and size are hostile (a
 * damaged build product, or a file planted in the assets folder), loaded
 * into a fake guest with a small memory.
 *
 * Proves: no image crashes, leaks or maps beyond the guest's memory; an
 * image is loaded only when its magic, version, guest name and build hash
 * match, the file holds every page it announces and its set of pages a run
 * writes (prefault.h) lies inside them; a loaded guest has exactly the
 * announced pages and globals; and copying that set in stays inside the
 * image's memory.
 */
#include <sys/mman.h>

#include "fuzz.h"
#include "sandbox/snapshot.h"
#include "wasm/runtime.h"

#define FZ_PAGES   8 /* the fake guest's reserved memory, in wasm pages */
#define FZ_PAD_MAX 6 /* pages a padded image may announce (< FZ_PAGES) */
#define FZ_GLOBALS 3

static wasm_rt_memory_t mem;
static uint64_t globals[FZ_GLOBALS];
static int globals_set;

/* The fake guest's memory. */
static wasm_rt_memory_t *fake_memory(void *inst) { return (void)inst, &mem; }
/* The fake guest's global count. */
static uint32_t fake_globals_count(void *inst) { return (void)inst, FZ_GLOBALS; }
/* Set one of the fake guest's globals. */
static void fake_global_set(void *inst, uint32_t i, uint64_t v) {
    (void)inst;
    FZ_CHECK(i < FZ_GLOBALS);
    globals[i] = v;
    globals_set++;
}

static const guest_module fake = {
    .name = "python",
    .wasm_hash = "0123456789abcdef",
    .memory = fake_memory,
    .globals_count = fake_globals_count,
    .global_set = fake_global_set,
};

/* Input: 1 byte of extra pages to pad the file with, then the image. The
 * memory is reserved once, like a guest's 4 GiB (FZ_PAGES: more than any
 * image here can hold). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static uint8_t *area;
    if (area == NULL) {
        area = mmap(NULL, FZ_PAGES * (size_t)RT_PAGE_SIZE, PROT_NONE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (area == MAP_FAILED) abort();
    }
    fz_in in = {data, size};
    unsigned pad = fz_u8(&in) % (FZ_PAD_MAX + 1);
    char path[64], err[512] = "";
    int fd = fz_memfile(in.p, in.len, path, sizeof path);
    if (in.len < 4096 + (size_t)pad * RT_PAGE_SIZE &&
        ftruncate(fd, 4096 + (off_t)pad * RT_PAGE_SIZE) != 0)
        abort();
    if (snap_check_assets(path, 42, err, sizeof err) != 0) FZ_CHECK(err[0] != '\0');
    mem = (wasm_rt_memory_t){.data = area, .pages = 1, .max_pages = FZ_PAGES, .size = RT_PAGE_SIZE};
    globals_set = 0;
    prefault_set hot;
    if (snap_load(&fake, NULL, path, &hot, err, sizeof err) == 0) {
        FZ_CHECK(mem.pages >= 1 && mem.size == (uint64_t)mem.pages * RT_PAGE_SIZE);
        FZ_CHECK(globals_set == FZ_GLOBALS);
        FZ_CHECK(prefault_valid(&hot, mem.size));
        prefault_apply(mem.data, mem.size, &hot);
    } else {
        FZ_CHECK(err[0] != '\0');
    }
    /* drop the mapping of the image again */
    if (mmap(area, FZ_PAGES * (size_t)RT_PAGE_SIZE, PROT_NONE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) == MAP_FAILED)
        abort();
    close(fd);
    return 0;
}
