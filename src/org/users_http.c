/*
 * users_http.c — handlers of the users page (ORG-2, AUTH-1) and of staff leave
 * (ORG-7). Every read goes through the caller's data scope on the user's unit.
 */
#include "core/util.h"
#include "customers/customers.h"
#include "org.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

const struct handover_part handover_parts[] = {
    {"customers", customers_handover_count, customers_handover_move},
    /* the same order as the handovers table's counts; their modules fill these in */
    {"tasks", NULL, NULL},
    {"approvals", NULL, NULL},
};
const int nhandover_parts = (int)ARRAY_LEN(handover_parts);

/* Writes one user of the scoped query, or fails with 404. */
static int write_user(req *r, int64_t id, int status)
{
    const struct access *acc = req_scope(r);
    if (!acc)
        return req_fail(r, E_INTERNAL, NULL);
    sqlb q = {.a = r->a};
    struct user_filter f = {.id = id};
    org_sql_users_query(&q, acc, &f, false);
    db_stmt *st = sqlb_prepare(&q, r->db);
    if (!st)
        return req_fail(r, E_INTERNAL, NULL);
    int rc = db_step(st);
    if (rc == DB_ROW)
        org_write_user_row(&r->out, st);
    db_reset(st);
    if (rc != DB_ROW)
        return req_fail(r, rc == DB_DONE ? E_NOT_FOUND : E_INTERNAL, NULL);
    return status;
}

static int64_t query_id(req *r, const char *name)
{
    const char *s = req_query(r, name);
    return s ? strtoll(s, NULL, 10) : 0;
}

static void users_query(req *r, sqlb *q, void *ctx, bool count)
{
    org_sql_users_query(q, req_scope(r), ctx, count);
}

static void users_row(req *r, db_stmt *st, void *ctx)
{
    (void)ctx;
    org_write_user_row(&r->out, st);
}

int handle_users_list(req *r)
{
    if (!req_scope(r))
        return req_fail(r, E_INTERNAL, NULL);
    struct user_filter f = {
        .q = req_query(r, "q"), .unit_id = query_id(r, "unit_id"), .status = req_query(r, "status")};
    if (f.status && *f.status && strcmp(f.status, "active") != 0 && strcmp(f.status, "disabled") != 0)
        return req_fail(r, E_FIELD_INVALID, "status");
    return req_paged_list(r, users_query, users_row, &f);
}

int handle_user_get(req *r)
{
    int64_t id;
    if (!req_param_id(r, 0, &id))
        return req_status(r);
    return write_user(r, id, 200);
}

static bool phone_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 5 || n > 20)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || *p == '-' || *p == '+' || *p == ' '))
            return false;
    return true;
}

static bool username_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 3 || n > 32)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' ||
              *p == '.' || *p == '-'))
            return false;
    return true;
}

/* Decodes the fields of a create (all required ones) or an update (any subset). */
static bool user_input(req *r, json_t *body, bool create, struct user_input *in)
{
    memset(in, 0, sizeof *in);
    if (create) {
        if (!(in->username = req_text_field(r, body, "username", true, 32)))
            return false;
        if (!username_ok(in->username)) {
            req_fail(r, E_FIELD_INVALID, "username");
            return false;
        }
    }
    if ((create || json_object_get(body, "display_name")) &&
        !(in->display_name = req_text_field(r, body, "display_name", true, 50)))
        return false;
    if (!req_int_field(r, body, "unit_id", create, &in->unit_id, &in->has_unit) ||
        !req_int_field(r, body, "position_id", create, &in->position_id, &in->has_position) ||
        !req_int_field(r, body, "reports_to", false, &in->reports_to, &in->has_reports_to))
        return false;
    in->has_reports_to |= json_is_null(json_object_get(body, "reports_to"));
    in->has_phone = json_object_get(body, "phone") != NULL;
    in->has_credit_id = json_object_get(body, "credit_id") != NULL;
    in->phone = req_str_field(r, body, "phone", false);
    in->credit_id = r->error ? NULL : req_str_field(r, body, "credit_id", false);
    if (r->error)
        return false;
    if (in->phone && *in->phone && !phone_ok(in->phone)) {
        req_fail(r, E_FIELD_INVALID, "phone");
        return false;
    }
    if (in->credit_id && strlen(in->credit_id) > 32) {
        req_fail(r, E_FIELD_INVALID, "credit_id");
        return false;
    }
    if (in->phone && !*in->phone)
        in->phone = NULL;
    if (in->credit_id && !*in->credit_id)
        in->credit_id = NULL;
    return true;
}

static void write_password(req *r, const char *password)
{
    jw_kstr(&r->out, "one_time_password", password);
}

