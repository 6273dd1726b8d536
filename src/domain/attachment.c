/* attachment.c — uploaded files: checking and keeping them on disk by hash, their rows, links to owners,
 * who may read them, and the purge of unclaimed uploads (see attachment.h). */
#include "domain/attachment.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/utf8.h"
#include "domain/cases/case.h"

/* ---- settings ---- */

static int64_t max_bytes_setting = GG_ATTACHMENT_DEFAULT_MAX_BYTES;

void gg_attachment_set_max_bytes(int64_t max_bytes)
{
    max_bytes_setting = max_bytes > 0 ? max_bytes : GG_ATTACHMENT_DEFAULT_MAX_BYTES;
}

int64_t gg_attachment_max_bytes(void)
{
    return max_bytes_setting;
}

/* ---- pure helpers ---- */

static const struct {
    const char *mime, *ext;
} ALLOWED[] = {
    {"image/jpeg", "jpg"},  {"image/png", "png"},   {"image/webp", "webp"},
    {"image/heic", "heic"}, {"image/heif", "heif"}, {"application/pdf", "pdf"},
};
#define NALLOWED ((int)(sizeof ALLOWED / sizeof ALLOWED[0]))

int gg_attachment_mime_allowed(const char *mime)
{
    if (!mime) return 0;
    for (int i = 0; i < NALLOWED; i++)
        if (strcmp(mime, ALLOWED[i].mime) == 0) return 1;
    return 0;
}

static const char *ext_of(const char *mime)
{
    for (int i = 0; mime && i < NALLOWED; i++)
        if (strcmp(mime, ALLOWED[i].mime) == 0) return ALLOWED[i].ext;
    return "bin";
}

/* The declared type's canonical name: lower case, parameters cut, aliases folded. */
static void canonical_type(const char *in, char *out, size_t cap)
{
    size_t j = 0;
    while (*in == ' ' || *in == '\t')
        in++;
    for (; *in && *in != ';' && *in != ' ' && *in != '\t' && j + 1 < cap; in++)
        out[j++] = (char)((*in >= 'A' && *in <= 'Z') ? *in + 32 : *in);
    out[j] = 0;
    if (strcmp(out, "image/jpg") == 0 || strcmp(out, "image/pjpeg") == 0) snprintf(out, cap, "image/jpeg");
    if (strcmp(out, "image/heic-sequence") == 0 || strcmp(out, "image/heif-sequence") == 0 ||
        strcmp(out, "image/heif") == 0)
        snprintf(out, cap, "image/heic");
    if (strcmp(out, "application/x-pdf") == 0) snprintf(out, cap, "application/pdf");
}

int gg_attachment_declared_agrees(const char *declared, const char *sniffed)
{
    if (!declared || !*declared) return 1;
    char d[64], s[64];
    canonical_type(declared, d, sizeof d);
    if (!*d || strcmp(d, "application/octet-stream") == 0) return 1;
    canonical_type(sniffed ? sniffed : "", s, sizeof s);
    return strcmp(d, s) == 0;
}

const char *gg_attachment_clean_name(gg_arena_t *a, const char *name)
{
    if (!name || !*name) return NULL;
    size_t len = strlen(name);
    if (!gg_utf8_valid(name, len)) return NULL;
    const char *base = name;
    for (const char *p = name; *p; p++)
        if (*p == '/' || *p == '\\') base = p + 1;
    while (*base == '.' || *base == ' ')
        base++;
    char *out = gg_alloc(a, strlen(base) + 1);
    size_t j = 0, chars = 0;
    const unsigned char *p = (const unsigned char *)base;
    size_t left = strlen(base);
    while (left && chars < GG_ATTACHMENT_NAME_MAX) {
        size_t n = gg_utf8_seq(p, left);
        if (n == 0) break;
        if (n == 1) {
            unsigned char c = *p;
            out[j++] = (c < 0x20 || c == 0x7f || strchr("<>:\"|?*;%", c)) ? '_' : (char)c;
        } else if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0) {
            out[j++] = '_'; /* C1 controls */
        } else if (n == 3 && p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9 || p[2] == 0xae)) {
            out[j++] = '_'; /* line/paragraph separators, right-to-left override */
        } else {
            memcpy(out + j, p, n);
            j += n;
        }
        p += n;
        left -= n;
        chars++;
    }
    while (j && out[j - 1] == ' ')
        j--;
    out[j] = 0;
    return j ? out : NULL;
}

