// idNumber.js — the resident ID number rule of GB 11643-1999, mirrored from
// src/domain/validate.c (gg_id_number_check) so a typo is caught while typing
// and the birth date and gender can be filled in.  The server stays the
// authority: it checks again and its message wins.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK = '10X98765432'
// GB/T 2260 province codes; 83 = residence permits of Taiwan residents.
const PROVINCES = new Set('11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83'.split(' '))

export function checkChar(first17) {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]
  return CHECK[sum % 11]
}

function realDate(y, m, d) {
  const dt = new Date(Date.UTC(y, m - 1, d))
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d
}

/** Spaces and dashes are ignored and a lower-case x counts, as on the server's search. */
export function normalizeIdNumber(s) {
  return String(s || '').replace(/[\s-]/g, '').toUpperCase()
}

/**
 * {ok: true, birthDate: 'YYYY-MM-DD', gender: 'male'|'female'} or
 * {ok: false, reason} with reason one of: length, digits, last, province,
 * date, future, early, checksum (same order of checks as the server, so the
 * most specific problem is named).  `today` is 'YYYY-MM-DD' (Beijing).
 */
export function parseIdNumber(raw, today) {
  const id = normalizeIdNumber(raw)
  if (id.length !== 18) return { ok: false, reason: 'length', length: id.length }
  if (!/^\d{17}/.test(id)) return { ok: false, reason: 'digits' }
  if (!/[\dX]$/.test(id)) return { ok: false, reason: 'last' }
  if (!PROVINCES.has(id.slice(0, 2))) return { ok: false, reason: 'province' }
  const y = Number(id.slice(6, 10))
  const m = Number(id.slice(10, 12))
  const d = Number(id.slice(12, 14))
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`
  if (!realDate(y, m, d)) return { ok: false, reason: 'date' }
  if (today && birthDate > today) return { ok: false, reason: 'future' }
  if (y < 1880) return { ok: false, reason: 'early' }
  if (checkChar(id) !== id[17]) return { ok: false, reason: 'checksum' }
  return { ok: true, id, birthDate, gender: Number(id[16]) % 2 ? 'male' : 'female' }
}

/** Today in Asia/Shanghai as YYYY-MM-DD, whatever the device's zone. */
export function todayInBeijing() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date())
}
