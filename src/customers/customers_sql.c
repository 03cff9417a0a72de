/*
 * customers_sql.c — the statements of the customers module (customers.h).
 */
#include "core/util.h"
#include "customers.h"
#include "customers/pinyin.h"

#include <string.h>

void customers_sql_query(sqlb *q, const struct access *acc, const struct customer_filter *f, int64_t id, bool count)
{
    sqlb_init(
        q, q->a,
        count
            ? "SELECT COUNT(*) FROM customers c WHERE 1 = 1"
            : "SELECT c.id, c.customer_no, c.name, c.kind, c.status, c.gender, c.birth_date, c.id_type, c.id_number, "
              "c.mobile, c.address, o.id, o.name, m.id, m.display_name, c.created_at, c.updated_at, c.level, "
              "c.watch_list, c.missing_info, CASE WHEN c.manager_id = ? OR EXISTS (SELECT 1 FROM customer_staff s "
              "WHERE s.customer_id = c.id AND s.user_id = ? AND s.role = 'assistant') THEN 1 ELSE 0 END FROM customers "
              "c JOIN org_units o ON o.id = c.unit_id LEFT JOIN users m ON m.id = c.manager_id WHERE 1 = 1");
    if (!count) /* the two ? of the custodian column */
        sqlb_add(q, "", "ii", acc->user_id, acc->user_id);
    scope_where_also(q, acc, "c.unit_id", "c.manager_id", CUSTOMER_LINKED);
    if (id)
        sqlb_add(q, " AND c.id = ?", "i", id);
    if (f)
        customers_sql_filter(q, f);
    if (!count && f)
        customers_sql_order(q, f);
    else if (!count)
        sqlb_add(q, " ORDER BY c.id", NULL);
}

/* col starts with prefix: a range on the column's index. SQLite compares text
 * bytewise (BINARY); PostgreSQL uses the pattern operators of text_pattern_ops
 * indexes (migration 0015), whatever the database's collation. */
static void prefix_cond(sqlb *q, const struct customer_filter *f, const char *col, const char *prefix)
{
    sqlb_add(q, col, NULL);
    sqlb_add(q, f->pg ? " ~>=~ ? AND " : " >= ? AND ", "s", prefix);
    sqlb_add(q, col, NULL);
    sqlb_add(q, f->pg ? " ~<~ ?" : " < ?", "s", prefix_upper(q->a, prefix));
}

/* One searched column: the whole value or a prefix of it. */
static void match_cond(sqlb *q, const struct customer_filter *f, const char *col)
{
    if (f->exact) {
        sqlb_add(q, col, NULL);
        sqlb_add(q, " = ?", "s", f->qkey);
    } else {
        prefix_cond(q, f, col, f->qkey);
    }
}

#define CUSTODIAN_COND                                                                                                 \
    "(c.manager_id = ? OR EXISTS (SELECT 1 FROM customer_staff s WHERE s.customer_id = c.id AND s.user_id = ? AND "    \
    "s.role = 'assistant'))"

/* A sensitive column (mobile, ID number): mode 1 searched freely; mode 2 (masked for
 * the caller) by prefix only among the caller's own customers, elsewhere only whole
 * (AUTH-8: prefixes would reveal the masked digits one by one). */
static void sensitive_cond(sqlb *q, const struct customer_filter *f, const char *col, int mode)
{
    sqlb_add(q, "(", NULL);
    match_cond(q, f, col);
    if (mode == 2 && !f->exact) {
        sqlb_add(q, " AND (", NULL);
        sqlb_add(q, col, NULL);
        sqlb_add(q, " = ? OR " CUSTODIAN_COND ")", "sii", f->qkey, f->user_id, f->user_id);
    }
    sqlb_add(q, ")", NULL);
}

