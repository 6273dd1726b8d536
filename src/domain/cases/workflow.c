/* workflow.c — the case loop's transition table and its names (see workflow.h).  Pure data and lookups; the
 * effects of each action live in transition.c. */
#include "domain/cases/workflow.h"

#include <stdio.h>
#include <string.h>

#define D GG_ACTOR_DISPATCHER
#define H GG_ACTOR_HANDLER
#define A GG_ACTOR_ASSISTANT
#define R GG_ACTOR_REPORTER
#define S GG_ACTOR_SUPERVISOR
#define IN_REASON GG_WF_IN_REASON
#define IN_UNIT GG_WF_IN_UNIT
#define IN_DURATION GG_WF_IN_DURATION
#define IN_RATING GG_WF_IN_RATING
#define IN_INTO GG_WF_IN_INTO
#define IN_NOTE GG_WF_IN_NOTE
#define EXT GG_WF_FACT_EXT_PENDING

/* One row per (from, action), grouped by action: the markdown table joins consecutive rows that differ only
 * in their from-state. */
const gg_wf_rule_t gg_wf_rules[] = {
    {GG_CS_REPORTED, GG_CA_ACCEPT, GG_CS_ACCEPTED, D, 0, 0, 0},
    {GG_CS_REPORTED, GG_CA_REGISTER, GG_CS_REGISTERED, D, 0, 0, 0},
    {GG_CS_ACCEPTED, GG_CA_REGISTER, GG_CS_REGISTERED, D, 0, 0, 0},
    {GG_CS_REPORTED, GG_CA_REJECT, GG_CS_REJECTED, D, IN_REASON, 0, 0},
    {GG_CS_ACCEPTED, GG_CA_REJECT, GG_CS_REJECTED, D, IN_REASON, 0, 0},
    {GG_CS_REPORTED, GG_CA_CLOSE, GG_CS_CLOSED, D, IN_NOTE, 0, 0},
    {GG_CS_ACCEPTED, GG_CA_CLOSE, GG_CS_CLOSED, D, IN_NOTE, 0, 0},
    {GG_CS_REGISTERED, GG_CA_CLOSE, GG_CS_CLOSED, D, IN_NOTE, 0, 0},
    {GG_CS_REGISTERED, GG_CA_DISPATCH, GG_CS_DISPATCHED, D, IN_UNIT, 0, 0},
    {GG_CS_DISPATCHED, GG_CA_RECEIVE, GG_CS_IN_PROGRESS, H, 0, 0, 0},
    {GG_CS_DISPATCHED, GG_CA_RETURN, GG_CS_REGISTERED, H, IN_REASON, 0, 0},
    {GG_CS_IN_PROGRESS, GG_CA_RETURN, GG_CS_REGISTERED, H, IN_REASON, 0, 0},
    {GG_CS_DISPATCHED, GG_CA_REASSIGN, GG_CS_DISPATCHED, D, IN_UNIT, 0, 0},
    {GG_CS_IN_PROGRESS, GG_CA_REASSIGN, GG_CS_DISPATCHED, D, IN_UNIT, 0, 0},
    {GG_CS_REGISTERED, GG_CA_ESCALATE, GG_CS_REGISTERED, D | H, IN_REASON, 0, 0},
    {GG_CS_DISPATCHED, GG_CA_ESCALATE, GG_CS_REGISTERED, D | H, IN_REASON, 0, 0},
    {GG_CS_IN_PROGRESS, GG_CA_ESCALATE, GG_CS_REGISTERED, D | H, IN_REASON, 0, 0},
    {GG_CS_IN_PROGRESS, GG_CA_ASSIST_REPORT, GG_WF_SAME, A, IN_NOTE, 0, 0},
    {GG_CS_IN_PROGRESS, GG_CA_FEEDBACK, GG_CS_AWAITING_VERIFICATION, H, IN_NOTE, 0, 0},
    {GG_CS_AWAITING_VERIFICATION, GG_CA_VERIFY_PASS, GG_CS_CLOSED, D, 0, 0, 0},
    {GG_CS_AWAITING_VERIFICATION, GG_CA_VERIFY_FAIL, GG_CS_IN_PROGRESS, D, IN_REASON, 0, 0},
    {GG_CS_DISPATCHED, GG_CA_EXTEND_REQUEST, GG_WF_SAME, H, IN_DURATION | IN_REASON, 0, EXT},
    {GG_CS_IN_PROGRESS, GG_CA_EXTEND_REQUEST, GG_WF_SAME, H, IN_DURATION | IN_REASON, 0, EXT},
    {GG_CS_DISPATCHED, GG_CA_EXTEND_APPROVE, GG_WF_SAME, D, 0, EXT, 0},
    {GG_CS_IN_PROGRESS, GG_CA_EXTEND_APPROVE, GG_WF_SAME, D, 0, EXT, 0},
    {GG_CS_DISPATCHED, GG_CA_EXTEND_REJECT, GG_WF_SAME, D, IN_REASON, EXT, 0},
    {GG_CS_IN_PROGRESS, GG_CA_EXTEND_REJECT, GG_WF_SAME, D, IN_REASON, EXT, 0},
    {GG_CS_REGISTERED, GG_CA_SUSPEND, GG_CS_SUSPENDED, D, IN_REASON, 0, 0},
    {GG_CS_DISPATCHED, GG_CA_SUSPEND, GG_CS_SUSPENDED, D, IN_REASON, 0, 0},
    {GG_CS_IN_PROGRESS, GG_CA_SUSPEND, GG_CS_SUSPENDED, D, IN_REASON, 0, 0},
    {GG_CS_SUSPENDED, GG_CA_RESUME, GG_WF_SUSPENDED_FROM, D, 0, 0, 0},
    {GG_CS_ACCEPTED, GG_CA_SUPERVISE, GG_WF_SAME, S, IN_NOTE, 0, 0},
    {GG_CS_REGISTERED, GG_CA_SUPERVISE, GG_WF_SAME, S, IN_NOTE, 0, 0},
    {GG_CS_DISPATCHED, GG_CA_SUPERVISE, GG_WF_SAME, S, IN_NOTE, 0, 0},
    {GG_CS_IN_PROGRESS, GG_CA_SUPERVISE, GG_WF_SAME, S, IN_NOTE, 0, 0},
    {GG_CS_AWAITING_VERIFICATION, GG_CA_SUPERVISE, GG_WF_SAME, S, IN_NOTE, 0, 0},
    {GG_CS_SUSPENDED, GG_CA_SUPERVISE, GG_WF_SAME, S, IN_NOTE, 0, 0},
    {GG_CS_REPORTED, GG_CA_MERGE, GG_CS_MERGED, D, IN_INTO, 0, 0},
    {GG_CS_ACCEPTED, GG_CA_MERGE, GG_CS_MERGED, D, IN_INTO, 0, 0},
    {GG_CS_REGISTERED, GG_CA_MERGE, GG_CS_MERGED, D, IN_INTO, 0, 0},
    {GG_CS_REPORTED, GG_CA_NOTE, GG_WF_SAME, D | H | A, IN_NOTE, 0, 0},
    {GG_CS_ACCEPTED, GG_CA_NOTE, GG_WF_SAME, D | H | A, IN_NOTE, 0, 0},
    {GG_CS_REGISTERED, GG_CA_NOTE, GG_WF_SAME, D | H | A, IN_NOTE, 0, 0},
    {GG_CS_DISPATCHED, GG_CA_NOTE, GG_WF_SAME, D | H | A, IN_NOTE, 0, 0},
    {GG_CS_IN_PROGRESS, GG_CA_NOTE, GG_WF_SAME, D | H | A, IN_NOTE, 0, 0},
    {GG_CS_AWAITING_VERIFICATION, GG_CA_NOTE, GG_WF_SAME, D | H | A, IN_NOTE, 0, 0},
    {GG_CS_SUSPENDED, GG_CA_NOTE, GG_WF_SAME, D | H | A, IN_NOTE, 0, 0},
    {GG_CS_CLOSED, GG_CA_NOTE, GG_WF_SAME, D | H | A, IN_NOTE, 0, 0},
    {GG_CS_RATED, GG_CA_NOTE, GG_WF_SAME, D | H | A, IN_NOTE, 0, 0},
    {GG_CS_CLOSED, GG_CA_RATE, GG_CS_RATED, R, IN_RATING, 0, 0},
    {GG_CS_CLOSED, GG_CA_REOPEN, GG_CS_REGISTERED, R, IN_REASON, 0, 0},
    {GG_CS_RATED, GG_CA_REOPEN, GG_CS_REGISTERED, R, IN_REASON, 0, 0},
};
const int gg_wf_nrules = (int)(sizeof gg_wf_rules / sizeof gg_wf_rules[0]);

