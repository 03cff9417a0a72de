/*
 * mine_test.c — the pure helpers of the Mine page and the audit search: Shanghai
 * day bounds (AUTH-7), name/phone/text checks (AUTH-1, MOB-2), the QR link check
 * and the SVG builder (MOB-2), and the 400–419 error entries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "audit/audit_search.h"
#include "core/util.h"
#include "mine/mine.h"

#include <stdlib.h>
#include <string.h>

static void auth7_day_bounds_are_shanghai_midnights(void **state)
{
    (void)state;
    int64_t start, end;
    assert_true(audit_day_bounds("1970-01-01", &start, &end));
    assert_int_equal(start, -8 * 3600 * 1000);
    assert_int_equal(end, 16 * 3600 * 1000);
    /* 2026-07-01 00:00 +08:00 is 2026-06-30 16:00 UTC = 1782835200000 */
    assert_true(audit_day_bounds("2026-07-01", &start, &end));
    assert_int_equal(start, INT64_C(1782835200000));
    assert_int_equal(end - start, INT64_C(86400000));
    /* leap days */
    assert_true(audit_day_bounds("2024-02-29", &start, &end));
    assert_true(audit_day_bounds("2000-02-29", &start, &end));
    assert_int_equal(start, INT64_C(951753600000));
    assert_true(audit_day_bounds("2024-12-31", &start, &end));
    int64_t dec31 = start;
    assert_true(audit_day_bounds("2025-01-01", &start, &end));
    assert_int_equal(start - dec31, INT64_C(86400000));
}

static void auth7_day_bounds_refuse_non_dates(void **state)
{
    (void)state;
    int64_t s, e;
    const char *bad[] = {"",           "2026-7-1",   "2026/07/01",  "2026-13-01", "2026-00-10",
                         "2026-02-29", "1900-02-29", "2026-04-31",  "2026-01-32", "2026-01-00",
                         "1969-12-31", "20260701",   "2026-07-01x", "2026-07-0a", "+026-07-01"};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++)
        assert_false(audit_day_bounds(bad[i], &s, &e));
    assert_false(audit_day_bounds(NULL, &s, &e));
}

static void auth1_phone_numbers(void **state)
{
    (void)state;
    const char *good[] = {"13812345678",  "19912345678",       "010-12345678", "0571-8888666",
                          "057188886666", "0755-88886666-801", "02112345678"};
    const char *bad[] = {"",
                         "12812345678",
                         "1381234567",
                         "138123456789",
                         "+8613812345678",
                         "138-1234-5678",
                         "0571-088886666",
                         "571-88886666",
                         "0571-888866",
                         "0571-888866661",
                         "0571-88886666-",
                         "0571-88886666-1234567",
                         "00571-88886666",
                         "0571 88886666",
                         "abcdefghijk"};
    for (size_t i = 0; i < ARRAY_LEN(good); i++)
        assert_true(mine_phone_ok(good[i]));
    for (size_t i = 0; i < ARRAY_LEN(bad); i++)
        assert_false(mine_phone_ok(bad[i]));
}

static void auth1_names_and_texts(void **state)
{
    (void)state;
    assert_true(mine_name_ok("张三"));
    assert_true(mine_name_ok("A"));
    assert_false(mine_name_ok(""));
    assert_false(mine_name_ok("a\tb"));
    assert_false(mine_name_ok("a\xc2\x85"
                              "b")); /* U+0085, a C1 control */
    char name[3 * 51 + 1] = "";
    for (int i = 0; i < 50; i++)
        strcat(name, "张");
    assert_int_equal(mine_chars(name), 50);
    assert_true(mine_name_ok(name)); /* 50 characters, 150 bytes */
    strcat(name, "张");
    assert_false(mine_name_ok(name));

    assert_true(mine_text_ok("第一行\n第二行\t!", 100, true));
    assert_false(mine_text_ok("第一行\n第二行", 100, false));
    assert_false(mine_text_ok("bell\a", 100, true));
}

