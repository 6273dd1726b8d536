/* transfer.c — template columns, value labels and scoped, masked export (see transfer.h). */
#include "domain/people/transfer.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "domain/identity/audit.h"
#include "domain/people/transfer_internal.h"
#include "json/jw.h"

// clang-format off
static const gg_xfer_col_t resident_cols[] = {
    {"name", "姓名", NULL, 1, 1, "必填，1–50 个字", "张三"},
    {"id_number", "身份证号", "证件号码|公民身份号码|身份证号码", 0, 1,
     "18 位居民身份证号（校验位按 GB 11643 检查；出生日期和性别从中读取）。请把此列设为文本格式，以免 Excel 把它变成科学计数法",
     "420204199001011234"},
    {"gender", "性别", NULL, 0, 1, "男 / 女；有身份证号时可不填，填了须与身份证号一致", "男"},
    {"birth_date", "出生日期", NULL, 0, 1, "YYYY-MM-DD（也接受 YYYY/M/D、YYYYMMDD 和 Excel 日期）；有身份证号时可不填",
     "1990-01-01"},
    {"ethnicity", "民族", NULL, 0, 1, "GB/T 3304 民族名称，如 汉族、回族（“汉”也可以）", "汉族"},
    {"phone", "手机号", "联系电话|电话|手机|手机号码", 0, 1, "11 位手机号，或带区号的固定电话 027-87654321", "13800138000"},
    {"resident_type", "人员类型", NULL, 0, 1, "户籍 / 流动 / 境外，默认 户籍", "户籍"},
    {"registered_address", "户籍地", "户籍地址", 0, 1, "户籍所在地址，最多 200 字", "湖北省黄石市下陆区"},
    {"current_address", "现住址", NULL, 0, 1, "尚未登记到房屋时的现住址，最多 200 字", ""},
    {"house_code", "房屋编码", NULL, 0, 1, "系统中的房屋编码（房屋页面或二维码标签上可见），须在导入单位之内", ""},
    {"relation", "与户主关系", NULL, 0, 1,
     "户主 / 配偶 / 子女 / 父母 / 祖父母 / 孙子女 / 兄弟姐妹 / 儿媳女婿 / 其他；需要房屋编码。户主会为该房屋建户，其他成员加入该房屋已有的户（请把户主排在前面）",
     ""},
    {"tags", "标签", "特殊人群|特殊人群标签", 0, 1, "标签名称或代码，多个用 、 或 ; 分隔，如 独居老人、低保", ""},
    {"id_type", "证件类型", NULL, 0, 1, "居民身份证 / 护照 / 其他，默认 居民身份证", ""},
    {"nationality", "国籍", NULL, 0, 1, "ISO 3166 三位字母代码，境外人员必填，如 RUS", ""},
    {"household_registration_matches", "人户一致", NULL, 0, 1, "是 / 否；户籍人口默认 是，流动和境外人员只能是 否", ""},
    {"education", "学历", "文化程度", 0, 1, "未上学 / 小学 / 初中 / 高中 / 大专 / 本科 / 研究生", ""},
    {"marital_status", "婚姻状况", NULL, 0, 1, "未婚 / 已婚 / 离婚 / 丧偶", ""},
    {"occupation", "职业", NULL, 0, 1, "最多 50 字", ""},
    {"employer", "工作单位", "服务处所", 0, 1, "最多 100 字", ""},
    {"party_member", "党员", "是否党员", 0, 1, "是 / 否", ""},
    {"volunteer", "志愿者", "是否志愿者", 0, 1, "是 / 否", ""},
    {"id", "编号", NULL, 0, 0, "导出时的系统编号，导入时忽略", ""},
    {"unit", "所属单位", NULL, 0, 0, "导出时的所属网格或社区，导入时忽略", ""},
    {"address", "房屋地址", NULL, 0, 0, "导出时的房屋地址，导入时忽略", ""},
};
static const gg_xfer_col_t house_cols[] = {
    {"building", "楼栋", "楼栋编码|楼栋名称", 1, 1,
     "楼栋编码（如 B001）或名称，须是导入网格中已有的楼栋；按楼栋导入时可省略此列", "B001"},
    {"entrance", "单元", NULL, 0, 1, "单元号，最多 16 字", "1"},
    {"floor", "楼层", NULL, 0, 1, "整数，-5 到 200", "3"},
    {"room", "房号", "门牌号|室号", 1, 1, "必填，最多 16 字；同一楼栋、单元内不重复（重复时更新已有房屋）", "301"},
    {"use_type", "用途", "房屋用途", 0, 1, "自住 / 出租 / 商铺 / 空置 / 其他，默认 自住", "自住"},
    {"area_m2", "面积", "建筑面积|面积(㎡)|面积（㎡）|面积(平方米)", 0, 1, "平方米，大于 0", "89.5"},
    {"house_code", "房屋编码", NULL, 0, 0, "导出时的房屋编码（系统生成），导入时忽略", ""},
    {"id", "编号", NULL, 0, 0, "导出时的系统编号，导入时忽略", ""},
    {"grid_id", "网格编号", NULL, 0, 0, "导出时房屋所在网格的系统编号，导入时忽略", ""},
    {"households", "住户数", NULL, 0, 0, "导出时的在住户数，导入时忽略", ""},
};

