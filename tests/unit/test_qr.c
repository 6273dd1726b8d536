/* test_qr.c — QR house codes as PNG and SVG (domain/qr.c): structure, CRCs, sizes, the same symbol in both.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zlib.h>

#include "domain/tree/qr.h"

#define URL "https://grid.example.gov.cn/r/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde"

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void encode_gives_a_valid_symbol(void **state)
{
    (void)state;
    gg_arena_t *a = gg_arena_new(4096);
    gg_qr_t qr;
    gg_error_t err;
    assert_int_equal(gg_qr_encode(a, URL, &qr, &err), 0);
    /* a version-v symbol is 17 + 4v modules wide */
    assert_true(qr.width >= 21 && (qr.width - 17) % 4 == 0);
    /* the three finder patterns: a 7x7 dark ring with a 3x3 dark centre in three corners */
    int w = qr.width;
    const int corners[3][2] = {{0, 0}, {w - 7, 0}, {0, w - 7}};
    for (int k = 0; k < 3; k++) {
        int ox = corners[k][0], oy = corners[k][1];
        for (int i = 0; i < 7; i++) {
            assert_int_equal(qr.modules[oy * w + ox + i], 1);
            assert_int_equal(qr.modules[(oy + 6) * w + ox + i], 1);
            assert_int_equal(qr.modules[(oy + i) * w + ox], 1);
            assert_int_equal(qr.modules[(oy + i) * w + ox + 6], 1);
        }
        assert_int_equal(qr.modules[(oy + 1) * w + ox + 1], 0);
        assert_int_equal(qr.modules[(oy + 3) * w + ox + 3], 1);
    }
    gg_arena_free(a);
}

static void url_has_no_double_slash(void **state)
{
    (void)state;
    gg_arena_t *a = gg_arena_new(1024);
    assert_string_equal(gg_qr_url(a, "http://127.0.0.1:8080", "tok"), "http://127.0.0.1:8080/r/tok");
    assert_string_equal(gg_qr_url(a, "https://x.cn/gg//", "tok"), "https://x.cn/gg/r/tok");
    gg_arena_free(a);
}

static void png_is_well_formed_and_holds_the_symbol(void **state)
{
    (void)state;
    gg_arena_t *a = gg_arena_new(4096);
    gg_qr_t qr;
    gg_error_t err;
    gg_buf_t png = {0};
    const int scale = 3;
    assert_int_equal(gg_qr_encode(a, URL, &qr, &err), 0);
    assert_int_equal(gg_qr_png(&png, &qr, scale, &err), 0);
    const unsigned char *p = (const unsigned char *)png.data;
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    assert_memory_equal(p, sig, 8);
    uint32_t side = (uint32_t)(qr.width + 2 * GG_QR_QUIET) * scale;
    /* walk the chunks, checking each CRC; collect IDAT */
    size_t pos = 8;
    int n = 0;
    const char *order[3] = {"IHDR", "IDAT", "IEND"};
    const unsigned char *idat = NULL;
    uint32_t idat_len = 0;
    while (pos < png.len) {
        uint32_t len = be32(p + pos);
        assert_true(n < 3);
        assert_memory_equal(p + pos + 4, order[n], 4);
        uLong crc = crc32(0L, p + pos + 4, len + 4);
        assert_int_equal(be32(p + pos + 8 + len), (uint32_t)crc);
        if (n == 0) {
            assert_int_equal(len, 13);
            assert_int_equal(be32(p + pos + 8), side);
            assert_int_equal(be32(p + pos + 12), side);
            assert_int_equal(p[pos + 16], 8); /* bit depth */
            assert_int_equal(p[pos + 17], 0); /* grayscale */
        }
        if (n == 1) idat = p + pos + 8, idat_len = len;
        pos += 12 + len;
        n++;
    }
    assert_int_equal(n, 3);
    assert_int_equal(pos, png.len);
    /* inflates to exactly one filter byte plus one byte per pixel per row */
    uLongf raw_len = (uLongf)side * (side + 1) + 16;
    unsigned char *raw = malloc(raw_len);
    assert_int_equal(uncompress(raw, &raw_len, idat, idat_len), Z_OK);
    assert_int_equal(raw_len, (uLongf)side * (side + 1));
    for (uint32_t y = 0; y < side; y++) {
        const unsigned char *line = raw + (size_t)y * (side + 1);
        assert_int_equal(line[0], 0);
        for (uint32_t x = 0; x < side; x++) {
            int mx = (int)(x / scale) - GG_QR_QUIET, my = (int)(y / scale) - GG_QR_QUIET;
            int dark = mx >= 0 && my >= 0 && mx < qr.width && my < qr.width && qr.modules[my * qr.width + mx];
            assert_int_equal(line[1 + x], dark ? 0 : 255);
        }
    }
    free(raw);
    gg_buf_free(&png);
    assert_int_equal(gg_qr_png(&png, &qr, 0, &err), -400);
    gg_buf_free(&png);
    gg_arena_free(a);
}

