/*
 * jw.h — a small, fast JSON writer appending to a gg_buf_t.
 *
 * Why our own: responses are written field by field straight from database
 * rows; building a jansson tree first would double the allocations on the
 * hottest path (docs/decisions.md).  The writer tracks commas and nesting
 * itself, so callers only say open/key/value/close.
 *
 * Escaping: '"' '\\' and control characters; U+2028/U+2029 as \u escapes (so
 * the output is also safe inside JavaScript); '<' '>' '&' as \u003c etc. so a
 * JSON body sniffed as HTML cannot run script.  Invalid UTF-8 in a string is
 * replaced by U+FFFD rather than emitted: output is always valid JSON.
 */
#ifndef GG_JSON_JW_H
#define GG_JSON_JW_H

#include <stddef.h>
#include <stdint.h>

#include "core/mem.h"

#define GG_JW_MAX_DEPTH 64

typedef struct gg_jw {
    gg_buf_t *buf;
    int depth;
    unsigned char count[GG_JW_MAX_DEPTH]; /* values written at each level (saturates at 1) */
    int after_key;
} gg_jw_t;

void gg_jw_init(gg_jw_t *w, gg_buf_t *buf);
void gg_jw_obj(gg_jw_t *w);     /* { */
void gg_jw_obj_end(gg_jw_t *w); /* } */
void gg_jw_arr(gg_jw_t *w);     /* [ */
void gg_jw_arr_end(gg_jw_t *w); /* ] */
void gg_jw_key(gg_jw_t *w, const char *key);
void gg_jw_str(gg_jw_t *w, const char *s); /* NULL writes null */
void gg_jw_strn(gg_jw_t *w, const char *s, size_t n);
void gg_jw_int(gg_jw_t *w, int64_t v);
void gg_jw_num(gg_jw_t *w, double v); /* non-finite writes null */
void gg_jw_bool(gg_jw_t *w, int v);
void gg_jw_null(gg_jw_t *w);
void gg_jw_raw(gg_jw_t *w, const char *json, size_t n); /* pre-encoded value */
/* RFC 3339 in Asia/Shanghai (+08:00) from Unix milliseconds; 0/negative writes null. */
void gg_jw_time(gg_jw_t *w, int64_t unix_ms);

/* key + value in one call */
void gg_jw_kstr(gg_jw_t *w, const char *key, const char *s);
void gg_jw_kint(gg_jw_t *w, const char *key, int64_t v);
void gg_jw_knum(gg_jw_t *w, const char *key, double v);
void gg_jw_kbool(gg_jw_t *w, const char *key, int v);
void gg_jw_knull(gg_jw_t *w, const char *key);
void gg_jw_ktime(gg_jw_t *w, const char *key, int64_t unix_ms);

/* Append s escaped as JSON string contents (no quotes) — exposed for tests. */
void gg_json_escape(gg_buf_t *b, const char *s, size_t n);

#endif
