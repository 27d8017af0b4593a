/*
 * files.c - native file primitives for prelude.js (the file helpers and
 * require()), over wasi-libc's POSIX calls.
 *
 * The host's WASI layer confines every path to the preopens and enforces
 * the read-only mounts and the workspace quota; the prelude adds friendly
 * checks on top. Text crosses as UTF-8 <-> JS strings, bytes as
 * ArrayBuffer (an ArrayBuffer or a typed array is accepted for writing).
 * A failure throws an Error worded like Node's ("ENOENT: no such file or
 * directory, open '/app/x'") with code, errno, syscall and path properties.
 * Invariant: every descriptor opened here is closed before returning.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"

#define COPY_CHUNK     (64 * 1024) /* bytes per read/write when copying */
#define READ_CHUNK_MIN (16 * 1024) /* first buffer when the size is unknown */
#define FILE_MODE      0644
#define DIR_MODE       0755
/* "CODE: text, syscall 'path' -> 'dest'" around the strings themselves */
#define MESSAGE_EXTRA 32

/* Node's name and wording (libuv's) for the errors file calls can see. */
static const struct {
    int err;
    const char *code;
    const char *text;
} errno_names[] = {
    {ENOENT, "ENOENT", "no such file or directory"},
    {EEXIST, "EEXIST", "file already exists"},
    {EISDIR, "EISDIR", "illegal operation on a directory"},
    {ENOTDIR, "ENOTDIR", "not a directory"},
    {ENOTEMPTY, "ENOTEMPTY", "directory not empty"},
    {EACCES, "EACCES", "permission denied"},
    {EPERM, "EPERM", "operation not permitted"},
    {EROFS, "EROFS", "read-only file system"},
    {ENOTCAPABLE, "ENOTCAPABLE", "the sandbox does not allow this path"},
    {ENOSPC, "ENOSPC", "no space left on device"},
    {EDQUOT, "EDQUOT", "workspace quota exceeded"},
    {EFBIG, "EFBIG", "file too large"},
    {ENAMETOOLONG, "ENAMETOOLONG", "name too long"},
    {ELOOP, "ELOOP", "too many symbolic links encountered"},
    {EBADF, "EBADF", "bad file descriptor"},
    {EINVAL, "EINVAL", "invalid argument"},
    {EMFILE, "EMFILE", "too many open files"},
    {ENFILE, "ENFILE", "file table overflow"},
    {EIO, "EIO", "i/o error"},
    {EXDEV, "EXDEV", "cross-device link not permitted"},
    {EBUSY, "EBUSY", "resource busy or locked"},
    {ENOMEM, "ENOMEM", "not enough memory"},
    {ENOSYS, "ENOSYS", "function not implemented"},
    {ENOTSUP, "ENOTSUP", "operation not supported"},
};

static JSValue error_ctor = JS_UNDEFINED; /* Error, as it was at init */

/*
 * Throws a Node-style Error for errno value err from syscall on path (and
 * dest, for rename and copy, or NULL). Always returns JS_EXCEPTION.
 */
static JSValue throw_errno(JSContext *ctx, int err, const char *syscall, const char *path,
                           const char *dest) {
    const char *code = "UNKNOWN", *text = strerror(err);
    for (size_t i = 0; i < sizeof errno_names / sizeof errno_names[0]; i++) {
        if (errno_names[i].err == err) {
            code = errno_names[i].code;
            text = errno_names[i].text;
            break;
        }
    }
    size_t cap = strlen(code) + strlen(text) + strlen(syscall) + strlen(path) +
                 (dest ? strlen(dest) : 0) + MESSAGE_EXTRA;
    char *msg = malloc(cap);
    if (msg == NULL) return JS_ThrowOutOfMemory(ctx);
    if (dest != NULL)
        snprintf(msg, cap, "%s: %s, %s '%s' -> '%s'", code, text, syscall, path, dest);
    else
        snprintf(msg, cap, "%s: %s, %s '%s'", code, text, syscall, path);
    JSValue m = JS_NewString(ctx, msg);
    free(msg);
    if (JS_IsException(m)) return m;
    JSValue e = JS_CallConstructor(ctx, error_ctor, 1, (JSValueConst *)&m);
    JS_FreeValue(ctx, m);
    if (JS_IsException(e)) return e;
    JS_SetPropertyStr(ctx, e, "code", JS_NewString(ctx, code));
    JS_SetPropertyStr(ctx, e, "errno", JS_NewInt32(ctx, -err));
    JS_SetPropertyStr(ctx, e, "syscall", JS_NewString(ctx, syscall));
    JS_SetPropertyStr(ctx, e, "path", JS_NewString(ctx, path));
    if (dest != NULL) JS_SetPropertyStr(ctx, e, "dest", JS_NewString(ctx, dest));
    return JS_Throw(ctx, e);
}

