/* classifier.c — character n-gram naive Bayes: features, training, prediction, hold-out (classifier.h). */
#include "domain/suggest/classifier.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* ---- hold-out ---- */

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

int gg_sg_is_test(int64_t id)
{
    return splitmix64((uint64_t)id) % 10 == 0;
}

/* ---- features ---- */

/* The next code point of s (advances *s); invalid bytes are skipped as U+FFFD. */
static uint32_t next_cp(const unsigned char **s)
{
    const unsigned char *p = *s;
    uint32_t c = p[0];
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (!len) {
        *s = p + 1;
        return 0xFFFD;
    }
    if (len == 1) {
        *s = p + 1;
        return c;
    }
    c &= 0x7F >> len;
    for (int i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *s = p + i;
            return 0xFFFD;
        }
        c = (c << 6) | (p[i] & 0x3F);
    }
    *s = p + len;
    return c;
}

/* ASCII to lower case, full-width ASCII to ASCII; 0 for a separator (space, punctuation). */
static uint32_t fold(uint32_t c)
{
    if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0; /* full-width ！..～ */
    if (c == 0x3000 || c == 0x00A0) return 0;    /* ideographic and no-break space */
    if (c < 0x80) {
        if (c >= 'A' && c <= 'Z') return c + 32;
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return c;
        return 0; /* controls, space, ASCII punctuation */
    }
    if ((c >= 0x2000 && c <= 0x206F) || (c >= 0x3000 && c <= 0x303F) || (c >= 0xFE30 && c <= 0xFE4F) ||
        (c >= 0xFF5F && c <= 0xFF65) || c == 0xFFFD)
        return 0; /* general and CJK punctuation, “”、。《》…— */
    return c;
}

static uint32_t hash_gram(char ns, const uint32_t *cps, int n)
{
    uint32_t h = 2166136261u;
    h = (h ^ (unsigned char)ns) * 16777619u;
    h = (h ^ (uint32_t)n) * 16777619u;
    for (int i = 0; i < n; i++)
        for (int b = 0; b < 4; b++)
            h = (h ^ ((cps[i] >> (8 * b)) & 0xFF)) * 16777619u;
    h ^= h >> 15;
    h *= 0x2c1b3c6dU;
    h ^= h >> 12;
    return h & (GG_SG_BUCKETS - 1);
}

int gg_sg_features(const char *text, char ns, uint32_t *out, int max)
{
    if (!text) return 0;
    const unsigned char *s = (const unsigned char *)text;
    uint32_t win[3] = {0, 0, 0};
    int run = 0, n = 0, cps = 0;
    while (*s && cps < GG_SG_MAX_CPS && n < max) {
        uint32_t c = fold(next_cp(&s));
        cps++;
        if (!c) {
            run = 0;
            continue;
        }
        win[0] = win[1];
        win[1] = win[2];
        win[2] = c;
        run++;
        for (int g = 1; g <= 3 && g <= run && n < max; g++)
            out[n++] = hash_gram(ns, win + 3 - g, g);
    }
    return n;
}

/* The point's cells: ~500 m and ~2 km (lat, lon × 200 and × 50). */
static int geo_features(double lat, double lon, uint32_t *out)
{
    uint32_t a[2] = {(uint32_t)(int32_t)floor(lat * 200), (uint32_t)(int32_t)floor(lon * 200)};
    uint32_t b[2] = {(uint32_t)(int32_t)floor(lat * 50), (uint32_t)(int32_t)floor(lon * 50)};
    out[0] = hash_gram('g', a, 2);
    out[1] = hash_gram('G', b, 2);
    return 2;
}

#define MAX_FEATURES (3 * GG_SG_MAX_CPS * 2 + 2)

/* The features of one case for the category model (unit = 0) or the unit model (unit = 1). */
static int features_of(const gg_sg_query_t *q, int unit, uint32_t *out)
{
    int n = gg_sg_features(q->text, 'd', out, MAX_FEATURES);
    if (unit) {
        n += gg_sg_features(q->address, 'a', out + n, MAX_FEATURES - 2 - n);
        if (q->has_point) n += geo_features(q->lat, q->lon, out + n);
    }
    return n;
}

/* ---- the model ---- */

