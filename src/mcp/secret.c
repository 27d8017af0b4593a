/*
 * secret.c - the bearer token's file, and the clean-up of argv and the
 * environment before the server forks anything.
 *
 * Invariants: the token never stays in the environment, nor in the
 * bytes /proc/PID/environ and /proc/PID/cmdline show (the server's and,
 * since they are forked from it, every zygote's and run process's); a
 * token file anyone else can read is refused, not used with a warning.
 */
#include "mcp/secret.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

#define SECRET_TOKEN_ENV "LSB_MCP_AUTH_TOKEN"
#define SECRET_FLAG      "--auth-token"

/* Read at most cap - 1 bytes of fd into buf (NUL-terminated); the
 * number read, or -1. */
static ssize_t read_some(int fd, char *buf, size_t cap) {
    size_t used = 0;
    while (used + 1 < cap) {
        ssize_t n = read(fd, buf + used, cap - 1 - used);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -1;
        if (n == 0) break;
        used += (size_t)n;
    }
    buf[used] = '\0';
    return (ssize_t)used;
}

/* Check the first line of buf (len bytes read, the file's whole size
 * being size) and copy it to token; 0, or -1 with err. */
static int take_line(const char *path, const char *buf, size_t len, off_t size, char *token,
                     size_t cap, char *err, size_t errlen) {
    size_t n = strcspn(buf, "\r\n");
    if (n >= cap || (n == len && (off_t)len < size)) {
        snprintf(err, errlen, "%s: the token (its first line) is longer than %zu bytes", path,
                 cap - 1);
        return -1;
    }
    if (n == 0) {
        snprintf(err, errlen, "%s: the first line, the token, is empty", path);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c < 0x20 || c == 0x7F) {
            snprintf(err, errlen, "%s: the token holds a control character (byte %zu)", path, i);
            return -1;
        }
    }
    memcpy(token, buf, n);
    token[n] = '\0';
    return 0;
}

/* See secret.h. */
int mcp_secret_read_token_file(const char *path, char *token, size_t cap, char *err,
                               size_t errlen) {
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, errlen, "cannot read the token file %s: %s", path, strerror(errno));
        if (fd >= 0) close(fd);
        return -1;
    }
    int rc = -1;
    char buf[1024];
    ssize_t len = 0;
    if (!S_ISREG(st.st_mode))
        snprintf(err, errlen, "the token file %s is not a regular file", path);
    else if ((st.st_mode & 077) != 0)
        snprintf(err, errlen,
                 "the token file %s may be read or written by others (mode %04o): make it "
                 "private with `chmod 600 %s`",
                 path, (unsigned)(st.st_mode & 07777), path);
    else if ((len = read_some(fd, buf, cap < sizeof buf ? cap + 1 : sizeof buf)) < 0)
        snprintf(err, errlen, "cannot read the token file %s: %s", path, strerror(errno));
    else
        rc = take_line(path, buf, (size_t)len, st.st_size, token, cap, err, errlen);
    explicit_bzero(buf, sizeof buf);
    close(fd);
    return rc;
}

/* See secret.h. */
int mcp_secret_load(mcp_options *o, char *err, size_t errlen) {
    if (o->auth_token_file[0] == '\0') return 0;
    if (o->auth_token[0] != '\0') {
        snprintf(err, errlen,
                 "auth_token and auth_token_file are both set: give the token one way only");
        return -1;
    }
    return mcp_secret_read_token_file(o->auth_token_file, o->auth_token, sizeof o->auth_token, err,
                                      errlen);
}

/* The value of argv[i] when it gives the token, else NULL (argc bounds
 * the separate-value form). */
static char *token_arg(int argc, char **argv, int i) {
    if (strcmp(argv[i], SECRET_FLAG) == 0) return i + 1 < argc ? argv[i + 1] : NULL;
    if (strncmp(argv[i], SECRET_FLAG "=", sizeof SECRET_FLAG) == 0)
        return argv[i] + sizeof SECRET_FLAG;
    return NULL;
}

/* See secret.h. */
bool mcp_secret_on_command_line(int argc, char **argv) {
    for (int i = 0; i < argc; i++)
        if (token_arg(argc, argv, i) != NULL) return true;
    return false;
}

/* Whether the variable "NAME=VALUE" may stay in the environment. */
static bool env_allowed(const char *entry) {
    static const char *const names[] = {"PATH",         "HOME",          "TMPDIR",
                                        "LANG",         "LANGUAGE",      "TZ",
                                        "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"};
    static const char *const prefixes[] = {"LC_", "XDG_", "LSB_"};
    size_t len = strcspn(entry, "=");
    if (len == sizeof SECRET_TOKEN_ENV - 1 && strncmp(entry, SECRET_TOKEN_ENV, len) == 0)
        return false;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i]) == len && strncmp(entry, names[i], len) == 0) return true;
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncmp(entry, prefixes[i], strlen(prefixes[i])) == 0) return true;
    return false;
}

/* See secret.h. */
void mcp_secret_scrub(int argc, char **argv) {
    for (int i = 0; i < argc; i++) {
        char *value = token_arg(argc, argv, i);
        if (value != NULL) memset(value, '*', strlen(value));
    }
    size_t n = 0;
    while (environ != NULL && environ[n] != NULL)
        n++;
    /* The new list lives as long as the process (environ points to it). */
    char **keep = calloc(n + 1, sizeof *keep);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (keep != NULL && env_allowed(environ[i]))
            keep[k++] = environ[i];
        else
            explicit_bzero(environ[i], strlen(environ[i]));
    }
    if (keep != NULL) environ = keep;
}
