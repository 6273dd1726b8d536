/* xlsx_read.c — first worksheet of an .xlsx, streamed row by row (see xlsx_read.h for what is refused). */
#include "core/xlsx_read.h"

#include <errno.h>
#include <expat.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "core/mem.h"
#include "core/utf8.h"

#define CHUNK 65536

/* One XML part being parsed: the zip entry, the expat parser, and the failure it ran into. */
typedef struct part {
    const char *name;
    zip_file_t *zf;
    XML_Parser p;
    size_t inflated, limit;
    int final;     /* the last chunk has been given to expat */
    int suspended; /* expat stopped at a </row> with the rest of chunk pending */
    int failed;    /* a handler refused something (reason in msg) */
    char msg[200];
    char chunk[CHUNK];
} part_t;

struct gg_xlsx {
    zip_t *zip;
    /* shared strings: NUL-terminated texts in pool, starts in offs */
    gg_buf_t pool;
    size_t *offs;
    size_t nstr, capstr;
    /* parsing state shared by the handlers */
    part_t *cur;
    int depth_rph; /* inside <rPh> (phonetic guide text, not part of the value) */
    int in_si, in_t, in_v, in_is;
    gg_buf_t text;    /* text of the current <t>/<v> */
    gg_buf_t cell_is; /* inline string of the current cell */
    /* the sheet */
    part_t *sheet;
    long row_no, last_row;
    int in_row, row_ready, in_cell, cell_col, last_col;
    char cell_type[12];
    gg_buf_t row; /* cell values, NUL-separated */
    size_t cell_off[GG_XLSX_MAX_COLS];
    int ncols; /* highest column seen in the row + 1 */
    char *fields[GG_XLSX_MAX_COLS];
    /* workbook lookups */
    char first_rid[64];
    int got_sheet;
    char target[512];
};

static const char *local(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *want)
{
    for (int i = 0; atts[i]; i += 2)
        if (strcmp(local(atts[i]), want) == 0) return atts[i + 1];
    return NULL;
}

/* A handler refuses what it read: expat stops, and part_run reports msg. */
static void __attribute__((format(printf, 2, 3))) fail(gg_xlsx_t *x, const char *fmt, ...)
{
    part_t *pt = x->cur;
    if (pt->failed) return;
    pt->failed = 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pt->msg, sizeof pt->msg, fmt, ap);
    va_end(ap);
    XML_StopParser(pt->p, XML_FALSE);
}

/* DOCTYPE and entity declarations have no business in a spreadsheet and are how XML parsers get attacked. */
static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sys, const XML_Char *pub,
                               int internal)
{
    (void)name, (void)sys, (void)pub, (void)internal;
    fail(ud, "the XML declares a DOCTYPE, which a spreadsheet never does");
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int pe, const XML_Char *value, int len,
                              const XML_Char *base, const XML_Char *sys, const XML_Char *pub,
                              const XML_Char *notation)
{
    (void)name, (void)pe, (void)value, (void)len, (void)base, (void)sys, (void)pub, (void)notation;
    fail(ud, "the XML declares entities, which a spreadsheet never does");
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    gg_xlsx_t *x = ud;
    if ((x->in_t || x->in_v) && !x->depth_rph) {
        if (x->text.len + (size_t)len > GG_XLSX_MAX_ROW_BYTES) {
            fail(x, "a cell holds more than 256 KiB of text");
            return;
        }
        gg_buf_append(&x->text, s, (size_t)len);
    }
}

/* ---- reading a part ---- */

static int zip_err(gg_error_t *err, const char *what, int code)
{
    zip_error_t ze;
    zip_error_init_with_code(&ze, code);
    gg_err_invalid(err, "file", "the file is not a readable XLSX workbook (%s: %s)", what,
                   zip_error_strerror(&ze));
    zip_error_fini(&ze);
    return -1;
}

