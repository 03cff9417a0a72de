/*
 * captcha_test.c — the AUTH-2 captcha generator: a PNG of the agreed size, an
 * answer of 4–5 characters from the alphabet without look-alikes, different each
 * time. FINCRM_CAPTCHA_SAMPLE=file.png writes one image to look at.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "auth/captcha.h"

#include <gd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* SPEC AUTH-2: a PNG (signature and dimensions) with a 4–5 character answer. */
static void auth2_captcha_is_a_png_with_a_short_answer(void **state)
{
    (void)state;
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    int lengths[CAPTCHA_MAX_LEN + 1] = {0};
    for (int i = 0; i < 200; i++) {
        char answer[CAPTCHA_MAX_LEN + 1];
        void *png = NULL;
        int len = 0;
        assert_int_equal(captcha_make(answer, &png, &len), 0);
        assert_non_null(png);
        assert_true(len > 200 && len < 40000);
        assert_memory_equal(png, sig, sizeof sig);
        size_t n = strlen(answer);
        assert_in_range(n, CAPTCHA_MIN_LEN, CAPTCHA_MAX_LEN);
        lengths[n]++;
        for (size_t k = 0; k < n; k++)
            assert_non_null(strchr(captcha_alphabet, answer[k]));
        if (i == 0) {
            gdImagePtr im = gdImageCreateFromPngPtr(len, png);
            assert_non_null(im);
            assert_int_equal(gdImageSX(im), CAPTCHA_WIDTH);
            assert_int_equal(gdImageSY(im), CAPTCHA_HEIGHT);
            gdImageDestroy(im);
            const char *sample = getenv("FINCRM_CAPTCHA_SAMPLE");
            FILE *f = sample ? fopen(sample, "wb") : NULL;
            if (f) {
                fwrite(png, 1, (size_t)len, f);
                fclose(f);
                printf("sample %s: %s\n", sample, answer);
            }
        }
        captcha_free(png);
    }
    assert_true(lengths[4] > 0 && lengths[5] > 0); /* both lengths occur */
}

/* SPEC AUTH-2: no ambiguous characters (0/O, 1/I/L) in the alphabet; lower case is
 * never produced (answers are checked case-insensitively). */
static void auth2_captcha_alphabet_is_unambiguous(void **state)
{
    (void)state;
    for (const char *p = "0O1IL"; *p; p++)
        assert_null(strchr(captcha_alphabet, *p));
    for (const char *p = captcha_alphabet; *p; p++)
        assert_true((*p >= 'A' && *p <= 'Z') || (*p >= '2' && *p <= '9'));
}

/* SPEC AUTH-2: answers are random: 50 draws are not all the same. */
static void auth2_captcha_answers_differ(void **state)
{
    (void)state;
    char first[CAPTCHA_MAX_LEN + 1], other[CAPTCHA_MAX_LEN + 1];
    void *png;
    int len, same = 0;
    assert_int_equal(captcha_make(first, &png, &len), 0);
    captcha_free(png);
    for (int i = 0; i < 50; i++) {
        assert_int_equal(captcha_make(other, &png, &len), 0);
        captcha_free(png);
        same += strcmp(first, other) == 0;
    }
    assert_true(same < 3);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(auth2_captcha_is_a_png_with_a_short_answer),
        cmocka_unit_test(auth2_captcha_alphabet_is_unambiguous),
        cmocka_unit_test(auth2_captcha_answers_differ),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
