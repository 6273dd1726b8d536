/*
 * mem.h — allocation: aborting malloc wrappers, the request arena, and a
 * growable byte buffer.
 *
 * Ownership: an arena owns everything allocated from it and releases it all
 * in gg_arena_free/gg_arena_reset (h2o's req->pool).  Out of memory aborts
 * with a message, so callers do not check allocations (DESIGN §8).
 * A gg_buf_t owns a malloc'd block; gg_buf_steal hands it to the caller
 * (the HTTP layer gives it to libmicrohttpd, which frees it).
 */
#ifndef GG_CORE_MEM_H
#define GG_CORE_MEM_H

#include <stddef.h>
#include <stdarg.h>

void *gg_xmalloc(size_t n);
void *gg_xcalloc(size_t n, size_t size);
void *gg_xrealloc(void *p, size_t n);
char *gg_xstrdup(const char *s);

typedef struct gg_arena gg_arena_t;

gg_arena_t *gg_arena_new(size_t first_block);
void gg_arena_free(gg_arena_t *a);
/* Release everything but the first block, for reuse by the next request. */
void gg_arena_reset(gg_arena_t *a);
void *gg_alloc(gg_arena_t *a, size_t n);  /* 16-byte aligned, uninitialised */
void *gg_zalloc(gg_arena_t *a, size_t n); /* zeroed */
char *gg_strdup(gg_arena_t *a, const char *s);
char *gg_strndup(gg_arena_t *a, const char *s, size_t n);
char *gg_sprintf(gg_arena_t *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *gg_vsprintf(gg_arena_t *a, const char *fmt, va_list ap);

typedef struct gg_buf {
    char *data; /* always NUL-terminated when cap > 0 */
    size_t len;
    size_t cap;
} gg_buf_t;

void gg_buf_init(gg_buf_t *b, size_t cap);
void gg_buf_free(gg_buf_t *b);
void gg_buf_reserve(gg_buf_t *b, size_t extra);
void gg_buf_append(gg_buf_t *b, const void *p, size_t n);
void gg_buf_puts(gg_buf_t *b, const char *s);
void gg_buf_putc(gg_buf_t *b, char c);
void gg_buf_printf(gg_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hand the block to the caller (who frees it with free()); b is left empty. */
char *gg_buf_steal(gg_buf_t *b, size_t *len);

#endif
