/*
 * security_sql.c — the SQL of login security (auth.h): login counters, captchas,
 * device binding, step-up stamps, logging out everywhere. The upserts run as one
 * statement each, so concurrent attempts on several servers count exactly.
 */
#include "auth.h"
#include "core/util.h"

#include <string.h>

int sec_sql_throttle_hit(db *d, const char *kind, const char *subject, int64_t now, int64_t window_ms, int64_t *hits,
                         int64_t *window_start)
{
    int64_t expired = now - window_ms; /* a window that started then or earlier is over */
    db_stmt *st = db_query(d,
                           "INSERT INTO login_throttle (kind, subject, window_start, hits) VALUES (?, ?, ?, 1)"
                           " ON CONFLICT (kind, subject) DO UPDATE SET"
                           " hits = CASE WHEN login_throttle.window_start <= ? THEN 1"
                           " ELSE login_throttle.hits + 1 END,"
                           " window_start = CASE WHEN login_throttle.window_start <= ? THEN excluded.window_start"
                           " ELSE login_throttle.window_start END"
                           " RETURNING hits, window_start",
                           "ssiii", kind, subject, now, expired, expired);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        *hits = db_col_int64(st, 0);
        *window_start = db_col_int64(st, 1);
    }
    db_reset(st);
    return rc == DB_ROW ? DB_OK : DB_ERROR;
}

/* Consecutive failures: the count starts again when the last one is older than ttl. */
int sec_sql_failure_hit(db *d, const char *subject, int64_t now, int64_t ttl_ms, int64_t *hits)
{
    db_stmt *st = db_query(d,
                           "INSERT INTO login_throttle (kind, subject, window_start, hits) VALUES ('fail', ?, ?, 1)"
                           " ON CONFLICT (kind, subject) DO UPDATE SET"
                           " hits = CASE WHEN login_throttle.window_start <= ? THEN 1"
                           " ELSE login_throttle.hits + 1 END,"
                           " window_start = excluded.window_start"
                           " RETURNING hits",
                           "sii", subject, now, now - ttl_ms);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW)
        *hits = db_col_int64(st, 0);
    db_reset(st);
    return rc == DB_ROW ? DB_OK : DB_ERROR;
}

int sec_sql_failures(db *d, const char *subject, int64_t now, int64_t ttl_ms, int64_t *hits)
{
    db_stmt *st =
        db_query(d, "SELECT hits FROM login_throttle WHERE kind = 'fail' AND subject = ? AND window_start > ?", "si",
                 subject, now - ttl_ms);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    *hits = rc == DB_ROW ? db_col_int64(st, 0) : 0;
    db_reset(st);
    return rc == DB_ERROR ? DB_ERROR : DB_OK;
}

int sec_sql_failures_clear(db *d, const char *subject)
{
    return db_run(d, "DELETE FROM login_throttle WHERE kind = 'fail' AND subject = ?", "s", subject);
}

int sec_sql_purge(db *d, int64_t now, int64_t keep_ms)
{
    int rc = db_run(d, "DELETE FROM login_throttle WHERE window_start < ?", "i", now - keep_ms);
    if (rc == DB_OK)
        rc = db_run(d, "DELETE FROM captchas WHERE expires_at < ?", "i", now);
    return rc;
}

int sec_sql_captcha_insert(db *d, const char *id, const char *answer, int64_t expires_at)
{
    return db_run(d, "INSERT INTO captchas (id, answer, expires_at, used) VALUES (?, ?, ?, 0)", "ssi", id, answer,
                  expires_at);
}

int sec_sql_captcha_take(db *d, const char *id, int64_t now, char answer[16])
{
    db_stmt *st = db_query(
        d, "UPDATE captchas SET used = 1 WHERE id = ? AND used = 0 AND expires_at > ? RETURNING answer", "si", id, now);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW)
        str_copy(answer, db_col_text(st, 0), 16);
    db_reset(st);
    return rc;
}

int sec_sql_sessions_delete_all(db *d, int64_t user_id)
{
    return db_run(d, "DELETE FROM sessions WHERE user_id = ?", "i", user_id);
}

int sec_sql_step_up_stamp(db *d, const char *token_hash, int64_t now)
{
    return db_run(d, "UPDATE sessions SET stepped_up_at = ? WHERE token_hash = ?", "is", now, token_hash);
}

/* DB_ROW: bound; DB_DONE: a device was bound meanwhile. */
int sec_sql_device_bind(db *d, int64_t user_id, const char *key_hash)
{
    db_stmt *st =
        db_query(d, "UPDATE users SET device_key_hash = ? WHERE id = ? AND device_key_hash IS NULL RETURNING id", "si",
                 key_hash, user_id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    db_reset(st);
    return rc;
}

int sec_sql_device_get(db *d, arena *a, int64_t user_id, struct device_state *out, const char **unit_path,
                       const char **username)
{
    db_stmt *st = db_query(d,
                           "SELECT u.device_binding, CASE WHEN u.device_key_hash IS NULL THEN 0 ELSE 1 END,"
                           " o.path, u.username FROM users u JOIN org_units o ON o.id = u.unit_id WHERE u.id = ?",
                           "i", user_id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->user_id = user_id;
        out->binding = db_col_int64(st, 0) != 0;
        out->bound = db_col_int64(st, 1) != 0;
        *unit_path = arena_strdup(a, db_col_text(st, 2));
        *username = arena_strdup(a, db_col_text(st, 3));
    }
    db_reset(st);
    return rc;
}

int sec_sql_device_set(db *d, int64_t user_id, bool binding, bool clear_key)
{
    return db_run(d,
                  "UPDATE users SET device_binding = ?,"
                  " device_key_hash = CASE WHEN ? = 1 THEN NULL ELSE device_key_hash END, updated_at = ?"
                  " WHERE id = ?",
                  "iiii", (int64_t)binding, (int64_t)clear_key, now_ms(), user_id);
}
