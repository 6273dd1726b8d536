/* test_category_policy.c — inheriting a category's policy down the tree (domain/cases/policy.c): own values
 * win field by field, a limit and its unit come from the same node, from[] names the source. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "domain/cases/policy.h"

static void set_text(gg_policy_t *p, int f, const char *v)
{
    p->set[f] = 1;
    p->text[f] = v;
}

static void set_num(gg_policy_t *p, int f, int64_t v)
{
    p->set[f] = 1;
    p->num[f] = v;
}

/* 投诉 (id 3): 15 working days, first handler grid; 暴露垃圾 (id 101) below it overrides the limit only. */
static void own_values_win_field_by_field(void **state)
{
    (void)state;
    gg_policy_t top = {0}, leaf = {0}, top_eff, leaf_eff;
    int64_t top_from[GG_POLICY_NFIELDS], leaf_from[GG_POLICY_NFIELDS];
    set_num(&top, GG_POLICY_HANDLING_LIMIT, 15);
    set_text(&top, GG_POLICY_HANDLING_UNIT, "working_days");
    set_text(&top, GG_POLICY_FIRST_HANDLER, "grid");
    gg_policy_inherit(&top, 3, NULL, NULL, &top_eff, top_from);
    set_num(&leaf, GG_POLICY_HANDLING_LIMIT, 4);
    set_text(&leaf, GG_POLICY_HANDLING_UNIT, "working_hours");
    gg_policy_inherit(&leaf, 101, &top_eff, top_from, &leaf_eff, leaf_from);

    assert_int_equal(leaf_eff.num[GG_POLICY_HANDLING_LIMIT], 4);
    assert_string_equal(leaf_eff.text[GG_POLICY_HANDLING_UNIT], "working_hours");
    assert_int_equal(leaf_from[GG_POLICY_HANDLING_LIMIT], 101);
    assert_string_equal(leaf_eff.text[GG_POLICY_FIRST_HANDLER], "grid");
    assert_int_equal(leaf_from[GG_POLICY_FIRST_HANDLER], 3);
    /* set nowhere on the path: unset, from no node */
    assert_int_equal(leaf_eff.set[GG_POLICY_DEPARTMENT_KIND], 0);
    assert_int_equal(leaf_from[GG_POLICY_DEPARTMENT_KIND], 0);
    assert_false(gg_policy_equal(&top_eff, &leaf_eff));
}

/* A limit without its unit on the child is not the child's: both halves come from the parent. */
static void a_limit_and_its_unit_inherit_together(void **state)
{
    (void)state;
    gg_policy_t top = {0}, child = {0}, top_eff, child_eff;
    int64_t top_from[GG_POLICY_NFIELDS], child_from[GG_POLICY_NFIELDS];
    set_num(&top, GG_POLICY_RESPONSE_LIMIT, 2);
    set_text(&top, GG_POLICY_RESPONSE_UNIT, "working_days");
    gg_policy_inherit(&top, 1, NULL, NULL, &top_eff, top_from);
    set_num(&child, GG_POLICY_RESPONSE_LIMIT, 4);
    gg_policy_inherit(&child, 2, &top_eff, top_from, &child_eff, child_from);
    assert_int_equal(child_eff.num[GG_POLICY_RESPONSE_LIMIT], 2);
    assert_string_equal(child_eff.text[GG_POLICY_RESPONSE_UNIT], "working_days");
    assert_int_equal(child_from[GG_POLICY_RESPONSE_LIMIT], 1);
    assert_int_equal(child_from[GG_POLICY_RESPONSE_UNIT], 1);
    assert_true(gg_policy_equal(&top_eff, &child_eff));
}

/* Three levels: the grandchild takes each value from the nearest node that sets it. */
static void the_nearest_ancestor_gives_the_value(void **state)
{
    (void)state;
    gg_policy_t a = {0}, b = {0}, c = {0}, ae, be, ce;
    int64_t af[GG_POLICY_NFIELDS], bf[GG_POLICY_NFIELDS], cf[GG_POLICY_NFIELDS];
    set_text(&a, GG_POLICY_PRIORITY, "normal");
    set_text(&a, GG_POLICY_DEPARTMENT_KIND, "城管");
    set_text(&b, GG_POLICY_PRIORITY, "urgent");
    gg_policy_inherit(&a, 10, NULL, NULL, &ae, af);
    gg_policy_inherit(&b, 20, &ae, af, &be, bf);
    gg_policy_inherit(&c, 30, &be, bf, &ce, cf);
    assert_string_equal(ce.text[GG_POLICY_PRIORITY], "urgent");
    assert_int_equal(cf[GG_POLICY_PRIORITY], 20);
    assert_string_equal(ce.text[GG_POLICY_DEPARTMENT_KIND], "城管");
    assert_int_equal(cf[GG_POLICY_DEPARTMENT_KIND], 10);
    assert_int_equal(gg_policy_hours(2, "working_days"), 16);
    assert_int_equal(gg_policy_hours(4, "working_hours"), 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(own_values_win_field_by_field),
        cmocka_unit_test(a_limit_and_its_unit_inherit_together),
        cmocka_unit_test(the_nearest_ancestor_gives_the_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
