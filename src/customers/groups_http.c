/*
 * groups_http.c — customer groups (CUS-11): each user keeps their own groups, admins
 * with customers.settings keep system groups everyone sees. Members are added and
 * removed in sets (only customers inside the caller's scope) and listed through the
 * customers list (scoped and masked like every customer list). Bulk SMS and bulk
 * contact plans for a group come with the contact issue.
 */
#include "auth/auth.h"
#include "classify.h"
#include "core/log.h"
#include "core/util.h"

#define NOTE_MAX 200

static int fail_db(req *r, const char *what)
{
    log_error("groups: %s: %s", what, db_errmsg(r->db));
    return req_fail(r, E_INTERNAL, NULL);
}

static bool is_admin(req *r)
{
    return access_has(req_access(r), "customers.settings");
}

static void write_group(req *r, db_stmt *st)
{
    jw *w = &r->out;
    bool system = db_col_null(st, 3);
    jw_obj(w);
    jw_kint(w, "id", db_col_int64(st, 0));
    jw_kstr(w, "name", db_col_text(st, 1));
    jw_kstr(w, "note", db_col_text(st, 2));
    jw_kbool(w, "system", system);
    jw_kbool(w, "editable", !system || is_admin(r));
    jw_kint(w, "created_at", db_col_int64(st, 4));
    jw_kint(w, "members", db_col_int64(st, 5));
    jw_end(w);
}

static int answer_groups(req *r, int64_t only, int status)
{
    db_stmt *st = group_sql_list(r->db, r->session->user_id);
    if (!st)
        return fail_db(r, "list");
    if (!only) {
        jw_obj(&r->out);
        jw_karr(&r->out, "items");
    }
    int rc;
    while ((rc = db_step(st)) == DB_ROW)
        if (!only || db_col_int64(st, 0) == only)
            write_group(r, st);
    db_reset(st);
    if (rc != DB_DONE)
        return fail_db(r, "list");
    if (!only) {
        jw_end(&r->out);
        jw_end(&r->out);
    }
    return status;
}

int handle_groups_list(req *r)
{
    return answer_groups(r, 0, 200);
}

static bool read_group(req *r, json_t *body, const char **name, const char **note)
{
    if (!(*name = req_text_field(r, body, "name", true, CLASSIFY_NAME_MAX)))
        return false;
    *note = req_str_field(r, body, "note", false);
    if (r->error != E_OK)
        return false;
    if (!*note)
        *note = "";
    size_t chars = 0;
    for (const char *p = *note; *p; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    if (chars > NOTE_MAX)
        return req_fail(r, E_FIELD_INVALID, "note"), false;
    return true;
}

/* The group for a change: false after req_fail() (404 not visible, 403 system group). */
static bool group_for_change(req *r, int64_t id, bool *system)
{
    bool found = false;
    if (group_sql_get(r->db, id, r->session->user_id, &found, system) != DB_OK)
        return fail_db(r, "group"), false;
    if (!found)
        return req_fail(r, E_NOT_FOUND, NULL), false;
    if (*system && !is_admin(r))
        return req_fail(r, E_GROUP_READ_ONLY, NULL), false;
    return true;
}

static const char *group_detail(req *r, const char *name, const char *note, bool system)
{
    jw w;
    jw_init(&w, 128);
    jw_obj(&w);
    jw_kobj(&w, "after");
    jw_kstr(&w, "name", name);
    jw_kstr(&w, "note", note);
    jw_kbool(&w, "system", system);
    jw_end(&w);
    jw_end(&w);
    return classify_json(r, &w);
}

int handle_group_create(req *r)
{
    json_t *body = req_json_object(r);
    const char *name, *note;
    bool system = false, used;
    int64_t id = 0;
    if (!body || !read_group(r, body, &name, &note) || !req_bool_field(r, body, "system", &system, NULL))
        return req_status(r);
    if (system && !is_admin(r))
        return req_fail(r, E_GROUP_READ_ONLY, "system");
    int64_t owner = system ? 0 : r->session->user_id;
    if (group_sql_name_used(r->db, name, owner, 0, &used) != DB_OK)
        return fail_db(r, "name");
    if (used)
        return req_fail(r, E_GROUP_NAME_TAKEN, "name");
    if (db_begin(r->db) != DB_OK)
        return fail_db(r, "begin");
    int rc = group_sql_insert(r->db, name, note, owner, r->session->user_id, &id);
    if (rc == DB_OK)
        rc = req_audit(r, "customer_group.created", "customer_group", id, group_detail(r, name, note, system));
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return fail_db(r, "create");
    }
    return answer_groups(r, id, 201);
}

