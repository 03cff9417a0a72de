/*
 * watchlist_http.c — the black and grey lists over HTTP (CUS-15): the maintainers'
 * list, add, remove and history (customers.watchlist), and the province-wide query
 * by ID number or name for everyone who may view customers (audited as a lookup).
 */
#include "watchlist.h"
#include "core/util.h"
#include "org/access.h"

#include <ctype.h>
#include <string.h>

static void write_user(jw *w, const char *key, int64_t id, const char *name)
{
    if (!id) {
        jw_knull(w, key);
        return;
    }
    jw_kobj(w, key);
    jw_kint(w, "id", id);
    jw_kstr(w, "display_name", name);
    jw_end(w);
}

static void write_entry(jw *w, const struct watch_entry *e)
{
    jw_obj(w);
    jw_kint(w, "id", e->id);
    jw_kstr(w, "list", e->list);
    jw_kstr(w, "id_type", e->id_type);
    jw_kstr(w, "id_number", e->id_number);
    jw_kstr(w, "name", e->name);
    jw_kstr(w, "reason", e->reason);
    jw_kstr(w, "source", e->source);
    jw_kbool(w, "active", e->removed_at == 0);
    write_user(w, "added_by", e->added_by, e->added_by_name);
    jw_kint(w, "added_at", e->added_at);
    write_user(w, "removed_by", e->removed_by, e->removed_by_name);
    if (e->removed_at)
        jw_kint(w, "removed_at", e->removed_at);
    else
        jw_knull(w, "removed_at");
    jw_kstr(w, "removed_reason", e->removed_reason);
    jw_end(w);
}

/* The query text as an ID number would be stored (upper case), or NULL when it
 * cannot be one. */
static const char *as_id_number(arena *a, const char *q)
{
    size_t n = strlen(q);
    if (n < 4 || n > 32)
        return NULL;
    char *v = arena_strdup(a, q);
    for (size_t i = 0; i < n; i++) {
        v[i] = (char)toupper((unsigned char)v[i]);
        if (!isdigit((unsigned char)v[i]) && !isupper((unsigned char)v[i]) && v[i] != '-')
            return NULL;
    }
    return v;
}

static const char *trimmed_query(req *r, const char *name)
{
    const char *q = req_query(r, name);
    if (!q)
        return NULL;
    while (*q == ' ')
        q++;
    char *t = arena_strdup(r->a, q);
    size_t n = strlen(t);
    while (n > 0 && t[n - 1] == ' ')
        t[--n] = '\0';
    return n ? t : NULL;
}

/* ---- maintainers' list --------------------------------------------------------------- */

struct list_ctx {
    const char *q, *q_id, *list, *status;
};

static void list_query(req *r, sqlb *q, void *vctx, bool count)
{
    struct list_ctx *c = vctx;
    sqlb_init(q, r->a,
              count ? "SELECT COUNT(*)" WATCH_FROM " WHERE 1 = 1" : "SELECT " WATCH_COLS WATCH_FROM " WHERE 1 = 1");
    if (c->q) {
        const char *prefix = arena_printf(r->a, "%s%%", c->q);
        if (c->q_id)
            sqlb_add(q, " AND (w.id_number = ? OR w.name LIKE ?)", "ss", c->q_id, prefix);
        else
            sqlb_add(q, " AND w.name LIKE ?", "s", prefix);
    }
    if (c->list)
        sqlb_add(q, " AND w.list = ?", "s", c->list);
    if (strcmp(c->status, "active") == 0)
        sqlb_add(q, " AND w.removed_at IS NULL", NULL);
    else if (strcmp(c->status, "removed") == 0)
        sqlb_add(q, " AND w.removed_at IS NOT NULL", NULL);
    if (!count)
        sqlb_add(q, " ORDER BY w.id DESC", NULL);
}

static void list_row(req *r, db_stmt *st, void *ctx)
{
    (void)ctx;
    struct watch_entry e;
    watch_sql_row(st, r->a, &e);
    write_entry(&r->out, &e);
}

int handle_watchlist_list(req *r)
{
    struct list_ctx c = {.q = trimmed_query(r, "q"), .list = req_query(r, "list"), .status = req_query(r, "status")};
    if (c.list && !*c.list)
        c.list = NULL;
    if (c.list && strcmp(c.list, "black") != 0 && strcmp(c.list, "grey") != 0)
        return req_fail(r, E_QUERY_INVALID, "list");
    if (!c.status || !*c.status)
        c.status = "active";
    if (strcmp(c.status, "active") != 0 && strcmp(c.status, "removed") != 0 && strcmp(c.status, "all") != 0)
        return req_fail(r, E_QUERY_INVALID, "status");
    if (c.q)
        c.q_id = as_id_number(r->a, c.q);
    return req_paged_list(r, list_query, list_row, &c);
}

/* ---- add, remove, history -------------------------------------------------------------- */

static int answer_entry(req *r, int64_t id, int status, const char *count_key, int64_t count)
{
    struct watch_entry e;
    if (watch_sql_get(r->db, r->a, id, false, &e) != DB_ROW)
        return req_fail(r, E_INTERNAL, NULL);
    jw *w = &r->out;
    jw_obj(w);
    jw_key(w, "entry");
    write_entry(w, &e);
    jw_kint(w, count_key, count);
    jw_end(w);
    return status;
}

