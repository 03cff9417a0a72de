/*
 * customers_http.c — the scoped customer list, the full record and the reveal of
 * a masked value. Field security (ORG-6) and masking (AUTH-8) are applied while
 * each row is written: hidden fields are left out, masked ones carry stars unless
 * the caller is the customer's custodian, and the row lists what was masked.
 */
#include "audit/audit.h"
#include "auth/auth.h"
#include "core/log.h"
#include "core/util.h"
#include "customers.h"

#include <string.h>

#define MAX_FIELDS 64

/* The column each catalogue field is read from. */
static int field_col(const char *field)
{
    static const struct {
        const char *field;
        int col;
    } map[] = {
        {"customer_no", CC_NO},  {"name", CC_NAME},           {"kind", CC_KIND},
        {"status", CC_STATUS},   {"gender", CC_GENDER},       {"birth_date", CC_BIRTH_DATE},
        {"id_type", CC_ID_TYPE}, {"id_number", CC_ID_NUMBER}, {"mobile", CC_MOBILE},
        {"address", CC_ADDRESS},
    };
    for (size_t i = 0; i < ARRAY_LEN(map); i++)
        if (strcmp(map[i].field, field) == 0)
            return map[i].col;
    return -1;
}

/* Is this field masked for the caller on this row (list or full view)? */
static bool masked(const struct field_rule *rule, bool list, bool custodian)
{
    if (custodian || rule->access == FIELD_HIDDEN)
        return false;
    return rule->masking == MASK_ALL || (list && rule->masking == MASK_LIST);
}

/* AUTH-8, CUS-5: primary and assistant custodians see the customer's values unmasked. */
static bool is_custodian(db_stmt *st)
{
    return db_col_int64(st, CC_CUSTODIAN) != 0;
}

static void write_customer(req *r, db_stmt *st, const struct field_rule *rules, bool list)
{
    jw *w = &r->out;
    bool custodian = is_custodian(st);
    const char *masked_fields[MAX_FIELDS];
    int nmasked = 0;
    jw_obj(w);
    jw_kint(w, "id", db_col_int64(st, CC_ID));
    for (int i = 0; i < ncustomer_fields; i++) {
        const struct field_rule *fr = &rules[i];
        int col = field_col(fr->field);
        if (col < 0 || fr->access == FIELD_HIDDEN)
            continue;
        const char *v = db_col_null(st, col) ? NULL : db_col_text(st, col);
        if (v && masked(fr, list, custodian)) {
            v = mask_value(r->a, fr->field, v);
            masked_fields[nmasked++] = fr->field;
        }
        jw_kstr(w, fr->field, v);
    }
    jw_kobj(w, "unit");
    jw_kint(w, "id", db_col_int64(st, CC_UNIT_ID));
    jw_kstr(w, "name", db_col_text(st, CC_UNIT_NAME));
    jw_end(w);
    if (db_col_null(st, CC_MANAGER_ID)) {
        jw_knull(w, "manager");
    } else {
        jw_kobj(w, "manager");
        jw_kint(w, "id", db_col_int64(st, CC_MANAGER_ID));
        jw_kstr(w, "display_name", db_col_text(st, CC_MANAGER_NAME));
        jw_end(w);
    }
    jw_kbool(w, "custodian", custodian);
    jw_kstr(w, "level", db_col_null(st, CC_LEVEL) ? NULL : db_col_text(st, CC_LEVEL));
    jw_kstr(w, "watch_list", db_col_null(st, CC_WATCH_LIST) ? NULL : db_col_text(st, CC_WATCH_LIST));
    jw_kbool(w, "missing_info", db_col_int64(st, CC_MISSING_INFO) != 0);
    jw_karr(w, "masked");
    for (int i = 0; i < nmasked; i++)
        jw_str(w, masked_fields[i]);
    jw_end(w);
    if (!list) {
        jw_kint(w, "created_at", db_col_int64(st, CC_CREATED_AT));
        jw_kint(w, "updated_at", db_col_int64(st, CC_UPDATED_AT));
    }
    jw_end(w);
}

static int load_rules(req *r, const struct access *acc, struct field_rule *rules)
{
    if (ncustomer_fields > MAX_FIELDS || field_rules_load(r->db, r->a, acc->role_id, rules) != DB_OK) {
        log_error("customers: field rules: %s", db_errmsg(r->db));
        return DB_ERROR;
    }
    return DB_OK;
}

/* ---- the list (CUS-8, CUS-9) ------------------------------------------------------ */

#define LIST_MAX_COLUMNS 24
#define COUNT_CAP 10000       /* beyond this the list says "10,000+" instead of counting on */
#define SEARCH_COUNT_CAP 1000 /* a quick search says "1,000+": its matches are read row by row */

