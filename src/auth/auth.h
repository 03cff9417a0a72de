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
    int64_t idle_ms;        /* AUTH-3: 30 minutes */
    int64_t absolute_ms;    /* AUTH-3: 12 hours */
    int max_failures;       /* AUTH-2: consecutive failed logins that lock the account (5) */
    int64_t lock_ms;        /* AUTH-2: how long the lock lasts (15 minutes) */
    int captcha_after;      /* AUTH-2: failed logins of a typed username before a captcha is needed (3) */
    int64_t captcha_ttl_ms; /* AUTH-2: a captcha image is valid this long (5 minutes), and once */
    int ip_limit;           /* AUTH-2: login attempts per client address and window (20); 0: no limit */
    int user_limit;         /* AUTH-2: login attempts per typed username and window (10); 0: no limit */
    int64_t rate_window_ms; /* AUTH-2: the fixed window of both limits (1 minute) */
    int64_t step_up_ms;     /* AUTH-5: a password confirmation counts this long (5 minutes) */
};
extern struct auth_config auth_cfg;

/* A user as the UI and the API show it. Strings live in the request arena. */
struct user_profile {
    int64_t id;
    const char *username, *display_name;
    int64_t unit_id;
    const char *unit_code, *unit_name, *unit_level;
    const char *position_code, *position_name;
    bool must_change_password;
};

