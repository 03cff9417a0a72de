/*
 * customers.h — the customer records as far as access control needs them now:
 * a scoped, masked list, the full record (an audited view) and the audited reveal
 * of a masked value (ORG-4, ORG-6, AUTH-7, AUTH-8). The customers issue grows this
 * module (custody, contacts, search, import/export) on the same mechanism.
 */
#ifndef FINCRM_CUSTOMERS_H
#define FINCRM_CUSTOMERS_H

#include "db/db.h"
#include "db/sqlb.h"
#include "http/http.h"
#include "org/access.h"

#include <stdint.h>

/* Columns of the list and the record, in this order. */
enum customer_col {
    CC_ID,
    CC_NO,
    CC_NAME,
    CC_KIND,
    CC_STATUS,
    CC_GENDER,
    CC_BIRTH_DATE,
    CC_ID_TYPE,
    CC_ID_NUMBER,
    CC_MOBILE,
    CC_ADDRESS,
    CC_UNIT_ID,
    CC_UNIT_NAME,
    CC_MANAGER_ID,
    CC_MANAGER_NAME,
    CC_CREATED_AT,
    CC_UPDATED_AT,
    CC_LEVEL,
    CC_WATCH_LIST,
    CC_MISSING_INFO,
    CC_CUSTODIAN, /* 1 when the caller is the primary or an assistant custodian (CUS-5) */
};

/* What a customer list is filtered by (CUS-8); the list, the export (CUS-13) and
 * batch actions read it from the same query parameters (customer_filter_from_query,
 * documented in openapi.json under GET /api/v1/customers):
 *   q, match=prefix|exact     quick search (pinyin.h: quick_classify picks the index)
 *   status, kind, level, watch_list (black|grey|any|none), source, unit (subtree),
 *   custodian (user id or "me"), missing_info (0|1), created_from/created_to
 *   (YYYY-MM-DD), tags (ids, comma-separated) + tag_mode=all|any, starred (1: the
 *   caller's key customers), quick (a fixed quick filter code), f=field:op:value
 *   (repeatable, any catalogue field; op eq ne prefix contains in empty set gte lte),
 *   sort=[-]column.
 * Field security (ORG-6): a hidden field cannot be filtered or sorted on (it looks
 * unknown); a masked field only by exact value. */
#define CUSTOMER_FILTER_MAX_CONDS 16
#define CUSTOMER_FILTER_MAX_TAGS 20
#define CUSTOMER_MAX_FIELDS 64

enum filter_op { FOP_EQ, FOP_NE, FOP_PREFIX, FOP_CONTAINS, FOP_IN, FOP_EMPTY, FOP_SET, FOP_GTE, FOP_LTE };

struct customer_cond {
    const char *column; /* SQL over customers c, from the catalogue */
    enum filter_op op;
    const char *value;
};

struct customer_filter {
    const char *q;            /* quick search text as given */
    int qkind;                /* enum quick_kind (pinyin.h) */
    const char *qkey;         /* normalised search key */
    bool exact;               /* match=exact: whole value only */
    bool pg;                  /* PostgreSQL dialect */
    int mobile_search;        /* 0 not searched (hidden), 1 prefix, 2 prefix only among own customers (masked) */
    int id_number_search;     /* the same for ID numbers */
    const char *status, *kind, *level, *watch_list, *source, *quick;
    int64_t unit_id, custodian_id;
    int missing_info;         /* -1 any, 0 complete, 1 incomplete */
    int64_t created_from, created_to; /* Unix ms, 0 = open */
    int64_t tags[CUSTOMER_FILTER_MAX_TAGS];
    int ntags;
    bool tags_all, starred;
    struct customer_cond conds[CUSTOMER_FILTER_MAX_CONDS];
    int nconds;
    const char *sort_column;  /* SQL, NULL: newest first */
    bool sort_desc;
    int64_t user_id;          /* the caller (quick filters, stars, masked search) */
    struct field_rule rules[CUSTOMER_MAX_FIELDS]; /* the caller's field rules, catalogue order */
};
/* The fixed quick filters (CUS-8), defined in code; ?quick=code. */
struct quick_filter {
    const char *code, *zh, *en;
};
extern const struct quick_filter customer_quick_filters[];
extern const int ncustomer_quick_filters;

