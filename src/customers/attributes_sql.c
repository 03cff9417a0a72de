/*
 * attributes_sql.c — the statements of customer attributes (CUS-6).
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

int attr_sql_code_used(db *d, const char *code, bool *used)
{
    int64_t n = 0;
    int rc = one_int(db_query(d, "SELECT COUNT(*) FROM customer_attributes WHERE code = ?", "s", code), &n);
    *used = n > 0;
    return rc;
}

int attr_sql_insert(db *d, const char *code, const char *name, const char *tmpl, int64_t sort, bool active, int64_t *id)
{
    int rc = db_run(d,
                    "INSERT INTO customer_attributes (code, name, note_template, sort, active, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    "sssiii", code, name, tmpl, sort, (int64_t)active, now_ms());
    if (rc == DB_OK)
        *id = db_last_insert_id(d);
    return rc;
}

int attr_sql_update(db *d, int64_t id, const char *name, const char *tmpl, int64_t sort, bool active)
{
    return db_run(d, "UPDATE customer_attributes SET name = ?, note_template = ?, sort = ?, active = ? WHERE id = ?",
                  "ssiii", name, tmpl, sort, (int64_t)active, id);
}

int attr_sql_exists(db *d, int64_t id, bool *active)
{
    int64_t a = 0;
    int rc = one_int(db_query(d, "SELECT active FROM customer_attributes WHERE id = ?", "i", id), &a);
    *active = a != 0;
    return rc;
}

db_stmt *attr_sql_list(db *d)
{
    return db_prepare(d, "SELECT id, code, name, note_template, sort, active FROM customer_attributes "
                         "ORDER BY sort, id");
}

db_stmt *attr_sql_values(db *d)
{
    return db_prepare(d, "SELECT id, attribute_id, name, sort, active FROM customer_attribute_values "
                         "ORDER BY attribute_id, sort, id");
}

int attr_sql_value_upsert(db *d, int64_t attribute_id, int64_t value_id, const char *name, int64_t sort, bool active,
                          int64_t *id)
{
    if (value_id) {
        *id = value_id;
        /* the id must be one of this attribute's values: otherwise nothing changes */
        int64_t n = 0;
        int rc = one_int(db_query(d, "SELECT COUNT(*) FROM customer_attribute_values WHERE id = ? AND attribute_id = ?",
                                  "ii", value_id, attribute_id),
                         &n);
        if (rc != DB_OK)
            return rc;
        if (!n)
            return DB_DONE;
        return db_run(d, "UPDATE customer_attribute_values SET name = ?, sort = ?, active = ? WHERE id = ?", "siii",
                      name, sort, (int64_t)active, value_id);
    }
    int rc = db_run(d, "INSERT INTO customer_attribute_values (attribute_id, name, sort, active) VALUES (?, ?, ?, ?)",
                    "isii", attribute_id, name, sort, (int64_t)active);
    if (rc == DB_OK)
        *id = db_last_insert_id(d);
    return rc;
}

static const char *ids_sql(db *d)
{
    return db_kind(d) == DB_POSTGRES ? "SELECT CAST(value AS BIGINT) FROM json_array_elements_text(CAST(? AS json))"
                                     : "SELECT value FROM json_each(?)";
}

int attr_sql_values_prune(db *d, int64_t attribute_id, const char *keep_json)
{
    sqlb q;
    arena *a = arena_new(1024);
    sqlb_init(&q, a,
              "UPDATE customer_attribute_values SET active = 0 WHERE attribute_id = ? AND id IN (SELECT value_id FROM "
              "customer_attribute_data WHERE attribute_id = ? AND value_id IS NOT NULL) AND id NOT IN (");
    sqlb_add(&q, "", "ii", attribute_id, attribute_id);
    sqlb_add(&q, ids_sql(d), "s", keep_json);
    sqlb_add(&q, ")", NULL);
    db_stmt *st = sqlb_prepare(&q, d);
    int rc = st ? db_step(st) : DB_ERROR;
    if (st)
        db_reset(st);
    if (rc == DB_DONE) {
        sqlb_init(&q, a,
                  "DELETE FROM customer_attribute_values WHERE attribute_id = ? AND id NOT IN (SELECT value_id FROM "
                  "customer_attribute_data WHERE attribute_id = ? AND value_id IS NOT NULL) AND id NOT IN (");
        sqlb_add(&q, "", "ii", attribute_id, attribute_id);
        sqlb_add(&q, ids_sql(d), "s", keep_json);
        sqlb_add(&q, ")", NULL);
        st = sqlb_prepare(&q, d);
        rc = st ? db_step(st) : DB_ERROR;
        if (st)
            db_reset(st);
    }
    arena_free(a);
    return rc == DB_DONE ? DB_OK : DB_ERROR;
}

db_stmt *attr_sql_of_customer(db *d, int64_t customer_id, int64_t attribute_id)
{
    return db_query(
        d,
        "SELECT a.id, a.code, a.name, a.note_template, a.active, x.value_id, v.name, x.blanks, u.display_name, "
        "x.at FROM customer_attributes a LEFT JOIN customer_attribute_data x ON x.attribute_id = a.id AND "
        "x.customer_id = ? LEFT JOIN customer_attribute_values v ON v.id = x.value_id LEFT JOIN users u ON "
        "u.id = x.by_user WHERE (a.active = 1 OR x.customer_id IS NOT NULL) AND (? = 0 OR a.id = ?) "
        "ORDER BY a.sort, a.id",
        "iii", customer_id, attribute_id, attribute_id);
}

int attr_sql_value_ok(db *d, int64_t attribute_id, int64_t value_id, bool *ok)
{
    int64_t n = 0;
    int rc = one_int(db_query(d,
                              "SELECT COUNT(*) FROM customer_attribute_values WHERE id = ? AND attribute_id = ? AND "
                              "active = 1",
                              "ii", value_id, attribute_id),
                     &n);
    *ok = n > 0;
    return rc;
}

int attr_sql_set(db *d, int64_t customer_id, int64_t attribute_id, int64_t value_id, const char *blanks,
                 int64_t by_user)
{
    int rc = attr_sql_clear(d, customer_id, attribute_id);
    static const char sql[] = "INSERT INTO customer_attribute_data (customer_id, attribute_id, value_id, blanks, "
                              "by_user, at) VALUES (?, ?, ?, ?, ?, ?)";
    if (rc == DB_OK)
        rc = value_id ? db_run(d, sql, "iiisii", customer_id, attribute_id, value_id, blanks, by_user, now_ms())
                      : db_run(d, sql, "iinsii", customer_id, attribute_id, blanks, by_user, now_ms());
    return rc;
}

int attr_sql_clear(db *d, int64_t customer_id, int64_t attribute_id)
{
    return db_run(d, "DELETE FROM customer_attribute_data WHERE customer_id = ? AND attribute_id = ?", "ii",
                  customer_id, attribute_id);
}
