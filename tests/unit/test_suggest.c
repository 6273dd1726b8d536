/* test_suggest.c — the dispatch suggestions' classifier (domain/suggest/classifier.h): Chinese text into
 * n-gram features, a tiny training set predicting right, the hold-out's determinism, reference counting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "domain/suggest/classifier.h"

/* Three code points, one run: 3 unigrams + 2 bigrams + 1 trigram. */
static void features_of_chinese(void **state)
{
    (void)state;
    uint32_t f[64], g[64];
    assert_int_equal(gg_sg_features("垃圾桶", 'd', f, 64), 6);
    /* punctuation and spaces split runs: 垃圾 | 桶 = 2+1 + 1 */
    assert_int_equal(gg_sg_features("垃圾，桶", 'd', f, 64), 4);
    assert_int_equal(gg_sg_features("垃圾 桶", 'd', g, 64), 4);
    assert_memory_equal(f, g, sizeof f[0] * 4);
    /* full-width ASCII folds to ASCII, ASCII to lower case */
    assert_int_equal(gg_sg_features("ＡＢ", 'd', f, 64), 3);
    assert_int_equal(gg_sg_features("ab", 'd', g, 64), 3);
    assert_memory_equal(f, g, sizeof f[0] * 3);
    /* a namespace of its own per field */
    gg_sg_features("垃圾", 'd', f, 64);
    gg_sg_features("垃圾", 'a', g, 64);
    assert_true(f[0] != g[0] || f[1] != g[1]);
    /* the same unigram at two places is the same feature (multinomial counts) */
    assert_int_equal(gg_sg_features("灯灯", 'd', f, 64), 3);
    assert_int_equal(f[0], f[1]);
    for (int i = 0; i < 3; i++)
        assert_true(f[i] < GG_SG_BUCKETS);
    /* bounded: max, and nothing from NULL or only punctuation */
    assert_int_equal(gg_sg_features("垃圾桶满了", 'd', f, 4), 4);
    assert_int_equal(gg_sg_features(NULL, 'd', f, 64), 0);
    assert_int_equal(gg_sg_features("，。！？ ...", 'd', f, 64), 0);
    /* invalid UTF-8 is a separator, not a crash */
    assert_int_equal(gg_sg_features("垃\xff圾", 'd', f, 64), 2);
}

static const gg_sg_example_t tiny[] = {
    {1, "小区门口垃圾堆放多日无人清运", "桂林路1号", 1, 30.2, 115.0, 10, 100},
    {2, "路边暴露垃圾影响环境", "桂林路3号", 1, 30.2, 115.0, 10, 100},
    {3, "绿化带内有生活垃圾", "桂林路5号", 1, 30.2, 115.0, 10, 100},
    {4, "路口有流动摊贩占道经营", "团城山路8号", 1, 30.3, 115.1, 20, 200},
    {5, "人行道上有人摆摊卖水果", "团城山路9号", 1, 30.3, 115.1, 20, 200},
    {6, "夜市摊点占用盲道经营", "团城山路2号", 1, 30.3, 115.1, 20, 200},
    {7, "一排路灯晚上不亮", "新下陆街4号", 0, 0, 0, 30, 300},
    {8, "小区主干道路灯损坏多日", "新下陆街6号", 0, 0, 0, 30, 300},
    {9, "工地夜间施工噪音扰民", NULL, 0, 0, 0, 40, 0}, /* no unit label: only the category model learns */
};
#define NTINY ((int)(sizeof tiny / sizeof tiny[0]))

