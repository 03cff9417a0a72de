/*
 * sheet_impl.h — what the CSV and XLSX readers share (sheet.c): the row being
 * built, the queue of finished rows, the limits and the first error.
 */
#ifndef FINCRM_SHEET_IMPL_H
#define FINCRM_SHEET_IMPL_H

#include "sheet.h"

struct qrow; /* a finished row, one allocation */

struct sheet {
    enum sheet_format format;
    struct sheet_limits lim;
    err error;          /* the first error; sticky */
    int64_t error_row;
    bool done;          /* the reader has no more input */
    int64_t rows;       /* rows finished so far */

    /* the row being built: cells as offsets into buf */
    char *buf;
    size_t len, cap;
    size_t *offs;
    int n, ncap;

    /* finished rows waiting for sheet_next() */
    struct qrow **q;
    size_t qhead, qlen, qcap;
    struct qrow *given; /* the row last returned, freed on the next call */

    /* the format's reader */
    err (*feed)(struct sheet *s); /* parses more input: rows appear in the queue, or done is set */
    void (*close)(struct sheet *s);
    void *impl;
};

/* Sets the first error and its row; returns it. */
err sheet_fail(struct sheet *s, err e, int64_t row);
/* Adds a cell at column col (0-based; gaps become empty cells) to the row being built. */
err sheet_cell(struct sheet *s, int col, const char *v, size_t n);
/* Finishes the row being built as row number no. */
err sheet_row_end(struct sheet *s, int64_t no);
bool sheet_queue_empty(const struct sheet *s);

err sheet_csv_open(struct sheet *s, const char *data, size_t len);
err sheet_xlsx_open(struct sheet *s, const char *data, size_t len);

#endif
