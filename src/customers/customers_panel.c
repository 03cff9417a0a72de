/*
 * customers_panel.c — the user's own view of customer lists: saved filters and the
 * fixed quick filters (CUS-8), the chosen list columns (CUS-9, the work panel).
 * Saved filters hold the list's query parameters as a JSON object; the UI applies
 * them to GET /api/v1/customers, which validates them like any other request.
 */
#include "auth/auth.h"
#include "core/log.h"
#include "core/util.h"
#include "customers.h"

#include <string.h>

#define FILTER_NAME_MAX 30
#define FILTERS_PER_USER 50
#define PARAM_VALUE_MAX 200

static int64_t caller(req *r)
{
    const struct access *acc = req_access(r);
    return acc ? acc->user_id : 0;
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* ---- saved and quick filters --------------------------------------------------------- */

static void write_saved(jw *w, db_stmt *st)
{
    jw_obj(w);
    jw_kint(w, "id", db_col_int64(st, 0));
    jw_kstr(w, "name", db_col_text(st, 1));
    jw_key(w, "params");
    jw_raw(w, db_col_text(st, 2), db_col_len(st, 2));
    jw_kint(w, "created_at", db_col_int64(st, 3));
    jw_kint(w, "updated_at", db_col_int64(st, 4));
    jw_end(w);
}

int handle_customer_filters_list(req *r)
{
    jw *w = &r->out;
    db_stmt *st = customers_sql_saved_filters(r->db, caller(r));
    if (!st)
        return req_fail(r, E_INTERNAL, NULL);
    jw_obj(w);
    jw_karr(w, "quick");
    for (int i = 0; i < ncustomer_quick_filters; i++) {
        jw_obj(w);
        jw_kstr(w, "code", customer_quick_filters[i].code);
        jw_kstr(w, "name", r->lang_en ? customer_quick_filters[i].en : customer_quick_filters[i].zh);
        jw_end(w);
    }
    jw_end(w);
    jw_karr(w, "saved");
    int rc;
    while ((rc = db_step(st)) == DB_ROW)
        write_saved(w, st);
    db_reset(st);
    if (rc != DB_DONE)
        return req_fail(r, E_INTERNAL, NULL);
    jw_end(w);
    jw_end(w);
    return 200;
}

/* The list parameters a saved filter may hold (customers.h, customer_filter_from_query). */
static bool param_known(const char *key)
{
    static const char *const keys[] = {"q",           "match",      "status",   "kind",         "level",
                                       "watch_list",  "source",     "unit",     "custodian",    "missing_info",
                                       "created_from", "created_to", "tags",     "tag_mode",     "starred",
                                       "quick",       "f",          "sort",     "cols"};
    for (size_t i = 0; i < ARRAY_LEN(keys); i++)
        if (strcmp(keys[i], key) == 0)
            return true;
    return false;
}

static bool value_ok(json_t *v)
{
    return json_is_string(v) && utf8_chars(json_string_value(v)) <= PARAM_VALUE_MAX;
}

/* Reads name and params of the body; the params as compact JSON text. */
static bool read_saved(req *r, const char **name, const char **params)
{
    json_t *body = req_json_object(r);
    if (!body)
        return false;
    json_t *n = json_object_get(body, "name");
    if (!json_is_string(n) || !*json_string_value(n) || utf8_chars(json_string_value(n)) > FILTER_NAME_MAX)
        return req_fail(r, E_CUSTOMER_SAVED_FILTER_NAME, "name"), false;
    json_t *p = json_object_get(body, "params");
    if (!json_is_object(p) || json_object_size(p) > 24)
        return req_fail(r, E_CUSTOMER_SAVED_FILTER_PARAMS, "params"), false;
    const char *key;
    json_t *v;
    json_object_foreach(p, key, v)
    {
        bool ok = param_known(key);
        if (ok && strcmp(key, "f") == 0 && json_is_array(v)) {
            ok = json_array_size(v) <= CUSTOMER_FILTER_MAX_CONDS;
            size_t i;
            json_t *e;
            json_array_foreach(v, i, e) ok = ok && value_ok(e);
        } else {
            ok = ok && value_ok(v);
        }
        if (!ok)
            return req_fail(r, E_CUSTOMER_SAVED_FILTER_PARAMS, "params"), false;
    }
    *name = json_string_value(n);
    char *text = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
    if (!text)
        return req_fail(r, E_INTERNAL, NULL), false;
    *params = arena_strdup(r->a, text);
    free(text);
    return true;
}

/* Runs the change and its audit record in one transaction. */
static int finish(req *r, int rc, const char *action, int64_t id)
{
    if (rc == DB_OK)
        rc = req_audit(r, action, "customer_filter", id, NULL);
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return rc == DB_CONSTRAINT ? DB_CONSTRAINT : DB_ERROR;
    }
    return DB_OK;
}

