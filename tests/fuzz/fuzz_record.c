/*
 * fuzz_record.c - session records: the disk storage adapter's get reading
 * a session.json a hostile writer left in the sessions root, then
 * sess_record_decode parsing it (the text is untrusted: a record may be
 * damaged, or planted by anyone who can write the folder).
 *
 * Proves: no record crashes or leaks; get hands back exactly the bytes on
 * disk; and a record that decodes survives a round trip: encoding the
 * decoded session and decoding that gives the same session.
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "session/record.h"

#define FZ_ID "fuzz-session"

static sess_record_disk disk;
static lsb_storage store;
static char record_path[PATH_MAX];

/* Remove the sessions root at exit. */
static void cleanup(void) {
    char dir[PATH_MAX];
    unlink(record_path);
    snprintf(dir, sizeof dir, "%s/%s", disk.root, FZ_ID);
    rmdir(dir);
    rmdir(disk.root);
}

/* A sessions root with one session folder, reused by every input. */
int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    char dir[PATH_MAX];
    snprintf(disk.root, sizeof disk.root, "/dev/shm/lsb-fuzz-record-XXXXXX");
    if (mkdtemp(disk.root) == NULL) abort();
    snprintf(dir, sizeof dir, "%s/%s", disk.root, FZ_ID);
    if (mkdir(dir, 0700) != 0) abort();
    snprintf(record_path, sizeof record_path, "%s/%s", dir, SESS_RECORD_NAME);
    sess_record_disk_adapter(&disk, &store);
    atexit(cleanup);
    return 0;
}

/* Two decoded sessions agree on everything a record stores. */
static void check_same(const lsb_session_info *a, const lsb_session_info *b) {
    FZ_CHECK(strcmp(a->id, b->id) == 0 && a->language == b->language);
    FZ_CHECK(a->created_at == b->created_at && a->last_used_at == b->last_used_at);
    FZ_CHECK(a->execution_count == b->execution_count);
    FZ_CHECK(a->auto_persist_globals == b->auto_persist_globals);
    const lsb_policy *p = &a->policy, *q = &b->policy;
    FZ_CHECK(p->fuel == q->fuel && p->memory_bytes == q->memory_bytes &&
             p->timeout_ms == q->timeout_ms && p->stdout_max == q->stdout_max &&
             p->stderr_max == q->stderr_max && p->quota_bytes == q->quota_bytes &&
             p->quota_files == q->quota_files);
}

/* Decode text; if it is a record, check its round trip. */
static void decode(const char *text, size_t len) {
    lsb_session_info info, again;
    char err[512];
    memset(&info, 0, sizeof info);
    if (sess_record_decode(FZ_ID, text, len, &info, err, sizeof err) != 0) {
        FZ_CHECK(err[0] != '\0');
        return;
    }
    FZ_CHECK(strcmp(info.id, FZ_ID) == 0);
    char *enc = sess_record_encode(&info);
    FZ_CHECK(enc != NULL);
    memset(&again, 0, sizeof again);
    FZ_CHECK(sess_record_decode(FZ_ID, enc, strlen(enc), &again, err, sizeof err) == 0);
    check_same(&info, &again);
    free(enc);
}

/* Input: the bytes of session.json. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    int fd = open(record_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || write(fd, data, size) != (ssize_t)size) abort();
    close(fd);
    char *text = NULL, err[512] = "";
    size_t len = 0;
    int rc = store.get(store.ctx, FZ_ID, &text, &len, err, sizeof err);
    FZ_CHECK(rc == 0 && len == size && (size == 0 || memcmp(text, data, size) == 0));
    decode(text, len);
    free(text);
    return 0;
}