/* Is field a list column the caller may see (catalogue field not hidden, or an extra)? */
static bool column_allowed(const struct customer_filter *f, const char *field)
{
    for (int i = 0; i < ncustomer_list_extra; i++)
        if (strcmp(customer_list_extra[i].field, field) == 0)
            return true;
    for (int i = 0; i < ncustomer_fields; i++)
        if (strcmp(customer_fields[i].field, field) == 0)
            return f->rules[i].access != FIELD_HIDDEN;
    return false;
}

/* Splits "a,b,c" into the chosen columns after the system ones (customer number and
 * name, always first). strict: unknown, hidden or repeated columns are an error (else
 * they are dropped silently: a stored choice that field security has narrowed since). */
static int parse_columns(arena *a, const struct customer_filter *f, const char *list, bool strict, const char **out,
                         int *n)
{
    out[0] = "customer_no";
    out[1] = "name";
    *n = 2;
    char *copy = arena_strdup(a, list), *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        bool dup = false;
        for (int i = 0; i < *n; i++)
            dup |= strcmp(out[i], t) == 0;
        if (dup || !column_allowed(f, t) || *n == LIST_MAX_COLUMNS) {
            if (strict)
                return -1;
            continue;
        }
        out[(*n)++] = t;
    }
    return 0;
}

/* The caller's columns: ?cols= (strict), else their stored choice, else the default. */
static bool list_columns(req *r, const struct customer_filter *f, const char **out, int *n)
{
    const char *cols = req_query(r, "cols");
    if (cols && *cols) {
        if (parse_columns(r->a, f, cols, true, out, n) != 0)
            return req_fail(r, E_CUSTOMER_COLUMNS_INVALID, "cols"), false;
        return true;
    }
    const char *stored;
    if (customers_sql_columns_get(r->db, r->a, f->user_id, &stored) == DB_ERROR)
        return req_fail(r, E_INTERNAL, NULL), false;
    if (stored)
        parse_columns(r->a, f, stored, false, out, n);
    else
        parse_columns(r->a, f, CUSTOMER_DEFAULT_COLUMNS, false, out, n);
    return true;
}

static int rule_index(const char *field)
{
    for (int i = 0; i < ncustomer_fields; i++)
        if (strcmp(customer_fields[i].field, field) == 0)
            return i;
    return -1;
}

/* One list row straight from the statement into the response (no copies). */
static void write_list_row(req *r, db_stmt *st, const struct customer_filter *f, const char *const *cols,
                           const int *rule_idx, int ncols)
{
    jw *w = &r->out;
    bool custodian = db_col_int64(st, 1) != 0;
    const char *masked_fields[LIST_MAX_COLUMNS];
    int nmasked = 0;
    jw_obj(w);
    jw_kint(w, "id", db_col_int64(st, 0));
    int col = 6;
    for (int i = 0; i < ncols; i++) {
        const char *field = cols[i];
        if (rule_idx[i] >= 0) {
            const struct field_rule *fr = &f->rules[rule_idx[i]];
            const char *v = db_col_null(st, col) ? NULL : db_col_text(st, col);
            if (v && masked(fr, true, custodian)) {
                v = mask_value(r->a, field, v);
                masked_fields[nmasked++] = field;
            }
            jw_kstr(w, field, v);
            col++;
        } else if (customer_list_column_width(field) == 2) {
            if (db_col_null(st, col)) {
                jw_knull(w, field);
            } else {
                jw_kobj(w, field);
                jw_kint(w, "id", db_col_int64(st, col));
                jw_kstr(w, strcmp(field, "manager") == 0 ? "display_name" : "name", db_col_text(st, col + 1));
                jw_end(w);
            }
            col += 2;
        } else {
            jw_kint(w, field, db_col_int64(st, col));
            col++;
        }
    }
    jw_kbool(w, "custodian", custodian);
    jw_kstr(w, "level", db_col_null(st, 2) ? NULL : db_col_text(st, 2));
    jw_kstr(w, "watch_list", db_col_null(st, 3) ? NULL : db_col_text(st, 3));
    jw_kbool(w, "missing_info", db_col_int64(st, 4) != 0);
    jw_kstr(w, "star", db_col_null(st, 5) ? NULL : db_col_text(st, 5));
    jw_karr(w, "masked");
    for (int i = 0; i < nmasked; i++)
        jw_str(w, masked_fields[i]);
    jw_end(w);
    jw_end(w);
}

