/* petition.c — petitions, their limits, duplicates, reply and review (petition.h). */
#include "domain/centres/petition.h"

#include <string.h>

#include "core/clock.h"
#include "domain/scope.h"
#include "domain/validate.h"

#define READ_PERMS (GG_P_PETITION_READ | GG_P_CENTRE_INTAKE | GG_P_DISPUTE_READ)

static const char *const KINDS[] = {"letter", "visit", "online", NULL};

#define COLS                                                                                                 \
    "p.id, p.number, p.unit_id, u.name, u.path, p.kind, p.status, p.subject, p.content, p.received_on, "     \
    "p.accept_due, p.decided_on, p.decision_note, p.handle_due, p.extended, p.extension_reason, "            \
    "p.reply_text, p.reply_on, p.reply_attachment_id, p.review_requested_on, p.review_due, "                 \
    "p.review_result, "                                                                                      \
    "p.duplicate_of, p.matter_id, p.created_at, p.updated_at, p.name_enc, p.id_number_enc, p.phone_enc, "    \
    "(SELECT count(*) FROM petition x WHERE x.duplicate_of = COALESCE(p.duplicate_of, p.id))"

static const char *opt(gg_arena_t *a, gg_db_res_t *r, int col)
{
    return gg_db_isnull(r, col) ? NULL : gg_strdup(a, gg_db_text(r, col));
}

/* The states each action starts from: the actions' checks and the list of actions offered (actions) are the
 * same table. */
static const char *const ST_DECIDE[] = {"registered", NULL};
static const char *const ST_EXTEND[] = {"accepted", NULL};
static const char *const ST_REPLY[] = {"accepted", NULL};
static const char *const ST_REVIEW[] = {"replied", NULL};
static const char *const ST_CLOSE[] = {"replied", "not_accepted", "review", NULL};
static const struct {
    const char *action;
    const char *const *states;
} ACTIONS[] = {{"decide", ST_DECIDE},
               {"extend", ST_EXTEND},
               {"reply", ST_REPLY},
               {"review", ST_REVIEW},
               {"close", ST_CLOSE}};

static int in_states(const char *status, const char *const *states)
{
    for (int i = 0; states[i]; i++)
        if (!strcmp(states[i], status)) return 1;
    return 0;
}

/* What the caller may do to p now: petition.manage over its unit and the state (extend: once). */
static void offer_actions(const gg_op_t *op, gg_petition_t *p)
{
    p->nactions = 0;
    if (!op->auth || !gg_auth_can(op->auth, GG_P_PETITION_MANAGE, p->unit_path)) return;
    for (size_t i = 0; i < sizeof ACTIONS / sizeof ACTIONS[0]; i++)
        if (in_states(p->status, ACTIONS[i].states) && !(p->extended && !strcmp(ACTIONS[i].action, "extend")))
            p->actions[p->nactions++] = ACTIONS[i].action;
}

