/* change.c — before/after records for audit details (see change.h). */
#include "domain/change.h"

#include <string.h>

void gg_change_init(gg_change_t *ch)
{
    gg_buf_init(&ch->buf, 128);
    gg_jw_init(&ch->w, &ch->buf);
    gg_jw_obj(&ch->w);
}

void gg_change_note(gg_change_t *ch, const char *key, const char *value)
{
    gg_jw_kstr(&ch->w, key, value);
}

void gg_change_note_int(gg_change_t *ch, const char *key, int64_t value)
{
    gg_jw_kint(&ch->w, key, value);
}

static int str_differs(const char *a, const char *b)
{
    return (a == NULL) != (b == NULL) || (a && b && strcmp(a, b) != 0);
}

void gg_change_str(gg_change_t *ch, const char *field, const char *before, const char *after)
{
    if (!str_differs(before, after)) return;
    gg_jw_key(&ch->w, field);
    gg_jw_obj(&ch->w);
    gg_jw_kstr(&ch->w, "before", before);
    gg_jw_kstr(&ch->w, "after", after);
    gg_jw_obj_end(&ch->w);
}

void gg_change_int(gg_change_t *ch, const char *field, int has_before, int64_t before, int has_after,
                   int64_t after)
{
    if (has_before == has_after && (!has_before || before == after)) return;
    gg_jw_key(&ch->w, field);
    gg_jw_obj(&ch->w);
    gg_jw_key(&ch->w, "before");
    has_before ? gg_jw_int(&ch->w, before) : gg_jw_null(&ch->w);
    gg_jw_key(&ch->w, "after");
    has_after ? gg_jw_int(&ch->w, after) : gg_jw_null(&ch->w);
    gg_jw_obj_end(&ch->w);
}

void gg_change_num(gg_change_t *ch, const char *field, int has_before, double before, int has_after,
                   double after)
{
    if (has_before == has_after && (!has_before || before == after)) return;
    gg_jw_key(&ch->w, field);
    gg_jw_obj(&ch->w);
    gg_jw_key(&ch->w, "before");
    has_before ? gg_jw_num(&ch->w, before) : gg_jw_null(&ch->w);
    gg_jw_key(&ch->w, "after");
    has_after ? gg_jw_num(&ch->w, after) : gg_jw_null(&ch->w);
    gg_jw_obj_end(&ch->w);
}

void gg_change_secret(gg_change_t *ch, const char *field, const char *before, const char *after)
{
    if (!str_differs(before, after)) return;
    gg_jw_kstr(&ch->w, field, !before ? "set" : !after ? "removed" : "changed");
}

char *gg_change_done(gg_change_t *ch, gg_arena_t *a)
{
    gg_jw_obj_end(&ch->w);
    char *out = gg_strdup(a, ch->buf.data);
    gg_buf_free(&ch->buf);
    return out;
}
