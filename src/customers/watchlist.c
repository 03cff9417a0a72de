/*
 * watchlist.c — the rules of the black and grey lists (CUS-15) and the identity
 * checks of parties (see watchlist.h). Every change is written in one transaction
 * with its audit record (AUTH-7) and with the customers' watch_list flags.
 */
#include "watchlist.h"
#include "auth/auth.h"
#include "core/jw.h"
#include "core/util.h"

#include <ctype.h>
#include <string.h>

/* ---- a party's identity ------------------------------------------------------------ */

bool party_id_type_ok(const char *t)
{
    if (!t || !islower((unsigned char)t[0]))
        return false;
    size_t n = 0;
    for (; t[n]; n++)
        if (!islower((unsigned char)t[n]) && !isdigit((unsigned char)t[n]) && t[n] != '_')
            return false;
    return n <= 32;
}

/* GB 11643: the 18th character of a resident ID from the first 17 digits. */
static char resident_check_char(const char *first17)
{
    static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (first17[i] - '0') * weights[i];
    return "10X98765432"[sum % 11];
}

const char *party_id_number_norm(arena *a, const char *id_type, const char *id_number)
{
    if (!id_type || !id_number)
        return NULL;
    while (*id_number == ' ')
        id_number++;
    size_t n = strlen(id_number);
    while (n > 0 && id_number[n - 1] == ' ')
        n--;
    if (n < 4 || n > 32)
        return NULL;
    char *v = arena_strndup(a, id_number, n);
    for (size_t i = 0; i < n; i++) {
        v[i] = (char)toupper((unsigned char)v[i]);
        if (!isdigit((unsigned char)v[i]) && !isupper((unsigned char)v[i]) && v[i] != '-')
            return NULL;
    }
    if (strcmp(id_type, "resident_id") == 0) {
        if (n != 18)
            return NULL;
        for (int i = 0; i < 17; i++)
            if (!isdigit((unsigned char)v[i]))
                return NULL;
        return resident_check_char(v) == v[17] ? v : NULL;
    }
    if (strcmp(id_type, "uscc") == 0) {
        if (n != 18)
            return NULL;
        for (size_t i = 0; i < n; i++)
            if (!strchr("0123456789ABCDEFGHJKLMNPQRTUWXY", v[i]))
                return NULL;
    }
    return v;
}

bool party_phone_ok(const char *p)
{
    if (!p)
        return false;
    size_t n = strlen(p), digits = 0;
    if (n < 5 || n > 20)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (isdigit((unsigned char)p[i]))
            digits++;
        else if (!(p[i] == '-' || p[i] == ' ' || (p[i] == '+' && i == 0)))
            return false;
    }
    return digits >= 5;
}

/* ---- for the other parts ------------------------------------------------------------- */

int watchlist_kind_of(db *d, const char *id_type, const char *id_number, const char **kind)
{
    *kind = NULL;
    if (!id_type || !id_number || !*id_number)
        return DB_OK;
    db_stmt *st =
        db_query(d, "SELECT list FROM watchlist_entries WHERE id_number = ? AND id_type = ? AND removed_at IS NULL",
                 "ss", id_number, id_type);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW)
        *kind = strcmp(db_col_text(st, 0), "black") == 0 ? "black" : "grey";
    db_reset(st);
    return rc == DB_ERROR ? DB_ERROR : DB_OK;
}

int watchlist_sync_customer(db *d, int64_t customer_id)
{
    return db_run(d,
                  "UPDATE customers SET watch_list = (SELECT w.list FROM watchlist_entries w WHERE"
                  " w.id_type = customers.id_type AND w.id_number = customers.id_number AND w.removed_at IS NULL)"
                  " WHERE id = ?",
                  "i", customer_id);
}

int watchlist_sync_range(db *d, int64_t lo, int64_t hi)
{
    return db_run(d,
                  "UPDATE customers SET watch_list = (SELECT w.list FROM watchlist_entries w WHERE"
                  " w.id_type = customers.id_type AND w.id_number = customers.id_number AND w.removed_at IS NULL)"
                  " WHERE id BETWEEN ? AND ? AND id_number IS NOT NULL",
                  "ii", lo, hi);
}

