// offline/outbox.js — sends what the grid worker made offline (queue.js) once the connection is back: on the
// online event, on app start and on the 重新发送 button.  One item at a time, oldest first:
//   1. each photo without an attachment id is uploaded (POST /attachments) and its id stored in the item at
//      once, so a photo is never uploaded twice (uploads have no Idempotency-Key);
//   2. the case (POST /cases) with the attachment ids and the item's Idempotency-Key: a POST whose answer was
//      lost is answered again with the same case when resent (the server keeps keys a day).  Kept as a
//      second proof, for a key the server no longer has: a photo can be claimed by one case only, so when an
//      earlier POST may have got through (`posted`) and the item's first photo is already `linked`, the case
//      exists and the item is done; a refusal `not_yours` on attachment_ids means the same (or, when the
//      photos are unlinked — purged after a day — they are uploaded again).
// A visit (kind 'visit', 入户走访) goes the same way to POST /visits with its photos as attachment_ids.
// An item leaves the queue only after a 2xx (or a proven earlier 2xx).  A network failure or a 5xx leaves it
// waiting and stops the round; a 4xx keeps it as failed with the server's error until deleted or resent.
import { reactive } from 'vue'
import * as queue from './queue.js'
import { createCase, uploadAttachment, idempotencyKey } from '../services/cases.js'
import { createVisit } from '../services/visits.js'
import { api, seg } from '../api.js'

export const outbox = reactive({ items: [], sending: false, sent: [], online: typeof navigator === 'undefined' || navigator.onLine })

export async function refresh() {
  try {
    outbox.items = await queue.all()
  } catch {
    outbox.items = []
  }
}

/** Queues a report made offline: kind 'patrol' | 'on_spot' (body as for POST /cases) or 'visit' (body as for
 * POST /visits), photos [{role, blob, name, attachment_id?}]; label: what the list shows besides the body
 * (a visit's house). */
export async function enqueue(kind, body, photos, key = idempotencyKey(), { label = null } = {}) {
  const item = { key, kind, body, label, photos: photos.map((p) => ({ role: p.role, blob: p.blob || null, name: p.name || 'photo.jpg', attachment_id: p.attachment_id || null })), state: 'waiting', error: null, posted: false, created_at: Date.now(), tries: 0 }
  await queue.put(item)
  await refresh()
  return item
}

export async function discard(key) {
  await queue.remove(key)
  await refresh()
}

const errOf = (e) => ({ status: e.status || 0, code: e.code || 'network_error', field: e.field || null, reason: e.reason || null, params: e.params || {}, message: e.message || '' })
const transient = (e) => !e.status || e.status >= 500 || e.status === 408 || e.status === 429

async function linked(id) {
  try {
    const a = await api.get(`/api/v1/attachments/${seg(id)}`)
    return !!(a && a.linked)
  } catch {
    return false
  }
}

/** Sends one item; resolves to 'done' | 'failed' | 'stop' (no connection: try later). */
async function sendOne(item) {
  item.tries += 1
  item.state = 'sending'
  item.error = null
  await queue.put(item)
  try {
    for (const p of item.photos) {
      if (p.attachment_id) continue
      const file = new File([p.blob], p.name, { type: p.blob.type || 'image/jpeg' })
      const a = await uploadAttachment(file)
      p.attachment_id = a.id
      await queue.put(item) // the id is kept before anything else can fail
    }
    if (item.posted && item.photos.length && (await linked(item.photos[0].attachment_id))) return done(item, null)
    const b = { ...item.body }
    if (item.kind === 'visit') {
      const ids = item.photos.map((p) => p.attachment_id)
      if (ids.length) b.attachment_ids = ids
      item.posted = true
      await queue.put(item)
      return done(item, await createVisit(b, item.key))
    }
    const before = item.photos.filter((p) => p.role !== 'after').map((p) => p.attachment_id)
    const afterIds = item.photos.filter((p) => p.role === 'after').map((p) => p.attachment_id)
    if (before.length) b.attachment_ids = before
    if (afterIds.length) b.after_attachment_ids = afterIds
    item.posted = true
    await queue.put(item)
    const c = await createCase(b, item.key)
    return done(item, c)
  } catch (e) {
    if (e.status === 422 || e.status === 400) {
      if ((e.field === 'attachment_ids' || e.field === 'after_attachment_ids') && e.reason === 'not_yours' && item.photos.length) {
        if (await linked(item.photos[0].attachment_id)) return done(item, null)
        for (const p of item.photos) p.attachment_id = null // purged or never claimed: upload again next time
      }
    }
    item.error = errOf(e)
    item.state = transient(e) ? 'waiting' : 'failed'
    await queue.put(item)
    return transient(e) ? 'stop' : 'failed'
  }
}

async function done(item, c) {
  await queue.remove(item.key)
  outbox.sent = [{ key: item.key, kind: item.kind, number: c && c.number ? c.number : null, id: c ? c.id : null }, ...outbox.sent].slice(0, 10)
  return 'done'
}

/** Sends every waiting item (failed ones too when `all`); one round at a time. */
export async function drain({ all = false } = {}) {
  if (outbox.sending) return
  outbox.sending = true
  try {
    for (const item of await queue.all()) {
      if (item.state === 'failed' && !all) continue
      const r = await sendOne(item)
      await refresh()
      if (r === 'stop') break
    }
  } catch {
    /* IndexedDB unavailable: nothing queued */
  } finally {
    outbox.sending = false
    await refresh()
  }
}

/** Once per app: the online/offline events and a first round at start. */
let started = false
export function startOutbox() {
  if (started || typeof window === 'undefined' || !window.indexedDB) return
  started = true
  window.addEventListener('online', () => {
    outbox.online = true
    drain()
  })
  window.addEventListener('offline', () => (outbox.online = false))
  refresh().then(() => outbox.online && outbox.items.length && drain())
}