int handle_user_create(req *r)
{
    json_t *body = req_json_object(r);
    struct user_input in;
    if (!body || !user_input(r, body, true, &in))
        return req_status(r);
    int64_t id;
    char password[16];
    err e = org_user_create(r, &in, &id, password);
    if (e != E_OK)
        return req_fail(r, e, e == E_USERNAME_TAKEN ? "username" : r->error_field);
    jw_obj(&r->out);
    jw_key(&r->out, "user");
    int status = write_user(r, id, 201);
    write_password(r, password);
    jw_end(&r->out);
    sodium_memzero(password, sizeof password);
    return status;
}

int handle_user_update(req *r)
{
    int64_t id;
    json_t *body = req_json_object(r);
    struct user_input in;
    if (!req_param_id(r, 0, &id) || !body || !user_input(r, body, false, &in))
        return req_status(r);
    err e = org_user_update(r, id, &in);
    return e == E_OK ? write_user(r, id, 200) : req_fail(r, e, r->error_field);
}

static int status_change(req *r, bool active)
{
    int64_t id;
    if (!req_param_id(r, 0, &id))
        return req_status(r);
    err e = org_user_set_status(r, id, active);
    return e == E_OK ? write_user(r, id, 200) : req_fail(r, e, NULL);
}

int handle_user_disable(req *r)
{
    return status_change(r, false);
}

int handle_user_enable(req *r)
{
    return status_change(r, true);
}

int handle_user_reset_password(req *r)
{
    int64_t id;
    if (!req_param_id(r, 0, &id))
        return req_status(r);
    char password[16];
    err e = org_user_reset_password(r, id, password);
    if (e != E_OK)
        return req_fail(r, e, NULL);
    jw_obj(&r->out);
    write_password(r, password);
    jw_end(&r->out);
    sodium_memzero(password, sizeof password);
    return 200;
}

int handle_user_unlock(req *r)
{
    int64_t id;
    if (!req_param_id(r, 0, &id))
        return req_status(r);
    err e = org_user_unlock(r, id);
    return e == E_OK ? write_user(r, id, 200) : req_fail(r, e, NULL);
}

/* ---- staff leave (ORG-7) ------------------------------------------------------- */

int handle_handover_preview(req *r)
{
    int64_t id;
    if (!req_param_id(r, 0, &id))
        return req_status(r);
    err e = org_user_in_scope(r, id);
    if (e != E_OK)
        return req_fail(r, e, NULL);
    jw_obj(&r->out);
    for (int i = 0; i < nhandover_parts; i++) {
        int64_t n = 0; /* a part whose module has not landed holds nothing */
        if (handover_parts[i].count && handover_parts[i].count(r->db, id, &n) != DB_OK)
            return req_fail(r, E_INTERNAL, NULL);
        jw_kint(&r->out, handover_parts[i].name, n);
    }
    jw_end(&r->out);
    return 200;
}

static int write_handover(req *r, int64_t id, int status)
{
    sqlb q = {.a = r->a};
    org_sql_handovers_query(&q, req_scope(r), id, false);
    db_stmt *st = sqlb_prepare(&q, r->db);
    int rc = st ? db_step(st) : DB_ERROR;
    if (rc == DB_ROW)
        org_write_handover_row(&r->out, st);
    if (st)
        db_reset(st);
    return rc == DB_ROW ? status : req_fail(r, E_INTERNAL, NULL);
}

int handle_handover(req *r)
{
    int64_t from, to;
    bool disable = true;
    json_t *body = req_json_object(r);
    if (!req_param_id(r, 0, &from) || !body || !req_int_field(r, body, "to_user_id", true, &to, NULL) ||
        !req_bool_field(r, body, "disable", &disable, NULL))
        return req_status(r);
    const char *note = req_str_field(r, body, "note", false);
    if (r->error)
        return req_status(r);
    if (note && strlen(note) > 500)
        return req_fail(r, E_FIELD_INVALID, "note");
    struct handover_result res;
    err e = org_handover(r, from, to, disable, note, &res);
    if (e != E_OK)
        return req_fail(r, e, e == E_HANDOVER_TARGET_INACTIVE || e == E_HANDOVER_SAME_USER ? "to_user_id" : NULL);
    return write_handover(r, res.id, 201);
}

static void handovers_query(req *r, sqlb *q, void *ctx, bool count)
{
    (void)ctx;
    org_sql_handovers_query(q, req_scope(r), 0, count);
}

static void handovers_row(req *r, db_stmt *st, void *ctx)
{
    (void)ctx;
    org_write_handover_row(&r->out, st);
}

int handle_handovers_list(req *r)
{
    if (!req_scope(r))
        return req_fail(r, E_INTERNAL, NULL);
    return req_paged_list(r, handovers_query, handovers_row, NULL);
}
