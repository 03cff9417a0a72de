/*
 * pinyin.h — pinyin initials of names (CUS-8: `zs` finds 张三) and the classification
 * of a quick-search text, so that each kind of text is looked up through one index.
 *
 * The Hanzi → initial table is generated at build time from ICU's Han-Latin
 * transforms (scripts/pinyin_gen.c, Debian's libicu data); nothing is typed by hand.
 *
 * Rules (documented in docs/guide, 客户查询):
 *   - each Hanzi of U+3400…U+9FFF gives the first letter of its most common Mandarin
 *     reading (ICU/CLDR Han-Latin: 张三 → zs, 银行 → yh);
 *   - polyphonic characters: one reading only, the most common one, except the FIRST
 *     character of the name, which takes its reading as a surname when it has one
 *     (ICU Han-Latin/Names: 单 → s, 曾 → z, 解 → x, 区 → o, 查 → z, 乐 → y);
 *   - ASCII letters and digits are kept, lower-cased (IBM中国 → ibmzg); everything
 *     else (spaces, punctuation, characters ICU has no reading for) is skipped.
 */
#ifndef FINCRM_PINYIN_H
#define FINCRM_PINYIN_H

#include "core/arena.h"

#include <stddef.h>

/* The generated table (build/gen/pinyin_table.c). */
struct pinyin_surname {
    int cp;
    char letter;
};
extern const int pinyin_first_lo, pinyin_first_hi;
extern const char pinyin_first[];
extern const struct pinyin_surname pinyin_surname[];
extern const int npinyin_surname;

/* The initials of name ("" when it has none); an arena string. NULL name → NULL. */
const char *name_initials(arena *a, const char *name);
/* The same into out (cap bytes, always terminated); returns the length written. */
size_t pinyin_initials(const char *name, char *out, size_t cap);

/* What a quick-search text is (after trimming), and so which index answers it. */
enum quick_kind {
    QK_NONE,     /* empty */
    QK_DIGITS,   /* 0-9 only: phone, customer number or ID number prefix */
    QK_CODE,     /* ASCII letters and digits mixed (C000001, 11010519…X, USCC): customer or ID number */
    QK_INITIALS, /* ASCII letters only: pinyin initials (zs → 张三) */
    QK_NAME,     /* anything else (Hanzi, spaces, …): name prefix */
};
/* Classifies text; *norm gets the normalised search key (trimmed; upper case for
 * QK_CODE, lower case for QK_INITIALS) as an arena string. */
enum quick_kind quick_classify(arena *a, const char *text, const char **norm);

/* The smallest string greater than every string that starts with prefix: prefix with
 * its last code point incremented (valid UTF-8, so PostgreSQL accepts it too). */
const char *prefix_upper(arena *a, const char *prefix);

#endif
