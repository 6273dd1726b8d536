/* domain.c — shared defaults for the domain layer (see domain.h). */
#include "domain/domain.h"

#include <sodium.h>
#include <string.h>

void gg_security_defaults(gg_security_t *s)
{
    s->keys = NULL;
    s->argon2_ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
    s->argon2_mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
    s->session_idle_ms = 2LL * 3600 * 1000;      /* 2 hours */
    s->session_absolute_ms = 12LL * 3600 * 1000; /* a working day */
    s->login_max_failures = 5;
    s->login_ip_max_failures = 50;
    s->login_window_ms = 15LL * 60 * 1000;
    s->session_cache_ms = 1000;
    s->login_lockout_ms = 15LL * 60 * 1000;
}

gg_actor_t gg_actor_of(const gg_auth_t *auth)
{
    gg_actor_t a = {.account_id = auth->account_id, .username = auth->username, .client_ip = auth->client_ip};
    return a;
}

const char *gg_sql_like_contains(gg_arena_t *a, const char *q)
{
    if (!q || !*q) return "";
    char *out = gg_alloc(a, 2 * strlen(q) + 3), *o = out;
    *o++ = '%';
    for (const char *p = q; *p; p++) {
        if (*p == '%' || *p == '_' || *p == '\\') *o++ = '\\';
        *o++ = *p;
    }
    *o++ = '%';
    *o = 0;
    return out;
}
