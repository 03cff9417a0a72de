/*
 * auth_sql.c — the SQL of users and sessions (auth.h).
 */
#include "auth.h"
#include "core/util.h"

#include <string.h>

int auth_sql_user_by_name(db *d, const char *username, struct auth_user_row *out)
{
    db_stmt *st = db_query(d,
                           "SELECT id, password_hash, status, locked_until, failed_logins, device_binding,"
                           " device_key_hash FROM users WHERE username = ?",
                           "s", username);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->id = db_col_int64(st, 0);
        str_copy(out->hash, db_col_text(st, 1), sizeof out->hash);
        out->disabled = strcmp(db_col_text(st, 2), "active") != 0;
        out->locked_until = db_col_int64(st, 3);
        out->failed_logins = (int)db_col_int64(st, 4);
        out->device_binding = db_col_int64(st, 5) != 0;
        str_copy(out->device_key_hash, db_col_text(st, 6), sizeof out->device_key_hash);
    }
    db_reset(st);
    return rc;
}

/* One statement, so concurrent failures count exactly: the right-hand sides see the
 * row as it was. Reaching the limit locks the account and starts a new count. */
int auth_sql_login_failed(db *d, int64_t user_id, int max_failures, int64_t lock_until)
{
    return db_run(d,
                  "UPDATE users SET"
                  " locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END,"
                  " failed_logins = CASE WHEN failed_logins + 1 >= ? THEN 0 ELSE failed_logins + 1 END"
                  " WHERE id = ?",
                  "iiii", (int64_t)max_failures, lock_until, (int64_t)max_failures, user_id);
}

int auth_sql_login_succeeded(db *d, int64_t user_id)
{
    return db_run(d, "UPDATE users SET failed_logins = 0 WHERE id = ?", "i", user_id);
}

int auth_sql_name_failures_clear(db *d, int64_t user_id)
{
    return db_run(d,
                  "DELETE FROM login_throttle WHERE kind = 'fail'"
                  " AND subject = (SELECT username FROM users WHERE id = ?)",
                  "i", user_id);
}

int auth_sql_password_get(db *d, int64_t user_id, char hash[128])
{
    db_stmt *st = db_query(d, "SELECT password_hash FROM users WHERE id = ?", "i", user_id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW)
        str_copy(hash, db_col_text(st, 0), 128);
    db_reset(st);
    return rc;
}

/* New hash, no forced change any more, and every other session of the user ends. */
int auth_sql_password_set(db *d, int64_t user_id, const char *hash, const char *keep_session)
{
    int rc = db_run(d, "UPDATE users SET password_hash = ?, must_change_password = 0, updated_at = ? WHERE id = ?",
                    "sii", hash, now_ms(), user_id);
    if (rc == DB_OK)
        rc = db_run(d, "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?", "is", user_id, keep_session);
    return rc;
}

int auth_sql_session_insert(db *d, const char *token_hash, int64_t user_id, const char *csrf, int64_t now,
                            const char *ip, const char *user_agent)
{
    return db_run(d,
                  "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, ip, user_agent)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?)",
                  "sisiiss", token_hash, user_id, csrf, now, now, ip, user_agent);
}

int auth_sql_session_get(db *d, arena *a, const char *token_hash, struct session *s, bool *user_active)
{
    db_stmt *st = db_query(d,
                           "SELECT s.user_id, s.csrf_token, s.created_at, s.last_seen_at, u.status, u.username,"
                           " u.must_change_password, s.stepped_up_at, u.display_name, o.code, o.name, o.level,"
                           " p.code, p.name, " ACCESS_COLS
                           " FROM sessions s JOIN users u ON u.id = s.user_id" ACCESS_JOINS " WHERE s.token_hash = ?",
                           "s", token_hash);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        s->user_id = db_col_int64(st, 0);
        str_copy(s->csrf, db_col_text(st, 1), sizeof s->csrf);
        s->created_at = db_col_int64(st, 2);
        s->last_seen_at = db_col_int64(st, 3);
        *user_active = strcmp(db_col_text(st, 4), "active") == 0;
        s->username = arena_strdup(a, db_col_text(st, 5));
        s->must_change_password = db_col_int64(st, 6) != 0;
        s->stepped_up_at = db_col_int64(st, 7);
        s->profile = (struct user_profile){
            .id = s->user_id,
            .username = s->username,
            .display_name = arena_strdup(a, db_col_text(st, 8)),
            .unit_code = arena_strdup(a, db_col_text(st, 9)),
            .unit_name = arena_strdup(a, db_col_text(st, 10)),
            .unit_level = arena_strdup(a, db_col_text(st, 11)),
            .position_code = arena_strdup(a, db_col_text(st, 12)),
            .position_name = arena_strdup(a, db_col_text(st, 13)),
            .must_change_password = s->must_change_password,
        };
        /* the caller's access comes in the same row (ORG-3, ORG-4) */
        if (!access_from_row(st, 14, a, &s->access))
            rc = DB_ERROR;
        s->profile.unit_id = s->access.unit_id;
    }
    db_reset(st);
    return rc;
}

int auth_sql_session_touch(db *d, const char *token_hash, int64_t now)
{
    return db_run(d, "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?", "is", now, token_hash);
}

int auth_sql_session_delete(db *d, const char *token_hash)
{
    return db_run(d, "DELETE FROM sessions WHERE token_hash = ?", "s", token_hash);
}

int auth_sql_profile(db *d, arena *a, int64_t user_id, struct user_profile *out)
{
    db_stmt *st = db_query(d,
                           "SELECT u.id, u.username, u.display_name, u.must_change_password,"
                           " o.id, o.code, o.name, o.level, p.code, p.name"
                           " FROM users u JOIN org_units o ON o.id = u.unit_id"
                           " JOIN positions p ON p.id = u.position_id WHERE u.id = ?",
                           "i", user_id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->id = db_col_int64(st, 0);
        out->username = arena_strdup(a, db_col_text(st, 1));
        out->display_name = arena_strdup(a, db_col_text(st, 2));
        out->must_change_password = db_col_int64(st, 3) != 0;
        out->unit_id = db_col_int64(st, 4);
        out->unit_code = arena_strdup(a, db_col_text(st, 5));
        out->unit_name = arena_strdup(a, db_col_text(st, 6));
        out->unit_level = arena_strdup(a, db_col_text(st, 7));
        out->position_code = arena_strdup(a, db_col_text(st, 8));
        out->position_name = arena_strdup(a, db_col_text(st, 9));
    }
    db_reset(st);
    return rc;
}

int auth_sql_user_create(db *d, const char *username, const char *hash, const char *display_name, int64_t unit_id,
                         int64_t position_id, int64_t *id)
{
    int64_t now = now_ms();
    int rc = db_run(d,
                    "INSERT INTO users (username, password_hash, display_name, unit_id, position_id,"
                    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    "sssiiii", username, hash, display_name, unit_id, position_id, now, now);
    if (rc == DB_OK && id)
        *id = db_last_insert_id(d);
    return rc;
}
