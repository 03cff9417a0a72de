/*
 * security.c — the rules of login security around auth.c:
 *   AUTH-2  rate limits per client address and per typed username (fixed windows in
 *           the login_throttle table, so that every server behind the balancer
 *           counts together), the count of consecutive failures per typed username
 *           (known or not, so the captcha does not tell which names exist), and the
 *           image captcha that 3 failures — or a busy client address — require;
 *   AUTH-3  ending every session of a user;
 *   AUTH-4  device binding switched and released by an administrator;
 *   AUTH-5  step-up: the password confirmed again within the last 5 minutes.
 * No HTTP here beyond the request's session, address and arena.
 */
#include "audit/audit.h"
#include "auth.h"
#include "captcha.h"
#include "core/log.h"
#include "core/util.h"

#include <ctype.h>
#include <sodium.h>
#include <string.h>

/* ---- AUTH-5 step-up ------------------------------------------------------------ */

err auth_require_step_up(req *r)
{
    const struct session *s = r->session;
    int64_t now = now_ms();
    if (s && s->stepped_up_at > 0 && now - s->stepped_up_at < auth_cfg.step_up_ms)
        return E_OK;
    return E_STEP_UP_REQUIRED;
}

/* AUTH-7: what the signed-in user did to a user record. */
static int audit_user_action(req *r, const char *action, int64_t object_id, const char *detail)
{
    struct audit_entry e = {
        .user_id = r->session->user_id,
        .username = r->session->username,
        .ip = r->client_ip,
        .action = action,
        .object_type = "user",
        .object_id = arena_printf(r->a, "%lld", (long long)object_id),
        .detail = detail,
    };
    return audit_write(r->db, &e);
}

err security_step_up(req *r, const char *password)
{
    const struct session *s = r->session;
    struct auth_user_row u;
    int rc = auth_sql_user_by_name(r->db, s->username, &u);
    if (rc != DB_ROW)
        return E_INTERNAL;
    int64_t now = now_ms();
    if (u.locked_until > now)
        return audit_user_action(r, "step_up_failed", u.id, "{\"reason\":\"locked\"}") == DB_OK ? E_ACCOUNT_LOCKED
                                                                                                : E_INTERNAL;
    if (!auth_verify_password(u.hash, password)) {
        /* Counts toward the lockout like a failed login (AUTH-2). */
        bool captcha_next = false;
        err e = auth_login_failure(r, &u, s->username, "step_up_failed", NULL, "wrong_password", &captcha_next);
        return e == E_INVALID_CREDENTIALS ? E_WRONG_PASSWORD : e;
    }
    if (db_begin(r->db) != DB_OK)
        return E_INTERNAL;
    if (sec_sql_step_up_stamp(r->db, s->token_hash, now) != DB_OK ||
        (u.failed_logins > 0 && auth_sql_login_succeeded(r->db, u.id) != DB_OK) ||
        sec_sql_failures_clear(r->db, s->username) != DB_OK || audit_user_action(r, "step_up", u.id, NULL) != DB_OK ||
        db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return E_INTERNAL;
    }
    r->session->stepped_up_at = now;
    return E_OK;
}

/* ---- AUTH-3 logout everywhere ---------------------------------------------------- */

err security_logout_all(req *r)
{
    err e = auth_require_step_up(r);
    if (e != E_OK)
        return e;
    int64_t uid = r->session->user_id;
    if (db_begin(r->db) != DB_OK)
        return E_INTERNAL;
    if (sec_sql_sessions_delete_all(r->db, uid) != DB_OK || audit_user_action(r, "logout_all", uid, NULL) != DB_OK ||
        db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return E_INTERNAL;
    }
    return E_OK;
}

/* ---- AUTH-2 login guard ------------------------------------------------------------ */

static int64_t seconds_left(int64_t window_start, int64_t now)
{
    int64_t ms = window_start + auth_cfg.rate_window_ms - now;
    return ms <= 0 ? 1 : (ms + 999) / 1000;
}