const char *gg_attachment_disposition(gg_arena_t *a, const char *name, int64_t id, const char *mime)
{
    if (!name || !*name) name = gg_sprintf(a, "attachment-%lld.%s", (long long)id, ext_of(mime));
    size_t n = strlen(name);
    char *ascii = gg_alloc(a, n + 1);
    char *pct = gg_alloc(a, 3 * n + 1);
    size_t i = 0, j = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        unsigned char c = *p;
        /* the quoted fallback: printable ASCII without quote and backslash; anything else '_' (one per
         * byte of a non-ASCII character would be ugly: one per character) */
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
            ascii[i++] = (char)c;
        else if (c < 0x80 || (c & 0xc0) == 0xc0)
            ascii[i++] = '_';
        /* RFC 5987 attr-char */
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            strchr("!#$&+-.^_`|~", c))
            pct[j++] = (char)c;
        else
            j += (size_t)snprintf(pct + j, 4, "%%%02X", c);
    }
    ascii[i] = 0;
    pct[j] = 0;
    return gg_sprintf(a, "inline; filename=\"%s\"; filename*=UTF-8''%s", ascii, pct);
}

int gg_attachment_sha256_valid(const char *s)
{
    if (!s || strlen(s) != 64) return 0;
    for (int i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
    return 1;
}

const char *gg_attachment_path(gg_arena_t *a, const char *data_dir, const char *sha256)
{
    return gg_sprintf(a, "%s/attachments/%.2s/%.2s/%s", data_dir, sha256, sha256 + 2, sha256);
}

/* ---- sniffing ---- */

static pthread_key_t magic_key;
static pthread_once_t magic_once = PTHREAD_ONCE_INIT;

static void magic_free(void *m)
{
    magic_close((magic_t)m);
}

static void magic_key_init(void)
{
    pthread_key_create(&magic_key, magic_free);
}

int gg_attachment_sniff(gg_arena_t *a, const void *buf, size_t n, const char **mime, gg_error_t *err)
{
    pthread_once(&magic_once, magic_key_init);
    magic_t m = pthread_getspecific(magic_key);
    if (!m) {
        m = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_ELF | MAGIC_NO_CHECK_TAR);
        if (!m) return gg_err_internal(err, "libmagic could not be started");
        if (magic_load(m, NULL) != 0) {
            gg_log("attachment", "libmagic cannot load its database: %s", magic_error(m));
            magic_close(m);
            return gg_err_internal(err, "libmagic could not load its database");
        }
        pthread_setspecific(magic_key, m);
    }
    const char *t = magic_buffer(m, buf, n);
    *mime = gg_strdup(a, t ? t : "application/octet-stream");
    return 0;
}

/* ---- keeping the content ---- */

static int mkdir_one(const char *path, int *made)
{
    if (mkdir(path, 0700) == 0) {
        if (made) *made = 1;
        return 0;
    }
    return errno == EEXIST ? 0 : -1;
}

static int fsync_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static int copy_fd(int from, int to, int64_t size)
{
    char buf[65536];
    off_t off = 0;
    while (off < size) {
        ssize_t r = pread(from, buf, sizeof buf, off);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        for (ssize_t w = 0; w < r;) {
            ssize_t k = write(to, buf + w, (size_t)(r - w));
            if (k < 0 && errno == EINTR) continue;
            if (k <= 0) return -1;
            w += k;
        }
        off += r;
    }
    return 0;
}

