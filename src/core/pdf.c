/*
 * pdf.c — the PDF document builder of pdf.h: blocks kept in an arena, laid
 * out with Pango on a cairo PDF surface that writes into memory.
 *
 * Layout runs twice over the same blocks: pass 1 draws onto a surface whose
 * bytes are thrown away, only to count the pages; pass 2 draws again with the
 * total known, for the footer "第 N 页 / 共 M 页".  Both passes use the same
 * kind of surface and font options (hinting off), so line breaks and page
 * breaks come out the same.
 */
#include "core/pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

/* A4 in points, 20 mm margins; the footer sits in the bottom margin. */
#define PAGE_W 595.276
#define PAGE_H 841.890
#define MARGIN 56.693
#define CONTENT_W (PAGE_W - 2 * MARGIN)
#define BOTTOM (PAGE_H - MARGIN)
#define FONT_FAMILY "WenQuanYi Micro Hei"
#define CELL_PAD 4.0

typedef enum { B_TITLE, B_HEADING, B_PARAGRAPH, B_FIELDS, B_TABLE, B_SIGNATURES } block_kind_t;

typedef struct block {
    block_kind_t kind;
    int ncols,
        nrows; /* table: columns and body rows (strs: header row first when has_header); others: nrows = n */
    int has_header;
    char **strs;
    struct block *next;
} block_t;

struct gg_pdf {
    gg_arena_t *arena;
    char *title;
    block_t *first, *last;
};

/* One rendering at a time in the process, on one shared font map (see pdf.h). */
static pthread_mutex_t render_lock = PTHREAD_MUTEX_INITIALIZER;
static PangoFontMap *font_map;

/* ---- building ---- */

gg_pdf_t *gg_pdf_new(const char *title)
{
    gg_pdf_t *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->arena = gg_arena_new(8192);
    if (!d->arena) {
        free(d);
        return NULL;
    }
    d->title = gg_strdup(d->arena, title ? title : "");
    return d;
}

void gg_pdf_free(gg_pdf_t *d)
{
    if (!d) return;
    gg_arena_free(d->arena);
    free(d);
}

/* A copy of s in the arena: "" for NULL, invalid UTF-8 replaced (pango would warn and drop the text). */
static char *copy_text(gg_pdf_t *d, const char *s)
{
    if (!s) return gg_strdup(d->arena, "");
    if (g_utf8_validate(s, -1, NULL)) return gg_strdup(d->arena, s);
    gchar *fixed = g_utf8_make_valid(s, -1);
    char *r = gg_strdup(d->arena, fixed);
    g_free(fixed);
    return r;
}

static block_t *add_block(gg_pdf_t *d, block_kind_t kind, int nstrs)
{
    block_t *b = gg_zalloc(d->arena, sizeof *b);
    b->kind = kind;
    b->strs = gg_zalloc(d->arena, sizeof(char *) * (size_t)(nstrs > 0 ? nstrs : 1));
    if (d->last)
        d->last->next = b;
    else
        d->first = b;
    d->last = b;
    return b;
}

static void add_text(gg_pdf_t *d, block_kind_t kind, const char *text)
{
    if (!d) return;
    block_t *b = add_block(d, kind, 1);
    b->nrows = 1;
    b->strs[0] = copy_text(d, text);
}

void gg_pdf_title(gg_pdf_t *d, const char *text)
{
    add_text(d, B_TITLE, text);
}
void gg_pdf_heading(gg_pdf_t *d, const char *text)
{
    add_text(d, B_HEADING, text);
}
void gg_pdf_paragraph(gg_pdf_t *d, const char *text)
{
    add_text(d, B_PARAGRAPH, text);
}

void gg_pdf_fields(gg_pdf_t *d, const char *const *labels, const char *const *values, int n)
{
    if (!d || n <= 0) return;
    block_t *b = add_block(d, B_FIELDS, 2 * n);
    b->nrows = n;
    for (int i = 0; i < n; i++) {
        b->strs[2 * i] = copy_text(d, labels ? labels[i] : NULL);
        b->strs[2 * i + 1] = copy_text(d, values ? values[i] : NULL);
    }
}

