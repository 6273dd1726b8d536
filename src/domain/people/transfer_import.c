/* transfer_import.c — bulk import of residents and houses, each row in a savepoint (see transfer.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "domain/identity/audit.h"
#include "domain/people/household.h"
#include "domain/people/tag.h"
#include "domain/people/transfer.h"
#include "domain/people/transfer_internal.h"
#include "domain/tree/unit.h"
#include "domain/validate.h"
#include "json/jw.h"

#define MAXCOLS 32

typedef struct brow {
    long row;
    char **cells;    /* by template column; NULL = absent or empty */
    gg_error_t *pre; /* a cell refused before the row ran (control characters), or NULL */
} brow_t;

/* Keys of rows already imported (an ID number, a house's building/entrance/room) → their row, so the
 * second occurrence in one file is reported instead of silently updating the first. */
typedef struct seen {
    char **keys;
    long *rows;
    size_t cap, n;
} seen_t;

typedef struct imp {
    gg_arena_t *a; /* lives for the whole import */
    const gg_keys_t *keys;
    const gg_auth_t *auth;
    const gg_import_opts_t *o;
    gg_actor_t actor;
    const gg_xfer_col_t *cols;
    int ncols;
    int map[MAXCOLS];          /* file column of each template column, -1 when absent */
    const char *head[MAXCOLS]; /* the header as the file spells it */
    gg_unit_t unit;            /* the target unit (residents; houses by 楼栋 column) */
    gg_building_t building;    /* houses: the target building, when given */
    gg_tag_t *tags;
    int ntags;
    seen_t seen;
    brow_t batch[GG_IMPORT_BATCH];
    int nbatch;
    gg_arena_t *batch_arena;
    /* results of the current batch attempt, merged after its commit (a retried batch starts over) */
    long b_imported, b_updated;
    gg_import_error_t b_err[GG_IMPORT_BATCH];
    int b_nerr;
    gg_import_result_t *res;
} imp_t;

/* ---- small helpers ---- */

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* 0 when absent; otherwise the row that holds the key. */
static long seen_get(const seen_t *s, const char *key)
{
    if (!s->cap) return 0;
    for (size_t i = hash(key) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
        if (!s->keys[i]) return 0;
        if (strcmp(s->keys[i], key) == 0) return s->rows[i];
    }
}

static void seen_put(seen_t *s, gg_arena_t *a, const char *key, long row)
{
    if (seen_get(s, key)) return;
    if ((s->n + 1) * 2 > s->cap) {
        seen_t bigger = {.cap = s->cap ? s->cap * 2 : 1024};
        bigger.keys = gg_xcalloc(bigger.cap, sizeof(char *));
        bigger.rows = gg_xcalloc(bigger.cap, sizeof(long));
        for (size_t i = 0; i < s->cap; i++)
            if (s->keys[i]) seen_put(&bigger, a, s->keys[i], s->rows[i]);
        free(s->keys);
        free(s->rows);
        *s = bigger;
    }
    size_t i = hash(key) & (s->cap - 1);
    while (s->keys[i])
        i = (i + 1) & (s->cap - 1);
    s->keys[i] = (char *)key; /* keys are arena copies made by the caller */
    s->rows[i] = row;
    s->n++;
    (void)a;
}

static int col_of(const imp_t *im, const char *field)
{
    for (int i = 0; i < im->ncols; i++)
        if (strcmp(im->cols[i].field, field) == 0) return i;
    return -1;
}

static const char *cell(const brow_t *r, const imp_t *im, const char *field)
{
    int i = col_of(im, field);
    return i >= 0 ? r->cells[i] : NULL;
}

/* Cell text within a length, in characters (the API's per-field limits). */
static int cell_len(const brow_t *r, const imp_t *im, const char *field, size_t max, const char **out,
                    gg_error_t *err)
{
    *out = cell(r, im, field);
    if (*out && gg_utf8_len(*out) > max)
        return gg_err_invalid(err, field, "%s is too long (at most %zu characters)", field, max);
    return 0;
}

