/*
 * fs.h - small file-system and descriptor helpers shared by the library
 * (prefix util_): creating a folder with its parents, and closing every
 * inherited descriptor in a freshly forked child.
 */
#ifndef LSB_UTIL_FS_H
#define LSB_UTIL_FS_H

#include <stddef.h>
#include <sys/types.h>

/* mkdir -p: create path and its missing parents with mode (folders that
 * already exist are fine). Returns 0, or -1 with errno set and err (may be
 * NULL) saying "cannot create <the folder that failed>: <reason>". */
int util_mkdir_p(const char *path, mode_t mode, char *err, size_t errlen);

/* In a freshly forked child: close every descriptor except 0-2 and keep
 * (keep < 3 keeps only 0-2). Cannot fail in a way the child could act on:
 * errors of close_range are ignored. */
void util_close_fds_except(int keep);

#endif
