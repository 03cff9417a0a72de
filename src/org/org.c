/*
 * org.c — the rules of the org module (org.h): valid levels of the org tree, moves
 * that cannot create cycles, roles whose permissions come from the catalogue,
 * users created only inside the caller's scope, one-time passwords, staff leave.
 * Each change and its audit record commit together.
 */
#include "auth/auth.h"
#include "core/log.h"
#include "core/util.h"
#include "org.h"

#include <sodium.h>
#include <string.h>

/* ---- shared steps -------------------------------------------------------------- */

/* A JSON object as audit detail text, in the request arena; takes the reference. */
static const char *detail(req *r, json_t *o)
{
    char *s = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    const char *out = s ? arena_strdup(r->a, s) : "{}";
    free(s);
    json_decref(o);
    return out;
}

/* Commits when rc is DB_OK, else rolls back; maps the outcome to an error. */
static err finish(req *r, int rc, err on_constraint)
{
    if (rc == DB_OK && db_commit(r->db) == DB_OK)
        return E_OK;
    db_rollback(r->db);
    if (rc == DB_CONSTRAINT)
        return on_constraint;
    log_error("org: %s", db_errmsg(r->db));
    return E_INTERNAL;
}

/* ---- units (ORG-1) -------------------------------------------------------------- */

static const char *const bank_levels[] = {"province", "county", "branch", "outlet"};
static const char *const firm_levels[] = {"company", "center", "department", "team"};

/* 1-based rank in its family, family 0 bank / 1 brokerage; 0 when unknown */
static int level_rank(const char *level, int *family)
{
    for (int i = 0; level && i < 4; i++) {
        if (strcmp(level, bank_levels[i]) == 0) {
            *family = 0;
            return i + 1;
        }
        if (strcmp(level, firm_levels[i]) == 0) {
            *family = 1;
            return i + 1;
        }
    }
    return 0;
}

bool org_level_ok(const char *parent, const char *child)
{
    int cf = 0, pf = 0;
    int c = level_rank(child, &cf);
    if (!c)
        return false;
    if (!parent)
        return c == 1;
    int p = level_rank(parent, &pf);
    return p && pf == cf && c > p;
}

static json_t *unit_json(const struct unit *u)
{
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:I}", "parent_id", (json_int_t)u->parent_id, "code", u->code, "name",
                     u->name, "level", u->level, "status", u->status ? u->status : "active", "sort_order",
                     (json_int_t)u->sort_order);
}

void org_write_unit(jw *w, const struct unit *u)
{
    jw_obj(w);
    jw_kint(w, "id", u->id);
    if (u->parent_id)
        jw_kint(w, "parent_id", u->parent_id);
    else
        jw_knull(w, "parent_id");
    jw_kstr(w, "code", u->code);
    jw_kstr(w, "name", u->name);
    jw_kstr(w, "level", u->level);
    jw_kstr(w, "status", u->status);
    jw_kint(w, "sort_order", u->sort_order);
    jw_kstr(w, "path", u->path);
    jw_end(w);
}

static err code_free(req *r, const char *code, int64_t except)
{
    bool used;
    if (org_sql_unit_code_used(r->db, code, except, &used) != DB_OK)
        return E_INTERNAL;
    return used ? E_ORG_CODE_TAKEN : E_OK;
}

err org_unit_create(req *r, struct unit *u)
{
    struct unit parent = {0};
    if (u->parent_id) {
        int rc = org_sql_unit_get(r->db, r->a, u->parent_id, &parent);
        if (rc != DB_ROW)
            return rc == DB_DONE ? E_FIELD_INVALID : E_INTERNAL;
        if (strcmp(parent.status, "active") != 0)
            return E_ORG_PARENT_CLOSED;
    }
    if (!org_level_ok(u->parent_id ? parent.level : NULL, u->level))
        return E_ORG_LEVEL_INVALID;
    err e = code_free(r, u->code, 0);
    if (e != E_OK)
        return e;
    if (db_begin(r->db) != DB_OK)
        return E_INTERNAL;
    int rc = org_sql_unit_insert(r->db, u, u->parent_id ? parent.path : NULL, &u->id);
    if (rc == DB_OK)
        rc = req_audit(r, "org.unit_created", "org_unit", u->id, detail(r, json_pack("{s:o}", "after", unit_json(u))));
    if ((e = finish(r, rc, E_ORG_CODE_TAKEN)) != E_OK)
        return e;
    return org_sql_unit_get(r->db, r->a, u->id, u) == DB_ROW ? E_OK : E_INTERNAL;
}