/* One attempt against one limit (0: none): E_OK, E_RATE_LIMITED with the seconds
 * until the window ends, or E_INTERNAL. */
static err count_attempt(req *r, const char *kind, const char *subject, int limit, int64_t now, int64_t *hits,
                         int64_t *retry_after_s)
{
    int64_t start = now;
    *hits = 0;
    if (limit <= 0)
        return E_OK;
    if (sec_sql_throttle_hit(r->db, kind, subject, now, auth_cfg.rate_window_ms, hits, &start) != DB_OK)
        return E_INTERNAL;
    if (*hits <= limit)
        return E_OK;
    *retry_after_s = seconds_left(start, now);
    return E_RATE_LIMITED;
}

/* Case-insensitive, surrounding blanks ignored. */
static bool answer_matches(const char *want, const char *given)
{
    while (isspace((unsigned char)*given))
        given++;
    size_t n = strlen(given);
    while (n > 0 && isspace((unsigned char)given[n - 1]))
        n--;
    if (n != strlen(want))
        return false;
    for (size_t i = 0; i < n; i++)
        if (toupper((unsigned char)given[i]) != want[i])
            return false;
    return true;
}

/* Drops the throttle rows and captchas that no longer matter (at most once a minute). */
static void purge_old(req *r, int64_t now)
{
    static int64_t last;
    int64_t prev = __atomic_load_n(&last, __ATOMIC_RELAXED);
    if (now - prev < 60 * 1000 ||
        !__atomic_compare_exchange_n(&last, &prev, now, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        return;
    int64_t keep = auth_cfg.lock_ms > auth_cfg.rate_window_ms ? auth_cfg.lock_ms : auth_cfg.rate_window_ms;
    if (sec_sql_purge(r->db, now, keep) != DB_OK)
        log_error("cannot purge old login counters and captchas: %s", db_errmsg(r->db));
}

err login_rate_limit(req *r, const char *name, int64_t now, int64_t *ip_hits, int64_t *retry_after_s)
{
    int64_t ip, user_hits;
    purge_old(r, now);
    err e = count_attempt(r, "ip", r->client_ip, auth_cfg.ip_limit, now, &ip, retry_after_s);
    if (ip_hits)
        *ip_hits = ip;
    if (e == E_OK && name)
        e = count_attempt(r, "user", name, auth_cfg.user_limit, now, &user_hits, retry_after_s);
    return e;
}

err login_guard(req *r, const char *name, struct login_attempt *in, int64_t now)
{
    int64_t ip_hits, fails = 0;
    err e = login_rate_limit(r, name, now, &ip_hits, &in->retry_after_s);
    if (e != E_OK)
        return e;
    if (sec_sql_failures(r->db, name, now, auth_cfg.lock_ms, &fails) != DB_OK)
        return E_INTERNAL;
    /* A client address past half its limit tries many names: captcha for all. */
    bool busy_ip = auth_cfg.ip_limit > 0 && ip_hits > auth_cfg.ip_limit / 2;
    if (!busy_ip && (auth_cfg.captcha_after <= 0 || fails < auth_cfg.captcha_after))
        return E_OK;
    in->captcha_required = true;
    if (!in->captcha_id || !*in->captcha_id || !in->captcha_answer || !*in->captcha_answer)
        return E_CAPTCHA_REQUIRED;
    char answer[16];
    int rc = sec_sql_captcha_take(r->db, in->captcha_id, now, answer);
    if (rc == DB_ERROR)
        return E_INTERNAL;
    return rc == DB_ROW && answer_matches(answer, in->captcha_answer) ? E_OK : E_CAPTCHA_WRONG;
}

int login_failure_count(req *r, const char *name, int64_t now, bool *captcha_next)
{
    int64_t hits = 0;
    int rc = sec_sql_failure_hit(r->db, name, now, auth_cfg.lock_ms, &hits);
    if (rc == DB_OK && auth_cfg.captcha_after > 0 && hits >= auth_cfg.captcha_after)
        *captcha_next = true;
    return rc;
}

static void random_token(char out[TOKEN_CHARS])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, TOKEN_CHARS, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

err security_new_captcha(req *r, char id[TOKEN_CHARS], const char **data_url, int64_t *retry_after_s)
{
    int64_t now = now_ms(), hits;
    /* Images cost CPU and a row: a client address gets three per allowed login. */
    err e = count_attempt(r, "captcha", r->client_ip, auth_cfg.ip_limit * 3, now, &hits, retry_after_s);
    if (e != E_OK)
        return e;
    char answer[CAPTCHA_MAX_LEN + 1];
    void *png;
    int len;
    if (captcha_make(answer, &png, &len) != 0)
        return E_INTERNAL;
    static const char prefix[] = "data:image/png;base64,";
    size_t b64 = sodium_base64_ENCODED_LEN((size_t)len, sodium_base64_VARIANT_ORIGINAL);
    char *url = arena_alloc(r->a, sizeof prefix - 1 + b64);
    memcpy(url, prefix, sizeof prefix - 1);
    sodium_bin2base64(url + sizeof prefix - 1, b64, png, (size_t)len, sodium_base64_VARIANT_ORIGINAL);
    captcha_free(png);
    random_token(id);
    if (sec_sql_captcha_insert(r->db, id, answer, now + auth_cfg.captcha_ttl_ms) != DB_OK)
        return E_INTERNAL;
    *data_url = url;
    return E_OK;
}

void device_key_hash(const char *key, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)key, strlen(key));
    hex_encode(h, sizeof h, out);
}

