/* test_workflow.c — the case loop's transition table (domain/cases/workflow.c): every state reachable from
 * reported, a way out of every state but the terminal ones, no duplicate rows, labels for everything, the
 * reporter's actions only after closing, and docs/cases.md holding the table the code generates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "domain/cases/workflow.h"

static int to_state(const gg_wf_rule_t *r, int from_suspended)
{
    if (r->to == GG_WF_SAME) return r->from;
    if (r->to == GG_WF_SUSPENDED_FROM) return from_suspended;
    return r->to;
}

static void every_state_is_reachable_from_reported(void **state)
{
    (void)state;
    int seen[GG_CS_COUNT] = {0};
    seen[GG_CS_REPORTED] = 1;
    for (int changed = 1; changed;) {
        changed = 0;
        for (int i = 0; i < gg_wf_nrules; i++) {
            const gg_wf_rule_t *r = &gg_wf_rules[i];
            if (!seen[r->from]) continue;
            /* resume goes back to whatever was suspended: any state suspend leaves from */
            for (int s = 0; s < GG_CS_COUNT; s++) {
                if (r->to == GG_WF_SUSPENDED_FROM && !gg_wf_find(s, GG_CA_SUSPEND)) continue;
                int t = to_state(r, s);
                if (!seen[t]) seen[t] = changed = 1;
                if (r->to != GG_WF_SUSPENDED_FROM) break;
            }
        }
    }
    for (int s = 0; s < GG_CS_COUNT; s++) {
        if (!seen[s]) fprintf(stderr, "unreachable: %s\n", gg_case_state_code(s));
        assert_true(seen[s]);
    }
}

/* Every state but rejected and merged has a rule leading to another state; rejected and merged have no rule
 * at all (not even a note: a merged case is annotated on the case it went into). */
static void terminal_states_have_no_way_out_and_the_others_do(void **state)
{
    (void)state;
    for (int s = 0; s < GG_CS_COUNT; s++) {
        int out = 0;
        for (int i = 0; i < gg_wf_nrules; i++)
            if ((int)gg_wf_rules[i].from == s && gg_wf_rules[i].to != GG_WF_SAME &&
                to_state(&gg_wf_rules[i], GG_CS_IN_PROGRESS) != s)
                out = 1;
        int terminal = s == GG_CS_REJECTED || s == GG_CS_MERGED;
        assert_int_equal(gg_wf_terminal(s), terminal);
        /* rated leaves only through reopen; closed through rate and reopen */
        assert_int_equal(out, !terminal);
    }
    int a[GG_CA_COUNT];
    assert_int_equal(gg_wf_allowed(GG_CS_MERGED, -1, a, GG_CA_COUNT), 0);
    assert_int_equal(gg_wf_allowed(GG_CS_REJECTED, -1, a, GG_CA_COUNT), 0);
}

static void no_duplicate_rows_and_sane_fields(void **state)
{
    (void)state;
    for (int i = 0; i < gg_wf_nrules; i++) {
        const gg_wf_rule_t *r = &gg_wf_rules[i];
        assert_true(r->from >= 0 && r->from < GG_CS_COUNT);
        assert_true(r->action >= 0 && r->action < GG_CA_COUNT);
        assert_true(r->to == GG_WF_SAME || r->to == GG_WF_SUSPENDED_FROM ||
                    (r->to >= 0 && r->to < GG_CS_COUNT));
        assert_true(r->actors != 0 && (r->actors & ~((1 << GG_ACTOR_NKINDS) - 1)) == 0);
        assert_true(gg_wf_find(r->from, r->action) == r);
        for (int j = i + 1; j < gg_wf_nrules; j++)
            assert_false(gg_wf_rules[j].from == r->from && gg_wf_rules[j].action == r->action);
        /* only resume goes back to the suspended-from state, and it leaves only suspended */
        assert_int_equal(r->to == GG_WF_SUSPENDED_FROM, r->action == GG_CA_RESUME);
    }
}

static void every_state_and_action_has_names(void **state)
{
    (void)state;
    for (int s = 0; s < GG_CS_COUNT; s++) {
        assert_non_null(gg_case_state_code(s));
        assert_true(strlen(gg_case_state_zh(s)) > 0 && strlen(gg_case_state_en(s)) > 0);
        assert_int_equal(gg_case_state_parse(gg_case_state_code(s)), s);
    }
    for (int a = 0; a < GG_CA_COUNT; a++) {
        assert_non_null(gg_case_action_code(a));
        assert_true(strlen(gg_case_action_zh(a)) > 0 && strlen(gg_case_action_en(a)) > 0);
        assert_int_equal(gg_case_action_parse(gg_case_action_code(a)), a);
        /* every action is used by some rule */
        int used = 0;
        for (int i = 0; i < gg_wf_nrules; i++)
            used |= (int)gg_wf_rules[i].action == a;
        assert_true(used);
    }
    assert_int_equal(gg_case_action_parse("fly"), -1);
    assert_int_equal(gg_case_state_parse(NULL), -1);
    assert_null(gg_case_state_code(GG_CS_COUNT));
    for (int b = 0; b < GG_ACTOR_NKINDS; b++)
        assert_non_null(gg_actor_code(1 << b));
    for (int b = 0; b < GG_WF_IN_COUNT; b++)
        assert_non_null(gg_wf_input_field(1 << b));
    assert_null(gg_actor_code(3));
}

/* The reporter rates and reopens, only after closing, and nobody else does; the supervisor only supervises.
 */
