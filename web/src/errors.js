// errors.js — turns an error thrown by api.js into a sentence for the user.
//
// The server's `message` is mostly English, for API clients and logs; a
// Chinese user never sees English.  The sentence is built from what the server
// says in codes:
//   1. a (code, field) pair common enough to have its own sentence (byField);
//   2. the reason the field was refused (required, too_long + params.max, overlaps + params.name …),
//      with the field's name when we have one (errors.fields.*);
//   3. the code (forbidden, not_found, version_conflict …);
//   4. the server's own message when it is in the UI's language (a few are
//      written in Chinese for people, e.g. the password rule); else a generic
//      sentence per code family (validation / conflict / other).
import { i18n } from './i18n.js'

function key(code, field) {
  // vue-i18n splits keys on dots; fields like "location.lat" must stay one segment.
  return `errors.byField.${code}__${String(field).replace(/\./g, '_')}`
}

const english = () => i18n.global.locale.value === 'en'

// Chinese text: has Han characters and no English phrase (two Latin words in a
// row) — an English sentence quoting a Chinese name ("no building "3栋" in …") is not.
const HAN = /[\u3400-\u9fff]/
const ENGLISH_PHRASE = /[A-Za-z]{2,}[^A-Za-z\u3400-\u9fff]+[A-Za-z]{2,}/
function inUiLanguage(message) {
  if (!message) return false
  return english() || (HAN.test(message) && !ENGLISH_PHRASE.test(message))
}

/** The field as the user knows it ("姓名"), or '' for a field we have no name for. */
export function fieldName(field) {
  const { t, te } = i18n.global
  if (!field) return ''
  // "members[2].name" and "location.lat" are named by their last part.
  const last = String(field).replace(/\[\d+\]/g, '').split('.').pop()
  return te(`errors.fields.${last}`) ? t(`errors.fields.${last}`) : ''
}

function reasonText(err, label) {
  const { t, te } = i18n.global
  if (!err.reason) return ''
  const name = label || fieldName(err.field)
  const k = `errors.reasons.${err.reason}${name ? '' : '_nofield'}`
  if (!te(k)) return ''
  const p = err.params || {}
  return t(k, { field: name, min: p.min ?? '', max: p.max ?? '', name: p.name ?? '' })
}

/** err as api.js throws it; fieldLabel names the field when the caller knows better (an import's column). */
export function errorText(err, { fieldLabel = '' } = {}) {
  const { t, te } = i18n.global
  if (!err || err.status === 0) return t('errors.network')
  if (err.field && te(key(err.code, err.field))) return t(key(err.code, err.field))
  const why = reasonText(err, fieldLabel)
  if (why) return why
  if (te(`errors.codes.${err.code}`)) return t(`errors.codes.${err.code}`)
  if (err.status >= 500) return t('errors.codes.internal')
  if (inUiLanguage(err.message)) return err.message
  if (err.code === 'validation_failed') {
    const name = fieldLabel || fieldName(err.field)
    return name ? t('errors.generic.fieldInvalid', { field: name }) : t('errors.generic.invalid')
  }
  if (err.code === 'conflict') return t('errors.generic.conflict')
  return t('errors.unknown')
}

/**
 * The server's own words when errorText replaced them, else '' (shown small,
 * under the translation) — only under English: a Chinese user reads Chinese only.
 */
export function errorDetail(err) {
  if (!err || err.status === 0 || !inUiLanguage(err.message)) return ''
  const text = errorText(err)
  return text === err.message ? '' : err.message
}