/* ---- AUTH-4 device binding, administered --------------------------------------- */

/* The target user, if inside the caller's data scope (else E_NOT_FOUND, as if it
 * did not exist), and the caller's fresh password confirmation. */
static err device_target(req *r, int64_t user_id, struct device_state *st)
{
    const struct access *acc = req_scope(r);
    if (!acc)
        return E_INTERNAL;
    const char *unit_path = NULL, *username = NULL;
    int rc = sec_sql_device_get(r->db, r->a, user_id, st, &unit_path, &username);
    if (rc == DB_ERROR)
        return E_INTERNAL;
    if (rc != DB_ROW || !scope_has_unit(acc, unit_path))
        return E_NOT_FOUND;
    return auth_require_step_up(r);
}

static const char *device_detail(req *r, const struct device_state *before, const struct device_state *after)
{
    return arena_printf(r->a,
                        "{\"before\":{\"device_binding\":%s,\"device_bound\":%s},"
                        "\"after\":{\"device_binding\":%s,\"device_bound\":%s}}",
                        before->binding ? "true" : "false", before->bound ? "true" : "false",
                        after->binding ? "true" : "false", after->bound ? "true" : "false");
}

/* binding: 1 on, 0 off, -1 as it is; release: forget the bound device. */
static err device_change(req *r, int64_t user_id, int binding, bool release, const char *action,
                         struct device_state *out)
{
    struct device_state before;
    err e = device_target(r, user_id, &before);
    if (e != E_OK)
        return e;
    *out = before;
    if (binding >= 0)
        out->binding = binding == 1;
    if (release)
        out->bound = false;
    if (db_begin(r->db) != DB_OK)
        return E_INTERNAL;
    if (sec_sql_device_set(r->db, user_id, out->binding, release) != DB_OK ||
        audit_user_action(r, action, user_id, device_detail(r, &before, out)) != DB_OK || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return E_INTERNAL;
    }
    return E_OK;
}

err security_device_set(req *r, int64_t user_id, bool binding, struct device_state *out)
{
    /* Off also releases the device: switched on again, the next login binds anew. */
    return device_change(r, user_id, binding ? 1 : 0, !binding, "device.binding", out);
}

err security_device_clear(req *r, int64_t user_id, struct device_state *out)
{
    return device_change(r, user_id, -1, true, "device.cleared", out);
}