struct session {
    int64_t user_id;
    const char *username; /* in the request arena */
    char token_hash[65];
    char csrf[TOKEN_CHARS];
    int64_t created_at, last_seen_at;
    bool must_change_password;   /* AUTH-1: a one-time password from an admin reset */
    int64_t stepped_up_at;       /* AUTH-5: when the password was last confirmed in this session */
    struct access access;        /* role, data scope and permissions (ORG-3, ORG-4) */
    struct user_profile profile; /* read with the session: /auth/me needs no second query */
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

/* What a login request brings, and what the answer needs to say besides the error. */
struct login_attempt {
    const char *username, *password;
    const char *captcha_id, *captcha_answer; /* AUTH-2, optional */
    const char *device_key;                  /* AUTH-4, optional */
    bool captcha_required;                   /* out: this or the next attempt needs a captcha */
    int64_t retry_after_s;                   /* out: with E_RATE_LIMITED */
};

/* Rules behind the endpoints */
err auth_login(req *r, struct login_attempt *in, struct user_profile *out, char token[TOKEN_CHARS],
               char csrf[TOKEN_CHARS]);
err auth_logout(req *r);
/* The steps of signing in, shared by password login and WebAuthn (AUTH-6):
 * auth_login_refuse() records a refused login (AUTH-7) and returns why.
 * auth_login_failure() records a failed proof (wrong password, bad WebAuthn assertion;
 * u NULL: an unknown username) in one transaction: the account's count and lock, the
 * name's count in login_throttle that decides the captcha (AUTH-2), and the audit
 * record `action` ("login_failed", "step_up_failed") with detail
 * {"method":…,"reason":…,"locked":true}; it returns E_INVALID_CREDENTIALS,
 * E_ACCOUNT_LOCKED (this failure locked it) or E_INTERNAL, and sets *captcha_next when
 * the next login of the name needs a captcha.
 * auth_login_open() refuses a disabled user, else opens the session, ends both
 * failure counts and records "login" (detail {"method":…} unless method is NULL,
 * password). `also`, when given, runs first inside the same transaction: anything but
 * E_OK rolls it back and is returned (the caller records a refusal it returns). */
struct auth_user_row;
err auth_login_refuse(req *r, int64_t user_id, const char *username, err why, const char *detail);
const char *auth_login_detail(req *r, const char *method, const char *reason, bool locked);
err auth_login_failure(req *r, const struct auth_user_row *u, const char *username, const char *action,
                       const char *method, const char *reason, bool *captcha_next);
err auth_login_open(req *r, const struct auth_user_row *u, const char *username, const char *method,
                    err (*also)(req *r, void *arg), void *arg, struct user_profile *out, char token[TOKEN_CHARS],
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
    bool device_binding;      /* AUTH-4 */
    char device_key_hash[65]; /* "" while no device is bound */
};
int auth_sql_user_by_name(db *d, const char *username, struct auth_user_row *out); /* DB_ROW, DB_DONE, DB_ERROR */
int auth_sql_login_failed(db *d, int64_t user_id, int max_failures, int64_t lock_until);
int auth_sql_login_succeeded(db *d, int64_t user_id);
/* AUTH-2: forgets the failed logins counted under the user's name (the captcha), as
 * when an administrator unlocks the account. */
int auth_sql_name_failures_clear(db *d, int64_t user_id);
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
int handle_logout_all(req *r);
int handle_me(req *r);
int handle_change_password(req *r);

/* Shared by the handlers: {"id":…, "username":…, …} */
void auth_write_user(jw *w, const struct user_profile *u);

/* ---- login security (security.c, security_sql.c, security_http.c) ---------------
 * AUTH-2 rate limits per client address and typed username (fixed windows), the
 * count of failed logins per typed username (known or not) and the image captcha
 * that 3 of them require; AUTH-3 logging out everywhere; AUTH-4 device binding;
 * AUTH-5 step-up confirmation. */

/* AUTH-5: E_OK when this session confirmed the password within auth_cfg.step_up_ms,
 * else E_STEP_UP_REQUIRED. Sensitive handlers call it before they act. */
err auth_require_step_up(req *r);

/* Rate limits of every login, password or WebAuthn: counts the attempt against the
 * client address's limit and, when name is not NULL, the username's; E_OK,
 * E_RATE_LIMITED (with *retry_after_s) or E_INTERNAL. *ip_hits (may be NULL) gets the
 * address's count in this window. Now and then drops old counters and captchas. */
err login_rate_limit(req *r, const char *name, int64_t now, int64_t *ip_hits, int64_t *retry_after_s);
/* Login guard of password login, called by auth_login(): the rate limits, then
 * demands and consumes a captcha when one is needed (E_CAPTCHA_REQUIRED,
 * E_CAPTCHA_WRONG). */
err login_guard(req *r, const char *name, struct login_attempt *in, int64_t now);
/* A failed login of a username (inside the caller's transaction): the count that
 * decides the captcha. Sets *captcha_next when the next attempt needs one. */
int login_failure_count(req *r, const char *name, int64_t now, bool *captcha_next);
/* SHA-256 hex of a device key (AUTH-4). */
void device_key_hash(const char *key, char out[65]);

err security_new_captcha(req *r, char id[TOKEN_CHARS], const char **data_url, int64_t *retry_after_s);
err security_logout_all(req *r);
err security_step_up(req *r, const char *password);
struct device_state {
    int64_t user_id;
    bool binding, bound;
};
/* AUTH-4 admin: binding on/off (off also releases the device) and release. */
err security_device_set(req *r, int64_t user_id, bool binding, struct device_state *out);
err security_device_clear(req *r, int64_t user_id, struct device_state *out);

/* SQL (security_sql.c) */
int sec_sql_throttle_hit(db *d, const char *kind, const char *subject, int64_t now, int64_t window_ms, int64_t *hits,
                         int64_t *window_start);
int sec_sql_failure_hit(db *d, const char *subject, int64_t now, int64_t ttl_ms, int64_t *hits);
int sec_sql_failures(db *d, const char *subject, int64_t now, int64_t ttl_ms, int64_t *hits);
int sec_sql_failures_clear(db *d, const char *subject);
int sec_sql_purge(db *d, int64_t now, int64_t keep_ms);
int sec_sql_captcha_insert(db *d, const char *id, const char *answer, int64_t expires_at);
/* Marks the captcha used and copies its answer; DB_ROW if it was unused and fresh. */
int sec_sql_captcha_take(db *d, const char *id, int64_t now, char answer[16]);
int sec_sql_sessions_delete_all(db *d, int64_t user_id);
int sec_sql_step_up_stamp(db *d, const char *token_hash, int64_t now);
int sec_sql_device_bind(db *d, int64_t user_id, const char *key_hash);
int sec_sql_device_get(db *d, arena *a, int64_t user_id, struct device_state *out, const char **unit_path,
                       const char **username);
int sec_sql_device_set(db *d, int64_t user_id, bool binding, bool clear_key);

/* HTTP handlers (security_http.c) */
void auth_retry_after(req *r, int64_t seconds); /* the Retry-After header of a 429 */
int handle_captcha(req *r);
int handle_logout_all(req *r);
int handle_step_up(req *r);
int handle_device_set(req *r);
int handle_device_clear(req *r);

#endif