/* Converts argument i to a C string (NULL with an exception pending when
 * it is missing or not convertible). Free with JS_FreeCString. */
static const char *path_arg(JSContext *ctx, int argc, JSValueConst *argv, int i) {
    if (i >= argc || !JS_IsString(argv[i])) {
        JS_ThrowTypeError(ctx, "file primitive: argument %d must be a path string", i + 1);
        return NULL;
    }
    return JS_ToCString(ctx, argv[i]);
}

/* Writes all of data to fd. Returns 0, or the errno of the failure. */
static int write_all(int fd, const uint8_t *data, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Reads all of fd into a malloc'd buffer (*len bytes). Returns the buffer,
 * or NULL with *err set (ENOMEM when out of memory). */
static uint8_t *read_all(int fd, size_t size_hint, size_t *len, int *err) {
    size_t cap = size_hint > 0 ? size_hint + 1 : READ_CHUNK_MIN;
    size_t used = 0;
    uint8_t *buf = malloc(cap);
    if (buf == NULL) goto no_memory;
    for (;;) {
        if (used == cap) {
            if (cap > SIZE_MAX / 2) goto no_memory;
            uint8_t *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) goto no_memory;
            buf = bigger;
            cap *= 2;
        }
        ssize_t n = read(fd, buf + used, cap - used);
        if (n < 0) {
            if (errno == EINTR) continue;
            *err = errno;
            free(buf);
            return NULL;
        }
        if (n == 0) break;
        used += (size_t)n;
    }
    *len = used;
    return buf;
no_memory:
    free(buf);
    *err = ENOMEM;
    return NULL;
}

/* Opens path for reading and refuses a directory. Returns the fd, or -1
 * with an exception pending; *size gets the size stat reports. */
static int open_for_reading(JSContext *ctx, const char *path, size_t *size) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        throw_errno(ctx, errno, "open", path, NULL);
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        throw_errno(ctx, EISDIR, "read", path, NULL);
        return -1;
    }
    *size = st.st_size > 0 ? (size_t)st.st_size : 0;
    return fd;
}

/* readFile(path, asText) -> string (UTF-8 decoded) or ArrayBuffer. */
static JSValue fs_read_file(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    const char *path = path_arg(ctx, argc, argv, 0);
    if (path == NULL) return JS_EXCEPTION;
    bool as_text = argc > 1 && JS_ToBool(ctx, argv[1]);
    size_t size = 0, len = 0;
    int err = 0;
    JSValue result = JS_EXCEPTION;
    int fd = open_for_reading(ctx, path, &size);
    if (fd >= 0) {
        uint8_t *buf = read_all(fd, size, &len, &err);
        close(fd);
        if (buf == NULL && err == ENOMEM)
            result = JS_ThrowOutOfMemory(ctx);
        else if (buf == NULL)
            result = throw_errno(ctx, err, "read", path, NULL);
        else if (as_text)
            result = JS_NewStringLen(ctx, (const char *)buf, len);
        else
            result = JS_NewArrayBufferCopy(ctx, buf, len);
        free(buf);
    }
    JS_FreeCString(ctx, path);
    return result;
}

/* The bytes of v: a string (as UTF-8), an ArrayBuffer or a typed array.
 * Returns 0 and sets *data and *len (and *cstr, to free with JS_FreeCString,
 * for a string), or -1 with a TypeError pending. */
static int bytes_of(JSContext *ctx, JSValueConst v, const uint8_t **data, size_t *len,
                    const char **cstr) {
    *cstr = NULL;
    if (JS_IsString(v)) {
        *cstr = JS_ToCStringLen(ctx, len, v);
        *data = (const uint8_t *)*cstr;
        return *cstr ? 0 : -1;
    }
    size_t offset = 0, bytes = 0, elem = 0, total = 0;
    JSValue buffer = JS_GetTypedArrayBuffer(ctx, v, &offset, &bytes, &elem);
    if (JS_IsException(buffer)) {
        JS_FreeValue(ctx, JS_GetException(ctx)); /* not a typed array */
        uint8_t *p = JS_GetArrayBuffer(ctx, &total, v);
        if (p == NULL) {
            JS_FreeValue(ctx, JS_GetException(ctx));
            JS_ThrowTypeError(ctx, "file data must be a string, an ArrayBuffer or a typed array");
            return -1;
        }
        *data = p;
        *len = total;
        return 0;
    }
    uint8_t *p = JS_GetArrayBuffer(ctx, &total, buffer);
    JS_FreeValue(ctx, buffer); /* the view keeps the buffer alive */
    if (p == NULL) return -1;  /* detached */
    *data = p + offset;
    *len = bytes;
    return 0;
}

