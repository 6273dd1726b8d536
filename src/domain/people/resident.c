/* resident.c — residents: validation, placement, encrypted identity fields, search (see resident.h). */
#include "domain/people/resident.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "domain/identity/audit.h"
#include "domain/change.h"
#include "domain/people/household.h"
#include "domain/people/id_probe.h"
#include "domain/tree/place.h"
#include "domain/scope.h"
#include "domain/people/tag.h"
#include "domain/tree/unit.h"
#include "domain/validate.h"
#include "json/jw.h"

static const char *const genders[] = {"male", "female", NULL};
static const char *const id_types[] = {"resident_id", "passport", "other", NULL};
static const char *const resident_types[] = {"registered", "migrant", "foreign", NULL};
/* GB/T 4658 (simplified): 未上学, 小学, 初中, 高中/中专, 大专, 本科, 研究生 */
static const char *const educations[] = {"none",    "primary",  "junior_secondary", "senior_secondary",
                                         "college", "bachelor", "postgraduate",     NULL};
/* GB/T 2261.2: 未婚, 已婚, 离婚, 丧偶 */
static const char *const marital_statuses[] = {"single", "married", "divorced", "widowed", NULL};
/* GB/T 3304: the 56 ethnic groups, then 其他 (97) and 外国血统中国籍人士 (98). */
// clang-format off
static const char *const ethnicities[] = {
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
    "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
    "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族",
    "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族",
    "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
    "其他", "外国血统中国籍人士", NULL};
// clang-format on

#define RESIDENT_COLS                                                                                        \
    "r.id, r.unit_id, r.unit_path, u.code, u.name, r.household_id, r.house_id, h.house_code, b.name, "       \
    "h.entrance, h.room, r.relation, r.name, r.gender, r.birth_date, r.ethnicity, r.nationality, "           \
    "r.id_type, "                                                                                            \
    "r.id_number_enc, r.phone_enc, r.resident_type, r.registered_address, r.current_address, "               \
    "r.household_registration_matches, r.party_member, r.volunteer, r.education, r.marital_status, "         \
    "r.occupation, r.employer, r.moved_in_at, r.moved_out_at, r.created_at, r.updated_at, r.version, "       \
    "r.departure, r.departed_on, r.departure_note"
#define RESIDENT_FROM                                                                                        \
    " FROM resident r JOIN unit u ON u.id = r.unit_id LEFT JOIN house h ON h.id = r.house_id "               \
    "LEFT JOIN building b ON b.id = h.building_id "

static const char *dup_text(gg_arena_t *a, gg_db_res_t *r, int col)
{
    return gg_db_isnull(r, col) ? NULL : gg_strdup(a, gg_db_text(r, col));
}

static int64_t opt_i64(gg_db_res_t *r, int col)
{
    return gg_db_isnull(r, col) ? 0 : gg_db_i64(r, col);
}

static void read_resident(gg_db_res_t *r, gg_arena_t *a, const gg_keys_t *keys, gg_resident_t *o)
{
    memset(o, 0, sizeof *o);
    o->id = gg_db_i64(r, 0);
    o->unit_id = gg_db_i64(r, 1);
    o->unit_path = gg_strdup(a, gg_db_text(r, 2));
    o->unit_code = gg_strdup(a, gg_db_text(r, 3));
    o->unit_name = gg_strdup(a, gg_db_text(r, 4));
    o->household_id = opt_i64(r, 5);
    o->house_id = opt_i64(r, 6);
    o->house_code = dup_text(a, r, 7);
    if (o->house_id)
        o->house_label = gg_house_label(a, gg_db_text(r, 8), gg_db_isnull(r, 9) ? NULL : gg_db_text(r, 9),
                                        gg_db_text(r, 10));
    o->relation = dup_text(a, r, 11);
    o->name = gg_strdup(a, gg_db_text(r, 12));
    o->gender = gg_strdup(a, gg_db_text(r, 13));
    o->birth_date = gg_strdup(a, gg_db_text(r, 14));
    o->ethnicity = dup_text(a, r, 15);
    o->nationality = dup_text(a, r, 16);
    o->id_type = gg_strdup(a, gg_db_text(r, 17));
    o->id_number = gg_pii_decrypt(keys, a, gg_db_text(r, 18));
    o->phone = gg_pii_decrypt(keys, a, gg_db_text(r, 19));
    o->resident_type = gg_strdup(a, gg_db_text(r, 20));
    o->registered_address = dup_text(a, r, 21);
    o->current_address = dup_text(a, r, 22);
    o->has_registration_matches = 1;
    o->registration_matches = (int)gg_db_i64(r, 23);
    o->party_member = (int)gg_db_i64(r, 24);
    o->volunteer = (int)gg_db_i64(r, 25);
    o->education = dup_text(a, r, 26);
    o->marital_status = dup_text(a, r, 27);
    o->occupation = dup_text(a, r, 28);
    o->employer = dup_text(a, r, 29);
    o->moved_in_at = opt_i64(r, 30);
    o->moved_out_at = opt_i64(r, 31);
    o->created_at = gg_db_i64(r, 32);
    o->updated_at = gg_db_i64(r, 33);
    o->version = (int)gg_db_i64(r, 34);
    o->departure = dup_text(a, r, 35);
    o->departed_on = dup_text(a, r, 36);
    o->departure_note = dup_text(a, r, 37);
}

