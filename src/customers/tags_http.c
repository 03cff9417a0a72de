/*
 * tags_http.c — tags (CUS-7): the admin keeps tag groups (single or multi select) and
 * their tags; custodians, and holders of customers.edit or customers.settings within
 * their scope, tag one customer or a batch (only customers inside the caller's scope
 * are touched); automatic rules tag by conditions over customer fields.
 */
#include "auth/auth.h"
#include "classify.h"
#include "core/log.h"
#include "core/util.h"

#include <string.h>

/* May the caller tag any customer of the scope (not only those in custody)? */
static bool may_tag_any(req *r)
{
    const struct access *acc = req_access(r);
    return access_has(acc, "customers.edit") || access_has(acc, "customers.settings");
}

/* "" or "#rrggbb" */
static bool color_ok(const char *c)
{
    if (!*c)
        return true;
    if (strlen(c) != 7 || c[0] != '#')
        return false;
    for (int i = 1; i < 7; i++)
        if (!((c[i] >= '0' && c[i] <= '9') || (c[i] >= 'a' && c[i] <= 'f') || (c[i] >= 'A' && c[i] <= 'F')))
            return false;
    return true;
}

static int fail_db(req *r, const char *what)
{
    log_error("tags: %s: %s", what, db_errmsg(r->db));
    return req_fail(r, E_INTERNAL, NULL);
}

/* Ends a change: commit, or roll back and answer the error. */
static int finish(req *r, int rc, err on_constraint, const char *field)
{
    if (rc == DB_OK && db_commit(r->db) == DB_OK)
        return DB_OK;
    db_rollback(r->db);
    if (rc == DB_CONSTRAINT && on_constraint != E_OK)
        return req_fail(r, on_constraint, field), DB_ERROR;
    return fail_db(r, "change"), DB_ERROR;
}

/* ---- groups and tags ----------------------------------------------------------------- */

static void write_tag(jw *w, db_stmt *t)
{
    jw_obj(w);
    jw_kint(w, "id", db_col_int64(t, 0));
    jw_kint(w, "group_id", db_col_int64(t, 1));
    jw_kstr(w, "name", db_col_text(t, 2));
    jw_kstr(w, "color", db_col_text(t, 3));
    jw_kint(w, "sort", db_col_int64(t, 4));
    jw_kint(w, "customers", db_col_int64(t, 5));
    jw_end(w);
}

/* Every group with its tags ({items}), or one group, or one tag. */
static int answer_groups(req *r, int64_t group_id, int64_t tag_id, int status)
{
    jw *w = &r->out;
    db_stmt *t = tag_sql_tags(r->db);
    if (!t)
        return fail_db(r, "tags");
    int rc;
    if (tag_id) {
        bool found = false;
        while ((rc = db_step(t)) == DB_ROW)
            if (db_col_int64(t, 0) == tag_id) {
                write_tag(w, t);
                found = true;
                break;
            }
        db_reset(t);
        return found ? status : req_fail(r, E_NOT_FOUND, NULL);
    }
    /* tags are ordered by group: read them once into the arena */
    struct trow {
        int64_t id, group_id, sort, customers;
        const char *name, *color;
    } *tags = NULL;
    int n = 0, cap = 0;
    while ((rc = db_step(t)) == DB_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            struct trow *more = arena_alloc(r->a, (size_t)cap * sizeof *more);
            if (n)
                memcpy(more, tags, (size_t)n * sizeof *more);
            tags = more;
        }
        tags[n++] = (struct trow){db_col_int64(t, 0),
                                  db_col_int64(t, 1),
                                  db_col_int64(t, 4),
                                  db_col_int64(t, 5),
                                  arena_strdup(r->a, db_col_text(t, 2)),
                                  arena_strdup(r->a, db_col_text(t, 3))};
    }
    db_reset(t);
    db_stmt *g = rc == DB_DONE ? tag_sql_groups(r->db) : NULL;
    if (!g)
        return fail_db(r, "tag groups");
    if (!group_id) {
        jw_obj(w);
        jw_karr(w, "items");
    }
    bool found = false;
    while ((rc = db_step(g)) == DB_ROW) {
        int64_t id = db_col_int64(g, 0);
        if (group_id && id != group_id)
            continue;
        found = true;
        jw_obj(w);
        jw_kint(w, "id", id);
        jw_kstr(w, "name", db_col_text(g, 1));
        jw_kbool(w, "multi", db_col_int64(g, 2) != 0);
        jw_kint(w, "sort", db_col_int64(g, 3));
        jw_karr(w, "tags");
        for (int i = 0; i < n; i++) {
            if (tags[i].group_id != id)
                continue;
            jw_obj(w);
            jw_kint(w, "id", tags[i].id);
            jw_kint(w, "group_id", id);
            jw_kstr(w, "name", tags[i].name);
            jw_kstr(w, "color", tags[i].color);
            jw_kint(w, "sort", tags[i].sort);
            jw_kint(w, "customers", tags[i].customers);
            jw_end(w);
        }
        jw_end(w);
        jw_end(w);
    }
    db_reset(g);
    if (rc != DB_DONE)
        return fail_db(r, "tag groups");
    if (!group_id) {
        jw_end(w);
        jw_end(w);
    } else if (!found) {
        return req_fail(r, E_NOT_FOUND, NULL);
    }
    return status;
}

