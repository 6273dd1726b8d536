/* command.c — /api/v1/command/… (the command centre's summary and map markers) and /api/v1/hotspots… (高发点,
 * 重复诉求, rising grids): reads over a unit the caller holds dashboard.read on (404 otherwise). */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/write.h"
#include "core/clock.h"
#include "domain/command/command.h"
#include "domain/command/hotspot.h"
#include "domain/tree/unit.h"

typedef struct cstate {
    int64_t unit_id, zoom, days, radius, min_cases;
    gg_bbox_t bbox;
} cstate_t;

static int bad(gg_req_t *req, const char *field, const char *msg)
{
    gg_error_t err;
    gg_err_invalid(&err, field, "%s", msg);
    gg_api_error(req, &err);
    return -1;
}

static int parse_unit(gg_write_t *w)
{
    cstate_t *s = w->state;
    if (gg_api_query_int(w->req, "unit_id", 1, INT64_MAX, 0, &s->unit_id) < 0) return -1;
    if (!s->unit_id) {
        gg_error_t err;
        gg_err_invalid(&err, "unit_id", "unit_id is required");
        gg_error_reason(&err, "required");
        gg_api_error(w->req, &err);
        return -1;
    }
    return 0;
}

static int unit_of(gg_write_t *w, gg_unit_t *u, gg_error_t *err)
{
    const cstate_t *s = w->state;
    return gg_unit_get_scoped(w->op.c, w->op.arena, w->op.auth, GG_P_DASHBOARD_READ, s->unit_id, u, err);
}

static void write_centroid(gg_jw_t *w, int has, double lat, double lon)
{
    gg_jw_key(w, "centroid");
    if (!has) {
        gg_jw_null(w);
        return;
    }
    gg_jw_obj(w);
    gg_jw_knum(w, "lat", lat);
    gg_jw_knum(w, "lng", lon);
    gg_jw_obj_end(w);
}

static void write_unit_ref(gg_jw_t *w, const gg_unit_t *u)
{
    gg_jw_obj(w);
    gg_jw_kint(w, "id", u->id);
    gg_jw_kstr(w, "name", u->name);
    gg_jw_kstr(w, "level", u->level);
    gg_jw_kstr(w, "code", u->code);
    gg_jw_kstr(w, "path", u->path); /* the stream's case events carry unit_path: in this area or not */
    write_centroid(w, u->has_centroid, u->lat, u->lon);
    gg_jw_obj_end(w);
}

static void write_rate(gg_jw_t *w, const char *key, int64_t num, int64_t den)
{
    gg_jw_key(w, key);
    gg_jw_obj(w);
    gg_jw_kbool(w, "has_value", den > 0);
    if (den > 0)
        gg_jw_knum(w, "value", floor((double)num * 1000.0 / (double)den + 0.5) / 10.0);
    else
        gg_jw_knull(w, "value");
    gg_jw_kint(w, "numerator", num);
    gg_jw_kint(w, "denominator", den);
    gg_jw_obj_end(w);
}

/* ---- GET /command/summary?unit_id= ---- */

/* The unit's part of a summary (counters, children, top lists, geometry: the same for every caller) as JSON
 * text, kept per unit until a case event commits on this node (gg_command_generation) or SUMMARY_TTL_MS
 * pass (other nodes' writes, the new day): wall screens and desk pages of one county read it once. */
#define SUMMARY_TTL_MS 1000
#define SUMMARY_SLOTS 64

typedef struct slot {
    int64_t unit_id, at_ms;
    uint64_t gen;
    char *json; /* the ancestors as lines "path\tjson\n", a NUL, then the unit's part */
    size_t len;
} slot_t;

static slot_t slots[SUMMARY_SLOTS];
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;

static char *cached(int64_t unit, uint64_t gen, int64_t now, gg_arena_t *a, size_t *len)
{
    char *out = NULL;
    pthread_mutex_lock(&slots_lock);
    slot_t *s = &slots[(uint64_t)unit % SUMMARY_SLOTS];
    if (s->json && s->unit_id == unit && s->gen == gen && now - s->at_ms < SUMMARY_TTL_MS &&
        now >= s->at_ms) {
        out = gg_alloc(a, s->len + 1);
        memcpy(out, s->json, s->len);
        out[s->len] = 0;
        *len = s->len;
    }
    pthread_mutex_unlock(&slots_lock);
    return out;
}

