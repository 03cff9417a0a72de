/*
 * webauthn.h — biometric login on phones (AUTH-6): a WebAuthn platform
 * authenticator (fingerprint, face) registered per user in the phone's security
 * centre, then used instead of the password. Password login stays.
 *
 * The relying party is the site as the browser sees it: the rp id is the host name
 * (no port) and the origin scheme://host[:port], both from `--public-url` when it
 * is set (behind a proxy) and otherwise from the request's Host header over plain
 * HTTP. Challenges are 32 random bytes, kept in the database, single use, 5 minutes.
 * Registration asks for attestation "none" and ES256 (-7); the authenticator data
 * is parsed and assertions are verified with libfido2 (docs/decisions/0005).
 */
#ifndef FINCRM_WEBAUTHN_H
#define FINCRM_WEBAUTHN_H

#include "auth.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WEBAUTHN_CHALLENGE_MS (5 * 60 * 1000)
#define WEBAUTHN_RP_NAME "fincrm"
#define WEBAUTHN_MAX_CRED_ID 1023 /* bytes; WebAuthn level 3 */
#define WEBAUTHN_NAME_MAX 64      /* characters of a device name */

/* Authenticator data flags (WebAuthn §6.1) */
#define WEBAUTHN_FLAG_UP 0x01 /* user present */
#define WEBAUTHN_FLAG_UV 0x04 /* user verified (fingerprint, face, PIN) */
#define WEBAUTHN_FLAG_AT 0x40 /* attested credential data follows */
#define WEBAUTHN_FLAG_ED 0x80 /* extension data follows */

/* ---- pure helpers (unit-tested) ---------------------------------------------- */

/* base64url without padding ("=" tolerated on input). decode: NULL on bad input. */
char *webauthn_b64url_encode(arena *a, const unsigned char *p, size_t n);
unsigned char *webauthn_b64url_decode(arena *a, const char *s, size_t *n);

/* --public-url: http(s)://HOST[:PORT], optionally one trailing "/". */
bool webauthn_public_url_valid(const char *url);
/* The relying party of a request: rp id (host name, lower case, no port) and origin
 * (scheme://host[:port]), from public_url when given, else from the Host header over
 * http. False when neither gives a usable host. */
bool webauthn_site(const char *public_url, const char *host_header, char rp_id[256], char origin[300]);

/* clientDataJSON (§5.8.1): strings in the arena. */
struct webauthn_client_data {
    const char *type, *challenge, *origin;
    bool cross_origin;
};
err webauthn_parse_client_data(arena *a, const unsigned char *p, size_t n, struct webauthn_client_data *out);
/* type "webauthn.create" / "webauthn.get"; origin exactly the site's; not cross-origin. */
err webauthn_check_client_data(const struct webauthn_client_data *cd, const char *type, const char *origin);

/* The fixed head of authenticator data (§6.1): rpIdHash, flags, signCount. */
struct webauthn_authdata {
    unsigned char rp_id_hash[32];
    uint8_t flags;
    uint32_t sign_count;
};
err webauthn_parse_authdata(const unsigned char *p, size_t n, struct webauthn_authdata *out);
/* rpIdHash = SHA-256(rp_id) (E_WEBAUTHN_RP_ID), UP and UV set (E_WEBAUTHN_USER_VERIFICATION). */
err webauthn_check_authdata(const struct webauthn_authdata *ad, const char *rp_id);

/* A new credential from an attestationObject (CBOR {fmt, attStmt, authData}). */
struct webauthn_new_cred {
    unsigned char id[WEBAUTHN_MAX_CRED_ID];
    size_t id_len;
    unsigned char pubkey[64]; /* ES256 point x || y */
    struct webauthn_authdata ad;
};
err webauthn_parse_attestation(const unsigned char *p, size_t n, struct webauthn_new_cred *out);
/* The same from the authenticator data alone (flag AT, attested credential data). */
err webauthn_parse_new_authdata(const unsigned char *ad, size_t ad_len, struct webauthn_new_cred *out);
/* ES256 signature (DER) over authenticatorData || SHA-256(clientDataJSON) with the
 * stored key, rpIdHash = SHA-256(rp_id), UP and UV: E_OK or E_WEBAUTHN_ASSERTION. */
