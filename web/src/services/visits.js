// services/visits.js — household visits (入户走访, docs/visits.md): record one (with an Idempotency-Key, so the
// offline outbox's replay makes one), read, the author's correction, 转为事件, coverage and 待走访.
import { api, withQuery, seg, request } from '../api.js'
import { idempotencyKey } from './cases.js'

/** body: {household_id | house_id, kind, met, met_resident_ids?, visited_at?, findings?, needs?, attachment_ids?} */
export function createVisit(body, key) {
  return request('POST', '/api/v1/visits', body, { headers: { 'Idempotency-Key': key || idempotencyKey() } })
}
/** filters: {household_id, house_id, grid_id, unit_id, account_id, kind, from, to} */
export function listVisits(filters = {}, { after, limit = 30 } = {}) {
  return api.get(withQuery('/api/v1/visits', { ...filters, after, limit }))
}
export function householdVisits(id, { after, limit = 20 } = {}) {
  return api.get(withQuery(`/api/v1/households/${seg(id)}/visits`, { after, limit }))
}
export function getVisit(id) {
  return api.get(`/api/v1/visits/${seg(id)}`)
}
/** The author's correction within 24 hours: patch {version, kind?, met?, findings?, needs?, met_resident_ids?} */
export function correctVisit(id, patch) {
  return api.patch(`/api/v1/visits/${seg(id)}`, patch)
}
/** 转为事件: {category_id, description?} → the visit with its case. */
export function visitToCase(id, body) {
  return request('POST', `/api/v1/visits/${seg(id)}/case`, body, { headers: { 'Idempotency-Key': idempotencyKey() } })
}
export function visitCoverage({ unitId, from, to } = {}) {
  return api.get(withQuery('/api/v1/visits/coverage', { unit_id: unitId, from, to }))
}
export function visitsDue({ unitId, limit = 50 } = {}) {
  return api.get(withQuery('/api/v1/visits/due', { unit_id: unitId, limit }))
}

export const VISIT_KINDS = ['routine', 'special_care', 'dispute_followup', 'policy', 'safety', 'epidemic', 'other']
