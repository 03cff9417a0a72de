/*
 * pinyin.c — pinyin initials and quick-search classification (see pinyin.h).
 */
#include "customers/pinyin.h"

#include <stdbool.h>
#include <string.h>

/* Decodes one UTF-8 sequence at s (assumed valid: the HTTP layer and the database
 * hold valid UTF-8); returns the code point and sets *len. */
static int utf8_next(const unsigned char *s, int *len)
{
    if (s[0] < 0x80) {
        *len = 1;
        return s[0];
    }
    if ((s[0] & 0xE0) == 0xC0 && s[1]) {
        *len = 2;
        return (s[0] & 0x1F) << 6 | (s[1] & 0x3F);
    }
    if ((s[0] & 0xF0) == 0xE0 && s[1] && s[2]) {
        *len = 3;
        return (s[0] & 0x0F) << 12 | (s[1] & 0x3F) << 6 | (s[2] & 0x3F);
    }
    if ((s[0] & 0xF8) == 0xF0 && s[1] && s[2] && s[3]) {
        *len = 4;
        return (s[0] & 0x07) << 18 | (s[1] & 0x3F) << 12 | (s[2] & 0x3F) << 6 | (s[3] & 0x3F);
    }
    *len = 1; /* a stray byte: skipped */
    return -1;
}

static char surname_letter(int cp)
{
    int lo = 0, hi = npinyin_surname - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (pinyin_surname[mid].cp == cp)
            return pinyin_surname[mid].letter;
        if (pinyin_surname[mid].cp < cp)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return 0;
}

size_t pinyin_initials(const char *name, char *out, size_t cap)
{
    size_t n = 0;
    bool first = true;
    if (!cap)
        return 0;
    for (const unsigned char *s = (const unsigned char *)(name ? name : ""); *s && n + 1 < cap;) {
        int len, cp = utf8_next(s, &len);
        char c = 0;
        if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
            c = (char)cp;
        else if (cp >= 'A' && cp <= 'Z')
            c = (char)(cp - 'A' + 'a');
        else if (cp >= pinyin_first_lo && cp <= pinyin_first_hi) {
            c = first ? surname_letter(cp) : 0;
            if (!c)
                c = pinyin_first[cp - pinyin_first_lo];
        }
        if (c)
            out[n++] = c;
        if (cp > ' ')
            first = false;
        s += len;
    }
    out[n] = '\0';
    return n;
}

const char *name_initials(arena *a, const char *name)
{
    if (!name)
        return NULL;
    size_t cap = strlen(name) + 1; /* never more initials than bytes */
    char *out = arena_alloc(a, cap);
    pinyin_initials(name, out, cap);
    return out;
}

enum quick_kind quick_classify(arena *a, const char *text, const char **norm)
{
    *norm = NULL;
    if (!text)
        return QK_NONE;
    while (*text == ' ' || *text == '\t')
        text++;
    size_t n = strlen(text);
    while (n && (text[n - 1] == ' ' || text[n - 1] == '\t'))
        n--;
    if (!n)
        return QK_NONE;
    char *k = arena_strndup(a, text, n);
    bool digits = false, letters = false, other = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)k[i];
        if (c >= '0' && c <= '9')
            digits = true;
        else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            letters = true;
        else
            other = true;
    }
    *norm = k;
    if (other)
        return QK_NAME;
    if (!letters)
        return QK_DIGITS;
    for (size_t i = 0; i < n; i++)
        if (digits && k[i] >= 'a' && k[i] <= 'z')
            k[i] = (char)(k[i] - 'a' + 'A');
        else if (!digits && k[i] >= 'A' && k[i] <= 'Z')
            k[i] = (char)(k[i] - 'A' + 'a');
    return digits ? QK_CODE : QK_INITIALS;
}

const char *prefix_upper(arena *a, const char *prefix)
{
    size_t n = strlen(prefix);
    if (!n)
        return arena_strdup(a, "\xF4\x8F\xBF\xBF"); /* U+10FFFF: above every text */
    /* find the start of the last code point */
    size_t start = n - 1;
    while (start > 0 && ((unsigned char)prefix[start] & 0xC0) == 0x80)
        start--;
    int len, cp = utf8_next((const unsigned char *)prefix + start, &len);
    cp = cp < 0 ? 0x80 : cp + 1;
    if (cp >= 0xD800 && cp <= 0xDFFF)
        cp = 0xE000;
    char *out = arena_alloc(a, start + 5);
    memcpy(out, prefix, start);
    char *p = out + start;
    if (cp < 0x80)
        *p++ = (char)cp;
    else if (cp < 0x800) {
        *p++ = (char)(0xC0 | cp >> 6);
        *p++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *p++ = (char)(0xE0 | cp >> 12);
        *p++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *p++ = (char)(0x80 | (cp & 0x3F));
    } else {
        if (cp > 0x10FFFF)
            cp = 0x10FFFF;
        *p++ = (char)(0xF0 | cp >> 18);
        *p++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *p++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *p++ = (char)(0x80 | (cp & 0x3F));
    }
    *p = '\0';
    return out;
}
