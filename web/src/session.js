// session.js — who is logged in, as told by the server.
//
// The SPA never decides what a user may see: the server filters every query by
// the caller's scopes.  `can` / `hasPermission` here only hide menu items,
// routes and buttons the user could not use anyway.

import { reactive, readonly } from 'vue'
import { api, setCsrfToken } from './api.js'

const state = reactive({
  me: null, // GET /api/v1/me body, or null when logged out / not yet known
  loaded: false, // true once /me has answered (either way) in this page load
})

export const session = readonly(state)

function remember(me) {
  state.me = me
  state.loaded = true
  if (me && me.csrf_token) setCsrfToken(me.csrf_token)
}

// The server sets this cookie (readable, no secret) with the session cookie
// and clears it with it: without it nobody is logged in in this browser, and
// asking /me would only log a 401 on every logged-out page.
const SIGNED_IN_COOKIE = 'gg_signed_in'

function mayBeSignedIn() {
  return document.cookie.split(';').some((c) => c.trim() === `${SIGNED_IN_COOKIE}=1`)
}

function clearSignedIn() {
  document.cookie = `${SIGNED_IN_COOKIE}=; Path=/; Max-Age=0; SameSite=Strict`
}

/** Asks the server who we are.  Resolves to the /me body, or null on 401 (or without a session at all). */
export async function loadMe() {
  if (!mayBeSignedIn()) {
    setCsrfToken('')
    remember(null)
    return null
  }
  try {
    remember(await api.get('/api/v1/me', { skipAuthRedirect: true }))
  } catch (err) {
    if (err.status !== 401) throw err
    clearSignedIn() // the session ended on the server (idle, revoked)
    setCsrfToken('')
    remember(null)
  }
  return state.me
}

/** Logs in and loads the full profile (grants, permissions). */
export async function login(username, password) {
  const res = await api.post('/api/v1/session', { username, password }, { skipAuthRedirect: true })
  setCsrfToken(res.csrf_token)
  return loadMe()
}

export async function logout() {
  try {
    await api.del('/api/v1/session', { skipAuthRedirect: true })
  } finally {
    // Forget the user even when the server call failed: the cookie is
    // HttpOnly, but without the CSRF token the old session cannot write.
    setCsrfToken('')
    remember(null)
  }
}

/** Forget the user locally (the server already said the session is gone). */
export function forget() {
  clearSignedIn()
  setCsrfToken('')
  remember(null)
}

export async function changePassword(currentPassword, newPassword) {
  await api.post('/api/v1/me/password', { current_password: currentPassword, new_password: newPassword })
  return loadMe()
}

/**
 * The permissions the session holds at a unit: those of its grants at that
 * unit or above it (GET /me gives each grant's unit_path and permissions; units
 * and the unit of a resident carry their `path`).  Without a unit — or for one
 * without a path — those of every grant: what the user may do somewhere.
 */
export function permissionsAt(unit) {
  const me = state.me
  if (!me) return new Set()
  const path = unit && typeof unit.path === 'string' && unit.path ? unit.path : null
  if (!path) return new Set(me.permissions || [])
  const out = new Set()
  for (const g of me.grants || [])
    if (typeof g.unit_path === 'string' && path.startsWith(g.unit_path)) for (const p of g.permissions || []) out.add(p)
  return out
}

/**
 * can('resident.write', resident.unit): whether to offer an action on something
 * at that unit (any of several when given an array).  The one check every
 * view uses to show a button, so a role never sees what it cannot do.
 */
export function can(perm, unit) {
  if (!perm) return true
  const perms = permissionsAt(unit)
  return Array.isArray(perm) ? perm.some((p) => perms.has(p)) : perms.has(perm)
}

/**
 * Whether the user holds perm at the root of the tree ("/1/"): what the whole installation shares
 * (the tag dictionary, the category catalogue) changes only with such a grant.
 */
export function canAtRoot(perm) {
  const grants = (state.me && state.me.grants) || []
  return grants.some((g) => /^\/\d+\/$/.test(g.unit_path || '') && (g.permissions || []).includes(perm))
}

/** Whether the user holds perm anywhere (menus, routes): can() without a unit. */
export function hasPermission(perm) {
  return can(perm)
}
