// services/cases.js — the case loop's HTTP surface (docs/cases.md "HTTP"): inboxes and search, one case with
// what the caller may do now, its timeline, the transitions, staff and resident intake, tracking by number +
// secret, hotline lines and attachments.  Every write carries an Idempotency-Key, so a retried click never
// makes two cases or two transitions.
import { api, withQuery, seg, request, makeError, getCsrfToken } from '../api.js'

/** A fresh random key (crypto.randomUUID exists only in secure contexts; a LAN address over http is not one). */
export function idempotencyKey() {
  if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID()
  const b = new Uint8Array(16)
  window.crypto.getRandomValues(b)
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('')
}

const idem = (key) => ({ headers: { 'Idempotency-Key': key || idempotencyKey() } })

/** filters: {box, state, category_id, channel, unit_id, assignee_id, from, to, q, caller_phone} */
export function listCases(filters = {}, { after, limit = 30, total } = {}) {
  return api.get(withQuery('/api/v1/cases', { ...filters, after, limit, total: total ? 1 : undefined }))
}

/** The export of what the filters select (the browser downloads it: a plain link keeps the session cookie). */
export function exportUrl(filters = {}, format = 'csv') {
  return withQuery('/api/v1/cases/export', { ...filters, format })
}

export function getCase(id) {
  return api.get(`/api/v1/cases/${seg(id)}`)
}

// The case with its timeline in one answer (GET /cases/{id}?include=events): what the case page shows.
export async function getCaseWithEvents(id) {
  const c = await api.get(`/api/v1/cases/${seg(id)}?include=events`)
  return [c, c && Array.isArray(c.events) ? c.events : []]
}

export async function getCaseEvents(id) {
  const body = await api.get(`/api/v1/cases/${seg(id)}/events`)
  return body && Array.isArray(body.items) ? body.items : []
}

/** One transition: body {version, note?, public?, reason?, unit_id?, …}; key: the same for a retry of one click. */
export function caseAction(id, action, body, key) {
  return request('POST', `/api/v1/cases/${seg(id)}/actions/${seg(action)}`, body, idem(key))
}

/** Staff intake (hotline, walk-in, patrol, 随手办) → 201 the case. */
/** Dispatch suggestions (智能派单): the county model's categories and units for a text (docs/suggest.md). */
export function caseSuggestions(body) {
  return request('POST', '/api/v1/cases/suggestions', body)
}

export function createCase(body, key) {
  return request('POST', '/api/v1/cases', body, idem(key))
}

export function myCases({ after, limit = 30 } = {}) {
  return api.get(withQuery('/api/v1/me/cases', { after, limit }))
}

// Public (no login; a logged-in resident's session is used when there is one).
export function publicCreate(body, key) {
  return request('POST', '/api/v1/public/cases', body, { ...idem(key), skipAuthRedirect: true })
}
export function publicTrack(number, secret) {
  return api.get(withQuery(`/api/v1/public/cases/${seg(number)}`, { secret }), { skipAuthRedirect: true })
}
export function publicRate(number, body) {
  return request('POST', `/api/v1/public/cases/${seg(number)}/rate`, body, { ...idem(), skipAuthRedirect: true })
}
export function publicReopen(number, body) {
  return request('POST', `/api/v1/public/cases/${seg(number)}/reopen`, body, { ...idem(), skipAuthRedirect: true })
}

// Hotline lines (热线线路, settings.manage).
export async function listHotlineLines({ all } = {}) {
  const body = await api.get(withQuery('/api/v1/hotline-lines', { include_retired: all ? 1 : undefined }))
  return body && Array.isArray(body.items) ? body.items : []
}
export function createHotlineLine(body) {
  return api.post('/api/v1/hotline-lines', body)
}
export function updateHotlineLine(id, patch) {
  return api.patch(`/api/v1/hotline-lines/${seg(id)}`, patch)
}

/** Where an attachment's bytes are (same origin: the session cookie, or the tracking secret for the public). */
export function attachmentUrl(a, { secret, number } = {}) {
  if (a && typeof a.url === 'string' && a.url) return a.url
  const id = a && typeof a === 'object' ? a.id : a
  if (number) return withQuery(`/api/v1/public/cases/${seg(number)}/attachments/${seg(id)}`, { secret })
  return `/api/v1/attachments/${seg(id)}/content`
}

// An anonymous resident's uploads share one upload_token (the server answers it with the first and takes it
// back with ?upload_token=); the report quotes it so the server knows the photos are theirs.
let publicToken = ''
export const publicUploadToken = () => publicToken
export function forgetPublicUploadToken() {
  publicToken = ''
}

/**
 * Uploads one file as the raw body (POST /attachments, or /public/attachments without login) with progress:
 * resolves to the server's answer ({id, …} or {upload_token, …}); onProgress(0..1).
 */
export function uploadAttachment(file, { pub = false, onProgress } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    const name = file.name || 'photo.jpg'
    const path = pub ? withQuery('/api/v1/public/attachments', { name, upload_token: publicToken }) : withQuery('/api/v1/attachments', { name })
    xhr.open('POST', path)
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream')
    xhr.setRequestHeader('Accept', 'application/json')
    const token = getCsrfToken()
    if (token) xhr.setRequestHeader('X-CSRF-Token', token)
    xhr.withCredentials = true
    if (onProgress) xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total)
    xhr.onload = () => {
      let body = null
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null
      } catch {
        body = xhr.responseText
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        if (pub && body && body.upload_token) publicToken = body.upload_token
        resolve(body)
      }
      else reject(makeError(xhr.status, body, xhr.statusText || `HTTP ${xhr.status}`))
    }
    xhr.onerror = () => reject(makeError(0, null, 'network error'))
    xhr.send(file)
  })
}

/** Each county's dispatch-suggestion model and its held-out hit rates (settings.manage; docs/suggest.md). */
export function suggestModels() {
  return request('GET', '/api/v1/suggest/models')
}

/** Trains a county's model now (synchronously) and answers with its row. */
export function retrainSuggestModel(countyId) {
  return request('POST', `/api/v1/suggest/models/${seg(countyId)}/retrain`)
}
