/*
 * org.h — the organisation: units of the org tree (ORG-1), roles and positions
 * (ORG-2, ORG-3, ORG-6), users (ORG-2, AUTH-1) and staff leave (ORG-7).
 *
 * org.c holds the rules, org_sql.c the statements, org_http.c and users_http.c the
 * handlers. Every change runs in one transaction with its audit record.
 */
#ifndef FINCRM_ORG_H
#define FINCRM_ORG_H

#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "db/sqlb.h"
#include "http/http.h"
#include "org/access.h"

#include <stdbool.h>
#include <stdint.h>

/* ---- units (ORG-1) ---------------------------------------------------------- */

struct unit {
    int64_t id, parent_id; /* parent_id 0: a root */
    const char *code, *name, *level, *status, *path;
    int64_t sort_order;
};

/* Is `child` a valid level under a parent of level `parent` (NULL: a root)? */
bool org_level_ok(const char *parent, const char *child);

int org_sql_unit_get(db *d, arena *a, int64_t id, struct unit *out); /* DB_ROW, DB_DONE, DB_ERROR */
db_stmt *org_sql_units(db *d); /* id, parent_id, code, name, level, status, sort_order, path, user_count */
int org_sql_unit_insert(db *d, const struct unit *u, const char *parent_path, int64_t *id);
int org_sql_unit_update(db *d, int64_t id, const char *code, const char *name, int64_t sort_order);
int org_sql_unit_move(db *d, int64_t id, int64_t parent_id, const char *old_path, const char *new_path);
int org_sql_unit_status(db *d, int64_t id, const char *status);
int org_sql_unit_busy(db *d, int64_t id, int64_t *users, int64_t *children);
int org_sql_unit_code_used(db *d, const char *code, int64_t except_id, bool *used);

err org_unit_create(req *r, struct unit *u);
err org_unit_update(req *r, int64_t id, const char *code, const char *name, const int64_t *sort_order);
err org_unit_move(req *r, int64_t id, int64_t parent_id);
err org_unit_set_status(req *r, int64_t id, bool open);
void org_write_unit(jw *w, const struct unit *u);

/* ---- roles and positions (ORG-2, ORG-3, ORG-4, ORG-6) --------------------------- */

struct role_input {
    const char *code, *name, *description;
    enum data_scope scope;
    const char **perms;
    int nperms;
    struct field_rule *fields; /* ncustomer_fields entries, or NULL to keep/default */
};

db_stmt *org_sql_roles(db *d); /* id, code, name, description, data_scope, builtin, user_count */
int org_sql_role_exists(db *d, int64_t id, bool *builtin);
db_stmt *org_sql_role_perms(db *d, int64_t role_id); /* perm; role_id 0: all, with role_id first */
int org_sql_role_insert(db *d, const struct role_input *in, int64_t *id);
int org_sql_role_update(db *d, int64_t id, const struct role_input *in);
int org_sql_role_set_perms(db *d, int64_t id, const char **perms, int n);
int org_sql_role_set_fields(db *d, int64_t id, const struct field_rule *rules, int n);
int org_sql_role_delete(db *d, int64_t id);
int org_sql_role_positions(db *d, int64_t id, int64_t *n);
int org_sql_code_used(db *d, const char *table, const char *code, bool *used);

err org_role_save(req *r, int64_t id, struct role_input *in, int64_t *new_id);
err org_role_delete(req *r, int64_t id);

db_stmt *org_sql_positions(db *d); /* id, code, name, is_custodian, role id/code/name, user_count */
int org_sql_position_insert(db *d, const char *code, const char *name, int64_t role_id, bool custodian, int64_t *id);
int org_sql_position_update(db *d, int64_t id, const char *name, int64_t role_id, bool custodian);
int org_sql_position_get(db *d, arena *a, int64_t id, const char **name, int64_t *role_id, bool *custodian);

/* ---- users (ORG-2, AUTH-1) ------------------------------------------------------ */

struct user_filter {
    const char *q;
    int64_t unit_id;
    const char *status;
    int64_t id; /* one user */
};
struct user_input {
    const char *username, *display_name, *phone, *credit_id;
    int64_t unit_id, position_id, reports_to;
    bool has_phone, has_credit_id, has_unit, has_position, has_reports_to;
};

/* The scoped user query: columns of org_users_write_row(), filters applied. */
void org_sql_users_query(sqlb *q, const struct access *acc, const struct user_filter *f, bool count);
void org_write_user_row(jw *w, db_stmt *st);
int org_sql_user_unit_path(db *d, arena *a, int64_t user_id, const char **path, bool *active);
int org_sql_user_insert(db *d, const struct user_input *in, const char *hash, int64_t *id);
int org_sql_user_update(db *d, int64_t id, const struct user_input *in);
int org_sql_user_status(db *d, int64_t id, const char *status);
int org_sql_user_password(db *d, int64_t id, const char *hash);
int org_sql_user_unlock(db *d, int64_t id);
int org_sql_end_sessions(db *d, int64_t user_id);

/* AUTH-1: a random one-time password that passes the password rule. */
void org_one_time_password(char out[16]);
/* Is a user visible to the caller (exists and inside the data scope)? */
err org_user_in_scope(req *r, int64_t id);
err org_user_create(req *r, const struct user_input *in, int64_t *id, char password[16]);
err org_user_update(req *r, int64_t id, const struct user_input *in);
err org_user_set_status(req *r, int64_t id, bool active);
err org_user_reset_password(req *r, int64_t id, char password[16]);
err org_user_unlock(req *r, int64_t id);

/* ---- staff leave (ORG-7) ------------------------------------------------------ */

/* Each module that keeps work per user registers a part: it counts and moves it.
 * Customers are here now; tasks and approvals join as those modules land. */
struct handover_part {
    const char *name; /* "customers", "tasks", "approvals" */
    int (*count)(db *d, int64_t user_id, int64_t *n);
    int (*move)(db *d, int64_t from, int64_t to, int64_t handover_id, int64_t *n);
};
extern const struct handover_part handover_parts[];
extern const int nhandover_parts;

struct handover_result {
    int64_t id;
    int64_t counts[3]; /* per handover_parts entry: customers, tasks, approvals */
};
err org_handover(req *r, int64_t from, int64_t to, bool disable, const char *note, struct handover_result *out);
int org_sql_handover_insert(db *d, int64_t from, int64_t to, int64_t by, const char *note, int64_t *id);
int org_sql_handover_counts(db *d, int64_t id, const int64_t *counts);
void org_sql_handovers_query(sqlb *q, const struct access *acc, int64_t id, bool count);
void org_write_handover_row(jw *w, db_stmt *st);

/* ---- handlers ------------------------------------------------------------------ */
int handle_units_list(req *r);
int handle_unit_create(req *r);
int handle_unit_update(req *r);
int handle_unit_move(req *r);
int handle_unit_close(req *r);
int handle_unit_reopen(req *r);
int handle_roles_catalog(req *r);
int handle_roles_list(req *r);
int handle_role_get(req *r);
int handle_role_create(req *r);
int handle_role_update(req *r);
int handle_role_delete(req *r);
int handle_positions_list(req *r);
int handle_position_create(req *r);
int handle_position_update(req *r);
int handle_users_list(req *r);
int handle_user_get(req *r);
int handle_user_create(req *r);
int handle_user_update(req *r);
int handle_user_disable(req *r);
int handle_user_enable(req *r);
int handle_user_reset_password(req *r);
int handle_user_unlock(req *r);
int handle_handover_preview(req *r);
int handle_handover(req *r);
int handle_handovers_list(req *r);

#endif
