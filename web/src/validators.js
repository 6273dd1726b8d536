// validators.js — input checks that mirror the server's (src/domain/account.c)
// so mistakes are caught while typing, with a message in the user's language.
// The server checks again; these only save a round trip.

/** 2–64 characters: letters, digits, ".", "_" and "-". */
export const USERNAME_RE = /^[A-Za-z0-9._-]{2,64}$/

/** A mainland mobile (11 digits, 13–19) or a landline with its area code (0xx-xxxxxxx[x]). */
export function phoneValid(phone) {
  if (!/^\d+(-\d+)?$/.test(phone)) return false
  const digits = phone.replace('-', '')
  if (!phone.includes('-') && /^1[3-9]\d{9}$/.test(phone)) return true
  return phone[0] === '0' && digits.length >= 10 && digits.length <= 12
}

// el-form rules built on the checks above; t is vue-i18n's t, so a rule list
// is made inside a computed() and follows the language.

/** An optional phone number, checked when the field is left. */
export const phoneRule = (t) => ({
  validator: (_r, v, cb) => (v && !phoneValid(v) ? cb(new Error(t('accounts.form.phoneRule'))) : cb()),
  trigger: 'blur',
})

/** An account's display name: required, at most 64 characters (as the server). */
export const displayNameRules = (t) => [
  { required: true, whitespace: true, message: t('accounts.form.displayNameRequired'), trigger: 'blur' },
  { max: 64, message: t('accounts.form.displayNameTooLong'), trigger: 'blur' },
]
