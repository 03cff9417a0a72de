/*
 * sheet_test.c — the import readers (CUS-12): CSV in UTF-8 (with and without BOM),
 * GBK, UTF-16, quoted cells, other delimiters; XLSX written by libxlsxwriter and
 * hand-made packages; and every bad file kind refused with its error: empty,
 * binary, too many rows, a cell too long, a damaged zip, a zip bomb, a DTD, no sheet.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/sheet.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

/* Reads all rows into "a|b;c|d" (rows joined by ';', cells by '|'); returns the error. */
static err read_all(const void *data, size_t len, const struct sheet_limits *lim, char *out, size_t cap)
{
    err e;
    out[0] = '\0';
    sheet *s = sheet_open(data, len, lim, &e);
    if (!s)
        return e;
    struct sheet_row row;
    size_t n = 0;
    while ((e = sheet_next(s, &row)) == E_OK && row.cells) {
        if (n && n < cap)
            n += (size_t)snprintf(out + n, cap - n, ";");
        for (int i = 0; i < row.n && n < cap; i++)
            n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? "|" : "", row.cells[i]);
    }
    sheet_close(s);
    return e;
}

static err read_str(const char *text, char *out, size_t cap)
{
    return read_all(text, strlen(text), NULL, out, cap);
}

static void csv_utf8_with_and_without_bom(void **state)
{
    (void)state;
    char out[512];
    assert_int_equal(read_str("姓名,手机\n张三,13800000001\r\n李四,13800000002", out, sizeof out), E_OK);
    assert_string_equal(out, "姓名|手机;张三|13800000001;李四|13800000002");
    assert_int_equal(read_str("\xef\xbb\xbfname,phone\nx,1\n", out, sizeof out), E_OK);
    assert_string_equal(out, "name|phone;x|1");
}

static void csv_quotes_delimiters_and_trailing_cells(void **state)
{
    (void)state;
    char out[512];
    assert_int_equal(read_str("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n", out, sizeof out), E_OK);
    assert_string_equal(out, "a|b|c;x, y|say \"hi\"|two\nlines");
    assert_int_equal(read_str("a;b;c\n1;2;3\n", out, sizeof out), E_OK);
    assert_string_equal(out, "a|b|c;1|2|3");
    assert_int_equal(read_str("a\tb\n1\t2\n", out, sizeof out), E_OK);
    assert_string_equal(out, "a|b;1|2");
    assert_int_equal(read_str("a,b,,\n1,,,\n", out, sizeof out), E_OK); /* trailing empties dropped */
    assert_string_equal(out, "a|b;1");
}

static void csv_gbk_and_utf16_are_converted(void **state)
{
    (void)state;
    char out[512];
    /* 张三 in GBK: D5 C5 C8 FD */
    const char gbk[] = "\xd0\xd5\xc3\xfb,\xca\xd6\xbb\xfa\n\xd5\xc5\xc8\xfd,13800000001\n";
    assert_int_equal(read_str(gbk, out, sizeof out), E_OK);
    assert_string_equal(out, "姓名|手机;张三|13800000001");
    const unsigned char u16[] = {0xff, 0xfe, 'a', 0, ',', 0, 0x20, 0x5f, '\n', 0, '1', 0, ',', 0, '2', 0};
    assert_int_equal(read_all(u16, sizeof u16, NULL, out, sizeof out), E_OK);
    assert_string_equal(out, "a|张;1|2");
}

