/*
 * org_http.c — handlers of the org tree (ORG-1), roles (ORG-3, ORG-4, ORG-6) and
 * positions (ORG-2).
 */
#include "core/util.h"
#include "org.h"

#include <string.h>

#define CODE_MAX 32
#define NAME_MAX_CHARS 60

/* ---- units ---------------------------------------------------------------------- */

int handle_units_list(req *r)
{
    db_stmt *st = org_sql_units(r->db);
    if (!st)
        return req_fail(r, E_INTERNAL, NULL);
    jw *w = &r->out;
    jw_obj(w);
    jw_karr(w, "items");
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        jw_obj(w);
        jw_kint(w, "id", db_col_int64(st, 0));
        if (db_col_null(st, 1))
            jw_knull(w, "parent_id");
        else
            jw_kint(w, "parent_id", db_col_int64(st, 1));
        jw_kstr(w, "code", db_col_text(st, 2));
        jw_kstr(w, "name", db_col_text(st, 3));
        jw_kstr(w, "level", db_col_text(st, 4));
        jw_kstr(w, "status", db_col_text(st, 5));
        jw_kint(w, "sort_order", db_col_int64(st, 6));
        jw_kstr(w, "path", db_col_text(st, 7));
        jw_kint(w, "user_count", db_col_int64(st, 8));
        jw_end(w);
    }
    db_reset(st);
    if (rc != DB_DONE)
        return req_fail(r, E_INTERNAL, NULL);
    jw_end(w);
    jw_end(w);
    return 200;
}

static bool code_ok(const char *code)
{
    size_t n = strlen(code);
    if (n == 0 || n > CODE_MAX)
        return false;
    for (const char *p = code; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' ||
              *p == '-' || *p == '.'))
            return false;
    return true;
}

static int answer_unit(req *r, int64_t id, int status)
{
    struct unit u;
    if (org_sql_unit_get(r->db, r->a, id, &u) != DB_ROW)
        return req_fail(r, E_INTERNAL, NULL);
    org_write_unit(&r->out, &u);
    return status;
}

static int fail_or(req *r, err e, const char *field, int64_t id, int status)
{
    if (e != E_OK)
        return req_fail(r, e, r->error_field ? r->error_field : field);
    return answer_unit(r, id, status);
}

int handle_unit_create(req *r)
{
    json_t *body = req_json_object(r);
    if (!body)
        return req_status(r);
    struct unit u = {0};
    bool has_parent;
    if (!req_int_field(r, body, "parent_id", false, &u.parent_id, &has_parent))
        return req_status(r);
    if (!(u.code = req_text_field(r, body, "code", true, CODE_MAX)))
        return req_status(r);
    if (!code_ok(u.code))
        return req_fail(r, E_FIELD_INVALID, "code");
    if (!(u.name = req_text_field(r, body, "name", true, NAME_MAX_CHARS)))
        return req_status(r);
    if (!(u.level = req_text_field(r, body, "level", true, 16)))
        return req_status(r);
    if (!req_int_field(r, body, "sort_order", false, &u.sort_order, NULL))
        return req_status(r);
    err e = org_unit_create(r, &u);
    const char *field = e == E_ORG_CODE_TAKEN ? "code" : e == E_ORG_LEVEL_INVALID ? "level" : "parent_id";
    if (e != E_OK)
        return req_fail(r, e, field);
    org_write_unit(&r->out, &u);
    return 201;
}

