// useGridFacts — what the map shows about each grid beyond its shape: whether
// a grid worker serves it and how many households live in it.
//
// The grid list (GET /api/v1/grids) carries neither: "has a worker" comes
// from GET /api/v1/grids/unassigned for the unit; the households of every
// grid from one GET /api/v1/grids/households when the user colours by
// households (`householdsReady` turns true when all of them are in, so the
// legend's classes are never computed from the first few), and the names of
// one grid's workers when it is hovered or tapped.
import { reactive, ref } from 'vue'
import { listUnassigned, listGridHouseholds, getGrid, listAssignments } from '../services/grids.js'

export function useGridFacts() {
  const facts = reactive({}) // id → {hasWorker?, households?, workers?}
  const progress = ref(false) // true while the household counts load
  const householdsReady = ref(false) // every grid's count is in facts
  let generation = 0

  function set(id, patch) {
    facts[id] = { ...(facts[id] || {}), ...patch }
  }

  /** Marks every level-grid as served or not; micro-grids stay unknown. */
  async function loadWorkers(unitId, grids) {
    const gen = ++generation
    for (const k of Object.keys(facts)) delete facts[k]
    householdsReady.value = false
    const unassigned = new Map()
    let after
    for (let i = 0; i < 20; i++) {
      const page = await listUnassigned({ unitId, after, limit: 200 })
      if (gen !== generation) return
      for (const g of page.items || []) unassigned.set(g.id, g)
      if (!page.next) break
      after = page.next
    }
    for (const g of grids) {
      if (g.level !== 'grid' || g.retired_at) continue
      const u = unassigned.get(g.id)
      set(g.id, u ? { hasWorker: false, households: u.households } : { hasWorker: true })
    }
  }

  /** Households of every grid under the unit, in one request; the facts change once, when all are in. */
  async function loadHouseholds(unitId) {
    const gen = generation
    if (householdsReady.value) return
    progress.value = true
    try {
      const counts = await listGridHouseholds({ unitId })
      if (gen !== generation) return
      for (const c of counts) set(c.id, { households: c.households })
      householdsReady.value = true
    } finally {
      if (gen === generation) progress.value = false
    }
  }

  /** Households and the names of the current grid workers of one grid (hover, tap). */
  const detailLoading = new Set()
  async function loadDetail(grid) {
    const f = facts[grid.id]
    if ((f && f.workers) || detailLoading.has(grid.id)) return
    detailLoading.add(grid.id)
    try {
      const [full, assignments] = await Promise.all([getGrid(grid.id), listAssignments(grid.id)])
      const workers = assignments
        .filter((a) => a.current && a.account && (a.duty === 'grid_worker' || a.duty === 'grid_leader'))
        .map((a) => a.account.display_name)
      set(grid.id, {
        households: full.households,
        workers,
        hasWorker: assignments.some((a) => a.current && a.duty === 'grid_worker'),
      })
    } catch {
      /* the tooltip keeps what it knows */
    } finally {
      detailLoading.delete(grid.id)
    }
  }

  return { facts, progress, householdsReady, loadWorkers, loadHouseholds, loadDetail }
}