static void keep(int64_t unit, uint64_t gen, int64_t now, const char *json, size_t len)
{
    char *copy = malloc(len + 1);
    if (!copy) return;
    memcpy(copy, json, len);
    copy[len] = 0;
    pthread_mutex_lock(&slots_lock);
    slot_t *s = &slots[(uint64_t)unit % SUMMARY_SLOTS];
    char *old = s->json;
    *s = (slot_t){unit, now, gen, copy, len};
    pthread_mutex_unlock(&slots_lock);
    free(old);
}

/* ,"as_of":…,"counters":…,"children":…,"top_categories":…,"top_channels":…,"geometry":… */
static int unit_part(gg_write_t *w, const gg_unit_t *u, int64_t now, gg_buf_t *b, gg_error_t *err)
{
    int nch = 0, ncat = 0, nchan = 0;
    gg_command_counters_t k;
    gg_command_child_t *ch = NULL;
    gg_command_top_t *cats = NULL, *chans = NULL;
    if (gg_command_counters(w->op.c, u, now, &k, err) < 0 ||
        gg_command_children(&w->op, u, &ch, &nch, err) < 0 ||
        gg_command_top(w->op.c, w->op.arena, w->op.auth, u, now, &cats, &ncat, &chans, &nchan, err) < 0)
        return -1;
    gg_jw_t j, *jw = &j;
    gg_jw_init(jw, b);
    gg_jw_obj(jw);
    gg_jw_ktime(jw, "as_of", now);
    gg_jw_key(jw, "counters");
    gg_jw_obj(jw);
    gg_jw_kint(jw, "open", k.open);
    gg_jw_kint(jw, "overdue", k.overdue);
    gg_jw_kint(jw, "yellow", k.yellow);
    gg_jw_kint(jw, "reported_today", k.reported_today);
    gg_jw_kint(jw, "closed_today", k.closed_today);
    write_rate(jw, "on_time_month", k.on_time_closed, k.on_time_total);
    gg_jw_obj_end(jw);
    gg_jw_key(jw, "children");
    gg_jw_arr(jw);
    for (int i = 0; i < nch; i++) {
        gg_jw_obj(jw);
        gg_jw_kint(jw, "id", ch[i].id);
        gg_jw_kstr(jw, "name", ch[i].name);
        gg_jw_kstr(jw, "level", ch[i].level);
        write_centroid(jw, ch[i].has_centroid, ch[i].lat, ch[i].lon);
        gg_jw_kint(jw, "open", ch[i].open);
        gg_jw_kint(jw, "overdue", ch[i].overdue);
        gg_jw_kint(jw, "yellow", ch[i].yellow);
        gg_jw_obj_end(jw);
    }
    gg_jw_arr_end(jw);
    gg_jw_key(jw, "top_categories");
    gg_jw_arr(jw);
    for (int i = 0; i < ncat; i++) {
        gg_jw_obj(jw);
        gg_jw_kint(jw, "id", cats[i].id);
        gg_jw_kstr(jw, "code", cats[i].key);
        gg_jw_kstr(jw, "name", cats[i].name);
        gg_jw_kstr(jw, "name_en", cats[i].name_en);
        gg_jw_kint(jw, "count", cats[i].count);
        gg_jw_obj_end(jw);
    }
    gg_jw_arr_end(jw);
    gg_jw_key(jw, "top_channels");
    gg_jw_arr(jw);
    for (int i = 0; i < nchan; i++) {
        gg_jw_obj(jw);
        gg_jw_kstr(jw, "channel", chans[i].key);
        gg_jw_kint(jw, "count", chans[i].count);
        gg_jw_obj_end(jw);
    }
    gg_jw_arr_end(jw);
    /* where the map's shapes come from: the children's borders, or (a community) its grids */
    gg_jw_key(jw, "geometry");
    gg_jw_obj(jw);
    gg_jw_kstr(jw, "borders", gg_sprintf(w->op.arena, "/api/v1/units/%lld/borders", (long long)u->id));
    gg_jw_kstr(
        jw, "grids",
        gg_sprintf(w->op.arena, "/api/v1/grids?unit_id=%lld&format=geojson&limit=1000", (long long)u->id));
    gg_jw_obj_end(jw);
    gg_jw_obj_end(jw);
    b->data[0] = ','; /* {…} → ,… (the closing brace dropped below) */
    b->len--;
    b->data[b->len] = 0;
    return 0;
}

