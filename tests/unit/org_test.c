/*
 * org_test.c — the rules of access control and the org tree that need no server:
 * AUTH-8 masks, ORG-1 level rules, ORG-4 scope SQL, AUTH-1 one-time passwords,
 * the ORG-3 permission catalogue.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "auth/auth.h"
#include "org/access.h"
#include "org/org.h"

#include <string.h>

/* SPEC AUTH-8: 138****1234 and 4401**********1234; short or other values keep less. */
static void auth8_masks(void **state)
{
    (void)state;
    arena *a = arena_new(1024);
    assert_string_equal(mask_value(a, "mobile", "13812341234"), "138****1234");
    assert_string_equal(mask_value(a, "id_number", "440102199001011234"), "4401**********1234");
    assert_string_equal(mask_value(a, "id_number", "91440101MA5CXXXX1X"), "9144**********XX1X");
    assert_string_equal(mask_value(a, "mobile", "1234"), "1***"); /* too short to keep 3+4 */
    assert_null(mask_value(a, "mobile", NULL));
    assert_string_equal(mask_value(a, "mobile", ""), "");
    /* multi-byte characters are masked as characters, never cut in half */
    const char *m = mask_value(a, "address", "一二三四五六七八");
    assert_string_equal(m, "一二****七八");
    arena_free(a);
}

/* SPEC ORG-1: a child sits below its parent, in the same family of levels. */
static void org1_levels(void **state)
{
    (void)state;
    assert_true(org_level_ok(NULL, "province"));
    assert_true(org_level_ok(NULL, "company"));
    assert_false(org_level_ok(NULL, "branch"));
    assert_true(org_level_ok("province", "county"));
    assert_true(org_level_ok("county", "outlet")); /* a level may be skipped */
    assert_false(org_level_ok("branch", "county"));
    assert_false(org_level_ok("branch", "branch"));
    assert_false(org_level_ok("province", "team")); /* bank and brokerage do not mix */
    assert_true(org_level_ok("center", "team"));
    assert_false(org_level_ok("county", "nonsense"));
}

/* SPEC ORG-4: each scope becomes one condition with its parameter. */
static void org4_scope_sql(void **state)
{
    (void)state;
    arena *a = arena_new(1024);
    struct access acc = {.user_id = 7, .unit_id = 12, .unit_path = "/1/2/12/", .scope = SCOPE_ALL};
    sqlb q;
    sqlb_init(&q, a, "SELECT 1 FROM customers c WHERE 1 = 1");
    scope_where(&q, &acc, "c.unit_id", "c.manager_id");
    assert_string_equal(q.sql, "SELECT 1 FROM customers c WHERE 1 = 1");
    assert_int_equal(q.np, 0);

    acc.scope = SCOPE_SUBTREE;
    sqlb_init(&q, a, "W");
    scope_where(&q, &acc, "c.unit_id", "c.manager_id");
    assert_string_equal(q.sql, "W AND c.unit_id IN (SELECT id FROM org_units WHERE path LIKE ?)");
    assert_string_equal(q.p[0].s, "/1/2/12/%");

    acc.scope = SCOPE_UNIT;
    sqlb_init(&q, a, "W");
    scope_where(&q, &acc, "c.unit_id", "c.manager_id");
    assert_string_equal(q.sql, "W AND c.unit_id = ?");
    assert_int_equal(q.p[0].i, 12);

    acc.scope = SCOPE_SELF;
    sqlb_init(&q, a, "W");
    scope_where(&q, &acc, "c.unit_id", "c.manager_id");
    assert_string_equal(q.sql, "W AND c.manager_id = ?");
    assert_int_equal(q.p[0].i, 7);

    /* a table without an owner: self scopes fall back to the user's own unit */
    sqlb_init(&q, a, "W");
    scope_where(&q, &acc, "o.id", NULL);
    assert_string_equal(q.sql, "W AND o.id = ?");
    assert_int_equal(q.p[0].i, 12);

    acc.scope = SCOPE_SELF_AND_REPORTS;
    sqlb_init(&q, a, "W");
    scope_where(&q, &acc, "c.unit_id", "c.manager_id");
    assert_non_null(strstr(q.sql, "WITH RECURSIVE team"));
    assert_int_equal(q.np, 1);
    assert_int_equal(q.p[0].i, 7);

    assert_true(scope_has_unit(&(struct access){.scope = SCOPE_SUBTREE, .unit_path = "/1/2/"}, "/1/2/12/"));
    assert_false(scope_has_unit(&(struct access){.scope = SCOPE_SUBTREE, .unit_path = "/1/2/"}, "/1/3/"));
    assert_false(scope_has_unit(&(struct access){.scope = SCOPE_UNIT, .unit_path = "/1/2/"}, "/1/2/12/"));
    arena_free(a);
}

/* SPEC ORG-4: scope names round-trip; unknown ones are refused. */
static void org4_scope_names(void **state)
{
    (void)state;
    enum data_scope s;
    const char *names[] = {"self", "self_and_reports", "unit", "subtree", "all"};
    for (int i = 0; i < 5; i++) {
        assert_true(data_scope_parse(names[i], &s));
        assert_string_equal(data_scope_name(s), names[i]);
    }
    assert_false(data_scope_parse("everything", &s));
    assert_false(data_scope_parse(NULL, &s));
}

/* SPEC AUTH-1: an admin's one-time password passes the password rule, and differs each time. */
static void auth1_one_time_password(void **state)
{
    (void)state;
    char a[16], b[16];
    for (int i = 0; i < 200; i++) {
        org_one_time_password(a);
        assert_int_equal(strlen(a), 12);
        assert_int_equal(auth_password_policy(a), E_OK);
    }
    org_one_time_password(b);
    assert_string_not_equal(a, b);
}

/* SPEC ORG-3: permission codes are unique and each belongs to a group. */
static void org3_catalogue(void **state)
{
    (void)state;
    for (int i = 0; i < nperm_catalog; i++) {
        assert_non_null(perm_catalog[i].group);
        assert_ptr_equal(perm_find(perm_catalog[i].code), &perm_catalog[i]);
        for (int j = i + 1; j < nperm_catalog; j++)
            assert_string_not_equal(perm_catalog[i].code, perm_catalog[j].code);
    }
    assert_null(perm_find("customers.everything"));
    struct access acc = {.perms = (const char *[]){"a.b", "customers.view"}, .nperms = 2};
    assert_true(access_has(&acc, "customers.view"));
    assert_false(access_has(&acc, "customers.export"));
    assert_false(access_has(NULL, "customers.view"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(auth8_masks),
        cmocka_unit_test(org1_levels),
        cmocka_unit_test(org4_scope_sql),
        cmocka_unit_test(org4_scope_names),
        cmocka_unit_test(auth1_one_time_password),
        cmocka_unit_test(org3_catalogue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
