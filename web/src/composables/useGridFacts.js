// useGridFacts — what the map shows about each grid beyond its shape: whether
// a grid worker serves it and how many households live in it.
//
// The grid list (GET /api/v1/grids) carries neither (API gap, noted in the
// report): "has a worker" comes from one query, GET /api/v1/grids/unassigned
// for the unit (which also gives those grids' households); the households of
// the other grids come from single reads, only when the user colours by
// households (with progress), and for one grid when it is hovered or tapped.
import { reactive, ref } from 'vue'
import { listUnassigned, getGrid, listAssignments } from '../services/grids.js'

export function useGridFacts() {
  const facts = reactive({}) // id → {hasWorker?, households?, workers?}
  const progress = ref(null) // {done, total} while household counts load
  let generation = 0

  function set(id, patch) {
    facts[id] = { ...(facts[id] || {}), ...patch }
  }

  /** Marks every level-grid as served or not; micro-grids stay unknown. */
  async function loadWorkers(unitId, grids) {
    const gen = ++generation
    for (const k of Object.keys(facts)) delete facts[k]
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

  /** Households of every grid not yet known, six requests at a time. */
  async function loadHouseholds(grids) {
    const gen = generation
    const todo = grids.filter((g) => !facts[g.id] || !Number.isFinite(facts[g.id].households))
    progress.value = { done: 0, total: todo.length }
    let next = 0
    const worker = async () => {
      while (next < todo.length && gen === generation) {
        const g = todo[next++]
        try {
          const full = await getGrid(g.id)
          if (gen === generation) set(g.id, { households: full.households })
        } catch {
          /* left unknown (grey) */
        }
        progress.value = { done: progress.value.done + 1, total: todo.length }
      }
    }
    await Promise.all(Array.from({ length: 6 }, worker))
    progress.value = null
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

  return { facts, progress, loadWorkers, loadHouseholds, loadDetail }
}
