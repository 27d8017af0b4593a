/*
 * fuzz_ids.c - the names a client gives the host for its things: session
 * ids (lsb_session_id_check; an id names a folder and a record) and guest
 * paths of the file API (sess_files_normalise, before openat2 confines
 * the open).
 *
 * Proves: no text crashes them; an accepted id is one safe path
 * component (1-128 of [A-Za-z0-9_-], or a UUID; never "." or ".."); a
 * normalised path is relative, has no empty, "." or ".." component, fits
 * its buffer, and normalising "/app/" + it gives it back unchanged.
 */
#include <ctype.h>

#include "fuzz.h"
#include "session/files.h"

/* An accepted id is one harmless path component. */
static void check_id(const char *id, int custom) {
    char err[256] = "";
    if (lsb_session_id_check(id, custom, err, sizeof err) != 0) {
        FZ_CHECK(err[0] != '\0');
        return;
    }
    size_t len = strlen(id);
    FZ_CHECK(len >= 1 && len <= LSB_SESSION_ID_MAX);
    FZ_CHECK(strcmp(id, ".") != 0 && strcmp(id, "..") != 0);
    for (size_t i = 0; i < len; i++)
        FZ_CHECK(isalnum((unsigned char)id[i]) || id[i] == '_' || id[i] == '-');
}

/* Every component of a normalised path is a plain name. */
static void check_components(const char *rel) {
    if (rel[0] == '\0') return;
    for (const char *s = rel;;) {
        size_t n = strcspn(s, "/");
        FZ_CHECK(n > 0);
        FZ_CHECK(!(n == 1 && s[0] == '.') && !(n == 2 && s[0] == '.' && s[1] == '.'));
        if (s[n] == '\0') break;
        s += n + 1;
    }
}

/* A normalised path is clean, and normalising it again changes nothing. */
static void check_path(const char *path, size_t cap) {
    char rel[4096], again[4096], full[4200], err[512] = "";
    if (sess_files_normalise(path, rel, cap, err, sizeof err) != 0) {
        FZ_CHECK(err[0] != '\0');
        return;
    }
    FZ_CHECK(strlen(rel) < cap && rel[0] != '/');
    check_components(rel);
    snprintf(full, sizeof full, "/app/%s", rel);
    FZ_CHECK(sess_files_normalise(full, again, sizeof again, err, sizeof err) == 0);
    FZ_CHECK(strcmp(again, rel) == 0);
}

/* Input: 1 selector byte (custom ids allowed; the path buffer's size), then
 * the text. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_in in = {data, size};
    uint8_t sel = fz_u8(&in);
    char *text = fz_strndup(in.p, in.len);
    check_id(text, sel & 1);
    check_path(text, sel & 2 ? 16 + (sel >> 2) : 4096);
    free(text);
    return 0;
}
