/* test_attachment.c — attachments (domain/attachment.c): the allow-list, declared-type agreement, file-name
 * cleaning and Content-Disposition, sniffing, and claim/list/get/purge on a migrated SQLite database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/clock.h"
#include "domain/attachment.h"

static void allow_list(void **state)
{
    (void)state;
    const char *yes[] = {"image/jpeg", "image/png",  "image/webp",
                         "image/heic", "image/heif", "application/pdf"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        assert_true(gg_attachment_mime_allowed(yes[i]));
    const char *no[] = {"text/plain", "image/svg+xml",         "text/html", "image/gif", "application/zip",
                        "IMAGE/JPEG", "image/jpeg; charset=x", "",          NULL};
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        assert_false(gg_attachment_mime_allowed(no[i]));
}

static void declared_types(void **state)
{
    (void)state;
    assert_true(gg_attachment_declared_agrees(NULL, "image/png"));
    assert_true(gg_attachment_declared_agrees("", "image/png"));
    assert_true(gg_attachment_declared_agrees("application/octet-stream", "image/heic"));
    assert_true(gg_attachment_declared_agrees("Image/JPEG; q=1", "image/jpeg"));
    assert_true(gg_attachment_declared_agrees("image/jpg", "image/jpeg"));
    assert_true(gg_attachment_declared_agrees("image/heif", "image/heic"));
    assert_true(gg_attachment_declared_agrees("image/heic", "image/heif"));
    assert_false(gg_attachment_declared_agrees("image/jpeg", "text/plain"));
    assert_false(gg_attachment_declared_agrees("image/png", "image/jpeg"));
}

static void clean_names(void **state)
{
    (void)state;
    gg_arena_t *a = gg_arena_new(1024);
    assert_null(gg_attachment_clean_name(a, NULL));
    assert_null(gg_attachment_clean_name(a, ""));
    assert_null(gg_attachment_clean_name(a, "..."));
    assert_null(gg_attachment_clean_name(a, "\xff\xfe.jpg")); /* not UTF-8 */
    assert_string_equal(gg_attachment_clean_name(a, "C:\\Users\\me\\IMG_0001.HEIC"), "IMG_0001.HEIC");
    assert_string_equal(gg_attachment_clean_name(a, "../../etc/passwd"), "passwd");
    assert_string_equal(gg_attachment_clean_name(a, ".hidden"), "hidden");
    assert_string_equal(gg_attachment_clean_name(a, "a\"b\r\nc;d.pdf"), "a_b__c_d.pdf");
    assert_string_equal(gg_attachment_clean_name(a, "垃圾 堆放.jpg"), "垃圾 堆放.jpg");
    assert_string_equal(gg_attachment_clean_name(a, "x\xe2\x80\xae"
                                                    "gpj.exe"),
                        "x_gpj.exe"); /* RTL override */
    char longname[700];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    assert_int_equal(strlen(gg_attachment_clean_name(a, longname)), GG_ATTACHMENT_NAME_MAX);
    gg_arena_free(a);
}

static void disposition(void **state)
{
    (void)state;
    gg_arena_t *a = gg_arena_new(1024);
    assert_string_equal(gg_attachment_disposition(a, "photo 1.jpg", 7, "image/jpeg"),
                        "inline; filename=\"photo 1.jpg\"; filename*=UTF-8''photo%201.jpg");
    assert_string_equal(gg_attachment_disposition(a, "垃圾.png", 7, "image/png"),
                        "inline; filename=\"__.png\"; filename*=UTF-8''%E5%9E%83%E5%9C%BE.png");
    assert_string_equal(gg_attachment_disposition(a, NULL, 42, "application/pdf"),
                        "inline; filename=\"attachment-42.pdf\"; filename*=UTF-8''attachment-42.pdf");
    gg_arena_free(a);
}

static void paths_and_hashes(void **state)
{
    (void)state;
    gg_arena_t *a = gg_arena_new(1024);
    const char *h = "5a838678058f6de375e8635b5f2fea47a4e5f07cb1a882a44b10f39abc6f34ff";
    assert_true(gg_attachment_sha256_valid(h));
    assert_false(
        gg_attachment_sha256_valid("5A838678058f6de375e8635b5f2fea47a4e5f07cb1a882a44b10f39abc6f34ff"));
    assert_false(gg_attachment_sha256_valid("../etc"));
    assert_string_equal(gg_attachment_path(a, "/d", h),
                        "/d/attachments/5a/83/"
                        "5a838678058f6de375e8635b5f2fea47a4e5f07cb1a882a44b10f39abc6f34ff");
    gg_arena_free(a);
}