typedef struct nb {
    int nclass;
    int64_t *labels; /* class → id, ascending */
    double *prior;   /* log P(c) */
    double *norm;    /* log(α / (T(c) + α·V)): what each feature adds to c when c never saw it */
    uint32_t *start; /* GG_SG_BUCKETS + 1 offsets into cls / w */
    uint16_t *cls;
    float *w; /* log(1 + n(c,f)/α) */
    size_t npairs;
} nb_t;

struct gg_sg_model {
    atomic_int refs;
    nb_t cat, unit;
};

static void nb_free(nb_t *m)
{
    free(m->labels);
    free(m->prior);
    free(m->norm);
    free(m->start);
    free(m->cls);
    free(m->w);
}

/* (bucket, class) → count, open addressing; key 0 = empty. */
typedef struct pairmap {
    uint64_t *keys;
    uint32_t *counts;
    size_t cap, used;
} pairmap_t;

static int pm_grow(pairmap_t *m)
{
    size_t cap = m->cap ? m->cap * 2 : 1 << 16;
    uint64_t *keys = calloc(cap, sizeof *keys);
    uint32_t *counts = calloc(cap, sizeof *counts);
    if (!keys || !counts) {
        free(keys);
        free(counts);
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i]) continue;
        size_t j = splitmix64(m->keys[i]) & (cap - 1);
        while (keys[j])
            j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        counts[j] = m->counts[i];
    }
    free(m->keys);
    free(m->counts);
    m->keys = keys;
    m->counts = counts;
    m->cap = cap;
    return 0;
}

