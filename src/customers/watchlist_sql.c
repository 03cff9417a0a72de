/*
 * watchlist_sql.c — the statements of the black and grey lists (watchlist.h).
 */
#include "watchlist.h"

static const char *dup_or_null(arena *a, db_stmt *st, int col)
{
    return db_col_null(st, col) ? NULL : arena_strdup(a, db_col_text(st, col));
}

void watch_sql_row(db_stmt *st, arena *a, struct watch_entry *out)
{
    out->id = db_col_int64(st, 0);
    out->list = arena_strdup(a, db_col_text(st, 1));
    out->id_type = arena_strdup(a, db_col_text(st, 2));
    out->id_number = arena_strdup(a, db_col_text(st, 3));
    out->name = arena_strdup(a, db_col_text(st, 4));
    out->reason = arena_strdup(a, db_col_text(st, 5));
    out->source = dup_or_null(a, st, 6);
    out->added_by = db_col_null(st, 7) ? 0 : db_col_int64(st, 7);
    out->added_at = db_col_int64(st, 8);
    out->added_by_name = dup_or_null(a, st, 9);
    out->removed_by = db_col_null(st, 10) ? 0 : db_col_int64(st, 10);
    out->removed_at = db_col_null(st, 11) ? 0 : db_col_int64(st, 11);
    out->removed_by_name = dup_or_null(a, st, 12);
    out->removed_reason = dup_or_null(a, st, 13);
}

/* lock: the row stays locked until commit on PostgreSQL (SQLite's BEGIN IMMEDIATE
 * already holds the write lock). */
int watch_sql_get(db *d, arena *a, int64_t id, bool lock, struct watch_entry *out)
{
    db_stmt *st =
        db_query(d,
                 lock && db_kind(d) == DB_POSTGRES ? "SELECT " WATCH_COLS WATCH_FROM " WHERE w.id = ? FOR UPDATE OF w"
                                                   : "SELECT " WATCH_COLS WATCH_FROM " WHERE w.id = ?",
                 "i", id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW)
        watch_sql_row(st, a, out);
    db_reset(st);
    return rc;
}

int watch_sql_insert(db *d, const struct watch_new *in, int64_t by, int64_t at, int64_t *id)
{
    int rc = db_run(d,
                    "INSERT INTO watchlist_entries (list, id_type, id_number, name, reason, source, added_by, added_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    "ssssssii", in->list, in->id_type, in->id_number, in->name, in->reason, in->source, by, at);
    if (rc == DB_OK)
        *id = db_last_insert_id(d);
    return rc;
}

int watch_sql_remove(db *d, int64_t id, int64_t by, int64_t at, const char *reason)
{
    return db_run(d,
                  "UPDATE watchlist_entries SET removed_by = ?, removed_at = ?, removed_reason = ? WHERE id = ?"
                  " AND removed_at IS NULL",
                  "iisi", by, at, reason, id);
}

int watch_sql_flag_customers(db *d, const char *id_type, const char *id_number, const char *list, int64_t *n)
{
    db_stmt *st =
        db_query(d, "SELECT COUNT(*) FROM customers WHERE id_number = ? AND id_type = ?", "ss", id_number, id_type);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    *n = rc == DB_ROW ? db_col_int64(st, 0) : 0;
    db_reset(st);
    if (rc != DB_ROW)
        return DB_ERROR;
    if (*n == 0)
        return DB_OK;
    if (!list)
        return db_run(d, "UPDATE customers SET watch_list = NULL WHERE id_number = ? AND id_type = ?", "ss", id_number,
                      id_type);
    return db_run(d, "UPDATE customers SET watch_list = ? WHERE id_number = ? AND id_type = ?", "sss", list, id_number,
                  id_type);
}