/* Tags of rows[0..n) in one query; the ids come from the database, so they can stand in the SQL text. */
static int load_tags(gg_db_conn_t *c, gg_arena_t *a, gg_resident_t *rows, int n, gg_error_t *err)
{
    if (n == 0) return 0;
    gg_buf_t ids = {0};
    gg_buf_init(&ids, (size_t)n * 8);
    for (int i = 0; i < n; i++) {
        gg_buf_printf(&ids, "%s%lld", i ? "," : "", (long long)rows[i].id);
        rows[i].ntags = 0;
        rows[i].tags = NULL;
    }
    char *sql = gg_sprintf(
        a,
        "SELECT rt.resident_id, t.code, t.name, t.sensitive FROM resident_tag rt "
        "JOIN tag t ON t.id = rt.tag_id WHERE rt.resident_id IN (%s) ORDER BY rt.resident_id, t.id",
        ids.data);
    gg_buf_free(&ids);
    gg_db_res_t *r;
    int step;
    if (gg_db_query(c, sql, GG_NOARGS, &r, err) < 0) return -1;
    /* rows are few per resident; grow each resident's array as tags arrive */
    while ((step = gg_db_next(r, err)) == 1) {
        int64_t rid = gg_db_i64(r, 0);
        for (int i = 0; i < n; i++) {
            if (rows[i].id != rid) continue;
            gg_tag_ref_t *t = gg_alloc(a, sizeof(gg_tag_ref_t) * (size_t)(rows[i].ntags + 1));
            if (rows[i].ntags) memcpy(t, rows[i].tags, sizeof(gg_tag_ref_t) * (size_t)rows[i].ntags);
            t[rows[i].ntags] = (gg_tag_ref_t){.code = gg_strdup(a, gg_db_text(r, 1)),
                                              .name = gg_strdup(a, gg_db_text(r, 2)),
                                              .sensitive = (int)gg_db_i64(r, 3)};
            rows[i].tags = t;
            rows[i].ntags++;
        }
    }
    gg_db_res_free(r);
    if (step < 0) return -1;
    /* then the tags that follow from the birth date, worked out now */
    gg_tag_t *derived;
    int nd;
    if (gg_tag_derived_list(c, a, &derived, &nd, err) < 0) return -1;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < nd; k++) {
            if (!gg_tag_derived_applies(&derived[k], rows[i].birth_date)) continue;
            gg_tag_ref_t *t = gg_alloc(a, sizeof(gg_tag_ref_t) * (size_t)(rows[i].ntags + 1));
            if (rows[i].ntags) memcpy(t, rows[i].tags, sizeof(gg_tag_ref_t) * (size_t)rows[i].ntags);
            t[rows[i].ntags] = (gg_tag_ref_t){.code = derived[k].code,
                                              .name = derived[k].name,
                                              .sensitive = derived[k].sensitive,
                                              .derived = 1};
            rows[i].tags = t;
            rows[i].ntags++;
        }
    return 0;
}

/* ---- validation ---- */

static int ethnicity_valid(gg_arena_t *a, const char **eth, gg_error_t *err)
{
    if (gg_text_field(a, eth, "ethnicity", 0, err) < 0 || !*eth) return 0;
    for (int i = 0; ethnicities[i]; i++) {
        if (strcmp(*eth, ethnicities[i]) == 0) return 0;
        /* "汉" for "汉族": people often leave the suffix out */
        size_t n = strlen(*eth);
        if (strncmp(*eth, ethnicities[i], n) == 0 && strcmp(ethnicities[i] + n, "族") == 0) {
            *eth = ethnicities[i];
            return 0;
        }
    }
    return gg_err_invalid(err, "ethnicity",
                          "ethnicity must be one of the names of GB/T 3304 (汉族, 回族, 满族 …)");
}

/* Passport and other documents: letters and digits, upper-cased. */
static int document_valid(gg_arena_t *a, const char **number, const char *type, gg_error_t *err)
{
    size_t n = strlen(*number);
    size_t lo = strcmp(type, "passport") == 0 ? 5 : 1, hi = strcmp(type, "passport") == 0 ? 20 : 32;
    if (n < lo || n > hi)
        return gg_err_invalid(err, "id_number", "a %s number has %zu to %zu characters", type, lo, hi);
    char *up = gg_strdup(a, *number);
    for (char *p = up; *p; p++) {
        if (!isalnum((unsigned char)*p))
            return gg_err_invalid(err, "id_number", "a %s number has letters and digits only", type);
        *p = (char)toupper((unsigned char)*p);
    }
    *number = up;
    return 0;
}

