/*
 * tags_sql.c — the statements of tag groups, tags, customer tags, batch tagging and
 * the automatic rules (CUS-7).
 */
#include "classify.h"
#include "core/util.h"

static int one_int(db_stmt *st, int64_t *out)
{
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW)
        *out = db_col_int64(st, 0);
    db_reset(st);
    return rc == DB_ROW ? DB_OK : rc == DB_DONE ? DB_DONE : DB_ERROR;
}

/* Runs a built statement to its end. */
static int run_q(db *d, const sqlb *q)
{
    db_stmt *st = sqlb_prepare(q, d);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    db_reset(st);
    return rc == DB_DONE || rc == DB_ROW ? DB_OK : rc;
}

static int count_q(db *d, const sqlb *q, int64_t *n)
{
    return one_int(sqlb_prepare(q, d), n) == DB_OK ? DB_OK : DB_ERROR;
}

db_stmt *tag_sql_groups(db *d)
{
    return db_prepare(d, "SELECT id, name, multi, sort FROM tag_groups ORDER BY sort, id");
}

db_stmt *tag_sql_tags(db *d)
{
    return db_prepare(d, "SELECT t.id, t.group_id, t.name, t.color, t.sort, (SELECT COUNT(*) FROM customer_tags ct "
                         "WHERE ct.tag_id = t.id) FROM tags t ORDER BY t.group_id, t.sort, t.id");
}

int tag_sql_group_insert(db *d, const char *name, bool multi, int64_t sort, int64_t *id)
{
    int rc = db_run(d, "INSERT INTO tag_groups (name, multi, sort, created_at) VALUES (?, ?, ?, ?)", "siii", name,
                    (int64_t)multi, sort, now_ms());
    if (rc == DB_OK)
        *id = db_last_insert_id(d);
    return rc;
}

int tag_sql_group_update(db *d, int64_t id, const char *name, bool multi, int64_t sort)
{
    return db_run(d, "UPDATE tag_groups SET name = ?, multi = ?, sort = ? WHERE id = ?", "siii", name, (int64_t)multi,
                  sort, id);
}

int tag_sql_group_get(db *d, int64_t id, bool *multi)
{
    int64_t m = 1;
    int rc = one_int(db_query(d, "SELECT multi FROM tag_groups WHERE id = ?", "i", id), &m);
    *multi = m != 0;
    return rc;
}

int tag_sql_group_tags(db *d, int64_t id, int64_t *n)
{
    return one_int(db_query(d, "SELECT COUNT(*) FROM tags WHERE group_id = ?", "i", id), n);
}

int tag_sql_group_delete(db *d, int64_t id)
{
    return db_run(d, "DELETE FROM tag_groups WHERE id = ?", "i", id);
}

int tag_sql_insert(db *d, int64_t group_id, const char *name, const char *color, int64_t sort, int64_t *id)
{
    int rc = db_run(d, "INSERT INTO tags (group_id, name, color, sort, created_at) VALUES (?, ?, ?, ?, ?)", "issii",
                    group_id, name, color, sort, now_ms());
    if (rc == DB_OK)
        *id = db_last_insert_id(d);
    return rc;
}

int tag_sql_update(db *d, int64_t id, const char *name, const char *color, int64_t sort)
{
    return db_run(d, "UPDATE tags SET name = ?, color = ?, sort = ? WHERE id = ?", "ssii", name, color, sort, id);
}

int tag_sql_get(db *d, int64_t id, int64_t *group_id, bool *multi)
{
    db_stmt *st = db_query(d,
                           "SELECT t.group_id, g.multi FROM tags t JOIN tag_groups g ON g.id = t.group_id "
                           "WHERE t.id = ?",
                           "i", id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        *group_id = db_col_int64(st, 0);
        *multi = db_col_int64(st, 1) != 0;
    }
    db_reset(st);
    return rc == DB_ROW ? DB_OK : rc;
}

