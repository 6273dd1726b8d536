// services/open311.js — the Open311 clients' API keys (Open311 接口密钥): /api/v1/open311-keys (docs/api.md "Open311").
import { api, seg } from '../api.js'

/** {items: [{id, name, unit_id, unit_name, key_prefix, rate_per_minute, created_at, revoked, revoked_at, last_used_at}]} */
export function listOpen311Keys() {
  return api.get('/api/v1/open311-keys')
}

/** The new key, with `key` (the secret, shown this once). */
export function createOpen311Key({ name, unitId, ratePerMinute }) {
  return api.post('/api/v1/open311-keys', { name, unit_id: unitId, rate_per_minute: ratePerMinute })
}

export function revokeOpen311Key(id) {
  return api.post(`/api/v1/open311-keys/${seg(id)}/revoke`)
}