/* Put the content of fd (size bytes, sha256 hex) at its place under data_dir unless it is there already;
 * durable (file and directory fsynced) before it returns 0. */
static int put_content(gg_arena_t *a, const char *data_dir, int fd, int64_t size, const char *hex,
                       gg_error_t *err)
{
    const char *final = gg_attachment_path(a, data_dir, hex);
    struct stat st;
    if (stat(final, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == size) {
        /* already kept: mark it as in use now, so a purge running at this moment leaves it (it spares
         * files touched within the last hour) */
        utimensat(AT_FDCWD, final, NULL, 0);
        return 0;
    }
    const char *root = gg_sprintf(a, "%s/attachments", data_dir);
    const char *tmpdir = gg_sprintf(a, "%s/tmp", root);
    const char *d1 = gg_sprintf(a, "%s/%.2s", root, hex);
    const char *d2 = gg_sprintf(a, "%s/%.2s", d1, hex + 2);
    int made_root = 0, made1 = 0, made2 = 0;
    if (mkdir_one(data_dir, NULL) < 0 || mkdir_one(root, &made_root) < 0 || mkdir_one(tmpdir, NULL) < 0 ||
        mkdir_one(d1, &made1) < 0 || mkdir_one(d2, &made2) < 0) {
        gg_log("attachment", "cannot make the directories of %s: %s", final, strerror(errno));
        return gg_error_set(err, 507, "insufficient_storage", "file", "the server could not store the file");
    }
    char rnd[44];
    gg_random_token(rnd);
    const char *tmp = gg_sprintf(a, "%s/%s.%.12s", tmpdir, hex, rnd);
    int ok = 0;
    /* the server's spool file is nameless (O_TMPFILE) when the file system allows: give it a name here
     * instead of copying it; another file system (EXDEV) or no /proc falls back to a copy */
    if (fsync(fd) == 0) {
        char proc[64];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
        if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) == 0) {
            if (stat(tmp, &st) == 0 && st.st_size == size)
                ok = 1;
            else
                unlink(tmp);
        }
    }
    if (!ok) {
        int out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (out < 0 || copy_fd(fd, out, size) < 0 || fsync(out) < 0) {
            int e = errno;
            if (out >= 0) close(out);
            unlink(tmp);
            gg_log("attachment", "cannot write %s: %s", tmp, strerror(e));
            return gg_error_set(err, 507, "insufficient_storage", "file",
                                "the server could not store the file");
        }
        close(out);
    }
    chmod(tmp, 0600);
    if (rename(tmp, final) < 0) {
        int e = errno;
        unlink(tmp);
        gg_log("attachment", "cannot rename %s into place: %s", tmp, strerror(e));
        return gg_error_set(err, 507, "insufficient_storage", "file", "the server could not store the file");
    }
    /* the new name, and any directory made on the way, must survive a power cut before we say 201 */
    if (fsync_path(d2) < 0 || (made2 && fsync_path(d1) < 0) || (made1 && fsync_path(root) < 0) ||
        (made_root && fsync_path(data_dir) < 0)) {
        gg_log("attachment", "cannot fsync the directory of %s: %s", final, strerror(errno));
        return gg_error_set(err, 507, "insufficient_storage", "file", "the server could not store the file");
    }
    return 0;
}

static void hex_of(const unsigned char h[32], char out[65])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = digits[h[i] >> 4];
        out[2 * i + 1] = digits[h[i] & 15];
    }
    out[64] = 0;
}

static int hash_fd(int fd, int64_t size, unsigned char out[32])
{
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    unsigned char buf[65536];
    off_t off = 0;
    while (off < size) {
        ssize_t r = pread(fd, buf, sizeof buf, off);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        crypto_hash_sha256_update(&st, buf, (unsigned long long)r);
        off += r;
    }
    crypto_hash_sha256_final(&st, out);
    return 0;
}

