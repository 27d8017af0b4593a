/*
 * prune.c - lsb_session_prune and its report (lsb_prune_report_free,
 * _summary, _to_json), the counterpart of the original's prune_sessions
 * and PruneResult.
 *
 * A session whose record is damaged is as old as its files on disk
 * (sess_table_disk_age): skipped, with the reason, while that is younger
 * than the cutoff, then deleted like any other, so a corrupt record never
 * keeps a workspace forever (the original skipped it whatever its age).
 * One whose record a caller's adapter cannot get is an error, kept for a
 * later try. A folder under the root that looks like a session but has no
 * record is skipped whatever its age; an old session live in this sandbox
 * is skipped too, and so is one whose workspace another process is using
 * (its cross-process lock is held). A session is checked and removed under
 * its own locks, so no run can start in between.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "sandbox/sandbox.h"
#include "session/table.h"
#include "util/clock.h"
#include "util/json.h"

#define PRUNE_KIB 1024.0

/* Append {id, a copy of reason (NULL: none)} to the list v of *n items;
 * 0, or -1 when out of memory. */
static int push_item(lsb_prune_item **v, size_t *n, const char *id, const char *reason) {
    lsb_prune_item *grown = realloc(*v, (*n + 1) * sizeof **v);
    if (grown == NULL) return -1;
    *v = grown;
    lsb_prune_item *it = &grown[*n];
    snprintf(it->id, sizeof it->id, "%s", id);
    it->reason = reason ? strdup(reason) : NULL;
    if (reason && it->reason == NULL) return -1;
    (*n)++;
    return 0;
}

/* Prune session id if it is older than cutoff, adding it to one list of
 * r; 0, or -1 when out of memory. */
static int prune_one(sess_table *t, const char *id, double cutoff, lsb_prune_report *r) {
    char why[512] = "";
    lsb_session_info info;
    lsb_status st;
    sess_damage damage;
    sess_entry *e = sess_table_acquire_any(t, id, &info, &damage, &st, why, sizeof why);
    if (e == NULL) return st == LSB_ERR_SYSTEM ? -1 : 0; /* gone since it was listed */
    int rc = 0;
    if (damage == SESS_UNREADABLE) {
        rc = push_item(&r->errors, &r->error_count, id, why);
    } else if (damage == SESS_CORRUPT && info.last_used_at >= cutoff) {
        size_t at = strlen(why);
        snprintf(why + at, sizeof why - at, "; it goes once its files are older than the cutoff");
        rc = push_item(&r->skipped, &r->skipped_count, id, why);
    } else if (info.last_used_at >= cutoff) {
        rc = 0;
    } else if (info.live) {
        rc = push_item(&r->skipped, &r->skipped_count, id, "live in this sandbox");
    } else if (sess_table_lock_workspace(t, e, NULL, util_now_ms(), NULL, NULL, why, sizeof why) !=
               LSB_OK) {
        rc = push_item(&r->skipped, &r->skipped_count, id, why); /* in use elsewhere: not idle */
    } else {
        sess_table_measure(t, id, &info);
        st = r->dry_run ? LSB_OK : sess_table_remove(t, e, why, sizeof why);
        if (st == LSB_OK) {
            rc = push_item(&r->deleted, &r->deleted_count, id, NULL);
            r->bytes += info.workspace_bytes;
            if (!r->dry_run) r->reclaimed_bytes += info.workspace_bytes;
        } else {
            rc = push_item(&r->errors, &r->error_count, id, why);
        }
    }
    sess_table_release(t, e);
    return rc;
}

/* True when id is one of ids[0..n). */
static bool listed(char **ids, size_t n, const char *id) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(ids[i], id) == 0) return true;
    return false;
}

/* Add to r's skipped list every folder under the root named like a
 * session id that holds no record (not in ids); 0, or -1 when out of
 * memory. A root that cannot be read adds none. */
static int skip_unrecorded(sess_table *t, char **ids, size_t n, lsb_prune_report *r) {
    char why[64];
    DIR *d = opendir(sess_table_root(t));
    struct dirent *de;
    int rc = 0;
    while (d && rc == 0 && (de = readdir(d)) != NULL) {
        struct stat st;
        if (de->d_name[0] == '.' || lsb_session_id_check(de->d_name, true, why, sizeof why) != 0 ||
            listed(ids, n, de->d_name) || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
            !S_ISDIR(st.st_mode))
            continue;
        rc = push_item(&r->skipped, &r->skipped_count, de->d_name,
                       "no session record (a legacy or hand-made workspace; 'session create "
                       "--id ID --custom-id' adopts it)");
    }
    if (d) closedir(d);
    return rc;
}

/* Order prune items by id. */
static int item_cmp(const void *a, const void *b) {
    return strcmp(((const lsb_prune_item *)a)->id, ((const lsb_prune_item *)b)->id);
}