int handle_group_update(req *r)
{
    json_t *body = req_json_object(r);
    const char *name, *note;
    bool system, used;
    int64_t id;
    if (!req_param_id(r, 0, &id) || !body)
        return req_status(r);
    if (!group_for_change(r, id, &system) || !read_group(r, body, &name, &note))
        return req_status(r);
    if (group_sql_name_used(r->db, name, system ? 0 : r->session->user_id, id, &used) != DB_OK)
        return fail_db(r, "name");
    if (used)
        return req_fail(r, E_GROUP_NAME_TAKEN, "name");
    if (db_begin(r->db) != DB_OK)
        return fail_db(r, "begin");
    int rc = group_sql_update(r->db, id, name, note);
    if (rc == DB_OK)
        rc = req_audit(r, "customer_group.updated", "customer_group", id, group_detail(r, name, note, system));
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return fail_db(r, "update");
    }
    return answer_groups(r, id, 200);
}

int handle_group_delete(req *r)
{
    bool system;
    int64_t id;
    if (!req_param_id(r, 0, &id))
        return req_status(r);
    if (!group_for_change(r, id, &system))
        return req_status(r);
    if (db_begin(r->db) != DB_OK)
        return fail_db(r, "begin");
    int rc = group_sql_delete(r->db, id);
    if (rc == DB_OK)
        rc = req_audit(r, "customer_group.deleted", "customer_group", id, NULL);
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return fail_db(r, "delete");
    }
    return 204;
}

int handle_group_customers(req *r)
{
    int64_t id;
    bool found = false, system;
    if (!req_param_id(r, 0, &id))
        return req_status(r);
    if (group_sql_get(r->db, id, r->session->user_id, &found, &system) != DB_OK)
        return fail_db(r, "group");
    if (!found)
        return req_fail(r, E_NOT_FOUND, NULL);
    struct customer_filter *f = arena_alloc(r->a, sizeof *f);
    if (!customer_filter_from_query(r, f))
        return req_status(r);
    f->group_id = id;
    return customers_list(r, f);
}

static int change_members(req *r, bool add)
{
    json_t *body = req_json_object(r);
    bool system;
    int64_t id, in_scope = 0, changed = 0;
    int n = 0;
    if (!req_param_id(r, 0, &id) || !body)
        return req_status(r);
    if (!group_for_change(r, id, &system))
        return req_status(r);
    const char *ids = classify_ids(r, body, "customer_ids", &n);
    const struct access *acc = ids ? req_scope(r) : NULL;
    if (!ids)
        return req_status(r);
    if (!acc)
        return req_fail(r, E_INTERNAL, NULL);
    if (db_begin(r->db) != DB_OK)
        return fail_db(r, "begin");
    int rc = group_sql_members(r->db, r->a, acc, id, ids, add, &in_scope, &changed);
    int64_t skipped = in_scope - changed, outside = n - in_scope;
    if (rc == DB_OK)
        rc = req_audit(r, add ? "customer_group.members_added" : "customer_group.members_removed", "customer_group", id,
                       arena_printf(r->a, "{\"requested\":%d,\"changed\":%lld,\"skipped\":%lld,\"out_of_scope\":%lld}",
                                    n, (long long)changed, (long long)skipped, (long long)outside));
    if (rc != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return fail_db(r, "members");
    }
    jw *w = &r->out;
    jw_obj(w);
    jw_kint(w, "group_id", id);
    jw_kint(w, "requested", n);
    jw_kint(w, "changed", changed);
    jw_kint(w, "skipped", skipped);
    jw_kint(w, "out_of_scope", outside);
    jw_end(w);
    return 200;
}

int handle_group_add(req *r)
{
    return change_members(r, true);
}

int handle_group_remove(req *r)
{
    return change_members(r, false);
}
