/* log.c — operational log and the buffered access log (see log.h). */
#include "core/log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/mem.h"

void gg_log(const char *level, const char *fmt, ...)
{
    char ts[32];
    gg_time_rfc3339(gg_now_ms(), ts);
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s %s %s\n", ts, level, msg);
}

/* The access log is process-wide by nature (one stdout).  Each thread that
 * logs appends to a lane of its own under the lane's mutex, which only the
 * flusher ever contends; a single shared buffer made the worker threads queue
 * on one mutex for every request.  The flusher takes every lane's lines every
 * 100 ms (sooner when a lane holds 64 KiB), so lines of different threads may
 * interleave slightly out of time order within that window. */
#define ACCESSLOG_FLUSH_BYTES 65536

typedef struct lane {
    pthread_mutex_t mu;
    gg_buf_t buf;
    int signalled; /* the flusher was woken for this lane's fill */
    struct lane *next;
} lane_t;

static struct {
    pthread_mutex_t mu; /* guards lanes, running, generation, and the wake-up condition */
    pthread_cond_t cv;
    pthread_t thread;
    lane_t *lanes;
    FILE *out;
    int running;
    atomic_uint generation; /* a lane of an earlier start/stop is never reused */
    int wake;
} alog = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

static _Thread_local lane_t *my_lane;
static _Thread_local unsigned my_generation;

/* Write what every lane holds; called by the flusher only, without alog.mu held. */
static void drain(lane_t *lanes, gg_buf_t *out)
{
    for (lane_t *l = lanes; l; l = l->next) {
        pthread_mutex_lock(&l->mu);
        gg_buf_t full = l->buf; /* swap: the lane gets our empty buffer, we write its lines */
        l->buf = *out;
        l->signalled = 0;
        pthread_mutex_unlock(&l->mu);
        if (full.len) {
            fwrite(full.data, 1, full.len, alog.out);
            full.len = 0;
        }
        *out = full;
    }
    fflush(alog.out);
}

static void *flusher(void *arg)
{
    (void)arg;
    gg_buf_t spare;
    gg_buf_init(&spare, ACCESSLOG_FLUSH_BYTES);
    pthread_mutex_lock(&alog.mu);
    for (;;) {
        if (alog.running && !alog.wake) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 100 * 1000000L;
            if (ts.tv_nsec >= 1000000000L) ts.tv_sec++, ts.tv_nsec -= 1000000000L;
            pthread_cond_timedwait(&alog.cv, &alog.mu, &ts);
        }
        alog.wake = 0;
        int running = alog.running;
        lane_t *lanes = alog.lanes; /* lanes are only added at the head, never removed while running */
        pthread_mutex_unlock(&alog.mu);
        drain(lanes, &spare);
        pthread_mutex_lock(&alog.mu);
        if (!running) break;
    }
    pthread_mutex_unlock(&alog.mu);
    gg_buf_free(&spare);
    return NULL;
}

void gg_accesslog_start(FILE *out)
{
    pthread_mutex_lock(&alog.mu);
    if (alog.running) {
        pthread_mutex_unlock(&alog.mu);
        return;
    }
    alog.out = out;
    alog.running = 1;
    alog.wake = 0;
    atomic_fetch_add(&alog.generation, 1);
    pthread_mutex_unlock(&alog.mu);
    pthread_create(&alog.thread, NULL, flusher, NULL);
}

static lane_t *lane_of_this_thread(void)
{
    if (my_lane && my_generation == atomic_load(&alog.generation)) return my_lane;
    lane_t *l = gg_xcalloc(1, sizeof *l);
    pthread_mutex_init(&l->mu, NULL);
    gg_buf_init(&l->buf, 4096);
    pthread_mutex_lock(&alog.mu);
    if (!alog.running) {
        pthread_mutex_unlock(&alog.mu);
        gg_buf_free(&l->buf);
        pthread_mutex_destroy(&l->mu);
        free(l);
        return NULL;
    }
    l->next = alog.lanes;
    alog.lanes = l;
    my_generation = atomic_load(&alog.generation);
    pthread_mutex_unlock(&alog.mu);
    return my_lane = l;
}

void gg_accesslog_write(const char *line, size_t len)
{
    lane_t *l = lane_of_this_thread();
    if (!l) return; /* not started, or stopped: as before, the line is dropped */
    pthread_mutex_lock(&l->mu);
    gg_buf_append(&l->buf, line, len);
    int wake = l->buf.len >= ACCESSLOG_FLUSH_BYTES && !l->signalled;
    if (wake) l->signalled = 1;
    pthread_mutex_unlock(&l->mu);
    if (wake) {
        pthread_mutex_lock(&alog.mu);
        alog.wake = 1;
        pthread_cond_signal(&alog.cv);
        pthread_mutex_unlock(&alog.mu);
    }
}

void gg_accesslog_stop(void)
{
    pthread_mutex_lock(&alog.mu);
    if (!alog.running) {
        pthread_mutex_unlock(&alog.mu);
        return;
    }
    /* Callers stop logging threads first (the server stops libmicrohttpd before this);
     * the new generation keeps a straggler from appending to a lane about to be freed. */
    alog.running = 0;
    atomic_fetch_add(&alog.generation, 1);
    pthread_cond_signal(&alog.cv);
    pthread_mutex_unlock(&alog.mu);
    pthread_join(alog.thread, NULL); /* its last pass wrote every lane */
    pthread_mutex_lock(&alog.mu);
    lane_t *l = alog.lanes;
    alog.lanes = NULL;
    pthread_mutex_unlock(&alog.mu);
    while (l) {
        lane_t *next = l->next;
        gg_buf_free(&l->buf);
        pthread_mutex_destroy(&l->mu);
        free(l);
        l = next;
    }
}
