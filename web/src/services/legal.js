// services/legal.js — legal services of the centres (法治超市, docs/centres.md): counters, professionals,
// slots, appointments (a resident's own or the desk's for a walk-in), the walk-in queue and consultation
// records.  Bookings carry an Idempotency-Key: a retried tap never books two slots.
import { api, withQuery, seg } from '../api.js'
import { idempotencyKey } from './cases.js'

export const PRO_KINDS = ['lawyer', 'notary', 'judge', 'legal_adviser']

export const listCounters = () => api.get('/api/v1/legal/counters')
export const createCounter = (body) => api.post('/api/v1/legal/counters', body)
export const listProfessionals = (counterId) => api.get(withQuery('/api/v1/legal/professionals', { counter_id: counterId }))
export const createProfessional = (body) => api.post('/api/v1/legal/professionals', body)

/** Slots of the next 14 days (or of one date, YYYY-MM-DD) of a counter; free: only the bookable ones. */
export const listSlots = ({ counterId, professionalId, date, free } = {}) =>
  api.get(withQuery('/api/v1/legal/slots', { counter_id: counterId, professional_id: professionalId, date, free: free ? 1 : undefined }))
export const createSlot = (body) => api.post('/api/v1/legal/slots', body)

export const myAppointments = () => api.get('/api/v1/legal/appointments?mine=1')
export const counterAppointments = (counterId) => api.get(withQuery('/api/v1/legal/appointments', { counter_id: counterId }))
/** {slot_id, topic, visitor_name?}: without visitor_name the caller books for themselves. */
export const book = (body, key = idempotencyKey()) => api.post('/api/v1/legal/appointments', body, { headers: { 'Idempotency-Key': key } })
export const cancelAppointment = (id) => api.post(`/api/v1/legal/appointments/${seg(id)}/cancel`)
/** attendance: checked_in (签到, from an hour before the slot) or no_show (爽约, once it began); the desk's. */
export const recordAttendance = (id, attendance) => api.post(`/api/v1/legal/appointments/${seg(id)}/attendance`, { attendance })
export const recordConsultation = (body) => api.post('/api/v1/legal/consultations', body)

export const queue = (counterId) => api.get(`/api/v1/legal/counters/${seg(counterId)}/queue`)
export const takeNumber = (counterId, name) => api.post(`/api/v1/legal/counters/${seg(counterId)}/queue`, name ? { name } : {})
export const callNext = (counterId) => api.post(`/api/v1/legal/counters/${seg(counterId)}/queue/next`)

/** The Beijing date (YYYY-MM-DD) and time (HH:MM) of an instant. */
const dayFmt = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' })
const timeFmt = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
export const localDay = (iso) => dayFmt.format(new Date(iso))
export const localTime = (iso) => timeFmt.format(new Date(iso))

/** Slots grouped by Beijing day, in order: [{day, slots}]. */
export function byDay(slots) {
  const out = []
  for (const s of slots) {
    const day = localDay(s.starts_at)
    if (!out.length || out[out.length - 1].day !== day) out.push({ day, slots: [] })
    out[out.length - 1].slots.push(s)
  }
  return out
}
