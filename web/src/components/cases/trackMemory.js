// trackMemory.js — the tracking secret of a case the resident just reported, kept in this tab's memory
// (sessionStorage) so 查询进度 can open the tracking page without putting the secret in a URL, where it
// would stay in the history and in server logs.
const KEY = 'gg.trackSecrets'

function all() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) || '{}') || {}
  } catch {
    return {}
  }
}

export function rememberSecret(number, secret) {
  try {
    sessionStorage.setItem(KEY, JSON.stringify({ ...all(), [number]: secret }))
  } catch {
    /* the resident types it */
  }
}

export function recalledSecret(number) {
  return all()[number] || ''
}
