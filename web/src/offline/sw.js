// sw.js — gridgov's service worker (plain JS, no library; docs/architecture.md "PWA and offline queue").
// Not part of the bundle: vite.config.js (serviceWorker plugin) writes it to dist/sw.js with PRECACHE, the
// list of the build's files, in front — every build makes a different sw.js, which is how browsers notice it.
// What it caches, and nothing else:
//   * the app shell: index.html, the manifest, the icons and every built file of /assets/ (hashed names,
//     listed in PRECACHE by the build), precached on install and served cache-first, so the phone app
//     opens without a connection.  A new build (a new sw.js) replaces the list and drops what it no longer names.
//   * two API answers, network-first with the cached copy only as the offline fallback: GET /api/v1/me (who is
//     logged in, their grants — without it the app would send an offline worker to the login page) and
//     GET /api/v1/categories (the catalogue the report form needs).  Both are dropped on logout (DELETE
//     /api/v1/session) and on a 401.
// Every other API request passes straight through (no residents, no cases, no photos are ever cached here).
const SHELL = 'gg-shell'
const API = 'gg-api'
const API_CACHED = ['/api/v1/me', '/api/v1/categories']

self.addEventListener('install', (e) => {
  e.waitUntil(
    (async () => {
      const want = ['/', ...PRECACHE] // eslint-disable-line no-undef
      const c = await caches.open(SHELL)
      await c.addAll(want.map((u) => new Request(u, { cache: 'reload' })))
      // what an older build left behind goes
      const keep = new Set(want.map((u) => new URL(u, self.location.origin).href))
      for (const r of await c.keys()) if (!keep.has(r.url)) await c.delete(r)
      await self.skipWaiting()
    })(),
  )
})

self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()))

const shellCache = () => caches.open(SHELL)

self.addEventListener('fetch', (e) => {
  const req = e.request
  const url = new URL(req.url)
  if (url.origin !== self.location.origin) return
  if (url.pathname === '/api/v1/session' && req.method === 'DELETE') {
    e.waitUntil(caches.delete(API))
    return
  }
  if (req.method !== 'GET') return
  if (url.pathname.startsWith('/api/')) {
    if (!API_CACHED.includes(url.pathname)) return
    e.respondWith(
      (async () => {
        try {
          const res = await fetch(req)
          const c = await caches.open(API)
          if (res.ok) await c.put(url.pathname + url.search, res.clone())
          else if (res.status === 401) await caches.delete(API)
          return res
        } catch (err) {
          const hit = await caches.match(url.pathname + url.search, { cacheName: API })
          if (hit) return hit
          throw err
        }
      })(),
    )
    return
  }
  if (url.pathname === '/healthz' || url.pathname === '/readyz') return
  if (req.mode === 'navigate') {
    // network-first for the page itself (a new build shows at once), the cached shell offline
    e.respondWith(
      fetch(req).catch(async () => {
        const c = await shellCache()
        const hit = c && (await c.match('/'))
        return hit || Response.error()
      }),
    )
    return
  }
  e.respondWith(
    (async () => {
      const c = await shellCache()
      const hit = c && (await c.match(url.pathname))
      return hit || fetch(req)
    })(),
  )
})
