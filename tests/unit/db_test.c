/*
 * db_test.c — the storage interface on SQLite (in memory): migrations, binding,
 * the statement cache, nested transactions and rollback, constraint errors.
 * The same interface on PostgreSQL is exercised by the API tests (tests/api).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "db/db.h"

#include <string.h>

static int setup(void **state)
{
    char err[256];
    db *d = db_open("sqlite::memory:", err, sizeof err);
    if (!d)
        return -1;
    if (db_migrate(d, err, sizeof err) != DB_OK)
        return -1;
    *state = d;
    return 0;
}

static int teardown(void **state)
{
    db_close(*state);
    return 0;
}

static int64_t count(db *d, const char *sql)
{
    db_stmt *st = db_query(d, sql, "");
    assert_non_null(st);
    assert_int_equal(db_step(st), DB_ROW);
    int64_t n = db_col_int64(st, 0);
    db_reset(st);
    return n;
}

static void migrations_are_recorded_and_idempotent(void **state)
{
    db *d = *state;
    char err[256];
    int v = db_schema_version(d);
    assert_true(v >= 3);
    assert_int_equal(db_migrate(d, err, sizeof err), DB_OK); /* again: nothing to do */
    assert_int_equal(db_schema_version(d), v);
    /* ORG-2: the bank positions and their roles are preloaded */
    assert_int_equal(count(d, "SELECT COUNT(*) FROM positions WHERE code IN ('lobby_manager','customer_manager',"
                              "'loan_manager','wealth_manager','branch_head','wealth_adviser','private_banker')"),
                     7);
    assert_int_equal(count(d, "SELECT COUNT(*) FROM positions WHERE is_custodian = 1 AND code IN "
                              "('lobby_manager','customer_manager','loan_manager')"),
                     0);
}

static void binding_and_reading_values(void **state)
{
    db *d = *state;
    assert_int_equal(db_run(d, "INSERT INTO org_units (code, name, level, path, created_at) VALUES (?, ?, ?, ?, ?)",
                            "sssni", "U1", "联社", "province", INT64_C(1700000000000)),
                     DB_CONSTRAINT); /* path is NOT NULL */
    assert_int_equal(db_run(d, "INSERT INTO org_units (code, name, level, path, created_at) VALUES (?, ?, ?, ?, ?)",
                            "ssssi", "U1", "联社", "province", "/1/", INT64_C(1700000000000)),
                     DB_OK);
    int64_t id = db_last_insert_id(d);
    assert_true(id > 0);
    db_stmt *st = db_query(d, "SELECT code, name, created_at, parent_id FROM org_units WHERE id = ?", "i", id);
    assert_non_null(st);
    assert_int_equal(db_step(st), DB_ROW);
    assert_string_equal(db_col_text(st, 0), "U1");
    assert_string_equal(db_col_text(st, 1), "联社");
    assert_int_equal(db_col_len(st, 1), strlen("联社"));
    assert_int_equal(db_col_int64(st, 2), INT64_C(1700000000000));
    assert_true(db_col_null(st, 3));
    assert_int_equal(db_step(st), DB_DONE);
    db_reset(st);
    /* the cache hands back the same statement for the same text */
    assert_ptr_equal(db_prepare(d, "SELECT code, name, created_at, parent_id FROM org_units WHERE id = ?"), st);
    /* a duplicate business key is a constraint error, not a crash */
    assert_int_equal(db_run(d, "INSERT INTO org_units (code, name, level, path, created_at) VALUES (?, ?, ?, ?, ?)",
                            "ssssi", "U1", "x", "province", "/2/", INT64_C(0)),
                     DB_CONSTRAINT);
    assert_null(db_prepare(d, "SELECT nope FROM nowhere"));
    assert_true(strlen(db_errmsg(d)) > 0);
}

static void nested_transactions_roll_back_as_one(void **state)
{
    db *d = *state;
    int64_t before = count(d, "SELECT COUNT(*) FROM roles");
    assert_int_equal(db_begin(d), DB_OK);
    assert_int_equal(db_run(d, "INSERT INTO roles (code, name, data_scope) VALUES (?, ?, ?)", "sss", "r1", "r", "self"),
                     DB_OK);
    assert_int_equal(db_begin(d), DB_OK); /* inner */
    assert_int_equal(db_run(d, "INSERT INTO roles (code, name, data_scope) VALUES (?, ?, ?)", "sss", "r2", "r", "all"),
                     DB_OK);
    assert_int_equal(db_commit(d), DB_OK); /* inner commit: nothing reaches the database yet */
    assert_int_equal(db_rollback(d), DB_OK);
    assert_int_equal(count(d, "SELECT COUNT(*) FROM roles"), before);
    /* a CHECK constraint refuses an unknown data scope (ORG-4 values) */
    assert_int_equal(db_run(d, "INSERT INTO roles (code, name, data_scope) VALUES (?, ?, ?)", "sss", "r3", "r", "world"),
                     DB_CONSTRAINT);
}

static void bad_urls_are_refused(void **state)
{
    (void)state;
    char err[256];
    assert_null(db_open("mysql://x", err, sizeof err));
    assert_non_null(strstr(err, "sqlite:PATH"));
    assert_false(db_url_valid("sqlite:"));
    assert_true(db_url_valid("sqlite:data/fincrm.db"));
    assert_true(db_url_valid("postgresql://u@127.0.0.1/db"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(migrations_are_recorded_and_idempotent, setup, teardown),
        cmocka_unit_test_setup_teardown(binding_and_reading_values, setup, teardown),
        cmocka_unit_test_setup_teardown(nested_transactions_roll_back_as_one, setup, teardown),
        cmocka_unit_test(bad_urls_are_refused),
    };
    return cmocka_run_group_tests_name("db", tests, NULL, NULL);
}
