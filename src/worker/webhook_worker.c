/* webhook_worker.c — the outbox delivery job (webhook_worker.h). */
#include "worker/webhook_worker.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/version.h"
#include "domain/webhook.h"

#define RUN_MAX_DELIVERIES 50
#define RUN_MAX_MS 5000

int gg_webhook_worker_init(gg_error_t *err)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return gg_err_internal(err, "libcurl did not start");
    return 0;
}

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return size * n;
}

/* POST the job; *status the HTTP status or 0, error a message (static or in buf) when there was no answer. */
static void post(const gg_webhook_job_t *job, int64_t timeout_ms, int *status, const char **error, char *buf,
                 size_t bufsz)
{
    *status = 0;
    *error = NULL;
    CURL *h = curl_easy_init();
    if (!h) {
        *error = "libcurl could not make a handle";
        return;
    }
    char sig[GG_WEBHOOK_SIGNATURE_MAX], hdr[160], ev[128], dl[64];
    size_t len = strlen(job->body);
    gg_webhook_sign(job->secret, gg_now_ms() / 1000, job->body, len, sig);
    snprintf(hdr, sizeof hdr, "X-Gridgov-Signature: %s", sig);
    snprintf(ev, sizeof ev, "X-Gridgov-Event: %s", job->event_type ? job->event_type : "");
    snprintf(dl, sizeof dl, "X-Gridgov-Delivery: %lld", (long long)job->delivery_id);
    struct curl_slist *hs = NULL;
    hs = curl_slist_append(hs, "Content-Type: application/json");
    hs = curl_slist_append(hs, hdr);
    hs = curl_slist_append(hs, ev);
    hs = curl_slist_append(hs, dl);
    hs = curl_slist_append(hs, "Expect:");
    char ebuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(h, CURLOPT_URL, job->url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hs);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, job->body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "gridgov/" GG_VERSION);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
    CURLcode rc = curl_easy_perform(h);
    if (rc == CURLE_OK) {
        long code = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
        *status = (int)code;
        if (code >= 300 && code < 400) *error = "a redirect (not followed)";
    } else {
        snprintf(buf, bufsz, "%s", ebuf[0] ? ebuf : curl_easy_strerror(rc));
        *error = buf;
    }
    curl_slist_free_all(hs);
    curl_easy_cleanup(h);
}

int gg_webhook_worker_run(void *ctx, gg_error_t *err)
{
    gg_webhook_worker_t *ww = ctx;
    int pg = gg_db_kind(ww->db) == GG_DB_POSTGRES;
    gg_db_conn_t *c;
    if (gg_db_acquire(ww->db, &c, err) < 0) return -1;
    gg_arena_t *a = gg_arena_new(16384);
    int rc = 0, made = 0, delivered = 0, failed = 0;
    int64_t started = gg_now_ms();
    do {
        rc = gg_webhook_fanout(c, a, pg, &made, err);
    } while (rc == 0 && made > 0 && gg_now_ms() - started < RUN_MAX_MS);
    gg_webhook_settings_t s;
    if (rc == 0) rc = gg_webhook_settings(c, a, &s, err);
    for (int i = 0; rc == 0 && i < RUN_MAX_DELIVERIES && gg_now_ms() - started < RUN_MAX_MS; i++) {
        gg_webhook_job_t job;
        int found;
        /* the lease outlasts the longest try, so only a node that died lets it pass */
        if ((rc = gg_webhook_claim(c, a, ww->keys, pg, gg_now_ms(), s.timeout_ms + 5000, &job, &found, err)) <
                0 ||
            !found)
            break;
        int status;
        const char *error;
        char buf[CURL_ERROR_SIZE + 1];
        post(&job, s.timeout_ms, &status, &error, buf, sizeof buf);
        int ok = status >= 200 && status < 300;
        rc = gg_webhook_finish(c, &s, &job, ok ? status : status, ok ? NULL : error, gg_now_ms(), err);
        if (ok)
            delivered++;
        else
            failed++;
        gg_arena_reset(a);
    }
    gg_arena_free(a);
    gg_db_release(ww->db, c);
    if (delivered || failed)
        gg_log_info("webhooks: %d delivered, %d failed (tried again later or dead)", delivered, failed);
    return rc;
}