int handle_tag_groups_list(req *r)
{
    return answer_groups(r, 0, 0, 200);
}

static bool read_group(req *r, json_t *body, const char **name, bool *multi, int64_t *sort)
{
    *multi = true;
    *sort = 0;
    return (*name = req_text_field(r, body, "name", true, CLASSIFY_NAME_MAX)) &&
           req_bool_field(r, body, "multi", multi, NULL) &&
           classify_int(r, body, "sort", false, -1000000, 1000000, sort);
}

static const char *group_detail(req *r, const char *name, bool multi, int64_t sort)
{
    jw w;
    jw_init(&w, 128);
    jw_obj(&w);
    jw_kobj(&w, "after");
    jw_kstr(&w, "name", name);
    jw_kbool(&w, "multi", multi);
    jw_kint(&w, "sort", sort);
    jw_end(&w);
    jw_end(&w);
    return classify_json(r, &w);
}

int handle_tag_group_create(req *r)
{
    json_t *body = req_json_object(r);
    const char *name;
    bool multi;
    int64_t sort, id = 0;
    if (!body || !read_group(r, body, &name, &multi, &sort))
        return req_status(r);
    if (db_begin(r->db) != DB_OK)
        return fail_db(r, "begin");
    int rc = tag_sql_group_insert(r->db, name, multi, sort, &id);
    if (rc == DB_OK)
        rc = req_audit(r, "tag_group.created", "tag_group", id, group_detail(r, name, multi, sort));
    if (finish(r, rc, E_TAG_GROUP_NAME_TAKEN, "name") != DB_OK)
        return req_status(r);
    return answer_groups(r, id, 0, 201);
}

int handle_tag_group_update(req *r)
{
    json_t *body = req_json_object(r);
    int64_t id, sort;
    const char *name;
    bool multi, old;
    if (!req_param_id(r, 0, &id) || !body)
        return req_status(r);
    int rc = tag_sql_group_get(r->db, id, &old);
    if (rc != DB_OK)
        return rc == DB_DONE ? req_fail(r, E_NOT_FOUND, NULL) : fail_db(r, "group");
    if (!read_group(r, body, &name, &multi, &sort))
        return req_status(r);
    if (db_begin(r->db) != DB_OK)
        return fail_db(r, "begin");
    rc = tag_sql_group_update(r->db, id, name, multi, sort);
    if (rc == DB_OK)
        rc = req_audit(r, "tag_group.updated", "tag_group", id, group_detail(r, name, multi, sort));
    if (finish(r, rc, E_TAG_GROUP_NAME_TAKEN, "name") != DB_OK)
        return req_status(r);
    return answer_groups(r, id, 0, 200);
}

int handle_tag_group_delete(req *r)
{
    int64_t id, n = 0;
    bool multi;
    if (!req_param_id(r, 0, &id))
        return req_status(r);
    int rc = tag_sql_group_get(r->db, id, &multi);
    if (rc != DB_OK)
        return rc == DB_DONE ? req_fail(r, E_NOT_FOUND, NULL) : fail_db(r, "group");
    if (tag_sql_group_tags(r->db, id, &n) != DB_OK)
        return fail_db(r, "group tags");
    if (n)
        return req_fail(r, E_TAG_GROUP_NOT_EMPTY, NULL);
    if (db_begin(r->db) != DB_OK)
        return fail_db(r, "begin");
    rc = tag_sql_group_delete(r->db, id);
    if (rc == DB_OK)
        rc = req_audit(r, "tag_group.deleted", "tag_group", id, NULL);
    if (finish(r, rc, E_OK, NULL) != DB_OK)
        return req_status(r);
    return 204;
}