static const struct {
    const char *code, *zh, *en;
} states[GG_CS_COUNT] = {
    [GG_CS_REPORTED] = {"reported", "已上报", "Reported"},
    [GG_CS_ACCEPTED] = {"accepted", "已受理", "Accepted"},
    [GG_CS_REGISTERED] = {"registered", "已立案", "Registered"},
    [GG_CS_DISPATCHED] = {"dispatched", "已派遣", "Dispatched"},
    [GG_CS_IN_PROGRESS] = {"in_progress", "处置中", "In progress"},
    [GG_CS_AWAITING_VERIFICATION] = {"awaiting_verification", "待核查", "Awaiting verification"},
    [GG_CS_SUSPENDED] = {"suspended", "挂账", "Suspended"},
    [GG_CS_CLOSED] = {"closed", "已结案", "Closed"},
    [GG_CS_RATED] = {"rated", "已评价", "Rated"},
    [GG_CS_REJECTED] = {"rejected", "不予受理", "Rejected"},
    [GG_CS_MERGED] = {"merged", "已合并", "Merged"},
};

static const struct {
    const char *code, *zh, *en;
} actions[GG_CA_COUNT] = {
    [GG_CA_ACCEPT] = {"accept", "受理", "Accept"},
    [GG_CA_REGISTER] = {"register", "立案", "Register"},
    [GG_CA_REJECT] = {"reject", "不予受理", "Reject"},
    [GG_CA_CLOSE] = {"close", "直接办结", "Close directly"},
    [GG_CA_DISPATCH] = {"dispatch", "派遣", "Dispatch"},
    [GG_CA_RECEIVE] = {"receive", "签收", "Receive"},
    [GG_CA_RETURN] = {"return", "回退", "Return"},
    [GG_CA_REASSIGN] = {"reassign", "改派", "Reassign"},
    [GG_CA_ESCALATE] = {"escalate", "上报上级", "Escalate"},
    [GG_CA_ASSIST_REPORT] = {"assist_report", "协办反馈", "Report assistance"},
    [GG_CA_FEEDBACK] = {"feedback", "办结反馈", "Report completion"},
    [GG_CA_VERIFY_PASS] = {"verify_pass", "核查通过", "Verification passed"},
    [GG_CA_VERIFY_FAIL] = {"verify_fail", "核查不通过", "Verification failed"},
    [GG_CA_EXTEND_REQUEST] = {"extend_request", "申请延期", "Request extension"},
    [GG_CA_EXTEND_APPROVE] = {"extend_approve", "批准延期", "Approve extension"},
    [GG_CA_EXTEND_REJECT] = {"extend_reject", "驳回延期", "Reject extension"},
    [GG_CA_SUSPEND] = {"suspend", "挂账", "Suspend"},
    [GG_CA_RESUME] = {"resume", "恢复办理", "Resume"},
    [GG_CA_SUPERVISE] = {"supervise", "督办", "Supervise"},
    [GG_CA_MERGE] = {"merge", "合并", "Merge"},
    [GG_CA_NOTE] = {"note", "备注", "Note"},
    [GG_CA_RATE] = {"rate", "评价", "Rate"},
    [GG_CA_REOPEN] = {"reopen", "重新办理", "Reopen"},
};

