/*
 * related.h — related parties (关联人, CUS-14): links from a customer to another
 * customer or to a person who is not a customer, by family, employment, guarantee or
 * shareholding, and the "related query": the network around a customer.
 *
 * One row per link, read from both ends: `kind` says what the related party is to
 * the customer that holds the link; the related customer sees the same row with the
 * inverse kind (parent ↔ child, employer ↔ employee, guarantor ↔ guaranteed,
 * shareholder ↔ holding; spouse and sibling are their own inverse).
 *
 * Access: whoever sees the customer (ORG-4) reads its links; its custodians (CUS-5)
 * and users with the whole province in scope maintain them. ID numbers and phones
 * are masked like customer fields (AUTH-8): the field rules of id_number and mobile,
 * unmasked for the custodians of the customer they belong to. Customers outside the
 * caller's scope appear as stubs: a masked name and the watch-list flag, no id.
 *
 * The related query answers {root, depth, nodes, edges, truncated}. The banking
 * issue (issue 6) adds a `loans` member beside them (the past year's loans of the
 * customer nodes in scope, keyed by node); nothing here pretends to have loans.
 *
 * Rules in related.c, SQL in related_sql.c, HTTP in related_http.c.
 */
#ifndef FINCRM_RELATED_H
#define FINCRM_RELATED_H

#include "customers.h"

#include <stdbool.h>
#include <stdint.h>

#define RELATED_MAX_DEPTH 3
#define RELATED_MAX_NODES 150 /* the related query stops growing the network here */
#define RELATION_NOTE_MAX 200 /* characters */

/* "spouse" … "holding"; NULL when unknown. */
bool relation_kind_ok(const char *kind);
const char *relation_inverse(const char *kind);
const char *relation_category(const char *kind); /* family, employment, guarantee, shareholding */
bool relation_kind_has_percent(const char *kind);

struct relation {
    int64_t id, customer_id, related_id; /* related_id 0: a person who is not a customer */
    const char *kind, *name, *id_type, *id_number, *phone, *note;
    int64_t share_bp; /* -1: none */
    int64_t created_by, created_at, updated_at;
    const char *created_by_name;
};

/* What a link carries when it is made or changed. */
struct relation_in {
    const char *kind;
    int64_t related_id;
    const char *name, *id_type, *id_number, *phone, *note;
    int64_t share_bp;
};

/* ---- rules (related.c): each change is one transaction with its audit record ---- */
/* Checks a link of customer_id (kind, percentage, the person's name, ID and phone),
 * turns a person whose ID is a customer's into a link to that customer, and refuses
 * self links and duplicates (except: the link being changed). */
err relation_check(req *r, int64_t customer_id, struct relation_in *in, int64_t except, const char **field);
err relation_create(req *r, int64_t customer_id, const struct relation_in *in, int64_t *id);
/* in: the link as stored (kind from the holder's side). */
err relation_update(req *r, int64_t seen_from, const struct relation *old, const struct relation_in *in);
err relation_delete(req *r, int64_t seen_from, const struct relation *old);

/* ---- SQL (related_sql.c) ---- */
#define RELATION_COLS                                                                                                  \
    "r.id, r.customer_id, r.kind, r.related_id, r.name, r.id_type, r.id_number, r.phone, r.share_bp, r.note, "         \
    "r.created_by, r.created_at, r.updated_at, u.display_name"
#define RELATION_FROM " FROM customer_relations r LEFT JOIN users u ON u.id = r.created_by"
void rel_sql_row(db_stmt *st, arena *a, struct relation *out);
/* The links of a customer, from both ends, oldest first: rows of RELATION_COLS. */
db_stmt *rel_sql_touching(db *d, int64_t customer_id);
/* The links to a person who is not a customer, by ID. */
db_stmt *rel_sql_person(db *d, const char *id_type, const char *id_number);
int rel_sql_get(db *d, arena *a, int64_t id, struct relation *out);
/* Another link between the same two parties with the same meaning (0: none). */
int rel_sql_duplicate(db *d, int64_t customer_id, const struct relation_in *in, int64_t except, int64_t *dup);
int rel_sql_insert(db *d, int64_t customer_id, const struct relation_in *in, int64_t by, int64_t at, int64_t *id);
int rel_sql_update(db *d, int64_t id, const struct relation_in *in, int64_t at);
int rel_sql_delete(db *d, int64_t id);
/* The customer with this ID (0: none). */
int rel_sql_customer_by_id(db *d, const char *id_type, const char *id_number, int64_t *id);
/* A customer's name and watch-list flag whatever the scope (for stubs). */
int rel_sql_customer_stub(db *d, arena *a, int64_t id, const char **name, const char **watch_list);

/* ---- HTTP (related_http.c) ---- */
int handle_relations_list(req *r);
int handle_relation_create(req *r);
int handle_relation_update(req *r);
int handle_relation_delete(req *r);
int handle_customer_related(req *r);

#endif