static int summary_respond(gg_write_t *w, gg_error_t *err)
{
    gg_unit_t u, *anc = NULL;
    int nanc = 0;
    int64_t now = gg_now_ms();
    uint64_t gen = gg_command_generation();
    if (unit_of(w, &u, err) < 0) return -1;
    size_t len = 0;
    char *all = cached(u.id, gen, now, w->op.arena, &len);
    if (!all) {
        /* the ancestors (each with its path, filtered per caller below), a NUL, the unit's part */
        if (gg_unit_ancestors(w->op.c, w->op.arena, &u, &anc, &nanc, err) < 0) return -1;
        gg_buf_t b = {0}, p = {0}, part = {0};
        for (int i = 0; i < nanc; i++) {
            gg_jw_t j;
            p.len = 0;
            gg_jw_init(&j, &p);
            write_unit_ref(&j, &anc[i]);
            gg_buf_printf(&b, "%s\t%s\n", anc[i].path, p.data);
        }
        gg_buf_free(&p);
        gg_buf_append(&b, "", 1);
        if (unit_part(w, &u, now, &part, err) < 0) {
            gg_buf_free(&b);
            gg_buf_free(&part);
            return -1;
        }
        gg_buf_append(&b, part.data, part.len);
        gg_buf_free(&part);
        keep(u.id, gen, now, b.data, b.len);
        all = gg_alloc(w->op.arena, b.len + 1);
        memcpy(all, b.data, b.len);
        all[b.len] = 0;
        len = b.len;
        gg_buf_free(&b);
    }
    size_t alen = strlen(all);
    const char *part = all + alen + 1;
    len -= alen + 1;
    gg_jw_t *jw = gg_api_json(w->req, w->status);
    gg_jw_obj(jw);
    gg_jw_key(jw, "unit");
    write_unit_ref(jw, &u);
    /* the breadcrumb: the ancestors the caller may also open here */
    gg_jw_key(jw, "ancestors");
    gg_buf_puts(jw->buf, "[");
    int first = 1;
    for (char *line = all; *line;) {
        char *tab = strchr(line, '\t'), *nl = tab ? strchr(tab, '\n') : NULL;
        if (!nl) break;
        *tab = 0;
        if (gg_auth_can(w->op.auth, GG_P_DASHBOARD_READ, line)) {
            if (!first) gg_buf_append(jw->buf, ",", 1);
            gg_buf_append(jw->buf, tab + 1, (size_t)(nl - tab - 1));
            first = 0;
        }
        line = nl + 1;
    }
    gg_buf_puts(jw->buf, "]");
    gg_buf_append(jw->buf, part, len);
    gg_jw_obj_end(jw);
    return 0;
}

/* ---- GET /command/markers?unit_id=&bbox=west,south,east,north&zoom= ---- */

static int markers_parse(gg_write_t *w)
{
    cstate_t *s = w->state;
    const char *bbox = NULL;
    if (parse_unit(w) < 0 || gg_api_query_int(w->req, "zoom", 0, 22, 12, &s->zoom) < 0 ||
        gg_api_query_str(w->req, "bbox", 100, &bbox) < 0)
        return -1;
    if (bbox && *bbox) {
        double v[4];
        char *end;
        const char *p = bbox;
        for (int i = 0; i < 4; i++) {
            v[i] = strtod(p, &end);
            if (end == p || (i < 3 && *end != ',') || (i == 3 && *end) || !isfinite(v[i]))
                return bad(w->req, "bbox", "bbox is west,south,east,north in degrees");
            p = end + 1;
        }
        if (v[0] > v[2] || v[1] > v[3] || v[1] < -90 || v[3] > 90 || v[0] < -180 || v[2] > 180)
            return bad(w->req, "bbox", "bbox is west,south,east,north in degrees");
        s->bbox = (gg_bbox_t){1, v[1], v[0], v[3], v[2]};
    }
    return 0;
}

