/*
 * demo_test.c — the demo-data generator (`fincrm demo`) on in-memory SQLite: the
 * org tree (ORG-1), staff, positions and reporting lines (ORG-2), customers with
 * valid resident IDs and credit codes (CUS-1), determinism, refusal of a database
 * that already has data, and all-or-nothing on failure. The same generator on
 * PostgreSQL is exercised by the API tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* after the four above, which it needs */

#include "auth/auth.h"
#include "db/db.h"
#include "demo/demo.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SMALL 300 /* customers in the small runs */

static db *open_db(void)
{
    char msg[256];
    db *d = db_open("sqlite::memory:", msg, sizeof msg);
    assert_non_null(d);
    assert_int_equal(db_migrate(d, msg, sizeof msg), DB_OK);
    return d;
}

/* Runs the generator; the printed summary is returned in out (if not NULL). */
static int run_demo(db *d, long customers, uint64_t seed, char *msg, size_t msglen, char *out, size_t outlen)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    int rc = demo_run(d, customers, seed, f, msg, msglen);
    if (out) {
        rewind(f);
        size_t n = fread(out, 1, outlen - 1, f);
        out[n] = '\0';
    }
    fclose(f);
    return rc;
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

/* One demo database shared by the read-only tests. */
static int setup_demo(void **state)
{
    if (sodium_init() < 0)
        return -1;
    db *d = open_db();
    char msg[256], out[4096];
    if (run_demo(d, SMALL, 1, msg, sizeof msg, out, sizeof out) != 0) {
        print_error("demo_run: %s\n", msg);
        return -1;
    }
    /* the summary names the fixed demo logins */
    if (!strstr(out, "demo logins (password Demo@2026):") || !strstr(out, "admin") || !strstr(out, "county01") ||
        !strstr(out, "branch001") || !strstr(out, "cm00001"))
        return -1;
    *state = d;
    return 0;
}

static int teardown_demo(void **state)
{
    db_close(*state);
    return 0;
}

/* ---- GB 11643 check character ---------------------------------------------------------- */

