// redirect.js — where to go after login.  Only paths inside this app are
// followed, so /login?redirect=//evil.example cannot send a user elsewhere.
export function safeRedirect(target) {
  if (typeof target !== 'string' || !/^\/(?![/\\])/.test(target)) return null
  if (target === '/login' || target.startsWith('/login?') || target.startsWith('/login/')) return null
  return target
}