#define COLS "a.id, a.sha256, a.mime, a.size, a.name, a.uploaded_by, a.linked_at, a.created_at"

static void read_row(gg_db_res_t *r, gg_arena_t *a, gg_attachment_t *out)
{
    memset(out, 0, sizeof *out);
    out->id = gg_db_i64(r, 0);
    out->sha256 = gg_strdup(a, gg_db_text(r, 1));
    out->mime = gg_strdup(a, gg_db_text(r, 2));
    out->size = gg_db_i64(r, 3);
    out->name = gg_db_isnull(r, 4) ? NULL : gg_strdup(a, gg_db_text(r, 4));
    out->uploaded_by = gg_db_isnull(r, 5) ? 0 : gg_db_i64(r, 5);
    out->linked_at = gg_db_isnull(r, 6) ? 0 : gg_db_i64(r, 6);
    out->created_at = gg_db_i64(r, 7);
}

int gg_attachment_store(gg_db_conn_t *c, gg_arena_t *a, const char *data_dir,
                        const gg_attachment_upload_t *in, gg_attachment_t *out, gg_error_t *err)
{
    if (in->fd < 0 || in->size <= 0) {
        gg_err_invalid(err, "file", "the upload is empty: send the file as the request body");
        return gg_error_reason(err, "empty");
    }
    if (in->size > gg_attachment_max_bytes()) {
        gg_error_set(err, 413, "payload_too_large", "file", "the file is larger than %lld bytes",
                     (long long)gg_attachment_max_bytes());
        return gg_error_limits(err, "too_large", 0, 0, 1, gg_attachment_max_bytes());
    }
    /* the first 64 KiB are plenty for every type on the allow-list (signatures sit at the start) */
    unsigned char head[65536];
    ssize_t got = pread(in->fd, head, sizeof head, 0);
    if (got <= 0) return gg_err_internal(err, "the upload could not be read back");
    const char *mime;
    if (gg_attachment_sniff(a, head, (size_t)got, &mime, err) < 0) return -1;
    if (!gg_attachment_mime_allowed(mime)) {
        gg_error_set(err, 415, "unsupported_media_type", "file",
                     "files of type %s are not accepted: send a JPEG, PNG, WebP or HEIC photo or a PDF",
                     mime);
        return gg_error_named(err, "type_not_allowed", "%s", mime);
    }
    /* the declared type is not checked against it: phones label HEIC photos octet-stream, browsers guess
     * from the extension; the sniffed type is what is stored and served (gg_attachment_declared_agrees) */
    unsigned char h[32];
    if (in->sha256)
        memcpy(h, in->sha256, 32);
    else if (hash_fd(in->fd, in->size, h) < 0)
        return gg_err_internal(err, "the upload could not be read back");
    char hex[65];
    hex_of(h, hex);
    if (put_content(a, data_dir, in->fd, in->size, hex, err) < 0) return -1;
    const char *name = gg_attachment_clean_name(a, in->name);
    char token_hash[65];
    if (in->upload_token) gg_sha256_hex(in->upload_token, strlen(in->upload_token), token_hash);
    int64_t now = gg_now_ms(), id = 0;
    int found = 0;
    if (gg_db_query_i64(c,
                        "INSERT INTO attachment (sha256, mime, size, name, uploaded_by, upload_token_hash, "
                        "client_ip, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                        GG_ARGS(GG_TEXT(hex), GG_TEXT(mime), GG_I64(in->size), GG_TEXT(name),
                                in->account_id ? GG_I64(in->account_id) : GG_NULL,
                                in->upload_token ? GG_TEXT(token_hash) : GG_NULL, GG_TEXT(in->client_ip),
                                GG_I64(now)),
                        &id, &found, err) < 0)
        return -1;
    /* a purge may have removed the file between put_content and the row (it found no row for it): the row
     * is committed now, so a second put is final */
    if (access(gg_attachment_path(a, data_dir, hex), F_OK) != 0 &&
        put_content(a, data_dir, in->fd, in->size, hex, err) < 0)
        return -1;
    memset(out, 0, sizeof *out);
    out->id = id;
    out->sha256 = gg_strdup(a, hex);
    out->mime = mime;
    out->size = in->size;
    out->name = name;
    out->uploaded_by = in->account_id;
    out->created_at = now;
    return 0;
}