static int yes_no(const char *v, const char *field, int *out, gg_error_t *err)
{
    if (gg_xfer_in_list("是|y|yes|true|1|√|✓", v)) {
        *out = 1;
        return 0;
    }
    if (gg_xfer_in_list("否|n|no|false|0|×|✗", v)) {
        *out = 0;
        return 0;
    }
    return gg_err_invalid(err, field, "%s must be 是 or 否 (yes or no)", field);
}

/* Days since 1970-01-01 → YYYY-MM-DD (H. Hinnant's civil_from_days). */
static void civil(long z, char *out)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
    /* callers pass serials of years 1900–9999, so every part fits its width */
    snprintf(out, 16, "%04u-%02u-%02u", (unsigned)((y + (m <= 2)) % 10000), (unsigned)m % 13u,
             (unsigned)d % 32u);
}

/* The spellings of a date people and spreadsheets produce → YYYY-MM-DD; other text unchanged (the
 * validation that follows names the expected form). */
static const char *norm_date(gg_arena_t *a, const char *s)
{
    int y, m, d, used = 0;
    size_t n = strlen(s);
    char sep[2][4];
    if (n == 8 && strspn(s, "0123456789") == 8) return gg_sprintf(a, "%.4s-%.2s-%.2s", s, s + 4, s + 6);
    if (n >= 1 && n <= 6 && strspn(s, "0123456789") == n) { /* an Excel serial day (1900 date system) */
        long serial = strtol(s, NULL, 10);
        if (serial >= 61 && serial <= 2958465) {
            char *out = gg_alloc(a, 16);
            civil(serial - 25569, out);
            return out;
        }
        return s;
    }
    if (sscanf(s, "%4d%3[-/.年]%2d%3[-/.月]%2d%n", &y, sep[0], &m, sep[1], &d, &used) == 5 &&
        (s[used] == 0 || strcmp(s + used, "日") == 0 || strncmp(s + used, " 00:00", 6) == 0 ||
         strncmp(s + used, "T00:00", 6) == 0))
        return gg_sprintf(a, "%04d-%02d-%02d", y, m, d);
    return s;
}

/* The field a domain error names → the template column it came from. */
static const char *column_field(const char *field)
{
    if (strncmp(field, "tags[", 5) == 0) return "tags";
    if (strcmp(field, "house_id") == 0) return "house_code";
    if (strcmp(field, "household_id") == 0 || strcmp(field, "resident_id") == 0 || strcmp(field, "kind") == 0)
        return "relation";
    if (strcmp(field, "code") == 0) return "building";
    return field;
}

/* ---- residents ---- */

typedef struct rowctx {
    imp_t *im;
    const brow_t *r;
    int updated;
    const char *key; /* the row's duplicate key, registered once it committed */
} rowctx_t;

/* The tag codes of a cell: names or codes, separated by 、，,;； or spaces. */
static int parse_tags(imp_t *im, gg_arena_t *a, const char *text, const char ***out, int *n, gg_error_t *err)
{
    char *s = gg_strdup(a, text);
    const char **codes = gg_alloc(a, sizeof(char *) * 32);
    *n = 0;
    /* turn the multi-byte separators into commas, then split on ASCII ones */
    static const char *const wide[] = {"、", "，", "；", "\xe3\x80\x80"};
    for (size_t w = 0; w < sizeof wide / sizeof wide[0]; w++)
        for (char *p; (p = strstr(s, wide[w]));) {
            size_t l = strlen(wide[w]);
            *p = ',';
            memmove(p + 1, p + l, strlen(p + l) + 1);
        }
    char *save = NULL;
    for (char *tok = strtok_r(s, ",; ", &save); tok; tok = strtok_r(NULL, ",; ", &save)) {
        const char *code = NULL;
        int derived = 0;
        for (int i = 0; i < im->ntags && !code; i++)
            if (strcmp(im->tags[i].code, tok) == 0 || strcmp(im->tags[i].name, tok) == 0 ||
                (im->tags[i].name_en && strcasecmp(im->tags[i].name_en, tok) == 0)) {
                code = im->tags[i].code;
                derived = gg_tag_is_derived(&im->tags[i]);
            }
        if (!code)
            return gg_err_invalid(err, "tags", "there is no tag \"%.40s\" (see the tag dictionary)", tok);
        if (derived) continue; /* 未成年人 in an old sheet: the birth date says it already */
        if (*n == 32) return gg_err_invalid(err, "tags", "at most 32 tags per resident");
        codes[(*n)++] = code;
    }
    *out = codes;
    return 0;
}

