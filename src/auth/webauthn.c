/*
 * webauthn.c — the rules of biometric login (AUTH-6, webauthn.h): the checks of the
 * registration and authentication ceremonies (WebAuthn level 2, §7.1 and §7.2) and
 * what they change. The authenticator data and the attested credential are parsed,
 * and assertion signatures verified, by libfido2; the attestation object's CBOR
 * container is read with libcbor. No HTTP here beyond the request's headers.
 */
#include "webauthn.h"
#include "audit/audit.h"
#include "core/log.h"
#include "core/util.h"

#include <cbor.h>
#include <fido.h>
#include <fido/es256.h>
#include <jansson.h>
#include <microhttpd.h>
#include <sodium.h>
#include <string.h>

/* ---- encodings ------------------------------------------------------------------ */

char *webauthn_b64url_encode(arena *a, const unsigned char *p, size_t n)
{
    size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = arena_alloc(a, cap);
    return sodium_bin2base64(out, cap, p, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

unsigned char *webauthn_b64url_decode(arena *a, const char *s, size_t *n)
{
    if (!s)
        return NULL;
    size_t len = strlen(s);
    while (len > 0 && s[len - 1] == '=')
        len--;
    if (len == 0)
        return NULL;
    unsigned char *out = arena_alloc(a, len * 3 / 4 + 1);
    const char *end = NULL;
    if (sodium_base642bin(out, len * 3 / 4 + 1, s, len, NULL, n, &end, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        end != s + len)
        return NULL;
    return out;
}

/* ---- the site: rp id and origin ----------------------------------------------------- */

/* host[:port] where host is a DNS name (or a bracketed IPv6 literal); the host part
 * goes to rp_id (lower case), *port to the port text or NULL. */
static bool split_host(const char *hp, size_t n, char rp_id[256], const char **port, size_t *port_len)
{
    size_t h = 0;
    *port = NULL;
    *port_len = 0;
    if (n > 0 && hp[0] == '[') {
        const char *close = memchr(hp, ']', n);
        if (!close)
            return false;
        h = (size_t)(close - hp) + 1;
        for (size_t i = 1; i + 1 < h; i++)
            if (!strchr("0123456789abcdefABCDEF:.", hp[i]))
                return false;
    } else {
        while (h < n && hp[h] != ':') {
            char c = hp[h];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-'))
                return false;
            h++;
        }
    }
    if (h == 0 || h > 253)
        return false;
    if (h < n) {
        if (hp[h] != ':' || h + 1 == n || n - h - 1 > 5)
            return false;
        for (size_t i = h + 1; i < n; i++)
            if (hp[i] < '0' || hp[i] > '9')
                return false;
        *port = hp + h + 1;
        *port_len = n - h - 1;
    }
    for (size_t i = 0; i < h; i++)
        rp_id[i] = (char)((hp[i] >= 'A' && hp[i] <= 'Z') ? hp[i] + 32 : hp[i]);
    rp_id[h] = '\0';
    return true;
}

/* scheme://host[:port] with the default port left out, as browsers serialise it. */
static bool make_site(const char *scheme, const char *hp, size_t n, char rp_id[256], char origin[300])
{
    const char *port;
    size_t port_len;
    if (!split_host(hp, n, rp_id, &port, &port_len))
        return false;
    bool default_port = port && ((str_eq(scheme, "http") && port_len == 2 && memcmp(port, "80", 2) == 0) ||
                                 (str_eq(scheme, "https") && port_len == 3 && memcmp(port, "443", 3) == 0));
    if (port && !default_port)
        snprintf(origin, 300, "%s://%s:%.*s", scheme, rp_id, (int)port_len, port);
    else
        snprintf(origin, 300, "%s://%s", scheme, rp_id);
    return true;
}

static bool parse_public_url(const char *url, char rp_id[256], char origin[300])
{
    const char *scheme = str_starts(url, "https://") ? "https" : str_starts(url, "http://") ? "http" : NULL;
    if (!scheme)
        return false;
    const char *hp = url + strlen(scheme) + 3;
    size_t n = strlen(hp);
    if (n > 0 && hp[n - 1] == '/')
        n--;
    return make_site(scheme, hp, n, rp_id, origin);
}

bool webauthn_public_url_valid(const char *url)
{
    char rp_id[256], origin[300];
    return parse_public_url(url, rp_id, origin);
}

bool webauthn_site(const char *public_url, const char *host_header, char rp_id[256], char origin[300])
{
    if (public_url && *public_url)
        return parse_public_url(public_url, rp_id, origin);
    return host_header && make_site("http", host_header, strlen(host_header), rp_id, origin);
}

static bool request_site(req *r, char rp_id[256], char origin[300])
{
    return webauthn_site(server_cfg.public_url, req_in_header(r, MHD_HTTP_HEADER_HOST), rp_id, origin);
}

/* ---- clientDataJSON -------------------------------------------------------------- */

err webauthn_parse_client_data(arena *a, const unsigned char *p, size_t n, struct webauthn_client_data *out)
{
    memset(out, 0, sizeof *out);
    json_error_t jerr;
    json_t *o = json_loadb((const char *)p, n, JSON_REJECT_DUPLICATES, &jerr);
    err e = E_WEBAUTHN_CLIENT_DATA;
    if (!o || !json_is_object(o))
        goto out;
    json_t *type = json_object_get(o, "type"), *challenge = json_object_get(o, "challenge"),
           *origin = json_object_get(o, "origin"), *cross = json_object_get(o, "crossOrigin");
    if (!json_is_string(type) || !json_is_string(challenge) || !json_is_string(origin) ||
        (cross && !json_is_boolean(cross) && !json_is_null(cross)))
        goto out;
    out->type = arena_strdup(a, json_string_value(type));
    out->challenge = arena_strdup(a, json_string_value(challenge));
    out->origin = arena_strdup(a, json_string_value(origin));
    out->cross_origin = cross && json_is_true(cross);
    e = E_OK;
out:
    if (o)
        json_decref(o);
    return e;
}

err webauthn_check_client_data(const struct webauthn_client_data *cd, const char *type, const char *origin)
{
    if (!str_eq(cd->type, type))
        return E_WEBAUTHN_TYPE;
    if (!str_eq(cd->origin, origin) || cd->cross_origin)
        return E_WEBAUTHN_ORIGIN;
    return E_OK;
}

/* ---- authenticator data -------------------------------------------------------------- */

err webauthn_parse_authdata(const unsigned char *p, size_t n, struct webauthn_authdata *out)
{
    if (!p || n < 37)
        return E_WEBAUTHN_AUTHDATA;
    memcpy(out->rp_id_hash, p, 32);
    out->flags = p[32];
    out->sign_count = (uint32_t)p[33] << 24 | (uint32_t)p[34] << 16 | (uint32_t)p[35] << 8 | (uint32_t)p[36];
    return E_OK;
}

err webauthn_check_authdata(const struct webauthn_authdata *ad, const char *rp_id)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)rp_id, strlen(rp_id));
    if (sodium_memcmp(h, ad->rp_id_hash, sizeof h) != 0)
        return E_WEBAUTHN_RP_ID;
    if ((ad->flags & (WEBAUTHN_FLAG_UP | WEBAUTHN_FLAG_UV)) != (WEBAUTHN_FLAG_UP | WEBAUTHN_FLAG_UV))
        return E_WEBAUTHN_USER_VERIFICATION;
    return E_OK;
}

