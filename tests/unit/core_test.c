/*
 * core_test.c — the core helpers: arena, JSON writer, UTF-8 check, error table,
 * the PostgreSQL placeholder rewrite.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/jw.h"
#include "core/util.h"
#include "db/db.h"

#include <stdlib.h>
#include <string.h>

static void arena_allocations_are_aligned_and_survive_growth(void **state)
{
    (void)state;
    arena *a = arena_new(64);
    char *first = arena_strdup(a, "first");
    for (int i = 0; i < 1000; i++) {
        void *p = arena_alloc(a, (size_t)i + 1);
        assert_int_equal((uintptr_t)p % 16, 0);
        memset(p, 0xab, (size_t)i + 1);
    }
    assert_string_equal(first, "first"); /* earlier blocks are kept */
    assert_string_equal(arena_printf(a, "%s-%d", "x", 42), "x-42");
    assert_true(arena_used(a) > 1000);
    arena_clear(a);
    assert_int_equal(arena_used(a), 0);
    arena_free(a);
}

static void jw_writes_nested_values_with_commas(void **state)
{
    (void)state;
    jw w;
    jw_init(&w, 8); /* tiny: forces growth */
    jw_obj(&w);
    jw_kint(&w, "id", -9007199254740993LL); /* 64-bit exact */
    jw_kstr(&w, "name", "张三");
    jw_karr(&w, "tags");
    jw_str(&w, "a");
    jw_int(&w, 2);
    jw_null(&w);
    jw_obj(&w);
    jw_end(&w);
    jw_end(&w);
    jw_kbool(&w, "ok", true);
    jw_knull(&w, "field");
    jw_end(&w);
    assert_string_equal(w.s, "{\"id\":-9007199254740993,\"name\":\"张三\",\"tags\":[\"a\",2,null,{}],\"ok\":true,"
                             "\"field\":null}");
    jw_dispose(&w);
}

static void jw_escapes_strings(void **state)
{
    (void)state;
    jw w;
    jw_init(&w, 16);
    jw_str(&w, "q\"b\\n\n\t\x01</script>");
    assert_string_equal(w.s, "\"q\\\"b\\\\n\\n\\t\\u0001<\\/script>\"");
    char *s = jw_take(&w);
    assert_null(w.s);
    free(s);
}

static void utf8_validation(void **state)
{
    (void)state;
    assert_true(utf8_valid("abc", 3));
    assert_true(utf8_valid("张三", strlen("张三")));
    assert_true(utf8_valid("\xf0\x9f\x98\x80", 4));  /* emoji */
    assert_false(utf8_valid("\xff", 1));
    assert_false(utf8_valid("\xc0\xaf", 2));         /* overlong '/' */
    assert_false(utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    assert_false(utf8_valid("\xe5\xbc", 2));         /* truncated */
}

/* API-1: every error has a stable code, a status and both languages. */
static void error_table_is_complete(void **state)
{
    (void)state;
    err all[] = {E_INVALID_JSON, E_NOT_OBJECT, E_FIELD_REQUIRED, E_FIELD_TYPE, E_FIELD_INVALID, E_BODY_TOO_LARGE,
                 E_UNSUPPORTED_MEDIA_TYPE, E_NOT_FOUND, E_METHOD_NOT_ALLOWED, E_UNAUTHENTICATED,
                 E_INVALID_CREDENTIALS, E_USER_DISABLED, E_ACCOUNT_LOCKED, E_CSRF_FAILED, E_PASSWORD_WEAK, E_WRONG_PASSWORD, E_PASSWORD_UNCHANGED,
                 /* AUTH-2/4/5 and AUTH-6 share the 3xx range: no value may be taken twice */
                 E_PASSWORD_CHANGE_REQUIRED, E_CAPTCHA_REQUIRED, E_CAPTCHA_WRONG, E_RATE_LIMITED, E_DEVICE_UNBOUND,
                 E_STEP_UP_REQUIRED, E_WEBAUTHN_CHALLENGE, E_WEBAUTHN_NOT_FOUND, E_INTERNAL, E_UNAVAILABLE};
    for (size_t i = 0; i < ARRAY_LEN(all); i++) {
        const struct err_info *ei = err_info(all[i]);
        assert_int_equal(ei->e, all[i]);
        assert_true(ei->status >= 400 && ei->status < 600);
        assert_non_null(strchr(ei->code, '.'));
        assert_true(strlen(ei->zh) > 0 && strlen(ei->en) > 0);
        for (size_t k = 0; k < i; k++)
            assert_string_not_equal(ei->code, err_info(all[k])->code);
    }
    assert_int_equal(err_info((err)12345)->e, E_INTERNAL);
}

static void pg_placeholders_skip_quotes(void **state)
{
    (void)state;
    char out[256];
    assert_int_equal(db_pg_rewrite_placeholders("SELECT ? , '?', \"a?\" FROM t WHERE a = ? AND b='it''s?'", out,
                                                sizeof out),
                     2);
    assert_string_equal(out, "SELECT $1 , '?', \"a?\" FROM t WHERE a = $2 AND b='it''s?'");
    assert_int_equal(db_pg_rewrite_placeholders("x = ?", out, 5), -1); /* does not fit */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arena_allocations_are_aligned_and_survive_growth),
        cmocka_unit_test(jw_writes_nested_values_with_commas),
        cmocka_unit_test(jw_escapes_strings),
        cmocka_unit_test(utf8_validation),
        cmocka_unit_test(error_table_is_complete),
        cmocka_unit_test(pg_placeholders_skip_quotes),
    };
    return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
