/*
 * fs.h - small file-system and descriptor helpers shared by the library
 * (prefix util_): creating a folder with its parents, reading and writing
 * whole buffers through short transfers and EINTR, closing every inherited
 * descriptor in a freshly forked child, and giving that child its own
 * stdio (/dev/null) in place of the host's stdin, stdout and stderr.
 */
#ifndef LSB_UTIL_FS_H
#define LSB_UTIL_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* mkdir -p: create path and its missing parents with mode (folders that
 * already exist are fine). Returns 0, or -1 with errno set and err (may be
 * NULL) saying "cannot create <the folder that failed>: <reason>". */
int util_mkdir_p(const char *path, mode_t mode, char *err, size_t errlen);

/* Write all len bytes of buf to fd, retrying short writes and EINTR; 0,
 * or -1 with errno set (a write of 0 bytes is EIO). */
int util_write_all(int fd, const void *buf, size_t len);

/* Read from fd until len bytes or end of file, retrying short reads and
 * EINTR; the number of bytes read (less than len only at end of file), or
 * -1 with errno set. */
ssize_t util_read_upto(int fd, void *buf, size_t len);

/* In a freshly forked child: close every descriptor except 0-2 and keep
 * (keep < 3 keeps only 0-2). Cannot fail in a way the child could act on:
 * errors of close_range are ignored. */
void util_close_fds_except(int keep);

/*
 * In a freshly forked child that will run guest code: point fds 0 and 1
 * (and 2 unless keep_stderr) at /dev/null, opened O_RDWR, so the child
 * never holds the host's stdin, stdout or stderr (in `mcp` stdio mode fd 1
 * is the protocol pipe). keep, a descriptor the child must keep, is first
 * moved above 2 if it sits there. Returns keep's (possibly new) number, or
 * -1 if it could not be moved. If /dev/null cannot be opened the fds are
 * closed instead: the host's are never left behind.
 */
int util_detach_stdio(int keep, bool keep_stderr);

#endif
