// auditActions.js — audit log actions as people read them.  The server writes
// action codes (docs/api.md "Audit log"); known ones are translated under
// audit.actions.* (dots become "_": vue-i18n splits keys on dots), unknown
// ones are shown as the code.  A one-line summary is drawn from the detail
// object for the common actions; the whole detail is always shown as text.
import { i18n, roleName } from './i18n.js'

export const ACTIONS = [
  'login',
  'login.failed',
  'login.refused',
  'logout',
  'account.create',
  'account.update',
  'account.password',
  'grant.add',
  'grant.remove',
  'pii.read',
  'unit.create',
  'division.import',
  'account.create.denied',
  'account.update.denied',
  'account.password.denied',
  'grant.denied',
  'grant.remove.denied',
  'account.unlock',
  'account.unlock.denied',
  'account.flagged',
  'resident.id_probe',
  'unit.boundary',
  'grid.create',
  'grid.update',
  'grid.restructure',
  'grid_assignment.create',
  'grid_assignment.end',
  'building.create',
  'building.update',
  'building.move',
  'house.create',
  'house.update',
  'house.qr_rotate',
  'household.create',
  'household.update',
  'household.member.in',
  'household.member.out',
  'household.member.update',
  'resident.create',
  'resident.update',
  'resident.tag.add',
  'resident.tag.remove',
  'resident.depart',
  'resident.return',
  'tag.create',
  'tag.update',
  'category.create',
  'category.update',
  'category.retire',
  'category.restore',
  'case.create',
  'case.caller_lookup',
  'hotline_line.create',
  'hotline_line.update',
  'open311_key.create',
  'open311_key.revoke',
  'hotline_link.update',
  'webhook.create',
  'webhook.update',
  'webhook.retry',
  'video_source.create',
  'camera.create',
  'camera.update',
  'video_alarm_type.put',
  'calendar.put',
  'suggest.retrain',
  'calendar.delete',
  'calendar.put.refused',
  'calendar.delete.refused',
  'case.transition',
  'case.refused',
  'registration.submit',
  'registration.approve',
  'registration.reject',
  'import.houses',
  'import.residents',
  'pii.export',
  'audit.export',
  'demo.generate',
  'report.request',
  'dispute.create',
  'dispute.assign',
  'dispute.session',
  'dispute.session_scheduled',
  'dispute.outcome',
  'dispute.agreement',
  'dispute.agreement_changed',
  'dispute.followup_planned',
  'dispute.followup',
  'dispute.judicial',
  'dispute.escalate',
  'dispute.hand_over',
  'dispute.note',
  'dispute.edit',
  'dispute.party_add',
  'dispute.party_remove',
  'dispute.revoke',
  'committee.create',
  'mediator.create',
  'assessment.plan_create',
  'assessment.plan_update',
  'assessment.tasks_add',
  'assessment.task_update',
  'assessment.plan_activate',
  'assessment.plan_close',
  'assessment.compute',
  'assessment.score_submit',
  'assessment.score_approve',
  'assessment.score_return',
  'assessment.score_refused',
  'centre.save',
  'matter.create',
  'matter.escalate',
  'matter.close',
  'petition.create',
  'petition.accept',
  'petition.reject',
  'petition.extend',
  'petition.reply',
  'petition.review',
  'petition.close',
  'petition.refused',
  'legal.counter_create',
  'legal.professional_create',
  'legal.book',
  'legal.cancel',
  'legal.check_in',
  'legal.no_show',
  'legal.consultation',
  'counselling.refer',
  'visit.create',
  'visit.correct',
  'visit.to_case',
  'counselling.update',
  'counselling.refused',
  'screening.report',
]

/** Filter prefixes: the server matches an action ending in "." as a prefix. */
export const PREFIXES = [
  'login.',
  'account.',
  'grant.',
  'unit.',
  'grid.',
  'house.',
  'household.',
  'resident.',
  'registration.',
  'import.',
  'calendar.',
]