/* ---- linking ---- */

static int valid_word(const char *s, size_t max)
{
    if (!s || !*s || strlen(s) > max) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || *s == '_')) return 0;
    return 1;
}

static int not_yours(gg_error_t *err)
{
    gg_err_invalid(err, "attachment_ids",
                   "an attachment is unknown, already used, or not uploaded by you: upload it again");
    return gg_error_reason(err, "not_yours");
}

int gg_attachment_claim(const gg_op_t *op, const int64_t *ids, int n, const char *upload_token,
                        const char *owner_type, int64_t owner_id, const char *role, gg_error_t *err)
{
    if (n <= 0) return 0;
    if (n > GG_ATTACHMENT_MAX_PER_CLAIM) {
        gg_err_invalid(err, "attachment_ids", "at most %d attachments at a time",
                       GG_ATTACHMENT_MAX_PER_CLAIM);
        return gg_error_limits(err, "too_many", 0, 0, 1, GG_ATTACHMENT_MAX_PER_CLAIM);
    }
    if (!valid_word(owner_type, 32) || !valid_word(role, 32) || owner_id <= 0)
        return gg_err_internal(err, "attachment claim with a bad owner or role");
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++)
            if (ids[i] == ids[j]) {
                gg_err_invalid(err, "attachment_ids", "attachment %lld is named twice", (long long)ids[i]);
                return gg_error_reason(err, "duplicate");
            }
    char token_hash[65] = "";
    if (upload_token && *upload_token) gg_sha256_hex(upload_token, strlen(upload_token), token_hash);
    int64_t me = op->auth ? op->auth->account_id : 0;
    int64_t now = gg_now_ms();
    for (int i = 0; i < n; i++) {
        if (ids[i] <= 0) return not_yours(err);
        gg_db_res_t *r;
        if (gg_db_query(
                op->c,
                "SELECT uploaded_by, upload_token_hash FROM attachment WHERE id = $1 AND linked_at IS NULL",
                GG_ARGS(GG_I64(ids[i])), &r, err) < 0)
            return -1;
        int rc = gg_db_next(r, err);
        int mine = 0;
        if (rc > 0) {
            int64_t by = gg_db_isnull(r, 0) ? 0 : gg_db_i64(r, 0);
            const char *th = gg_db_text(r, 1);
            mine = (me && by == me) || (*token_hash && th && gg_ct_streq(th, token_hash));
        }
        gg_db_res_free(r);
        if (rc < 0) return -1;
        if (!mine) return not_yours(err);
    }
    /* every id checked before any is touched: a refused claim changes nothing even outside a transaction */
    for (int i = 0; i < n; i++) {
        int64_t changed = 0;
        if (gg_db_exec(op->c, "UPDATE attachment SET linked_at = $2 WHERE id = $1 AND linked_at IS NULL",
                       GG_ARGS(GG_I64(ids[i]), GG_I64(now)), &changed, err) < 0)
            return -1;
        if (changed != 1) return not_yours(err);
        if (gg_db_exec(
                op->c,
                "INSERT INTO attachment_link (attachment_id, owner_type, owner_id, role, created_at) "
                "VALUES ($1, $2, $3, $4, $5)",
                GG_ARGS(GG_I64(ids[i]), GG_TEXT(owner_type), GG_I64(owner_id), GG_TEXT(role), GG_I64(now)),
                NULL, err) < 0)
            return -1;
    }
    return 0;
}

