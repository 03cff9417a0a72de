/*
 * customer_record_http.c — one customer's full record (CUS-1, CUS-5, CUS-10): the
 * audited view with field security and masking (ORG-6, AUTH-8), the audited reveal
 * of a masked value, create and edit, the missing-information form (CUS-4), the
 * choices of the forms and the required-fields setting.
 */
#include "audit/audit.h"
#include "auth/auth.h"
#include "core/log.h"
#include "core/util.h"
#include "customer.h"

#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 64
#define MAX_LINKED 64

static int load_rules(req *r, const struct access *acc, struct field_rule *rules)
{
    if (ncustomer_fields > MAX_FIELDS || field_rules_load(r->db, r->a, acc->role_id, rules) != DB_OK) {
        log_error("customers: field rules: %s", db_errmsg(r->db));
        return DB_ERROR;
    }
    return DB_OK;
}

/* The CF_* index of a catalogue field edited through the record, or -1. */
static int input_index(const char *field)
{
    for (int i = 0; i < CF_COUNT; i++)
        if (strcmp(customer_input_fields[i], field) == 0)
            return i;
    return -1;
}

bool customer_ref_of_request(req *r, struct customer_ref *c)
{
    const struct access *acc = req_scope(r);
    int64_t id;
    if (!req_param_id(r, 0, &id))
        return false;
    if (!acc) {
        req_fail(r, E_INTERNAL, NULL);
        return false;
    }
    int rc = customer_ref_load(r, acc, id, c);
    if (rc != DB_ROW) { /* outside the scope looks the same as absent */
        req_fail(r, rc == DB_DONE ? E_NOT_FOUND : E_INTERNAL, NULL);
        return false;
    }
    return true;
}

static void write_person(jw *w, const struct linked_user *l, bool share)
{
    jw_obj(w);
    jw_kint(w, "id", l->id);
    jw_kstr(w, "display_name", l->display_name);
    jw_kstr(w, "username", l->username);
    jw_kobj(w, "unit");
    jw_kint(w, "id", l->unit_id);
    jw_kstr(w, "name", l->unit_name);
    jw_end(w);
    if (share)
        jw_kint(w, "share", l->share);
    jw_kbool(w, "cross_branch", l->cross_branch);
    jw_end(w);
}

/* {"primary": …|null, "assistants": […], "collector": …|null, "referrer": …|null} */
static void write_custodians(jw *w, const struct linked_user *l, int n)
{
    jw_obj(w);
    static const char *const single[] = {"primary", "collector", "referrer"};
    for (size_t k = 0; k < ARRAY_LEN(single); k++) {
        const struct linked_user *found = NULL;
        for (int i = 0; i < n && !found; i++)
            if (strcmp(l[i].role, single[k]) == 0)
                found = &l[i];
        jw_key(w, single[k]);
        if (found)
            write_person(w, found, k == 0);
        else
            jw_null(w);
    }
    jw_karr(w, "assistants");
    for (int i = 0; i < n; i++)
        if (strcmp(l[i].role, "assistant") == 0)
            write_person(w, &l[i], true);
    jw_end(w);
    jw_end(w);
}

int customer_custodians_write(req *r, int64_t id)
{
    struct linked_user linked[MAX_LINKED];
    int nlinked;
    if (customer_sql_linked(r->db, r->a, id, linked, MAX_LINKED, &nlinked) != DB_OK)
        return DB_ERROR;
    write_custodians(&r->out, linked, nlinked);
    return DB_OK;
}

/* The full record: values under field security, masked for non-custodians (AUTH-8),
 * the custodians, what the caller may edit and which required fields are empty. */
