/*
 * access.h — what a signed-in user may do and see (ORG-3, ORG-4, ORG-6, AUTH-8).
 *
 * Permissions: a fixed catalogue of codes (menus/pages and actions) that roles hold.
 * Every route names the permission it needs in the route table; the http layer
 * refuses the call with 403 before the handler runs.
 *
 * Data scope: the one place that turns a user's role scope into SQL. Every query
 * that returns customer rows (lists, counts, searches, reports, charts, exports)
 * adds scope_where() to its WHERE clause; a route that returns customer data
 * declares `.scope` in the route table and gets its scope from req_scope(), which
 * fails the request when the route forgot the declaration.
 *
 * Field security: per role and customer field, hidden / read-only / editable and
 * masking none / in lists / everywhere; field_value() applies it.
 */
#ifndef FINCRM_ACCESS_H
#define FINCRM_ACCESS_H

#include "core/arena.h"
#include "db/sqlb.h"
#include "db/db.h"

#include <stdbool.h>
#include <stdint.h>

enum data_scope { SCOPE_SELF, SCOPE_SELF_AND_REPORTS, SCOPE_UNIT, SCOPE_SUBTREE, SCOPE_ALL };

struct perm_info {
    const char *code;  /* "customers.export" */
    const char *group; /* "customers": the row of the role editor's matrix */
    bool menu;         /* a page/menu entry (else an action) */
    const char *zh, *en;
};
extern const struct perm_info perm_catalog[];
extern const int nperm_catalog;
const struct perm_info *perm_find(const char *code);

const char *data_scope_name(enum data_scope s);
bool data_scope_parse(const char *name, enum data_scope *out);

/* The caller's access, loaded with the session. Strings live in the request arena. */
struct access {
    int64_t user_id, unit_id, role_id;
    const char *unit_path; /* "/1/12/130/" */
    enum data_scope scope;
    const char **perms; /* sorted */
    int nperms;
};

bool access_has(const struct access *a, const char *perm);
/* Loads role, scope, unit path and permissions of a user. DB_OK or DB_ERROR. */
int access_load(db *d, arena *a, int64_t user_id, struct access *out);
/* The columns every access query selects, from users u, org_units o, positions p,
 * roles r, in this order; access_from_row() reads them starting at column `col`. */
#define ACCESS_COLS "u.id, u.unit_id, o.path, p.role_id, r.data_scope, r.perm_list"
#define ACCESS_JOINS                                                                                                   \
    " JOIN org_units o ON o.id = u.unit_id JOIN positions p ON p.id = u.position_id JOIN roles r ON r.id = p.role_id"
bool access_from_row(db_stmt *st, int col, arena *a, struct access *out);

/* Appends " AND (…)" restricting rows to the caller's scope. unit_col names the
 * row's unit (BIGINT), owner_col the user responsible for it (BIGINT, may be NULL
 * for tables without one: then self scopes fall back to the user's own unit). */
void scope_where(sqlb *q, const struct access *a, const char *unit_col, const char *owner_col);
/* The same, widened by rows the caller is linked to whatever the scope: `also` is
 * a condition with exactly one `?`, bound to the caller's user id, e.g.
 * "c.id IN (SELECT customer_id FROM customer_staff WHERE user_id = ?)" (CUS-3, CUS-5). */
void scope_where_also(sqlb *q, const struct access *a, const char *unit_col, const char *owner_col, const char *also);
/* Is a unit inside the caller's scope (for single-record checks on users/units)? */
bool scope_has_unit(const struct access *a, const char *unit_path);

/* Field security (ORG-6, AUTH-8) */
enum field_access { FIELD_HIDDEN, FIELD_READ, FIELD_EDIT };
enum field_masking { MASK_NONE, MASK_LIST, MASK_ALL };
struct field_rule {
    const char *field;
    enum field_access access;
    enum field_masking masking;
};
struct field_info {
    const char *field;
    const char *column; /* SQL expression over customers c */
    bool sensitive;     /* masked per AUTH-8 */
    bool protect;       /* read-only to assistant custodians (CUS-5) */
    const char *zh, *en;
};
extern const struct field_info customer_fields[];
extern const int ncustomer_fields;
const struct field_info *customer_field_find(const char *field);
const char *field_access_name(enum field_access a);
const char *field_masking_name(enum field_masking m);
bool field_access_parse(const char *s, enum field_access *out);
bool field_masking_parse(const char *s, enum field_masking *out);

/* The role's rule for a field (defaults: editable, masked everywhere if sensitive). */
struct field_rule field_rule_of(db *d, int64_t role_id, const char *field);
/* The field rules of a role for every customer field, in catalogue order (ncustomer_fields entries). */
int field_rules_load(db *d, arena *a, int64_t role_id, struct field_rule *out);

/* Is a field's value masked for the caller: in a list or in the full record, for a
 * custodian (primary or assistant, who see clear values) or not? Hidden fields are
 * never written at all. */
bool field_masked(const struct field_rule *rule, bool list, bool custodian);

/* AUTH-8 masks: 13812341234 → 138****1234; 440102199001011234 → 4401**********1234;
 * other values keep the first and last quarter. Returns an arena string. */
const char *mask_value(arena *a, const char *field, const char *value);

#endif