/* Check and normalise a full record (create, and update after the patch is applied). */
static int resident_valid(gg_arena_t *a, gg_resident_t *r, gg_error_t *err)
{
    char today[11];
    gg_today(today);
    if (gg_text_field(a, &r->name, "name", 1, err) < 0) return -1;
    if (!r->id_type) r->id_type = "resident_id";
    if (gg_choice_valid(r->id_type, id_types, "id_type", err) < 0) return -1;
    if (!r->resident_type) r->resident_type = "registered";
    if (gg_choice_valid(r->resident_type, resident_types, "resident_type", err) < 0) return -1;
    if (r->gender && gg_choice_valid(r->gender, genders, "gender", err) < 0) return -1;
    if (r->birth_date && gg_date_valid(r->birth_date, "birth_date", err) < 0) return -1;
    if (r->id_number && !*r->id_number) r->id_number = NULL;
    if (r->id_number && strcmp(r->id_type, "resident_id") == 0) {
        gg_id_info_t id;
        if (gg_id_number_check(r->id_number, "id_number", today, &id, err) < 0) return -1;
        /* the number encodes birth date and gender: a record that disagrees has a typo in one of them */
        if (r->birth_date && strcmp(r->birth_date, id.birth_date) != 0)
            return gg_err_invalid(err, "birth_date", "the birth date %s does not match the ID number (%s)",
                                  r->birth_date, id.birth_date);
        if (r->gender && strcmp(r->gender, id.gender) != 0)
            return gg_err_invalid(err, "gender", "the gender does not match the ID number (which says %s)",
                                  id.gender);
        r->id_number = gg_strdup(a, id.number);
        r->birth_date = gg_strdup(a, id.birth_date);
        r->gender = id.gender;
    } else if (r->id_number && document_valid(a, &r->id_number, r->id_type, err) < 0) {
        return -1;
    }
    if (!r->gender)
        return gg_err_invalid(err, "gender", "gender is required when there is no ID number to read it from");
    if (!r->birth_date)
        return gg_err_invalid(err, "birth_date",
                              "birth_date is required when there is no ID number to read it from");
    if (strcmp(r->birth_date, today) > 0)
        return gg_err_invalid(err, "birth_date", "birth_date %s is in the future", r->birth_date);
    if (strcmp(r->birth_date, "1880-01-01") < 0)
        return gg_err_invalid(err, "birth_date", "birth_date %s is implausibly early", r->birth_date);
    if (r->phone && !*r->phone) r->phone = NULL;
    if (r->phone && gg_phone_valid(r->phone, "phone", err) < 0) return -1;
    int foreign = strcmp(r->resident_type, "foreign") == 0;
    if (r->nationality && !*r->nationality) r->nationality = NULL;
    if (r->nationality) {
        if (strlen(r->nationality) != 3 || !isupper((unsigned char)r->nationality[0]) ||
            !isupper((unsigned char)r->nationality[1]) || !isupper((unsigned char)r->nationality[2]))
            return gg_err_invalid(err, "nationality",
                                  "nationality is a three-letter ISO 3166 code (CHN, RUS, KAZ …)");
    }
    if (foreign && !r->nationality)
        return gg_err_invalid(err, "nationality", "a foreign resident's nationality is required");
    if (!foreign) {
        if (r->nationality && strcmp(r->nationality, "CHN") != 0)
            return gg_err_invalid(
                err, "nationality",
                "registered and migrant residents are citizens (CHN); use resident_type foreign");
        r->nationality = "CHN";
        if (strcmp(r->id_type, "resident_id") != 0 && r->id_number)
            return gg_err_invalid(err, "id_type",
                                  "registered and migrant residents are identified by their resident "
                                  "ID number (id_type resident_id)");
    }
    /* 户籍人口 normally live where they are registered; a migrant's or a foreigner's registration is
     * elsewhere */
    int registered = strcmp(r->resident_type, "registered") == 0;
    if (!r->has_registration_matches) {
        r->registration_matches = registered;
        r->has_registration_matches = 1;
    } else if (!registered && r->registration_matches) {
        return gg_err_invalid(
            err, "household_registration_matches",
            "a %s resident's household registration is elsewhere (人户分离); it cannot match",
            r->resident_type);
    }
    if (ethnicity_valid(a, &r->ethnicity, err) < 0) return -1;
    if (r->education && gg_choice_valid(r->education, educations, "education", err) < 0) return -1;
    if (r->marital_status && gg_choice_valid(r->marital_status, marital_statuses, "marital_status", err) < 0)
        return -1;
    if (gg_text_field(a, &r->registered_address, "registered_address", 0, err) < 0 ||
        gg_text_field(a, &r->current_address, "current_address", 0, err) < 0 ||
        gg_text_field(a, &r->occupation, "occupation", 0, err) < 0 ||
        gg_text_field(a, &r->employer, "employer", 0, err) < 0)
        return -1;
    return 0;
}

/* Where a resident lives: the grid of house_id, or unit_id (a community, grid or micro-grid). */
typedef struct place {
    int64_t unit_id, house_id;
    const char *path;
} place_t;

