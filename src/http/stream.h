/*
 * stream.h — the server's side of streaming responses (the handlers' side is in http.h,
 * gg_resp_stream).  Private to src/http: server.c turns a gg_stream_t into a libmicrohttpd
 * callback response, parks and resumes its connection, and ends every stream when it stops.
 */
#ifndef GG_HTTP_STREAM_H
#define GG_HTTP_STREAM_H

#include <microhttpd.h>
#include <pthread.h>

#include "http/http.h"

/* The streams of one server whose responses are queued, so a stop can end the parked ones. */
typedef struct gg_stream_list {
    pthread_mutex_t lock;
    gg_stream_t *head;
    int stopping;
} gg_stream_list_t;

void gg_stream_list_init(gg_stream_list_t *l);
/* Ends every stream: the next fill is not called, parked connections are resumed and finish their
 * response (the client sees the end of the body); streams queued from now on end at once. */
void gg_stream_list_stop(gg_stream_list_t *l);
void gg_stream_list_destroy(gg_stream_list_t *l);

/* The response for a stream a handler started on conn: registered in l, and the stream's second
 * reference taken (gg_stream_finish gives it back).  NULL when libmicrohttpd has no memory. */
struct MHD_Response *gg_stream_response(gg_stream_t *st, gg_stream_list_t *l);
/* The request is over (on_completed): done(ctx, completed) runs, the request's reference is dropped.
 * Returns the body bytes sent, for the access log. */
size_t gg_stream_finish(gg_stream_t *st, int completed);

#endif