const gg_label_t gg_xfer_genders[] = {{"male", "男", "男性|m"}, {"female", "女", "女性|f"}, {NULL, NULL, NULL}};
const gg_label_t gg_xfer_resident_types[] = {{"registered", "户籍", "户籍人口|常住"},
                                             {"migrant", "流动", "流动人口|外来"},
                                             {"foreign", "境外", "境外人员|外籍"},
                                             {NULL, NULL, NULL}};
const gg_label_t gg_xfer_id_types[] = {{"resident_id", "居民身份证", "身份证"},
                                       {"passport", "护照", NULL},
                                       {"other", "其他", "其它"},
                                       {NULL, NULL, NULL}};
const gg_label_t gg_xfer_educations[] = {
    {"none", "未上学", "无|文盲"},       {"primary", "小学", NULL},
    {"junior_secondary", "初中", NULL},  {"senior_secondary", "高中", "中专|高中/中专|职高"},
    {"college", "大专", "专科"},         {"bachelor", "本科", "大学|大学本科"},
    {"postgraduate", "研究生", "硕士|博士"}, {NULL, NULL, NULL}};
const gg_label_t gg_xfer_maritals[] = {{"single", "未婚", NULL},   {"married", "已婚", "有配偶"},
                                       {"divorced", "离婚", NULL}, {"widowed", "丧偶", NULL},
                                       {NULL, NULL, NULL}};
const gg_label_t gg_xfer_relations[] = {
    {"head", "户主", "本人|户长"},     {"spouse", "配偶", "妻|夫|妻子|丈夫"},
    {"child", "子女", "子|女|儿子|女儿"}, {"parent", "父母", "父亲|母亲"},
    {"grandparent", "祖父母", "外祖父母"}, {"grandchild", "孙子女", "外孙子女"},
    {"sibling", "兄弟姐妹", NULL},     {"child_in_law", "儿媳女婿", "儿媳|女婿"},
    {"other", "其他", "其它"},         {NULL, NULL, NULL}};
const gg_label_t gg_xfer_house_uses[] = {{"residence", "自住", "住宅|居住"}, {"rental", "出租", "租赁"},
                                         {"shop", "商铺", "商业|门面"},     {"vacant", "空置", "闲置"},
                                         {"other", "其他", "其它"},         {NULL, NULL, NULL}};
// clang-format on

const gg_xfer_col_t *gg_xfer_columns(gg_xfer_kind_t kind, int *n)
{
    if (kind == GG_XFER_HOUSES) {
        *n = (int)(sizeof house_cols / sizeof house_cols[0]);
        return house_cols;
    }
    *n = (int)(sizeof resident_cols / sizeof resident_cols[0]);
    return resident_cols;
}

