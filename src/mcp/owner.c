/*
 * owner.c - the owners of the MCP server's sessions: the owner name (a
 * hash of the identity that created the session) or "released", kept as
 * the owner label of the session's record, and the move of a legacy
 * owner file (STORAGE/owners/<session id>, where servers before kept it)
 * into the record.
 *
 * Invariants: the identity itself is never written, only its hash; only
 * well-formed session ids (no '/', no leading '.') name a legacy file; a
 * legacy file is deleted only once its owner is in the record.
 */
#include "mcp/owner.h"

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

/* Read the legacy owner file dir/id into out; 0, or -1 when there is
 * none (out is then ""). */
static int legacy_read(const char *dir, const char *id, char out[MCP_OWNER_LEN + 1]) {
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

/* Delete the legacy owner file dir/id, and dir once it is empty. */
static void legacy_forget(const char *dir, const char *id) {
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", dir, id) < (int)sizeof path) unlink(path);
    rmdir(dir); /* fails, harmlessly, while other sessions' files remain */
}

/* See owner.h. */
lsb_status mcp_owner_get(lsb_sandbox *sb, const char *legacy_dir, const char *id,
                         char out[LSB_SESSION_OWNER_MAX + 1]) {
    char err[512], legacy[MCP_OWNER_LEN + 1];
    lsb_status st = lsb_session_owner_get(sb, id, out, err, sizeof err);
    if ((st != LSB_OK && st != LSB_ERR_STORAGE) || out[0] != '\0' ||
        legacy_read(legacy_dir, id, legacy) != 0)
        return st;
    snprintf(out, LSB_SESSION_OWNER_MAX + 1, "%s", legacy);
    if (st == LSB_OK && lsb_session_set_owner(sb, id, legacy, err, sizeof err) == LSB_OK)
        legacy_forget(legacy_dir, id);
    return st;
}

/* See owner.h. */
bool mcp_owner_is(lsb_sandbox *sb, const char *legacy_dir, const char *id, const char *owner) {
    char found[LSB_SESSION_OWNER_MAX + 1];
    mcp_owner_get(sb, legacy_dir, id, found);
    return found[0] != '\0' && strcmp(found, owner) == 0;
}
