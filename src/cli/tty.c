/*
 * tty.c - guest text made harmless for a terminal (see tty.h).
 *
 * Invariants: with escaping off, bytes pass unchanged; with it on, no C0
 * control but \n and \t (and the \r of a CRLF), no DEL, no C1 control and
 * no invalid UTF-8 byte reaches the terminal, whatever way the text is cut
 * into chunks: a sequence cut at a chunk's end is held, never judged half.
 */
#include "cli/tty.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "llmsandbox.h"

#define CLI_TTY_LINE_MAX 4096 /* one cli_tty_printf line; longer ones are cut */

static cli_tty tty_out, tty_err;
static bool tty_ready;

/* See tty.h. */
void cli_tty_init(bool raw) {
    tty_out = (cli_tty){.escape = !raw && isatty(STDOUT_FILENO)};
    tty_err = (cli_tty){.escape = !raw && isatty(STDERR_FILENO)};
    tty_ready = true;
}

/* See tty.h. */
cli_tty *cli_tty_for(int fd) {
    if (!tty_ready) cli_tty_init(false);
    return fd == STDOUT_FILENO ? &tty_out : &tty_err;
}

/* Bytes in the UTF-8 sequence that lead byte b starts (2-4), or 0 if b
 * cannot start one (ASCII is handled before). */
static size_t seq_len(unsigned char b) {
    if (b >= 0xc2 && b <= 0xdf) return 2;
    if (b >= 0xe0 && b <= 0xef) return 3;
    if (b >= 0xf0 && b <= 0xf4) return 4;
    return 0;
}

/* Whether s[1..n) are all continuation bytes (a possible unfinished
 * sequence). */
static bool continues(const unsigned char *s, size_t n) {
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80) return false;
    return true;
}

/*
 * How to show the sequence at s (n > 0 bytes there): sets *show to the
 * number of bytes to copy as they are (0: escape instead) and returns the
 * bytes it covers, or 0 when it may be cut by the chunk's end (hold it).
 */
static size_t judge(const unsigned char *s, size_t n, bool final, size_t *show) {
    unsigned char b = s[0];
    *show = 0;
    if (b == '\n' || b == '\t') *show = 1;
    if (b == '\r') {
        if (n < 2) return final ? 1 : 0;
        *show = s[1] == '\n';
    }
    if (b >= 0x20 && b < 0x7f) *show = 1;
    if (b < 0x80) return 1;
    size_t need = seq_len(b);
    if (need == 0) return 1;
    if (n < need) return (!final && continues(s, n)) ? 0 : 1;
    if (!lsb_utf8_valid((const char *)s, need, NULL)) return 1;
    if (!(b == 0xc2 && s[1] < 0xa0)) *show = need; /* C2 80..9F: a C1 control */
    return need;
}

/* Escape s[0..n) to to; returns the bytes consumed (the rest, at most 3,
 * may start a sequence cut by the chunk's end). */
static size_t escape_span(FILE *to, const unsigned char *s, size_t n, bool final) {
    size_t i = 0, run = 0; /* run: start of the bytes not yet written as they are */
    while (i < n) {
        size_t show, used = judge(s + i, n - i, final, &show);
        if (used == 0) break;
        if (show == 0) {
            fwrite(s + run, 1, i - run, to);
            if (used == 2) /* a C1 control, C2 80..9F */
                fprintf(to, "\\u%04x", (unsigned)s[i + 1]);
            else
                fprintf(to, "\\x%02x", (unsigned)s[i]);
            i += used == 2 ? 2 : 1;
            run = i;
            continue;
        }
        i += used;
    }
    fwrite(s + run, 1, i - run, to);
    return i;
}

/* Write held bytes plus the start of data: returns the bytes of data used. */
static size_t drain_held(cli_tty *t, FILE *to, const unsigned char *data, size_t len) {
    unsigned char tmp[sizeof t->held + 4];
    size_t k = len < 4 ? len : 4, total = t->nheld + k;
    memcpy(tmp, t->held, t->nheld);
    memcpy(tmp + t->nheld, data, k);
    size_t used = escape_span(to, tmp, total, false), held = t->nheld;
    if (used >= held) {
        t->nheld = 0;
        return used - held;
    }
    /* still unfinished: all of data is in the tail (len < 4 here) */
    t->nheld = total - used;
    memmove(t->held, tmp + used, t->nheld);
    return len;
}

/* See tty.h. */
void cli_tty_write(cli_tty *t, FILE *to, const char *data, size_t len) {
    const unsigned char *s = (const unsigned char *)data;
    if (!t->escape) {
        fwrite(data, 1, len, to);
        return;
    }
    size_t at = t->nheld > 0 ? drain_held(t, to, s, len) : 0;
    if (t->nheld > 0 || at >= len) return;
    size_t used = escape_span(to, s + at, len - at, false);
    t->nheld = len - at - used;
    memcpy(t->held, s + at + used, t->nheld);
}

/* See tty.h. */
void cli_tty_finish(cli_tty *t, FILE *to) {
    if (t->escape && t->nheld > 0) escape_span(to, t->held, t->nheld, true);
    t->nheld = 0;
    fflush(to);
}

/* See tty.h. */
void cli_tty_printf(FILE *to, const char *fmt, ...) {
    char line[CLI_TTY_LINE_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
    bool ours = to == stdout || to == stderr;
    cli_tty t = {.escape = ours && cli_tty_for(fileno(to))->escape};
    cli_tty_write(&t, to, line, len);
    cli_tty_finish(&t, to);
}
