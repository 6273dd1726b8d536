/* log.c — operational log and the buffered access log (see log.h). */
#include "core/log.h"

#include <pthread.h>
#include <stdarg.h>
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

/* The access log is process-wide by nature (one stdout); its state is the
 * only global in the server and is guarded by its mutex. */
static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    gg_buf_t pending;
    FILE *out;
    int running;
} alog = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

static void *flusher(void *arg)
{
    (void)arg;
    gg_buf_t spare;
    gg_buf_init(&spare, 65536);
    pthread_mutex_lock(&alog.mu);
    for (;;) {
        if (alog.pending.len == 0 && alog.running) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 100 * 1000000L;
            if (ts.tv_nsec >= 1000000000L) ts.tv_sec++, ts.tv_nsec -= 1000000000L;
            pthread_cond_timedwait(&alog.cv, &alog.mu, &ts);
        }
        if (alog.pending.len) {
            gg_buf_t full = alog.pending; /* swap buffers, write outside the lock */
            alog.pending = spare;
            pthread_mutex_unlock(&alog.mu);
            fwrite(full.data, 1, full.len, alog.out);
            fflush(alog.out);
            full.len = 0;
            spare = full;
            pthread_mutex_lock(&alog.mu);
            continue;
        }
        if (!alog.running) break;
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
    gg_buf_init(&alog.pending, 65536);
    alog.running = 1;
    pthread_mutex_unlock(&alog.mu);
    pthread_create(&alog.thread, NULL, flusher, NULL);
}

void gg_accesslog_write(const char *line, size_t len)
{
    pthread_mutex_lock(&alog.mu);
    if (alog.running) {
        gg_buf_append(&alog.pending, line, len);
        if (alog.pending.len >= 65536) pthread_cond_signal(&alog.cv);
    }
    pthread_mutex_unlock(&alog.mu);
}

void gg_accesslog_stop(void)
{
    pthread_mutex_lock(&alog.mu);
    if (!alog.running) {
        pthread_mutex_unlock(&alog.mu);
        return;
    }
    alog.running = 0;
    pthread_cond_signal(&alog.cv);
    pthread_mutex_unlock(&alog.mu);
    pthread_join(alog.thread, NULL);
    gg_buf_free(&alog.pending);
}