static const char *const actor_codes[GG_ACTOR_NKINDS] = {"dispatcher", "handler", "assistant", "reporter",
                                                         "supervisor"};
static const char *const input_fields[GG_WF_IN_COUNT] = {"reason", "unit_id",      "days",
                                                         "rating", "into_case_id", "note"};

const char *gg_case_state_code(int s)
{
    return s >= 0 && s < GG_CS_COUNT ? states[s].code : NULL;
}
const char *gg_case_state_zh(int s)
{
    return s >= 0 && s < GG_CS_COUNT ? states[s].zh : NULL;
}
const char *gg_case_state_en(int s)
{
    return s >= 0 && s < GG_CS_COUNT ? states[s].en : NULL;
}
const char *gg_case_action_code(int a)
{
    return a >= 0 && a < GG_CA_COUNT ? actions[a].code : NULL;
}
const char *gg_case_action_zh(int a)
{
    return a >= 0 && a < GG_CA_COUNT ? actions[a].zh : NULL;
}
const char *gg_case_action_en(int a)
{
    return a >= 0 && a < GG_CA_COUNT ? actions[a].en : NULL;
}

static int bit_index(int bit, int n)
{
    for (int i = 0; i < n; i++)
        if (bit == 1 << i) return i;
    return -1;
}

const char *gg_actor_code(int bit)
{
    int i = bit_index(bit, GG_ACTOR_NKINDS);
    return i < 0 ? NULL : actor_codes[i];
}

const char *gg_wf_input_field(int bit)
{
    int i = bit_index(bit, GG_WF_IN_COUNT);
    return i < 0 ? NULL : input_fields[i];
}

