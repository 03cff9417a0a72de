/*
 * customers_sql.c — the statements of the customers module (customers.h).
 */
#include "core/util.h"
#include "customers.h"

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
    const char *text = f ? f->q : NULL;
    if (text && *text) {
        const char *prefix = arena_printf(q->a, "%s%%", text);
        sqlb_add(q, " AND (c.customer_no = ? OR c.id_number = ? OR c.mobile LIKE ? OR c.name LIKE ?)", "ssss", text,
                 text, prefix, prefix);
    }
    if (f && f->group_id) /* CUS-11: a group the caller may see (own or system) */
        sqlb_add(q,
                 " AND c.id IN (SELECT gm.customer_id FROM customer_group_members gm JOIN customer_groups g ON g.id = "
                 "gm.group_id WHERE gm.group_id = ? AND (g.owner_id IS NULL OR g.owner_id = ?))",
                 "ii", f->group_id, acc->user_id);
    if (f && f->starred) /* CUS-16 */
        sqlb_add(q, " AND c.id IN (SELECT cs.customer_id FROM customer_stars cs WHERE cs.user_id = ?)", "i",
                 acc->user_id);
    if (!count)
        sqlb_add(q, " ORDER BY c.id", NULL);
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
