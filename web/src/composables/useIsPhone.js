// useIsPhone — true below 768 px, where the left menu becomes a drawer.
// Grid workers use the app on phones, so this is a first-class layout.
import { ref, onMounted, onBeforeUnmount } from 'vue'

export const PHONE_QUERY = '(max-width: 767.98px)'

export function useIsPhone() {
  const mq = window.matchMedia(PHONE_QUERY)
  const isPhone = ref(mq.matches)
  const update = (e) => {
    isPhone.value = e.matches
  }
  onMounted(() => mq.addEventListener('change', update))
  onBeforeUnmount(() => mq.removeEventListener('change', update))
  return isPhone
}
