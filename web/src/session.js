// session.js — who is logged in, as told by the server.
//
// The SPA never decides what a user may see: the server filters every query by
// the caller's scopes.  `permissions` here only hides menu items and routes the
// user could not use anyway.

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

export function hasPermission(perm) {
  if (!perm) return true
  const perms = (state.me && state.me.permissions) || []
  return Array.isArray(perm) ? perm.some((p) => perms.includes(p)) : perms.includes(perm)
}