static int resolve_place(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, int64_t house_id,
                         int64_t unit_id, place_t *p, gg_error_t *err)
{
    memset(p, 0, sizeof *p);
    if (house_id) {
        gg_house_t h;
        if (gg_house_get(c, a, auth, GG_P_RESIDENT_READ, house_id, &h, err) < 0) {
            snprintf(err->field, sizeof err->field, "house_id");
            return -1;
        }
        if (h.retired_at) return gg_err_invalid(err, "house_id", "house %s is retired", h.house_code);
        if (unit_id && unit_id != h.grid_id)
            return gg_err_invalid(err, "unit_id", "house %s is in unit %lld, not %lld", h.house_code,
                                  (long long)h.grid_id, (long long)unit_id);
        p->unit_id = h.grid_id;
        p->house_id = h.id;
        p->path = h.unit_path;
    } else if (unit_id) {
        gg_unit_t u;
        if (gg_unit_get_scoped(c, a, auth, GG_P_UNIT_READ, unit_id, &u, err) < 0) {
            snprintf(err->field, sizeof err->field, "unit_id");
            return -1;
        }
        if (strcmp(u.level, "community") && strcmp(u.level, "grid") && strcmp(u.level, "micro_grid"))
            return gg_err_invalid(err, "unit_id",
                                  "residents belong to a community, grid or micro-grid, and %s is a %s",
                                  u.name, u.level);
        if (u.retired_at) return gg_err_invalid(err, "unit_id", "unit %s is retired", u.name);
        p->unit_id = u.id;
        p->path = u.path;
    } else {
        return gg_err_invalid(
            err, "unit_id", "say where the resident lives: house_id, or unit_id of their grid or community");
    }
    if (!gg_auth_can(auth, GG_P_RESIDENT_WRITE, p->path))
        return gg_err_forbidden(err, "you may not register residents there");
    return 0;
}

/* The ID number is unique (blind index, unique constraint).  Say so with the field, and with the other
 * resident's id only when the caller may read that resident. */
