/*
 * webauthn_test.c — the checks of biometric login (AUTH-6) on crafted inputs:
 * base64url, the site (rp id and origin), clientDataJSON, authenticator data flags
 * and rpIdHash, attestation objects (CBOR) and ES256 assertions signed here with
 * OpenSSL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "auth/webauthn.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <string.h>

static arena *A;

static int setup(void **state)
{
    (void)state;
    A = arena_new(4096);
    return sodium_init() < 0;
}

static int teardown(void **state)
{
    (void)state;
    arena_free(A);
    return 0;
}

/* ---- a software authenticator ------------------------------------------------------ */

struct key {
    EVP_PKEY *pkey;
    unsigned char xy[64];
};

static void key_new(struct key *k)
{
    k->pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    assert_non_null(k->pkey);
    unsigned char pub[65];
    size_t n = 0;
    assert_int_equal(EVP_PKEY_get_octet_string_param(k->pkey, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub, &n), 1);
    assert_int_equal(n, 65);
    memcpy(k->xy, pub + 1, 64);
}

static size_t sign(const struct key *k, const unsigned char *ad, size_t ad_len, const unsigned char *cd, size_t cd_len,
                   unsigned char sig[128])
{
    unsigned char msg[512], h[32];
    crypto_hash_sha256(h, cd, cd_len);
    memcpy(msg, ad, ad_len);
    memcpy(msg + ad_len, h, 32);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t n = 128;
    assert_int_equal(EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, k->pkey), 1);
    assert_int_equal(EVP_DigestSign(ctx, sig, &n, msg, ad_len + 32), 1);
    EVP_MD_CTX_free(ctx);
    return n;
}

/* rpIdHash | flags | signCount, then (attested) AAGUID | id length | id | COSE key. */
static size_t authdata(unsigned char *out, const char *rp_id, uint8_t flags, uint32_t count, const struct key *k,
                       int cose_alg)
{
    size_t n = 0;
    crypto_hash_sha256(out, (const unsigned char *)rp_id, strlen(rp_id));
    n = 32;
    out[n++] = flags;
    out[n++] = (unsigned char)(count >> 24);
    out[n++] = (unsigned char)(count >> 16);
    out[n++] = (unsigned char)(count >> 8);
    out[n++] = (unsigned char)count;
    if (!(flags & WEBAUTHN_FLAG_AT))
        return n;
    memset(out + n, 0, 16); /* AAGUID */
    n += 16;
    out[n++] = 0;
    out[n++] = 16; /* credential id: 16 bytes 0xc1 */
    memset(out + n, 0xc1, 16);
    n += 16;
    /* COSE key {1: 2 (EC2), 3: alg, -1: 1 (P-256), -2: x, -3: y} */
    const unsigned char head[] = {0xa5, 0x01, 0x02, 0x03};
    memcpy(out + n, head, sizeof head);
    n += sizeof head;
    out[n++] = cose_alg == -7 ? 0x26 : 0x38; /* -7, or -257 as 0x39 0x01 0x00 */
    if (cose_alg != -7) {
        out[n - 1] = 0x39;
        out[n++] = 0x01;
        out[n++] = 0x00;
    }
    const unsigned char crv[] = {0x20, 0x01, 0x21, 0x58, 0x20};
    memcpy(out + n, crv, sizeof crv);
    n += sizeof crv;
    memcpy(out + n, k->xy, 32);
    n += 32;
    out[n++] = 0x22;
    out[n++] = 0x58;
    out[n++] = 0x20;
    memcpy(out + n, k->xy + 32, 32);
    n += 32;
    return n;
}

