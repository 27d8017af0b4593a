/*
 * fdio.h - whole-buffer reads and writes on file descriptors (prefix fdio_).
 *
 * read(2) and write(2) may move fewer bytes than asked or be interrupted;
 * these loop until everything moved or a real error or EOF happened.
 */
#ifndef LSB_FDIO_H
#define LSB_FDIO_H

#include <stddef.h>

/* Write all len bytes of buf to fd; 0, or -1 on error. */
int fdio_write_all(int fd, const void *buf, size_t len);

/* Read exactly len bytes from fd into buf; 0, or -1 on error or early EOF. */
int fdio_read_all(int fd, void *buf, size_t len);

#endif
