/*
 * xlsx_fuzz.c — libFuzzer target for the XLSX side of the import reader (sheet.h,
 * xlsx_read.c). An input that is a zip is read as it is; any other input becomes the
 * first worksheet (xl/worksheets/sheet1.xml) of a small package built here with
 * libzip, so that the fuzzer reaches the XML parsing rather than stopping at the zip
 * header. Every input must read as rows of valid UTF-8 cells within the limits, or
 * be refused with an import error: never a crash, a hang or a leak.
 *   make fuzz FUZZ_SECONDS=60
 */
#include "core/sheet.h"
#include "core/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct sheet_limits lim = {
    .max_bytes = 1u << 20, .max_unpacked = 4u << 20, .max_rows = 500, .max_cell = 200, .max_cols = 20};

static const char workbook[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/"
    "2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
    "<sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
    "relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"http://"
    "schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "</Relationships>";
static const char strings[] = "<?xml version=\"1.0\"?><sst><si><t>姓名</t></si><si><r><t>手机</t></r><rPh><t>x</t>"
                              "</rPh></si><si><t>=cmd|' /C calc'!A0</t></si></sst>";

static bool import_error(err e)
{
    return e >= E_IMPORT_FILE_EMPTY && e <= E_IMPORT_NO_DATA;
}

static int add(zip_t *z, const char *name, const void *p, size_t n)
{
    zip_source_t *src = zip_source_buffer(z, p, n, 0);
    zip_int64_t idx = src ? zip_file_add(z, name, src, ZIP_FL_OVERWRITE) : -1;
    if (idx < 0) {
        zip_source_free(src);
        return -1;
    }
    /* stored, not deflated: the fuzzer's time goes to the reader */
    return zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
}

/* A package around data as its worksheet; *out is malloc'd. */
static size_t package(const uint8_t *data, size_t size, void **out)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *mem = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_error_fini(&ze);
    if (!mem)
        return 0;
    zip_source_keep(mem);
    zip_t *z = zip_open_from_source(mem, ZIP_TRUNCATE, NULL);
    if (!z) {
        zip_source_free(mem);
        return 0;
    }
    if (add(z, "xl/workbook.xml", workbook, sizeof workbook - 1) || add(z, "xl/_rels/workbook.xml.rels", rels, sizeof rels - 1) ||
        add(z, "xl/sharedStrings.xml", strings, sizeof strings - 1) || add(z, "xl/worksheets/sheet1.xml", data, size) ||
        zip_close(z) < 0) {
        zip_discard(z);
        zip_source_free(mem);
        return 0;
    }
    size_t n = 0;
    zip_stat_t st;
    if (zip_source_stat(mem, &st) == 0 && zip_source_open(mem) == 0) {
        *out = xmalloc(st.size ? st.size : 1);
        n = (size_t)zip_source_read(mem, *out, st.size);
        zip_source_close(mem);
    }
    zip_source_free(mem);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    void *pkg = NULL;
    size_t n = size;
    const void *in = data;
    if (!(size >= 2 && data[0] == 'P' && data[1] == 'K')) {
        n = package(data, size, &pkg);
        if (!pkg)
            return 0;
        in = pkg;
    }
    err e;
    sheet *s = sheet_open(in, n, &lim, &e);
    if (!s) {
        free(pkg);
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
            size_t len = strlen(row.cells[i]);
            if (len > lim.max_cell || !utf8_valid(row.cells[i], len))
                abort();
        }
    }
    if (e != E_OK && !import_error(e))
        abort();
    sheet_close(s);
    free(pkg);
    return 0;
}
