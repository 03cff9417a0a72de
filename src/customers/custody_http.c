/*
 * custody_http.c — who holds a customer (CUS-5, CUS-18): the primary custodian
 * (customers.manager_id, may be of another branch) with its share, the assistant
 * custodians with theirs (basis points adding up to 10000), the collector and the
 * referrer (CUS-3). Changing the primary writes custody_history; every change is
 * audited with before and after.
 */
#include "auth/auth.h"
#include "core/util.h"
#include "customer.h"

#include <stdlib.h>
#include <string.h>

#define MAX_ASSISTANTS 16

static int write_answer(req *r, int64_t id)
{
    jw *w = &r->out;
    jw_obj(w);
    jw_key(w, "custodians");
    if (customer_custodians_write(r, id) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    jw_karr(w, "history");
    db_stmt *st = custody_sql_history(r->db, id);
    if (!st)
        return req_fail(r, E_INTERNAL, NULL);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        jw_obj(w);
        for (int k = 0; k < 2; k++) {
            jw_key(w, k ? "to" : "from");
            if (db_col_null(st, 2 * k)) {
                jw_null(w);
            } else {
                jw_obj(w);
                jw_kint(w, "id", db_col_int64(st, 2 * k));
                jw_kstr(w, "display_name", db_col_text(st, 2 * k + 1));
                jw_end(w);
            }
        }
        jw_kstr(w, "reason", db_col_text(st, 4));
        jw_kint(w, "at", db_col_int64(st, 5));
        jw_end(w);
    }
    db_reset(st);
    if (rc != DB_DONE)
        return req_fail(r, E_INTERNAL, NULL);
    jw_end(w);
    jw_end(w);
    return 200;
}

int handle_custodians_get(req *r)
{
    struct customer_ref c;
    if (!customer_ref_of_request(r, &c))
        return req_status(r);
    return write_answer(r, c.id);
}

struct holder {
    int64_t user_id, share;
};

static bool user_ok(req *r, int64_t id, const char *field)
{
    struct staff_user u;
    int rc = customer_sql_staff_user(r->db, id, &u);
    if (rc == DB_ERROR) {
        req_fail(r, E_INTERNAL, NULL);
        return false;
    }
    if (rc != DB_ROW || !u.active) {
        req_fail(r, E_CUSTODY_USER_INVALID, field);
        return false;
    }
    return true;
}

static void write_holders(jw *w, int64_t primary, int64_t share, const struct holder *a, int n)
{
    jw_obj(w);
    if (primary)
        jw_kint(w, "primary_id", primary);
    else
        jw_knull(w, "primary_id");
    jw_kint(w, "primary_share", share);
    jw_karr(w, "assistants");
    for (int i = 0; i < n; i++) {
        jw_obj(w);
        jw_kint(w, "user_id", a[i].user_id);
        jw_kint(w, "share", a[i].share);
        jw_end(w);
    }
    jw_end(w);
    jw_end(w);
}

int handle_custodians_set(req *r)
{
    struct customer_ref c;
    if (!customer_ref_of_request(r, &c))
        return req_status(r);
    json_t *body = req_json_object(r);
    if (!body)
        return req_status(r);
    int64_t primary = 0, share = 10000;
    bool has_share = false;
    if (!req_int_field(r, body, "primary_id", false, &primary, NULL) ||
        !req_int_field(r, body, "primary_share", false, &share, &has_share))
        return req_status(r);
    json_t *arr = json_object_get(body, "assistants");
    if (arr && !json_is_null(arr) && (!json_is_array(arr) || json_array_size(arr) > MAX_ASSISTANTS))
        return req_fail(r, E_FIELD_TYPE, "assistants");
    struct holder as[MAX_ASSISTANTS];
    int n = 0;
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (!json_is_object(v))
            return req_fail(r, E_FIELD_TYPE, "assistants");
        if (!req_int_field(r, v, "user_id", true, &as[n].user_id, NULL) ||
            !req_int_field(r, v, "share", true, &as[n].share, NULL)) {
            r->error_field = "assistants"; /* name the list, not the member */
            return req_status(r);
        }
        n++;
    }
    /* CUS-18: every share within 0…100 %, together exactly 100 % */
    int64_t total = primary ? share : 0;
    if (primary && (share < 0 || share > 10000))
        return req_fail(r, E_CUSTODY_SHARES, "primary_share");
    if (!primary && n > 0)
        return req_fail(r, E_CUSTODY_USER_INVALID, "primary_id");
    for (int k = 0; k < n; k++) {
        if (as[k].share < 0 || as[k].share > 10000)
            return req_fail(r, E_CUSTODY_SHARES, "assistants");
        total += as[k].share;
        if (as[k].user_id == primary)
            return req_fail(r, E_CUSTODY_DUPLICATE, "assistants");
        for (int j = 0; j < k; j++)
            if (as[j].user_id == as[k].user_id)
                return req_fail(r, E_CUSTODY_DUPLICATE, "assistants");
    }
    if (primary && total != 10000)
        return req_fail(r, E_CUSTODY_SHARES, has_share || n ? "primary_share" : NULL);
    if (!primary)
        share = 10000;
    if (primary && primary != c.manager_id && !user_ok(r, primary, "primary_id"))
        return req_status(r);
    for (int k = 0; k < n; k++)
        if (!user_ok(r, as[k].user_id, "assistants"))
            return req_status(r);

    /* before, for the audit record */
    struct linked_user linked[64];
    int nlinked;
    if (customer_sql_linked(r->db, r->a, c.id, linked, 64, &nlinked) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    struct holder old[64];
    int nold = 0;
    int64_t old_share = 10000;
    for (int k = 0; k < nlinked; k++) {
        if (strcmp(linked[k].role, "primary") == 0)
            old_share = linked[k].share;
        else if (strcmp(linked[k].role, "assistant") == 0)
            old[nold++] = (struct holder){linked[k].id, linked[k].share};
    }
    jw d;
    jw_init(&d, 256);
    jw_obj(&d);
    jw_key(&d, "before");
    write_holders(&d, c.manager_id, old_share, old, nold);
    jw_key(&d, "after");
    write_holders(&d, primary, share, as, n);
    jw_end(&d);
    char *detail = jw_take(&d);

    int64_t now = now_ms();
    int rc = db_begin(r->db);
    if (rc == DB_OK)
        rc = custody_sql_set_primary(r->db, c.id, primary, share, now);
    if (rc == DB_OK)
        rc = custody_sql_clear_assistants(r->db, c.id);
    for (int k = 0; rc == DB_OK && k < n; k++)
        rc = customer_sql_staff_add(r->db, c.id, as[k].user_id, "assistant", as[k].share, now);
    if (rc == DB_OK && primary != c.manager_id)
        rc = custody_sql_history_add(r->db, c.id, c.manager_id, primary, "assign", now);
    if (rc == DB_OK)
        rc = req_audit(r, "customer.custody_changed", "customer", c.id, detail);
    if (rc == DB_OK)
        rc = db_commit(r->db);
    free(detail);
    if (rc != DB_OK) {
        db_rollback(r->db);
        return req_fail(r, E_INTERNAL, NULL);
    }
    return write_answer(r, c.id);
}