static bool cbor_key_is(const cbor_item_t *k, const char *name)
{
    size_t n = strlen(name);
    return cbor_isa_string(k) && cbor_string_is_definite(k) && cbor_string_length(k) == n &&
           memcmp(cbor_string_handle(k), name, n) == 0;
}

err webauthn_parse_new_authdata(const unsigned char *ad, size_t ad_len, struct webauthn_new_cred *out)
{
    memset(out, 0, sizeof *out);
    fido_cred_t *cred = NULL;
    err e = E_WEBAUTHN_AUTHDATA;
    if (webauthn_parse_authdata(ad, ad_len, &out->ad) != E_OK || !(out->ad.flags & WEBAUTHN_FLAG_AT))
        goto out;
    /* libfido2 reads the attested credential data: AAGUID, credential id, COSE key,
     * which must be ES256 (-7, EC2, P-256). */
    if (!(cred = fido_cred_new()) || fido_cred_set_type(cred, COSE_ES256) != FIDO_OK ||
        fido_cred_set_authdata_raw(cred, ad, ad_len) != FIDO_OK)
        goto out;
    size_t id_len = fido_cred_id_len(cred);
    if (id_len == 0 || id_len > WEBAUTHN_MAX_CRED_ID || fido_cred_pubkey_len(cred) != sizeof out->pubkey)
        goto out;
    memcpy(out->id, fido_cred_id_ptr(cred), id_len);
    out->id_len = id_len;
    memcpy(out->pubkey, fido_cred_pubkey_ptr(cred), sizeof out->pubkey);
    e = E_OK;
out:
    if (cred)
        fido_cred_free(&cred);
    return e;
}