/* Sort n items by id; an empty list may be NULL, which qsort must not
 * be given. */
static void sort_items(lsb_prune_item *v, size_t n) {
    if (n > 1) qsort(v, n, sizeof *v, item_cmp);
}

/* See llmsandbox.h. */
lsb_status lsb_session_prune(lsb_sandbox *sb, uint64_t older_than_s, bool dry_run,
                             lsb_prune_report *report, char *err, size_t errlen) {
    sess_table *t = sandbox_sessions(sb);
    char **ids = NULL;
    size_t n = 0;
    *report = (lsb_prune_report){.dry_run = dry_run};
    lsb_status st = lsb_session_ids(sb, &ids, &n, err, errlen);
    if (st != LSB_OK) return st;
    double cutoff = util_unix_time() - (double)older_than_s;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = prune_one(t, ids[i], cutoff, report);
    if (rc == 0) rc = skip_unrecorded(t, ids, n, report);
    lsb_session_ids_free(ids, n);
    if (rc != 0) {
        lsb_prune_report_free(report);
        snprintf(err, errlen, "out of memory while pruning");
        return LSB_ERR_SYSTEM;
    }
    report->sessions = report->deleted_count;
    sort_items(report->deleted, report->deleted_count);
    sort_items(report->skipped, report->skipped_count);
    sort_items(report->errors, report->error_count);
    return LSB_OK;
}

/* Free the list v of n items. */
static void free_items(lsb_prune_item *v, size_t n) {
    for (size_t i = 0; v && i < n; i++)
        free(v[i].reason);
    free(v);
}

/* See llmsandbox.h. */
void lsb_prune_report_free(lsb_prune_report *r) {
    if (r == NULL) return;
    free_items(r->deleted, r->deleted_count);
    free_items(r->skipped, r->skipped_count);
    free_items(r->errors, r->error_count);
    *r = (lsb_prune_report){0};
}

/* A byte count as the original's _format_bytes: "500 B", "1.4 MB". */
static void format_bytes(uint64_t b, char *buf, size_t len) {
    static const char *const units[] = {"KB", "MB", "GB"};
    double v = (double)b;
    if (b < 1024) {
        snprintf(buf, len, "%llu B", (unsigned long long)b);
        return;
    }
    size_t u = 0;
    v /= PRUNE_KIB;
    while (u < 2 && v >= PRUNE_KIB) {
        v /= PRUNE_KIB;
        u++;
    }
    snprintf(buf, len, "%.1f %s", v, units[u]);
}

/* See llmsandbox.h. */
int lsb_prune_report_summary(const lsb_prune_report *r, char *buf, size_t len) {
    char size[32], details[96] = "", skipped[32] = "", errors[32] = "";
    format_bytes(r->reclaimed_bytes, size, sizeof size);
    if (r->skipped_count) snprintf(skipped, sizeof skipped, "%zu skipped", r->skipped_count);
    if (r->error_count)
        snprintf(errors, sizeof errors, "%zu error%s", r->error_count,
                 r->error_count > 1 ? "s" : "");
    if (skipped[0] || errors[0])
        snprintf(details, sizeof details, " (%s%s%s)", skipped, skipped[0] && errors[0] ? ", " : "",
                 errors);
    return snprintf(buf, len, "%s %zu sessions%s, reclaimed %s",
                    r->dry_run ? "Would prune" : "Pruned", r->deleted_count, details, size);
}

/* The ids of v as a JSON array, or (with_reasons) {id: reason}; NULL on OOM. */
static json_t *items_json(const lsb_prune_item *v, size_t n, bool with_reasons) {
    json_t *o = with_reasons ? json_object() : json_array();
    for (size_t i = 0; o && i < n; i++) {
        int rc = with_reasons ? json_object_set_new(o, v[i].id, util_json_str(v[i].reason))
                              : json_array_append_new(o, util_json_str(v[i].id));
        if (rc != 0) json_decref(o), o = NULL;
    }
    return o;
}

/* See llmsandbox.h. */
char *lsb_prune_report_to_json(const lsb_prune_report *r) {
    char summary[256];
    lsb_prune_report_summary(r, summary, sizeof summary);
    json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:b, s:s, s:o, s:o}", "deleted_sessions",
                          items_json(r->deleted, r->deleted_count, false), "skipped_sessions",
                          items_json(r->skipped, r->skipped_count, false), "skipped_reasons",
                          items_json(r->skipped, r->skipped_count, true), "errors",
                          items_json(r->errors, r->error_count, true), "reclaimed_bytes",
                          util_json_uint(r->reclaimed_bytes), "dry_run", (int)r->dry_run, "summary",
                          summary, "sessions", util_json_uint(r->deleted_count), "bytes",
                          util_json_uint(r->bytes));
    char *text = o ? util_json_dumps(o, UTIL_JSON_FLAGS | JSON_PRESERVE_ORDER) : NULL;
    json_decref(o);
    return text;
}