int handle_customers_list(req *r)
{
    const struct access *acc = req_scope(r);
    if (!acc)
        return req_fail(r, E_INTERNAL, NULL);
    struct customer_filter *f = arena_alloc(r->a, sizeof *f);
    if (!customer_filter_from_query(r, f))
        return req_status(r);
    const char *cols[LIST_MAX_COLUMNS];
    int rule_idx[LIST_MAX_COLUMNS], ncols;
    if (!list_columns(r, f, cols, &ncols))
        return req_status(r);
    for (int i = 0; i < ncols; i++)
        rule_idx[i] = rule_index(cols[i]);
    int page, size;
    req_page(r, &page, &size);
    /* count=0 skips the (capped) count: the UI asks for it with the first page only */
    const char *count_param = req_query(r, "count");
    bool want_count = !count_param || strcmp(count_param, "0") != 0;

    sqlb q = {.a = r->a};
    db_stmt *st;
    int64_t total = -1, cap = f->q ? SEARCH_COUNT_CAP : COUNT_CAP;
    if (want_count) { /* a capped count: never a COUNT(*) over a whole county */
        customers_sql_list_count(&q, acc, f, cap + 1);
        st = sqlb_prepare(&q, r->db);
        total = st && db_step(st) == DB_ROW ? db_col_int64(st, 0) : -1;
        if (st)
            db_reset(st);
        if (total < 0)
            return req_fail(r, E_INTERNAL, NULL);
    }
    customers_sql_list(&q, acc, f, cols, ncols, size, (int64_t)(page - 1) * size);
    if (!(st = sqlb_prepare(&q, r->db)))
        return req_fail(r, E_INTERNAL, NULL);
    jw *w = &r->out;
    jw_obj(w);
    jw_karr(w, "items");
    int rc;
    while ((rc = db_step(st)) == DB_ROW)
        write_list_row(r, st, f, cols, rule_idx, ncols);
    db_reset(st);
    if (rc != DB_DONE)
        return req_fail(r, E_INTERNAL, NULL);
    jw_end(w);
    if (total < 0)
        jw_knull(w, "total");
    else
        jw_kint(w, "total", total > cap ? cap : total);
    jw_kbool(w, "total_capped", total > cap);
    jw_kint(w, "page", page);
    jw_kint(w, "size", size);
    jw_karr(w, "columns");
    for (int i = 0; i < ncols; i++)
        jw_str(w, cols[i]);
    jw_end(w);
    jw_end(w);
    return 200;
}

/* Finds one customer inside the caller's scope; DB_ROW leaves st on the row. */
static int find_one(req *r, const struct access *acc, int64_t id, db_stmt **st)
{
    sqlb q = {.a = r->a};
    customers_sql_query(&q, acc, NULL, id, false);
    if (!(*st = sqlb_prepare(&q, r->db)))
        return DB_ERROR;
    int rc = db_step(*st);
    if (rc != DB_ROW)
        db_reset(*st);
    return rc;
}

int handle_customer_get(req *r)
{
    const struct access *acc = req_scope(r);
    struct field_rule rules[MAX_FIELDS];
    int64_t id;
    if (!req_param_id(r, 0, &id))
        return req_status(r);
    if (!acc || load_rules(r, acc, rules) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    db_stmt *st;
    int rc = find_one(r, acc, id, &st);
    if (rc != DB_ROW) /* outside the scope looks the same as absent */
        return req_fail(r, rc == DB_DONE ? E_NOT_FOUND : E_INTERNAL, NULL);
    write_customer(r, st, rules, false);
    db_reset(st);
    /* AUTH-7: viewing the full record is recorded */
    if (req_audit(r, "customer.viewed", "customer", id, NULL) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    return 200;
}

int handle_customer_reveal(req *r)
{
    const struct access *acc = req_scope(r);
    int64_t id;
    if (!req_param_id(r, 0, &id))
        return req_status(r);
    const char *field = req_body_str(r, "field");
    if (!field)
        return req_status(r);
    if (!acc)
        return req_fail(r, E_INTERNAL, NULL);
    const struct field_info *fi = customer_field_find(field);
    if (!fi)
        return req_fail(r, E_FIELD_INVALID, "field");
    struct field_rule rule = field_rule_of(r->db, acc->role_id, field);
    db_stmt *st;
    int rc = find_one(r, acc, id, &st);
    if (rc != DB_ROW)
        return req_fail(r, rc == DB_DONE ? E_NOT_FOUND : E_INTERNAL, NULL);
    bool custodian = is_custodian(st);
    bool is_masked = rule.access != FIELD_HIDDEN && !custodian && rule.masking != MASK_NONE;
    int col = field_col(field);
    const char *value = db_col_null(st, col) ? NULL : arena_strdup(r->a, db_col_text(st, col));
    db_reset(st);
    if (!is_masked)
        return req_fail(r, E_FIELD_NOT_MASKED, "field");

    /* AUTH-8: who saw whose number, when — committed before the value leaves */
    const char *detail = arena_printf(r->a, "{\"field\":\"%s\"}", fi->field);
    if (req_audit(r, "customer.revealed", "customer", id, detail) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    jw_obj(&r->out);
    jw_kstr(&r->out, "field", fi->field);
    jw_kstr(&r->out, "value", value);
    jw_end(&r->out);
    return 200;
}
