/*
 * classify.h — part B of the customers issue: attributes (CUS-6), tags, batch
 * tagging and automatic tag rules (CUS-7), groups (CUS-11), key customers (CUS-16)
 * and star levels (CUS-17). Configuration (attributes, tag groups and tags, rules,
 * levels) needs customers.settings; everything on one customer goes through the
 * scoped customer query (customers_sql_query / scope_where_also), so a customer
 * outside the caller's scope is absent (404) here as everywhere.
 *
 * Files: classify.c (shared steps), attributes_*.c, tags_*.c (with the rules job),
 * groups_*.c, stars_*.c, levels_*.c; SQL only in the *_sql.c files.
 */
#ifndef FINCRM_CLASSIFY_H
#define FINCRM_CLASSIFY_H

#include "customers.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define CLASSIFY_BATCH_MAX 10000 /* customers per batch request */
#define CLASSIFY_NAME_MAX 32     /* characters of names of attributes, values, tags, groups, levels */

/* ---- shared steps (classify.c) ---------------------------------------------- */

/* One customer inside the caller's scope (CUS-3, CUS-5): DB_ROW with *custodian set
 * (primary or assistant custodian), DB_DONE when absent or outside the scope. */
int classify_customer(req *r, int64_t id, bool *custodian);
/* Looks the customer up for a change: false after req_fail() — 404 outside the
 * scope, 403 customer.not_custodian unless the caller is a custodian or `any`
 * (may change any customer in the scope). */
bool classify_may_change(req *r, int64_t id, bool any);
/* The body's array `name` of customer ids (1..CLASSIFY_BATCH_MAX positive integers)
 * as JSON array text with duplicates removed; *n distinct ids. NULL after req_fail(). */
const char *classify_ids(req *r, json_t *body, const char *name, int *n);
/* Appends " AND c.id IN (<the ids of the JSON array>) AND <the caller's scope>" to a
 * query over customers c: the one scope implementation, for sets of customers. With
 * custody_only, also " AND <the caller is a custodian (primary or assistant)>". */
void classify_ids_in_scope(sqlb *q, db *d, const struct access *acc, const char *ids_json, bool custody_only);
/* The finished writer's text as an arena string (audit details). */
const char *classify_json(req *r, jw *w);
/* An integer member with bounds (optional: *out keeps its value when absent). */
bool classify_int(req *r, json_t *obj, const char *name, bool required, int64_t lo, int64_t hi, int64_t *out);

/* ---- CUS-6 attributes -------------------------------------------------------- */
int attr_sql_code_used(db *d, const char *code, bool *used);
int attr_sql_insert(db *d, const char *code, const char *name, const char *tmpl, int64_t sort, bool active,
                    int64_t *id);
int attr_sql_update(db *d, int64_t id, const char *name, const char *tmpl, int64_t sort, bool active);
int attr_sql_exists(db *d, int64_t id, bool *active);
db_stmt *attr_sql_list(db *d);   /* id, code, name, note_template, sort, active */
db_stmt *attr_sql_values(db *d); /* id, attribute_id, name, sort, active */
int attr_sql_value_upsert(db *d, int64_t attribute_id, int64_t value_id, const char *name, int64_t sort, bool active,
                          int64_t *id);
/* Values of the attribute not in keep (JSON array of ids): unused ones are deleted, used ones deactivated. */
int attr_sql_values_prune(db *d, int64_t attribute_id, const char *keep_json);
/* Attribute id, code, name, template, active, value id, value name, blanks, by, at (NULL when unset) of a customer. */
db_stmt *attr_sql_of_customer(db *d, int64_t customer_id, int64_t attribute_id);
int attr_sql_value_ok(db *d, int64_t attribute_id, int64_t value_id, bool *ok);
int attr_sql_set(db *d, int64_t customer_id, int64_t attribute_id, int64_t value_id, const char *blanks,
                 int64_t by_user);
int attr_sql_clear(db *d, int64_t customer_id, int64_t attribute_id);
/* The number of blanks 【】 in a template, and the sentence with them filled. */
int attr_blank_count(const char *tmpl);
const char *attr_render(arena *a, const char *tmpl, json_t *blanks);

int handle_attributes_list(req *r);
int handle_attribute_create(req *r);
int handle_attribute_update(req *r);
int handle_customer_attributes(req *r);
int handle_customer_attribute_set(req *r);
int handle_customer_attribute_clear(req *r);

/* ---- CUS-7 tags and rules ----------------------------------------------------- */
db_stmt *tag_sql_groups(db *d); /* id, name, multi, sort */
db_stmt *tag_sql_tags(db *d);   /* id, group_id, name, color, sort, customers */
int tag_sql_group_insert(db *d, const char *name, bool multi, int64_t sort, int64_t *id);
int tag_sql_group_update(db *d, int64_t id, const char *name, bool multi, int64_t sort);
int tag_sql_group_get(db *d, int64_t id, bool *multi);
int tag_sql_group_tags(db *d, int64_t id, int64_t *n);
int tag_sql_group_delete(db *d, int64_t id);
int tag_sql_insert(db *d, int64_t group_id, const char *name, const char *color, int64_t sort, int64_t *id);
int tag_sql_update(db *d, int64_t id, const char *name, const char *color, int64_t sort);
int tag_sql_get(db *d, int64_t id, int64_t *group_id, bool *multi);
int tag_sql_rules_of(db *d, int64_t id, int64_t *n);
int tag_sql_delete(db *d, int64_t id);
db_stmt *tag_sql_of_customer(db *d, int64_t customer_id); /* tag id, group id, name, color, by_user, at */
/* Tags one customer (a single-select group's other tags go); removes a tag. */
int tag_sql_customer_add(db *d, int64_t customer_id, int64_t tag_id, int64_t group_id, bool multi, int64_t by_user);
int tag_sql_customer_remove(db *d, int64_t customer_id, int64_t tag_id);
/* Batch: the ids of ids_json inside the caller's scope get (or lose) the tag. */
struct tag_batch {
    int64_t in_scope, changed;
};
int tag_sql_batch(db *d, arena *a, const struct access *acc, const char *ids_json, bool custody_only, int64_t tag_id,
                  int64_t group_id, bool multi, bool add, struct tag_batch *out);