static bool read_tag(req *r, json_t *body, const char **name, const char **color, int64_t *sort)
{
    *sort = 0;
    *color = "";
    if (!(*name = req_text_field(r, body, "name", true, CLASSIFY_NAME_MAX)) ||
        !classify_int(r, body, "sort", false, -1000000, 1000000, sort))
        return false;
    const char *c = req_str_field(r, body, "color", false);
    if (r->error != E_OK)
        return false;
    if (c)
        *color = c;
    if (!color_ok(*color))
        return req_fail(r, E_FIELD_INVALID, "color"), false;
    return true;
}

static const char *tag_detail(req *r, int64_t group_id, const char *name, const char *color, int64_t sort)
{
    jw w;
    jw_init(&w, 128);
    jw_obj(&w);
    jw_kobj(&w, "after");
    jw_kint(&w, "group_id", group_id);
    jw_kstr(&w, "name", name);
    jw_kstr(&w, "color", color);
    jw_kint(&w, "sort", sort);
    jw_end(&w);
    jw_end(&w);
    return classify_json(r, &w);
}

int handle_tag_create(req *r)
{
    json_t *body = req_json_object(r);
    int64_t group_id, sort, id = 0;
    const char *name, *color;
    bool multi;
    if (!req_param_id(r, 0, &group_id) || !body)
        return req_status(r);
    int rc = tag_sql_group_get(r->db, group_id, &multi);
    if (rc != DB_OK)
        return rc == DB_DONE ? req_fail(r, E_NOT_FOUND, NULL) : fail_db(r, "group");
    if (!read_tag(r, body, &name, &color, &sort))
        return req_status(r);
    if (db_begin(r->db) != DB_OK)
        return fail_db(r, "begin");
    rc = tag_sql_insert(r->db, group_id, name, color, sort, &id);
    if (rc == DB_OK)
        rc = req_audit(r, "tag.created", "tag", id, tag_detail(r, group_id, name, color, sort));
    if (finish(r, rc, E_TAG_NAME_TAKEN, "name") != DB_OK)
        return req_status(r);
    return answer_groups(r, 0, id, 201);
}

int handle_tag_update(req *r)
{
    json_t *body = req_json_object(r);
    int64_t id, group_id, sort;
    const char *name, *color;
    bool multi;
    if (!req_param_id(r, 0, &id) || !body)
        return req_status(r);
    int rc = tag_sql_get(r->db, id, &group_id, &multi);
    if (rc != DB_OK)
        return rc == DB_DONE ? req_fail(r, E_NOT_FOUND, NULL) : fail_db(r, "tag");
    if (!read_tag(r, body, &name, &color, &sort))
        return req_status(r);
    if (db_begin(r->db) != DB_OK)
        return fail_db(r, "begin");
    rc = tag_sql_update(r->db, id, name, color, sort);
    if (rc == DB_OK)
        rc = req_audit(r, "tag.updated", "tag", id, tag_detail(r, group_id, name, color, sort));
    if (finish(r, rc, E_TAG_NAME_TAKEN, "name") != DB_OK)
        return req_status(r);
    return answer_groups(r, 0, id, 200);
}

int handle_tag_delete(req *r)
{
    int64_t id, group_id, rules = 0;
    bool multi;
    if (!req_param_id(r, 0, &id))
        return req_status(r);
    int rc = tag_sql_get(r->db, id, &group_id, &multi);
    if (rc != DB_OK)
        return rc == DB_DONE ? req_fail(r, E_NOT_FOUND, NULL) : fail_db(r, "tag");
    if (tag_sql_rules_of(r->db, id, &rules) != DB_OK)
        return fail_db(r, "tag rules");
    if (rules)
        return req_fail(r, E_TAG_IN_RULE, NULL);
    if (db_begin(r->db) != DB_OK)
        return fail_db(r, "begin");
    rc = tag_sql_delete(r->db, id);
    if (rc == DB_OK)
        rc = req_audit(r, "tag.deleted", "tag", id, arena_printf(r->a, "{\"group_id\":%lld}", (long long)group_id));
    if (finish(r, rc, E_OK, NULL) != DB_OK)
        return req_status(r);
    return 204;
}