static void quick_search(sqlb *q, const struct customer_filter *f)
{
    switch ((enum quick_kind)f->qkind) {
    case QK_NONE: return;
    case QK_INITIALS:
        sqlb_add(q, " AND ", NULL);
        match_cond(q, f, "c.name_initials");
        return;
    case QK_NAME:
        sqlb_add(q, " AND ", NULL);
        match_cond(q, f, "c.name");
        return;
    case QK_DIGITS:
    case QK_CODE:
        /* one index range per column, as a list of ids: the planner then fetches
         * those few rows instead of weighing an OR of three ranges against a scan */
        sqlb_add(q, " AND c.id IN (SELECT c.id FROM customers c WHERE ", NULL);
        match_cond(q, f, "c.customer_no");
        if (f->qkind == QK_DIGITS && f->mobile_search) {
            sqlb_add(q, " UNION ALL SELECT c.id FROM customers c WHERE ", NULL);
            sensitive_cond(q, f, "c.mobile", f->mobile_search);
        }
        if (f->id_number_search) {
            sqlb_add(q, " UNION ALL SELECT c.id FROM customers c WHERE ", NULL);
            sensitive_cond(q, f, "c.id_number", f->id_number_search);
        }
        sqlb_add(q, ")", NULL);
        return;
    }
}

static void field_cond(sqlb *q, const struct customer_filter *f, const struct customer_cond *c)
{
    sqlb_add(q, " AND ", NULL);
    switch (c->op) {
    case FOP_EQ:
        sqlb_add(q, c->column, NULL);
        sqlb_add(q, " = ?", "s", c->value);
        return;
    case FOP_NE: /* "not X" includes the empty ones */
        sqlb_add(q, "(", NULL);
        sqlb_add(q, c->column, NULL);
        sqlb_add(q, " IS NULL OR ", NULL);
        sqlb_add(q, c->column, NULL);
        sqlb_add(q, " <> ?)", "s", c->value);
        return;
    case FOP_PREFIX:
        sqlb_add(q, "(", NULL);
        prefix_cond(q, f, c->column, c->value);
        sqlb_add(q, ")", NULL);
        return;
    case FOP_CONTAINS:
        sqlb_add(q, f->pg ? "strpos(" : "instr(", NULL);
        sqlb_add(q, c->column, NULL);
        sqlb_add(q, ", ?) > 0", "s", c->value);
        return;
    case FOP_IN: {
        sqlb_add(q, c->column, NULL);
        sqlb_add(q, " IN (", NULL);
        char *list = arena_strdup(q->a, c->value), *save = NULL;
        int n = 0;
        for (char *t = strtok_r(list, ",", &save); t && n < 20; t = strtok_r(NULL, ",", &save))
            sqlb_add(q, n++ ? ", ?" : "?", "s", t);
        if (!n)
            sqlb_add(q, "NULL", NULL);
        sqlb_add(q, ")", NULL);
        return;
    }
    case FOP_EMPTY:
        sqlb_add(q, "(", NULL);
        sqlb_add(q, c->column, NULL);
        sqlb_add(q, " IS NULL OR ", NULL);
        sqlb_add(q, c->column, NULL);
        sqlb_add(q, " = '')", NULL);
        return;
    case FOP_SET:
        sqlb_add(q, c->column, NULL);
        sqlb_add(q, " <> ''", NULL);
        return;
    case FOP_GTE:
        sqlb_add(q, c->column, NULL);
        sqlb_add(q, " >= ?", "s", c->value);
        return;
    case FOP_LTE:
        sqlb_add(q, c->column, NULL);
        sqlb_add(q, " <= ?", "s", c->value);
        return;
    }
}

