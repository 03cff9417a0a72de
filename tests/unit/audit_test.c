/*
 * audit_test.c — AUTH-7: the audit log is append-only and its hash chain exposes any
 * change (SQLite in memory; PostgreSQL is covered by tests/api/audit.test.js).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "audit/audit.h"

#include <sodium.h>
#include <string.h>

static int setup(void **state)
{
    char err[256];
    db *d = db_open("sqlite::memory:", err, sizeof err);
    if (!d || db_migrate(d, err, sizeof err) != DB_OK)
        return -1;
    const char *actions[] = {"login_failed", "login", "logout"};
    for (int i = 0; i < 3; i++) {
        struct audit_entry e = {.user_id = i == 0 ? 0 : 7, .username = "张三", .ip = "127.0.0.1",
                                .action = actions[i], .object_type = "user", .object_id = "7"};
        if (audit_write(d, &e) != DB_OK)
            return -1;
    }
    *state = d;
    return 0;
}

static int teardown(void **state)
{
    db_close(*state);
    return 0;
}

static void auth7_intact_chain_verifies(void **state)
{
    int64_t count, bad;
    assert_int_equal(audit_verify(*state, &count, &bad), DB_OK);
    assert_int_equal(count, 3);
    assert_int_equal(bad, 0);
}

static void auth7_nobody_can_edit_or_delete(void **state)
{
    db *d = *state;
    assert_int_not_equal(db_exec(d, "UPDATE audit_log SET detail = '{\"x\":1}' WHERE id = 2"), DB_OK);
    assert_non_null(strstr(db_errmsg(d), "append-only"));
    assert_int_not_equal(db_exec(d, "DELETE FROM audit_log WHERE id = 2"), DB_OK);
}

static void auth7_a_changed_entry_breaks_the_chain(void **state)
{
    db *d = *state;
    /* Someone with direct access to the file removes the guard and edits a row. */
    assert_int_equal(db_exec(d, "DROP TRIGGER audit_log_no_update"), DB_OK);
    assert_int_equal(db_exec(d, "UPDATE audit_log SET ip = '10.9.9.9' WHERE id = 2"), DB_OK);
    int64_t count, bad;
    assert_int_equal(audit_verify(d, &count, &bad), DB_OK);
    assert_int_equal(bad, 2);
}

static void auth7_a_deleted_entry_breaks_the_chain(void **state)
{
    db *d = *state;
    assert_int_equal(db_exec(d, "DROP TRIGGER audit_log_no_delete"), DB_OK);
    assert_int_equal(db_exec(d, "DELETE FROM audit_log WHERE id = 2"), DB_OK);
    int64_t count, bad;
    assert_int_equal(audit_verify(d, &count, &bad), DB_OK);
    assert_int_equal(bad, 3); /* entry 3 no longer follows its predecessor */
}

static void auth7_fields_cannot_shift_into_each_other(void **state)
{
    (void)state;
    char h1[65], h2[65];
    struct audit_entry a = {.username = "ab", .ip = "c", .action = "x"};
    struct audit_entry b = {.username = "a", .ip = "bc", .action = "x"};
    audit_hash("0", 1, &a, h1);
    audit_hash("0", 1, &b, h2);
    assert_string_not_equal(h1, h2);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(auth7_intact_chain_verifies, setup, teardown),
        cmocka_unit_test_setup_teardown(auth7_nobody_can_edit_or_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(auth7_a_changed_entry_breaks_the_chain, setup, teardown),
        cmocka_unit_test_setup_teardown(auth7_a_deleted_entry_breaks_the_chain, setup, teardown),
        cmocka_unit_test(auth7_fields_cannot_shift_into_each_other),
    };
    return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
