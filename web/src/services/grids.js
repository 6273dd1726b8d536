// services/grids.js — /api/v1/grids, /locate and grid assignments (docs/api.md
// "Grids").  Grids are units of level grid / micro_grid with a GeoJSON polygon.
import { api, withQuery, seg } from '../api.js'

/** One page {items, next}.  geometry=false leaves the polygons out. */
export function listGrids({ unitId, parentId, level, includeRetired = false, geometry = true, after, limit = 1000 } = {}) {
  return api.get(
    withQuery('/api/v1/grids', {
      unit_id: unitId,
      parent_id: parentId,
      level,
      include_retired: includeRetired,
      geometry: geometry ? undefined : '0',
      after,
      limit,
    }),
  )
}

/**
 * Every grid under a unit, page after page (a street is one or two pages of
 * 1000).  onProgress(n) reports how many have arrived, for the map's spinner.
 */
export async function listAllGrids(opts = {}, onProgress) {
  const out = []
  let after
  for (let i = 0; i < 50; i++) {
    const page = await listGrids({ ...opts, after })
    out.push(...(page.items || []))
    if (onProgress) onProgress(out.length)
    if (!page.next) break
    after = page.next
  }
  return out
}

export function getGrid(id) {
  return api.get(`/api/v1/grids/${seg(id)}`)
}

/** patch: {name?, geometry?, version?} */
export function updateGrid(id, patch) {
  return api.patch(`/api/v1/grids/${seg(id)}`, patch)
}

/** body: {parent_id, retire: [ids], create: [{name, geometry, code?, parent_id?}], note?} */
export function restructureGrids(body) {
  return api.post('/api/v1/grids/restructure', body)
}

export async function getLineage(id) {
  const body = await api.get(`/api/v1/grids/${seg(id)}/lineage`)
  return body && Array.isArray(body.items) ? body.items : []
}

/** The most specific grid containing the point; 404 not_found when none in scope does. */
export function locate(lat, lng) {
  return api.get(withQuery('/api/v1/locate', { lat: lat.toFixed(7), lng: lng.toFixed(7) }))
}

export async function listAssignments(gridId, { includeEnded = false } = {}) {
  const body = await api.get(withQuery(`/api/v1/grids/${seg(gridId)}/assignments`, { include_ended: includeEnded }))
  return body && Array.isArray(body.items) ? body.items : []
}

/** body: {duty, account_id? | person_name + person_phone?, building_id?, entrance?, note?, starts_on?, ends_on?} */
export function addAssignment(gridId, body) {
  return api.post(`/api/v1/grids/${seg(gridId)}/assignments`, body)
}

export function endAssignment(id, endsOn) {
  return api.post(`/api/v1/assignments/${seg(id)}/end`, endsOn ? { ends_on: endsOn } : {})
}

/** Household counts of every active grid under the unit, all pages: [{id, households}] (one query a page). */
export async function listGridHouseholds({ unitId } = {}) {
  const out = []
  let after
  for (let i = 0; i < 20; i++) {
    const page = await api.get(withQuery('/api/v1/grids/households', { unit_id: unitId, after }))
    out.push(...(page.items || []))
    if (!page.next) break
    after = page.next
  }
  return out
}

/** Active grids under the unit with no current grid worker: {items: [{id, code, name, parent, households}], next}. */
export function listUnassigned({ unitId, after, limit = 200 } = {}) {
  return api.get(withQuery('/api/v1/grids/unassigned', { unit_id: unitId, after, limit }))
}

/** {max_households, items: [{account, grids, households}]} */
export function listOverloaded({ unitId, maxHouseholds = 300, limit = 50 } = {}) {
  return api.get(withQuery('/api/v1/assignments/overloaded', { unit_id: unitId, max_households: maxHouseholds, limit }))
}
