/*
 * suggest.c — dispatch suggestions (智能派单, docs/suggest.md): POST /api/v1/cases/suggestions (the category
 * and handling unit a county's model suggests for a case being registered: case.report or case.dispatch),
 * GET /api/v1/suggest/models (each county's model and its held-out hit rates: settings.manage) and
 * POST /api/v1/suggest/models/{county_id}/retrain (settings.manage).  The domain is
 * domain/suggest/suggest.h; nothing here changes a case.
 */
#include <string.h>

#include "api/api.h"
#include "api/body.h"
#include "api/write.h"
#include "domain/suggest/suggest.h"

/* ---- POST /cases/suggestions ---- */

static const gg_field_t suggestion_fields[] = {
    {"description", GG_F_STR, 1, 1, GG_SUGGEST_TEXT_MAX, 0},
    {"address", GG_F_STR, 0, 0, GG_SUGGEST_ADDRESS_MAX, 1},
    {"unit_id", GG_F_INT, 0, 1, INT64_MAX, 1},
    {"lat", GG_F_NUM, 0, -90, 90, 1},
    {"lon", GG_F_NUM, 0, -180, 180, 1},
};

static void write_rate(gg_jw_t *jw, const char *key, double v)
{
    gg_jw_knum(jw, key, (double)(int64_t)(v * 10000 + 0.5) / 10000);
}

static int suggestions_respond(gg_write_t *w, gg_error_t *err)
{
    json_t *b = w->body;
    gg_suggest_in_t in = {
        .description = gg_json_str(b, "description"),
        .address = gg_json_str(b, "address"),
        .unit_id = gg_json_int(b, "unit_id", 0),
        .has_point = gg_json_has(b, "lat") && gg_json_has(b, "lon"),
        .lat = gg_json_num(b, "lat", 0),
        .lon = gg_json_num(b, "lon", 0),
    };
    if (gg_json_has(b, "lat") != gg_json_has(b, "lon")) {
        const char *f = gg_json_has(b, "lat") ? "lon" : "lat";
        gg_err_invalid(err, f, "lat and lon go together");
        return gg_error_reason(err, "required");
    }
    gg_suggest_out_t out;
    if (gg_suggest_for(&w->op, &in, &out, err) < 0) return -1;
    gg_jw_t *jw = gg_api_json(w->req, 200);
    gg_jw_obj(jw);
    gg_jw_kstr(jw, "state", out.ready ? "ready" : "no_model");
    gg_jw_key(jw, "county");
    gg_jw_obj(jw);
    gg_jw_kint(jw, "id", out.county_id);
    gg_jw_kstr(jw, "name", out.county_name);
    gg_jw_obj_end(jw);
    gg_jw_key(jw, "model");
    if (!out.ready) {
        gg_jw_null(jw);
    } else {
        gg_jw_obj(jw);
        gg_jw_ktime(jw, "trained_at", out.trained_at);
        gg_jw_kint(jw, "n_train", out.n_train);
        write_rate(jw, "category_top1", out.cat_top1);
        write_rate(jw, "category_top3", out.cat_top3);
        write_rate(jw, "unit_top1", out.unit_top1);
        gg_jw_obj_end(jw);
    }
    gg_jw_key(jw, "categories");
    gg_jw_arr(jw);
    for (int i = 0; i < out.ncats; i++) {
        const gg_suggest_cat_t *c = &out.cats[i];
        gg_jw_obj(jw);
        gg_jw_kint(jw, "id", c->id);
        gg_jw_kstr(jw, "name", c->name);
        gg_jw_kstr(jw, "name_en", c->name_en);
        gg_jw_kstr(jw, "parent_name", c->parent_name);
        gg_jw_kstr(jw, "parent_name_en", c->parent_name_en);
        write_rate(jw, "score", c->score);
        gg_jw_obj_end(jw);
    }
    gg_jw_arr_end(jw);
    gg_jw_key(jw, "units");
    gg_jw_arr(jw);
    for (int i = 0; i < out.nunits; i++) {
        const gg_suggest_unit_t *u = &out.units[i];
        gg_jw_obj(jw);
        gg_jw_kint(jw, "id", u->id);
        gg_jw_kstr(jw, "name", u->name);
        gg_jw_kstr(jw, "level", u->level);
        gg_jw_kstr(jw, "code", u->code);
        write_rate(jw, "score", u->score);
        gg_jw_obj_end(jw);
    }
    gg_jw_arr_end(jw);
    gg_jw_obj_end(jw);
    return 0;
}

