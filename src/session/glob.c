/*
 * glob.c - rglob-style patterns for session file listings (see glob.h):
 * compiling a pattern into parts, matching one name against one part
 * (*, ?, [classes], UTF-8 aware), and matching a whole relative path.
 */
#include "session/glob.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../guest/lsb_abi.h"

/* The length of the UTF-8 sequence starting at s (1 for a stray byte). */
static size_t cp_len(const char *s) {
    unsigned char c = (unsigned char)*s;
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    for (size_t i = 1; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) return 1;
    return n;
}

/* Decode the code point at *s and advance past it (a stray byte is its
 * own value). */
static uint32_t next_cp(const char **s) {
    size_t n = cp_len(*s);
    const unsigned char *u = (const unsigned char *)*s;
    static const unsigned char lead_mask[] = {0, 0xFF, 0x1F, 0x0F, 0x07};
    uint32_t c = u[0] & lead_mask[n];
    for (size_t i = 1; i < n; i++)
        c = (c << 6) | (u[i] & 0x3F);
    *s += n;
    return c;
}

/*
 * Match code point c against the class whose '[' is at *p. Returns 1 or 0
 * and moves *p past the ']'; -1 (leaving *p) when there is no ']', so the
 * '[' is an ordinary character. As Python's fnmatch: "!" first negates,
 * a "]" first is literal, "a-z" is a range.
 */
static int match_class(const char **p, uint32_t c) {
    const char *q = *p + 1;
    bool negate = *q == '!', hit = false;
    if (negate) q++;
    const char *first = q;
    while (*q && (*q != ']' || q == first)) {
        uint32_t lo = next_cp(&q), hi = lo;
        if (q[0] == '-' && q[1] && q[1] != ']') {
            q++;
            hi = next_cp(&q);
        }
        if (lo <= c && c <= hi) hit = true;
    }
    if (*q != ']') return -1;
    *p = q + 1;
    return hit != negate;
}

/* Match one pattern item at *p (not '*') against the character at *s,
 * advancing both on a match. */
static bool match_one(const char **p, const char **s) {
    if (**p == '?') {
        (*p)++;
        *s += cp_len(*s);
        return true;
    }
    if (**p == '[') {
        const char *s2 = *s;
        int m = match_class(p, next_cp(&s2));
        if (m >= 0) {
            if (m) *s = s2;
            return m == 1;
        }
    }
    if (**p != **s) return false;
    (*p)++;
    (*s)++;
    return true;
}

/* True when the name s matches the pattern part p (greedy '*' with one
 * backtracking point, over characters). */
static bool match_name(const char *p, const char *s) {
    const char *star_p = NULL, *star_s = NULL;
    while (*s) {
        if (*p == '*') {
            star_p = ++p;
            star_s = s;
            continue;
        }
        if (*p && match_one(&p, &s)) continue;
        if (star_p == NULL) return false;
        p = star_p;
        star_s += cp_len(star_s);
        s = star_s;
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

/* True when part is "**". */
static bool is_any_folders(const char *part) { return strcmp(part, "**") == 0; }

/* Split buf at '/' into parts (empty and "." parts dropped); the count,
 * or -1 when there are more than SESS_GLOB_MAX_PARTS. */
static int split_parts(char *buf, const char **parts) {
    int n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
        if (strcmp(tok, ".") == 0) continue;
        if (n == SESS_GLOB_MAX_PARTS) return -1;
        parts[n++] = tok;
    }
    return n;
}

/* See glob.h. */
int sess_glob_compile(const char *pattern, sess_glob *g, char *err, size_t errlen) {
    const char *p = pattern && *pattern ? pattern : "*";
    size_t app = strlen(LSB_MOUNT_APP);
    if (strncmp(p, LSB_MOUNT_APP "/", app + 1) == 0) p += app + 1;
    if (p[0] == '/') {
        snprintf(err, errlen, "the pattern '%.200s' must be relative to /app", pattern);
        return -1;
    }
    if (snprintf(g->buf, sizeof g->buf, "%s", p) >= (int)sizeof g->buf) {
        snprintf(err, errlen, "the pattern is too long");
        return -1;
    }
    int n = split_parts(g->buf, g->parts);
    for (int i = 0; i < n; i++)
        if (strcmp(g->parts[i], "..") == 0) n = -2;
    if (n == -1) {
        snprintf(err, errlen, "the pattern has more than %d parts", SESS_GLOB_MAX_PARTS);
        return -1;
    }
    if (n < 0) {
        snprintf(err, errlen,
                 "the pattern '%.200s' has a '..' part; patterns stay inside the folder listed",
                 pattern);
        return -1;
    }
    if (n == 0) g->parts[n++] = "*";
    if (is_any_folders(g->parts[n - 1])) g->parts[n++] = "*"; /* at least one name below */
    g->count = (size_t)n;
    return 0;
}

/* See glob.h. The greedy wildcard algorithm over parts, with an implicit
 * "**" before the pattern (rglob matches at any depth). */
bool sess_glob_match(const sess_glob *g, const char *rel) {
    char buf[PATH_MAX];
    const char *s[SESS_GLOB_MAX_PARTS];
    if (snprintf(buf, sizeof buf, "%s", rel) >= (int)sizeof buf) return false;
    int ns = split_parts(buf, s);
    if (ns <= 0) return false;
    size_t pi = 0, si = 0, star = 0, mark = 0, n = (size_t)ns;
    while (si < n) {
        if (pi < g->count && is_any_folders(g->parts[pi])) {
            star = ++pi;
            mark = si;
        } else if (pi < g->count && match_name(g->parts[pi], s[si])) {
            pi++;
            si++;
        } else {
            pi = star;
            si = ++mark;
        }
    }
    while (pi < g->count && is_any_folders(g->parts[pi]))
        pi++;
    return pi == g->count;
}
