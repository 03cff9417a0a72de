/*
 * groups_sql.c — the statements of customer groups (CUS-11).
 */
#include "classify.h"
#include "core/util.h"

db_stmt *group_sql_list(db *d, int64_t user_id)
{
    return db_query(d,
                    "SELECT g.id, g.name, g.note, g.owner_id, g.created_at, (SELECT COUNT(*) FROM "
                    "customer_group_members m WHERE m.group_id = g.id) FROM customer_groups g WHERE g.owner_id = ? OR "
                    "g.owner_id IS NULL ORDER BY CASE WHEN g.owner_id IS NULL THEN 0 ELSE 1 END, g.name, g.id",
                    "i", user_id);
}

int group_sql_get(db *d, int64_t id, int64_t user_id, bool *found, bool *system)
{
    db_stmt *st =
        db_query(d, "SELECT owner_id FROM customer_groups WHERE id = ? AND (owner_id = ? OR owner_id IS NULL)", "ii",
                 id, user_id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    *found = rc == DB_ROW;
    if (rc == DB_ROW)
        *system = db_col_null(st, 0);
    db_reset(st);
    return rc == DB_ERROR ? DB_ERROR : DB_OK;
}

int group_sql_name_used(db *d, const char *name, int64_t owner_id, int64_t except, bool *used)
{
    db_stmt *st = owner_id
                      ? db_query(d, "SELECT COUNT(*) FROM customer_groups WHERE name = ? AND owner_id = ? AND id <> ?",
                                 "sii", name, owner_id, except)
                      : db_query(d,
                                 "SELECT COUNT(*) FROM customer_groups WHERE name = ? AND owner_id IS NULL AND id "
                                 "<> ?",
                                 "si", name, except);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    *used = rc == DB_ROW && db_col_int64(st, 0) > 0;
    db_reset(st);
    return rc == DB_ROW ? DB_OK : DB_ERROR;
}

int group_sql_insert(db *d, const char *name, const char *note, int64_t owner_id, int64_t by, int64_t *id)
{
    static const char sql[] =
        "INSERT INTO customer_groups (name, note, owner_id, created_by, created_at) VALUES (?, ?, ?, ?, ?)";
    int rc = owner_id ? db_run(d, sql, "ssiii", name, note, owner_id, by, now_ms())
                      : db_run(d, sql, "ssnii", name, note, by, now_ms());
    if (rc == DB_OK)
        *id = db_last_insert_id(d);
    return rc;
}

int group_sql_update(db *d, int64_t id, const char *name, const char *note)
{
    return db_run(d, "UPDATE customer_groups SET name = ?, note = ? WHERE id = ?", "ssi", name, note, id);
}

int group_sql_delete(db *d, int64_t id)
{
    int rc = db_run(d, "DELETE FROM customer_group_members WHERE group_id = ?", "i", id);
    if (rc == DB_OK)
        rc = db_run(d, "DELETE FROM customer_groups WHERE id = ?", "i", id);
    return rc;
}

static int count_q(db *d, const sqlb *q, int64_t *n)
{
    db_stmt *st = sqlb_prepare(q, d);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW)
        *n = db_col_int64(st, 0);
    db_reset(st);
    return rc == DB_ROW ? DB_OK : DB_ERROR;
}

static int run_q(db *d, const sqlb *q)
{
    db_stmt *st = sqlb_prepare(q, d);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    db_reset(st);
    return rc == DB_DONE || rc == DB_ROW ? DB_OK : rc;
}

int group_sql_members(db *d, arena *a, const struct access *acc, int64_t id, const char *ids_json, bool add,
                      int64_t *in_scope, int64_t *changed)
{
    sqlb q;
    int64_t had = 0;
    sqlb_init(&q, a, "SELECT COUNT(*) FROM customers c WHERE 1 = 1");
    classify_ids_in_scope(&q, d, acc, ids_json, false);
    int rc = count_q(d, &q, in_scope);
    if (rc == DB_OK) {
        sqlb_init(&q, a,
                  "SELECT COUNT(*) FROM customers c WHERE EXISTS (SELECT 1 FROM customer_group_members m WHERE "
                  "m.group_id = ? AND m.customer_id = c.id)");
        sqlb_add(&q, "", "i", id);
        classify_ids_in_scope(&q, d, acc, ids_json, false);
        rc = count_q(d, &q, &had);
    }
    if (rc != DB_OK)
        return rc;
    if (add) {
        sqlb_init(&q, a,
                  "INSERT INTO customer_group_members (group_id, customer_id, added_by, at) SELECT "
                  "CAST(? AS BIGINT), c.id, CAST(? AS BIGINT), CAST(? AS BIGINT) FROM customers c WHERE NOT "
                  "EXISTS (SELECT 1 FROM customer_group_members m WHERE m.group_id = ? AND m.customer_id = c.id)");
        sqlb_add(&q, "", "iiii", id, acc->user_id, now_ms(), id);
        *changed = *in_scope - had;
    } else {
        sqlb_init(&q, a,
                  "DELETE FROM customer_group_members WHERE group_id = ? AND customer_id IN (SELECT c.id FROM "
                  "customers c WHERE 1 = 1");
        sqlb_add(&q, "", "i", id);
        *changed = had;
    }
    classify_ids_in_scope(&q, d, acc, ids_json, false);
    if (!add)
        sqlb_add(&q, ")", NULL);
    return run_q(d, &q);
}
