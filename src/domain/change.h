/*
 * change.h — the before/after record of a write, for the audit log's detail.
 *
 * A writer lists the fields it may have changed; only those that differ are
 * recorded, as {"field": {"before": …, "after": …}}.  Personal data (ID
 * numbers, phone numbers) goes through gg_change_secret, which records only
 * "set", "changed" or "removed": the audit log is read by more people than may
 * see those values, and it never holds them in plaintext (DESIGN §6.4).
 * The buffer is malloc'd; gg_change_done copies the JSON into the arena and
 * frees it.
 */
#ifndef GG_DOMAIN_CHANGE_H
#define GG_DOMAIN_CHANGE_H

#include <stdint.h>

#include "core/mem.h"
#include "json/jw.h"

typedef struct gg_change {
    gg_buf_t buf;
    gg_jw_t w;
} gg_change_t;

void gg_change_init(gg_change_t *ch);
/* Any value, recorded as given (no comparison): creation details, reasons. */
void gg_change_note(gg_change_t *ch, const char *key, const char *value);
void gg_change_note_int(gg_change_t *ch, const char *key, int64_t value);
/* Recorded when before and after differ (NULL is a value). */
void gg_change_str(gg_change_t *ch, const char *field, const char *before, const char *after);
void gg_change_int(gg_change_t *ch, const char *field, int has_before, int64_t before, int has_after,
                   int64_t after);
void gg_change_num(gg_change_t *ch, const char *field, int has_before, double before, int has_after,
                   double after);
/* Personal data: "set" / "changed" / "removed", never the value. */
void gg_change_secret(gg_change_t *ch, const char *field, const char *before, const char *after);
/* The JSON object, in the arena. */
char *gg_change_done(gg_change_t *ch, gg_arena_t *a);

#endif
