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
 * batch actions read it from the same query parameters. */
struct customer_filter {
    const char *q; /* quick search text */
};
/* Reads the filter from the request's query string; false after req_fail(). */
bool customer_filter_from_query(req *r, struct customer_filter *f);

/* The condition that lets users linked to a customer (assistant custodians, the
 * collector and the referrer) see it outside their data scope (CUS-3, CUS-5). */
#define CUSTOMER_LINKED "c.id IN (SELECT customer_id FROM customer_staff WHERE user_id = ?)"

/* The scoped query: every customer read goes through scope_where_also() here. */
void customers_sql_query(sqlb *q, const struct access *acc, const struct customer_filter *f, int64_t id, bool count);

/* Staff leave (ORG-7): the customers part of a handover. */
int customers_handover_count(db *d, int64_t user_id, int64_t *n);
int customers_handover_move(db *d, int64_t from, int64_t to, int64_t handover_id, int64_t *n);

int handle_customers_list(req *r);
/* The full record and the reveal: customer_record_http.c (customer.h). */
int handle_customer_get(req *r);
int handle_customer_reveal(req *r);

#endif