err org_unit_update(req *r, int64_t id, const char *code, const char *name, const int64_t *sort_order)
{
    struct unit u;
    int rc = org_sql_unit_get(r->db, r->a, id, &u);
    if (rc != DB_ROW)
        return rc == DB_DONE ? E_NOT_FOUND : E_INTERNAL;
    struct unit next = u;
    if (code)
        next.code = code;
    if (name)
        next.name = name;
    if (sort_order)
        next.sort_order = *sort_order;
    err e = code ? code_free(r, code, id) : E_OK;
    if (e != E_OK)
        return e;
    if (db_begin(r->db) != DB_OK)
        return E_INTERNAL;
    rc = org_sql_unit_update(r->db, id, next.code, next.name, next.sort_order);
    if (rc == DB_OK)
        rc = req_audit(r, "org.unit_updated", "org_unit", id,
                       detail(r, json_pack("{s:o,s:o}", "before", unit_json(&u), "after", unit_json(&next))));
    return finish(r, rc, E_ORG_CODE_TAKEN);
}

err org_unit_move(req *r, int64_t id, int64_t parent_id)
{
    struct unit u, parent;
    int rc = org_sql_unit_get(r->db, r->a, id, &u);
    if (rc != DB_ROW)
        return rc == DB_DONE ? E_NOT_FOUND : E_INTERNAL;
    rc = org_sql_unit_get(r->db, r->a, parent_id, &parent);
    if (rc != DB_ROW)
        return rc == DB_DONE ? E_FIELD_INVALID : E_INTERNAL;
    if (str_starts(parent.path, u.path))
        return E_ORG_MOVE_CYCLE;
    if (strcmp(parent.status, "active") != 0)
        return E_ORG_PARENT_CLOSED;
    if (!org_level_ok(parent.level, u.level))
        return E_ORG_LEVEL_INVALID;
    const char *new_path = arena_printf(r->a, "%s%lld/", parent.path, (long long)id);
    if (db_begin(r->db) != DB_OK)
        return E_INTERNAL;
    rc = org_sql_unit_move(r->db, id, parent_id, u.path, new_path);
    if (rc == DB_OK)
        rc = req_audit(r, "org.unit_moved", "org_unit", id,
                       detail(r, json_pack("{s:{s:I},s:{s:I}}", "before", "parent_id", (json_int_t)u.parent_id, "after",
                                           "parent_id", (json_int_t)parent_id)));
    return finish(r, rc, E_INTERNAL);
}

err org_unit_set_status(req *r, int64_t id, bool open)
{
    struct unit u;
    int rc = org_sql_unit_get(r->db, r->a, id, &u);
    if (rc != DB_ROW)
        return rc == DB_DONE ? E_NOT_FOUND : E_INTERNAL;
    if (!open) {
        int64_t users, children;
        if (org_sql_unit_busy(r->db, id, &users, &children) != DB_OK)
            return E_INTERNAL;
        if (users || children)
            return E_ORG_UNIT_NOT_EMPTY;
    } else if (u.parent_id) {
        struct unit parent;
        if (org_sql_unit_get(r->db, r->a, u.parent_id, &parent) != DB_ROW)
            return E_INTERNAL;
        if (strcmp(parent.status, "active") != 0)
            return E_ORG_PARENT_CLOSED;
    }
    if (db_begin(r->db) != DB_OK)
        return E_INTERNAL;
    rc = org_sql_unit_status(r->db, id, open ? "active" : "closed");
    if (rc == DB_OK)
        rc = req_audit(r, open ? "org.unit_reopened" : "org.unit_closed", "org_unit", id, NULL);
    return finish(r, rc, E_INTERNAL);
}

/* ---- roles (ORG-3, ORG-4, ORG-6) ----------------------------------------------------- */