int gg_xfer_in_list(const char *list, const char *s)
{
    size_t n = strlen(s);
    for (const char *p = list; p && *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncasecmp(p, s, n) == 0) return 1;
        p = bar ? bar + 1 : NULL;
    }
    return 0;
}

const char *gg_xfer_label(const gg_label_t *labels, const char *code)
{
    if (!code) return NULL;
    for (const gg_label_t *l = labels; l->code; l++)
        if (strcmp(l->code, code) == 0) return l->zh;
    return code;
}

const char *gg_xfer_code(const gg_label_t *labels, const char *text)
{
    for (const gg_label_t *l = labels; l->code; l++)
        if (strcasecmp(l->code, text) == 0 || strcmp(l->zh, text) == 0 || gg_xfer_in_list(l->alias, text))
            return l->code;
    return text;
}

/* ---- export ---- */

static const char *yes_no(int v)
{
    return v ? "是" : "否";
}

static int export_residents(gg_db_conn_t *c, const gg_keys_t *keys, const gg_auth_t *auth,
                            const gg_export_opts_t *o, gg_export_row_fn fn, void *ctx,
                            gg_export_counts_t *counts, gg_error_t *err)
{
    int ncols;
    gg_xfer_columns(GG_XFER_RESIDENTS, &ncols);
    const char *cells[32];
    gg_page_t page = {.limit = 200};
    for (;;) {
        /* one arena per page: a 100,000-row export never holds more than a page */
        gg_arena_t *a = gg_arena_new(64 * 1024);
        gg_resident_t *rows;
        int n, rc = 0;
        if (gg_resident_list(c, a, keys, auth, &o->residents, &page, &rows, &n, NULL, err) < 0) {
            gg_arena_free(a);
            return -1;
        }
        for (int i = 0; i < n && rc == 0; i++) {
            const gg_resident_t *r = &rows[i];
            int clear = o->reveal && gg_auth_can(auth, GG_P_PII_READ, r->unit_path);
            gg_buf_t tags = {0};
            for (int k = 0; k < r->ntags; k++) {
                if (k) gg_buf_puts(&tags, "、");
                gg_buf_puts(&tags, r->tags[k].name);
            }
            const char *v[] = {
                r->name,
                clear ? r->id_number : gg_mask_id_number(a, r->id_number),
                gg_xfer_label(gg_xfer_genders, r->gender),
                r->birth_date,
                r->ethnicity,
                clear ? r->phone : gg_mask_phone(a, r->phone),
                gg_xfer_label(gg_xfer_resident_types, r->resident_type),
                r->registered_address,
                r->current_address,
                r->house_code,
                gg_xfer_label(gg_xfer_relations, r->relation),
                tags.data,
                gg_xfer_label(gg_xfer_id_types, r->id_type),
                r->nationality,
                yes_no(r->registration_matches),
                gg_xfer_label(gg_xfer_educations, r->education),
                gg_xfer_label(gg_xfer_maritals, r->marital_status),
                r->occupation,
                r->employer,
                yes_no(r->party_member),
                yes_no(r->volunteer),
                gg_sprintf(a, "%lld", (long long)r->id),
                r->unit_name,
                r->house_label,
            };
            _Static_assert(sizeof v / sizeof v[0] == sizeof resident_cols / sizeof resident_cols[0],
                           "one value per resident column");
            memcpy(cells, v, sizeof v);
            counts->rows++;
            if (clear && (r->id_number || r->phone)) counts->unmasked++;
            rc = fn(ctx, cells, ncols, err);
            gg_buf_free(&tags);
        }
        int64_t last = n ? rows[n - 1].id : 0;
        gg_arena_free(a);
        if (rc < 0) return -1;
        if (n < page.limit) return 0;
        page.after = last;
    }
}

