/*
 * auth.h — who is calling: passwords (argon2id), sessions and CSRF tokens
 * (AUTH-1, AUTH-3). The session cookie holds a random token; the database keeps
 * only its SHA-256. Every state-changing request with a session must echo the
 * session's CSRF token in the X-CSRF-Token header.
 */
#ifndef FINCRM_AUTH_H
#define FINCRM_AUTH_H

#include "core/err.h"
#include "db/db.h"
#include "http/http.h"
#include "org/access.h"

#include <stdbool.h>
#include <stdint.h>

#define SESSION_COOKIE "fincrm_session"
#define CSRF_HEADER "X-CSRF-Token"
#define TOKEN_CHARS 44 /* base64url of 32 random bytes, plus NUL */

struct auth_config {
    int64_t idle_ms;     /* AUTH-3: 30 minutes */
    int64_t absolute_ms; /* AUTH-3: 12 hours */
    int max_failures;    /* AUTH-2: consecutive failed logins that lock the account (5) */
    int64_t lock_ms;     /* AUTH-2: how long the lock lasts (15 minutes) */
};
extern struct auth_config auth_cfg;

struct session {
    int64_t user_id;
    const char *username; /* in the request arena */
    char token_hash[65];
    char csrf[TOKEN_CHARS];
    int64_t created_at, last_seen_at;
    bool must_change_password; /* AUTH-1: a one-time password from an admin reset */
    struct access access;      /* role, data scope and permissions (ORG-3, ORG-4) */
};

/* A user as the UI and the API show it. Strings live in the request arena. */
struct user_profile {
    int64_t id;
    const char *username, *display_name;
    int64_t unit_id;
    const char *unit_code, *unit_name, *unit_level;
    const char *position_code, *position_name;
    bool must_change_password;
};

/* AUTH-1 password rule: at least 8 characters, letters and digits, any printable
 * ASCII (and any non-ASCII) character allowed. */
err auth_password_policy(const char *password);
/* argon2id hash into out (crypto_pwhash_STRBYTES = 128 bytes). 0 on success. */
int auth_hash_password(const char *password, char out[128]);
bool auth_verify_password(const char *hash, const char *password);

/* Sessions (the http layer calls these for ROUTE_SESSION routes). */
err auth_session_load(req *r);
bool auth_csrf_ok(req *r);

/* Rules behind the endpoints */
err auth_login(req *r, const char *username, const char *password, struct user_profile *out, char token[TOKEN_CHARS],
               char csrf[TOKEN_CHARS]);
err auth_logout(req *r);
/* The steps of signing in, shared by password login and WebAuthn (AUTH-6):
 * auth_login_refuse() records a refused login (AUTH-7) and returns why;
 * auth_login_failure() counts a failed proof of a known user (AUTH-2), *locked when it
 * locks the account; auth_login_open() refuses a disabled user, else opens the session
 * and records "login" (detail {"method":…} unless method is NULL, password). `also`,
 * when given, runs inside the same transaction (DB_OK to go on). */
struct auth_user_row;
err auth_login_refuse(req *r, int64_t user_id, const char *username, err why, const char *detail);
const char *auth_login_detail(req *r, const char *method, const char *reason, bool locked);
err auth_login_failure(req *r, const struct auth_user_row *u, const char *username, const char *method,
                       const char *reason, bool *locked);
err auth_login_open(req *r, const struct auth_user_row *u, const char *username, const char *method,
                    int (*also)(req *r, void *arg), void *arg, struct user_profile *out, char token[TOKEN_CHARS],
                    char csrf[TOKEN_CHARS]);
/* The answer to a successful login: session cookie and {user, csrf_token, access}. */
int auth_login_respond(req *r, const struct user_profile *u, const char *token, const char *csrf);

/* AUTH-1: change one's own password; other sessions of the user end. */
err auth_change_password(req *r, const char *current, const char *next, const char **field);
err auth_profile(req *r, int64_t user_id, struct user_profile *out);

/* SQL (auth_sql.c) */
struct auth_user_row {
    int64_t id;
    char hash[128];
    bool disabled;
    int64_t locked_until;
    int failed_logins;
};
int auth_sql_user_by_name(db *d, const char *username, struct auth_user_row *out); /* DB_ROW, DB_DONE, DB_ERROR */
int auth_sql_login_failed(db *d, int64_t user_id, int max_failures, int64_t lock_until);
int auth_sql_login_succeeded(db *d, int64_t user_id);
int auth_sql_password_get(db *d, int64_t user_id, char hash[128]);
int auth_sql_password_set(db *d, int64_t user_id, const char *hash, const char *keep_session);
int auth_sql_session_insert(db *d, const char *token_hash, int64_t user_id, const char *csrf, int64_t now,
                            const char *ip, const char *user_agent);
int auth_sql_session_get(db *d, arena *a, const char *token_hash, struct session *s, bool *user_active);

int auth_sql_session_touch(db *d, const char *token_hash, int64_t now);
int auth_sql_session_delete(db *d, const char *token_hash);
int auth_sql_profile(db *d, arena *a, int64_t user_id, struct user_profile *out);
int auth_sql_user_create(db *d, const char *username, const char *hash, const char *display_name, int64_t unit_id,
                         int64_t position_id, int64_t *id);

/* HTTP handlers (auth_http.c) */
int handle_login(req *r);
int handle_logout(req *r);
int handle_me(req *r);
int handle_change_password(req *r);

/* Shared by the handlers: {"id":…, "username":…, …} */
void auth_write_user(jw *w, const struct user_profile *u);

#endif
