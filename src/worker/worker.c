/* worker.c — the periodic-job runner: its thread, the schedule, waking on stop (see worker.h). */
#include "worker/worker.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/mem.h"

struct gg_worker {
    gg_job_t jobs[GG_WORKER_MAX_JOBS];
    int64_t next_at[GG_WORKER_MAX_JOBS]; /* monotonic ms */
    int njobs;
    pthread_mutex_t lock;
    pthread_cond_t wake; /* signalled by stop */
    int stopping, started;
    pthread_t thread;
};

/* The monotonic clock: the schedule must not jump with the wall clock (NTP, an operator's date). */
static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

gg_worker_t *gg_worker_new(void)
{
    gg_worker_t *w = gg_xcalloc(1, sizeof *w);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC); /* timed waits on the same clock as the schedule */
    pthread_cond_init(&w->wake, &attr);
    pthread_condattr_destroy(&attr);
    pthread_mutex_init(&w->lock, NULL);
    return w;
}

int gg_worker_add(gg_worker_t *w, const gg_job_t *job, gg_error_t *err)
{
    const char *name = job->name ? job->name : "job";
    if (w->started) return gg_err_invalid(err, name, "job %s: add jobs before the worker starts", name);
    if (w->njobs == GG_WORKER_MAX_JOBS)
        return gg_err_invalid(err, name, "job %s: at most %d jobs", name, GG_WORKER_MAX_JOBS);
    if (!job->run || job->interval_ms < 1)
        return gg_err_invalid(err, name, "job %s needs a function and an interval of at least 1 ms", name);
    w->jobs[w->njobs++] = *job;
    return 0;
}

static void run_job(gg_job_t *job)
{
    gg_error_t err = {0};
    if (job->run(job->ctx, &err) < 0)
        gg_log_warn("job %s failed: %s; retrying in %lld ms", job->name,
                    err.message[0] ? err.message : "no reason", (long long)job->interval_ms);
}

static void *runner(void *arg)
{
    gg_worker_t *w = arg;
    pthread_mutex_lock(&w->lock);
    while (!w->stopping) {
        int64_t now = mono_ms(), soonest = INT64_MAX;
        for (int i = 0; i < w->njobs && !w->stopping; i++) {
            if (w->next_at[i] > now) continue;
            /* unlocked while the job runs, so a stop is taken at once and waits only for this job */
            pthread_mutex_unlock(&w->lock);
            run_job(&w->jobs[i]);
            pthread_mutex_lock(&w->lock);
            now = mono_ms();
            w->next_at[i] = now + w->jobs[i].interval_ms;
        }
        for (int i = 0; i < w->njobs; i++)
            if (w->next_at[i] < soonest) soonest = w->next_at[i];
        if (w->stopping) break;
        if (soonest == INT64_MAX) {
            pthread_cond_wait(&w->wake, &w->lock);
            continue;
        }
        if (soonest <= now) continue;
        struct timespec until = {.tv_sec = soonest / 1000, .tv_nsec = (long)(soonest % 1000) * 1000000};
        pthread_cond_timedwait(&w->wake, &w->lock, &until); /* a stop or the next due job ends the wait */
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

int gg_worker_start(gg_worker_t *w, gg_error_t *err)
{
    int64_t now = mono_ms();
    for (int i = 0; i < w->njobs; i++)
        w->next_at[i] = now;
    if (pthread_create(&w->thread, NULL, runner, w) != 0)
        return gg_err_internal(err, "could not start the background worker thread");
    w->started = 1;
    return 0;
}

void gg_worker_stop(gg_worker_t *w)
{
    if (!w || !w->started) return;
    pthread_mutex_lock(&w->lock);
    w->stopping = 1;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    w->started = 0;
}

void gg_worker_free(gg_worker_t *w)
{
    if (!w) return;
    gg_worker_stop(w);
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    free(w);
}