static int export_houses(gg_db_conn_t *c, const gg_auth_t *auth, const gg_export_opts_t *o,
                         gg_export_row_fn fn, void *ctx, gg_export_counts_t *counts, gg_error_t *err)
{
    int ncols;
    gg_xfer_columns(GG_XFER_HOUSES, &ncols);
    const char *cells[16];
    gg_page_t page = {.limit = 200};
    for (;;) {
        gg_arena_t *a = gg_arena_new(64 * 1024);
        gg_house_t *rows;
        int n, rc = 0;
        if (gg_house_list(c, a, auth, &o->houses, &page, &rows, &n, err) < 0) {
            gg_arena_free(a);
            return -1;
        }
        for (int i = 0; i < n && rc == 0; i++) {
            const gg_house_t *h = &rows[i];
            const char *v[] = {
                h->building_code,
                h->entrance,
                h->has_floor ? gg_sprintf(a, "%lld", (long long)h->floor) : NULL,
                h->room,
                gg_xfer_label(gg_xfer_house_uses, h->use_type),
                h->has_area ? gg_sprintf(a, "%g", h->area_m2) : NULL,
                h->house_code,
                gg_sprintf(a, "%lld", (long long)h->id),
                gg_sprintf(a, "%lld", (long long)h->grid_id),
                gg_sprintf(a, "%lld", (long long)h->household_count),
            };
            _Static_assert(sizeof v / sizeof v[0] == sizeof house_cols / sizeof house_cols[0],
                           "one value per house column");
            memcpy(cells, v, sizeof v);
            counts->rows++;
            rc = fn(ctx, cells, ncols, err);
        }
        int64_t last = n ? rows[n - 1].id : 0;
        gg_arena_free(a);
        if (rc < 0) return -1;
        if (n < page.limit) return 0;
        page.after = last;
    }
}

int gg_export_run(gg_db_conn_t *c, const gg_keys_t *keys, const gg_auth_t *auth, gg_xfer_kind_t kind,
                  const gg_export_opts_t *o, gg_export_row_fn fn, void *ctx, gg_export_counts_t *counts,
                  gg_error_t *err)
{
    memset(counts, 0, sizeof *counts);
    if (kind == GG_XFER_HOUSES) return export_houses(c, auth, o, fn, ctx, counts, err);
    return export_residents(c, keys, auth, o, fn, ctx, counts, err);
}

int gg_export_audit(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, gg_xfer_kind_t kind,
                    const gg_export_opts_t *o, const gg_export_counts_t *counts, gg_error_t *err)
{
    gg_buf_t b = {0};
    gg_jw_t w;
    gg_jw_init(&w, &b);
    gg_jw_obj(&w);
    gg_jw_kstr(&w, "kind", kind == GG_XFER_HOUSES ? "houses" : "residents");
    gg_jw_kint(&w, "rows", counts->rows);
    gg_jw_kint(&w, "unmasked", counts->unmasked);
    gg_jw_key(&w, "fields");
    gg_jw_arr(&w);
    gg_jw_str(&w, "id_number");
    gg_jw_str(&w, "phone");
    gg_jw_arr_end(&w);
    gg_jw_key(&w, "filters");
    gg_jw_obj(&w);
    if (o->residents.unit_id) gg_jw_kint(&w, "unit_id", o->residents.unit_id);
    if (o->residents.type && *o->residents.type) gg_jw_kstr(&w, "type", o->residents.type);
    if (o->residents.tag && *o->residents.tag) gg_jw_kstr(&w, "tag", o->residents.tag);
    if (o->residents.separated >= 0) gg_jw_kint(&w, "separated", o->residents.separated);
    gg_jw_obj_end(&w);
    gg_jw_obj_end(&w);
    gg_actor_t actor = gg_actor_of(auth);
    gg_audit_entry_t e = {.action = "pii.export",
                          .object_type = "resident",
                          .unit_id = o->residents.unit_id,
                          .detail_json = gg_strdup(a, b.data)};
    gg_buf_free(&b);
    return gg_audit_append(c, &actor, &e, err);
}