#define LIST_BATCH 100

int gg_attachment_list(gg_db_conn_t *c, gg_arena_t *a, const char *owner_type, const int64_t *owner_ids,
                       int n, gg_attachment_t **rows, int *nrows, gg_error_t *err)
{
    *rows = NULL;
    *nrows = 0;
    int cap = 0;
    for (int from = 0; from < n; from += LIST_BATCH) {
        int k = n - from < LIST_BATCH ? n - from : LIST_BATCH;
        gg_buf_t sql;
        gg_buf_init(&sql, 512);
        gg_buf_puts(
            &sql, "SELECT " COLS ", l.owner_type, l.owner_id, l.role FROM attachment_link l "
                  "JOIN attachment a ON a.id = l.attachment_id WHERE l.owner_type = $1 AND l.owner_id IN (");
        gg_db_arg_t args[LIST_BATCH + 1];
        args[0] = GG_TEXT(owner_type);
        for (int i = 0; i < k; i++) {
            gg_buf_printf(&sql, "%s$%d", i ? ", " : "", i + 2);
            args[i + 1] = GG_I64(owner_ids[from + i]);
        }
        gg_buf_puts(&sql, ") ORDER BY l.owner_id, a.id");
        gg_db_res_t *r;
        int rc = gg_db_query(c, sql.data, args, k + 1, &r, err);
        gg_buf_free(&sql);
        if (rc < 0) return -1;
        while ((rc = gg_db_next(r, err)) > 0) {
            if (*nrows == cap) {
                int ncap = cap ? cap * 2 : 16;
                gg_attachment_t *grown = gg_alloc(a, sizeof *grown * (size_t)ncap);
                if (*nrows) memcpy(grown, *rows, sizeof *grown * (size_t)*nrows);
                *rows = grown;
                cap = ncap;
            }
            gg_attachment_t *row = &(*rows)[(*nrows)++];
            read_row(r, a, row);
            row->owner_type = gg_strdup(a, gg_db_text(r, 8));
            row->owner_id = gg_db_i64(r, 9);
            row->role = gg_strdup(a, gg_db_text(r, 10));
        }
        gg_db_res_free(r);
        if (rc < 0) return -1;
    }
    return 0;
}

/* ---- who may see one ---- */

#define MAX_OWNER_TYPES 16
static struct {
    const char *type;
    gg_attachment_owner_fn fn;
} owners[MAX_OWNER_TYPES];
static int nowners;

int gg_attachment_owner_register(const char *owner_type, gg_attachment_owner_fn fn)
{
    for (int i = 0; i < nowners; i++)
        if (strcmp(owners[i].type, owner_type) == 0) {
            owners[i].fn = fn;
            return 0;
        }
    if (nowners == MAX_OWNER_TYPES) return -1;
    owners[nowners].type = owner_type;
    owners[nowners].fn = fn;
    nowners++;
    return 0;
}

static gg_attachment_owner_fn owner_fn(const char *type)
{
    for (int i = 0; i < nowners; i++)
        if (strcmp(owners[i].type, type) == 0) return owners[i].fn;
    return NULL;
}

static int nobody(gg_error_t *err)
{
    return gg_err_not_found(err, "no such attachment");
}

