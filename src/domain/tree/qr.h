/*
 * qr.h — QR house codes (门牌二维码): the matrix from libqrencode, drawn as SVG
 * (text: crisp rectangles, a quiet zone, a caption) or as an 8-bit grayscale
 * PNG written here with zlib (signature, IHDR, one IDAT, IEND, each chunk with
 * its CRC).
 *
 * What a code holds is a URL: <public_url>/r/<qr_token>.  The token is the
 * house's random 256-bit qr_token (place.h), so the code says nothing about
 * the house; rotating the token makes every printed copy of the old code dead.
 *
 * No SQL and no request state: pure functions over caller-owned buffers, so
 * the unit tests exercise them without a server.
 */
#ifndef GG_DOMAIN_QR_H
#define GG_DOMAIN_QR_H

#include "core/error.h"
#include "core/mem.h"

#define GG_QR_QUIET 4 /* modules of white border around the symbol (ISO/IEC 18004 asks for 4) */

typedef struct gg_qr {
    int width;              /* modules per side, without the quiet zone */
    unsigned char *modules; /* width*width, row by row; 1 = dark (arena) */
} gg_qr_t;

/* Encode text (error correction level M, 8-bit mode, the smallest version that fits). */
int gg_qr_encode(gg_arena_t *a, const char *text, gg_qr_t *out, gg_error_t *err);

/* The URL printed in a house's code: "<public_url>/r/<token>" (a trailing slash of public_url ignored). */
char *gg_qr_url(gg_arena_t *a, const char *public_url, const char *token);

/*
 * Append a standalone SVG document: the symbol with its quiet zone, module_px
 * user units per module, and below it caption (may be NULL; XML-escaped) in
 * a band of its own.  Dark modules are merged into one <path> of horizontal
 * runs, so the file stays small and renders without hairline seams.
 */
void gg_qr_svg(gg_buf_t *out, const gg_qr_t *qr, int module_px, const char *caption);
/* The same symbol as an SVG fragment (a <g> of the path) for embedding in a larger page. */
void gg_qr_svg_path(gg_buf_t *out, const gg_qr_t *qr, int module_px);

/* Append a PNG: 8-bit grayscale, scale pixels per module (1..32), quiet zone included. */
int gg_qr_png(gg_buf_t *out, const gg_qr_t *qr, int scale, gg_error_t *err);

/* Append s with & < > " ' escaped for XML/HTML text and attributes. */
void gg_xml_escape(gg_buf_t *out, const char *s);

#endif
