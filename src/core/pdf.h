/*
 * pdf.h — a small document builder for printable PDFs (monthly reports, the
 * people's mediation agreement): A4 portrait, cairo + pango, Chinese text set
 * in WenQuanYi Micro Hei (Debian fonts-wqy-microhei, found through
 * fontconfig; any CJK font fontconfig offers in its place when missing).
 *
 * The caller appends blocks in reading order; gg_pdf_finish lays them out
 * twice (the first pass only counts pages) so every footer says
 * "第 N 页 / 共 M 页".  Text wraps at the content width (by word, or by
 * character where a word would not fit, as CJK needs), a block that does not
 * fit on the page goes on the next one, a table repeats its header row on
 * every page it runs onto, and a signature block is never split.
 *
 * Text is plain text, never Pango markup (a resident's name cannot change the
 * layout); NULL strings print as empty, invalid UTF-8 is repaired.
 *
 * Threads: rendering is serialised by one process-wide mutex around
 * gg_pdf_finish (one shared Pango font map; fontconfig's and pango's caches
 * are then touched by one thread at a time).  The builder calls themselves
 * only copy strings and may run in any thread, one builder per thread.
 */
#ifndef GG_CORE_PDF_H
#define GG_CORE_PDF_H

#include <stddef.h>

#include "core/error.h"

typedef struct gg_pdf gg_pdf_t;

gg_pdf_t *gg_pdf_new(const char *title);          /* NULL on out-of-memory; title: the PDF's metadata */
void gg_pdf_title(gg_pdf_t *d, const char *text); /* big centred title, e.g. 人民调解协议书 */
void gg_pdf_heading(gg_pdf_t *d, const char *text);
void gg_pdf_paragraph(gg_pdf_t *d, const char *text); /* wraps; "\n" starts a new line */
/* label：value rows (label column in bold, values wrap) */
void gg_pdf_fields(gg_pdf_t *d, const char *const *labels, const char *const *values, int n);
/* header: ncols strings (may be NULL: no header row); cells: nrows*ncols strings, row by row */
void gg_pdf_table(gg_pdf_t *d, int ncols, const char *const *header, const char *const *cells, int nrows);
/* 签名 lines; names/dates (or single entries of them) may be NULL → a blank line to sign on */
void gg_pdf_signatures(gg_pdf_t *d, const char *const *roles, const char *const *names,
                       const char *const *dates, int n);
/* Lay out and render: *out (malloc'd, caller frees) holds the PDF, *len its length.  Frees d either way. */
int gg_pdf_finish(gg_pdf_t *d, unsigned char **out, size_t *len, gg_error_t *err);
void gg_pdf_free(gg_pdf_t *d); /* without finishing; NULL is fine */

#endif