int tag_sql_rules_of(db *d, int64_t id, int64_t *n)
{
    return one_int(db_query(d, "SELECT COUNT(*) FROM tag_rules WHERE tag_id = ?", "i", id), n);
}

int tag_sql_delete(db *d, int64_t id)
{
    int rc = db_run(d, "DELETE FROM customer_tags WHERE tag_id = ?", "i", id);
    if (rc == DB_OK)
        rc = db_run(d, "DELETE FROM tags WHERE id = ?", "i", id);
    return rc;
}

db_stmt *tag_sql_of_customer(db *d, int64_t customer_id)
{
    return db_query(d,
                    "SELECT t.id, t.group_id, t.name, t.color, ct.by_user, ct.at, g.name FROM customer_tags ct JOIN "
                    "tags t ON t.id = ct.tag_id JOIN tag_groups g ON g.id = t.group_id WHERE ct.customer_id = ? "
                    "ORDER BY g.sort, g.id, t.sort, t.id",
                    "i", customer_id);
}

int tag_sql_customer_add(db *d, int64_t customer_id, int64_t tag_id, int64_t group_id, bool multi, int64_t by_user)
{
    int rc = DB_OK;
    if (!multi) /* a single-select group: the new tag replaces the group's other one */
        rc = db_run(d,
                    "DELETE FROM customer_tags WHERE customer_id = ? AND tag_id <> ? AND tag_id IN (SELECT id FROM "
                    "tags WHERE group_id = ?)",
                    "iii", customer_id, tag_id, group_id);
    /* a tag a rule set becomes the user's: the rules job leaves it alone */
    if (rc == DB_OK)
        rc = db_run(d, "UPDATE customer_tags SET by_user = ?, at = ? WHERE customer_id = ? AND tag_id = ?", "iiii",
                    by_user, now_ms(), customer_id, tag_id);
    if (rc == DB_OK)
        rc = db_run(d,
                    "INSERT INTO customer_tags (customer_id, tag_id, by_user, at) SELECT ?, ?, ?, ? WHERE NOT "
                    "EXISTS (SELECT 1 FROM customer_tags WHERE customer_id = ? AND tag_id = ?)",
                    "iiiiii", customer_id, tag_id, by_user, now_ms(), customer_id, tag_id);
    return rc;
}

int tag_sql_customer_remove(db *d, int64_t customer_id, int64_t tag_id)
{
    return db_run(d, "DELETE FROM customer_tags WHERE customer_id = ? AND tag_id = ?", "ii", customer_id, tag_id);
}

/* "SELECT c.id FROM customers c WHERE 1 = 1 AND <ids> AND <scope>" */
static void scoped_ids(sqlb *q, db *d, const struct access *acc, const char *ids_json, bool custody_only,
                       const char *head)
{
    sqlb_add(q, head, NULL);
    sqlb_add(q, " FROM customers c WHERE 1 = 1", NULL);
    classify_ids_in_scope(q, d, acc, ids_json, custody_only);
}

