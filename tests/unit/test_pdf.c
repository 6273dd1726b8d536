/* test_pdf.c — the PDF builder (core/pdf.c): a document with Chinese text, fields, a table running over
 * pages and signatures comes out as a PDF whose text pdftotext (poppler-utils, when installed) reads back,
 * with "第 N 页 / 共 M 页" footers (spaces aside: pdftotext drops thin ones); renders from several threads at
 * once; hostile input (NULLs, invalid UTF-8, markup) is plain text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/pdf.h"

static int have_pdftotext(void)
{
    return system("command -v pdftotext >/dev/null 2>&1") == 0;
}

/* pdftotext of the bytes (caller frees), NULL when pdftotext is missing. */
static char *pdf_text(const unsigned char *pdf, size_t len)
{
    if (!have_pdftotext()) return NULL;
    char in[64], outp[64], cmd[200];
    snprintf(in, sizeof in, "/tmp/test_pdf_%d.pdf", (int)getpid());
    snprintf(outp, sizeof outp, "/tmp/test_pdf_%d.txt", (int)getpid());
    FILE *f = fopen(in, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(pdf, 1, len, f), len);
    fclose(f);
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 %s %s", in, outp);
    assert_int_equal(system(cmd), 0);
    f = fopen(outp, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)n + 1);
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    text[n] = 0;
    /* pdftotext guesses spaces from gaps (the thin spaces of "第 1 页" often vanish): compare without them */
    char *o = text;
    for (char *p = text; *p; p++)
        if (*p != ' ') *o++ = *p;
    *o = 0;
    fclose(f);
    if (getenv("GG_PDF_KEEP"))
        fprintf(stderr, "kept %s\n", in);
    else
        unlink(in);
    unlink(outp);
    return text;
}

static gg_pdf_t *sample(int rows)
{
    gg_pdf_t *d = gg_pdf_new("人民调解协议书");
    assert_non_null(d);
    gg_pdf_title(d, "人民调解协议书");
    gg_pdf_heading(d, "一、当事人");
    const char *labels[] = {"申请人", "被申请人", "纠纷类型"};
    const char *values[] = {"张三", "李四（长乐社区第一网格）", "邻里纠纷"};
    gg_pdf_fields(d, labels, values, 3);
    gg_pdf_paragraph(d,
                     "双方因楼上漏水发生纠纷，经长乐社区人民调解委员会调解，自愿达成如下协议：\n"
                     "一、李四于十日内修复卫生间防水层；二、张三不再追究此前损失。这是一段足够长的中文段落，"
                     "用来检查自动换行是否按照内容宽度进行，不会超出页面右边距。");
    const char *header[] = {"类别", "受理", "办结", "按期办结率"};
    char **cells = calloc((size_t)rows * 4, sizeof(char *));
    for (int i = 0; i < rows; i++) {
        char buf[64];
        snprintf(buf, sizeof buf, "类别%d", i + 1);
        cells[i * 4] = strdup(buf);
        snprintf(buf, sizeof buf, "%d", 100 + i);
        cells[i * 4 + 1] = strdup(buf);
        snprintf(buf, sizeof buf, "%d", 90 + i);
        cells[i * 4 + 2] = strdup(buf);
        cells[i * 4 + 3] = strdup("97.5%");
    }
    gg_pdf_table(d, 4, header, (const char *const *)cells, rows);
    for (int i = 0; i < rows * 4; i++)
        free(cells[i]);
    free(cells);
    const char *roles[] = {"申请人", "被申请人", "调解员"};
    const char *names[] = {"张三", NULL, "王调解"};
    const char *dates[] = {"2026年12月4日", NULL, NULL};
    gg_pdf_signatures(d, roles, names, dates, 3);
    return d;
}

static void test_chinese_document(void **state)
{
    unsigned char *pdf = NULL;
    size_t len = 0;
    gg_error_t err = {0};
    assert_int_equal(gg_pdf_finish(sample(5), &pdf, &len, &err), 0);
    assert_true(len > 1000);
    assert_memory_equal(pdf, "%PDF", 4);
    char *text = pdf_text(pdf, len);
    if (text) {
        assert_non_null(strstr(text, "人民调解协议书"));
        assert_non_null(strstr(text, "李四（长乐社区第一网格）"));
        assert_non_null(strstr(text, "按期办结率"));
        assert_non_null(strstr(text, "类别5"));
        assert_non_null(strstr(text, "调解员（签名）"));
        assert_non_null(strstr(text, "王调解"));
        assert_non_null(strstr(text, "第1页/共1页"));
        free(text);
    }
    free(pdf);
}