void customers_sql_filter(sqlb *q, const struct customer_filter *f)
{
    quick_search(q, f);
    if (f->status)
        sqlb_add(q, " AND c.status = ?", "s", f->status);
    if (f->kind)
        sqlb_add(q, " AND c.kind = ?", "s", f->kind);
    if (f->level)
        sqlb_add(q, " AND c.level = ?", "s", f->level);
    if (f->source)
        sqlb_add(q, " AND c.source = ?", "s", f->source);
    if (f->watch_list) {
        if (strcmp(f->watch_list, "any") == 0)
            sqlb_add(q, " AND c.watch_list IS NOT NULL", NULL);
        else if (strcmp(f->watch_list, "none") == 0)
            sqlb_add(q, " AND c.watch_list IS NULL", NULL);
        else
            sqlb_add(q, " AND c.watch_list = ?", "s", f->watch_list);
    }
    if (f->unit_id) /* the unit and every unit below it */
        sqlb_add(q,
                 " AND c.unit_id IN (SELECT id FROM org_units WHERE path LIKE (SELECT path FROM org_units WHERE id = ?)"
                 " || '%')",
                 "i", f->unit_id);
    if (f->custodian_id)
        sqlb_add(q, " AND c.manager_id = ?", "i", f->custodian_id);
    if (f->missing_info >= 0)
        sqlb_add(q, f->missing_info ? " AND c.missing_info > 0" : " AND c.missing_info = 0", NULL);
    if (f->created_from)
        sqlb_add(q, " AND c.created_at >= ?", "i", f->created_from);
    if (f->created_to)
        sqlb_add(q, " AND c.created_at < ?", "i", f->created_to);
    if (f->ntags) {
        sqlb_add(q, " AND c.id IN (SELECT customer_id FROM customer_tags WHERE tag_id IN (", NULL);
        for (int i = 0; i < f->ntags; i++)
            sqlb_add(q, i ? ", ?" : "?", "i", f->tags[i]);
        if (f->tags_all)
            sqlb_add(q, ") GROUP BY customer_id HAVING COUNT(*) = ?)", "i", (int64_t)f->ntags);
        else
            sqlb_add(q, "))", NULL);
    }
    if (f->starred)
        sqlb_add(q, " AND c.id IN (SELECT customer_id FROM customer_stars WHERE user_id = ?)", "i", f->user_id);
    if (f->quick) {
        const char *k = f->quick;
        if (strcmp(k, "mine") == 0)
            sqlb_add(q, " AND c.manager_id = ?", "i", f->user_id);
        else if (strcmp(k, "assist") == 0)
            sqlb_add(q, " AND c.id IN (SELECT customer_id FROM customer_staff WHERE user_id = ? AND role = 'assistant')",
                     "i", f->user_id);
        else if (strcmp(k, "potential") == 0)
            sqlb_add(q, " AND c.status = 'potential'", NULL);
        else if (strcmp(k, "missing") == 0)
            sqlb_add(q, " AND c.missing_info > 0", NULL);
        else if (strcmp(k, "starred") == 0)
            sqlb_add(q, " AND c.id IN (SELECT customer_id FROM customer_stars WHERE user_id = ?)", "i", f->user_id);
        else if (strcmp(k, "watch") == 0)
            sqlb_add(q, " AND c.watch_list IS NOT NULL", NULL);
    }
    for (int i = 0; i < f->nconds; i++)
        field_cond(q, f, &f->conds[i]);
}

void customers_sql_order(sqlb *q, const struct customer_filter *f)
{
    const char *col = f->sort_column;
    bool desc = f->sort_desc;
    if (!col && !f->exact && (f->qkind == QK_NAME || f->qkind == QK_INITIALS)) {
        /* a name or initials search walks its index in order: the first page
         * needs only its 20 rows, however many names start with the text */
        col = f->qkind == QK_NAME ? "c.name" : "c.name_initials";
        desc = false;
    }
    if (!col) {
        sqlb_add(q, " ORDER BY c.id DESC", NULL);
        return;
    }
    sqlb_add(q, " ORDER BY ", NULL);
    sqlb_add(q, col, NULL);
    sqlb_add(q, desc ? " DESC, c.id DESC" : ", c.id", NULL);
}

int customers_handover_count(db *d, int64_t user_id, int64_t *n)
{
    db_stmt *st = db_query(d, "SELECT COUNT(*) FROM customers WHERE manager_id = ?", "i", user_id);
    if (!st || db_step(st) != DB_ROW) {
        if (st)
            db_reset(st);
        return DB_ERROR;
    }
    *n = db_col_int64(st, 0);
    db_reset(st);
    return DB_OK;
}

