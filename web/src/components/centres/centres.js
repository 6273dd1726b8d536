// centres.js — what the pages of the governance centres (docs/centres.md) share: the routes the one window
// offers (the server's gg_matter_routes), where a matter's target opens in the app, the units where the
// session may do something, and a statutory limit's remaining days in Beijing time.
import { session } from '../../session.js'

export const ROUTES = ['mediation', 'legal_aid', 'consultation', 'petition', 'counselling', 'case']
export const DISPUTE_TYPES = ['neighbour', 'family_marriage', 'property_management', 'labour', 'land_housing', 'traffic', 'medical', 'consumer', 'contract', 'environment', 'other']
export const PETITION_KINDS = ['visit', 'letter', 'online']

/** The app's page of a matter's target ({type, id}), or null when it has none the session may open. */
export function targetLink(target) {
  if (!target || !target.id) return null
  const name = { dispute: 'dispute', case: 'case', petition: 'petition' }[target.type]
  return name ? { name, params: { id: target.id } } : null
}

/** The session's grants holding any of perms, one per unit: [{unit_id, unit_name, unit_path}]. */
export function unitsWith(perms) {
  const want = Array.isArray(perms) ? perms : [perms]
  const seen = new Set()
  const out = []
  for (const g of (session.me && session.me.grants) || []) {
    if (!want.some((p) => (g.permissions || []).includes(p)) || seen.has(g.unit_id)) continue
    seen.add(g.unit_id)
    out.push({ unit_id: g.unit_id, unit_name: g.unit_name, unit_path: g.unit_path })
  }
  return out
}

/** Today as YYYY-MM-DD in Beijing time. */
export function todayBeijing(now = Date.now()) {
  return new Date(now + 8 * 3600e3).toISOString().slice(0, 10)
}

/** Whole days from today (Beijing) to the date YYYY-MM-DD: 0 due today, negative overdue; null without one. */
export function daysLeft(date, now = Date.now()) {
  if (!date) return null
  const day = (s) => Date.UTC(Number(s.slice(0, 4)), Number(s.slice(5, 7)) - 1, Number(s.slice(8, 10)))
  return Math.round((day(date) - day(todayBeijing(now))) / 86400e3)
}
