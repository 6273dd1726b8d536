// useLiveStream — the one Server-Sent Events connection of the signed-in app (GET /api/v1/stream,
// docs/api.md "Stream"), shared by every component that uses it:
//
//   const live = useLiveStream()
//   live.unread.value                       // the unread notification count, pushed by the server
//   const off = live.onCase((ev) => ...)    // each case change in the caller's scope: the event's data
//                                           // ({type, action, case: {id, state, ...}}); off() to stop
//   live.onReset(fn)                        // the server could not replay what was missed: reload lists
//   live.refreshOnCaseChange(() => list.items.value, () => list.reset())
//                                           // a case list (the workbench): reload, at most every 2 s, when a
//                                           // case in view changes, a case is created, or after a reset
//
// The connection opens on the first use and closes when the last user unmounts.  EventSource
// reconnects by itself (sending Last-Event-ID, so nothing is missed); when it gives up (the session
// ended, the server restarted behind a proxy that answered an error) it is opened again after a
// growing pause, at most 30 s.  The session cookie goes with it (same origin, withCredentials).
import { getCurrentInstance, onBeforeUnmount, ref } from 'vue'

const unread = ref(0)
const connected = ref(false)
const caseListeners = new Set()
const resetListeners = new Set()
let source = null
let users = 0
let retryTimer = null
let retryMs = 1000

function open() {
  if (source || typeof EventSource === 'undefined') return
  source = new EventSource('/api/v1/stream', { withCredentials: true })
  source.onopen = () => {
    connected.value = true
    retryMs = 1000
  }
  source.addEventListener('notifications', (e) => {
    try {
      const d = JSON.parse(e.data)
      if (Number.isFinite(d.unread)) unread.value = d.unread
    } catch {
      /* a malformed frame is skipped */
    }
  })
  source.addEventListener('case', (e) => {
    let d
    try {
      d = JSON.parse(e.data)
    } catch {
      return
    }
    for (const fn of caseListeners) fn(d)
  })
  source.addEventListener('reset', () => {
    for (const fn of resetListeners) fn()
  })
  source.onerror = () => {
    connected.value = false
    if (source && source.readyState === EventSource.CLOSED) {
      source = null
      if (users > 0 && !retryTimer) {
        retryTimer = setTimeout(() => {
          retryTimer = null
          if (users > 0) open()
        }, retryMs)
        retryMs = Math.min(retryMs * 2, 30000)
      }
    }
  }
}

function close() {
  if (retryTimer) clearTimeout(retryTimer)
  retryTimer = null
  if (source) source.close()
  source = null
  connected.value = false
}

/** Set the count at once after a local change (mark read) instead of waiting for the push. */
function setUnread(n) {
  if (Number.isFinite(n)) unread.value = n
}

export function useLiveStream() {
  users += 1
  open()
  const mine = []
  if (getCurrentInstance()) {
    onBeforeUnmount(() => {
      for (const [set, fn] of mine) set.delete(fn)
      users -= 1
      if (users === 0) close()
    })
  }
  function on(set, fn) {
    set.add(fn)
    mine.push([set, fn])
    return () => set.delete(fn)
  }
  function refreshOnCaseChange(itemsOf, reload, { minMs = 2000 } = {}) {
    let timer = null
    let last = 0
    const soon = () => {
      if (timer) return
      const wait = Math.max(0, last + minMs - Date.now())
      timer = setTimeout(() => {
        timer = null
        last = Date.now()
        reload()
      }, wait)
    }
    const offCase = on(caseListeners, (d) => {
      const id = d && d.case ? d.case.id : null
      const items = itemsOf() || []
      if (d.type === 'case.created' || items.some((c) => c.id === id)) soon()
    })
    const offReset = on(resetListeners, soon)
    return () => {
      offCase()
      offReset()
      if (timer) clearTimeout(timer)
    }
  }
  return {
    unread,
    connected,
    setUnread,
    onCase: (fn) => on(caseListeners, fn),
    onReset: (fn) => on(resetListeners, fn),
    refreshOnCaseChange,
  }
}