static void sniffing(void **state)
{
    (void)state;
    gg_arena_t *a = gg_arena_new(1024);
    gg_error_t err;
    const char *mime;
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0,    0,    0,
                                        13,   'I', 'H', 'D', 'R',  0,    0,    0,    1,    0,    0,
                                        0,    1,   8,   6,   0,    0,    0,    0x1f, 0x15, 0xc4, 0x89};
    assert_int_equal(gg_attachment_sniff(a, png, sizeof png, &mime, &err), 0);
    assert_string_equal(mime, "image/png");
    assert_int_equal(gg_attachment_sniff(a, "%PDF-1.4\n%%EOF\n", 15, &mime, &err), 0);
    assert_string_equal(mime, "application/pdf");
    assert_int_equal(gg_attachment_sniff(a, "hello, I am a JPEG\n", 19, &mime, &err), 0);
    assert_string_equal(mime, "text/plain");
    assert_false(gg_attachment_mime_allowed(mime));
    gg_arena_free(a);
}

/* ---- on a database ---- */

typedef struct fixture {
    char dir[64];
    gg_db_t *db;
    gg_db_conn_t *c;
    gg_arena_t *a;
} fixture_t;

static int setup_db(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/gg-attach-XXXXXX");
    if (!mkdtemp(f->dir)) return -1;
    char url[128], mig[1024];
    snprintf(url, sizeof url, "sqlite:%s/t.db", f->dir);
    const char *src = getenv("GG_SOURCE_DIR");
    snprintf(mig, sizeof mig, "%s/sql/migrations", src ? src : ".");
    gg_db_config_t cfg = {.url = url, .pool_size = 1};
    gg_error_t err = {0};
    int applied = 0;
    if (gg_db_open(&cfg, &f->db, &err) < 0 || gg_db_migrate(f->db, mig, &applied, &err) < 0 ||
        gg_db_acquire(f->db, &f->c, &err) < 0) {
        fprintf(stderr, "setup: %s\n", err.message);
        return -1;
    }
    f->a = gg_arena_new(4096);
    *state = f;
    return 0;
}

static int teardown_db(void **state)
{
    fixture_t *f = *state;
    gg_db_release(f->db, f->c);
    gg_db_close(f->db);
    gg_arena_free(f->a);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    if (system(cmd) != 0) return -1;
    free(f);
    return 0;
}

/* Store a small PDF anonymously with token; returns its id. */
static int64_t store_pdf(fixture_t *f, const char *body, const char *token)
{
    char path[128];
    snprintf(path, sizeof path, "%s/in.pdf", f->dir);
    FILE *fp = fopen(path, "w+");
    fputs(body, fp);
    fflush(fp);
    gg_attachment_upload_t in = {.fd = fileno(fp),
                                 .size = (int64_t)strlen(body),
                                 .name = "a/b.pdf",
                                 .upload_token = token,
                                 .client_ip = "127.0.0.1"};
    gg_attachment_t out;
    gg_error_t err = {0};
    int rc = gg_attachment_store(f->c, f->a, f->dir, &in, &out, &err);
    fclose(fp);
    if (rc < 0) fprintf(stderr, "store: %s\n", err.message);
    assert_int_equal(rc, 0);
    assert_string_equal(out.mime, "application/pdf");
    assert_string_equal(out.name, "b.pdf");
    return out.id;
}

static int visible_owner(const gg_op_t *op, int64_t owner_id, gg_error_t *err)
{
    (void)op;
    return owner_id == 100 ? 0 : gg_err_not_found(err, "no");
}