static int write_one(req *r, int64_t id, int status)
{
    db_stmt *st = customers_sql_saved_filters(r->db, caller(r));
    if (!st)
        return req_fail(r, E_INTERNAL, NULL);
    int rc;
    while ((rc = db_step(st)) == DB_ROW)
        if (db_col_int64(st, 0) == id) {
            write_saved(&r->out, st);
            break;
        }
    db_reset(st);
    return rc == DB_ROW ? status : req_fail(r, E_INTERNAL, NULL);
}

int handle_customer_filter_create(req *r)
{
    const char *name, *params;
    if (!read_saved(r, &name, &params))
        return req_status(r);
    int64_t n, id = 0, user = caller(r);
    if (db_begin(r->db) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    int rc = customers_sql_saved_filter_count(r->db, user, &n);
    if (rc == DB_OK && n >= FILTERS_PER_USER) {
        db_rollback(r->db);
        return req_fail(r, E_CUSTOMER_SAVED_FILTER_LIMIT, NULL);
    }
    if (rc == DB_OK)
        rc = customers_sql_saved_filter_insert(r->db, user, name, params, &id);
    rc = finish(r, rc, "customer_filter.created", id);
    if (rc != DB_OK)
        return req_fail(r, rc == DB_CONSTRAINT ? E_CUSTOMER_SAVED_FILTER_TAKEN : E_INTERNAL, "name");
    return write_one(r, id, 201);
}

int handle_customer_filter_update(req *r)
{
    int64_t id;
    const char *name, *params;
    if (!req_param_id(r, 0, &id) || !read_saved(r, &name, &params))
        return req_status(r);
    if (db_begin(r->db) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    int rc = customers_sql_saved_filter_update(r->db, caller(r), id, name, params);
    if (rc == DB_DONE) { /* another user's filter looks like none at all */
        db_rollback(r->db);
        return req_fail(r, E_CUSTOMER_SAVED_FILTER_NOT_FOUND, NULL);
    }
    rc = finish(r, rc, "customer_filter.updated", id);
    if (rc != DB_OK)
        return req_fail(r, rc == DB_CONSTRAINT ? E_CUSTOMER_SAVED_FILTER_TAKEN : E_INTERNAL, "name");
    return write_one(r, id, 200);
}

int handle_customer_filter_delete(req *r)
{
    int64_t id;
    if (!req_param_id(r, 0, &id))
        return req_status(r);
    if (db_begin(r->db) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    int rc = customers_sql_saved_filter_delete(r->db, caller(r), id);
    if (rc == DB_DONE) {
        db_rollback(r->db);
        return req_fail(r, E_CUSTOMER_SAVED_FILTER_NOT_FOUND, NULL);
    }
    if (finish(r, rc, "customer_filter.deleted", id) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    return 204;
}

/* ---- the work panel: list columns (CUS-9) ---------------------------------------------- */

static const char *const system_columns[] = {"customer_no", "name"};

/* Every column the caller may show: catalogue fields not hidden to their role, then
 * the extras; the system columns first. */
static int write_columns(req *r, const char *chosen, bool custom)
{
    const struct access *acc = req_access(r);
    struct field_rule rules[CUSTOMER_MAX_FIELDS];
    if (!acc || ncustomer_fields > CUSTOMER_MAX_FIELDS || field_rules_load(r->db, r->a, acc->role_id, rules) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    jw *w = &r->out;
    jw_obj(w);
    jw_karr(w, "available");
    for (size_t s = 0; s < ARRAY_LEN(system_columns); s++)
        for (int i = 0; i < ncustomer_fields; i++)
            if (strcmp(customer_fields[i].field, system_columns[s]) == 0) {
                jw_obj(w);
                jw_kstr(w, "field", customer_fields[i].field);
                jw_kstr(w, "name", r->lang_en ? customer_fields[i].en : customer_fields[i].zh);
                jw_kbool(w, "system", true);
                jw_end(w);
            }
    for (int i = 0; i < ncustomer_fields; i++) {
        const char *fld = customer_fields[i].field;
        if (rules[i].access == FIELD_HIDDEN || strcmp(fld, "customer_no") == 0 || strcmp(fld, "name") == 0)
            continue;
        jw_obj(w);
        jw_kstr(w, "field", fld);
        jw_kstr(w, "name", r->lang_en ? customer_fields[i].en : customer_fields[i].zh);
        jw_kbool(w, "system", false);
        jw_end(w);
    }
    for (int i = 0; i < ncustomer_list_extra; i++) {
        jw_obj(w);
        jw_kstr(w, "field", customer_list_extra[i].field);
        jw_kstr(w, "name", r->lang_en ? customer_list_extra[i].en : customer_list_extra[i].zh);
        jw_kbool(w, "system", false);
        jw_end(w);
    }
    jw_end(w);
    /* chosen: the stored order, without columns that are no longer visible */
    jw_karr(w, "columns");
    jw_str(w, "customer_no");
    jw_str(w, "name");
    char *copy = arena_strdup(r->a, chosen), *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        bool ok = false;
        for (int i = 0; i < ncustomer_fields; i++)
            if (strcmp(customer_fields[i].field, t) == 0)
                ok = rules[i].access != FIELD_HIDDEN;
        for (int i = 0; i < ncustomer_list_extra; i++)
            ok |= strcmp(customer_list_extra[i].field, t) == 0;
        if (ok)
            jw_str(w, t);
    }
    jw_end(w);
    jw_kbool(w, "custom", custom);
    jw_end(w);
    return 200;
}

int handle_customer_columns_get(req *r)
{
    const char *stored;
    int rc = customers_sql_columns_get(r->db, r->a, caller(r), &stored);
    if (rc == DB_ERROR)
        return req_fail(r, E_INTERNAL, NULL);
    return write_columns(r, stored ? stored : CUSTOMER_DEFAULT_COLUMNS, stored != NULL);
}

int handle_customer_columns_put(req *r)
{
    json_t *body = req_json_object(r);
    if (!body)
        return req_status(r);
    json_t *cols = json_object_get(body, "columns");
    if (!json_is_array(cols) || json_array_size(cols) > 24)
        return req_fail(r, E_CUSTOMER_COLUMNS_INVALID, "columns");
    const struct access *acc = req_access(r);
    struct field_rule rules[CUSTOMER_MAX_FIELDS];
    if (!acc || ncustomer_fields > CUSTOMER_MAX_FIELDS || field_rules_load(r->db, r->a, acc->role_id, rules) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    /* the system columns may be sent (they stay first) or left out; others once each */
    jw list;
    jw_init(&list, 256);
    const char *seen[32];
    int nseen = 0;
    size_t i;
    json_t *e;
    json_array_foreach(cols, i, e)
    {
        const char *c = json_string_value(e);
        bool ok = c != NULL, system = false;
        for (size_t s = 0; ok && s < ARRAY_LEN(system_columns); s++)
            system |= strcmp(c, system_columns[s]) == 0;
        for (int k = 0; ok && k < nseen; k++)
            ok = strcmp(seen[k], c) != 0;
        if (ok && !system) {
            bool known = false;
            for (int k = 0; k < ncustomer_fields; k++)
                if (strcmp(customer_fields[k].field, c) == 0)
                    known = rules[k].access != FIELD_HIDDEN;
            for (int k = 0; k < ncustomer_list_extra; k++)
                known |= strcmp(customer_list_extra[k].field, c) == 0;
            ok = known;
        }
        if (!ok) {
            jw_dispose(&list);
            return req_fail(r, E_CUSTOMER_COLUMNS_INVALID, "columns");
        }
        seen[nseen++] = c;
        if (system)
            continue;
        if (list.len)
            jw_append(&list, ",", 1);
        jw_append(&list, c, strlen(c));
    }
    const char *text = arena_strndup(r->a, list.s ? list.s : "", list.len);
    jw_dispose(&list);
    if (db_begin(r->db) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    int rc = customers_sql_columns_put(r->db, caller(r), text);
    if (rc == DB_OK)
        rc = req_audit(r, "customer_columns.updated", "user", caller(r), NULL);
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return req_fail(r, E_INTERNAL, NULL);
    }
    /* an empty choice keeps only the system columns; the default is for users who never chose */
    return write_columns(r, text, true);
}