int gg_attachment_get(const gg_op_t *op, int64_t id, gg_attachment_t *out, gg_error_t *err)
{
    gg_db_res_t *r;
    if (gg_db_query(op->c, "SELECT " COLS " FROM attachment a WHERE a.id = $1", GG_ARGS(GG_I64(id)), &r,
                    err) < 0)
        return -1;
    int rc = gg_db_next(r, err);
    if (rc > 0) read_row(r, op->arena, out);
    gg_db_res_free(r);
    if (rc < 0) return -1;
    if (rc == 0) return nobody(err);
    int64_t me = op->auth ? op->auth->account_id : 0;
    if (!out->linked_at) return me && out->uploaded_by == me ? 0 : nobody(err);
    /* linked: visible through any of its owners */
    if (gg_db_query(op->c,
                    "SELECT owner_type, owner_id, role FROM attachment_link WHERE attachment_id = $1 "
                    "ORDER BY created_at, owner_type, owner_id",
                    GG_ARGS(GG_I64(id)), &r, err) < 0)
        return -1;
    int n = 0;
    struct {
        const char *type, *role;
        int64_t id;
    } links[8];
    while ((rc = gg_db_next(r, err)) > 0 && n < 8) {
        links[n].type = gg_strdup(op->arena, gg_db_text(r, 0));
        links[n].id = gg_db_i64(r, 1);
        links[n].role = gg_strdup(op->arena, gg_db_text(r, 2));
        n++;
    }
    gg_db_res_free(r);
    if (rc < 0) return -1;
    for (int i = 0; i < n; i++) {
        gg_attachment_owner_fn fn = owner_fn(links[i].type);
        if (!fn) continue;
        gg_error_t e2 = {0};
        int vrc = fn(op, links[i].id, &e2);
        if (vrc == 0) {
            out->owner_type = links[i].type;
            out->owner_id = links[i].id;
            out->role = links[i].role;
            return 0;
        }
        if (e2.http_status >= 500) {
            *err = e2;
            return -1;
        }
    }
    return nobody(err);
}

int gg_attachment_public_get(gg_db_conn_t *c, gg_arena_t *a, const char *case_number, const char *secret,
                             int64_t id, gg_attachment_t *out, gg_error_t *err)
{
    if (!case_number || !*case_number || !secret || !*secret || strlen(secret) > 200 ||
        strlen(case_number) > 40)
        return nobody(err);
    char h[65];
    gg_sha256_hex(secret, strlen(secret), h);
    gg_db_res_t *r;
    if (gg_db_query(c,
                    "SELECT " COLS ", l.owner_type, l.owner_id, l.role FROM attachment a "
                    "JOIN attachment_link l ON l.attachment_id = a.id AND l.owner_type = 'case_event' "
                    "JOIN case_event e ON e.id = l.owner_id AND e.public = 1 "
                    "JOIN case_item k ON k.id = e.case_id "
                    "WHERE a.id = $1 AND k.number = $2 AND k.secret_hash = $3",
                    GG_ARGS(GG_I64(id), GG_TEXT(case_number), GG_TEXT(h)), &r, err) < 0)
        return -1;
    int rc = gg_db_next(r, err);
    if (rc > 0) {
        read_row(r, a, out);
        out->owner_type = gg_strdup(a, gg_db_text(r, 8));
        out->owner_id = gg_db_i64(r, 9);
        out->role = gg_strdup(a, gg_db_text(r, 10));
    }
    gg_db_res_free(r);
    if (rc < 0) return -1;
    return rc == 0 ? nobody(err) : 0;
}

/* ---- owner checkers ---- */

/* A case event's attachments: whoever may see the case (gg_case_load: the visibility of docs/cases.md) sees
 * those of its public events; those of internal events (an internal note) only staff of the case, as the
 * timeline shows them (gg_case_events). */
static int case_event_visible(const gg_op_t *op, int64_t event_id, gg_error_t *err)
{
    if (!op->auth) return nobody(err);
    gg_db_res_t *r;
    if (gg_db_query(op->c, "SELECT case_id, public FROM case_event WHERE id = $1", GG_ARGS(GG_I64(event_id)),
                    &r, err) < 0)
        return -1;
    int rc = gg_db_next(r, err);
    int64_t case_id = rc > 0 ? gg_db_i64(r, 0) : 0;
    int public = rc > 0 && gg_db_i64(r, 1) != 0;
    gg_db_res_free(r);
    if (rc < 0) return -1;
    if (rc == 0) return nobody(err);
    gg_op_t o = *op;
    gg_case_t k;
    if (gg_case_load(&o, case_id, 0, &k, err) < 0) return -1;
    return public || gg_case_is_staff(op->auth, &k) ? 0 : nobody(err);
}