err webauthn_parse_attestation(const unsigned char *p, size_t n, struct webauthn_new_cred *out)
{
    memset(out, 0, sizeof *out);
    struct cbor_load_result res;
    cbor_item_t *root = p && n ? cbor_load(p, n, &res) : NULL;
    const cbor_item_t *fmt = NULL, *stmt = NULL, *authdata = NULL;
    err e = E_WEBAUTHN_AUTHDATA;
    if (!root || res.error.code != CBOR_ERR_NONE || res.read != n || !cbor_isa_map(root) || !cbor_map_is_definite(root))
        goto out;
    struct cbor_pair *pairs = cbor_map_handle(root);
    for (size_t i = 0; i < cbor_map_size(root); i++) {
        if (cbor_key_is(pairs[i].key, "fmt"))
            fmt = pairs[i].value;
        else if (cbor_key_is(pairs[i].key, "attStmt"))
            stmt = pairs[i].value;
        else if (cbor_key_is(pairs[i].key, "authData"))
            authdata = pairs[i].value;
    }
    /* Attestation "none" was asked for: the statement (whatever the format) is not
     * evaluated, only its shape; the credential is trusted as the user's because the
     * user registered it inside a signed-in session (docs/decisions/0005). */
    if (fmt && cbor_isa_string(fmt) && stmt && cbor_isa_map(stmt) && authdata && cbor_isa_bytestring(authdata) &&
        cbor_bytestring_is_definite(authdata))
        e = webauthn_parse_new_authdata(cbor_bytestring_handle(authdata), cbor_bytestring_length(authdata), out);
out:
    if (root)
        cbor_decref(&root);
    return e;
}

err webauthn_verify_assertion(const unsigned char pubkey[64], const unsigned char *authdata, size_t ad_len,
                              const unsigned char *client_data, size_t cd_len, const unsigned char *sig, size_t sig_len,
                              const char *rp_id)
{
    fido_assert_t *as = fido_assert_new();
    es256_pk_t *pk = es256_pk_new();
    bool ok = as && pk && es256_pk_from_ptr(pk, pubkey, 64) == FIDO_OK && fido_assert_set_count(as, 1) == FIDO_OK &&
              fido_assert_set_rp(as, rp_id) == FIDO_OK &&
              fido_assert_set_clientdata(as, client_data, cd_len) == FIDO_OK &&
              fido_assert_set_authdata_raw(as, 0, authdata, ad_len) == FIDO_OK &&
              fido_assert_set_sig(as, 0, sig, sig_len) == FIDO_OK && fido_assert_set_up(as, FIDO_OPT_TRUE) == FIDO_OK &&
              fido_assert_set_uv(as, FIDO_OPT_TRUE) == FIDO_OK && fido_assert_verify(as, 0, COSE_ES256, pk) == FIDO_OK;
    es256_pk_free(&pk);
    fido_assert_free(&as);
    return ok ? E_OK : E_WEBAUTHN_ASSERTION;
}