/* {"fmt": fmt, "attStmt": {}, "authData": ad} */
static size_t attestation(unsigned char *out, const char *fmt, const unsigned char *ad, size_t ad_len)
{
    size_t n = 0;
    out[n++] = 0xa3;
    out[n++] = 0x63;
    memcpy(out + n, "fmt", 3);
    n += 3;
    out[n++] = (unsigned char)(0x60 | strlen(fmt));
    memcpy(out + n, fmt, strlen(fmt));
    n += strlen(fmt);
    out[n++] = 0x67;
    memcpy(out + n, "attStmt", 7);
    n += 7;
    out[n++] = 0xa0;
    out[n++] = 0x68;
    memcpy(out + n, "authData", 8);
    n += 8;
    out[n++] = 0x58;
    out[n++] = (unsigned char)ad_len;
    memcpy(out + n, ad, ad_len);
    return n + ad_len;
}

/* ---- tests ------------------------------------------------------------------------- */

static void auth6_base64url(void **state)
{
    (void)state;
    const unsigned char raw[] = {0xfb, 0xff, 0x00, 0x01};
    char *s = webauthn_b64url_encode(A, raw, sizeof raw);
    assert_string_equal(s, "-_8AAQ");
    size_t n;
    unsigned char *back = webauthn_b64url_decode(A, s, &n);
    assert_non_null(back);
    assert_int_equal(n, 4);
    assert_memory_equal(back, raw, 4);
    assert_non_null(webauthn_b64url_decode(A, "-_8AAQ==", &n)); /* padding tolerated */
    assert_null(webauthn_b64url_decode(A, "+/8AAQ", &n));       /* standard base64 is not base64url */
    assert_null(webauthn_b64url_decode(A, "ab cd", &n));
    assert_null(webauthn_b64url_decode(A, "", &n));
    assert_null(webauthn_b64url_decode(A, NULL, &n));
}

static void auth6_site_from_host_or_public_url(void **state)
{
    (void)state;
    char rp[256], origin[300];
    assert_true(webauthn_site(NULL, "localhost:8123", rp, origin));
    assert_string_equal(rp, "localhost");
    assert_string_equal(origin, "http://localhost:8123");
    assert_true(webauthn_site(NULL, "CRM.Example.com", rp, origin));
    assert_string_equal(rp, "crm.example.com");
    assert_string_equal(origin, "http://crm.example.com");
    assert_true(webauthn_site(NULL, "localhost:80", rp, origin));
    assert_string_equal(origin, "http://localhost"); /* the default port is not part of the origin */
    assert_true(webauthn_site("https://crm.example.com/", "127.0.0.1:8080", rp, origin));
    assert_string_equal(rp, "crm.example.com");
    assert_string_equal(origin, "https://crm.example.com");
    assert_true(webauthn_site("https://crm.example.com:443", NULL, rp, origin));
    assert_string_equal(origin, "https://crm.example.com");
    assert_true(webauthn_site("https://crm.example.com:8443", NULL, rp, origin));
    assert_string_equal(origin, "https://crm.example.com:8443");
    assert_true(webauthn_site(NULL, "[::1]:8080", rp, origin));
    assert_string_equal(rp, "[::1]");

    assert_false(webauthn_site(NULL, NULL, rp, origin));
    assert_false(webauthn_site(NULL, "", rp, origin));
    assert_false(webauthn_site(NULL, "evil.com@crm", rp, origin));
    assert_false(webauthn_site(NULL, "crm:", rp, origin));
    assert_false(webauthn_site(NULL, "crm:80x", rp, origin));
    assert_false(webauthn_site(NULL, "crm/x", rp, origin));
    assert_true(webauthn_public_url_valid("http://localhost:8123"));
    assert_false(webauthn_public_url_valid("ftp://crm.example.com"));
    assert_false(webauthn_public_url_valid("https://crm.example.com/app"));
    assert_false(webauthn_public_url_valid("https://"));
    assert_false(webauthn_public_url_valid("crm.example.com"));
}

static err client_data(const char *json, struct webauthn_client_data *cd)
{
    return webauthn_parse_client_data(A, (const unsigned char *)json, strlen(json), cd);
}

