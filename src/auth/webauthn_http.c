/*
 * webauthn_http.c — the biometric login endpoints (AUTH-6): decode, call
 * webauthn.c, encode. The options follow the browser's PublicKeyCredential*Options
 * with binary values as base64url text (the UI converts them, web/src/webauthn.js).
 */
#include "webauthn.h"
#include "core/util.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

/* {"type":"public-key","id":…} for each credential of the user */
static void write_descriptor(void *arg, const struct webauthn_cred_row *c)
{
    jw *w = arg;
    jw_obj(w);
    jw_kstr(w, "type", "public-key");
    jw_kstr(w, "id", c->credential_id);
    jw_end(w);
}

static void write_cred(jw *w, const struct webauthn_cred_row *c)
{
    jw_obj(w);
    jw_kint(w, "id", c->id);
    jw_kstr(w, "name", c->name);
    jw_kint(w, "created_at", c->created_at);
    if (c->last_used_at)
        jw_kint(w, "last_used_at", c->last_used_at);
    else
        jw_knull(w, "last_used_at");
    jw_end(w);
}

static void write_cred_cb(void *arg, const struct webauthn_cred_row *c)
{
    write_cred(arg, c);
}

static bool site(req *r, char rp_id[256], char origin[300])
{
    return webauthn_site(server_cfg.public_url, req_in_header(r, MHD_HTTP_HEADER_HOST), rp_id, origin);
}