/* A house by its code, readable by the caller and inside the import's unit. */
static int house_by_code(gg_db_conn_t *c, gg_arena_t *a, imp_t *im, const char *code, gg_house_t *h,
                         gg_error_t *err)
{
    int64_t id;
    int found;
    if (gg_db_query_i64(c, "SELECT id FROM house WHERE house_code = $1 AND retired_at IS NULL",
                        GG_ARGS(GG_TEXT(code)), &id, &found, err) < 0)
        return -1;
    gg_error_t e2;
    if (!found || gg_house_get(c, a, im->auth, GG_P_RESIDENT_READ, id, h, &e2) < 0 ||
        !gg_path_within(h->unit_path, im->unit.path))
        return gg_err_invalid(err, "house_code", "there is no house %.64s in %s", code, im->unit.name);
    return 0;
}

/* Put a resident (just created or updated) into the household of house h with the relation. */
static int join_household(gg_db_conn_t *c, gg_arena_t *a, imp_t *im, int64_t resident_id,
                          int64_t current_household, const gg_house_t *h, const char *relation,
                          gg_error_t *err)
{
    gg_household_filter_t f = {.house_id = h->id};
    gg_page_t page = {.limit = 3};
    gg_household_t *rows;
    int n;
    if (gg_household_list(c, a, im->auth, &f, &page, &rows, &n, err) < 0) return -1;
    if (n > 1)
        return gg_err_invalid(err, "relation",
                              "house %s has several households; add this member on the household page",
                              h->house_code);
    if (n == 1 && current_household == rows[0].id) return 0; /* already a member: nothing to do */
    if (strcmp(relation, "head") == 0) {
        if (n == 1 && rows[0].head_resident_id)
            return gg_err_invalid(err, "relation", "house %s already has a household with a head (%s)",
                                  h->house_code, rows[0].head_name ? rows[0].head_name : "?");
        if (n == 1)
            return gg_household_add_member(c, a, &im->actor, im->auth, rows[0].id, resident_id, "head", 0,
                                           "import", err);
        int64_t hid;
        return gg_household_create(c, a, &im->actor, im->auth, h->id, "family", resident_id, &hid, err);
    }
    if (n == 0)
        return gg_err_invalid(err, "relation",
                              "house %s has no household yet: list the head (户主) before the other members",
                              h->house_code);
    return gg_household_add_member(c, a, &im->actor, im->auth, rows[0].id, resident_id, relation, 0, "import",
                                   err);
}

/* Read the row's cells into a resident: only non-empty cells change r. */
static int take_resident(imp_t *im, gg_arena_t *a, const brow_t *row, gg_resident_t *r, gg_error_t *err)
{
    static const struct {
        const char *field;
        size_t max;
        size_t off;
    } texts[] = {
        {"name", 50, offsetof(gg_resident_t, name)},
        {"id_number", 32, offsetof(gg_resident_t, id_number)},
        {"phone", 20, offsetof(gg_resident_t, phone)},
        {"ethnicity", 16, offsetof(gg_resident_t, ethnicity)},
        {"nationality", 3, offsetof(gg_resident_t, nationality)},
        {"registered_address", 200, offsetof(gg_resident_t, registered_address)},
        {"current_address", 200, offsetof(gg_resident_t, current_address)},
        {"occupation", 50, offsetof(gg_resident_t, occupation)},
        {"employer", 100, offsetof(gg_resident_t, employer)},
    };
    const char *v;
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        if (cell_len(row, im, texts[i].field, texts[i].max, &v, err) < 0) return -1;
        if (v) *(const char **)((char *)r + texts[i].off) = v;
    }
    if ((v = cell(row, im, "nationality"))) {
        char *up = gg_strdup(a, v);
        for (char *p = up; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        r->nationality = up;
    }
    if ((v = cell(row, im, "gender"))) r->gender = gg_xfer_code(gg_xfer_genders, v);
    if ((v = cell(row, im, "birth_date"))) r->birth_date = norm_date(a, v);
    if ((v = cell(row, im, "id_type"))) r->id_type = gg_xfer_code(gg_xfer_id_types, v);
    if ((v = cell(row, im, "resident_type"))) {
        r->resident_type = gg_xfer_code(gg_xfer_resident_types, v);
        r->has_registration_matches = 0; /* a new type brings its default, unless the column says */
    }
    if ((v = cell(row, im, "education"))) r->education = gg_xfer_code(gg_xfer_educations, v);
    if ((v = cell(row, im, "marital_status"))) r->marital_status = gg_xfer_code(gg_xfer_maritals, v);
    if ((v = cell(row, im, "household_registration_matches"))) {
        if (yes_no(v, "household_registration_matches", &r->registration_matches, err) < 0) return -1;
        r->has_registration_matches = 1;
    }
    if ((v = cell(row, im, "party_member")) && yes_no(v, "party_member", &r->party_member, err) < 0)
        return -1;
    if ((v = cell(row, im, "volunteer")) && yes_no(v, "volunteer", &r->volunteer, err) < 0) return -1;
    return 0;
}