void gg_pdf_table(gg_pdf_t *d, int ncols, const char *const *header, const char *const *cells, int nrows)
{
    if (!d || ncols <= 0 || nrows < 0 || (!header && nrows == 0)) return;
    int hdr = header != NULL;
    block_t *b = add_block(d, B_TABLE, ncols * (nrows + hdr));
    b->ncols = ncols;
    b->nrows = nrows;
    b->has_header = hdr;
    for (int c = 0; hdr && c < ncols; c++)
        b->strs[c] = copy_text(d, header[c]);
    for (int i = 0; i < nrows * ncols; i++)
        b->strs[hdr * ncols + i] = copy_text(d, cells ? cells[i] : NULL);
}

void gg_pdf_signatures(gg_pdf_t *d, const char *const *roles, const char *const *names,
                       const char *const *dates, int n)
{
    if (!d || n <= 0) return;
    block_t *b = add_block(d, B_SIGNATURES, 3 * n);
    b->nrows = n;
    for (int i = 0; i < n; i++) {
        b->strs[3 * i] = copy_text(d, roles ? roles[i] : NULL);
        b->strs[3 * i + 1] = names && names[i] ? copy_text(d, names[i]) : NULL;
        b->strs[3 * i + 2] = dates && dates[i] ? copy_text(d, dates[i]) : NULL;
    }
}

/* ---- layout and rendering ---- */

typedef struct render {
    cairo_surface_t *surface;
    cairo_t *cr;
    PangoContext *pctx;
    PangoFontDescription *font, *bold, *title, *heading, *small;
    int page;  /* 1-based, the page being drawn */
    int total; /* 0 in the counting pass */
    double y;  /* next free line on the page */
} render_t;