static int part_open(gg_xlsx_t *x, part_t *pt, const char *name, size_t limit, int *missing, gg_error_t *err)
{
    memset(pt, 0, offsetof(part_t, chunk));
    pt->name = name;
    pt->limit = limit;
    zip_int64_t idx = zip_name_locate(x->zip, name, 0);
    if (idx < 0) {
        if (missing) {
            *missing = 1;
            return 0;
        }
        return gg_err_invalid(err, "file", "the file is not an XLSX workbook (it has no %s)", name);
    }
    if (missing) *missing = 0;
    zip_stat_t st;
    if (zip_stat_index(x->zip, (zip_uint64_t)idx, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE) &&
        st.size > limit)
        return gg_err_invalid(err, "file", "the workbook part %s is larger than %zu MiB unpacked", name,
                              limit >> 20);
    pt->zf = zip_fopen_index(x->zip, (zip_uint64_t)idx, 0);
    if (!pt->zf) {
        zip_error_t *ze = zip_get_error(x->zip);
        return gg_err_invalid(err, "file", "the workbook part %s cannot be read (%s)", name,
                              zip_error_strerror(ze));
    }
    pt->p = XML_ParserCreate("UTF-8");
    XML_SetUserData(pt->p, x);
    XML_SetStartDoctypeDeclHandler(pt->p, on_doctype);
    XML_SetEntityDeclHandler(pt->p, on_entity);
    XML_SetCharacterDataHandler(pt->p, on_text);
    return 0;
}

static void part_close(part_t *pt)
{
    if (pt->p) XML_ParserFree(pt->p);
    if (pt->zf) zip_fclose(pt->zf);
    pt->p = NULL;
    pt->zf = NULL;
}

static int part_error(gg_xlsx_t *x, part_t *pt, gg_error_t *err)
{
    if (pt->failed && x->sheet == pt && x->row_no)
        return gg_err_invalid(err, "file", "row %ld: %s", x->row_no, pt->msg);
    if (pt->failed) return gg_err_invalid(err, "file", "%s: %s", pt->name, pt->msg);
    return gg_err_invalid(err, "file", "%s line %lu: malformed XML (%s)", pt->name,
                          (unsigned long)XML_GetCurrentLineNumber(pt->p),
                          XML_ErrorString(XML_GetErrorCode(pt->p)));
}

/*
 * Feed the part to expat until it ends (0), or until a handler suspends it (1, sheet rows only).
 * Sizes are counted as they are inflated: a zip's declared sizes are not to be trusted.
 */
static int part_run(gg_xlsx_t *x, part_t *pt, gg_error_t *err)
{
    x->cur = pt;
    for (;;) {
        enum XML_Status st;
        if (pt->suspended) {
            pt->suspended = 0;
            st = XML_ResumeParser(pt->p);
        } else {
            if (pt->final) return 0;
            zip_int64_t n = zip_fread(pt->zf, pt->chunk, sizeof pt->chunk);
            if (n < 0) {
                zip_error_t *ze = zip_file_get_error(pt->zf);
                return gg_err_invalid(err, "file", "the workbook part %s is damaged (%s)", pt->name,
                                      zip_error_strerror(ze));
            }
            pt->inflated += (size_t)n;
            if (pt->inflated > pt->limit)
                return gg_err_invalid(err, "file", "the workbook part %s is larger than %zu MiB unpacked",
                                      pt->name, pt->limit >> 20);
            pt->final = n == 0;
            st = XML_Parse(pt->p, pt->chunk, (int)n, pt->final);
        }
        if (st == XML_STATUS_ERROR) return part_error(x, pt, err);
        if (st == XML_STATUS_SUSPENDED) {
            pt->suspended = 1;
            return 1;
        }
    }
}

/* ---- workbook.xml and its relationships: where the first sheet is ---- */

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    gg_xlsx_t *x = ud;
    if (x->got_sheet || strcmp(local(name), "sheet") != 0) return;
    const char *rid = attr(atts, "id");
    if (rid && strlen(rid) < sizeof x->first_rid) snprintf(x->first_rid, sizeof x->first_rid, "%s", rid);
    x->got_sheet = 1;
}

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    gg_xlsx_t *x = ud;
    if (strcmp(local(name), "Relationship") != 0 || !x->first_rid[0]) return;
    const char *id = attr(atts, "Id"), *target = attr(atts, "Target");
    if (!id || !target || strcmp(id, x->first_rid) != 0) return;
    if (target[0] == '/')
        snprintf(x->target, sizeof x->target, "%s", target + 1);
    else
        snprintf(x->target, sizeof x->target, "xl/%s", target);
}

