// caseFormat.js — how a case's parts read in the UI: names of its category and units (the server answers
// them as objects {id, name, …}; a bare id is shown as #id), the working time left, dates.
import { i18n } from '../../i18n.js'

const obj = (v) => (v && typeof v === 'object' ? v : null)

/** The name of a nested {id, name} (or "#id" for a bare id, '' for none). */
export function nameOf(v, fallbackName) {
  if (obj(v)) return v.name || (v.id ? `#${v.id}` : '')
  if (fallbackName) return fallbackName
  return v ? `#${v}` : ''
}

export function categoryName(c) {
  if (!c) return ''
  const cat = obj(c.category)
  const en = i18n.global.locale.value === 'en'
  if (cat) return (en && cat.name_en) || cat.name || ''
  return c.category_name || (c.category_id ? `#${c.category_id}` : '')
}

export function unitName(c, key) {
  return nameOf(c[key] ?? c[`${key}_id`], c[`${key}_name`])
}

/** The lead task's unit (or the case's handler unit). */
export function handlerName(c) {
  if (obj(c.handler_unit)) return c.handler_unit.name
  if (c.handler_unit_name) return c.handler_unit_name
  const lead = Array.isArray(c.tasks) ? c.tasks.find((x) => x.role === 'lead' && x.state !== 'withdrawn') : null
  if (lead) return nameOf(lead.unit ?? lead.unit_id, lead.unit_name)
  return ''
}

/** Working ms as people count them: 8 working hours a day. */
export function workingTime(ms) {
  const { t } = i18n.global
  const m = Math.round(Math.abs(ms) / 60000)
  const days = Math.floor(m / 480)
  const hours = Math.floor((m % 480) / 60)
  const minutes = m % 60
  const parts = []
  if (days) parts.push(t('cases.time.days', { n: days }))
  if (hours) parts.push(t('cases.time.hours', { n: hours }))
  if (!days && (minutes || !hours)) parts.push(t('cases.time.minutes', { n: minutes }))
  return parts.join(' ')
}

/** {text, mark} for the case's remaining working time, or null when its clock does not run. */
export function remainingOf(c) {
  const { t } = i18n.global
  const r = obj(c && c.remaining)
  if (!r || typeof r.working_ms !== 'number') return null
  const mark = r.mark || 'none'
  if (c.state === 'suspended') return { text: t('cases.detail.suspendedLeft', { time: workingTime(r.working_ms) }), mark: 'none', fallback: !!r.calendar_fallback }
  // Past the deadline the server may answer 0 left (red) or how far past it is (negative).
  const text =
    r.working_ms < 0
      ? t('cases.detail.overdueBy', { time: workingTime(r.working_ms) })
      : r.working_ms === 0 && mark === 'red'
        ? t('cases.detail.overdue')
        : t('cases.detail.left', { time: workingTime(r.working_ms) })
  return { text, mark, fallback: !!r.calendar_fallback }
}

/** The list's mark: from `remaining`, else `mark` on the row. */
export function markOf(c) {
  if (!c) return 'none'
  if (obj(c.remaining) && c.remaining.mark) return c.remaining.mark
  return c.mark || 'none'
}

const pad = (n) => String(n).padStart(2, '0')
/** Unix ms → "2026-12-04 15:07" in the browser's zone. */
export function dateTime(ms) {
  if (ms === null || ms === undefined || ms === '') return ''
  const d = new Date(typeof ms === 'number' ? ms : Date.parse(ms))
  if (Number.isNaN(d.getTime())) return String(ms)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** Unix ms or RFC 3339 → "12-04 15:07" this year, else the whole dateTime (lists, where width is scarce). */
export function dateShort(ms) {
  const full = dateTime(ms)
  return full && full.startsWith(`${new Date().getFullYear()}-`) ? full.slice(5) : full
}

/**
 * The attachments of a case or an event: `attachments` (objects, docs/api.md "Attachments"), else the ids
 * the event's detail names (`attachment_ids`, `after_attachment_ids`: staff see the detail).
 */
export function attachmentsOf(x) {
  if (!x) return []
  if (Array.isArray(x.attachments)) return x.attachments
  const d = obj(x.detail) || {}
  const ids = [...(Array.isArray(x.attachment_ids) ? x.attachment_ids : []), ...(Array.isArray(d.attachment_ids) ? d.attachment_ids : []), ...(Array.isArray(d.after_attachment_ids) ? d.after_attachment_ids : [])]
  return ids.filter((id) => Number.isFinite(id)).map((id) => ({ id }))
}