/* A long table runs over pages: the header repeats, every footer knows the total. */
static void test_page_breaks(void **state)
{
    unsigned char *pdf = NULL;
    size_t len = 0;
    gg_error_t err = {0};
    assert_int_equal(gg_pdf_finish(sample(150), &pdf, &len, &err), 0);
    assert_memory_equal(pdf, "%PDF", 4);
    char *text = pdf_text(pdf, len);
    if (text) {
        assert_non_null(strstr(text, "类别150"));
        assert_non_null(strstr(text, "第1页/共"));
        assert_null(strstr(text, "第1页/共1页"));
        /* header on more than one page */
        const char *p = strstr(text, "按期办结率");
        assert_non_null(p);
        assert_non_null(strstr(p + 1, "按期办结率"));
        /* the last page's number equals the total */
        const char *last = strstr(text, "第2页/共");
        assert_non_null(last);
        int total = 0;
        assert_int_equal(sscanf(last, "第2页/共%d页", &total), 1);
        char want[64];
        snprintf(want, sizeof want, "第%d页/共%d页", total, total);
        assert_non_null(strstr(text, want));
        free(text);
    }
    free(pdf);
}

/* NULL strings, invalid UTF-8, markup-looking text, an empty document, a paragraph longer than a page. */
static void test_hostile_input(void **state)
{
    gg_pdf_t *d = gg_pdf_new(NULL);
    gg_pdf_title(d, NULL);
    gg_pdf_paragraph(d, "<b>不是粗体</b> & \xff\xfe 断开的字节");
    const char *labels[] = {NULL, "电话"};
    gg_pdf_fields(d, labels, NULL, 2);
    gg_pdf_table(d, 2, NULL, NULL, 2);
    gg_pdf_table(d, 0, NULL, NULL, 0);
    gg_pdf_signatures(d, NULL, NULL, NULL, 1);
    char *longp = malloc(60000);
    size_t o = 0;
    while (o + 40 < 60000)
        o += (size_t)snprintf(longp + o, 60000 - o, "第%zu句话很长很长。", o);
    gg_pdf_paragraph(d, longp);
    free(longp);
    unsigned char *pdf = NULL;
    size_t len = 0;
    gg_error_t err = {0};
    assert_int_equal(gg_pdf_finish(d, &pdf, &len, &err), 0);
    assert_memory_equal(pdf, "%PDF", 4);
    char *text = pdf_text(pdf, len);
    if (text) {
        assert_non_null(strstr(text, "<b>不是粗体</b>&"));
        assert_non_null(strstr(text, "断开的字节"));
        free(text);
    }
    free(pdf);
    /* empty document: one page with its footer */
    assert_int_equal(gg_pdf_finish(gg_pdf_new("空"), &pdf, &len, &err), 0);
    assert_memory_equal(pdf, "%PDF", 4);
    free(pdf);
    gg_pdf_free(NULL);
    d = gg_pdf_new("unused");
    gg_pdf_paragraph(d, "never rendered");
    gg_pdf_free(d);
}

static void *render_thread(void *arg)
{
    for (int i = 0; i < 3; i++) {
        unsigned char *pdf = NULL;
        size_t len = 0;
        gg_error_t err = {0};
        if (gg_pdf_finish(sample(20), &pdf, &len, &err) < 0 || len < 4 || memcmp(pdf, "%PDF", 4)) {
            free(pdf);
            return (void *)1;
        }
        free(pdf);
    }
    return NULL;
}

static void test_threads(void **state)
{
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, render_thread, NULL), 0);
    for (int i = 0; i < 4; i++) {
        void *rv = NULL;
        pthread_join(t[i], &rv);
        assert_null(rv);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chinese_document),
        cmocka_unit_test(test_page_breaks),
        cmocka_unit_test(test_hostile_input),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
