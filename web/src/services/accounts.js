// services/accounts.js — /api/v1/accounts (docs/api.md "Accounts").
import { api, withQuery, seg } from '../api.js'

/** One page: {items, next, total?}.  `after` is the cursor from the previous page's `next`. */
export function listAccounts({ q, after, limit = 50, total = false } = {}) {
  return api.get(withQuery('/api/v1/accounts', { q, after, limit, total }))
}

/** The account with its grants.  reveal='phone' shows the phone unmasked and is audited (pii.read). */
export function getAccount(id, { reveal } = {}) {
  return api.get(withQuery(`/api/v1/accounts/${seg(id)}`, { reveal }))
}

/** body: {username, display_name, password, home_unit_id, phone?, role?} */
export function createAccount(body) {
  return api.post('/api/v1/accounts', body)
}

/** patch: {display_name?, phone? ("" removes), status?, version} — a stale version gets 409 version_conflict. */
export function updateAccount(id, patch) {
  return api.patch(`/api/v1/accounts/${seg(id)}`, patch)
}

/** Administrator's reset: the user must change it at the next login. */
export function resetPassword(id, password) {
  return api.post(`/api/v1/accounts/${seg(id)}/password`, { password })
}

export function addGrant(id, role, unitId) {
  return api.post(`/api/v1/accounts/${seg(id)}/grants`, { role, unit_id: unitId })
}

export function revokeGrant(id, grantId) {
  return api.del(`/api/v1/accounts/${seg(id)}/grants/${seg(grantId)}`)
}
