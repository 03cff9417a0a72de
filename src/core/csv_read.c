/*
 * csv_read.c — the CSV reader of sheet.h on libcsv: the text decoded to UTF-8 first
 * (BOM, UTF-16, GB18030/GBK), control characters refused as a binary file, the
 * delimiter guessed from the first line, then parsed in chunks so that rows come
 * out as they are found.
 */
#include "sheet_impl.h"
#include "util.h"

#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (64u << 10)

struct csv_state {
    struct csv_parser p;
    char *owned; /* the decoded text, when it had to be converted */
    const char *text;
    size_t len, pos;
};

/* Converts len bytes from `from` to UTF-8; NULL when the bytes are not that encoding. */
static char *to_utf8(const char *from, const char *in, size_t len, size_t *out_len)
{
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        return NULL;
    size_t cap = 2 * len + 16;
    char *out = xmalloc(cap);
    char *ip = (char *)in, *op = out;
    size_t il = len, ol = cap;
    size_t rc = iconv(cd, &ip, &il, &op, &ol);
    bool ok = rc != (size_t)-1 && il == 0;
    if (ok) /* flush the shift state */
        ok = iconv(cd, NULL, NULL, &op, &ol) != (size_t)-1;
    iconv_close(cd);
    if (!ok) {
        free(out);
        return NULL;
    }
    *out_len = (size_t)(op - out);
    return out;
}

/* Text may hold tabs and line ends; any other control character means binary. */
static bool has_controls(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
            return true;
    }
    return false;
}

/* The delimiter that occurs most often in the first line, outside quotes. */
static unsigned char guess_delimiter(const char *s, size_t n)
{
    size_t comma = 0, semi = 0, tab = 0;
    bool quoted = false;
    for (size_t i = 0; i < n && i < 65536; i++) {
        char c = s[i];
        if (c == '"')
            quoted = !quoted;
        else if (quoted)
            continue;
        else if (c == '\n' || c == '\r')
            break;
        else if (c == ',')
            comma++;
        else if (c == ';')
            semi++;
        else if (c == '\t')
            tab++;
    }
    if (tab > comma && tab >= semi)
        return '\t';
    if (semi > comma)
        return ';';
    return ',';
}

static int only_space(unsigned char c)
{
    return c == ' ';
}

static void on_field(void *v, size_t n, void *data)
{
    struct sheet *s = data;
    sheet_cell(s, s->n, v ? v : "", v ? n : 0);
}

static void on_row(int c, void *data)
{
    (void)c;
    struct sheet *s = data;
    sheet_row_end(s, s->rows + 1);
}

static err csv_feed(struct sheet *s)
{
    struct csv_state *c = s->impl;
    while (sheet_queue_empty(s) && !s->done && s->error == E_OK) {
        if (c->pos >= c->len) {
            if (csv_fini(&c->p, on_field, on_row, s) != 0)
                sheet_fail(s, E_IMPORT_FILE_FORMAT, s->rows + 1);
            s->done = true;
            break;
        }
        size_t n = c->len - c->pos < CHUNK ? c->len - c->pos : CHUNK;
        if (csv_parse(&c->p, c->text + c->pos, n, on_field, on_row, s) != n)
            sheet_fail(s, E_IMPORT_FILE_FORMAT, s->rows + 1);
        c->pos += n;
    }
    return s->error;
}

static void csv_close(struct sheet *s)
{
    struct csv_state *c = s->impl;
    if (!c)
        return;
    csv_free(&c->p);
    free(c->owned);
    free(c);
    s->impl = NULL;
}

err sheet_csv_open(struct sheet *s, const char *data, size_t len)
{
    const unsigned char *u = (const unsigned char *)data;
    const char *text = data;
    size_t tlen = len;
    char *owned = NULL;
    if (len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff))) {
        /* UTF-16 with its BOM (Excel's "Unicode text") */
        owned = to_utf8(u[0] == 0xff ? "UTF-16LE" : "UTF-16BE", data + 2, len - 2, &tlen);
        if (!owned)
            return E_IMPORT_ENCODING;
        text = owned;
    } else {
        if (memchr(data, '\0', len))
            return E_IMPORT_FILE_FORMAT;
        if (len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) {
            text += 3;
            tlen -= 3;
            if (!utf8_valid(text, tlen))
                return E_IMPORT_ENCODING;
        } else if (!utf8_valid(text, tlen)) {
            /* old Excel on Chinese Windows saves "CSV" in the ANSI code page */
            owned = to_utf8("GB18030", data, len, &tlen);
            if (!owned)
                return E_IMPORT_ENCODING;
            text = owned;
        }
    }
    if (has_controls(text, tlen)) {
        free(owned);
        return E_IMPORT_FILE_FORMAT;
    }
    if (tlen == 0) {
        free(owned);
        return E_IMPORT_FILE_EMPTY;
    }
    struct csv_state *c = xcalloc(1, sizeof *c);
    if (csv_init(&c->p, CSV_APPEND_NULL) != 0) {
        free(owned);
        free(c);
        return E_INTERNAL;
    }
    csv_set_delim(&c->p, guess_delimiter(text, tlen));
    csv_set_space_func(&c->p, only_space);
    c->owned = owned;
    c->text = text;
    c->len = tlen;
    s->impl = c;
    s->feed = csv_feed;
    s->close = csv_close;
    return E_OK;
}