int handle_unit_update(req *r)
{
    int64_t id, sort;
    bool has_sort;
    json_t *body = req_json_object(r);
    if (!req_param_id(r, 0, &id) || !body)
        return req_status(r);
    /* a member that is given must hold a value (null is not "leave it") */
    const char *code = NULL, *name = NULL;
    if (json_object_get(body, "code") && !(code = req_text_field(r, body, "code", true, CODE_MAX)))
        return req_status(r);
    if (code && !code_ok(code))
        return req_fail(r, E_FIELD_INVALID, "code");
    if (json_object_get(body, "name") && !(name = req_text_field(r, body, "name", true, NAME_MAX_CHARS)))
        return req_status(r);
    if (!req_int_field(r, body, "sort_order", false, &sort, &has_sort))
        return req_status(r);
    err e = org_unit_update(r, id, code, name, has_sort ? &sort : NULL);
    return fail_or(r, e, e == E_ORG_CODE_TAKEN ? "code" : NULL, id, 200);
}

int handle_unit_move(req *r)
{
    int64_t id, parent;
    json_t *body = req_json_object(r);
    if (!req_param_id(r, 0, &id) || !body || !req_int_field(r, body, "parent_id", true, &parent, NULL))
        return req_status(r);
    err e = org_unit_move(r, id, parent);
    return fail_or(r, e, e == E_NOT_FOUND ? NULL : "parent_id", id, 200);
}

int handle_unit_close(req *r)
{
    int64_t id;
    if (!req_param_id(r, 0, &id))
        return req_status(r);
    return fail_or(r, org_unit_set_status(r, id, false), NULL, id, 200);
}

int handle_unit_reopen(req *r)
{
    int64_t id;
    if (!req_param_id(r, 0, &id))
        return req_status(r);
    return fail_or(r, org_unit_set_status(r, id, true), NULL, id, 200);
}

/* ---- roles ----------------------------------------------------------------------- */

static void write_strings(jw *w, const char *key, const char *const *v, int n)
{
    jw_karr(w, key);
    for (int i = 0; i < n; i++)
        jw_str(w, v[i]);
    jw_end(w);
}

int handle_roles_catalog(req *r)
{
    static const char *const scopes[] = {"self", "self_and_reports", "unit", "subtree", "all"};
    static const char *const accesses[] = {"hidden", "read", "edit"};
    static const char *const maskings[] = {"none", "list", "all"};
    jw *w = &r->out;
    jw_obj(w);
    jw_karr(w, "permissions");
    for (int i = 0; i < nperm_catalog; i++) {
        const struct perm_info *p = &perm_catalog[i];
        jw_obj(w);
        jw_kstr(w, "code", p->code);
        jw_kstr(w, "group", p->group);
        jw_kbool(w, "menu", p->menu);
        jw_kstr(w, "zh", p->zh);
        jw_kstr(w, "en", p->en);
        jw_end(w);
    }
    jw_end(w);
    jw_karr(w, "fields");
    for (int i = 0; i < ncustomer_fields; i++) {
        const struct field_info *f = &customer_fields[i];
        jw_obj(w);
        jw_kstr(w, "field", f->field);
        jw_kbool(w, "sensitive", f->sensitive);
        jw_kstr(w, "zh", f->zh);
        jw_kstr(w, "en", f->en);
        jw_end(w);
    }
    jw_end(w);
    write_strings(w, "data_scopes", scopes, 5);
    write_strings(w, "field_access", accesses, 3);
    write_strings(w, "field_masking", maskings, 3);
    jw_end(w);
    return 200;
}

static void write_role_head(jw *w, db_stmt *st)
{
    jw_kint(w, "id", db_col_int64(st, 0));
    jw_kstr(w, "code", db_col_text(st, 1));
    jw_kstr(w, "name", db_col_text(st, 2));
    jw_kstr(w, "description", db_col_text(st, 3));
    jw_kstr(w, "data_scope", db_col_text(st, 4));
    jw_kbool(w, "builtin", db_col_int64(st, 5) != 0);
    jw_kint(w, "user_count", db_col_int64(st, 6));
}

/* One role (id) or all (0), with permissions; fields only for one role. The
 * permissions are read first (one statement), then the roles. */
