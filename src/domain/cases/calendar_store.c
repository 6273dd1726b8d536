/* calendar_store.c — calendar_day rows: package import, local edits, snapshot loading (see calendar_store.h).
 */
#include "domain/cases/calendar_store.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/utf8.h"
#include "domain/change.h"
#include "domain/identity/audit.h"
#include "domain/setting.h"
#include "domain/validate.h"

#define PACKAGE_SOURCE "chinese-days"
#define GENERATION_KEY "calendar_generation"

/* ---- import ---- */

struct year_file {
    int year;
    json_t *root;
    int days;
};

/* chinese-days values read "English,中文,n": the Chinese name is the second field. */
static const char *chinese_name(const char *value, char *out, size_t size)
{
    const char *a = strchr(value, ','), *b = a ? strchr(a + 1, ',') : NULL;
    if (!a || !b || b == a + 1) {
        snprintf(out, size, "%s", value);
        return out;
    }
    snprintf(out, size, "%.*s", (int)(b - a - 1), a + 1);
    return out;
}

static int import_kind(gg_db_conn_t *c, struct year_file *f, const char *member, const char *kind,
                       int64_t now, gg_error_t *err)
{
    json_t *days = json_object_get(f->root, member);
    if (!json_is_object(days)) return 0;
    const char *date;
    json_t *v;
    json_object_foreach(days, date, v)
    {
        int y, m, d;
        char name[128];
        if (gg_cal_parse_date(date, &y, &m, &d) < 0 || y != f->year || !json_is_string(v))
            return gg_err_invalid(err, "source", "years/%d.json: %s.%s is not a date of %d with a name",
                                  f->year, member, date, f->year);
        chinese_name(json_string_value(v), name, sizeof name);
        if (gg_db_exec(
                c,
                "INSERT INTO calendar_day (day, source, kind, name, updated_at) VALUES ($1, $2, $3, $4, $5) "
                "ON CONFLICT (day, source) DO UPDATE SET kind = excluded.kind, name = excluded.name",
                GG_ARGS(GG_TEXT(date), GG_TEXT(PACKAGE_SOURCE), GG_TEXT(kind), GG_TEXT(name), GG_I64(now)),
                NULL, err) < 0)
            return -1;
        f->days++;
    }
    return 0;
}

static int import_year_tx(gg_db_conn_t *c, void *ctx, gg_error_t *err)
{
    struct year_file *f = ctx;
    char like[8];
    snprintf(like, sizeof like, "%04d-%%", f->year);
    f->days = 0;
    /* dates the package no longer lists go; the rest are rewritten with the same values */
    if (gg_db_exec(c, "DELETE FROM calendar_day WHERE source = $1 AND day LIKE $2",
                   GG_ARGS(GG_TEXT(PACKAGE_SOURCE), GG_TEXT(like)), NULL, err) < 0)
        return -1;
    int64_t now = gg_now_ms();
    if (import_kind(c, f, "holidays", "holiday", now, err) < 0 ||
        import_kind(c, f, "workdays", "workday", now, err) < 0)
        return -1;
    return gg_setting_counter_bump(c, GENERATION_KEY, err);
}

static int is_year_file(const char *name, int *year)
{
    if (strlen(name) != 9 || strcmp(name + 4, ".json") != 0) return 0;
    for (int i = 0; i < 4; i++)
        if (name[i] < '0' || name[i] > '9') return 0;
    *year = atoi(name);
    return *year >= 1900 && *year <= 2200;
}

int gg_calendar_import(gg_db_t *db, const char *dir, gg_calendar_import_stats_t *st, gg_error_t *err)
{
    memset(st, 0, sizeof *st);
    char path[4096];
    snprintf(path, sizeof path, "%s/years", dir);
    DIR *d = opendir(path);
    if (!d)
        return gg_err_invalid(
            err, "source", "%s is not the chinese-days data (no years/ directory); run scripts/bootstrap.sh",
            dir);
    gg_db_conn_t *c;
    if (gg_db_acquire(db, &c, err) < 0) {
        closedir(d);
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d))) {
        struct year_file f = {0};
        if (!is_year_file(e->d_name, &f.year)) continue;
        snprintf(path, sizeof path, "%s/years/%s", dir, e->d_name);
        json_error_t je;
        if (!(f.root = json_load_file(path, JSON_REJECT_DUPLICATES, &je)) || !json_is_object(f.root)) {
            rc = gg_err_invalid(err, "source", "%s: not a JSON object (%s, line %d)", path, je.text, je.line);
        } else if ((rc = gg_db_tx(c, import_year_tx, &f, err)) == 0) {
            st->years++;
            st->days += f.days;
            if (!st->first_year || f.year < st->first_year) st->first_year = f.year;
            if (f.year > st->last_year) st->last_year = f.year;
        }
        json_decref(f.root);
    }
    closedir(d);
    gg_db_release(db, c);
    if (rc == 0 && st->years == 0)
        return gg_err_invalid(err, "source", "%s/years holds no YYYY.json files", dir);
    return rc;
}

