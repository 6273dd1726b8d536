/* crypto.c — key file, personal-data encryption, blind index, masking, tokens (see crypto.h). */
#include "auth/crypto.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/utf8.h"

#define KEY_FILE "gridgov.key"
#define KDF_CTX "gridgov1"

int gg_crypto_init(void)
{
    return sodium_init() < 0 ? -1 : 0;
}

static void derive(gg_keys_t *k, const unsigned char master[32])
{
    crypto_kdf_derive_from_key(k->enc, 32, 1, KDF_CTX, master);
    crypto_kdf_derive_from_key(k->bidx, 32, 2, KDF_CTX, master);
    crypto_kdf_derive_from_key(k->csrf, 32, 3, KDF_CTX, master);
    crypto_kdf_derive_from_key(k->check, 32, 4, KDF_CTX, master);
    crypto_kdf_derive_from_key(k->audit, 32, 5, KDF_CTX, master);
}

int gg_keys_load(const char *data_dir, int create, gg_keys_t *keys, int *created, gg_error_t *err)
{
    char path[1100];
    unsigned char master[32];
    int fd = -1, rc = -1;
    if (created) *created = 0;
    snprintf(path, sizeof path, "%s/%s", data_dir, KEY_FILE);
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 && errno == ENOENT && create) {
        crypto_kdf_keygen(master);
        int wfd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (wfd < 0) {
            gg_error_set(err, 500, "key_file", "data_dir", "cannot create key file %s: %s", path,
                         strerror(errno));
            goto out;
        }
        int ok = write(wfd, master, 32) == 32 && fsync(wfd) == 0;
        close(wfd);
        if (!ok) {
            unlink(path);
            gg_error_set(err, 500, "key_file", "data_dir", "cannot write key file %s", path);
            goto out;
        }
        derive(keys, master);
        if (created) *created = 1;
        rc = 0;
        goto out;
    }
    if (fd < 0) {
        gg_error_set(err, 500, "key_file", "data_dir",
                     "key file %s is missing (%s); personal data cannot be read or written without it — "
                     "restore it from your backup, or run `gridgov init` for a new installation",
                     path, strerror(errno));
        goto out;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        gg_error_set(err, 500, "key_file", "data_dir", "key file %s is not a regular file", path);
        goto out;
    }
    if (st.st_mode & 077) {
        gg_error_set(err, 500, "key_file", "data_dir",
                     "key file %s is accessible to other users (mode %03o); run: chmod 600 %s", path,
                     (unsigned)(st.st_mode & 0777), path);
        goto out;
    }
    if (st.st_size != 32 || read(fd, master, 32) != 32) {
        gg_error_set(err, 500, "key_file", "data_dir", "key file %s is damaged (expected 32 bytes)", path);
        goto out;
    }
    derive(keys, master);
    rc = 0;
out:
    if (fd >= 0) close(fd);
    sodium_memzero(master, sizeof master);
    return rc;
}

void gg_keys_check_value(const gg_keys_t *keys, char out[65])
{
    unsigned char h[32];
    crypto_generichash(h, 32, (const unsigned char *)"gridgov key check", 17, keys->check, 32);
    sodium_bin2hex(out, 65, h, 32);
}