static PangoLayout *make_layout(render_t *r, const char *text, const PangoFontDescription *font, double width,
                                PangoAlignment align)
{
    PangoLayout *l = pango_layout_new(r->pctx);
    pango_layout_set_font_description(l, font);
    if (width > 0) {
        pango_layout_set_width(l, (int)(width * PANGO_SCALE));
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_alignment(l, align);
    pango_layout_set_text(l, text, -1);
    return l;
}

static double layout_height(PangoLayout *l)
{
    int w, h;
    pango_layout_get_size(l, &w, &h);
    return (double)h / PANGO_SCALE;
}

static void footer(render_t *r)
{
    char text[96];
    if (r->total > 0)
        snprintf(text, sizeof text, "第 %d 页 / 共 %d 页", r->page, r->total);
    else
        snprintf(text, sizeof text, "第 %d 页", r->page);
    PangoLayout *l = make_layout(r, text, r->small, CONTENT_W, PANGO_ALIGN_CENTER);
    cairo_move_to(r->cr, MARGIN, PAGE_H - MARGIN / 2 - layout_height(l) / 2);
    pango_cairo_show_layout(r->cr, l);
    g_object_unref(l);
}

static void new_page(render_t *r)
{
    footer(r);
    cairo_show_page(r->cr);
    r->page++;
    r->y = MARGIN;
}

/* Make room for h points: a new page unless it fits, or unless the page is still empty (a block taller than a
 * page is drawn anyway and runs into the margin rather than looping). */
static void need(render_t *r, double h)
{
    if (r->y + h > BOTTOM && r->y > MARGIN + 0.5) new_page(r);
}

/* Draw a layout line by line at x, breaking pages between lines. */
static void flow_layout(render_t *r, PangoLayout *l, double x)
{
    PangoLayoutIter *it = pango_layout_get_iter(l);
    double origin = r->y; /* page y of the layout's top */
    int first = 1;
    do {
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(it, NULL, &logical);
        double top = (double)logical.y / PANGO_SCALE, h = (double)logical.height / PANGO_SCALE;
        if (origin + top + h > BOTTOM && (origin + top > MARGIN + 0.5 || !first)) {
            new_page(r);
            origin = MARGIN - top;
        }
        first = 0;
        double baseline = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
        cairo_move_to(r->cr, x + (double)logical.x / PANGO_SCALE, origin + baseline);
        pango_cairo_show_layout_line(r->cr, pango_layout_iter_get_line_readonly(it));
        r->y = origin + top + h;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
}

static void draw_text_block(render_t *r, const char *text, const PangoFontDescription *font,
                            PangoAlignment align, double before, double after)
{
    if (r->y > MARGIN + 0.5) r->y += before;
    PangoLayout *l = make_layout(r, text, font, CONTENT_W, align);
    /* a heading stays with at least its own first line plus one line of what follows */
    if (font != r->font) need(r, layout_height(l) + 16);
    flow_layout(r, l, MARGIN);
    g_object_unref(l);
    r->y += after;
}

static void draw_fields(render_t *r, const block_t *b)
{
    double label_w = CONTENT_W * 0.28, value_w = CONTENT_W - label_w;
    for (int i = 0; i < b->nrows; i++) {
        char *label = g_strconcat(b->strs[2 * i], "：", NULL);
        PangoLayout *ll = make_layout(r, label, r->bold, label_w - 6, PANGO_ALIGN_LEFT);
        PangoLayout *vl = make_layout(r, b->strs[2 * i + 1], r->font, value_w, PANGO_ALIGN_LEFT);
        g_free(label);
        double h = layout_height(ll) > layout_height(vl) ? layout_height(ll) : layout_height(vl);
        if (h > BOTTOM - MARGIN) { /* longer than a page: the value flows over pages under its label */
            need(r, layout_height(ll));
            cairo_move_to(r->cr, MARGIN, r->y);
            pango_cairo_show_layout(r->cr, ll);
            flow_layout(r, vl, MARGIN + label_w);
        } else {
            need(r, h);
            cairo_move_to(r->cr, MARGIN, r->y);
            pango_cairo_show_layout(r->cr, ll);
            cairo_move_to(r->cr, MARGIN + label_w, r->y);
            pango_cairo_show_layout(r->cr, vl);
            r->y += h;
        }
        r->y += 3;
        g_object_unref(ll);
        g_object_unref(vl);
    }
    r->y += 6;
}

/* Column widths: each column's natural width (longest unwrapped cell, capped), scaled to the content width.
 */
static void table_widths(render_t *r, const block_t *b, double *w)
{
    int rows = b->nrows + b->has_header;
    double sum = 0;
    for (int c = 0; c < b->ncols; c++) {
        double m = 24;
        for (int i = 0; i < rows; i++) {
            const char *s = b->strs[i * b->ncols + c];
            if (!*s) continue;
            PangoLayout *l = make_layout(r, s, i < b->has_header ? r->bold : r->font, -1, PANGO_ALIGN_LEFT);
            int pw, ph;
            pango_layout_get_size(l, &pw, &ph);
            g_object_unref(l);
            double cw = (double)pw / PANGO_SCALE + 2 * CELL_PAD;
            if (cw > CONTENT_W * 0.6) cw = CONTENT_W * 0.6;
            if (cw > m) m = cw;
        }
        w[c] = m;
        sum += m;
    }
    /* narrow tables keep their natural widths only when they fill most of the line */
    for (int c = 0; c < b->ncols; c++)
        w[c] = w[c] * CONTENT_W / sum;
}

/* One table row at r->y (already known to fit); returns its height. */
static double table_row(render_t *r, const block_t *b, const double *w, int row, int header, int draw)
{
    int nc = b->ncols;
    PangoLayout **ls = g_new0(PangoLayout *, nc);
    double h = 0;
    for (int c = 0; c < nc; c++) {
        ls[c] = make_layout(r, b->strs[row * nc + c], header ? r->bold : r->font, w[c] - 2 * CELL_PAD,
                            PANGO_ALIGN_LEFT);
        double ch = layout_height(ls[c]);
        if (ch > h) h = ch;
    }
    h += 2 * CELL_PAD;
    if (draw) {
        double x = MARGIN;
        if (header) {
            cairo_save(r->cr);
            cairo_set_source_rgb(r->cr, 0.92, 0.92, 0.92);
            cairo_rectangle(r->cr, MARGIN, r->y, CONTENT_W, h);
            cairo_fill(r->cr);
            cairo_restore(r->cr);
        }
        for (int c = 0; c < nc; c++) {
            cairo_rectangle(r->cr, x, r->y, w[c], h);
            cairo_stroke(r->cr);
            cairo_move_to(r->cr, x + CELL_PAD, r->y + CELL_PAD);
            pango_cairo_show_layout(r->cr, ls[c]);
            x += w[c];
        }
    }
    for (int c = 0; c < nc; c++)
        g_object_unref(ls[c]);
    g_free(ls);
    return h;
}

static void draw_table(render_t *r, const block_t *b)
{
    double *w = g_new(double, b->ncols);
    table_widths(r, b, w);
    cairo_set_line_width(r->cr, 0.5);
    double hh = b->has_header ? table_row(r, b, w, 0, 1, 0) : 0;
    /* the header with at least the first row */
    need(r, hh + (b->nrows ? table_row(r, b, w, b->has_header, 0, 0) : 0));
    if (b->has_header) r->y += table_row(r, b, w, 0, 1, 1);
    for (int i = 0; i < b->nrows; i++) {
        int row = i + b->has_header;
        double h = table_row(r, b, w, row, 0, 0);
        if (r->y + h > BOTTOM && r->y > MARGIN + hh + 0.5) {
            new_page(r);
            if (b->has_header) r->y += table_row(r, b, w, 0, 1, 1);
        }
        r->y += table_row(r, b, w, row, 0, 1);
    }
    g_free(w);
    r->y += 10;
}

static void draw_signatures(render_t *r, const block_t *b)
{
    double line_h = 0;
    {
        PangoLayout *l = make_layout(r, "签名", r->font, -1, PANGO_ALIGN_LEFT);
        line_h = layout_height(l);
        g_object_unref(l);
    }
    double row_h = line_h + 22; /* room to sign above the line */
    r->y += 10;
    need(r, row_h * b->nrows > BOTTOM - MARGIN ? row_h : row_h * b->nrows);
    double name_x = MARGIN + CONTENT_W * 0.30, date_label_x = MARGIN + CONTENT_W * 0.62;
    double date_x = date_label_x + 40;
    cairo_set_line_width(r->cr, 0.6);
    for (int i = 0; i < b->nrows; i++) {
        need(r, row_h);
        double base = r->y + row_h - 4; /* the signing line */
        char *role = g_strconcat(b->strs[3 * i], "（签名）：", NULL);
        PangoLayout *l = make_layout(r, role, r->font, name_x - MARGIN - 4, PANGO_ALIGN_LEFT);
        g_free(role);
        cairo_move_to(r->cr, MARGIN, base - layout_height(l));
        pango_cairo_show_layout(r->cr, l);
        g_object_unref(l);
        if (b->strs[3 * i + 1]) {
            l = make_layout(r, b->strs[3 * i + 1], r->font, date_label_x - name_x - 8, PANGO_ALIGN_LEFT);
            cairo_move_to(r->cr, name_x + 4, base - layout_height(l) - 1);
            pango_cairo_show_layout(r->cr, l);
            g_object_unref(l);
        }
        cairo_move_to(r->cr, name_x, base);
        cairo_line_to(r->cr, date_label_x - 10, base);
        cairo_stroke(r->cr);
        l = make_layout(r, "日期：", r->font, -1, PANGO_ALIGN_LEFT);
        cairo_move_to(r->cr, date_label_x, base - layout_height(l));
        pango_cairo_show_layout(r->cr, l);
        g_object_unref(l);
        if (b->strs[3 * i + 2]) {
            l = make_layout(r, b->strs[3 * i + 2], r->font, MARGIN + CONTENT_W - date_x - 4,
                            PANGO_ALIGN_LEFT);
            cairo_move_to(r->cr, date_x + 4, base - layout_height(l) - 1);
            pango_cairo_show_layout(r->cr, l);
            g_object_unref(l);
        }
        cairo_move_to(r->cr, date_x, base);
        cairo_line_to(r->cr, MARGIN + CONTENT_W, base);
        cairo_stroke(r->cr);
        r->y += row_h;
    }
    r->y += 10;
}

static cairo_status_t write_buf(void *closure, const unsigned char *data, unsigned int length)
{
    gg_buf_append(closure, data, length);
    return CAIRO_STATUS_SUCCESS;
}

static cairo_status_t write_nothing(void *closure, const unsigned char *data, unsigned int length)
{
    return CAIRO_STATUS_SUCCESS;
}

static PangoFontDescription *font(const char *size, int bold)
{
    char spec[64];
    snprintf(spec, sizeof spec, "%s %s%s", FONT_FAMILY, bold ? "Bold " : "", size);
    return pango_font_description_from_string(spec);
}

/* One pass over all blocks; returns the number of pages, or -1 when cairo failed. */
static int render(const gg_pdf_t *d, gg_buf_t *out, int total)
{
    render_t r = {.total = total, .page = 1, .y = MARGIN};
    r.surface = out ? cairo_pdf_surface_create_for_stream(write_buf, out, PAGE_W, PAGE_H)
                    : cairo_pdf_surface_create_for_stream(write_nothing, NULL, PAGE_W, PAGE_H);
    if (out) {
        cairo_pdf_surface_set_metadata(r.surface, CAIRO_PDF_METADATA_TITLE, d->title);
        cairo_pdf_surface_set_metadata(r.surface, CAIRO_PDF_METADATA_CREATOR, "gridgov");
    }
    r.cr = cairo_create(r.surface);
    r.pctx = pango_font_map_create_context(font_map);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(r.pctx, fo);
    cairo_font_options_destroy(fo);
    pango_cairo_update_context(r.cr, r.pctx);
    r.font = font("10.5", 0);
    r.bold = font("10.5", 1);
    r.title = font("20", 1);
    r.heading = font("13.5", 1);
    r.small = font("8.5", 0);
    cairo_set_source_rgb(r.cr, 0, 0, 0);

    for (const block_t *b = d->first; b; b = b->next) {
        switch (b->kind) {
        case B_TITLE:
            draw_text_block(&r, b->strs[0], r.title, PANGO_ALIGN_CENTER, 12, 16);
            break;
        case B_HEADING:
            draw_text_block(&r, b->strs[0], r.heading, PANGO_ALIGN_LEFT, 12, 6);
            break;
        case B_PARAGRAPH:
            draw_text_block(&r, b->strs[0], r.font, PANGO_ALIGN_LEFT, 0, 8);
            break;
        case B_FIELDS:
            draw_fields(&r, b);
            break;
        case B_TABLE:
            draw_table(&r, b);
            break;
        case B_SIGNATURES:
            draw_signatures(&r, b);
            break;
        }
    }
    footer(&r);
    cairo_show_page(r.cr);
    int pages = r.page;

    pango_font_description_free(r.font);
    pango_font_description_free(r.bold);
    pango_font_description_free(r.title);
    pango_font_description_free(r.heading);
    pango_font_description_free(r.small);
    g_object_unref(r.pctx);
    cairo_status_t st = cairo_status(r.cr);
    cairo_destroy(r.cr);
    cairo_surface_finish(r.surface);
    if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(r.surface);
    cairo_surface_destroy(r.surface);
    return st == CAIRO_STATUS_SUCCESS ? pages : -1;
}

int gg_pdf_finish(gg_pdf_t *d, unsigned char **out, size_t *len, gg_error_t *err)
{
    *out = NULL;
    *len = 0;
    if (!d) return gg_err_internal(err, "no document to finish");
    pthread_mutex_lock(&render_lock);
    if (!font_map) font_map = pango_cairo_font_map_new(); /* kept for the process's life */
    gg_buf_t buf;
    gg_buf_init(&buf, 64 * 1024);
    int pages = render(d, NULL, 0);
    if (pages > 0) pages = render(d, &buf, pages);
    pthread_mutex_unlock(&render_lock);
    gg_pdf_free(d);
    if (pages < 0) {
        gg_buf_free(&buf);
        return gg_err_internal(err, "the PDF could not be rendered");
    }
    *out = (unsigned char *)gg_buf_steal(&buf, len);
    return 0;
}
