/*
 * classify_sql.c — the statement pieces shared by attributes, tags and groups.
 */
#include "classify.h"

void classify_ids_in_scope(sqlb *q, db *d, const struct access *acc, const char *ids_json, bool custody_only)
{
    /* the ids travel as one JSON array parameter: one statement whatever their number */
    sqlb_add(q,
             db_kind(d) == DB_POSTGRES
                 ? " AND c.id IN (SELECT CAST(value AS BIGINT) FROM json_array_elements_text(CAST(? AS json)))"
                 : " AND c.id IN (SELECT value FROM json_each(?))",
             "s", ids_json);
    scope_where_also(q, acc, "c.unit_id", "c.manager_id", CUSTOMER_LINKED);
    if (custody_only) /* CUS-5: the primary or an assistant custodian */
        sqlb_add(q,
                 " AND (c.manager_id = ? OR EXISTS (SELECT 1 FROM customer_staff s WHERE s.customer_id = c.id AND "
                 "s.user_id = ? AND s.role = 'assistant'))",
                 "ii", acc->user_id, acc->user_id);
}
