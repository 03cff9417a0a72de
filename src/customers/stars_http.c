/*
 * stars_http.c — key customers (CUS-16) and star levels (CUS-17).
 *
 * A star belongs to the user who set it and to the customer (customer_stars keyed by
 * user and customer): only that user sees, recolours or removes it, other users have
 * their own, and it stays when custody changes. Any user who sees the customer may
 * star it; "my key customers" is the customers list limited to the caller's stars.
 *
 * Levels (A/B/C/D …) carry a revisit interval; custodians set a customer's level. The
 * next revisit is the date the level was set plus the interval: contact history comes
 * with the contact issue, which will count from the last contact instead.
 */
#include "auth/auth.h"
#include "classify.h"
#include "core/log.h"
#include "core/util.h"

#include <string.h>
#include <time.h>

#define DAY_MS INT64_C(86400000)

static int fail_db(req *r, const char *what)
{
    log_error("stars/levels: %s: %s", what, db_errmsg(r->db));
    return req_fail(r, E_INTERNAL, NULL);
}

static bool color_ok(const char *c)
{
    static const char *const colors[] = {"red", "orange", "yellow", "green", "blue", "purple"};
    for (size_t i = 0; i < ARRAY_LEN(colors); i++)
        if (str_eq(c, colors[i]))
            return true;
    return false;
}

/* ---- CUS-16 key customers ---------------------------------------------------------- */

static int answer_star(req *r, int64_t id)
{
    const char *color;
    int64_t at;
    if (star_sql_get(r->db, r->a, r->session->user_id, id, &color, &at) != DB_OK)
        return fail_db(r, "star");
    jw *w = &r->out;
    jw_obj(w);
    jw_kint(w, "customer_id", id);
    jw_kstr(w, "color", color);
    if (color)
        jw_kint(w, "at", at);
    else
        jw_knull(w, "at");
    jw_end(w);
    return 200;
}

/* The customer in the caller's scope, or false after req_fail(). */
static bool visible(req *r, int64_t id, bool *custodian)
{
    int rc = classify_customer(r, id, custodian);
    if (rc != DB_ROW)
        return (rc == DB_DONE ? req_fail(r, E_NOT_FOUND, NULL) : fail_db(r, "customer")), false;
    return true;
}

int handle_customer_star(req *r)
{
    int64_t id;
    bool custodian;
    if (!req_param_id(r, 0, &id) || !visible(r, id, &custodian))
        return req_status(r);
    return answer_star(r, id);
}

int handle_customer_star_set(req *r)
{
    int64_t id;
    bool custodian;
    json_t *body = req_json_object(r);
    if (!req_param_id(r, 0, &id) || !body)
        return req_status(r);
    const char *color = req_body_str(r, "color");
    if (!color)
        return req_status(r);
    if (!color_ok(color))
        return req_fail(r, E_STAR_COLOR_INVALID, "color");
    if (!visible(r, id, &custodian))
        return req_status(r);
    if (db_begin(r->db) != DB_OK)
        return fail_db(r, "begin");
    int rc = star_sql_set(r->db, r->session->user_id, id, color);
    if (rc == DB_OK)
        rc = req_audit(r, "customer.starred", "customer", id, arena_printf(r->a, "{\"color\":\"%s\"}", color));
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return fail_db(r, "star");
    }
    return answer_star(r, id);
}

int handle_customer_star_clear(req *r)
{
    int64_t id;
    bool custodian;
    if (!req_param_id(r, 0, &id) || !visible(r, id, &custodian))
        return req_status(r);
    if (db_begin(r->db) != DB_OK)
        return fail_db(r, "begin");
    int rc = star_sql_delete(r->db, r->session->user_id, id);
    if (rc == DB_OK)
        rc = req_audit(r, "customer.unstarred", "customer", id, NULL);
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return fail_db(r, "unstar");
    }
    return 204;
}

int handle_stars_list(req *r)
{
    struct customer_filter *f = arena_alloc(r->a, sizeof *f);
    if (!customer_filter_from_query(r, f))
        return req_status(r);
    f->starred = true;
    return customers_list(r, f);
}

/* ---- CUS-17 levels ------------------------------------------------------------------- */