bool customer_blacklisted(db *d, int64_t id)
{
    db_stmt *st = db_query(d, "SELECT watch_list FROM customers WHERE id = ?", "i", id);
    if (!st)
        return true;
    int rc = db_step(st);
    bool black = rc == DB_ERROR || (rc == DB_ROW && strcmp(db_col_text(st, 0), "black") == 0);
    db_reset(st);
    return black;
}

/* ---- entries ------------------------------------------------------------------------- */

static const char *jw_arena(arena *a, jw *w)
{
    const char *s = arena_strndup(a, w->s ? w->s : "{}", w->s ? w->len : 2);
    jw_dispose(w);
    return s;
}

static bool list_ok(const char *list)
{
    return list && (strcmp(list, "black") == 0 || strcmp(list, "grey") == 0);
}

err watchlist_add(req *r, struct watch_new *in, int64_t *id, int64_t *flagged, const char **field)
{
    *field = "list";
    if (!list_ok(in->list))
        return E_WATCHLIST_LIST_INVALID;
    *field = "id_type";
    if (!party_id_type_ok(in->id_type))
        return E_PARTY_ID_TYPE_INVALID;
    *field = "id_number";
    if (!(in->id_number = party_id_number_norm(r->a, in->id_type, in->id_number)))
        return E_PARTY_ID_NUMBER_INVALID;
    *field = NULL;
    int64_t now = now_ms();
    if (db_begin(r->db) != DB_OK)
        return E_INTERNAL;
    int rc = watch_sql_insert(r->db, in, r->session->user_id, now, id);
    if (rc == DB_CONSTRAINT) {
        db_rollback(r->db);
        *field = "id_number";
        return E_WATCHLIST_ACTIVE;
    }
    if (rc != DB_OK || watch_sql_flag_customers(r->db, in->id_type, in->id_number, in->list, flagged) != DB_OK)
        goto fail;
    jw w;
    jw_init(&w, 256);
    jw_obj(&w);
    jw_kobj(&w, "after");
    jw_kstr(&w, "list", in->list);
    jw_kstr(&w, "id_type", in->id_type);
    jw_kstr(&w, "id_number", in->id_number);
    jw_kstr(&w, "name", in->name);
    jw_kstr(&w, "reason", in->reason);
    jw_kstr(&w, "source", in->source);
    jw_end(&w);
    jw_kint(&w, "customers_flagged", *flagged);
    jw_end(&w);
    if (req_audit(r, "watchlist.added", "watchlist", *id, jw_arena(r->a, &w)) != DB_OK || db_commit(r->db) != DB_OK)
        goto fail;
    return E_OK;
fail:
    db_rollback(r->db);
    return E_INTERNAL;
}

err watchlist_remove(req *r, int64_t id, const char *reason, int64_t *cleared)
{
    struct watch_entry e;
    if (db_begin(r->db) != DB_OK)
        return E_INTERNAL;
    int rc = watch_sql_get(r->db, r->a, id, true, &e);
    if (rc != DB_ROW) {
        db_rollback(r->db);
        return rc == DB_DONE ? E_WATCHLIST_NOT_FOUND : E_INTERNAL;
    }
    if (e.removed_at) {
        db_rollback(r->db);
        return E_WATCHLIST_REMOVED;
    }
    jw w;
    jw_init(&w, 256);
    jw_obj(&w);
    jw_kobj(&w, "before");
    jw_kstr(&w, "list", e.list);
    jw_kstr(&w, "id_type", e.id_type);
    jw_kstr(&w, "id_number", e.id_number);
    jw_kstr(&w, "name", e.name);
    jw_end(&w);
    jw_kstr(&w, "reason", reason);
    if (watch_sql_remove(r->db, id, r->session->user_id, now_ms(), reason) != DB_OK ||
        watch_sql_flag_customers(r->db, e.id_type, e.id_number, NULL, cleared) != DB_OK) {
        jw_dispose(&w);
        goto fail;
    }
    jw_kint(&w, "customers_cleared", *cleared);
    jw_end(&w);
    if (req_audit(r, "watchlist.removed", "watchlist", id, jw_arena(r->a, &w)) != DB_OK || db_commit(r->db) != DB_OK)
        goto fail;
    return E_OK;
fail:
    db_rollback(r->db);
    return E_INTERNAL;
}