static void tiny_set_predicts(void **state)
{
    (void)state;
    gg_error_t err = {0};
    gg_sg_model_t *m = gg_sg_train(tiny, NTINY, &err);
    assert_non_null(m);
    gg_sg_hit_t h[3];
    gg_sg_query_t q = {.text = "楼下垃圾没人清运，臭味很大"};
    assert_int_equal(gg_sg_predict_category(m, &q, h, 3), 3);
    assert_int_equal(h[0].id, 10);
    assert_true(h[0].score > h[1].score && h[1].score >= h[2].score);
    assert_true(h[0].score > 0.5 && h[0].score <= 1.0);
    q.text = "有小贩在路口摆摊";
    gg_sg_predict_category(m, &q, h, 1);
    assert_int_equal(h[0].id, 20);
    q.text = "路灯坏了";
    gg_sg_predict_category(m, &q, h, 1);
    assert_int_equal(h[0].id, 30);
    q.text = "晚上施工太吵";
    gg_sg_predict_category(m, &q, h, 1);
    assert_int_equal(h[0].id, 40);
    /* the unit: the address and the point speak even when the text does not */
    gg_sg_query_t u = {
        .text = "有问题", .address = "团城山路10号", .has_point = 1, .lat = 30.3, .lon = 115.1};
    assert_int_equal(gg_sg_predict_unit(m, &u, h, 3), 3);
    assert_int_equal(h[0].id, 200);
    int ncat, nunit;
    int64_t bytes;
    gg_sg_model_info(m, &ncat, &nunit, &bytes);
    assert_int_equal(ncat, 4);
    assert_int_equal(nunit, 3);
    assert_true(bytes > 0 && bytes < 4 * 1024 * 1024); /* two CSR tables of 2^18 offsets and a few pairs */
    /* evaluation on the training set itself: every category right */
    gg_sg_metrics_t mt = {0};
    gg_sg_evaluate(m, tiny, NTINY, &mt);
    assert_int_equal(mt.n_test, NTINY);
    assert_int_equal(mt.n_test_unit, NTINY - 1);
    assert_true(mt.cat_top1 == 1.0 && mt.cat_top3 == 1.0);
    assert_true(mt.unit_top1 >= 0.75 && mt.unit_top3 == 1.0);
    /* references: a reader keeps its copy after the holder lets go */
    gg_sg_model_t *r = gg_sg_model_ref(m);
    gg_sg_model_release(m);
    assert_int_equal(gg_sg_predict_category(r, &q, h, 1), 1);
    gg_sg_model_release(r);
    gg_sg_model_release(NULL);
}

static void training_is_deterministic(void **state)
{
    (void)state;
    gg_error_t err = {0};
    gg_sg_model_t *a = gg_sg_train(tiny, NTINY, &err), *b = gg_sg_train(tiny, NTINY, &err);
    gg_sg_hit_t ha[3], hb[3];
    gg_sg_query_t q = {.text = "垃圾桶满溢，摊贩占道", .address = "桂林路", .has_point = 0};
    assert_int_equal(gg_sg_predict_category(a, &q, ha, 3), gg_sg_predict_category(b, &q, hb, 3));
    assert_memory_equal(ha, hb, sizeof ha);
    gg_sg_model_release(a);
    gg_sg_model_release(b);
    /* nothing to learn */
    assert_null(gg_sg_train(tiny, 0, &err));
    assert_int_equal(err.http_status, 400);
}

/* One in ten, the same answer every time, spread over consecutive ids. */
static void holdout_is_deterministic(void **state)
{
    (void)state;
    int test = 0;
    for (int64_t id = 1; id <= 100000; id++) {
        int t = gg_sg_is_test(id);
        assert_int_equal(t, gg_sg_is_test(id));
        test += t;
    }
    assert_true(test > 9500 && test < 10500);
    /* fixed points: the split must not move between releases, or old hit rates would not compare */
    int first[20], n = 0;
    for (int64_t id = 1; id <= 200 && n < 20; id++)
        if (gg_sg_is_test(id)) first[n++] = (int)id;
    assert_true(n >= 10);
    int again[20], m = 0;
    for (int64_t id = 1; id <= 200 && m < 20; id++)
        if (gg_sg_is_test(id)) again[m++] = (int)id;
    assert_int_equal(n, m);
    assert_memory_equal(first, again, sizeof first[0] * (size_t)n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(features_of_chinese),
        cmocka_unit_test(tiny_set_predicts),
        cmocka_unit_test(training_is_deterministic),
        cmocka_unit_test(holdout_is_deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