static int resident_row(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    rowctx_t *x = ctx;
    imp_t *im = x->im;
    const brow_t *row = x->r;
    gg_arena_t *a = im->batch_arena;
    const char *v, *relation = NULL;
    const char **tags = NULL;
    int ntags = 0;
    gg_house_t house;
    int has_house = 0;
    x->updated = 0;
    x->key = NULL;
    if (row->pre) {
        *err = *row->pre;
        return -1;
    }
    if (!cell(row, im, "name")) return gg_err_invalid(err, "name", "name (姓名) is required");
    if ((v = cell(row, im, "tags")) && parse_tags(im, a, v, &tags, &ntags, err) < 0) return -1;
    if ((v = cell(row, im, "house_code"))) {
        if (house_by_code(c, a, im, v, &house, err) < 0) return -1;
        has_house = 1;
    }
    if ((v = cell(row, im, "relation"))) {
        relation = gg_xfer_code(gg_xfer_relations, v);
        if (gg_relation_valid(relation, "relation", err) < 0) return -1;
        if (!has_house)
            return gg_err_invalid(err, "relation",
                                  "a relation to the household head needs the house (房屋编码)");
    }
    /* the same person twice in one file is a mistake in the file, not an update */
    const char *idn = cell(row, im, "id_number");
    if (idn) {
        x->key = gg_sprintf(im->a, "id:%s", gg_pii_blind_index(im->keys, a, idn));
        long first = seen_get(&im->seen, x->key);
        if (first && first != row->row)
            return gg_err_invalid(err, "id_number", "the same ID number is already in row %ld of this file",
                                  first);
    }
    /* a resident already registered in scope is updated with the row's cells */
    gg_resident_t found = {0};
    if (idn) {
        gg_resident_filter_t f = {.id_number = idn, .separated = -1};
        gg_page_t page = {.limit = 1};
        gg_resident_t *rows;
        int n;
        if (gg_resident_list(c, a, im->keys, im->auth, &f, &page, &rows, &n, NULL, err) < 0) return -1;
        if (n == 1 && gg_resident_get(c, a, im->keys, im->auth, rows[0].id, &found, err) < 0) return -1;
    }
    int64_t id;
    if (found.id) {
        gg_resident_t next = found;
        /* an ID number brings its birth date and gender unless the row gives them (and they must agree) */
        if (!cell(row, im, "birth_date")) next.birth_date = NULL;
        if (!cell(row, im, "gender")) next.gender = NULL;
        if (take_resident(im, a, row, &next, err) < 0) return -1;
        if (has_house && house.id != found.house_id && !found.household_id) next.house_id = house.id;
        if (gg_resident_update(c, a, im->keys, &im->actor, im->auth, &found, &next, found.version, err) < 0)
            return -1;
        id = found.id;
        for (int i = 0; i < ntags; i++)
            if (gg_resident_tag_set(c, a, &im->actor, im->auth, id, found.unit_id, found.unit_path, tags[i],
                                    1, "tags", err) < 0)
                return -1;
        x->updated = 1;
    } else {
        gg_resident_new_t in = {.tags = tags, .ntags = ntags};
        if (take_resident(im, a, row, &in.r, err) < 0) return -1;
        in.r.unit_id = has_house ? 0 : im->unit.id;
        in.r.house_id = has_house ? house.id : 0;
        if (gg_resident_create(c, a, im->keys, &im->actor, im->auth, &in, &id, err) < 0) return -1;
    }
    if (relation && join_household(c, a, im, id, found.household_id, &house, relation, err) < 0) return -1;
    return 0;
}

