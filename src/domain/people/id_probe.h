/*
 * id_probe.h — ID numbers tried that are registered outside the caller's
 * scope (身份证号探测).
 *
 * One person has one record, so registering a resident whose ID number is
 * already registered elsewhere must be refused — which tells whoever may
 * register residents (by hand, by bulk import, dry run included, or by
 * approving a QR registration) that the number is known somewhere.  Such
 * answers are rationed per account: GG_ID_PROBE_BUDGET hits per
 * GG_ID_PROBE_WINDOW_MS.  Past the budget every ID number outside the
 * caller's scope — registered elsewhere or not, so the refusal says nothing —
 * gets 429 until the window ends.  Each request with hits is audited
 * (resident.id_probe, with the count) and an account that reaches the budget
 * is flagged (account.flagged), shown to its administrators on the account.
 * Hits are written after the transaction ends, so a dry run or a refused
 * write still counts.
 */
#ifndef GG_DOMAIN_ID_PROBE_H
#define GG_DOMAIN_ID_PROBE_H

#include "domain/domain.h"

#define GG_ID_PROBE_BUDGET 20
#define GG_ID_PROBE_WINDOW_MS (60LL * 60 * 1000)

/* Before saying anything about an ID number that is not in the caller's scope: 429 (field) when the caller's
 * account has used its budget.  auth NULL (the local operator): no limit. */
int gg_id_probe_check(gg_db_conn_t *c, const gg_auth_t *auth, const char *field, gg_error_t *err);
/* Count one hit for the caller; written when the running transaction ends, whatever its outcome. */
void gg_id_probe_hit(gg_db_conn_t *c, const gg_auth_t *auth);

#endif