static int write_roles(req *r, int64_t only)
{
    struct grant {
        int64_t role;
        const char *perm;
    } *grants = NULL;
    int ngrants = 0, cap = 0, rc;
    db_stmt *st = org_sql_role_perms(r->db, 0);
    if (!st)
        return req_fail(r, E_INTERNAL, NULL);
    while ((rc = db_step(st)) == DB_ROW) {
        if (ngrants == cap) {
            cap = cap ? cap * 2 : 64;
            struct grant *g = arena_alloc(r->a, (size_t)cap * sizeof *g);
            if (ngrants)
                memcpy(g, grants, (size_t)ngrants * sizeof *g);
            grants = g;
        }
        grants[ngrants].role = db_col_int64(st, 0);
        grants[ngrants++].perm = arena_strdup(r->a, db_col_text(st, 1));
    }
    db_reset(st);
    if (rc != DB_DONE || !(st = org_sql_roles(r->db)))
        return req_fail(r, E_INTERNAL, NULL);

    jw *w = &r->out;
    if (!only)
        req_list_begin(r);
    int found = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t id = db_col_int64(st, 0);
        if (only && id != only)
            continue;
        found++;
        jw_obj(w);
        write_role_head(w, st);
        jw_karr(w, "permissions");
        for (int i = 0; i < ngrants; i++)
            if (grants[i].role == id)
                jw_str(w, grants[i].perm);
        jw_end(w);
        if (!only)
            jw_end(w);
    }
    db_reset(st);
    if (rc != DB_DONE)
        return req_fail(r, E_INTERNAL, NULL);
    if (!only) {
        req_list_end(r, found, 1, found);
        return 200;
    }
    if (!found)
        return req_fail(r, E_NOT_FOUND, NULL);
    struct field_rule rules[64];
    if (ncustomer_fields > 64 || field_rules_load(r->db, r->a, only, rules) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    jw_kobj(w, "fields");
    for (int f = 0; f < ncustomer_fields; f++) {
        jw_kobj(w, rules[f].field);
        jw_kstr(w, "access", field_access_name(rules[f].access));
        jw_kstr(w, "masking", field_masking_name(rules[f].masking));
        jw_end(w);
    }
    jw_end(w);
    jw_end(w);
    return 200;
}

int handle_roles_list(req *r)
{
    return write_roles(r, 0);
}

int handle_role_get(req *r)
{
    int64_t id;
    if (!req_param_id(r, 0, &id))
        return req_status(r);
    return write_roles(r, id);
}

