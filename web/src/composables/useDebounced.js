// useDebounced — a copy of a ref that follows it after `ms` of quiet, so a
// search box asks the server once per pause, not once per key.
import { ref, watch, onBeforeUnmount } from 'vue'

export function useDebounced(source, ms = 300) {
  const out = ref(source.value)
  let timer = null
  watch(source, (v) => {
    clearTimeout(timer)
    timer = setTimeout(() => (out.value = v), ms)
  })
  onBeforeUnmount(() => clearTimeout(timer))
  return out
}