static json_t *role_json(req *r, int64_t id, const struct role_input *in)
{
    json_t *perms = json_array();
    if (in) {
        for (int i = 0; i < in->nperms; i++)
            json_array_append_new(perms, json_string(in->perms[i]));
    } else {
        db_stmt *st = org_sql_role_perms(r->db, id);
        while (st && db_step(st) == DB_ROW)
            json_array_append_new(perms, json_string(db_col_text(st, 0)));
        if (st)
            db_reset(st);
    }
    json_t *fields = json_object();
    struct field_rule rules[64], *fr = in ? in->fields : NULL;
    if (!fr && ncustomer_fields <= 64 && field_rules_load(r->db, r->a, id, rules) == DB_OK)
        fr = rules;
    for (int i = 0; fr && i < ncustomer_fields; i++)
        json_object_set_new(fields, fr[i].field,
                            json_pack("{s:s,s:s}", "access", field_access_name(fr[i].access), "masking",
                                      field_masking_name(fr[i].masking)));
    return json_pack("{s:o,s:o}", "permissions", perms, "fields", fields);
}

err org_role_save(req *r, int64_t id, struct role_input *in, int64_t *new_id)
{
    bool builtin = false;
    if (id) {
        int rc = org_sql_role_exists(r->db, id, &builtin);
        if (rc != DB_ROW)
            return rc == DB_DONE ? E_NOT_FOUND : E_INTERNAL;
    } else {
        bool used;
        if (org_sql_code_used(r->db, "roles", in->code, &used) != DB_OK)
            return E_INTERNAL;
        if (used)
            return E_ROLE_CODE_TAKEN;
    }
    json_t *before = id ? role_json(r, id, NULL) : NULL;
    if (db_begin(r->db) != DB_OK) {
        json_decref(before);
        return E_INTERNAL;
    }
    int rc = id ? org_sql_role_update(r->db, id, in) : org_sql_role_insert(r->db, in, &id);
    if (rc == DB_OK)
        rc = org_sql_role_set_perms(r->db, id, in->perms, in->nperms);
    if (rc == DB_OK && in->fields)
        rc = org_sql_role_set_fields(r->db, id, in->fields, ncustomer_fields);
    if (rc == DB_OK) {
        json_t *after = role_json(r, id, NULL);
        json_object_set_new(after, "data_scope", json_string(data_scope_name(in->scope)));
        json_object_set_new(after, "name", json_string(in->name));
        rc = req_audit(r, new_id && !before ? "role.created" : "role.updated", "role", id,
                       detail(r, before ? json_pack("{s:o,s:o}", "before", before, "after", after)
                                        : json_pack("{s:o}", "after", after)));
    } else {
        json_decref(before);
    }
    if (new_id)
        *new_id = id;
    return finish(r, rc, E_ROLE_CODE_TAKEN);
}

err org_role_delete(req *r, int64_t id)
{
    bool builtin = false;
    int rc = org_sql_role_exists(r->db, id, &builtin);
    if (rc != DB_ROW)
        return rc == DB_DONE ? E_NOT_FOUND : E_INTERNAL;
    if (builtin)
        return E_ROLE_BUILTIN;
    int64_t n;
    if (org_sql_role_positions(r->db, id, &n) != DB_OK)
        return E_INTERNAL;
    if (n)
        return E_ROLE_IN_USE;
    json_t *before = role_json(r, id, NULL);
    if (db_begin(r->db) != DB_OK) {
        json_decref(before);
        return E_INTERNAL;
    }
    rc = org_sql_role_delete(r->db, id);
    if (rc == DB_OK)
        rc = req_audit(r, "role.deleted", "role", id, detail(r, json_pack("{s:o}", "before", before)));
    else
        json_decref(before);
    return finish(r, rc, E_ROLE_IN_USE);
}

/* ---- users (ORG-2, AUTH-1) ------------------------------------------------------------- */

