/*
 * jw.c — the streaming JSON writer (jw.h).
 */
#include "jw.h"
#include "util.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jw_init(jw *w, size_t cap)
{
    memset(w, 0, sizeof *w);
    w->cap = cap < 64 ? 64 : cap;
    w->s = xmalloc(w->cap);
    w->s[0] = '\0';
}

char *jw_take(jw *w)
{
    char *s = w->s;
    w->s = NULL;
    w->len = w->cap = 0;
    return s;
}

void jw_dispose(jw *w) { free(jw_take(w)); }

static void reserve(jw *w, size_t n)
{
    if (w->len + n + 1 <= w->cap)
        return;
    size_t cap = w->cap * 2;
    while (cap < w->len + n + 1)
        cap *= 2;
    char *s = realloc(w->s, cap);
    if (!s) {
        fprintf(stderr, "fincrm: out of memory (json %zu bytes)\n", cap);
        abort();
    }
    w->s = s;
    w->cap = cap;
}

void jw_append(jw *w, const char *s, size_t n)
{
    reserve(w, n);
    memcpy(w->s + w->len, s, n);
    w->len += n;
    w->s[w->len] = '\0';
}

static void putc1(jw *w, char c)
{
    reserve(w, 1);
    w->s[w->len++] = c;
    w->s[w->len] = '\0';
}

/* Writes the comma that separates this value from the previous one, if needed. */
static void sep(jw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->need_comma[w->depth])
        putc1(w, ',');
    w->need_comma[w->depth] = true;
}

static void open(jw *w, char o, char c)
{
    sep(w);
    assert(w->depth < JW_MAX_DEPTH);
    putc1(w, o);
    w->depth++;
    w->need_comma[w->depth] = false;
    w->closer[w->depth] = c;
}

void jw_obj(jw *w) { open(w, '{', '}'); }
void jw_arr(jw *w) { open(w, '[', ']'); }

void jw_end(jw *w)
{
    assert(w->depth > 0);
    putc1(w, w->closer[w->depth]);
    w->depth--;
}

static void escaped(jw *w, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    reserve(w, n + 2);
    w->s[w->len++] = '"';
    size_t run = 0; /* start of the pending run of plain bytes */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char ubuf[7];
        if (c >= 0x20 && c != '"' && c != '\\' && !(c == '/' && i > 0 && s[i - 1] == '<'))
            continue;
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        case '/': esc = "\\/"; break;
        default:
            ubuf[0] = '\\', ubuf[1] = 'u', ubuf[2] = '0', ubuf[3] = '0';
            ubuf[4] = hex[c >> 4], ubuf[5] = hex[c & 15], ubuf[6] = '\0';
            esc = ubuf;
        }
        jw_append(w, s + run, i - run);
        jw_append(w, esc, strlen(esc));
        run = i + 1;
    }
    jw_append(w, s + run, n - run);
    putc1(w, '"');
}

void jw_key(jw *w, const char *key)
{
    sep(w);
    escaped(w, key, strlen(key));
    putc1(w, ':');
    w->after_key = true;
}

void jw_strn(jw *w, const char *s, size_t n)
{
    sep(w);
    escaped(w, s, n);
}

void jw_str(jw *w, const char *s)
{
    if (!s) {
        jw_null(w);
        return;
    }
    jw_strn(w, s, strlen(s));
}

void jw_int(jw *w, int64_t v)
{
    char buf[24];
    int n = snprintf(buf, sizeof buf, "%lld", (long long)v);
    sep(w);
    jw_append(w, buf, (size_t)n);
}

void jw_bool(jw *w, bool v)
{
    sep(w);
    jw_append(w, v ? "true" : "false", v ? 4 : 5);
}

void jw_null(jw *w)
{
    sep(w);
    jw_append(w, "null", 4);
}

void jw_raw(jw *w, const char *json, size_t n)
{
    sep(w);
    jw_append(w, json, n);
}

void jw_kstr(jw *w, const char *key, const char *s) { jw_key(w, key), jw_str(w, s); }
void jw_kint(jw *w, const char *key, int64_t v) { jw_key(w, key), jw_int(w, v); }
void jw_kbool(jw *w, const char *key, bool v) { jw_key(w, key), jw_bool(w, v); }
void jw_knull(jw *w, const char *key) { jw_key(w, key), jw_null(w); }
void jw_kobj(jw *w, const char *key) { jw_key(w, key), jw_obj(w); }
void jw_karr(jw *w, const char *key) { jw_key(w, key), jw_arr(w); }
