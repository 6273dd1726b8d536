/*
 * crypto.h — keys and the primitives for protecting personal data (DESIGN §6).
 *
 * One key file, <data_dir>/gridgov.key (mode 0600, outside the database), holds
 * a 32-byte master key.  Subkeys are derived with libsodium's KDF, one per use,
 * so a blind index can never be used to decrypt and a CSRF token says nothing
 * about a session token:
 *   "pii_enc"  secretbox key for personal data at rest
 *   "pii_bidx" keyed hash (BLAKE2b) for exact-match search on encrypted fields
 *   "csrf"     derives a session's CSRF token from its session token
 *   "check"    a key-check value stored in the database, so a server started
 *              with the wrong key file refuses instead of writing garbage.
 *   "audit"    keys the audit log's hash chain, so rewriting the log and
 *              recomputing the hashes needs the key file, not just the database.
 * Ciphertext format: base64(nonce || secretbox(plaintext)), text so both
 * databases store it the same way.
 */
#ifndef GG_AUTH_CRYPTO_H
#define GG_AUTH_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/mem.h"

typedef struct gg_keys {
    unsigned char enc[32];
    unsigned char bidx[32];
    unsigned char csrf[32];
    unsigned char check[32];
    unsigned char audit[32];
} gg_keys_t;

int gg_crypto_init(void); /* sodium_init; 0 ok */

/* Load <dir>/gridgov.key.  create: make it (0600) when missing.
 * Refuses a key file readable or writable by group/others, or of the wrong size. */
int gg_keys_load(const char *data_dir, int create, gg_keys_t *keys, int *created, gg_error_t *err);
/* Hex key-check value for the database (identifies the key, reveals nothing of it). */
void gg_keys_check_value(const gg_keys_t *keys, char out[65]);

/* Encrypt plaintext to base64 text from the arena; NULL in, NULL out. */
char *gg_pii_encrypt(const gg_keys_t *k, gg_arena_t *a, const char *plain);
/* Decrypt; NULL when ciphertext is NULL or does not authenticate. */
char *gg_pii_decrypt(const gg_keys_t *k, gg_arena_t *a, const char *cipher);
/* Blind index: hex keyed hash of the normalised value (for WHERE x_bidx = $1). */
char *gg_pii_blind_index(const gg_keys_t *k, gg_arena_t *a, const char *plain);

/* Masking for display: ID number 4202**********1234, phone 138****5678. */
char *gg_mask_id_number(gg_arena_t *a, const char *id);
char *gg_mask_phone(gg_arena_t *a, const char *phone);

/* Random token: 32 bytes as 43 chars base64url (no padding). */
void gg_random_token(char out[44]);
/* Hex SHA-256 of s (how session tokens are stored). */
void gg_sha256_hex(const void *data, size_t len, char out[65]);
/* CSRF token for a session token (base64url, 43 chars). */
void gg_csrf_token(const gg_keys_t *k, const char *session_token, char out[44]);
/* Constant-time string equality. */
int gg_ct_streq(const char *a, const char *b);

/* Passwords: argon2id via crypto_pwhash_str. */
int gg_password_hash(const char *password, uint64_t opslimit, size_t memlimit, char out[128],
                     gg_error_t *err);
int gg_password_verify(const char *hash, const char *password); /* 1 match, 0 no */
/* Policy: 10..128 characters, at least three of lower/upper/digit/other, not the username. */
int gg_password_policy(const char *password, const char *username, const char *field, gg_error_t *err);

#endif
