/*
 * pinyin_gen.c — build-time generator of the Hanzi → pinyin-initial table used by
 * name_initials() (src/customers/pinyin.c, CUS-8). The readings come from the Debian
 * package's ICU data (libicu: CLDR's Han-Latin transforms), nothing is typed by hand:
 *
 *   - "Han-Latin; Latin-ASCII" gives each character its most common Mandarin reading;
 *   - "Han-Latin/Names; Latin-ASCII" gives the reading a character has as a surname
 *     (单 shan, 曾 zeng, 解 xie, 区 ou, 查 zha, 仇 qiu, 乐 yue …).
 *
 * Output (C source on stdout): pinyin_first[] with one letter ('a'…'z', or 0 when
 * ICU knows no reading) for every code point of U+3400…U+9FFF (CJK Extension A and
 * the Unified Ideographs), and pinyin_surname[] with the characters whose surname
 * reading starts with another letter, sorted by code point.
 *
 *   cc -o pinyin_gen scripts/pinyin_gen.c $(pkg-config --cflags --libs icu-uc icu-i18n)
 */
#include <stdio.h>
#include <stdlib.h>
#include <unicode/utrans.h>
#include <unicode/ustring.h>

#define FIRST 0x3400
#define LAST 0x9FFF

static UTransliterator *open_trans(const char *id)
{
    UChar uid[64];
    UErrorCode e = U_ZERO_ERROR;
    u_uastrcpy(uid, id);
    UTransliterator *t = utrans_openU(uid, -1, UTRANS_FORWARD, NULL, 0, NULL, &e);
    if (U_FAILURE(e)) {
        fprintf(stderr, "pinyin_gen: ICU transliterator %s: %s\n", id, u_errorName(e));
        exit(1);
    }
    return t;
}

/* The first letter of the reading of code point c, or 0. */
static char initial(UTransliterator *t, int c)
{
    UChar buf[64];
    int32_t len = 0, limit;
    UErrorCode e = U_ZERO_ERROR;
    U16_APPEND_UNSAFE(buf, len, c);
    limit = len;
    utrans_transUChars(t, buf, &len, (int32_t)(sizeof buf / sizeof buf[0]), 0, &limit, &e);
    if (U_FAILURE(e) || len < 1)
        return 0;
    UChar first = buf[0];
    if (first >= 'A' && first <= 'Z')
        first = (UChar)(first - 'A' + 'a');
    return first >= 'a' && first <= 'z' ? (char)first : 0;
}

int main(void)
{
    UTransliterator *common = open_trans("Han-Latin; Latin-ASCII");
    UTransliterator *names = open_trans("Han-Latin/Names; Latin-ASCII");
    static char first[LAST - FIRST + 1];
    int known = 0;
    printf("/* Generated at build time by scripts/pinyin_gen.c from ICU %s (Han-Latin). Do not edit. */\n",
           U_ICU_VERSION);
    printf("#include \"customers/pinyin.h\"\n\n");
    printf("const int pinyin_first_lo = 0x%X, pinyin_first_hi = 0x%X;\n", FIRST, LAST);
    printf("const char pinyin_first[] =\n\"");
    for (int c = FIRST; c <= LAST; c++) {
        first[c - FIRST] = initial(common, c);
        known += first[c - FIRST] != 0;
        printf("%s%c", first[c - FIRST] ? "" : "\\", first[c - FIRST] ? first[c - FIRST] : '0');
        if ((c - FIRST) % 64 == 63 && c != LAST)
            printf("\"\n\"");
    }
    printf("\";\n\nconst struct pinyin_surname pinyin_surname[] = {\n");
    int nsur = 0;
    for (int c = FIRST; c <= LAST; c++) {
        char s = initial(names, c);
        if (s && s != first[c - FIRST]) {
            printf("    {0x%X, '%c'},\n", c, s);
            nsur++;
        }
    }
    printf("};\nconst int npinyin_surname = %d;\n", nsur);
    fprintf(stderr, "pinyin_gen: %d characters with a reading, %d surname readings\n", known, nsur);
    utrans_close(common);
    utrans_close(names);
    return 0;
}
