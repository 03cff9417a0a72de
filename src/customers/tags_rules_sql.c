/*
 * tags_rules_sql.c — the automatic tagging rules (CUS-7) as SQL. A rule's conditions
 * (a JSON object, checked by tag_rule_conditions_ok) become one SQL condition over
 * customers c; the rules of one tag are OR-combined. Values are written into the SQL
 * as literals: every one was checked against a fixed set, a number, or a code of
 * letters, digits and _ . - only, and quotes are doubled all the same. The job runs
 * rarely, so its statements are not worth caching as parameterised ones, and a tag
 * may have any number of rules without running out of parameters.
 */
#include "classify.h"
#include "core/util.h"

#include <string.h>
#include <time.h>

/* 'text' with quotes doubled */
static const char *lit(arena *a, const char *s)
{
    size_t n = strlen(s), q = 0;
    for (size_t i = 0; i < n; i++)
        q += s[i] == '\'';
    char *out = arena_alloc(a, n + q + 3), *o = out;
    *o++ = '\'';
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\'')
            *o++ = '\'';
        *o++ = s[i];
    }
    *o++ = '\'';
    *o = '\0';
    return out;
}

static const char *in_list(arena *a, json_t *arr)
{
    const char *out = "";
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) out = arena_printf(a, "%s%s%s", out, i ? ", " : "", lit(a, json_string_value(v)));
    return out;
}

/* The date `years` years before today, YYYY-MM-DD (local time). */
static const char *years_ago(arena *a, int64_t years)
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    return arena_printf(a, "'%04d-%02d-%02d'", tm.tm_year + 1900 - (int)years, tm.tm_mon + 1, tm.tm_mday);
}

/* One rule's conditions as "(… AND …)". */
static const char *rule_sql(arena *a, json_t *cond)
{
    const char *s = "(1 = 1";
    json_t *v;
    if ((v = json_object_get(cond, "kind")))
        s = arena_printf(a, "%s AND c.kind = %s", s, lit(a, json_string_value(v)));
    if ((v = json_object_get(cond, "status")))
        s = arena_printf(a, "%s AND c.status = %s", s, lit(a, json_string_value(v)));
    if ((v = json_object_get(cond, "gender")))
        s = arena_printf(a, "%s AND c.gender = %s", s, lit(a, json_string_value(v)));
    if ((v = json_object_get(cond, "levels")))
        s = arena_printf(a, "%s AND c.level IN (%s)", s, in_list(a, v));
    if ((v = json_object_get(cond, "sources")))
        s = arena_printf(a, "%s AND c.source IN (%s)", s, in_list(a, v));
    if ((v = json_object_get(cond, "age_min"))) /* age ≥ n: born on or before today n years ago */
        s = arena_printf(a, "%s AND c.birth_date <= %s", s, years_ago(a, json_integer_value(v)));
    if ((v = json_object_get(cond, "age_max"))) /* age ≤ n: born after today n + 1 years ago */
        s = arena_printf(a, "%s AND c.birth_date > %s", s, years_ago(a, json_integer_value(v) + 1));
    if ((v = json_object_get(cond, "unit_id")))
        s = arena_printf(a,
                         "%s AND c.unit_id IN (SELECT s.id FROM org_units s JOIN org_units p ON s.path LIKE p.path "
                         "|| '%%' WHERE p.id = %lld)",
                         s, (long long)json_integer_value(v));
    if ((v = json_object_get(cond, "missing_info")))
        s = arena_printf(a, "%s AND c.missing_info %s 0", s, json_is_true(v) ? ">" : "=");
    return arena_printf(a, "%s)", s);
}

static int count_rule_tags(db *d, int64_t tag_id, int64_t *n)
{
    db_stmt *st = db_query(d, "SELECT COUNT(*) FROM customer_tags WHERE tag_id = ? AND by_user IS NULL", "i", tag_id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW)
        *n = db_col_int64(st, 0);
    db_reset(st);
    return rc == DB_ROW ? DB_OK : DB_ERROR;
}

