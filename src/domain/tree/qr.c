/* qr.c — QR symbols from libqrencode as SVG and PNG (see qr.h). */
#include "domain/tree/qr.h"

#include <errno.h>
#include <qrencode.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int gg_qr_encode(gg_arena_t *a, const char *text, gg_qr_t *out, gg_error_t *err)
{
    memset(out, 0, sizeof *out);
    /* level M survives a scuffed or partly dirty door label (15% of codewords) and keeps the
     * symbol small enough to scan from a printed 3 cm square */
    QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q) {
        if (errno == ERANGE) return gg_err_invalid(err, "public_url", "the URL is too long for a QR code");
        return gg_err_internal(err, "QR encoding failed");
    }
    int w = q->width;
    out->width = w;
    out->modules = gg_alloc(a, (size_t)w * (size_t)w);
    /* libqrencode: bit 0 of each byte is the module's colour; the other bits describe its role */
    for (int i = 0; i < w * w; i++)
        out->modules[i] = q->data[i] & 1;
    QRcode_free(q);
    return 0;
}

char *gg_qr_url(gg_arena_t *a, const char *public_url, const char *token)
{
    size_t n = strlen(public_url);
    while (n > 0 && public_url[n - 1] == '/')
        n--;
    return gg_sprintf(a, "%.*s/r/%s", (int)n, public_url, token);
}

void gg_xml_escape(gg_buf_t *out, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            gg_buf_puts(out, "&amp;");
            break;
        case '<':
            gg_buf_puts(out, "&lt;");
            break;
        case '>':
            gg_buf_puts(out, "&gt;");
            break;
        case '"':
            gg_buf_puts(out, "&quot;");
            break;
        case '\'':
            gg_buf_puts(out, "&#39;");
            break;
        default:
            gg_buf_putc(out, *s);
        }
    }
}

void gg_qr_svg_path(gg_buf_t *out, const gg_qr_t *qr, int module_px)
{
    /* one sub-path per horizontal run of dark modules: "M x y h len v 1 h -len z" */
    gg_buf_puts(out, "<path fill=\"#000\" shape-rendering=\"crispEdges\" d=\"");
    for (int y = 0; y < qr->width; y++) {
        const unsigned char *row = qr->modules + (size_t)y * (size_t)qr->width;
        for (int x = 0; x < qr->width;) {
            if (!row[x]) {
                x++;
                continue;
            }
            int run = 1;
            while (x + run < qr->width && row[x + run])
                run++;
            gg_buf_printf(out, "M%d %dh%dv%dh-%dz", (x + GG_QR_QUIET) * module_px,
                          (y + GG_QR_QUIET) * module_px, run * module_px, module_px, run * module_px);
            x += run;
        }
    }
    gg_buf_puts(out, "\"/>");
}

void gg_qr_svg(gg_buf_t *out, const gg_qr_t *qr, int module_px, const char *caption)
{
    int side = (qr->width + 2 * GG_QR_QUIET) * module_px;
    int band = caption && *caption ? 3 * module_px + 8 : 0; /* room for one line of text under the code */
    gg_buf_printf(out,
                  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" "
                  "viewBox=\"0 0 %d %d\">",
                  side, side + band, side, side + band);
    gg_buf_printf(out, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>", side, side + band);
    gg_qr_svg_path(out, qr, module_px);
    if (band) {
        gg_buf_printf(out,
                      "<text x=\"%d\" y=\"%d\" font-family=\"sans-serif\" font-size=\"%d\" "
                      "text-anchor=\"middle\" fill=\"#000\">",
                      side / 2, side + band / 2 + module_px, 2 * module_px + 2);
        gg_xml_escape(out, caption);
        gg_buf_puts(out, "</text>");
    }
    gg_buf_puts(out, "</svg>\n");
}

static void put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* A chunk: length, type, data, CRC-32 over type and data. */
static void put_chunk(gg_buf_t *out, const char type[4], const unsigned char *data, size_t n)
{
    unsigned char hdr[8], crc[4];
    put_u32(hdr, (uint32_t)n);
    memcpy(hdr + 4, type, 4);
    gg_buf_append(out, hdr, 8);
    if (n) gg_buf_append(out, data, n);
    uLong c = crc32(0L, (const Bytef *)type, 4);
    if (n) c = crc32(c, data, (uInt)n);
    put_u32(crc, (uint32_t)c);
    gg_buf_append(out, crc, 4);
}

int gg_qr_png(gg_buf_t *out, const gg_qr_t *qr, int scale, gg_error_t *err)
{
    int rc = -1;
    unsigned char *raw = NULL, *z = NULL;
    if (scale < 1 || scale > 32) return gg_err_invalid(err, "scale", "scale must be from 1 to 32");
    uint32_t side = (uint32_t)(qr->width + 2 * GG_QR_QUIET) * (uint32_t)scale;
    size_t stride = (size_t)side + 1; /* each scanline starts with its filter type byte (0: none) */
    size_t raw_len = stride * side;
    raw = gg_xmalloc(raw_len);
    memset(raw, 0xff, raw_len);
    for (uint32_t py = 0; py < side; py++) {
        unsigned char *line = raw + (size_t)py * stride;
        line[0] = 0;
        int my = (int)(py / (uint32_t)scale) - GG_QR_QUIET;
        if (my < 0 || my >= qr->width) continue;
        for (uint32_t px = 0; px < side; px++) {
            int mx = (int)(px / (uint32_t)scale) - GG_QR_QUIET;
            if (mx >= 0 && mx < qr->width && qr->modules[(size_t)my * (size_t)qr->width + (size_t)mx])
                line[1 + px] = 0;
        }
    }
    uLongf zlen = compressBound((uLong)raw_len);
    z = gg_xmalloc(zlen);
    if (compress2(z, &zlen, raw, (uLong)raw_len, Z_BEST_COMPRESSION) != Z_OK) {
        gg_err_internal(err, "PNG compression failed");
        goto out;
    }
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    gg_buf_append(out, sig, sizeof sig);
    unsigned char ihdr[13];
    put_u32(ihdr, side);
    put_u32(ihdr + 4, side);
    ihdr[8] = 8;  /* bit depth */
    ihdr[9] = 0;  /* colour type: grayscale */
    ihdr[10] = 0; /* compression: deflate */
    ihdr[11] = 0; /* filter method 0 */
    ihdr[12] = 0; /* no interlace */
    put_chunk(out, "IHDR", ihdr, sizeof ihdr);
    put_chunk(out, "IDAT", z, zlen);
    put_chunk(out, "IEND", NULL, 0);
    rc = 0;
out:
    free(raw);
    free(z);
    return rc;
}
