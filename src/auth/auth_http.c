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
    const char *username = req_body_str(r, "username");
    const char *password = username ? req_body_str(r, "password") : NULL;
    if (!password)
        return req_status(r);

    struct user_profile u;
    char token[TOKEN_CHARS], csrf[TOKEN_CHARS];
    err e = auth_login(r, username, password, &u, token, csrf);
    if (e != E_OK)
        return req_fail(r, e, NULL);
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
    if (write_user_and_csrf(r, &u, r->session->csrf) != E_OK)
        return req_fail(r, E_INTERNAL, NULL);
    return 200;
}