/* writeFile(path, data, append) -> bytes written; creates or truncates
 * the file unless append is true. */
static JSValue fs_write_file(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    const char *path = path_arg(ctx, argc, argv, 0);
    if (path == NULL) return JS_EXCEPTION;
    const uint8_t *data = NULL;
    const char *cstr = NULL;
    size_t len = 0;
    JSValue result = JS_EXCEPTION;
    if (argc < 2 || bytes_of(ctx, argv[1], &data, &len, &cstr) != 0) {
        if (argc < 2) JS_ThrowTypeError(ctx, "writeFile: no data given");
        goto out;
    }
    bool append = argc > 2 && JS_ToBool(ctx, argv[2]);
    int fd = open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), FILE_MODE);
    if (fd < 0) {
        result = throw_errno(ctx, errno, "open", path, NULL);
        goto out;
    }
    int err = write_all(fd, data, len);
    if (close(fd) != 0 && err == 0) err = errno;
    result = err ? throw_errno(ctx, err, "write", path, NULL) : JS_NewFloat64(ctx, (double)len);
out:
    JS_FreeCString(ctx, cstr);
    JS_FreeCString(ctx, path);
    return result;
}

/* Copies every byte of from_fd to to_fd. Returns 0, or -1 with *err set
 * and *which naming the side that failed. */
static int copy_fd(int from_fd, int to_fd, int *err, const char **which) {
    uint8_t *chunk = malloc(COPY_CHUNK);
    if (chunk == NULL) {
        *err = ENOMEM;
        *which = "read";
        return -1;
    }
    int rc = 0;
    for (;;) {
        ssize_t n = read(from_fd, chunk, COPY_CHUNK);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            *err = errno;
            *which = "read";
            rc = -1;
            break;
        }
        if (n == 0) break;
        *err = write_all(to_fd, chunk, (size_t)n);
        if (*err != 0) {
            *which = "write";
            rc = -1;
            break;
        }
    }
    free(chunk);
    return rc;
}

/* copyFile(src, dest) -> undefined; byte for byte, dest truncated. */
static JSValue fs_copy_file(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    JSValue result = JS_EXCEPTION;
    const char *src = path_arg(ctx, argc, argv, 0);
    const char *dest = src ? path_arg(ctx, argc, argv, 1) : NULL;
    if (dest == NULL) goto out;
    size_t size = 0;
    int from_fd = open_for_reading(ctx, src, &size);
    if (from_fd < 0) goto out;
    int to_fd = open(dest, O_WRONLY | O_CREAT | O_TRUNC, FILE_MODE);
    if (to_fd < 0) {
        result = throw_errno(ctx, errno, "copyfile", src, dest);
        close(from_fd);
        goto out;
    }
    int err = 0;
    const char *which = "copyfile";
    int rc = copy_fd(from_fd, to_fd, &err, &which);
    close(from_fd);
    if (close(to_fd) != 0 && rc == 0) {
        rc = -1;
        err = errno;
    }
    result = rc == 0 ? JS_UNDEFINED : throw_errno(ctx, err, "copyfile", src, dest);
out:
    JS_FreeCString(ctx, dest);
    JS_FreeCString(ctx, src);
    return result;
}

/* stat(path) -> {size, type: "file"|"directory"|"other", mtimeMs}, or
 * null when nothing is there (ENOENT, or a file where a folder is). */
static JSValue fs_stat(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    const char *path = path_arg(ctx, argc, argv, 0);
    if (path == NULL) return JS_EXCEPTION;
    struct stat st;
    JSValue result;
    if (stat(path, &st) != 0) {
        result = errno == ENOENT || errno == ENOTDIR ? JS_NULL
                                                     : throw_errno(ctx, errno, "stat", path, NULL);
    } else {
        const char *type = S_ISREG(st.st_mode)   ? "file"
                           : S_ISDIR(st.st_mode) ? "directory"
                                                 : "other";
        const double ms_per_s = 1e3, ns_per_ms = 1e6;
        result = JS_NewObject(ctx);
        JS_SetPropertyStr(ctx, result, "size", JS_NewFloat64(ctx, (double)st.st_size));
        JS_SetPropertyStr(ctx, result, "type", JS_NewString(ctx, type));
        JS_SetPropertyStr(ctx, result, "mtimeMs",
                          JS_NewFloat64(ctx, (double)st.st_mtim.tv_sec * ms_per_s +
                                                 (double)st.st_mtim.tv_nsec / ns_per_ms));
    }
    JS_FreeCString(ctx, path);
    return result;
}

