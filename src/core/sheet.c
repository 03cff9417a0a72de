/*
 * sheet.c — the reader interface of sheet.h over the CSV (csv_read.c) and XLSX
 * (xlsx_read.c) readers: format detection, the row builder and its limits, the
 * queue of finished rows.
 */
#include "sheet_impl.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

const struct sheet_limits sheet_default_limits = {
    .max_bytes = 20u << 20,
    .max_unpacked = 256u << 20,
    .max_rows = 200001,
    .max_cell = 6000,
    .max_cols = 100,
};

struct qrow {
    int64_t no;
    int n;
    const char **cells;
    char data[];
};

err sheet_fail(struct sheet *s, err e, int64_t row)
{
    if (s->error == E_OK) {
        s->error = e;
        s->error_row = row;
    }
    return s->error;
}

static void buf_put(struct sheet *s, const char *v, size_t n)
{
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 1024;
        while (cap < s->len + n + 1)
            cap *= 2;
        char *nb = realloc(s->buf, cap);
        if (!nb)
            abort();
        s->buf = nb;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, v, n);
    s->len += n;
    s->buf[s->len++] = '\0';
}

static void cell_push(struct sheet *s, const char *v, size_t n)
{
    if (s->n == s->ncap) {
        s->ncap = s->ncap ? s->ncap * 2 : 16;
        s->offs = realloc(s->offs, (size_t)s->ncap * sizeof *s->offs);
        if (!s->offs)
            abort();
    }
    s->offs[s->n++] = s->len;
    buf_put(s, v, n);
}

err sheet_cell(struct sheet *s, int col, const char *v, size_t n)
{
    if (s->error)
        return s->error;
    if (n > s->lim.max_cell)
        return sheet_fail(s, E_IMPORT_CELL_TOO_LONG, s->rows + 1);
    if (col < s->n)
        return sheet_fail(s, s->format == SHEET_XLSX ? E_IMPORT_XLSX_BROKEN : E_IMPORT_FILE_FORMAT, s->rows + 1);
    if (n == 0 && s->format == SHEET_XLSX)
        return E_OK; /* a styled empty cell: nothing to keep */
    if (col >= s->lim.max_cols)
        return sheet_fail(s, E_IMPORT_TOO_MANY_COLUMNS, s->rows + 1);
    while (s->n < col)
        cell_push(s, "", 0);
    cell_push(s, v, n);
    return E_OK;
}

err sheet_row_end(struct sheet *s, int64_t no)
{
    if (s->error)
        return s->error;
    if (no > s->lim.max_rows || s->rows >= s->lim.max_rows)
        return sheet_fail(s, E_IMPORT_TOO_MANY_ROWS, no);
    int n = s->n; /* trailing empty cells are dropped */
    while (n > 0 && s->buf[s->offs[n - 1]] == '\0')
        n--;
    size_t data = n ? s->offs[n - 1] + strlen(s->buf + s->offs[n - 1]) + 1 : 0;
    size_t cells_at = (sizeof(struct qrow) + data + 15) & ~(size_t)15;
    struct qrow *r = malloc(cells_at + (size_t)(n + 1) * sizeof(char *));
    if (!r)
        abort();
    r->no = no;
    r->n = n;
    if (data)
        memcpy(r->data, s->buf, data);
    r->cells = (const char **)(void *)((char *)r + cells_at);
    for (int i = 0; i < n; i++)
        r->cells[i] = r->data + s->offs[i];
    r->cells[n] = NULL;
    if (s->qhead + s->qlen == s->qcap) {
        if (s->qhead > 0) { /* move the waiting rows to the front */
            memmove(s->q, s->q + s->qhead, s->qlen * sizeof *s->q);
            s->qhead = 0;
        } else {
            s->qcap = s->qcap ? s->qcap * 2 : 64;
            s->q = realloc(s->q, s->qcap * sizeof *s->q);
            if (!s->q)
                abort();
        }
    }
    s->q[s->qhead + s->qlen++] = r;
    s->rows++;
    s->n = 0;
    s->len = 0;
    return E_OK;
}

bool sheet_queue_empty(const struct sheet *s)
{
    return s->qlen == 0;
}

static bool is_zip(const unsigned char *p, size_t len)
{
    return len >= 4 && p[0] == 'P' && p[1] == 'K' && p[2] == 3 && p[3] == 4;
}

/* Office's older binary formats (.xls, .doc): a compound document. */
static bool is_ole(const unsigned char *p, size_t len)
{
    static const unsigned char magic[8] = {0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1};
    return len >= 8 && memcmp(p, magic, 8) == 0;
}

sheet *sheet_open(const void *data, size_t len, const struct sheet_limits *lim, err *e)
{
    if (!lim)
        lim = &sheet_default_limits;
    if (len == 0) {
        *e = E_IMPORT_FILE_EMPTY;
        return NULL;
    }
    if (len > lim->max_bytes) {
        *e = E_IMPORT_FILE_TOO_LARGE;
        return NULL;
    }
    const unsigned char *p = data;
    if (is_ole(p, len)) {
        *e = E_IMPORT_FILE_FORMAT;
        return NULL;
    }
    sheet *s = xcalloc(1, sizeof *s);
    s->lim = *lim;
    if (is_zip(p, len)) {
        s->format = SHEET_XLSX;
        *e = sheet_xlsx_open(s, data, len);
    } else {
        s->format = SHEET_CSV;
        *e = sheet_csv_open(s, data, len);
    }
    if (*e != E_OK) {
        sheet_close(s);
        return NULL;
    }
    return s;
}

enum sheet_format sheet_format_of(const sheet *s)
{
    return s->format;
}

err sheet_next(sheet *s, struct sheet_row *row)
{
    free(s->given);
    s->given = NULL;
    *row = (struct sheet_row){0};
    while (s->qlen == 0 && !s->done && s->error == E_OK)
        s->feed(s);
    /* rows finished before an error are still given, so the caller learns how far
     * the file was good; the error comes after them */
    if (s->qlen == 0)
        return s->error;
    struct qrow *r = s->q[s->qhead++];
    s->qlen--;
    if (s->qlen == 0)
        s->qhead = 0;
    s->given = r;
    row->no = r->no;
    row->n = r->n;
    row->cells = r->cells;
    return E_OK;
}

int64_t sheet_error_row(const sheet *s)
{
    return s->error_row;
}

void sheet_close(sheet *s)
{
    if (!s)
        return;
    if (s->close)
        s->close(s);
    free(s->given);
    for (size_t i = 0; i < s->qlen; i++)
        free(s->q[s->qhead + i]);
    free(s->q);
    free(s->buf);
    free(s->offs);
    free(s);
}

bool sheet_row_blank(const struct sheet_row *row)
{
    for (int i = 0; i < row->n; i++)
        for (const char *c = row->cells[i]; *c; c++)
            if (*c != ' ' && *c != '\t' && *c != '\r' && *c != '\n')
                return false;
    return true;
}
