/*
 * audit_search.h — admins search the audit log (AUTH-7): by actor, action, target,
 * day range (Asia/Shanghai) and address, newest first, limited to the actors inside
 * the caller's data scope (ORG-4). The chain itself stays in audit.c.
 */
#ifndef FINCRM_AUDIT_SEARCH_H
#define FINCRM_AUDIT_SEARCH_H

#include "core/arena.h"
#include "db/db.h"
#include "http/http.h"

#include <stdbool.h>
#include <stdint.h>

struct access;

struct audit_filter {
    const char *actor;  /* username, exact */
    const char *action; /* exact */
    const char *entity; /* object type, exact */
    const char *target; /* object id or type exactly, or text inside the detail */
    const char *ip;     /* prefix */
    int64_t from_ms;    /* at >= from_ms; 0: open */
    int64_t to_ms;      /* at < to_ms; 0: open */
};

struct audit_row {
    int64_t id, at;
    int64_t user_id;                     /* 0: nobody signed in (e.g. an unknown username, the CLI) */
    const char *username, *display_name; /* display_name NULL without a user */
    const char *ip, *action, *object_type, *object_id, *detail;
};

/* The Asia/Shanghai calendar day "YYYY-MM-DD" as Unix ms [start, end). False when
 * the text is not a real date of the years 1970–9999. */
bool audit_day_bounds(const char *ymd, int64_t *start_ms, int64_t *end_ms);

/* The matching entries, newest first (count: their number), for req_paged_list();
 * audit_row_read() reads one row of it into the arena. */
void audit_search_query(sqlb *q, const struct access *scope, const struct audit_filter *f, bool count);
void audit_row_read(db_stmt *st, arena *a, struct audit_row *row);

/* HTTP (audit_http.c) */
int handle_audit_search(req *r);
int handle_audit_verify(req *r);

#endif
