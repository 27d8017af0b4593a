/*
 * owner.c - the owner records of the MCP server's sessions: one file per
 * session, STORAGE/owners/<session id>, holding the owner name (a hash of
 * the identity that created it) or "released".
 *
 * Invariants: a record is replaced atomically (write a temporary file,
 * then rename), so a reader sees the old owner or the new one, never a
 * torn one; only well-formed session ids (no '/', no leading '.') name a
 * file; the identity itself is never written, only its hash.
 */
#include "mcp/owner.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <nettle/base16.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/fs.h"

#define OWNER_HASH_BYTES 16

/* Whether id can name a record file. */
static bool id_ok(const char *id) {
    return id != NULL && id[0] != '\0' && id[0] != '.' && strchr(id, '/') == NULL &&
           strlen(id) <= 255;
}

/* See owner.h. */
void mcp_owner_derive(mcp_owner_kind kind, const char *secret, char out[MCP_OWNER_LEN + 1]) {
    static const char *const names[] = {"token", "protocol", "stateless", "stdio"};
    struct sha256_ctx ctx;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, strlen(names[kind]), (const uint8_t *)names[kind]);
    sha256_update(&ctx, 1, (const uint8_t *)":");
    if (secret != NULL) sha256_update(&ctx, strlen(secret), (const uint8_t *)secret);
    sha256_digest(&ctx, sizeof digest, digest);
    out[0] = 'o';
    out[1] = '-';
    base16_encode_update(out + 2, OWNER_HASH_BYTES, digest);
    out[MCP_OWNER_LEN] = '\0';
}

/* See owner.h. */
int mcp_owner_record(const char *dir, const char *id, const char *owner, char *err, size_t errlen) {
    char path[PATH_MAX], tmp[PATH_MAX + 8];
    if (!id_ok(id) || snprintf(path, sizeof path, "%s/%s", dir, id) >= (int)sizeof path) {
        snprintf(err, errlen, "cannot record the owner of session '%.64s': bad id", id);
        return -1;
    }
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    size_t len = strlen(owner);
    bool ok = fd >= 0 && util_write_all(fd, owner, len) == 0;
    if (fd >= 0 && close(fd) != 0) ok = false;
    if (!ok || rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot record the owner of session %s in %s: %s", id, dir,
                 strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* See owner.h. */
int mcp_owner_read(const char *dir, const char *id, char out[MCP_OWNER_LEN + 1]) {
    char path[PATH_MAX];
    out[0] = '\0';
    if (!id_ok(id) || snprintf(path, sizeof path, "%s/%s", dir, id) >= (int)sizeof path) return -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return -1;
    ssize_t n = util_read_upto(fd, out, MCP_OWNER_LEN);
    close(fd);
    if (n <= 0) {
        out[0] = '\0';
        return -1;
    }
    out[n] = '\0';
    return 0;
}

/* See owner.h. */
bool mcp_owner_is(const char *dir, const char *id, const char *owner) {
    char found[MCP_OWNER_LEN + 1];
    return mcp_owner_read(dir, id, found) == 0 && strcmp(found, owner) == 0;
}

/* See owner.h. */
void mcp_owner_forget(const char *dir, const char *id) {
    char path[PATH_MAX];
    if (id_ok(id) && snprintf(path, sizeof path, "%s/%s", dir, id) < (int)sizeof path) unlink(path);
}