void webauthn_user_handle(int64_t user_id, unsigned char out[8])
{
    for (int i = 7; i >= 0; i--) {
        out[i] = (unsigned char)(user_id & 0xff);
        user_id >>= 8;
    }
}

/* ---- rules ------------------------------------------------------------------------- */

err webauthn_new_challenge(req *r, const char *kind, int64_t user_id, char out[TOKEN_CHARS])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, TOKEN_CHARS, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    int64_t now = now_ms();
    if (webauthn_sql_challenges_expire(r->db, now) != DB_OK ||
        webauthn_sql_challenge_put(r->db, out, kind, user_id, now) != DB_OK)
        return E_INTERNAL;
    return E_OK;
}

/* The steps both ceremonies share: the site, clientDataJSON decoded, its challenge
 * taken (single use, unexpired, of this kind), its type and origin checked. */
struct ceremony {
    char rp_id[256], origin[300];
    unsigned char *cd;
    size_t cd_len;
    int64_t challenge_user;
    bool has_user;
};

static err begin_checks(req *r, const char *client_data, const char *kind, const char *type, struct ceremony *c,
                        const char **field)
{
    struct webauthn_client_data cd;
    *field = NULL;
    if (!request_site(r, c->rp_id, c->origin))
        return E_WEBAUTHN_ORIGIN;
    *field = "clientDataJSON";
    if (strlen(client_data) > 16384 || !(c->cd = webauthn_b64url_decode(r->a, client_data, &c->cd_len)) ||
        webauthn_parse_client_data(r->a, c->cd, c->cd_len, &cd) != E_OK)
        return E_WEBAUTHN_CLIENT_DATA;
    int64_t expires = 0;
    int rc = strlen(cd.challenge) > 128
                 ? DB_DONE
                 : webauthn_sql_challenge_take(r->db, cd.challenge, kind, &c->challenge_user, &c->has_user, &expires);
    if (rc == DB_ERROR)
        return E_INTERNAL;
    if (rc == DB_DONE || expires < now_ms())
        return E_WEBAUTHN_CHALLENGE;
    return webauthn_check_client_data(&cd, type, c->origin);
}

static const char *device_name(req *r, const char *name, err *e)
{
    *e = E_OK;
    if (!name)
        return "";
    while (*name == ' ')
        name++;
    size_t n = strlen(name), chars = 0;
    while (n > 0 && name[n - 1] == ' ')
        n--;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 0x20 || c == 0x7f)
            *e = E_FIELD_INVALID;
        if ((c & 0xc0) != 0x80)
            chars++;
    }
    if (chars > WEBAUTHN_NAME_MAX)
        *e = E_FIELD_INVALID;
    return arena_strndup(r->a, name, n);
}

/* {"name":…,"credential_id":…} for the audit log, JSON-escaped. */
static const char *cred_detail(req *r, const char *name, const char *credential_id)
{
    jw w;
    jw_init(&w, 256);
    jw_obj(&w);
    jw_kstr(&w, "name", name);
    jw_kstr(&w, "credential_id", credential_id);
    jw_end(&w);
    char *s = jw_take(&w);
    const char *out = arena_strdup(r->a, s);
    free(s);
    jw_dispose(&w);
    return out;
}

static int audit_cred(req *r, const char *action, int64_t id, const char *detail)
{
    struct audit_entry e = {
        .user_id = r->session->user_id,
        .username = r->session->username,
        .ip = r->client_ip,
        .action = action,
        .object_type = "webauthn_credential",
        .object_id = arena_printf(r->a, "%lld", (long long)id),
        .detail = detail,
    };
    return audit_write(r->db, &e);
}

