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

bool customer_filter_from_query(req *r, struct customer_filter *f)
{
    *f = (struct customer_filter){.q = req_query(r, "q")};
    return true;
}

struct list_ctx {
    struct customer_filter filter;
    struct field_rule rules[MAX_FIELDS];
};

static void list_query(req *r, sqlb *q, void *ctx, bool count)
{
    customers_sql_query(q, req_scope(r), &((struct list_ctx *)ctx)->filter, 0, count);
}

static void list_row(req *r, db_stmt *st, void *ctx)
{
    write_customer(r, st, ((struct list_ctx *)ctx)->rules, true);
}

int handle_customers_list(req *r)
{
    const struct access *acc = req_scope(r);
    struct list_ctx ctx;
    if (!customer_filter_from_query(r, &ctx.filter))
        return req_status(r);
    if (!acc || load_rules(r, acc, ctx.rules) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    return req_paged_list(r, list_query, list_row, &ctx);
}
