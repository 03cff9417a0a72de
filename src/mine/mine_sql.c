/*
 * mine_sql.c — the SQL of the Mine page and of suggestions (mine.h).
 */
#include "mine.h"
#include "core/util.h"
#include "db/sqlb.h"

#include <string.h>

static const char *dup_or_null(arena *a, db_stmt *st, int col)
{
    return db_col_null(st, col) ? NULL : arena_strdup(a, db_col_text(st, col));
}

/* Days logged in (MOB-2): distinct calendar days in Asia/Shanghai with a successful
 * login, day = (at + 8 h) / 1 day in integer arithmetic on both backends. */
int mine_sql_summary(db *d, arena *a, int64_t user_id, int64_t session_start, struct mine_summary *out)
{
    /* name, unit and position come with the session (mine.c); the rest is here */
    db_stmt *st = db_query(d, "SELECT phone, credit_id, created_at FROM users WHERE id = ?", "i", user_id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->phone = dup_or_null(a, st, 0);
        out->credit_id = dup_or_null(a, st, 1);
        out->member_since = db_col_int64(st, 2);
    }
    db_reset(st);
    if (rc != DB_ROW)
        return rc;

    st = db_query(d,
                  "SELECT COUNT(DISTINCT (at + 28800000) / 86400000),"
                  " MAX(CASE WHEN at < ? THEN at END)"
                  " FROM audit_log WHERE user_id = ? AND action = 'login'",
                  "ii", session_start, user_id);
    if (!st)
        return DB_ERROR;
    if ((rc = db_step(st)) == DB_ROW) {
        out->days_logged_in = db_col_int64(st, 0);
        out->last_login_at = db_col_null(st, 1) ? 0 : db_col_int64(st, 1);
    }
    db_reset(st);
    return rc;
}

int mine_sql_profile_get(db *d, arena *a, int64_t user_id, const char **display_name, const char **phone)
{
    db_stmt *st = db_query(d, "SELECT display_name, phone FROM users WHERE id = ?", "i", user_id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        *display_name = arena_strdup(a, db_col_text(st, 0));
        *phone = dup_or_null(a, st, 1);
    }
    db_reset(st);
    return rc;
}

int mine_sql_profile_set(db *d, int64_t user_id, const char *display_name, const char *phone)
{
    return db_run(d, "UPDATE users SET display_name = ?, phone = ?, updated_at = ? WHERE id = ?", "ssii", display_name,
                  phone, now_ms(), user_id);
}

int mine_sql_suggestion_insert(db *d, int64_t user_id, const char *kind, const char *title, const char *body,
                               int64_t *id)
{
    int rc = db_run(d,
                    "INSERT INTO suggestions (user_id, kind, title, body, status, created_at)"
                    " VALUES (?, ?, ?, ?, 'open', ?)",
                    "isssi", user_id, kind, title, body, now_ms());
    if (rc == DB_OK)
        *id = db_last_insert_id(d);
    return rc;
}

static void suggestion_where(sqlb *q, const struct suggestion_filter *f)
{
    if (f->id)
        sqlb_add(q, " AND s.id = ?", "i", f->id);
    if (f->user_id)
        sqlb_add(q, " AND s.user_id = ?", "i", f->user_id);
    if (f->status)
        sqlb_add(q, " AND s.status = ?", "s", f->status);
    if (f->kind)
        sqlb_add(q, " AND s.kind = ?", "s", f->kind);
}

int mine_sql_suggestion_list(db *d, arena *a, const struct suggestion_filter *f, struct suggestion **items, int *n,
                             int64_t *total)
{
    sqlb q;
    sqlb_init(&q, a, "SELECT COUNT(*) FROM suggestions s WHERE 1 = 1");
    suggestion_where(&q, f);
    db_stmt *st = sqlb_prepare(&q, d);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    *total = rc == DB_ROW ? db_col_int64(st, 0) : 0;
    db_reset(st);
    if (rc != DB_ROW)
        return DB_ERROR;

    *items = arena_calloc(a, (size_t)(f->size > 0 ? f->size : 1) * sizeof **items);
    *n = 0;
    sqlb_init(&q, a,
              "SELECT s.id, s.kind, s.title, s.body, s.status, s.answer, s.created_at, s.answered_at,"
              " u.id, u.username, u.display_name, o.id, o.name, s.answered_by, b.display_name"
              " FROM suggestions s JOIN users u ON u.id = s.user_id JOIN org_units o ON o.id = u.unit_id"
              " LEFT JOIN users b ON b.id = s.answered_by WHERE 1 = 1");
    suggestion_where(&q, f);
    sqlb_add(&q, " ORDER BY s.id DESC LIMIT ? OFFSET ?", "ii", f->size, (f->page - 1) * f->size);
    if (!(st = sqlb_prepare(&q, d)))
        return DB_ERROR;
    while ((rc = db_step(st)) == DB_ROW && *n < f->size) {
        struct suggestion *s = &(*items)[(*n)++];
        s->id = db_col_int64(st, 0);
        s->kind = arena_strdup(a, db_col_text(st, 1));
        s->title = arena_strdup(a, db_col_text(st, 2));
        s->body = arena_strdup(a, db_col_text(st, 3));
        s->status = arena_strdup(a, db_col_text(st, 4));
        s->answer = dup_or_null(a, st, 5);
        s->created_at = db_col_int64(st, 6);
        s->answered_at = db_col_null(st, 7) ? 0 : db_col_int64(st, 7);
        s->user_id = db_col_int64(st, 8);
        s->username = arena_strdup(a, db_col_text(st, 9));
        s->display_name = arena_strdup(a, db_col_text(st, 10));
        s->unit_id = db_col_int64(st, 11);
        s->unit_name = arena_strdup(a, db_col_text(st, 12));
        s->answered_by = db_col_null(st, 13) ? 0 : db_col_int64(st, 13);
        s->answered_by_name = dup_or_null(a, st, 14);
    }
    db_reset(st);
    return rc == DB_ERROR ? DB_ERROR : DB_OK;
}

/* Reads a suggestion inside the answering transaction; on PostgreSQL the row stays
 * locked until commit (SQLite's BEGIN IMMEDIATE already holds the write lock). */
int mine_sql_suggestion_lock(db *d, arena *a, int64_t id, const char **status, const char **answer)
{
    db_stmt *st = db_query(d,
                           db_kind(d) == DB_POSTGRES ? "SELECT status, answer FROM suggestions WHERE id = ? FOR UPDATE"
                                                     : "SELECT status, answer FROM suggestions WHERE id = ?",
                           "i", id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        *status = arena_strdup(a, db_col_text(st, 0));
        *answer = dup_or_null(a, st, 1);
    }
    db_reset(st);
    return rc;
}

int mine_sql_suggestion_answer(db *d, int64_t id, const char *answer, int64_t by, const char *status)
{
    return db_run(d, "UPDATE suggestions SET answer = ?, answered_by = ?, answered_at = ?, status = ? WHERE id = ?",
                  "siisi", answer, by, now_ms(), status, id);
}
