/*
 * csv_fuzz.c — libFuzzer target for the CSV side of the import reader (sheet.h,
 * csv_read.c): any bytes must read as rows of valid UTF-8 cells within the limits,
 * or be refused with an import error, never crash or leak.
 *   make fuzz FUZZ_SECONDS=60
 */
#include "core/sheet.h"
#include "core/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct sheet_limits lim = {
    .max_bytes = 1u << 20, .max_unpacked = 4u << 20, .max_rows = 500, .max_cell = 200, .max_cols = 20};

static bool import_error(err e)
{
    return e >= E_IMPORT_FILE_EMPTY && e <= E_IMPORT_NO_DATA;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    err e;
    sheet *s = sheet_open(data, size, &lim, &e);
    if (!s) {
        if (!import_error(e))
            abort();
        return 0;
    }
    struct sheet_row row;
    int64_t last = 0;
    while ((e = sheet_next(s, &row)) == E_OK && row.cells) {
        if (row.no <= last || row.no > lim.max_rows || row.n < 0 || row.n > lim.max_cols)
            abort();
        last = row.no;
        for (int i = 0; i < row.n; i++) {
            size_t n = strlen(row.cells[i]);
            if (n > lim.max_cell || !utf8_valid(row.cells[i], n))
                abort();
        }
        (void)sheet_row_blank(&row);
    }
    if (e != E_OK && !import_error(e))
        abort();
    sheet_close(s);
    return 0;
}
