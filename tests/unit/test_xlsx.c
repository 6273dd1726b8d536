/* test_xlsx.c — the XLSX reader (core/xlsx_read.c) and the table iterator (core/table.c): workbooks made
 * with libxlsxwriter read back cell for cell; broken zips, broken and hostile XML refused naming "file". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "core/table.h"
#include "core/xlsx_read.h"

/* Read a whole file into memory (caller frees). */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static char *temp_path(const char *ext)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/test_xlsx_%d%s", (int)getpid(), ext);
    return path;
}

/* A workbook the way people make them: shared strings, numbers, a date, a boolean, gaps, a second sheet. */
static char *make_workbook(size_t *len, int constant_memory)
{
    const char *path = temp_path(".xlsx");
    lxw_workbook_options opt = {.constant_memory = constant_memory};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "居民");
    lxw_format *datef = workbook_add_format(wb);
    format_set_num_format(datef, "yyyy-mm-dd");
    worksheet_write_string(ws, 0, 0, "姓名", NULL);
    worksheet_write_string(ws, 0, 1, "身份证号", NULL);
    worksheet_write_string(ws, 0, 2, "手机号", NULL);
    worksheet_write_string(ws, 0, 3, "出生日期", NULL);
    worksheet_write_string(ws, 1, 0, "张三", NULL);
    worksheet_write_string(ws, 1, 1, "11010519491231002X", NULL);
    worksheet_write_number(ws, 1, 2, 13800138000.0, NULL);
    lxw_datetime dt = {1990, 1, 1, 0, 0, 0};
    worksheet_write_datetime(ws, 1, 3, &dt, datef);
    /* row 3 left out; row 4 with a gap in column B and a boolean */
    worksheet_write_string(ws, 3, 0, "a \"quoted\" <tag> & more", NULL);
    worksheet_write_boolean(ws, 3, 2, 1, NULL);
    worksheet_write_number(ws, 3, 3, 1.5, NULL);
    lxw_worksheet *other = workbook_add_worksheet(wb, "说明");
    worksheet_write_string(other, 0, 0, "not read", NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    char *data = slurp(path, len);
    unlink(path);
    return data;
}

static void read_back(char *data, size_t len)
{
    gg_table_t *t;
    gg_error_t err;
    char **f;
    int n;
    assert_int_equal(gg_table_open_mem(data, len, &t, &err), 0);
    assert_int_equal(gg_table_kind(t), GG_TABLE_XLSX);
    assert_int_equal(gg_table_next(t, &f, &n, &err), 1);
    assert_int_equal(gg_table_row(t), 1);
    assert_int_equal(n, 4);
    assert_string_equal(f[0], "姓名");
    assert_string_equal(f[3], "出生日期");
    assert_int_equal(gg_table_next(t, &f, &n, &err), 1);
    assert_int_equal(gg_table_row(t), 2);
    assert_string_equal(f[0], "张三");
    assert_string_equal(f[1], "11010519491231002X");
    assert_string_equal(f[2], "13800138000"); /* a number, spelt out */
    assert_string_equal(f[3], "32874");       /* 1990-01-01 as an Excel serial day */
    assert_int_equal(gg_table_next(t, &f, &n, &err), 1);
    assert_int_equal(gg_table_row(t), 4); /* the row number the user sees, not a count */
    assert_int_equal(n, 4);
    assert_string_equal(f[0], "a \"quoted\" <tag> & more");
    assert_string_equal(f[1], "");
    assert_string_equal(f[2], "TRUE");
    assert_string_equal(f[3], "1.5");
    assert_int_equal(gg_table_next(t, &f, &n, &err), 0);
    gg_table_close(t);
}

static void reads_what_libxlsxwriter_wrote(void **state)
{
    (void)state;
    size_t len;
    char *data = make_workbook(&len, 0); /* shared strings */
    read_back(data, len);
    free(data);
    data = make_workbook(&len, 1); /* constant memory: inline strings */
    read_back(data, len);
    free(data);
}

