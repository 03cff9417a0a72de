/*
 * auth_http.c — the login, logout and "who am I" endpoints: decode, call auth.c,
 * encode.
 */
#include "auth.h"
#include "core/util.h"

#include <stdio.h>
#include <string.h>

void auth_write_user(jw *w, const struct user_profile *u)
{
    jw_obj(w);
    jw_kint(w, "id", u->id);
    jw_kstr(w, "username", u->username);
    jw_kstr(w, "display_name", u->display_name);
    jw_kobj(w, "unit");
    jw_kint(w, "id", u->unit_id);
    jw_kstr(w, "code", u->unit_code);
    jw_kstr(w, "name", u->unit_name);
    jw_kstr(w, "level", u->unit_level);
    jw_end(w);
    jw_kobj(w, "position");
    jw_kstr(w, "code", u->position_code);
    jw_kstr(w, "name", u->position_name);
    jw_end(w);
    jw_kbool(w, "must_change_password", u->must_change_password);
    jw_end(w);
}

/* What the UI needs to build its menus and forms: permissions, data scope and
 * the field rules of the user's role (ORG-3, ORG-4, ORG-6). */
static void write_access(req *r, const struct access *acc)
{
    jw *w = &r->out;
    jw_kobj(w, "access");
    jw_kstr(w, "data_scope", data_scope_name(acc->scope));
    jw_karr(w, "permissions");
    for (int i = 0; i < acc->nperms; i++)
        jw_str(w, acc->perms[i]);
    jw_end(w);
    struct field_rule rules[64];
    jw_kobj(w, "fields");
    if (ncustomer_fields <= 64 && field_rules_load(r->db, r->a, acc->role_id, rules) == DB_OK)
        for (int i = 0; i < ncustomer_fields; i++) {
            jw_kobj(w, rules[i].field);
            jw_kstr(w, "access", field_access_name(rules[i].access));
            jw_kstr(w, "masking", field_masking_name(rules[i].masking));
            jw_end(w);
        }
    jw_end(w);
    jw_end(w);
}

static err write_user_and_csrf(req *r, const struct user_profile *u, const char *csrf)
{
    struct access loaded;
    const struct access *acc = req_access(r);
    if (!acc) {
        if (access_load(r->db, r->a, u->id, &loaded) != DB_OK)
            return E_INTERNAL;
        acc = &loaded;
    }
    jw_obj(&r->out);
    jw_key(&r->out, "user");
    auth_write_user(&r->out, u);
    jw_kstr(&r->out, "csrf_token", csrf);
    write_access(r, acc);
    jw_end(&r->out);
    return E_OK;
}

static void set_session_cookie(req *r, const char *token, int64_t max_age_s)
{
    char cookie[160];
    snprintf(cookie, sizeof cookie, "%s=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%lld%s", SESSION_COOKIE, token,
             (long long)max_age_s, server_cfg.secure_cookies ? "; Secure" : "");
    req_header(r, "Set-Cookie", cookie);
}

int handle_login(req *r)
{
    struct login_attempt in = {0};
    in.username = req_body_str(r, "username");
    in.password = in.username ? req_body_str(r, "password") : NULL;
    if (!in.password)
        return req_status(r);
    in.captcha_id = req_str_field(r, r->json, "captcha_id", false);
    in.captcha_answer = req_str_field(r, r->json, "captcha_answer", false);
    in.device_key = req_str_field(r, r->json, "device_key", false);
    if (r->error)
        return req_status(r);
    if (in.device_key && strlen(in.device_key) > 256)
        return req_fail(r, E_FIELD_INVALID, "device_key");

    struct user_profile u;
    char token[TOKEN_CHARS], csrf[TOKEN_CHARS];
    err e = auth_login(r, &in, &u, token, csrf);
    if (e != E_OK) {
        r->captcha_required = in.captcha_required; /* AUTH-2: the UI shows the image */
        if (e == E_RATE_LIMITED)
            auth_retry_after(r, in.retry_after_s);
        return req_fail(r, e, e == E_CAPTCHA_REQUIRED || e == E_CAPTCHA_WRONG ? "captcha_answer" : NULL);
    }
    return auth_login_respond(r, &u, token, csrf);
}

int auth_login_respond(req *r, const struct user_profile *u, const char *token, const char *csrf)
{
    set_session_cookie(r, token, auth_cfg.absolute_ms / 1000);
    if (write_user_and_csrf(r, u, csrf) != E_OK)
        return req_fail(r, E_INTERNAL, NULL);
    return 200;
}

int handle_logout(req *r)
{
    err e = auth_logout(r);
    if (e != E_OK)
        return req_fail(r, e, NULL);
    set_session_cookie(r, "", 0);
    return 204;
}

/* AUTH-3: every session of the user ends, this one too; needs a step-up (AUTH-5). */
int handle_logout_all(req *r)
{
    err e = security_logout_all(r);
    if (e != E_OK)
        return req_fail(r, e, NULL);
    set_session_cookie(r, "", 0);
    return 204;
}

int handle_change_password(req *r)
{
    const char *current = req_body_str(r, "current_password");
    const char *next = current ? req_body_str(r, "new_password") : NULL;
    if (!next)
        return req_status(r);
    const char *field = NULL;
    err e = auth_change_password(r, current, next, &field);
    return e == E_OK ? 204 : req_fail(r, e, field);
}

int handle_me(req *r)
{
    if (write_user_and_csrf(r, &r->session->profile, r->session->csrf) != E_OK)
        return req_fail(r, E_INTERNAL, NULL);
    return 200;
}
