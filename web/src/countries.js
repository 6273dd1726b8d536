// countries.js — a nationality (ISO 3166-1 alpha-3, as the server stores it:
// "CHN", "USA") as people name it, in the UI's language.  The names come from
// the i18n-iso-countries package; only the two UI languages are loaded.
import countries from 'i18n-iso-countries'
import zh from 'i18n-iso-countries/langs/zh.json'
import en from 'i18n-iso-countries/langs/en.json'
import { i18n } from './i18n.js'

countries.registerLocale(zh)
countries.registerLocale(en)

const lang = () => (i18n.global.locale.value === 'en' ? 'en' : 'zh')

/** "CHN" → "中国" (or "China"); an unknown code is shown as it is. */
export function countryName(alpha3) {
  if (!alpha3) return ''
  return countries.getName(alpha3, lang()) || alpha3
}

/** [{code: "AFG", name: "阿富汗"}, …] sorted by name, for a nationality picker. */
export function countryOptions({ except = [] } = {}) {
  const collator = new Intl.Collator(i18n.global.locale.value)
  return Object.keys(countries.getAlpha3Codes())
    .filter((code) => !except.includes(code))
    .map((code) => ({ code, name: countryName(code) }))
    .sort((a, b) => collator.compare(a.name, b.name))
}
