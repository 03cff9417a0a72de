/*
 * webauthn_sql.c — the SQL of WebAuthn credentials and challenges (webauthn.h).
 */
#include "webauthn.h"
#include "core/util.h"

int webauthn_sql_challenge_put(db *d, const char *challenge, const char *kind, int64_t user_id, int64_t now)
{
    if (user_id < 0)
        return db_run(d,
                      "INSERT INTO webauthn_challenges (challenge, kind, user_id, created_at, expires_at)"
                      " VALUES (?, ?, NULL, ?, ?)",
                      "ssii", challenge, kind, now, now + WEBAUTHN_CHALLENGE_MS);
    return db_run(d,
                  "INSERT INTO webauthn_challenges (challenge, kind, user_id, created_at, expires_at)"
                  " VALUES (?, ?, ?, ?, ?)",
                  "ssiii", challenge, kind, user_id, now, now + WEBAUTHN_CHALLENGE_MS);
}

int webauthn_sql_challenge_take(db *d, const char *challenge, const char *kind, int64_t *user_id, bool *has_user,
                                int64_t *expires_at)
{
    db_stmt *st = db_query(d,
                           "DELETE FROM webauthn_challenges WHERE challenge = ? AND kind = ?"
                           " RETURNING user_id, expires_at",
                           "ss", challenge, kind);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        *has_user = !db_col_null(st, 0);
        *user_id = *has_user ? db_col_int64(st, 0) : 0;
        *expires_at = db_col_int64(st, 1);
    }
    db_reset(st);
    return rc;
}

int webauthn_sql_challenges_expire(db *d, int64_t now)
{
    return db_run(d, "DELETE FROM webauthn_challenges WHERE expires_at < ?", "i", now);
}

int webauthn_sql_cred_insert(db *d, int64_t user_id, const char *credential_id, const char *public_key,
                             int64_t sign_count, const char *name, int64_t now, int64_t *id)
{
    int rc =
        db_run(d,
               "INSERT INTO webauthn_credentials (user_id, credential_id, public_key, sign_count, name, created_at)"
               " VALUES (?, ?, ?, ?, ?, ?)",
               "issisi", user_id, credential_id, public_key, sign_count, name, now);
    if (rc == DB_OK)
        *id = db_last_insert_id(d);
    return rc;
}

#define CRED_COLS                                                                                                      \
    "c.id, c.user_id, c.credential_id, c.public_key, c.name, c.sign_count, c.created_at,"                              \
    " COALESCE(c.last_used_at, 0), u.username"

static void read_cred(db_stmt *st, arena *a, struct webauthn_cred_row *c)
{
    c->id = db_col_int64(st, 0);
    c->user_id = db_col_int64(st, 1);
    c->credential_id = arena_strdup(a, db_col_text(st, 2));
    c->public_key = arena_strdup(a, db_col_text(st, 3));
    c->name = arena_strdup(a, db_col_text(st, 4));
    c->sign_count = db_col_int64(st, 5);
    c->created_at = db_col_int64(st, 6);
    c->last_used_at = db_col_int64(st, 7);
    c->username = arena_strdup(a, db_col_text(st, 8));
}

int webauthn_sql_cred_list(db *d, arena *a, int64_t user_id, void (*fn)(void *arg, const struct webauthn_cred_row *c),
                           void *arg)
{
    db_stmt *st = db_query(d,
                           "SELECT " CRED_COLS " FROM webauthn_credentials c JOIN users u ON u.id = c.user_id"
                           " WHERE c.user_id = ? ORDER BY c.created_at DESC, c.id DESC",
                           "i", user_id);
    if (!st)
        return DB_ERROR;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        struct webauthn_cred_row c;
        read_cred(st, a, &c);
        fn(arg, &c);
    }
    db_reset(st);
    return rc == DB_DONE ? DB_OK : rc;
}

int webauthn_sql_cred_by_credential_id(db *d, arena *a, const char *credential_id, struct webauthn_cred_row *out)
{
    db_stmt *st = db_query(d,
                           "SELECT " CRED_COLS " FROM webauthn_credentials c JOIN users u ON u.id = c.user_id"
                           " WHERE c.credential_id = ?",
                           "s", credential_id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW)
        read_cred(st, a, out);
    db_reset(st);
    return rc;
}

int webauthn_sql_cred_delete(db *d, arena *a, int64_t id, int64_t user_id, struct webauthn_cred_row *out)
{
    db_stmt *st =
        db_query(d, "DELETE FROM webauthn_credentials WHERE id = ? AND user_id = ? RETURNING credential_id, name", "ii",
                 id, user_id);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->id = id;
        out->user_id = user_id;
        out->credential_id = arena_strdup(a, db_col_text(st, 0));
        out->name = arena_strdup(a, db_col_text(st, 1));
    }
    db_reset(st);
    return rc;
}

int webauthn_sql_cred_used(db *d, int64_t id, int64_t sign_count, int64_t now)
{
    db_stmt *st = sign_count == 0
                      ? db_query(d,
                                 "UPDATE webauthn_credentials SET last_used_at = ? WHERE id = ? AND sign_count = 0"
                                 " RETURNING id",
                                 "ii", now, id)
                      : db_query(d,
                                 "UPDATE webauthn_credentials SET sign_count = ?, last_used_at = ?"
                                 " WHERE id = ? AND sign_count < ? RETURNING id",
                                 "iiii", sign_count, now, id, sign_count);
    if (!st)
        return DB_ERROR;
    int rc = db_step(st);
    db_reset(st);
    return rc;
}
