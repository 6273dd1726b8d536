// useGrantRoots — where a user's unit tree starts: the units of their grants
// (GET /api/v1/me), each covering its subtree (DESIGN §1).  Grants whose role
// cannot read units are left out (their tree would be all 404s), and a grant
// inside another grant's subtree is not a second root.
import { ref, watch } from 'vue'
import { session } from '../session.js'
import { listRoles } from '../services/roles.js'
import { getUnit, getAncestors } from '../services/units.js'

// One lookup per user and page load: the tree and every unit picker share it.
let cache = { key: '', promise: null }

async function loadRoots(me) {
  const grants = Array.isArray(me.grants) ? me.grants : []
  let readable = null
  try {
    const roles = await listRoles()
    readable = new Set(roles.filter((r) => (r.permissions || []).includes('unit.read')).map((r) => r.code))
  } catch {
    // Without the role list, try every grant; unreadable ones fail below and are skipped.
  }
  const ids = [...new Set(grants.filter((g) => !readable || readable.has(g.role)).map((g) => g.unit_id))]
  const lookups = await Promise.allSettled(
    ids.map(async (id) => ({
      unit: await getUnit(id),
      // With one grant there is nothing to nest; skip the extra request.
      above: ids.length > 1 ? (await getAncestors(id)).map((a) => a.id) : [],
    })),
  )
  const found = lookups.filter((r) => r.status === 'fulfilled').map((r) => r.value)
  const idSet = new Set(found.map((f) => f.unit.id))
  return found.filter((f) => !f.above.some((a) => idSet.has(a))).map((f) => f.unit)
}

export function useGrantRoots() {
  const roots = ref([])
  const loading = ref(true)
  const error = ref(null)

  async function refresh() {
    const me = session.me
    if (!me) {
      roots.value = []
      loading.value = false
      return
    }
    const key = `${me.id}:${(me.grants || []).map((g) => `${g.role}@${g.unit_id}`).join(',')}`
    if (cache.key !== key || !cache.promise) {
      cache = { key, promise: loadRoots(me) }
      cache.promise.catch(() => (cache = { key: '', promise: null }))
    }
    loading.value = true
    error.value = null
    try {
      roots.value = await cache.promise
    } catch (err) {
      error.value = err
    } finally {
      loading.value = false
    }
  }

  watch(() => session.me, refresh, { immediate: true })
  return { roots, loading, error, refresh }
}