int customers_handover_move(db *d, int64_t from, int64_t to, int64_t handover_id, int64_t *n)
{
    int64_t now = now_ms();
    int rc = customers_handover_count(d, from, n);
    if (rc == DB_OK)
        rc = db_run(d,
                    "INSERT INTO custody_history (customer_id, from_user, to_user, reason, handover_id, at)"
                    " SELECT id, ?, ?, 'handover', ?, ? FROM customers WHERE manager_id = ?",
                    "iiiii", from, to, handover_id, now, from);
    if (rc == DB_OK)
        rc =
            db_run(d, "UPDATE customers SET manager_id = ?, updated_at = ? WHERE manager_id = ?", "iii", to, now, from);
    return rc;
}

/* ---- the list (CUS-8, CUS-9): only the chosen columns ------------------------------ */

const struct list_column customer_list_extra[] = {
    {"unit", "所属机构", "Unit", false},
    {"manager", "主管护人", "Primary custodian", false},
    {"created_at", "创建时间", "Created", false},
    {"updated_at", "更新时间", "Updated", false},
};
const int ncustomer_list_extra = (int)ARRAY_LEN(customer_list_extra);

int customer_list_column_width(const char *field)
{
    return strcmp(field, "unit") == 0 || strcmp(field, "manager") == 0 ? 2 : 1;
}

static const char *list_column_sql(const char *field)
{
    if (strcmp(field, "unit") == 0)
        return "c.unit_id, (SELECT name FROM org_units WHERE id = c.unit_id)";
    if (strcmp(field, "manager") == 0)
        return "c.manager_id, (SELECT display_name FROM users WHERE id = c.manager_id)";
    if (strcmp(field, "created_at") == 0)
        return "c.created_at";
    if (strcmp(field, "updated_at") == 0)
        return "c.updated_at";
    const struct field_info *fi = customer_field_find(field);
    return fi ? fi->column : "NULL";
}

/* The unit column of the scope condition. "+c.unit_id" keeps SQLite (and PostgreSQL)
 * from answering a unit or county scope through the unit index: that reads every
 * customer of the county and sorts them, where walking the order's index (the primary
 * key, or the searched column) and testing the unit finds a page after a few hundred
 * rows. Counting without a search is the opposite: the unit index is the fast way. */
static const char *scope_unit_col(const struct customer_filter *f, bool count)
{
    return count && f->qkind == QK_NONE ? "c.unit_id" : "+c.unit_id";
}

/* The sort key of the page query: the column the order walks (c.id when none). */
static const char *order_key(const struct customer_filter *f)
{
    if (f->sort_column)
        return f->sort_column;
    if (!f->exact && (f->qkind == QK_NAME || f->qkind == QK_INITIALS))
        return f->qkind == QK_NAME ? "c.name" : "c.name_initials";
    return "c.id";
}

static bool order_desc(const struct customer_filter *f)
{
    return f->sort_column ? f->sort_desc : strcmp(order_key(f), "c.id") == 0;
}

/* Self scopes split "own customers OR linked ones" (scope_where_also) into two arms,
 * each answered by its own index and cut at the page's end, merged afterwards: the
 * OR in one query makes SQLite collect and sort all of a custodian's customers for
 * every page. Each arm goes through access.c (scope_where, CUSTOMER_LINKED). */
static bool split_arms(const struct access *acc)
{
    return acc->scope == SCOPE_SELF || acc->scope == SCOPE_SELF_AND_REPORTS;
}

static void page_arm(sqlb *q, const struct access *acc, const struct customer_filter *f, bool linked, int64_t end)
{
    sqlb_add(q, "SELECT pid, sk FROM (SELECT c.id AS pid, ", NULL);
    sqlb_add(q, order_key(f), NULL);
    sqlb_add(q, " AS sk FROM customers c WHERE 1 = 1", NULL);
    if (linked)
        sqlb_add(q, " AND " CUSTOMER_LINKED, "i", acc->user_id);
    else
        scope_where(q, acc, "c.unit_id", "c.manager_id");
    customers_sql_filter(q, f);
    customers_sql_order(q, f);
    sqlb_add(q, " LIMIT ?) a", "i", end);
}