static void reads_from_a_file_descriptor(void **state)
{
    (void)state;
    size_t len;
    char *data = make_workbook(&len, 0);
    const char *path = temp_path(".fd");
    FILE *f = fopen(path, "w+b");
    fwrite(data, 1, len, f);
    fflush(f);
    unlink(path);
    gg_table_t *t;
    gg_error_t err;
    char **fields;
    int n, rows = 0;
    assert_int_equal(gg_table_open_fd(fileno(f), &t, &err), 0);
    while (gg_table_next(t, &fields, &n, &err) == 1)
        rows++;
    assert_int_equal(rows, 3);
    gg_table_close(t);
    fclose(f);
    free(data);
}

/* A zip made by hand with the given sheet XML (and a workbook pointing at it). */
static char *zip_with_sheet(const char *sheet, const char *strings, size_t *len)
{
    const char *path = temp_path(".zip");
    int zerr;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    assert_non_null(z);
    static const char wbxml[] =
        "<workbook xmlns:r=\"r\"><sheets><sheet name=\"a\" sheetId=\"1\" r:id=\"rId1\"/>"
        "</sheets></workbook>";
    zip_source_t *s = zip_source_buffer(z, wbxml, strlen(wbxml), 0);
    zip_file_add(z, "xl/workbook.xml", s, 0);
    s = zip_source_buffer(z, sheet, strlen(sheet), 0);
    zip_file_add(z, "xl/worksheets/sheet1.xml", s, 0);
    if (strings) {
        s = zip_source_buffer(z, strings, strlen(strings), 0);
        zip_file_add(z, "xl/sharedStrings.xml", s, 0);
    }
    assert_int_equal(zip_close(z), 0);
    char *data = slurp(path, len);
    unlink(path);
    return data;
}

/* Open and read every row; the error of the first refusal (or "" when all went through). */
static const char *refusal(const char *data, size_t len)
{
    static gg_error_t err;
    gg_table_t *t;
    char **f;
    int n, rc;
    memset(&err, 0, sizeof err);
    if (gg_table_open_mem(data, len, &t, &err) < 0) {
        assert_string_equal(err.field, "file");
        assert_int_equal(err.http_status, 400);
        return err.message;
    }
    while ((rc = gg_table_next(t, &f, &n, &err)) == 1) {
    }
    gg_table_close(t);
    if (rc == 0) return "";
    assert_string_equal(err.field, "file");
    assert_int_equal(err.http_status, 400);
    return err.message;
}

static void malformed_and_hostile_files_are_refused(void **state)
{
    (void)state;
    size_t len;
    char *d;
    /* not a zip after all */
    assert_non_null(strstr(refusal("PK\x03\x04garbage", 11), "not a readable XLSX"));
    /* a zip with its central directory cut off */
    d = make_workbook(&len, 0);
    assert_non_null(strstr(refusal(d, len / 2), "not a readable XLSX"));
    free(d);
    /* malformed XML, with the part and line */
    d = zip_with_sheet("<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></row>", NULL, &len);
    const char *m = refusal(d, len);
    assert_non_null(strstr(m, "xl/worksheets/sheet1.xml line 1: malformed XML"));
    free(d);
    /* an unterminated document */
    d = zip_with_sheet("<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row>", NULL, &len);
    assert_non_null(strstr(refusal(d, len), "malformed XML"));
    free(d);
    /* entities (billion laughs, XXE) and DOCTYPEs */
    d = zip_with_sheet(
        "<!DOCTYPE w [<!ENTITY a \"aaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><worksheet>&b;</worksheet>", NULL,
        &len);
    assert_non_null(strstr(refusal(d, len), "DOCTYPE"));
    free(d);
    /* a shared string that does not exist */
    d = zip_with_sheet("<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>7</v></c></row></sheetData>"
                       "</worksheet>",
                       "<sst><si><t>only one</t></si></sst>", &len);
    assert_non_null(strstr(refusal(d, len), "row 1: a cell refers to shared string 7"));
    free(d);
    /* rows out of order, a column beyond 256 */
    d = zip_with_sheet("<worksheet><sheetData><row r=\"5\"/><row r=\"2\"/></sheetData></worksheet>", NULL,
                       &len);
    assert_non_null(strstr(refusal(d, len), "out of order"));
    free(d);
    d = zip_with_sheet("<worksheet><sheetData><row r=\"1\"><c r=\"IW1\"><v>1</v></c></row></sheetData>"
                       "</worksheet>",
                       NULL, &len);
    assert_non_null(strstr(refusal(d, len), "256 columns"));
    free(d);
    /* no workbook part at all */
    static const char ss[] = "<sst/>";
    const char *path = temp_path(".zip");
    int zerr;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    zip_file_add(z, "hello.txt", zip_source_buffer(z, ss, strlen(ss), 0), 0);
    zip_close(z);
    d = slurp(path, &len);
    unlink(path);
    assert_non_null(strstr(refusal(d, len), "no xl/workbook.xml"));
    free(d);
    /* rich text and phonetic guides: the runs joined, the guide left out; a prefixed namespace */
    d = zip_with_sheet("<x:worksheet xmlns:x=\"x\"><x:sheetData><x:row><x:c t=\"s\"><x:v>0</x:v></x:c>"
                       "</x:row></x:sheetData></x:worksheet>",
                       "<sst><si><r><t>王</t></r><r><t>五</t></r><rPh><t>wang</t></rPh></si></sst>", &len);
    gg_table_t *t;
    gg_error_t err;
    char **f;
    int n;
    assert_int_equal(gg_table_open_mem(d, len, &t, &err), 0);
    assert_int_equal(gg_table_next(t, &f, &n, &err), 1);
    assert_string_equal(f[0], "王五");
    gg_table_close(t);
    free(d);
}