static const gg_write_op_t SUGGESTIONS = {
    .fields = GG_FIELDS(suggestion_fields),
    .respond = suggestions_respond,
};

/* ---- the models ---- */

static void write_model(gg_jw_t *jw, const gg_suggest_model_row_t *r)
{
    gg_jw_obj(jw);
    gg_jw_key(jw, "county");
    gg_jw_obj(jw);
    gg_jw_kint(jw, "id", r->county_id);
    gg_jw_kstr(jw, "name", r->county_name);
    gg_jw_kstr(jw, "code", r->county_code);
    gg_jw_obj_end(jw);
    gg_jw_kbool(jw, "trained", r->trained);
    gg_jw_ktime(jw, "trained_at", r->trained ? r->trained_at : 0);
    gg_jw_kstr(jw, "trained_by", r->trained ? r->trained_by : NULL);
    gg_jw_kint(jw, "n_train", r->m.n_train);
    gg_jw_kint(jw, "n_test", r->m.n_test);
    gg_jw_kint(jw, "n_test_unit", r->m.n_test_unit);
    write_rate(jw, "category_top1", r->m.cat_top1);
    write_rate(jw, "category_top3", r->m.cat_top3);
    write_rate(jw, "unit_top1", r->m.unit_top1);
    write_rate(jw, "unit_top3", r->m.unit_top3);
    gg_jw_kint(jw, "n_categories", r->m.n_categories);
    gg_jw_kint(jw, "n_units", r->m.n_units);
    gg_jw_kint(jw, "train_ms", r->m.train_ms);
    gg_jw_kint(jw, "model_bytes", r->m.bytes);
    gg_jw_kbool(jw, "loaded", r->loaded);
    gg_jw_ktime(jw, "loaded_trained_at", r->loaded ? r->loaded_trained_at : 0);
    gg_jw_obj_end(jw);
}

static int models_respond(gg_write_t *w, gg_error_t *err)
{
    gg_suggest_model_row_t *rows;
    int n;
    if (gg_suggest_models(&w->op, &rows, &n, err) < 0) return -1;
    gg_jw_t *jw = gg_api_items(w->req, 200);
    for (int i = 0; i < n; i++)
        write_model(jw, &rows[i]);
    gg_api_items_end(w->req, jw, n, 0, 0, -1);
    return 0;
}

static const gg_write_op_t MODELS = {.respond = models_respond};

/* Synchronous (about a second per 20,000 cases) and outside the runner's transaction: the training reads
 * without holding a write lock and persists its row in a transaction of its own. */
static int retrain_respond(gg_write_t *w, gg_error_t *err)
{
    gg_suggest_model_row_t row;
    if (gg_suggest_retrain(&w->op, w->id, &row, err) < 0) return -1;
    write_model(gg_api_json(w->req, 200), &row);
    return 0;
}

static const gg_write_op_t RETRAIN = {.path_ids = {"county_id"}, .respond = retrain_respond};

static const gg_api_route_t routes[] = {
    GG_WRITE_ROUTE("POST", "/api/v1/cases/suggestions", SUGGESTIONS),
    GG_WRITE_ROUTE("GET", "/api/v1/suggest/models", MODELS),
    GG_WRITE_ROUTE("POST", "/api/v1/suggest/models/{county_id}/retrain", RETRAIN),
};

int gg_api_suggest_routes(gg_router_t *r, gg_error_t *err)
{
    return GG_API_ROUTES(r, routes, err);
}
