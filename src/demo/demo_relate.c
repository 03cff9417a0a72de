/*
 * demo_relate.c — the demo's related parties (CUS-14) and black/grey lists (CUS-15):
 * a few links among the customers of the first demo custodian (cm00001), so that the
 * 关联人 section and the graph show something at once, and one black, one grey and one
 * removed list entry on IDs of demo customers. A handful of rows whatever the number
 * of customers: the customers are found through the manager index.
 */
#include "demo/demo.h"

#include <stdio.h>
#include <string.h>

#define DEMO_CUSTODIAN "cm00001"
#define MAX_PICK 6

static int fail(db *d, char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "demo related parties: %s: %s", what, db_errmsg(d));
    return 1;
}

static int64_t one_id(db_stmt *st)
{
    int64_t id = 0;
    if (st && db_step(st) == DB_ROW)
        id = db_col_int64(st, 0);
    if (st)
        db_reset(st);
    return id;
}

/* A resident ID (GB 11643) for a person who is not a customer: area, birth date, sequence. */
static void person_id(char out[19], const char *first17)
{
    memcpy(out, first17, 17);
    out[17] = demo_id_check_char(first17);
    out[18] = '\0';
}

static int link(db *d, int64_t customer, const char *kind, int64_t related, const char *name, const char *id_number,
                const char *phone, int64_t by, int64_t at)
{
    if (related)
        return db_run(
            d,
            "INSERT INTO customer_relations (customer_id, kind, related_id, created_by, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            "isiiii", customer, kind, related, by, at, at);
    return db_run(d,
                  "INSERT INTO customer_relations (customer_id, kind, name, id_type, id_number, phone, created_by,"
                  " created_at, updated_at) VALUES (?, ?, ?, 'resident_id', ?, ?, ?, ?, ?)",
                  "issssiii", customer, kind, name, id_number, phone, by, at, at);
}

static int entry(db *d, int64_t customer, const char *list, const char *reason, const char *source, int64_t by,
                 int64_t at, int64_t removed_at, const char *removed_reason)
{
    int rc = removed_at
                 ? db_run(d,
                          "INSERT INTO watchlist_entries (list, id_type, id_number, name, reason, source, added_by,"
                          " added_at, removed_by, removed_at, removed_reason) SELECT ?, id_type, id_number, name,"
                          " ?, ?, ?, ?, ?, ?, ? FROM customers WHERE id = ?",
                          "sssiiiisi", list, reason, source, by, at, by, removed_at, removed_reason, customer)
                 : db_run(d,
                          "INSERT INTO watchlist_entries (list, id_type, id_number, name, reason, source, added_by,"
                          " added_at) SELECT ?, id_type, id_number, name, ?, ?, ?, ? FROM customers WHERE id = ?",
                          "sssiii", list, reason, source, by, at, customer);
    if (rc == DB_OK && !removed_at)
        rc = db_run(d, "UPDATE customers SET watch_list = ? WHERE id = ?", "si", list, customer);
    return rc;
}

int demo_relate(db *d, int64_t now, char *err, size_t errlen)
{
    int64_t custodian = one_id(db_query(d, "SELECT id FROM users WHERE username = ?", "s", DEMO_CUSTODIAN));
    int64_t admin = one_id(db_query(d, "SELECT id FROM users WHERE username = 'admin'", NULL));
    if (!custodian || !admin)
        return 0; /* a demo without the usual logins: nothing to show them */
    int64_t pick[MAX_PICK];
    int n = 0;
    db_stmt *st = db_query(d,
                           "SELECT id FROM customers WHERE manager_id = ? AND kind = 'individual' AND id_number IS NOT"
                           " NULL ORDER BY id LIMIT 6",
                           "i", custodian);
    if (!st)
        return fail(d, err, errlen, "reading customers");
    while (n < MAX_PICK && db_step(st) == DB_ROW)
        pick[n++] = db_col_int64(st, 0);
    db_reset(st);
    int64_t company = one_id(db_query(d,
                                      "SELECT c.id FROM customers c JOIN users u ON u.id = ? WHERE c.kind = 'corporate'"
                                      " AND c.unit_id = u.unit_id ORDER BY c.id LIMIT 1",
                                      "i", custodian));
    char guarantor[19], son[19];
    person_id(guarantor, "36012119680412301");
    person_id(son, "36012120010915251");
    int64_t day = INT64_C(86400000);
    int rc = DB_OK;
    /* spouses; a guarantor who is not a customer guaranteeing two customers; a son; a sister; an employer */
    if (n >= 2)
        rc = link(d, pick[0], "spouse", pick[1], NULL, NULL, NULL, custodian, now - 300 * day);
    if (rc == DB_OK && n >= 1)
        rc = link(d, pick[0], "guarantor", 0, "周建国", guarantor, "13907910428", custodian, now - 200 * day);
    if (rc == DB_OK && n >= 3)
        rc = link(d, pick[2], "guarantor", 0, "周建国", guarantor, "13907910428", custodian, now - 150 * day);
    if (rc == DB_OK && n >= 2)
        rc = link(d, pick[1], "child", 0, "黄子轩", son, NULL, custodian, now - 100 * day);
    if (rc == DB_OK && n >= 4)
        rc = link(d, pick[3], "guarantor", pick[0], NULL, NULL, NULL, custodian, now - 90 * day);
    if (rc == DB_OK && n >= 5) /* the grey-listed customer below is in the network of the first one */
        rc = link(d, pick[1], "sibling", pick[4], NULL, NULL, NULL, custodian, now - 80 * day);
    if (rc == DB_OK && n >= 1 && company)
        rc = link(d, pick[0], "employer", company, NULL, NULL, NULL, custodian, now - 60 * day);
    /* lists: a black entry, a grey one, and a grey one removed after the debt was settled */
    if (rc == DB_OK && n >= 6)
        rc = entry(d, pick[5], "black", "贷款逾期超过 90 天且拒不还款", "法院失信被执行人名单", admin, now - 40 * day,
                   0, NULL);
    if (rc == DB_OK && n >= 5)
        rc = entry(d, pick[4], "grey", "多头借贷，近三月征信查询 12 次", "人民银行征信报告", admin, now - 20 * day, 0,
                   NULL);
    if (rc == DB_OK && n >= 4)
        rc = entry(d, pick[3], "grey", "信用卡逾期", "人民银行征信报告", admin, now - 120 * day, now - 30 * day,
                   "欠款已全部结清");
    return rc == DB_OK ? 0 : fail(d, err, errlen, "writing links and list entries");
}