static int markers_respond(gg_write_t *w, gg_error_t *err)
{
    const cstate_t *s = w->state;
    gg_unit_t u;
    gg_command_marker_t *m = NULL;
    int n = 0, truncated = 0;
    int64_t total = 0;
    if (unit_of(w, &u, err) < 0 || gg_command_markers(&w->op, &u, &s->bbox, (int)s->zoom, gg_now_ms(), &m, &n,
                                                      &total, &truncated, err) < 0)
        return -1;
    /* single cases name themselves only to a caller who may read the cases there */
    int cases = gg_auth_can(w->op.auth, GG_P_CASE_READ, u.path);
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++) {
        gg_jw_obj(jw);
        int single = m[i].count == 1 && cases;
        gg_jw_kstr(jw, "kind", single ? "case" : "cluster");
        gg_jw_knum(jw, "lat", m[i].lat);
        gg_jw_knum(jw, "lng", m[i].lon);
        gg_jw_kint(jw, "count", m[i].count);
        gg_jw_kint(jw, "overdue", m[i].overdue);
        if (single) {
            gg_jw_kint(jw, "id", m[i].id);
            gg_jw_kstr(jw, "number", m[i].number);
            gg_jw_key(jw, "category");
            gg_jw_obj(jw);
            gg_jw_kstr(jw, "code", m[i].category_code);
            gg_jw_kstr(jw, "name", m[i].category_name);
            gg_jw_obj_end(jw);
            gg_jw_kstr(jw, "state", m[i].state);
        } else {
            gg_jw_key(jw, "bounds");
            gg_jw_arr(jw);
            gg_jw_num(jw, m[i].west);
            gg_jw_num(jw, m[i].south);
            gg_jw_num(jw, m[i].east);
            gg_jw_num(jw, m[i].north);
            gg_jw_arr_end(jw);
        }
        gg_jw_obj_end(jw);
    }
    gg_jw_arr_end(jw);
    gg_jw_kint(jw, "total", total);
    gg_jw_kint(jw, "zoom", s->zoom);
    gg_jw_kbool(jw, "truncated", truncated);
    gg_jw_obj_end(jw);
    return 0;
}

/* ---- /hotspots… ---- */

static int hot_parse(gg_write_t *w)
{
    cstate_t *s = w->state;
    return parse_unit(w) < 0 || gg_api_query_int(w->req, "days", 1, 365, 30, &s->days) < 0 ||
                   gg_api_query_int(w->req, "radius_m", 10, 5000, 200, &s->radius) < 0 ||
                   gg_api_query_int(w->req, "min_cases", 2, 1000, 3, &s->min_cases) < 0
               ? -1
               : 0;
}

static gg_hotspot_query_t hot_query(const cstate_t *s)
{
    return (gg_hotspot_query_t){(int)s->days, (double)s->radius, (int)s->min_cases, gg_now_ms()};
}

static void write_ids(gg_jw_t *jw, const int64_t *ids, int n)
{
    gg_jw_key(jw, "case_ids");
    gg_jw_arr(jw);
    for (int i = 0; i < n; i++)
        gg_jw_int(jw, ids[i]);
    gg_jw_arr_end(jw);
}

static void write_category(gg_jw_t *jw, int64_t id, const char *code, const char *name, const char *name_en)
{
    gg_jw_key(jw, "category");
    gg_jw_obj(jw);
    gg_jw_kint(jw, "id", id);
    gg_jw_kstr(jw, "code", code);
    gg_jw_kstr(jw, "name", name);
    gg_jw_kstr(jw, "name_en", name_en);
    gg_jw_obj_end(jw);
}

static void write_period(gg_jw_t *jw, const cstate_t *s)
{
    gg_jw_kint(jw, "days", s->days);
    gg_jw_kint(jw, "radius_m", s->radius);
    gg_jw_kint(jw, "min_cases", s->min_cases);
}

static int hotspots_respond(gg_write_t *w, gg_error_t *err)
{
    const cstate_t *s = w->state;
    gg_unit_t u;
    gg_hotspot_t *h = NULL;
    int n = 0, truncated = 0;
    gg_hotspot_query_t q = hot_query(s);
    if (unit_of(w, &u, err) < 0 || gg_hotspots(&w->op, &u, &q, &h, &n, &truncated, err) < 0) return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++) {
        gg_jw_obj(jw);
        write_category(jw, h[i].category_id, h[i].category_code, h[i].category_name, h[i].category_name_en);
        gg_jw_kint(jw, "count", h[i].count);
        gg_jw_kint(jw, "open", h[i].open);
        gg_jw_knum(jw, "lat", h[i].lat);
        gg_jw_knum(jw, "lng", h[i].lon);
        gg_jw_knum(jw, "radius_m", floor(h[i].radius_m + 0.5));
        gg_jw_ktime(jw, "first_at", h[i].first_at);
        gg_jw_ktime(jw, "last_at", h[i].last_at);
        write_ids(jw, h[i].ids, h[i].nids);
        gg_jw_obj_end(jw);
    }
    gg_jw_arr_end(jw);
    write_period(jw, s);
    gg_jw_kbool(jw, "truncated", truncated);
    gg_jw_obj_end(jw);
    return 0;
}

