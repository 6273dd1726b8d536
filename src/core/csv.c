/* csv.c — streaming CSV reader (see csv.h for what it accepts and refuses). */
#include "core/csv.h"

#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/utf8.h"

struct gg_csv {
    FILE *f;
    const char *mem;
    size_t mem_len, mem_pos;
    size_t consumed;
    long line, row_line;
    int first;
    int pushback; /* one character of look-ahead, -1 when empty */
    char row[GG_CSV_MAX_ROW + 1];
    char *fields[GG_CSV_MAX_FIELDS];
};

static gg_csv_t *make(void)
{
    gg_csv_t *c = gg_xcalloc(1, sizeof *c);
    c->line = 1;
    c->first = 1;
    c->pushback = -1;
    return c;
}

gg_csv_t *gg_csv_open_file(FILE *f)
{
    gg_csv_t *c = make();
    c->f = f;
    return c;
}

gg_csv_t *gg_csv_open_mem(const char *data, size_t len)
{
    gg_csv_t *c = make();
    c->mem = data;
    c->mem_len = len;
    return c;
}

void gg_csv_close(gg_csv_t *c)
{
    free(c);
}

long gg_csv_line(const gg_csv_t *c)
{
    return c->row_line;
}

size_t gg_csv_offset(const gg_csv_t *c)
{
    return c->consumed;
}

static int getch(gg_csv_t *c)
{
    int ch;
    if (c->pushback >= 0) {
        ch = c->pushback;
        c->pushback = -1;
        return ch;
    }
    if (c->f)
        ch = getc_unlocked(c->f);
    else
        ch = c->mem_pos < c->mem_len ? (unsigned char)c->mem[c->mem_pos++] : EOF;
    if (ch != EOF) c->consumed++;
    return ch;
}

int gg_csv_next(gg_csv_t *c, char ***out, int *n, gg_error_t *err)
{
    size_t len = 0;
    int nf = 0, ch, quoted = 0, in_quotes = 0, after_quote = 0, any = 0;
    *n = 0;
    if (c->first) {
        c->first = 0;
        /* skip a UTF-8 BOM */
        int b1 = getch(c);
        if (b1 == 0xEF) {
            int b2 = getch(c), b3 = getch(c);
            if (b2 != 0xBB || b3 != 0xBF)
                return gg_err_invalid(err, "file", "line 1: the file does not start with valid UTF-8");
        } else if (b1 != EOF) {
            c->pushback = b1;
        }
    }
    c->row_line = c->line;
    c->fields[nf++] = c->row;
    for (;;) {
        ch = getch(c);
        if (ch == EOF) {
            if (in_quotes)
                return gg_err_invalid(err, "file", "line %ld: a quoted field is not closed", c->row_line);
            if (!any) return 0;
            break;
        }
        any = 1;
        if (in_quotes) {
            if (ch == '"') {
                int next = getch(c);
                if (next == '"') {
                    ch = '"';
                } else {
                    in_quotes = 0;
                    after_quote = 1;
                    if (next != EOF) c->pushback = next;
                    continue;
                }
            } else if (ch == '\n') {
                c->line++;
            }
        } else if (ch == ',') {
            if (nf == GG_CSV_MAX_FIELDS)
                return gg_err_invalid(err, "file", "line %ld: more than %d fields", c->row_line,
                                      GG_CSV_MAX_FIELDS);
            c->row[len++] = 0;
            c->fields[nf++] = c->row + len;
            quoted = after_quote = 0;
            continue;
        } else if (ch == '\n' || ch == '\r') {
            if (ch == '\r') {
                int next = getch(c);
                if (next != '\n' && next != EOF) c->pushback = next;
            }
            c->line++;
            break;
        } else if (ch == '"') {
            if (quoted || after_quote || c->row + len != c->fields[nf - 1])
                return gg_err_invalid(err, "file", "line %ld, field %d: a quote inside an unquoted field",
                                      c->row_line, nf);
            quoted = in_quotes = 1;
            continue;
        } else if (after_quote) {
            return gg_err_invalid(err, "file", "line %ld, field %d: text after a closing quote", c->row_line,
                                  nf);
        }
        if (len >= GG_CSV_MAX_ROW - 1)
            return gg_err_invalid(err, "file", "line %ld: the row is longer than %d bytes", c->row_line,
                                  GG_CSV_MAX_ROW);
        c->row[len++] = (char)ch;
    }
    c->row[len] = 0;
    for (int i = 0; i < nf; i++) {
        size_t fl = strlen(c->fields[i]);
        if (memchr(c->fields[i], 0, fl) != NULL || !gg_utf8_valid(c->fields[i], fl))
            return gg_err_invalid(err, "file", "line %ld, field %d: not valid UTF-8 (save the file as UTF-8)",
                                  c->row_line, i + 1);
    }
    *out = c->fields;
    *n = nf;
    return 1;
}
