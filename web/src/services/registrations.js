// services/registrations.js — QR house codes and registration through them
// (docs/api.md "QR codes and registration"): the public page's two calls (no
// login), the grid worker's registrations, and the code images' URLs.
import { api, withQuery, seg } from '../api.js'

/** What the door says: {house: {community, building, entrance, room, label}}. */
export function publicHouse(token) {
  return api.get(`/api/v1/public/houses/${seg(token)}`, { skipAuthRedirect: true })
}

/** body: {name, id_number, phone, relation, note?} → {status: "received", message}. */
export function submitRegistration(token, body) {
  return api.post(`/api/v1/public/houses/${seg(token)}/registrations`, body, { skipAuthRedirect: true })
}

export function listRegistrations({ status, unitId, houseId, after, limit = 50 } = {}) {
  return api.get(withQuery('/api/v1/registrations', { status, unit_id: unitId, house_id: houseId, after, limit }))
}

/** reveal: [] or a subset of ['id_number', 'phone'] (pii.read, audited). */
export function getRegistration(id, reveal = []) {
  return api.get(withQuery(`/api/v1/registrations/${seg(id)}`, { reveal: reveal.join(',') }))
}

/** body: {relation?, resident_type?, note?, version?} */
export function approveRegistration(id, body = {}) {
  return api.post(`/api/v1/registrations/${seg(id)}/approve`, body)
}

/** body: {reason, version?} */
export function rejectRegistration(id, body) {
  return api.post(`/api/v1/registrations/${seg(id)}/reject`, body)
}

export function rotateQrToken(houseId) {
  return api.post(`/api/v1/houses/${seg(houseId)}/qr-token/rotate`)
}

/** Image and sheet URLs (same origin: the session cookie goes along). */
export function houseQrUrl(houseId, kind = 'svg', { scale, bust } = {}) {
  return withQuery(`/api/v1/houses/${seg(houseId)}/qr.${kind === 'png' ? 'png' : 'svg'}`, { scale, v: bust })
}
export function buildingQrSheetUrl(buildingId) {
  return `/api/v1/buildings/${seg(buildingId)}/qr-sheet`
}

/** Relations to the household head, as the server accepts them (GB/T 4761, simplified). */
export const RELATIONS = ['head', 'spouse', 'child', 'parent', 'grandparent', 'grandchild', 'sibling', 'child_in_law', 'other']