static int id_number_free(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const char *bidx,
                          int64_t self, gg_error_t *err)
{
    gg_db_res_t *r;
    if (!bidx) return 0;
    if (gg_db_query(c, "SELECT id, unit_path FROM resident WHERE id_number_bidx = $1 AND id <> $2",
                    GG_ARGS(GG_TEXT(bidx), GG_I64(self)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    int64_t other = step == 1 ? gg_db_i64(r, 0) : 0;
    int visible = step == 1 && gg_auth_can(auth, GG_P_RESIDENT_READ, gg_db_text(r, 1));
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (visible)
        return gg_error_set(err, 409, "conflict", "id_number",
                            "a resident with this ID number is already registered (resident %lld)",
                            (long long)other);
    /* not in the caller's scope, registered elsewhere or not: what is said about it is rationed */
    if (gg_id_probe_check(c, auth, "id_number", err) < 0) return -1;
    if (!other) return 0;
    gg_id_probe_hit(c, auth);
    return gg_error_set(err, 409, "conflict", "id_number",
                        "a resident with this ID number is already registered (outside your scope)");
}

static char *id_text(gg_arena_t *a, int64_t id)
{
    return gg_sprintf(a, "%lld", (long long)id);
}

int gg_resident_create(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, const gg_actor_t *actor,
                       const gg_auth_t *auth, const gg_resident_new_t *in, int64_t *id, gg_error_t *err)
{
    gg_resident_t r = in->r;
    place_t p;
    gg_household_t hh;
    int64_t house_id = r.house_id;
    if (in->household_id) {
        if (gg_household_get(c, a, auth, in->household_id, &hh, err) < 0) {
            snprintf(err->field, sizeof err->field, "household_id");
            return -1;
        }
        if (house_id && house_id != hh.house_id)
            return gg_err_invalid(err, "house_id", "household %lld lives in house %lld", (long long)hh.id,
                                  (long long)hh.house_id);
        if (!in->relation)
            return gg_err_invalid(err, "relation", "relation to the household head is required");
        if (gg_relation_valid(in->relation, "relation", err) < 0) return -1;
        house_id = hh.house_id;
    }
    if (resolve_place(c, a, auth, house_id, r.unit_id, &p, err) < 0) return -1;
    if (resident_valid(a, &r, err) < 0) return -1;
    const char *id_bidx = gg_pii_blind_index(keys, a, r.id_number);
    if (id_number_free(c, a, auth, id_bidx, 0, err) < 0) return -1;
    int64_t now = gg_now_ms();
    gg_db_res_t *res;
    if (gg_db_query(c,
                    "INSERT INTO resident (unit_id, unit_path, house_id, name, gender, birth_date, "
                    "ethnicity, nationality, "
                    "id_type, id_number_enc, id_number_bidx, phone_enc, phone_bidx, resident_type, "
                    "registered_address, "
                    "current_address, household_registration_matches, party_member, volunteer, education, "
                    "marital_status, "
                    "occupation, employer, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
                    "$9, $10, $11, "
                    "$12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $24) RETURNING id",
                    GG_ARGS(GG_I64(p.unit_id), GG_TEXT(p.path), p.house_id ? GG_I64(p.house_id) : GG_NULL,
                            GG_TEXT(r.name), GG_TEXT(r.gender), GG_TEXT(r.birth_date), GG_TEXT(r.ethnicity),
                            GG_TEXT(r.nationality), GG_TEXT(r.id_type),
                            GG_TEXT(gg_pii_encrypt(keys, a, r.id_number)), GG_TEXT(id_bidx),
                            GG_TEXT(gg_pii_encrypt(keys, a, r.phone)),
                            GG_TEXT(gg_pii_blind_index(keys, a, r.phone)), GG_TEXT(r.resident_type),
                            GG_TEXT(r.registered_address), GG_TEXT(r.current_address),
                            GG_I64(r.registration_matches ? 1 : 0), GG_I64(r.party_member ? 1 : 0),
                            GG_I64(r.volunteer ? 1 : 0), GG_TEXT(r.education), GG_TEXT(r.marital_status),
                            GG_TEXT(r.occupation), GG_TEXT(r.employer), GG_I64(now)),
                    &res, err) < 0) {
        if (err->http_status == 409)
            gg_error_set(err, 409, "conflict", "id_number",
                         "a resident with this ID number is already registered");
        return -1;
    }
    int step = gg_db_next(res, err);
    if (step == 1) *id = gg_db_i64(res, 0);
    gg_db_res_free(res);
    if (step != 1) return step < 0 ? -1 : gg_err_internal(err, "resident insert returned no id");
    gg_change_t ch;
    gg_change_init(&ch);
    gg_change_note(&ch, "name", r.name);
    gg_change_note(&ch, "resident_type", r.resident_type);
    gg_change_note_int(&ch, "unit_id", p.unit_id);
    if (p.house_id) gg_change_note_int(&ch, "house_id", p.house_id);
    gg_change_secret(&ch, "id_number", NULL, r.id_number);
    gg_change_secret(&ch, "phone", NULL, r.phone);
    gg_audit_entry_t e = {.action = "resident.create",
                          .object_type = "resident",
                          .object_id = id_text(a, *id),
                          .unit_id = p.unit_id,
                          .detail_json = gg_change_done(&ch, a)};
    if (gg_audit_append(c, actor, &e, err) < 0) return -1;
    for (int i = 0; i < in->ntags; i++) {
        char field[32];
        snprintf(field, sizeof field, "tags[%d]", i);
        if (gg_resident_tag_set(c, a, actor, auth, *id, p.unit_id, p.path, in->tags[i], 1, field, err) < 0)
            return -1;
    }
    if (in->household_id &&
        gg_household_add_member(c, a, actor, auth, in->household_id, *id, in->relation, 0, NULL, err) < 0) {
        if (!err->field[0] || strcmp(err->field, "resident_id") == 0)
            snprintf(err->field, sizeof err->field, "household_id");
        return -1;
    }
    return 0;
}

int gg_resident_get(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, const gg_auth_t *auth, int64_t id,
                    gg_resident_t *out, gg_error_t *err)
{
    gg_db_res_t *r;
    char *sql = gg_sprintf(a, "SELECT " RESIDENT_COLS RESIDENT_FROM "WHERE r.id = $1 AND %s",
                           gg_scope_sql(a, auth, GG_P_RESIDENT_READ, "r.unit_path"));
    if (gg_db_query(c, sql, GG_ARGS(GG_I64(id)), &r, err) < 0) return -1;
    int step = gg_db_next(r, err);
    if (step == 1) read_resident(r, a, keys, out);
    gg_db_res_free(r);
    if (step < 0) return -1;
    if (step == 0)
        return gg_err_not_found(err, "resident %lld does not exist or is outside your scope", (long long)id);
    return load_tags(c, a, out, 1, err);
}

/* ---- search ---- */

/* A WHERE clause assembled from the filters in use, so each combination is its own statement with a plan
 * that can use the right index (an "($1 = '' OR col = $1)" pattern defeats generic plans on PostgreSQL). */
typedef struct where {
    gg_buf_t sql;
    gg_db_arg_t args[16];
    int nargs;
} where_t;

static void where_add(where_t *w, const char *fmt, gg_db_arg_t arg)
{
    w->args[w->nargs++] = arg;
    gg_buf_puts(&w->sql, " AND ");
    gg_buf_printf(&w->sql, fmt, w->nargs);
}

int gg_resident_list(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, const gg_auth_t *auth,
                     const gg_resident_filter_t *f, const gg_page_t *page, gg_resident_t **rows, int *n,
                     int64_t *total, gg_error_t *err)
{
    where_t w = {.nargs = 0};
    gg_db_res_t *r = NULL;
    int rc = -1, step, limit = page->limit > 0 ? page->limit : 50;
    gg_tag_t tag;
    int found;
    *n = 0;
    if (total) *total = -1;
    *rows = gg_alloc(a, sizeof(gg_resident_t) * (size_t)limit);
    gg_buf_init(&w.sql, 256);
    gg_buf_puts(&w.sql, gg_scope_sql(a, auth, GG_P_RESIDENT_READ, "r.unit_path"));
    if (f->unit_id) {
        const char *lo, *hi;
        if (gg_subtree_bounds(c, a, auth, f->unit_id, &lo, &hi, err) < 0) goto out;
        where_add(&w, "r.unit_path >= $%d", GG_TEXT(lo));
        where_add(&w, "r.unit_path < $%d", GG_TEXT(hi));
    }
    if (f->id_number && *f->id_number)
        where_add(&w, "r.id_number_bidx = $%d", GG_TEXT(gg_pii_blind_index(keys, a, f->id_number)));
    if (f->phone && *f->phone)
        where_add(&w, "r.phone_bidx = $%d", GG_TEXT(gg_pii_blind_index(keys, a, f->phone)));
    if (f->q && *f->q) where_add(&w, "r.name LIKE $%d ESCAPE '\\'", GG_TEXT(gg_sql_like_contains(a, f->q)));
    if (f->type && *f->type) {
        if (gg_choice_valid(f->type, resident_types, "type", err) < 0) goto out;
        where_add(&w, "r.resident_type = $%d", GG_TEXT(f->type));
    }
    /* present by default: who has left or died is out of the population, but an exact ID number or
     * phone search finds them too (they come back, or someone asks) */
    const char *status = f->status && *f->status                                      ? f->status
                         : (f->id_number && *f->id_number) || (f->phone && *f->phone) ? "all"
                                                                                      : "present";
    if (strcmp(status, "present") == 0)
        gg_buf_puts(&w.sql, " AND r.departure IS NULL");
    else if (strcmp(status, "departed") == 0)
        gg_buf_puts(&w.sql, " AND r.departure IS NOT NULL");
    else if (strcmp(status, "all") != 0) {
        gg_err_invalid(err, "status", "status is one of present, departed, all; got \"%.20s\"", status);
        goto out;
    }
    if (f->house_id) where_add(&w, "r.house_id = $%d", GG_I64(f->house_id));
    if (f->household_id) where_add(&w, "r.household_id = $%d", GG_I64(f->household_id));
    if (f->separated >= 0)
        where_add(&w, "r.household_registration_matches = $%d", GG_I64(f->separated ? 0 : 1));
    if (f->tag && *f->tag) {
        if (gg_tag_by_code(c, a, f->tag, &tag, &found, err) < 0) goto out;
        if (!found) {
            gg_err_invalid(err, "tag", "there is no tag with code \"%s\"", f->tag);
            goto out;
        }
        if (gg_tag_is_derived(&tag))
            gg_buf_printf(&w.sql, " AND %s", gg_tag_derived_sql(a, &tag, "r.birth_date"));
        else
            where_add(
                &w, "EXISTS (SELECT 1 FROM resident_tag rt WHERE rt.resident_id = r.id AND rt.tag_id = $%d)",
                GG_I64(tag.id));
    }
    if (total && page->want_total) {
        char *count_sql = gg_sprintf(a, "SELECT count(*) FROM resident r WHERE %s", w.sql.data);
        if (gg_db_query_i64(c, count_sql, w.args, w.nargs, total, &found, err) < 0) goto out;
    }
    where_add(&w, "r.id > $%d", GG_I64(page->after));
    char *sql = gg_sprintf(a, "SELECT " RESIDENT_COLS RESIDENT_FROM "WHERE %s ORDER BY r.id LIMIT %d",
                           w.sql.data, limit);
    if (gg_db_query(c, sql, w.args, w.nargs, &r, err) < 0) goto out;
    while ((step = gg_db_next(r, err)) == 1 && *n < limit)
        read_resident(r, a, keys, &(*rows)[(*n)++]);
    if (step < 0) goto out;
    gg_db_res_free(r);
    r = NULL;
    if (load_tags(c, a, *rows, *n, err) < 0) goto out;
    rc = 0;
out:
    gg_db_res_free(r);
    gg_buf_free(&w.sql);
    return rc;
}

/* ---- update ---- */

/* The caller may change cur (resident.write over it) and saw its current version. */
static int writable_at_version(const gg_auth_t *auth, const gg_resident_t *cur, int version, gg_error_t *err)
{
    if (!gg_auth_can(auth, GG_P_RESIDENT_WRITE, cur->unit_path))
        return gg_err_forbidden(err, "you may not change resident %lld", (long long)cur->id);
    if (version != cur->version)
        return gg_error_set(
            err, 409, "version_conflict", "version",
            "the resident was changed by someone else (version %d, you sent %d); reload and retry",
            cur->version, version);
    return 0;
}

int gg_resident_update(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, const gg_actor_t *actor,
                       const gg_auth_t *auth, const gg_resident_t *cur, const gg_resident_t *next,
                       int version, gg_error_t *err)
{
    gg_resident_t r = *next;
    place_t p = {.unit_id = cur->unit_id, .house_id = cur->house_id, .path = cur->unit_path};
    if (writable_at_version(auth, cur, version, err) < 0) return -1;
    if (r.house_id != cur->house_id || r.unit_id != cur->unit_id) {
        if (cur->household_id)
            return gg_error_set(err, 409, "conflict", r.house_id != cur->house_id ? "house_id" : "unit_id",
                                "resident %lld is a member of household %lld; move them with the household "
                                "endpoints",
                                (long long)cur->id, (long long)cur->household_id);
        /* a new house decides the unit (unless a unit was sent too, which must agree); leaving a house keeps
         * the resident with the unit */
        int64_t unit = r.house_id && r.house_id != cur->house_id && r.unit_id == cur->unit_id ? 0 : r.unit_id;
        if (resolve_place(c, a, auth, r.house_id, unit, &p, err) < 0) return -1;
    }
    if (resident_valid(a, &r, err) < 0) return -1;
    const char *id_bidx = gg_pii_blind_index(keys, a, r.id_number);
    const char *cur_bidx = gg_pii_blind_index(keys, a, cur->id_number);
    /* an unchanged number was checked when it was given */
    if (!(id_bidx && cur_bidx && strcmp(id_bidx, cur_bidx) == 0) &&
        id_number_free(c, a, auth, id_bidx, cur->id, err) < 0)
        return -1;
    int64_t changes;
    if (gg_db_exec(
            c,
            "UPDATE resident SET unit_id = $1, unit_path = $2, house_id = $3, name = $4, gender = $5, "
            "birth_date = $6, ethnicity = $7, nationality = $8, id_type = $9, id_number_enc = $10, "
            "id_number_bidx = $11, phone_enc = $12, phone_bidx = $13, resident_type = $14, "
            "registered_address = $15, current_address = $16, household_registration_matches = $17, "
            "party_member = $18, volunteer = $19, education = $20, marital_status = $21, occupation = $22, "
            "employer = $23, updated_at = $24, version = version + 1 WHERE id = $25 AND version = $26",
            GG_ARGS(GG_I64(p.unit_id), GG_TEXT(p.path), p.house_id ? GG_I64(p.house_id) : GG_NULL,
                    GG_TEXT(r.name), GG_TEXT(r.gender), GG_TEXT(r.birth_date), GG_TEXT(r.ethnicity),
                    GG_TEXT(r.nationality), GG_TEXT(r.id_type), GG_TEXT(gg_pii_encrypt(keys, a, r.id_number)),
                    GG_TEXT(id_bidx), GG_TEXT(gg_pii_encrypt(keys, a, r.phone)),
                    GG_TEXT(gg_pii_blind_index(keys, a, r.phone)), GG_TEXT(r.resident_type),
                    GG_TEXT(r.registered_address), GG_TEXT(r.current_address),
                    GG_I64(r.registration_matches ? 1 : 0), GG_I64(r.party_member ? 1 : 0),
                    GG_I64(r.volunteer ? 1 : 0), GG_TEXT(r.education), GG_TEXT(r.marital_status),
                    GG_TEXT(r.occupation), GG_TEXT(r.employer), GG_I64(gg_now_ms()), GG_I64(cur->id),
                    GG_I64(cur->version)),
            &changes, err) < 0) {
        if (err->http_status == 409)
            gg_error_set(err, 409, "conflict", "id_number",
                         "a resident with this ID number is already registered");
        return -1;
    }
    if (changes != 1)
        return gg_error_set(err, 409, "version_conflict", "version",
                            "the resident was changed concurrently; retry");
    gg_change_t ch;
    gg_change_init(&ch);
    gg_change_str(&ch, "name", cur->name, r.name);
    gg_change_str(&ch, "gender", cur->gender, r.gender);
    gg_change_str(&ch, "birth_date", cur->birth_date, r.birth_date);
    gg_change_str(&ch, "ethnicity", cur->ethnicity, r.ethnicity);
    gg_change_str(&ch, "nationality", cur->nationality, r.nationality);
    gg_change_str(&ch, "id_type", cur->id_type, r.id_type);
    gg_change_secret(&ch, "id_number", cur->id_number, r.id_number);
    gg_change_secret(&ch, "phone", cur->phone, r.phone);
    gg_change_str(&ch, "resident_type", cur->resident_type, r.resident_type);
    gg_change_str(&ch, "registered_address", cur->registered_address, r.registered_address);
    gg_change_str(&ch, "current_address", cur->current_address, r.current_address);
    gg_change_int(&ch, "household_registration_matches", 1, cur->registration_matches, 1,
                  r.registration_matches);
    gg_change_int(&ch, "party_member", 1, cur->party_member, 1, r.party_member);
    gg_change_int(&ch, "volunteer", 1, cur->volunteer, 1, r.volunteer);
    gg_change_str(&ch, "education", cur->education, r.education);
    gg_change_str(&ch, "marital_status", cur->marital_status, r.marital_status);
    gg_change_str(&ch, "occupation", cur->occupation, r.occupation);
    gg_change_str(&ch, "employer", cur->employer, r.employer);
    gg_change_int(&ch, "unit_id", 1, cur->unit_id, 1, p.unit_id);
    gg_change_int(&ch, "house_id", cur->house_id != 0, cur->house_id, p.house_id != 0, p.house_id);
    gg_audit_entry_t e = {.action = "resident.update",
                          .object_type = "resident",
                          .object_id = id_text(a, cur->id),
                          .unit_id = p.unit_id,
                          .detail_json = gg_change_done(&ch, a)};
    return gg_audit_append(c, actor, &e, err);
}

/* ---- departure (登记离开) and return ---- */

static const char *const departures[] = {"moved_away", "deceased", NULL};

static int departure_target(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, const gg_auth_t *auth,
                            int64_t id, int version, gg_resident_t *cur, gg_error_t *err)
{
    if (gg_resident_get(c, a, keys, auth, id, cur, err) < 0) return -1;
    if (writable_at_version(auth, cur, version, err) < 0) return -1;
    return 0;
}

static int departure_audit(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const char *action,
                           const gg_resident_t *cur, const char *reason, const char *on, const char *note,
                           gg_error_t *err)
{
    gg_change_t ch;
    gg_change_init(&ch);
    gg_change_str(&ch, "departure", cur->departure, reason);
    gg_change_str(&ch, "departed_on", cur->departed_on, on);
    if (note) gg_change_note(&ch, "note", note);
    if (cur->household_id) gg_change_note_int(&ch, "left_household_id", cur->household_id);
    gg_audit_entry_t e = {.action = action,
                          .object_type = "resident",
                          .object_id = id_text(a, cur->id),
                          .unit_id = cur->unit_id,
                          .detail_json = gg_change_done(&ch, a)};
    return gg_audit_append(c, actor, &e, err);
}

int gg_resident_depart(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, const gg_actor_t *actor,
                       const gg_auth_t *auth, int64_t id, const char *reason, const char *on,
                       const char *note, int version, gg_error_t *err)
{
    gg_resident_t cur;
    char today[11];
    if (departure_target(c, a, keys, auth, id, version, &cur, err) < 0) return -1;
    if (cur.departure)
        return gg_error_set(err, 409, "conflict", "status", "%s is already recorded as %s on %s", cur.name,
                            strcmp(cur.departure, "deceased") == 0 ? "deceased" : "moved away",
                            cur.departed_on ? cur.departed_on : "?");
    if (!reason || !*reason)
        return gg_err_invalid(err, "reason", "reason is required: moved_away or deceased");
    if (gg_choice_valid(reason, departures, "reason", err) < 0) return -1;
    if (!on || !*on) return gg_err_invalid(err, "on", "on (the date, YYYY-MM-DD) is required");
    if (gg_date_valid(on, "on", err) < 0) return -1;
    if (gg_text_field(a, &note, "note", 0, err) < 0) return -1;
    gg_today(today);
    if (strcmp(on, today) > 0) return gg_err_invalid(err, "on", "on (%s) is in the future", on);
    if (cur.birth_date && strcmp(on, cur.birth_date) < 0)
        return gg_err_invalid(err, "on", "on (%s) is before the birth date (%s)", on, cur.birth_date);
    /* out of the household first: its history gets the closing row, a head with members is refused */
    if (cur.household_id &&
        gg_household_move_out(c, a, actor, auth, cur.household_id, cur.id, 0,
                              strcmp(reason, "deceased") == 0 ? "deceased" : "moved away", err) < 0)
        return -1;
    int64_t changes;
    if (gg_db_exec(
            c,
            "UPDATE resident SET departure = $1, departed_on = $2, departure_note = $3, house_id = NULL, "
            "updated_at = $4, version = version + 1 WHERE id = $5 AND departure IS NULL",
            GG_ARGS(GG_TEXT(reason), GG_TEXT(on), GG_TEXT(note && *note ? note : NULL), GG_I64(gg_now_ms()),
                    GG_I64(cur.id)),
            &changes, err) < 0)
        return -1;
    if (changes != 1)
        return gg_error_set(err, 409, "version_conflict", "version",
                            "the resident was changed concurrently; retry");
    return departure_audit(c, a, actor, "resident.depart", &cur, reason, on, note && *note ? note : NULL,
                           err);
}

int gg_resident_return(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, const gg_actor_t *actor,
                       const gg_auth_t *auth, int64_t id, int version, gg_error_t *err)
{
    gg_resident_t cur;
    if (departure_target(c, a, keys, auth, id, version, &cur, err) < 0) return -1;
    if (!cur.departure)
        return gg_error_set(err, 409, "conflict", "status", "%s is not recorded as departed", cur.name);
    int64_t changes;
    if (gg_db_exec(c,
                   "UPDATE resident SET departure = NULL, departed_on = NULL, departure_note = NULL, "
                   "updated_at = $1, version = version + 1 WHERE id = $2 AND departure IS NOT NULL",
                   GG_ARGS(GG_I64(gg_now_ms()), GG_I64(cur.id)), &changes, err) < 0)
        return -1;
    if (changes != 1)
        return gg_error_set(err, 409, "version_conflict", "version",
                            "the resident was changed concurrently; retry");
    return departure_audit(c, a, actor, "resident.return", &cur, NULL, NULL, NULL, err);
}

int gg_resident_audit_reveal(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                             const gg_resident_t *r, const char *const *fields, int nfields, gg_error_t *err)
{
    if (!gg_auth_can(auth, GG_P_PII_READ, r->unit_path))
        return gg_err_forbidden(err, "you may not see unmasked personal data of this resident");
    return gg_audit_pii_read(c, a, actor, "resident", r->id, r->unit_id, fields, nfields, err);
}