/* ---- one customer's tags ------------------------------------------------------------- */

static int answer_customer_tags(req *r, int64_t id, bool editable)
{
    db_stmt *st = tag_sql_of_customer(r->db, id);
    if (!st)
        return fail_db(r, "customer tags");
    jw *w = &r->out;
    jw_obj(w);
    jw_kbool(w, "editable", editable);
    jw_karr(w, "items");
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        jw_obj(w);
        jw_kint(w, "id", db_col_int64(st, 0));
        jw_kint(w, "group_id", db_col_int64(st, 1));
        jw_kstr(w, "group_name", db_col_text(st, 6));
        jw_kstr(w, "name", db_col_text(st, 2));
        jw_kstr(w, "color", db_col_text(st, 3));
        jw_kbool(w, "by_rule", db_col_null(st, 4));
        jw_kint(w, "at", db_col_int64(st, 5));
        jw_end(w);
    }
    db_reset(st);
    if (rc != DB_DONE)
        return fail_db(r, "customer tags");
    jw_end(w);
    jw_end(w);
    return 200;
}

int handle_customer_tags(req *r)
{
    int64_t id;
    bool custodian = false;
    if (!req_param_id(r, 0, &id))
        return req_status(r);
    int rc = classify_customer(r, id, &custodian);
    if (rc != DB_ROW)
        return rc == DB_DONE ? req_fail(r, E_NOT_FOUND, NULL) : fail_db(r, "customer");
    return answer_customer_tags(r, id, custodian || may_tag_any(r));
}

int handle_customer_tag_add(req *r)
{
    int64_t id, tag_id, group_id;
    bool multi;
    if (!req_param_id(r, 0, &id) || !req_param_id(r, 1, &tag_id))
        return req_status(r);
    if (!classify_may_change(r, id, may_tag_any(r)))
        return req_status(r);
    int rc = tag_sql_get(r->db, tag_id, &group_id, &multi);
    if (rc != DB_OK)
        return rc == DB_DONE ? req_fail(r, E_NOT_FOUND, NULL) : fail_db(r, "tag");
    if (db_begin(r->db) != DB_OK)
        return fail_db(r, "begin");
    rc = tag_sql_customer_add(r->db, id, tag_id, group_id, multi, r->session->user_id);
    if (rc == DB_OK)
        rc =
            req_audit(r, "customer.tagged", "customer", id, arena_printf(r->a, "{\"tag_id\":%lld}", (long long)tag_id));
    if (finish(r, rc, E_OK, NULL) != DB_OK)
        return req_status(r);
    return answer_customer_tags(r, id, true);
}

int handle_customer_tag_remove(req *r)
{
    int64_t id, tag_id, group_id;
    bool multi;
    if (!req_param_id(r, 0, &id) || !req_param_id(r, 1, &tag_id))
        return req_status(r);
    if (!classify_may_change(r, id, may_tag_any(r)))
        return req_status(r);
    int rc = tag_sql_get(r->db, tag_id, &group_id, &multi);
    if (rc != DB_OK)
        return rc == DB_DONE ? req_fail(r, E_NOT_FOUND, NULL) : fail_db(r, "tag");
    if (db_begin(r->db) != DB_OK)
        return fail_db(r, "begin");
    rc = tag_sql_customer_remove(r->db, id, tag_id);
    if (rc == DB_OK)
        rc = req_audit(r, "customer.untagged", "customer", id,
                       arena_printf(r->a, "{\"tag_id\":%lld}", (long long)tag_id));
    if (finish(r, rc, E_OK, NULL) != DB_OK)
        return req_status(r);
    return 204;
}

/* POST /customer-tags/batch {tag_id, customer_ids, action}: one audit entry with the counts.
 * The customers touched are those of the list inside the caller's scope — and, for
 * callers who may not tag any customer of their scope, in their custody (as for one
 * customer); the others count as out of scope. */
