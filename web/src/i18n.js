// i18n.js — Simplified Chinese first, English second; the choice is kept in
// localStorage so a grid worker's phone stays in the language they picked.
import { createI18n } from 'vue-i18n'
import zhCN from './locales/zh-CN.js'
import en from './locales/en.js'

export const LOCALES = ['zh-CN', 'en']
const DEFAULT_LOCALE = 'zh-CN'
const STORAGE_KEY = 'gg.locale'

function storedLocale() {
  try {
    const l = localStorage.getItem(STORAGE_KEY)
    return LOCALES.includes(l) ? l : DEFAULT_LOCALE
  } catch {
    return DEFAULT_LOCALE
  }
}

export const i18n = createI18n({
  legacy: false,
  locale: storedLocale(),
  fallbackLocale: DEFAULT_LOCALE,
  messages: { 'zh-CN': zhCN, en },
})

document.documentElement.lang = i18n.global.locale.value

export function setLocale(locale) {
  if (!LOCALES.includes(locale)) return
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
  try {
    localStorage.setItem(STORAGE_KEY, locale)
  } catch {
    /* not remembered, still switched for this page */
  }
}

/** Translated role name; unknown codes (added server-side later) show the server's name, or the code. */
export function roleName(code, serverName) {
  const key = `roles.${code}`
  return i18n.global.te(key) ? i18n.global.t(key) : serverName || code
}