static int write_record(req *r, const struct access *acc, const struct customer_ref *c)
{
    struct field_rule rules[MAX_FIELDS];
    const char *vals[MAX_FIELDS];
    struct linked_user linked[MAX_LINKED];
    const struct field_info *required[MAX_FIELDS];
    int nlinked, nrequired;
    if (load_rules(r, acc, rules) != DB_OK || customer_sql_values(r->db, r->a, c->id, vals) != DB_OK ||
        customer_sql_linked(r->db, r->a, c->id, linked, MAX_LINKED, &nlinked) != DB_OK ||
        required_fields_load(r->db, required, &nrequired) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    jw *w = &r->out;
    jw_obj(w);
    jw_kint(w, "id", c->id);
    for (int i = 0; i < ncustomer_fields; i++) {
        const struct field_rule *fr = &rules[i];
        if (fr->access == FIELD_HIDDEN)
            continue;
        const char *v = vals[i];
        if (v && field_masked(fr, false, c->custodian))
            v = mask_value(r->a, fr->field, v);
        jw_kstr(w, fr->field, v);
    }
    jw_kobj(w, "unit");
    jw_kint(w, "id", c->unit_id);
    jw_kstr(w, "name", c->unit_name);
    jw_end(w);
    if (c->manager_id) {
        jw_kobj(w, "manager");
        jw_kint(w, "id", c->manager_id);
        jw_kstr(w, "display_name", c->manager_name);
        jw_end(w);
    } else {
        jw_knull(w, "manager");
    }
    jw_kbool(w, "custodian", c->custodian);
    jw_kstr(w, "relation", customer_relation(c));
    jw_kstr(w, "level", c->level);
    jw_kstr(w, "watch_list", c->watch_list);
    jw_kbool(w, "missing_info", c->missing_count > 0);
    jw_karr(w, "missing");
    for (int i = 0; i < nrequired; i++) {
        int k = (int)(required[i] - customer_fields);
        if (rules[k].access != FIELD_HIDDEN && !vals[k])
            jw_str(w, required[i]->field);
    }
    jw_end(w);
    jw_karr(w, "masked");
    for (int i = 0; i < ncustomer_fields; i++)
        if (vals[i] && field_masked(&rules[i], false, c->custodian))
            jw_str(w, rules[i].field);
    jw_end(w);
    jw_karr(w, "fields");
    for (int i = 0; i < ncustomer_fields; i++)
        if (rules[i].access != FIELD_HIDDEN)
            jw_str(w, rules[i].field);
    jw_end(w);
    jw_karr(w, "editable");
    for (int i = 0; i < ncustomer_fields; i++)
        if (input_index(customer_fields[i].field) >= 0 && customer_field_editable(c, &customer_fields[i], &rules[i]))
            jw_str(w, customer_fields[i].field);
    jw_end(w);
    jw_kobj(w, "rights");
    jw_kbool(w, "edit", c->edit != EDIT_NONE && access_has(acc, "customers.edit"));
    jw_kbool(w, "contacts", c->custodian);
    jw_kbool(w, "attachments", c->custodian || c->collector || c->scope_all);
    jw_kbool(w, "upload", c->edit != EDIT_NONE || c->collector);
    jw_kbool(w, "assign", access_has(acc, "customers.assign"));
    jw_end(w);
    jw_key(w, "custodians");
    write_custodians(w, linked, nlinked);
    jw_kint(w, "created_at", c->created_at);
    jw_kint(w, "updated_at", c->updated_at);
    jw_end(w);
    return 200;
}

int handle_customer_get(req *r)
{
    const struct access *acc = req_scope(r);
    struct customer_ref c;
    if (!customer_ref_of_request(r, &c))
        return req_status(r);
    int status = write_record(r, acc, &c);
    if (status != 200)
        return status;
    /* AUTH-7: viewing the full record is recorded */
    if (req_audit(r, "customer.viewed", "customer", c.id, NULL) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    return 200;
}

int handle_customer_reveal(req *r)
{
    const struct access *acc = req_scope(r);
    int64_t id;
    if (!req_param_id(r, 0, &id))
        return req_status(r);
    const char *field = req_body_str(r, "field");
    if (!field)
        return req_status(r);
    if (!acc)
        return req_fail(r, E_INTERNAL, NULL);
    const struct field_info *fi = customer_field_find(field);
    if (!fi)
        return req_fail(r, E_FIELD_INVALID, "field");
    struct field_rule rule = field_rule_of(r->db, acc->role_id, field);
    struct customer_ref c;
    int rc = customer_ref_load(r, acc, id, &c);
    if (rc != DB_ROW)
        return req_fail(r, rc == DB_DONE ? E_NOT_FOUND : E_INTERNAL, NULL);
    const char *vals[MAX_FIELDS];
    if (customer_sql_values(r->db, r->a, id, vals) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    bool is_masked = rule.access != FIELD_HIDDEN && !c.custodian && rule.masking != MASK_NONE;
    if (!is_masked)
        return req_fail(r, E_FIELD_NOT_MASKED, "field");

    /* AUTH-8: who saw whose number, when — committed before the value leaves */
    const char *detail = arena_printf(r->a, "{\"field\":\"%s\"}", fi->field);
    if (req_audit(r, "customer.revealed", "customer", id, detail) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    jw_obj(&r->out);
    jw_kstr(&r->out, "field", fi->field);
    jw_kstr(&r->out, "value", vals[fi - customer_fields]);
    jw_end(&r->out);
    return 200;
}

int handle_customer_create(req *r)
{
    json_t *body = req_json_object(r);
    struct customer_input in;
    int64_t referrer_id = 0, id = 0;
    if (!body || !customer_input_from_json(r, body, &in) ||
        !req_int_field(r, body, "referrer_id", false, &referrer_id, NULL))
        return req_status(r);
    if (referrer_id < 0)
        return req_fail(r, E_CUSTOMER_REFERRER_INVALID, "referrer_id");
    int status = customer_create(r, &in, referrer_id, &id);
    if (status != 201)
        return status;
    jw_obj(&r->out);
    jw_kint(&r->out, "id", id);
    jw_kstr(&r->out, "customer_no", arena_printf(r->a, "C%012lld", (long long)(100000000000LL + id)));
    jw_end(&r->out);
    return 201;
}

int handle_customer_update(req *r)
{
    const struct access *acc = req_scope(r);
    struct customer_ref c;
    if (!customer_ref_of_request(r, &c))
        return req_status(r);
    json_t *body = req_json_object(r);
    struct customer_input in;
    if (!body || !customer_input_from_json(r, body, &in))
        return req_status(r);
    int status = customer_update(r, &c, &in, NULL);
    if (status != 200)
        return status;
    if (customer_ref_load(r, acc, c.id, &c) != DB_ROW) /* a changed record may leave the scope */
        return 204;
    return write_record(r, acc, &c);
}

/* ---- CUS-4 the missing-information form ------------------------------------------------- */

static int write_missing(req *r, const struct access *acc, const struct customer_ref *c)
{
    struct field_rule rules[MAX_FIELDS];
    const char *vals[MAX_FIELDS];
    const struct field_info *required[MAX_FIELDS];
    int nrequired;
    if (load_rules(r, acc, rules) != DB_OK || customer_sql_values(r->db, r->a, c->id, vals) != DB_OK ||
        required_fields_load(r->db, required, &nrequired) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    jw *w = &r->out;
    jw_obj(w);
    jw_kint(w, "id", c->id);
    jw_kbool(w, "custodian", c->custodian);
    jw_karr(w, "missing");
    for (int i = 0; i < nrequired; i++) {
        int k = (int)(required[i] - customer_fields);
        if (rules[k].access != FIELD_HIDDEN && !vals[k])
            jw_str(w, required[i]->field);
    }
    jw_end(w);
    jw_karr(w, "editable");
    for (int i = 0; i < nrequired; i++) {
        int k = (int)(required[i] - customer_fields);
        if (!vals[k] && input_index(required[i]->field) >= 0 && customer_field_editable(c, required[i], &rules[k]))
            jw_str(w, required[i]->field);
    }
    jw_end(w);
    /* custodians see the stored values of the form's fields; others basic info only */
    jw_kobj(w, "values");
    static const char *const basic[] = {"customer_no", "name", "kind", "status"};
    for (int i = 0; i < ncustomer_fields; i++) {
        bool in_form = false, is_basic = false;
        for (int k = 0; k < nrequired; k++)
            in_form |= required[k] == &customer_fields[i];
        for (size_t k = 0; k < ARRAY_LEN(basic); k++)
            is_basic |= strcmp(basic[k], customer_fields[i].field) == 0;
        if (rules[i].access == FIELD_HIDDEN || !(is_basic || (in_form && c->custodian)))
            continue;
        jw_kstr(w, customer_fields[i].field, vals[i]);
    }
    jw_end(w);
    jw_end(w);
    return 200;
}

int handle_customer_missing_get(req *r)
{
    const struct access *acc = req_scope(r);
    struct customer_ref c;
    if (!customer_ref_of_request(r, &c))
        return req_status(r);
    return write_missing(r, acc, &c);
}

int handle_customer_missing_fill(req *r)
{
    const struct access *acc = req_scope(r);
    struct customer_ref c;
    if (!customer_ref_of_request(r, &c))
        return req_status(r);
    json_t *body = req_json_object(r);
    struct customer_input in;
    if (!body || !customer_input_from_json(r, body, &in))
        return req_status(r);
    const char *vals[MAX_FIELDS];
    const struct field_info *required[MAX_FIELDS];
    int nrequired;
    if (customer_sql_values(r->db, r->a, c.id, vals) != DB_OK ||
        required_fields_load(r->db, required, &nrequired) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    bool only[CF_COUNT] = {0};
    for (int i = 0; i < nrequired; i++) {
        int k = input_index(required[i]->field);
        if (k >= 0 && !vals[required[i] - customer_fields])
            only[k] = true;
    }
    int status = customer_update(r, &c, &in, only);
    if (status != 200)
        return status;
    if (customer_ref_load(r, acc, c.id, &c) != DB_ROW)
        return 204;
    return write_missing(r, acc, &c);
}

/* ---- choices of the forms ---------------------------------------------------------------- */

int handle_customer_options(req *r)
{
    jw *w = &r->out;
    db_stmt *st;
    int rc = DB_DONE;
    jw_obj(w);
    jw_karr(w, "id_types");
    if ((st = customer_sql_id_types(r->db))) {
        while ((rc = db_step(st)) == DB_ROW) {
            jw_obj(w);
            jw_kstr(w, "code", db_col_text(st, 0));
            jw_kstr(w, "name", db_col_text(st, r->lang_en ? 2 : 1));
            jw_kstr(w, "kind", db_col_text(st, 3));
            jw_end(w);
        }
        db_reset(st);
    }
    jw_end(w);
    if (!st || rc != DB_DONE)
        return req_fail(r, E_INTERNAL, NULL);
    jw_karr(w, "sources");
    if ((st = customer_sql_sources(r->db))) {
        while ((rc = db_step(st)) == DB_ROW) {
            jw_obj(w);
            jw_kstr(w, "code", db_col_text(st, 0));
            jw_kstr(w, "name", db_col_text(st, 1));
            jw_end(w);
        }
        db_reset(st);
    }
    jw_end(w);
    if (!st || rc != DB_DONE)
        return req_fail(r, E_INTERNAL, NULL);
    jw_karr(w, "contact_types");
    if ((st = customer_sql_contact_types(r->db))) {
        while ((rc = db_step(st)) == DB_ROW) {
            jw_obj(w);
            jw_kstr(w, "code", db_col_text(st, 0));
            jw_kstr(w, "name", db_col_text(st, r->lang_en ? 2 : 1));
            jw_kstr(w, "format", db_col_text(st, 3));
            jw_end(w);
        }
        db_reset(st);
    }
    jw_end(w);
    if (!st || rc != DB_DONE)
        return req_fail(r, E_INTERNAL, NULL);
    const struct field_info *required[MAX_FIELDS];
    int nrequired;
    if (required_fields_load(r->db, required, &nrequired) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    jw_karr(w, "required_fields");
    for (int i = 0; i < nrequired; i++)
        jw_str(w, required[i]->field);
    jw_end(w);
    jw_kint(w, "attachment_max_bytes", (int64_t)server_cfg.max_upload);
    jw_end(w);
    return 200;
}

int handle_customer_staff_users(req *r)
{
    const char *q = req_query(r, "q");
    if (q && strlen(q) > 64)
        return req_fail(r, E_QUERY_INVALID, "q");
    db_stmt *st = customer_sql_staff_search(r->db, q);
    if (!st)
        return req_fail(r, E_INTERNAL, NULL);
    jw *w = &r->out;
    jw_obj(w);
    jw_karr(w, "items");
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        jw_obj(w);
        jw_kint(w, "id", db_col_int64(st, 0));
        jw_kstr(w, "display_name", db_col_text(st, 1));
        jw_kstr(w, "username", db_col_text(st, 2));
        jw_kobj(w, "unit");
        jw_kint(w, "id", db_col_int64(st, 3));
        jw_kstr(w, "name", db_col_text(st, 4));
        jw_end(w);
        jw_end(w);
    }
    db_reset(st);
    if (rc != DB_DONE)
        return req_fail(r, E_INTERNAL, NULL);
    jw_end(w);
    jw_end(w);
    return 200;
}

/* ---- CUS-4 required fields (admin) ---------------------------------------------------------- */

static void write_required(jw *w, const struct field_info *const *required, int n)
{
    jw_karr(w, "fields");
    for (int i = 0; i < n; i++)
        jw_str(w, required[i]->field);
    jw_end(w);
}

int handle_required_fields_get(req *r)
{
    const struct field_info *required[MAX_FIELDS];
    int n;
    if (required_fields_load(r->db, required, &n) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    jw *w = &r->out;
    jw_obj(w);
    write_required(w, required, n);
    jw_karr(w, "catalogue");
    for (int i = 0; i < ncustomer_fields; i++) {
        jw_obj(w);
        jw_kstr(w, "field", customer_fields[i].field);
        jw_kstr(w, "name", r->lang_en ? customer_fields[i].en : customer_fields[i].zh);
        jw_end(w);
    }
    jw_end(w);
    jw_end(w);
    return 200;
}

int handle_required_fields_set(req *r)
{
    json_t *body = req_json_object(r);
    if (!body)
        return req_status(r);
    json_t *arr = json_object_get(body, "fields");
    if (!arr)
        return req_fail(r, E_FIELD_REQUIRED, "fields");
    if (!json_is_array(arr) || json_array_size(arr) > (size_t)ncustomer_fields)
        return req_fail(r, E_FIELD_TYPE, "fields");
    const char *names[MAX_FIELDS];
    int n = 0;
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        const struct field_info *fi = json_is_string(v) ? customer_field_find(json_string_value(v)) : NULL;
        if (!fi)
            return req_fail(r, E_REQUIRED_FIELD_INVALID, "fields");
        bool dup = false;
        for (int k = 0; k < n; k++)
            dup |= strcmp(names[k], fi->field) == 0;
        if (!dup)
            names[n++] = fi->field;
    }
    const struct field_info *before[MAX_FIELDS];
    int nbefore;
    if (required_fields_load(r->db, before, &nbefore) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    jw d;
    jw_init(&d, 256);
    jw_obj(&d);
    jw_kobj(&d, "before");
    write_required(&d, before, nbefore);
    jw_end(&d);
    jw_kobj(&d, "after");
    jw_karr(&d, "fields");
    for (int k = 0; k < n; k++)
        jw_str(&d, names[k]);
    jw_end(&d);
    jw_end(&d);
    jw_end(&d);
    char *detail = jw_take(&d);
    int rc = db_begin(r->db);
    if (rc == DB_OK)
        rc = required_fields_set(r->db, names, n);
    if (rc == DB_OK) /* every customer's mark follows the new rule (CUS-4) */
        rc = customer_missing_recount(r->db, 0);
    if (rc == DB_OK)
        rc = req_audit(r, "customer.required_fields_changed", "settings", 0, detail);
    if (rc == DB_OK)
        rc = db_commit(r->db);
    free(detail);
    if (rc != DB_OK) {
        db_rollback(r->db);
        return req_fail(r, E_INTERNAL, NULL);
    }
    return handle_required_fields_get(r);
}
