/*
 * stream.c — streaming responses: a body produced piece by piece by the handler's fill function
 * (contract in http.h, gg_resp_stream), sent chunked through a libmicrohttpd callback response.
 *
 * When fill has nothing to send, the connection is suspended (MHD_suspend_connection, called from
 * the content reader as libmicrohttpd allows) instead of being polled: an idle stream costs no
 * thread and no CPU until gg_stream_wake resumes it.  A wake that arrives while fill runs is kept
 * (st->woken), so it is never lost between "nothing now" and the suspension.
 *
 * A stream is shared by the request (until on_completed: gg_stream_finish) and the libmicrohttpd
 * response (until its free callback), so it is reference-counted and freed by whichever ends last.
 * The server keeps the queued ones in a list: a stop resumes the parked ones (libmicrohttpd must
 * not be stopped with suspended connections) and ends them.
 */
#include "http/stream.h"

#include <stdlib.h>

#include "core/log.h"
#include "core/mem.h"

#define STREAM_BLOCK (16u << 10) /* the most fill is asked for at once */

struct gg_stream {
    pthread_mutex_t lock; /* parked, woken, ended, refs */
    int refs;
    struct MHD_Connection *conn;
    gg_stream_list_t *list;
    gg_stream_t *prev, *next; /* in list, while the response lives */
    gg_stream_fill_fn fill;
    gg_stream_done_fn done;
    void *ctx;
    int parked; /* the connection is suspended until a wake */
    int woken;  /* a wake came since fill was last called */
    int ended;  /* the server stops: end the body, call fill no more */
    int done_called;
    size_t sent;
};

gg_stream_t *gg_resp_stream(gg_req_t *req, gg_stream_fill_fn fill, gg_stream_done_fn done, void *ctx)
{
    gg_stream_t *st = gg_xcalloc(1, sizeof *st);
    pthread_mutex_init(&st->lock, NULL);
    st->refs = 1; /* the request's */
    st->conn = req->conn_;
    st->fill = fill;
    st->done = done;
    st->ctx = ctx;
    req->stream_ = st;
    return st;
}

static void unref(gg_stream_t *st)
{
    pthread_mutex_lock(&st->lock);
    int left = --st->refs;
    pthread_mutex_unlock(&st->lock);
    if (left) return;
    pthread_mutex_destroy(&st->lock);
    free(st);
}

void gg_stream_wake(gg_stream_t *st)
{
    pthread_mutex_lock(&st->lock);
    st->woken = 1;
    if (st->parked) {
        st->parked = 0;
        MHD_resume_connection(st->conn);
    }
    pthread_mutex_unlock(&st->lock);
}

static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    gg_stream_t *st = cls;
    for (;;) {
        pthread_mutex_lock(&st->lock);
        int ended = st->ended;
        st->woken = 0;
        pthread_mutex_unlock(&st->lock);
        if (ended) return MHD_CONTENT_READER_END_OF_STREAM;
        long n = st->fill(st->ctx, buf, max);
        if (n > 0) {
            if ((size_t)n > max)
                n = (long)max; /* a fill that overran buf has already done harm; do no more */
            st->sent += (size_t)n;
            return n;
        }
        if (n == GG_STREAM_END) return MHD_CONTENT_READER_END_OF_STREAM;
        if (n != GG_STREAM_WAIT) return MHD_CONTENT_READER_END_WITH_ERROR;
        pthread_mutex_lock(&st->lock);
        if (!st->woken && !st->ended) {
            st->parked = 1;
            MHD_suspend_connection(st->conn);
            pthread_mutex_unlock(&st->lock);
            return 0; /* called again once resumed */
        }
        pthread_mutex_unlock(&st->lock); /* woken meanwhile: ask fill again */
    }
}

static void response_freed(void *cls)
{
    gg_stream_t *st = cls;
    gg_stream_list_t *l = st->list;
    pthread_mutex_lock(&l->lock);
    if (st->prev)
        st->prev->next = st->next;
    else
        l->head = st->next;
    if (st->next) st->next->prev = st->prev;
    pthread_mutex_unlock(&l->lock);
    unref(st);
}

struct MHD_Response *gg_stream_response(gg_stream_t *st, gg_stream_list_t *l)
{
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, STREAM_BLOCK, reader, st, response_freed);
    if (!r) return NULL;
    st->list = l;
    pthread_mutex_lock(&l->lock);
    pthread_mutex_lock(&st->lock);
    st->refs++; /* the response's, given back in response_freed */
    if (l->stopping) st->ended = 1;
    pthread_mutex_unlock(&st->lock);
    st->next = l->head;
    if (l->head) l->head->prev = st;
    l->head = st;
    pthread_mutex_unlock(&l->lock);
    return r;
}

size_t gg_stream_finish(gg_stream_t *st, int completed)
{
    size_t sent = st->sent;
    if (!st->done_called) {
        st->done_called = 1;
        if (st->done) st->done(st->ctx, completed);
    }
    unref(st);
    return sent;
}

void gg_stream_list_init(gg_stream_list_t *l)
{
    pthread_mutex_init(&l->lock, NULL);
    l->head = NULL;
    l->stopping = 0;
}

void gg_stream_list_stop(gg_stream_list_t *l)
{
    pthread_mutex_lock(&l->lock);
    l->stopping = 1;
    int parked = 0;
    for (gg_stream_t *st = l->head; st; st = st->next) {
        pthread_mutex_lock(&st->lock);
        st->ended = 1;
        if (st->parked) {
            st->parked = 0;
            parked++;
            MHD_resume_connection(st->conn);
        }
        pthread_mutex_unlock(&st->lock);
    }
    pthread_mutex_unlock(&l->lock);
    if (parked) gg_log("http", "stopping: ended %d idle streaming responses", parked);
}

void gg_stream_list_destroy(gg_stream_list_t *l)
{
    pthread_mutex_destroy(&l->lock);
}
