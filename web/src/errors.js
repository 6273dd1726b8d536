// errors.js — turns an error thrown by api.js into a sentence for the user.
//
// Codes with one meaning whatever the request (forbidden, not_found,
// version_conflict …) are translated, so a Chinese user reads Chinese.  For
// validation_failed and conflict the server's message says what exactly is
// wrong; it is shown as it comes (see errorDetail for the translated codes),
// except a few (code, field) pairs common enough to translate.
import { i18n } from './i18n.js'

/** Codes translated under errors.codes.* */
const TRANSLATED = new Set([
  'forbidden',
  'not_found',
  'version_conflict',
  'csrf_failed',
  'unauthenticated',
  'password_change_required',
  'account_disabled',
  'too_many_attempts',
  'payload_too_large',
  'database_unavailable',
  'internal',
])

function key(code, field) {
  // vue-i18n splits keys on dots; fields like "location.lat" must stay one segment.
  return `errors.byField.${code}__${String(field).replace(/\./g, '_')}`
}

export function errorText(err) {
  const { t, te } = i18n.global
  if (!err || err.status === 0) return t('errors.network')
  if (err.field && te(key(err.code, err.field))) return t(key(err.code, err.field))
  if (TRANSLATED.has(err.code)) return t(`errors.codes.${err.code}`)
  if (err.status >= 500 && !err.message) return t('errors.codes.internal')
  return err.message || t('errors.unknown')
}

/** The server's own words when errorText replaced them, else '' (shown small, under the translation). */
export function errorDetail(err) {
  if (!err || err.status === 0 || !err.message) return ''
  const text = errorText(err)
  return text === err.message ? '' : err.message
}