static int repeats_respond(gg_write_t *w, gg_error_t *err)
{
    const cstate_t *s = w->state;
    gg_unit_t u;
    gg_repeat_t *r = NULL;
    int n = 0;
    gg_hotspot_query_t q = hot_query(s);
    if (unit_of(w, &u, err) < 0 || gg_repeats(&w->op, &u, &q, &r, &n, err) < 0) return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++) {
        gg_jw_obj(jw);
        gg_jw_kstr(jw, "kind", r[i].kind);
        gg_jw_kstr(jw, "label", r[i].label);
        if (r[i].place_id)
            gg_jw_kint(jw, "place_id", r[i].place_id);
        else
            gg_jw_knull(jw, "place_id");
        write_category(jw, r[i].category_id, r[i].category_code, r[i].category_name, r[i].category_name_en);
        gg_jw_kint(jw, "count", r[i].count);
        gg_jw_ktime(jw, "first_at", r[i].first_at);
        gg_jw_ktime(jw, "last_at", r[i].last_at);
        write_ids(jw, r[i].ids, r[i].nids);
        gg_jw_obj_end(jw);
    }
    gg_jw_arr_end(jw);
    write_period(jw, s);
    gg_jw_obj_end(jw);
    return 0;
}

static int rising_respond(gg_write_t *w, gg_error_t *err)
{
    const cstate_t *s = w->state;
    gg_unit_t u;
    gg_rising_t *r = NULL;
    int n = 0;
    gg_hotspot_query_t q = hot_query(s);
    if (unit_of(w, &u, err) < 0 || gg_rising(&w->op, &u, &q, &r, &n, err) < 0) return -1;
    gg_jw_t *jw = gg_api_items(w->req, w->status);
    for (int i = 0; i < n; i++) {
        gg_jw_obj(jw);
        gg_jw_key(jw, "unit");
        gg_jw_obj(jw);
        gg_jw_kint(jw, "id", r[i].unit_id);
        gg_jw_kstr(jw, "name", r[i].name);
        gg_jw_kstr(jw, "code", r[i].code);
        write_centroid(jw, r[i].has_centroid, r[i].lat, r[i].lon);
        gg_jw_obj_end(jw);
        gg_jw_kint(jw, "current", r[i].current);
        gg_jw_kint(jw, "previous", r[i].previous);
        gg_jw_obj_end(jw);
    }
    gg_jw_arr_end(jw);
    write_period(jw, s);
    gg_jw_obj_end(jw);
    return 0;
}

static const gg_write_op_t SUMMARY = {
    .state_size = sizeof(cstate_t), .parse = parse_unit, .respond = summary_respond};
static const gg_write_op_t MARKERS = {
    .state_size = sizeof(cstate_t), .parse = markers_parse, .respond = markers_respond};
static const gg_write_op_t HOTSPOTS = {
    .state_size = sizeof(cstate_t), .parse = hot_parse, .respond = hotspots_respond};
static const gg_write_op_t REPEATS = {
    .state_size = sizeof(cstate_t), .parse = hot_parse, .respond = repeats_respond};
static const gg_write_op_t RISING = {
    .state_size = sizeof(cstate_t), .parse = hot_parse, .respond = rising_respond};

static const gg_api_route_t routes[] = {
    GG_WRITE_ROUTE("GET", "/api/v1/command/summary", SUMMARY),
    GG_WRITE_ROUTE("GET", "/api/v1/command/markers", MARKERS),
    GG_WRITE_ROUTE("GET", "/api/v1/hotspots", HOTSPOTS),
    GG_WRITE_ROUTE("GET", "/api/v1/hotspots/repeats", REPEATS),
    GG_WRITE_ROUTE("GET", "/api/v1/hotspots/rising", RISING),
};

int gg_api_command_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