static void id_check_char_of_known_ids(void **state)
{
    (void)state;
    static const char *const ids[] = {"11010519491231002X", "440524188001010014", "110101199003078670",
                                      "320106198505121233"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        assert_int_equal(demo_id_check_char(ids[i]), ids[i][17]);
    assert_int_equal(demo_id_check_char("11010519491231003X"), '8'); /* one digit changed */
    assert_int_equal(demo_id_check_char("1101051949123100A"), '?');  /* not a digit */
}

/* ---- ORG-1: the org tree ---------------------------------------------------------------- */

static void org1_tree_has_four_levels_and_consistent_paths(void **state)
{
    db *d = *state;
    assert_int_equal(count(d, "SELECT COUNT(*) FROM org_units WHERE level = 'province' AND parent_id IS NULL"), 1);
    assert_int_equal(count(d, "SELECT COUNT(*) FROM org_units WHERE level = 'county'"), 10);
    int64_t branches = count(d, "SELECT COUNT(*) FROM org_units WHERE level = 'branch'");
    assert_in_range(branches, 80, 120);
    /* every branch has 1–3 outlets, every county 8–12 branches */
    assert_int_equal(count(d, "SELECT COUNT(*) FROM org_units b WHERE b.level = 'branch' AND (SELECT COUNT(*) "
                              "FROM org_units o WHERE o.parent_id = b.id AND o.level = 'outlet') NOT BETWEEN 1 AND 3"),
                     0);
    assert_int_equal(count(d, "SELECT COUNT(*) FROM org_units c WHERE c.level = 'county' AND (SELECT COUNT(*) "
                              "FROM org_units b WHERE b.parent_id = c.id AND b.level = 'branch') NOT BETWEEN 8 AND 12"),
                     0);
    /* path = parent's path + own id; parents sit one level up */
    assert_int_equal(count(d, "SELECT COUNT(*) FROM org_units WHERE parent_id IS NULL AND path <> '/' || id || '/'"),
                     0);
    assert_int_equal(count(d, "SELECT COUNT(*) FROM org_units c JOIN org_units p ON p.id = c.parent_id "
                              "WHERE c.path <> p.path || c.id || '/' OR NOT ("
                              "(c.level = 'county' AND p.level = 'province') OR "
                              "(c.level = 'branch' AND p.level = 'county') OR "
                              "(c.level = 'outlet' AND p.level = 'branch'))"),
                     0);
    /* 6-digit codes */
    assert_int_equal(count(d, "SELECT COUNT(*) FROM org_units WHERE length(code) <> 6 OR code GLOB '*[^0-9]*'"), 0);
    assert_int_equal(count(d, "SELECT COUNT(*) FROM org_units WHERE level = 'county' AND name LIKE '%农商银行'"), 10);
}

/* ---- ORG-2: staff, positions, reporting lines, logins ----------------------------------- */

static void org2_staff_positions_and_reporting_lines(void **state)
{
    db *d = *state;
    assert_in_range(count(d, "SELECT COUNT(*) FROM users"), 800, 1300);
    /* each branch: a head and an admin; each outlet: a lobby manager and a custodian */
    assert_int_equal(count(d, "SELECT COUNT(*) FROM org_units b WHERE b.level = 'branch' AND ("
                              "(SELECT COUNT(*) FROM users u JOIN positions p ON p.id = u.position_id "
                              " WHERE u.unit_id = b.id AND p.code = 'branch_head') <> 1 OR "
                              "(SELECT COUNT(*) FROM users u JOIN positions p ON p.id = u.position_id "
                              " WHERE u.unit_id = b.id AND p.code = 'branch_admin') <> 1)"),
                     0);
    assert_int_equal(count(d, "SELECT COUNT(*) FROM org_units o WHERE o.level = 'outlet' AND ("
                              "(SELECT COUNT(*) FROM users u JOIN positions p ON p.id = u.position_id "
                              " WHERE u.unit_id = o.id AND p.code = 'lobby_manager') <> 1 OR "
                              "(SELECT COUNT(*) FROM users u JOIN positions p ON p.id = u.position_id "
                              " WHERE u.unit_id = o.id AND p.is_custodian = 1) = 0)"),
                     0);
    assert_int_equal(count(d,
                           "SELECT COUNT(*) FROM users u JOIN positions p ON p.id = u.position_id "
                           "JOIN org_units c ON c.id = u.unit_id WHERE p.code = 'county_admin' AND c.level = 'county'"),
                     10);
    /* everyone below the county reports to the head of their branch; heads to their county admin */
    assert_int_equal(count(d, "SELECT COUNT(*) FROM users u JOIN positions p ON p.id = u.position_id "
                              "JOIN org_units un ON un.id = u.unit_id JOIN users h ON h.id = u.reports_to "
                              "JOIN positions hp ON hp.id = h.position_id "
                              "WHERE p.code NOT IN ('branch_head', 'county_admin', 'province_admin', 'system_admin') "
                              "AND NOT (hp.code = 'branch_head' AND h.unit_id = CASE un.level WHEN 'branch' THEN un.id "
                              "ELSE un.parent_id END)"),
                     0);
    assert_int_equal(count(d, "SELECT COUNT(*) FROM users u JOIN positions p ON p.id = u.position_id "
                              "JOIN org_units b ON b.id = u.unit_id JOIN users c ON c.id = u.reports_to "
                              "WHERE p.code = 'branch_head' AND c.unit_id = b.parent_id"),
                     count(d, "SELECT COUNT(*) FROM org_units WHERE level = 'branch'"));
    assert_int_equal(count(d, "SELECT COUNT(*) FROM users WHERE reports_to IS NULL"), 2); /* admin, province01 */
    /* the fixed logins */
    assert_int_equal(count(d, "SELECT COUNT(*) FROM users u JOIN positions p ON p.id = u.position_id "
                              "JOIN org_units o ON o.id = u.unit_id WHERE u.username = 'admin' "
                              "AND p.code = 'system_admin' AND o.level = 'province' AND u.display_name = '系统管理员'"),
                     1);
    assert_int_equal(count(d, "SELECT COUNT(*) FROM users u JOIN positions p ON p.id = u.position_id "
                              "JOIN org_units o ON o.id = u.unit_id WHERE u.username = 'county01' "
                              "AND p.code = 'county_admin' AND o.code = '801000'"),
                     1);
    assert_int_equal(count(d, "SELECT COUNT(*) FROM users u JOIN positions p ON p.id = u.position_id "
                              "JOIN org_units o ON o.id = u.unit_id WHERE u.username = 'branch001' "
                              "AND p.code = 'branch_head' AND o.code = '801010'"),
                     1);
    assert_int_equal(count(d, "SELECT COUNT(*) FROM users u JOIN positions p ON p.id = u.position_id "
                              "JOIN org_units o ON o.id = u.unit_id WHERE u.username = 'cm00001' "
                              "AND p.is_custodian = 1 AND o.code = '801011'"),
                     1);
    /* plausible mobiles and credit ids; one password hash, and it is DEMO_PASSWORD */
    assert_int_equal(count(d, "SELECT COUNT(*) FROM users WHERE length(phone) <> 11 OR phone GLOB '*[^0-9]*' "
                              "OR substr(phone, 1, 2) NOT IN ('13', '15', '18', '19')"),
                     0);
    assert_int_equal(count(d, "SELECT COUNT(*) FROM users WHERE username <> 'admin' AND NOT "
                              "(length(credit_id) = 9 AND credit_id GLOB 'C[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]')"),
                     0);
    assert_int_equal(count(d, "SELECT COUNT(DISTINCT password_hash) FROM users"), 1);
    db_stmt *st = db_query(d, "SELECT password_hash FROM users WHERE username = 'cm00001'", "");
    assert_non_null(st);
    assert_int_equal(db_step(st), DB_ROW);
    assert_true(auth_verify_password(db_col_text(st, 0), DEMO_PASSWORD));
    db_reset(st);
}

/* ---- CUS-1: customers ---------------------------------------------------------------------- */

static void cus1_every_resident_id_is_valid_and_matches_birth_and_gender(void **state)
{
    db *d = *state;
    assert_int_equal(count(d, "SELECT COUNT(*) FROM customers"), SMALL);
    db_stmt *st = db_query(d, "SELECT id_number, birth_date, gender FROM customers WHERE kind = 'individual'", "");
    assert_non_null(st);
    int n = 0;
    while (db_step(st) == DB_ROW) {
        const char *id = db_col_text(st, 0), *birth = db_col_text(st, 1), *gender = db_col_text(st, 2);
        assert_int_equal(strlen(id), 18);
        assert_int_equal(demo_id_check_char(id), id[17]);
        char ymd[9] = {birth[0], birth[1], birth[2], birth[3], birth[5], birth[6], birth[8], birth[9], '\0'};
        assert_memory_equal(id + 6, ymd, 8);
        assert_int_equal((id[16] - '0') % 2 == 1, strcmp(gender, "M") == 0); /* odd = male */
        int age = 2026 - atoi(birth) - (strcmp(birth + 5, "07-01") > 0);     /* on the demo's 2026-07-01 */
        assert_in_range(age, 18, 85);
        n++;
    }
    db_reset(st);
    assert_in_range(n, SMALL * 85 / 100, SMALL); /* ~95 % individuals */
    assert_int_equal(count(d, "SELECT COUNT(*) FROM customers WHERE kind = 'individual' AND id_type <> 'resident_id'"),
                     0);
    /* corporate customers: an 18-character credit code, no gender or birth date */
    assert_int_equal(count(d, "SELECT COUNT(*) FROM customers WHERE kind = 'corporate' AND (id_type <> 'uscc' OR "
                              "length(id_number) <> 18 OR gender IS NOT NULL OR birth_date IS NOT NULL)"),
                     0);
    /* unique numbers; mobiles plausible */
    assert_int_equal(count(d, "SELECT COUNT(DISTINCT customer_no) FROM customers"), SMALL);
    assert_int_equal(count(d, "SELECT COUNT(DISTINCT id_number) FROM customers"), SMALL);
    assert_int_equal(count(d, "SELECT COUNT(*) FROM customers WHERE length(mobile) <> 11 OR mobile GLOB '*[^0-9]*'"),
                     0);
    assert_int_equal(count(d, "SELECT COUNT(*) FROM customers WHERE customer_no NOT GLOB 'C[0-9]*' "
                              "OR length(customer_no) <> 13"),
                     0);
    /* customers sit on outlets; the manager is a custodian of the outlet's branch; only
     * potential customers may have none */
    assert_int_equal(count(d, "SELECT COUNT(*) FROM customers c JOIN org_units o ON o.id = c.unit_id "
                              "WHERE o.level <> 'outlet'"),
                     0);
    assert_int_equal(count(d, "SELECT COUNT(*) FROM customers c JOIN org_units o ON o.id = c.unit_id "
                              "JOIN users u ON u.id = c.manager_id JOIN positions p ON p.id = u.position_id "
                              "JOIN org_units mu ON mu.id = u.unit_id WHERE p.is_custodian = 0 OR NOT "
                              "(mu.id = o.parent_id OR mu.parent_id = o.parent_id)"),
                     0);
    assert_int_equal(count(d, "SELECT COUNT(*) FROM customers WHERE manager_id IS NULL AND status <> 'potential'"), 0);
    assert_in_range(count(d, "SELECT COUNT(*) FROM customers WHERE status = 'potential'"), SMALL / 5, SMALL * 2 / 5);
    /* timestamps within the three years before 2026-07-01 (+08:00) */
    assert_int_equal(count(d, "SELECT COUNT(*) FROM customers WHERE created_at < 1688140800000 OR "
                              "created_at >= 1782835200000 OR updated_at < created_at OR updated_at >= 1782835200000"),
                     0);
}

/* ---- determinism, refusal, atomicity --------------------------------------------------------- */

/* All customers, and the users and units, as one string (password hashes excluded:
 * argon2id salts are random). */
static char *dump(db *d)
{
    static const char *const queries[] = {
        "SELECT * FROM customers ORDER BY id",
        "SELECT id, username, display_name, phone, unit_id, position_id, reports_to, credit_id, created_at "
        "FROM users ORDER BY id",
        "SELECT * FROM org_units ORDER BY id",
    };
    size_t cap = 1 << 20, len = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++) {
        db_stmt *st = db_query(d, queries[q], "");
        assert_non_null(st);
        while (db_step(st) == DB_ROW) {
            for (int c = 0; c < db_col_count(st); c++) {
                const char *v = db_col_null(st, c) ? "\\N" : db_col_text(st, c);
                size_t n = strlen(v);
                if (len + n + 2 > cap) {
                    cap *= 2;
                    s = realloc(s, cap);
                    assert_non_null(s);
                }
                memcpy(s + len, v, n);
                len += n;
                s[len++] = '|';
            }
            s[len - 1] = '\n';
        }
        db_reset(st);
    }
    s[len] = '\0';
    return s;
}