static int answer_levels(req *r, int64_t only, int status)
{
    db_stmt *st = level_sql_list(r->db);
    if (!st)
        return fail_db(r, "levels");
    jw *w = &r->out;
    if (!only) {
        jw_obj(w);
        jw_karr(w, "items");
    }
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (only && db_col_int64(st, 0) != only)
            continue;
        jw_obj(w);
        jw_kint(w, "id", db_col_int64(st, 0));
        jw_kstr(w, "code", db_col_text(st, 1));
        jw_kstr(w, "name", db_col_text(st, 2));
        jw_kint(w, "revisit_days", db_col_int64(st, 3));
        jw_kint(w, "sort", db_col_int64(st, 4));
        jw_kint(w, "customers", db_col_int64(st, 5));
        jw_end(w);
    }
    db_reset(st);
    if (rc != DB_DONE)
        return fail_db(r, "levels");
    if (!only) {
        jw_end(w);
        jw_end(w);
    }
    return status;
}

int handle_levels_list(req *r)
{
    return answer_levels(r, 0, 200);
}

static bool level_code_ok(const char *c)
{
    size_t n = strlen(c);
    if (n == 0 || n > 16)
        return false;
    for (; *c; c++)
        if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || *c == '_' ||
              *c == '-'))
            return false;
    return true;
}

static bool read_level(req *r, json_t *body, const char **name, int64_t *days, int64_t *sort)
{
    *sort = 0;
    return (*name = req_text_field(r, body, "name", true, CLASSIFY_NAME_MAX)) &&
           classify_int(r, body, "revisit_days", true, 1, 365, days) &&
           classify_int(r, body, "sort", false, -1000000, 1000000, sort);
}

static const char *level_detail(req *r, const char *code, const char *name, int64_t days, int64_t sort)
{
    jw w;
    jw_init(&w, 128);
    jw_obj(&w);
    jw_kobj(&w, "after");
    jw_kstr(&w, "code", code);
    jw_kstr(&w, "name", name);
    jw_kint(&w, "revisit_days", days);
    jw_kint(&w, "sort", sort);
    jw_end(&w);
    jw_end(&w);
    return classify_json(r, &w);
}

int handle_level_create(req *r)
{
    json_t *body = req_json_object(r);
    const char *code, *name;
    int64_t days, sort, id = 0;
    bool used;
    if (!body || !(code = req_text_field(r, body, "code", true, 16)) || !read_level(r, body, &name, &days, &sort))
        return req_status(r);
    if (!level_code_ok(code))
        return req_fail(r, E_FIELD_INVALID, "code");
    if (level_sql_code_used(r->db, code, &used) != DB_OK)
        return fail_db(r, "code");
    if (used)
        return req_fail(r, E_LEVEL_CODE_TAKEN, "code");
    if (db_begin(r->db) != DB_OK)
        return fail_db(r, "begin");
    int rc = level_sql_insert(r->db, code, name, days, sort, &id);
    if (rc == DB_OK)
        rc = req_audit(r, "customer_level.created", "customer_level", id, level_detail(r, code, name, days, sort));
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return rc == DB_CONSTRAINT ? req_fail(r, E_LEVEL_CODE_TAKEN, "code") : fail_db(r, "create");
    }
    return answer_levels(r, id, 201);
}

int handle_level_update(req *r)
{
    json_t *body = req_json_object(r);
    const char *code, *name;
    int64_t id, days, sort;
    if (!req_param_id(r, 0, &id) || !body)
        return req_status(r);
    int rc = level_sql_get(r->db, r->a, id, &code);
    if (rc != DB_OK)
        return rc == DB_DONE ? req_fail(r, E_NOT_FOUND, NULL) : fail_db(r, "level");
    if (!read_level(r, body, &name, &days, &sort))
        return req_status(r);
    if (db_begin(r->db) != DB_OK)
        return fail_db(r, "begin");
    rc = level_sql_update(r->db, id, name, days, sort);
    if (rc == DB_OK)
        rc = req_audit(r, "customer_level.updated", "customer_level", id, level_detail(r, code, name, days, sort));
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return fail_db(r, "update");
    }
    return answer_levels(r, id, 200);
}