/* Parse the runs of our path back into a matrix. */
static void svg_has_every_dark_module_once(void **state)
{
    (void)state;
    gg_arena_t *a = gg_arena_new(4096);
    gg_qr_t qr;
    gg_error_t err;
    gg_buf_t svg = {0};
    const int px = 8;
    assert_int_equal(gg_qr_encode(a, URL, &qr, &err), 0);
    gg_qr_svg(&svg, &qr, px, "桂林小区 8栋 <1> & \"2\"");
    int side = (qr.width + 2 * GG_QR_QUIET) * px;
    char want[128];
    snprintf(want, sizeof want, "viewBox=\"0 0 %d %d\"", side, side + 3 * px + 8);
    assert_non_null(strstr(svg.data, want));
    assert_non_null(strstr(svg.data, ">桂林小区 8栋 &lt;1&gt; &amp; &quot;2&quot;</text></svg>"));
    assert_null(strstr(svg.data, "<1>"));
    unsigned char *seen = calloc((size_t)qr.width * qr.width, 1);
    const char *d = strstr(svg.data, " d=\"");
    assert_non_null(d);
    d += 4;
    int x, y, run, v, back, used;
    while (sscanf(d, "M%d %dh%dv%dh-%dz%n", &x, &y, &run, &v, &back, &used) == 5) {
        assert_int_equal(v, px);
        assert_int_equal(back, run);
        int mx = x / px - GG_QR_QUIET, my = y / px - GG_QR_QUIET;
        for (int i = 0; i < run / px; i++) {
            assert_true(mx + i < qr.width && my < qr.width);
            assert_int_equal(seen[my * qr.width + mx + i], 0);
            seen[my * qr.width + mx + i] = 1;
        }
        d += used;
    }
    assert_int_equal(*d, '"');
    assert_memory_equal(seen, qr.modules, (size_t)qr.width * qr.width);
    free(seen);
    gg_buf_free(&svg);
    /* no caption: no text band */
    gg_qr_svg(&svg, &qr, px, NULL);
    assert_null(strstr(svg.data, "<text"));
    gg_buf_free(&svg);
    gg_arena_free(a);
}

static void too_long_is_a_field_error(void **state)
{
    (void)state;
    gg_arena_t *a = gg_arena_new(4096);
    char *big = malloc(8000);
    memset(big, 'a', 7999);
    big[7999] = 0;
    gg_qr_t qr;
    gg_error_t err;
    assert_true(gg_qr_encode(a, big, &qr, &err) < 0);
    assert_int_equal(err.http_status, 400);
    free(big);
    gg_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(encode_gives_a_valid_symbol),
        cmocka_unit_test(url_has_no_double_slash),
        cmocka_unit_test(png_is_well_formed_and_holds_the_symbol),
        cmocka_unit_test(svg_has_every_dark_module_once),
        cmocka_unit_test(too_long_is_a_field_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