static int parse_small(gg_xlsx_t *x, const char *name, XML_StartElementHandler start, int optional,
                       gg_error_t *err)
{
    part_t *pt = gg_xmalloc(sizeof *pt);
    int missing = 0, rc;
    rc = part_open(x, pt, name, GG_XLSX_MAX_PART_BYTES, optional ? &missing : NULL, err);
    if (rc == 0 && !missing) {
        XML_SetStartElementHandler(pt->p, start);
        rc = part_run(x, pt, err);
    }
    part_close(pt);
    free(pt);
    return rc < 0 ? -1 : 0;
}

/* ---- shared strings ---- */

static void XMLCALL ss_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    (void)atts;
    gg_xlsx_t *x = ud;
    const char *n = local(name);
    if (strcmp(n, "si") == 0) {
        x->in_si = 1;
        x->text.len = 0;
    } else if (strcmp(n, "rPh") == 0) {
        x->depth_rph++;
    } else if (strcmp(n, "t") == 0 && x->in_si) {
        x->in_t = 1;
    }
}

static void XMLCALL ss_end(void *ud, const XML_Char *name)
{
    gg_xlsx_t *x = ud;
    const char *n = local(name);
    if (strcmp(n, "t") == 0) {
        x->in_t = 0;
    } else if (strcmp(n, "rPh") == 0) {
        if (x->depth_rph) x->depth_rph--;
    } else if (strcmp(n, "si") == 0 && x->in_si) {
        x->in_si = 0;
        if (x->nstr == x->capstr) {
            x->capstr = x->capstr ? x->capstr * 2 : 256;
            if (x->capstr > (1u << 24)) {
                fail(x, "more than 16 million shared strings");
                return;
            }
            x->offs = gg_xrealloc(x->offs, x->capstr * sizeof *x->offs);
        }
        x->offs[x->nstr++] = x->pool.len;
        gg_buf_append(&x->pool, x->text.data ? x->text.data : "", x->text.len);
        gg_buf_putc(&x->pool, 0);
        x->text.len = 0;
    }
}

/* ---- the sheet ---- */

/* "BC12" → column 54 (0-based); -1 when it is not a cell reference. */
static int ref_col(const char *r)
{
    int col = 0, letters = 0;
    for (; *r >= 'A' && *r <= 'Z'; r++) {
        if (++letters > 3) return -1;
        col = col * 26 + (*r - 'A' + 1);
    }
    return letters && *r >= '1' && *r <= '9' ? col - 1 : -1;
}

static void XMLCALL sh_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    gg_xlsx_t *x = ud;
    const char *n = local(name);
    if (strcmp(n, "row") == 0) {
        const char *r = attr(atts, "r");
        long no = x->last_row + 1;
        if (r) {
            char *end;
            errno = 0;
            no = strtol(r, &end, 10);
            if (errno || *end || no < 1) no = -1;
        }
        if (no < 1 || no > GG_XLSX_MAX_ROWS || no <= x->last_row) {
            fail(x, "row number %.20s is out of order or out of range", r ? r : "?");
            return;
        }
        x->row_no = no;
        x->in_row = 1;
        x->row.len = 0;
        x->ncols = 0;
        x->last_col = -1;
    } else if (strcmp(n, "c") == 0 && x->in_row) {
        const char *r = attr(atts, "r"), *t = attr(atts, "t");
        int col = r ? ref_col(r) : x->last_col + 1;
        if (col < 0 || col >= GG_XLSX_MAX_COLS || col <= x->last_col) {
            fail(x, "cell %.20s is out of order or beyond 256 columns", r ? r : "?");
            return;
        }
        x->in_cell = 1;
        x->cell_col = col;
        snprintf(x->cell_type, sizeof x->cell_type, "%s", t ? t : "n");
        x->text.len = 0;
        x->cell_is.len = 0;
    } else if (x->in_cell && strcmp(n, "v") == 0) {
        x->in_v = 1;
        x->text.len = 0;
    } else if (x->in_cell && strcmp(n, "is") == 0) {
        x->in_is = 1;
    } else if (x->in_is && strcmp(n, "rPh") == 0) {
        x->depth_rph++;
    } else if (x->in_is && strcmp(n, "t") == 0) {
        x->in_t = 1;
        x->text.len = 0;
    }
}

