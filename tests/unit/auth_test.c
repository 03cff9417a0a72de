/*
 * auth_test.c — the password rules of AUTH-1: policy and argon2id hashing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "auth/auth.h"

#include <sodium.h>
#include <string.h>

/* SPEC AUTH-1: ≥ 8 characters with letters and digits; any printable character. */
static void auth1_password_policy(void **state)
{
    (void)state;
    assert_int_equal(auth_password_policy("abcd1234"), E_OK);
    assert_int_equal(auth_password_policy("Demo@2026"), E_OK);
    assert_int_equal(auth_password_policy("a1!<>&\"'x"), E_OK); /* the old banned characters are fine */
    assert_int_equal(auth_password_policy("密码密码密码ab12"), E_OK);
    assert_int_equal(auth_password_policy("abc1234"), E_PASSWORD_WEAK);  /* 7 */
    assert_int_equal(auth_password_policy("abcdefgh"), E_PASSWORD_WEAK); /* no digit */
    assert_int_equal(auth_password_policy("12345678"), E_PASSWORD_WEAK); /* no letter */
    assert_int_equal(auth_password_policy("abc\t12345"), E_PASSWORD_WEAK); /* control character */
    assert_int_equal(auth_password_policy("密码密码12"), E_PASSWORD_WEAK); /* 6 characters, more bytes */
}

/* SPEC AUTH-1: argon2id; the same password hashes differently (salt) and verifies. */
static void auth1_argon2id_hash_and_verify(void **state)
{
    (void)state;
    char h1[128], h2[128];
    assert_int_equal(auth_hash_password("Demo@2026", h1), 0);
    assert_int_equal(auth_hash_password("Demo@2026", h2), 0);
    assert_true(strncmp(h1, "$argon2id$", 10) == 0);
    assert_string_not_equal(h1, h2);
    assert_true(auth_verify_password(h1, "Demo@2026"));
    assert_false(auth_verify_password(h1, "Demo@2027"));
    assert_false(auth_verify_password("garbage", "Demo@2026"));
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(auth1_password_policy),
        cmocka_unit_test(auth1_argon2id_hash_and_verify),
    };
    return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}
