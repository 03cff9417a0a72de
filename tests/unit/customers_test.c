/*
 * customers_test.c — the checks of the customer record that need no server (CUS-1,
 * CUS-2, CUS-3): resident-ID check digits (GB 11643) with birth date and gender,
 * unified social credit codes (GB 32100), mobiles, landlines, e-mail, dates, and
 * the kind of an uploaded file by its first bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "customers/customer.h"

#include <string.h>

/* SPEC CUS-1: GB 11643 — weights 2^(17-i) mod 11, check characters 1 0 X 9 8 7 6 5 4 3 2 */
static void cus1_resident_id_check_digit(void **state)
{
    (void)state;
    /* the standard's own example and well-known published samples */
    assert_int_equal(resident_id_check_char("11010519491231002"), 'X');
    assert_int_equal(resident_id_check_char("44010219900101125"), '6');
    assert_int_equal(resident_id_check_char("1101051949123100"), 0); /* 16 digits */
    assert_int_equal(resident_id_check_char("1101051949123100A"), 0);
    char birth[11], gender = 0;
    assert_true(resident_id_valid("11010519491231002X", birth, &gender));
    assert_string_equal(birth, "1949-12-31");
    assert_int_equal(gender, 'F'); /* 17th digit 2: even */
    assert_true(resident_id_valid("11010519491231002x", NULL, NULL)); /* lower-case x */
    assert_true(resident_id_valid("440102199001011256", birth, &gender));
    assert_int_equal(gender, 'M'); /* 17th digit 5: odd */
    assert_string_equal(birth, "1990-01-01");
    assert_false(resident_id_valid("440102199001011255", NULL, NULL)); /* wrong check digit */
    assert_false(resident_id_valid("44010219900101123", NULL, NULL));  /* 17 characters */
    assert_false(resident_id_valid("4401021990010112366", NULL, NULL));
    assert_false(resident_id_valid(NULL, NULL, NULL));
    /* a check digit right for an impossible birth date is still refused */
    char id[19] = "44010219900230123";
    id[17] = resident_id_check_char(id);
    id[18] = '\0';
    assert_false(resident_id_valid(id, NULL, NULL));
    memcpy(id, "44010218000101123", 17); /* born 1800 */
    id[17] = resident_id_check_char(id);
    assert_false(resident_id_valid(id, NULL, NULL));
    memcpy(id, "44010220000229123", 17); /* 2000 is a leap year */
    id[17] = resident_id_check_char(id);
    assert_true(resident_id_valid(id, NULL, NULL));
    memcpy(id, "44010219000229123", 17); /* 1900 is not */
    id[17] = resident_id_check_char(id);
    assert_false(resident_id_valid(id, NULL, NULL));
}

/* SPEC CUS-1: GB 32100 — 31 characters without I O S V Z, weights 3^i mod 31 */
static void cus1_uscc_check_character(void **state)
{
    (void)state;
    assert_true(uscc_valid("91350100M000100Y43"));
    assert_true(uscc_valid("911100001000000000") == (uscc_check_char("91110000100000000") == '0'));
    char code[19] = "91330102MA2XXXXXX";
    memcpy(code, "91330102MA27Y4LL0", 17);
    code[17] = uscc_check_char(code);
    code[18] = '\0';
    assert_true(code[17] != 0);
    assert_true(uscc_valid(code));
    code[17] = code[17] == '0' ? '1' : '0';
    assert_false(uscc_valid(code));
    assert_int_equal(uscc_check_char("91330102MA27Y4LO0"), 0); /* O is not in the alphabet */
    assert_false(uscc_valid("91330102MA27Y4LL0"));           /* 17 characters */
    assert_false(uscc_valid(NULL));
}

/* SPEC CUS-1, CUS-2: phones, e-mail, dates */
static void cus2_contact_formats(void **state)
{
    (void)state;
    assert_true(mobile_valid("13812341234"));
    assert_true(mobile_valid("19912341234"));
    assert_false(mobile_valid("12812341234"));
    assert_false(mobile_valid("1381234123"));
    assert_false(mobile_valid("138123412345"));
    assert_false(mobile_valid("1381234123a"));
    assert_true(landline_valid("0571-88886666"));
    assert_true(landline_valid("057188886666"));
    assert_true(landline_valid("0571-88886666-801"));
    assert_true(landline_valid("+86 571 88886666"));
    assert_false(landline_valid("0571--88886666"));
    assert_false(landline_valid("88-"));
    assert_false(landline_valid("12345"));
    assert_false(landline_valid("0571-8888666a"));
    assert_true(email_valid("li.si@example.com"));
    assert_false(email_valid("li.si@"));
    assert_false(email_valid("@example.com"));
    assert_false(email_valid("a b@example.com"));
    assert_false(email_valid("a@b@example.com"));
    assert_false(email_valid("a@example"));
    assert_true(date_valid("2024-02-29"));
    assert_false(date_valid("2023-02-29"));
    assert_false(date_valid("2023-2-1"));
    assert_false(date_valid("2023-13-01"));
}

/* SPEC CUS-3: files are recognised by their first bytes, not their name */
static void cus3_file_kinds(void **state)
{
    (void)state;
    const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10};
    const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0};
    const unsigned char ole[] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0};
    const char ooxml[] = "PK\x03\x04\x14\0\0\0[Content_Types].xml";
    const char zip[] = "PK\x03\x04\x14\0\0\0word.txt";
    assert_int_equal(file_sniff(jpeg, sizeof jpeg), FILE_JPEG);
    assert_int_equal(file_sniff(png, sizeof png), FILE_PNG);
    assert_int_equal(file_sniff((const unsigned char *)"%PDF-1.7\n", 9), FILE_PDF);
    assert_int_equal(file_sniff(ole, sizeof ole), FILE_OLE);
    assert_int_equal(file_sniff((const unsigned char *)ooxml, sizeof ooxml - 1), FILE_OOXML);
    assert_int_equal(file_sniff((const unsigned char *)zip, sizeof zip - 1), FILE_UNKNOWN);
    assert_int_equal(file_sniff((const unsigned char *)"GIF89a", 6), FILE_UNKNOWN);
    assert_int_equal(file_sniff(png, 4), FILE_UNKNOWN); /* cut short */
    assert_int_equal(file_sniff(NULL, 0), FILE_UNKNOWN);
    assert_true(file_name_fits(FILE_JPEG, "照片.JPG"));
    assert_true(file_name_fits(FILE_JPEG, "a.jpeg"));
    assert_false(file_name_fits(FILE_JPEG, "a.png"));
    assert_false(file_name_fits(FILE_PDF, "pdf"));
    assert_true(file_name_fits(FILE_OOXML, "表.xlsx"));
    assert_true(file_name_fits(FILE_OLE, "old.doc"));
    assert_true(file_type_fits(FILE_PNG, "image/png"));
    assert_true(file_type_fits(FILE_PNG, "application/octet-stream"));
    assert_true(file_type_fits(FILE_PNG, NULL));
    assert_false(file_type_fits(FILE_PNG, "image/jpeg"));
    assert_true(file_type_fits(FILE_PDF, "application/pdf; charset=binary"));
    assert_string_equal(file_mime(FILE_OOXML, "a.docx"),
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cus1_resident_id_check_digit),
        cmocka_unit_test(cus1_uscc_check_character),
        cmocka_unit_test(cus2_contact_formats),
        cmocka_unit_test(cus3_file_kinds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
