/*
 * audit_http.c — the audit log for admins (AUTH-7): GET /api/v1/audit searches it,
 * GET /api/v1/audit/verify checks the hash chain.
 */
#include "audit.h"
#include "audit_search.h"
#include "core/util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* A text filter: NULL when absent or empty. */
static const char *query_text(req *r, const char *name)
{
    const char *s = req_query(r, name);
    return s && *s ? s : NULL;
}

/* Writes a JSON value re-encoded by jansson ("/" escaped, so "</" never appears). */
static void write_json_value(jw *w, json_t *v)
{
    char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_ESCAPE_SLASH);
    if (text) {
        jw_raw(w, text, strlen(text));
        free(text);
    } else {
        jw_null(w);
    }
}

static void write_row(jw *w, const struct audit_row *row)
{
    jw_obj(w);
    jw_kint(w, "id", row->id);
    jw_kint(w, "at", row->at);
    jw_kobj(w, "actor");
    if (row->user_id)
        jw_kint(w, "id", row->user_id);
    else
        jw_knull(w, "id");
    jw_kstr(w, "username", row->username);
    jw_kstr(w, "display_name", row->display_name);
    jw_end(w);
    jw_kstr(w, "ip", row->ip);
    jw_kstr(w, "action", row->action);
    jw_kstr(w, "entity", row->object_type);
    jw_kstr(w, "entity_id", row->object_id);
    /* The stored detail is JSON text: sent as JSON when it parses, else as a string. */
    json_t *detail = json_loads(row->detail, JSON_DECODE_ANY, NULL);
    jw_key(w, "detail");
    if (detail)
        write_json_value(w, detail);
    else
        jw_str(w, row->detail);
    json_t *before = json_is_object(detail) ? json_object_get(detail, "before") : NULL;
    json_t *after = json_is_object(detail) ? json_object_get(detail, "after") : NULL;
    jw_key(w, "before");
    if (before)
        write_json_value(w, before);
    else
        jw_null(w);
    jw_key(w, "after");
    if (after)
        write_json_value(w, after);
    else
        jw_null(w);
    json_decref(detail);
    jw_end(w);
}

static void search_query(req *r, sqlb *q, void *ctx, bool count)
{
    audit_search_query(q, req_scope(r), ctx, count);
}

static void search_row(req *r, db_stmt *st, void *ctx)
{
    (void)ctx;
    struct audit_row row;
    audit_row_read(st, r->a, &row);
    write_row(&r->out, &row);
}

int handle_audit_search(req *r)
{
    const struct access *scope = req_scope(r);
    if (!scope)
        return req_fail(r, E_INTERNAL, NULL);
    struct audit_filter f = {
        .actor = query_text(r, "actor"),
        .action = query_text(r, "action"),
        .entity = query_text(r, "entity"),
        .target = query_text(r, "target"),
        .ip = query_text(r, "ip"),
    };
    const char *from = query_text(r, "from"), *to = query_text(r, "to");
    int64_t start, end;
    if (from) {
        if (!audit_day_bounds(from, &start, &end))
            return req_fail(r, E_DATE_INVALID, "from");
        f.from_ms = start;
    }
    if (to) {
        if (!audit_day_bounds(to, &start, &end))
            return req_fail(r, E_DATE_INVALID, "to");
        f.to_ms = end; /* the whole "to" day is included */
        if (from && f.from_ms >= f.to_ms)
            return req_fail(r, E_DATE_RANGE_INVALID, "to");
    }

    return req_paged_list(r, search_query, search_row, &f);
}

int handle_audit_verify(req *r)
{
    int64_t count, bad;
    if (audit_verify(r->db, &count, &bad) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    jw_obj(&r->out);
    jw_kint(&r->out, "entries", count);
    jw_kbool(&r->out, "intact", bad == 0);
    if (bad)
        jw_kint(&r->out, "broken_at", bad);
    else
        jw_knull(&r->out, "broken_at");
    jw_end(&r->out);
    return 200;
}
