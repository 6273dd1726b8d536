/*
 * classifier.h — the dispatch suggestions' model (智能派单, docs/suggest.md): character n-gram multinomial
 * naive Bayes over a county's closed cases, predicting the case's leaf category from its description and the
 * unit that handled it from the description, the address and the point.  Pure: no database, no clock.
 *
 * Features: the description's Unicode code points (ASCII folded to lower case, full-width ASCII to ASCII),
 * split at white space and punctuation into runs; every uni-, bi- and tri-gram of a run is one feature,
 * hashed (FNV-1a, one namespace per field) into GG_SG_BUCKETS buckets.  The unit model adds the address's
 * n-grams in a namespace of their own and, with a point, the ~500 m cell it falls in (lat, lon × 200).  At
 * most GG_SG_MAX_CPS code points of each field are read.
 *
 * Model: per class c and bucket f the count n(c,f) over the training examples (uint32), the class's total
 * T(c) and its prior.  log P(c|d) ∝ log prior(c) + Σ_f∈d log((n(c,f)+α)/(T(c)+α·V)) with α = GG_SG_ALPHA and
 * V the buckets seen in training; scores are normalised with a softmax over the classes, so "87 %" is the
 * model's own (overconfident, as naive Bayes is) probability.  Counts are kept sparse: for each bucket the
 * (class, weight) pairs seen (CSR), so memory is ~1 MB per model plus 8 bytes per distinct (class, bucket).
 *
 * Snapshots: a gg_sg_model_t never changes once gg_sg_train returns it, so any number of threads predict
 * with it; it is reference counted (gg_sg_model_ref / gg_sg_model_release, atomic) and freed by the last
 * release — the holder in suggest.c swaps the pointer after a retrain and readers keep the one they hold.
 *
 * Hold-out: gg_sg_is_test(id) — a case whose id hashes (splitmix64) to 0 mod 10 is in the test set, the same
 * on every node and every run; a model is trained on the other nine tenths only and evaluated on the tenth.
 */
#ifndef GG_DOMAIN_SUGGEST_CLASSIFIER_H
#define GG_DOMAIN_SUGGEST_CLASSIFIER_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define GG_SG_BUCKETS (1u << 18)
#define GG_SG_MAX_CPS 1000
#define GG_SG_ALPHA 0.1
#define GG_SG_MAX_CLASSES 65535

/* One closed case as training (or test) input. */
typedef struct gg_sg_example {
    int64_t id;
    const char *text;    /* description (UTF-8) */
    const char *address; /* may be NULL */
    int has_point;
    double lat, lon;
    int64_t category_id; /* the label of the category model */
    int64_t unit_id;     /* the label of the unit model (the lead task's unit); 0 = none */
} gg_sg_example_t;

/* The text to predict for. */
typedef struct gg_sg_query {
    const char *text, *address;
    int has_point;
    double lat, lon;
} gg_sg_query_t;

typedef struct gg_sg_hit {
    int64_t id;   /* category or unit id */
    double score; /* 0..1, softmax over the classes */
} gg_sg_hit_t;

typedef struct gg_sg_metrics {
    int64_t n_train, n_test;
    int64_t n_test_unit;         /* test examples with a unit label */
    double cat_top1, cat_top3;   /* hit rates on the test set, 0..1 (0 when n_test is 0) */
    double unit_top1, unit_top3; /* over n_test_unit */
    int n_categories, n_units;   /* classes seen in training */
    int64_t train_ms;            /* set by the caller (it owns the clock) */
    int64_t bytes;               /* the model's memory */
} gg_sg_metrics_t;

typedef struct gg_sg_model gg_sg_model_t;

/* 1 when the case id belongs to the held-out test set (one in ten, deterministic). */
int gg_sg_is_test(int64_t id);

/* Feature buckets of one text (namespace ns: 'd' description, 'a' address); at most max written, returns
 * how many (duplicates kept: the model is multinomial).  For tests and the trainer. */
int gg_sg_features(const char *text, char ns, uint32_t *out, int max);

/* Train on the examples (all of them: the caller splits).  Labels 0 are skipped by the model they label.
 * NULL with err set (400 when there is nothing to learn, 500 out of memory). */
gg_sg_model_t *gg_sg_train(const gg_sg_example_t *ex, int n, gg_error_t *err);
/* Top-k categories / units for q (k ≤ 16), best first; returns how many were written (0: no classes). */
int gg_sg_predict_category(const gg_sg_model_t *m, const gg_sg_query_t *q, gg_sg_hit_t *out, int k);
int gg_sg_predict_unit(const gg_sg_model_t *m, const gg_sg_query_t *q, gg_sg_hit_t *out, int k);
/* Hit rates of m on the examples (n_test = n); n_train/train_ms are left for the caller. */
void gg_sg_evaluate(const gg_sg_model_t *m, const gg_sg_example_t *ex, int n, gg_sg_metrics_t *out);
void gg_sg_model_info(const gg_sg_model_t *m, int *n_categories, int *n_units, int64_t *bytes);

gg_sg_model_t *gg_sg_model_ref(gg_sg_model_t *m);
void gg_sg_model_release(gg_sg_model_t *m); /* NULL is fine */

#endif