static void csv_bad_files_are_refused(void **state)
{
    (void)state;
    char out[512];
    assert_int_equal(read_all("", 0, NULL, out, sizeof out), E_IMPORT_FILE_EMPTY);
    assert_int_equal(read_str("\xef\xbb\xbf", out, sizeof out), E_IMPORT_FILE_EMPTY);
    const char bin[] = "a,b\n\x01\x02\x03,x\n";
    assert_int_equal(read_str(bin, out, sizeof out), E_IMPORT_FILE_FORMAT);
    const char nul[] = {'a', ',', 0, 'b'};
    assert_int_equal(read_all(nul, sizeof nul, NULL, out, sizeof out), E_IMPORT_FILE_FORMAT);
    assert_int_equal(read_str("a,b\n\x80\xff\xfe,x\n", out, sizeof out), E_IMPORT_ENCODING);
    const unsigned char ole[] = {0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0};
    assert_int_equal(read_all(ole, sizeof ole, NULL, out, sizeof out), E_IMPORT_FILE_FORMAT);

    struct sheet_limits lim = sheet_default_limits;
    lim.max_rows = 3;
    assert_int_equal(read_all("a\nb\nc\n", 6, &lim, out, sizeof out), E_OK);
    assert_int_equal(read_all("a\nb\nc\nd\n", 8, &lim, out, sizeof out), E_IMPORT_TOO_MANY_ROWS);
    lim = sheet_default_limits;
    lim.max_cell = 4;
    assert_int_equal(read_all("abcd,x\nabcde\n", 13, &lim, out, sizeof out), E_IMPORT_CELL_TOO_LONG);
    assert_string_equal(out, "abcd|x"); /* the rows before the bad one were read */
    lim = sheet_default_limits;
    lim.max_cols = 2;
    assert_int_equal(read_all("a,b,c\n", 6, &lim, out, sizeof out), E_IMPORT_TOO_MANY_COLUMNS);
    lim = sheet_default_limits;
    lim.max_bytes = 5;
    assert_int_equal(read_all("a,b,c\n", 6, &lim, out, sizeof out), E_IMPORT_FILE_TOO_LARGE);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = xmalloc((size_t)n + 1);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return p;
}