void customers_sql_list(sqlb *q, const struct access *acc, const struct customer_filter *f, const char *const *fields,
                        int nfields, int64_t limit, int64_t offset)
{
    sqlb_init(q, q->a,
              "SELECT c.id, CASE WHEN c.manager_id = ? OR EXISTS (SELECT 1 FROM customer_staff s WHERE s.customer_id = "
              "c.id AND s.user_id = ? AND s.role = 'assistant') THEN 1 ELSE 0 END, c.level, c.watch_list, "
              "c.missing_info, (SELECT color FROM customer_stars WHERE user_id = ? AND customer_id = c.id)");
    sqlb_add(q, "", "iii", acc->user_id, acc->user_id, acc->user_id);
    for (int i = 0; i < nfields; i++) {
        sqlb_add(q, ", ", NULL);
        sqlb_add(q, list_column_sql(fields[i]), NULL);
    }
    /* the page's ids first, from the indexes alone where possible; the columns (and
     * their subqueries) only for those rows */
    if (split_arms(acc)) {
        sqlb_add(q, " FROM (SELECT pid FROM (", NULL);
        page_arm(q, acc, f, false, limit + offset);
        sqlb_add(q, " UNION ", NULL);
        page_arm(q, acc, f, true, limit + offset);
        sqlb_add(q, ") u ORDER BY sk", NULL);
        sqlb_add(q, order_desc(f) ? " DESC, pid DESC" : ", pid", NULL);
    } else {
        sqlb_add(q, " FROM (SELECT c.id AS pid FROM customers c WHERE 1 = 1", NULL);
        scope_where_also(q, acc, scope_unit_col(f, false), "c.manager_id", CUSTOMER_LINKED);
        customers_sql_filter(q, f);
        customers_sql_order(q, f);
    }
    sqlb_add(q, " LIMIT ? OFFSET ?) p JOIN customers c ON c.id = p.pid", "ii", limit, offset);
    customers_sql_order(q, f);
}

void customers_sql_list_count(sqlb *q, const struct access *acc, const struct customer_filter *f, int64_t cap)
{
    if (acc->scope != SCOPE_ALL) {
        /* the scope's customers (capped), plus linked ones outside it: one OR would
         * cost a scan of the table on PostgreSQL and a collection of ids on SQLite */
        const char *unit_col = scope_unit_col(f, true);
        sqlb_init(q, q->a, "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM customers c WHERE 1 = 1");
        scope_where(q, acc, unit_col, "c.manager_id");
        customers_sql_filter(q, f);
        sqlb_add(q, " LIMIT ?) t) + (SELECT COUNT(*) FROM customers c WHERE " CUSTOMER_LINKED " AND CASE WHEN 1 = 1",
                 "ii", cap, acc->user_id);
        scope_where(q, acc, unit_col, "c.manager_id");
        sqlb_add(q, " THEN 0 ELSE 1 END = 1", NULL);
        customers_sql_filter(q, f);
        sqlb_add(q, ")", NULL);
        return;
    }
    sqlb_init(q, q->a, "SELECT COUNT(*) FROM (SELECT 1 FROM customers c WHERE 1 = 1");
    customers_sql_filter(q, f);
    sqlb_add(q, " LIMIT ?) t", "i", cap);
}

/* ---- name initials backfill (CUS-8) ---------------------------------------------- */

int customers_backfill_initials(db *d)
{
    /* batches of ids first: the update must not run while the select is open */
    enum { BATCH = 2000 };
    static int64_t ids[BATCH];
    static char names[BATCH][24 * 4];
    for (;;) {
        db_stmt *st = db_query(d, "SELECT id, name FROM customers WHERE name_initials IS NULL ORDER BY id LIMIT ?", "i",
                               (int64_t)BATCH);
        if (!st)
            return DB_ERROR;
        int n = 0, rc;
        while ((rc = db_step(st)) == DB_ROW) {
            ids[n] = db_col_int64(st, 0);
            pinyin_initials(db_col_text(st, 1), names[n], sizeof names[n]);
            n++;
        }
        db_reset(st);
        if (rc != DB_DONE)
            return DB_ERROR;
        if (!n)
            return DB_OK;
        if (db_begin(d) != DB_OK)
            return DB_ERROR;
        for (int i = 0; i < n; i++)
            if (db_run(d, "UPDATE customers SET name_initials = ? WHERE id = ?", "si", names[i], ids[i]) != DB_OK) {
                db_rollback(d);
                return DB_ERROR;
            }
        if (db_commit(d) != DB_OK)
            return DB_ERROR;
        if (n < BATCH)
            return DB_OK;
    }
}

