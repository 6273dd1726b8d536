// gridColours.js — how a grid is filled on the map.  Two questions people ask
// of a grid map: "where is nobody on duty" (worker) and "where do the
// households sit" (households, five classes split at the data's quantiles).

export const WORKER_COLOURS = { yes: '#67c23a', no: '#f56c6c', unknown: '#c0c4cc' }
export const HOUSEHOLD_COLOURS = ['#e3f2fd', '#90caf9', '#42a5f5', '#1e88e5', '#0d47a1']

/** Class breaks (upper bounds) for the known household counts. */
export function householdBreaks(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  if (!v.length) return []
  const q = (p) => v[Math.min(v.length - 1, Math.floor(p * v.length))]
  return [...new Set([q(0.2), q(0.4), q(0.6), q(0.8), v[v.length - 1]])]
}

export function fillFor(colourBy, fact, breaks) {
  if (colourBy === 'worker') {
    if (!fact || fact.hasWorker === undefined) return WORKER_COLOURS.unknown
    return fact.hasWorker ? WORKER_COLOURS.yes : WORKER_COLOURS.no
  }
  if (colourBy === 'households') {
    if (!fact || !Number.isFinite(fact.households) || !breaks.length) return WORKER_COLOURS.unknown
    const i = breaks.findIndex((b) => fact.households <= b)
    const scale = HOUSEHOLD_COLOURS.slice(HOUSEHOLD_COLOURS.length - breaks.length)
    return scale[i < 0 ? scale.length - 1 : i]
  }
  return '#409eff'
}