/* ---- reading ---- */

int gg_calendar_rows(gg_db_conn_t *c, gg_arena_t *a, int year, gg_calendar_row_t **rows, int *n,
                     gg_error_t *err)
{
    char like[8];
    snprintf(like, sizeof like, "%04d-%%", year);
    gg_db_res_t *r;
    *rows = NULL;
    *n = 0;
    /* 'local' sorts after 'chinese-days': the last row of a date decides */
    if (gg_db_query(
            c,
            "SELECT d.day, d.kind, d.name, d.source, COALESCE(d.updated_by, 0), d.updated_at, a.display_name "
            "FROM calendar_day d LEFT JOIN account a ON a.id = d.updated_by "
            "WHERE d.day LIKE $1 ORDER BY d.day, d.source",
            GG_ARGS(GG_TEXT(like)), &r, err) < 0)
        return -1;
    int cap = 0, step;
    while ((step = gg_db_next(r, err)) == 1) {
        if (*n == cap) {
            gg_calendar_row_t *more = gg_alloc(a, sizeof *more * (size_t)(cap = cap ? cap * 2 : 64));
            if (*n) memcpy(more, *rows, sizeof *more * (size_t)*n);
            *rows = more;
        }
        gg_calendar_row_t row = {
            .day = gg_strdup(a, gg_db_text(r, 0)),
            .kind = gg_strdup(a, gg_db_text(r, 1)),
            .name = gg_strdup(a, gg_db_text(r, 2)),
            .source = gg_strdup(a, gg_db_text(r, 3)),
            .updated_by = gg_db_i64(r, 4),
            .updated_at = gg_db_i64(r, 5),
            .updated_by_name = gg_strdup(a, gg_db_text(r, 6)),
        };
        if (*n > 0 && !strcmp((*rows)[*n - 1].day, row.day)) {
            row.overrides = 1;
            (*rows)[*n - 1] = row;
        } else {
            (*rows)[(*n)++] = row;
        }
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

int gg_calendar_reload(gg_db_conn_t *c, gg_calendar_t *cal, const gg_office_hours_t *hours, gg_error_t *err)
{
    gg_db_res_t *r;
    int64_t generation; /* read first: the rows are at least this new */
    if (gg_setting_counter_get(c, GENERATION_KEY, &generation, err) < 0 ||
        gg_db_query(c, "SELECT day, kind, source FROM calendar_day", NULL, 0, &r, err) < 0)
        return -1;
    gg_cal_day_t *days = NULL;
    int n = 0, cap = 0, step;
    while ((step = gg_db_next(r, err)) == 1) {
        if (n == cap) {
            gg_cal_day_t *more = realloc(days, sizeof *days * (size_t)(cap = cap ? cap * 2 : 1024));
            if (!more) {
                step = gg_err_internal(err, "out of memory");
                break;
            }
            days = more;
        }
        gg_cal_day_t *d = &days[n];
        if (gg_cal_parse_date(gg_db_text(r, 0), &d->year, &d->month, &d->day) < 0) continue; /* CHECKed */
        d->kind = !strcmp(gg_db_text(r, 1), "workday") ? GG_CAL_WORKDAY : GG_CAL_HOLIDAY;
        d->source = !strcmp(gg_db_text(r, 2), "local") ? GG_CAL_SRC_LOCAL : GG_CAL_SRC_PACKAGE;
        n++;
    }
    gg_db_res_free(r);
    gg_cal_snapshot_t *s = NULL;
    int rc = step < 0 ? -1 : gg_cal_snapshot_build(days, n, hours, &s, err);
    free(days);
    if (rc == 0) gg_calendar_install(cal, s, generation);
    return rc;
}

static int reload_same_hours(gg_db_conn_t *c, gg_calendar_t *cal, gg_error_t *err)
{
    gg_cal_snapshot_t *cur = gg_calendar_acquire(cal);
    gg_office_hours_t hours = *gg_cal_snapshot_hours(cur);
    gg_cal_snapshot_release(cur);
    return gg_calendar_reload(c, cal, &hours, err);
}

int gg_calendar_sync(gg_db_conn_t *c, gg_calendar_t *cal, gg_error_t *err)
{
    if (!cal || !gg_calendar_due(cal, gg_now_ms())) return 0;
    int64_t generation;
    int rc = gg_setting_counter_get(c, GENERATION_KEY, &generation, err);
    if (rc == 0 && generation > gg_calendar_generation(cal)) rc = reload_same_hours(c, cal, err);
    gg_calendar_checked(cal, gg_now_ms());
    return rc;
}

/* ---- local edits ---- */

static void reload_after_commit(gg_db_conn_t *c, void *ctx)
{
    gg_error_t err = {0};
    if (reload_same_hours(c, ctx, &err) < 0) gg_log_warn("calendar rebuild failed: %s", err.message);
}

int gg_calendar_may_edit(const gg_op_t *op, int *may, gg_error_t *err)
{
    /* the same rule as the shared tag dictionary: settings.manage at the root */
    return gg_settings_may_manage(op->c, op->arena, op->auth, may, err);
}

static int must_manage(const gg_op_t *op, gg_error_t *err)
{
    int may;
    if (gg_calendar_may_edit(op, &may, err) < 0) return -1;
    if (!may)
        return gg_err_forbidden(err, "the working calendar is shared by everyone; changing it needs "
                                     "settings.manage at the root");
    return 0;
}

/* The local row of day, if any: *found, and its kind and name. */
static int local_row(const gg_op_t *op, const char *day, int *found, const char **kind, const char **name,
                     gg_error_t *err)
{
    gg_db_res_t *r;
    *found = 0;
    if (gg_db_query(op->c, "SELECT kind, name FROM calendar_day WHERE day = $1 AND source = 'local'",
                    GG_ARGS(GG_TEXT(day)), &r, err) < 0)
        return -1;
    int step = gg_db_next(r, err);
    if (step == 1) {
        *found = 1;
        *kind = gg_strdup(op->arena, gg_db_text(r, 0));
        *name = gg_strdup(op->arena, gg_db_text(r, 1));
    }
    gg_db_res_free(r);
    return step < 0 ? -1 : 0;
}

static int day_valid(const char *day, gg_error_t *err)
{
    int y, m, d;
    if (gg_cal_parse_date(day, &y, &m, &d) < 0)
        return gg_err_invalid(err, "date", "the date must be a real date written YYYY-MM-DD (1900 to 2200)");
    return 0;
}

/* After a local day was written or removed: the audit row (what it was, what it is), the generation other
 * nodes watch, and this node's snapshot rebuilt once the transaction commits. */
static int written(const gg_op_t *op, gg_calendar_t *cal, const char *action, const char *day,
                   const char *old_kind, const char *old_name, const char *kind, const char *name,
                   gg_error_t *err)
{
    gg_change_t ch;
    gg_change_init(&ch);
    gg_change_str(&ch, "kind", old_kind, kind);
    gg_change_str(&ch, "name", old_name, name);
    gg_audit_entry_t e = {.action = action,
                          .object_type = "calendar_day",
                          .object_id = day,
                          .detail_json = gg_change_done(&ch, op->arena)};
    if (gg_audit_append(op->c, &op->actor, &e, err) < 0 ||
        gg_setting_counter_bump(op->c, GENERATION_KEY, err) < 0)
        return -1;
    if (cal) gg_db_on_commit(op->c, reload_after_commit, cal);
    return 0;
}

int gg_calendar_day_put(const gg_op_t *op, gg_calendar_t *cal, const char *day, const char *kind,
                        const char *name, gg_error_t *err)
{
    static const char *const kinds[] = {"holiday", "workday", NULL};
    if (day_valid(day, err) < 0 || must_manage(op, err) < 0) return -1;
    if (gg_choice_valid(kind, kinds, "kind", err) < 0 || gg_text_field(op->arena, &name, "name", 1, err) < 0)
        return -1;
    if (gg_utf8_len(name) > 32) return gg_err_invalid(err, "name", "name has at most 32 characters");
    int found;
    const char *old_kind = NULL, *old_name = NULL;
    if (local_row(op, day, &found, &old_kind, &old_name, err) < 0) return -1;
    if (gg_db_exec(op->c,
                   "INSERT INTO calendar_day (day, source, kind, name, updated_by, updated_at) "
                   "VALUES ($1, 'local', $2, $3, $4, $5) ON CONFLICT (day, source) DO UPDATE SET "
                   "kind = excluded.kind, name = excluded.name, updated_by = excluded.updated_by, "
                   "updated_at = excluded.updated_at",
                   GG_ARGS(GG_TEXT(day), GG_TEXT(kind), GG_TEXT(name), GG_I64(op->actor.account_id),
                           GG_I64(gg_now_ms())),
                   NULL, err) < 0)
        return -1;
    return written(op, cal, "calendar.put", day, old_kind, old_name, kind, name, err);
}

int gg_calendar_day_delete(const gg_op_t *op, gg_calendar_t *cal, const char *day, gg_error_t *err)
{
    if (day_valid(day, err) < 0 || must_manage(op, err) < 0) return -1;
    int found;
    const char *old_kind = NULL, *old_name = NULL;
    if (local_row(op, day, &found, &old_kind, &old_name, err) < 0) return -1;
    if (!found) return gg_err_not_found(err, "%s has no local calendar entry", day);
    if (gg_db_exec(op->c, "DELETE FROM calendar_day WHERE day = $1 AND source = 'local'",
                   GG_ARGS(GG_TEXT(day)), NULL, err) < 0)
        return -1;
    return written(op, cal, "calendar.delete", day, old_kind, old_name, NULL, NULL, err);
}
