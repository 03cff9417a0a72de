/*
 * stars_sql.c — the statements of key customers (CUS-16) and star levels (CUS-17).
 */
#include "classify.h"
#include "core/util.h"

int star_sql_get(db *d, arena *a, int64_t user_id, int64_t customer_id, const char **color, int64_t *at)
{
    db_stmt *st = db_query(d, "SELECT color, at FROM customer_stars WHERE user_id = ? AND customer_id = ?", "ii",
                           user_id, customer_id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    *color = NULL;
    *at = 0;
    if (rc == DB_ROW) {
        *color = arena_strdup(a, db_col_text(st, 0));
        *at = db_col_int64(st, 1);
    }
    db_reset(st);
    return rc == DB_ERROR ? DB_ERROR : DB_OK;
}

int star_sql_set(db *d, int64_t user_id, int64_t customer_id, const char *color)
{
    int rc = star_sql_delete(d, user_id, customer_id);
    if (rc == DB_OK)
        rc = db_run(d, "INSERT INTO customer_stars (user_id, customer_id, color, at) VALUES (?, ?, ?, ?)", "iisi",
                    user_id, customer_id, color, now_ms());
    return rc;
}

int star_sql_delete(db *d, int64_t user_id, int64_t customer_id)
{
    return db_run(d, "DELETE FROM customer_stars WHERE user_id = ? AND customer_id = ?", "ii", user_id, customer_id);
}

db_stmt *level_sql_list(db *d)
{
    return db_prepare(d, "SELECT l.id, l.code, l.name, l.revisit_days, l.sort, (SELECT COUNT(*) FROM customers c "
                         "WHERE c.level = l.code) FROM customer_levels l ORDER BY l.sort, l.id");
}

static int count1(db_stmt *st, int64_t *n)
{
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW)
        *n = db_col_int64(st, 0);
    db_reset(st);
    return rc == DB_ROW ? DB_OK : DB_ERROR;
}

int level_sql_code_used(db *d, const char *code, bool *used)
{
    int64_t n = 0;
    int rc = count1(db_query(d, "SELECT COUNT(*) FROM customer_levels WHERE code = ?", "s", code), &n);
    *used = n > 0;
    return rc;
}

int level_sql_insert(db *d, const char *code, const char *name, int64_t days, int64_t sort, int64_t *id)
{
    int rc =
        db_run(d, "INSERT INTO customer_levels (code, name, revisit_days, sort, created_at) VALUES (?, ?, ?, ?, ?)",
               "ssiii", code, name, days, sort, now_ms());
    if (rc == DB_OK)
        *id = db_last_insert_id(d);
    return rc;
}

int level_sql_update(db *d, int64_t id, const char *name, int64_t days, int64_t sort)
{
    return db_run(d, "UPDATE customer_levels SET name = ?, revisit_days = ?, sort = ? WHERE id = ?", "siii", name, days,
                  sort, id);
}

int level_sql_get(db *d, arena *a, int64_t id, const char **code)
{
    db_stmt *st = db_query(d, "SELECT code FROM customer_levels WHERE id = ?", "i", id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW)
        *code = arena_strdup(a, db_col_text(st, 0));
    db_reset(st);
    return rc == DB_ROW ? DB_OK : rc;
}

int level_sql_customers(db *d, const char *code, int64_t *n)
{
    return count1(db_query(d, "SELECT COUNT(*) FROM customers WHERE level = ?", "s", code), n);
}

int level_sql_delete(db *d, int64_t id)
{
    return db_run(d, "DELETE FROM customer_levels WHERE id = ?", "i", id);
}

int level_sql_known(db *d, const char *code, bool *known)
{
    return level_sql_code_used(d, code, known);
}

int level_sql_of_customer(db *d, arena *a, int64_t customer_id, const char **code, const char **name, int64_t *days,
                          int64_t *set_at)
{
    db_stmt *st = db_query(d,
                           "SELECT c.level, l.name, l.revisit_days, c.level_set_at FROM customers c LEFT JOIN "
                           "customer_levels l ON l.code = c.level WHERE c.id = ?",
                           "i", customer_id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    *code = *name = NULL;
    *days = *set_at = 0;
    if (rc == DB_ROW) {
        if (!db_col_null(st, 0))
            *code = arena_strdup(a, db_col_text(st, 0));
        if (!db_col_null(st, 1)) {
            *name = arena_strdup(a, db_col_text(st, 1));
            *days = db_col_int64(st, 2);
        }
        if (!db_col_null(st, 3))
            *set_at = db_col_int64(st, 3);
    }
    db_reset(st);
    return rc == DB_ROW ? DB_OK : rc;
}

int level_sql_set(db *d, int64_t customer_id, const char *code)
{
    int64_t now = now_ms();
    return code ? db_run(d, "UPDATE customers SET level = ?, level_set_at = ?, updated_at = ? WHERE id = ?", "siii",
                         code, now, now, customer_id)
                : db_run(d, "UPDATE customers SET level = NULL, level_set_at = NULL, updated_at = ? WHERE id = ?", "ii",
                         now, customer_id);
}