static void read_row(const gg_op_t *op, gg_db_res_t *r, gg_petition_t *p)
{
    gg_arena_t *a = op->arena;
    memset(p, 0, sizeof *p);
    p->id = gg_db_i64(r, 0);
    p->number = opt(a, r, 1);
    p->unit_id = gg_db_i64(r, 2);
    p->unit_name = opt(a, r, 3);
    p->unit_path = opt(a, r, 4);
    p->kind = opt(a, r, 5);
    p->status = opt(a, r, 6);
    p->subject = opt(a, r, 7);
    p->content = opt(a, r, 8);
    p->received_on = opt(a, r, 9);
    p->accept_due = opt(a, r, 10);
    p->decided_on = opt(a, r, 11);
    p->decision_note = opt(a, r, 12);
    p->handle_due = opt(a, r, 13);
    p->extended = (int)gg_db_i64(r, 14);
    p->extension_reason = opt(a, r, 15);
    p->reply_text = opt(a, r, 16);
    p->reply_on = opt(a, r, 17);
    p->reply_attachment_id = gg_db_isnull(r, 18) ? 0 : gg_db_i64(r, 18);
    p->review_requested_on = opt(a, r, 19);
    p->review_due = opt(a, r, 20);
    p->review_result = opt(a, r, 21);
    p->duplicate_of = gg_db_isnull(r, 22) ? 0 : gg_db_i64(r, 22);
    p->matter_id = gg_db_isnull(r, 23) ? 0 : gg_db_i64(r, 23);
    p->created_at = gg_db_i64(r, 24);
    p->updated_at = gg_db_i64(r, 25);
    p->ident_visible = op->auth && gg_auth_can(op->auth, GG_P_PETITION_READ, p->unit_path);
    if (p->ident_visible) {
        p->name = gg_db_isnull(r, 26) ? NULL : gg_pii_decrypt(op->keys, a, gg_db_text(r, 26));
        p->id_number = gg_db_isnull(r, 27) ? NULL : gg_pii_decrypt(op->keys, a, gg_db_text(r, 27));
        p->phone = gg_db_isnull(r, 28) ? NULL : gg_pii_decrypt(op->keys, a, gg_db_text(r, 28));
    }
    p->duplicates = gg_db_i64(r, 29);
    char today[11];
    gg_today(today);
    if (!strcmp(p->status, "registered"))
        p->due = p->accept_due;
    else if (!strcmp(p->status, "accepted"))
        p->due = p->handle_due;
    else if (!strcmp(p->status, "review"))
        p->due = p->review_due;
    p->overdue = p->due && strcmp(today, p->due) > 0;
    offer_actions(op, p);
}

static const char *read_scope(const gg_op_t *op)
{
    return gg_sprintf(op->arena, "(%s OR %s OR %s)",
                      gg_scope_sql(op->arena, op->auth, GG_P_PETITION_READ, "u.path"),
                      gg_scope_sql(op->arena, op->auth, GG_P_CENTRE_INTAKE, "u.path"),
                      gg_scope_sql(op->arena, op->auth, GG_P_DISPUTE_READ, "u.path"));
}

int gg_petition_get(const gg_op_t *op, int64_t id, gg_petition_t *out, gg_error_t *err)
{
    gg_db_res_t *r;
    const char *sql = gg_sprintf(op->arena,
                                 "SELECT " COLS " FROM petition p JOIN unit u ON u.id = p.unit_id "
                                 "WHERE p.id = $1 AND %s",
                                 read_scope(op));
    if (gg_db_query(op->c, sql, GG_ARGS(GG_I64(id)), &r, err) < 0) return -1;
    int step = gg_db_next(r, err);
    if (step == 1) read_row(op, r, out);
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (step == 0) return gg_err_not_found(err, "there is no petition %lld", (long long)id);
    return 0;
}