static void xlsx_from_libxlsxwriter(void **state)
{
    (void)state;
    char path[] = "/tmp/fincrm-sheet-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "客户");
    worksheet_write_string(ws, 0, 0, "姓名", NULL);
    worksheet_write_string(ws, 0, 1, "手机", NULL);
    worksheet_write_string(ws, 1, 0, "张三", NULL);
    worksheet_write_number(ws, 1, 1, 13800000001.0, NULL);
    worksheet_write_string(ws, 3, 2, "gap", NULL); /* row 3 empty, column B of row 4 empty */
    worksheet_write_boolean(ws, 4, 0, 1, NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    size_t len;
    char *data = slurp(path, &len);
    unlink(path);
    char out[512];
    assert_int_equal(read_all(data, len, NULL, out, sizeof out), E_OK);
    assert_string_equal(out, "姓名|手机;张三|13800000001;;||gap;TRUE");
    err e;
    sheet *s = sheet_open(data, len, NULL, &e);
    assert_int_equal(sheet_format_of(s), SHEET_XLSX);
    sheet_close(s);
    free(data);
}

/* A package with the given members (name, text) pairs; returns malloc'd bytes. */
static char *make_zip(const char *const *members, size_t *len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *mem = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_error_fini(&ze);
    zip_source_keep(mem);
    zip_t *z = zip_open_from_source(mem, ZIP_TRUNCATE, NULL);
    assert_non_null(z);
    for (int i = 0; members[i]; i += 2) {
        zip_source_t *src = zip_source_buffer(z, members[i + 1], strlen(members[i + 1]), 0);
        assert_true(zip_file_add(z, members[i], src, 0) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
    zip_stat_t st;
    assert_int_equal(zip_source_stat(mem, &st), 0);
    assert_int_equal(zip_source_open(mem), 0);
    char *out = xmalloc(st.size);
    *len = (size_t)zip_source_read(mem, out, st.size);
    zip_source_close(mem);
    zip_source_free(mem);
    return out;
}

#define WB "<workbook><sheets><sheet name=\"a\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"

static err read_zip(const char *const *members, const struct sheet_limits *lim, char *out, size_t cap)
{
    size_t len;
    char *z = make_zip(members, &len);
    err e = read_all(z, len, lim, out, cap);
    free(z);
    return e;
}

static void xlsx_inline_strings_rich_text_and_default_paths(void **state)
{
    (void)state;
    char out[512];
    const char *ok[] = {"xl/workbook.xml", WB, "xl/sharedStrings.xml",
                        "<sst><si><r><t>ab</t></r><r><t>c</t></r><rPh><t>PH</t></rPh></si></sst>",
                        "xl/worksheets/sheet1.xml",
                        "<worksheet><sheetData><row><c t=\"s\"><v>0</v></c><c t=\"inlineStr\"><is><t>x&amp;y</t></is>"
                        "</c><c><v>1.3800000001E10</v></c><c t=\"str\"><f>A1</f><v>f</v></c></row></sheetData>"
                        "</worksheet>",
                        NULL};
    assert_int_equal(read_zip(ok, NULL, out, sizeof out), E_OK);
    assert_string_equal(out, "abc|x&y|13800000001|f");
}

static void xlsx_bad_packages_are_refused(void **state)
{
    (void)state;
    char out[512];
    const char *nosheet[] = {"xl/workbook.xml", WB, NULL};
    assert_int_equal(read_zip(nosheet, NULL, out, sizeof out), E_IMPORT_XLSX_BROKEN);
    const char *nowb[] = {"word/document.xml", "<w/>", NULL};
    assert_int_equal(read_zip(nowb, NULL, out, sizeof out), E_IMPORT_XLSX_BROKEN);
    const char *dtd[] = {"xl/workbook.xml", WB, "xl/worksheets/sheet1.xml",
                         "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]>"
                         "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&b;</t></is></c></row></sheetData>"
                         "</worksheet>",
                         NULL};
    assert_int_equal(read_zip(dtd, NULL, out, sizeof out), E_IMPORT_XML_FORBIDDEN);
    const char *badxml[] = {"xl/workbook.xml", WB, "xl/worksheets/sheet1.xml", "<worksheet><row>", NULL};
    assert_int_equal(read_zip(badxml, NULL, out, sizeof out), E_IMPORT_XLSX_BROKEN);
    const char *badref[] = {"xl/workbook.xml", WB, "xl/worksheets/sheet1.xml",
                            "<worksheet><sheetData><row><c t=\"s\"><v>7</v></c></row></sheetData></worksheet>", NULL};
    assert_int_equal(read_zip(badref, NULL, out, sizeof out), E_IMPORT_XLSX_BROKEN);
    const char *far[] = {"xl/workbook.xml", WB, "xl/worksheets/sheet1.xml",
                         "<worksheet><sheetData><row r=\"1048576\"><c><v>1</v></c></row></sheetData></worksheet>", NULL};
    assert_int_equal(read_zip(far, NULL, out, sizeof out), E_IMPORT_TOO_MANY_ROWS);

    /* a zip bomb: a member that unpacks far beyond the cap */
    size_t big = 4u << 20;
    char *xml = xmalloc(big + 64);
    strcpy(xml, "<worksheet>");
    memset(xml + 11, ' ', big);
    strcpy(xml + 11 + big, "</worksheet>");
    const char *bomb[] = {"xl/workbook.xml", WB, "xl/worksheets/sheet1.xml", xml, NULL};
    struct sheet_limits lim = sheet_default_limits;
    lim.max_unpacked = 1u << 20;
    size_t zlen;
    char *z = make_zip(bomb, &zlen);
    assert_true(zlen < 64u << 10); /* it packs small */
    assert_int_equal(read_all(z, zlen, &lim, out, sizeof out), E_IMPORT_XLSX_TOO_BIG);
    free(z);
    free(xml);

    const char trunc[] = "PK\x03\x04garbage that is not a zip";
    assert_int_equal(read_all(trunc, sizeof trunc - 1, NULL, out, sizeof out), E_IMPORT_XLSX_BROKEN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(csv_utf8_with_and_without_bom),
        cmocka_unit_test(csv_quotes_delimiters_and_trailing_cells),
        cmocka_unit_test(csv_gbk_and_utf16_are_converted),
        cmocka_unit_test(csv_bad_files_are_refused),
        cmocka_unit_test(xlsx_from_libxlsxwriter),
        cmocka_unit_test(xlsx_inline_strings_rich_text_and_default_paths),
        cmocka_unit_test(xlsx_bad_packages_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
