/*
 * bench/case_loop.c — the plain C loop that durable case creation through the API is measured against
 * (bench/run.sh, ratio case_create_vs_loop): one thread, SQLite directly (no pool, no HTTP, no JSON,
 * prepared statements made once), WAL with synchronous=FULL, one transaction per case holding the rows
 * the API's creation writes — the day's counter, a case_item, its first case_event, and an audit_log row
 * chained to audit_head with a keyed BLAKE2b hash like the server's.
 *
 *   bench_case_loop DB TEMPLATE_CASE_ID [SECONDS]   prints  rate case_loop <n> per_s
 *
 * The rows are copies of the template case (one the API made, so every column, index and foreign key is
 * the real schema's) with a new number, time and id; the numbers use the prefix GL so they never meet
 * the server's GG numbers.
 */
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static sqlite3 *db;

static void die(const char *what)
{
    fprintf(stderr, "bench_case_loop: %s: %s\n", what, db ? sqlite3_errmsg(db) : "?");
    exit(1);
}

static sqlite3_stmt *prep(const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) die(sql);
    return st;
}

static void exec(const char *sql)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) die(sql);
}

/* "INSERT INTO t (a, b, …) SELECT a, ?1, … FROM t WHERE <where>": every column but id, with the named
 * ones replaced by parameters. */
