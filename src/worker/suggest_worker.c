/* suggest_worker.c — the suggestion models' schedule: one connection, one tick (suggest_worker.h). */
#include "worker/suggest_worker.h"

#include "core/clock.h"
#include "domain/suggest/suggest.h"

int gg_suggest_worker_run(void *ctx, gg_error_t *err)
{
    gg_suggest_worker_t *s = ctx;
    gg_db_conn_t *c;
    if (gg_db_acquire(s->db, &c, err) < 0) return -1;
    int trained = 0;
    int rc = gg_suggest_tick(c, gg_db_kind(s->db) == GG_DB_POSTGRES, gg_now_ms(), &trained, err);
    gg_db_release(s->db, c);
    return rc;
}