/* Reads the filter from the request's query string (loads the caller's field rules
 * into f->rules); false after req_fail() (422 customer.filter_* codes). */
bool customer_filter_from_query(req *r, struct customer_filter *f);
/* Appends the filter's conditions (" AND …") to a query over customers c. */
void customers_sql_filter(sqlb *q, const struct customer_filter *f);
/* Appends " ORDER BY …" of the filter (id as the tie-breaker). */
void customers_sql_order(sqlb *q, const struct customer_filter *f);

/* The condition that lets users linked to a customer (assistant custodians, the
 * collector and the referrer) see it outside their data scope (CUS-3, CUS-5). */
#define CUSTOMER_LINKED "c.id IN (SELECT customer_id FROM customer_staff WHERE user_id = ?)"

/* The scoped query: every customer read goes through scope_where_also() here. */
void customers_sql_query(sqlb *q, const struct access *acc, const struct customer_filter *f, int64_t id, bool count);

/* Staff leave (ORG-7): the customers part of a handover. */
int customers_handover_count(db *d, int64_t user_id, int64_t *n);
int customers_handover_move(db *d, int64_t from, int64_t to, int64_t handover_id, int64_t *n);

/* The list columns a user may choose (CUS-9): catalogue fields plus these. */
struct list_column {
    const char *field; /* "name", "unit", … */
    const char *zh, *en;
    bool system;       /* always shown first, not movable */
};
extern const struct list_column customer_list_extra[];
extern const int ncustomer_list_extra;

/* The list columns of a user who never chose (after customer number and name). */
#define CUSTOMER_DEFAULT_COLUMNS "kind,status,id_number,mobile,address,unit,manager,created_at"

/* How many SQL columns a list column takes (unit and manager: id and name). */
int customer_list_column_width(const char *field);
/* The list rows: id, custodian, level, watch_list, missing_info, star colour, then
 * the chosen columns (customer_list_column_width() each); scoped, filtered, ordered. */
void customers_sql_list(sqlb *q, const struct access *acc, const struct customer_filter *f, const char *const *fields,
                        int nfields, int64_t limit, int64_t offset);
/* The number of matching rows, counting at most cap of them. */
void customers_sql_list_count(sqlb *q, const struct access *acc, const struct customer_filter *f, int64_t cap);

db_stmt *customers_sql_saved_filters(db *d, int64_t user_id);
int customers_sql_saved_filter_count(db *d, int64_t user_id, int64_t *n);
int customers_sql_saved_filter_insert(db *d, int64_t user_id, const char *name, const char *params, int64_t *id);
int customers_sql_saved_filter_update(db *d, int64_t user_id, int64_t id, const char *name, const char *params);
int customers_sql_saved_filter_delete(db *d, int64_t user_id, int64_t id);
int customers_sql_columns_get(db *d, arena *a, int64_t user_id, const char **out);
int customers_sql_columns_put(db *d, int64_t user_id, const char *columns);

/* CUS-8: fills name_initials of rows that have none (after the migrations). */
int customers_backfill_initials(db *d);

int handle_customers_list(req *r);
int handle_customer_filters_list(req *r);
int handle_customer_filter_create(req *r);
int handle_customer_filter_update(req *r);
int handle_customer_filter_delete(req *r);
int handle_customer_columns_get(req *r);
int handle_customer_columns_put(req *r);
/* The full record and the reveal: customer_record_http.c. */
int handle_customer_get(req *r);
int handle_customer_reveal(req *r);

#endif