static void zip_bombs_are_stopped_while_inflating(void **state)
{
    (void)state;
    /* 129 MiB of spaces compress to well under a megabyte; the limit is on the bytes inflated, not on the
     * size the zip declares (the smallest limit, the shared strings', keeps the test quick) */
    size_t big = GG_XLSX_MAX_STRINGS_BYTES + (1u << 20);
    char *strings = malloc(big + 1);
    memcpy(strings, "<sst>", 5);
    memset(strings + 5, ' ', big - 5);
    strings[big] = 0;
    size_t len;
    char *d = zip_with_sheet("<worksheet/>", strings, &len);
    free(strings);
    assert_true(len < 4u << 20);
    assert_non_null(strstr(refusal(d, len), "xl/sharedStrings.xml is larger than 128 MiB unpacked"));
    free(d);
}

static void sniffing_decides_the_kind(void **state)
{
    (void)state;
    gg_table_kind_t k;
    gg_error_t err;
    assert_int_equal(gg_table_sniff("PK\x03\x04", 4, &k, &err), 0);
    assert_int_equal(k, GG_TABLE_XLSX);
    assert_int_equal(gg_table_sniff("\xEF\xBB\xBF姓名,身份证号\r\n", 21, &k, &err), 0);
    assert_int_equal(k, GG_TABLE_CSV);
    assert_true(gg_table_sniff("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8, &k, &err) < 0);
    assert_non_null(strstr(err.message, ".xls"));
    assert_true(gg_table_sniff("a\0b", 3, &k, &err) < 0);
    assert_string_equal(err.field, "file");
    assert_true(gg_table_sniff("", 0, &k, &err) < 0);
    /* CSV rows are numbered by record: a quoted field over two lines is one row */
    static const char csv[] = "h1,h2\n\"a\nb\",c\nd,e\n";
    gg_table_t *t;
    char **f;
    int n;
    assert_int_equal(gg_table_open_mem(csv, sizeof csv - 1, &t, &err), 0);
    assert_int_equal(gg_table_next(t, &f, &n, &err), 1);
    assert_int_equal(gg_table_next(t, &f, &n, &err), 1);
    assert_string_equal(f[0], "a\nb");
    assert_int_equal(gg_table_next(t, &f, &n, &err), 1);
    assert_int_equal(gg_table_row(t), 3);
    assert_string_equal(f[0], "d");
    gg_table_close(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_what_libxlsxwriter_wrote),
        cmocka_unit_test(reads_from_a_file_descriptor),
        cmocka_unit_test(malformed_and_hostile_files_are_refused),
        cmocka_unit_test(zip_bombs_are_stopped_while_inflating),
        cmocka_unit_test(sniffing_decides_the_kind),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