err webauthn_register(req *r, const struct webauthn_register_input *in, struct webauthn_cred_row *out,
                      const char **field)
{
    struct ceremony c;
    err e = begin_checks(r, in->client_data, "register", "webauthn.create", &c, field);
    if (e != E_OK)
        return e;
    if (!c.has_user || c.challenge_user != r->session->user_id) /* another user's challenge */
        return E_WEBAUTHN_CHALLENGE;

    /* The attestation object, or (from clients that offer it) the authenticator data alone. */
    *field = in->attestation ? "attestationObject" : "authenticatorData";
    const char *b64 = in->attestation ? in->attestation : in->authdata;
    size_t n;
    unsigned char *raw = strlen(b64) > 65536 ? NULL : webauthn_b64url_decode(r->a, b64, &n);
    struct webauthn_new_cred *nc = arena_alloc(r->a, sizeof *nc);
    if (!raw ||
        (in->attestation ? webauthn_parse_attestation(raw, n, nc) : webauthn_parse_new_authdata(raw, n, nc)) != E_OK)
        return E_WEBAUTHN_AUTHDATA;
    if ((e = webauthn_check_authdata(&nc->ad, c.rp_id)) != E_OK)
        return e;
    *field = "id";
    const char *id = webauthn_b64url_encode(r->a, nc->id, nc->id_len);
    size_t given_len;
    unsigned char *given = webauthn_b64url_decode(r->a, in->id, &given_len);
    if (!given || given_len != nc->id_len || memcmp(given, nc->id, given_len) != 0)
        return E_WEBAUTHN_AUTHDATA;
    *field = "name";
    const char *name = device_name(r, in->name, &e);
    if (e != E_OK)
        return e;
    *field = NULL;

    const char *pubkey = webauthn_b64url_encode(r->a, nc->pubkey, sizeof nc->pubkey);
    memset(out, 0, sizeof *out);
    out->user_id = r->session->user_id;
    out->credential_id = id;
    out->name = name;
    out->created_at = now_ms();
    out->sign_count = nc->ad.sign_count;
    if (db_begin(r->db) != DB_OK)
        return E_INTERNAL;
    int rc =
        webauthn_sql_cred_insert(r->db, out->user_id, id, pubkey, out->sign_count, name, out->created_at, &out->id);
    if (rc == DB_CONSTRAINT) {
        db_rollback(r->db);
        *field = "id";
        return E_WEBAUTHN_DUPLICATE;
    }
    if (rc != DB_OK || audit_cred(r, "webauthn_registered", out->id, cred_detail(r, name, id)) != DB_OK ||
        db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return E_INTERNAL;
    }
    return E_OK;
}

err webauthn_remove(req *r, int64_t id)
{
    struct webauthn_cred_row c;
    if (db_begin(r->db) != DB_OK)
        return E_INTERNAL;
    int rc = webauthn_sql_cred_delete(r->db, r->a, id, r->session->user_id, &c);
    if (rc == DB_DONE) {
        db_rollback(r->db);
        return E_WEBAUTHN_NOT_FOUND;
    }
    if (rc != DB_ROW || audit_cred(r, "webauthn_removed", id, cred_detail(r, c.name, c.credential_id)) != DB_OK ||
        db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return E_INTERNAL;
    }
    return E_OK;
}

struct counter_update {
    int64_t id, sign_count;
};

/* Inside the login's transaction: the credential's counter moves on (or the login fails). */
static int record_use(req *r, void *arg)
{
    const struct counter_update *cu = arg;
    int rc = webauthn_sql_cred_used(r->db, cu->id, cu->sign_count, now_ms());
    if (rc == DB_DONE)
        log_error("webauthn: credential %lld: sign count raced backwards", (long long)cu->id);
    return rc == DB_ROW ? DB_OK : DB_ERROR;
}