/* ---- saved filters and list columns (CUS-8, CUS-9) ---------------------------------- */

db_stmt *customers_sql_saved_filters(db *d, int64_t user_id)
{
    return db_query(d,
                    "SELECT id, name, params, created_at, updated_at FROM customer_saved_filters WHERE user_id = ? "
                    "ORDER BY name, id",
                    "i", user_id);
}

int customers_sql_saved_filter_count(db *d, int64_t user_id, int64_t *n)
{
    db_stmt *st = db_query(d, "SELECT COUNT(*) FROM customer_saved_filters WHERE user_id = ?", "i", user_id);
    if (!st || db_step(st) != DB_ROW) {
        if (st)
            db_reset(st);
        return DB_ERROR;
    }
    *n = db_col_int64(st, 0);
    db_reset(st);
    return DB_OK;
}

int customers_sql_saved_filter_insert(db *d, int64_t user_id, const char *name, const char *params, int64_t *id)
{
    int64_t now = now_ms();
    int rc = db_run(d,
                    "INSERT INTO customer_saved_filters (user_id, name, params, created_at, updated_at) VALUES (?, ?, "
                    "?, ?, ?)",
                    "issii", user_id, name, params, now, now);
    if (rc == DB_OK)
        *id = db_last_insert_id(d);
    return rc;
}

/* DB_OK, DB_DONE (not the user's filter), DB_CONSTRAINT (name taken) or DB_ERROR. */
int customers_sql_saved_filter_update(db *d, int64_t user_id, int64_t id, const char *name, const char *params)
{
    db_stmt *st = db_query(d, "SELECT 1 FROM customer_saved_filters WHERE id = ? AND user_id = ?", "ii", id, user_id);
    int rc = st ? db_step(st) : DB_ERROR;
    if (st)
        db_reset(st);
    if (rc != DB_ROW)
        return rc == DB_DONE ? DB_DONE : DB_ERROR;
    return db_run(d, "UPDATE customer_saved_filters SET name = ?, params = ?, updated_at = ? WHERE id = ? AND user_id = ?",
                  "ssiii", name, params, now_ms(), id, user_id);
}

int customers_sql_saved_filter_delete(db *d, int64_t user_id, int64_t id)
{
    db_stmt *st = db_query(d, "SELECT 1 FROM customer_saved_filters WHERE id = ? AND user_id = ?", "ii", id, user_id);
    int rc = st ? db_step(st) : DB_ERROR;
    if (st)
        db_reset(st);
    if (rc != DB_ROW)
        return rc == DB_DONE ? DB_DONE : DB_ERROR;
    return db_run(d, "DELETE FROM customer_saved_filters WHERE id = ? AND user_id = ?", "ii", id, user_id);
}

/* The stored column list: DB_ROW with *out set, DB_DONE when the user never chose, DB_ERROR. */
int customers_sql_columns_get(db *d, arena *a, int64_t user_id, const char **out)
{
    *out = NULL;
    db_stmt *st = db_query(d, "SELECT columns FROM customer_list_columns WHERE user_id = ?", "i", user_id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW)
        *out = arena_strdup(a, db_col_text(st, 0));
    db_reset(st);
    return rc;
}

int customers_sql_columns_put(db *d, int64_t user_id, const char *columns)
{
    return db_run(d,
                  "INSERT INTO customer_list_columns (user_id, columns, updated_at) VALUES (?, ?, ?) ON CONFLICT "
                  "(user_id) DO UPDATE SET columns = excluded.columns, updated_at = excluded.updated_at",
                  "isi", user_id, columns, now_ms());
}
