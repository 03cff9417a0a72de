/*
 * tags_rules.c — automatic tagging (CUS-7): checking a rule's conditions and the job
 * that applies every rule (tags_rules_sql.c holds its statements).
 *
 * Conditions, AND-combined, each optional (at least one):
 *   kind "individual"|"corporate", status "potential"|"existing", gender "M"|"F",
 *   levels [level codes], sources [source codes] (1–20 each), age_min / age_max
 *   (0–150 years, from birth_date), unit_id (the unit and its subtree),
 *   missing_info true|false (CUS-4 mark).
 */
#include "audit/audit.h"
#include "classify.h"
#include "core/log.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

static bool one_of(json_t *v, const char *a, const char *b)
{
    return json_is_string(v) && (str_eq(json_string_value(v), a) || str_eq(json_string_value(v), b));
}

static bool code_chars(const char *s)
{
    if (!s || !*s || strlen(s) > 32)
        return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_' ||
              *s == '-' || *s == '.'))
            return false;
    return true;
}

static bool codes_ok(db *d, json_t *arr, const char *table)
{
    if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > 20)
        return false;
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        bool known = false;
        if (!json_is_string(v) || !code_chars(json_string_value(v)) ||
            tag_rules_sql_code_known(d, table, json_string_value(v), &known) != DB_OK || !known)
            return false;
    }
    return true;
}

static bool age_ok(json_t *v)
{
    return json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= 150;
}

bool tag_rule_conditions_ok(db *d, json_t *cond)
{
    if (!json_is_object(cond) || json_object_size(cond) == 0)
        return false;
    const char *key;
    json_t *v;
    json_object_foreach(cond, key, v)
    {
        bool ok;
        if (str_eq(key, "kind"))
            ok = one_of(v, "individual", "corporate");
        else if (str_eq(key, "status"))
            ok = one_of(v, "potential", "existing");
        else if (str_eq(key, "gender"))
            ok = one_of(v, "M", "F");
        else if (str_eq(key, "levels"))
            ok = codes_ok(d, v, "customer_levels");
        else if (str_eq(key, "sources"))
            ok = codes_ok(d, v, "customer_sources");
        else if (str_eq(key, "age_min") || str_eq(key, "age_max"))
            ok = age_ok(v);
        else if (str_eq(key, "unit_id")) {
            bool known = false;
            ok = json_is_integer(v) && json_integer_value(v) > 0 &&
                 tag_rules_sql_unit_known(d, json_integer_value(v), &known) == DB_OK && known;
        } else if (str_eq(key, "missing_info"))
            ok = json_is_boolean(v);
        else
            ok = false;
        if (!ok)
            return false;
    }
    json_t *lo = json_object_get(cond, "age_min"), *hi = json_object_get(cond, "age_max");
    return !(lo && hi && json_integer_value(lo) > json_integer_value(hi));
}

struct rule_row {
    int64_t tag_id;
    json_t *cond; /* NULL: inactive */
};

int tag_rules_run(db *d, arena *a, int64_t user_id, const char *username, const char *ip, struct tag_rules_result *out)
{
    memset(out, 0, sizeof *out);
    if (db_begin(d) != DB_OK)
        return DB_ERROR;
    int n = 0, cap = 64, rc;
    struct rule_row *rules = xmalloc((size_t)cap * sizeof *rules);
    db_stmt *st = tag_rules_sql_all(d);
    if (!st)
        goto fail;
    while ((rc = db_step(st)) == DB_ROW) {
        if (n == cap) {
            cap *= 2;
            struct rule_row *more = realloc(rules, (size_t)cap * sizeof *rules);
            if (!more)
                abort();
            rules = more;
        }
        bool active = db_col_int64(st, 3) != 0;
        json_t *cond = active ? json_loads(db_col_text(st, 2), 0, NULL) : NULL;
        rules[n++] = (struct rule_row){db_col_int64(st, 1), cond};
        if (active)
            out->rules++;
    }
    db_reset(st);
    if (rc != DB_DONE)
        goto fail;
    /* one tag at a time: its active rules OR-combined */
    for (int i = 0; i < n;) {
        int j = i;
        json_t *conds[256];
        int nconds = 0;
        while (j < n && rules[j].tag_id == rules[i].tag_id) {
            if (rules[j].cond && nconds < (int)ARRAY_LEN(conds))
                conds[nconds++] = rules[j].cond;
            j++;
        }
        int64_t added, removed, matched;
        if (tag_rules_sql_apply(d, a, rules[i].tag_id, conds, nconds, &added, &removed, &matched) != DB_OK)
            goto fail;
        out->tags++;
        out->added += added;
        out->removed += removed;
        out->matched += matched;
        i = j;
    }
    char detail[160];
    snprintf(detail, sizeof detail, "{\"rules\":%d,\"tags\":%d,\"added\":%lld,\"removed\":%lld,\"matched\":%lld}",
             out->rules, out->tags, (long long)out->added, (long long)out->removed, (long long)out->matched);
    struct audit_entry e = {.user_id = user_id,
                            .username = username,
                            .ip = ip,
                            .action = "tag_rules.run",
                            .object_type = "tag_rule",
                            .object_id = "",
                            .detail = detail};
    if (audit_write(d, &e) != DB_OK || db_commit(d) != DB_OK)
        goto fail;
    for (int i = 0; i < n; i++)
        json_decref(rules[i].cond);
    free(rules);
    return DB_OK;
fail:
    log_error("tag rules: %s", db_errmsg(d));
    db_rollback(d);
    for (int i = 0; i < n; i++)
        json_decref(rules[i].cond);
    free(rules);
    return DB_ERROR;
}
