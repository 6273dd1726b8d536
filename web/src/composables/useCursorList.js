// useCursorList — a list read page by page with the server's cursor
// (DESIGN §5: `{items, next}`; pass `next` back as `after`/`before`).
//
//   const list = useCursorList((cursor) => listAccounts({ q: q.value, after: cursor }))
//   list.reset()      // first page (again), e.g. when a filter changes
//   list.loadMore()   // the next page, if any
//
// A reset while a page is still loading makes that page's late answer be
// dropped, so fast typing in a search box never mixes two result sets.
import { ref, shallowRef } from 'vue'

export function useCursorList(fetchPage) {
  const items = shallowRef([])
  const next = ref(null)
  const total = ref(null)
  const loading = ref(false)
  const loaded = ref(false) // the first page has answered
  const error = ref(null)
  let generation = 0

  async function load(cursor, gen) {
    loading.value = true
    error.value = null
    try {
      const page = await fetchPage(cursor)
      if (gen !== generation) return
      const got = page && Array.isArray(page.items) ? page.items : []
      items.value = cursor ? [...items.value, ...got] : got
      next.value = page && page.next ? page.next : null
      if (page && typeof page.total === 'number') total.value = page.total
      loaded.value = true
    } catch (err) {
      if (gen === generation) error.value = err
    } finally {
      if (gen === generation) loading.value = false
    }
  }

  function reset() {
    generation += 1
    next.value = null
    total.value = null
    loaded.value = false
    return load(null, generation)
  }

  function loadMore() {
    if (loading.value || !next.value) return Promise.resolve()
    return load(next.value, generation)
  }

  /** Replace or add one item locally (after a create or an edit) without reloading. */
  function upsert(item, { key = 'id', prepend = true } = {}) {
    const i = items.value.findIndex((x) => x[key] === item[key])
    if (i >= 0) items.value = items.value.map((x, j) => (j === i ? item : x))
    else items.value = prepend ? [item, ...items.value] : [...items.value, item]
  }

  return { items, next, total, loading, loaded, error, reset, loadMore, upsert }
}
