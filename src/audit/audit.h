/*
 * audit.h — the audit log (AUTH-7): who did what, when, from where, with before/after
 * in `detail` (JSON). Append-only and hash-chained: entry n's hash is SHA-256 over its
 * fields and entry n-1's hash. audit_write() joins the caller's transaction (or makes
 * its own), so a change and its record commit together or not at all.
 */
#ifndef FINCRM_AUDIT_H
#define FINCRM_AUDIT_H

#include "db/db.h"

#include <stdint.h>

struct audit_entry {
    int64_t user_id; /* 0: nobody signed in */
    const char *username;
    const char *ip;
    const char *action;      /* "login", "login_failed", "logout" … */
    const char *object_type; /* "user", "customer" … */
    const char *object_id;
    const char *detail; /* JSON text, or NULL for "{}" */
};

int audit_write(db *d, const struct audit_entry *e); /* DB_OK or DB_ERROR */

/* Walks the chain in id order. Returns DB_OK with *bad_id = 0 when intact, or with
 * *bad_id = the first entry whose hash does not match; DB_ERROR if it cannot read. */
int audit_verify(db *d, int64_t *count, int64_t *bad_id);

/* The hash of one entry (64 hex digits + NUL), given the previous entry's hash. */
void audit_hash(const char *prev_hash, int64_t at, const struct audit_entry *e, char out[65]);

#endif