static void claim_list_get(void **state)
{
    fixture_t *f = *state;
    gg_error_t err = {0};
    int64_t a1 = store_pdf(f, "%PDF-1.4\none\n%%EOF\n", "tok-aaaaaaaaaaaaaaaaaaaaaaaa");
    int64_t a2 = store_pdf(f, "%PDF-1.4\none\n%%EOF\n", "tok-aaaaaaaaaaaaaaaaaaaaaaaa"); /* same content */
    int64_t b1 = store_pdf(f, "%PDF-1.4\ntwo\n%%EOF\n", "tok-bbbbbbbbbbbbbbbbbbbbbbbb");
    assert_true(a1 > 0 && a2 > a1 && b1 > a2);
    gg_op_t op = {.c = f->c, .arena = f->a, .auth = NULL};
    /* someone else's upload: refused with the one message, nothing linked */
    int64_t ids[] = {a1, b1};
    assert_true(gg_attachment_claim(&op, ids, 2, "tok-aaaaaaaaaaaaaaaaaaaaaaaa", "case_event", 100, "report",
                                    &err) < 0);
    assert_int_equal(err.http_status, 400);
    assert_string_equal(err.field, "attachment_ids");
    assert_string_equal(err.reason, "not_yours");
    int64_t dup[] = {a1, a1};
    assert_true(gg_attachment_claim(&op, dup, 2, "tok-aaaaaaaaaaaaaaaaaaaaaaaa", "case_event", 100, "report",
                                    &err) < 0);
    assert_string_equal(err.reason, "duplicate");
    int64_t many[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    assert_true(gg_attachment_claim(&op, many, 10, NULL, "case_event", 100, "report", &err) < 0);
    assert_string_equal(err.reason, "too_many");
    int64_t unknown[] = {99999};
    assert_true(gg_attachment_claim(&op, unknown, 1, "tok-aaaaaaaaaaaaaaaaaaaaaaaa", "case_event", 100,
                                    "report", &err) < 0);
    assert_string_equal(err.reason, "not_yours");
    /* the own ones */
    int64_t mine[] = {a1, a2};
    assert_int_equal(
        gg_attachment_claim(&op, mine, 2, "tok-aaaaaaaaaaaaaaaaaaaaaaaa", "case_event", 100, "report", &err),
        0);
    /* once linked, not again */
    assert_true(gg_attachment_claim(&op, mine, 1, "tok-aaaaaaaaaaaaaaaaaaaaaaaa", "case_event", 101, "after",
                                    &err) < 0);
    assert_string_equal(err.reason, "not_yours");
    gg_attachment_t *rows;
    int n;
    int64_t owners[] = {101, 100};
    assert_int_equal(gg_attachment_list(f->c, f->a, "case_event", owners, 2, &rows, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].id, a1);
    assert_int_equal(rows[1].id, a2);
    assert_string_equal(rows[0].role, "report");
    assert_int_equal(rows[0].owner_id, 100);
    assert_string_equal(rows[0].sha256, rows[1].sha256);
    /* visibility: through the registered owner checker */
    gg_attachment_t got;
    assert_true(gg_attachment_get(&op, a1, &got, &err) < 0); /* no checker yet */
    assert_int_equal(err.http_status, 404);
    assert_int_equal(gg_attachment_owner_register("case_event", visible_owner), 0);
    assert_int_equal(gg_attachment_get(&op, a1, &got, &err), 0);
    assert_int_equal(got.owner_id, 100);
    assert_true(gg_attachment_get(&op, b1, &got, &err) < 0); /* unlinked, and nobody's account */
    assert_int_equal(err.http_status, 404);
    /* purge: only the unlinked one goes; the shared file stays, b1's goes once old enough */
    char sha_b[65];
    gg_db_res_t *r;
    assert_int_equal(
        gg_db_query(f->c, "SELECT sha256 FROM attachment WHERE id = $1", GG_ARGS(GG_I64(b1)), &r, &err), 0);
    assert_int_equal(gg_db_next(r, &err), 1);
    snprintf(sha_b, sizeof sha_b, "%s", gg_db_text(r, 0));
    gg_db_res_free(r);
    const char *file_b = gg_attachment_path(f->a, f->dir, sha_b);
    assert_int_equal(access(file_b, F_OK), 0);
    int deleted = -1;
    assert_int_equal(gg_attachment_purge(f->c, f->dir, gg_now_ms(), 86400000LL, &deleted, &err), 0);
    assert_int_equal(deleted, 0); /* too young */
    int64_t later = gg_now_ms() + 2 * 86400000LL;
    assert_int_equal(gg_attachment_purge(f->c, f->dir, later, 86400000LL, &deleted, &err), 0);
    assert_int_equal(deleted, 1);
    assert_int_equal(access(file_b, F_OK), -1); /* no row needs it, and it is old by `later` */
    assert_int_equal(gg_attachment_list(f->c, f->a, "case_event", owners, 2, &rows, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_int_equal(access(gg_attachment_path(f->a, f->dir, rows[0].sha256), F_OK), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(allow_list),
        cmocka_unit_test(declared_types),
        cmocka_unit_test(clean_names),
        cmocka_unit_test(disposition),
        cmocka_unit_test(paths_and_hashes),
        cmocka_unit_test(sniffing),
        cmocka_unit_test_setup_teardown(claim_list_get, setup_db, teardown_db),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