/* ---- houses ---- */

/* The building of a row: the import's building, or the 楼栋 cell as a code or name under the target unit. */
static int row_building(gg_db_conn_t *c, gg_arena_t *a, imp_t *im, const brow_t *row, gg_building_t *b,
                        gg_error_t *err)
{
    if (im->building.id) {
        *b = im->building;
        return 0;
    }
    const char *v = cell(row, im, "building");
    if (!v) return gg_err_invalid(err, "building", "the building (楼栋) is required");
    size_t n = strlen(im->unit.path);
    char *hi = gg_strdup(a, im->unit.path);
    hi[n - 1] = '0';
    gg_db_res_t *r;
    int64_t ids[2];
    int k = 0, step;
    /* a code first (unique in its grid), then a name */
    for (int by_name = 0; by_name < 2 && k == 0; by_name++) {
        if (gg_db_query(c,
                        by_name ? "SELECT id FROM building WHERE unit_path >= $1 AND unit_path < $2 AND "
                                  "retired_at IS NULL AND name = $3 ORDER BY id LIMIT 2"
                                : "SELECT id FROM building WHERE unit_path >= $1 AND unit_path < $2 AND "
                                  "retired_at IS NULL AND code = $3 ORDER BY id LIMIT 2",
                        GG_ARGS(GG_TEXT(im->unit.path), GG_TEXT(hi), GG_TEXT(v)), &r, err) < 0)
            return -1;
        while ((step = gg_db_next(r, err)) == 1)
            ids[k++] = gg_db_i64(r, 0);
        gg_db_res_free(r);
        if (step < 0) return -1;
    }
    if (k == 0)
        return gg_err_invalid(err, "building", "there is no building \"%.60s\" in %s", v, im->unit.name);
    if (k > 1)
        return gg_err_invalid(err, "building", "several buildings in %s are called \"%.60s\"; use the code",
                              im->unit.name, v);
    if (gg_building_get(c, a, im->auth, ids[0], b, err) < 0) {
        snprintf(err->field, sizeof err->field, "building");
        return -1;
    }
    return 0;
}