/* Numbers as Excel stores them, but integers in exponent form spelt out (a phone typed as a number). */
static const char *number_text(const char *v, char *tmp, size_t size)
{
    if (!strpbrk(v, "eE")) return v;
    char *end;
    double d = strtod(v, &end);
    if (*end || !isfinite(d)) return v;
    if (d == floor(d) && fabs(d) < 9007199254740992.0)
        snprintf(tmp, size, "%.0f", d);
    else
        snprintf(tmp, size, "%.15g", d);
    return tmp;
}

static void cell_done(gg_xlsx_t *x)
{
    const char *v = x->text.data && x->text.len ? x->text.data : "";
    char tmp[64];
    if (x->text.data) x->text.data[x->text.len] = 0;
    if (strcmp(x->cell_type, "s") == 0) {
        char *end;
        errno = 0;
        unsigned long long i = strtoull(v, &end, 10);
        if (!*v || errno || *end || i >= x->nstr) {
            fail(x, "a cell refers to shared string %.20s, which does not exist", v);
            return;
        }
        v = x->pool.data + x->offs[i];
    } else if (strcmp(x->cell_type, "inlineStr") == 0) {
        v = x->cell_is.len ? x->cell_is.data : "";
    } else if (strcmp(x->cell_type, "b") == 0) {
        v = strcmp(v, "1") == 0 ? "TRUE" : *v ? "FALSE" : "";
    } else if (strcmp(x->cell_type, "n") == 0) {
        v = number_text(v, tmp, sizeof tmp);
    } /* "str" (formula result), "e" (#N/A …), "d" (ISO date): as written */
    size_t len = strlen(v);
    if (x->row.len + len + 1 > GG_XLSX_MAX_ROW_BYTES) {
        fail(x, "the row holds more than 256 KiB of text");
        return;
    }
    if (!gg_utf8_valid(v, len)) { /* expat gives UTF-8; shared strings are ours: a last check */
        fail(x, "a cell is not valid text");
        return;
    }
    /* cells between the last one and this one are empty */
    for (int c = x->ncols; c < x->cell_col; c++)
        x->cell_off[c] = (size_t)-1;
    x->cell_off[x->cell_col] = x->row.len;
    gg_buf_append(&x->row, v, len);
    gg_buf_putc(&x->row, 0);
    x->ncols = x->cell_col + 1;
    x->last_col = x->cell_col;
}

static void XMLCALL sh_end(void *ud, const XML_Char *name)
{
    gg_xlsx_t *x = ud;
    const char *n = local(name);
    if (strcmp(n, "v") == 0 && x->in_v) {
        x->in_v = 0;
    } else if (strcmp(n, "rPh") == 0 && x->depth_rph) {
        x->depth_rph--;
    } else if (strcmp(n, "t") == 0 && x->in_t) {
        x->in_t = 0;
        gg_buf_append(&x->cell_is, x->text.data ? x->text.data : "", x->text.len);
        x->text.len = 0;
    } else if (strcmp(n, "is") == 0) {
        x->in_is = 0;
        if (x->cell_type[0] != 'i') snprintf(x->cell_type, sizeof x->cell_type, "inlineStr");
        if (!x->cell_is.data) gg_buf_init(&x->cell_is, 16);
    } else if (strcmp(n, "c") == 0 && x->in_cell) {
        x->in_cell = 0;
        cell_done(x);
    } else if (strcmp(n, "row") == 0 && x->in_row) {
        x->in_row = 0;
        x->row_ready = 1;
        x->last_row = x->row_no;
        XML_StopParser(x->cur->p, XML_TRUE); /* hand the row out; XML_ResumeParser goes on from here */
    }
}

/* ---- open, next, close ---- */