static int pm_inc(pairmap_t *m, uint32_t bucket, uint32_t cls)
{
    if ((m->used + 1) * 10 > m->cap * 7 && pm_grow(m) < 0) return -1;
    uint64_t key = (((uint64_t)bucket << 16) | cls) + 1;
    size_t j = splitmix64(key) & (m->cap - 1);
    while (m->keys[j] && m->keys[j] != key)
        j = (j + 1) & (m->cap - 1);
    if (!m->keys[j]) {
        m->keys[j] = key;
        m->used++;
    }
    if (m->counts[j] < UINT32_MAX) m->counts[j]++;
    return 0;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static int class_of(const nb_t *m, int64_t label)
{
    int lo = 0, hi = m->nclass - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (m->labels[mid] == label) return mid;
        if (m->labels[mid] < label)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

static int64_t label_of(const gg_sg_example_t *e, int unit)
{
    return unit ? e->unit_id : e->category_id;
}

static int nb_train(nb_t *m, const gg_sg_example_t *ex, int n, int unit, uint32_t *feat, gg_error_t *err)
{
    memset(m, 0, sizeof *m);
    int64_t *labels = malloc(sizeof *labels * (size_t)(n ? n : 1));
    if (!labels) return gg_err_internal(err, "out of memory");
    int nl = 0;
    for (int i = 0; i < n; i++)
        if (label_of(&ex[i], unit) > 0) labels[nl++] = label_of(&ex[i], unit);
    qsort(labels, (size_t)nl, sizeof *labels, cmp_i64);
    int k = 0;
    for (int i = 0; i < nl; i++)
        if (!k || labels[k - 1] != labels[i]) labels[k++] = labels[i];
    if (k > GG_SG_MAX_CLASSES) {
        free(labels);
        return gg_err_invalid(err, unit ? "unit_id" : "category_id", "more than %d classes",
                              GG_SG_MAX_CLASSES);
    }
    m->labels = labels;
    m->nclass = k;
    double *docs = calloc((size_t)(k ? k : 1), sizeof *docs),
           *total = calloc((size_t)(k ? k : 1), sizeof *total);
    uint8_t *seen = calloc(GG_SG_BUCKETS / 8, 1);
    pairmap_t pm = {0};
    int rc = (!docs || !total || !seen || pm_grow(&pm) < 0) ? -1 : 0;
    for (int i = 0; rc == 0 && i < n; i++) {
        int c = class_of(m, label_of(&ex[i], unit));
        if (c < 0) continue;
        gg_sg_query_t q = {ex[i].text, ex[i].address, ex[i].has_point, ex[i].lat, ex[i].lon};
        int nf = features_of(&q, unit, feat);
        docs[c] += 1;
        total[c] += nf;
        for (int f = 0; f < nf && rc == 0; f++) {
            seen[feat[f] >> 3] |= (uint8_t)(1u << (feat[f] & 7));
            rc = pm_inc(&pm, feat[f], (uint32_t)c);
        }
    }
    if (rc == 0) {
        double v = 0, ndocs = 0;
        for (uint32_t b = 0; b < GG_SG_BUCKETS / 8; b++)
            v += __builtin_popcount(seen[b]);
        for (int c = 0; c < k; c++)
            ndocs += docs[c];
        m->prior = malloc(sizeof *m->prior * (size_t)(k ? k : 1));
        m->norm = malloc(sizeof *m->norm * (size_t)(k ? k : 1));
        m->start = calloc(GG_SG_BUCKETS + 1, sizeof *m->start);
        m->cls = malloc(sizeof *m->cls * (pm.used ? pm.used : 1));
        m->w = malloc(sizeof *m->w * (pm.used ? pm.used : 1));
        if (!m->prior || !m->norm || !m->start || !m->cls || !m->w) rc = -1;
        for (int c = 0; rc == 0 && c < k; c++) {
            m->prior[c] = log(docs[c] / ndocs);
            m->norm[c] = log(GG_SG_ALPHA / (total[c] + GG_SG_ALPHA * (v > 0 ? v : 1)));
        }
        if (rc == 0) {
            for (size_t i = 0; i < pm.cap; i++)
                if (pm.keys[i]) m->start[((pm.keys[i] - 1) >> 16) + 1]++;
            for (uint32_t b = 0; b < GG_SG_BUCKETS; b++)
                m->start[b + 1] += m->start[b];
            uint32_t *fill = malloc(sizeof *fill * GG_SG_BUCKETS);
            if (!fill) rc = -1;
            if (fill) {
                memcpy(fill, m->start, sizeof *fill * GG_SG_BUCKETS);
                for (size_t i = 0; i < pm.cap; i++) {
                    if (!pm.keys[i]) continue;
                    uint64_t key = pm.keys[i] - 1;
                    uint32_t at = fill[key >> 16]++;
                    m->cls[at] = (uint16_t)(key & 0xFFFF);
                    m->w[at] = (float)log1p(pm.counts[i] / GG_SG_ALPHA);
                }
                free(fill);
            }
            m->npairs = pm.used;
        }
    }
    free(docs);
    free(total);
    free(seen);
    free(pm.keys);
    free(pm.counts);
    if (rc < 0) {
        nb_free(m);
        memset(m, 0, sizeof *m);
        return gg_err_internal(err, "out of memory training the suggestion model");
    }
    return 0;
}

static int nb_predict(const nb_t *m, const uint32_t *feat, int nf, gg_sg_hit_t *out, int k)
{
    if (m->nclass == 0 || k <= 0) return 0;
    if (k > 16) k = 16;
    double *s = malloc(sizeof *s * (size_t)m->nclass);
    if (!s) return 0;
    for (int c = 0; c < m->nclass; c++)
        s[c] = m->prior[c] + nf * m->norm[c];
    for (int f = 0; f < nf; f++)
        for (uint32_t i = m->start[feat[f]]; i < m->start[feat[f] + 1]; i++)
            s[m->cls[i]] += m->w[i];
    double best = -INFINITY, sum = 0;
    for (int c = 0; c < m->nclass; c++)
        if (s[c] > best) best = s[c];
    for (int c = 0; c < m->nclass; c++)
        sum += (s[c] = exp(s[c] - best));
    int got = 0;
    for (; got < k && got < m->nclass; got++) {
        int bi = -1;
        for (int c = 0; c < m->nclass; c++) /* ties: the lower id (labels ascend) */
            if (s[c] >= 0 && (bi < 0 || s[c] > s[bi])) bi = c;
        out[got] = (gg_sg_hit_t){.id = m->labels[bi], .score = s[bi] / sum};
        s[bi] = -1;
    }
    free(s);
    return got;
}

gg_sg_model_t *gg_sg_train(const gg_sg_example_t *ex, int n, gg_error_t *err)
{
    if (n <= 0) return gg_err_invalid(err, "cases", "no closed cases to learn from"), NULL;
    gg_sg_model_t *m = calloc(1, sizeof *m);
    uint32_t *feat = malloc(sizeof *feat * MAX_FEATURES);
    if (!m || !feat) {
        free(m);
        free(feat);
        return gg_err_internal(err, "out of memory"), NULL;
    }
    if (nb_train(&m->cat, ex, n, 0, feat, err) < 0 || nb_train(&m->unit, ex, n, 1, feat, err) < 0) {
        nb_free(&m->cat);
        free(m);
        free(feat);
        return NULL;
    }
    free(feat);
    atomic_init(&m->refs, 1);
    return m;
}

static int predict(const nb_t *nb, const gg_sg_query_t *q, int unit, gg_sg_hit_t *out, int k)
{
    uint32_t *feat = malloc(sizeof *feat * MAX_FEATURES);
    if (!feat) return 0;
    int got = nb_predict(nb, feat, features_of(q, unit, feat), out, k);
    free(feat);
    return got;
}

int gg_sg_predict_category(const gg_sg_model_t *m, const gg_sg_query_t *q, gg_sg_hit_t *out, int k)
{
    return m ? predict(&m->cat, q, 0, out, k) : 0;
}

int gg_sg_predict_unit(const gg_sg_model_t *m, const gg_sg_query_t *q, gg_sg_hit_t *out, int k)
{
    return m ? predict(&m->unit, q, 1, out, k) : 0;
}

static void hits(const gg_sg_hit_t *h, int n, int64_t want, int64_t *top1, int64_t *top3)
{
    for (int i = 0; i < n && i < 3; i++)
        if (h[i].id == want) {
            if (i == 0) ++*top1;
            ++*top3;
            return;
        }
}

void gg_sg_evaluate(const gg_sg_model_t *m, const gg_sg_example_t *ex, int n, gg_sg_metrics_t *out)
{
    int64_t c1 = 0, c3 = 0, u1 = 0, u3 = 0, nu = 0, nc = 0;
    gg_sg_hit_t h[3];
    for (int i = 0; i < n; i++) {
        gg_sg_query_t q = {ex[i].text, ex[i].address, ex[i].has_point, ex[i].lat, ex[i].lon};
        if (ex[i].category_id > 0) {
            nc++;
            hits(h, gg_sg_predict_category(m, &q, h, 3), ex[i].category_id, &c1, &c3);
        }
        if (ex[i].unit_id > 0) {
            nu++;
            hits(h, gg_sg_predict_unit(m, &q, h, 3), ex[i].unit_id, &u1, &u3);
        }
    }
    out->n_test = n;
    out->n_test_unit = nu;
    out->cat_top1 = nc ? (double)c1 / (double)nc : 0;
    out->cat_top3 = nc ? (double)c3 / (double)nc : 0;
    out->unit_top1 = nu ? (double)u1 / (double)nu : 0;
    out->unit_top3 = nu ? (double)u3 / (double)nu : 0;
    gg_sg_model_info(m, &out->n_categories, &out->n_units, &out->bytes);
}

static int64_t nb_bytes(const nb_t *m)
{
    return (int64_t)((GG_SG_BUCKETS + 1) * sizeof(uint32_t) + m->npairs * (sizeof(uint16_t) + sizeof(float)) +
                     (size_t)m->nclass * (sizeof(int64_t) + 2 * sizeof(double)));
}

void gg_sg_model_info(const gg_sg_model_t *m, int *n_categories, int *n_units, int64_t *bytes)
{
    *n_categories = m ? m->cat.nclass : 0;
    *n_units = m ? m->unit.nclass : 0;
    *bytes = m ? nb_bytes(&m->cat) + nb_bytes(&m->unit) : 0;
}

gg_sg_model_t *gg_sg_model_ref(gg_sg_model_t *m)
{
    if (m) atomic_fetch_add(&m->refs, 1);
    return m;
}

void gg_sg_model_release(gg_sg_model_t *m)
{
    if (!m || atomic_fetch_sub(&m->refs, 1) != 1) return;
    nb_free(&m->cat);
    nb_free(&m->unit);
    free(m);
}
