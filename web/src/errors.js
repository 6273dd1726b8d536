// errors.js — turns an error thrown by api.js into a sentence for the user.
// The server's message is already written for people (DESIGN §5); we only
// supply texts for failures that never reached it.
import { i18n } from './i18n.js'

export function errorText(err) {
  const { t } = i18n.global
  if (!err || err.status === 0) return t('errors.network')
  return err.message || t('errors.unknown')
}
