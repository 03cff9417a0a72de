/*
 * classify.c — steps shared by the attributes, tags, groups, stars and levels
 * handlers (classify.h).
 */
#include "auth/auth.h"
#include "classify.h"
#include "core/log.h"

#include <stdlib.h>
#include <string.h>

int classify_customer(req *r, int64_t id, bool *custodian)
{
    const struct access *acc = req_scope(r);
    if (!acc)
        return DB_ERROR;
    sqlb q = {.a = r->a};
    customers_sql_query(&q, acc, NULL, id, false);
    db_stmt *st = sqlb_prepare(&q, r->db);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW)
        *custodian = db_col_int64(st, CC_CUSTODIAN) != 0;
    db_reset(st);
    return rc;
}

bool classify_may_change(req *r, int64_t id, bool any)
{
    bool custodian = false;
    int rc = classify_customer(r, id, &custodian);
    if (rc != DB_ROW) {
        if (rc == DB_ERROR)
            log_error("classify: customer %lld: %s", (long long)id, db_errmsg(r->db));
        req_fail(r, rc == DB_DONE ? E_NOT_FOUND : E_INTERNAL, NULL);
        return false;
    }
    if (!custodian && !any) {
        req_fail(r, E_CLASSIFY_NOT_CUSTODIAN, NULL);
        return false;
    }
    return true;
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

const char *classify_ids(req *r, json_t *body, const char *name, int *n)
{
    json_t *arr = json_object_get(body, name);
    if (!arr || json_is_null(arr)) {
        req_fail(r, E_FIELD_REQUIRED, name);
        return NULL;
    }
    if (!json_is_array(arr)) {
        req_fail(r, E_FIELD_TYPE, name);
        return NULL;
    }
    size_t len = json_array_size(arr);
    if (len == 0) {
        req_fail(r, E_FIELD_REQUIRED, name);
        return NULL;
    }
    if (len > CLASSIFY_BATCH_MAX) {
        req_fail(r, E_BATCH_TOO_LARGE, name);
        return NULL;
    }
    int64_t *ids = arena_alloc(r->a, len * sizeof *ids);
    for (size_t i = 0; i < len; i++) {
        json_t *v = json_array_get(arr, i);
        if (!json_is_integer(v) || json_integer_value(v) <= 0) {
            req_fail(r, json_is_integer(v) ? E_FIELD_INVALID : E_FIELD_TYPE, name);
            return NULL;
        }
        ids[i] = (int64_t)json_integer_value(v);
    }
    qsort(ids, len, sizeof *ids, cmp_id);
    char *out = arena_alloc(r->a, len * 21 + 3), *p = out;
    *p++ = '[';
    int k = 0;
    for (size_t i = 0; i < len; i++) {
        if (i && ids[i] == ids[i - 1])
            continue;
        p += snprintf(p, 22, "%s%lld", k ? "," : "", (long long)ids[i]);
        k++;
    }
    *p++ = ']';
    *p = '\0';
    *n = k;
    return out;
}

const char *classify_json(req *r, jw *w)
{
    char *s = jw_take(w);
    const char *copy = arena_strdup(r->a, s);
    free(s);
    return copy;
}

bool classify_int(req *r, json_t *obj, const char *name, bool required, int64_t lo, int64_t hi, int64_t *out)
{
    int64_t v;
    bool present;
    if (!req_int_field(r, obj, name, required, &v, &present))
        return false;
    if (!present)
        return true;
    if (v < lo || v > hi) {
        req_fail(r, E_FIELD_INVALID, name);
        return false;
    }
    *out = v;
    return true;
}