static void auth6_client_data_checks(void **state)
{
    (void)state;
    struct webauthn_client_data cd;
    const char *o = "http://localhost:8123";
    assert_int_equal(
        client_data("{\"type\":\"webauthn.get\",\"challenge\":\"abc\",\"origin\":\"http://localhost:8123\","
                    "\"crossOrigin\":false,\"other_keys_can_be_added_here\":1}",
                    &cd),
        E_OK);
    assert_string_equal(cd.challenge, "abc");
    assert_int_equal(webauthn_check_client_data(&cd, "webauthn.get", o), E_OK);
    assert_int_equal(webauthn_check_client_data(&cd, "webauthn.create", o), E_WEBAUTHN_TYPE);
    assert_int_equal(webauthn_check_client_data(&cd, "webauthn.get", "http://localhost:8124"), E_WEBAUTHN_ORIGIN);
    assert_int_equal(webauthn_check_client_data(&cd, "webauthn.get", "https://localhost:8123"), E_WEBAUTHN_ORIGIN);

    assert_int_equal(
        client_data("{\"type\":\"webauthn.get\",\"challenge\":\"abc\",\"origin\":\"http://localhost:8123\","
                    "\"crossOrigin\":true}",
                    &cd),
        E_OK);
    assert_int_equal(webauthn_check_client_data(&cd, "webauthn.get", o), E_WEBAUTHN_ORIGIN);

    assert_int_equal(client_data("{\"type\":\"webauthn.get\",\"origin\":\"x\"}", &cd), E_WEBAUTHN_CLIENT_DATA);
    assert_int_equal(client_data("{\"type\":1,\"challenge\":\"a\",\"origin\":\"x\"}", &cd), E_WEBAUTHN_CLIENT_DATA);
    assert_int_equal(client_data("[\"webauthn.get\"]", &cd), E_WEBAUTHN_CLIENT_DATA);
    assert_int_equal(client_data("not json", &cd), E_WEBAUTHN_CLIENT_DATA);
    assert_int_equal(client_data("{\"type\":\"webauthn.get\",\"type\":\"webauthn.create\",\"challenge\":\"a\","
                                 "\"origin\":\"x\"}",
                                 &cd),
                     E_WEBAUTHN_CLIENT_DATA); /* duplicate keys */
    assert_int_equal(
        client_data("{\"type\":\"webauthn.get\",\"challenge\":\"a\",\"origin\":\"x\",\"crossOrigin\":\"no\"}", &cd),
        E_WEBAUTHN_CLIENT_DATA);
}

static void auth6_authdata_flags_and_rp_id_hash(void **state)
{
    (void)state;
    unsigned char ad[64];
    struct webauthn_authdata h;
    size_t n = authdata(ad, "localhost", WEBAUTHN_FLAG_UP | WEBAUTHN_FLAG_UV, 0x01020304, NULL, -7);
    assert_int_equal(n, 37);
    assert_int_equal(webauthn_parse_authdata(ad, n, &h), E_OK);
    assert_int_equal(h.sign_count, 0x01020304);
    assert_int_equal(h.flags, 0x05);
    assert_int_equal(webauthn_check_authdata(&h, "localhost"), E_OK);
    assert_int_equal(webauthn_check_authdata(&h, "127.0.0.1"), E_WEBAUTHN_RP_ID);
    assert_int_equal(webauthn_parse_authdata(ad, 36, &h), E_WEBAUTHN_AUTHDATA);

    authdata(ad, "localhost", WEBAUTHN_FLAG_UP, 1, NULL, -7);
    assert_int_equal(webauthn_parse_authdata(ad, 37, &h), E_OK);
    assert_int_equal(webauthn_check_authdata(&h, "localhost"), E_WEBAUTHN_USER_VERIFICATION);
    authdata(ad, "localhost", WEBAUTHN_FLAG_UV, 1, NULL, -7);
    assert_int_equal(webauthn_parse_authdata(ad, 37, &h), E_OK);
    assert_int_equal(webauthn_check_authdata(&h, "localhost"), E_WEBAUTHN_USER_VERIFICATION);
}

