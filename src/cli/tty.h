/*
 * tty.h - guest text made harmless for a terminal (prefix cli_tty_).
 *
 * A guest can print escape sequences that a terminal obeys: OSC 52 writes
 * the clipboard, others set the title, clear the screen or move the
 * cursor to hide what came before. When our stdout or stderr is a
 * terminal (and `--raw` was not given), every control character of the
 * guest's text is shown instead of obeyed: C0 controls, DEL and invalid
 * UTF-8 bytes as \xNN, C1 controls (U+0080..U+009F) as \u00NN. Newline
 * and tab are kept, and so is a carriage return directly before a
 * newline (CRLF line ends). Output to a pipe or a file is never changed.
 */
#ifndef LSB_CLI_TTY_H
#define LSB_CLI_TTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* One output stream's escaper: whether it escapes, and the bytes of a
 * UTF-8 sequence (or a carriage return) cut by the end of a chunk, held
 * until the next chunk says what they are. */
typedef struct cli_tty {
    bool escape;
    unsigned char held[4];
    size_t nheld;
} cli_tty;

/* Decide, once per process, whether our stdout and stderr escape: they do
 * when they are terminals, unless raw (--raw). Later calls change it. */
void cli_tty_init(bool raw);

/* The escaper of our stdout (fd 1) or stderr (any other fd), initialised
 * by cli_tty_init(false) on first use if cli_tty_init was not called. */
cli_tty *cli_tty_for(int fd);

/* Write data[0..len) to to through t: unchanged when t does not escape,
 * else escaped as the header says, holding an unfinished sequence at the
 * end for the next call. Errors of to are left in to's error flag. */
void cli_tty_write(cli_tty *t, FILE *to, const char *data, size_t len);

/* The text has ended: write (escaped) whatever t still holds, and flush. */
void cli_tty_finish(cli_tty *t, FILE *to);

/* printf through the escaper of to's stream (stdout or stderr), for lines
 * that carry guest text (warnings, trap reasons, file names). */
void cli_tty_printf(FILE *to, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