/** Where an entry came from: an IP address, or "local" (a command run on the server) named in words. */
export function sourceLabel(clientIp) {
  const { t } = i18n.global
  if (!clientIp) return { text: '—', named: true }
  if (clientIp === 'local') return { text: t('audit.sources.local'), named: true }
  return { text: clientIp, named: false }
}

/** The server's own tools write as these names, with no account: say which tool it was. */
export function systemActorLabel(username) {
  const { t, te } = i18n.global
  const k = `audit.systemActors.${String(username || '').replace(/[^a-z]/g, '_')}`
  return username && te(k) ? t(k) : ''
}

/** An object type ("resident") in words; unknown types as they are. */
export function objectTypeLabel(type) {
  const { t, te } = i18n.global
  return te(`audit.objects.${type}`) ? t(`audit.objects.${type}`) : type
}

const key = (code) => `audit.actions.${code.replace(/\./g, '_')}`

export function actionLabel(code) {
  const { t, te } = i18n.global
  if (!code) return ''
  if (code.endsWith('.')) {
    const k = `audit.prefixes.${code.slice(0, -1)}`
    return te(k) ? t(k) : code
  }
  return te(key(code)) ? t(key(code)) : code
}

/** Tag colour: refusals and failures stand out, unmasked reads are amber. */
export function actionType(code) {
  if (/\.(denied|failed|refused)$/.test(code || '')) return 'danger'
  if (code === 'pii.read') return 'warning'
  if (code === 'login' || code === 'logout') return 'info'
  return 'primary'
}

function objectOf(v) {
  return v && typeof v === 'object' && !Array.isArray(v) ? v : {}
}

/** A short sentence for the row, or '' when the detail has nothing we know how to say. */
export function summarize(entry) {
  const { t, te } = i18n.global
  const d = objectOf(entry.detail)
  const s = (v) => (v === null || v === undefined ? '' : String(v))
  const statusName = (v) => (te(`accounts.status.${v}`) ? t(`accounts.status.${v}`) : s(v))
  switch (entry.action) {
    case 'login':
      return d.client ? t('audit.summary.client', { client: te(`audit.clients.${d.client}`) ? t(`audit.clients.${d.client}`) : s(d.client) }) : ''
    case 'account.create':
      return t('audit.summary.accountCreate', { username: s(d.username), name: s(d.display_name) })
    case 'account.update': {
      const parts = []
      if (d.display_name_before !== d.display_name_after)
        parts.push(t('audit.summary.nameChange', { from: s(d.display_name_before), to: s(d.display_name_after) }))
      if (d.status_before !== d.status_after)
        parts.push(t('audit.summary.statusChange', { from: statusName(d.status_before), to: statusName(d.status_after) }))
      if (d.phone === 'changed') parts.push(t('audit.summary.phoneChanged'))
      return parts.join('；')
    }
    case 'account.password':
      return d.by === 'self' ? t('audit.summary.passwordBySelf') : d.by ? t('audit.summary.passwordByAdmin') : ''
    case 'grant.add':
    case 'grant.remove':
      return t('audit.summary.grant', { role: roleName(s(d.role)), unit: s(d.unit) })
    case 'pii.read': {
      const fields = Array.isArray(d.fields) ? d.fields : []
      return t('audit.summary.fields', {
        fields: fields.map((f) => (te(`audit.fields.${f}`) ? t(`audit.fields.${f}`) : s(f))).join('、'),
      })
    }
    case 'unit.create':
      return t('audit.summary.unitCreate', {
        level: te(`units.levels.${d.level}`) ? t(`units.levels.${d.level}`) : s(d.level),
        name: s(d.name),
        code: s(d.code),
      })
    case 'division.import':
      return t('audit.summary.divisionImport', {
        inserted: s(d.inserted ?? 0),
        renamed: s(d.renamed ?? 0),
        moved: s(d.moved ?? 0),
        retired: s(d.retired ?? 0),
      })
    default:
      if (entry.action && entry.action.endsWith('.denied') && d.refused) return t('audit.summary.refused', { why: s(d.refused) })
      return ''
  }
}
