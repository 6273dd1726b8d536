// What a search box entry is: an exact ID number or phone (searched through
// the server's blind index, whole numbers only) or a name fragment.
import { normalizeIdNumber } from '../../idNumber.js'

export function searchKind(text) {
  const s = String(text || '').trim()
  if (!s) return { kind: 'none' }
  const id = normalizeIdNumber(s)
  if (/^\d{17}[\dX]$/.test(id) || /^\d{15}$/.test(id)) return { kind: 'id_number', value: id }
  if (/^1[3-9]\d{9}$/.test(s.replace(/[\s-]/g, '')) || /^0\d{2,3}-\d{7,8}$/.test(s)) return { kind: 'phone', value: s.replace(/\s/g, '') }
  return { kind: 'q', value: s }
}