void org_one_time_password(char out[16])
{
    static const char letters[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
    static const char digits[] = "23456789";
    for (int i = 0; i < 12; i++) {
        /* positions 0-7 letters, 8-11 digits, then shuffled: always letters and digits */
        out[i] =
            i < 8 ? letters[randombytes_uniform(sizeof letters - 1)] : digits[randombytes_uniform(sizeof digits - 1)];
    }
    for (int i = 11; i > 0; i--) {
        int j = (int)randombytes_uniform((uint32_t)i + 1);
        char t = out[i];
        out[i] = out[j];
        out[j] = t;
    }
    out[12] = '\0';
}

err org_user_in_scope(req *r, int64_t id)
{
    const struct access *acc = req_scope(r);
    if (!acc)
        return E_INTERNAL;
    const char *path;
    int rc = org_sql_user_unit_path(r->db, r->a, id, &path, NULL);
    if (rc != DB_ROW)
        return rc == DB_DONE ? E_NOT_FOUND : E_INTERNAL;
    /* unit scopes decide by the user's unit; self scopes see themselves and their
     * reports only, as the list does (their unit is not theirs to manage) */
    if (acc->scope != SCOPE_SELF && acc->scope != SCOPE_SELF_AND_REPORTS)
        return scope_has_unit(acc, path) ? E_OK : E_NOT_FOUND;
    sqlb q = {.a = r->a};
    struct user_filter f = {.id = id};
    org_sql_users_query(&q, acc, &f, true);
    db_stmt *st = sqlb_prepare(&q, r->db);
    int64_t n = st && db_step(st) == DB_ROW ? db_col_int64(st, 0) : -1;
    if (st)
        db_reset(st);
    return n < 0 ? E_INTERNAL : n ? E_OK : E_NOT_FOUND;
}

/* The unit, position and manager named by a create/update must exist and the unit
 * and manager must be inside the caller's scope. */
static err check_refs(req *r, const struct user_input *in, const char **field)
{
    const struct access *acc = req_scope(r);
    if (in->has_unit) {
        struct unit u;
        *field = "unit_id";
        int rc = org_sql_unit_get(r->db, r->a, in->unit_id, &u);
        if (rc == DB_ERROR)
            return E_INTERNAL;
        if (rc == DB_DONE || strcmp(u.status, "active") != 0 || !scope_has_unit(acc, u.path))
            return E_FIELD_INVALID;
    }
    if (in->has_position) {
        const char *name;
        int64_t role;
        bool cust;
        *field = "position_id";
        int rc = org_sql_position_get(r->db, r->a, in->position_id, &name, &role, &cust);
        if (rc != DB_ROW)
            return rc == DB_DONE ? E_FIELD_INVALID : E_INTERNAL;
    }
    if (in->has_reports_to && in->reports_to) {
        *field = "reports_to";
        err e = org_user_in_scope(r, in->reports_to);
        if (e != E_OK)
            return e == E_NOT_FOUND ? E_FIELD_INVALID : e;
    }
    *field = NULL;
    return E_OK;
}

static json_t *user_input_json(const struct user_input *in)
{
    json_t *o = json_object();
    if (in->username)
        json_object_set_new(o, "username", json_string(in->username));
    if (in->display_name)
        json_object_set_new(o, "display_name", json_string(in->display_name));
    if (in->has_phone)
        json_object_set_new(o, "phone", in->phone ? json_string(in->phone) : json_null());
    if (in->has_credit_id)
        json_object_set_new(o, "credit_id", in->credit_id ? json_string(in->credit_id) : json_null());
    if (in->has_unit)
        json_object_set_new(o, "unit_id", json_integer(in->unit_id));
    if (in->has_position)
        json_object_set_new(o, "position_id", json_integer(in->position_id));
    if (in->has_reports_to)
        json_object_set_new(o, "reports_to", in->reports_to ? json_integer(in->reports_to) : json_null());
    return o;
}

err org_user_create(req *r, const struct user_input *in, int64_t *id, char password[16])
{
    const char *field;
    err e = check_refs(r, in, &field);
    if (e != E_OK) {
        r->error_field = field;
        return e;
    }
    bool used;
    if (org_sql_code_used(r->db, "users", in->username, &used) != DB_OK)
        return E_INTERNAL;
    if (used)
        return E_USERNAME_TAKEN;
    char hash[128];
    org_one_time_password(password);
    if (auth_hash_password(password, hash) != 0)
        return E_INTERNAL;
    if (db_begin(r->db) != DB_OK)
        return E_INTERNAL;
    int rc = org_sql_user_insert(r->db, in, hash, id);
    if (rc == DB_OK)
        rc = req_audit(r, "user.created", "user", *id, detail(r, json_pack("{s:o}", "after", user_input_json(in))));
    return finish(r, rc, E_USERNAME_TAKEN);
}

err org_user_update(req *r, int64_t id, const struct user_input *in)
{
    err e = org_user_in_scope(r, id);
    if (e != E_OK)
        return e;
    const char *field;
    if ((e = check_refs(r, in, &field)) != E_OK) {
        r->error_field = field;
        return e;
    }
    if (in->has_reports_to && in->reports_to == id) {
        r->error_field = "reports_to";
        return E_FIELD_INVALID;
    }
    if (db_begin(r->db) != DB_OK)
        return E_INTERNAL;
    int rc = org_sql_user_update(r->db, id, in);
    if (rc == DB_OK)
        rc = req_audit(r, "user.updated", "user", id, detail(r, json_pack("{s:o}", "after", user_input_json(in))));
    return finish(r, rc, E_INTERNAL);
}

err org_user_set_status(req *r, int64_t id, bool active)
{
    err e = org_user_in_scope(r, id);
    if (e != E_OK)
        return e;
    if (id == r->session->user_id)
        return E_USER_SELF;
    if (db_begin(r->db) != DB_OK)
        return E_INTERNAL;
    int rc = org_sql_user_status(r->db, id, active ? "active" : "disabled");
    if (rc == DB_OK && !active)
        rc = org_sql_end_sessions(r->db, id);
    if (rc == DB_OK)
        rc = req_audit(r, active ? "user.enabled" : "user.disabled", "user", id, NULL);
    return finish(r, rc, E_INTERNAL);
}

err org_user_reset_password(req *r, int64_t id, char password[16])
{
    err e = org_user_in_scope(r, id);
    if (e != E_OK)
        return e;
    if (id == r->session->user_id)
        return E_USER_SELF; /* one's own password is changed with the current one */
    char hash[128];
    org_one_time_password(password);
    if (auth_hash_password(password, hash) != 0)
        return E_INTERNAL;
    if (db_begin(r->db) != DB_OK)
        return E_INTERNAL;
    int rc = org_sql_user_password(r->db, id, hash);
    if (rc == DB_OK)
        rc = org_sql_end_sessions(r->db, id);
    if (rc == DB_OK)
        rc = req_audit(r, "user.password_reset", "user", id, NULL);
    return finish(r, rc, E_INTERNAL);
}

err org_user_unlock(req *r, int64_t id)
{
    err e = org_user_in_scope(r, id);
    if (e != E_OK)
        return e;
    if (db_begin(r->db) != DB_OK)
        return E_INTERNAL;
    int rc = org_sql_user_unlock(r->db, id);
    if (rc == DB_OK)
        rc = req_audit(r, "user.unlocked", "user", id, NULL);
    return finish(r, rc, E_INTERNAL);
}

/* ---- staff leave (ORG-7) ---------------------------------------------------------------- */

err org_handover(req *r, int64_t from, int64_t to, bool disable, const char *note, struct handover_result *out)
{
    if (from == to)
        return E_HANDOVER_SAME_USER;
    err e = org_user_in_scope(r, from);
    if (e != E_OK)
        return e;
    if (org_user_in_scope(r, to) != E_OK)
        return E_HANDOVER_TARGET_INACTIVE;
    const char *path;
    bool active = false;
    if (org_sql_user_unit_path(r->db, r->a, to, &path, &active) != DB_ROW)
        return E_INTERNAL;
    if (!active)
        return E_HANDOVER_TARGET_INACTIVE;
    if (disable && from == r->session->user_id)
        return E_USER_SELF;

    memset(out, 0, sizeof *out);
    if (db_begin(r->db) != DB_OK)
        return E_INTERNAL;
    int rc = org_sql_handover_insert(r->db, from, to, r->session->user_id, note, &out->id);
    for (int i = 0; rc == DB_OK && i < nhandover_parts; i++)
        if (handover_parts[i].move)
            rc = handover_parts[i].move(r->db, from, to, out->id, &out->counts[i]);
    if (rc == DB_OK)
        rc = org_sql_handover_counts(r->db, out->id, out->counts);
    if (rc == DB_OK && disable)
        rc = org_sql_user_status(r->db, from, "disabled");
    if (rc == DB_OK && disable)
        rc = org_sql_end_sessions(r->db, from);
    if (rc == DB_OK)
        rc = req_audit(r, "user.handover", "user", from,
                       detail(r, json_pack("{s:I,s:I,s:I,s:I,s:I,s:b}", "handover_id", (json_int_t)out->id, "to_user",
                                           (json_int_t)to, "customers", (json_int_t)out->counts[0], "tasks",
                                           (json_int_t)out->counts[1], "approvals", (json_int_t)out->counts[2],
                                           "disabled", disable)));
    return finish(r, rc, E_INTERNAL);
}