int handle_tags_batch(req *r)
{
    json_t *body = req_json_object(r);
    if (!body)
        return req_status(r);
    int64_t tag_id = 0, group_id;
    bool multi;
    if (!req_int_field(r, body, "tag_id", true, &tag_id, NULL))
        return req_status(r);
    const char *action = req_str_field(r, body, "action", false);
    if (r->error != E_OK)
        return req_status(r);
    bool add = !action || str_eq(action, "add");
    if (!add && !str_eq(action, "remove"))
        return req_fail(r, E_FIELD_INVALID, "action");
    int n = 0;
    const char *ids = classify_ids(r, body, "customer_ids", &n);
    if (!ids)
        return req_status(r);
    int rc = tag_id > 0 ? tag_sql_get(r->db, tag_id, &group_id, &multi) : DB_DONE;
    if (rc != DB_OK)
        return rc == DB_DONE ? req_fail(r, E_TAG_UNKNOWN, "tag_id") : fail_db(r, "tag");
    const struct access *acc = req_scope(r);
    if (!acc)
        return req_fail(r, E_INTERNAL, NULL);
    struct tag_batch b = {0};
    if (db_begin(r->db) != DB_OK)
        return fail_db(r, "begin");
    /* without customers.edit / customers.settings only customers in one's custody */
    rc = tag_sql_batch(r->db, r->a, acc, ids, !may_tag_any(r), tag_id, group_id, multi, add, &b);
    int64_t skipped = b.in_scope - b.changed, outside = n - b.in_scope;
    const char *detail = arena_printf(r->a,
                                      "{\"tag_id\":%lld,\"action\":\"%s\",\"requested\":%d,\"changed\":%lld,"
                                      "\"skipped\":%lld,\"out_of_scope\":%lld}",
                                      (long long)tag_id, add ? "add" : "remove", n, (long long)b.changed,
                                      (long long)skipped, (long long)outside);
    if (rc == DB_OK)
        rc = req_audit(r, add ? "customers.tagged" : "customers.untagged", "tag", tag_id, detail);
    if (finish(r, rc, E_OK, NULL) != DB_OK)
        return req_status(r);
    jw *w = &r->out;
    jw_obj(w);
    jw_kint(w, "tag_id", tag_id);
    jw_kstr(w, "action", add ? "add" : "remove");
    jw_kint(w, "requested", n);
    jw_kint(w, "changed", b.changed);
    jw_kint(w, "skipped", skipped);
    jw_kint(w, "out_of_scope", outside);
    jw_end(w);
    return 200;
}

/* ---- automatic rules ------------------------------------------------------------------ */

static void write_rule(jw *w, db_stmt *st)
{
    jw_obj(w);
    jw_kint(w, "id", db_col_int64(st, 0));
    jw_kstr(w, "name", db_col_text(st, 1));
    jw_kint(w, "tag_id", db_col_int64(st, 2));
    jw_kstr(w, "tag_name", db_col_text(st, 8));
    jw_kstr(w, "group_name", db_col_text(st, 9));
    jw_key(w, "conditions");
    jw_raw(w, db_col_text(st, 3), db_col_len(st, 3));
    jw_kbool(w, "active", db_col_int64(st, 4) != 0);
    jw_kint(w, "created_at", db_col_int64(st, 5));
    if (db_col_null(st, 6))
        jw_knull(w, "last_run_at");
    else
        jw_kint(w, "last_run_at", db_col_int64(st, 6));
    if (db_col_null(st, 7))
        jw_knull(w, "last_matched");
    else
        jw_kint(w, "last_matched", db_col_int64(st, 7));
    jw_end(w);
}

static int answer_rules(req *r, int64_t only, int status)
{
    db_stmt *st = tag_sql_rules(r->db);
    if (!st)
        return fail_db(r, "rules");
    if (!only) {
        jw_obj(&r->out);
        jw_karr(&r->out, "items");
    }
    int rc;
    bool found = false;
    while ((rc = db_step(st)) == DB_ROW)
        if (!only || db_col_int64(st, 0) == only) {
            write_rule(&r->out, st);
            found = true;
        }
    db_reset(st);
    if (rc != DB_DONE)
        return fail_db(r, "rules");
    if (!only) {
        jw_end(&r->out);
        jw_end(&r->out);
    } else if (!found) {
        return req_fail(r, E_NOT_FOUND, NULL);
    }
    return status;
}

int handle_tag_rules_list(req *r)
{
    return answer_rules(r, 0, 200);
}

struct rule_input {
    const char *name, *cond;
    int64_t tag_id;
    bool active;
};

