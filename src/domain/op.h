/*
 * op.h — the per-operation context: everything one request's write (or read)
 * needs from the layers around the domain, carried as one value.
 *
 * Contract
 *  - Made once per request by the API layer (api/write.c: gg_api_write), after
 *    authentication, and passed by pointer to the operation's functions; a
 *    domain function that takes a gg_op_t needs no other connection, arena,
 *    caller or key argument.
 *  - c: the checked-out connection; inside the runner's transaction function
 *    it is in the transaction (gg_db_tx), so everything done through it commits
 *    or rolls back together.  Never released by the callee.
 *  - arena: the request arena; what the operation allocates lives until the
 *    response is written.  Strings read from a JSON body are copied into it.
 *  - auth: the authenticated caller (scope and permissions: auth/roles.h);
 *    never NULL for the runner's operations.  actor: the same caller as the
 *    audit log records it (gg_actor_of(auth)), made once instead of per call.
 *  - keys: the application key set (encryption, blind index, audit chain);
 *    read-only.
 *  - A gg_op_t is not shared between threads and not kept past the request.
 */
#ifndef GG_DOMAIN_OP_H
#define GG_DOMAIN_OP_H

#include "domain/domain.h"

typedef struct gg_op {
    gg_db_conn_t *c;
    gg_arena_t *arena;
    const gg_auth_t *auth;
    gg_actor_t actor;
    const gg_keys_t *keys;
} gg_op_t;

/* The context of one operation by auth on connection c. */
static inline gg_op_t gg_op_make(gg_db_conn_t *c, gg_arena_t *arena, const gg_auth_t *auth,
                                 const gg_keys_t *keys)
{
    return (gg_op_t){.c = c, .arena = arena, .auth = auth, .actor = gg_actor_of(auth), .keys = keys};
}

#endif
