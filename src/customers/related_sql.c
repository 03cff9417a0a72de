/*
 * related_sql.c — the statements of related parties (related.h).
 */
#include "related.h"

static const char *dup_or_null(arena *a, db_stmt *st, int col)
{
    return db_col_null(st, col) ? NULL : arena_strdup(a, db_col_text(st, col));
}

void rel_sql_row(db_stmt *st, arena *a, struct relation *out)
{
    out->id = db_col_int64(st, 0);
    out->customer_id = db_col_int64(st, 1);
    out->kind = arena_strdup(a, db_col_text(st, 2));
    out->related_id = db_col_null(st, 3) ? 0 : db_col_int64(st, 3);
    out->name = dup_or_null(a, st, 4);
    out->id_type = dup_or_null(a, st, 5);
    out->id_number = dup_or_null(a, st, 6);
    out->phone = dup_or_null(a, st, 7);
    out->share_bp = db_col_null(st, 8) ? -1 : db_col_int64(st, 8);
    out->note = dup_or_null(a, st, 9);
    out->created_by = db_col_null(st, 10) ? 0 : db_col_int64(st, 10);
    out->created_at = db_col_int64(st, 11);
    out->updated_at = db_col_int64(st, 12);
    out->created_by_name = dup_or_null(a, st, 13);
}

db_stmt *rel_sql_touching(db *d, int64_t customer_id)
{
    return db_query(d,
                    "SELECT " RELATION_COLS RELATION_FROM
                    " WHERE r.customer_id = ? UNION ALL SELECT " RELATION_COLS RELATION_FROM
                    " WHERE r.related_id = ? ORDER BY 1",
                    "ii", customer_id, customer_id);
}

db_stmt *rel_sql_person(db *d, const char *id_type, const char *id_number)
{
    return db_query(d,
                    "SELECT " RELATION_COLS RELATION_FROM
                    " WHERE r.id_number = ? AND r.id_type = ? AND r.related_id IS NULL ORDER BY r.id",
                    "ss", id_number, id_type);
}

int rel_sql_get(db *d, arena *a, int64_t id, struct relation *out)
{
    db_stmt *st = db_query(d, "SELECT " RELATION_COLS RELATION_FROM " WHERE r.id = ?", "i", id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW)
        rel_sql_row(st, a, out);
    db_reset(st);
    return rc;
}

static int first_id(db_stmt *st, int64_t *id)
{
    *id = 0;
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW)
        *id = db_col_int64(st, 0);
    db_reset(st);
    return rc == DB_ERROR ? DB_ERROR : DB_OK;
}

int rel_sql_duplicate(db *d, int64_t customer_id, const struct relation_in *in, int64_t except, int64_t *dup)
{
    db_stmt *st;
    if (in->related_id)
        st = db_query(
            d,
            "SELECT id FROM customer_relations WHERE id <> ? AND ((customer_id = ? AND related_id = ? AND kind = ?)"
            " OR (customer_id = ? AND related_id = ? AND kind = ?))",
            "iiisiis", except, customer_id, in->related_id, in->kind, in->related_id, customer_id,
            relation_inverse(in->kind));
    else if (in->id_number)
        st = db_query(d,
                      "SELECT id FROM customer_relations WHERE id <> ? AND customer_id = ? AND related_id IS NULL"
                      " AND id_number = ? AND id_type = ? AND kind = ?",
                      "iisss", except, customer_id, in->id_number, in->id_type, in->kind);
    else
        st = db_query(d,
                      "SELECT id FROM customer_relations WHERE id <> ? AND customer_id = ? AND related_id IS NULL"
                      " AND id_number IS NULL AND name = ? AND kind = ?",
                      "iiss", except, customer_id, in->name, in->kind);
    return first_id(st, dup);
}

/* Binds the link's columns from idx on: kind, related_id, name, id_type, id_number,
 * phone, share_bp, note (8 parameters). */
static void bind_link(db_stmt *st, int idx, const struct relation_in *in)
{
    db_bind_text(st, idx, in->kind);
    if (in->related_id)
        db_bind_int64(st, idx + 1, in->related_id);
    else
        db_bind_null(st, idx + 1);
    db_bind_text(st, idx + 2, in->name);
    db_bind_text(st, idx + 3, in->id_type);
    db_bind_text(st, idx + 4, in->id_number);
    db_bind_text(st, idx + 5, in->phone);
    if (in->share_bp >= 0)
        db_bind_int64(st, idx + 6, in->share_bp);
    else
        db_bind_null(st, idx + 6);
    db_bind_text(st, idx + 7, in->note);
}

static int run(db_stmt *st)
{
    int rc = db_step(st);
    db_reset(st);
    return rc == DB_DONE ? DB_OK : rc == DB_CONSTRAINT ? DB_CONSTRAINT : DB_ERROR;
}

int rel_sql_insert(db *d, int64_t customer_id, const struct relation_in *in, int64_t by, int64_t at, int64_t *id)
{
    db_stmt *st = db_prepare(d, "INSERT INTO customer_relations (kind, related_id, name, id_type, id_number, phone,"
                                " share_bp, note, customer_id, created_by, created_at, updated_at)"
                                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st)
        return DB_ERROR;
    bind_link(st, 1, in);
    db_bind_int64(st, 9, customer_id);
    db_bind_int64(st, 10, by);
    db_bind_int64(st, 11, at);
    db_bind_int64(st, 12, at);
    int rc = run(st);
    if (rc == DB_OK)
        *id = db_last_insert_id(d);
    return rc;
}

int rel_sql_update(db *d, int64_t id, const struct relation_in *in, int64_t at)
{
    db_stmt *st = db_prepare(d, "UPDATE customer_relations SET kind = ?, related_id = ?, name = ?, id_type = ?,"
                                " id_number = ?, phone = ?, share_bp = ?, note = ?, updated_at = ? WHERE id = ?");
    if (!st)
        return DB_ERROR;
    bind_link(st, 1, in);
    db_bind_int64(st, 9, at);
    db_bind_int64(st, 10, id);
    return run(st);
}

int rel_sql_delete(db *d, int64_t id)
{
    return db_run(d, "DELETE FROM customer_relations WHERE id = ?", "i", id);
}

int rel_sql_customer_by_id(db *d, const char *id_type, const char *id_number, int64_t *id)
{
    return first_id(db_query(d, "SELECT id FROM customers WHERE id_number = ? AND id_type = ? ORDER BY id", "ss",
                             id_number, id_type),
                    id);
}

int rel_sql_customer_stub(db *d, arena *a, int64_t id, const char **name, const char **watch_list)
{
    db_stmt *st = db_query(d, "SELECT name, watch_list FROM customers WHERE id = ?", "i", id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        *name = arena_strdup(a, db_col_text(st, 0));
        *watch_list = dup_or_null(a, st, 1);
    }
    db_reset(st);
    return rc;
}
