/*
 * sheet.h — reading a spreadsheet the user uploaded, CSV or XLSX, one row of UTF-8
 * cells at a time (CUS-12). The format is told from the bytes (an XLSX is a zip),
 * never from the file name. CSV: libcsv; a UTF-8 BOM is dropped, a file that is not
 * UTF-8 is decoded as UTF-16 (with BOM) or GB18030/GBK (old Excel on Chinese Windows)
 * with iconv, or refused; the delimiter (comma, semicolon, tab) is guessed from the
 * first line. XLSX: libzip + expat, streaming the shared strings and the first
 * worksheet; DTDs and entity declarations are refused, and what is unpacked is
 * capped (zip bombs). Every limit breach and every damaged file is an err, never a
 * crash. Pure (no HTTP, no database): the fuzzers drive it.
 *
 *     err e; sheet *s = sheet_open(data, len, NULL, &e);
 *     struct sheet_row row;
 *     while ((e = sheet_next(s, &row)) == E_OK && row.cells) ... row.no, row.n, row.cells[i] ...
 *     sheet_close(s);
 */
#ifndef FINCRM_SHEET_H
#define FINCRM_SHEET_H

#include "err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sheet_format { SHEET_CSV = 1, SHEET_XLSX = 2 };

struct sheet_limits {
    size_t max_bytes;      /* the file (20 MB) */
    size_t max_unpacked;   /* XLSX: bytes unpacked per zip member (200 MB) */
    long max_rows;         /* rows including the header (200,001) */
    size_t max_cell;       /* bytes of one cell (2,000 characters: 6,000 bytes) */
    int max_cols;          /* 100 */
};
extern const struct sheet_limits sheet_default_limits;

struct sheet_row {
    int64_t no;         /* 1-based: the CSV record, the XLSX row number */
    int n;              /* cells; trailing empty ones are dropped */
    const char **cells; /* UTF-8, NUL-terminated; NULL cells at the end: no more rows */
};

typedef struct sheet sheet;

/* Opens data (len bytes, kept by the caller until sheet_close). NULL limits: the
 * defaults. On failure returns NULL with *e set. */
sheet *sheet_open(const void *data, size_t len, const struct sheet_limits *lim, err *e);
enum sheet_format sheet_format_of(const sheet *s);
/* The next row: E_OK with row->cells set, or E_OK with row->cells NULL at the end,
 * or an error (then sheet_error_row() tells the row). Rows stay valid until the next
 * call. Empty rows are returned too (n = 0), so row numbers match the file. */
err sheet_next(sheet *s, struct sheet_row *row);
int64_t sheet_error_row(const sheet *s);
void sheet_close(sheet *s);

/* Is this row empty (no cell with anything but blanks)? */
bool sheet_row_blank(const struct sheet_row *row);

#endif
