/*
 * test_worker.c — the periodic-job runner (worker/worker.c): jobs run at start and then every
 * interval, a stop wakes the runner at once (never sleeping out an interval) and waits for a running
 * job, a failing job is run again at its next interval without stopping the others, and bad jobs are
 * refused when added.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "worker/worker.h"

#define MAX_RUNS 64

/* What a job saw: when each run started (monotonic ms), how many failed; shared with the test thread. */
typedef struct probe {
    pthread_mutex_t lock;
    pthread_cond_t ran;
    int runs;
    int64_t at[MAX_RUNS];
    int fail_first; /* the first this many runs fail */
    int busy_ms;    /* each run takes this long */
    int running;    /* 1 while a run is inside the job */
    int finished;   /* runs that returned */
} probe_t;

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void probe_init(probe_t *p)
{
    memset(p, 0, sizeof *p);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->ran, NULL);
}

static void probe_free(probe_t *p)
{
    pthread_cond_destroy(&p->ran);
    pthread_mutex_destroy(&p->lock);
}

static int job(void *ctx, gg_error_t *err)
{
    probe_t *p = ctx;
    pthread_mutex_lock(&p->lock);
    int n = p->runs++;
    if (n < MAX_RUNS) p->at[n] = mono_ms();
    p->running = 1;
    pthread_cond_broadcast(&p->ran);
    pthread_mutex_unlock(&p->lock);
    if (p->busy_ms) usleep((useconds_t)p->busy_ms * 1000);
    pthread_mutex_lock(&p->lock);
    p->running = 0;
    p->finished++;
    pthread_mutex_unlock(&p->lock);
    if (n < p->fail_first) return gg_err_internal(err, "failure %d of the probe", n + 1);
    return 0;
}

/* Wait (at most 10 s, generous for a loaded machine) until the job has started n runs; returns the count. */
static int wait_runs(probe_t *p, int n)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 10;
    pthread_mutex_lock(&p->lock);
    while (p->runs < n)
        if (pthread_cond_timedwait(&p->ran, &p->lock, &until) != 0) break;
    int runs = p->runs;
    pthread_mutex_unlock(&p->lock);
    return runs;
}

static void test_jobs_run_at_start_and_then_every_interval(void **state)
{
    probe_t fast, slow;
    probe_init(&fast);
    probe_init(&slow);
    gg_error_t err = {0};
    gg_worker_t *w = gg_worker_new();
    assert_int_equal(gg_worker_add(w, &(gg_job_t){"fast", 40, job, &fast}, &err), 0);
    assert_int_equal(gg_worker_add(w, &(gg_job_t){"slow", 600000, job, &slow}, &err), 0);
    int64_t t0 = mono_ms();
    assert_int_equal(gg_worker_start(w, &err), 0);
    assert_true(wait_runs(&fast, 5) >= 5);
    gg_worker_stop(w);
    assert_true(fast.at[0] >= t0);
    for (int i = 1; i < 5; i++)
        assert_true(fast.at[i] - fast.at[i - 1] >= 40); /* never sooner than the interval */
    /* the ten-minute job ran once — so at start, not one interval later — and not again */
    assert_int_equal(slow.runs, 1);
    gg_worker_free(w);
    probe_free(&fast);
    probe_free(&slow);
}

static void test_stop_wakes_the_runner_at_once(void **state)
{
    probe_t p;
    probe_init(&p);
    gg_error_t err = {0};
    gg_worker_t *w = gg_worker_new();
    assert_int_equal(gg_worker_add(w, &(gg_job_t){"hourly", 3600000, job, &p}, &err), 0);
    assert_int_equal(gg_worker_start(w, &err), 0);
    assert_int_equal(wait_runs(&p, 1), 1);
    usleep(20000); /* the runner is now waiting for the next hour */
    int64_t t0 = mono_ms();
    gg_worker_stop(w);
    assert_true(mono_ms() - t0 < 1000);
    assert_int_equal(p.runs, 1);
    gg_worker_free(w);
    probe_free(&p);
}

static void test_stop_waits_for_a_running_job_and_starts_no_other(void **state)
{
    probe_t p;
    probe_init(&p);
    p.busy_ms = 300;
    gg_error_t err = {0};
    gg_worker_t *w = gg_worker_new();
    assert_int_equal(gg_worker_add(w, &(gg_job_t){"busy", 1, job, &p}, &err), 0);
    assert_int_equal(gg_worker_start(w, &err), 0);
    assert_int_equal(wait_runs(&p, 1), 1); /* inside its first run */
    gg_worker_stop(w);
    pthread_mutex_lock(&p.lock);
    int running = p.running, finished = p.finished, runs = p.runs;
    pthread_mutex_unlock(&p.lock);
    assert_int_equal(running, 0);
    assert_int_equal(finished, runs);
    usleep(50000);
    assert_int_equal(p.runs, runs); /* nothing after the stop, though the interval is 1 ms */
    gg_worker_free(w);
    probe_free(&p);
}

static void test_a_failing_job_is_retried_and_the_others_go_on(void **state)
{
    probe_t bad, good;
    probe_init(&bad);
    probe_init(&good);
    bad.fail_first = 3;
    gg_error_t err = {0};
    gg_worker_t *w = gg_worker_new();
    assert_int_equal(gg_worker_add(w, &(gg_job_t){"flaky", 30, job, &bad}, &err), 0);
    assert_int_equal(gg_worker_add(w, &(gg_job_t){"steady", 30, job, &good}, &err), 0);
    assert_int_equal(gg_worker_start(w, &err), 0);
    assert_true(wait_runs(&bad, 5) >= 5); /* three failures, then runs that succeed */
    assert_true(wait_runs(&good, 5) >= 5);
    gg_worker_stop(w);
    for (int i = 1; i < 5; i++)
        assert_true(bad.at[i] - bad.at[i - 1] >= 30); /* retried at the next interval, not in a hot loop */
    gg_worker_free(w);
    probe_free(&bad);
    probe_free(&good);
}

static void test_bad_jobs_are_refused(void **state)
{
    probe_t p;
    probe_init(&p);
    gg_error_t err = {0};
    gg_worker_t *w = gg_worker_new();
    assert_true(gg_worker_add(w, &(gg_job_t){"never", 0, job, &p}, &err) < 0);
    assert_int_equal(err.http_status, 400);
    assert_string_equal(err.field, "never");
    assert_true(gg_worker_add(w, &(gg_job_t){"nothing", 1000, NULL, NULL}, &err) < 0);
    assert_int_equal(gg_worker_add(w, &(gg_job_t){"late", 1000, job, &p}, &err), 0);
    assert_int_equal(gg_worker_start(w, &err), 0);
    assert_true(gg_worker_add(w, &(gg_job_t){"later", 1000, job, &p}, &err) < 0);
    gg_worker_free(w);               /* stops it first */
    gg_worker_free(gg_worker_new()); /* never started */
    probe_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jobs_run_at_start_and_then_every_interval),
        cmocka_unit_test(test_stop_wakes_the_runner_at_once),
        cmocka_unit_test(test_stop_waits_for_a_running_job_and_starts_no_other),
        cmocka_unit_test(test_a_failing_job_is_retried_and_the_others_go_on),
        cmocka_unit_test(test_bad_jobs_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