static int open_zip(gg_xlsx_t *x, gg_error_t *err)
{
    if (zip_get_num_entries(x->zip, 0) > 10000)
        return gg_err_invalid(err, "file", "the file is not an XLSX workbook (more than 10,000 parts)");
    if (parse_small(x, "xl/workbook.xml", wb_start, 0, err) < 0) return -1;
    if (x->first_rid[0] && parse_small(x, "xl/_rels/workbook.xml.rels", rels_start, 1, err) < 0) return -1;
    if (!x->got_sheet) return gg_err_invalid(err, "file", "the workbook has no worksheet");
    if (!x->target[0]) snprintf(x->target, sizeof x->target, "xl/worksheets/sheet1.xml");
    part_t *ss = gg_xmalloc(sizeof *ss);
    int missing = 0, rc = part_open(x, ss, "xl/sharedStrings.xml", GG_XLSX_MAX_STRINGS_BYTES, &missing, err);
    if (rc == 0 && !missing) {
        XML_SetElementHandler(ss->p, ss_start, ss_end);
        rc = part_run(x, ss, err);
    }
    part_close(ss);
    free(ss);
    if (rc < 0) return -1;
    x->in_t = x->in_si = x->depth_rph = 0;
    x->sheet = gg_xmalloc(sizeof *x->sheet);
    if (part_open(x, x->sheet, x->target, GG_XLSX_MAX_SHEET_BYTES, NULL, err) < 0) return -1;
    XML_SetElementHandler(x->sheet->p, sh_start, sh_end);
    return 0;
}

static gg_xlsx_t *make(void)
{
    gg_xlsx_t *x = gg_xcalloc(1, sizeof *x);
    gg_buf_init(&x->pool, 4096);
    gg_buf_init(&x->text, 256);
    gg_buf_init(&x->row, 1024);
    return x;
}

static int finish_open(gg_xlsx_t *x, gg_xlsx_t **out, gg_error_t *err)
{
    if (open_zip(x, err) < 0) {
        gg_xlsx_close(x);
        return -1;
    }
    *out = x;
    return 0;
}

int gg_xlsx_open_mem(const void *data, size_t len, gg_xlsx_t **out, gg_error_t *err)
{
    zip_error_t ze;
    *out = NULL;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    if (!src) {
        zip_error_fini(&ze);
        return gg_err_invalid(err, "file", "the file is not a readable XLSX workbook");
    }
    zip_t *z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    if (!z) {
        int code = zip_error_code_zip(&ze);
        zip_source_free(src);
        zip_error_fini(&ze);
        return zip_err(err, "zip", code);
    }
    zip_error_fini(&ze);
    gg_xlsx_t *x = make();
    x->zip = z;
    return finish_open(x, out, err);
}

int gg_xlsx_open_fd(int fd, gg_xlsx_t **out, gg_error_t *err)
{
    int code = 0;
    *out = NULL;
    int dfd = dup(fd);
    if (dfd < 0) return gg_err_internal(err, "cannot read the upload: %s", strerror(errno));
    if (lseek(dfd, 0, SEEK_SET) != 0) {
        close(dfd);
        return gg_err_internal(err, "cannot read the upload: %s", strerror(errno));
    }
    zip_t *z = zip_fdopen(dfd, ZIP_RDONLY | ZIP_CHECKCONS, &code);
    if (!z) {
        close(dfd); /* zip_fdopen closes it only on success */
        return zip_err(err, "zip", code);
    }
    gg_xlsx_t *x = make();
    x->zip = z;
    return finish_open(x, out, err);
}

int gg_xlsx_next(gg_xlsx_t *x, char ***fields, int *n, gg_error_t *err)
{
    *n = 0;
    x->row_ready = 0;
    int rc = part_run(x, x->sheet, err);
    if (rc < 0) return -1;
    if (!x->row_ready) {
        if (x->sheet->suspended || !x->sheet->final)
            return gg_err_internal(err, "xlsx reader lost its place");
        return 0;
    }
    for (int c = 0; c < x->ncols; c++)
        x->fields[c] = x->cell_off[c] == (size_t)-1 ? (char *)"" : x->row.data + x->cell_off[c];
    if (x->ncols == 0) { /* a row with no cells: one empty field, as a blank CSV line gives */
        x->fields[0] = (char *)"";
        x->ncols = 1;
    }
    *fields = x->fields;
    *n = x->ncols;
    return 1;
}

long gg_xlsx_row(const gg_xlsx_t *x)
{
    return x->row_no;
}

void gg_xlsx_close(gg_xlsx_t *x)
{
    if (!x) return;
    if (x->sheet) {
        part_close(x->sheet);
        free(x->sheet);
    }
    if (x->zip) zip_discard(x->zip);
    gg_buf_free(&x->pool);
    gg_buf_free(&x->text);
    gg_buf_free(&x->cell_is);
    gg_buf_free(&x->row);
    free(x->offs);
    free(x);
}