static int house_row(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    rowctx_t *x = ctx;
    imp_t *im = x->im;
    const brow_t *row = x->r;
    gg_arena_t *a = im->batch_arena;
    gg_building_t b;
    gg_house_t h = {0};
    const char *v;
    char *end;
    x->updated = 0;
    x->key = NULL;
    if (row->pre) {
        *err = *row->pre;
        return -1;
    }
    if (row_building(c, a, im, row, &b, err) < 0) return -1;
    if (cell_len(row, im, "room", 16, &h.room, err) < 0 ||
        cell_len(row, im, "entrance", 16, &h.entrance, err) < 0)
        return -1;
    if (!h.room) return gg_err_invalid(err, "room", "the room (房号) is required");
    x->key = gg_sprintf(im->a, "h:%lld\x1f%s\x1f%s", (long long)b.id, h.entrance ? h.entrance : "", h.room);
    long first = seen_get(&im->seen, x->key);
    if (first && first != row->row)
        return gg_err_invalid(err, "room", "the same house is already in row %ld of this file", first);
    int has_use = 0, has_floor = 0, has_area = 0;
    int64_t floor = 0;
    double area = 0;
    const char *use = NULL;
    if ((v = cell(row, im, "use_type"))) use = gg_xfer_code(gg_xfer_house_uses, v), has_use = 1;
    if ((v = cell(row, im, "floor"))) {
        floor = strtoll(v, &end, 10);
        if (*end || end == v) return gg_err_invalid(err, "floor", "floor must be a whole number");
        has_floor = 1;
    }
    if ((v = cell(row, im, "area_m2"))) {
        area = strtod(v, &end);
        if (*end || end == v)
            return gg_err_invalid(err, "area_m2", "area_m2 must be a number of square metres");
        has_area = 1;
    }
    /* a live house at the same entrance and room is updated: re-importing a sheet converges */
    int64_t id;
    int found;
    if (gg_db_query_i64(c,
                        "SELECT id FROM house WHERE building_id = $1 AND retired_at IS NULL AND "
                        "COALESCE(entrance, '') = $2 AND room = $3",
                        GG_ARGS(GG_I64(b.id), GG_TEXT(h.entrance ? h.entrance : ""), GG_TEXT(h.room)), &id,
                        &found, err) < 0)
        return -1;
    if (found) {
        gg_house_t cur;
        if (gg_house_get(c, a, im->auth, GG_P_PLACE_READ, id, &cur, err) < 0) return -1;
        gg_house_t next = cur;
        if (has_use) next.use_type = use;
        if (has_floor) next.has_floor = 1, next.floor = floor;
        if (has_area) next.has_area = 1, next.area_m2 = area;
        x->updated = 1;
        return gg_house_update(c, a, &im->actor, im->auth, &cur, &next, cur.version, err);
    }
    h.building_id = b.id;
    h.use_type = use;
    h.has_floor = has_floor, h.floor = floor;
    h.has_area = has_area, h.area_m2 = area;
    return gg_house_create(c, a, &im->actor, im->auth, &h, &id, err);
}

/* ---- batches ---- */

static int batch_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    imp_t *im = ctx;
    im->b_imported = im->b_updated = 0;
    im->b_nerr = 0;
    for (int i = 0; i < im->nbatch; i++) {
        rowctx_t x = {.im = im, .r = &im->batch[i]};
        gg_error_t rerr;
        gg_error_clear(&rerr);
        int rc = gg_db_tx(c, im->o->kind == GG_XFER_HOUSES ? house_row : resident_row, &x, &rerr);
        if (rc < 0) {
            /* the database failing is not the row's fault: stop, and let gg_db_tx retry or report it */
            if (rerr.http_status >= 500 || rerr.http_status == 0) {
                *err = rerr;
                return -1;
            }
            const char *field = column_field(rerr.field);
            int col = field[0] ? col_of(im, field) : -1;
            im->b_err[im->b_nerr++] = (gg_import_error_t){
                .row = im->batch[i].row,
                .field = gg_strdup(im->a, field),
                .column = col >= 0 && im->map[col] >= 0 ? im->head[col] : "",
                .message = gg_strdup(im->a, rerr.message),
                .reason = rerr.reason,
                .has_min = rerr.has_min,
                .has_max = rerr.has_max,
                .min = rerr.min,
                .max = rerr.max,
            };
            continue;
        }
        if (x.updated)
            im->b_updated++;
        else
            im->b_imported++;
        if (x.key) seen_put(&im->seen, im->a, x.key, im->batch[i].row);
    }
    /* a dry run rolls the whole batch back; the marker tells run_batch it was no failure */
    if (im->o->dry_run) return gg_error_set(err, 200, "dry_run", NULL, "dry run");
    return 0;
}

static int run_batch(gg_db_conn_t *c, imp_t *im, gg_error_t *err)
{
    if (!im->nbatch) return 0;
    int rc = gg_db_tx(c, batch_tx, im, err);
    if (rc < 0 && strcmp(err->code, "dry_run") != 0) return -1;
    gg_import_result_t *res = im->res;
    res->imported += im->b_imported;
    res->updated += im->b_updated;
    res->failed += im->b_nerr;
    for (int i = 0; i < im->b_nerr && res->nerrors < GG_IMPORT_MAX_ERRORS; i++)
        res->errors[res->nerrors++] = im->b_err[i];
    im->nbatch = 0;
    gg_arena_reset(im->batch_arena);
    return 0;
}

/* ---- the header and the target ---- */