int handle_watchlist_add(req *r)
{
    json_t *o = req_json_object(r);
    if (!o)
        return req_status(r);
    struct watch_new in = {0};
    if (!(in.list = req_str_field(r, o, "list", true)) || !(in.id_type = req_str_field(r, o, "id_type", true)) ||
        !(in.id_number = req_str_field(r, o, "id_number", true)) ||
        !(in.name = req_text_field(r, o, "name", true, PARTY_NAME_MAX)) ||
        !(in.reason = req_text_field(r, o, "reason", true, WATCHLIST_TEXT_MAX)))
        return req_status(r);
    in.source = req_text_field(r, o, "source", false, WATCHLIST_TEXT_MAX);
    if (r->error != E_OK) {
        /* an empty optional source is no source */
        if (r->error != E_FIELD_REQUIRED)
            return req_status(r);
        r->error = E_OK;
        r->error_field = NULL;
    }
    int64_t id, flagged;
    const char *field;
    err e = watchlist_add(r, &in, &id, &flagged, &field);
    if (e != E_OK)
        return req_fail(r, e, field);
    return answer_entry(r, id, 201, "customers_flagged", flagged);
}

int handle_watchlist_remove(req *r)
{
    int64_t id;
    if (!req_param_id(r, 0, &id))
        return req_status(r);
    json_t *o = req_json_object(r);
    const char *reason = o ? req_text_field(r, o, "reason", true, WATCHLIST_TEXT_MAX) : NULL;
    if (!reason)
        return req_status(r);
    int64_t cleared;
    err e = watchlist_remove(r, id, reason, &cleared);
    if (e != E_OK)
        return req_fail(r, e, NULL);
    return answer_entry(r, id, 200, "customers_cleared", cleared);
}

int handle_watchlist_history(req *r)
{
    int64_t id;
    if (!req_param_id(r, 0, &id))
        return req_status(r);
    struct watch_entry e;
    int rc = watch_sql_get(r->db, r->a, id, false, &e);
    if (rc != DB_ROW)
        return req_fail(r, rc == DB_DONE ? E_WATCHLIST_NOT_FOUND : E_INTERNAL, NULL);
    db_stmt *st =
        db_query(r->db, "SELECT " WATCH_COLS WATCH_FROM " WHERE w.id_number = ? AND w.id_type = ? ORDER BY w.id DESC",
                 "ss", e.id_number, e.id_type);
    if (!st)
        return req_fail(r, E_INTERNAL, NULL);
    jw_obj(&r->out);
    jw_kstr(&r->out, "id_type", e.id_type);
    jw_kstr(&r->out, "id_number", e.id_number);
    jw_karr(&r->out, "items");
    while ((rc = db_step(st)) == DB_ROW) {
        struct watch_entry h;
        watch_sql_row(st, r->a, &h);
        write_entry(&r->out, &h);
    }
    db_reset(st);
    if (rc != DB_DONE)
        return req_fail(r, E_INTERNAL, NULL);
    jw_end(&r->out);
    jw_end(&r->out);
    return 200;
}

/* ---- the province-wide query ------------------------------------------------------------ */

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* CUS-15: whoever may view customers asks whether an ID number or a name is on a list,
 * province-wide. Whole values only (no prefix browsing); ID numbers of entries found
 * by name are masked; every query is recorded (AUTH-7). */
int handle_watchlist_query(req *r)
{
    const char *q = trimmed_query(r, "q");
    if (!q) { /* nothing asked, nothing looked up */
        jw_obj(&r->out);
        jw_kstr(&r->out, "q", "");
        jw_karr(&r->out, "items");
        jw_end(&r->out);
        jw_end(&r->out);
        return 200;
    }
    if (utf8_chars(q) < 2 || strlen(q) > 100)
        return req_fail(r, E_WATCHLIST_QUERY_INVALID, "q");
    const char *q_id = as_id_number(r->a, q);
    db_stmt *st =
        db_query(r->db,
                 "SELECT " WATCH_COLS WATCH_FROM " WHERE w.removed_at IS NULL AND (w.name = ? OR w.id_number = ?)"
                 " ORDER BY w.id DESC LIMIT 20",
                 "ss", q, q_id ? q_id : "");
    if (!st)
        return req_fail(r, E_INTERNAL, NULL);
    jw *w = &r->out;
    jw_obj(w);
    jw_kstr(w, "q", q);
    jw_karr(w, "items");
    int rc, n = 0; /* at most 20: whole-value matches */
    while ((rc = db_step(st)) == DB_ROW) {
        struct watch_entry e;
        watch_sql_row(st, r->a, &e);
        bool by_number = q_id && strcmp(e.id_number, q_id) == 0;
        jw_obj(w);
        jw_kstr(w, "list", e.list);
        jw_kstr(w, "name", e.name);
        jw_kstr(w, "id_type", e.id_type);
        jw_kstr(w, "id_number", by_number ? e.id_number : mask_value(r->a, "id_number", e.id_number));
        jw_kstr(w, "matched_by", by_number ? "id_number" : "name");
        jw_kstr(w, "reason", e.reason);
        jw_kstr(w, "source", e.source);
        jw_kint(w, "added_at", e.added_at);
        jw_end(w);
        n++;
    }
    db_reset(st);
    if (rc != DB_DONE)
        return req_fail(r, E_INTERNAL, NULL);
    jw_end(w);
    jw_end(w);
    jw d;
    jw_init(&d, 128);
    jw_obj(&d);
    jw_kstr(&d, "q", q);
    jw_kint(&d, "matches", n);
    jw_end(&d);
    const char *detail = arena_strndup(r->a, d.s, d.len);
    jw_dispose(&d);
    if (req_audit(r, "watchlist.queried", "watchlist", 0, detail) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    return 200;
}
