// api.js — the one place the SPA talks HTTP to the gridgov server.
//
// * Same-origin fetch with the session cookie (HttpOnly, SameSite=Strict: the
//   script never sees it).
// * Every state-changing request carries X-CSRF-Token (DESIGN §6.2).  The token
//   comes from POST /api/v1/session and GET /api/v1/me; it is kept in
//   sessionStorage so a reload in the same tab keeps working before /me answers.
// * Failures are thrown as plain objects {status, code, message, field,
//   reason, params, retry_after, body} so views can say what went wrong in the
//   user's language (errors.js) and point at the offending field.
// * A 401 from anything but the login itself means the session is gone: the
//   handler installed by the router sends the user to /login.

const CSRF_KEY = 'gg.csrf'
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

let csrfToken = readStoredToken()
let onUnauthorized = null

function readStoredToken() {
  try {
    return sessionStorage.getItem(CSRF_KEY) || ''
  } catch {
    return '' // storage disabled (private mode, sandboxed frame)
  }
}

export function setCsrfToken(token) {
  csrfToken = token || ''
  try {
    if (csrfToken) sessionStorage.setItem(CSRF_KEY, csrfToken)
    else sessionStorage.removeItem(CSRF_KEY)
  } catch {
    /* the in-memory copy still works for this page */
  }
}

export function getCsrfToken() {
  return csrfToken
}

/** Called with the error whenever a request (other than login) gets 401. */
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn
}

/** The error object every failure becomes (also for uploads made with XHR, services/transfer.js). */
export function makeError(status, body, fallbackMessage) {
  const e = body && typeof body === 'object' && body.error && typeof body.error === 'object' ? body.error : {}
  return {
    status,
    code: typeof e.code === 'string' ? e.code : status ? `http_${status}` : 'network_error',
    message: typeof e.message === 'string' && e.message ? e.message : fallbackMessage,
    field: typeof e.field === 'string' ? e.field : null,
    reason: typeof e.reason === 'string' ? e.reason : null, // why the field was refused (errors.js translates it)
    params: e.params && typeof e.params === 'object' ? e.params : {}, // e.g. {max: 50} with too_long
    retry_after: Number.isFinite(e.retry_after) ? e.retry_after : null,
    body,
  }
}

async function readBody(res) {
  if (res.status === 204 || res.status === 205) return null
  const type = res.headers.get('Content-Type') || ''
  const text = await res.text()
  if (!text) return null
  if (type.includes('json')) {
    try {
      return JSON.parse(text)
    } catch {
      return text
    }
  }
  return text
}

/**
 * request('POST', '/api/v1/session', {username, password}, {skipAuthRedirect: true})
 * Resolves to the parsed JSON body (null for 204); rejects with an error object.
 */
export async function request(method, path, body, { skipAuthRedirect = false, headers = {} } = {}) {
  method = method.toUpperCase()
  const h = { Accept: 'application/json', ...headers }
  if (body !== undefined) h['Content-Type'] = 'application/json'
  if (UNSAFE_METHODS.has(method) && csrfToken) h['X-CSRF-Token'] = csrfToken

  let res
  try {
    res = await fetch(path, {
      method,
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    })
  } catch (cause) {
    throw makeError(0, null, String(cause && cause.message ? cause.message : cause))
  }

  const data = await readBody(res)
  if (res.ok) return data

  const err = makeError(res.status, data, res.statusText || `HTTP ${res.status}`)
  // invalid_credentials is "what you typed is wrong" (e.g. a wrong current
  // password), not "your session is gone"; only the latter leaves the page.
  if (res.status === 401 && !skipAuthRedirect && err.code !== 'invalid_credentials') {
    setCsrfToken('')
    if (onUnauthorized) onUnauthorized(err)
  }
  throw err
}

export const api = {
  get: (path, opts) => request('GET', path, undefined, opts),
  post: (path, body, opts) => request('POST', path, body, opts),
  put: (path, body, opts) => request('PUT', path, body, opts),
  patch: (path, body, opts) => request('PATCH', path, body, opts),
  del: (path, opts) => request('DELETE', path, undefined, opts),
}

export default api

/**
 * withQuery('/api/v1/accounts', {q: '王', after: 50, total: undefined})
 * → '/api/v1/accounts?q=%E7%8E%8B&after=50'.  Empty values are left out, so a
 * cleared filter simply disappears from the URL.
 */
export function withQuery(path, params = {}) {
  const qs = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '' || v === false) continue
    qs.append(k, v === true ? '1' : String(v))
  }
  const s = qs.toString()
  return s ? `${path}?${s}` : path
}

/** A path segment from an id, never trusted to be a number. */
export function seg(id) {
  return encodeURIComponent(String(id))
}

/**
 * uploadAttachment(file) → {id, sha256, mime, size, name} (docs/api.md "Attachments"): the File (a photo or a
 * PDF from an <input type=file>) as the raw request body, its name in ?name=.  publicUpload: the resident's
 * upload without login (POST /api/v1/public/attachments), answering upload_token too; pass it back as
 * uploadToken for the next files so one token covers them all, then quote it when creating the case.
 * Rejects like request() (413 reason too_large, 415 type_not_allowed, 429 …).
 */
export async function uploadAttachment(file, { publicUpload = false, uploadToken } = {}) {
  const path = withQuery(publicUpload ? '/api/v1/public/attachments' : '/api/v1/attachments', {
    name: file.name,
    upload_token: uploadToken,
  })
  const h = { Accept: 'application/json', 'Content-Type': file.type || 'application/octet-stream' }
  if (csrfToken) h['X-CSRF-Token'] = csrfToken
  let res
  try {
    res = await fetch(path, { method: 'POST', headers: h, body: file, credentials: 'same-origin', cache: 'no-store' })
  } catch (cause) {
    throw makeError(0, null, String(cause && cause.message ? cause.message : cause))
  }
  const data = await readBody(res)
  if (res.ok) return data
  const err = makeError(res.status, data, res.statusText || `HTTP ${res.status}`)
  if (res.status === 401 && !publicUpload) {
    setCsrfToken('')
    if (onUnauthorized) onUnauthorized(err)
  }
  throw err
}

/** The URL of an attachment's file (for <img src> and download links; the session cookie authorises it). */
export function attachmentUrl(id) {
  return `/api/v1/attachments/${seg(id)}/content`
}
