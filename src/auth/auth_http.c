/*
 * auth_http.c — the login, logout and "who am I" endpoints: decode, call auth.c,
 * encode.
 */
#include "auth.h"
#include "core/util.h"

#include <stdio.h>

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

static void write_user_and_csrf(req *r, const struct user_profile *u, const char *csrf)
{
    jw_obj(&r->out);
    jw_key(&r->out, "user");
    auth_write_user(&r->out, u);
    jw_kstr(&r->out, "csrf_token", csrf);
    jw_end(&r->out);
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
    const char *username = req_body_str(r, "username");
    const char *password = username ? req_body_str(r, "password") : NULL;
    if (!password)
        return req_status(r);

    struct user_profile u;
    char token[TOKEN_CHARS], csrf[TOKEN_CHARS];
    err e = auth_login(r, username, password, &u, token, csrf);
    if (e != E_OK)
        return req_fail(r, e, NULL);
    set_session_cookie(r, token, auth_cfg.absolute_ms / 1000);
    write_user_and_csrf(r, &u, csrf);
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
    struct user_profile u;
    err e = auth_profile(r, r->session->user_id, &u);
    if (e != E_OK)
        return req_fail(r, e, NULL);
    write_user_and_csrf(r, &u, r->session->csrf);
    return 200;
}