/* readdir(path) -> [names], without "." and "..", in directory order. */
static JSValue fs_readdir(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    const char *path = path_arg(ctx, argc, argv, 0);
    if (path == NULL) return JS_EXCEPTION;
    JSValue result;
    DIR *dir = opendir(path);
    if (dir == NULL) {
        result = throw_errno(ctx, errno, "scandir", path, NULL);
    } else {
        result = JS_NewArray(ctx);
        uint32_t n = 0;
        struct dirent *d;
        errno = 0;
        while (!JS_IsException(result) && (d = readdir(dir)) != NULL) {
            if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0) continue;
            if (JS_SetPropertyUint32(ctx, result, n++, JS_NewString(ctx, d->d_name)) < 0) {
                JS_FreeValue(ctx, result);
                result = JS_EXCEPTION;
            }
        }
        if (!JS_IsException(result) && errno != 0) {
            JS_FreeValue(ctx, result);
            result = throw_errno(ctx, errno, "scandir", path, NULL);
        }
        closedir(dir);
    }
    JS_FreeCString(ctx, path);
    return result;
}

/* The one-path calls: mkdir, unlink, rmdir. magic selects which. */
enum { OP_MKDIR, OP_UNLINK, OP_RMDIR };

/* mkdir(path) / unlink(path) / rmdir(path) -> undefined. */
static JSValue fs_path_op(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                          int magic) {
    (void)this_val;
    const char *path = path_arg(ctx, argc, argv, 0);
    if (path == NULL) return JS_EXCEPTION;
    static const char *const names[] = {"mkdir", "unlink", "rmdir"};
    int rc = magic == OP_MKDIR    ? mkdir(path, DIR_MODE)
             : magic == OP_UNLINK ? unlink(path)
                                  : rmdir(path);
    JSValue result = rc == 0 ? JS_UNDEFINED : throw_errno(ctx, errno, names[magic], path, NULL);
    JS_FreeCString(ctx, path);
    return result;
}

/* rename(from, to) -> undefined; replaces to when it is a file. */
static JSValue fs_rename(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    JSValue result = JS_EXCEPTION;
    const char *from = path_arg(ctx, argc, argv, 0);
    const char *to = from ? path_arg(ctx, argc, argv, 1) : NULL;
    if (to != NULL)
        result = rename(from, to) == 0 ? JS_UNDEFINED : throw_errno(ctx, errno, "rename", from, to);
    JS_FreeCString(ctx, to);
    JS_FreeCString(ctx, from);
    return result;
}

static const JSCFunctionListEntry files_functions[] = {
    JS_CFUNC_DEF("readFile", 2, fs_read_file),
    JS_CFUNC_DEF("writeFile", 3, fs_write_file),
    JS_CFUNC_DEF("copyFile", 2, fs_copy_file),
    JS_CFUNC_DEF("stat", 1, fs_stat),
    JS_CFUNC_DEF("readdir", 1, fs_readdir),
    JS_CFUNC_MAGIC_DEF("mkdir", 1, fs_path_op, OP_MKDIR),
    JS_CFUNC_MAGIC_DEF("unlink", 1, fs_path_op, OP_UNLINK),
    JS_CFUNC_MAGIC_DEF("rmdir", 1, fs_path_op, OP_RMDIR),
    JS_CFUNC_DEF("rename", 2, fs_rename),
};

/* Captures Error for throw_errno and returns the primitives' object. */
JSValue files_new_object(JSContext *ctx) {
    JSValue global = JS_GetGlobalObject(ctx);
    JS_FreeValue(ctx, error_ctor);
    error_ctor = JS_GetPropertyStr(ctx, global, "Error");
    JS_FreeValue(ctx, global);
    if (!JS_IsFunction(ctx, error_ctor)) return JS_ThrowInternalError(ctx, "no Error constructor");
    JSValue obj = JS_NewObject(ctx);
    if (JS_IsException(obj)) return obj;
    JS_SetPropertyFunctionList(ctx, obj, files_functions,
                               sizeof files_functions / sizeof files_functions[0]);
    return obj;
}