/* Rules: conditions are a JSON object of AND-combined conditions (tags_rules.c). */
bool tag_rule_conditions_ok(db *d, json_t *cond);
db_stmt *tag_sql_rules(db *d); /* id, name, tag_id, conditions, active, created_at, last_run_at, last_matched */
int tag_sql_rule_insert(db *d, const char *name, int64_t tag_id, const char *cond, bool active, int64_t *id);
int tag_sql_rule_update(db *d, int64_t id, const char *name, int64_t tag_id, const char *cond, bool active);
int tag_sql_rule_get(db *d, int64_t id, int64_t *tag_id);
int tag_sql_rule_delete(db *d, int64_t id);
/* A tag no rule targets any more loses the tags rules gave it. */
int tag_sql_rule_orphan(db *d, int64_t tag_id);
/* The job's statements (tags_rules_sql.c): applies the rules (conditions) of one tag. */
int tag_rules_sql_apply(db *d, arena *a, int64_t tag_id, json_t **conds, int nconds, int64_t *added, int64_t *removed,
                        int64_t *matched);
db_stmt *tag_rules_sql_all(db *d); /* id, tag_id, conditions, active, ordered by tag */
/* Is code one of the codes of table "customer_levels" or "customer_sources"? */
int tag_rules_sql_code_known(db *d, const char *table, const char *code, bool *known);
int tag_rules_sql_unit_known(db *d, int64_t id, bool *known);
struct tag_rules_result {
    int rules, tags;
    int64_t added, removed, matched;
};
/* The job (CUS-7): applies every rule set-based, in one transaction with one audit
 * entry "tag_rules.run" by the given actor (user 0 "cli" from the command line). */
int tag_rules_run(db *d, arena *a, int64_t user_id, const char *username, const char *ip, struct tag_rules_result *out);

int handle_tag_groups_list(req *r);
int handle_tag_group_create(req *r);
int handle_tag_group_update(req *r);
int handle_tag_group_delete(req *r);
int handle_tag_create(req *r);
int handle_tag_update(req *r);
int handle_tag_delete(req *r);
int handle_customer_tags(req *r);
int handle_customer_tag_add(req *r);
int handle_customer_tag_remove(req *r);
int handle_tags_batch(req *r);
int handle_tag_rules_list(req *r);
int handle_tag_rule_create(req *r);
int handle_tag_rule_update(req *r);
int handle_tag_rule_delete(req *r);
int handle_tag_rules_run(req *r);

/* ---- CUS-11 groups -------------------------------------------------------------- */
db_stmt *group_sql_list(db *d, int64_t user_id); /* id, name, note, owner_id, created_at, members */
int group_sql_get(db *d, int64_t id, int64_t user_id, bool *found, bool *system);
int group_sql_name_used(db *d, const char *name, int64_t owner_id, int64_t except, bool *used);
int group_sql_insert(db *d, const char *name, const char *note, int64_t owner_id, int64_t by, int64_t *id);
int group_sql_update(db *d, int64_t id, const char *name, const char *note);
int group_sql_delete(db *d, int64_t id);
int group_sql_members(db *d, arena *a, const struct access *acc, int64_t id, const char *ids_json, bool add,
                      int64_t *in_scope, int64_t *changed);

int handle_groups_list(req *r);
int handle_group_create(req *r);
int handle_group_update(req *r);
int handle_group_delete(req *r);
int handle_group_customers(req *r);
int handle_group_add(req *r);
int handle_group_remove(req *r);

/* ---- CUS-16 key customers, CUS-17 star levels ------------------------------------- */
int star_sql_get(db *d, arena *a, int64_t user_id, int64_t customer_id, const char **color, int64_t *at);
int star_sql_set(db *d, int64_t user_id, int64_t customer_id, const char *color);
int star_sql_delete(db *d, int64_t user_id, int64_t customer_id);

db_stmt *level_sql_list(db *d); /* id, code, name, revisit_days, sort, customers */
int level_sql_code_used(db *d, const char *code, bool *used);
int level_sql_insert(db *d, const char *code, const char *name, int64_t days, int64_t sort, int64_t *id);
int level_sql_update(db *d, int64_t id, const char *name, int64_t days, int64_t sort);
int level_sql_get(db *d, arena *a, int64_t id, const char **code);
int level_sql_customers(db *d, const char *code, int64_t *n);
int level_sql_delete(db *d, int64_t id);
int level_sql_known(db *d, const char *code, bool *known);
/* The customer's level code, its name and interval, and when it was set. */
int level_sql_of_customer(db *d, arena *a, int64_t customer_id, const char **code, const char **name, int64_t *days,
                          int64_t *set_at);
int level_sql_set(db *d, int64_t customer_id, const char *code);

int handle_customer_star(req *r);
int handle_customer_star_set(req *r);
int handle_customer_star_clear(req *r);
int handle_stars_list(req *r);
int handle_levels_list(req *r);
int handle_level_create(req *r);
int handle_level_update(req *r);
int handle_level_delete(req *r);
int handle_customer_level(req *r);
int handle_customer_level_set(req *r);

/* Demo data (fincrm demo): a few tags, attribute values, levels, a rule, a group, stars. */
int classify_demo(db *d, int64_t now);

#endif