static void same_seed_gives_the_same_data(void **state)
{
    (void)state;
    char msg[256];
    db *a = open_db(), *b = open_db(), *c = open_db();
    assert_int_equal(run_demo(a, 200, 42, msg, sizeof msg, NULL, 0), 0);
    assert_int_equal(run_demo(b, 200, 42, msg, sizeof msg, NULL, 0), 0);
    assert_int_equal(run_demo(c, 200, 43, msg, sizeof msg, NULL, 0), 0);
    char *da = dump(a), *db_ = dump(b), *dc = dump(c);
    assert_string_equal(da, db_);
    assert_string_not_equal(da, dc);
    free(da);
    free(db_);
    free(dc);
    db_close(a);
    db_close(b);
    db_close(c);
}

static void refuses_a_database_that_has_data(void **state)
{
    db *d = *state;
    char msg[256];
    assert_int_equal(run_demo(d, 10, 2, msg, sizeof msg, NULL, 0), 1);
    assert_non_null(strstr(msg, "already has data"));
    assert_int_equal(count(d, "SELECT COUNT(*) FROM customers"), SMALL); /* untouched */
}

static void a_failure_leaves_nothing_behind(void **state)
{
    (void)state;
    char msg[256];
    db *d = open_db();
    /* the customers load fails after the org tree and the staff were written */
    assert_int_equal(db_exec(d, "DROP TABLE customers"), DB_OK);
    assert_int_equal(run_demo(d, 10, 1, msg, sizeof msg, NULL, 0), 1);
    assert_non_null(strstr(msg, "customers"));
    assert_int_equal(count(d, "SELECT COUNT(*) FROM org_units"), 0);
    assert_int_equal(count(d, "SELECT COUNT(*) FROM users"), 0);
    db_close(d);
}

