/*
 * auth.c — the rules of signing in (AUTH-1) and of sessions (AUTH-3): password
 * policy and hashing, session creation, validation with idle and absolute
 * timeouts, CSRF tokens, logout. No HTTP here beyond reading the request's cookie
 * and headers through http.h.
 */
#include "auth.h"
#include "audit/audit.h"
#include "core/log.h"
#include "core/util.h"

#include <ctype.h>
#include <microhttpd.h>
#include <sodium.h>
#include <string.h>

struct auth_config auth_cfg = {
    .idle_ms = 30 * 60 * 1000,
    .absolute_ms = 12 * 60 * 60 * 1000,
    .max_failures = 5,
    .lock_ms = 15 * 60 * 1000,
    .captcha_after = 3,
    .captcha_ttl_ms = 5 * 60 * 1000,
    .ip_limit = 20,
    .user_limit = 10,
    .rate_window_ms = 60 * 1000,
    .step_up_ms = 5 * 60 * 1000,
};

/* Writes the session less often than on every request: a minute of precision is
 * plenty for a 30-minute idle timeout, and reads stay reads. */
#define TOUCH_INTERVAL_MS (60 * 1000)

err auth_password_policy(const char *pw)
{
    size_t n = 0;
    bool letter = false, digit = false;
    for (const unsigned char *p = (const unsigned char *)pw; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return E_PASSWORD_WEAK; /* control characters are not printable */
        if ((*p & 0xc0) != 0x80)
            n++; /* count characters, not UTF-8 continuation bytes */
        letter |= isalpha(*p) != 0;
        digit |= isdigit(*p) != 0;
    }
    return n >= 8 && letter && digit ? E_OK : E_PASSWORD_WEAK;
}