static void auth6_attestation_none_es256(void **state)
{
    (void)state;
    struct key k;
    key_new(&k);
    unsigned char ad[256], att[400];
    struct webauthn_new_cred *c = arena_alloc(A, sizeof *c);
    size_t ad_len = authdata(ad, "localhost", WEBAUTHN_FLAG_UP | WEBAUTHN_FLAG_UV | WEBAUTHN_FLAG_AT, 7, &k, -7);
    size_t n = attestation(att, "none", ad, ad_len);
    assert_int_equal(webauthn_parse_attestation(att, n, c), E_OK);
    assert_int_equal(c->id_len, 16);
    assert_int_equal(c->id[0], 0xc1);
    assert_memory_equal(c->pubkey, k.xy, 64);
    assert_int_equal(c->ad.sign_count, 7);
    assert_int_equal(webauthn_check_authdata(&c->ad, "localhost"), E_OK);
    assert_int_equal(webauthn_parse_new_authdata(ad, ad_len, c), E_OK);
    assert_memory_equal(c->pubkey, k.xy, 64);

    assert_int_equal(webauthn_parse_attestation(att, n - 1, c), E_WEBAUTHN_AUTHDATA); /* truncated */
    att[n] = 0;
    assert_int_equal(webauthn_parse_attestation(att, n + 1, c), E_WEBAUTHN_AUTHDATA); /* trailing bytes */
    assert_int_equal(webauthn_parse_attestation((const unsigned char *)"garbage", 7, c), E_WEBAUTHN_AUTHDATA);
    assert_int_equal(webauthn_parse_attestation(NULL, 0, c), E_WEBAUTHN_AUTHDATA);
    n = attestation(att, "packed", ad, ad_len); /* the statement is not evaluated (attestation none) */
    assert_int_equal(webauthn_parse_attestation(att, n, c), E_OK);
    att[1] = 0x64; /* "fmt" becomes a 4-character key: no fmt */
    assert_int_equal(webauthn_parse_attestation(att, n, c), E_WEBAUTHN_AUTHDATA);

    /* no attested credential data, or not ES256 */
    ad_len = authdata(ad, "localhost", WEBAUTHN_FLAG_UP | WEBAUTHN_FLAG_UV, 7, &k, -7);
    n = attestation(att, "none", ad, ad_len);
    assert_int_equal(webauthn_parse_attestation(att, n, c), E_WEBAUTHN_AUTHDATA);
    ad_len = authdata(ad, "localhost", WEBAUTHN_FLAG_UP | WEBAUTHN_FLAG_UV | WEBAUTHN_FLAG_AT, 7, &k, -257);
    n = attestation(att, "none", ad, ad_len);
    assert_int_equal(webauthn_parse_attestation(att, n, c), E_WEBAUTHN_AUTHDATA);
    ad_len = authdata(ad, "localhost", WEBAUTHN_FLAG_UP | WEBAUTHN_FLAG_UV | WEBAUTHN_FLAG_AT, 7, &k, -7);
    assert_int_equal(webauthn_parse_new_authdata(ad, 37 + 16 + 2 + 8, c), E_WEBAUTHN_AUTHDATA); /* cut in the id */
    EVP_PKEY_free(k.pkey);
}

