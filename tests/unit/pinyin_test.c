/*
 * pinyin_test.c — CUS-8 pinyin initials (the ICU-generated table, surname readings,
 * ASCII kept) and the classification of quick-search texts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/arena.h"
#include "customers/pinyin.h"

#include <string.h>

static void initials_of_common_names(void **state)
{
    (void)state;
    arena *a = arena_new(1024);
    assert_string_equal(name_initials(a, "张三"), "zs");
    assert_string_equal(name_initials(a, "李小龙"), "lxl");
    assert_string_equal(name_initials(a, "欧阳娜娜"), "oynn");
    assert_string_equal(name_initials(a, "云溪泰春农产品加工有限公司"), "yxtcncpjgyxgs");
    assert_string_equal(name_initials(a, "  王 五 "), "ww");
    assert_string_equal(name_initials(a, ""), "");
    assert_null(name_initials(a, NULL));
    arena_free(a);
}

static void surname_reading_applies_to_the_first_character_only(void **state)
{
    (void)state;
    arena *a = arena_new(1024);
    assert_string_equal(name_initials(a, "单田芳"), "stf"); /* 单 as a surname: shan */
    assert_string_equal(name_initials(a, "曾国藩"), "zgf");  /* zeng, not ceng */
    assert_string_equal(name_initials(a, "解缙"), "xj");     /* xie */
    assert_string_equal(name_initials(a, "区志强"), "ozq");  /* ou */
    assert_string_equal(name_initials(a, "查良镛"), "zly");  /* zha */
    assert_string_equal(name_initials(a, "简单"), "jd");     /* elsewhere the common reading: dan */
    assert_string_equal(name_initials(a, "长江"), "cj");     /* chang */
    arena_free(a);
}

static void ascii_is_kept_other_characters_skipped(void **state)
{
    (void)state;
    arena *a = arena_new(1024);
    assert_string_equal(name_initials(a, "IBM中国"), "ibmzg");
    assert_string_equal(name_initials(a, "3M公司"), "3mgs");
    assert_string_equal(name_initials(a, "张·三（测试）"), "zscs");
    assert_string_equal(name_initials(a, "\xF0\xA0\x80\x80张"), "z"); /* U+20000: no reading in the table */
    char out[3];
    assert_int_equal(pinyin_initials("张三丰", out, sizeof out), 2); /* truncated, terminated */
    assert_string_equal(out, "zs");
    arena_free(a);
}

static void quick_search_texts_are_classified(void **state)
{
    (void)state;
    arena *a = arena_new(1024);
    const char *k;
    assert_int_equal(quick_classify(a, "", &k), QK_NONE);
    assert_int_equal(quick_classify(a, "   ", &k), QK_NONE);
    assert_int_equal(quick_classify(a, NULL, &k), QK_NONE);
    assert_int_equal(quick_classify(a, " 1385 ", &k), QK_DIGITS);
    assert_string_equal(k, "1385");
    assert_int_equal(quick_classify(a, "c100000000065", &k), QK_CODE);
    assert_string_equal(k, "C100000000065");
    assert_int_equal(quick_classify(a, "11010519491231002x", &k), QK_CODE);
    assert_string_equal(k, "11010519491231002X");
    assert_int_equal(quick_classify(a, "ZS", &k), QK_INITIALS);
    assert_string_equal(k, "zs");
    assert_int_equal(quick_classify(a, "张三", &k), QK_NAME);
    assert_string_equal(k, "张三");
    assert_int_equal(quick_classify(a, "zhang san", &k), QK_NAME); /* a space: not initials */
    arena_free(a);
}

static void prefix_upper_bounds(void **state)
{
    (void)state;
    arena *a = arena_new(1024);
    assert_string_equal(prefix_upper(a, "zs"), "zt");
    assert_string_equal(prefix_upper(a, "139"), "13:");
    assert_string_equal(prefix_upper(a, "张"), "\xE5\xBC\xA1"); /* U+5F20 → U+5F21 */
    assert_true(strcmp("张三", prefix_upper(a, "张")) < 0);
    assert_true(strcmp("张", prefix_upper(a, "张")) < 0);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(initials_of_common_names),
        cmocka_unit_test(surname_reading_applies_to_the_first_character_only),
        cmocka_unit_test(ascii_is_kept_other_characters_skipped),
        cmocka_unit_test(quick_search_texts_are_classified),
        cmocka_unit_test(prefix_upper_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
