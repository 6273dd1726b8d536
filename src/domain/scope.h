/*
 * scope.h — the caller's unit scope as an SQL filter (DESIGN §1, §6.3).
 *
 * gg_scope_sql returns a boolean SQL expression over a unit-path column that
 * is true exactly for units inside a grant carrying `perm`:
 *     (u.path >= '/1/7/' AND u.path < '/1/70') OR ...
 * A range rather than LIKE so both databases use the path index (the column is
 * byte-ordered: COLLATE "C" on PostgreSQL).  Paths are ours and checked to be
 * digits and slashes before they are placed in the text, so the fragment
 * carries no user input.  No grant with perm gives "1=0": nothing.
 */
#ifndef GG_DOMAIN_SCOPE_H
#define GG_DOMAIN_SCOPE_H

#include "auth/roles.h"
#include "core/mem.h"

const char *gg_scope_sql(gg_arena_t *a, const gg_auth_t *auth, uint64_t perm, const char *path_col);

#endif
