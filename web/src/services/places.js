// services/places.js — buildings, houses and households (docs/api.md "Places").
// PATCH bodies carry the version last seen; a stale one is 409 version_conflict.
import { api, withQuery, seg } from '../api.js'

export function listBuildings({ unitId, q, includeRetired = false, after, limit = 50 } = {}) {
  return api.get(withQuery('/api/v1/buildings', { unit_id: unitId, q, include_retired: includeRetired, after, limit }))
}
export function getBuilding(id) {
  return api.get(`/api/v1/buildings/${seg(id)}`)
}
/** body: {grid_id, name, code?, address?, location?, floors?, use_type?} */
export function createBuilding(body) {
  return api.post('/api/v1/buildings', body)
}
export function updateBuilding(id, patch) {
  return api.patch(`/api/v1/buildings/${seg(id)}`, patch)
}
/** body: {grid_id, version} — into another grid, with its houses, households and residents. */
export function moveBuilding(id, body) {
  return api.post(`/api/v1/buildings/${seg(id)}/move`, body)
}

export function listHouses(buildingId, { q, includeRetired = false, after, limit = 200 } = {}) {
  return api.get(withQuery(`/api/v1/buildings/${seg(buildingId)}/houses`, { q, include_retired: includeRetired, after, limit }))
}
/** A building's houses, every page (a tower has a few hundred). */
export async function listAllHouses(buildingId) {
  const out = []
  let after
  for (let i = 0; i < 20; i++) {
    const page = await listHouses(buildingId, { after })
    out.push(...(page.items || []))
    if (!page.next) break
    after = page.next
  }
  return out
}
export function getHouse(id) {
  return api.get(`/api/v1/houses/${seg(id)}`)
}
/** body: {room, entrance?, floor?, use_type?, area_m2?} */
export function createHouse(buildingId, body) {
  return api.post(`/api/v1/buildings/${seg(buildingId)}/houses`, body)
}
export function updateHouse(id, patch) {
  return api.patch(`/api/v1/houses/${seg(id)}`, patch)
}

export function listHouseholds({ unitId, houseId, includeDissolved = false, after, limit = 50 } = {}) {
  return api.get(withQuery('/api/v1/households', { unit_id: unitId, house_id: houseId, include_dissolved: includeDissolved, after, limit }))
}
export function getHousehold(id) {
  return api.get(`/api/v1/households/${seg(id)}`)
}
export function createHousehold(body) {
  return api.post('/api/v1/households', body)
}
