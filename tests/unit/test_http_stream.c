/*
 * test_http_stream.c — streaming responses (http.h, gg_resp_stream) through a real server and real
 * sockets: the body arrives as fill produces it; an idle stream is parked without holding a thread
 * (a one-thread server keeps answering other requests) and goes on when woken from another thread;
 * a stop ends a parked stream and done runs once for every stream.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <cmocka.h>

#include "http/http.h"

/* A producer like a Server-Sent Events hub: events are posted from another thread and wake the stream. */
typedef struct feed {
    pthread_mutex_t lock;
    gg_stream_t *st; /* NULL once done ran */
    char pending[256];
    int npending;
    int closed; /* the last event was posted */
    int done_calls, done_completed;
    int fills;
} feed_t;

static feed_t feed = {.lock = PTHREAD_MUTEX_INITIALIZER};

static long feed_fill(void *ctx, char *buf, size_t cap)
{
    feed_t *f = ctx;
    pthread_mutex_lock(&f->lock);
    f->fills++;
    long n = GG_STREAM_WAIT;
    if (f->npending) {
        n = f->npending < (int)cap ? f->npending : (long)cap;
        memcpy(buf, f->pending, (size_t)n);
        memmove(f->pending, f->pending + n, (size_t)(f->npending - n));
        f->npending -= (int)n;
    } else if (f->closed) {
        n = GG_STREAM_END;
    }
    pthread_mutex_unlock(&f->lock);
    return n;
}

static void feed_done(void *ctx, int completed)
{
    feed_t *f = ctx;
    pthread_mutex_lock(&f->lock);
    f->st = NULL; /* no wake from here on */
    f->done_calls++;
    f->done_completed = completed;
    pthread_mutex_unlock(&f->lock);
}

static void post(feed_t *f, const char *text, int last)
{
    pthread_mutex_lock(&f->lock);
    size_t n = strlen(text);
    memcpy(f->pending + f->npending, text, n);
    f->npending += (int)n;
    f->closed = last;
    if (f->st) gg_stream_wake(f->st);
    pthread_mutex_unlock(&f->lock);
}

static void h_events(gg_req_t *req)
{
    req->status = 200;
    req->content_type = "text/event-stream";
    pthread_mutex_lock(&feed.lock);
    feed.st = gg_resp_stream(req, feed_fill, feed_done, &feed);
    pthread_mutex_unlock(&feed.lock);
}

static void h_ping(gg_req_t *req)
{
    gg_resp_text(req, 200, "text/plain", "pong");
}

static int connect_to(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    struct timeval tv = {.tv_sec = 5};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

/* Read until text appears in what was received (or 5 s pass); returns 1 when it did. */
static int read_until(int fd, char *got, size_t cap, size_t *len, const char *text)
{
    while (!strstr(got, text)) {
        ssize_t n = recv(fd, got + *len, cap - 1 - *len, 0);
        if (n <= 0) return 0;
        *len += (size_t)n;
        got[*len] = 0;
    }
    return 1;
}

static gg_server_t *start(gg_router_t **router)
{
    *router = gg_router_new();
    assert_int_equal(gg_router_add(*router, "GET", "/events", h_events, NULL), 0);
    assert_int_equal(gg_router_add(*router, "GET", "/ping", h_ping, NULL), 0);
    gg_server_config_t sc = {.host = "127.0.0.1", .port = 0, .threads = 1};
    gg_server_t *s;
    gg_error_t err;
    assert_int_equal(gg_server_start(&sc, *router, NULL, &s, &err), 0);
    return s;
}

static void reset_feed(void)
{
    pthread_mutex_lock(&feed.lock);
    feed.st = NULL;
    feed.npending = feed.closed = feed.done_calls = feed.done_completed = feed.fills = 0;
    pthread_mutex_unlock(&feed.lock);
}

static void test_a_parked_stream_holds_no_thread_and_goes_on_when_woken(void **state)
{
    (void)state;
    reset_feed();
    gg_router_t *router;
    gg_server_t *s = start(&router);
    int port = gg_server_port(s);

    int ev = connect_to(port);
    const char *get = "GET /events HTTP/1.1\r\nHost: x\r\n\r\n";
    assert_int_equal(send(ev, get, strlen(get), 0), (ssize_t)strlen(get));
    char got[4096] = "";
    size_t len = 0;
    assert_true(read_until(ev, got, sizeof got, &len, "\r\n\r\n")); /* the head comes at once */
    assert_non_null(strstr(got, "HTTP/1.1 200"));
    assert_non_null(strstr(got, "Transfer-Encoding: chunked"));
    assert_non_null(strstr(got, "text/event-stream"));

    /* the only server thread is free while the stream idles: another client is answered */
    usleep(100000);
    pthread_mutex_lock(&feed.lock);
    int fills_while_idle = feed.fills;
    pthread_mutex_unlock(&feed.lock);
    int other = connect_to(port);
    const char *ping = "GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    send(other, ping, strlen(ping), 0);
    char pong[2048] = "";
    size_t plen = 0;
    assert_true(read_until(other, pong, sizeof pong, &plen, "pong"));
    close(other);
    usleep(100000);
    pthread_mutex_lock(&feed.lock);
    assert_int_equal(feed.fills, fills_while_idle); /* parked, not polled */
    pthread_mutex_unlock(&feed.lock);

    post(&feed, "data: 1\n\n", 0); /* from this thread, not the server's */
    assert_true(read_until(ev, got, sizeof got, &len, "data: 1\n\n"));
    post(&feed, "data: 2\n\n", 1);
    assert_true(read_until(ev, got, sizeof got, &len, "data: 2\n\n"));
    assert_true(read_until(ev, got, sizeof got, &len, "\r\n0\r\n\r\n")); /* the end of the chunked body */
    close(ev);
    /* done runs on the server thread once the last chunk is written: wait for it, up to 5 s */
    for (int i = 0; i < 500; i++) {
        pthread_mutex_lock(&feed.lock);
        int calls = feed.done_calls;
        pthread_mutex_unlock(&feed.lock);
        if (calls) break;
        usleep(10000);
    }
    pthread_mutex_lock(&feed.lock);
    assert_int_equal(feed.done_calls, 1);
    assert_int_equal(feed.done_completed, 1);
    pthread_mutex_unlock(&feed.lock);
    gg_server_stop(s, 2000);
    gg_router_free(router);
}

static void test_a_stop_ends_a_parked_stream(void **state)
{
    (void)state;
    reset_feed();
    gg_router_t *router;
    gg_server_t *s = start(&router);
    int ev = connect_to(gg_server_port(s));
    const char *get = "GET /events HTTP/1.1\r\nHost: x\r\n\r\n";
    send(ev, get, strlen(get), 0);
    char got[4096] = "";
    size_t len = 0;
    assert_true(read_until(ev, got, sizeof got, &len, "\r\n\r\n"));
    usleep(50000);
    int64_t t0 = gg_mono_us();
    gg_server_stop(s, 5000); /* must not wait out the grace period for an idle stream */
    assert_true(gg_mono_us() - t0 < 2000000);
    pthread_mutex_lock(&feed.lock);
    assert_int_equal(feed.done_calls, 1);
    assert_null(feed.st);
    pthread_mutex_unlock(&feed.lock);
    close(ev);
    gg_router_free(router);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_parked_stream_holds_no_thread_and_goes_on_when_woken),
        cmocka_unit_test(test_a_stop_ends_a_parked_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