static bool read_rule(req *r, json_t *body, struct rule_input *in)
{
    in->active = true;
    if (!(in->name = req_text_field(r, body, "name", true, 60)) ||
        !req_int_field(r, body, "tag_id", true, &in->tag_id, NULL) ||
        !req_bool_field(r, body, "active", &in->active, NULL))
        return false;
    int64_t group_id;
    bool multi;
    int rc = in->tag_id > 0 ? tag_sql_get(r->db, in->tag_id, &group_id, &multi) : DB_DONE;
    if (rc != DB_OK)
        return (rc == DB_DONE ? req_fail(r, E_TAG_UNKNOWN, "tag_id") : fail_db(r, "tag")), false;
    json_t *cond = json_object_get(body, "conditions");
    if (!cond)
        return req_fail(r, E_FIELD_REQUIRED, "conditions"), false;
    if (!tag_rule_conditions_ok(r->db, cond))
        return req_fail(r, E_RULE_CONDITIONS_INVALID, "conditions"), false;
    char *text = json_dumps(cond, JSON_COMPACT | JSON_SORT_KEYS);
    in->cond = arena_strdup(r->a, text);
    free(text);
    return true;
}

static const char *rule_detail(req *r, const struct rule_input *in)
{
    return arena_printf(r->a, "{\"after\":{\"tag_id\":%lld,\"active\":%s,\"conditions\":%s}}", (long long)in->tag_id,
                        in->active ? "true" : "false", in->cond);
}

int handle_tag_rule_create(req *r)
{
    json_t *body = req_json_object(r);
    struct rule_input in;
    int64_t id = 0;
    if (!body || !read_rule(r, body, &in))
        return req_status(r);
    if (db_begin(r->db) != DB_OK)
        return fail_db(r, "begin");
    int rc = tag_sql_rule_insert(r->db, in.name, in.tag_id, in.cond, in.active, &id);
    if (rc == DB_OK)
        rc = req_audit(r, "tag_rule.created", "tag_rule", id, rule_detail(r, &in));
    if (finish(r, rc, E_OK, NULL) != DB_OK)
        return req_status(r);
    return answer_rules(r, id, 201);
}

int handle_tag_rule_update(req *r)
{
    json_t *body = req_json_object(r);
    struct rule_input in;
    int64_t id, old_tag;
    if (!req_param_id(r, 0, &id) || !body)
        return req_status(r);
    int rc = tag_sql_rule_get(r->db, id, &old_tag);
    if (rc != DB_OK)
        return rc == DB_DONE ? req_fail(r, E_NOT_FOUND, NULL) : fail_db(r, "rule");
    if (!read_rule(r, body, &in))
        return req_status(r);
    if (db_begin(r->db) != DB_OK)
        return fail_db(r, "begin");
    rc = tag_sql_rule_update(r->db, id, in.name, in.tag_id, in.cond, in.active);
    if (rc == DB_OK && old_tag != in.tag_id)
        rc = tag_sql_rule_orphan(r->db, old_tag);
    if (rc == DB_OK)
        rc = req_audit(r, "tag_rule.updated", "tag_rule", id, rule_detail(r, &in));
    if (finish(r, rc, E_OK, NULL) != DB_OK)
        return req_status(r);
    return answer_rules(r, id, 200);
}

int handle_tag_rule_delete(req *r)
{
    int64_t id, tag_id;
    if (!req_param_id(r, 0, &id))
        return req_status(r);
    int rc = tag_sql_rule_get(r->db, id, &tag_id);
    if (rc != DB_OK)
        return rc == DB_DONE ? req_fail(r, E_NOT_FOUND, NULL) : fail_db(r, "rule");
    if (db_begin(r->db) != DB_OK)
        return fail_db(r, "begin");
    rc = tag_sql_rule_delete(r->db, id);
    if (rc == DB_OK)
        rc = tag_sql_rule_orphan(r->db, tag_id);
    if (rc == DB_OK)
        rc = req_audit(r, "tag_rule.deleted", "tag_rule", id,
                       arena_printf(r->a, "{\"tag_id\":%lld}", (long long)tag_id));
    if (finish(r, rc, E_OK, NULL) != DB_OK)
        return req_status(r);
    return 204;
}

int handle_tag_rules_run(req *r)
{
    struct tag_rules_result res;
    if (tag_rules_run(r->db, r->a, r->session->user_id, r->session->username, r->client_ip, &res) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    jw *w = &r->out;
    jw_obj(w);
    jw_kint(w, "rules", res.rules);
    jw_kint(w, "tags", res.tags);
    jw_kint(w, "added", res.added);
    jw_kint(w, "removed", res.removed);
    jw_kint(w, "matched", res.matched);
    jw_end(w);
    return 200;
}
