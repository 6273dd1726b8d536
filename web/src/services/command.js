// services/command.js — the command centre's reads (docs/api.md "Command centre"): the summary, the map's
// clustered markers, hotspots, repeats and rising grids, and the measures (GET /api/v1/measures…).
import { api, withQuery } from '../api.js'

/** {unit, ancestors, as_of, counters, children, top_categories, top_channels, geometry} */
export function getSummary(unitId) {
  return api.get(withQuery('/api/v1/command/summary', { unit_id: unitId }))
}

/** bounds: a Leaflet LatLngBounds (or null for the whole unit); → {items, total, zoom, truncated} */
export function getMarkers(unitId, bounds, zoom) {
  const bbox = bounds ? [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()].map((v) => v.toFixed(6)).join(',') : undefined
  return api.get(withQuery('/api/v1/command/markers', { unit_id: unitId, bbox, zoom: Math.round(zoom) }))
}

export function getHotspots(unitId, { days = 30, radiusM = 200, minCases = 3 } = {}) {
  return api.get(withQuery('/api/v1/hotspots', { unit_id: unitId, days, radius_m: radiusM, min_cases: minCases }))
}

export function getRepeats(unitId, { days = 30, minCases = 3 } = {}) {
  return api.get(withQuery('/api/v1/hotspots/repeats', { unit_id: unitId, days, min_cases: minCases }))
}

export function getRising(unitId, { days = 30, minCases = 3 } = {}) {
  return api.get(withQuery('/api/v1/hotspots/rising', { unit_id: unitId, days, min_cases: minCases }))
}

/** The measures of a unit and period (from, to: YYYY-MM-DD; none: this month) with the previous period. */
export function getMeasures(unitId, { from, to } = {}) {
  return api.get(withQuery('/api/v1/measures', { unit_id: unitId, from, to }))
}

/** by: day | category | channel | child → {by, items: [{key, name, reported, closed, closed_on_time, overdue}]} */
export function getSeries(unitId, by, { from, to } = {}) {
  return api.get(withQuery('/api/v1/measures/series', { unit_id: unitId, by, from, to }))
}

/** The case list's link for a hotspot's or a repeat's cases. */
export function casesLink(ids) {
  return { name: 'cases', query: { box: 'all', ids: ids.slice(0, 500).join(',') } }
}