void gg_attachment_owners_init(void)
{
    gg_attachment_owner_register("case_event", case_event_visible);
}

/* ---- housekeeping ---- */

/* A file no row names any more is removed unless it was put in place or reused within this long: an upload
 * that found it may be about to insert its row. */
#define FILE_GRACE_MS (60 * 60 * 1000)

static int sha_in_use(gg_db_conn_t *c, const char *hex, int *used, gg_error_t *err)
{
    int64_t one = 0;
    int found = 0;
    if (gg_db_query_i64(c, "SELECT 1 FROM attachment WHERE sha256 = $1 LIMIT 1", GG_ARGS(GG_TEXT(hex)), &one,
                        &found, err) < 0)
        return -1;
    *used = found;
    return 0;
}

static void purge_tmp(const char *data_dir, int64_t now_ms, int64_t max_age_ms)
{
    char dir[1200];
    snprintf(dir, sizeof dir, "%s/attachments/tmp", data_dir);
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[1500];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (int64_t)st.st_mtime * 1000 < now_ms - max_age_ms)
            unlink(path);
    }
    closedir(d);
}

int gg_attachment_purge(gg_db_conn_t *c, const char *data_dir, int64_t now_ms, int64_t max_age_ms,
                        int *deleted, gg_error_t *err)
{
    *deleted = 0;
    gg_arena_t *a = gg_arena_new(4096);
    int rc = -1;
    gg_db_res_t *r;
    /* a bounded batch per run: the job comes back soon */
    if (gg_db_query(c,
                    "SELECT id, sha256 FROM attachment WHERE linked_at IS NULL AND created_at < $1 "
                    "ORDER BY id LIMIT 500",
                    GG_ARGS(GG_I64(now_ms - max_age_ms)), &r, err) < 0)
        goto out;
    int n = 0, cap = 0, step;
    int64_t *ids = NULL;
    const char **shas = NULL;
    while ((step = gg_db_next(r, err)) > 0) {
        if (n == cap) {
            int ncap = cap ? cap * 2 : 32;
            int64_t *ni = gg_alloc(a, sizeof *ni * (size_t)ncap);
            const char **ns = gg_alloc(a, sizeof *ns * (size_t)ncap);
            if (n) {
                memcpy(ni, ids, sizeof *ni * (size_t)n);
                memcpy(ns, shas, sizeof *ns * (size_t)n);
            }
            ids = ni, shas = ns, cap = ncap;
        }
        ids[n] = gg_db_i64(r, 0);
        shas[n] = gg_strdup(a, gg_db_text(r, 1));
        n++;
    }
    gg_db_res_free(r);
    if (step < 0) goto out;
    for (int i = 0; i < n; i++) {
        int64_t changed = 0;
        /* still unlinked: a claim may have come in since the select */
        if (gg_db_exec(c, "DELETE FROM attachment WHERE id = $1 AND linked_at IS NULL",
                       GG_ARGS(GG_I64(ids[i])), &changed, err) < 0)
            goto out;
        *deleted += (int)changed;
    }
    for (int i = 0; i < n; i++) {
        if (!gg_attachment_sha256_valid(shas[i])) continue;
        int used = 0;
        if (sha_in_use(c, shas[i], &used, err) < 0) goto out;
        if (used) continue;
        const char *path = gg_attachment_path(a, data_dir, shas[i]);
        struct stat st;
        if (stat(path, &st) == 0 && (int64_t)st.st_mtime * 1000 < now_ms - FILE_GRACE_MS) unlink(path);
    }
    purge_tmp(data_dir, now_ms, FILE_GRACE_MS);
    rc = 0;
out:
    gg_arena_free(a);
    return rc;
}