/* Decodes {code?, name, description?, data_scope, permissions[], fields?{}}. */
static bool role_input(req *r, json_t *body, bool create, struct role_input *in)
{
    memset(in, 0, sizeof *in);
    if (create) {
        if (!(in->code = req_text_field(r, body, "code", true, CODE_MAX)))
            return false;
        if (!code_ok(in->code)) {
            req_fail(r, E_FIELD_INVALID, "code");
            return false;
        }
    }
    if (!(in->name = req_text_field(r, body, "name", true, NAME_MAX_CHARS)))
        return false;
    in->description = req_str_field(r, body, "description", false);
    if (r->error)
        return false;
    if (in->description && strlen(in->description) > 500) {
        req_fail(r, E_FIELD_INVALID, "description");
        return false;
    }
    const char *scope = req_str_field(r, body, "data_scope", true);
    if (!scope)
        return false;
    if (!data_scope_parse(scope, &in->scope)) {
        req_fail(r, E_FIELD_INVALID, "data_scope");
        return false;
    }
    json_t *perms = json_object_get(body, "permissions");
    if (!json_is_array(perms)) {
        req_fail(r, perms ? E_FIELD_TYPE : E_FIELD_REQUIRED, "permissions");
        return false;
    }
    in->perms = arena_alloc(r->a, (json_array_size(perms) + 1) * sizeof *in->perms);
    size_t i;
    json_t *v;
    json_array_foreach(perms, i, v)
    {
        const struct perm_info *p = json_is_string(v) ? perm_find(json_string_value(v)) : NULL;
        if (!p) {
            req_fail(r, E_FIELD_INVALID, "permissions");
            return false;
        }
        bool dup = false;
        for (int k = 0; k < in->nperms; k++)
            dup |= strcmp(in->perms[k], p->code) == 0;
        if (!dup)
            in->perms[in->nperms++] = p->code;
    }
    json_t *fields = json_object_get(body, "fields");
    if (!fields || json_is_null(fields))
        return true;
    if (!json_is_object(fields)) {
        req_fail(r, E_FIELD_TYPE, "fields");
        return false;
    }
    in->fields = arena_alloc(r->a, (size_t)ncustomer_fields * sizeof *in->fields);
    for (int f = 0; f < ncustomer_fields; f++) {
        in->fields[f] = (struct field_rule){customer_fields[f].field, FIELD_EDIT,
                                            customer_fields[f].sensitive ? MASK_ALL : MASK_NONE};
        json_t *rule = json_object_get(fields, customer_fields[f].field);
        if (!rule)
            continue;
        const char *field = arena_printf(r->a, "fields.%s", customer_fields[f].field);
        json_t *acc = json_object_get(rule, "access"), *mask = json_object_get(rule, "masking");
        if (!json_is_object(rule) || !field_access_parse(json_string_value(acc), &in->fields[f].access) ||
            !field_masking_parse(json_string_value(mask), &in->fields[f].masking)) {
            req_fail(r, E_FIELD_INVALID, field);
            return false;
        }
    }
    const char *key;
    json_object_foreach(fields, key, v)
    {
        if (!customer_field_find(key)) {
            req_fail(r, E_FIELD_INVALID, arena_printf(r->a, "fields.%s", key));
            return false;
        }
    }
    return true;
}

int handle_role_create(req *r)
{
    json_t *body = req_json_object(r);
    struct role_input in;
    if (!body || !role_input(r, body, true, &in))
        return req_status(r);
    int64_t id = 0;
    err e = org_role_save(r, 0, &in, &id);
    if (e != E_OK)
        return req_fail(r, e, e == E_ROLE_CODE_TAKEN ? "code" : NULL);
    int status = write_roles(r, id);
    return status == 200 ? 201 : status;
}

int handle_role_update(req *r)
{
    int64_t id;
    json_t *body = req_json_object(r);
    struct role_input in;
    if (!req_param_id(r, 0, &id) || !body || !role_input(r, body, false, &in))
        return req_status(r);
    err e = org_role_save(r, id, &in, NULL);
    if (e != E_OK)
        return req_fail(r, e, NULL);
    return write_roles(r, id);
}

int handle_role_delete(req *r)
{
    int64_t id;
    if (!req_param_id(r, 0, &id))
        return req_status(r);
    err e = org_role_delete(r, id);
    return e == E_OK ? 204 : req_fail(r, e, NULL);
}

/* ---- positions ---------------------------------------------------------------------- */

static int write_positions(req *r, int64_t only, int status)
{
    db_stmt *st = org_sql_positions(r->db);
    if (!st)
        return req_fail(r, E_INTERNAL, NULL);
    jw *w = &r->out;
    if (!only)
        req_list_begin(r);
    int rc, n = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        if (only && db_col_int64(st, 0) != only)
            continue;
        n++;
        jw_obj(w);
        jw_kint(w, "id", db_col_int64(st, 0));
        jw_kstr(w, "code", db_col_text(st, 1));
        jw_kstr(w, "name", db_col_text(st, 2));
        jw_kbool(w, "is_custodian", db_col_int64(st, 3) != 0);
        jw_kobj(w, "role");
        jw_kint(w, "id", db_col_int64(st, 4));
        jw_kstr(w, "code", db_col_text(st, 5));
        jw_kstr(w, "name", db_col_text(st, 6));
        jw_end(w);
        jw_kint(w, "user_count", db_col_int64(st, 7));
        jw_end(w);
    }
    db_reset(st);
    if (rc != DB_DONE || (only && !n))
        return req_fail(r, E_INTERNAL, NULL);
    if (!only)
        req_list_end(r, n, 1, n);
    return status;
}

