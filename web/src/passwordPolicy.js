// passwordPolicy.js — the server's password policy (gg_password_policy in
// src/auth/crypto.c, docs/api.md "/me/password"), mirrored so an administrator
// sees what is missing while typing, in their language.  The server still
// decides; its message is shown if it refuses anyway.
export const MIN_LENGTH = 10
export const MAX_LENGTH = 128

export function checkPassword(password, username = '') {
  const pw = password || ''
  const length = [...pw].length // characters, as the server counts them
  // Like the server's byte test: anything that is not an ASCII letter or digit is "other".
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(pw)).length
  const u = (username || '').trim().toLowerCase()
  const rules = {
    length: length >= MIN_LENGTH && length <= MAX_LENGTH,
    classes: classes >= 3,
    noUsername: pw !== '' && (!u || !pw.toLowerCase().includes(u)),
  }
  return { ...rules, ok: rules.length && rules.classes && rules.noUsername }
}

// No look-alikes (0/O, 1/l/I) so a password read out over the phone survives.
const SETS = ['abcdefghijkmnpqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '-_.!@#%+=']

/** A random password that satisfies the policy (one of each class, 14 characters). */
export function generatePassword(length = 14) {
  const all = SETS.join('')
  const pick = (set) => set[randomInt(set.length)]
  const chars = SETS.map(pick)
  while (chars.length < length) chars.push(pick(all))
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1)
    ;[chars[i], chars[j]] = [chars[j], chars[i]]
  }
  return chars.join('')
}

function randomInt(n) {
  // Rejection sampling keeps the choice uniform.
  const limit = Math.floor(0x100000000 / n) * n
  const buf = new Uint32Array(1)
  do crypto.getRandomValues(buf)
  while (buf[0] >= limit)
  return buf[0] % n
}