static void auth6_assertion_signature(void **state)
{
    (void)state;
    struct key k, other;
    key_new(&k);
    key_new(&other);
    const char *cd = "{\"type\":\"webauthn.get\",\"challenge\":\"abc\",\"origin\":\"http://localhost:8123\"}";
    size_t cd_len = strlen(cd);
    unsigned char ad[64], sig[128];
    size_t ad_len = authdata(ad, "localhost", WEBAUTHN_FLAG_UP | WEBAUTHN_FLAG_UV, 2, NULL, -7);
    size_t sig_len = sign(&k, ad, ad_len, (const unsigned char *)cd, cd_len, sig);
    const unsigned char *cdu = (const unsigned char *)cd;

    assert_int_equal(webauthn_verify_assertion(k.xy, ad, ad_len, cdu, cd_len, sig, sig_len, "localhost"), E_OK);
    assert_int_equal(webauthn_verify_assertion(other.xy, ad, ad_len, cdu, cd_len, sig, sig_len, "localhost"),
                     E_WEBAUTHN_ASSERTION);
    assert_int_equal(webauthn_verify_assertion(k.xy, ad, ad_len, cdu, cd_len, sig, sig_len, "example.com"),
                     E_WEBAUTHN_ASSERTION);
    assert_int_equal(webauthn_verify_assertion(k.xy, ad, ad_len, cdu, cd_len - 1, sig, sig_len, "localhost"),
                     E_WEBAUTHN_ASSERTION); /* other client data */
    ad[36] ^= 1;                            /* another counter */
    assert_int_equal(webauthn_verify_assertion(k.xy, ad, ad_len, cdu, cd_len, sig, sig_len, "localhost"),
                     E_WEBAUTHN_ASSERTION);
    ad[36] ^= 1;
    sig[sig_len - 1] ^= 1;
    assert_int_equal(webauthn_verify_assertion(k.xy, ad, ad_len, cdu, cd_len, sig, sig_len, "localhost"),
                     E_WEBAUTHN_ASSERTION);
    assert_int_equal(webauthn_verify_assertion(k.xy, ad, ad_len, cdu, cd_len, sig, 0, "localhost"),
                     E_WEBAUTHN_ASSERTION);

    /* libfido2 also refuses a signed assertion without user verification */
    ad_len = authdata(ad, "localhost", WEBAUTHN_FLAG_UP, 3, NULL, -7);
    sig_len = sign(&k, ad, ad_len, cdu, cd_len, sig);
    assert_int_equal(webauthn_verify_assertion(k.xy, ad, ad_len, cdu, cd_len, sig, sig_len, "localhost"),
                     E_WEBAUTHN_ASSERTION);
    EVP_PKEY_free(k.pkey);
    EVP_PKEY_free(other.pkey);
}

static void auth6_user_handle(void **state)
{
    (void)state;
    unsigned char h[8];
    webauthn_user_handle(0x0102030405060708LL, h);
    const unsigned char want[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    assert_memory_equal(h, want, 8);
}

/* API-1 for the 310–319 range: each error has its own code, a status, both languages. */
static void auth6_error_codes(void **state)
{
    (void)state;
    for (int e = E_WEBAUTHN_CHALLENGE; e <= E_WEBAUTHN_NOT_FOUND; e++) {
        const struct err_info *ei = err_info((err)e);
        assert_int_equal(ei->e, e);
        assert_true(strncmp(ei->code, "webauthn.", 9) == 0);
        assert_true(ei->status >= 400 && ei->status < 500);
        assert_true(strlen(ei->zh) > 0 && strlen(ei->en) > 0);
        for (int k = E_WEBAUTHN_CHALLENGE; k < e; k++)
            assert_string_not_equal(ei->code, err_info((err)k)->code);
    }
    assert_int_equal(E_WEBAUTHN_NOT_FOUND, 319);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(auth6_base64url),
        cmocka_unit_test(auth6_site_from_host_or_public_url),
        cmocka_unit_test(auth6_client_data_checks),
        cmocka_unit_test(auth6_authdata_flags_and_rp_id_hash),
        cmocka_unit_test(auth6_attestation_none_es256),
        cmocka_unit_test(auth6_assertion_signature),
        cmocka_unit_test(auth6_user_handle),
        cmocka_unit_test(auth6_error_codes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
