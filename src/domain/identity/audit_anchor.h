/*
 * audit_anchor.h — the audit chain's head, anchored outside the database.
 *
 * The chain (audit.h) proves that no row was changed, inserted or removed
 * from the middle, but whoever can write the database can delete the newest
 * rows and set audit_head back: what is left is a shorter, intact chain.  So
 * after every commit that appended audit rows the process appends the new
 * head to <data dir>/audit-anchor.log, one line per commit:
 *
 *     <seq> <row hash> <mac>
 *
 * mac is BLAKE2b keyed with the audit key over the seq and hash, so lines
 * cannot be made up without the key file.  gg_audit_anchor_check compares the
 * newest line with the chain: a log that ends before the anchored row, or
 * holds another row there, was cut.  The write is one append(2) per commit,
 * after the commit and outside the database (no fsync: a crash can lose the
 * newest line, which only makes the anchor lag, never run ahead).
 *
 * Not detected: the newest rows of commits whose line was lost in a crash,
 * and a cut made by someone who can also rewrite the anchor file (ship it off
 * the host, docs/operations.md).
 */
#ifndef GG_DOMAIN_AUDIT_ANCHOR_H
#define GG_DOMAIN_AUDIT_ANCHOR_H

#include "domain/identity/audit.h"

/* Open (create) <data_dir>/audit-anchor.log for appending, once per process.  keys: the audit key is copied.
 */
int gg_audit_anchor_open(const char *data_dir, const gg_keys_t *keys, gg_error_t *err);
void gg_audit_anchor_close(void);

/* From gg_audit_append: the running transaction appended rows (seq/hash, its newest, is not kept): once it
 * commits, the committed head, read back from audit_head, is appended to the anchor file. */
void gg_audit_anchor_note(gg_db_conn_t *c, int64_t seq, const char *hash);

/* Compare the newest anchor line with the chain (call after gg_audit_verify found the chain intact).  Sets
 * v->first_bad_seq and v->reason when the log was cut; v->anchored_seq to the newest anchored row. */
int gg_audit_anchor_check(gg_db_conn_t *c, const char *data_dir, const gg_keys_t *keys, gg_audit_verdict_t *v,
                          gg_error_t *err);

#endif
