// services/calendar.js — the working calendar (工作日历): GET/PUT/DELETE /api/v1/calendar… (docs/api.md).
import { api, withQuery, seg } from '../api.js'

/** {year, coverage: 'chinese-days'|'local'|'fallback', office_hours, days: [{date, kind, name, source, …}]} */
export function getCalendar(year) {
  return api.get(withQuery('/api/v1/calendar', { year }))
}

/** A local entry for date (YYYY-MM-DD): kind 'holiday' | 'workday'. */
export function putCalendarDay(date, { kind, name }) {
  return api.put(`/api/v1/calendar/days/${seg(date)}`, { kind, name })
}

export function deleteCalendarDay(date) {
  return api.del(`/api/v1/calendar/days/${seg(date)}`)
}