int handle_level_delete(req *r)
{
    const char *code;
    int64_t id, n = 0;
    if (!req_param_id(r, 0, &id))
        return req_status(r);
    int rc = level_sql_get(r->db, r->a, id, &code);
    if (rc != DB_OK)
        return rc == DB_DONE ? req_fail(r, E_NOT_FOUND, NULL) : fail_db(r, "level");
    if (level_sql_customers(r->db, code, &n) != DB_OK)
        return fail_db(r, "level customers");
    if (n)
        return req_fail(r, E_LEVEL_IN_USE, NULL);
    if (db_begin(r->db) != DB_OK)
        return fail_db(r, "begin");
    rc = level_sql_delete(r->db, id);
    if (rc == DB_OK)
        rc =
            req_audit(r, "customer_level.deleted", "customer_level", id, arena_printf(r->a, "{\"code\":\"%s\"}", code));
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return fail_db(r, "delete");
    }
    return 204;
}

static int answer_customer_level(req *r, int64_t id, bool editable)
{
    const char *code, *name;
    int64_t days, set_at;
    if (level_sql_of_customer(r->db, r->a, id, &code, &name, &days, &set_at) != DB_OK)
        return fail_db(r, "customer level");
    jw *w = &r->out;
    jw_obj(w);
    jw_kint(w, "customer_id", id);
    jw_kbool(w, "editable", editable);
    jw_kstr(w, "level", code);
    jw_kstr(w, "name", name);
    if (name)
        jw_kint(w, "revisit_days", days);
    else
        jw_knull(w, "revisit_days");
    if (set_at)
        jw_kint(w, "set_at", set_at);
    else
        jw_knull(w, "set_at");
    jw_knull(w, "last_contact_at"); /* contact history: the contact issue */
    if (name && set_at) {
        int64_t next = set_at + days * DAY_MS;
        time_t t = (time_t)(next / 1000);
        struct tm tm;
        localtime_r(&t, &tm);
        jw_kint(w, "next_revisit_at", next);
        jw_kstr(w, "next_revisit", arena_printf(r->a, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday));
    } else {
        jw_knull(w, "next_revisit_at");
        jw_knull(w, "next_revisit");
    }
    jw_end(w);
    return 200;
}

int handle_customer_level(req *r)
{
    int64_t id;
    bool custodian;
    if (!req_param_id(r, 0, &id) || !visible(r, id, &custodian))
        return req_status(r);
    return answer_customer_level(r, id, custodian);
}

int handle_customer_level_set(req *r)
{
    int64_t id;
    json_t *body = req_json_object(r);
    if (!req_param_id(r, 0, &id) || !body)
        return req_status(r);
    json_t *v = json_object_get(body, "level");
    if (!v)
        return req_fail(r, E_FIELD_REQUIRED, "level");
    if (!json_is_null(v) && !json_is_string(v))
        return req_fail(r, E_FIELD_TYPE, "level");
    const char *code = json_is_string(v) ? arena_strdup(r->a, json_string_value(v)) : NULL;
    if (!classify_may_change(r, id, false))
        return req_status(r);
    if (code) {
        bool known;
        if (level_sql_known(r->db, code, &known) != DB_OK)
            return fail_db(r, "level");
        if (!known)
            return req_fail(r, E_LEVEL_UNKNOWN, "level");
    }
    const char *before, *bname;
    int64_t days, set_at;
    if (level_sql_of_customer(r->db, r->a, id, &before, &bname, &days, &set_at) != DB_OK)
        return fail_db(r, "customer level");
    jw w;
    jw_init(&w, 96);
    jw_obj(&w);
    jw_kobj(&w, "before");
    jw_kstr(&w, "level", before);
    jw_end(&w);
    jw_kobj(&w, "after");
    jw_kstr(&w, "level", code);
    jw_end(&w);
    jw_end(&w);
    const char *detail = classify_json(r, &w);
    if (db_begin(r->db) != DB_OK)
        return fail_db(r, "begin");
    int rc = level_sql_set(r->db, id, code);
    if (rc == DB_OK)
        rc = req_audit(r, "customer.level_set", "customer", id, detail);
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return fail_db(r, "set level");
    }
    return answer_customer_level(r, id, true);
}