char *gg_pii_encrypt(const gg_keys_t *k, gg_arena_t *a, const char *plain)
{
    if (!plain) return NULL;
    size_t n = strlen(plain);
    size_t blen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n;
    unsigned char *buf = gg_alloc(a, blen);
    randombytes_buf(buf, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(buf + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain, n, buf, k->enc);
    size_t olen = sodium_base64_ENCODED_LEN(blen, sodium_base64_VARIANT_ORIGINAL);
    char *out = gg_alloc(a, olen);
    sodium_bin2base64(out, olen, buf, blen, sodium_base64_VARIANT_ORIGINAL);
    return out;
}

char *gg_pii_decrypt(const gg_keys_t *k, gg_arena_t *a, const char *cipher)
{
    if (!cipher) return NULL;
    size_t clen = strlen(cipher);
    unsigned char *buf = gg_alloc(a, clen + 1);
    size_t blen;
    if (sodium_base642bin(buf, clen, cipher, clen, NULL, &blen, NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
        return NULL;
    if (blen < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) return NULL;
    size_t n = blen - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
    char *out = gg_alloc(a, n + 1);
    if (crypto_secretbox_open_easy((unsigned char *)out, buf + crypto_secretbox_NONCEBYTES,
                                   blen - crypto_secretbox_NONCEBYTES, buf, k->enc) != 0)
        return NULL;
    out[n] = 0;
    return out;
}

char *gg_pii_blind_index(const gg_keys_t *k, gg_arena_t *a, const char *plain)
{
    if (!plain) return NULL;
    /* normalise so "420204199001011234" and "420204199001011234 " or a lower-case x match */
    size_t n = strlen(plain);
    char *norm = gg_alloc(a, n + 1);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)plain[i];
        if (isspace(c) || c == '-') continue;
        norm[j++] = (char)toupper(c);
    }
    norm[j] = 0;
    unsigned char h[32];
    crypto_generichash(h, 32, (const unsigned char *)norm, j, k->bidx, 32);
    char *out = gg_alloc(a, 65);
    sodium_bin2hex(out, 65, h, 32);
    return out;
}

/* Keep the first `head` and last `tail` characters, star the rest. */
static char *mask(gg_arena_t *a, const char *s, size_t head, size_t tail)
{
    if (!s) return NULL;
    size_t n = strlen(s);
    char *out = gg_alloc(a, n + 1);
    if (n <= head + tail) {
        memset(out, '*', n);
        out[n] = 0;
        return out;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = (i < head || i >= n - tail) ? s[i] : '*';
    out[n] = 0;
    return out;
}

char *gg_mask_id_number(gg_arena_t *a, const char *id)
{
    return mask(a, id, 4, 4);
}

char *gg_mask_phone(gg_arena_t *a, const char *phone)
{
    return mask(a, phone, 3, 4);
}

void gg_random_token(char out[44])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, 44, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void gg_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(out, 65, h, sizeof h);
}

void gg_csrf_token(const gg_keys_t *k, const char *session_token, char out[44])
{
    unsigned char h[32];
    crypto_generichash(h, 32, (const unsigned char *)session_token, strlen(session_token), k->csrf, 32);
    sodium_bin2base64(out, 44, h, sizeof h, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int gg_ct_streq(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb) return 0;
    return sodium_memcmp(a, b, la) == 0;
}

int gg_password_hash(const char *password, uint64_t opslimit, size_t memlimit, char out[128], gg_error_t *err)
{
    if (crypto_pwhash_str(out, password, strlen(password), opslimit, memlimit) != 0)
        return gg_err_internal(err, "password hashing failed (out of memory?)");
    return 0;
}

int gg_password_verify(const char *hash, const char *password)
{
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

int gg_password_policy(const char *pw, const char *username, const char *field, gg_error_t *err)
{
    size_t n = strlen(pw);
    if (!gg_utf8_valid(pw, n)) return gg_err_invalid(err, field, "the password is not valid UTF-8");
    size_t chars = gg_utf8_len(pw);
    if (chars < 10) return gg_err_invalid(err, field, "the password must have at least 10 characters");
    if (chars > 128) return gg_err_invalid(err, field, "the password must have at most 128 characters");
    int lower = 0, upper = 0, digit = 0, other = 0;
    for (const unsigned char *p = (const unsigned char *)pw; *p; p++) {
        if (islower(*p))
            lower = 1;
        else if (isupper(*p))
            upper = 1;
        else if (isdigit(*p))
            digit = 1;
        else
            other = 1;
    }
    if (lower + upper + digit + other < 3)
        return gg_err_invalid(
            err, field,
            "the password must mix at least three of: lower-case letters, upper-case letters, "
            "digits, other characters");
    if (username && *username && strcasestr(pw, username))
        return gg_err_invalid(err, field, "the password must not contain the user name");
    return 0;
}
