/* stats.c — subtree counts for a unit (see stats.h). */
#include "domain/people/stats.h"

#include <string.h>

#include "domain/scope.h"
#include "domain/people/tag.h"

/* count(*) of sql (which has %s for the scope filter and $1/$2 for the subtree bounds). */
static int count(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, uint64_t perm, const char *col,
                 const char *fmt, const char *lo, const char *hi, int64_t *out, gg_error_t *err)
{
    int found;
    char *sql = gg_sprintf(a, fmt, gg_scope_sql(a, auth, perm, col));
    *out = 0;
    return gg_db_query_i64(c, sql, GG_ARGS(GG_TEXT(lo), GG_TEXT(hi)), out, &found, err);
}

/* How much of the subtree at path a permission covers: a grant at or above it (all), only grants
 * inside it (part), or none. */
static gg_access_t access_to(const gg_auth_t *auth, uint64_t perm, const char *path)
{
    if (gg_auth_can(auth, perm, path)) return GG_ACCESS_ALL;
    for (int i = 0; i < auth->ngrants; i++)
        if ((auth->grants[i].perms & perm) == perm && gg_path_within(auth->grants[i].unit_path, path))
            return GG_ACCESS_PART;
    return GG_ACCESS_NONE;
}

int gg_unit_stats(gg_db_conn_t *c, gg_arena_t *a, const gg_auth_t *auth, const gg_unit_t *u,
                  gg_unit_stats_t *out, gg_error_t *err)
{
    gg_db_res_t *r = NULL;
    int rc = -1, step;
    memset(out, 0, sizeof *out);
    if (!gg_unit_path_valid(u->path))
        return gg_err_internal(err, "unit %lld has a malformed path", (long long)u->id);
    /* the subtree is [path, path with its last '/' turned into '0') */
    const char *lo = u->path;
    char *hi = gg_strdup(a, u->path);
    hi[strlen(hi) - 1] = '0';
    out->places_access = access_to(auth, GG_P_PLACE_READ, u->path);
    out->people_access = access_to(auth, GG_P_RESIDENT_READ, u->path);

    char *sql = gg_sprintf(a,
                           "SELECT u.level, count(*) FROM unit u WHERE u.path > $1 AND u.path < $2 "
                           "AND u.retired_at IS NULL AND %s GROUP BY u.level ORDER BY u.level",
                           gg_scope_sql(a, auth, GG_P_UNIT_READ, "u.path"));
    if (gg_db_query(c, sql, GG_ARGS(GG_TEXT(lo), GG_TEXT(hi)), &r, err) < 0) goto out;
    out->levels = gg_alloc(a, sizeof(gg_count_t) * 16);
    while ((step = gg_db_next(r, err)) == 1 && out->nlevels < 16)
        out->levels[out->nlevels++] =
            (gg_count_t){.key = gg_strdup(a, gg_db_text(r, 0)), .n = gg_db_i64(r, 1)};
    if (step < 0) goto out;
    gg_db_res_free(r);
    r = NULL;

    if (count(c, a, auth, GG_P_UNIT_READ, "u.path",
              "SELECT count(*) FROM unit u WHERE u.level = 'grid' AND u.path >= $1 AND u.path < $2 "
              "AND u.retired_at IS NULL AND %s",
              lo, hi, &out->active_grids, err) < 0)
        goto out;
    if (out->places_access != GG_ACCESS_NONE &&
        (count(c, a, auth, GG_P_PLACE_READ, "b.unit_path",
               "SELECT count(*) FROM building b WHERE b.unit_path >= $1 AND b.unit_path < $2 "
               "AND b.retired_at IS NULL AND %s",
               lo, hi, &out->buildings, err) < 0 ||
         count(c, a, auth, GG_P_PLACE_READ, "h.unit_path",
               "SELECT count(*) FROM house h WHERE h.unit_path >= $1 AND h.unit_path < $2 "
               "AND h.retired_at IS NULL AND %s",
               lo, hi, &out->houses, err) < 0))
        goto out;
    if (out->people_access == GG_ACCESS_NONE) { /* nothing about people to count, tags included */
        rc = 0;
        goto out;
    }
    if (count(c, a, auth, GG_P_RESIDENT_READ, "k.unit_path",
              "SELECT count(*) FROM household k WHERE k.unit_path >= $1 AND k.unit_path < $2 "
              "AND k.dissolved_at IS NULL AND %s",
              lo, hi, &out->households, err) < 0)
        goto out;

    /* one pass over the subtree's residents for all the person counts (who has left or died is not
     * counted: 实有人口 is the people who are here) */
    sql = gg_sprintf(
        a,
        "SELECT count(*), "
        "coalesce(sum(CASE WHEN r.resident_type = 'migrant' THEN 1 ELSE 0 END), 0), "
        "coalesce(sum(CASE WHEN r.resident_type = 'foreign' THEN 1 ELSE 0 END), 0), "
        "coalesce(sum(1 - r.household_registration_matches), 0), coalesce(sum(r.party_member), 0), "
        "coalesce(sum(r.volunteer), 0) FROM resident r "
        "WHERE r.unit_path >= $1 AND r.unit_path < $2 AND r.departure IS NULL AND %s",
        gg_scope_sql(a, auth, GG_P_RESIDENT_READ, "r.unit_path"));
    if (gg_db_query(c, sql, GG_ARGS(GG_TEXT(lo), GG_TEXT(hi)), &r, err) < 0) goto out;
    if ((step = gg_db_next(r, err)) < 0) goto out;
    if (step == 1) {
        out->residents = gg_db_i64(r, 0);
        out->migrants = gg_db_i64(r, 1);
        out->foreigners = gg_db_i64(r, 2);
        out->separated = gg_db_i64(r, 3);
        out->party_members = gg_db_i64(r, 4);
        out->volunteers = gg_db_i64(r, 5);
    }
    gg_db_res_free(r);
    r = NULL;

    /* per tag: driven by the subtree's residents (path index), then the (resident_id, tag_id) key */
    gg_tag_t *tags;
    int ntags;
    if (gg_tag_list(c, a, 0, &tags, &ntags, err) < 0) goto out;
    out->tags = gg_alloc(a, sizeof(gg_count_t) * (size_t)(ntags ? ntags : 1));
    out->ntags = ntags;
    for (int i = 0; i < ntags; i++)
        out->tags[i] = (gg_count_t){.key = tags[i].code, .name = tags[i].name, .n = 0};
    sql =
        gg_sprintf(a,
                   "SELECT rt.tag_id, count(*) FROM resident r JOIN resident_tag rt ON rt.resident_id = r.id "
                   "WHERE r.unit_path >= $1 AND r.unit_path < $2 AND r.departure IS NULL AND %s "
                   "GROUP BY rt.tag_id",
                   gg_scope_sql(a, auth, GG_P_RESIDENT_READ, "r.unit_path"));
    if (gg_db_query(c, sql, GG_ARGS(GG_TEXT(lo), GG_TEXT(hi)), &r, err) < 0) goto out;
    while ((step = gg_db_next(r, err)) == 1) {
        int64_t tag_id = gg_db_i64(r, 0);
        for (int i = 0; i < ntags; i++)
            if (tags[i].id == tag_id) out->tags[i].n = gg_db_i64(r, 1);
    }
    if (step < 0) goto out;
    gg_db_res_free(r);
    r = NULL;
    /* derived tags (未成年人, 老年人 …): from the birth date, in one more pass over the same residents */
    gg_buf_t sums = {0};
    int nd = 0;
    for (int i = 0; i < ntags; i++)
        if (gg_tag_is_derived(&tags[i]))
            gg_buf_printf(&sums, "%scoalesce(sum(CASE WHEN %s THEN 1 ELSE 0 END), 0)", nd++ ? ", " : "",
                          gg_tag_derived_sql(a, &tags[i], "r.birth_date"));
    if (nd) {
        sql = gg_sprintf(a,
                         "SELECT %s FROM resident r WHERE r.unit_path >= $1 AND r.unit_path < $2 AND "
                         "r.departure IS NULL AND %s",
                         sums.data, gg_scope_sql(a, auth, GG_P_RESIDENT_READ, "r.unit_path"));
        gg_buf_free(&sums);
        if (gg_db_query(c, sql, GG_ARGS(GG_TEXT(lo), GG_TEXT(hi)), &r, err) < 0) goto out;
        if ((step = gg_db_next(r, err)) < 0) goto out;
        for (int i = 0, k = 0; step == 1 && i < ntags; i++)
            if (gg_tag_is_derived(&tags[i])) out->tags[i].n = gg_db_i64(r, k++);
    }
    rc = 0;
out:
    gg_db_res_free(r);
    return rc;
}
