// services/residents.js — residents and the tag dictionary (docs/api.md
// "Residents").  ID number and phone come back masked; reveal is audited.
import { api, withQuery, seg } from '../api.js'

/**
 * filters: {id_number, phone, q, unit_id, house_id, household_id, type, tag, separated, status}
 * status: 'present' | 'departed' | 'all' — the server's default is present, or all with id_number/phone.
 */
export function listResidents(filters = {}, { after, limit = 50, total = false } = {}) {
  return api.get(withQuery('/api/v1/residents', { ...filters, after, limit, total }))
}
/** reveal: [] | ['id_number'] | ['id_number', 'phone'] — each unmasked read is audited (pii.read). */
export function getResident(id, { reveal = [] } = {}) {
  return api.get(withQuery(`/api/v1/residents/${seg(id)}`, { reveal: reveal.join(',') }))
}
export function createResident(body) {
  return api.post('/api/v1/residents', body)
}
export function updateResident(id, patch) {
  return api.patch(`/api/v1/residents/${seg(id)}`, patch)
}
/** 登记离开: body {reason: 'moved_away'|'deceased', on: 'YYYY-MM-DD', note?, version}; answers the resident. */
export function departResident(id, body) {
  return api.post(`/api/v1/residents/${seg(id)}/departure`, body)
}
/** 撤销离开登记: body {version}; the resident is present again (without a house). */
export function returnResident(id, body) {
  return api.post(`/api/v1/residents/${seg(id)}/return`, body)
}
export function addTag(id, code) {
  return api.put(`/api/v1/residents/${seg(id)}/tags/${seg(code)}`)
}
export function removeTag(id, code) {
  return api.del(`/api/v1/residents/${seg(id)}/tags/${seg(code)}`)
}

// The dictionary changes rarely; one read per page load is enough.
let tagsPromise = null
export function listTags() {
  if (!tagsPromise) {
    tagsPromise = api.get('/api/v1/tags').then((b) => (b && Array.isArray(b.items) ? b.items : []))
    tagsPromise.catch(() => (tagsPromise = null))
  }
  return tagsPromise
}