err webauthn_login(req *r, const struct webauthn_login_input *in, struct user_profile *out, char token[TOKEN_CHARS],
                   char csrf[TOKEN_CHARS], const char **field)
{
    struct ceremony c;
    err e = begin_checks(r, in->client_data, "login", "webauthn.get", &c, field);
    if (e != E_OK)
        return e;

    *field = "authenticatorData";
    size_t ad_len, sig_len;
    struct webauthn_authdata ad;
    unsigned char *adp = strlen(in->authdata) > 16384 ? NULL : webauthn_b64url_decode(r->a, in->authdata, &ad_len);
    if (!adp || webauthn_parse_authdata(adp, ad_len, &ad) != E_OK)
        return E_WEBAUTHN_AUTHDATA;
    if ((e = webauthn_check_authdata(&ad, c.rp_id)) != E_OK)
        return e;
    *field = "signature";
    unsigned char *sig = strlen(in->signature) > 1024 ? NULL : webauthn_b64url_decode(r->a, in->signature, &sig_len);
    if (!sig)
        return E_WEBAUTHN_AUTHDATA;
    *field = NULL;

    /* Whose credential is it? */
    struct webauthn_cred_row cred;
    int rc = strlen(in->id) > 2048 ? DB_DONE : webauthn_sql_cred_by_credential_id(r->db, r->a, in->id, &cred);
    if (rc == DB_ERROR)
        return E_INTERNAL;
    if (rc == DB_DONE)
        return auth_login_refuse(r, 0, "", E_WEBAUTHN_ASSERTION,
                                 auth_login_detail(r, "webauthn", "unknown_credential", false));
    unsigned char handle[8];
    size_t handle_len = 0;
    unsigned char *given_handle =
        in->user_handle && *in->user_handle ? webauthn_b64url_decode(r->a, in->user_handle, &handle_len) : NULL;
    webauthn_user_handle(cred.user_id, handle);
    if ((c.has_user && c.challenge_user != cred.user_id) ||
        (in->user_handle && *in->user_handle && (!given_handle || handle_len != 8 || memcmp(given_handle, handle, 8))))
        return auth_login_refuse(r, cred.user_id, cred.username, E_WEBAUTHN_ASSERTION,
                                 auth_login_detail(r, "webauthn", "other_user", false));

    /* The same order as password login: locked, proof (counted when wrong), disabled. */
    struct auth_user_row u;
    if ((rc = auth_sql_user_by_name(r->db, cred.username, &u)) != DB_ROW)
        return E_INTERNAL;
    if (u.locked_until > now_ms())
        return auth_login_refuse(r, u.id, cred.username, E_ACCOUNT_LOCKED,
                                 auth_login_detail(r, "webauthn", "locked", false));
    size_t pk_len;
    unsigned char *pk = webauthn_b64url_decode(r->a, cred.public_key, &pk_len);
    const char *wrong = NULL;
    if (!pk || pk_len != 64 ||
        webauthn_verify_assertion(pk, adp, ad_len, c.cd, c.cd_len, sig, sig_len, c.rp_id) != E_OK)
        wrong = "bad_signature";
    else if ((ad.sign_count != 0 || cred.sign_count != 0) && (int64_t)ad.sign_count <= cred.sign_count)
        wrong = "sign_count"; /* a cloned authenticator, or a replayed assertion */
    if (wrong) {
        bool locked;
        e = auth_login_failure(r, &u, cred.username, "webauthn", wrong, &locked);
        return e != E_OK ? e : locked ? E_ACCOUNT_LOCKED : E_WEBAUTHN_ASSERTION;
    }
    struct counter_update cu = {cred.id, ad.sign_count};
    return auth_login_open(r, &u, cred.username, "webauthn", record_use, &cu, out, token, csrf);
}