static int exec_sql(db *d, const char *sql)
{
    db_stmt *st = db_prepare(d, sql);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    db_reset(st);
    return rc == DB_DONE || rc == DB_ROW ? DB_OK : DB_ERROR;
}

int tag_rules_sql_apply(db *d, arena *a, int64_t tag_id, json_t **conds, int nconds, int64_t *added, int64_t *removed,
                        int64_t *matched)
{
    const char *any = nconds ? "(" : "(1 = 0";
    for (int i = 0; i < nconds; i++)
        any = arena_printf(a, "%s%s%s", any, i ? " OR " : "", rule_sql(a, conds[i]));
    any = arena_printf(a, "%s)", any);
    int64_t before = 0, mid = 0, after = 0, now = now_ms();
    int rc = count_rule_tags(d, tag_id, &before);
    /* rule-set tags where no rule of the tag holds any more */
    if (rc == DB_OK)
        rc =
            exec_sql(d, arena_printf(a,
                                     "DELETE FROM customer_tags WHERE tag_id = %lld AND by_user IS NULL AND NOT EXISTS "
                                     "(SELECT 1 FROM customers c WHERE c.id = customer_tags.customer_id AND %s)",
                                     (long long)tag_id, any));
    if (rc == DB_OK)
        rc = count_rule_tags(d, tag_id, &mid);
    /* the tag where a rule holds; in a single-select group only where the customer has
     * no other tag of the group (a manual choice is kept) */
    if (rc == DB_OK && nconds)
        rc = exec_sql(
            d, arena_printf(a,
                            "INSERT INTO customer_tags (customer_id, tag_id, by_user, at) SELECT c.id, %lld, NULL, "
                            "%lld FROM customers c WHERE %s AND NOT EXISTS (SELECT 1 FROM customer_tags x WHERE "
                            "x.customer_id = c.id AND x.tag_id = %lld) AND NOT EXISTS (SELECT 1 FROM customer_tags y "
                            "JOIN tags t ON t.id = y.tag_id JOIN tag_groups g ON g.id = t.group_id WHERE "
                            "y.customer_id = c.id AND g.multi = 0 AND t.group_id = (SELECT group_id FROM tags WHERE "
                            "id = %lld))",
                            (long long)tag_id, (long long)now, any, (long long)tag_id, (long long)tag_id));
    if (rc == DB_OK)
        rc = count_rule_tags(d, tag_id, &after);
    if (rc == DB_OK)
        rc = db_run(d, "UPDATE tag_rules SET last_run_at = ?, last_matched = ? WHERE tag_id = ?", "iii", now, after,
                    tag_id);
    *added = after - mid;
    *removed = before - mid;
    *matched = after;
    return rc;
}

db_stmt *tag_rules_sql_all(db *d)
{
    return db_prepare(d, "SELECT id, tag_id, conditions, active FROM tag_rules ORDER BY tag_id, id");
}

int tag_rules_sql_code_known(db *d, const char *table, const char *code, bool *known)
{
    db_stmt *st =
        db_query(d,
                 strcmp(table, "customer_levels") == 0 ? "SELECT COUNT(*) FROM customer_levels WHERE code = ?"
                                                       : "SELECT COUNT(*) FROM customer_sources WHERE code = ?",
                 "s", code);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    *known = rc == DB_ROW && db_col_int64(st, 0) > 0;
    db_reset(st);
    return rc == DB_ROW ? DB_OK : DB_ERROR;
}

int tag_rules_sql_unit_known(db *d, int64_t id, bool *known)
{
    db_stmt *st = db_query(d, "SELECT COUNT(*) FROM org_units WHERE id = ?", "i", id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    *known = rc == DB_ROW && db_col_int64(st, 0) > 0;
    db_reset(st);
    return rc == DB_ROW ? DB_OK : DB_ERROR;
}