static void reporter_and_supervisor_actions(void **state)
{
    (void)state;
    for (int i = 0; i < gg_wf_nrules; i++) {
        const gg_wf_rule_t *r = &gg_wf_rules[i];
        if (r->actors & GG_ACTOR_REPORTER) {
            assert_int_equal(r->actors, GG_ACTOR_REPORTER);
            assert_true(r->from == GG_CS_CLOSED || r->from == GG_CS_RATED);
        }
        if (r->action == GG_CA_RATE || r->action == GG_CA_REOPEN)
            assert_int_equal(r->actors, GG_ACTOR_REPORTER);
        if (r->actors & GG_ACTOR_SUPERVISOR) assert_int_equal(r->action, GG_CA_SUPERVISE);
        /* the refusals and reversals say why */
        if (r->action == GG_CA_REJECT || r->action == GG_CA_RETURN || r->action == GG_CA_VERIFY_FAIL ||
            r->action == GG_CA_SUSPEND || r->action == GG_CA_ESCALATE || r->action == GG_CA_REOPEN ||
            r->action == GG_CA_EXTEND_REJECT || r->action == GG_CA_EXTEND_REQUEST)
            assert_true(r->inputs & GG_WF_IN_REASON);
    }
    int a[GG_CA_COUNT];
    assert_int_equal(gg_wf_allowed(GG_CS_CLOSED, GG_ACTOR_REPORTER, a, GG_CA_COUNT), 2);
    assert_int_equal(a[0], GG_CA_RATE);
    assert_int_equal(a[1], GG_CA_REOPEN);
    assert_int_equal(gg_wf_allowed(GG_CS_RATED, GG_ACTOR_REPORTER, a, GG_CA_COUNT), 1);
    assert_int_equal(gg_wf_allowed(GG_CS_IN_PROGRESS, GG_ACTOR_REPORTER, a, GG_CA_COUNT), 0);
}

static int has(const int *a, int n, int x)
{
    for (int i = 0; i < n; i++)
        if (a[i] == x) return 1;
    return 0;
}

static void allowed_actions_follow_the_actor_and_the_facts(void **state)
{
    (void)state;
    int a[GG_CA_COUNT], n;
    n = gg_wf_allowed(GG_CS_REPORTED, GG_ACTOR_DISPATCHER, a, GG_CA_COUNT);
    assert_true(has(a, n, GG_CA_ACCEPT) && has(a, n, GG_CA_REGISTER) && has(a, n, GG_CA_REJECT) &&
                has(a, n, GG_CA_MERGE) && has(a, n, GG_CA_NOTE));
    assert_false(has(a, n, GG_CA_DISPATCH));
    n = gg_wf_allowed(GG_CS_DISPATCHED, GG_ACTOR_HANDLER, a, GG_CA_COUNT);
    assert_true(has(a, n, GG_CA_RECEIVE) && has(a, n, GG_CA_RETURN) && has(a, n, GG_CA_ESCALATE));
    assert_false(has(a, n, GG_CA_REASSIGN));
    /* the facts: approve and reject only with a request pending, a new request only without */
    n = gg_wf_allowed_facts(GG_CS_IN_PROGRESS, GG_ACTOR_DISPATCHER | GG_ACTOR_HANDLER, 0, a, GG_CA_COUNT);
    assert_true(has(a, n, GG_CA_EXTEND_REQUEST));
    assert_false(has(a, n, GG_CA_EXTEND_APPROVE) || has(a, n, GG_CA_EXTEND_REJECT));
    n = gg_wf_allowed_facts(GG_CS_IN_PROGRESS, GG_ACTOR_DISPATCHER | GG_ACTOR_HANDLER, GG_WF_FACT_EXT_PENDING,
                            a, GG_CA_COUNT);
    assert_false(has(a, n, GG_CA_EXTEND_REQUEST));
    assert_true(has(a, n, GG_CA_EXTEND_APPROVE) && has(a, n, GG_CA_EXTEND_REJECT));
    /* max bounds the output */
    assert_int_equal(gg_wf_allowed(GG_CS_REPORTED, GG_ACTOR_DISPATCHER, a, 2), 2);
    assert_null(gg_wf_find(GG_CS_CLOSED, GG_CA_DISPATCH));
    const gg_wf_rule_t *r = gg_wf_find(GG_CS_SUSPENDED, GG_CA_RESUME);
    assert_non_null(r);
    assert_int_equal(r->to, GG_WF_SUSPENDED_FROM);
}

static void docs_hold_the_generated_table(void **state)
{
    (void)state;
    static char want[32768];
    int n = gg_wf_markdown(want, sizeof want);
    assert_true(n > 0);
    char small[64];
    assert_int_equal(gg_wf_markdown(small, sizeof small), -1);
    const char *src = getenv("GG_SOURCE_DIR");
    assert_non_null(src);
    char path[1024];
    snprintf(path, sizeof path, "%s/docs/cases.md", src);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char doc[262144];
    size_t len = fread(doc, 1, sizeof doc - 1, f);
    fclose(f);
    doc[len] = 0;
    const char *begin = "<!-- workflow-table:begin -->\n", *end = "<!-- workflow-table:end -->";
    char *b = strstr(doc, begin), *e = b ? strstr(b, end) : NULL;
    assert_non_null(b);
    assert_non_null(e);
    b += strlen(begin);
    *e = 0;
    if (strcmp(b, want) != 0)
        fprintf(stderr, "docs/cases.md's workflow table differs from the code: run\n"
                        "  build/gridgov workflow --markdown\nand paste it between the markers.\n");
    assert_string_equal(b, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_state_is_reachable_from_reported),
        cmocka_unit_test(terminal_states_have_no_way_out_and_the_others_do),
        cmocka_unit_test(no_duplicate_rows_and_sane_fields),
        cmocka_unit_test(every_state_and_action_has_names),
        cmocka_unit_test(reporter_and_supervisor_actions),
        cmocka_unit_test(allowed_actions_follow_the_actor_and_the_facts),
        cmocka_unit_test(docs_hold_the_generated_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
