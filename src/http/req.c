/*
 * req.c — typed access to request bodies and parameters, paged-list framing and
 * the caller's audit record: the small steps every handler repeats.
 */
#include "audit/audit.h"
#include "auth/auth.h"
#include "core/util.h"
#include "http.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool req_int_field(req *r, json_t *obj, const char *name, bool required, int64_t *out, bool *present)
{
    json_t *v = json_object_get(obj, name);
    if (present)
        *present = v && !json_is_null(v);
    if (!v || json_is_null(v)) {
        if (required)
            req_fail(r, E_FIELD_REQUIRED, name);
        return !required;
    }
    if (!json_is_integer(v)) {
        req_fail(r, E_FIELD_TYPE, name);
        return false;
    }
    *out = (int64_t)json_integer_value(v);
    return true;
}

bool req_bool_field(req *r, json_t *obj, const char *name, bool *out, bool *present)
{
    json_t *v = json_object_get(obj, name);
    if (present)
        *present = v && !json_is_null(v);
    if (!v || json_is_null(v))
        return true;
    if (!json_is_boolean(v)) {
        req_fail(r, E_FIELD_TYPE, name);
        return false;
    }
    *out = json_is_true(v);
    return true;
}

static int utf8_chars(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

const char *req_text_field(req *r, json_t *obj, const char *name, bool required, int max_chars)
{
    const char *v = req_str_field(r, obj, name, required);
    if (!v)
        return NULL;
    /* leading/trailing blanks are a typing slip, not part of a name */
    while (*v == ' ')
        v++;
    char *t = arena_strdup(r->a, v);
    size_t n = strlen(t);
    while (n > 0 && t[n - 1] == ' ')
        t[--n] = '\0';
    if (n == 0 || utf8_chars(t) > max_chars) {
        req_fail(r, n == 0 ? E_FIELD_REQUIRED : E_FIELD_INVALID, name);
        return NULL;
    }
    return t;
}

bool req_param_id(req *r, int idx, int64_t *out)
{
    const char *p = idx < r->nparams ? r->params[idx] : NULL;
    char *end;
    errno = 0;
    long long v = p ? strtoll(p, &end, 10) : 0;
    if (!p || errno || *end || v <= 0) {
        req_fail(r, E_NOT_FOUND, NULL);
        return false;
    }
    *out = v;
    return true;
}

static int query_int(req *r, const char *name, int dflt, int lo, int hi)
{
    const char *s = req_query(r, name);
    if (!s || !*s)
        return dflt;
    char *end;
    long v = strtol(s, &end, 10);
    if (*end)
        return dflt;
    return v < lo ? lo : v > hi ? hi : (int)v;
}

void req_page(req *r, int *page, int *size)
{
    *page = query_int(r, "page", 1, 1, 1000000);
    *size = query_int(r, "size", 20, 1, 100);
}

void req_list_begin(req *r)
{
    jw_obj(&r->out);
    jw_karr(&r->out, "items");
}

void req_list_end(req *r, int64_t total, int page, int size)
{
    jw_end(&r->out);
    jw_kint(&r->out, "total", total);
    jw_kint(&r->out, "page", page);
    jw_kint(&r->out, "size", size);
    jw_end(&r->out);
}

int req_paged_list(req *r, list_query_fn query, list_row_fn row, void *ctx)
{
    int page, size;
    req_page(r, &page, &size);
    sqlb q = {.a = r->a};
    query(r, &q, ctx, true);
    db_stmt *st = sqlb_prepare(&q, r->db);
    int64_t total = st && db_step(st) == DB_ROW ? db_col_int64(st, 0) : -1;
    if (st)
        db_reset(st);
    if (total < 0)
        return req_fail(r, E_INTERNAL, NULL);
    query(r, &q, ctx, false);
    sqlb_add(&q, " LIMIT ? OFFSET ?", "ii", (int64_t)size, (int64_t)(page - 1) * size);
    if (!(st = sqlb_prepare(&q, r->db)))
        return req_fail(r, E_INTERNAL, NULL);
    req_list_begin(r);
    int rc;
    while ((rc = db_step(st)) == DB_ROW)
        row(r, st, ctx);
    db_reset(st);
    if (rc != DB_DONE)
        return req_fail(r, E_INTERNAL, NULL);
    req_list_end(r, total, page, size);
    return 200;
}

int req_audit(req *r, const char *action, const char *object_type, int64_t object_id, const char *detail)
{
    struct audit_entry e = {
        .user_id = r->session ? r->session->user_id : 0,
        .username = r->session ? r->session->username : "",
        .ip = r->client_ip,
        .action = action,
        .object_type = object_type,
        .object_id = arena_printf(r->a, "%lld", (long long)object_id),
        .detail = detail,
    };
    return audit_write(r->db, &e);
}