int tag_sql_batch(db *d, arena *a, const struct access *acc, const char *ids_json, bool custody_only, int64_t tag_id,
                  int64_t group_id, bool multi, bool add, struct tag_batch *out)
{
    int64_t by_user = acc->user_id;
    sqlb q;
    int64_t now = now_ms(), had = 0;
    sqlb_init(&q, a, "");
    scoped_ids(&q, d, acc, ids_json, custody_only, "SELECT COUNT(*)");
    int rc = count_q(d, &q, &out->in_scope);
    /* in-scope customers holding the tag already */
    if (rc == DB_OK) {
        sqlb_init(&q, a, "SELECT COUNT(*) FROM customer_tags WHERE tag_id = ? AND customer_id IN (");
        sqlb_add(&q, "", "i", tag_id);
        scoped_ids(&q, d, acc, ids_json, custody_only, "SELECT c.id");
        sqlb_add(&q, ")", NULL);
        rc = count_q(d, &q, &had);
    }
    if (rc != DB_OK)
        return rc;
    if (!add) {
        sqlb_init(&q, a, "DELETE FROM customer_tags WHERE tag_id = ? AND customer_id IN (");
        sqlb_add(&q, "", "i", tag_id);
        scoped_ids(&q, d, acc, ids_json, custody_only, "SELECT c.id");
        sqlb_add(&q, ")", NULL);
        out->changed = had;
        return run_q(d, &q);
    }
    if (!multi) {
        sqlb_init(&q, a,
                  "DELETE FROM customer_tags WHERE tag_id IN (SELECT id FROM tags WHERE group_id = ? AND id <> ?)"
                  " AND customer_id IN (");
        sqlb_add(&q, "", "ii", group_id, tag_id);
        scoped_ids(&q, d, acc, ids_json, custody_only, "SELECT c.id");
        sqlb_add(&q, ")", NULL);
        rc = run_q(d, &q);
    }
    if (rc == DB_OK) { /* rule-set tags become the user's */
        sqlb_init(&q, a,
                  "UPDATE customer_tags SET by_user = ?, at = ? WHERE tag_id = ? AND by_user IS NULL AND "
                  "customer_id IN (");
        sqlb_add(&q, "", "iii", by_user, now, tag_id);
        scoped_ids(&q, d, acc, ids_json, custody_only, "SELECT c.id");
        sqlb_add(&q, ")", NULL);
        rc = run_q(d, &q);
    }
    if (rc == DB_OK) {
        sqlb_init(&q, a,
                  "INSERT INTO customer_tags (customer_id, tag_id, by_user, at) SELECT c.id, CAST(? AS BIGINT), "
                  "CAST(? AS BIGINT), CAST(? AS BIGINT)");
        sqlb_add(&q, "", "iii", tag_id, by_user, now);
        sqlb_add(&q,
                 " FROM customers c WHERE NOT EXISTS (SELECT 1 FROM customer_tags x WHERE x.customer_id = c.id "
                 "AND x.tag_id = ?)",
                 "i", tag_id);
        classify_ids_in_scope(&q, d, acc, ids_json, custody_only);
        rc = run_q(d, &q);
    }
    out->changed = out->in_scope - had;
    return rc;
}

db_stmt *tag_sql_rules(db *d)
{
    return db_prepare(d, "SELECT r.id, r.name, r.tag_id, r.conditions, r.active, r.created_at, r.last_run_at, "
                         "r.last_matched, t.name, g.name FROM tag_rules r JOIN tags t ON t.id = r.tag_id JOIN "
                         "tag_groups g ON g.id = t.group_id ORDER BY r.id");
}

int tag_sql_rule_insert(db *d, const char *name, int64_t tag_id, const char *cond, bool active, int64_t *id)
{
    int rc = db_run(d, "INSERT INTO tag_rules (name, tag_id, conditions, active, created_at) VALUES (?, ?, ?, ?, ?)",
                    "sisii", name, tag_id, cond, (int64_t)active, now_ms());
    if (rc == DB_OK)
        *id = db_last_insert_id(d);
    return rc;
}

int tag_sql_rule_update(db *d, int64_t id, const char *name, int64_t tag_id, const char *cond, bool active)
{
    return db_run(d, "UPDATE tag_rules SET name = ?, tag_id = ?, conditions = ?, active = ? WHERE id = ?", "sisii",
                  name, tag_id, cond, (int64_t)active, id);
}

int tag_sql_rule_get(db *d, int64_t id, int64_t *tag_id)
{
    return one_int(db_query(d, "SELECT tag_id FROM tag_rules WHERE id = ?", "i", id), tag_id);
}

int tag_sql_rule_delete(db *d, int64_t id)
{
    return db_run(d, "DELETE FROM tag_rules WHERE id = ?", "i", id);
}

int tag_sql_rule_orphan(db *d, int64_t tag_id)
{
    return db_run(d,
                  "DELETE FROM customer_tags WHERE tag_id = ? AND by_user IS NULL AND NOT EXISTS (SELECT 1 FROM "
                  "tag_rules WHERE tag_id = ?)",
                  "ii", tag_id, tag_id);
}
