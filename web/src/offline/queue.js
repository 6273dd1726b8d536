// offline/queue.js — the grid worker's outbox (待发送) in IndexedDB: reports and 随手办 made while the phone
// had no connection (and household visits, 入户走访), with their photos as Blobs, kept until the server answered 2xx.  A tiny promise wrapper
// over one object store ("items", key = the item's Idempotency-Key); no library.
//
// An item: {key, kind: 'patrol'|'on_spot'|'visit', body (the POST /cases or /visits body without attachment ids), label (a visit's house) | null,
//   photos: [{role: 'before'|'after', blob, name, attachment_id|null}], state: 'waiting'|'sending'|'failed',
//   error: {code, field, reason, message}|null, posted: bool (a POST /cases went out at least once),
//   created_at, tries}.
const DB = 'gg-offline'
const STORE = 'items'
let dbp = null

function open() {
  if (dbp) return dbp
  dbp = new Promise((resolve, reject) => {
    const rq = indexedDB.open(DB, 1)
    rq.onupgradeneeded = () => rq.result.createObjectStore(STORE, { keyPath: 'key' })
    rq.onsuccess = () => resolve(rq.result)
    rq.onerror = () => {
      dbp = null
      reject(rq.error)
    }
  })
  return dbp
}

async function tx(mode, fn) {
  const db = await open()
  return new Promise((resolve, reject) => {
    const t = db.transaction(STORE, mode)
    const out = fn(t.objectStore(STORE))
    t.oncomplete = () => resolve(out && 'result' in out ? out.result : undefined)
    t.onerror = () => reject(t.error)
    t.onabort = () => reject(t.error)
  })
}

/** Every item, oldest first. */
export async function all() {
  const items = (await tx('readonly', (s) => s.getAll())) || []
  return items.sort((a, b) => a.created_at - b.created_at)
}
export const get = (key) => tx('readonly', (s) => s.get(key))
/** Stores (or replaces) an item; committed when this resolves. */
export const put = (item) => tx('readwrite', (s) => s.put(item))
export const remove = (key) => tx('readwrite', (s) => s.delete(key))
