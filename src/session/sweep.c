/*
 * sweep.c - removal of the temporary files a killed writer leaves in a
 * session (see sweep.h).
 */
#include "session/sweep.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../../guest/lsb_abi.h"
#include "session/record.h"

#define SWEEP_PREFIX     "lsb-tmp-"
#define SWEEP_SUFFIX     ".tmp"
#define SWEEP_STATE_TEMP "state.json.tmp" /* the guest prelude's temporary name */

static atomic_uint sweep_counter;

/* See sweep.h. */
int sess_sweep_temp_name(char *out, size_t len) {
    unsigned n = atomic_fetch_add(&sweep_counter, 1);
    int w = snprintf(out, len, SWEEP_PREFIX "%ld-%u" SWEEP_SUFFIX, (long)getpid(), n);
    return w > 0 && (size_t)w < len ? 0 : -1;
}

/* True for a name in the system folder that is one of our temporary files. */
static int is_temp(const char *name) {
    size_t n = strlen(name), p = strlen(SWEEP_PREFIX), s = strlen(SWEEP_SUFFIX);
    if (strcmp(name, SWEEP_STATE_TEMP) == 0) return 1;
    return n > p + s && strncmp(name, SWEEP_PREFIX, p) == 0 &&
           strcmp(name + n - s, SWEEP_SUFFIX) == 0;
}

/* Remove our temporary files from the open system folder dfd (closed
 * here); how many. */
static int sweep_dir(int dfd) {
    DIR *d = fdopendir(dfd);
    if (d == NULL) {
        close(dfd);
        return 0;
    }
    int removed = 0;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL)
        if (ent->d_type != DT_DIR && is_temp(ent->d_name) &&
            unlinkat(dirfd(d), ent->d_name, 0) == 0)
            removed++;
    closedir(d);
    return removed;
}

/* See sweep.h. */
int sess_sweep(const char *root, const char *id, const char *ws) {
    char path[PATH_MAX];
    int removed = 0;
    int n = snprintf(path, sizeof path, "%s/%s/" SESS_RECORD_NAME ".tmp", root, id);
    if (n > 0 && (size_t)n < sizeof path && unlink(path) == 0) removed++;
    n = snprintf(path, sizeof path, "%s/" LSB_SYSTEM_DIR, ws);
    if (n <= 0 || (size_t)n >= sizeof path) return removed;
    int dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    return dfd < 0 ? removed : removed + sweep_dir(dfd);
}
