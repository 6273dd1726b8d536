/* mem.c — aborting allocators, bump arena, growable buffer (see mem.h). */
#include "core/mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
    fprintf(stderr, "gridgov: out of memory allocating %zu bytes\n", n);
    abort();
}

void *gg_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) oom(n);
    return p;
}

void *gg_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) oom(n * size);
    return p;
}

void *gg_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) oom(n);
    return q;
}

char *gg_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = gg_xmalloc(n);
    memcpy(p, s, n);
    return p;
}

/* ---- arena ---- */

struct block {
    struct block *next;
    size_t size;
    size_t used;
    _Alignas(16) unsigned char data[];
};

struct gg_arena {
    struct block *head;  /* current block (most recent) */
    struct block *first; /* kept across reset */
};

static struct block *block_new(size_t size)
{
    struct block *b = gg_xmalloc(sizeof *b + size);
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

gg_arena_t *gg_arena_new(size_t first_block)
{
    gg_arena_t *a = gg_xmalloc(sizeof *a);
    a->first = a->head = block_new(first_block ? first_block : 4096);
    return a;
}

void gg_arena_reset(gg_arena_t *a)
{
    struct block *b = a->head;
    while (b && b != a->first) {
        struct block *next = b->next;
        free(b);
        b = next;
    }
    a->head = a->first;
    a->first->used = 0;
    a->first->next = NULL;
}

void gg_arena_free(gg_arena_t *a)
{
    if (!a) return;
    gg_arena_reset(a);
    free(a->first);
    free(a);
}

void *gg_alloc(gg_arena_t *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    struct block *b = a->head;
    if (b->size - b->used < n) {
        size_t size = b->size * 2;
        if (size < n) size = n;
        if (size > (1u << 20) && n < (1u << 20)) size = 1u << 20;
        if (size < n) size = n;
        struct block *nb = block_new(size);
        nb->next = b;
        a->head = b = nb;
    }
    void *p = b->data + b->used;
    b->used += n;
    return p;
}

void *gg_zalloc(gg_arena_t *a, size_t n)
{
    void *p = gg_alloc(a, n);
    memset(p, 0, n);
    return p;
}

char *gg_strndup(gg_arena_t *a, const char *s, size_t n)
{
    char *p = gg_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *gg_strdup(gg_arena_t *a, const char *s)
{
    return s ? gg_strndup(a, s, strlen(s)) : NULL;
}

char *gg_vsprintf(gg_arena_t *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) n = 0;
    char *p = gg_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *gg_sprintf(gg_arena_t *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = gg_vsprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

/* ---- buffer ---- */

void gg_buf_init(gg_buf_t *b, size_t cap)
{
    b->cap = cap ? cap : 256;
    b->data = gg_xmalloc(b->cap);
    b->data[0] = 0;
    b->len = 0;
}

void gg_buf_free(gg_buf_t *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void gg_buf_reserve(gg_buf_t *b, size_t extra)
{
    if (!b->data) gg_buf_init(b, extra + 1 > 256 ? extra + 1 : 256);
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap * 2;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->data = gg_xrealloc(b->data, cap);
    b->cap = cap;
}

void gg_buf_append(gg_buf_t *b, const void *p, size_t n)
{
    gg_buf_reserve(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
}

void gg_buf_puts(gg_buf_t *b, const char *s)
{
    gg_buf_append(b, s, strlen(s));
}

void gg_buf_putc(gg_buf_t *b, char c)
{
    gg_buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = 0;
}

void gg_buf_printf(gg_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof tmp) {
        gg_buf_append(b, tmp, (size_t)n);
        return;
    }
    gg_buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *gg_buf_steal(gg_buf_t *b, size_t *len)
{
    if (!b->data) gg_buf_init(b, 1);
    char *p = b->data;
    if (len) *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}