int handle_webauthn_register_begin(req *r)
{
    char rp_id[256], origin[300], challenge[TOKEN_CHARS];
    struct user_profile u;
    if (!site(r, rp_id, origin))
        return req_fail(r, E_WEBAUTHN_ORIGIN, NULL);
    err e = auth_profile(r, r->session->user_id, &u);
    if (e == E_OK)
        e = webauthn_new_challenge(r, "register", r->session->user_id, challenge);
    if (e != E_OK)
        return req_fail(r, e, NULL);
    unsigned char handle[8];
    webauthn_user_handle(u.id, handle);

    jw *w = &r->out;
    jw_obj(w);
    jw_kstr(w, "challenge", challenge);
    jw_kobj(w, "rp");
    jw_kstr(w, "id", rp_id);
    jw_kstr(w, "name", WEBAUTHN_RP_NAME);
    jw_end(w);
    jw_kobj(w, "user");
    jw_kstr(w, "id", webauthn_b64url_encode(r->a, handle, sizeof handle));
    jw_kstr(w, "name", u.username);
    jw_kstr(w, "displayName", u.display_name);
    jw_end(w);
    jw_karr(w, "pubKeyCredParams");
    jw_obj(w);
    jw_kstr(w, "type", "public-key");
    jw_kint(w, "alg", -7); /* ES256 */
    jw_end(w);
    jw_end(w);
    jw_kobj(w, "authenticatorSelection");
    jw_kstr(w, "authenticatorAttachment", "platform");
    jw_kstr(w, "userVerification", "required");
    jw_kstr(w, "residentKey", "preferred");
    jw_kbool(w, "requireResidentKey", false);
    jw_end(w);
    jw_kstr(w, "attestation", "none");
    jw_kint(w, "timeout", WEBAUTHN_CHALLENGE_MS);
    jw_karr(w, "excludeCredentials");
    if (webauthn_sql_cred_list(r->db, r->a, u.id, write_descriptor, w) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    jw_end(w);
    jw_end(w);
    return 200;
}

int handle_webauthn_register_finish(req *r)
{
    json_t *body = req_json_object(r);
    if (!body)
        return req_status(r);
    struct webauthn_register_input in = {0};
    const char *raw_id;
    if (!(in.id = req_str_field(r, body, "id", true)) ||
        ((raw_id = req_str_field(r, body, "rawId", false)), r->error) ||
        !(in.client_data = req_str_field(r, body, "clientDataJSON", true)) ||
        ((in.attestation = req_str_field(r, body, "attestationObject", false)), r->error) ||
        ((in.authdata = req_str_field(r, body, "authenticatorData", false)), r->error) ||
        ((in.name = req_str_field(r, body, "name", false)), r->error))
        return req_status(r);
    if (raw_id && !str_eq(raw_id, in.id))
        return req_fail(r, E_FIELD_INVALID, "rawId");
    if (!in.attestation && !in.authdata)
        return req_fail(r, E_FIELD_REQUIRED, "attestationObject");

    struct webauthn_cred_row c;
    const char *field = NULL;
    err e = webauthn_register(r, &in, &c, &field);
    if (e != E_OK)
        return req_fail(r, e, field);
    jw_obj(&r->out);
    jw_key(&r->out, "credential");
    write_cred(&r->out, &c);
    jw_end(&r->out);
    return 201;
}

int handle_webauthn_credentials(req *r)
{
    jw *w = &r->out;
    jw_obj(w);
    jw_karr(w, "credentials");
    if (webauthn_sql_cred_list(r->db, r->a, r->session->user_id, write_cred_cb, w) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    jw_end(w);
    jw_end(w);
    return 200;
}

int handle_webauthn_credential_delete(req *r)
{
    char *end;
    const char *s = r->params[0];
    long long id = strtoll(s, &end, 10);
    if (!*s || *end || id <= 0)
        return req_fail(r, E_WEBAUTHN_NOT_FOUND, NULL);
    err e = webauthn_remove(r, id);
    return e == E_OK ? 204 : req_fail(r, e, NULL);
}

/* Body {"username"} or {} or none. An unknown name gets the same answer as a user
 * without credentials: a challenge and no credentials (no probing of usernames). */
int handle_webauthn_login_begin(req *r)
{
    char rp_id[256], origin[300], challenge[TOKEN_CHARS];
    const char *username = NULL;
    if (r->body_len > 0) {
        json_t *body = req_json_object(r);
        if (!body || ((username = req_str_field(r, body, "username", false)), r->error))
            return req_status(r);
    }
    if (!site(r, rp_id, origin))
        return req_fail(r, E_WEBAUTHN_ORIGIN, NULL);
    int64_t user_id = -1; /* no name given: any registered credential may answer */
    if (username && *username) {
        struct auth_user_row u;
        int rc = strlen(username) > 256 ? DB_DONE : auth_sql_user_by_name(r->db, username, &u);
        if (rc == DB_ERROR)
            return req_fail(r, E_INTERNAL, NULL);
        user_id = rc == DB_ROW ? u.id : 0;
    }
    err e = webauthn_new_challenge(r, "login", user_id, challenge);
    if (e != E_OK)
        return req_fail(r, e, NULL);
    jw *w = &r->out;
    jw_obj(w);
    jw_kstr(w, "challenge", challenge);
    jw_kstr(w, "rpId", rp_id);
    jw_kint(w, "timeout", WEBAUTHN_CHALLENGE_MS);
    jw_kstr(w, "userVerification", "required");
    jw_karr(w, "allowCredentials");
    if (user_id > 0 && webauthn_sql_cred_list(r->db, r->a, user_id, write_descriptor, w) != DB_OK)
        return req_fail(r, E_INTERNAL, NULL);
    jw_end(w);
    jw_end(w);
    return 200;
}

int handle_webauthn_login_finish(req *r)
{
    json_t *body = req_json_object(r);
    if (!body)
        return req_status(r);
    struct webauthn_login_input in = {0};
    const char *raw_id;
    if (!(in.id = req_str_field(r, body, "id", true)) ||
        ((raw_id = req_str_field(r, body, "rawId", false)), r->error) ||
        !(in.client_data = req_str_field(r, body, "clientDataJSON", true)) ||
        !(in.authdata = req_str_field(r, body, "authenticatorData", true)) ||
        !(in.signature = req_str_field(r, body, "signature", true)) ||
        ((in.user_handle = req_str_field(r, body, "userHandle", false)), r->error))
        return req_status(r);
    if (raw_id && !str_eq(raw_id, in.id))
        return req_fail(r, E_FIELD_INVALID, "rawId");

    struct user_profile u;
    char token[TOKEN_CHARS], csrf[TOKEN_CHARS];
    const char *field = NULL;
    err e = webauthn_login(r, &in, &u, token, csrf, &field);
    if (e != E_OK)
        return req_fail(r, e, field);
    return auth_login_respond(r, &u, token, csrf);
}