int auth_hash_password(const char *password, char out[128])
{
    return crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

bool auth_verify_password(const char *hash, const char *password)
{
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

static void new_token(char out[TOKEN_CHARS])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, TOKEN_CHARS, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static void token_hash(const char *token, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
    hex_encode(h, sizeof h, out);
}

/* A hash to verify against when the user does not exist, so that a wrong username
 * takes as long as a wrong password (no user enumeration by timing). */
static const char *dummy_hash(void)
{
    static char hash[128];
    static int made;
    if (!__atomic_load_n(&made, __ATOMIC_ACQUIRE)) {
        char h[128];
        if (auth_hash_password("fincrm-no-such-user-1", h) == 0) {
            memcpy(hash, h, sizeof hash);
            __atomic_store_n(&made, 1, __ATOMIC_RELEASE);
        }
    }
    return hash;
}

/* The name as typed, cut to at most 64 bytes on a character boundary, for the log. */
static const char *typed_name(req *r, const char *username)
{
    size_t n = strlen(username);
    if (n <= 64)
        return username;
    n = 64;
    while (n > 0 && ((unsigned char)username[n] & 0xc0) == 0x80)
        n--;
    return arena_strndup(r->a, username, n);
}

/* AUTH-7: every login, failed login and logout is recorded. */
static int audit_login(req *r, int64_t user_id, const char *username, const char *action, const char *detail)
{
    struct audit_entry e = {
        .user_id = user_id,
        .username = typed_name(r, username),
        .ip = r->client_ip,
        .action = action,
        .object_type = "user",
        .object_id = user_id ? arena_printf(r->a, "%lld", (long long)user_id) : "",
        .detail = detail,
    };
    return audit_write(r->db, &e);
}

/* Records a refused login and returns why it was refused. */
err auth_login_refuse(req *r, int64_t user_id, const char *username, err why, const char *detail)
{
    return audit_login(r, user_id, username, "login_failed", detail) == DB_OK ? why : E_INTERNAL;
}

/* The audit detail of a refused login: {"method":…,"reason":…,"locked":true}. */
const char *auth_login_detail(req *r, const char *method, const char *reason, bool locked)
{
    return arena_printf(r->a, "{%s%s%s\"reason\":\"%s\"%s}", method ? "\"method\":\"" : "", method ? method : "",
                        method ? "\"," : "", reason, locked ? ",\"locked\":true" : "");
}

err auth_login_failure(req *r, const struct auth_user_row *u, const char *username, const char *action,
                       const char *method, const char *reason, bool *captcha_next)
{
    bool locks = u && u->failed_logins + 1 >= auth_cfg.max_failures;
    int64_t now = now_ms();
    if (db_begin(r->db) != DB_OK)
        return E_INTERNAL;
    if ((u && auth_sql_login_failed(r->db, u->id, auth_cfg.max_failures, now + auth_cfg.lock_ms) != DB_OK) ||
        login_failure_count(r, typed_name(r, username), now, captcha_next) != DB_OK ||
        audit_login(r, u ? u->id : 0, username, action, auth_login_detail(r, method, reason, locks)) != DB_OK ||
        db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return E_INTERNAL;
    }
    return locks ? E_ACCOUNT_LOCKED : E_INVALID_CREDENTIALS;
}

err auth_login_open(req *r, const struct auth_user_row *u, const char *username, const char *method,
                    err (*also)(req *r, void *arg), void *arg, struct user_profile *out, char token[TOKEN_CHARS],
                    char csrf[TOKEN_CHARS])
{
    if (u->disabled)
        return auth_login_refuse(r, u->id, username, E_USER_DISABLED, auth_login_detail(r, method, "disabled", false));
    char th[65];
    new_token(token);
    new_token(csrf);
    token_hash(token, th);
    const char *ua = req_in_header(r, MHD_HTTP_HEADER_USER_AGENT);
    const char *detail = method ? arena_printf(r->a, "{\"method\":\"%s\"}", method) : NULL;
    if (db_begin(r->db) != DB_OK)
        return E_INTERNAL;
    err e = also ? also(r, arg) : E_OK;
    if (e != E_OK) {
        db_rollback(r->db);
        return e;
    }
    /* A success ends both failure counts: the account's (lockout) and the name's (captcha). */
    if ((u->failed_logins > 0 && auth_sql_login_succeeded(r->db, u->id) != DB_OK) ||
        sec_sql_failures_clear(r->db, typed_name(r, username)) != DB_OK ||
        auth_sql_session_insert(r->db, th, u->id, csrf, now_ms(), r->client_ip, ua) != DB_OK ||
        audit_login(r, u->id, username, "login", detail) != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return E_INTERNAL;
    }
    return auth_profile(r, u->id, out);
}

/* AUTH-4: the device a password login comes from. */
struct device_check {
    const struct auth_user_row *u;
    const char *username;
    const char *key_hash; /* "" when the login named no device */
};

/* Inside the login's transaction (auth_login_open's `also`): E_OK when the account is
 * not bound or the key is its device's; the first login after binding was switched
 * on binds its device. E_DEVICE_UNBOUND otherwise, also when another device was
 * bound a moment ago. */
static err device_step(req *r, void *arg)
{
    const struct device_check *dc = arg;
    const struct auth_user_row *u = dc->u;
    if (!u->device_binding)
        return E_OK;
    if (!*dc->key_hash)
        return E_DEVICE_UNBOUND;
    if (strlen(u->device_key_hash) == 64)
        return sodium_memcmp(dc->key_hash, u->device_key_hash, 64) == 0 ? E_OK : E_DEVICE_UNBOUND;
    int rc = sec_sql_device_bind(r->db, u->id, dc->key_hash);
    if (rc == DB_DONE)
        return E_DEVICE_UNBOUND;
    if (rc != DB_ROW ||
        audit_login(r, u->id, dc->username, "device.bound", "{\"after\":{\"device_bound\":true}}") != DB_OK)
        return E_INTERNAL;
    return E_OK;
}

err auth_login(req *r, struct login_attempt *in, struct user_profile *out, char token[TOKEN_CHARS],
               char csrf[TOKEN_CHARS])
{
    const char *username = in->username;
    /* AUTH-2: rate limits first (nothing is recorded for a refused flood), then the
     * captcha; while a needed captcha is missing or wrong the password is not even
     * checked, so guessing costs one solved image per try. */
    err e = login_guard(r, typed_name(r, username), in, now_ms());
    if (e == E_RATE_LIMITED || e == E_INTERNAL)
        return e;
    if (e != E_OK)
        return auth_login_refuse(
            r, 0, username, e,
            auth_login_detail(r, NULL, e == E_CAPTCHA_REQUIRED ? "captcha_missing" : "captcha_wrong", false));

    struct auth_user_row u;
    int rc = auth_sql_user_by_name(r->db, username, &u);
    if (rc == DB_ERROR)
        return E_INTERNAL;
    if (rc == DB_DONE) {
        auth_verify_password(dummy_hash(), in->password);
        return auth_login_failure(r, NULL, username, "login_failed", NULL, "unknown_user", &in->captcha_required);
    }
    if (u.locked_until > now_ms()) /* AUTH-2: locked; the password is not even checked */
        return auth_login_refuse(r, u.id, username, E_ACCOUNT_LOCKED, auth_login_detail(r, NULL, "locked", false));
    if (!auth_verify_password(u.hash, in->password))
        return auth_login_failure(r, &u, username, "login_failed", NULL, "wrong_password", &in->captcha_required);

    char key_hash[65] = "";
    if (in->device_key && *in->device_key)
        device_key_hash(in->device_key, key_hash);
    struct device_check dc = {&u, username, key_hash};
    e = auth_login_open(r, &u, username, NULL, device_step, &dc, out, token, csrf);
    if (e == E_DEVICE_UNBOUND) /* refused inside the rolled-back transaction: record it now */
        return auth_login_refuse(r, u.id, username, e,
                                 auth_login_detail(r, NULL, *key_hash ? "device_unbound" : "no_device_key", false));
    return e;
}

err auth_session_load(req *r)
{
    const char *token = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, SESSION_COOKIE);
    if (!token || strlen(token) != TOKEN_CHARS - 1)
        return E_UNAUTHENTICATED;
    struct session *s = arena_calloc(r->a, sizeof *s);
    token_hash(token, s->token_hash);
    bool active = false;
    int rc = auth_sql_session_get(r->db, r->a, s->token_hash, s, &active);
    if (rc == DB_ERROR)
        return E_INTERNAL;
    if (rc == DB_DONE)
        return E_UNAUTHENTICATED;
    int64_t now = now_ms();
    if (!active || now - s->last_seen_at > auth_cfg.idle_ms || now - s->created_at > auth_cfg.absolute_ms) {
        if (auth_sql_session_delete(r->db, s->token_hash) != DB_OK)
            log_error("cannot delete expired session: %s", db_errmsg(r->db));
        return E_UNAUTHENTICATED;
    }
    if (now - s->last_seen_at > TOUCH_INTERVAL_MS && auth_sql_session_touch(r->db, s->token_hash, now) != DB_OK)
        return E_INTERNAL;
    r->session = s;
    return E_OK;
}

bool auth_csrf_ok(req *r)
{
    const char *sent = req_in_header(r, CSRF_HEADER);
    const char *want = r->session ? r->session->csrf : NULL;
    size_t n = want ? strlen(want) : 0;
    return sent && want && n > 0 && strlen(sent) == n && sodium_memcmp(sent, want, n) == 0;
}

err auth_logout(req *r)
{
    const struct session *s = r->session;
    if (db_begin(r->db) != DB_OK)
        return E_INTERNAL;
    if (auth_sql_session_delete(r->db, s->token_hash) != DB_OK ||
        audit_login(r, s->user_id, s->username, "logout", NULL) != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return E_INTERNAL;
    }
    return E_OK;
}

err auth_change_password(req *r, const char *current, const char *next, const char **field)
{
    char hash[128];
    int64_t uid = r->session->user_id;
    *field = "current_password";
    if (auth_sql_password_get(r->db, uid, hash) != DB_ROW)
        return E_INTERNAL;
    if (!auth_verify_password(hash, current))
        return E_WRONG_PASSWORD;
    *field = "new_password";
    if (auth_password_policy(next) != E_OK)
        return E_PASSWORD_WEAK;
    if (strcmp(current, next) == 0)
        return E_PASSWORD_UNCHANGED;
    *field = NULL;
    if (auth_hash_password(next, hash) != 0 || db_begin(r->db) != DB_OK)
        return E_INTERNAL;
    if (auth_sql_password_set(r->db, uid, hash, r->session->token_hash) != DB_OK ||
        audit_login(r, uid, r->session->username, "password_changed", NULL) != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return E_INTERNAL;
    }
    return E_OK;
}

err auth_profile(req *r, int64_t user_id, struct user_profile *out)
{
    int rc = auth_sql_profile(r->db, r->a, user_id, out);
    return rc == DB_ROW ? E_OK : rc == DB_DONE ? E_UNAUTHENTICATED : E_INTERNAL;
}