static int read_header(imp_t *im, char **fields, int n, gg_error_t *err)
{
    for (int i = 0; i < MAXCOLS; i++)
        im->map[i] = -1;
    for (int f = 0; f < n; f++) {
        char *h = gg_strdup(im->a, fields[f]);
        if (gg_text_field(im->a, (const char **)&h, "file", 0, err) < 0) return -1;
        if (!h) continue; /* an empty header: a column nobody uses */
        size_t len = strlen(h);
        while (len && (h[len - 1] == '*' || h[len - 1] == ' ')) /* "姓名*": the template's required mark */
            h[--len] = 0;
        int match = -1;
        for (int i = 0; i < im->ncols && match < 0; i++)
            if (strcasecmp(h, im->cols[i].field) == 0 || strcmp(h, im->cols[i].zh) == 0 ||
                gg_xfer_in_list(im->cols[i].aliases, h))
                match = i;
        if (match < 0)
            return gg_err_invalid(err, "file", "column %d (\"%.60s\") is not a column of the %s template",
                                  f + 1, fields[f], im->o->kind == GG_XFER_HOUSES ? "houses" : "residents");
        if (im->map[match] >= 0)
            return gg_err_invalid(err, "file", "the column %s appears twice (columns %d and %d)",
                                  im->cols[match].zh, im->map[match] + 1, f + 1);
        if (!im->cols[match].import) continue; /* export-only columns are read past */
        im->map[match] = f;
        im->head[match] = gg_strdup(im->a, fields[f]);
    }
    for (int i = 0; i < im->ncols; i++) {
        if (!im->cols[i].required || im->map[i] >= 0) continue;
        if (strcmp(im->cols[i].field, "building") == 0 && im->building.id) continue;
        return gg_err_invalid(err, "file", "the header row has no column %s (%s)", im->cols[i].zh,
                              im->cols[i].field);
    }
    return 0;
}

static int load_target(gg_db_conn_t *c, imp_t *im, gg_error_t *err)
{
    const gg_import_opts_t *o = im->o;
    if (o->kind == GG_XFER_HOUSES && o->building_id) {
        if (gg_building_get(c, im->a, im->auth, o->building_id, &im->building, err) < 0) {
            snprintf(err->field, sizeof err->field, "building_id");
            return -1;
        }
        if (im->building.retired_at)
            return gg_err_invalid(err, "building_id", "building %s is retired", im->building.name);
        if (!gg_auth_can(im->auth, GG_P_PLACE_WRITE, im->building.unit_path))
            return gg_err_forbidden(err, "you may not add houses to building %s", im->building.name);
        return gg_unit_get_scoped(c, im->a, im->auth, GG_P_PLACE_READ, im->building.grid_id, &im->unit, err);
    }
    const char *field = "unit_id";
    if (!o->unit_id)
        return gg_err_invalid(err, field,
                              o->kind == GG_XFER_HOUSES ? "say where: building_id or unit_id"
                                                        : "say where: unit_id of a community or grid");
    uint64_t read = o->kind == GG_XFER_HOUSES ? GG_P_PLACE_READ : GG_P_RESIDENT_READ;
    uint64_t write = o->kind == GG_XFER_HOUSES ? GG_P_PLACE_WRITE : GG_P_RESIDENT_WRITE;
    if (gg_unit_get_scoped(c, im->a, im->auth, read, o->unit_id, &im->unit, err) < 0) {
        snprintf(err->field, sizeof err->field, "%s", field);
        return -1;
    }
    if (im->unit.retired_at) return gg_err_invalid(err, field, "unit %s is retired", im->unit.name);
    if (!gg_auth_can(im->auth, write, im->unit.path))
        return gg_err_forbidden(err, "you may not import %s into %s",
                                o->kind == GG_XFER_HOUSES ? "houses" : "residents", im->unit.name);
    if (o->kind == GG_XFER_RESIDENTS && strcmp(im->unit.level, "community") &&
        strcmp(im->unit.level, "grid") && strcmp(im->unit.level, "micro_grid"))
        return gg_err_invalid(err, field,
                              "residents belong to a community, grid or micro-grid, and %s is a %s",
                              im->unit.name, im->unit.level);
    return 0;
}

