// services/units.js — /api/v1/units (docs/api.md "Units").  Every answer is
// already filtered by the caller's scope; a unit outside it is a 404.
import { api, withQuery, seg } from '../api.js'

export function getUnit(id) {
  return api.get(`/api/v1/units/${seg(id)}`)
}

/** Children in scope, each with child_count (0 = nothing to expand). */
export async function getChildren(id) {
  const body = await api.get(`/api/v1/units/${seg(id)}/children`)
  return body && Array.isArray(body.items) ? body.items : []
}

/** Ancestors from the root down, not including the unit itself. */
export async function getAncestors(id) {
  const body = await api.get(`/api/v1/units/${seg(id)}/ancestors`)
  return body && Array.isArray(body.items) ? body.items : []
}

/** Name fragment or code prefix (digits); shallowest first. */
export async function searchUnits(q, { level, limit = 20, includeRetired = false } = {}) {
  const body = await api.get(withQuery('/api/v1/units', { q, level, limit, include_retired: includeRetired }))
  return body && Array.isArray(body.items) ? body.items : []
}

/** body: {parent_id, level, code, name} */
export function createUnit(body) {
  return api.post('/api/v1/units', body)
}

/** Counts for the unit's subtree, each within the caller's scope (docs/api.md "Units"). */
export function getUnitStats(id) {
  return api.get(`/api/v1/units/${seg(id)}/stats`)
}

/**
 * The unit with its own border: {…unit, geometry: GeoJSON Polygon | MultiPolygon | null, version}.
 * Borders can be large, so a plain getUnit leaves them out.
 */
/**
 * The borders around a unit — its own, its parent's, its siblings' and its children's, those in the caller's
 * scope: {unit_id, items: [{id, level, code, name, relation, centroid, geometry}]} (the base map without tiles).
 */
export function getUnitBorders(id) {
  return api.get(`/api/v1/units/${seg(id)}/borders`)
}

export function getUnitBoundary(id) {
  return api.get(withQuery(`/api/v1/units/${seg(id)}`, { geometry: 1 }))
}

/**
 * A community's (street's …) new border: body {geometry, version} with the
 * version getUnitBoundary read (409 version_conflict when it is stale).  The
 * server checks it against the parent's border, the other units of its level
 * and its own grids; → the unit with its geometry.
 */
export function setUnitBoundary(id, body) {
  return api.put(`/api/v1/units/${seg(id)}/geometry`, body)
}
