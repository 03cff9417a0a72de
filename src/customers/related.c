/*
 * related.c — the rules of related parties (CUS-14, see related.h): the kinds and
 * their inverses, the checks of a link, and the audited changes.
 */
#include "related.h"
#include "auth/auth.h"
#include "core/util.h"
#include "watchlist.h"

#include <string.h>

static const struct {
    const char *kind, *inverse, *category;
} kinds[] = {
    {"spouse", "spouse", "family"},
    {"parent", "child", "family"},
    {"child", "parent", "family"},
    {"sibling", "sibling", "family"},
    {"employer", "employee", "employment"},
    {"employee", "employer", "employment"},
    {"guarantor", "guaranteed", "guarantee"},
    {"guaranteed", "guarantor", "guarantee"},
    {"shareholder", "holding", "shareholding"},
    {"holding", "shareholder", "shareholding"},
};

static int kind_index(const char *kind)
{
    for (int i = 0; kind && i < (int)ARRAY_LEN(kinds); i++)
        if (strcmp(kinds[i].kind, kind) == 0)
            return i;
    return -1;
}

bool relation_kind_ok(const char *kind)
{
    return kind_index(kind) >= 0;
}

const char *relation_inverse(const char *kind)
{
    int i = kind_index(kind);
    return i < 0 ? NULL : kinds[i].inverse;
}

const char *relation_category(const char *kind)
{
    int i = kind_index(kind);
    return i < 0 ? NULL : kinds[i].category;
}

bool relation_kind_has_percent(const char *kind)
{
    const char *c = relation_category(kind);
    return c && strcmp(c, "shareholding") == 0;
}

err relation_check(req *r, int64_t customer_id, struct relation_in *in, int64_t except, const char **field)
{
    *field = "kind";
    if (!relation_kind_ok(in->kind))
        return E_RELATION_KIND_INVALID;
    *field = "percent";
    if (in->share_bp >= 0 && (!relation_kind_has_percent(in->kind) || in->share_bp < 1 || in->share_bp > 10000))
        return E_RELATION_PERCENT_INVALID;
    const char *party = "customer_id"; /* the member that named the other end */
    if (!in->related_id) {
        *field = "name";
        if (!in->name)
            return E_RELATION_PARTY_REQUIRED;
        if (in->id_number && !in->id_type) {
            *field = "id_type";
            return E_PARTY_ID_TYPE_INVALID;
        }
        if (in->id_type) {
            *field = "id_type";
            if (!party_id_type_ok(in->id_type))
                return E_PARTY_ID_TYPE_INVALID;
            *field = "id_number";
            if (!in->id_number || !(in->id_number = party_id_number_norm(r->a, in->id_type, in->id_number)))
                return E_PARTY_ID_NUMBER_INVALID;
        }
        *field = "phone";
        if (in->phone && !party_phone_ok(in->phone))
            return E_PARTY_PHONE_INVALID;
        /* a person who is a customer is linked as that customer: both ends see the link */
        int64_t cid = 0;
        if (in->id_number && rel_sql_customer_by_id(r->db, in->id_type, in->id_number, &cid) != DB_OK)
            return E_INTERNAL;
        if (cid) {
            party = "id_number";
            in->related_id = cid;
            in->name = in->id_type = in->id_number = in->phone = NULL;
        }
    }
    *field = party;
    if (in->related_id == customer_id)
        return E_RELATION_SELF;
    int64_t dup;
    if (rel_sql_duplicate(r->db, customer_id, in, except, &dup) != DB_OK)
        return E_INTERNAL;
    *field = NULL;
    return dup ? E_RELATION_DUPLICATE : E_OK;
}

/* ---- audited changes ------------------------------------------------------------------ */

static const char *jw_arena(arena *a, jw *w)
{
    const char *s = arena_strndup(a, w->s ? w->s : "{}", w->s ? w->len : 2);
    jw_dispose(w);
    return s;
}

/* The audit picture of a link: who with whom and how; ID numbers and phones stay out. */
static void audit_link(jw *w, const char *key, int64_t customer_id, const struct relation_in *in)
{
    jw_kobj(w, key);
    jw_kint(w, "customer_id", customer_id);
    jw_kstr(w, "kind", in->kind);
    if (in->related_id)
        jw_kint(w, "related_customer_id", in->related_id);
    else
        jw_kstr(w, "name", in->name);
    if (in->share_bp >= 0)
        jw_kint(w, "share_bp", in->share_bp);
    jw_kstr(w, "note", in->note);
    jw_end(w);
}

static struct relation_in as_input(const struct relation *rel)
{
    return (struct relation_in){
        .kind = rel->kind,
        .related_id = rel->related_id,
        .name = rel->name,
        .id_type = rel->id_type,
        .id_number = rel->id_number,
        .phone = rel->phone,
        .note = rel->note,
        .share_bp = rel->share_bp,
    };
}

static err finish(req *r, const char *action, int64_t customer_id, int64_t relation_id, jw *w)
{
    jw_kint(w, "relation_id", relation_id);
    jw_end(w);
    if (req_audit(r, action, "customer", customer_id, jw_arena(r->a, w)) != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return E_INTERNAL;
    }
    return E_OK;
}

err relation_create(req *r, int64_t customer_id, const struct relation_in *in, int64_t *id)
{
    if (db_begin(r->db) != DB_OK)
        return E_INTERNAL;
    if (rel_sql_insert(r->db, customer_id, in, r->session->user_id, now_ms(), id) != DB_OK) {
        db_rollback(r->db);
        return E_INTERNAL;
    }
    jw w;
    jw_init(&w, 256);
    jw_obj(&w);
    audit_link(&w, "after", customer_id, in);
    return finish(r, "customer.relation_added", customer_id, *id, &w);
}

err relation_update(req *r, int64_t seen_from, const struct relation *old, const struct relation_in *in)
{
    if (db_begin(r->db) != DB_OK)
        return E_INTERNAL;
    if (rel_sql_update(r->db, old->id, in, now_ms()) != DB_OK) {
        db_rollback(r->db);
        return E_INTERNAL;
    }
    struct relation_in before = as_input(old);
    jw w;
    jw_init(&w, 256);
    jw_obj(&w);
    audit_link(&w, "before", old->customer_id, &before);
    audit_link(&w, "after", old->customer_id, in);
    return finish(r, "customer.relation_changed", seen_from, old->id, &w);
}

err relation_delete(req *r, int64_t seen_from, const struct relation *old)
{
    if (db_begin(r->db) != DB_OK)
        return E_INTERNAL;
    if (rel_sql_delete(r->db, old->id) != DB_OK) {
        db_rollback(r->db);
        return E_INTERNAL;
    }
    struct relation_in before = as_input(old);
    jw w;
    jw_init(&w, 256);
    jw_obj(&w);
    audit_link(&w, "before", old->customer_id, &before);
    return finish(r, "customer.relation_removed", seen_from, old->id, &w);
}
