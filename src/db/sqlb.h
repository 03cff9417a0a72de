/*
 * sqlb.h — a query built in pieces: SQL text and its parameters grow together, so
 * a condition and the values it binds are always added in one call. Used where a
 * statement depends on the request (filters, data scope, paging); fixed statements
 * use db_query() directly. Memory comes from the request arena.
 *
 *   sqlb q; sqlb_init(&q, r->a, "SELECT id FROM customers WHERE 1 = 1");
 *   sqlb_add(&q, " AND unit_id = ?", "i", unit);
 *   db_stmt *st = sqlb_prepare(&q, r->db);
 */
#ifndef FINCRM_SQLB_H
#define FINCRM_SQLB_H

#include "core/arena.h"
#include "db/db.h"

#include <stdbool.h>
#include <stdint.h>

#define SQLB_MAX_PARAMS 64

typedef struct sqlb {
    arena *a;
    char *sql;
    size_t len, cap;
    struct {
        char kind; /* 'i', 's' or 'n' */
        int64_t i;
        const char *s;
    } p[SQLB_MAX_PARAMS];
    int np;
    bool overflow; /* too many parameters: sqlb_prepare() fails */
} sqlb;

void sqlb_init(sqlb *q, arena *a, const char *sql);
/* Appends SQL text and binds its parameters, given like db_run(): 'i' int64_t,
 * 's' const char *, 'n' NULL (no argument). */
void sqlb_add(sqlb *q, const char *sql, const char *fmt, ...);
/* Prepares (through the statement cache) and binds; NULL on error. */
db_stmt *sqlb_prepare(const sqlb *q, db *d);

#endif
