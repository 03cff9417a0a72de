/*
 * classify_demo.c — the demo data of part B (`fincrm demo`): tag groups and tags on a
 * share of the customers, two automatic rules applied once, attribute values, star
 * levels, a system group and a few key customers. Set-based statements run after
 * the customers are loaded, inside the demo's transaction: cheap at 1M customers.
 */
#include "classify.h"

static int exec_all(db *d, const char *const *sql, int n)
{
    for (int i = 0; i < n; i++)
        if (db_exec(d, sql[i]) != DB_OK)
            return DB_ERROR;
    return DB_OK;
}

int classify_demo(db *d, int64_t now)
{
    (void)now; /* the statements use the demo's fixed clock (2026-07-01) */
    static const char *const fixed[] = {
        "INSERT INTO tag_groups (name, multi, sort, created_at) VALUES ('客户价值', 0, 10, 1782835200000), "
        "('兴趣偏好', 1, 20, 1782835200000), ('规则标签', 1, 30, 1782835200000)",
        "INSERT INTO tags (group_id, name, color, sort, created_at) SELECT g.id, t.name, t.color, t.sort, "
        "1782835200000 FROM tag_groups g JOIN ("
        "SELECT '客户价值' AS grp, '高价值' AS name, '#f56c6c' AS color, 10 AS sort "
        "UNION ALL SELECT '客户价值', '潜力客户', '#e6a23c', 20 UNION ALL SELECT '客户价值', '普通客户', '#909399', 30 "
        "UNION ALL SELECT '兴趣偏好', '理财', '#409eff', 10 UNION ALL SELECT '兴趣偏好', '保险', '#67c23a', 20 "
        "UNION ALL SELECT '兴趣偏好', '贷款需求', '#9b59b6', 30 UNION ALL SELECT '规则标签', '银发客户', '#b88230', 10 "
        "UNION ALL SELECT '规则标签', '信息待补全', '#f56c6c', 20) t ON t.grp = g.name",
        /* tags chosen by the custodians on a share of their customers */
        "INSERT INTO customer_tags (customer_id, tag_id, by_user, at) SELECT c.id, t.id, c.manager_id, c.created_at "
        "FROM customers c JOIN tags t ON t.name = CASE c.id % 10 WHEN 0 THEN '高价值' WHEN 1 THEN '潜力客户' WHEN 2 "
        "THEN '潜力客户' WHEN 3 THEN '普通客户' END WHERE c.manager_id IS NOT NULL AND c.id % 10 < 4",
        "INSERT INTO customer_tags (customer_id, tag_id, by_user, at) SELECT c.id, t.id, c.manager_id, c.created_at "
        "FROM customers c JOIN tags t ON t.name = '理财' WHERE c.manager_id IS NOT NULL AND c.id % 7 = 0",
        "INSERT INTO customer_tags (customer_id, tag_id, by_user, at) SELECT c.id, t.id, c.manager_id, c.created_at "
        "FROM customers c JOIN tags t ON t.name = '保险' WHERE c.manager_id IS NOT NULL AND c.id % 11 = 0",
        /* two rules */
        "INSERT INTO tag_rules (name, tag_id, conditions, active, created_at) SELECT '六十岁以上个人客户', id, "
        "'{\"age_min\":60,\"kind\":\"individual\"}', 1, 1782835200000 FROM tags WHERE name = '银发客户'",
        "INSERT INTO tag_rules (name, tag_id, conditions, active, created_at) SELECT '资料不全', id, "
        "'{\"missing_info\":true}', 1, 1782835200000 FROM tags WHERE name = '信息待补全'",
        /* attributes: marriage and education of a fifth of the individuals, property with a filled note */
        "INSERT INTO customer_attribute_data (customer_id, attribute_id, value_id, blanks, by_user, at) "
        "SELECT c.id, v.attribute_id, v.id, '[]', c.manager_id, c.created_at FROM customers c JOIN (SELECT x.id, "
        "x.attribute_id, ROW_NUMBER() OVER (PARTITION BY x.attribute_id ORDER BY x.sort, x.id) - 1 AS k, COUNT(*) "
        "OVER (PARTITION BY x.attribute_id) AS n FROM customer_attribute_values x JOIN customer_attributes a ON a.id "
        "= x.attribute_id WHERE a.code IN ('marriage', 'education')) v ON v.k = c.id % v.n WHERE c.kind = "
        "'individual' AND c.manager_id IS NOT NULL AND c.id % 5 = 0",
        "INSERT INTO customer_attribute_data (customer_id, attribute_id, value_id, blanks, by_user, at) "
        "SELECT c.id, a.id, v.id, '[\"城关镇\",\"2012\",\"98\",\"\"]', c.manager_id, c.created_at FROM customers c "
        "JOIN customer_attributes a ON a.code = 'property' JOIN customer_attribute_values v ON v.attribute_id = a.id "
        "AND v.name = '按揭' WHERE c.kind = 'individual' AND c.manager_id IS NOT NULL AND c.id % 25 = 0",
        /* star levels on a third of the customers in custody, set over the last 20 days */
        "UPDATE customers SET level = CASE id % 4 WHEN 0 THEN 'A' WHEN 1 THEN 'B' WHEN 2 THEN 'C' ELSE 'D' END, "
        "level_set_at = 1782835200000 - (id % 20) * 86400000 WHERE manager_id IS NOT NULL AND id % 3 = 0",
        /* a system group and key customers of cm00001 */
        "INSERT INTO customer_groups (name, note, owner_id, created_by, created_at) VALUES ('重点营销名单', "
        "'营销活动的重点客户', NULL, NULL, 1782835200000)",
        "INSERT INTO customer_group_members (group_id, customer_id, added_by, at) SELECT g.id, c.id, NULL, "
        "1782835200000 FROM customer_groups g JOIN customers c ON c.id % 97 = 0 WHERE g.name = '重点营销名单'",
        "INSERT INTO customer_stars (user_id, customer_id, color, at) SELECT c.manager_id, c.id, CASE c.id % 3 "
        "WHEN 0 THEN 'red' WHEN 1 THEN 'orange' ELSE 'blue' END, 1782835200000 FROM customers c JOIN users u ON u.id "
        "= c.manager_id WHERE u.username = 'cm00001' AND c.id % 4 = 0",
    };
    if (exec_all(d, fixed, (int)(sizeof fixed / sizeof fixed[0])) != DB_OK)
        return DB_ERROR;
    /* the rules, applied once as the job would */
    db_stmt *st = db_prepare(d, "SELECT tag_id, conditions FROM tag_rules ORDER BY id");
    if (!st)
        return DB_ERROR;
    int64_t tags[2];
    json_t *conds[2] = {NULL, NULL};
    int n = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && n < 2) {
        tags[n] = db_col_int64(st, 0);
        conds[n] = json_loads(db_col_text(st, 1), 0, NULL);
        n++;
    }
    db_reset(st);
    arena *a = arena_new(4096);
    for (int i = 0; i < n && rc != DB_ERROR; i++) {
        int64_t added, removed, matched;
        if (!conds[i] || tag_rules_sql_apply(d, a, tags[i], &conds[i], 1, &added, &removed, &matched) != DB_OK)
            rc = DB_ERROR;
    }
    arena_free(a);
    for (int i = 0; i < n; i++)
        json_decref(conds[i]);
    return rc == DB_ERROR ? DB_ERROR : DB_OK;
}