int gg_petition_list(const gg_op_t *op, const gg_petition_filter_t *f, gg_petition_t **rows, int *n,
                     gg_error_t *err)
{
    gg_arena_t *a = op->arena;
    gg_db_arg_t args[8];
    int na = 0;
    const char *where = read_scope(op);
    if (f->unit_id) {
        gg_unit_t u;
        if (gg_centre_unit(op, f->unit_id, READ_PERMS, "unit_id", &u, err) < 0) return -1;
        where = gg_sprintf(a, "%s AND u.path >= '%s' AND u.path < '%.*s0'", where, u.path,
                           (int)strlen(u.path) - 1, u.path);
    }
    if (f->status) {
        args[na++] = GG_TEXT(f->status);
        where = gg_sprintf(a, "%s AND p.status = $%d", where, na);
    }
    if (f->petitioner) {
        if (!gg_auth_has(op->auth, GG_P_PETITION_READ)) {
            gg_error_set(err, 403, "forbidden", "petitioner",
                         "only the petition office may search petitions by petitioner");
            return gg_error_reason(err, "petition_identity");
        }
        const char *b = gg_pii_blind_index(op->keys, a, f->petitioner);
        args[na++] = GG_TEXT(b);
        where = gg_sprintf(a, "%s AND (p.name_bidx = $%d OR p.id_bidx = $%d OR p.phone_bidx = $%d) AND %s",
                           where, na, na, na, gg_scope_sql(a, op->auth, GG_P_PETITION_READ, "u.path"));
    }
    if (f->overdue) {
        char today[11];
        gg_today(today);
        args[na++] = GG_TEXT(gg_strdup(a, today));
        where =
            gg_sprintf(a,
                       "%s AND ((p.status = 'registered' AND p.accept_due < $%d) OR (p.status = 'accepted' "
                       "AND p.handle_due < $%d) OR (p.status = 'review' AND p.review_due < $%d))",
                       where, na, na, na);
    }
    if (f->duplicates_of) {
        args[na++] = GG_I64(f->duplicates_of);
        where = gg_sprintf(a, "%s AND (p.id = $%d OR p.duplicate_of = $%d)", where, na, na);
    }
    if (f->after_id) {
        args[na++] = GG_I64(f->after_id);
        where = gg_sprintf(a, "%s AND p.id < $%d", where, na);
    }
    int limit = f->limit > 0 ? f->limit : 50;
    const char *sql = gg_sprintf(a,
                                 "SELECT " COLS " FROM petition p JOIN unit u ON u.id = p.unit_id WHERE %s "
                                 "ORDER BY p.id DESC LIMIT %d",
                                 where, limit);
    gg_db_res_t *r;
    if (gg_db_query(op->c, sql, args, na, &r, err) < 0) return -1;
    *rows = gg_alloc(a, sizeof(gg_petition_t) * (size_t)limit);
    *n = 0;
    int step;
    while ((step = gg_db_next(r, err)) == 1)
        read_row(op, r, &(*rows)[(*n)++]);
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_petition_create(const gg_op_t *op, const gg_cal_snapshot_t *cal, const gg_petition_new_t *in,
                       int64_t *id, const char **number, gg_error_t *err)
{
    gg_arena_t *a = op->arena;
    if (gg_choice_valid(in->kind, KINDS, "kind", err) < 0) return -1;
    const char *name = in->name, *subject = in->subject, *content = in->content;
    if (gg_text_field(a, &name, "name", 1, err) < 0 || gg_text_field(a, &subject, "subject", 1, err) < 0)
        return -1;
    if (!content || !*content) {
        gg_err_invalid(err, "content", "the petition's content is required");
        return gg_error_reason(err, "required");
    }
    if (in->id_number && *in->id_number &&
        gg_id_number_check(in->id_number, "id_number", NULL, NULL, err) < 0)
        return -1;
    if (in->phone && *in->phone && gg_phone_valid(in->phone, "phone", err) < 0) return -1;
    char today[11];
    gg_today(today);
    const char *received = in->received_on && *in->received_on ? in->received_on : today;
    if (gg_date_valid(received, "received_on", err) < 0) return -1;
    if (strcmp(received, today) > 0) {
        gg_err_invalid(err, "received_on", "a petition cannot be received in the future");
        return gg_error_reason(err, "in_future");
    }
    gg_unit_t u;
    gg_perm_t need = in->from_window ? GG_P_CENTRE_INTAKE : GG_P_PETITION_MANAGE;
    if (gg_centre_unit(op, in->unit_id, need, "unit_id", &u, err) < 0) return -1;

    const char *idn = in->id_number && *in->id_number ? in->id_number : NULL;
    const char *phone = in->phone && *in->phone ? in->phone : NULL;
    char upper[24] = {0};
    if (idn) {
        strncpy(upper, idn, sizeof upper - 1);
        if (upper[17] == 'x') upper[17] = 'X';
        idn = upper;
    }
    const char *id_bidx = idn ? gg_pii_blind_index(op->keys, a, idn) : NULL;
    const char *phone_bidx = phone ? gg_pii_blind_index(op->keys, a, phone) : NULL;

    /* the same person's earlier petition still open: this one is linked to its root */
    int64_t root = 0;
    int found = 0;
    if (id_bidx || phone_bidx) {
        if (gg_db_query_i64(
                op->c,
                "SELECT COALESCE(duplicate_of, id) FROM petition WHERE status <> 'closed' AND "
                "((id_bidx IS NOT NULL AND id_bidx = $1) OR (phone_bidx IS NOT NULL AND phone_bidx = $2)) "
                "ORDER BY id LIMIT 1",
                GG_ARGS(id_bidx ? GG_TEXT(id_bidx) : GG_NULL, phone_bidx ? GG_TEXT(phone_bidx) : GG_NULL),
                &root, &found, err) < 0)
            return -1;
    }
    char num[32], due[11];
    int64_t now = gg_now_ms();
    if (gg_centre_number_next(op->c, "XF", now, num, err) < 0) return -1;
    gg_centre_period_end(cal, received, GG_PETITION_ACCEPT_DAYS, due, NULL);
    if (gg_db_query_i64(
            op->c,
            "INSERT INTO petition (number, unit_id, kind, name_enc, name_bidx, id_number_enc, id_bidx, "
            "phone_enc, "
            "phone_bidx, subject, content, received_on, accept_due, status, duplicate_of, matter_id, "
            "created_by, "
            "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
            "'registered', "
            "$14, $15, $16, $17, $17) RETURNING id",
            GG_ARGS(GG_TEXT(num), GG_I64(u.id), GG_TEXT(in->kind), GG_TEXT(gg_pii_encrypt(op->keys, a, name)),
                    GG_TEXT(gg_pii_blind_index(op->keys, a, name)),
                    idn ? GG_TEXT(gg_pii_encrypt(op->keys, a, idn)) : GG_NULL,
                    id_bidx ? GG_TEXT(id_bidx) : GG_NULL,
                    phone ? GG_TEXT(gg_pii_encrypt(op->keys, a, phone)) : GG_NULL,
                    phone_bidx ? GG_TEXT(phone_bidx) : GG_NULL, GG_TEXT(subject), GG_TEXT(content),
                    GG_TEXT(received), GG_TEXT(gg_strdup(a, due)), found ? GG_I64(root) : GG_NULL,
                    in->matter_id ? GG_I64(in->matter_id) : GG_NULL,
                    op->actor.account_id ? GG_I64(op->actor.account_id) : GG_NULL, GG_I64(now)),
            id, &found, err) < 0)
        return -1;
    *number = gg_strdup(a, num);
    if (gg_centre_event(op, "petition_event", "petition_id", *id, "registered",
                        gg_sprintf(a, "{\"kind\":\"%s\",\"accept_due\":\"%s\"}", in->kind, due), err) < 0)
        return -1;
    if (root) {
        if (gg_centre_event(op, "petition_event", "petition_id", *id, "duplicate_linked",
                            gg_sprintf(a, "{\"root_id\":%lld}", (long long)root), err) < 0 ||
            gg_centre_event(op, "petition_event", "petition_id", root, "duplicate_linked",
                            gg_sprintf(a, "{\"duplicate_id\":%lld,\"number\":\"%s\"}", (long long)*id, num),
                            err) < 0)
            return -1;
    }
    return gg_centre_audit(op, "petition.create", "petition", *id, u.id,
                           gg_sprintf(a, "{\"number\":\"%s\"}", num), err);
}

int gg_petition_events(const gg_op_t *op, int64_t id, gg_petition_event_t **rows, int *n, gg_error_t *err)
{
    gg_db_res_t *r;
    if (gg_db_query(op->c,
                    "SELECT e.id, e.account_id, e.at, e.kind, e.detail, a.username FROM petition_event e "
                    "LEFT JOIN account a ON a.id = e.account_id WHERE e.petition_id = $1 ORDER BY e.id",
                    GG_ARGS(GG_I64(id)), &r, err) < 0)
        return -1;
    int cap = 16, step;
    *rows = gg_alloc(op->arena, sizeof(gg_petition_event_t) * (size_t)cap);
    *n = 0;
    while ((step = gg_db_next(r, err)) == 1) {
        if (*n == cap) {
            gg_petition_event_t *b = gg_alloc(op->arena, sizeof(gg_petition_event_t) * (size_t)cap * 2);
            memcpy(b, *rows, sizeof(gg_petition_event_t) * (size_t)cap);
            *rows = b;
            cap *= 2;
        }
        gg_petition_event_t *e = &(*rows)[(*n)++];
        e->id = gg_db_i64(r, 0);
        e->account_id = gg_db_isnull(r, 1) ? 0 : gg_db_i64(r, 1);
        e->at = gg_db_i64(r, 2);
        e->kind = gg_strdup(op->arena, gg_db_text(r, 3));
        e->detail = gg_strdup(op->arena, gg_db_text(r, 4));
        e->username = opt(op->arena, r, 5);
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

/* The petition for an action: in scope for petition.manage, in one of the states (NULL-terminated). */
static int load_for(const gg_op_t *op, int64_t id, const char *const *states, gg_petition_t *p,
                    gg_error_t *err)
{
    if (gg_petition_get(op, id, p, err) < 0) return -1;
    if (!gg_auth_can(op->auth, GG_P_PETITION_MANAGE, p->unit_path)) {
        gg_err_forbidden(err, "only the petition office handles petitions");
        return gg_error_reason(err, "petition_identity");
    }
    if (in_states(p->status, states)) return 0;
    gg_error_set(err, 409, "wrong_state", "status", "the petition is %s", p->status);
    return gg_error_reason(err, "wrong_state");
}

static const char *date_or_today(gg_arena_t *a, const char *on, const char *field, gg_error_t *err)
{
    char today[11];
    gg_today(today);
    if (!on || !*on) return gg_strdup(a, today);
    if (gg_date_valid(on, field, err) < 0) return NULL;
    return on;
}

static int touch(const gg_op_t *op, int64_t id, const char *set, const gg_db_arg_t *args, int nargs,
                 gg_error_t *err)
{
    gg_db_arg_t all[8];
    for (int i = 0; i < nargs; i++)
        all[i] = args[i];
    all[nargs] = GG_I64(gg_now_ms());
    all[nargs + 1] = GG_I64(id);
    const char *sql = gg_sprintf(op->arena, "UPDATE petition SET %s, updated_at = $%d WHERE id = $%d", set,
                                 nargs + 1, nargs + 2);
    return gg_db_exec(op->c, sql, all, nargs + 2, NULL, err);
}

int gg_petition_decide(const gg_op_t *op, const gg_cal_snapshot_t *cal, int64_t id, int accept,
                       const char *on, const char *note, gg_error_t *err)
{
    gg_petition_t p;
    if (load_for(op, id, ST_DECIDE, &p, err) < 0) return -1;
    const char *d = date_or_today(op->arena, on, "decided_on", err);
    if (!d) return -1;
    if (strcmp(d, p.received_on) < 0) {
        gg_err_invalid(err, "decided_on", "the decision cannot come before the petition was received");
        return gg_error_reason(err, "before_start");
    }
    char due[11] = "";
    if (accept) gg_centre_period_end(cal, d, GG_PETITION_HANDLE_DAYS, due, NULL);
    if (touch(op, id, "status = $1, decided_on = $2, decision_note = $3, handle_due = $4",
              GG_ARGS(GG_TEXT(accept ? "accepted" : "not_accepted"), GG_TEXT(d),
                      note ? GG_TEXT(note) : GG_NULL, accept ? GG_TEXT(gg_strdup(op->arena, due)) : GG_NULL),
              err) < 0)
        return -1;
    const char *det = accept ? gg_sprintf(op->arena, "{\"on\":\"%s\",\"handle_due\":\"%s\"}", d, due)
                             : gg_sprintf(op->arena, "{\"on\":\"%s\"}", d);
    if (gg_centre_event(op, "petition_event", "petition_id", id, accept ? "accepted" : "not_accepted", det,
                        err) < 0)
        return -1;
    return gg_centre_audit(op, accept ? "petition.accept" : "petition.reject", "petition", id, p.unit_id, det,
                           err);
}

int gg_petition_extend(const gg_op_t *op, const gg_cal_snapshot_t *cal, int64_t id, int days,
                       const char *reason, gg_error_t *err)
{
    gg_petition_t p;
    if (load_for(op, id, ST_EXTEND, &p, err) < 0) return -1;
    if (p.extended) {
        gg_error_set(err, 409, "wrong_state", "days", "the handling limit was extended once already");
        return gg_error_reason(err, "already_extended");
    }
    if (days < 1 || days > GG_PETITION_EXTEND_MAX) {
        gg_err_invalid(err, "days", "an extension is 1 to %d days", GG_PETITION_EXTEND_MAX);
        return gg_error_limits(err, "out_of_range", 1, 1, 1, GG_PETITION_EXTEND_MAX);
    }
    if (!reason || !*reason) {
        gg_err_invalid(err, "reason", "an extension needs a reason");
        return gg_error_reason(err, "required");
    }
    char due[11];
    gg_centre_period_end(cal, p.decided_on, GG_PETITION_HANDLE_DAYS + days, due, NULL);
    if (touch(op, id, "extended = 1, extension_reason = $1, handle_due = $2",
              GG_ARGS(GG_TEXT(reason), GG_TEXT(gg_strdup(op->arena, due))), err) < 0)
        return -1;
    const char *det = gg_sprintf(op->arena, "{\"days\":%d,\"handle_due\":\"%s\",\"before\":\"%s\"}", days,
                                 due, p.handle_due);
    if (gg_centre_event(op, "petition_event", "petition_id", id, "extended", det, err) < 0) return -1;
    return gg_centre_audit(op, "petition.extend", "petition", id, p.unit_id, det, err);
}

int gg_petition_reply(const gg_op_t *op, int64_t id, const char *text, const char *on, int64_t attachment_id,
                      gg_error_t *err)
{
    gg_petition_t p;
    if (load_for(op, id, ST_REPLY, &p, err) < 0) return -1;
    if (!text || !*text) {
        gg_err_invalid(err, "text", "the reply's text is required");
        return gg_error_reason(err, "required");
    }
    const char *d = date_or_today(op->arena, on, "reply_on", err);
    if (!d) return -1;
    if (touch(op, id, "status = 'replied', reply_text = $1, reply_on = $2, reply_attachment_id = $3",
              GG_ARGS(GG_TEXT(text), GG_TEXT(d), attachment_id ? GG_I64(attachment_id) : GG_NULL), err) < 0)
        return -1;
    const char *det = gg_sprintf(op->arena, "{\"on\":\"%s\",\"late\":%s}", d,
                                 strcmp(d, p.handle_due ? p.handle_due : d) > 0 ? "true" : "false");
    if (gg_centre_event(op, "petition_event", "petition_id", id, "replied", det, err) < 0) return -1;
    return gg_centre_audit(op, "petition.reply", "petition", id, p.unit_id, det, err);
}

int gg_petition_review(const gg_op_t *op, const gg_cal_snapshot_t *cal, int64_t id, const char *on,
                       gg_error_t *err)
{
    gg_petition_t p;
    if (load_for(op, id, ST_REVIEW, &p, err) < 0) return -1;
    const char *d = date_or_today(op->arena, on, "requested_on", err);
    if (!d) return -1;
    char due[11];
    gg_centre_period_end(cal, d, GG_PETITION_REVIEW_DAYS, due, NULL);
    if (touch(op, id, "status = 'review', review_requested_on = $1, review_due = $2",
              GG_ARGS(GG_TEXT(d), GG_TEXT(gg_strdup(op->arena, due))), err) < 0)
        return -1;
    const char *det = gg_sprintf(op->arena, "{\"on\":\"%s\",\"review_due\":\"%s\"}", d, due);
    if (gg_centre_event(op, "petition_event", "petition_id", id, "review_requested", det, err) < 0) return -1;
    return gg_centre_audit(op, "petition.review", "petition", id, p.unit_id, det, err);
}

int gg_petition_close(const gg_op_t *op, int64_t id, const char *result, gg_error_t *err)
{
    gg_petition_t p;
    if (load_for(op, id, ST_CLOSE, &p, err) < 0) return -1;
    if (touch(op, id, "status = 'closed', review_result = COALESCE($1, review_result)",
              GG_ARGS(result ? GG_TEXT(result) : GG_NULL), err) < 0)
        return -1;
    if (gg_centre_event(op, "petition_event", "petition_id", id, "closed", "{}", err) < 0) return -1;
    return gg_centre_audit(op, "petition.close", "petition", id, p.unit_id, NULL, err);
}