static char *copy_sql(const char *table, const char *const *swap, const char *const *with, int nswap,
                      const char *where)
{
    char q[256], cols[8192] = "", vals[8192] = "";
    snprintf(q, sizeof q, "PRAGMA table_info(%s)", table);
    sqlite3_stmt *st = prep(q);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 1);
        if (strcmp(name, "id") == 0) continue;
        const char *v = name;
        for (int i = 0; i < nswap; i++)
            if (strcmp(name, swap[i]) == 0) v = with[i];
        if (*cols) {
            strcat(cols, ", ");
            strcat(vals, ", ");
        }
        strcat(cols, name);
        strcat(vals, v);
    }
    sqlite3_finalize(st);
    if (!*cols) {
        fprintf(stderr, "bench_case_loop: no table %s (is the cases migration applied?)\n", table);
        exit(1);
    }
    char *sql = malloc(strlen(cols) + strlen(vals) + strlen(where) + 128);
    sprintf(sql, "INSERT INTO %s (%s) SELECT %s FROM %s WHERE %s", table, cols, vals, table, where);
    return sql;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_case_loop DB TEMPLATE_CASE_ID [SECONDS]\n");
        return 2;
    }
    long long tmpl = atoll(argv[2]);
    double secs = argc > 3 ? atof(argv[3]) : 3;
    if (sodium_init() < 0) return 1;
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) die("open");
    sqlite3_busy_timeout(db, 5000);
    exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");

    static const char *const case_swap[] = {"number", "created_at", "updated_at"};
    static const char *const case_with[] = {"$1", "$2", "$2"};
    char where[128];
    snprintf(where, sizeof where, "id = %lld RETURNING id", tmpl);
    char *case_sql = copy_sql("case_item", case_swap, case_with, 3, where);
    static const char *const ev_swap[] = {"case_id", "at"};
    static const char *const ev_with[] = {"$1", "$2"};
    snprintf(where, sizeof where, "id = (SELECT min(id) FROM case_event WHERE case_id = %lld)", tmpl);
    char *event_sql = copy_sql("case_event", ev_swap, ev_with, 2, where);

    sqlite3_stmt *begin = prep("BEGIN IMMEDIATE"), *commit = prep("COMMIT");
    sqlite3_stmt *counter =
        prep("INSERT INTO case_counter (day, last) VALUES ($1, 1) ON CONFLICT (day) DO UPDATE "
             "SET last = case_counter.last + 1 RETURNING last");
    sqlite3_stmt *ins_case = prep(case_sql), *ins_event = prep(event_sql);
    sqlite3_stmt *head = prep("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash");
    sqlite3_stmt *ins_audit =
        prep("INSERT INTO audit_log (seq, at, account_id, username, client_ip, action, "
             "object_type, object_id, unit_id, detail, prev_hash, hash) VALUES ($1, $2, "
             "NULL, 'bench', '127.0.0.1', 'case.create', 'case', $3, NULL, $4, $5, $6)");
    sqlite3_stmt *set_head = prep("UPDATE audit_head SET hash = $1 WHERE id = 1");
    unsigned char key[32];
    randombytes_buf(key, sizeof key);

    long long n = 0;
    double t0 = mono_s(), t = t0;
    while (t - t0 < secs) {
        long long at = now_ms();
        time_t s = (time_t)(at / 1000) + 8 * 3600; /* Asia/Shanghai day */
        struct tm tm;
        gmtime_r(&s, &tm);
        char day[16], number[40], id[24], detail[160], prev[65], hash[65];
        strftime(day, sizeof day, "%Y%m%d", &tm);

        if (sqlite3_step(begin) != SQLITE_DONE) die("BEGIN");
        sqlite3_reset(begin);
        sqlite3_bind_text(counter, 1, day, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(counter) != SQLITE_ROW) die("counter");
        snprintf(number, sizeof number, "GL%s%06lld", day, sqlite3_column_int64(counter, 0));
        sqlite3_reset(counter);
        sqlite3_bind_text(ins_case, 1, number, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(ins_case, 2, at);
        if (sqlite3_step(ins_case) != SQLITE_ROW) die("case_item");
        long long case_id = sqlite3_column_int64(ins_case, 0);
        sqlite3_reset(ins_case);
        sqlite3_bind_int64(ins_event, 1, case_id);
        sqlite3_bind_int64(ins_event, 2, at);
        if (sqlite3_step(ins_event) != SQLITE_DONE) die("case_event");
        sqlite3_reset(ins_event);
        if (sqlite3_step(head) != SQLITE_ROW) die("audit_head");
        long long seq = sqlite3_column_int64(head, 0);
        snprintf(prev, sizeof prev, "%s", (const char *)sqlite3_column_text(head, 1));
        sqlite3_reset(head);
        snprintf(id, sizeof id, "%lld", case_id);
        snprintf(detail, sizeof detail, "{\"number\":\"%s\"}", number);
        crypto_generichash_state hs;
        unsigned char h[32];
        crypto_generichash_init(&hs, key, sizeof key, sizeof h);
        crypto_generichash_update(&hs, (const unsigned char *)prev, strlen(prev));
        crypto_generichash_update(&hs, (const unsigned char *)&seq, sizeof seq);
        crypto_generichash_update(&hs, (const unsigned char *)&at, sizeof at);
        crypto_generichash_update(&hs, (const unsigned char *)detail, strlen(detail));
        crypto_generichash_final(&hs, h, sizeof h);
        sodium_bin2hex(hash, sizeof hash, h, sizeof h);
        sqlite3_bind_int64(ins_audit, 1, seq);
        sqlite3_bind_int64(ins_audit, 2, at);
        sqlite3_bind_text(ins_audit, 3, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins_audit, 4, detail, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins_audit, 5, prev, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins_audit, 6, hash, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(ins_audit) != SQLITE_DONE) die("audit_log");
        sqlite3_reset(ins_audit);
        sqlite3_bind_text(set_head, 1, hash, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(set_head) != SQLITE_DONE) die("audit_head hash");
        sqlite3_reset(set_head);
        if (sqlite3_step(commit) != SQLITE_DONE) die("COMMIT");
        sqlite3_reset(commit);
        n++;
        t = mono_s();
    }
    printf("rate case_loop %.0f per_s\n", n / (t - t0));
    free(case_sql);
    free(event_sql);
    sqlite3_close_v2(db); /* a zombie until the process ends with its statements */
    return 0;
}