static int audit_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    imp_t *im = ctx;
    const gg_import_result_t *res = im->res;
    gg_buf_t b = {0};
    gg_jw_t w;
    gg_jw_init(&w, &b);
    gg_jw_obj(&w);
    gg_jw_kstr(&w, "format", im->o->format ? im->o->format : "csv");
    gg_jw_kint(&w, "read", res->read);
    gg_jw_kint(&w, "imported", res->imported);
    gg_jw_kint(&w, "updated", res->updated);
    gg_jw_kint(&w, "failed", res->failed);
    if (im->building.id) gg_jw_kint(&w, "building_id", im->building.id);
    gg_jw_obj_end(&w);
    gg_audit_entry_t e = {.action = im->o->kind == GG_XFER_HOUSES ? "import.houses" : "import.residents",
                          .object_type = "unit",
                          .object_id = gg_sprintf(im->a, "%lld", (long long)im->unit.id),
                          .unit_id = im->unit.id,
                          .detail_json = gg_strdup(im->a, b.data)};
    gg_buf_free(&b);
    return gg_audit_append(c, &im->actor, &e, err);
}

int gg_import_run(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, const gg_auth_t *auth, gg_table_t *t,
                  const gg_import_opts_t *o, gg_import_result_t *res, gg_error_t *err)
{
    imp_t *im = gg_xcalloc(1, sizeof *im);
    int rc = -1, step, n;
    char **fields;
    memset(res, 0, sizeof *res);
    res->errors = gg_alloc(a, sizeof(gg_import_error_t) * GG_IMPORT_MAX_ERRORS);
    im->a = a;
    im->keys = keys;
    im->auth = auth;
    im->o = o;
    im->res = res;
    im->actor = gg_actor_of(auth);
    im->cols = gg_xfer_columns(o->kind, &im->ncols);
    im->batch_arena = gg_arena_new(64 * 1024);
    if (load_target(c, im, err) < 0) goto out;
    if (o->kind == GG_XFER_RESIDENTS && gg_tag_list(c, a, 0, &im->tags, &im->ntags, err) < 0) goto out;
    if ((step = gg_table_next(t, &fields, &n, err)) < 0) goto out;
    if (step == 0) {
        gg_err_invalid(err, "file", "the file is empty: it needs a header row and data rows");
        goto out;
    }
    if (read_header(im, fields, n, err) < 0) goto out;
    while ((step = gg_table_next(t, &fields, &n, err)) == 1) {
        int any = 0;
        for (int f = 0; f < n && !any; f++)
            any = fields[f][0] != 0;
        if (!any) continue; /* blank lines between blocks of data */
        if (++res->read > GG_IMPORT_MAX_ROWS) {
            gg_err_invalid(err, "file", "the file has more than %d rows; split it", GG_IMPORT_MAX_ROWS);
            goto out;
        }
        brow_t *br = &im->batch[im->nbatch++];
        br->row = gg_table_row(t);
        br->pre = NULL;
        br->cells = gg_zalloc(im->batch_arena, sizeof(char *) * (size_t)im->ncols);
        for (int i = 0; i < im->ncols; i++) {
            int f = im->map[i];
            if (f < 0 || f >= n) continue;
            const char *v = fields[f];
            gg_error_t cerr;
            if (gg_text_field(im->batch_arena, &v, im->cols[i].field, 0, &cerr) < 0) {
                /* a control character in a cell: the row fails, the import goes on */
                if (!br->pre) {
                    br->pre = gg_alloc(im->batch_arena, sizeof cerr);
                    *br->pre = cerr;
                }
                v = NULL;
            }
            br->cells[i] = v ? gg_strdup(im->batch_arena, v) : NULL;
        }
        if (im->nbatch == GG_IMPORT_BATCH && run_batch(c, im, err) < 0) goto out;
    }
    if (step < 0 || run_batch(c, im, err) < 0) goto out;
    if (!o->dry_run && gg_db_tx(c, audit_tx, im, err) < 0) goto out;
    rc = 0;
out:
    gg_arena_free(im->batch_arena);
    free(im->seen.keys);
    free(im->seen.rows);
    free(im);
    return rc;
}
