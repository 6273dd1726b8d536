/*
 * transfer_internal.h — what transfer.c (columns, labels, export) shares with
 * transfer_import.c: the Chinese labels of coded values.  Not for other modules.
 */
#ifndef GG_DOMAIN_TRANSFER_INTERNAL_H
#define GG_DOMAIN_TRANSFER_INTERNAL_H

typedef struct gg_label {
    const char *code;  /* the API value */
    const char *zh;    /* what export writes and the template shows */
    const char *alias; /* more accepted spellings, '|'-separated, or NULL */
} gg_label_t;

extern const gg_label_t gg_xfer_genders[], gg_xfer_resident_types[], gg_xfer_id_types[], gg_xfer_educations[],
    gg_xfer_maritals[], gg_xfer_relations[], gg_xfer_house_uses[];

/* The Chinese label of code (code itself when it has none; NULL for NULL). */
const char *gg_xfer_label(const gg_label_t *labels, const char *code);
/* The code a cell means: a code, a label or an alias (case-insensitive for ASCII); the text itself when it
 * matches nothing, so the validation that follows names the choices. */
const char *gg_xfer_code(const gg_label_t *labels, const char *text);
/* 1 when s equals one of the '|'-separated words of list. */
int gg_xfer_in_list(const char *list, const char *s);

#endif
