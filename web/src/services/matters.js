// matters.js — the one window's public tracking (docs/centres.md): a YC matter by its number and tracking code.
import { api, withQuery, seg } from '../api.js'

export function publicMatterTrack(number, secret) {
  return api.get(withQuery(`/api/v1/public/matters/${seg(number)}`, { secret }), { skipAuthRedirect: true })
}

// A YC number (一窗受理) rather than a case's GG number.
export const isMatterNumber = (number) => /^YC/i.test(String(number || '').trim())
