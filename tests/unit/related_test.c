/*
 * related_test.c — CUS-14 relation kinds and their inverses; the identity checks of a
 * party (GB 11643 resident IDs, USCC alphabet, phones); CUS-15 the list lookups the
 * other parts call: watchlist_kind_of(), watchlist_sync_customer() and
 * customer_blacklisted() (SQLite in memory; the HTTP side runs on both backends in
 * tests/api/customers-watchlist.test.js).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "customers/related.h"
#include "customers/watchlist.h"

#include <string.h>

static void kinds_and_inverses(void **state)
{
    (void)state;
    static const char *const pairs[][2] = {{"spouse", "spouse"},        {"parent", "child"},
                                           {"sibling", "sibling"},      {"employer", "employee"},
                                           {"guarantor", "guaranteed"}, {"shareholder", "holding"}};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        assert_string_equal(relation_inverse(pairs[i][0]), pairs[i][1]);
        assert_string_equal(relation_inverse(pairs[i][1]), pairs[i][0]);
        assert_string_equal(relation_category(pairs[i][0]), relation_category(pairs[i][1]));
    }
    assert_string_equal(relation_category("guarantor"), "guarantee");
    assert_true(relation_kind_has_percent("holding"));
    assert_false(relation_kind_has_percent("spouse"));
    assert_false(relation_kind_ok("cousin"));
    assert_false(relation_kind_ok(NULL));
    assert_null(relation_inverse("Spouse"));
}

static void party_checks(void **state)
{
    (void)state;
    arena *a = arena_new(1024);
    assert_true(party_id_type_ok("resident_id"));
    assert_true(party_id_type_ok("hk_macao_permit"));
    assert_false(party_id_type_ok("Resident"));
    assert_false(party_id_type_ok("_x"));
    assert_false(party_id_type_ok("a-b"));
    assert_false(party_id_type_ok(""));
    /* GB 11643: the check character is computed, x is stored upper-case, blanks trimmed */
    assert_string_equal(party_id_number_norm(a, "resident_id", " 11010519491231002x "), "11010519491231002X");
    assert_null(party_id_number_norm(a, "resident_id", "110105194912310021"));
    assert_null(party_id_number_norm(a, "resident_id", "1101051949123100"));
    assert_null(party_id_number_norm(a, "resident_id", "11010519491231002A"));
    assert_string_equal(party_id_number_norm(a, "uscc", "91350100m000100y43"), "91350100M000100Y43");
    assert_null(party_id_number_norm(a, "uscc", "91350100I000100Y43")); /* no I in the USCC alphabet */
    assert_string_equal(party_id_number_norm(a, "passport", "e1234567"), "E1234567");
    assert_null(party_id_number_norm(a, "passport", "E12"));
    assert_null(party_id_number_norm(a, "passport", "E123 4567"));
    assert_true(party_phone_ok("13800138000"));
    assert_true(party_phone_ok("+86 791-8888 1234"));
    assert_false(party_phone_ok("1380"));
    assert_false(party_phone_ok("138-call-me"));
    assert_false(party_phone_ok("86+13800138000"));
    arena_free(a);
}

static void list_lookups(void **state)
{
    (void)state;
    char msg[256];
    db *d = db_open("sqlite::memory:", msg, sizeof msg);
    assert_non_null(d);
    assert_int_equal(db_migrate(d, msg, sizeof msg), DB_OK);
    assert_int_equal(
        db_exec(d, "INSERT INTO org_units (id, code, name, level, path, created_at)"
                   " VALUES (1, 'P', '省联社', 'province', '/1/', 0);"
                   "INSERT INTO customers (id, customer_no, kind, status, name, id_type, id_number,"
                   " unit_id, created_at, updated_at) VALUES"
                   " (1, 'C1', 'individual', 'existing', '张三', 'resident_id', '11010519491231002X', 1, 0, 0),"
                   " (2, 'C2', 'individual', 'existing', '李四', 'resident_id', '110105194912310038', 1, 0, 0);"
                   "INSERT INTO watchlist_entries (list, id_type, id_number, name, reason, added_at,"
                   " removed_at) VALUES ('grey', 'resident_id', '11010519491231002X', '张三', 'x', 1, 2),"
                   " ('black', 'resident_id', '11010519491231002X', '张三', 'y', 3, NULL)"),
        DB_OK);
    const char *kind = "?";
    assert_int_equal(watchlist_kind_of(d, "resident_id", "11010519491231002X", &kind), DB_OK);
    assert_string_equal(kind, "black");
    assert_int_equal(watchlist_kind_of(d, "resident_id", "110105194912310038", &kind), DB_OK);
    assert_null(kind);
    assert_int_equal(watchlist_kind_of(d, "uscc", "11010519491231002X", &kind), DB_OK);
    assert_null(kind);

    /* a create or an ID change: the flag follows the lists */
    assert_false(customer_blacklisted(d, 1));
    assert_int_equal(watchlist_sync_customer(d, 1), DB_OK);
    assert_true(customer_blacklisted(d, 1));
    assert_int_equal(db_exec(d, "UPDATE customers SET id_number = '110105194912310038' WHERE id = 1"), DB_OK);
    assert_int_equal(watchlist_sync_customer(d, 1), DB_OK);
    assert_false(customer_blacklisted(d, 1));
    assert_false(customer_blacklisted(d, 2));
    assert_false(customer_blacklisted(d, 99));

    /* flagging and clearing every customer of an ID */
    int64_t n = 0;
    assert_int_equal(watch_sql_flag_customers(d, "resident_id", "110105194912310038", "grey", &n), DB_OK);
    assert_int_equal(n, 2);
    assert_int_equal(watch_sql_flag_customers(d, "resident_id", "110105194912310038", NULL, &n), DB_OK);
    assert_int_equal(n, 2);
    db_close(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kinds_and_inverses),
        cmocka_unit_test(party_checks),
        cmocka_unit_test(list_lookups),
    };
    return cmocka_run_group_tests_name("related parties and black/grey lists (CUS-14, CUS-15)", tests, NULL, NULL);
}
