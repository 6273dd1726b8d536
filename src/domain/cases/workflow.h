/*
 * workflow.h — the case loop's state machine as one table (docs/cases.md, "States and transitions").  No SQL,
 * no I/O: the states, the actions, the actor kinds as bits, and one const array of rules (from-state × action
 * → to-state, the actors allowed, the inputs required, the fact the rule needs).  transition.c applies a rule
 * to a case; GET /cases/{id} lists gg_wf_allowed_facts() as `actions`; `gridgov workflow --markdown` prints
 * gg_wf_markdown() into docs/cases.md (tests/unit/test_workflow.c fails when the two differ).
 */
#ifndef GG_DOMAIN_CASES_WORKFLOW_H
#define GG_DOMAIN_CASES_WORKFLOW_H

#include <stddef.h>

typedef enum {
    GG_CS_REPORTED,
    GG_CS_ACCEPTED,
    GG_CS_REGISTERED,
    GG_CS_DISPATCHED,
    GG_CS_IN_PROGRESS,
    GG_CS_AWAITING_VERIFICATION,
    GG_CS_SUSPENDED,
    GG_CS_CLOSED,
    GG_CS_RATED,
    GG_CS_REJECTED,
    GG_CS_MERGED,
    GG_CS_COUNT
} gg_case_state_t;

/* A rule's to-state besides a real state: the state does not change, or it returns to case.suspended_from. */
#define GG_WF_SAME (-1)
#define GG_WF_SUSPENDED_FROM (-2)

typedef enum {
    GG_CA_ACCEPT,
    GG_CA_REGISTER,
    GG_CA_REJECT,
    GG_CA_CLOSE,
    GG_CA_DISPATCH,
    GG_CA_RECEIVE,
    GG_CA_RETURN,
    GG_CA_REASSIGN,
    GG_CA_ESCALATE,
    GG_CA_ASSIST_REPORT,
    GG_CA_FEEDBACK,
    GG_CA_VERIFY_PASS,
    GG_CA_VERIFY_FAIL,
    GG_CA_EXTEND_REQUEST,
    GG_CA_EXTEND_APPROVE,
    GG_CA_EXTEND_REJECT,
    GG_CA_SUSPEND,
    GG_CA_RESUME,
    GG_CA_SUPERVISE,
    GG_CA_MERGE,
    GG_CA_NOTE,
    GG_CA_RATE,
    GG_CA_REOPEN,
    GG_CA_COUNT
} gg_case_action_t;

/* Who the caller is for one case (transition.c computes the mask; a caller may be several at once). */
enum {
    GG_ACTOR_DISPATCHER = 1 << 0, /* case.dispatch covering the owner unit */
    GG_ACTOR_HANDLER = 1 << 1,    /* case.handle covering the lead task's unit, or the lead task's account */
    GG_ACTOR_ASSISTANT = 1 << 2,  /* case.handle covering an open assisting task's unit */
    GG_ACTOR_REPORTER = 1 << 3,   /* the reporting account, or number + tracking secret */
    GG_ACTOR_SUPERVISOR = 1 << 4, /* case.supervise covering the owner or the location unit */
    GG_ACTOR_NKINDS = 5
};

/* Inputs a rule requires (the body field names of POST /cases/{id}/actions/{action}). */
enum {
    GG_WF_IN_REASON = 1 << 0,   /* reason */
    GG_WF_IN_UNIT = 1 << 1,     /* unit_id */
    GG_WF_IN_DURATION = 1 << 2, /* days or hours */
    GG_WF_IN_RATING = 1 << 3,   /* rating */
    GG_WF_IN_INTO = 1 << 4,     /* into_case_id */
    GG_WF_IN_NOTE = 1 << 5,     /* note */
    GG_WF_IN_COUNT = 6
};

/* Facts about the case a rule may need besides its state (gg_wf_allowed_facts). */
enum {
    GG_WF_FACT_EXT_PENDING = 1 << 0, /* an extension request waits for a decision */
};

typedef struct gg_wf_rule {
    gg_case_state_t from;
    gg_case_action_t action;
    int to;       /* a gg_case_state_t, GG_WF_SAME or GG_WF_SUSPENDED_FROM */
    int actors;   /* GG_ACTOR_* bits allowed */
    int inputs;   /* GG_WF_IN_* bits required */
    int need;     /* GG_WF_FACT_* bits that must hold */
    int need_not; /* GG_WF_FACT_* bits that must not hold */
} gg_wf_rule_t;

extern const gg_wf_rule_t gg_wf_rules[];
extern const int gg_wf_nrules;

/* Names: code (the API's string), zh and en labels. */
const char *gg_case_state_code(int s); /* "reported" …; NULL when out of range */
const char *gg_case_state_zh(int s);
const char *gg_case_state_en(int s);
const char *gg_case_action_code(int a); /* "accept" … */
const char *gg_case_action_zh(int a);
const char *gg_case_action_en(int a);
const char *gg_actor_code(int bit);     /* one bit: "dispatcher" … */
const char *gg_wf_input_field(int bit); /* one bit: "reason" … ("days" for the duration) */
/* Code → enum, -1 when unknown. */
int gg_case_state_parse(const char *code);
int gg_case_action_parse(const char *code);

/* The rule for action in state, NULL when the table has none (whoever the actor). */
const gg_wf_rule_t *gg_wf_find(int state, int action);
/* The actions an actor_mask may take in state: fills out[0..max) in table order, returns how many. */
int gg_wf_allowed(int state, int actor_mask, int *out, int max);
/* The same, also honouring each rule's needed facts (GG_WF_FACT_*). */
int gg_wf_allowed_facts(int state, int actor_mask, int facts, int *out, int max);
/* 1 when state has no rule at all (rejected, merged). */
int gg_wf_terminal(int state);

/* The markdown table of docs/cases.md between <!-- workflow-table:begin --> and <!-- workflow-table:end -->
 * (without the markers, ending with a newline) into buf; returns the length, or -1 when buf is too small. */
int gg_wf_markdown(char *buf, size_t size);

#endif
