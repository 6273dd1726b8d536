/*
 * resident.h — residents (实有人口), with the fields of GB/T 31000-2015 that
 * apply: name, gender, birth date, ethnicity (民族), nationality, the ID
 * document (居民身份证 number checked against GB 11643), phone, resident type
 * (户籍 registered / 流动 migrant / 境外 foreign), registered address (户籍地)
 * vs. current house, 人户一致/人户分离 (household_registration_matches),
 * education, marital status, occupation, party member, volunteer; tags.
 *
 * Where a resident belongs: the grid of their current house, or — before they
 * are placed in a house — the community, grid or micro-grid that registered
 * them (unit_id).  unit_path is that unit's path, for scope (resident.read,
 * resident.write; 404 outside scope, 403 in scope without permission).
 *
 * Personal data: the ID number and the phone are stored only as secretbox
 * ciphertext plus a keyed blind index (exact search and a unique ID number
 * without plaintext in the database).  Structs here hold them decrypted; the
 * API masks them unless the caller has pii.read over the resident and asks,
 * and gg_resident_audit_reveal records such a read.  Audit rows of writes say
 * "set"/"changed"/"removed" for those two fields, never the values.
 */
#ifndef GG_DOMAIN_RESIDENT_H
#define GG_DOMAIN_RESIDENT_H

#include "domain/domain.h"

typedef struct gg_tag_ref {
    const char *code, *name;
    int sensitive;
    int derived; /* follows from the data (the birth date), not set by hand: see tag.h */
} gg_tag_ref_t;

typedef struct gg_resident {
    int64_t id;
    int64_t unit_id, house_id, household_id; /* where: see above (0 = none) */
    const char *unit_path, *unit_code, *unit_name;
    const char *house_code, *house_label; /* read only, from the house */
    const char *relation;                 /* to the household head (household endpoints set it) */
    const char *name, *gender, *birth_date, *ethnicity, *nationality;
    const char *id_type, *id_number, *phone; /* plaintext in memory only */
    const char *resident_type, *registered_address, *current_address;
    int has_registration_matches; /* on create: 0 = derive from the resident type */
    int registration_matches;     /* 1 人户一致, 0 人户分离 */
    int party_member, volunteer;
    const char *education, *marital_status, *occupation, *employer;
    int64_t moved_in_at, moved_out_at, created_at, updated_at;
    int version;
    int ntags;
    gg_tag_ref_t *tags;
    /* 离开: NULL while present; "moved_away" (迁出本地) or "deceased" (死亡), set only by
     * gg_resident_depart and cleared by gg_resident_return */
    const char *departure, *departed_on, *departure_note;
} gg_resident_t;

/* Creation input beyond the record: where to put the resident, and tags. */
typedef struct gg_resident_new {
    gg_resident_t r;      /* r.house_id or r.unit_id says where */
    int64_t household_id; /* optional: join this household at once ... */
    const char *relation; /* ... with this relation (required then) */
    const char **tags;    /* tag codes, ntags of them */
    int ntags;
} gg_resident_new_t;

typedef struct gg_resident_filter {
    int64_t unit_id, house_id, household_id; /* 0 = any */
    const char *id_number, *phone;           /* exact, through the blind index */
    const char *q;                           /* name fragment */
    const char *type;                        /* resident_type */
    const char *tag;                         /* tag code */
    int separated;                           /* 1: 人户分离 only; 0: 人户一致 only; -1 any */
    const char *status; /* "present", "departed", "all"; NULL: present, or all for an exact ID/phone search */
} gg_resident_filter_t;

int gg_resident_create(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, const gg_actor_t *actor,
                       const gg_auth_t *auth, const gg_resident_new_t *in, int64_t *id, gg_error_t *err);
/* A resident the caller may read (resident.read), with tags; 404 otherwise. */
int gg_resident_get(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, const gg_auth_t *auth, int64_t id,
                    gg_resident_t *out, gg_error_t *err);
/* Residents in scope matching f, by id, with tags.  total (may be NULL) gets the count when want_total. */
int gg_resident_list(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, const gg_auth_t *auth,
                     const gg_resident_filter_t *f, const gg_page_t *page, gg_resident_t **rows, int *n,
                     int64_t *total, gg_error_t *err);
/*
 * Write next over cur (loaded with gg_resident_get in the same transaction);
 * version is what the client saw.  Moving a resident who is not in a household
 * is a change of next->house_id / next->unit_id; members of a household move
 * with the household endpoints (409 otherwise).
 */
int gg_resident_update(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, const gg_actor_t *actor,
                       const gg_auth_t *auth, const gg_resident_t *cur, const gg_resident_t *next,
                       int version, gg_error_t *err);
/*
 * 登记离开: the resident left the area (reason "moved_away") or died ("deceased") on the date on
 * (YYYY-MM-DD, not in the future nor before the birth date).  A household member leaves the
 * household first (a head with other members must hand over first: 400).  The record stays,
 * out of the population counts and the default lists.  409 when already departed or version is
 * stale.  gg_resident_return undoes it (the resident is back, in no house).
 */
int gg_resident_depart(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, const gg_actor_t *actor,
                       const gg_auth_t *auth, int64_t id, const char *reason, const char *on,
                       const char *note, int version, gg_error_t *err);
int gg_resident_return(gg_db_conn_t *c, gg_arena_t *a, const gg_keys_t *keys, const gg_actor_t *actor,
                       const gg_auth_t *auth, int64_t id, int version, gg_error_t *err);
/* Record that the caller saw these fields unmasked ("id_number", "phone"); 403 without pii.read. */
int gg_resident_audit_reveal(gg_db_conn_t *c, gg_arena_t *a, const gg_actor_t *actor, const gg_auth_t *auth,
                             const gg_resident_t *r, const char *const *fields, int nfields, gg_error_t *err);

#endif
