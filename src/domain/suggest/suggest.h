/*
 * suggest.h — dispatch suggestions (智能派单, docs/suggest.md): per county, a model (classifier.h) learned
 * from the county's own closed cases suggests a new case's category and its handling unit; the dispatcher
 * always decides, nothing here changes a case.
 *
 *  - Training data: the county's cases in state closed or rated (not merged), the newest
 * GG_SUGGEST_MAX_CASES, label category_id and the handling unit COALESCE(handler_unit_id, owner_unit_id). One
 * in ten (by id hash, gg_sg_is_test) is held out: the model is trained on the rest and its hit rates measured
 * on it. The model served is that same model, so the hit rates shown are the served model's.
 *  - The models live in this process (an immutable, reference-counted snapshot per county, swapped under a
 *    mutex after a retrain); their metrics are persisted in suggest_model (0021_suggest.sql) so every node
 *    and a restart show them.
 *  - Schedule (gg_suggest_tick, the worker job, every minute): a county is due when it has no row or its
 *    row is older than the setting suggest_retrain_hours (default 24).  The node that claims it (on
 *    PostgreSQL under pg_try_advisory_xact_lock, stamping claimed_at so a claim is taken once) trains and
 *    persists; every other node sees the newer trained_at and trains its own copy from the same rows
 *    (training is deterministic, so the copies agree up to cases closed in between), without persisting.
 *  - On demand: gg_suggest_retrain (settings.manage over the county), synchronous, audited suggest.retrain.
 */
#ifndef GG_DOMAIN_SUGGEST_SUGGEST_H
#define GG_DOMAIN_SUGGEST_SUGGEST_H

#include "domain/op.h"
#include "domain/suggest/classifier.h"

#define GG_SUGGEST_MAX_CASES 200000
#define GG_SUGGEST_TEXT_MAX 5000   /* code points of a description */
#define GG_SUGGEST_ADDRESS_MAX 200 /* code points of an address */

/* A county's persisted model row (and whether this node holds the model). */
typedef struct gg_suggest_model_row {
    int64_t county_id;
    const char *county_name, *county_code;
    int trained; /* a row exists */
    int64_t trained_at;
    const char *trained_by; /* "schedule", "demo" or the username */
    gg_sg_metrics_t m;
    int loaded; /* this node holds a model for the county */
    int64_t loaded_trained_at;
} gg_suggest_model_row_t;

typedef struct gg_suggest_in {
    const char *description, *address;
    int64_t unit_id; /* the case's unit: picks the county; 0 = the caller's own */
    int has_point;
    double lat, lon;
} gg_suggest_in_t;

typedef struct gg_suggest_cat {
    int64_t id;
    const char *name, *name_en, *parent_name, *parent_name_en;
    double score;
} gg_suggest_cat_t;

typedef struct gg_suggest_unit {
    int64_t id;
    const char *name, *level, *code;
    double score;
} gg_suggest_unit_t;

typedef struct gg_suggest_out {
    int ready; /* 0: no model for the county yet */
    int64_t county_id;
    const char *county_name;
    int64_t trained_at, n_train;
    double cat_top1, cat_top3, unit_top1;
    gg_suggest_cat_t cats[3];
    int ncats;
    gg_suggest_unit_t units[3];
    int nunits;
} gg_suggest_out_t;

/* Suggestions for a case being registered: case.report or case.dispatch over the unit (404 naming unit_id
 * outside it; 400 naming unit_id when the caller works above a county and gives none), description 1..5000
 * characters (400 naming description), address ≤ 200.  Units only inside the caller's case.read scope. */
int gg_suggest_for(const gg_op_t *op, const gg_suggest_in_t *in, gg_suggest_out_t *out, gg_error_t *err);

/* Every county the caller holds settings.manage over (403 without it anywhere), by code. */
int gg_suggest_models(const gg_op_t *op, gg_suggest_model_row_t **rows, int *n, gg_error_t *err);
/* Train the county now (404 naming county_id when it is not a county the caller manages), persist, install;
 * *row is the new state. */
int gg_suggest_retrain(const gg_op_t *op, int64_t county_id, gg_suggest_model_row_t *row, gg_error_t *err);

/* The scheduled job's work on connection c (see above); *trained: counties this node trained. */
int gg_suggest_tick(gg_db_conn_t *c, int is_pg, int64_t now_ms, int *trained, gg_error_t *err);
/* Train and persist every county (the demo, once its cases exist); prints nothing; counties may be NULL. */
int gg_suggest_demo(gg_db_t *db, int *counties, gg_error_t *err);

/* Train one county from c's rows and install the model here; persist: write suggest_model too. */
int gg_suggest_train_county(gg_db_conn_t *c, int64_t county_id, const char *by, int persist,
                            gg_sg_metrics_t *m, gg_error_t *err);
/* Drop every model of this process (tests, shutdown). */
void gg_suggest_forget_all(void);

#endif
