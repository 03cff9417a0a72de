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
    int64_t page, size; /* 1-based page */
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

/* One page of matching entries (arena) and the number of all matches. */
int audit_search(db *d, arena *a, const struct access *scope, const struct audit_filter *f, struct audit_row **rows,
                 int *n, int64_t *total);

/* HTTP (audit_http.c) */
int handle_audit_search(req *r);
int handle_audit_verify(req *r);

#endif
