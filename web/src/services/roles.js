// services/roles.js — GET /api/v1/roles.  The role list only changes with a
// server upgrade, so it is fetched once per page load (and again after a failure).
import { api } from '../api.js'

let cached = null

/** [{code, name, name_en, permissions}] */
export function listRoles() {
  if (!cached) {
    cached = api.get('/api/v1/roles').then(
      (body) => (body && Array.isArray(body.items) ? body.items : []),
      (err) => {
        cached = null
        throw err
      },
    )
  }
  return cached
}