int gg_case_state_parse(const char *code)
{
    for (int i = 0; code && i < GG_CS_COUNT; i++)
        if (!strcmp(states[i].code, code)) return i;
    return -1;
}

int gg_case_action_parse(const char *code)
{
    for (int i = 0; code && i < GG_CA_COUNT; i++)
        if (!strcmp(actions[i].code, code)) return i;
    return -1;
}

const gg_wf_rule_t *gg_wf_find(int state, int action)
{
    for (int i = 0; i < gg_wf_nrules; i++)
        if ((int)gg_wf_rules[i].from == state && (int)gg_wf_rules[i].action == action) return &gg_wf_rules[i];
    return NULL;
}

static int allowed(int state, int actor_mask, int facts, int honour, int *out, int max)
{
    int n = 0;
    for (int i = 0; i < gg_wf_nrules; i++) {
        const gg_wf_rule_t *r = &gg_wf_rules[i];
        if ((int)r->from != state || !(r->actors & actor_mask)) continue;
        if (honour && ((r->need & facts) != r->need || (r->need_not & facts))) continue;
        if (n < max) out[n] = r->action;
        n++;
    }
    return n < max ? n : max;
}

int gg_wf_allowed(int state, int actor_mask, int *out, int max)
{
    return allowed(state, actor_mask, 0, 0, out, max);
}

int gg_wf_allowed_facts(int state, int actor_mask, int facts, int *out, int max)
{
    return allowed(state, actor_mask, facts, 1, out, max);
}

int gg_wf_terminal(int state)
{
    for (int i = 0; i < gg_wf_nrules; i++)
        if ((int)gg_wf_rules[i].from == state) return 0;
    return 1;
}

/* appending to a bounded buffer; *len goes past size on overflow and the caller reports -1 */
static void put(char *buf, size_t size, size_t *len, const char *fmt, const char *a, const char *b)
{
    size_t room = *len < size ? size - *len : 0;
    int n = snprintf(room ? buf + *len : NULL, room, fmt, a, b);
    if (n > 0) *len += (size_t)n;
}

static void put_bits(char *buf, size_t size, size_t *len, int bits, int nbits, const char *(*name)(int))
{
    int first = 1;
    for (int i = 0; i < nbits; i++) {
        if (!(bits & (1 << i))) continue;
        const char *s = name(1 << i);
        if (bits & GG_WF_IN_DURATION && (1 << i) == GG_WF_IN_DURATION && name == gg_wf_input_field)
            s = "days or hours";
        put(buf, size, len, "%s%s", first ? "" : ", ", s);
        first = 0;
    }
}

static int same_group(const gg_wf_rule_t *a, const gg_wf_rule_t *b)
{
    return a->action == b->action && a->to == b->to && a->actors == b->actors && a->inputs == b->inputs &&
           a->need == b->need && a->need_not == b->need_not;
}

int gg_wf_markdown(char *buf, size_t size)
{
    size_t len = 0;
    put(buf, size, &len, "%s%s",
        "| from | action | to | who | requires | 中文 | English |\n|---|---|---|---|---|---|---|\n", "");
    for (int i = 0; i < gg_wf_nrules;) {
        const gg_wf_rule_t *r = &gg_wf_rules[i];
        int j = i;
        put(buf, size, &len, "%s%s", "| ", "");
        for (; j < gg_wf_nrules && same_group(r, &gg_wf_rules[j]); j++)
            put(buf, size, &len, "%s%s", j > i ? ", " : "", gg_case_state_code(gg_wf_rules[j].from));
        const char *to = r->to == GG_WF_SAME             ? "(same)"
                         : r->to == GG_WF_SUSPENDED_FROM ? "(the state it was suspended from)"
                                                         : gg_case_state_code(r->to);
        put(buf, size, &len, " | `%s` | %s | ", gg_case_action_code(r->action), to);
        put_bits(buf, size, &len, r->actors, GG_ACTOR_NKINDS, gg_actor_code);
        put(buf, size, &len, "%s%s", " | ", "");
        put_bits(buf, size, &len, r->inputs, GG_WF_IN_COUNT, gg_wf_input_field);
        if (r->need & GG_WF_FACT_EXT_PENDING)
            put(buf, size, &len, "%s%s", r->inputs ? "; " : "", "an extension pending");
        if (r->need_not & GG_WF_FACT_EXT_PENDING)
            put(buf, size, &len, "%s%s", r->inputs ? "; " : "", "no extension pending");
        put(buf, size, &len, " | %s | %s |\n", gg_case_action_zh(r->action), gg_case_action_en(r->action));
        i = j;
    }
    if (len >= size) return -1;
    return (int)len;
}
