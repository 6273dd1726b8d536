// useCommandStream — the command centre's own Server-Sent Events connection (GET /api/v1/stream
// ?counters_unit_id=, docs/api.md "Stream"): the unit's counters (open, overdue, yellow, reported and closed
// today), pushed at most once a second when a case in its area changes, and the case events for the ticker
// and the map.  One connection per open command page; it follows the unit (drill-down reopens it) and closes
// on unmount.  EventSource reconnects by itself; when it gives up it is opened again after a growing pause.
import { onBeforeUnmount, ref, watch } from 'vue'

export function useCommandStream(unitIdRef, { onCounters, onCase, onReset } = {}) {
  const connected = ref(false)
  let source = null
  let retry = null
  let retryMs = 1000

  function close() {
    if (retry) clearTimeout(retry)
    retry = null
    if (source) source.close()
    source = null
    connected.value = false
  }

  function open() {
    close()
    const id = unitIdRef.value
    if (!id || typeof EventSource === 'undefined') return
    const s = new EventSource(`/api/v1/stream?counters_unit_id=${encodeURIComponent(id)}`, { withCredentials: true })
    source = s
    s.onopen = () => {
      connected.value = true
      retryMs = 1000
    }
    const parse = (e) => {
      try {
        return JSON.parse(e.data)
      } catch {
        return null
      }
    }
    s.addEventListener('counters', (e) => {
      const d = parse(e)
      if (d && String(d.unit_id) === String(unitIdRef.value) && onCounters) onCounters(d)
    })
    s.addEventListener('case', (e) => {
      const d = parse(e)
      if (d && onCase) onCase(d)
    })
    s.addEventListener('reset', () => onReset && onReset())
    s.onerror = () => {
      connected.value = false
      if (s.readyState === EventSource.CLOSED && source === s) {
        source = null
        retry = setTimeout(open, retryMs)
        retryMs = Math.min(retryMs * 2, 30000)
      }
    }
  }

  watch(unitIdRef, open, { immediate: true })
  onBeforeUnmount(close)
  return { connected }
}
