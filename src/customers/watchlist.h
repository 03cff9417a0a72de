/*
 * watchlist.h — the black and grey lists (黑/灰名单, CUS-15) and the identity checks
 * of a party that is not (or not yet) a customer, shared with the related parties
 * (CUS-14, related.h).
 *
 * Entries are province-wide and keyed by ID type + number; removing one keeps it
 * with who removed it, when and why (the history of an ID is all its entries). At
 * most one entry per ID is active. customers.watch_list mirrors the active entry's
 * list for every customer with that ID: it is set when an entry is added, cleared
 * when it is removed, and computed through watchlist_kind_of() when a customer is
 * created or changes its ID (the create/update path calls it). Deals (a later
 * issue) ask customer_blacklisted() before they let a deal be signed.
 *
 * Rules in watchlist.c, SQL in watchlist_sql.c, HTTP in watchlist_http.c.
 */
#ifndef FINCRM_WATCHLIST_H
#define FINCRM_WATCHLIST_H

#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "http/http.h"

#include <stdbool.h>
#include <stdint.h>

#define PARTY_NAME_MAX 50      /* characters */
#define WATCHLIST_TEXT_MAX 200 /* reason, source: characters */

/* ---- a party's identity (CUS-14, CUS-15) ---- */
/* An ID type code: a-z, 0-9 and '_', starting with a letter, at most 32 bytes
 * ("resident_id", "uscc", "passport" …). */
bool party_id_type_ok(const char *id_type);
/* The ID number as stored: blanks trimmed, letters upper-cased; NULL when it is not
 * valid for the type (resident IDs: 18 characters with the GB 11643 check character;
 * unified social credit codes: 18 characters of their alphabet; others 4–32 of
 * 0-9, A-Z and '-'). */
const char *party_id_number_norm(arena *a, const char *id_type, const char *id_number);
/* A phone number: 5–20 characters of digits, '-', ' ', an optional leading '+'. */
bool party_phone_ok(const char *phone);

/* ---- for the other parts of the customers issue and for deals ---- */
/* The active list ("black", "grey") of an ID, *kind = NULL when it is on none.
 * DB_OK or DB_ERROR. The ID number is compared as party_id_number_norm() stores it. */
int watchlist_kind_of(db *d, const char *id_type, const char *id_number, const char **kind);
/* Sets customers.watch_list of one customer from the lists (after a create or an ID change). */
int watchlist_sync_customer(db *d, int64_t customer_id);
/* The same for the customers with ids lo…hi (an import batch), in one statement. */
int watchlist_sync_range(db *d, int64_t lo, int64_t hi);
/* CUS-15: is the customer on the black list? Deals for such customers are refused.
 * A database error answers true (fail closed). */
bool customer_blacklisted(db *d, int64_t id);

/* ---- entries ---- */
struct watch_entry {
    int64_t id;
    const char *list, *id_type, *id_number, *name, *reason, *source; /* source NULL: none */
    int64_t added_by, added_at;
    const char *added_by_name;
    int64_t removed_by, removed_at; /* 0: active */
    const char *removed_by_name, *removed_reason;
};

struct watch_new {
    const char *list, *id_type, *id_number, *name, *reason, *source;
};

/* Adds an entry and flags the customers with that ID; *flagged: how many. Audited. */
err watchlist_add(req *r, struct watch_new *in, int64_t *id, int64_t *flagged, const char **field);
/* Removes an active entry with a reason and clears the customers' flag. Audited. */
err watchlist_remove(req *r, int64_t id, const char *reason, int64_t *cleared);

/* ---- SQL (watchlist_sql.c) ---- */
#define WATCH_COLS                                                                                                     \
    "w.id, w.list, w.id_type, w.id_number, w.name, w.reason, w.source, w.added_by, w.added_at, ua.display_name, "      \
    "w.removed_by, w.removed_at, ur.display_name, w.removed_reason"
#define WATCH_FROM                                                                                                     \
    " FROM watchlist_entries w LEFT JOIN users ua ON ua.id = w.added_by LEFT JOIN users ur ON ur.id = w.removed_by"
void watch_sql_row(db_stmt *st, arena *a, struct watch_entry *out);
int watch_sql_get(db *d, arena *a, int64_t id, bool lock, struct watch_entry *out);
int watch_sql_insert(db *d, const struct watch_new *in, int64_t by, int64_t at, int64_t *id);
int watch_sql_remove(db *d, int64_t id, int64_t by, int64_t at, const char *reason);
/* Sets customers.watch_list to list (NULL clears) for the customers with the ID. */
int watch_sql_flag_customers(db *d, const char *id_type, const char *id_number, const char *list, int64_t *n);

/* ---- HTTP (watchlist_http.c) ---- */
int handle_watchlist_list(req *r);
int handle_watchlist_query(req *r);
int handle_watchlist_add(req *r);
int handle_watchlist_remove(req *r);
int handle_watchlist_history(req *r);

#endif
