/* agreement_pdf.c — the 人民调解协议书 of a dispute as a PDF in the standard layout (dispute.h,
 * core/pdf.h): 编号, 当事人 (ID numbers masked), 纠纷主要事实/争议事项, 经调解自愿达成如下协议 with numbered
 * terms, 履行方式/时限, 本协议一式X份, signatures of the parties and the mediator, the committee's seal and
 * the date. */
#include <string.h>

#include "auth/crypto.h"
#include "core/pdf.h"
#include "domain/mediation/dispute.h"

static const char *role_zh(const char *role)
{
    if (!strcmp(role, "applicant")) return "申请人";
    if (!strcmp(role, "respondent")) return "被申请人";
    return "当事人";
}

int gg_dispute_agreement_pdf(gg_op_t *op, int64_t id, unsigned char **out, size_t *len, gg_error_t *err)
{
    gg_arena_t *a = op->arena;
    gg_dispute_t d;
    if (gg_dispute_get(op, id, &d, err) < 0) return -1;
    const gg_dispute_agreement_t *g = &d.agreement;
    if (!g->present) {
        gg_err_not_found(err, "the dispute has no agreement yet");
        return gg_error_reason(err, "no_agreement");
    }
    gg_pdf_t *p = gg_pdf_new(gg_sprintf(a, "人民调解协议书 %s", g->number));
    if (!p) return gg_err_internal(err, "out of memory");
    gg_pdf_title(p, "人民调解协议书");
    const char *committee =
        d.committee_name ? d.committee_name : gg_sprintf(a, "%s人民调解委员会", d.unit_name);
    const char *head_l[] = {"编号", "调解组织"};
    const char *head_v[] = {g->number, committee};
    gg_pdf_fields(p, head_l, head_v, 2);
    gg_pdf_heading(p, "当事人");
    for (int i = 0; i < d.nparties; i++) {
        const gg_dispute_party_t *q = &d.parties[i];
        gg_buf_t b = {0};
        gg_buf_printf(&b, "%s：%s", role_zh(q->role), q->name);
        if (q->id_number) gg_buf_printf(&b, "　公民身份号码：%s", gg_mask_id_number(a, q->id_number));
        if (q->org_code) gg_buf_printf(&b, "　统一社会信用代码：%s", q->org_code);
        if (q->phone) gg_buf_printf(&b, "　联系电话：%s", gg_mask_phone(a, q->phone));
        if (q->address) gg_buf_printf(&b, "\n住址：%s", q->address);
        gg_pdf_paragraph(p, b.data);
        gg_buf_free(&b);
    }
    gg_pdf_heading(p, "纠纷主要事实、争议事项");
    gg_pdf_paragraph(p, g->facts);
    gg_pdf_heading(p, "经调解，自愿达成如下协议");
    for (int i = 0; i < g->nterms; i++)
        gg_pdf_paragraph(p, gg_sprintf(a, "%d. %s", i + 1, g->terms[i]));
    gg_pdf_heading(p, "履行方式、时限");
    gg_pdf_paragraph(p, gg_sprintf(a, "%s%s%s", g->performance ? g->performance : "按上述协议条款履行。",
                                   g->performance_due ? "　履行期限：" : "",
                                   g->performance_due ? g->performance_due : ""));
    gg_pdf_paragraph(
        p,
        gg_sprintf(a,
                   "本协议一式%"
                   "d份，当事人、人民调解委员会各持一份。经人民调解委员会调解达成的调解协议，具有法律约束力，"
                   "当事人应当按照约定履行。",
                   g->copies));
    int n = d.nparties + 2;
    const char **roles = gg_alloc(a, sizeof(char *) * (size_t)n);
    const char **names = gg_alloc(a, sizeof(char *) * (size_t)n);
    const char **dates = gg_alloc(a, sizeof(char *) * (size_t)n);
    for (int i = 0; i < d.nparties; i++) {
        roles[i] = gg_sprintf(a, "当事人签名（%s）", d.parties[i].name);
        names[i] = NULL;
        dates[i] = NULL;
        for (int k = 0; k < g->nsignatures; k++)
            if (!strcmp(g->party_signatures[k], d.parties[i].name)) {
                names[i] = g->party_signatures[k];
                dates[i] = g->signed_on;
            }
    }
    roles[d.nparties] = "调解员签名";
    names[d.nparties] = g->mediator_signature;
    dates[d.nparties] = g->mediator_signature ? g->signed_on : NULL;
    roles[d.nparties + 1] = "人民调解委员会（印）";
    names[d.nparties + 1] = committee;
    dates[d.nparties + 1] = g->signed_on;
    gg_pdf_signatures(p, roles, names, dates, n);
    gg_pdf_paragraph(p, gg_sprintf(a, "日期：%s", g->signed_on));
    return gg_pdf_finish(p, out, len, err);
}