int handle_positions_list(req *r)
{
    return write_positions(r, 0, 200);
}

static bool role_ref_ok(req *r, int64_t role_id)
{
    int rc = org_sql_role_exists(r->db, role_id, NULL);
    if (rc != DB_ROW)
        req_fail(r, rc == DB_DONE ? E_FIELD_INVALID : E_INTERNAL, "role_id");
    return rc == DB_ROW;
}

int handle_position_create(req *r)
{
    json_t *body = req_json_object(r);
    if (!body)
        return req_status(r);
    const char *code = req_text_field(r, body, "code", true, CODE_MAX);
    const char *name = code ? req_text_field(r, body, "name", true, NAME_MAX_CHARS) : NULL;
    int64_t role_id;
    bool custodian = false;
    if (!name || !req_int_field(r, body, "role_id", true, &role_id, NULL) ||
        !req_bool_field(r, body, "is_custodian", &custodian, NULL))
        return req_status(r);
    if (!code_ok(code))
        return req_fail(r, E_FIELD_INVALID, "code");
    if (!role_ref_ok(r, role_id))
        return req_status(r);
    bool used;
    if (org_sql_code_used(r->db, "positions", code, &used) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    if (used)
        return req_fail(r, E_POSITION_CODE_TAKEN, "code");
    int64_t id = 0;
    if (db_begin(r->db) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    int rc = org_sql_position_insert(r->db, code, name, role_id, custodian, &id);
    if (rc == DB_OK)
        rc = req_audit(r, "position.created", "position", id,
                       arena_printf(r->a, "{\"after\":{\"role_id\":%lld,\"is_custodian\":%s}}", (long long)role_id,
                                    custodian ? "true" : "false"));
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return req_fail(r, rc == DB_CONSTRAINT ? E_POSITION_CODE_TAKEN : E_INTERNAL, "code");
    }
    return write_positions(r, id, 201);
}

int handle_position_update(req *r)
{
    int64_t id;
    json_t *body = req_json_object(r);
    if (!req_param_id(r, 0, &id) || !body)
        return req_status(r);
    const char *name, *new_name = NULL;
    int64_t role_id, new_role;
    bool custodian, has_role;
    int rc = org_sql_position_get(r->db, r->a, id, &name, &role_id, &custodian);
    if (rc != DB_ROW)
        return req_fail(r, rc == DB_DONE ? E_NOT_FOUND : E_INTERNAL, NULL);
    bool was_custodian = custodian;
    if (json_object_get(body, "name") && !(new_name = req_text_field(r, body, "name", true, NAME_MAX_CHARS)))
        return req_status(r);
    if (!req_int_field(r, body, "role_id", false, &new_role, &has_role) ||
        !req_bool_field(r, body, "is_custodian", &custodian, NULL))
        return req_status(r);
    if (has_role && !role_ref_ok(r, new_role))
        return req_status(r);
    if (db_begin(r->db) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    rc = org_sql_position_update(r->db, id, new_name ? new_name : name, has_role ? new_role : role_id, custodian);
    if (rc == DB_OK)
        rc = req_audit(r, "position.updated", "position", id,
                       arena_printf(r->a,
                                    "{\"before\":{\"role_id\":%lld,\"is_custodian\":%s},"
                                    "\"after\":{\"role_id\":%lld,\"is_custodian\":%s}}",
                                    (long long)role_id, was_custodian ? "true" : "false",
                                    (long long)(has_role ? new_role : role_id), custodian ? "true" : "false"));
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return req_fail(r, E_INTERNAL, NULL);
    }
    return write_positions(r, id, 200);
}