static void zero_customers_is_fine(void **state)
{
    (void)state;
    char msg[256];
    db *d = open_db();
    assert_int_equal(run_demo(d, 0, 1, msg, sizeof msg, NULL, 0), 0);
    assert_int_equal(count(d, "SELECT COUNT(*) FROM customers"), 0);
    assert_true(count(d, "SELECT COUNT(*) FROM users") > 800);
    /* the customers indexes were rebuilt */
    assert_int_equal(count(d, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customers' "
                              "AND name IN ('customers_unit', 'customers_manager', 'customers_mobile', "
                              "'customers_id_number', 'customers_name')"),
                     5);
    db_close(d);
}

int main(void)
{
    const struct CMUnitTest standalone[] = {
        cmocka_unit_test(id_check_char_of_known_ids),
        cmocka_unit_test(same_seed_gives_the_same_data),
        cmocka_unit_test(a_failure_leaves_nothing_behind),
        cmocka_unit_test(zero_customers_is_fine),
    };
    const struct CMUnitTest on_demo_db[] = {
        cmocka_unit_test(org1_tree_has_four_levels_and_consistent_paths),
        cmocka_unit_test(org2_staff_positions_and_reporting_lines),
        cmocka_unit_test(cus1_every_resident_id_is_valid_and_matches_birth_and_gender),
        cmocka_unit_test(refuses_a_database_that_has_data), /* last: it must not change the data */
    };
    if (sodium_init() < 0)
        return 1;
    int failed = cmocka_run_group_tests_name("demo", standalone, NULL, NULL);
    failed += cmocka_run_group_tests_name("demo (one generated database)", on_demo_db, setup_demo, teardown_demo);
    return failed;
}
