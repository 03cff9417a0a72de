/*
 * customers_http.c — the scoped customer list (the full record and the reveal of a
 * masked value are in customer_record_http.c). Field security (ORG-6) and masking (AUTH-8) are applied while
 * each row is written: hidden fields are left out, masked ones carry stars unless
 * the caller is the customer's custodian, and the row lists what was masked.
 */
#include "audit/audit.h"
#include "auth/auth.h"
#include "core/log.h"
#include "core/util.h"
#include "customers.h"

#include <string.h>

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
            if (v && field_masked(fr, true, custodian)) {
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