err webauthn_verify_assertion(const unsigned char pubkey[64], const unsigned char *authdata, size_t ad_len,
                              const unsigned char *client_data, size_t cd_len, const unsigned char *sig, size_t sig_len,
                              const char *rp_id);
/* The user handle of a user (8 bytes, big-endian id). */
void webauthn_user_handle(int64_t user_id, unsigned char out[8]);

/* ---- rules (webauthn.c) --------------------------------------------------------- */

struct webauthn_cred_row {
    int64_t id, user_id;
    const char *credential_id, *public_key, *name, *username;
    int64_t sign_count, created_at, last_used_at; /* last_used_at 0: never */
};

/* A new challenge for the ceremony `kind` ("register"/"login"), stored with the
 * user it is for (user_id < 0: none). */
err webauthn_new_challenge(req *r, const char *kind, int64_t user_id, char out[TOKEN_CHARS]);

struct webauthn_register_input {
    const char *id, *client_data; /* base64url */
    const char *attestation;      /* base64url attestationObject, or NULL: */
    const char *authdata;         /* base64url authenticatorData instead */
    const char *name;             /* the device's name, or NULL */
};
/* The registered credential goes to out (id, name, created_at). */
err webauthn_register(req *r, const struct webauthn_register_input *in, struct webauthn_cred_row *out,
                      const char **field);

struct webauthn_login_input {
    const char *id, *client_data, *authdata, *signature, *user_handle; /* base64url; user_handle may be NULL */
};
err webauthn_login(req *r, const struct webauthn_login_input *in, struct user_profile *out, char token[TOKEN_CHARS],
                   char csrf[TOKEN_CHARS], const char **field);
err webauthn_remove(req *r, int64_t id);

/* ---- SQL (webauthn_sql.c) ------------------------------------------------------- */

int webauthn_sql_challenge_put(db *d, const char *challenge, const char *kind, int64_t user_id, int64_t now);
/* Takes (deletes) the challenge: DB_ROW with its user (has_user false: none) and
 * expiry, DB_DONE when there is none of that kind. */
int webauthn_sql_challenge_take(db *d, const char *challenge, const char *kind, int64_t *user_id, bool *has_user,
                                int64_t *expires_at);
int webauthn_sql_challenges_expire(db *d, int64_t now);
int webauthn_sql_cred_insert(db *d, int64_t user_id, const char *credential_id, const char *public_key,
                             int64_t sign_count, const char *name, int64_t now, int64_t *id);
/* Calls fn for each credential of the user, newest first. */
int webauthn_sql_cred_list(db *d, arena *a, int64_t user_id, void (*fn)(void *arg, const struct webauthn_cred_row *c),
                           void *arg);
int webauthn_sql_cred_by_credential_id(db *d, arena *a, const char *credential_id, struct webauthn_cred_row *out);
/* DB_ROW when the user's credential was deleted (its credential id and name in out),
 * DB_DONE when the user has no such credential. */
int webauthn_sql_cred_delete(db *d, arena *a, int64_t id, int64_t user_id, struct webauthn_cred_row *out);
/* Records a use: DB_ROW when sign_count moved forward (or both are 0), DB_DONE when
 * it did not (a cloned authenticator, or a replay). */
int webauthn_sql_cred_used(db *d, int64_t id, int64_t sign_count, int64_t now);

/* ---- HTTP handlers (webauthn_http.c) ------------------------------------------- */

int handle_webauthn_register_begin(req *r);
int handle_webauthn_register_finish(req *r);
int handle_webauthn_credentials(req *r);
int handle_webauthn_credential_delete(req *r);
int handle_webauthn_login_begin(req *r);
int handle_webauthn_login_finish(req *r);

#endif