static void mob2_trim_removes_ascii_and_ideographic_spaces(void **state)
{
    (void)state;
    arena *a = arena_new(256);
    assert_string_equal(mine_trim(a, "  张三 \t"), "张三");
    assert_string_equal(mine_trim(a, "\xe3\x80\x80李四\xe3\x80\x80"), "李四");
    assert_string_equal(mine_trim(a, "a b"), "a b");
    assert_string_equal(mine_trim(a, " \n "), "");
    assert_string_equal(mine_trim(a, ""), "");
    arena_free(a);
}

static void mob2_qr_links(void **state)
{
    (void)state;
    assert_true(mine_qr_url_ok("https://crm.example.cn/"));
    assert_true(mine_qr_url_ok("http://127.0.0.1:8080"));
    assert_true(mine_qr_url_ok("HTTPS://example.cn/路径?q=1"));
    assert_false(mine_qr_url_ok("javascript:alert(1)"));
    assert_false(mine_qr_url_ok("ftp://example.cn/"));
    assert_false(mine_qr_url_ok("https://"));
    assert_false(mine_qr_url_ok("https:///path"));
    assert_false(mine_qr_url_ok("https://exa mple.cn/"));
    assert_false(mine_qr_url_ok("https://example.cn/\n"));
    assert_false(mine_qr_url_ok(""));
    assert_false(mine_qr_url_ok(NULL));
    char long_url[600] = "https://example.cn/";
    while (strlen(long_url) < 512)
        strcat(long_url, "a");
    assert_true(mine_qr_url_ok(long_url));
    strcat(long_url, "a");
    assert_false(mine_qr_url_ok(long_url));
}

static void mob2_svg_of_modules_has_quiet_zone_and_runs(void **state)
{
    (void)state;
    /* 3×3: row 0 all dark, row 1 dark-light-dark, row 2 light; only bit 0 counts. */
    const unsigned char m[9] = {1, 3, 0xff, 1, 2, 1, 0, 0, 0};
    jw w;
    jw_init(&w, 64);
    mine_qr_svg_modules(&w, m, 3);
    char *svg = jw_take(&w);
    assert_non_null(strstr(svg, "viewBox=\"0 0 11 11\""));
    assert_non_null(strstr(svg, "<rect width=\"11\" height=\"11\" fill=\"#fff\"/>"));
    assert_non_null(strstr(svg, "d=\"M4 4h3v1h-3zM4 5h1v1h-1zM6 5h1v1h-1z\""));
    assert_true(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0);
    assert_non_null(strstr(svg, "</svg>"));
    free(svg);
}

static void mob2_qr_svg_of_a_link_starts_with_a_finder_pattern(void **state)
{
    (void)state;
    jw w;
    jw_init(&w, 64);
    assert_true(mine_qr_svg(&w, "https://crm.example.cn/"));
    char *svg = jw_take(&w);
    /* version 2 (25 modules) + 2 × 4 quiet modules; the top-left finder's first row */
    assert_non_null(strstr(svg, "viewBox=\"0 0 33 33\""));
    assert_non_null(strstr(svg, "d=\"M4 4h7v1h-7z"));
    free(svg);
}

static void errors_400_to_419_are_complete(void **state)
{
    (void)state;
    for (int e = E_PROFILE_NAME_INVALID; e <= E_QR_URL_INVALID; e++) {
        const struct err_info *ei = err_info((err)e);
        assert_int_equal(ei->e, e);
        assert_true(ei->status == 404 || ei->status == 409 || ei->status == 422);
        assert_non_null(strchr(ei->code, '.'));
        assert_true(strlen(ei->zh) > 0 && strlen(ei->en) > 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(auth7_day_bounds_are_shanghai_midnights),
        cmocka_unit_test(auth7_day_bounds_refuse_non_dates),
        cmocka_unit_test(auth1_phone_numbers),
        cmocka_unit_test(auth1_names_and_texts),
        cmocka_unit_test(mob2_trim_removes_ascii_and_ideographic_spaces),
        cmocka_unit_test(mob2_qr_links),
        cmocka_unit_test(mob2_svg_of_modules_has_quiet_zone_and_runs),
        cmocka_unit_test(mob2_qr_svg_of_a_link_starts_with_a_finder_pattern),
        cmocka_unit_test(errors_400_to_419_are_complete),
    };
    return cmocka_run_group_tests_name("mine", tests, NULL, NULL);
}
